"""Attach roles, departments and themes to the posts read, and find the edges between them."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace

from rapidfuzz import fuzz, process

from graph.model import Document, Duty, Organization, OrgModel, Pack, Post, PostText, Role
from graph.overlaps import DEFAULT_THRESHOLD, comparable, find_overlaps
from graph.pack import RoleBook
from graph.reporting import Evidence, find_mentions, find_reporting, infer_reporting
from graph.script import normalize
from graph.themes import count_themes, is_boilerplate, share_themes, tag_themes

log = logging.getLogger(__name__)
UNNAMED = "未命名岗位"
# Words of running a unit rather than doing its work: a post whose duties say them often is a
# manager's or supervisor's, so its inferred role is one of rank 5 (主管) or above.
MANAGING = ("团队", "下属", "指标", "策略", "预算", "考核", "监督", "指导", "管理", "计划")
MANAGING_MIN = 4


def relate(documents: Sequence[Document], pack: Pack) -> OrgModel:
    """The model without its overlaps and clusters (``add_overlaps`` finds them): posts with
    roles and themes, and reporting lines."""
    book = RoleBook(pack)
    organizations: list[Organization] = []
    posts: list[Post] = []
    for doc in documents:
        slug = doc.source.slug
        for org in doc.organizations:
            org_id = f"org/{slug}/{org.index}"
            organizations.append(Organization(org_id, slug, org.index, org.heading, org.line))
            posts.extend(read_post(text, org_id, slug, org.index, pack, book) for text in org.posts)
    posts = infer_unnamed(posts, book)
    unresolved: list[str] = []
    explicit = find_reporting(_evidence(posts), tuple(posts), book, unresolved)
    inferred = infer_reporting(tuple(posts), explicit, book.roles)
    theme_counts = count_themes(posts)
    used_roles = {p.role for p in posts} | {
        ref[5:] for line in explicit for ref in (line.subordinate, line.superior) if ref.startswith("role:")
    }
    roles = tuple(sorted((book.roles[k] for k in used_roles | {r.key for r in pack.roles}), key=lambda r: r.key))
    return OrgModel(
        sources=tuple(doc.source for doc in documents),
        organizations=tuple(organizations),
        posts=tuple(posts),
        roles=roles,
        departments=pack.departments,
        themes=pack.themes,
        reporting=tuple(explicit + inferred),
        overlaps=(),
        clusters=(),
        theme_shares=tuple(share_themes(theme_counts)),
        theme_counts=theme_counts,
        warnings=tuple(unresolved),
    )


def add_overlaps(model: OrgModel, *, threshold: float = DEFAULT_THRESHOLD) -> OrgModel:
    """The model with the overlaps and clusters of its posts' duties."""
    overlaps, clusters = find_overlaps(model.posts, threshold=threshold)
    return replace(model, overlaps=tuple(overlaps), clusters=tuple(clusters))


def read_post(text: PostText, org_id: str, slug: str, org_index: int, pack: Pack, book: RoleBook) -> Post:
    post_id = f"post/{slug}/{org_index}/{text.index}"
    duties = tuple(
        _duty(f"duty/{slug}/{org_index}/{text.index}/{d.ordinal}", post_id, d.ordinal, d.number, d.text, d.line, pack, book)
        for d in text.duties
    )
    name = normalize(text.name) if text.name else ""
    role = book.resolve(name, default_rank=7) if name else None
    department = book.department_named(normalize(text.department)) if text.department else None
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
    )


def _duty(duty_id: str, post_id: str, ordinal: int, number: str, text: str, line: int, pack: Pack, book: RoleBook) -> Duty:
    label = normalize(text)
    themes = book.memo.get(label)
    if themes is None:  # stores copy templates: tag each distinct text once
        themes = book.memo[label] = tag_themes(label, pack.themes, book)
    return Duty(duty_id, post_id, ordinal, number, text, label, line, themes=themes, boilerplate=is_boilerplate(label))


def infer_unnamed(posts: list[Post], book: RoleBook) -> list[Post]:
    """Give each unnamed post the role whose posts' duties its own duties resemble most.

    Roles the post names as its subordinates (监督、指导、考核销售顾问) are not candidates.
    """
    named = [p for p in posts if p.role]
    choices: list[str] = []
    owners: list[str] = []
    for post in named:
        for duty in post.duties:
            if not duty.boilerplate:
                choices.append(comparable(duty.label))
                owners.append(post.role)
    out: list[Post] = []
    for post in posts:
        if post.role:
            out.append(post)
            continue
        role = _closest_role(post, choices, owners, book)
        dept = post.department or role.department
        out.append(replace(post, role=role.key, department=dept, label=f"{role.zh}（推断）"))
    return out


def _closest_role(post: Post, choices: list[str], owners: list[str], book: RoleBook) -> Role:
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
    texts = [comparable(d.label) for d in post.duties if not d.boilerplate]
    managing = sum(text.count(word) for word in MANAGING) >= MANAGING_MIN
    candidates = {
        r
        for r in set(owners)
        if book.roles[r].department == dept and r not in excluded and (not managing or book.roles[r].rank <= 5)
    }
    if not candidates or not texts:
        return book.resolve_unnamed(text)
    keep = [i for i, role in enumerate(owners) if role in candidates]
    scores = process.cdist(texts, [choices[i] for i in keep], scorer=fuzz.partial_ratio, workers=-1)
    best: dict[str, float] = defaultdict(float)
    for row in scores:
        per_role: dict[str, float] = defaultdict(float)
        for score, i in zip(row.tolist(), keep, strict=True):
            per_role[owners[i]] = max(per_role[owners[i]], score)
        for key, score in per_role.items():
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
