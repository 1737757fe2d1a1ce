"""Make the RDF graph from the model, in one place, and serialize it deterministically."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD

from graph.errors import OntologyError
from graph.model import OrgModel, Post
from graph.namespace import ORG, PROV, RG, RGD
from graph.paths import ONTOLOGY_FILE
from graph.relate import summary_id
from graph.script import normalize, script_tag

PREFIXES = {
    "rg": RG._NS,
    "rgd": RGD,
    "org": ORG,
    "skos": SKOS,
    "prov": PROV,
    "dcterms": DCTERMS,
    "owl": OWL,
    "rdfs": RDFS,
    "xsd": XSD,
}


def load_ontology(path: Path = ONTOLOGY_FILE) -> Graph:
    kg = Graph()
    try:
        kg.parse(path, format="turtle")
    except FileNotFoundError:
        raise OntologyError(f"{path}: ontology not found") from None
    except Exception as e:
        raise OntologyError(f"{path}: not valid Turtle ({e})") from None
    return kg


def iri(ref: str) -> URIRef:
    """An instance IRI from a model id (``post/…``) or a role reference (``role:KEY``)."""
    if ref.startswith("role:"):
        return RGD["role/" + ref[5:]]
    return RGD[ref]


def zh(text: str) -> Literal:
    return Literal(normalize(text), lang="zh-Hans")


def as_written(text: str) -> Literal:
    return Literal(text, lang=script_tag(text))


def emit_graph(model: OrgModel, *, ontology: Graph | None = None) -> Graph:
    """The whole graph: ontology, theme scheme, departments, roles, posts, duties and edges."""
    kg = Graph()
    for prefix, ns in PREFIXES.items():
        kg.bind(prefix, ns)
    kg += ontology if ontology is not None else load_ontology()
    _sources(kg, model)
    _vocabulary(kg, model)
    for post in model.posts:
        _post(kg, post)
    _reporting(kg, model)
    _overlaps(kg, model)
    return kg


def _sources(kg: Graph, model: OrgModel) -> None:
    for src in model.sources:
        node = RGD["source/" + src.slug]
        kg.add((node, RDF.type, RG.SourceDocument))
        kg.add((node, DCTERMS.title, Literal(src.path.name)))
        kg.add((node, RG.sha256, Literal(src.sha256)))
        kg.add((node, RG.lineCount, Literal(len(src.lines))))
        kg.add((node, RG.encoding, Literal(src.encoding)))
    for org in model.organizations:
        node = RGD[org.id]
        kg.add((node, RDF.type, RG.Organization))
        kg.add((node, RDFS.label, as_written(org.heading)))
        if normalize(org.heading) != org.heading:
            kg.add((node, RDFS.label, zh(org.heading)))
        kg.add((node, PROV.wasDerivedFrom, RGD["source/" + org.source]))
        kg.add((node, RG.sourceLine, Literal(org.line)))


def _vocabulary(kg: Graph, model: OrgModel) -> None:
    for dept in model.departments:
        node = URIRef(dept.iri)
        kg.add((node, RDF.type, RG.Department))
        kg.add((node, SKOS.prefLabel, Literal(dept.zh, lang="zh-Hans")))
        kg.add((node, SKOS.prefLabel, Literal(dept.en, lang="en")))
    written: dict[str, set[str]] = {}
    for post in model.posts:
        if not post.name_inferred:
            written.setdefault(post.role, set()).add(post.name_written)
    for role in model.roles:
        node = URIRef(role.iri)
        for cls in (RG.Role, ORG.Role, SKOS.Concept):
            kg.add((node, RDF.type, cls))
        kg.add((node, SKOS.prefLabel, Literal(role.zh, lang="zh-Hans")))
        kg.add((node, SKOS.prefLabel, Literal(role.en, lang="en")))
        for alias in role.aliases:
            kg.add((node, SKOS.altLabel, Literal(alias, lang="zh-Hans")))
        for name in sorted(written.get(role.key, ())):
            if normalize(name) != role.zh and normalize(name) not in role.aliases:
                kg.add((node, SKOS.altLabel, zh(name)))
            if normalize(name) != name:
                kg.add((node, SKOS.altLabel, as_written(name)))
        kg.add((node, RG.rank, Literal(role.rank)))
        kg.add((node, RG.inDepartment, RGD["dept/" + role.department]))
    for theme in model.themes:
        node = URIRef(theme.iri)
        kg.add((node, RDF.type, RG.DutyTheme))
        kg.add((node, RDF.type, SKOS.Concept))
        kg.add((node, SKOS.inScheme, RG.DutyThemes))
        kg.add((RG.DutyThemes, SKOS.hasTopConcept, node))
        kg.add((node, SKOS.prefLabel, Literal(theme.zh, lang="zh-Hans")))
        kg.add((node, SKOS.prefLabel, Literal(theme.en, lang="en")))
        for term in theme.terms:
            kg.add((node, SKOS.altLabel, Literal(term, lang="zh-Hans")))


def _post(kg: Graph, post: Post) -> None:
    node, source = RGD[post.id], RGD["source/" + post.source]
    kg.add((node, RDF.type, RG.Post))
    kg.add((node, RDFS.label, Literal(post.label, lang="zh-Hans")))
    kg.add((node, RG.nameAsWritten, as_written(post.name_written)))
    kg.add((node, ORG.role, RGD["role/" + post.role]))
    kg.add((node, ORG.postIn, RGD[post.org_id]))
    kg.add((node, RG.inDepartment, RGD["dept/" + post.department]))
    kg.add((node, RG.sourceLine, Literal(post.line)))
    kg.add((node, RG.sourceDocument, source))
    kg.add((node, PROV.wasDerivedFrom, source))
    if post.name_inferred:
        kg.add((node, RG.nameInferred, Literal(True)))
    if post.summary:
        summary = RGD[summary_id(post)]
        kg.add((node, RG.summary, zh(post.summary)))
        kg.add((node, RG.hasSummary, summary))
        kg.add((summary, RDF.type, RG.PostSummary))
        kg.add((summary, RDFS.label, zh(post.summary)))
        kg.add((summary, RG.originalText, as_written(post.summary)))
        kg.add((summary, RG.sourceLine, Literal(post.summary_line)))
        kg.add((summary, RG.sourceDocument, source))
    for duty in post.duties:
        d = RGD[duty.id]
        kg.add((node, RG.hasDuty, d))
        kg.add((d, RDF.type, RG.Duty))
        kg.add((d, RDFS.label, Literal(duty.label, lang="zh-Hans")))
        kg.add((d, RG.originalText, as_written(duty.original)))
        kg.add((d, RG.ordinal, Literal(duty.ordinal)))
        kg.add((d, RG.numberAsWritten, Literal(duty.number)))
        kg.add((d, RG.sourceLine, Literal(duty.line)))
        kg.add((d, RG.sourceDocument, source))
        for theme in duty.themes:
            kg.add((d, RG.hasTheme, RGD["theme/" + theme]))
        if duty.boilerplate:
            kg.add((d, RG.boilerplate, Literal(True)))


def _reporting(kg: Graph, model: OrgModel) -> None:
    role_of = {p.id: p.role for p in model.posts}
    source_of = {p.id: p.source for p in model.posts}
    line_of = {d.id: d.line for p in model.posts for d in p.duties}
    line_of.update({summary_id(p): p.summary_line for p in model.posts if p.summary_line})
    line_of.update({p.id: p.line for p in model.posts})
    for line in model.reporting:
        node = RGD[line.id]
        sub, sup = iri(line.subordinate), iri(line.superior)
        kg.add((node, RDF.type, RG.ReportingLine))
        kg.add((node, RG.subordinate, sub))
        kg.add((node, RG.superior, sup))
        kg.add((node, RG.evidence, RGD[line.evidence]))
        kg.add((node, RG.cue, Literal(line.cue, lang="zh-Hans")))
        kg.add((node, RG.basis, Literal(line.basis)))
        post_id = line.evidence if line.evidence in source_of else "post/" + line.evidence.split("/", 1)[1].rsplit("/", 1)[0]
        if post_id in source_of:
            kg.add((node, RG.sourceDocument, RGD["source/" + source_of[post_id]]))
        if line.evidence in line_of:
            kg.add((node, RG.sourceLine, Literal(line_of[line.evidence])))
        if line.subordinate in role_of and line.superior in role_of:
            kg.add((sub, RG.reportsTo, sup))
        sub_role = role_of.get(line.subordinate, line.subordinate.removeprefix("role:"))
        sup_role = role_of.get(line.superior, line.superior.removeprefix("role:"))
        if sub_role != sup_role:
            kg.add((RGD["role/" + sub_role], RG.reportsTo, RGD["role/" + sup_role]))


def _overlaps(kg: Graph, model: OrgModel) -> None:
    owner = {d.id: p for p in model.posts for d in p.duties}
    for overlap in model.overlaps:
        node = RGD[overlap.id]
        kg.add((node, RDF.type, RG.DutyOverlap))
        kg.add((node, RG.duty, RGD[overlap.duty_a]))
        kg.add((node, RG.duty, RGD[overlap.duty_b]))
        kg.add((node, RG.score, Literal(_decimal(overlap.score), datatype=XSD.decimal)))
        for theme in overlap.themes:
            kg.add((node, RG.sharedTheme, RGD["theme/" + theme]))
        pa, pb = owner[overlap.duty_a], owner[overlap.duty_b]
        kg.add((RGD[pa.id], RG.sharesDutyWith, RGD[pb.id]))
        kg.add((RGD[pb.id], RG.sharesDutyWith, RGD[pa.id]))
        if pa.role != pb.role:
            kg.add((RGD["role/" + pa.role], RG.sharesDutyWith, RGD["role/" + pb.role]))
            kg.add((RGD["role/" + pb.role], RG.sharesDutyWith, RGD["role/" + pa.role]))
    themes = {t.key: t for t in model.themes}
    for share in model.theme_shares:
        node = RGD[f"theme-share/{share.role_a}/{share.role_b}"]
        kg.add((node, RDF.type, RG.ThemeCoOwnership))
        kg.add((node, RG.role, RGD["role/" + share.role_a]))
        kg.add((node, RG.role, RGD["role/" + share.role_b]))
        kg.add((node, RG.weight, Literal(_decimal(share.weight), datatype=XSD.decimal)))
        kg.add((node, RDFS.label, Literal("、".join(themes[t].zh for t in share.themes), lang="zh-Hans")))
        for theme in share.themes:
            kg.add((node, RG.sharedTheme, RGD["theme/" + theme]))
    for cluster in model.clusters:
        node = RGD[cluster.id]
        kg.add((node, RDF.type, RG.DutyCluster))
        kg.add((node, RDFS.label, Literal(cluster.label, lang="zh-Hans")))
        kg.add((node, RG.memberCount, Literal(len(cluster.members))))
        for member in cluster.members:
            kg.add((node, RG.member, RGD[member]))


def _decimal(value: float) -> str:
    """Two decimals, in the canonical form engines agree on (1.0, not 1.00)."""
    text = f"{value:.2f}".rstrip("0")
    return text + "0" if text.endswith(".") else text
