"""The benchmark's generator (bench/make_corpus.py): deterministic for a seed, and every layout it
writes is read by the reader into posts with duties, as many as it wrote where the layout is plain."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest

from bench.make_corpus import LAYOUTS, Written, generate
from graph.model import Post
from graph.pipeline import BuildOptions, build


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    first = generate(12, tmp_path / "a", seed=3)
    second = generate(12, tmp_path / "b", seed=3)
    assert files(tmp_path / "a") == files(tmp_path / "b")
    assert first == second
    generate(12, tmp_path / "c", seed=4)
    assert files(tmp_path / "a") != files(tmp_path / "c")
    # a smaller corpus is the start of a larger one: 100 stores are the first tenth of 1,000
    generate(5, tmp_path / "d", seed=3)
    assert files(tmp_path / "d") == {name: data for name, data in files(tmp_path / "a").items() if name in files(tmp_path / "d")}
    assert len(files(tmp_path / "d")) == 5


def test_classic_same_seed_same_bytes(tmp_path: Path) -> None:
    generate(5, tmp_path / "a", seed=3, classic=True)
    generate(5, tmp_path / "b", seed=3, classic=True)
    assert files(tmp_path / "a") == files(tmp_path / "b")
    assert sorted(files(tmp_path / "a")) == [f"store-{i:04d}.txt" for i in range(1, 6)]


def test_default_mix_has_every_layout(tmp_path: Path) -> None:
    written = generate(60, tmp_path / "a", seed=7)
    assert {w.layout for w in written} == {name for name, _ in LAYOUTS}
    assert {w.industry for w in written} == {"dealership", "hospital", "restaurant"}
    assert any(name == "" for w in written for name, _ in w.posts)  # unnamed positions
    text = "".join(p.read_text(encoding="utf-8") for p in sorted((tmp_path / "a").iterdir()))
    for mark in ("岗位名称", "所属部门", "直接上级", "\n## ", "\n- ", "Job title:", "Reports to:", "Responsibilities:"):
        assert mark in text, mark
    assert re.search(r"^(?:【\S+】|第[一二三四五六七八九十]+部分 \S+)$", text, re.M)  # department headings
    assert "(zé)" in text and re.search(r"\((?:zé|fù|wù)(?!\))|(?<!\()(?:zé|fù|wù)\)", text)  # glosses, some broken


@pytest.fixture(scope="module")
def read_back(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Written], dict[str, list[Post]]]:
    """Two documents of each layout, written and built."""
    root = tmp_path_factory.mktemp("generated")
    written: list[Written] = []
    for i, (layout, _) in enumerate(LAYOUTS):
        folder = root / "src" / layout
        written += [
            Written(f"{layout}/{w.file}", w.layout, w.industry, w.posts)
            for w in generate(2, folder, seed=11 + i, layouts=(layout,))
        ]
    result = build(BuildOptions(sources=(root / "src",), out=root / "out", validate=False))
    by_source: dict[str, list[Post]] = defaultdict(list)
    for post in result.model.posts:
        by_source[post.source].append(post)
    return written, by_source


def posts_of(w: Written, by_source: dict[str, list[Post]]) -> list[Post]:
    slug = w.file.rsplit(".", 1)[0].replace("/", "-")  # the build names a source by its path: genre-store-0001
    assert slug in by_source, (w.file, sorted(by_source))
    return by_source[slug]


@pytest.mark.parametrize("layout", ["form", "markdown", "english"])
def test_plain_layouts_read_as_written(read_back: tuple[list[Written], dict[str, list[Post]]], layout: str) -> None:
    written, by_source = read_back
    for w in (w for w in written if w.layout == layout):
        posts = posts_of(w, by_source)
        assert [len(p.duties) for p in posts] == [n for _, n in w.posts], w.file
        if layout != "form":  # the reader does not yet take a form's name from its 岗位名称 line
            assert [p.name_written for p in posts] == [name for name, _ in w.posts], w.file


@pytest.mark.parametrize("layout", ["genre", "genre-other"])
def test_genre_layouts_read_with_duties(read_back: tuple[list[Written], dict[str, list[Post]]], layout: str) -> None:
    """Damage and unnamed headings may join a post to the one before: most posts, nearly every duty."""
    written, by_source = read_back
    for w in (w for w in written if w.layout == layout):
        posts = posts_of(w, by_source)
        assert posts and all(p.duties for p in posts), w.file
        wrote = sum(n for _, n in w.posts)
        read = sum(len(p.duties) for p in posts)
        assert 0.9 * wrote <= read <= 1.1 * wrote, (w.file, wrote, read)
        assert len(posts) >= 0.8 * len(w.posts), (w.file, len(w.posts), len(posts))
        # the title ('湖畔酒家第3店岗位职责', '…第3分院各岗位职责') names the organization, no post
        assert not [p.name_written for p in posts if re.search(r"第\d+(?:店|分院)", p.name_written or "")], w.file


def test_agreement_counts_what_was_written(tmp_path: Path) -> None:
    """bench/agreement.py: its rows add up to what the generator wrote, and a plain layout
    (field forms: no damage) is read exactly as written."""
    from bench.agreement import agreement, format_table

    written = generate(6, tmp_path / "forms", seed=5, layouts=("form",))
    rows = agreement(tmp_path / "forms", written)
    assert sum(r.documents for r in rows.values()) == 6
    assert sum(r.written for r in rows.values()) == sum(len(w.posts) for w in written)
    assert all(r.exact == r.documents == r.same_count and r.found == r.written for r in rows.values())
    table = format_table(rows)
    total, duties = sum(len(w.posts) for w in written), sum(n for w in written for _, n in w.posts)
    assert f"| TOTAL |  | 6 | {total:,} | {total:,} | {duties:,} | {duties:,} | 6 | 6 |" in table


def test_agreement_lists_a_refused_document_with_its_reason(tmp_path: Path) -> None:
    from bench.agreement import compare, format_table

    (tmp_path / "empty.txt").write_text("这里没有岗位。\n", encoding="utf-8")
    row = compare(tmp_path, Written("empty.txt", "genre", "dealership", [("出纳岗位职责", 2)]))
    assert (row.documents, row.written, row.found, row.duties_written, row.duties_found) == (1, 1, 0, 2, 0)
    assert len(row.refused) == 1 and "no position found" in row.refused[0]
    assert "1 documents refused by the reader:" in format_table({("genre", "dealership"): row})
