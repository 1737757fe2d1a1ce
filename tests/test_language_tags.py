"""Contract v1.1: posts and duties of an English document are labelled @en; Word, Excel and PDF
sources give each post and duty a readable rg:sourceLocation."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph, Literal
from rdflib.namespace import RDFS, SKOS

from graph.namespace import ORG, RG
from graph.pipeline import BuildOptions, build

ENGLISH = "## Receptionist\n\n### Responsibilities\n\n- Greet visitors at the front desk.\n- Answer the phone.\n"


def _graph(source: Path, out: Path) -> Graph:
    build(BuildOptions(sources=(source,), out=out, validate=True))  # the SHACL check runs too
    kg = Graph()
    kg.parse(out / "org.ttl", format="turtle")
    return kg


def test_an_english_document_is_labelled_in_english_and_conforms(tmp_path: Path) -> None:
    source = tmp_path / "roles.md"
    source.write_text(ENGLISH, encoding="utf-8")
    kg = _graph(source, tmp_path / "out")
    post = next(kg.subjects(RG.nameAsWritten, None))
    assert set(kg.objects(post, RDFS.label)) == {Literal("Receptionist", lang="en")}
    assert set(kg.objects(post, RG.nameAsWritten)) == {Literal("Receptionist", lang="en")}
    duties = {str(d): d for d in kg.objects(post, RG.hasDuty)}
    labels = {label for d in duties.values() for label in kg.objects(d, RDFS.label)}
    assert labels == {Literal("Greet visitors at the front desk.", lang="en"), Literal("Answer the phone.", lang="en")}
    role = kg.value(post, ORG.role)
    assert "en" in {label.language for label in kg.objects(role, SKOS.prefLabel)}  # type: ignore[attr-defined]


def test_a_chinese_document_keeps_zh_hans_labels(tmp_path: Path) -> None:
    source = tmp_path / "roles.txt"
    source.write_text("出納崗位職責\n1、登記現金日記賬\n", encoding="utf-8")
    kg = _graph(source, tmp_path / "out")
    post = next(kg.subjects(RG.nameAsWritten, None))
    assert set(kg.objects(post, RDFS.label)) == {Literal("出纳", lang="zh-Hans")}
    assert set(kg.objects(post, RG.nameAsWritten)) == {Literal("出納", lang="zh-Hant")}


def test_word_posts_and_duties_carry_their_location(tmp_path: Path) -> None:
    from docx import Document

    doc = Document()
    doc.add_heading("出纳岗位职责", level=1)  # paragraph 1
    doc.add_paragraph("1、登记现金日记账")  # paragraph 2
    doc.add_paragraph("2、保管库存现金")  # paragraph 3
    source = tmp_path / "roles.docx"
    doc.save(str(source))
    kg = _graph(source, tmp_path / "out")
    post = next(kg.subjects(RG.nameAsWritten, None))
    assert set(kg.objects(post, RG.sourceLocation)) == {Literal("paragraph 1")}
    locations = sorted(str(loc) for d in kg.objects(post, RG.hasDuty) for loc in kg.objects(d, RG.sourceLocation))
    assert locations == ["paragraph 2", "paragraph 3"]
