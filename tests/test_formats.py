"""Word, Excel, PDF and HTML files made in the test, read into lines and marks worked out by hand."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

from graph.model import Mark
from graph.read.formats import SUPPORTED_SUFFIXES, Formatted, read_formatted

W_NS = nsdecls("w")
REAL = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "real"


def read(tmp_path: Path, name: str, data: bytes) -> Formatted:
    path = tmp_path / name
    path.write_bytes(data)
    found = read_formatted(path, data)
    assert found is not None
    assert len(found.lines) == len(found.marks)
    return found


def rows(found: Formatted) -> list[tuple[str, str, int, str, str, str]]:
    """(text, kind, level, number, label, where) of every line."""
    return [(t, m.kind, m.level, m.number, m.label, m.where) for t, m in zip(found.lines, found.marks, strict=True)]


def docx_bytes(doc: object) -> bytes:
    buf = io.BytesIO()
    doc.save(buf)  # type: ignore[attr-defined]
    return buf.getvalue()


def add_list(doc: object, abstract_id: int, num_id: int, levels: list[tuple[str, str]]) -> None:
    """A Word list definition: one (numFmt, lvlText) per level, starting at 1."""
    numbering = doc.part.numbering_part.element  # type: ignore[attr-defined]
    lvls = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/></w:lvl>'
        for i, (fmt, text) in enumerate(levels)
    )
    abstract = parse_xml(f'<w:abstractNum {W_NS} w:abstractNumId="{abstract_id}">{lvls}</w:abstractNum>')
    first_num = numbering.find(qn("w:num"))
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    numbering.append(parse_xml(f'<w:num {W_NS} w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/></w:num>'))


def numbered(doc: object, text: str, num_id: int, ilvl: int = 0) -> None:
    p = doc.add_paragraph(text)  # type: ignore[attr-defined]
    p._p.get_or_add_pPr().append(parse_xml(f'<w:numPr {W_NS}><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>'))


def bold_label(doc: object, label: str, value: str) -> None:
    p = doc.add_paragraph()  # type: ignore[attr-defined]
    p.add_run(label).bold = True
    p.add_run(value)


def fill_cell(cell: object, lines: list[str]) -> None:
    cell.text = lines[0]  # type: ignore[attr-defined]
    for line in lines[1:]:
        cell.add_paragraph(line)  # type: ignore[attr-defined]


# --- .docx ----------------------------------------------------------------------------------


def test_docx_styles_numbering_and_bold_labels(tmp_path: Path) -> None:
    doc = Document()
    doc.add_paragraph("财务部岗位说明书", style="Title")
    doc.add_heading("出纳岗位职责", level=1)
    bold_label(doc, "所属部门:", "财务部")
    bold_label(doc, "直接上级", "：财务经理")
    doc.add_heading("岗位职责", level=2)
    add_list(doc, 80, 801, [("decimal", "%1."), ("lowerLetter", "%2)")])
    numbered(doc, "办理现金收付和银行结算业务", 801)
    numbered(doc, "登记现金日记账和银行存款日记账", 801)
    numbered(doc, "每日核对库存现金", 801, 1)
    numbered(doc, "每月与银行对账", 801, 1)
    numbered(doc, "保管库存现金和有价证券", 801)
    doc.add_heading("任职资格", level=2)
    doc.add_paragraph("会计专业大专以上学历", style="List Bullet")
    doc.add_paragraph("熟悉点钞和验钞", style="List Bullet 2")
    doc.add_paragraph("")
    doc.sections[0].header.paragraphs[0].text = "某某公司内部资料"
    found = read(tmp_path, "出纳.docx", docx_bytes(doc))
    assert found.encoding == "docx"
    assert found.dropped == (("header/footer", 1),)
    assert rows(found) == [
        ("财务部岗位说明书", "title", 0, "", "", "paragraph 1"),
        ("出纳岗位职责", "heading", 1, "", "", "paragraph 2"),
        ("财务部", "field", 0, "", "所属部门", "paragraph 3"),
        ("财务经理", "field", 0, "", "直接上级", "paragraph 4"),
        ("岗位职责", "heading", 2, "", "", "paragraph 5"),
        ("办理现金收付和银行结算业务", "item", 0, "1.", "", "paragraph 6"),
        ("登记现金日记账和银行存款日记账", "item", 0, "2.", "", "paragraph 7"),
        ("每日核对库存现金", "item", 1, "a)", "", "paragraph 8"),
        ("每月与银行对账", "item", 1, "b)", "", "paragraph 9"),
        ("保管库存现金和有价证券", "item", 0, "3.", "", "paragraph 10"),
        ("任职资格", "heading", 2, "", "", "paragraph 11"),
        ("会计专业大专以上学历", "item", 0, "", "", "paragraph 12"),
        ("熟悉点钞和验钞", "item", 1, "", "", "paragraph 13"),
    ]


def test_docx_numbering_formats_render_as_word_shows_them(tmp_path: Path) -> None:
    doc = Document()
    add_list(doc, 90, 901, [("chineseCounting", "%1、"), ("decimal", "(%2)"), ("ideographTraditional", "%3、")])
    add_list(doc, 91, 902, [("chineseCountingThousand", "(%1)")])
    add_list(doc, 92, 903, [("upperRoman", "%1."), ("decimal", "%1.%2")])
    numbered(doc, "岗位职责", 901)
    for i in range(11):
        numbered(doc, f"职责{i + 1}", 901, 1)
    numbered(doc, "细则", 901, 2)
    numbered(doc, "细则", 901, 2)
    numbered(doc, "任职资格", 901)
    numbered(doc, "学历", 901, 1)  # the level restarts under a new top item
    for i in range(12):
        numbered(doc, f"条{i}", 902)
    numbered(doc, "Duties", 903)
    numbered(doc, "a", 903, 1)
    numbered(doc, "Limits", 903)
    numbered(doc, "b", 903, 1)
    found = read(tmp_path, "numbers.docx", docx_bytes(doc))
    numbers = [m.number for m in found.marks]
    assert numbers == [
        "一、",
        *[f"({n})" for n in range(1, 12)],
        "甲、",
        "乙、",
        "二、",
        "(1)",
        "(一)", "(二)", "(三)", "(四)", "(五)", "(六)", "(七)", "(八)", "(九)", "(十)", "(十一)", "(十二)",
        "I.",
        "I.1",
        "II.",
        "II.1",
    ]  # fmt: skip
    assert [m.level for m in found.marks][:14] == [0, *[1] * 11, 2, 2]


def test_docx_list_style_numbering_and_hidden_text(tmp_path: Path) -> None:
    doc = Document()
    numbering = doc.part.numbering_part.element
    first_num = numbering.find(qn("w:num"))
    definition = (
        f'<w:abstractNum {W_NS} w:abstractNumId="70"><w:styleLink w:val="DutyList"/>'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1、"/></w:lvl></w:abstractNum>'
    )
    user = f'<w:abstractNum {W_NS} w:abstractNumId="71"><w:numStyleLink w:val="DutyList"/></w:abstractNum>'
    for xml in (definition, user):
        first_num.addprevious(parse_xml(xml))
    numbering.append(parse_xml(f'<w:num {W_NS} w:numId="701"><w:abstractNumId w:val="71"/></w:num>'))
    numbered(doc, "办理现金收付", 701)
    numbered(doc, "登记日记账", 701)
    p = doc.add_paragraph("保管库存现金")
    p.add_run("(内部备注:待修订)").font.hidden = True
    found = read(tmp_path, "出纳.docx", docx_bytes(doc))
    assert rows(found) == [
        ("办理现金收付", "item", 0, "1、", "", "paragraph 1"),
        ("登记日记账", "item", 0, "2、", "", "paragraph 2"),
        ("保管库存现金", "", 0, "", "", "paragraph 3"),
    ]


def test_docx_field_table_four_columns_vertical_labels_and_merges(tmp_path: Path) -> None:
    doc = Document()
    doc.add_paragraph("岗 位 说 明 书")
    table = doc.add_table(rows=7, cols=4)
    cells = table.rows
    for r, (label, value) in enumerate([("岗位名称", "出纳"), ("所属部门", "财务部"), ("直接上级", "财务经理")]):
        cells[r].cells[0].text = label
        cells[r].cells[1].merge(cells[r].cells[3]).text = value
    row = cells[3].cells
    row[0].text, row[1].text, row[2].text, row[3].text = "岗位编号", "CW-02", "岗位定员", "1人"
    duties = cells[4].cells[1].merge(cells[4].cells[3])
    cells[4].cells[0].text = "岗位职责"
    fill_cell(duties, ["1、办理现金收付业务", "2、登记现金日记账", "3、保管库存现金"])
    label = cells[5].cells[0].merge(cells[6].cells[0])  # a label over two rows
    fill_cell(label, ["任", "职", "资", "格"])
    cells[5].cells[1].text, cells[5].cells[2].merge(cells[5].cells[3]).text = "学历", "大专以上"
    cells[6].cells[1].text, cells[6].cells[2].merge(cells[6].cells[3]).text = "经验", "两年以上"
    found = read(tmp_path, "出纳.docx", docx_bytes(doc))
    assert rows(found) == [
        ("岗 位 说 明 书", "", 0, "", "", "paragraph 1"),
        ("出纳", "field", 0, "", "岗位名称", "table 1, row 1, cell 2"),
        ("财务部", "field", 0, "", "所属部门", "table 1, row 2, cell 2"),
        ("财务经理", "field", 0, "", "直接上级", "table 1, row 3, cell 2"),
        ("CW-02", "field", 0, "", "岗位编号", "table 1, row 4, cell 2"),
        ("1人", "field", 0, "", "岗位定员", "table 1, row 4, cell 4"),
        ("", "field", 0, "", "岗位职责", "table 1, row 5, cell 2"),
        ("1、办理现金收付业务", "", 0, "", "", "table 1, row 5, cell 2"),
        ("2、登记现金日记账", "", 0, "", "", "table 1, row 5, cell 2"),
        ("3、保管库存现金", "", 0, "", "", "table 1, row 5, cell 2"),
        ("大专以上", "field", 0, "", "任职资格 学历", "table 1, row 6, cell 3"),
        ("两年以上", "field", 0, "", "任职资格 经验", "table 1, row 7, cell 3"),
    ]


def test_docx_header_row_table_gives_one_record_per_row(tmp_path: Path) -> None:
    doc = Document()
    table = doc.add_table(rows=3, cols=4)
    for cell, text in zip(table.rows[0].cells, ["岗位名称", "所属部门", "直接上级", "岗位职责"], strict=True):
        cell.text = text
    table.rows[1].cells[0].text, table.rows[1].cells[1].text, table.rows[1].cells[2].text = "出纳", "财务部", "财务经理"
    fill_cell(table.rows[1].cells[3], ["1、办理现金收付", "2、登记日记账"])
    table.rows[2].cells[1].text, table.rows[2].cells[2].text, table.rows[2].cells[0].text = "财务部", "财务经理", "会计"
    table.rows[2].cells[3].text = "负责总账核算"
    found = read(tmp_path, "岗位表.docx", docx_bytes(doc))
    assert rows(found) == [
        ("出纳", "field", 0, "", "岗位名称", "table 1, row 2, cell 1"),
        ("财务部", "field", 0, "", "所属部门", "table 1, row 2, cell 2"),
        ("财务经理", "field", 0, "", "直接上级", "table 1, row 2, cell 3"),
        ("", "field", 0, "", "岗位职责", "table 1, row 2, cell 4"),
        ("1、办理现金收付", "", 0, "", "", "table 1, row 2, cell 4"),
        ("2、登记日记账", "", 0, "", "", "table 1, row 2, cell 4"),
        ("会计", "field", 0, "", "岗位名称", "table 1, row 3, cell 1"),
        ("财务部", "field", 0, "", "所属部门", "table 1, row 3, cell 2"),
        ("财务经理", "field", 0, "", "直接上级", "table 1, row 3, cell 3"),
        ("负责总账核算", "field", 0, "", "岗位职责", "table 1, row 3, cell 4"),
    ]


def test_docx_nested_table_is_read_after_its_row(tmp_path: Path) -> None:
    doc = Document()
    outer = doc.add_table(rows=2, cols=2)
    outer.rows[0].cells[0].text, outer.rows[0].cells[1].text = "岗位名称", "前台接待"
    outer.rows[1].cells[0].text = "岗位职责"
    inner = outer.rows[1].cells[1].add_table(rows=2, cols=2)
    inner.rows[0].cells[0].text, inner.rows[0].cells[1].text = "职责一", "接听来电"
    inner.rows[1].cells[0].text, inner.rows[1].cells[1].text = "职责二", "登记访客"
    doc.add_paragraph("附:本表每年修订一次")
    found = read(tmp_path, "前台.docx", docx_bytes(doc))
    assert rows(found) == [
        ("前台接待", "field", 0, "", "岗位名称", "table 1, row 1, cell 2"),
        ("", "field", 0, "", "岗位职责", "table 1, row 2, cell 2"),
        ("接听来电", "field", 0, "", "职责一", "table 2, row 1, cell 2"),
        ("登记访客", "field", 0, "", "职责二", "table 2, row 2, cell 2"),
        ("附:本表每年修订一次", "", 0, "", "", "paragraph 1"),
    ]


def test_docx_english_role_sheet(tmp_path: Path) -> None:
    doc = Document()
    doc.add_heading("Receptionist", level=1)
    bold_label(doc, "Reports to:", " Office Manager")
    bold_label(doc, "Department", ": Administration")
    doc.add_heading("Responsibilities", level=2)
    for duty in ("Greet visitors and direct them", "Answer and route phone calls", "Keep the front desk tidy"):
        doc.add_paragraph(duty, style="List Number")
    doc.add_heading("Requirements", level=2)
    doc.add_paragraph("A friendly manner", style="List Bullet")
    found = read(tmp_path, "receptionist.docx", docx_bytes(doc))
    assert rows(found) == [
        ("Receptionist", "heading", 1, "", "", "paragraph 1"),
        ("Office Manager", "field", 0, "", "Reports to", "paragraph 2"),
        ("Administration", "field", 0, "", "Department", "paragraph 3"),
        ("Responsibilities", "heading", 2, "", "", "paragraph 4"),
        ("Greet visitors and direct them", "item", 0, "1.", "", "paragraph 5"),
        ("Answer and route phone calls", "item", 0, "2.", "", "paragraph 6"),
        ("Keep the front desk tidy", "item", 0, "3.", "", "paragraph 7"),
        ("Requirements", "heading", 2, "", "", "paragraph 8"),
        ("A friendly manner", "item", 0, "", "", "paragraph 9"),
    ]


def test_docx_table_of_contents_typed_as_a_list_is_left_out(tmp_path: Path) -> None:
    doc = Document()
    doc.add_paragraph("Roles", style="Title")
    doc.add_heading("Contents", level=2)
    doc.add_paragraph("Porter", style="List Bullet")
    doc.add_paragraph("Cleaner", style="List Bullet")
    doc.add_heading("Porter", level=1)
    doc.add_paragraph("Sort the post", style="List Bullet")
    doc.add_heading("Cleaner", level=1)
    doc.add_paragraph("Clean the offices", style="List Bullet")
    found = read(tmp_path, "roles.docx", docx_bytes(doc))
    assert found.dropped == (("table of contents", 3),)
    assert [(t, k, lv) for t, k, lv, *_ in rows(found)] == [
        ("Roles", "title", 0),
        ("Porter", "heading", 1),
        ("Sort the post", "item", 0),
        ("Cleaner", "heading", 1),
        ("Clean the offices", "item", 0),
    ]


# --- .xlsx ----------------------------------------------------------------------------------


def xlsx_bytes(book: object) -> bytes:
    buf = io.BytesIO()
    book.save(buf)  # type: ignore[attr-defined]
    return buf.getvalue()


def test_xlsx_header_row_one_record_per_row_after_a_merged_title(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "岗位"
    sheet.append(["财务部岗位一览"])
    sheet.merge_cells("A1:D1")
    sheet.append(["岗位名称", "所属部门", "直接上级", "岗位职责"])
    sheet.append(["出纳", "财务部", "财务经理", "1、办理现金收付\n2、登记日记账\n\n3、保管现金"])
    sheet.append([None, None, None, None])
    sheet.append(["会计", None, "财务经理", "负责总账核算"])
    found = read(tmp_path, "岗位.xlsx", xlsx_bytes(book))
    assert found.encoding == "xlsx"
    assert rows(found) == [
        ("出纳", "field", 0, "", "岗位名称", "sheet 岗位, row 3, column A"),
        ("财务部", "field", 0, "", "所属部门", "sheet 岗位, row 3, column B"),
        ("财务经理", "field", 0, "", "直接上级", "sheet 岗位, row 3, column C"),
        ("", "field", 0, "", "岗位职责", "sheet 岗位, row 3, column D"),
        ("1、办理现金收付", "", 0, "", "", "sheet 岗位, row 3, column D"),
        ("2、登记日记账", "", 0, "", "", "sheet 岗位, row 3, column D"),
        ("3、保管现金", "", 0, "", "", "sheet 岗位, row 3, column D"),
        ("会计", "field", 0, "", "岗位名称", "sheet 岗位, row 5, column A"),
        ("财务经理", "field", 0, "", "直接上级", "sheet 岗位, row 5, column C"),
        ("负责总账核算", "field", 0, "", "岗位职责", "sheet 岗位, row 5, column D"),
    ]


def test_xlsx_sheet_without_header_is_a_field_form_and_english_headers_work(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    form = book.active
    form.title = "Form"
    form.append(["Job title", "Receptionist"])
    form.append(["Reports to", "Office Manager", "Location", "Head office"])
    form.append(["Responsibilities", "- Greet visitors\n- Answer calls"])
    form.append(["Reviewed every year by the office manager and HR."])
    table = book.create_sheet("Roles")
    table.append(["Position", "Reports to", "Duties", "Hours"])
    table.append(["Porter", "Office Manager", "Sort the post", 20])
    table.append(["Cleaner", "Office Manager", "Clean the offices", 12.0])
    table["E1"], table["E2"] = "Share", 0.25
    table["E2"].number_format = "0%"
    found = read(tmp_path, "roles.xlsx", xlsx_bytes(book))
    assert rows(found) == [
        ("Receptionist", "field", 0, "", "Job title", "sheet Form, row 1, column B"),
        ("Office Manager", "field", 0, "", "Reports to", "sheet Form, row 2, column B"),
        ("Head office", "field", 0, "", "Location", "sheet Form, row 2, column D"),
        ("", "field", 0, "", "Responsibilities", "sheet Form, row 3, column B"),
        ("- Greet visitors", "", 0, "", "", "sheet Form, row 3, column B"),
        ("- Answer calls", "", 0, "", "", "sheet Form, row 3, column B"),
        ("Reviewed every year by the office manager and HR.", "", 0, "", "", "sheet Form, row 4, column A"),
        ("Porter", "field", 0, "", "Position", "sheet Roles, row 2, column A"),
        ("Office Manager", "field", 0, "", "Reports to", "sheet Roles, row 2, column B"),
        ("Sort the post", "field", 0, "", "Duties", "sheet Roles, row 2, column C"),
        ("20", "field", 0, "", "Hours", "sheet Roles, row 2, column D"),
        ("25%", "field", 0, "", "Share", "sheet Roles, row 2, column E"),
        ("Cleaner", "field", 0, "", "Position", "sheet Roles, row 3, column A"),
        ("Office Manager", "field", 0, "", "Reports to", "sheet Roles, row 3, column B"),
        ("Clean the offices", "field", 0, "", "Duties", "sheet Roles, row 3, column C"),
        ("12", "field", 0, "", "Hours", "sheet Roles, row 3, column D"),
    ]


def test_xlsx_hidden_sheet_is_left_out_and_counted(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["岗位名称", "岗位职责"])
    book.active.append(["出纳", "办理现金收付"])
    lookup = book.create_sheet("下拉选项")
    lookup.append(["岗位名称", "部门"])
    lookup.append(["会计", "财务部"])
    lookup.sheet_state = "hidden"
    found = read(tmp_path, "岗位.xlsx", xlsx_bytes(book))
    assert found.dropped == (("hidden sheet", 1),)
    assert found.lines == ("出纳", "办理现金收付")


def test_xlsx_formulas_are_read_as_their_cached_values(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["岗位名称", "岗位定员"])
    book.active.append(["出纳", "=1+1"])
    data = xlsx_bytes(book)
    # openpyxl writes no cached value; put the one Excel would have saved beside the formula.
    data = _rewrite_member(data, "xl/worksheets/sheet1.xml", lambda xml: xml.replace(b"<f>1+1</f><v></v>", b"<f>1+1</f><v>2</v>"))
    found = read(tmp_path, "定员.xlsx", data)
    assert found.lines == ("出纳", "2")


def _rewrite_member(data: bytes, name: str, change: object) -> bytes:
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info.filename)
            target.writestr(info.filename, change(body) if info.filename == name else body)  # type: ignore[operator]
    return out.getvalue()


def test_xlsx_reading_stops_after_a_run_of_empty_rows(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("岗位")
    sheet.append(["岗位名称", "岗位职责"])
    sheet.append(["出纳", "办理现金收付"])
    for _ in range(100_000):
        sheet.append([None])
    sheet.append(["迟到的岗位", "不读"])
    data = xlsx_bytes(book)
    found = read(tmp_path, "空行.xlsx", data)
    # reading stops after a run of empty rows: the row after 100,000 empty ones is not read
    assert found.lines == ("出纳", "办理现金收付")


def test_a_department_merged_down_beside_two_positions_is_read_in_each(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "S"
    sheet.append(["部门", "岗位名称", "岗位职责"])
    sheet.append(["财务部", "出纳", "办理现金收付"])
    sheet.append([None, "会计", "负责总账核算"])
    sheet.merge_cells("A2:A3")
    expected = [("出纳", "岗位名称"), ("财务部", "部门"), ("办理现金收付", "岗位职责")]
    expected += [("会计", "岗位名称"), ("财务部", "部门"), ("负责总账核算", "岗位职责")]
    found = read(tmp_path, "merged.xlsx", xlsx_bytes(book))
    assert [(t, m.label) for t, m in zip(found.lines, found.marks, strict=True)] == expected
    assert found.marks[4].where == "sheet S, row 2, column A"

    doc = Document()
    table = doc.add_table(rows=3, cols=3)
    grid_texts = [["部门", "岗位名称", "岗位职责"], ["财务部", "出纳", "办理现金收付"], ["", "会计", "负责总账核算"]]
    for r, texts in enumerate(grid_texts):
        for c, text in enumerate(texts):
            table.rows[r].cells[c].text = text
    table.rows[1].cells[0].merge(table.rows[2].cells[0])
    found = read(tmp_path, "merged.docx", docx_bytes(doc))
    assert [(t, m.label) for t, m in zip(found.lines, found.marks, strict=True)] == expected

    page = (
        "<table><tr><th>部门</th><th>岗位名称</th><th>岗位职责</th></tr>"
        '<tr><td rowspan="2">财务部</td><td>出纳</td><td>办理现金收付</td></tr>'
        "<tr><td>会计</td><td>负责总账核算</td></tr></table>"
    )
    found = read(tmp_path, "merged.html", page.encode())
    assert [(t, m.label) for t, m in zip(found.lines, found.marks, strict=True)] == expected


def test_xls_97_2003_workbook_is_read_like_xlsx(tmp_path: Path) -> None:
    import xlwt

    book = xlwt.Workbook()
    sheet = book.add_sheet("岗位")
    for r, values in enumerate([["岗位名称", "直接上级", "岗位职责"], ["出纳", "财务经理", "1、办理现金收付\n2、登记日记账"]]):
        for c, value in enumerate(values):
            sheet.write(r, c, value)
    buf = io.BytesIO()
    book.save(buf)
    found = read(tmp_path, "岗位.xls", buf.getvalue())
    assert found.encoding == "xls"
    assert rows(found) == [
        ("出纳", "field", 0, "", "岗位名称", "sheet 岗位, row 2, column A"),
        ("财务经理", "field", 0, "", "直接上级", "sheet 岗位, row 2, column B"),
        ("", "field", 0, "", "岗位职责", "sheet 岗位, row 2, column C"),
        ("1、办理现金收付", "", 0, "", "", "sheet 岗位, row 2, column C"),
        ("2、登记日记账", "", 0, "", "", "sheet 岗位, row 2, column C"),
    ]


# --- .pdf -----------------------------------------------------------------------------------


def pdf_bytes(pages: list[list[str]], *, header: str = "", footer: str = "", font: str = "STSong-Light") -> bytes:
    """A PDF of text lines with reportlab; the CID font needs no font file and extracts as Unicode."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=(595, 842))
    for number, lines in enumerate(pages, start=1):
        pdf.setFont(font, 10)
        if header:
            pdf.drawString(72, 800, header)
        y = 760
        for line in lines:
            pdf.drawString(72, y, line)
            y -= 20
        if footer:
            pdf.drawString(260, 40, footer.format(page=number, pages=len(pages)))
        pdf.showPage()
    pdf.save()
    return buf.getvalue()


def test_pdf_running_header_page_numbers_and_a_line_cut_by_a_page_break(tmp_path: Path) -> None:
    pages = [
        [
            "出纳岗位职责",
            "岗位名称:出纳",
            "所属部门:财务部",
            "1、办理现金收付和银行结算业务,严格执行现金管理制度和银行结算制度的各项",
        ],
        ["规定,做到日清月结;", "2、登记现金日记账;", "3、保管库存现金和有价证券。"],
        ["会计岗位职责", "1、负责总账核算。"],
    ]
    data = pdf_bytes(pages, header="某某公司岗位说明书", footer="第 {page} 页 共 {pages} 页")
    found = read(tmp_path, "岗位.pdf", data)
    assert found.encoding == "pdf"
    assert dict(found.dropped) == {"running header": 3, "page number": 3}
    assert rows(found) == [
        ("出纳岗位职责", "", 0, "", "", "page 1, line 2"),
        ("岗位名称:出纳", "", 0, "", "", "page 1, line 3"),
        ("所属部门:财务部", "", 0, "", "", "page 1, line 4"),
        (
            "1、办理现金收付和银行结算业务,严格执行现金管理制度和银行结算制度的各项规定,做到日清月结;",
            "",
            0,
            "",
            "",
            "page 1, line 5",
        ),
        ("2、登记现金日记账;", "", 0, "", "", "page 2, line 3"),
        ("3、保管库存现金和有价证券。", "", 0, "", "", "page 2, line 4"),
        ("会计岗位职责", "", 0, "", "", "page 3, line 2"),
        ("1、负责总账核算。", "", 0, "", "", "page 3, line 3"),
    ]


def test_pdf_english_page_numbers_alone_and_no_header(tmp_path: Path) -> None:
    pages = [
        ["Job title: Receptionist", "Reports to: Office Manager", "Responsibilities:", "- Greet visitors and direct them to"],
        ["the right office", "- Answer calls"],
    ]
    found = read(tmp_path, "receptionist.pdf", pdf_bytes(pages, footer="{page}", font="Helvetica"))
    assert dict(found.dropped) == {"page number": 2}
    assert found.lines == (
        "Job title: Receptionist",
        "Reports to: Office Manager",
        "Responsibilities:",
        "- Greet visitors and direct them to the right office",
        "- Answer calls",
    )
    assert found.marks[-1].where == "page 2, line 2"


# --- .html ----------------------------------------------------------------------------------

PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>出纳岗位职责 - 某某网</title>
<style>body { color: black }</style><script>var x = 1;</script></head>
<body>
<header><a href="/">首页</a></header>
<nav><ul><li>首页</li><li>岗位职责大全</li></ul></nav>
<h1>出纳岗位职责</h1>
<p>
  <b>所属部门:</b>财务部</p>
<p><strong>直接上级</strong>：财务经理<br>本岗位定员一人</p>
<h2>岗位职责</h2>
<ol>
<li>办理现金收付业务</li>
<li>登记日记账<ul><li>现金日记账</li><li>银行存款日记账</li></ul></li>
<li value="5">保管库存现金</li>
</ol>
<table>
<tr><th>岗位名称</th><th>直接上级</th><th>岗位职责</th></tr>
<tr><td>会计</td><td>财务经理</td><td><p>1、负责总账核算</p><p>2、编制报表</p></td></tr>
</table>
<dl><dt>Reports to</dt><dd>Finance Manager</dd></dl>
<aside>热门文章</aside>
<footer>版权所有</footer>
<script>track();</script>
</body></html>
"""


def test_html_headings_lists_fields_tables_and_what_is_left_out(tmp_path: Path) -> None:
    found = read(tmp_path, "出纳.html", PAGE.encode("utf-8"))
    assert found.encoding == "html (utf-8)"
    assert dict(found.dropped) == {"aside": 1, "header/footer": 2, "navigation": 1, "page title": 1, "script": 2, "style": 1}
    assert [(t, k, lv, n, lb) for t, k, lv, n, lb, _ in rows(found)] == [
        ("出纳岗位职责", "heading", 1, "", ""),
        ("财务部", "field", 0, "", "所属部门"),
        ("财务经理", "field", 0, "", "直接上级"),
        ("本岗位定员一人", "", 0, "", ""),
        ("岗位职责", "heading", 2, "", ""),
        ("办理现金收付业务", "item", 0, "1.", ""),
        ("登记日记账", "item", 0, "2.", ""),
        ("现金日记账", "item", 1, "", ""),
        ("银行存款日记账", "item", 1, "", ""),
        ("保管库存现金", "item", 0, "5.", ""),
        ("会计", "field", 0, "", "岗位名称"),
        ("财务经理", "field", 0, "", "直接上级"),
        ("", "field", 0, "", "岗位职责"),
        ("1、负责总账核算", "", 0, "", ""),
        ("2、编制报表", "", 0, "", ""),
        ("Finance Manager", "field", 0, "", "Reports to"),
    ]
    assert found.marks[0].where == "line 7"
    assert found.marks[10].where == "table 1, row 2, cell 1"


def test_html_table_of_contents_of_in_page_links_is_left_out(tmp_path: Path) -> None:
    page = (
        '<body><ul><li><a href="#porter">Porter</a></li><li><a href="#cleaner">Cleaner</a>'
        '<ul><li><a href="#hours">Hours</a></li></ul></li></ul>'
        '<h2 id="porter">Porter</h2><ul><li>Sort the <a href="/post">post</a></li><li>Carry parcels</li></ul></body>'
    )
    found = read(tmp_path, "roles.html", page.encode())
    assert dict(found.dropped) == {"table of contents": 3}
    assert found.lines == ("Porter", "Sort the post", "Carry parcels")


def test_html_site_chrome_by_class_and_an_articles_own_header(tmp_path: Path) -> None:
    page = (
        '<body><div class="nav"><a href="/">首页</a> &gt; <a href="/hr">人力资源</a></div>'
        '<div id="sidebar"><p>热门:保安队长岗位职责</p></div>'
        '<div class="article-header"><p>发布时间:2024-05-01</p></div>'
        "<article><header><h1>前台接待岗位职责</h1></header><p>1、接听来电。</p><footer>责任编辑:小王</footer></article>"
        '<div class="footer">版权所有</div></body>'
    )
    found = read(tmp_path, "前台.html", page.encode())
    assert dict(found.dropped) == {"aside": 1, "header/footer": 2, "navigation": 1}
    assert found.lines == ("发布时间:2024-05-01", "前台接待岗位职责", "1、接听来电。")


def test_html_layout_table_is_read_as_flow(tmp_path: Path) -> None:
    page = (
        "<body><table><tr><td class='menu'><a href='/'>首页</a></td></tr>"
        "<tr><td><h2>保安岗位职责</h2><ol><li>巡逻</li><li>登记来访车辆</li></ol></td><td>广告</td></tr></table></body>"
    )
    found = read(tmp_path, "保安.html", page.encode())
    assert [(t, m.kind, m.number) for t, m in zip(found.lines, found.marks, strict=True)] == [
        ("保安岗位职责", "heading", ""),
        ("巡逻", "item", "1."),
        ("登记来访车辆", "item", "2."),
        ("广告", "", ""),
    ]
    assert dict(found.dropped) == {"navigation": 1}


def test_html_charset_from_the_meta_tag(tmp_path: Path) -> None:
    page = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head>'
        "<body><h1>出纳岗位职责</h1><p>1、办理现金收付</p></body></html>"
    )
    found = read(tmp_path, "出纳.htm", page.encode("gb18030"))
    assert found.encoding == "html (gb18030)"
    assert found.lines == ("出纳岗位职责", "1、办理现金收付")


def test_html_without_a_meta_charset_falls_back_to_gb18030(tmp_path: Path) -> None:
    found = read(tmp_path, "出纳.html", "<p>岗位名称:出纳</p>".encode("gb18030"))
    assert found.encoding == "html (gb18030)"
    assert found.lines == ("岗位名称:出纳",)


# --- detection ------------------------------------------------------------------------------


def test_plain_text_suffixes_are_left_to_the_text_reader(tmp_path: Path) -> None:
    for name in ("a.txt", "a.md", "a.markdown", "a.rst", "a.text", "README"):
        assert read_formatted(tmp_path / name, "岗位名称:出纳".encode()) is None
    assert {".txt", ".md", ".rst", "", ".docx", ".xlsx", ".pdf", ".html", ".htm"} <= SUPPORTED_SUFFIXES


def test_a_word_file_with_an_old_name_is_read_for_what_it_is(tmp_path: Path) -> None:
    doc = Document()
    doc.add_heading("出纳岗位职责", level=1)
    found = read(tmp_path, "出纳.doc", docx_bytes(doc))
    assert found.lines == ("出纳岗位职责",)
    assert found.marks == (Mark(kind="heading", level=1, where="paragraph 1"),)


def test_a_web_page_saved_as_doc_and_an_xls_named_xlsx_are_read_for_what_they_are(tmp_path: Path) -> None:
    import xlwt

    found = read(tmp_path, "出纳.doc", "<html><body><h1>出纳岗位职责</h1><p>1、办理现金收付</p></body></html>".encode())
    assert found.encoding == "html (utf-8)" and found.lines == ("出纳岗位职责", "1、办理现金收付")
    book = xlwt.Workbook()
    sheet = book.add_sheet("S")
    for c, (label, value) in enumerate([("岗位名称", "出纳"), ("岗位职责", "办理现金收付")]):
        sheet.write(0, c, label)
        sheet.write(1, c, value)
    buf = io.BytesIO()
    book.save(buf)
    found = read(tmp_path, "岗位.xlsx", buf.getvalue())
    assert found.encoding == "xls" and found.lines == ("出纳", "办理现金收付")


# --- the packaged real documents ------------------------------------------------------------


def _gold_names(path: Path) -> list[str]:
    gold = json.loads(path.with_name(path.name.split(".")[0] + ".gold.json").read_text(encoding="utf-8"))
    return [p["name"] for p in gold["positions"]]


@pytest.mark.skipif(not REAL.is_dir(), reason=f"{REAL} not found: the packaged real documents are not on this machine")
class TestRealPackagedCopies:
    def test_excel_rows_are_the_two_positions(self) -> None:
        path = REAL / "zh" / "01-property-front-desk.xlsx"
        found = read_formatted(path, path.read_bytes())
        assert found is not None
        names = [t for t, m in zip(found.lines, found.marks, strict=True) if m.kind == "field" and m.label == "岗位名称"]
        assert names == _gold_names(path)
        duty_fields = [i for i, m in enumerate(found.marks) if m.kind == "field" and m.label == "岗位职责"]
        assert len(duty_fields) == 2 and all(found.lines[i] == "" for i in duty_fields)
        assert all(m.where.startswith("sheet ") for m in found.marks)

    def test_chinese_word_table_is_a_field_form(self) -> None:
        path = REAL / "zh" / "03-restaurant-head-chef.docx"
        found = read_formatted(path, path.read_bytes())
        assert found is not None
        fields = {m.label: t for t, m in zip(found.lines, found.marks, strict=True) if m.kind == "field"}
        assert fields["岗位名称"] == _gold_names(path)[0]
        assert {"所在部门", "直接上级", "职责与工作任务", "权力"} <= set(fields)
        assert fields["职责与工作任务"] == ""

    def test_english_word_sheet_has_a_heading_1_per_role(self) -> None:
        path = REAL / "en" / "06-hypha-coop-roles.docx"
        found = read_formatted(path, path.read_bytes())
        assert found is not None
        headings = [t for t, m in zip(found.lines, found.marks, strict=True) if m.kind == "heading" and m.level == 1]
        assert headings == _gold_names(path)
        assert sum(m.kind == "item" and m.level == 0 for m in found.marks) > sum(
            m.kind == "heading" and m.level == 2 for m in found.marks
        )
