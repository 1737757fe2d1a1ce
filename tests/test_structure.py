"""Each heading and numbering form of the genre, on small documents written for the test."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import post_summary, read_text


@pytest.mark.parametrize(
    ("heading", "name"),
    [
        ("出纳岗位职责", "出纳"),
        ("出纳工作职责:", "出纳"),
        ("出纳岗位职责要求:", "出纳"),
        ("一、出纳岗位职责", "出纳"),
        ("3.出纳岗位职责", "出纳"),
        ("出納崗位職責", "出納"),
    ],
)
def test_heading_forms(tmp_path: Path, heading: str, name: str) -> None:
    doc = read_text(tmp_path, f"{heading}\n1、登记现金日记账。\n2、保管印章。\n")
    assert post_summary(doc) == [(name, 2)]


@pytest.mark.parametrize(
    "body",
    [
        "一、登记日记账。\n二、保管印章。\n三、开具发票。",
        "1、登记日记账。\n2、保管印章。\n3、开具发票。",
        "1.登记日记账。\n2.保管印章。\n3.开具发票。",
        "1..登记日记账。\n2..保管印章。\n3..开具发票。",
        "1登记日记账。\n2保管印章。\n3开具发票。",
        "1、登记日记账; 2、保管印章; 3、开具发票。",
        "1.登记日记账;2.保管印章 3.开具发票。",
        "1、登记日记账。\n2、保管\n印章。\n3、开具发票。",
        "1、登记日记账。\n2、保管印章。\n 3 、 开具 发票。",
    ],
)
def test_numbering_forms_give_three_duties(tmp_path: Path, body: str) -> None:
    doc = read_text(tmp_path, "出纳岗位职责\n" + body + "\n")
    duties = doc.organizations[0].posts[0].duties
    assert [d.ordinal for d in duties] == [1, 2, 3]
    assert duties[1].text.replace(" ", "") in {"保管印章", "保管印章。"}


def test_missing_repeated_and_restyled_numbers(tmp_path: Path) -> None:
    doc = read_text(tmp_path, "出纳岗位职责\n1、甲。\n2、乙。\n4、丁。\n4、戊。\n五、己。\n6、庚。\n")
    assert [d.number for d in doc.organizations[0].posts[0].duties] == ["1", "2", "4", "4", "五", "6"]
    text = " ".join(doc.warnings)
    assert "number 3" in text and "repeated" in text and "another style" in text


def test_a_missing_number_after_a_semicolon(tmp_path: Path) -> None:
    doc = read_text(tmp_path, "出纳岗位职责\n1、甲工作; 2、乙工作;、丙工作;\n4、丁工作\n")
    assert [d.text for d in doc.organizations[0].posts[0].duties] == ["甲工作", "乙工作", "丙工作", "丁工作"]


def test_heading_glued_to_the_end_of_a_duty_line(tmp_path: Path) -> None:
    doc = read_text(tmp_path, "会计岗位职责\n1.记账;2.其它任务.出纳岗位职责要求:\n1、登记日记账\n")
    assert post_summary(doc) == [("会计", 2), ("出纳", 1)]


def test_unnamed_positions_glued_to_their_first_duty(tmp_path: Path) -> None:
    text = "第一篇:门店各岗位职责\n门店各岗位职责\n1、甲\n2、乙\n门店各岗位职责21、丙\n2、丁\n门店各岗位职责3\n1.戊\n"
    doc = read_text(tmp_path, text)
    assert post_summary(doc) == [(None, 2), (None, 2), (None, 1)]
    assert doc.organizations[0].posts[1].duties[0].text == "丙"


@pytest.mark.parametrize("heading", ["本岗位职责", "该岗位职责:", "本崗位職責", "二、本职位职责"])
def test_a_heading_pointing_at_its_position_names_none(tmp_path: Path, heading: str) -> None:
    """本岗位职责 is 'the duties of this post': an unnamed position (its name is inferred), not
    a position called 本."""
    doc = read_text(tmp_path, f"技术总监岗位职责\n1、负责维修质量。\n{heading}\n1、负责工具间的清洁。\n2、负责工具的借用登记。\n")
    assert post_summary(doc) == [("技术总监", 1), (None, 2)]


@pytest.mark.parametrize(
    ("heading", "unit"),
    [
        ("销售部岗位职责汇编", "销售部"),
        ("二、厨房岗位职责汇编", "厨房"),
        ("採購部崗位職責彙編", "採購部"),
        ("财务部岗位职责大全:", "财务部"),
    ],
)
def test_a_compilation_heading_is_a_department(tmp_path: Path, heading: str, unit: str) -> None:
    """X岗位职责汇编 gathers the positions of X: a department heading that closes the position
    above it, not a line of that position's duties."""
    text = f"出纳岗位职责\n1、登记现金日记账。\n{heading}\n销售顾问岗位职责\n1、接待客户。\n2、跟进订单。\n"
    doc = read_text(tmp_path, text)
    assert post_summary(doc) == [("出纳", 1), ("销售顾问", 2)]
    assert [p.department for p in doc.organizations[0].posts] == [None, unit]
    assert {u.line: (u.kind, u.detail) for u in doc.uses}[3] == ("department-heading", unit)


@pytest.mark.parametrize(
    ("heading", "unit"),
    [
        ("二、内科", "内科"),
        ("三、前厅:", "前厅"),
        ("【厨房】", "厨房"),
        ("【 檢驗科 】", "檢驗科"),
        ("【销售部】", "销售部"),
        ("【客服中心】", "客服中心"),
        ("二、办公室", "办公室"),
    ],
)
def test_a_units_name_above_a_position_is_its_department(tmp_path: Path, heading: str, unit: str) -> None:
    """A numbered or bracketed unit's name right above a position's heading is the department of
    the positions below. Before, 二、内科 ended the nurse's duties as a third one, and the
    resident was filed under the nursing department."""
    text = f"一、护理部\n护士长岗位职责\n1、负责病区护理管理。\n2、检查护理质量。\n{heading}\n住院医师岗位职责\n1、书写病历。\n"
    doc = read_text(tmp_path, text)
    assert post_summary(doc) == [("护士长", 2), ("住院医师", 1)]
    assert [p.department for p in doc.organizations[0].posts] == ["护理部", unit]
    assert {u.line: (u.kind, u.detail) for u in doc.uses}[5] == ("department-heading", unit)


@pytest.mark.parametrize(
    "text",
    [
        # a unit's word in a list that goes on: not above a position
        "住院医师岗位职责\n1、书写病历。\n任职资格\n一、本科\n二、执业医师资格\n",
        # numbered in Arabic, as duties are: a duty, whatever follows
        "住院医师岗位职责\n1、书写病历。\n2、整理科室\n护士长岗位职责\n1、检查护理质量。\n",
        # a unit's word ending a longer line
        "住院医师岗位职责\n1、书写病历。\n二、每周一次清点药房\n护士长岗位职责\n1、检查护理质量。\n",
        # numbered next after the duties above it: their last one
        "住院医师岗位职责\n一、书写病历。\n二、清点药房\n护士长岗位职责\n一、检查护理质量。\n",
    ],
)
def test_a_units_word_elsewhere_is_not_a_department(tmp_path: Path, text: str) -> None:
    doc = read_text(tmp_path, text)
    assert not [u for u in doc.uses if u.kind == "department-heading"]
    assert all(p.department is None for org in doc.organizations for p in org.posts)


def test_a_collective_compilation_heading_names_no_unit(tmp_path: Path) -> None:
    text = "出纳岗位职责\n1、登记现金日记账。\n各部门岗位职责汇编\n1、这一行不属于出纳。\n"
    doc = read_text(tmp_path, text)
    assert post_summary(doc) == [("出纳", 1)]
    assert {u.line: u.kind for u in doc.uses}[3] == "unused"


@pytest.mark.parametrize(
    "title", ["湖畔酒家第12店岗位职责", "城南人民医院第3分院各岗位职责", "某某物业公司岗位职责汇编", "湖畔酒家第12店崗位職責"]
)
def test_a_heading_naming_the_organization_is_its_title(tmp_path: Path, title: str) -> None:
    """A position heading whose name is an organization's (a store, a branch, a company) is the
    document's title: the unnamed position below it keeps its own duties, and no post is called
    after the store."""
    text = f"{title}\n本岗位职责\n1、清洗餐具。\n2、消毒后存放。\n面点师岗位职责\n1、制作面点。\n"
    doc = read_text(tmp_path, text)
    assert [org.heading for org in doc.organizations] == [title]
    assert post_summary(doc) == [(None, 2), ("面点师", 1)]


def test_a_store_in_general_is_not_an_organization(tmp_path: Path) -> None:
    """门店 is 'a store', no store in particular: 门店各岗位职责 stays an unnamed position."""
    doc = read_text(tmp_path, "门店各岗位职责\n1、清洗餐具。\n2、消毒后存放。\n")
    assert post_summary(doc) == [(None, 2)]


@pytest.mark.parametrize("subheading", ["其他岗位职责", "其它职责:", "主要工作职责"])
def test_a_subheading_below_a_positions_first_duties_adds_to_them(tmp_path: Path, subheading: str) -> None:
    """出纳岗位职责, two duties, then 其他职责 and two more: four duties. The heading said the
    first two were duties; the subheading does not make them items outside a duty section."""
    text = f"出纳岗位职责\n1、登记现金日记账。\n2、保管印章。\n{subheading}\n1、开具发票。\n2、完成交办的其他工作。\n"
    doc = read_text(tmp_path, text)
    assert post_summary(doc) == [("出纳", 4)]
    duties = doc.organizations[0].posts[0].duties
    assert [(d.line, d.text) for d in duties] == [
        (2, "登记现金日记账。"),
        (3, "保管印章。"),
        (5, "开具发票。"),
        (6, "完成交办的其他工作。"),
    ]
    assert not [u for u in doc.uses if u.kind == "unused"]


def test_items_above_the_duties_of_a_job_description_stay_outside_them(tmp_path: Path) -> None:
    """出纳岗位说明书 (a job description) does not say its lines are duties: the items above its
    主要职责 are not taken, and the report says so."""
    text = "出纳岗位说明书\n1、大专以上学历。\n主要职责\n1、登记现金日记账。\n2、保管印章。\n"
    doc = read_text(tmp_path, text)
    assert post_summary(doc) == [("出纳", 2)]
    assert [(u.line, u.kind) for u in doc.uses if u.line == 2] == [(2, "unused")]


def test_bare_headings_summaries_and_subheadings(tmp_path: Path) -> None:
    text = (
        "岗位职责\n一、出纳岗位职责\n岗位描述:\n负责公司现金收付。\n日常工作职责:\n1、登记日记账\n2、保管印章\n"
        "薪酬制度\n1、底薪加提成\n"
    )
    doc = read_text(tmp_path, text)
    post = doc.organizations[0].posts[0]
    assert (post.name, len(post.duties), post.summary) == ("出纳", 2, "负责公司现金收付。")
    unused = {u.line: u.detail for u in doc.uses if u.kind == "unused"}
    assert set(unused) == {1}  # the bare 岗位职责 heading has no duties of its own
    kinds = {u.line: (u.kind, u.detail) for u in doc.uses if u.line in {8, 9}}
    assert kinds == {8: ("not-duty-section", "薪酬制度"), 9: ("not-duty", "section '薪酬制度' of 出纳")}


def test_preamble_sentence_before_numbered_duties(tmp_path: Path) -> None:
    doc = read_text(tmp_path, "销售经理岗位职责\n在总经理的领导下,负责销售工作:\n1、制定计划\n2、带领团队\n")
    post = doc.organizations[0].posts[0]
    assert post.summary == "在总经理的领导下,负责销售工作:" and len(post.duties) == 2


def test_wrapped_line_starting_with_a_parenthesis(tmp_path: Path) -> None:
    doc = read_text(tmp_path, "客服经理岗位职责\n1、建立与内部客户\n(雇员,总经理)\n和外部客户的沟通机制;\n2、回访\n")
    duties = doc.organizations[0].posts[0].duties
    assert [d.text for d in duties] == ["建立与内部客户(雇员,总经理)和外部客户的沟通机制", "回访"]
    assert [u.kind for u in doc.uses if u.line in (3, 4)] == ["duty-continuation", "duty-continuation"]


def test_department_headings_set_the_department(tmp_path: Path) -> None:
    doc = read_text(tmp_path, "一、销售部\n销售顾问岗位职责\n1、接待客户\n二、财务部\n出纳岗位职责\n1、记账\n")
    assert [(p.name, p.department) for p in doc.organizations[0].posts] == [("销售顾问", "销售部"), ("出纳", "财务部")]


def test_forum_noise_is_removed_and_counted(tmp_path: Path) -> None:
    text = "出纳岗位职责\n1、记账\n2008-4-10 16:22 回復\n車市名片\n0位粉絲\n3樓\n221.218.150.* 17樓\n2、开票\n"
    doc = read_text(tmp_path, text)
    assert post_summary(doc) == [("出纳", 2)]
    assert [u.line for u in doc.uses if u.kind == "noise"] == [3, 4, 5, 6, 7]


@pytest.mark.parametrize(
    ("heading", "name"),
    [("業務接待崗位職責(zé", "業務接待"), ("服務顧問崗位職(zhí責", "服務顧問"), ("服務顧問崗位職zhí)責", "服務顧問")],
)
def test_a_gloss_that_lost_a_parenthesis_is_removed(tmp_path: Path, heading: str, name: str) -> None:
    """The scrape's glosses, 職(zhí)責, lose a parenthesis as other characters do: a syllable
    with a tone mark glued to a character is a gloss still, and the heading is read."""
    doc = read_text(tmp_path, f"{heading}\n1、負責接待客戶。\n2、登記維修車輛(zé)。\n")
    assert post_summary(doc) == [(name, 2)]
    assert doc.glosses_removed == 2


def test_parentheses_that_are_no_gloss_stay(tmp_path: Path) -> None:
    doc = read_text(tmp_path, "出纳岗位职责\n1、执行标准(POCA)。\n2、见附表(b)与附件(e\n")
    assert [d.text for d in doc.organizations[0].posts[0].duties] == ["执行标准(POCA)。", "见附表(b)与附件(e"]
    assert doc.glosses_removed == 0


def test_a_department_numbered_next_after_the_last_one_is_not_a_duty(tmp_path: Path) -> None:
    """Duties numbered in Chinese as the departments are: 二、内科 after the nurse's only duty 一、
    comes next in both lists, and next after 一、护理部 it is the second department."""
    text = "一、护理部\n护士长岗位职责\n一、负责病区护理管理。\n二、内科\n住院医师岗位职责\n一、书写病历。\n"
    doc = read_text(tmp_path, text)
    assert post_summary(doc) == [("护士长", 1), ("住院医师", 1)]
    assert [p.department for p in doc.organizations[0].posts] == ["护理部", "内科"]
