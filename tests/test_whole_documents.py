"""Whole documents in other styles, written for the tests; counts worked out by hand."""

from __future__ import annotations

import io
from pathlib import Path

import docx

from graph.clean import clean_source
from graph.read.recognise import split_document
from graph.read.source import read_source
from tests.conftest import post_summary, read_text

HOTEL = """某酒店各部门岗位职责
一、前厅部
前厅经理岗位职责
1、全面负责前厅部的经营管理工作,向总经理负责。
2、制定前厅部的工作计划和培训计划;
3、处理客人投诉。
总台接待员岗位职责
1.为客人办理入住和退房手续;2.在前厅经理的领导下完成接待工作;3.保管客人贵重物品
二、客房部
客房主管岗位职责
岗位描述:
负责客房的清洁与检查。
日常工作职责:
一、安排服务员的日常工作
二、检查客房卫生
三、完成领导交办的其他任务
"""


def test_hotel_document_in_simplified_script_with_departments(tmp_path: Path) -> None:
    doc = read_text(tmp_path, HOTEL, name="hotel.md")
    assert post_summary(doc) == [("前厅经理", 3), ("总台接待员", 3), ("客房主管", 3)]
    assert [p.department for p in doc.organizations[0].posts] == ["前厅部", "前厅部", "客房部"]
    assert doc.organizations[0].posts[2].summary == "负责客房的清洁与检查。"
    assert {u.line for u in doc.uses} == set(range(1, HOTEL.count("\n") + 1))


FACTORY_BIG5 = """生產部崗位職責
第一篇:電子廠
廠長崗位職責
1、主持全廠生產工作。
2、審核生產計劃。
品管員崗位職責
1、檢驗來料;2、記錄不良品;3、協助廠長推行品質管理。
"""


def test_factory_document_in_big5(tmp_path: Path) -> None:
    doc = read_text(tmp_path, FACTORY_BIG5, name="factory.txt", encoding="big5")
    assert doc.source.encoding in {"big5", "cp950", "big5hkscs"}
    assert post_summary(doc) == [("廠長", 2), ("品管員", 3)]
    assert len(doc.organizations) == 1 and doc.organizations[0].heading == "第一篇:電子廠"


SHOP_GBK = """店长岗位职责
一、负责门店日常经营管理;
二、督促店员完成销售目标;
三、做好门店盘点,确保帐、卡、物一致。
店员岗位职责
1、接待顾客
2、整理货架
3、完成店长交办的其他工作
"""


def test_shop_document_in_gbk_with_bom_free_bytes(tmp_path: Path) -> None:
    doc = read_text(tmp_path, SHOP_GBK, name="shop.txt", encoding="gbk")
    assert doc.source.encoding == "gb18030"
    assert post_summary(doc) == [("店长", 3), ("店员", 3)]


def test_docx_paragraphs_and_tables(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("行政部岗位职责")
    document.add_paragraph("行政专员岗位职责")
    document.add_paragraph("1、管理办公用品;")
    document.add_paragraph("2、安排会议。")
    table = document.add_table(rows=2, cols=1)
    table.cell(0, 0).text = "前台岗位职责"
    table.cell(1, 0).text = "1、接听电话\n2、登记访客\n3、收发快递"
    buffer = io.BytesIO()
    document.save(buffer)
    path = tmp_path / "admin.docx"
    path.write_bytes(buffer.getvalue())
    doc = split_document(clean_source(read_source(path)))
    assert doc.source.encoding == "docx"
    assert post_summary(doc) == [("行政专员", 2), ("前台", 3)]
