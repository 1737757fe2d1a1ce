"""The rolegraph namespaces. ``RG`` is closed: a term missing from ontology/role.ttl raises."""

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

RGD = Namespace("https://w3id.org/rolegraph/id/")
ORG = Namespace("http://www.w3.org/ns/org#")
PROV = Namespace("http://www.w3.org/ns/prov#")


class RG(DefinedNamespace):
    """Terms of ontology/role.ttl (graph contract v1)."""

    _NS = Namespace("https://w3id.org/rolegraph/ontology#")
    _fail = True

    # classes
    SourceDocument: URIRef
    Organization: URIRef
    Department: URIRef
    Role: URIRef
    Post: URIRef
    PostSummary: URIRef
    Duty: URIRef
    DutyTheme: URIRef
    ReportingLine: URIRef
    DutyOverlap: URIRef
    DutyCluster: URIRef
    DutyThemes: URIRef
    KnowledgePack: URIRef
    ThemeCoOwnership: URIRef
    ThemeResponsibility: URIRef
    # object properties
    hasDuty: URIRef
    hasSummary: URIRef
    hasTheme: URIRef
    inDepartment: URIRef
    reportsTo: URIRef
    sharesDutyWith: URIRef
    subordinate: URIRef
    superior: URIRef
    evidence: URIRef
    duty: URIRef
    sharedTheme: URIRef
    member: URIRef
    sourceDocument: URIRef
    inOrganization: URIRef
    defaultDepartment: URIRef
    role: URIRef
    responsibleRole: URIRef
    theme: URIRef
    # data properties
    sha256: URIRef
    lineCount: URIRef
    encoding: URIRef
    rank: URIRef
    nameAsWritten: URIRef
    nameInferred: URIRef
    sourceLine: URIRef
    summary: URIRef
    originalText: URIRef
    ordinal: URIRef
    numberAsWritten: URIRef
    boilerplate: URIRef
    cue: URIRef
    basis: URIRef
    score: URIRef
    memberCount: URIRef
    departmentWord: URIRef
    rankWord: URIRef
    juniorWord: URIRef
    departmentInferred: URIRef
    sourceLocation: URIRef
    weight: URIRef
    dutyCount: URIRef
