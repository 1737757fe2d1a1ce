"""Every bundled query on the built seed graph; expected rows worked out by reading the corpus."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import RDF, SKOS

from graph.errors import QueryError
from graph.paths import QUERIES_DIR
from graph.queries import bundled_queries, find_query, missing_terms, parse_bindings, run_query, with_values


def rows(kg: Graph, query_name: str, **binds: str) -> list[dict[str, str]]:
    columns, found = run_query(kg, find_query(query_name).text, parse_bindings(tuple(f"{k}={v}" for k, v in binds.items())))
    return [dict(zip(columns, row, strict=True)) for row in found]


BINDS = {
    "reporting-chain": {"givenRole": "主办会计"},
    "role-clusters": {"givenRole": "服务经理"},
    "role-duties": {"givenRole": "出纳"},
    "role-links": {"givenRole": "主办会计"},
}
# asked about one organization as well (names looked up on each engine), besides the runs above
ONE_ORGANIZATION = {
    "shared-duties": {"givenRole": "索赔员", "givenOrganization": "第一篇"},
    "posts-without-superior": {"givenOrganization": "第三篇:4s店車間各崗位職責"},
    "duties-by-theme": {"givenTheme": "盘点", "givenOrganization": "4s-dealership-roles.txt"},
    "role-links": {"givenRole": "主办会计", "givenOrganization": "第四篇"},
}


def test_every_bundled_query_gives_the_same_rows_on_both_engines(built) -> None:  # type: ignore[no-untyped-def]
    from graph.engine import open_engine

    fast, reference = open_engine(built.out / "org.ttl", "oxigraph"), open_engine(built.out / "org.ttl", "rdflib")
    for q in bundled_queries():
        bindings = parse_bindings(tuple(f"{k}={v}" for k, v in BINDS.get(q.name, {}).items()))
        assert fast.select(q.text, bindings) == reference.select(q.text, bindings), q.name
    for name, binds in ONE_ORGANIZATION.items():
        text, bindings = find_query(name).text, parse_bindings(tuple(f"{k}={v}" for k, v in binds.items()))
        found = fast.select(text, bindings)
        assert found[1] and found == reference.select(text, bindings), name


def test_every_bundled_query_has_a_header_and_order_by() -> None:
    queries = bundled_queries()
    assert len(queries) >= 6
    for q in queries:
        assert q.text.startswith("# ") and "Columns:" in q.text and "Bindings:" in q.text, q.name
        assert "ORDER BY" in q.text, q.name


def test_every_bundled_query_answers_with_rows(kg: Graph) -> None:
    binds = BINDS
    for q in bundled_queries():
        assert rows(kg, q.name, **binds.get(q.name, {})), q.name


def test_roles_by_department(kg: Graph) -> None:
    found = {(r["department"], r["role"]): int(r["posts"]) for r in rows(kg, "roles-by-department")}
    # 服务经理: 第一篇 服務經理, 第二篇 售后服務經理, 第四篇 and 第五篇 服務經理
    assert found[("售后服务部", "服务经理")] == 4
    # 服务顾问: 第一篇 業務接待, 第二、四、五篇 服務顧問
    assert found[("售后服务部", "服务顾问")] == 4
    # 索赔员: 第一、二篇 索賠員, 第四、五篇 三包索賠員
    assert found[("售后服务部", "索赔员")] == 4
    # 仓库管理员: 第二、四篇 倉庫管理員, 第五篇 庫房管理員
    assert found[("配件部", "仓库管理员")] == 3
    assert found[("财务部", "主办会计")] == 1 and found[("管理层", "总经理")] == 1


def test_reporting_chain_up_to_the_top(kg: Graph) -> None:
    # 出納 配合主辦會計工作 (L484); 主辦會計 直接對財務經理負責 (L463); 財務經理 names no superior
    assert [(r["role"], r["superior"]) for r in rows(kg, "reporting-chain", givenRole="出纳")] == [
        ("出纳", "主办会计"),
        ("主办会计", "财务经理"),
        ("财务经理", ""),
    ]
    # 技術總監 協助服務經理 (L393); 服務經理 完成總經理交辦 (L511)
    chain = rows(kg, "reporting-chain", givenRole="Technical Director")
    assert [r["role"] for r in chain][:2] == ["技术总监", "服务经理"] and chain[-1]["role"] == "总经理"


def test_duties_by_theme_stocktaking(kg: Graph) -> None:
    lines = {int(r["line"]) for r in rows(kg, "duties-by-theme") if r["theme"] == "盘点"}
    # 盤點, 盤底 (typo, L468), 監盤, 帳、卡、物一致 and 三結合, 實物抽查, read line by line from the corpus
    assert lines == {40, 130, 187, 271, 273, 275, 278, 431, 434, 437, 452, 466, 468, 481}


def test_shared_duties_include_the_copied_ones(kg: Graph) -> None:
    pairs = {(int(r["lineA"]), int(r["lineB"])) for r in rows(kg, "shared-duties")}
    pairs |= {(b, a) for a, b in pairs}
    assert (231, 262) in pairs  # 銷售顧問 4 and 服務顧問 8 in 第二篇: the same sentence
    assert (27, 100) in pairs  # 站長 10 and 服務經理 13 in 第一篇: 公司各項制度在本部門的宣導
    assert (157, 174) in pairs  # 索賠員 3 and 業務接待 5 in 第一篇: 按規範流程…索賠…事務


def test_responsibility_matrix_claims(kg: Graph) -> None:
    found = {(r["theme"], r["role"]): int(r["duties"]) for r in rows(kg, "responsibility-matrix")}
    # 索賠員 posts: 第一篇 7 (L155-158,160,161,163), 第二篇 6 (L249-252,254,255),
    # 第四篇 7 (L403,405-409,411), 第五篇 7 (L560-563,565,566,569)
    assert found[("索赔", "索赔员")] == 27
    assert found[("6S", "维修技师")] == 2  # L148 and L446 (三不落地, 6S); L287 is 维修组长's


def test_responsibility_matrix_cells_are_the_counts_of_the_duties(kg: Graph) -> None:
    """The matrix reads cells counted at build time; counted here from the duties instead, every
    cell is the same and none is missing."""
    counted = """PREFIX rg: <https://w3id.org/rolegraph/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?theme ?role (COUNT(?d) AS ?duties) WHERE {
  ?p org:role ?r ; rg:hasDuty ?d . ?d rg:hasTheme ?t .
  ?t skos:prefLabel ?theme . FILTER(LANGMATCHES(LANG(?theme), "zh-Hans"))
  ?r skos:prefLabel ?role . FILTER(LANGMATCHES(LANG(?role), "zh-Hans"))
} GROUP BY ?theme ?role"""
    columns, found = run_query(kg, counted)
    from_duties = {(row[0], row[1]): int(row[2]) for row in found}
    cells = {(r["theme"], r["role"]): int(r["duties"]) for r in rows(kg, "responsibility-matrix")}
    assert len(cells) > 100 and cells == from_duties


def test_posts_without_superior(kg: Graph) -> None:
    found = {int(r["line"]): r["post"] for r in rows(kg, "posts-without-superior")}
    assert found[2] == "总经理"
    assert 462 not in found and 475 not in found and 392 not in found  # 主办会计, 出纳, 技术总监


def test_update_queries_and_syntax_errors_are_refused(kg: Graph) -> None:
    with pytest.raises(QueryError, match="update"):
        run_query(kg, "PREFIX x: <urn:x#>\nINSERT DATA { x:a x:b x:c }")
    with pytest.raises(QueryError, match="syntax error"):
        run_query(kg, "SELECT ?x WHERE { ?x ?y }")
    with pytest.raises(QueryError, match="no query 'nope'"):
        find_query("nope")


def test_query_folder_is_not_empty() -> None:
    assert sorted(Path(QUERIES_DIR).glob("*.rq"))


def test_a_theme_given_by_any_name_narrows_duties_by_theme(kg: Graph) -> None:
    every = [r for r in rows(kg, "duties-by-theme") if r["theme"] == "盘点"]
    for name in ("盘点", "盤點", "Stocktaking"):
        assert rows(kg, "duties-by-theme", givenTheme=name) == every, name


def test_shared_duties_of_one_role_are_the_overlaps_it_is_in(kg: Graph) -> None:
    every = rows(kg, "shared-duties")
    mine = rows(kg, "shared-duties", givenRole="索赔员")
    assert mine == [r for r in every if "索赔员" in (r["roleA"], r["roleB"])]
    assert (157, 174) in {(int(r["lineA"]), int(r["lineB"])) for r in mine}  # 索賠員 3 and 業務接待 5, 第一篇


def test_organizations_are_the_five_documents_of_the_seed(kg: Graph) -> None:
    found = rows(kg, "organizations")
    # the headings 第一篇 … 第五篇 are on lines 1, 205, 331, 378 and 495 of the corpus; 54 posts in all
    assert [int(r["line"]) for r in found] == [1, 205, 331, 378, 495]
    assert [r["organization"].split(":")[0] for r in found] == ["第一篇", "第二篇", "第三篇", "第四篇", "第五篇"]
    assert {r["document"] for r in found} == {"4s-dealership-roles.txt"}
    assert sum(int(r["posts"]) for r in found) == 54


def test_shared_duties_of_one_organization_by_any_of_its_names(kg: Graph) -> None:
    """第一篇 runs from line 1 to 204 (第二篇 starts at 205): its overlaps have a duty there."""
    every = rows(kg, "shared-duties")
    first = [r for r in every if int(r["lineA"]) < 205 or int(r["lineB"]) < 205]
    assert first and len(first) < len(every)
    iri = "<https://w3id.org/rolegraph/id/org/4s-dealership-roles/1>"
    for name in ("第一篇", "第一篇:4S店各崗位職責", "第一篇:4S店各岗位职责", iri):
        assert rows(kg, "shared-duties", givenOrganization=name) == first, name
    # the file name (with or without .txt) names all five organizations of the document
    assert rows(kg, "shared-duties", givenOrganization="4s-dealership-roles") == every
    both = rows(kg, "shared-duties", givenRole="索赔员", givenOrganization="第一篇")
    assert both == [
        r
        for r in first
        if "索赔员" in (r["roleA"], r["roleB"])
        and (int(r["lineA"]) < 205 and r["roleA"] == "索赔员" or int(r["lineB"]) < 205 and r["roleB"] == "索赔员")
    ]
    assert (157, 174) in {(int(r["lineA"]), int(r["lineB"])) for r in both}  # 索賠員 3 and 業務接待 5
    with pytest.raises(QueryError, match="no organization named '第九篇' .*organizations lists them"):
        rows(kg, "shared-duties", givenOrganization="第九篇")


def test_post_and_duty_listings_narrow_to_one_organization(kg: Graph) -> None:
    """第四篇 runs from line 378 to 494: the 出納 post (L475, duties L476-485) is in it, not in 第一篇."""
    fourth = rows(kg, "role-duties", givenRole="出纳", givenOrganization="第四篇")
    assert [int(r["dutyLine"]) for r in fourth] == list(range(476, 486))
    assert rows(kg, "role-duties", givenRole="出纳", givenOrganization="第一篇") == []
    # 第三篇 (L331-377) names none of its seven positions: the heading 4s店車間各崗位職責 starts each,
    # on lines 332, 340, 346, 352, 358, 363 and 374; none of them has a superior
    third = rows(kg, "posts-without-superior", givenOrganization="第三篇")
    assert [int(r["line"]) for r in third] == [332, 340, 346, 352, 358, 363, 374]
    every = rows(kg, "duties-by-theme", givenTheme="盘点")
    first = rows(kg, "duties-by-theme", givenTheme="盘点", givenOrganization="第一篇")
    assert first and first == [r for r in every if int(r["line"]) < 205]


def test_role_links_narrow_to_the_organization_of_each_line(kg: Graph) -> None:
    """主辦會計 is a post of 第四篇 alone (L462): 直接對財務經理負責 (L463) and 負責出納的培訓工作 (L473)
    in its duties, 配合主辦會計工作 (L484) in those of 出納; 第一篇 (L1-204) has no link of it."""
    fourth = rows(kg, "role-links", givenRole="主办会计", givenOrganization="第四篇")
    assert [(r["direction"], r["role"], int(r["line"])) for r in fourth] == [
        ("superior", "财务经理", 463),
        ("subordinate", "出纳", 473),
        ("subordinate", "出纳", 484),
    ]
    assert rows(kg, "role-links", givenRole="主办会计", givenOrganization="第一篇") == []
    # every link of a post of 第一篇 lies between its lines 1 and 204
    first = rows(kg, "role-links", givenRole="服务经理", givenOrganization="第一篇")
    assert first and all(int(r["line"]) < 205 for r in first)


def test_a_role_given_twice_takes_both_and_an_unknown_name_is_an_error(kg: Graph) -> None:
    text = find_query("role-duties").text
    both = run_query(kg, text, parse_bindings(("givenRole=出纳", "givenRole=主办会计")))[1]
    # the one 主辦會計 post (heading L462, duties L463-474) and the one 出納 post (L475, duties L476-485)
    assert {row[2] for row in both} == {"462", "475"} and len(both) == 12 + 10
    with pytest.raises(QueryError, match="no role named '不存在'"):
        run_query(kg, text, parse_bindings(("givenRole=不存在",)))


def test_role_clusters_count_the_posts_of_the_role_in_each_cluster(kg: Graph) -> None:
    """Worked out without SPARQL: walk the graph from the role's posts to their duties' clusters."""
    from rdflib.namespace import ORG, RDFS

    from graph.namespace import RG

    role = next(
        r for r in kg.subjects(RDF.type, RG.Role) if Literal("服务经理", lang="zh-Hans") in set(kg.objects(r, SKOS.prefLabel))
    )
    posts = set(kg.subjects(ORG.role, role))
    expected: dict[str, int] = {}
    for cluster in kg.subjects(RDF.type, RG.DutyCluster):
        members = set(kg.objects(cluster, RG.member))
        holding = {p for p in posts if members & set(kg.objects(p, RG.hasDuty))}
        if holding:
            expected[str(kg.value(cluster, RDFS.label))] = len(holding)
    found = rows(kg, "role-clusters", givenRole="服务经理")
    assert {r["cluster"]: int(r["posts"]) for r in found} == expected
    assert {r["ofPosts"] for r in found} == {"4"}  # 服務經理 of 第一、四、五篇 and 售后服務經理 of 第二篇


def test_bind_markers_put_the_values_inside_subqueries_too() -> None:
    from rdflib import URIRef

    text = "SELECT * WHERE {\n  { SELECT ?x (COUNT(?y) AS ?n) WHERE {\n      # bind ?x\n      ?y <urn:p> ?x .\n"
    text += "    } GROUP BY ?x }\n}"
    bound = with_values(text, {"x": [URIRef("urn:a"), URIRef("urn:b")]})
    assert bound.count("VALUES") == 2 and "# bind ?x\n  VALUES ?x { <urn:a> <urn:b> }" in bound
    assert with_values(text, {"z": [URIRef("urn:a")]}).count("VALUES") == 1  # ?x not given: the marker stays a comment


def test_a_graph_older_than_a_term_a_query_needs_gets_a_note(built, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """role-links needs rg:inOrganization (its header says so): on a graph built before the term
    was added, the query answers no rows, and the note says why and what to do."""
    import pyoxigraph as ox
    from click.testing import CliRunner

    from graph.cli import main
    from graph.namespace import RG

    term = str(RG.inOrganization)
    kept = [
        q
        for q in ox.parse(path=str(built.out / "org.ttl"), format=ox.RdfFormat.TURTLE)
        if term not in (q.subject.value, q.predicate.value)
    ]
    older = tmp_path / "older.nt"
    ox.serialize(kept, output=str(older), format=ox.RdfFormat.N_TRIPLES)
    for graph, note in ((older, True), (built.out / "org.ttl", False)):
        for args in (["query", "role-links", "--role", "主办会计"], ["show", "主办会计"]):
            result = CliRunner().invoke(main, [*args, "--graph", str(graph)])
            assert result.exit_code == 0, result.output
            assert ("the graph has no rg:inOrganization" in result.stderr) is note, (graph, args)
    assert missing_terms(find_query("role-links").text, lambda ask: [["false"]]) == ["rg:inOrganization"]
    assert missing_terms(find_query("role-duties").text, lambda ask: [["false"]]) == []
