"""The duties' texts are compared while relate makes the posts (issue 16: every core used): the
pairs found from the documents are the pairs found from the posts, and pairs found for other
texts, or at another threshold, are not used."""

from __future__ import annotations

import os
from pathlib import Path

from pytest import MonkeyPatch

from graph import overlaps, pipeline, workers
from graph.clean import clean_source
from graph.model import Duty, Post
from graph.outfolder import OUTPUT_FILES
from graph.overlaps import DEFAULT_THRESHOLD, TextPairs, find_overlaps, text_pairs
from graph.pack import load_packs
from graph.pipeline import BuildOptions, build
from graph.read.recognise import split_document
from graph.read.source import read_source
from graph.relate import duty_labels, relate

# Traditional script (labels are Simplified), a catch-all duty (boilerplate: compared with none),
# a position with no name (its role is inferred) and texts that differ by a character
STORE = (
    "{name}門店崗位職責\n"
    "出納崗位職責\n1、登記現金日記賬。\n2、保管門店的印章。\n3、完成領導交辦的其他工作。\n"
    "會計崗位職責\n1、審核原始憑證。\n2、編制月度財務報表。\n"
    "門店各崗位職責\n1、登記現金日記帳。\n2、審核原始凭证。\n"
)


def _post(org: int, index: int, role: str, *labels: str) -> Post:
    post_id = f"post/s{org}/1/{index}"
    duties = tuple(Duty(f"duty/s{org}/1/{index}/{n}", post_id, n, f"{n}.", t, t, index) for n, t in enumerate(labels, 1))
    return Post(post_id, f"s{org}", f"org/s{org}/1", index, role, role, role, "finance", index, duties)


def test_labels_of_the_documents_are_the_labels_of_the_posts_relate_makes(tmp_path: Path) -> None:
    path = tmp_path / "north.txt"
    path.write_text(STORE.format(name="北區"), encoding="utf-8")
    document = split_document(clean_source(read_source(path)))
    model = relate([document], load_packs())
    labels = duty_labels([document])
    assert "登记现金日记账。" in labels and "完成领导交办的其他工作。" in labels  # Simplified
    assert len(model.posts) == 3 and [p.name_inferred for p in model.posts] == [False, False, True]
    assert labels == {d.label for p in model.posts for d in p.duties}


def test_pairs_found_beforehand_are_used_and_give_the_same_overlaps() -> None:
    posts = [_post(1, 1, "cashier", "登记现金日记账", "保管印章"), _post(1, 2, "accountant", "登记现金日记帐", "编制报表")]
    found = text_pairs([d.label for p in posts for d in p.duties])
    assert find_overlaps(posts, compared=found) == find_overlaps(posts)
    # the two ways of writing 日记账 are the one pair of similar texts: without it, no overlap
    assert [(o.duty_a, o.duty_b) for o in find_overlaps(posts)[0]] == [("duty/s1/1/1/1", "duty/s1/1/2/1")]
    assert find_overlaps(posts, compared=TextPairs(found.texts, found.threshold, [])) == ([], [])


def test_pairs_found_for_other_texts_or_another_threshold_are_not_used() -> None:
    posts = [_post(1, 1, "cashier", "登记现金日记账"), _post(1, 2, "accountant", "登记现金日记帐")]
    wanted = find_overlaps(posts)
    assert len(wanted[0]) == 1
    other = text_pairs(["登记现金日记账", "登记现金日记帐", "编制报表"])
    assert find_overlaps(posts, compared=TextPairs(other.texts, DEFAULT_THRESHOLD, [])) == wanted
    right = text_pairs(["登记现金日记账", "登记现金日记帐"], threshold=0.99)
    assert right.pairs == []  # the two texts score below 0.99
    assert find_overlaps(posts, compared=right) == wanted


def test_a_build_compares_the_texts_in_a_process_of_its_own_and_gives_the_same_files(
    tmp_path: Path, monkeypatch: MonkeyPatch
) -> None:
    corpus = tmp_path / "docs"
    corpus.mkdir()
    for name in ("北區", "南區", "東區"):
        (corpus / f"{name}.txt").write_text(STORE.format(name=name), encoding="utf-8")
    one = build(BuildOptions(sources=(corpus,), out=tmp_path / "one", validate=False, jobs=1))
    compared_in: list[int] = []
    real = overlaps.similar_pairs

    def spy(*args: object, **kwargs: object) -> object:
        compared_in.append(os.getpid())
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(overlaps, "similar_pairs", spy)
    monkeypatch.setattr(pipeline, "PAIRS_ASIDE_DUTIES", 1)  # this small corpus is compared aside too
    monkeypatch.setattr(workers, "available_bytes", lambda: None)  # whatever this machine has free
    two = build(BuildOptions(sources=(corpus,), out=tmp_path / "two", validate=False, jobs=2))
    assert compared_in == []  # not here: the spy's calls in the forked process are its own
    assert one.report["counts"]["posts"] == 9 and len(one.model.overlaps) > 0
    assert {n: (one.out / n).read_bytes() for n in OUTPUT_FILES} == {n: (two.out / n).read_bytes() for n in OUTPUT_FILES}
