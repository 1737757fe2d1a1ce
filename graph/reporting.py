"""Find reports-to edges from the text: cues that name a superior or subordinates.

A cue is a verb frame around a list of role names: 在X的领导下, 协助X, 直接对X负责, 向X汇报,
上交X, 报X处, 根据X的分配, 按照X的要求, 完成X交办 name the post's superior; X监督指导 A、B
的工作, 领导/带领/考核/督促 A name its subordinates. An edge stands only when the superior's
rank is above the subordinate's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from graph.model import Post, ReportingLine, Role
from graph.pack import RoleBook

QUALIFIERS = re.compile(r"(?:本店|本公司|公司|上级|直接|本部门|部门|各级)")
SEPARATORS = re.compile(r"[、和及与]|以及")


@dataclass(frozen=True)
class Cue:
    verb: str
    after: str | None
    up: bool  # True: the names are the post's superiors; False: its subordinates


CUES: tuple[Cue, ...] = (
    Cue("在", r"的?领导下", True),
    Cue("直接对", r"负责", True),
    Cue("对", r"负责", True),
    Cue("向", r"(?:分别)?(?:汇报|报告|负责)", True),
    Cue("协助", None, True),
    Cue("配合", None, True),
    Cue("上交", None, True),
    Cue("上报", None, True),
    Cue("报备", None, True),
    Cue("报", r"处", True),
    Cue("根据", r"的?(?:分配|要求|安排)", True),
    Cue("按照", r"的?(?:要求|安排)", True),
    Cue("完成", r"(?:下达|交办|交给|交代|安排|分配)", True),
    Cue("监督指导", None, False),
    Cue("监督、指导、考核", None, False),
    Cue("监督、指导", None, False),
    Cue("领导", None, False),
    Cue("带领", None, False),
    Cue("考核", None, False),
    Cue("督促", None, False),
    Cue("要求", None, False),
    Cue("安排好", None, False),
    Cue("合理安排", r"的工作", False),
    Cue("对", r"的(?:日常)?工作进行监督", False),
    Cue("负责", r"的培训", False),
    Cue("针对", r"的培训", False),
)


@dataclass(frozen=True)
class Mention:
    """Role names a cue found in one text, and the words matched."""

    names: tuple[str, ...]
    cue: str
    up: bool


def find_mentions(text: str, book: RoleBook) -> list[Mention]:
    """Every cue in a (Simplified) text with the role names it frames.

    A cue with closing words (在…的领导下, 根据…的分配) frames whatever lies between, so that
    根据前台和车间主任的分配 finds 车间主任; an open cue (协助, 配合) takes the list of names that
    follows it.
    """
    found: list[Mention] = []
    seen: set[tuple[int, bool]] = set()
    for cue in CUES:
        for match in re.finditer(re.escape(cue.verb), text):
            if cue.after:
                names, end = _framed_names(text, match.end(), cue.after, book)
            else:
                names, end = _name_list(text, match.end(), book)
            if not names or (match.start(), cue.up) in seen:
                continue
            seen.add((match.start(), cue.up))
            found.append(Mention(tuple(names), text[match.start() : end], cue.up))
    return found


MAX_FRAME = 20


def _framed_names(text: str, pos: int, after: str, book: RoleBook) -> tuple[list[str], int]:
    """The role names between ``pos`` and the cue's closing words, if these come soon enough."""
    close = re.compile(after).search(text, pos, pos + MAX_FRAME + 12)
    if close is None:
        return [], pos
    frame = text[pos : close.start()]
    if len(frame) > MAX_FRAME or re.search(r"[，,。；;：:]", frame):
        return [], pos
    return names_in(frame, book), close.end()


def names_in(frame: str, book: RoleBook) -> list[str]:
    """Role names in a frame such as 前台和车间主任 or 销售经理及展厅主管: each part between
    separators gives the longest known name in it, or itself when it is a short title."""
    found: list[str] = []
    for part in SEPARATORS.split(frame):
        known = next((n for n in book.names_longest_first if n in part), None)
        if known:
            found.append(known)
        elif 2 <= len(part) <= 6 and book.rank_of(part) is not None and book.name_pattern.fullmatch(part):
            found.append(part)
    return found


def _name_list(text: str, pos: int, book: RoleBook) -> tuple[list[str], int]:
    """Parse 'A、B和C' at ``pos``: role-like names joined by separators; return them and where
    the last one ends."""
    names: list[str] = []
    end = cursor = pos
    while True:
        qualifier = QUALIFIERS.match(text, cursor)
        match = book.name_pattern.match(text, qualifier.end() if qualifier else cursor)
        if match is None:
            return names, end
        names.append(match.group())
        end = match.end()
        sep = SEPARATORS.match(text, end)
        if sep is None:
            return names, end
        cursor = sep.end()


@dataclass(frozen=True)
class Evidence:
    """A text a post says something in: a duty, or its summary."""

    id: str
    post: Post
    text: str


def find_reporting(
    evidence: Iterable[Evidence], posts: tuple[Post, ...], book: RoleBook, unresolved: list[str]
) -> list[ReportingLine]:
    """Explicit reporting lines read from duties and summaries."""
    by_org_role: dict[tuple[str, str], str] = {}
    for post in posts:
        by_org_role.setdefault((post.org_id, post.role), post.id)
    lines: list[ReportingLine] = []
    seen: set[tuple[str, str, str]] = set()
    memo: dict[str, list[Mention]] = {}
    for item in evidence:
        own = book.roles[item.post.role]
        if item.text not in memo:
            memo[item.text] = find_mentions(item.text, book)
        for mention in memo[item.text]:
            for name in mention.names:
                other = book.resolve(name)
                if other is None:
                    unresolved.append(f"{item.id}: '{name}' in '{mention.cue}' names no known role")
                    continue
                sub, sup = (own, other) if mention.up else (other, own)
                if sub.key == sup.key or sup.rank >= sub.rank:
                    continue
                sub_id = item.post.id if mention.up else by_org_role.get((item.post.org_id, sub.key), "role:" + sub.key)
                sup_id = by_org_role.get((item.post.org_id, sup.key), "role:" + sup.key) if mention.up else item.post.id
                if (item.id, sub_id, sup_id) in seen:  # 直接对X负责 also holds 对X负责
                    continue
                seen.add((item.id, sub_id, sup_id))
                lines.append(ReportingLine("", sub_id, sup_id, item.id, mention.cue, "explicit"))
    return _numbered(lines)


def infer_reporting(posts: tuple[Post, ...], explicit: list[ReportingLine], roles: dict[str, Role]) -> list[ReportingLine]:
    """Structural lines: a post with no explicit superior sits under its department's head."""
    has_superior = {line.subordinate for line in explicit}
    groups: dict[tuple[str, str], list[Post]] = {}
    for post in posts:
        groups.setdefault((post.org_id, post.department), []).append(post)
    inferred: list[ReportingLine] = []
    for members in groups.values():
        top = min(roles[p.role].rank for p in members)
        heads = [p for p in members if roles[p.role].rank == top]
        if len(heads) != 1:
            continue
        head = heads[0]
        for post in members:
            if post.id in has_superior or roles[post.role].rank <= top:
                continue
            inferred.append(ReportingLine(f"{post.id}/inferred", post.id, head.id, post.id, "同部门上级", "inferred"))
    return inferred


def _numbered(lines: list[ReportingLine]) -> list[ReportingLine]:
    """Give each line a stable id: its evidence and its place among that evidence's lines."""
    counts: dict[str, int] = {}
    out: list[ReportingLine] = []
    for line in lines:
        n = counts.get(line.evidence, 0) + 1
        counts[line.evidence] = n
        out.append(
            ReportingLine(f"{line.evidence}/reports-{n}", line.subordinate, line.superior, line.evidence, line.cue, line.basis)
        )
    return out
