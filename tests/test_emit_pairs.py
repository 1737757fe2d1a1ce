"""Which overlap says the sharesDutyWith edge of its two posts, and of its two roles."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from graph.emit import POST_PAIR, ROLE_PAIR, _first_pairs
from graph.model import Overlap


def test_the_first_overlap_of_each_pair_of_posts_and_of_roles_says_the_edge() -> None:
    # duties d1 (post p1, role A), d2 (p2, B), d3 (p3, A), d4 (p1, A)
    posts = [
        SimpleNamespace(role="A", duties=[SimpleNamespace(id="d1"), SimpleNamespace(id="d4")]),  # p1
        SimpleNamespace(role="B", duties=[SimpleNamespace(id="d2")]),  # p2
        SimpleNamespace(role="A", duties=[SimpleNamespace(id="d3")]),  # p3
    ]
    overlaps = [
        Overlap("o1", "d1", "d2", 0.9, ()),  # p1–p2 first, A–B first
        Overlap("o2", "d2", "d4", 0.9, ()),  # p2–p1 again (the other way round), A–B again
        Overlap("o3", "d1", "d3", 0.9, ()),  # p1–p3 first; A–A ties no roles
        Overlap("o4", "d3", "d2", 0.9, ()),  # p3–p2 first; A–B again
        Overlap("o5", "d4", "d3", 0.9, ()),  # p1–p3 again
    ]
    model: Any = SimpleNamespace(posts=posts, overlaps=overlaps)
    assert list(_first_pairs(model)) == [POST_PAIR | ROLE_PAIR, 0, POST_PAIR, POST_PAIR, 0]
    assert _first_pairs(SimpleNamespace(posts=posts, overlaps=[])) == b""  # type: ignore[arg-type]
    assert _first_pairs(SimpleNamespace(posts=[], overlaps=[])) == b""  # type: ignore[arg-type]
