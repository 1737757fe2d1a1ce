"""The benchmark's verdicts: bench/run.py flags a stage that grows faster than the corpus, and
bench/shapes.py reports the ratios the issue sets targets for."""

from __future__ import annotations

import random
from pathlib import Path

from bench.make_corpus import damage
from bench.run import fastest, ratio_lines, ratios
from bench.shapes import summary, write_line, write_tiny


def figures(size: int, build_s: float, **stages: float) -> dict[str, object]:
    counts = {"posts": size, "duties": 9 * size, "overlaps": size * size, "triples": 100 * size}
    return {"build_s": build_s, "stages_s": stages, **counts}


def test_a_size_built_twice_counts_its_least_times_stage_by_stage() -> None:
    slow_read, slow_emit = figures(100, 50.0, read=1.2, emit=18.0), figures(100, 45.0, read=1.0, emit=20.0)
    found = fastest([slow_read, slow_emit])
    assert found["build_s"] == 45.0 and found["stages_s"] == {"read": 1.0, "emit": 18.0}
    assert found["runs"] == 2 and found["build_s_by_run"] == [50.0, 45.0] and found["overlaps"] == 100 * 100
    assert fastest([slow_read])["stages_s"] == {"read": 1.2, "emit": 18.0}


def test_a_stage_growing_faster_than_the_corpus_is_flagged() -> None:
    found = ratios(
        {
            "100": figures(100, 10.0, read=1.0, relate=2.0, emit=0.01),
            "10": figures(10, 1.0, read=0.1, relate=0.1, emit=0.0001),
            "1000": figures(1000, 130.0, read=10.0, relate=200.0, emit=0.4),
        }
    )
    assert found["sizes"] == [100, 1000] and found["limit"] == 12.0
    stages = found["stages"]
    assert isinstance(stages, dict)
    assert stages["read"] == {"small_s": 1.0, "large_s": 10.0, "ratio": 10.0, "flagged": False}
    assert stages["relate"]["flagged"] and stages["relate"]["ratio"] == 100.0
    assert not stages["emit"]["flagged"]  # × 40, but 0.4 s: too short to tell from noise
    assert stages["build"]["flagged"]  # × 13
    outputs = found["outputs"]
    assert isinstance(outputs, dict)
    assert outputs["overlaps"]["flagged"] and outputs["overlaps"]["per_duty_ratio"] == 10.0  # n² pairs: × 10 per duty
    assert not outputs["triples"]["flagged"] and not outputs["duties"]["flagged"]
    assert "FLAGGED: relate, build, overlaps (count)" in ratio_lines(found)


def test_damage_drops_one_character_in_about_one_line_of_ten() -> None:
    lines = [f"第{i}行負(fù)責(zé)工作" for i in range(2000)]
    damaged = damage(lines, random.Random(1))
    changed = [(a, b) for a, b in zip(lines, damaged, strict=True) if a != b]
    assert 150 < len(changed) < 250
    assert all(len(b) == len(a) - 1 for a, b in changed)
    assert damage(lines, random.Random(1)) == damaged


def test_shape_inputs_and_summary(tmp_path: Path) -> None:
    write_tiny(tmp_path, 30, 7)
    text = (tmp_path / "tiny-30.txt").read_text(encoding="utf-8")
    assert text.count("巡检员岗位职责\n") == 30 and "第30区巡检员岗位职责" in text
    write_line(tmp_path, 20, 7)
    long = (tmp_path / "line-20kb.txt").read_text(encoding="utf-8").split("\n")
    assert len(long) == 4 and 20_000 <= len(long[2].encode("utf-8")) < 20_100
    found = summary(
        {
            "copies-24": {"build_s": 2.0},
            "copies-240": {"build_s": 30.0},
            "line-1mb": {"build_s": 3.0, "input_chars": 300_000},
            "tiny-10000": {"over": "over 300 s"},
        }
    )
    assert found == {
        "copies_ratio": {"sizes": [24, 240], "ratio": 15.0, "target": 10, "at_least": False},
        "line-1mb_us_per_char": 10.0,
    }
    killed = summary({"copies-24": {"build_s": 2.0}, "copies-240": {"over": "over 300 s", "wall_s": 300.5}})
    assert killed["copies_ratio"] == {"sizes": [24, 240], "ratio": 150.2, "target": 10, "at_least": True}
