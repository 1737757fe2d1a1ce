"""One test (or a few) per layout of issue 11 ("Layouts to read").

Every document here was written for the test, in our own words, in the shape of a real layout;
the expected posts, duty counts and first/last duty texts were worked out by hand from the
document. Each test also checks that every line of its document has at least one use.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.errors import SourceError
from graph.model import Document, PostText
from tests.conftest import post_summary, read_text


def _read(tmp_path: Path, text: str, name: str = "doc.txt") -> Document:
    doc = read_text(tmp_path, text, name=name)
    n_lines = len(text.splitlines())
    assert {u.line for u in doc.uses} == set(range(1, n_lines + 1)), "every line has a use"
    return doc


def _posts(doc: Document) -> list[PostText]:
    return [p for org in doc.organizations for p in org.posts]


def _post(doc: Document, name: str) -> PostText:
    found = [p for p in _posts(doc) if p.name == name]
    assert len(found) == 1, (name, post_summary(doc))
    return found[0]


def _ends(post: PostText) -> tuple[str, str]:
    return post.duties[0].text, post.duties[-1].text


def _field(post: PostText, meaning: str) -> str | None:
    values = [f.value for f in post.fields if f.meaning == meaning]
    return values[0] if values else None


def _uses_of(doc: Document, line: int) -> set[str]:
    return {u.kind for u in doc.uses if u.line == line}


# --- heading + numbered or bulleted duties -------------------------------------------------

HEADINGS_ZH = """护士长职责
1. 在护理部主任领导下，负责本病区的护理管理工作。
2. 安排护士排班，检查各项护理制度的执行情况。
3. 组织护理查房，指导危重病人的护理。

保健醫生職責
一、負責全園幼兒的健康檢查與疾病預防。
二、每日晨檢，做好記錄。
三、管理醫務室的藥品和器械。

司机职责
(1)按时出车，保证车辆行驶安全。
(2)定期保养车辆并做好记录。
"""


def test_heading_with_suffix_numbered_simplified_and_traditional(tmp_path: Path) -> None:
    doc = _read(tmp_path, HEADINGS_ZH)
    assert post_summary(doc) == [("护士长", 3), ("保健醫生", 3), ("司机", 2)]
    nurse = _post(doc, "护士长")
    assert _ends(nurse) == ("在护理部主任领导下，负责本病区的护理管理工作。", "组织护理查房，指导危重病人的护理。")
    assert [d.line for d in nurse.duties] == [2, 3, 4]
    doctor = _post(doc, "保健醫生")
    assert _ends(doctor) == ("負責全園幼兒的健康檢查與疾病預防。", "管理醫務室的藥品和器械。")
    assert [d.number for d in doctor.duties] == ["一", "二", "三"]
    driver = _post(doc, "司机")
    assert _ends(driver) == ("按时出车，保证车辆行驶安全。", "定期保养车辆并做好记录。")


HEADING_COLON = """园长:
(1)全面主持园内的保教和行政工作。
(2)制定全园学期工作计划并督促落实。

保健醫生職責
一、負責全園幼兒的健康檢查與疾病預防。
二、每日晨檢，做好記錄。
"""


def test_heading_name_colon_without_suffix(tmp_path: Path) -> None:
    doc = _read(tmp_path, HEADING_COLON)
    assert post_summary(doc) == [("园长", 2), ("保健醫生", 2)]
    assert _ends(_post(doc, "园长")) == ("全面主持园内的保教和行政工作。", "制定全园学期工作计划并督促落实。")


NUMBERED_POSTS_GLOSS = """公司管理层职责

1. 总经理(General Manager)
- 主持公司日常经营管理工作。
- 拟订公司年度经营计划。
- 向董事会报告工作。

2. 财务总监（Chief Financial Officer）
- 审核公司财务预算与决算。
- 监督资金的使用。
"""


def test_numbered_post_with_english_gloss_and_bullets(tmp_path: Path) -> None:
    doc = _read(tmp_path, NUMBERED_POSTS_GLOSS)
    assert post_summary(doc) == [("总经理", 3), ("财务总监", 2)]
    gm = _post(doc, "总经理")
    assert gm.gloss == "General Manager"
    assert _ends(gm) == ("主持公司日常经营管理工作。", "向董事会报告工作。")
    cfo = _post(doc, "财务总监")
    assert cfo.gloss == "Chief Financial Officer"
    assert _ends(cfo) == ("审核公司财务预算与决算。", "监督资金的使用。")


# --- Markdown and reStructuredText -------------------------------------------------------

MARKDOWN = """# Engineering roles at Example Co

## Backend Engineer

We build the services behind the product.

### Responsibilities

- Design and build services that handle
  customer orders.
- Review code written by other team members:
  - check for correctness,
  - check for tests.
- Take part in the on-call rotation.

### Requirements

- Five years of experience with a typed language.
- Comfort with SQL.

## Site Reliability Engineer

### Responsibilities

* Keep production healthy and fast.
* Write runbooks for common incidents.
"""


@pytest.mark.parametrize("name", ["roles.md", "roles.txt"])
def test_markdown_headings_and_nested_bullets(tmp_path: Path, name: str) -> None:
    doc = _read(tmp_path, MARKDOWN, name=name)
    # the page title (# ...) is not a post; Requirements items are not duties
    assert post_summary(doc) == [("Backend Engineer", 3), ("Site Reliability Engineer", 2)]
    backend = _post(doc, "Backend Engineer")
    assert [d.text for d in backend.duties] == [
        "Design and build services that handle customer orders.",
        "Review code written by other team members:",
        "Take part in the on-call rotation.",
    ]
    # the nested bullets stay with duty 2, they are not duties of their own
    assert _uses_of(doc, 12) == {"sub-item"} and _uses_of(doc, 13) == {"sub-item"}
    assert backend.summary == "We build the services behind the product."
    assert _ends(_post(doc, "Site Reliability Engineer")) == (
        "Keep production healthy and fast.",
        "Write runbooks for common incidents.",
    )
    assert "duty" not in _uses_of(doc, 18) | _uses_of(doc, 19)


RST = """Volunteer roles
===============

Thanks for helping with the meetup. Each role is listed below.

Before the day
--------------

* **Venue Lead**

  * Find a room that fits sixty people.
  * Sign the booking form with the venue.

* **Speaker Wrangler**

  * Collect talk titles and abstracts.
  * Remind speakers of their slot
    the week before.
  * Test each laptop with the projector.

On the day
----------

* **Door Greeter**

  * Hand out name badges.
"""


@pytest.mark.parametrize("name", ["roles.rst", "roles.txt"])
def test_rst_titles_and_bold_role_bullets(tmp_path: Path, name: str) -> None:
    doc = _read(tmp_path, RST, name=name)
    # neither the page title nor the two section titles are posts
    assert post_summary(doc) == [("Venue Lead", 2), ("Speaker Wrangler", 3), ("Door Greeter", 1)]
    assert _ends(_post(doc, "Venue Lead")) == (
        "Find a room that fits sixty people.",
        "Sign the booking form with the venue.",
    )
    wrangler = _post(doc, "Speaker Wrangler")
    assert [d.text for d in wrangler.duties] == [
        "Collect talk titles and abstracts.",
        "Remind speakers of their slot the week before.",
        "Test each laptop with the projector.",
    ]
    assert _ends(_post(doc, "Door Greeter")) == ("Hand out name badges.", "Hand out name badges.")


FRONT_MATTER = """---
title: Equipment Coordinator
layout: role
---

The equipment coordinator looks after the troop's tents and stoves.

## Duties

- Keep an inventory of all gear.
- Check gear in and out for each campout.
- Arrange repairs of damaged items.

## Position history

- 2019-2021: A. Parent
- 2021-present: B. Parent
---
title: Treasurer
---

## Duties

- Keep the troop accounts.
- Report the balance at every committee meeting.
"""


def test_yaml_front_matter_chain(tmp_path: Path) -> None:
    doc = _read(tmp_path, FRONT_MATTER)
    assert post_summary(doc) == [("Equipment Coordinator", 3), ("Treasurer", 2)]
    coord = _post(doc, "Equipment Coordinator")
    assert coord.named_by == "field"
    assert _ends(coord) == ("Keep an inventory of all gear.", "Arrange repairs of damaged items.")
    assert _ends(_post(doc, "Treasurer")) == (
        "Keep the troop accounts.",
        "Report the balance at every committee meeting.",
    )
    # the history list is not duties
    assert "duty" not in _uses_of(doc, 16) | _uses_of(doc, 17)


# --- field forms -------------------------------------------------------------------------

FIELD_FORM = """岗位说明书
岗位名称:出纳
所属部门:财务部
直接上级:财务经理
{label}
1、办理现金收付和银行结算业务。
2、登记现金日记账和银行存款日记账。
3、保管库存现金和有价证券。
任职要求:
1、财会相关专业大专以上学历。
2、工作细心，责任心强。
"""


def _check_field_form(doc: Document) -> None:
    assert post_summary(doc) == [("出纳", 3)]
    cashier = _post(doc, "出纳")
    assert cashier.department == "财务部"
    assert _field(cashier, "superior") == "财务经理"
    assert _ends(cashier) == ("办理现金收付和银行结算业务。", "保管库存现金和有价证券。")
    assert "duty" not in _uses_of(doc, 10) | _uses_of(doc, 11)


def test_field_form_one_line_labels(tmp_path: Path) -> None:
    _check_field_form(_read(tmp_path, FIELD_FORM.format(label="主要职责:")))


def test_field_form_duty_label_gangwei_zhize(tmp_path: Path) -> None:
    _check_field_form(_read(tmp_path, FIELD_FORM.format(label="岗位职责:")))


FIELD_FORM_FLAT = """岗位说明书
岗位名称
出纳
所属部门
财务部
直接上级
财务经理
职
责
一
办理现金收付和银行结算业务。
职
责
二
登记现金日记账和银行存款日记账。
任职要求
财会相关专业大专以上学历。
"""


def test_field_form_flattened_one_cell_per_line(tmp_path: Path) -> None:
    doc = _read(tmp_path, FIELD_FORM_FLAT)
    assert post_summary(doc) == [("出纳", 2)]
    cashier = _post(doc, "出纳")
    assert cashier.department == "财务部"
    assert _field(cashier, "superior") == "财务经理"
    assert _ends(cashier) == ("办理现金收付和银行结算业务。", "登记现金日记账和银行存款日记账。")
    assert [d.line for d in cashier.duties] == [11, 15]
    assert "duty" not in _uses_of(doc, 17)


FIELD_FORM_EN = """Job title: Front Desk Assistant
Department: Patient Services
Reports to: Practice Manager
Responsibilities:
1. Welcome every visitor who comes to the clinic and direct them
to the right waiting area.
2. Keep the reception desk tidy and
stocked with forms.
3. Take phone messages for the nurses.
Requirements:
1. Two years of customer service experience.
"""


def test_field_form_english_plain_text(tmp_path: Path) -> None:
    doc = _read(tmp_path, FIELD_FORM_EN)
    assert post_summary(doc) == [("Front Desk Assistant", 3)]
    post = _post(doc, "Front Desk Assistant")
    assert post.department == "Patient Services"
    assert _field(post, "superior") == "Practice Manager"
    assert [d.text for d in post.duties] == [
        "Welcome every visitor who comes to the clinic and direct them to the right waiting area.",
        "Keep the reception desk tidy and stocked with forms.",
        "Take phone messages for the nurses.",
    ]
    assert "duty" not in _uses_of(doc, 11)


ROLE_SHEET = """# Newsletter Editor

**Parent WG:** Communications

**Aim:** Tell members what the co-op is doing each month.

**Tasks:**

- Collect updates from each working group.
- Edit and lay out the monthly issue.
- Send the issue to the mailing list.

**Authority:**

- Decide which stories go in each issue.

**Time budget:** Four hours a month.

# Bookkeeper

**Parent WG:** Finance

**Tasks:**

- Record every invoice and receipt.
- Reconcile the bank account each month.

**Limits:**

- Cannot approve payments alone.
"""


def test_role_sheet_bold_labels_authority_and_limits_not_duties(tmp_path: Path) -> None:
    doc = _read(tmp_path, ROLE_SHEET)
    assert post_summary(doc) == [("Newsletter Editor", 3), ("Bookkeeper", 2)]
    editor = _post(doc, "Newsletter Editor")
    assert editor.department == "Communications"
    assert _ends(editor) == ("Collect updates from each working group.", "Send the issue to the mailing list.")
    keeper = _post(doc, "Bookkeeper")
    assert keeper.department == "Finance"
    assert _ends(keeper) == ("Record every invoice and receipt.", "Reconcile the bank account each month.")
    for line in (15, 17, 30):
        assert "duty" not in _uses_of(doc, line)


# --- inline forms ------------------------------------------------------------------------

INLINE = (
    "仓库保管员岗位职责一、职责1、负责货物的入库验收。2、按规定分区存放物资。3、每月盘点库存并上报。"
    "二、权限1、有权拒收不合格的货物。2、有权检查领料手续。\n"
    "叉车司机岗位职责一、职责1、按调度安排装卸货物。2、每日检查叉车的安全状况。二、权限1、有权拒绝超载作业。\n"
)


def test_inline_whole_position_on_one_line(tmp_path: Path) -> None:
    doc = _read(tmp_path, INLINE)
    # the 权限 items are not duties
    assert post_summary(doc) == [("仓库保管员", 3), ("叉车司机", 2)]
    assert _ends(_post(doc, "仓库保管员")) == ("负责货物的入库验收。", "每月盘点库存并上报。")
    assert _ends(_post(doc, "叉车司机")) == ("按调度安排装卸货物。", "每日检查叉车的安全状况。")
    assert all(d.line == 1 for d in _post(doc, "仓库保管员").duties)


QA = """问:幼儿园里各个岗位都负责什么?
答:
园长:负责全园的行政和教学管理;组织制定学年工作计划;检查各班的保教质量。
保育员:照顾幼儿的饮食和午睡;做好活动室的清洁消毒。
"""


def test_qa_answer_name_colon_clauses(tmp_path: Path) -> None:
    doc = _read(tmp_path, QA)
    assert post_summary(doc) == [("园长", 3), ("保育员", 2)]
    head = _post(doc, "园长")
    assert [d.text for d in head.duties] == ["负责全园的行政和教学管理", "组织制定学年工作计划", "检查各班的保教质量。"]
    assert _ends(_post(doc, "保育员")) == ("照顾幼儿的饮食和午睡", "做好活动室的清洁消毒。")


# --- regulation articles -----------------------------------------------------------------

REGULATION = """第三章 保教人员
第十条 保育员应当具有高中以上学历，并受过幼儿保育职业培训。
保育员的主要职责如下:
(一)负责本班房舍、设备和环境的清洁卫生工作;
(二)在教师指导下，管理幼儿生活，配合本班教师组织教育活动;
(三)妥善保管幼儿衣物和本班的设备、用具。
第十一条 卫生保健人员应当具有相应的资格证书。
卫生保健人员对全园幼儿身体健康负责，其主要职责如下:
(一)协助园长组织实施有关卫生保健方面的法规和制度;
(二)负责晨检和日常健康观察;
(三)做好常见病的预防工作;
(四)管理园内的医疗器械和药品。
第十二条 幼儿园应当定期组织保教人员参加业务学习。
"""


def test_regulation_articles_post_named_in_sentence(tmp_path: Path) -> None:
    doc = _read(tmp_path, REGULATION)
    assert post_summary(doc) == [("保育员", 3), ("卫生保健人员", 4)]
    assert _ends(_post(doc, "保育员")) == ("负责本班房舍、设备和环境的清洁卫生工作", "妥善保管幼儿衣物和本班的设备、用具。")
    assert _ends(_post(doc, "卫生保健人员")) == ("协助园长组织实施有关卫生保健方面的法规和制度", "管理园内的医疗器械和药品。")
    # the requirement sentences of the articles are not duties
    for line in (2, 7, 13):
        assert "duty" not in _uses_of(doc, line)


REGULATION_ONE_LINE_INTRO = """第十条 保育员应当具有高中以上学历，并受过幼儿保育职业培训。保育员的主要职责如下:
(一)负责本班房舍、设备和环境的清洁卫生工作;
(二)在教师指导下，管理幼儿生活，配合本班教师组织教育活动;
(三)妥善保管幼儿衣物和本班的设备、用具。
"""


def test_regulation_intro_at_end_of_article_line(tmp_path: Path) -> None:
    doc = _read(tmp_path, REGULATION_ONE_LINE_INTRO)
    assert post_summary(doc) == [("保育员", 3)]


# --- bylaws ------------------------------------------------------------------------------

BYLAWS = """# Bylaws of the Riverside Radio Club

## Section 4. Duties

It shall be the duty of the directors to:
Manage the property and funds of the club;
Approve the yearly budget before
the first meeting of the year;
Fill a vacancy on the board until the next election.

## Section 5. Powers

The board may borrow money in the name of the club.

## Section 6. Duties of Treasurer

The treasurer shall have charge of all money of the club.
The treasurer shall:
Deposit the club's money in its bank account;
Pay the bills that the board has approved;
Present a written report of the accounts at the annual meeting.
"""


def test_bylaws_intro_bare_lines_and_shall_sentences(tmp_path: Path) -> None:
    doc = _read(tmp_path, BYLAWS)
    posts = _posts(doc)
    assert [(p.name or "").lower() for p in posts] == ["directors", "treasurer"]
    directors, treasurer = posts
    assert [d.text for d in directors.duties] == [
        "Manage the property and funds of the club",
        "Approve the yearly budget before the first meeting of the year",
        "Fill a vacancy on the board until the next election.",
    ]
    # one "shall" sentence, then three bare lines; the intro "The treasurer shall:" is not a duty
    assert len(treasurer.duties) == 4
    assert _ends(treasurer) == (
        "The treasurer shall have charge of all money of the club.",
        "Present a written report of the accounts at the annual meeting.",
    )
    assert "duty" not in _uses_of(doc, 18)
    assert "duty" not in _uses_of(doc, 13)  # the Powers section


BYLAWS_UNPUNCTUATED = """## Section 6. Duties of Treasurer

The treasurer shall:

Deposit the club's money in its bank account
Pay the bills that the board has approved
Present a written report of the accounts at the annual meeting
"""


def test_bylaws_bare_lines_without_punctuation(tmp_path: Path) -> None:
    doc = _read(tmp_path, BYLAWS_UNPUNCTUATED)
    assert post_summary(doc) == [("Treasurer", 3)]
    assert _ends(_post(doc, "Treasurer")) == (
        "Deposit the club's money in its bank account",
        "Present a written report of the accounts at the annual meeting",
    )


# --- hard line wraps ---------------------------------------------------------------------

WRAPS_ZH = """导诊护士岗位职责
1、热情接待来院就诊的患者，耐心解答有关
就诊流程的询问。
2、维持候诊区的秩序，引导患者按号
就诊
3、协助行动不便的患者办理挂号、缴费和取药手续。
"""


def test_hard_wraps_chinese_joined_without_space(tmp_path: Path) -> None:
    doc = _read(tmp_path, WRAPS_ZH)
    assert post_summary(doc) == [("导诊护士", 3)]
    assert [d.text for d in _post(doc, "导诊护士").duties] == [
        "热情接待来院就诊的患者，耐心解答有关就诊流程的询问。",
        "维持候诊区的秩序，引导患者按号就诊",
        "协助行动不便的患者办理挂号、缴费和取药手续。",
    ]


WRAPS_EN = """## Front Desk Assistant

1. Welcome every visitor who comes to the clinic and direct them
to the right waiting area.
2. Keep the reception desk tidy and
stocked with forms
3. Take phone messages for the nurses.
"""


def test_hard_wraps_english_joined_with_space(tmp_path: Path) -> None:
    doc = _read(tmp_path, WRAPS_EN)
    assert post_summary(doc) == [("Front Desk Assistant", 3)]
    assert [d.text for d in _post(doc, "Front Desk Assistant").duties] == [
        "Welcome every visitor who comes to the clinic and direct them to the right waiting area.",
        "Keep the reception desk tidy and stocked with forms",
        "Take phone messages for the nurses.",
    ]


PLAIN_EN_HEADING = """Duties of the Front Desk Assistant

1. Welcome every visitor who comes to the clinic.
2. Keep the reception desk tidy.
3. Take phone messages for the nurses.
"""


def test_plain_text_english_heading_numbered(tmp_path: Path) -> None:
    doc = _read(tmp_path, PLAIN_EN_HEADING)
    assert post_summary(doc) == [("Front Desk Assistant", 3)]


# --- sections that are not duties --------------------------------------------------------

NOT_DUTIES_ZHT = """收銀員崗位職責
{duties}
1.按規定收取油款，開具發票。
2.每班結束時清點現金，填寫交班報表。
3.保持收銀台整潔。
{requirements}
1.高中以上學歷。
2.能熟練使用收銀系統。
{flow}
1.接班時核對備用金。
2.交班時與下一班簽字確認。
"""


def _check_not_duties(doc: Document) -> None:
    assert post_summary(doc) == [("收銀員", 3)]
    assert _ends(_post(doc, "收銀員")) == ("按規定收取油款，開具發票。", "保持收銀台整潔。")
    for line in (7, 8, 10, 11):
        assert "duty" not in _uses_of(doc, line)


def test_traditional_sections_not_duties(tmp_path: Path) -> None:
    text = NOT_DUTIES_ZHT.format(duties="(一)崗位職責", requirements="(二)任職要求", flow="(三)工作流程")
    _check_not_duties(_read(tmp_path, text))


def test_traditional_sections_chinese_numeral_subheading(tmp_path: Path) -> None:
    text = NOT_DUTIES_ZHT.format(duties="一、崗位職責", requirements="二、任職要求", flow="三、工作流程")
    _check_not_duties(_read(tmp_path, text))


# --- page titles and section titles ------------------------------------------------------

TITLES_ZH = """阳光幼儿园岗位职责

园长职责
1、全面主持园内的保教和行政工作。
2、制定全园学期工作计划并督促落实。

后勤人员岗位职责

保育员职责
1、负责本班幼儿的生活照料。
2、做好班级卫生和消毒工作。
3、配合教师开展保育活动。
"""


def test_page_title_and_section_title_are_not_posts(tmp_path: Path) -> None:
    doc = _read(tmp_path, TITLES_ZH)
    assert post_summary(doc) == [("园长", 2), ("保育员", 3)]
    assert _ends(_post(doc, "保育员")) == ("负责本班幼儿的生活照料。", "配合教师开展保育活动。")
    names = {p.name for p in _posts(doc)} | {p.name for p in doc.dutyless}
    assert not names & {"阳光幼儿园", "后勤人员", "阳光幼儿园岗位职责", "后勤人员岗位职责"}


TITLES_EN = """# Staff handbook

## Operations team

### Office Manager

Keeps the office running day to day.

#### Responsibilities

- Order supplies and track the budget for them.
- Book meeting rooms for visitors.

### Receptionist

#### Responsibilities

- Greet visitors and sign them in.
- Answer the main phone line.
- Sort incoming post.
"""


def test_english_page_and_section_titles_are_not_posts(tmp_path: Path) -> None:
    doc = _read(tmp_path, TITLES_EN, name="handbook.md")
    assert post_summary(doc) == [("Office Manager", 2), ("Receptionist", 3)]
    assert _ends(_post(doc, "Receptionist")) == ("Greet visitors and sign them in.", "Sort incoming post.")
    names = {p.name for p in _posts(doc)} | {p.name for p in doc.dutyless}
    assert not names & {"Staff handbook", "Operations team"}


# --- no position -------------------------------------------------------------------------

NO_POSITION = """Notes from the planning meeting

- Book the hall for March.
- Ask for quotes from two caterers.
"""


def test_no_position_names_file_and_what_was_seen(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as caught:
        read_text(tmp_path, NO_POSITION, name="notes.txt")
    message = str(caught.value)
    assert "notes.txt" in message
    assert "no position found" in message
    assert "found" in message and "2 list items" in message
