"""The overlap threshold is the F1-best one on the hand-labelled pairs in tests/data/."""

from __future__ import annotations

import csv
from pathlib import Path

from graph.overlaps import DEFAULT_THRESHOLD, duty_similarity

LABELS = Path(__file__).parent / "data" / "overlap-labels.tsv"


def _labelled() -> list[tuple[float, bool]]:
    rows = [
        r for r in csv.reader(LABELS.read_text(encoding="utf-8").splitlines(), delimiter="\t") if r and not r[0].startswith("#")
    ]
    assert rows[0] == ["line_a", "line_b", "same", "duty_a", "duty_b"]
    return [(duty_similarity(r[3], r[4]), r[2] == "1") for r in rows[1:]]


def precision_recall(scored: list[tuple[float, bool]], threshold: float) -> tuple[float, float]:
    tp = sum(1 for s, same in scored if s >= threshold and same)
    fp = sum(1 for s, same in scored if s >= threshold and not same)
    fn = sum(1 for s, same in scored if s < threshold and same)
    return tp / (tp + fp), tp / (tp + fn)


def test_labels_are_a_real_sample() -> None:
    scored = _labelled()
    assert len(scored) == 150
    assert 40 <= sum(1 for _, same in scored if not same) <= 80  # both classes well represented


def test_default_threshold_is_f1_best_and_good_enough() -> None:
    scored = _labelled()

    def f1(t: float) -> float:
        p, r = precision_recall(scored, t)
        return 2 * p * r / (p + r)

    grid = [round(0.20 + 0.02 * i, 2) for i in range(40)]
    best = max(grid, key=lambda t: (f1(t), -t))
    assert abs(f1(DEFAULT_THRESHOLD) - f1(best)) < 1e-9, (best, f1(best))
    precision, recall = precision_recall(scored, DEFAULT_THRESHOLD)
    assert precision >= 0.80 and recall >= 0.85, (precision, recall)


def test_similarity_is_symmetric_and_bounded() -> None:
    a, b = "负责定期对配件部进行盘点,确保帐、卡、物一致。", "负责配件的收发管理,及库存件的定期盘点并记录,确保帐、卡、物一致。"
    assert duty_similarity(a, b) == duty_similarity(b, a)
    assert 0 <= duty_similarity(a, "完全不同的一句话") < duty_similarity(a, b) <= duty_similarity(a, a) == 1.0
