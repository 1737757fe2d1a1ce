"""Typed value objects passed between the stages of a build.

Reading gives ``SourceText`` → cleaning gives ``CleanText`` → splitting gives ``Document``
(organizations, posts and duties as written; of the source, a ``Source``: not its text) →
relating gives ``OrgModel`` (roles, themes, edges) → emitting gives RDF. Every object keeps
the line numbers it came from.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields, replace
from functools import cached_property
from itertools import chain
from operator import attrgetter
from pathlib import Path
from typing import Any

import numpy as np


class Value:
    """The base of the model's value objects: dataclasses with ``__slots__``, since a thousand
    stores make millions of them (without a ``__dict__`` each, the readings and the model of
    1,000 stores took 555-566 MB against 723-741 MB). They pickle (the reading cache) as their
    class and field values: the frozen slotted dataclass's own ``__setstate__`` made loading
    the cache's readings twice as slow."""

    __slots__ = ()

    def __reduce__(self) -> tuple[type, tuple[Any, ...]]:
        cls = type(self)
        values = _VALUES.get(cls)
        if values is None:
            values = _VALUES[cls] = _values_of(cls)
        return cls, values(self)


def _values_of(cls: type) -> Callable[[Any], tuple[Any, ...]]:
    """The field values of a ``cls``, in the order its constructor takes them."""
    found = fields(cls)
    if any(not f.init or f.kw_only for f in found):  # would be left out, or passed in the wrong place
        raise TypeError(f"{cls.__name__}: a value object's fields must all be positional arguments of its constructor")
    names = tuple(f.name for f in found)
    if len(names) == 1:
        one = attrgetter(names[0])
        return lambda value: (one(value),)
    return attrgetter(*names)  # type: ignore[return-value]


_VALUES: dict[type, Callable[[Any], tuple[Any, ...]]] = {}


@dataclass(frozen=True, slots=True)
class Mark(Value):
    """What a file's format says about one of its lines: a Word style, a list number, a table cell.

    Plain text has no marks; its layout is read from the text itself (graph.read.text).
    """

    kind: str = ""  # "" (the text says), "heading", "title", "item", "field", "break"
    level: int = 0  # heading level (1 = top) or list depth (0 = top level)
    number: str = ""  # the list number a reader sees ("1.", "(一)"): Word's automatic numbering
    label: str = ""  # kind "field": the label (the line's text is the value)
    where: str = ""  # "paragraph 12", "table 2, row 3, cell 2", "sheet 岗位, row 14, column C", "page 3, line 12"


@dataclass(frozen=True, slots=True)
class SourceText(Value):
    """One input file, decoded, split into lines (line 1 is ``lines[0]``).

    ``marks`` is empty for plain text, else one ``Mark`` per line; ``dropped`` counts what the
    format reader left out on purpose (running headers, page numbers, scripts, navigation).
    """

    path: Path
    slug: str
    sha256: str
    encoding: str
    lines: tuple[str, ...]
    marks: tuple[Mark, ...] = ()
    dropped: tuple[tuple[str, int], ...] = ()

    def kept(self) -> Source:
        """What the build keeps of this source once it is read: not its text."""
        wheres = tuple(mark.where for mark in self.marks) if any(mark.where for mark in self.marks) else ()
        return Source(self.path, self.slug, self.sha256, self.encoding, len(self.lines), wheres)


@dataclass(frozen=True, slots=True)
class Source(Value):
    """A source as the graph and the build report know it once read: which file, its size in
    lines and each line's locator, without its text (at a thousand stores the texts held 45 MB,
    to the end of the build, for a line count)."""

    path: Path
    slug: str
    sha256: str
    encoding: str
    line_count: int
    wheres: tuple[str, ...] = ()  # each line's locator, as its format gives it ("paragraph 12"); () for plain text

    def where(self, line: int) -> str:
        """A readable locator of a 1-based line: the format's own, or 'line N'."""
        if 0 < line <= len(self.wheres) and self.wheres[line - 1]:
            return self.wheres[line - 1]
        return f"line {line}"


@dataclass(frozen=True, slots=True)
class Repair(Value):
    """A change made to damaged source text, reported in the build report."""

    line: int
    column: int
    before: str
    after: str
    how: str


@dataclass(frozen=True, slots=True)
class CleanLine(Value):
    number: int
    raw: str
    text: str
    noise: str | None = None


@dataclass(frozen=True, slots=True)
class CleanText(Value):
    source: SourceText
    lines: tuple[CleanLine, ...]
    repairs: tuple[Repair, ...]
    glosses_removed: int


@dataclass(frozen=True, slots=True)
class LineUse(Value):
    """What one source line became, or why it was not used."""

    line: int
    kind: str
    detail: str = ""


@dataclass(frozen=True, slots=True)
class DutyText(Value):
    ordinal: int
    number: str
    text: str
    line: int


@dataclass(frozen=True, slots=True)
class PostField(Value):
    """A field of a position as the document gives it: 直接上级 / Reports to, 所属部门 …"""

    meaning: str  # 'superior', 'subordinates', 'department', …
    label: str
    value: str
    line: int


@dataclass(frozen=True, slots=True)
class PostText(Value):
    index: int
    name: str | None
    heading: str
    line: int
    duties: tuple[DutyText, ...]
    summary: str | None = None
    summary_line: int | None = None
    department: str | None = None
    fields: tuple[PostField, ...] = ()
    gloss: str | None = None  # the English name the document gives beside a Chinese one
    named_by: str = "heading"  # 'heading', 'field', 'item', 'sentence', 'label'


@dataclass(frozen=True, slots=True)
class OrganizationText(Value):
    index: int
    heading: str
    line: int
    posts: tuple[PostText, ...]
    chart: tuple[ChartLink, ...] = ()  # what an org chart in the document says, by name


@dataclass(frozen=True, slots=True)
class ChartLink(Value):
    """One step of an org chart: ``subordinate`` sits under ``superior`` (names as written)."""

    subordinate: str
    superior: str
    line: int
    text: str  # the chart's line(s) that say so


@dataclass(frozen=True, slots=True)
class Document(Value):
    """A source split into organizations, posts and duties, with every line accounted for."""

    source: Source
    organizations: tuple[OrganizationText, ...]
    uses: tuple[LineUse, ...]
    repairs: tuple[Repair, ...]
    warnings: tuple[str, ...]
    # positions the document names (a name field, a title) but gives no duties: reported, not posts
    dutyless: tuple[PostText, ...] = ()
    glosses_removed: int = 0  # pinyin glosses the cleaning took out (CleanText.glosses_removed)


# --- knowledge pack -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Department(Value):
    key: str
    iri: str
    zh: str
    en: str
    words: tuple[str, ...] = ()
    written: str = ""  # a department the document states and no pack knows: its name as written


@dataclass(frozen=True, slots=True)
class Role(Value):
    key: str
    iri: str
    zh: str
    en: str
    rank: int
    department: str
    aliases: tuple[str, ...] = ()
    known: bool = True


@dataclass(frozen=True, slots=True)
class Theme(Value):
    key: str
    iri: str
    zh: str
    en: str
    terms: tuple[str, ...]
    stems: tuple[str, ...] = ()  # English match terms, matched at the start of a word (train: training)


@dataclass(frozen=True, slots=True)
class Pack(Value):
    """Domain knowledge read from a pack file: departments, roles and themes."""

    path: Path
    departments: tuple[Department, ...]
    roles: tuple[Role, ...]
    themes: tuple[Theme, ...]
    rank_words: tuple[tuple[str, int], ...]
    default_department: str
    junior_words: tuple[str, ...] = ()  # 副, assistant: one rank below the title the name ends with


# --- related model --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Duty(Value):
    id: str
    post_id: str
    ordinal: int
    number: str
    original: str
    label: str
    line: int
    themes: tuple[str, ...] = ()
    boilerplate: bool = False


@dataclass(frozen=True, slots=True)
class Post(Value):
    id: str
    source: str
    org_id: str
    index: int
    name_written: str
    label: str
    role: str
    department: str
    line: int
    duties: tuple[Duty, ...]
    name_inferred: bool = False
    summary: str | None = None
    summary_line: int | None = None
    department_inferred: bool = False  # the source states no department for the post
    fields: tuple[PostField, ...] = ()  # the source's fields of the post (直接上级, Reports to …)


@dataclass(frozen=True, slots=True)
class Organization(Value):
    id: str
    source: str
    index: int
    heading: str
    line: int


@dataclass(frozen=True, slots=True)
class ReportingLine(Value):
    """Evidence that ``subordinate`` reports to ``superior`` (post ids or ``role:KEY``)."""

    id: str
    subordinate: str
    superior: str
    evidence: str
    cue: str
    basis: str
    line: int = 0  # source line of the cue, when it is not the evidence's own line (a field)


@dataclass(frozen=True, slots=True)
class PackChoice(Value):
    """Which knowledge pack an organization was related with, and why."""

    org_id: str
    pack: str  # the pack file's name
    known: int  # posts of the organization whose names the pack knows
    posts: int
    reason: str


@dataclass(frozen=True, slots=True)
class Overlap(Value):
    id: str
    duty_a: str
    duty_b: str
    score: float
    themes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Cluster(Value):
    id: str
    members: tuple[str, ...]
    label: str


@dataclass(frozen=True, slots=True)
class ThemeShare(Value):
    """Two roles carrying duties of the same themes; weight is the Jaccard index of their themes."""

    role_a: str
    role_b: str
    weight: float
    themes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ThemeCount(Value):
    """One cell of the responsibility matrix: how many duties of a role's posts carry a theme."""

    role: str
    theme: str
    duties: int


@dataclass(frozen=True)
class OrgModel:
    """Everything the graph is made from."""

    sources: tuple[Source, ...]
    organizations: tuple[Organization, ...]
    posts: tuple[Post, ...]
    roles: tuple[Role, ...]
    departments: tuple[Department, ...]
    themes: tuple[Theme, ...]
    reporting: tuple[ReportingLine, ...]
    overlaps: tuple[Overlap, ...]
    clusters: tuple[Cluster, ...]
    theme_shares: tuple[ThemeShare, ...] = ()
    theme_counts: tuple[ThemeCount, ...] = ()
    warnings: tuple[str, ...] = field(default=())
    packs: tuple[PackChoice, ...] = ()

    @cached_property
    def post_by_id(self) -> dict[str, Post]:
        return {p.id: p for p in self.posts}

    @cached_property
    def duty_owner(self) -> dict[str, Post]:
        """The post of every duty, by duty id."""
        return {d.id: p for p in self.posts for d in p.duties}

    @cached_property
    def overlap_duties(self) -> tuple[np.ndarray, np.ndarray]:
        """``number_overlap_duties`` of the model's posts and overlaps, worked out once (or given
        by ``with_overlaps``)."""
        return number_overlap_duties(self.posts, self.overlaps)

    def with_overlaps(
        self, overlaps: Sequence[Overlap], clusters: Sequence[Cluster], duties: tuple[np.ndarray, np.ndarray]
    ) -> OrgModel:
        """The model with these overlaps and clusters; ``duties``, their duties' numbers as the
        overlaps' finder took them, is what ``overlap_duties`` holds (looking them up again by id
        took 0.9-1.1 s at a thousand stores)."""
        model = replace(self, overlaps=tuple(overlaps), clusters=tuple(clusters))
        model.__dict__["overlap_duties"] = duties  # where functools.cached_property keeps its value
        return model

    def role_of(self, ref: str) -> str:
        """The role key a reporting-line end means: a post id's role, or ``role:KEY``'s key."""
        post = self.post_by_id.get(ref)
        return post.role if post is not None else ref.removeprefix("role:")


def number_overlap_duties(posts: Sequence[Post], overlaps: Sequence[Overlap]) -> tuple[np.ndarray, np.ndarray]:
    """Each overlap's two duties (``duty_a``, ``duty_b``, in the overlaps' order) as numbers:
    duty k is the k-th of all the posts' duties, post after post. Looked up by id once, for
    the graph's overlaps, the page and overlaps.csv alike: at a thousand stores a lookup by id
    misses the processor's cache, and each of the three made 1.07 million of them."""
    number = duty_numbers(posts)
    count = len(overlaps)
    a, b = (
        np.fromiter(map(number.__getitem__, map(attrgetter(side), overlaps)), dtype=np.int64, count=count)
        for side in ("duty_a", "duty_b")
    )
    return a, b


def duty_numbers(posts: Sequence[Post]) -> dict[str, int]:
    """Each duty's number, by its id: duty k is the k-th of all the posts' duties, post after post."""
    return {d.id: k for k, d in enumerate(chain.from_iterable(p.duties for p in posts))}
