"""ontology/role.ttl, the closed namespace class and the contract declare the same terms."""

from __future__ import annotations

import re
from pathlib import Path

from rdflib import Graph, Literal
from rdflib.namespace import OWL, RDF, RDFS

from graph.namespace import RG
from graph.paths import ONTOLOGY_FILE

CONTRACT_TERMS = {
    "SourceDocument",
    "Organization",
    "Department",
    "Role",
    "Post",
    "Duty",
    "DutyTheme",
    "ReportingLine",
    "DutyOverlap",
    "DutyCluster",
    "hasDuty",
    "hasTheme",
    "inDepartment",
    "reportsTo",
    "sharesDutyWith",
    "sha256",
    "lineCount",
    "rank",
    "nameAsWritten",
    "sourceLine",
    "summary",
    "nameInferred",
    "originalText",
    "ordinal",
    "boilerplate",
    "subordinate",
    "superior",
    "evidence",
    "cue",
    "basis",
    "duty",
    "score",
    "sharedTheme",
    "member",
    "memberCount",
    "DutyThemes",
}


def _declared() -> tuple[Graph, set[str]]:
    kg = Graph().parse(ONTOLOGY_FILE)
    ns = str(RG._NS)
    return kg, {str(s)[len(ns) :] for s in set(kg.subjects(RDF.type, None)) if str(s).startswith(ns)}


def test_namespace_class_and_ttl_declare_the_same_terms() -> None:
    _, declared = _declared()
    in_class = {name for name in RG.__annotations__}
    assert declared == in_class


def test_contract_terms_are_all_declared() -> None:
    _, declared = _declared()
    assert CONTRACT_TERMS <= declared


def test_every_term_has_labels_comment_and_a_parent() -> None:
    kg, declared = _declared()
    for name in sorted(declared - {"DutyThemes"}):
        term = RG[name]
        langs = {lit.language for lit in kg.objects(term, RDFS.label) if isinstance(lit, Literal)}
        assert {"en", "zh-Hans"} <= langs, name
        assert kg.value(term, RDFS.comment) is not None, name
    parents = {
        "Organization": "http://www.w3.org/ns/org#FormalOrganization",
        "Role": "http://www.w3.org/ns/org#Role",
        "Post": "http://www.w3.org/ns/org#Post",
        "DutyTheme": "http://www.w3.org/2004/02/skos/core#Concept",
        "SourceDocument": "http://www.w3.org/ns/prov#Entity",
        "Department": "http://www.w3.org/ns/org#OrganizationalUnit",
    }
    for name, parent in parents.items():
        assert str(kg.value(RG[name], RDFS.subClassOf)) == parent
    assert str(kg.value(RG.reportsTo, RDFS.subPropertyOf)) == "http://www.w3.org/ns/org#reportsTo"
    assert (RG.sharesDutyWith, RDF.type, OWL.SymmetricProperty) in kg


def test_closed_namespace_refuses_typos() -> None:
    try:
        RG.reportTo  # noqa: B018
    except AttributeError:
        return
    raise AssertionError("RG.reportTo should not exist")


def test_code_uses_only_declared_terms() -> None:
    _, declared = _declared()
    used = set()
    for path in sorted((Path(__file__).parent.parent / "graph").glob("*.py")):
        used |= set(re.findall(r"\bRG\.([A-Za-z]+)\b", path.read_text(encoding="utf-8")))
    assert used and used <= declared
