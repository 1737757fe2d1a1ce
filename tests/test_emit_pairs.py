"""Which overlap says the sharesDutyWith edge of its two posts, and of its two roles."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from graph.emit import POST_PAIR, ROLE_PAIR, _first_pairs
from graph.model import Overlap, number_overlap_duties


def _model(posts: list[Any], overlaps: list[Overlap]) -> Any:
    """A stand-in for OrgModel with its posts, its overlaps and their duties' numbers."""
    model = SimpleNamespace(posts=posts, overlaps=overlaps)
    model.overlap_duties = number_overlap_duties(posts, overlaps)
    return model


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
    model = _model(posts, overlaps)
    # the duties numbered post after post: d1 0, d4 1, d2 2, d3 3
    assert [a.tolist() for a in model.overlap_duties] == [[0, 2, 0, 3, 1], [2, 1, 3, 2, 3]]
    assert list(_first_pairs(model)) == [POST_PAIR | ROLE_PAIR, 0, POST_PAIR, POST_PAIR, 0]
    assert _first_pairs(_model(posts, [])) == b""
    assert _first_pairs(_model([], [])) == b""


def test_the_overlaps_finder_numbers_their_duties_as_a_lookup_by_id_does(built: Any) -> None:
    """The numbers the bundled build's overlaps carried from their finder (``with_overlaps``)
    are those of each duty_a and duty_b looked up among the posts' duties by id."""
    model = built.model
    assert "overlap_duties" in vars(model)  # given by the finder, not worked out when asked
    duties = [d.id for p in model.posts for d in p.duties]
    firsts, seconds = model.overlap_duties
    assert len(firsts) == len(model.overlaps) > 50
    assert [duties[k] for k in firsts.tolist()] == [o.duty_a for o in model.overlaps]
    assert [duties[k] for k in seconds.tolist()] == [o.duty_b for o in model.overlaps]
    looked_up = number_overlap_duties(model.posts, model.overlaps)
    assert all((mine == theirs).all() for mine, theirs in zip(model.overlap_duties, looked_up, strict=True))
