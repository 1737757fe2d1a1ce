"""Make the RDF graph from the model, in one place.

Triples are pyoxigraph terms: building and serializing millions of them takes seconds there
and minutes in rdflib's memory store (measured: 0.45 s against 22 s to write 610k triples).
The helpers below keep the code close to how it reads in rdflib; ``graph.namespace`` gives the (closed) vocabulary.
"""

from __future__ import annotations

import itertools
import re
import zlib
from collections.abc import Callable, Generator, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

import numpy as np
import orjson
import pyoxigraph as ox
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD

from graph.errors import OntologyError
from graph.memo import Memo
from graph.model import Cluster, OrgModel, Post, ReportingLine, Source, ThemeCount, ThemeShare
from graph.namespace import ORG, PROV, RG, RGD
from graph.paths import ONTOLOGY_FILE
from graph.piece_cache import PieceCache
from graph.relate import summary_id
from graph.script import normalize, script_tag
from graph.serialize import Serialized, Stored, serialize_piece
from graph.workers import ordered_map

PREFIXES = {
    "rg": str(RG._NS),
    "org": str(ORG),
    "skos": str(SKOS),
    "prov": str(PROV),
    "dcterms": str(DCTERMS),
    "owl": str(OWL),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
}
Triples = list[ox.Triple]
_BASE = str(RGD)
_INTEGER = ox.NamedNode(str(XSD.integer))
_DECIMAL = ox.NamedNode(str(XSD.decimal))


@lru_cache(maxsize=4096)
def N(iri: str) -> ox.NamedNode:  # noqa: N802 - reads like rdflib's URIRef
    return ox.NamedNode(iri)


def node(ref: str) -> ox.NamedNode:
    """An instance IRI from a model id (``post/…``) or a role reference (``role:KEY``);
    not cached: most are made once."""
    return ox.NamedNode(_BASE + ("role/" + ref[5:] if ref.startswith("role:") else ref))


def text(value: str, lang: str) -> ox.Literal:
    return ox.Literal(value, language=lang)


def zh(value: str) -> ox.Literal:
    return ox.Literal(normalize(value), language="zh-Hans")


def as_written(value: str) -> ox.Literal:
    """Text in the document's own script: zh-Hant, zh-Hans or zh; ``en`` with no Chinese in it."""
    return ox.Literal(value, language=script_tag(value) if _CHINESE.search(value) else "en")


def label(value: str) -> ox.Literal:
    """A normalised text's label: ``zh-Hans`` when it has Chinese in it, else ``en`` (contract
    v1.1: a post or duty read from an English document is labelled in English)."""
    return ox.Literal(value, language="zh-Hans" if _CHINESE.search(value) else "en")


_CHINESE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@lru_cache(maxsize=1 << 16)
def integer(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=_INTEGER)


@lru_cache(maxsize=4096)
def decimal(value: float) -> ox.Literal:
    """Two decimals in the canonical form engines agree on (1.0, not 1.00)."""
    lexical = f"{value:.2f}".rstrip("0")
    return ox.Literal(lexical + "0" if lexical.endswith(".") else lexical, datatype=_DECIMAL)


TRUE = ox.Literal("true", datatype=N(str(XSD.boolean)))
A = N(str(RDF.type))
# the predicates of every post and duty, made once: rdflib's namespace lookups cost a microsecond each
DCTERMS_TITLE = N(str(DCTERMS.title))
ORG_POST_IN = N(str(ORG.postIn))
ORG_ROLE = N(str(ORG.role))
PROV_WAS_DERIVED_FROM = N(str(PROV.wasDerivedFrom))
RDFS_LABEL = N(str(RDFS.label))
SKOS_CONCEPT = N(str(SKOS.Concept))
SKOS_ALT_LABEL = N(str(SKOS.altLabel))
SKOS_HAS_TOP_CONCEPT = N(str(SKOS.hasTopConcept))
SKOS_IN_SCHEME = N(str(SKOS.inScheme))
SKOS_PREF_LABEL = N(str(SKOS.prefLabel))


@lru_cache(maxsize=256)
def rg(name: str) -> ox.NamedNode:
    """An rg: term, checked against the closed namespace once, then served from the cache."""
    return N(str(getattr(RG, name)))


def load_ontology(path: Path = ONTOLOGY_FILE) -> Triples:
    try:
        return [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)]
    except FileNotFoundError:
        raise OntologyError(f"{path}: ontology not found") from None
    except SyntaxError as e:
        raise OntologyError(f"{path}: not valid Turtle ({e})") from None


# pieces of the graph made apart, in a worker each when there are several jobs; a piece is a few
# seconds of work, large enough to outweigh sending it back, small enough to spread evenly
POSTS_PER_PIECE = 2_000  # about 170,000 triples
OVERLAPS_PER_PIECE = 25_000  # about 150,000 triples
# the theme co-ownerships, the responsibility matrix's cells and the clusters, in runs of their
# own: made as one piece (465,708 triples at 1,000 stores, 2.7 s), a duty added anywhere made
# it all again, since a template's cluster (a member from each store) or a role's count changed
SHARES_PER_PIECE = 2_000  # about 16,000 triples
COUNTS_PER_PIECE = 5_000  # 20,000 triples
CLUSTERS_PER_PIECE = 25  # a template's cluster has a member in each store: about 25,000 triples at 1,000


@dataclass(frozen=True)
class Piece:
    """A run of the graph's triples that can be made apart from the others: a part of the
    graph (head, posts, reporting, overlaps, shares, counts, clusters) and, but for the head
    and the reporting lines, a range of the model's items. No subject's triples are cut
    between two pieces."""

    part: str
    start: int = 0
    stop: int = 0


class Emitter:
    """The graph's triples, piece by piece, in an order that depends on the input alone:
    ontology, sources, departments, roles, theme scheme; posts and their duties; reporting
    lines; overlaps; theme co-ownerships, the responsibility matrix's cells and clusters.

    What pieces share is worked out once, here: the sources by slug, and which overlap first
    ties two posts or two roles (a sharesDutyWith edge stands once however many duties say it)."""

    def __init__(self, model: OrgModel, ontology: Triples | None = None) -> None:
        self.model = model
        self.ontology = ontology if ontology is not None else load_ontology()
        self.sources = {src.slug: src for src in model.sources}
        self.ends = _ends(model)
        self.firsts = _first_pairs(model)

    @cached_property
    def line_facts(self) -> list[LineFacts]:
        """What the reporting lines' triples are made of: worked out once, for the key of their
        piece and for the piece."""
        return _reporting_facts(self.model, self.sources)

    def triples(self, piece: Piece) -> Iterator[ox.Triple]:
        model = self.model
        parts: tuple[Spo, ...]
        if piece.part == "head":
            parts = (_sources(model), _vocabulary(model))
        elif piece.part == "posts":
            parts = tuple(_post(p, self.sources[p.source].where) for p in model.posts[piece.start : piece.stop])
        elif piece.part == "reporting":
            parts = (_reporting(self.line_facts),)
        elif piece.part == "overlaps":
            parts = (_overlaps(model, self.ends, self.firsts, piece.start, piece.stop),)
        elif piece.part == "shares":
            parts = (_theme_shares(model, piece.start, piece.stop),)
        elif piece.part == "counts":
            parts = (_theme_counts(model.theme_counts[piece.start : piece.stop]),)
        elif piece.part == "clusters":
            parts = (_clusters(model.clusters[piece.start : piece.stop]),)
        else:
            raise ValueError(f"no part of the graph is called {piece.part!r}")
        # chained in C: a Python loop around each triple cost more than making it
        made = itertools.chain.from_iterable(itertools.starmap(ox.Triple, part) for part in parts)
        return itertools.chain(self.ontology, made) if piece.part == "head" else made

    def inputs(self, piece: Piece) -> bytes | None:
        """Every value ``triples(piece)`` reads, as bytes (the key of the piece in the cache,
        beside the emitter's code), or None for the head, made afresh each build (a tenth of a
        second; it reads the sources, organizations, roles, departments and themes whole).
        What ``_post``, ``_overlaps`` and the rest read must be named here; the reporting lines'
        triples are made from their facts alone."""
        model = self.model
        if piece.part == "posts":
            posts = model.posts[piece.start : piece.stop]
            return orjson.dumps([(post, self._places(post)) for post in posts])
        if piece.part == "overlaps":
            overlaps = model.overlaps[piece.start : piece.stop]
            firsts = self.firsts[piece.start : piece.stop]
            ends = self.ends
            pairs = [(ends[o.duty_a], ends[o.duty_b]) if first else None for o, first in zip(overlaps, firsts, strict=True)]
            return orjson.dumps([overlaps, firsts.hex(), pairs])
        if piece.part == "reporting":
            return orjson.dumps(self.line_facts)
        if piece.part == "shares":  # a share's label is its themes' names
            return orjson.dumps([model.themes, model.theme_shares[piece.start : piece.stop]])
        if piece.part == "counts":
            return orjson.dumps(model.theme_counts[piece.start : piece.stop])
        if piece.part == "clusters":
            return orjson.dumps(model.clusters[piece.start : piece.stop])
        return None

    def _places(self, post: Post) -> list[str]:
        """The locators ``_post`` writes: of the post's line, then of each duty's."""
        where = self.sources[post.source].where
        return [where(post.line), *(where(duty.line) for duty in post.duties)]


def graph_pieces(model: OrgModel) -> list[Piece]:
    """The pieces of the model's graph, in their order."""
    return [
        Piece("head"),
        *(Piece("posts", a, b) for a, b in _runs([p.id for p in model.posts], POSTS_PER_PIECE)),
        Piece("reporting"),
        *(Piece("overlaps", a, b) for a, b in _runs([o.id for o in model.overlaps], OVERLAPS_PER_PIECE)),
        *(Piece("shares", a, b) for a, b in _runs([_share_id(s) for s in model.theme_shares], SHARES_PER_PIECE)),
        *(Piece("counts", a, b) for a, b in _runs([_count_id(c) for c in model.theme_counts], COUNTS_PER_PIECE)),
        *(Piece("clusters", a, b) for a, b in _runs([c.id for c in model.clusters], CLUSTERS_PER_PIECE)),
    ]


def _runs(ids: Sequence[str], size: int) -> Iterator[tuple[int, int]]:
    """(start, stop) of runs of about ``size`` items, from half to twice as many: a run ends after
    an item whose id's digest says so. Cut by the ids, not by counting, a post added or dropped
    moves the cuts of its own run alone, and a rebuild finds the other runs in the cache."""
    start, fewest, most, spread = 0, max(1, size // 2), 2 * size, max(1, size // 2)
    for i, ident in enumerate(ids):
        held = i + 1 - start
        if held >= most or (held >= fewest and zlib.crc32(ident.encode()) % spread == 0):
            yield start, i + 1
            start = i + 1
    if start < len(ids):
        yield start, len(ids)


def worth_spreading(model: OrgModel) -> bool:
    """Whether the graph is more than one piece of posts or overlaps: below that, forking
    workers costs more than it saves."""
    return len(model.posts) > POSTS_PER_PIECE or len(model.overlaps) > OVERLAPS_PER_PIECE


def serialized_pieces(
    model: OrgModel,
    pieces: Sequence[Piece],
    *,
    ontology: Triples | None = None,
    jobs: int = 1,
    cache: PieceCache | None = None,
    kept: Kept | None = None,
) -> Generator[Serialized | Stored, None, None]:
    """The graph's ``pieces`` (``graph_pieces``) as Turtle and JSON-LD, in their order, each
    made and serialized in a worker when ``jobs`` > 1, or taken from ``cache`` when it holds the
    piece made of the same inputs (and kept there when made). ``kept``: the keys of pieces
    worked out (and the pieces kept) beforehand, by ``graph.early_pieces``. Joined, the pieces
    are the bytes of one serialization of all their triples, whatever the number of jobs and
    whatever the cache held."""
    emitter = Emitter(model, ontology)
    if cache is None:
        return ordered_map(made_piece, emitter, pieces, jobs=jobs)
    return _through(cache, emitter, pieces, jobs, kept or Kept({}, frozenset(), frozenset()))


@dataclass(frozen=True)
class Kept:
    """Pieces' keys worked out beforehand, the keys of those of them made then (and kept in the
    cache), and every key used then (kept when the cache is pruned)."""

    keys: dict[Piece, str]
    made: frozenset[str]
    used: frozenset[str]


def _through(
    cache: PieceCache, emitter: Emitter, pieces: Sequence[Piece], jobs: int, kept: Kept
) -> Generator[Serialized | Stored, None, None]:
    cache.used |= kept.used
    keys = [kept.keys.get(p) or (None if (inputs := emitter.inputs(p)) is None else cache.key(p.part, inputs)) for p in pieces]
    held = [key is not None and (key in kept.made or cache.holds(key)) for key in keys]
    asked = [(p, k) for p, k, h in zip(pieces, keys, held, strict=True) if not h]
    made = ordered_map(_made_and_kept, _Keeping(emitter, cache), asked, jobs=jobs)
    with closing(made):  # closed early (a failed write), the workers stop at once
        for piece, key, h in zip(pieces, keys, held, strict=True):
            found: Serialized | Stored | None = cache.load(key, made=key in kept.made) if h and key is not None else None
            if found is None and not h:  # the workers' next: its key when they kept it, else its bytes
                result = next(made)
                found = cache.load(result, made=True) if isinstance(result, str) else result
            if found is None:  # gone or damaged since it was looked for or kept: made here
                fresh = made_piece(emitter, piece)
                if key is not None:
                    cache.store(key, fresh)
                found = fresh
            yield found


@dataclass(frozen=True)
class _Keeping:
    emitter: Emitter
    cache: PieceCache


def _made_and_kept(keeping: _Keeping, task: tuple[Piece, str | None]) -> Serialized | str:
    """A piece made and kept in the cache by the worker that made it: its key goes back, and the
    build copies its bytes from the file (sending them back pickled cost more); its bytes when
    it has no key or could not be kept."""
    piece, key = task
    made = made_piece(keeping.emitter, piece)
    return key if key is not None and keeping.cache.store(key, made) else made


def made_piece(emitter: Emitter, piece: Piece) -> Serialized:
    return serialize_piece(emitter.triples(piece), prefixes=PREFIXES, preamble=piece.part == "head")


def _once(seen: set[tuple[str, str]], a: str, b: str) -> bool:
    """True the first time the role pair (a, b) is seen: role edges stand once however many
    duties say them."""
    if (a, b) in seen:
        return False
    seen.add((a, b))
    return True


Spo = Iterator[tuple[ox.NamedNode, ox.NamedNode, ox.NamedNode | ox.Literal]]


def _sources(model: OrgModel) -> Spo:
    for src in model.sources:
        s = node("source/" + src.slug)
        yield s, A, rg("SourceDocument")
        yield s, DCTERMS_TITLE, ox.Literal(src.path.name)
        yield s, N(RG.sha256), ox.Literal(src.sha256)
        yield s, rg("lineCount"), integer(src.line_count)
        yield s, rg("encoding"), ox.Literal(src.encoding)
    for org in model.organizations:
        s = node(org.id)
        yield s, A, rg("Organization")
        yield s, RDFS_LABEL, as_written(org.heading)
        if normalize(org.heading) != org.heading:
            yield s, RDFS_LABEL, zh(org.heading)
        yield s, PROV_WAS_DERIVED_FROM, node("source/" + org.source)
        yield s, rg("sourceLine"), integer(org.line)


def _vocabulary(model: OrgModel) -> Spo:
    for dept in model.departments:
        s = N(dept.iri)
        yield s, A, rg("Department")
        if dept.zh:  # a department a document states carries the labels its language gives
            yield s, SKOS_PREF_LABEL, text(dept.zh, "zh-Hans")
        if dept.en:
            yield s, SKOS_PREF_LABEL, text(dept.en, "en")
        if dept.written and dept.written not in (dept.zh, dept.en):
            yield s, SKOS_ALT_LABEL, as_written(dept.written)
    written: dict[str, set[str]] = {}
    for post in model.posts:
        if not post.name_inferred:
            written.setdefault(post.role, set()).add(post.name_written)
    for role in model.roles:
        s = N(role.iri)
        for cls in (RG.Role, ORG.Role, SKOS.Concept):
            yield s, A, N(cls)
        if _CHINESE.search(role.zh):  # a role minted from an English name has no Chinese label
            yield s, SKOS_PREF_LABEL, text(role.zh, "zh-Hans")
        yield s, SKOS_PREF_LABEL, text(role.en or role.zh, "en")
        for alias in role.aliases:
            yield s, SKOS_ALT_LABEL, label(alias)
        for name in sorted(written.get(role.key, ())):
            if normalize(name) != role.zh and normalize(name) not in role.aliases:
                yield s, SKOS_ALT_LABEL, zh(name)
            if normalize(name) != name:
                yield s, SKOS_ALT_LABEL, as_written(name)
        yield s, rg("rank"), integer(role.rank)
        yield s, rg("inDepartment"), node("dept/" + role.department)
    for theme in model.themes:
        s = N(theme.iri)
        yield s, A, rg("DutyTheme")
        yield s, A, SKOS_CONCEPT
        yield s, SKOS_IN_SCHEME, rg("DutyThemes")
        yield rg("DutyThemes"), SKOS_HAS_TOP_CONCEPT, s
        yield s, SKOS_PREF_LABEL, text(theme.zh, "zh-Hans")
        yield s, SKOS_PREF_LABEL, text(theme.en, "en")
        for term in theme.terms:
            yield s, SKOS_ALT_LABEL, text(term, "zh-Hans")
        for stem in theme.stems:
            yield s, SKOS_ALT_LABEL, text(stem, "en")


def _post(post: Post, where: Callable[[int], str]) -> Spo:
    s, source = node(post.id), node("source/" + post.source)
    yield s, A, rg("Post")
    yield s, RDFS_LABEL, label(post.label)
    yield s, rg("nameAsWritten"), as_written(post.name_written)
    yield s, ORG_ROLE, node("role/" + post.role)
    yield s, ORG_POST_IN, node(post.org_id)
    yield s, rg("inDepartment"), node("dept/" + post.department)
    yield s, rg("sourceLine"), integer(post.line)
    yield from _location(s, where(post.line))
    yield s, rg("sourceDocument"), source
    yield s, PROV_WAS_DERIVED_FROM, source
    if post.name_inferred:
        yield s, rg("nameInferred"), TRUE
    if post.department_inferred:
        yield s, rg("departmentInferred"), TRUE
    if post.summary:
        summary = node(summary_id(post))
        yield s, rg("summary"), label(normalize(post.summary))
        yield s, rg("hasSummary"), summary
        yield summary, A, rg("PostSummary")
        yield summary, RDFS_LABEL, label(normalize(post.summary))
        yield summary, rg("originalText"), as_written(post.summary)
        yield summary, rg("sourceLine"), integer(post.summary_line or post.line)
        yield summary, rg("sourceDocument"), source
    duties = [node(duty.id) for duty in post.duties]
    for d in duties:
        yield s, rg("hasDuty"), d
    for duty, d in zip(post.duties, duties, strict=True):
        yield d, A, rg("Duty")
        yield d, RDFS_LABEL, label(duty.label)
        yield d, rg("originalText"), as_written(duty.original)
        yield d, rg("ordinal"), integer(duty.ordinal)
        yield d, rg("numberAsWritten"), ox.Literal(duty.number)
        yield d, rg("sourceLine"), integer(duty.line)
        yield from _location(d, where(duty.line))
        yield d, rg("sourceDocument"), source
        for theme in duty.themes:
            yield d, rg("hasTheme"), node("theme/" + theme)
        if duty.boilerplate:
            yield d, rg("boilerplate"), TRUE


def _location(s: ox.NamedNode, where: str) -> Spo:
    """rg:sourceLocation for a Word, Excel, PDF or web-page locator ('table 2, row 3, cell 2')."""
    if where and not where.startswith("line "):
        yield s, rg("sourceLocation"), ox.Literal(where)


# what a reporting line's triples are made of: the line; the source, organization, line and
# locator of the post it stands in (None, 0, "" where neither end is a post); whether both ends
# are posts; the roles of its two ends
LineFacts = tuple[ReportingLine, str | None, str | None, int, str, bool, str, str]


def _reporting_facts(model: OrgModel, sources: dict[str, Source]) -> list[LineFacts]:
    posts = model.post_by_id
    line_of = {d.id: d.line for p in model.posts for d in p.duties}
    line_of.update({summary_id(p): p.summary_line or p.line for p in model.posts if p.summary})
    line_of.update({p.id: p.line for p in model.posts})
    facts: list[LineFacts] = []
    for line in model.reporting:
        owner = posts.get(line.subordinate) or posts.get(line.superior)
        at = line.line or line_of.get(line.evidence, 0)
        where = sources[owner.source].where(at) if owner is not None and at else ""
        both = line.subordinate in posts and line.superior in posts
        source, org = (owner.source, owner.org_id) if owner is not None else (None, None)
        facts.append((line, source, org, at, where, both, model.role_of(line.subordinate), model.role_of(line.superior)))
    return facts


def _reporting(facts: Sequence[LineFacts]) -> Spo:
    post_edges: set[tuple[str, str]] = set()
    role_edges: set[tuple[str, str]] = set()
    for line, source, org, at, where, both, sub_role, sup_role in facts:
        s, sub, sup = node(line.id), node(line.subordinate), node(line.superior)
        yield s, A, rg("ReportingLine")
        yield s, rg("subordinate"), sub
        yield s, rg("superior"), sup
        yield s, rg("evidence"), node(line.evidence)
        yield s, rg("cue"), label(line.cue)
        yield s, rg("basis"), ox.Literal(line.basis)
        if source is not None and org is not None:
            yield s, rg("sourceDocument"), node("source/" + source)
            yield s, rg("inOrganization"), node(org)
        if at:
            yield s, rg("sourceLine"), integer(at)
        if source is not None and at:
            yield from _location(s, where)
        if both and _once(post_edges, line.subordinate, line.superior):
            yield sub, rg("reportsTo"), sup
        if sub_role != sup_role and _once(role_edges, sub_role, sup_role):
            yield node("role/" + sub_role), rg("reportsTo"), node("role/" + sup_role)


POST_PAIR, ROLE_PAIR = 1, 2  # an overlap's flags: it first ties its two posts, its two roles


Ends = dict[str, tuple[str, str]]  # a duty's post and role, by the duty's id


def _ends(model: OrgModel) -> Ends:
    return {d.id: (p.id, p.role) for p in model.posts for d in p.duties}


def _first_pairs(model: OrgModel) -> bytes:
    """For each overlap, in their order, whether it is the first to tie its two posts
    (POST_PAIR) and its two roles (ROLE_PAIR): the ones that say the sharesDutyWith edges.
    Each duty is numbered in the posts' order (``OrgModel.overlap_duties``), its post and role
    numbers are arrays taken at those numbers, and each pair's first overlap is found by numpy
    (np.unique's return_index is the first occurrence): at 1,000 stores (535,760 overlaps)
    1.5 s against 2.3 s looking up each side's post and role in a dictionary of their own,
    timed side by side on one day."""
    posts = model.posts
    roles: dict[str, int] = {}
    sizes = [len(p.duties) for p in posts]
    post_of = np.repeat(np.arange(len(posts), dtype=np.int64), sizes)
    role_of = np.repeat(np.array([roles.setdefault(p.role, len(roles)) for p in posts], dtype=np.int64), sizes)
    count = len(model.overlaps)
    sides = model.overlap_duties
    flags = np.zeros(count, dtype=np.uint8)
    for of, size, bit in ((post_of, len(posts), POST_PAIR), (role_of, len(roles), ROLE_PAIR)):
        a, b = of[sides[0]], of[sides[1]]
        at = np.arange(count) if bit == POST_PAIR else np.flatnonzero(a != b)  # a role's own posts tie no roles
        pairs = np.minimum(a, b)[at] * size + np.maximum(a, b)[at]
        flags[at[np.unique(pairs, return_index=True)[1]]] |= bit
    return flags.tobytes()


def _overlaps(model: OrgModel, ends: Ends, firsts: bytes, start: int, stop: int) -> Spo:
    nodes = Memo(node)  # the same few IRIs recur: a duty's overlaps, roles, themes
    overlap, duty, score, shared, shares = (
        rg("DutyOverlap"),
        rg("duty"),
        rg("score"),
        rg("sharedTheme"),
        rg("sharesDutyWith"),
    )
    for o, first in zip(model.overlaps[start:stop], firsts[start:stop], strict=True):
        s = node(o.id)
        yield s, A, overlap
        yield s, duty, nodes[o.duty_a]
        yield s, duty, nodes[o.duty_b]
        yield s, score, decimal(o.score)
        for theme in o.themes:
            yield s, shared, nodes["theme/" + theme]
        if first & POST_PAIR:
            pa, pb = ends[o.duty_a][0], ends[o.duty_b][0]
            yield nodes[pa], shares, nodes[pb]
            yield nodes[pb], shares, nodes[pa]
        if first & ROLE_PAIR:
            ra, rb = ends[o.duty_a][1], ends[o.duty_b][1]
            yield nodes["role/" + ra], shares, nodes["role/" + rb]
            yield nodes["role/" + rb], shares, nodes["role/" + ra]


def _share_id(share: ThemeShare) -> str:
    return f"theme-share/{share.role_a}/{share.role_b}"


def _count_id(cell: ThemeCount) -> str:
    return f"responsibility/{cell.role}/{cell.theme}"


def _theme_shares(model: OrgModel, start: int, stop: int) -> Spo:
    themes = {t.key: t for t in model.themes}
    nodes = Memo(node)
    kind, role, weight, shared = rg("ThemeCoOwnership"), rg("role"), rg("weight"), rg("sharedTheme")
    for share in model.theme_shares[start:stop]:
        s = node(_share_id(share))
        yield s, A, kind
        yield s, role, nodes["role/" + share.role_a]
        yield s, role, nodes["role/" + share.role_b]
        yield s, weight, decimal(share.weight)
        yield s, RDFS_LABEL, text("、".join(themes[t].zh for t in share.themes), "zh-Hans")
        for theme in share.themes:
            yield s, shared, nodes["theme/" + theme]


def _theme_counts(cells: Sequence[ThemeCount]) -> Spo:
    nodes = Memo(node)
    kind, role, theme, count = rg("ThemeResponsibility"), rg("responsibleRole"), rg("theme"), rg("dutyCount")
    for cell in cells:
        s = node(_count_id(cell))
        yield s, A, kind
        yield s, role, nodes["role/" + cell.role]
        yield s, theme, nodes["theme/" + cell.theme]
        yield s, count, integer(cell.duties)


def _clusters(clusters: Sequence[Cluster]) -> Spo:
    for cluster in clusters:
        s = node(cluster.id)
        yield s, A, rg("DutyCluster")
        yield s, RDFS_LABEL, label(cluster.label)
        yield s, rg("memberCount"), integer(len(cluster.members))
        for member in cluster.members:
            yield s, rg("member"), node(member)
