"""The org-chart layout and the page's data, worked out by hand on tiny charts."""

from __future__ import annotations

import networkx as nx

from graph.page import chart_layout, crossings
from graph.pipeline import BuildResult


def test_levels_by_the_longest_path_from_the_top() -> None:
    # gm → finance → accountant → cashier, and gm → cashier directly: the cashier stays below the accountant
    lines = [("gm", "fin", 1), ("fin", "acc", 1), ("acc", "cash", 1), ("gm", "cash", 1)]
    rank = {"gm": 1, "fin": 3, "acc": 5, "cash": 7}
    chart = chart_layout(list(rank), lines, rank=rank, group=dict.fromkeys(rank, "d"))
    assert chart.level == {"gm": 0, "fin": 1, "acc": 2, "cash": 3}
    assert chart.y["gm"] < chart.y["fin"] < chart.y["acc"] < chart.y["cash"]


def test_rank_places_a_top_that_no_line_reaches() -> None:
    # 'parts' has no line up: it sits where rank 3 usually sits (below the gm), its clerk one below
    lines = [("gm", "sales", 1), ("parts", "clerk", 1)]
    rank = {"gm": 1, "sales": 3, "parts": 3, "clerk": 7, "lone": 7}
    chart = chart_layout(list(rank), lines, rank=rank, group=dict.fromkeys(rank, "d"))
    assert chart.level == {"gm": 0, "sales": 1, "parts": 1, "clerk": 2, "lone": 2}


def test_a_cycle_is_broken_against_rank() -> None:
    lines = [("a", "b", 1), ("b", "a", 1)]  # b (rank 5) 'leads' a (rank 3): that line is the one dropped
    chart = chart_layout(["a", "b"], lines, rank={"a": 3, "b": 5}, group={"a": "d", "b": "d"})
    assert chart.back == {("b", "a")} and chart.level == {"a": 0, "b": 1}


def test_crossings_are_counted_and_siblings_reordered() -> None:
    g = nx.DiGraph([("a", "c"), ("b", "d")])
    assert crossings(g, {"a": 0, "b": 1, "c": 1, "d": 0}, {"a": 0, "b": 0, "c": 1, "d": 1}) == 1
    assert crossings(g, {"a": 0, "b": 1, "c": 0, "d": 1}, {"a": 0, "b": 0, "c": 1, "d": 1}) == 0
    # two managers and their staff, one staff member also reporting to the other manager
    lines = [("gm", "m1", 2), ("gm", "m2", 2), ("m1", "s1", 2), ("m1", "s2", 2), ("m2", "s3", 2), ("m2", "s2", 1)]
    rank = {"gm": 1, "m1": 3, "m2": 3, "s1": 7, "s2": 7, "s3": 7}
    chart = chart_layout(list(rank), lines, rank=rank, group=dict.fromkeys(rank, "d"))
    assert chart.crossings == 0
    assert chart.x["s1"] < chart.x["s2"] < chart.x["s3"]  # s2 sits next to m2's staff
    widths = sorted(chart.x[n] for n in ("s1", "s2", "s3"))
    assert all(b - a >= 140 for a, b in zip(widths, widths[1:], strict=False))  # boxes do not overlap


def test_the_split_layout_from_many_stores(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from types import SimpleNamespace

    from graph.outfolder import PAGE_STORES
    from graph.page import SPLIT_FROM, stores_folder

    few, many = SimpleNamespace(organizations=range(SPLIT_FROM - 1)), SimpleNamespace(organizations=range(SPLIT_FROM))
    assert stores_folder(few, tmp_path) is None  # type: ignore[arg-type]
    assert stores_folder(many, tmp_path) == tmp_path / PAGE_STORES  # type: ignore[arg-type]


def test_the_best_score_of_each_pair_of_roles() -> None:
    import numpy as np

    from graph.page import _best_per_pair

    # overlaps between roles 0-1 (twice), 2-0, and one within role 2 (no line)
    a, b = np.array([0, 2, 1, 2, 1]), np.array([1, 0, 0, 2, 2])
    score = np.array([0.6, 0.9, 0.7, 0.8, 0.55])
    found = _best_per_pair(a, b, score, ["x", "y", "z"])
    assert list(found.items()) == [(("x", "y"), 0.7), (("x", "z"), 0.9), (("y", "z"), 0.55)]
    assert _best_per_pair(a[:0], b[:0], score[:0], ["x"]) == {}


def test_the_networks_node_ids_answer_from_a_set_and_stay_pyvis_list(built: BuildResult) -> None:
    from graph.page import _network, _NodeIds, page_data

    ids = _NodeIds()
    ids.append("role:a")
    assert "role:a" in ids and "role:b" not in ids and ids == ["role:a"]
    net = _network(built.model, page_data(built.model))
    # pyvis adds to its list of ids by append alone: the set has every id, the list their order
    assert isinstance(net.node_ids, _NodeIds) and net.node_ids == [n["id"] for n in net.nodes]
    assert net.node_ids.known == set(net.node_ids) and len(net.edges) > len(net.nodes)
