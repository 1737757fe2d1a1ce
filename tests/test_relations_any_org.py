"""Relations for organizations of any kind (issue 13): packs chosen by evidence, departments as
stated, reporting lines from fields and from Chinese and English cues.

Every document here is written for the test; the expected edges are worked out by hand.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.clean import clean_source
from graph.model import OrgModel
from graph.pack import load_pack, load_packs
from graph.paths import DEFAULT_PACK
from graph.pipeline import BuildOptions, build
from graph.read.recognise import split_document
from graph.read.source import read_source
from graph.relate import relate

HOSPITAL = """\
岗位名称：门诊部主任
所属部门：门诊部
直接上级：院长
直接下级：导诊员、挂号员
岗位职责：
1. 全面负责门诊部的医疗管理工作。
2. 组织门诊部人员的业务培训和考核。

岗位名称：导诊员
所属部门：门诊部
直接上级：门诊部主任
岗位职责：
1. 负责引导患者就医，解答患者咨询。
2. 保持候诊区的环境卫生。

岗位名称：挂号员
所属部门：门诊部
汇报对象：门诊部主任
岗位职责：
1. 负责门诊挂号和收费工作。
2. 每日整理挂号记录并归档。
"""

WAREHOUSE_CUES = """\
仓库主管岗位职责
1. 在物流经理的领导下，负责仓库的日常管理。
2. 做好仓库的安全检查。

保管员岗位职责
1. 在仓库主管的直接领导下，负责物资的保管工作。
2. 完成领导交办的其他工作。

叉车司机岗位职责
1. 服从仓库主管的领导，按时完成装卸任务。
2. 每日向保管员汇报车辆状况。

搬运工岗位职责
1. 对仓库主管负责，完成搬运工作。
2. 在叉车司机指导下学习安全操作。

统计员岗位职责
1. 协助仓库主管做好月度盘点。
2. 负责各类报表的整理。
"""

LIBRARY = """\
# Library volunteer roles

## Volunteer Coordinator

### Responsibilities

- Reports to the library director on volunteer hours.
- Supervises the shelving volunteers and the reading buddies.
- Recruits and trains new volunteers.

## Shelving Volunteer

### Responsibilities

- Work under the direction of the volunteer coordinator.
- Return books to the shelves every morning.

## Reading Buddy

### Responsibilities

- Assists the children's librarian during story time.
- Keep a record of the sessions.

## Children's Librarian

### Responsibilities

- Reporting into the library director, plan the children's programme.
- Order new picture books within the budget.

## Branch Manager

### Responsibilities

- Act subject to the control of the library board in all matters.
- Approve the annual budget.
"""

COOP_FIELDS = """\
# Co-op roles

## Bookkeeper

Department: Finance
Reports to: Treasurer

### Tasks

- Record every payment in the ledger.
- Prepare the monthly statement.

## Treasurer

Department: Finance
Reports to: Board of Directors

### Tasks

- Keep the accounts of the co-op.
- Present the budget each year.

## Outreach Steward

Department: Neighbourhood Outreach
Reports to: Treasurer

### Tasks

- Visit the allotments every month.
- Answer the letters of neighbours.
"""

DEALER = """\
销售经理岗位职责
1. 在总经理的领导下，负责展厅的销售管理工作。
2. 监督、指导、考核销售顾问的工作。

销售顾问岗位职责
1. 在销售经理的领导下，负责新车销售。
2. 做好客户回访，处理客户投诉。
"""


def _model(tmp_path: Path, name: str, text: str) -> OrgModel:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return relate([split_document(clean_source(read_source(path)))], load_packs())


def _edges(model: OrgModel, basis: str | None = None) -> set[tuple[str, str]]:
    """(subordinate, superior) by post label, or by role label for a role end."""
    roles = {r.key: r for r in model.roles}

    def name(ref: str) -> str:
        post = model.post_by_id.get(ref)
        return post.label if post is not None else "role " + roles[ref[5:]].zh

    return {(name(r.subordinate), name(r.superior)) for r in model.reporting if basis is None or r.basis == basis}


def _dept(model: OrgModel, label: str) -> tuple[str, str, bool]:
    post = next(p for p in model.posts if p.label == label)
    dept = next(d for d in model.departments if d.key == post.department)
    return dept.zh, dept.en, post.department_inferred


def test_hospital_gets_its_own_department_and_the_general_pack(tmp_path: Path) -> None:
    model = _model(tmp_path, "hospital.txt", HOSPITAL)
    dealership = {d.key for d in load_pack(DEFAULT_PACK).departments}
    assert [c.pack for c in model.packs] == ["general.ttl"]
    assert all(p.department not in dealership for p in model.posts)
    for label in ("门诊部主任", "导诊员", "挂号员"):
        assert _dept(model, label) == ("门诊部", "", False)  # stated, Simplified label, not inferred
    assert len({p.department for p in model.posts}) == 1
    assert model.posts[0].department.startswith("stated-")


def test_superior_and_subordinate_fields_give_field_lines(tmp_path: Path) -> None:
    model = _model(tmp_path, "hospital.txt", HOSPITAL)
    assert _edges(model, "field") == {
        ("门诊部主任", "role 院长"),  # 直接上级: 院长 (a pack role, no post of its own here)
        ("导诊员", "门诊部主任"),  # 直接上级 and 直接下级 of 门诊部主任
        ("挂号员", "门诊部主任"),  # 汇报对象 and 直接下级 of 门诊部主任
    }
    line = next(r for r in model.reporting if r.cue == "汇报对象: 门诊部主任")
    post = model.post_by_id[line.subordinate]
    assert line.evidence == post.id and line.basis == "field" and line.line > post.line


def test_chinese_cues(tmp_path: Path) -> None:
    model = _model(tmp_path, "warehouse.txt", WAREHOUSE_CUES)
    assert _edges(model, "explicit") == {
        ("仓库主管", "role 物流经理"),  # 在物流经理的领导下: no such post, the role
        ("保管员", "仓库主管"),  # 在X的直接领导下
        ("叉车司机", "仓库主管"),  # 服从X的领导 (向保管员汇报: 保管员 ranks no higher, no line)
        ("搬运工", "仓库主管"),  # 对X负责 (在叉车司机指导下: 指导 alone is not reporting)
        ("统计员", "仓库主管"),  # 协助X
    }
    cues = {r.cue for r in model.reporting}
    assert {"服从仓库主管的领导", "在仓库主管的直接领导下"} <= cues


def test_english_cues(tmp_path: Path) -> None:
    model = _model(tmp_path, "library.md", LIBRARY)
    assert _edges(model, "explicit") == {
        ("Volunteer Coordinator", "role library director"),  # reports to the X
        ("Shelving Volunteer", "Volunteer Coordinator"),  # under the direction of; supervises (the other way)
        ("Reading Buddy", "Volunteer Coordinator"),  # supervises A and B: both
        ("Reading Buddy", "Children's Librarian"),  # assists the X
        ("Children's Librarian", "role library director"),  # reporting into
        ("Branch Manager", "role library board"),  # subject to the control of the X
    }


def test_english_fields_and_stated_departments(tmp_path: Path) -> None:
    model = _model(tmp_path, "coop.md", COOP_FIELDS)
    assert _edges(model, "field") == {
        ("Bookkeeper", "Treasurer"),
        ("Treasurer", "role 董事会"),  # 'Board of Directors' is the general pack's board
        ("Outreach Steward", "Treasurer"),
    }
    assert _dept(model, "Bookkeeper") == ("财务部", "Finance", False)  # the pack's Finance
    assert _dept(model, "Outreach Steward") == ("", "Neighbourhood Outreach", False)  # its own, English label


def test_dealership_document_still_gets_the_dealership_pack(tmp_path: Path) -> None:
    model = _model(tmp_path, "dealer.txt", DEALER)
    assert [c.pack for c in model.packs] == ["dealership.ttl"]
    assert {p.department for p in model.posts} == {"sales"}
    assert all(p.department_inferred for p in model.posts)
    assert _edges(model) == {("销售经理", "role 总经理"), ("销售顾问", "销售经理")}


def test_build_reports_the_pack_of_each_organization_and_pack_forces_one(tmp_path: Path) -> None:
    source = tmp_path / "hospital.txt"
    source.write_text(HOSPITAL, encoding="utf-8")
    chosen = build(BuildOptions(sources=(source,), out=tmp_path / "out", validate=False))
    (entry,) = chosen.report["packs"]
    assert entry["pack"] == "general.ttl" and entry["posts"] == 3 and entry["why"]
    turtle = (tmp_path / "out" / "org.ttl").read_text(encoding="utf-8")
    assert '"门诊部"@zh-Hans' in turtle and '"field"' in turtle
    forced = build(BuildOptions(sources=(source,), out=tmp_path / "forced", pack=DEFAULT_PACK, validate=False))
    (entry,) = forced.report["packs"]
    assert entry["pack"] == "dealership.ttl" and "--pack" in entry["why"]


@pytest.mark.parametrize(
    ("name", "rank"),
    [("副主厨", 5), ("主厨", 4), ("Assistant Scoutmaster", 5), ("Scoutmaster", 4), ("Directors", 1)],
)
def test_junior_words_rank_one_below(name: str, rank: int) -> None:
    from graph.pack import RoleBook

    book = RoleBook(next(p for p in load_packs() if p.path.name == "general.ttl"))
    assert book.rank_of(name) == rank


def test_english_themes_match_stems_at_word_starts() -> None:
    from graph.pack import RoleBook
    from graph.themes import tag_themes

    general = next(p for p in load_packs() if p.path.name == "general.ttl")
    book = RoleBook(general)
    assert "training" in tag_themes("Trains new volunteers every spring.", general.themes, book)
    assert "training" in tag_themes("Organise the training of ushers.", general.themes, book)
    assert "training" not in tag_themes("Restrain the dogs at the gate.", general.themes, book)
    assert {"stocktaking", "complaints"} <= set(tag_themes("Do the stocktaking and answer complaints.", general.themes, book))
    assert {t.zh for t in general.themes} >= {"6S", "索赔", "盘点", "客户投诉"}


def test_english_duties_are_compared_on_word_stems() -> None:
    from graph.overlaps import duty_similarity

    # stems {recruit, train, new, volunteer} and {recruit, hire, train, volunteer}: 2 × 3 / 8
    assert duty_similarity("Recruits and trains new volunteers.", "Recruit, hire, and train volunteers") == 0.75
    assert duty_similarity("Record every payment in the ledger.", "Present the budget each year.") == 0.0


def test_a_unit_at_the_start_of_a_name_states_the_department(tmp_path: Path) -> None:
    text = (
        "护理部护士长岗位职责\n1. 负责病房的护理管理。\n2. 组织护士的业务培训。\n\n"
        "护士岗位职责\n1. 在护士长的领导下，做好病人的护理。\n2. 保持病房卫生。\n"
    )
    model = _model(tmp_path, "ward.txt", text)
    assert _dept(model, "护理部护士长") == ("护理部", "", False)  # 护理部 + 护士长: stated by the name
    assert _dept(model, "护士")[2] is True  # 护士 says no department: inferred
    assert ("护士", "护理部护士长") in _edges(model, "explicit")  # 在护士长的领导下: the post named alike


def test_more_cue_and_field_forms(tmp_path: Path) -> None:
    zh = (
        "前厅经理岗位职责\n1. 负责前厅的全面管理。\n2. 制定前厅的工作计划。\n\n"
        "行李员岗位职责\n1. 接受前厅经理的领导，负责行李的运送。\n2. 保持行李房整洁。\n\n"
        "门童岗位职责\n1. 听从前厅经理的安排，迎送客人。\n2. 保持门前秩序。\n"
    )
    assert _edges(_model(tmp_path, "hotel.txt", zh), "explicit") == {("行李员", "前厅经理"), ("门童", "前厅经理")}
    en = (
        "# Club roles\n\n## Captain\n\nReports to: The Club Committee (elected yearly)\n\n### Tasks\n\n"
        "- Pick the team for each match.\n- Lead the warm-up.\n\n"
        "## Kit Steward\n\n### Tasks\n\n- Works under the captain on match days.\n- Wash the shirts after each match.\n"
    )
    model = _model(tmp_path, "club.md", en)
    assert _edges(model, "field") == {("Captain", "role Club Committee")}  # article and aside dropped
    assert _edges(model, "explicit") == {("Kit Steward", "Captain")}  # works under the X


def test_names_both_packs_know_leave_an_organization_in_the_general_pack(tmp_path: Path) -> None:
    text = (
        "站长岗位职责\n1. 负责加油站的全面管理。\n2. 组织员工的安全培训。\n\n"
        "收银员岗位职责\n1. 在站长的领导下，负责油款的收取。\n2. 每日核对现金和票据。\n"
    )
    model = _model(tmp_path, "station.txt", text)
    dealership = {d.key for d in load_pack(DEFAULT_PACK).departments}
    assert [c.pack for c in model.packs] == ["general.ttl"]  # 站长 and 收银员: 2 names each pack knows
    assert all(p.department not in dealership for p in model.posts)
    assert ("收银员", "站长") in _edges(model, "explicit")
