"""The bundled corpus, read faithfully. Expected numbers were counted by hand from the file."""

from __future__ import annotations

import re

from graph.model import Document
from graph.script import to_simplified

# Duties per post, document by document, counted by reading data/4s-dealership-roles.txt.
EXPECTED_DUTIES = [
    [10, 12, 11, 9, 7, 6, 13, 6, 7, 8, 8, 10, 8, 6, 12],
    [9, 10, 9, 10, 7, 10, 9, 5, 8, 6, 4, 8, 9, 12, 10, 8],
    [7, 4, 6, 6, 5, 11, 3],
    [11, 9, 10, 9, 9, 5, 8, 13, 12, 10, 7],
    [12, 10, 12, 10, 10],
]


def test_counts(corpus_doc: Document) -> None:
    orgs = corpus_doc.organizations
    assert len(orgs) == 5
    assert sum(len(o.posts) for o in orgs) == 54
    assert sum(len(p.duties) for o in orgs for p in o.posts) == 466


def test_every_post_has_the_documents_duty_count(corpus_doc: Document) -> None:
    assert [[len(p.duties) for p in o.posts] for o in corpus_doc.organizations] == EXPECTED_DUTIES


def test_post_names_and_heading_lines(corpus_doc: Document) -> None:
    first, second, third, fourth, fifth = corpus_doc.organizations
    assert [(p.name, p.line) for p in first.posts[:3]] == [("總經理", 2), ("站長", 17), ("配件經理", 34)]
    assert (second.posts[14].name, second.posts[14].line) == ("客服經理", 311)  # glued to a duty line
    assert [p.name for p in third.posts] == [None] * 7
    assert [p.line for p in third.posts] == [332, 340, 346, 352, 358, 363, 374]
    assert (fourth.posts[0].name, fourth.posts[0].line) == ("服務經理", 380)  # '一、' belongs to the heading
    assert [p.name for p in fifth.posts] == ["服務經理", "維修班組長", "服務顧問", "庫房管理員", "三包索賠員"]


def test_duties_of_one_post_in_order(corpus_doc: Document) -> None:
    info = corpus_doc.organizations[1].posts[11]  # 信息員: number 3 is missing in the source
    assert info.name == "信息員"
    assert [d.number for d in info.duties] == ["1", "2", "4", "5", "6", "7", "8", "9"]
    assert [d.ordinal for d in info.duties] == list(range(1, 9))
    assert info.duties[0].text == "根據公司交車情況,及時、準確更改銷售看板。"
    assert info.duties[-1].text == "完成領導交辦的其他任務。"


def test_several_duties_on_one_line_are_split(corpus_doc: Document) -> None:
    advisor = corpus_doc.organizations[1].posts[5]  # 服務顧問, line 257 holds duties 1, 2 and an unnumbered 3
    assert [(d.line, d.text) for d in advisor.duties[:3]] == [
        (257, "積極主動的推行雙向預約工作"),
        (257, "負責建立并完善客戶服務檔案"),
        (257, "及時熱誠地接待客戶,努力了解客戶需求"),
    ]
    supervisor = corpus_doc.organizations[1].posts[13]  # 售后服務主管: twelve duties on line 311
    assert len(supervisor.duties) == 12 and {d.line for d in supervisor.duties} == {311}
    assert supervisor.duties[10].text.startswith("做好業務統計分析工作")  # '11做好' has no separator


def test_wrapped_duties_are_joined(corpus_doc: Document) -> None:
    second_unnamed = corpus_doc.organizations[2].posts[1]
    assert second_unnamed.duties[2].text == "建立良好的與內部客戶(雇員,總經理)和外部客戶的溝通機制"
    claims = corpus_doc.organizations[4].posts[4]
    assert claims.duties[6].text == "負責客觀真實的開展索賠工作,不得弄虛作假,并及時向管理層匯報工作狀況。"


def test_repeated_and_restyled_numbers_keep_every_duty(corpus_doc: Document) -> None:
    parts = corpus_doc.organizations[3].posts[4]  # 備件主管: '5、' twice
    assert [d.number for d in parts.duties] == ["1", "2", "3", "4", "5", "5", "6", "7", "8"]
    fitter = corpus_doc.organizations[3].posts[6]  # 維修工: '五、' between '4、' and '6、'
    assert fitter.duties[4].number == "五" and fitter.duties[4].text.startswith("耐心、周到")
    assert any("repeated" in w for w in corpus_doc.warnings)
    assert any("another style" in w for w in corpus_doc.warnings)


def test_summaries_and_preambles(corpus_doc: Document) -> None:
    sales = corpus_doc.organizations[0].posts[14]
    assert sales.summary == "在總經理的領導下,負責銷售部的銷售工作,帶領銷售人員完成銷售任務:"
    assert sales.duties[0].text.startswith("每日向總經理")
    service = corpus_doc.organizations[4].posts[0]
    assert service.summary is not None and service.summary.startswith("按照xx工廠、公司計劃以及總經理的要求")
    assert service.summary_line == 498


def test_no_pinyin_gloss_remains(corpus_doc: Document) -> None:
    gloss = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,6}\)")
    texts = [d.text for o in corpus_doc.organizations for p in o.posts for d in p.duties]
    texts += [p.summary or "" for o in corpus_doc.organizations for p in o.posts]
    assert not [t for t in texts if gloss.search(t) or "?" in t]
    assert any("(POCA)" in t for t in texts) and any("(哈弗或WEY)" in t for t in texts)


def test_every_line_is_accounted_for(corpus_doc: Document) -> None:
    used = {u.line for u in corpus_doc.uses}
    assert used == set(range(1, corpus_doc.source.line_count + 1))
    unused = {u.line: u.detail for u in corpus_doc.uses if u.kind == "unused"}
    assert set(unused) == {379}  # the bare 崗位職責, with no duties under it
    sections = {u.line: u.detail for u in corpus_doc.uses if u.kind == "not-duty-section"}
    assert sections == {494: "薪酬制度"}  # a section that is not duties, named
    noise = [u.line for u in corpus_doc.uses if u.kind == "noise"]
    assert len(noise) == 54 and 13 in noise and 190 in noise


def test_six_damaged_spans_are_repaired_and_reported(corpus_doc: Document) -> None:
    repairs = {r.line: r for r in corpus_doc.repairs}
    assert sorted(repairs) == [296, 341, 356, 361, 450, 491]
    assert repairs[341].after == "當地的市場佔有率"
    assert "的市場占有" in repairs[341].how  # what the GBK bytes give back on their own
    assert repairs[361].after == "團隊戰鬥力"
    assert repairs[341].column == 20  # '當' in the raw line, glosses included
    unnamed = corpus_doc.organizations[2].posts[1]
    assert unnamed.duties[1].text == "完成總經理下達當地的市場佔有率、銷量、客戶滿意度及利潤等銷售業務指標"


def test_simplified_conversion_of_labels() -> None:
    assert to_simplified("倉庫管理員崗位職責") == "仓库管理员岗位职责"
