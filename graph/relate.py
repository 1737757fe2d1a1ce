"""Attach roles, departments and themes to the posts read, and find the edges between them."""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import replace

import numpy as np
from rapidfuzz import fuzz, process

from graph.model import (
    ChartLink,
    Department,
    Document,
    Duty,
    Organization,
    OrgModel,
    Pack,
    PackChoice,
    Post,
    PostText,
    Role,
    Theme,
)
from graph.overlaps import DEFAULT_THRESHOLD, TextPairs, comparable, numbered_overlaps
from graph.pack import RoleBook, choose_book, is_latin
from graph.reporting import (
    Evidence,
    chart_lines,
    chinese_cues,
    department_prefix,
    field_lines,
    find_mentions,
    find_reporting,
    infer_reporting,
)
from graph.score_cache import ScoreCache
from graph.script import normalize
from graph.themes import count_themes, is_boilerplate, share_themes, tag_themes

log = logging.getLogger(__name__)
UNNAMED = "未命名岗位"


def relate(documents: Sequence[Document], pack: Pack | Sequence[Pack], *, scores: ScoreCache | None = None) -> OrgModel:
    """The model without its overlaps and clusters (``add_overlaps`` finds them): posts with
    roles and themes, and reporting lines.

    One pack is used for every organization; several (the general pack first) are chosen from
    per organization by how many of its post names each knows (``choose_book``). ``scores``
    holds how close unnamed posts' duties came to roles in earlier builds (``RoleIndex``).
    """
    packs = (pack,) if isinstance(pack, Pack) else tuple(pack)
    if not packs:
        raise ValueError("relate needs at least one knowledge pack")
    books = [RoleBook(p) for p in packs]
    organizations: list[Organization] = []
    posts: list[Post] = []
    book_of: dict[str, RoleBook] = {}
    choices: list[PackChoice] = []
    charts: dict[str, tuple[ChartLink, ...]] = {}
    for doc in documents:
        slug = doc.source.slug
        for org in doc.organizations:
            org_id = f"org/{slug}/{org.index}"
            organizations.append(Organization(org_id, slug, org.index, org.heading, org.line))
            if org.chart:
                charts[org_id] = org.chart
            names = [normalize(text.name) for text in org.posts if text.name]
            texts = [normalize(d.text) for text in org.posts for d in text.duties]
            book, known, why = choose_book(names, texts, books) if len(books) > 1 else (books[0], 0, "")
            if len(books) == 1:
                known, why = sum(map(book.knows, names)), "the only pack given (--pack)"
            book_of[org_id] = book
            choices.append(PackChoice(org_id, book.pack.path.name, known, len(org.posts), why))
            posts.extend(read_post(text, org_id, slug, org.index, book.pack, book) for text in org.posts)
    used = [b for b in books if any(v is b for v in book_of.values())] or books[:1]
    posts = _infer_unnamed_by_book(posts, used, book_of, scores)
    roles_by_key: dict[str, Role] = {}
    for book in used:
        for key, role in book.roles.items():
            roles_by_key.setdefault(key, role)
    unresolved: list[str] = []
    explicit = field_lines(posts, book_of, roles_by_key)
    explicit += chart_lines(charts, posts, book_of, roles_by_key, unresolved)
    explicit += find_reporting(_evidence(posts), tuple(posts), book_of, unresolved, roles_by_key)
    inferred = infer_reporting(tuple(posts), explicit, roles_by_key)
    theme_counts = count_themes(posts)
    used_roles = {p.role for p in posts} | {
        ref[5:] for line in explicit for ref in (line.subordinate, line.superior) if ref.startswith("role:")
    }
    used_roles |= {r.key for b in used for r in b.pack.roles}
    return OrgModel(
        sources=tuple(doc.source for doc in documents),
        organizations=tuple(organizations),
        posts=tuple(posts),
        roles=tuple(sorted((roles_by_key[k] for k in used_roles), key=lambda r: r.key)),
        departments=_departments(used),
        themes=_themes(used),
        reporting=tuple(explicit + inferred),
        overlaps=(),
        clusters=(),
        theme_shares=tuple(share_themes(theme_counts)),
        theme_counts=theme_counts,
        warnings=tuple(unresolved),
        packs=tuple(choices),
    )


def _departments(books: Sequence[RoleBook]) -> tuple[Department, ...]:
    """The used packs' departments (first pack's first), then those the documents stated."""
    found: dict[str, Department] = {}
    for book in books:
        for dept in book.pack.departments:
            found.setdefault(dept.key, dept)
    stated = sorted((d for b in books for d in b.stated.values()), key=lambda d: d.key)
    for dept in stated:
        found.setdefault(dept.key, dept)
    return tuple(found.values())


def _themes(books: Sequence[RoleBook]) -> tuple[Theme, ...]:
    """The used packs' themes by key (packs share keys for the same theme: the first wins)."""
    if len(books) == 1:
        return books[0].pack.themes
    found: dict[str, Theme] = {}
    for book in books:
        for theme in book.pack.themes:
            found.setdefault(theme.key, theme)
    return tuple(sorted(found.values(), key=lambda t: t.key))


def _infer_unnamed_by_book(
    posts: list[Post], books: Sequence[RoleBook], book_of: dict[str, RoleBook], scores: ScoreCache | None
) -> list[Post]:
    """``infer_unnamed`` within each pack's organizations; the posts keep their order."""
    if len(books) == 1:
        return infer_unnamed(posts, books[0], scores)
    done: dict[str, Post] = {}
    for book in books:
        done.update((p.id, p) for p in infer_unnamed([p for p in posts if book_of[p.org_id] is book], book, scores))
    return [done[p.id] for p in posts]


def add_overlaps(model: OrgModel, *, threshold: float = DEFAULT_THRESHOLD, compared: TextPairs | None = None) -> OrgModel:
    """The model with the overlaps and clusters of its posts' duties (``compared``: the pairs of
    their texts, when ``text_pairs`` found them beforehand)."""
    found = numbered_overlaps(model.posts, threshold=threshold, compared=compared)
    return model.with_overlaps(found.overlaps, found.clusters, found.duties)


def duty_labels(documents: Sequence[Document]) -> set[str]:
    """The label of every duty the documents give, as ``relate`` makes it (``_duty``): what
    ``text_pairs`` needs of them before the posts are made."""
    written = {d.text for doc in documents for org in doc.organizations for text in org.posts for d in text.duties}
    return {normalize(text) for text in written}


def read_post(text: PostText, org_id: str, slug: str, org_index: int, pack: Pack, book: RoleBook) -> Post:
    post_id = f"post/{slug}/{org_index}/{text.index}"
    duties = tuple(
        _duty(f"duty/{slug}/{org_index}/{text.index}/{d.ordinal}", post_id, d.ordinal, d.number, d.text, d.line, pack, book)
        for d in text.duties
    )
    name = normalize(text.name) if text.name else ""
    role = book.resolve(name, default_rank=7, gloss=text.gloss) if name else None
    written = text.department or (department_prefix(name, book) if name else None) or ""
    stated = normalize(written)
    department = (book.department_named(stated) or book.add_department(written)) if stated else None
    return Post(
        id=post_id,
        source=slug,
        org_id=org_id,
        index=text.index,
        name_written=text.name or text.heading,
        label=name or UNNAMED,
        role=role.key if role else "",
        department=department or (role.department if role else ""),
        line=text.line,
        duties=duties,
        name_inferred=not text.name,
        summary=text.summary,
        summary_line=text.summary_line,
        department_inferred=department is None,
        fields=text.fields,
    )


def _duty(duty_id: str, post_id: str, ordinal: int, number: str, text: str, line: int, pack: Pack, book: RoleBook) -> Duty:
    known = book.memo.get(text)
    if known is None:  # stores copy templates: each distinct text is read once (about 17,000 of 309,000 at 1,000 stores)
        label = normalize(text)
        known = book.memo[text] = (label, tag_themes(label, pack.themes, book), is_boilerplate(label))
    label, themes, boilerplate = known
    return Duty(duty_id, post_id, ordinal, number, text, label, line, themes=themes, boilerplate=boilerplate)


def infer_unnamed(posts: list[Post], book: RoleBook, scores: ScoreCache | None = None) -> list[Post]:
    """Give each unnamed post the role whose posts' duties its own duties resemble most.

    Roles the post names as its subordinates (监督、指导、考核销售顾问) are not candidates.
    """
    index = RoleIndex((p for p in posts if p.role), scores)
    asks = {post.id: _candidates(post, index, book) for post in posts if not post.role}
    index.score((text, roles) for roles, texts in asks.values() if roles for text in texts)
    out: list[Post] = []
    for post in posts:
        if not post.role:
            role = _closest_role(post, *asks[post.id], index, book)
            dept = post.department or role.department
            latin = all(is_latin(d.label) or not d.label for d in post.duties) and any(d.label for d in post.duties)
            label = f"{role.en} (inferred)" if latin else f"{role.zh}（推断）"
            post = replace(post, role=role.key, department=dept, label=label)
        out.append(post)
    return out


# The texts each role is compared by: its most frequent distinct duty texts. Comparing an unnamed
# post with every named post's duties made the stage quadratic (100 damaged copies of the
# bundled corpus: 670 unnamed posts, 34 s of comparisons); a role's norm is bounded instead.
ROLE_TEXTS = 64


def role_index(named: Iterable[Post]) -> tuple[list[str], list[str]]:
    """(texts, the role of each): per role, its distinct non-boilerplate duty texts, the
    ``ROLE_TEXTS`` most frequent first (ties by text), in role order."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for post in named:
        counts[post.role].update(comparable(d.label) for d in post.duties if not d.boilerplate)
    choices: list[str] = []
    owners: list[str] = []
    for role in sorted(counts):
        top = sorted(counts[role].items(), key=lambda item: (-item[1], item[0]))[:ROLE_TEXTS]
        choices.extend(text for text, _ in top)
        owners.extend(role for _ in top)
    return choices, owners


# The roles of a department an unnamed post is compared with, at most: those with the most named
# posts. Name variants make roles of one post each (a department of 1,000 damaged stores had
# hundreds), and each is 64 more texts to compare every unnamed post's duties with.
CANDIDATE_ROLES = 24


class RoleIndex:
    """The texts of each named role (``role_index``), and how close a duty text comes to each
    role of a set: scored once per distinct text and set of roles (unnamed posts of stores that
    copy one template carry the same texts), the texts of one set in one rapidfuzz call."""

    def __init__(self, named: Iterable[Post], kept: ScoreCache | None = None) -> None:
        posts = list(named)
        self.kept = kept  # scores of earlier builds
        self.choices, self.owners = role_index(posts)
        self.roles = set(self.owners)
        self.posts = Counter(p.role for p in posts)  # named posts per role
        self._scores: dict[tuple[str, frozenset[str]], dict[str, float]] = {}

    def score(self, asks: Iterable[tuple[str, frozenset[str]]]) -> None:
        """Score every (text, roles) not scored yet."""
        by_roles: dict[frozenset[str], list[str]] = defaultdict(list)
        for text, roles in dict.fromkeys(asks):
            if (text, roles) not in self._scores:
                by_roles[roles].append(text)
        for roles, texts in by_roles.items():
            keep = [i for i, role in enumerate(self.owners) if role in roles]  # a role's texts are adjacent
            starts = [k for k, i in enumerate(keep) if k == 0 or self.owners[i] != self.owners[keep[k - 1]]]
            names = [self.owners[keep[k]] for k in starts]
            choices = [self.choices[i] for i in keep]
            rows = self._rows(texts, choices, names, starts)
            for text, row in zip(texts, rows, strict=True):
                self._scores[(text, roles)] = dict(zip(names, row, strict=True))

    def _rows(self, texts: list[str], choices: list[str], names: list[str], starts: list[int]) -> list[list[float]]:
        """Per text, each role's best partial ratio against its texts (``choices``, the texts of
        ``names[k]`` from ``starts[k]`` on): from ``kept`` where an earlier build scored it."""
        if self.kept is None:
            return _best_per_role(texts, choices, starts)
        ends = [*starts[1:], len(choices)]
        digest = self.kept.roles_digest([(n, choices[a:b]) for n, a, b in zip(names, starts, ends, strict=True)])
        keys = [self.kept.key(digest, text) for text in texts]
        found = {i: row for i, key in enumerate(keys) if (row := self.kept.get(key, len(names))) is not None}
        asked = [i for i in range(len(texts)) if i not in found]
        for i, row in zip(asked, _best_per_role([texts[i] for i in asked], choices, starts) if asked else [], strict=True):
            found[i] = row
            self.kept.put(keys[i], row)
        return [found[i] for i in range(len(texts))]

    def closeness(self, text: str, roles: frozenset[str]) -> dict[str, float]:
        """Per role of ``roles``, the best partial ratio of ``text`` against its texts."""
        if (text, roles) not in self._scores:  # infer_unnamed scores every text before it asks
            self.score([(text, roles)])
        return self._scores[(text, roles)]


def _best_per_role(texts: list[str], choices: list[str], starts: list[int]) -> list[list[float]]:
    """Per text, its best partial ratio against the texts of each role (a role's texts run from
    its ``starts`` to the next): one rapidfuzz call for all of them, on both cores."""
    rows = process.cdist(texts, choices, scorer=fuzz.partial_ratio, workers=-1)
    return np.maximum.reduceat(rows, starts, axis=1).tolist()  # type: ignore[no-any-return]


def _candidates(post: Post, index: RoleIndex, book: RoleBook) -> tuple[frozenset[str], list[str]]:
    """The roles an unnamed post may hold (of its department by its duties' words, not one it
    names below it, a manager's when it runs a unit) and the texts it is compared by."""
    text = " ".join(d.label for d in post.duties)
    dept = book.department_by_count(text)
    excluded = {
        role.key
        for duty in post.duties
        for mention in find_mentions(duty.label, book)
        if not mention.up
        for name in mention.names
        if (role := book.resolve(name)) is not None
    }
    table = chinese_cues()  # the words of running a unit (graph/cues/zh.toml)
    managing = sum(text.count(word) for word in table.managing_words) >= table.managing_min
    fitting = sorted(
        (r for r in index.roles if book.roles[r].department == dept and r not in excluded),
        key=lambda r: (-index.posts[r], r),
    )
    candidates = frozenset([r for r in fitting if not managing or book.roles[r].rank <= 5][:CANDIDATE_ROLES])
    return candidates, [comparable(d.label) for d in post.duties if not d.boilerplate]


def _closest_role(post: Post, candidates: frozenset[str], texts: list[str], index: RoleIndex, book: RoleBook) -> Role:
    if not candidates or not texts:
        return book.resolve_unnamed(" ".join(d.label for d in post.duties))
    best: dict[str, float] = defaultdict(float)
    for duty_text in texts:
        for key, score in index.closeness(duty_text, candidates).items():
            best[key] += score / len(texts)
    return book.roles[min(best, key=lambda r: (-best[r], r))]


def _evidence(posts: list[Post]) -> list[Evidence]:
    items: list[Evidence] = []
    for post in posts:
        if post.summary:
            items.append(Evidence(summary_id(post), post, normalize(post.summary)))
        items.extend(Evidence(d.id, post, d.label) for d in post.duties)
    return items


def summary_id(post: Post) -> str:
    return post.id.replace("post/", "summary/", 1)
