"""rolegraph shards: the graph as N-Quads files for a cluster's bulk loader, cut by size or per
organization; loaded into a real oxigraph process, every bundled query gives the rows of the
single file."""

from __future__ import annotations

import hashlib
import json
import os
import resource
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from graph.cli import main
from graph.endpoint import RemoteEngine, remote_query
from graph.engine import open_engine
from graph.errors import InvocationError, RolegraphError
from graph.paths import DEFAULT_PACK
from graph.pipeline import BuildOptions, BuildResult, build
from graph.programs import oxigraph_binary
from graph.queries import bundled_queries, find_query, parse_bindings
from graph.shards import MANIFEST, PER, SUMS, OwnerReader, organization_stems, write_shards
from tests.test_endpoint import BINDINGS, ONE_ORGANIZATION, free_port

SIZE_MB = 0.25  # the bundled graph (about 1.9 MB of N-Quads) in several shards
GRAPH = "https://example.org/graphs/dealers"
RGD, RG = "https://w3id.org/rolegraph/id/", "https://w3id.org/rolegraph/ontology#"

# Two stores in one document, each post and duty placed by hand so that every rule of
# attribution has a case (dealership pack for both, so 出纳 and 主办会计 are one role each):
#   甲店 (org/dealers/1): 出纳 post 1/1, duties 1/1/1 登记现金日记账 and 1/1/2 向主办会计汇报工作
#     (an explicit reporting line 出纳 → 主办会计, read from duty 1/1/2); 主办会计 post 1/2,
#     duties 1/2/1 审核记账凭证 and 1/2/2 登记现金日记账.
#   乙店 (org/dealers/2): 出纳 2/1 (2/1/1 登记现金日记账, 2/1/2 保管乙店的印章), 主办会计 2/2
#     (2/2/1 编制财务报表, 2/2/2 指导出纳的工作), 会计 2/3 (2/3/1 审核记账凭证, 2/3/2 编制财务报表);
#     no cue names a superior, so 出纳 and 会计 are inferred under the department's head, 主办会计.
# Overlaps (the same text, of different roles, or of two posts of one store): 1/1/1–1/2/2 within
# 甲店, 2/2/1–2/3/2 within 乙店, and 1/2/1–2/3/1 across (主办会计 and 会计); not 1/2/2–2/1/1,
# whose roles already overlap on that text within 甲店, nor 1/1/1–2/1/1, one role (a cluster).
# Clusters (near-copies): 登记现金日记账 {1/1/1, 1/2/2, 2/1/1} and 审核记账凭证 {1/2/1, 2/3/1}, both
# across the two stores, and 编制财务报表 {2/2/1, 2/3/2} within 乙店.
DEALERS = """第一篇：甲店岗位职责
出纳岗位职责
1、登记现金日记账。
2、向主办会计汇报工作。
主办会计岗位职责
1、审核记账凭证。
2、登记现金日记账。
第二篇：乙店岗位职责
出纳岗位职责
1、登记现金日记账。
2、保管乙店的印章。
主办会计岗位职责
1、编制财务报表。
2、指导出纳的工作。
会计岗位职责
1、审核记账凭证。
2、编制财务报表。
"""
A, B = RGD + "org/dealers/1", RGD + "org/dealers/2"
FILES = {"org-dealers-1-00001.nq": A, "org-dealers-2-00001.nq": B, "shared-00001.nq": "shared"}


def post(path: str) -> str:
    return f"{RGD}post/dealers/{path}"


def duty(path: str) -> str:
    return f"{RGD}duty/dealers/{path}"


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    return build(BuildOptions(out=tmp_path_factory.mktemp("shards") / "out", validate=False, store=True))


@pytest.fixture(scope="module")
def dealers(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    folder = tmp_path_factory.mktemp("dealers")
    (folder / "dealers.txt").write_text(DEALERS, encoding="utf-8")
    options = BuildOptions(sources=(folder / "dealers.txt",), out=folder / "out", pack=DEFAULT_PACK, validate=False, store=True)
    return build(options)


def cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def shard_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.nq"))


@contextmanager
def loaded(shards: list[Path], location: Path, *, union: bool = False) -> Iterator[str]:
    """Every shard loaded by 'oxigraph load' (in parallel, one call), then served read-only: the query URL."""
    binary = oxigraph_binary()
    subprocess.run([binary, "load", "--location", str(location), "--file", *map(str, shards)], check=True, capture_output=True)
    port = free_port()
    command = [binary, "serve-read-only", "--location", str(location), "--bind", f"127.0.0.1:{port}"]
    process = subprocess.Popen([*command, *(["--union-default-graph"] if union else [])], stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/query"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                remote_query(url, "ASK {}")
                break
            except RolegraphError:
                assert time.monotonic() < deadline and process.poll() is None, "oxigraph did not come up"
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_shards_are_bounded_listed_and_add_up_to_the_graph(stored: BuildResult, tmp_path: Path) -> None:
    code, output = cli("shards", str(stored.out / "org.ttl"), "--out", str(tmp_path / "shards"), "--size", str(SIZE_MB))
    assert code == 0, output
    folder = tmp_path / "shards"
    files = shard_files(folder)
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    triples = stored.report["counts"]["triples"]
    assert output == f"{len(files)} shards, {triples} quads, in {folder}\n"
    assert len(files) >= 5 and [s["file"] for s in manifest["shards"]] == [f.name for f in files]
    assert manifest["quads"] == triples == sum(s["quads"] for s in manifest["shards"])
    assert (manifest["source"], manifest["graph"], manifest["format"]) == ("org.ttl", None, "application/n-quads")
    sums = (folder / SUMS).read_text(encoding="utf-8").splitlines()
    for shard, entry, line in zip(files, manifest["shards"], sums, strict=True):
        data = shard.read_bytes()
        assert len(data) == entry["bytes"] <= SIZE_MB * 1024 * 1024
        assert data.count(b"\n") == entry["quads"] and data.endswith(b" .\n")
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
        assert line == f"{entry['sha256']}  {shard.name}"
    text = b"".join(f.read_bytes() for f in files)
    assert b'"@zh-Hans' in text and b'"@zh-hans' not in text  # tags as the contract spells them, as in org.ttl


def test_same_graph_same_bytes_and_the_store_gives_the_same_quads(stored: BuildResult, tmp_path: Path) -> None:
    write_shards(stored.out / "org.ttl", tmp_path / "a", size_mb=SIZE_MB)
    write_shards(stored.out / "org.ttl", tmp_path / "b", size_mb=SIZE_MB)
    a = {p.name: p.read_bytes() for p in sorted((tmp_path / "a").iterdir())}
    assert a == {p.name: p.read_bytes() for p in sorted((tmp_path / "b").iterdir())}
    result = write_shards(stored.out / "org.oxigraph", tmp_path / "c", size_mb=SIZE_MB)
    # the same quads (a store writes some literals in their canonical form: 1.0 as 1, a decimal)
    assert quads_of(shard_files(tmp_path / "c")) == quads_of(shard_files(tmp_path / "a"))
    assert result.quads == stored.report["counts"]["triples"]


def quads_of(files: list[Path]) -> list[str]:
    store = ox.Store()
    for file in files:
        store.bulk_load(path=str(file), format=ox.RdfFormat.N_QUADS)
    return sorted(map(str, store))


@pytest.mark.server
@pytest.mark.parametrize("per", ["size", "organization"])
def test_the_shards_loaded_into_oxigraph_answer_every_bundled_query_as_the_single_file(
    stored: BuildResult, tmp_path: Path, per: str
) -> None:
    result = write_shards(stored.out / "org.ttl", tmp_path / "shards", size_mb=SIZE_MB, per=per)
    assert len(result.shards) > 6  # per organization too: 0.25 MB cuts two stores and the shared triples
    local = open_engine(stored.out / "org.ttl", use_store=False)
    with loaded(shard_files(tmp_path / "shards"), tmp_path / "db") as url:
        remote = RemoteEngine(url)
        for query in bundled_queries():
            bindings = parse_bindings(BINDINGS.get(query.name, ()))
            rows = local.select(query.text, bindings)
            assert rows[1], query.name
            assert remote.select(query.text, bindings) == rows, query.name
        for name, given in ONE_ORGANIZATION.items():
            text, bindings = find_query(name).text, parse_bindings(given)
            assert remote.select(text, bindings) == local.select(text, bindings), name


@pytest.mark.server
def test_shards_in_a_named_graph_from_the_store(stored: BuildResult, tmp_path: Path) -> None:
    code, output = cli("shards", str(stored.out / "org.oxigraph"), "--out", str(tmp_path / "s"), "--graph-iri", GRAPH)
    assert code == 0, output
    assert json.loads((tmp_path / "s" / MANIFEST).read_text(encoding="utf-8"))["graph"] == GRAPH
    local = open_engine(stored.out / "org.ttl", use_store=False)
    with loaded(shard_files(tmp_path / "s"), tmp_path / "db", union=True) as url:
        count = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }}"
        assert remote_query(url, count)[1] == [[str(stored.report["counts"]["triples"])]]
        query = find_query("reporting-chain").text
        bindings = parse_bindings(("givenRole=出纳",))
        assert RemoteEngine(url).select(query, bindings) == local.select(query, bindings)


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["{tmp}/missing.ttl"], 1, "no graph file or store here"),
        (["{tmp}/empty"], 1, "not an Oxigraph store"),
        (["{tmp}/broken.ttl"], 1, "cannot parse graph"),
        (["{tmp}/notes.txt"], 1, "not a graph file rolegraph reads"),
        (["{out}/org.ttl", "--graph-iri", "not an iri"], 2, "not an absolute IRI"),
        (["{out}/org.ttl", "--size", "0"], 2, "--size"),
        (["{out}/org.ttl", "--per", "department"], 2, "Invalid value for '--per'"),
        (["{tmp}/plain.ttl", "--per", "organization"], 1, "no rg:Organization in this graph"),
        (["{tmp}/broken.ttl", "--per", "organization"], 1, "cannot parse graph"),
        (["{tmp}/empty", "--per", "organization"], 1, "not an Oxigraph store"),
    ],
)
def test_bad_input_is_a_clear_error(stored: BuildResult, tmp_path: Path, args: list[str], code: int, message: str) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "broken.ttl").write_text("<urn:a> <urn:b> .\n", encoding="utf-8")
    (tmp_path / "plain.ttl").write_text("<urn:a> <urn:b> <urn:c> .\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("hello", encoding="utf-8")
    given = [a.format(tmp=tmp_path, out=stored.out) for a in args]
    got, output = cli("shards", *given, "--out", str(tmp_path / "shards"))
    assert got == code and message in output and "Traceback" not in output, output
    assert not (tmp_path / "shards").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no staging left


def test_an_out_folder_of_other_files_is_refused_and_left_whole(stored: BuildResult, tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "thesis.md").write_text("# keep\n", encoding="utf-8")
    code, output = cli("shards", str(stored.out / "org.ttl"), "--out", str(folder))
    assert code == 2 and "thesis.md" in output
    assert [p.name for p in folder.iterdir()] == ["thesis.md"]
    assert cli("shards", str(stored.out / "org.ttl"), "--out", str(tmp_path / "s"))[0] == 0
    assert cli("shards", str(stored.out / "org.ttl"), "--out", str(tmp_path / "s"), "--size", "0.5")[0] == 0  # ours: replaced


def test_an_unknown_way_to_cut_is_refused_by_the_library_too(stored: BuildResult, tmp_path: Path) -> None:
    with pytest.raises(InvocationError, match="--per department: give one of size, organization"):
        write_shards(stored.out / "org.ttl", tmp_path / "s", per="department")
    assert not (tmp_path / "s").exists()
    offered = next(p for p in main.commands["shards"].params if p.name == "per")  # type: ignore[attr-defined]
    assert isinstance(offered.type, click.Choice) and tuple(offered.type.choices) == PER  # what the library takes


# --- per organization -----------------------------------------------------------------------


def nodes(file: Path) -> dict[str, set[object]]:
    """What a shard holds, by kind: subjects by class, overlaps and clusters as their sets of
    duties, reporting lines as (subordinate, superior); and every subject."""
    kg = ox.Store()
    kg.bulk_load(path=str(file), format=ox.RdfFormat.N_QUADS)

    def objects(s: ox.NamedNode, p: str) -> list[str]:
        return [str(q.object)[1:-1] for q in kg.quads_for_pattern(s, ox.NamedNode(RG + p), None)]  # IRIs, no <>

    held: dict[str, set[object]] = {"subjects": {str(q.subject)[1:-1] for q in kg}}
    for q in kg.quads_for_pattern(None, ox.NamedNode(RDF_TYPE), None):
        kind, s = str(q.object)[1:-1].rsplit("#", 1)[-1], q.subject
        assert isinstance(s, ox.NamedNode)
        held.setdefault(kind, set()).add(s.value)
        if kind == "DutyOverlap":
            held.setdefault("overlaps", set()).add(frozenset(objects(s, "duty")))
        elif kind == "DutyCluster":
            held.setdefault("clusters", set()).add(frozenset(objects(s, "member")))
        elif kind == "ReportingLine":
            held.setdefault("lines", set()).add((*objects(s, "subordinate"), *objects(s, "superior")))
    return held


RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def test_per_organization_each_store_holds_its_posts_duties_lines_and_overlaps_and_the_rest_is_shared(
    dealers: BuildResult, tmp_path: Path
) -> None:
    folder = tmp_path / "s"
    code, output = cli("shards", str(dealers.out / "org.ttl"), "--out", str(folder), "--per", "organization")
    triples = dealers.report["counts"]["triples"]
    assert code == 0 and output == f"3 shards of 2 organizations and shared, {triples} quads, in {folder}\n", output
    assert [f.name for f in shard_files(folder)] == list(FILES)
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    assert (manifest["per"], manifest["organizations"], manifest["quads"]) == ("organization", 2, triples)
    assert {s["file"]: s["organization"] for s in manifest["shards"]} == FILES
    a, b, shared = (nodes(folder / name) for name in FILES)

    assert a["Organization"] == {A} and b["Organization"] == {B}
    assert a["Post"] == {post("1/1"), post("1/2")}
    assert b["Post"] == {post("2/1"), post("2/2"), post("2/3")}
    assert a["Duty"] == {duty(d) for d in ("1/1/1", "1/1/2", "1/2/1", "1/2/2")}
    assert b["Duty"] == {duty(d) for d in ("2/1/1", "2/1/2", "2/2/1", "2/2/2", "2/3/1", "2/3/2")}
    assert a["lines"] == {(post("1/1"), post("1/2"))}
    assert b["lines"] == {(post("2/1"), post("2/2")), (post("2/3"), post("2/2"))}
    assert a["overlaps"] == {frozenset({duty("1/1/1"), duty("1/2/2")})} and "clusters" not in a
    assert b["overlaps"] == {frozenset({duty("2/2/1"), duty("2/3/2")})} == b["clusters"]
    for store in (a, b):  # nothing else: every subject of a store's file is a node typed in it
        assert store["subjects"] == set().union(*(v for k, v in store.items() if k[0].isupper()))

    assert not {"Organization", "Post", "Duty", "ReportingLine"} & shared.keys()
    assert shared["overlaps"] == {frozenset({duty("1/2/1"), duty("2/3/1")})}
    assert shared["clusters"] == {
        frozenset({duty("1/1/1"), duty("1/2/2"), duty("2/1/1")}),
        frozenset({duty("1/2/1"), duty("2/3/1")}),
    }
    assert {"Ontology", "Role", "DutyTheme", "Department", "SourceDocument", "ThemeCoOwnership"} <= shared.keys()
    assert RGD + "source/dealers" in shared["SourceDocument"]  # one document, both stores: shared
    assert RGD + "role/treasury-cashier" in shared["Role"]


def lines_of(files: list[Path]) -> list[bytes]:
    return sorted(line for f in files for line in f.read_bytes().splitlines())


def test_every_triple_lands_in_exactly_one_shard(dealers: BuildResult, stored: BuildResult, tmp_path: Path) -> None:
    for built in (dealers, stored):
        whole = tmp_path / "whole" / built.out.parent.name
        write_shards(built.out / "org.ttl", whole)  # one shard: the graph as N-Quads
        cut = write_shards(built.out / "org.ttl", tmp_path / "cut" / built.out.parent.name, per="organization")
        lines = lines_of(shard_files(cut.out))
        assert len(lines) == len(set(lines)) == built.report["counts"]["triples"] == cut.quads
        assert lines == lines_of(shard_files(whole))


def test_the_bundled_graph_is_cut_by_its_own_links(stored: BuildResult, tmp_path: Path) -> None:
    """The rule again, as a query over the single file: each post, duty, summary and reporting
    line (explicit or inferred) is in its organization's file, with every triple whose subject
    it is; an overlap too when both its duties are of that organization, else in the shared file."""
    result = write_shards(stored.out / "org.ttl", tmp_path / "s", per="organization")
    file_of = {str(s["organization"]): str(s["file"]) for s in result.shards}
    assert len(file_of) == 6 and file_of["shared"] == "shared-00001.nq"
    kg = ox.Store()
    kg.bulk_load(path=str(stored.out / "org.ttl"), format=ox.RdfFormat.TURTLE)
    owned = f"""PREFIX rg: <{RG}> PREFIX org: <http://www.w3.org/ns/org#>
        SELECT ?node (GROUP_CONCAT(DISTINCT STR(?o)) AS ?orgs) WHERE {{
          {{ ?node a rg:Organization BIND(?node AS ?o) }} UNION {{ ?node org:postIn ?o }}
          UNION {{ ?p org:postIn ?o ; rg:hasDuty|rg:hasSummary ?node }}
          UNION {{ ?node rg:evidence ?e . {{ ?e org:postIn ?o }} UNION {{ ?p org:postIn ?o ; rg:hasDuty|rg:hasSummary ?e }} }}
          UNION {{ ?node rg:duty ?d . ?p org:postIn ?o ; rg:hasDuty ?d }}
        }} GROUP BY ?node"""
    where = {row["node"].value: row["orgs"].value.split() for row in kg.query(owned)}  # type: ignore[union-attr]
    met: dict[str, set[str]] = {}
    held = {name: ox.Store() for name in file_of.values()}
    for name, store in held.items():
        store.bulk_load(path=str(tmp_path / "s" / name), format=ox.RdfFormat.N_QUADS)
    for node, orgs in where.items():
        expected = file_of[orgs[0]] if len(orgs) == 1 else "shared-00001.nq"
        quads = list(kg.quads_for_pattern(ox.NamedNode(node), None, None))
        assert quads and all(q in held[expected] for q in quads), node
        met.setdefault(expected, set()).add(node.removeprefix(RGD).split("/")[0] + ("/inferred" if "/inferred" in node else ""))
    assert met.keys() == held.keys() and met["shared-00001.nq"] == {"overlap"}
    assert set().union(*met.values()) == {"org", "post", "duty", "summary", "overlap", "post/inferred"}


def test_per_organization_from_the_store_and_in_any_order_gives_the_same_owners(dealers: BuildResult, tmp_path: Path) -> None:
    from_file = write_shards(dealers.out / "org.ttl", tmp_path / "f", per="organization")
    from_store = write_shards(dealers.out / "org.oxigraph", tmp_path / "s", per="organization")
    assert [s["file"] for s in from_store.shards] == list(FILES) == [s["file"] for s in from_file.shards]
    for name in FILES:  # the same quads in each file (a store writes 1.0 as 1, in its own order)
        assert quads_of([tmp_path / "s" / name]) == quads_of([tmp_path / "f" / name]), name
    lines = (tmp_path / "f" / "org-dealers-1-00001.nq").read_bytes().splitlines(keepends=True)
    lines += (tmp_path / "f" / "org-dealers-2-00001.nq").read_bytes().splitlines(keepends=True)
    owners = []
    for order in (lines, lines[::-1], sorted(lines)):  # duties before their posts, lines before their duties
        reader = OwnerReader()
        reader.write(b"".join(order))
        owners.append(reader.close())
    assert owners[0].organizations == [A, B] and owners[1].organizations == [B, A]
    named = [{node: found.organizations[i] for node, i in found.owner.items()} for found in owners]
    assert named[0] == named[1] == named[2]
    assert named[0][f"<{duty('1/2/1')}>".encode()] == A
    assert len(named[0]) == 2 + 5 + 10 + 3 + 2 + 1  # organizations, posts, duties, lines, overlaps, 乙店's cluster


def test_per_organization_size_still_caps_each_file_and_the_same_graph_gives_the_same_bytes(
    dealers: BuildResult, tmp_path: Path
) -> None:
    whole = write_shards(dealers.out / "org.ttl", tmp_path / "whole", per="organization")
    cap = 0.01  # 10,485 bytes: each store's triples in several files
    for copy in ("a", "b"):
        write_shards(dealers.out / "org.ttl", tmp_path / copy, per="organization", size_mb=cap)
    a = {p.name: p.read_bytes() for p in sorted((tmp_path / "a").iterdir())}
    assert a == {p.name: p.read_bytes() for p in sorted((tmp_path / "b").iterdir())}
    manifest = json.loads(a[MANIFEST])
    for name, organization in FILES.items():
        stem = name.removesuffix("-00001.nq")
        parts = [s for s in manifest["shards"] if s["file"].startswith(stem + "-")]
        assert [s["file"] for s in parts] == [f"{stem}-{n:05d}.nq" for n in range(1, len(parts) + 1)]
        assert len(parts) >= 2 and {s["organization"] for s in parts} == {organization}
        assert all(s["bytes"] <= cap * 1024 * 1024 for s in parts)
        assert b"".join(a[s["file"]] for s in parts) == (whole.out / name).read_bytes()  # cut at line ends, in order


def test_organization_file_names_are_safe_and_distinct() -> None:
    def tagged(stem: str, iri: str) -> str:
        return f"{stem}-{hashlib.sha256(iri.encode()).hexdigest()[:12]}"

    iris = [
        RGD + "org/store-0001/1",
        RGD + "ORG/Store-0001/1",  # the same name but for letter case: both tagged
        "urn:example:shared",
        RGD + "shared",  # the shared series' name: tagged
        "http://example.org/组织/甲店?x=1",
        RGD + "org/" + "x" * 200,  # longer than a stem may be: cut and tagged
        RGD + "org/../../etc",
    ]
    assert organization_stems(iris) == [
        tagged("org-store-0001-1", iris[0]),
        tagged("ORG-Store-0001-1", iris[1]),
        "urn-example-shared",
        tagged("shared", iris[3]),
        "http-example-org-x-1",
        tagged("org-" + "x" * 92, iris[5]),
        "org-etc",
    ]


def test_thousands_of_organizations_need_no_file_kept_open(tmp_path: Path) -> None:
    """2,000 organizations under a limit of 256 open files; IRIs of no rolegraph shape, so the
    owners come from the links alone."""
    graph = tmp_path / "many.nt"
    with graph.open("w", encoding="utf-8") as out:
        for n in range(2000):
            org, job, task = f"<urn:x:o{n}>", f"<urn:x:p{n}>", f"<urn:x:t{n}>"
            out.write(f"{org} <{RDF_TYPE}> <{RG}Organization> .\n{job} <http://www.w3.org/ns/org#postIn> {org} .\n")
            out.write(f'{job} <{RG}hasDuty> {task} .\n{task} <http://www.w3.org/2000/01/rdf-schema#label> "t{n}" .\n')
        out.write(f"<urn:x:theme> <{RDF_TYPE}> <{RG}DutyTheme> .\n")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(256, hard), hard))
    try:
        result = write_shards(graph, tmp_path / "s", per="organization")
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    assert result.organizations == 2000 and len(result.shards) == 2001 and result.quads == 8001
    assert (tmp_path / "s" / "urn-x-o1999-00001.nq").read_text(encoding="utf-8").count("\n") == 4
    assert (tmp_path / "s" / "shared-00001.nq").read_text(encoding="utf-8") == f"<urn:x:theme> <{RDF_TYPE}> <{RG}DutyTheme> .\n"


def test_a_disk_that_fills_while_cutting_is_one_line_and_the_shards_before_are_kept(
    stored: BuildResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ENOSPC half-way through (at 10,000 stores a full disk did this): exit 1, the system's
    words, no traceback, and the shards of the run before still whole."""
    import errno

    from graph import shards

    out = tmp_path / "shards"
    assert cli("shards", str(stored.out / "org.ttl"), "--out", str(out), "--size", "0.5")[0] == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    appended = 0

    def full(self: shards.Series, shard: shards.Shard, lines: bytes) -> None:
        nonlocal appended
        appended += 1
        if appended > 2:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real(self, shard, lines)

    real = shards.Series._append
    monkeypatch.setattr(shards.Series, "_append", full)
    code, output = cli("shards", str(stored.out / "org.ttl"), "--out", str(out), "--size", "0.5")
    assert code == 1 and "No space left on device" in output and "Traceback" not in output, output
    assert appended == 3
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no staging left
