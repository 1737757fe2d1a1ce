"""Documents of each format made in the test, read all the way to positions: the format readers'
marks and the recogniser together. Expected posts, duties, departments and superiors by hand."""

from __future__ import annotations

from pathlib import Path

from docx import Document

from graph.clean import clean_source
from graph.model import Document as ReadDocument
from graph.model import SourceText
from graph.read.formats import read_formatted
from graph.read.recognise import split_document
from tests.test_formats import docx_bytes, fill_cell, pdf_bytes, xlsx_bytes


def positions(tmp_path: Path, name: str, data: bytes) -> ReadDocument:
    """What source.py does with a formatted file, then cleaning and splitting."""
    path = tmp_path / name
    path.write_bytes(data)
    found = read_formatted(path, data)
    assert found is not None
    source = SourceText(path, "doc", "0" * 64, found.encoding, found.lines, found.marks, found.dropped)
    return split_document(clean_source(source))


def summary(doc: ReadDocument) -> list[tuple[str | None, list[str], str | None, list[str]]]:
    """(name, duty texts, department, superiors) of every post."""
    return [
        (post.name, [d.text for d in post.duties], post.department, [f.value for f in post.fields if f.meaning == "superior"])
        for org in doc.organizations
        for post in org.posts
    ]


def test_excel_rows_are_positions(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["岗位名称", "所属部门", "直接上级", "岗位职责"])
    sheet.append(["出纳", "财务部", "财务经理", "1、办理现金收付;\n2、登记现金日记账;\n3、保管库存现金。"])
    sheet.append(["会计", "财务部", "财务经理", "1、负责总账核算;\n2、编制月度报表。"])
    assert summary(positions(tmp_path, "岗位.xlsx", xlsx_bytes(book))) == [
        ("出纳", ["办理现金收付", "登记现金日记账", "保管库存现金。"], "财务部", ["财务经理"]),
        ("会计", ["负责总账核算", "编制月度报表。"], "财务部", ["财务经理"]),
    ]


def test_word_header_row_table_rows_are_positions(tmp_path: Path) -> None:
    doc = Document()
    table = doc.add_table(rows=3, cols=3)
    for cell, text in zip(table.rows[0].cells, ["岗位名称", "直接上级", "岗位职责"], strict=True):
        cell.text = text
    table.rows[1].cells[0].text, table.rows[1].cells[1].text = "前台接待", "行政经理"
    fill_cell(table.rows[1].cells[2], ["1、接听来电;", "2、登记访客。"])
    table.rows[2].cells[0].text, table.rows[2].cells[1].text = "保洁员", "行政经理"
    fill_cell(table.rows[2].cells[2], ["1、清洁办公区;", "2、倒垃圾。"])
    assert summary(positions(tmp_path, "行政部.docx", docx_bytes(doc))) == [
        ("前台接待", ["接听来电", "登记访客。"], None, ["行政经理"]),
        ("保洁员", ["清洁办公区", "倒垃圾。"], None, ["行政经理"]),
    ]


def test_word_field_table_is_one_position(tmp_path: Path) -> None:
    doc = Document()
    table = doc.add_table(rows=5, cols=2)
    rows = [("岗位名称", ["出纳"]), ("所属部门", ["财务部"]), ("直接上级", ["财务经理"])]
    rows += [
        ("岗位职责", ["1、办理现金收付;", "2、登记现金日记账;", "3、保管库存现金。"]),
        ("任职资格", ["1、大专以上学历;", "2、持会计证。"]),
    ]
    for r, (label, lines) in enumerate(rows):
        table.rows[r].cells[0].text = label
        fill_cell(table.rows[r].cells[1], lines)
    assert summary(positions(tmp_path, "出纳.docx", docx_bytes(doc))) == [
        ("出纳", ["办理现金收付", "登记现金日记账", "保管库存现金。"], "财务部", ["财务经理"]),
    ]


def test_english_word_role_sheet(tmp_path: Path) -> None:
    doc = Document()
    doc.add_heading("Receptionist", level=1)
    p = doc.add_paragraph()
    p.add_run("Reports to:").bold = True
    p.add_run(" Office Manager")
    doc.add_heading("Responsibilities", level=2)
    for duty in ("Greet visitors", "Answer and route phone calls", "Keep the front desk tidy"):
        doc.add_paragraph(duty, style="List Bullet")
    doc.add_heading("Requirements", level=2)
    doc.add_paragraph("A friendly manner", style="List Bullet")
    assert summary(positions(tmp_path, "receptionist.docx", docx_bytes(doc))) == [
        (
            "Receptionist",
            ["Greet visitors", "Answer and route phone calls", "Keep the front desk tidy"],
            None,
            ["Office Manager"],
        ),
    ]


def test_pdf_duty_cut_by_a_page_break_is_one_duty(tmp_path: Path) -> None:
    pages = [
        [
            "岗位名称:出纳",
            "所属部门:财务部",
            "直接上级:财务经理",
            "岗位职责:",
            "1、办理现金收付和银行结算业务,严格执行现金管理制度和银行结算制度",
        ],
        ["的各项规定;", "2、登记现金日记账。"],
    ]
    doc = positions(tmp_path, "出纳.pdf", pdf_bytes(pages, header="某某公司", footer="- {page} -"))
    # The name and department are the recogniser's to find in plain 'label:value' lines (a PDF has
    # no marks); what the PDF reader owes is the duties, whole, without the running lines.
    assert [[d.text for d in post.duties] for org in doc.organizations for post in org.posts] == [
        ["办理现金收付和银行结算业务,严格执行现金管理制度和银行结算制度的各项规定", "登记现金日记账。"],
    ]


def test_web_page_table_with_a_department_merged_down(tmp_path: Path) -> None:
    page = (
        "<html><body><nav><a href='/'>首页</a></nav><table>"
        "<tr><th>部门</th><th>岗位名称</th><th>岗位职责</th></tr>"
        '<tr><td rowspan="2">财务部</td><td>出纳</td><td>1、办理现金收付;<br>2、登记日记账。</td></tr>'
        "<tr><td>会计</td><td>负责总账核算。</td></tr></table></body></html>"
    )
    assert summary(positions(tmp_path, "岗位.html", page.encode())) == [
        ("出纳", ["办理现金收付", "登记日记账。"], "财务部", []),
        ("会计", ["负责总账核算。"], "财务部", []),
    ]


def test_every_line_is_accounted_for(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["岗位名称", "岗位职责", "任职资格"])
    book.active.append(["出纳", "1、办理现金收付;\n2、登记日记账。", "大专以上学历"])
    doc = positions(tmp_path, "岗位.xlsx", xlsx_bytes(book))
    assert {use.line for use in doc.uses} == set(range(1, doc.source.line_count + 1))
