"""Tag duties with themes, and spot catch-all (boilerplate) duties."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from graph.model import Post, Theme, ThemeCount, ThemeShare
from graph.pack import RoleBook

# 完成领导交办的其他任务, 完成部门负责人交办的相关工作, 各级领导分配的其它任务 …
BOILERPLATE = re.compile(
    r"^(?:完成|做好|执行|负责)?(?:上级|各级|部门|公司|本部门|总经理)?(?:领导|负责人|主管|经理)?"
    r"(?:临时)?(?:交办|交给|交代|安排|分配|布置|下达)的?(?:其他|其它|相关|临时性?)?(?:的)?"
    r"(?:专项|临时性?)?(?:工作|任务|事项|事务)[。.;；]?$"
)
BOILERPLATE_LOOSE = re.compile(r"(?:领导|负责人|上级).{0,4}(?:交办|交给|交代|安排|分配).{0,8}(?:工作|任务)[。.;；]?$")


@lru_cache(maxsize=1 << 16)
def is_boilerplate(label: str) -> bool:
    """A catch-all duty: short, and only says 'do what the superior assigns'."""
    text = label.replace(" ", "")
    return bool(BOILERPLATE.match(text)) or (len(text) <= 20 and bool(BOILERPLATE_LOOSE.search(text)))


def mask_roles(label: str, book: RoleBook) -> str:
    """Blank out role names, so that 监督指导索赔员的工作 is not read as claims work."""
    for name in book.names_longest_first:
        if name in label:
            label = label.replace(name, "□" * len(name))
    return label


def tag_themes(label: str, themes: tuple[Theme, ...], book: RoleBook) -> tuple[str, ...]:
    """Keys of the themes whose prefLabel or any match term occurs in the duty, or one of whose
    English stems starts a word of it (train: training, trains; not restrain)."""
    text = mask_roles(label.replace(" ", ""), book)
    english = mask_roles(label, book) if re.search(r"[A-Za-z]{3}", label) else ""
    return tuple(
        t.key
        for t in themes
        if any(term in text for term in (t.zh, *t.terms)) or (english and t.stems and _stems(t.stems).search(english))
    )


@lru_cache(maxsize=1024)
def _stems(stems: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(re.escape(s) for s in stems) + ")", re.IGNORECASE)


def count_themes(posts: Sequence[Post]) -> tuple[ThemeCount, ...]:
    """The responsibility matrix: for each role and theme, how many duties of the role's posts
    carry the theme (a duty has one post), sorted by role and theme."""
    counts = Counter((post.role, theme) for post in posts for duty in post.duties for theme in duty.themes)
    return tuple(ThemeCount(role, theme, n) for (role, theme), n in sorted(counts.items()))


# Co-owners kept per role, the closest first: every role that carries 巡查 co-owns it with every
# other, and a corpus of 2,000 roles gave 2 million pairs. The bundled corpus's busiest role has 31.
CO_OWNERS = 32
_ROWS = 512  # roles compared at a time (a block of _ROWS × roles weights)


def share_themes(counts: Sequence[ThemeCount]) -> list[ThemeShare]:
    """Pairs of roles carrying the same themes, weighted by the Jaccard index of their theme
    sets; a pair is kept when either role is among the other's ``CO_OWNERS`` closest (by
    weight, then role key), so the pairs grow with the roles, not with their square."""
    role_themes: dict[str, set[str]] = {}
    for count in counts:
        role_themes.setdefault(count.role, set()).add(count.theme)
    roles = sorted(role_themes)
    themes = {t: i for i, t in enumerate(sorted({t for ts in role_themes.values() for t in ts}))}
    held = np.zeros((len(roles), len(themes)), dtype=np.float32)
    for r, role in enumerate(roles):
        held[r, [themes[t] for t in role_themes[role]]] = 1
    sizes = held.sum(axis=1)
    kept: set[tuple[int, int]] = set()
    for start in range(0, len(roles), _ROWS):
        shared = held[start : start + _ROWS] @ held.T
        weight = shared / (sizes[start : start + _ROWS, None] + sizes[None, :] - shared)
        for k, row in enumerate(weight):
            a = start + k
            row[a] = 0
            others = np.flatnonzero(row > 0)
            if len(others) > CO_OWNERS:  # the closest, ties by role key: lexsort's last key is the first
                others = others[np.lexsort((others, -row[others]))[:CO_OWNERS]]
            kept.update((min(a, b), max(a, b)) for b in others.tolist())
    shares = []
    for a, b in sorted(kept):
        common = role_themes[roles[a]] & role_themes[roles[b]]
        weight = len(common) / len(role_themes[roles[a]] | role_themes[roles[b]])
        shares.append(ThemeShare(roles[a], roles[b], round(weight, 2), tuple(sorted(common))))
    return shares
