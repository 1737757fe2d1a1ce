"""How close unnamed posts' duties came to roles, kept between builds: a rebuild takes the scores
whose text and roles' texts did not change, gives the roles a build without them gives, and
scores again whatever changed; a damaged or unwritable file only costs the scores."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import orjson
import pytest
from pytest import MonkeyPatch

from graph import relate as relate_module
from graph.model import Document, OrgModel
from graph.outfolder import OUTPUT_FILES
from graph.overlaps import comparable
from graph.pack import load_packs
from graph.pipeline import BuildOptions, build
from graph.relate import relate
from graph.score_cache import ScoreCache, scorer_version
from tests.conftest import read_text

# Two named positions, then one under a bare heading: its duties are the sales manager's
# (带领销售团队, 销售指标, 销售计划), so it is inferred to be one.
STORE = """第一篇:北门店岗位职责
销售经理岗位职责
1、制定销售部的月度销售计划。
2、带领销售团队完成销售指标。
销售顾问岗位职责
1、接待到店客户，介绍车型。
2、{consultant}
岗位职责
1、带领销售团队完成月度销售指标。
2、制定销售部的销售计划并跟进。
"""
FOLLOW_UP = "跟进潜在客户，促成成交。"


def _store(tmp_path: Path, consultant: str = FOLLOW_UP) -> Document:
    return read_text(tmp_path, STORE.format(consultant=consultant))


class _Counted:
    """rapidfuzz's cdist, counting the texts it is asked to score."""

    def __init__(self) -> None:
        self.texts = 0
        self.real = relate_module.process.cdist

    def __call__(self, texts: list[str], *args: Any, **kwargs: Any) -> Any:
        self.texts += len(texts)
        return self.real(texts, *args, **kwargs)


def _related(doc: Document, folder: Path | None) -> tuple[OrgModel, ScoreCache | None]:
    scores = ScoreCache(folder) if folder is not None else None
    model = relate([doc], load_packs(), scores=scores)
    if scores is not None:
        scores.save()
    return model, scores


def test_kept_scores_give_the_same_model_without_scoring(tmp_path: Path, monkeypatch: MonkeyPatch) -> None:
    doc = _store(tmp_path)
    plain, _ = _related(doc, None)
    unnamed = [p for p in plain.posts if p.name_inferred]
    assert [(p.role, p.label) for p in unnamed] == [("sales-manager", "销售经理（推断）")]
    first, scores = _related(doc, tmp_path / "scores")
    assert first == plain and scores is not None and not scores.found
    assert (tmp_path / "scores" / f"scores-{scorer_version()}.json").is_file()

    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("scored again although the cache holds the scores")

    monkeypatch.setattr(relate_module.process, "cdist", refuse)
    again, scores = _related(doc, tmp_path / "scores")
    assert again == plain and scores is not None and len(scores.found) == 2  # the two duty texts of the unnamed post


def test_a_role_whose_texts_changed_is_scored_again(tmp_path: Path, monkeypatch: MonkeyPatch) -> None:
    _related(_store(tmp_path), tmp_path / "scores")
    counted = _Counted()
    monkeypatch.setattr(relate_module.process, "cdist", counted)
    changed = _store(tmp_path, consultant="完成每月的销售指标。")  # a text of a role it is compared with
    model, scores = _related(changed, tmp_path / "scores")
    assert scores is not None and not scores.found and counted.texts == 2
    plain, _ = _related(changed, None)
    assert model == plain
    assert len(_related(changed, tmp_path / "scores")[1].found) == 2  # type: ignore[union-attr]


def _damaged(rows: dict[str, list[float]], how: str) -> bytes:
    """The file of ``rows`` damaged one way: cut, emptied, not an object, a row not a list of
    numbers, or each row one score short (well formed, but not what these roles give)."""
    whole = orjson.dumps(rows)
    return {
        "cut": whole[: len(whole) // 2],
        "empty": b"",
        "a list": b"[1.0]",
        "a row of text": orjson.dumps({key: "not a row" for key in rows}),
        "a row of integers": orjson.dumps({key: [1, 2] for key in rows}),
        "rows one short": orjson.dumps({key: row[:-1] for key, row in rows.items()}),
    }[how]


@pytest.mark.parametrize("how", ["cut", "empty", "a list", "a row of text", "a row of integers", "rows one short"])
def test_a_damaged_file_is_scored_afresh(tmp_path: Path, how: str, caplog: pytest.LogCaptureFixture) -> None:
    doc = _store(tmp_path)
    plain, _ = _related(doc, None)
    folder = tmp_path / "scores"
    _related(doc, folder)
    file = folder / f"scores-{scorer_version()}.json"
    rows = orjson.loads(file.read_bytes())
    assert len(rows) == 2  # the unnamed post's two duty texts, against the sales roles
    file.write_bytes(_damaged(rows, how))
    with caplog.at_level(logging.WARNING):
        model, scores = _related(doc, folder)
    assert model == plain and scores is not None and not scores.found
    # a file that does not parse, or not into rows of numbers, is said to be damaged
    assert ("damaged" in caplog.text) == (how != "rows one short")
    assert len(_related(doc, folder)[1].found) == 2  # type: ignore[union-attr]  # written again, whole


def test_a_cache_that_cannot_be_written_gives_the_same_model(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    doc = _store(tmp_path)
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        model, _ = _related(doc, blocked / "scores")
    assert model == _related(doc, None)[0]
    assert "cannot write the role scores" in caplog.text


def test_the_file_holds_the_last_builds_scores_and_other_versions_go(tmp_path: Path) -> None:
    folder = tmp_path / "scores"
    folder.mkdir()
    stale = folder / "scores-0000000000000000.json"
    stale.write_bytes(b"{}")
    _related(_store(tmp_path), folder)
    _related(_store(tmp_path, consultant="完成每月的销售指标。"), folder)
    kept = ScoreCache(folder).kept
    # the second build's two asks alone: the first build's, against the old texts, are gone
    assert len(kept) == 2 and not stale.exists()


def test_a_rebuild_takes_the_scores_and_gives_the_bytes_of_a_clean_build(tmp_path: Path) -> None:
    # the bundled corpus: the seven unnamed positions of 第三篇, whose duty texts are all
    # different, are compared with the sales roles
    cache = tmp_path / "cache"
    first = build(BuildOptions(out=tmp_path / "first", validate=False, cache=cache))
    unnamed = [p for p in first.model.posts if p.name_inferred]
    texts = {comparable(d.label) for p in unnamed for d in p.duties if not d.boilerplate}
    assert len(unnamed) == 7 and len(texts) == sum(len([d for d in p.duties if not d.boilerplate]) for p in unnamed)
    assert first.report["score_cache"] == {"used": len(texts), "from_cache": 0}
    again = build(BuildOptions(out=tmp_path / "again", validate=False, cache=cache))
    assert again.report["score_cache"] == {"used": len(texts), "from_cache": len(texts)}
    clean = build(BuildOptions(out=tmp_path / "clean", validate=False, cache=None))
    assert clean.report["score_cache"] == {"used": 0, "from_cache": 0}
    for name in OUTPUT_FILES:
        if name != "build-report.json":
            assert (again.out / name).read_bytes() == (clean.out / name).read_bytes(), name
    assert {k: v for k, v in again.report.items() if not k.endswith("_cache")} == {
        k: v for k, v in clean.report.items() if not k.endswith("_cache")
    }
