"""Benchmark: rebuild after one store's file changed, against a clean build (issue 16: ≤ 40 %).

``python bench/rebuild.py CORPUS_DIR [--runs N]`` copies the corpus to a scratch folder, then,
each build in a fresh process as a user runs it (``python build.py … --no-validate``):

1. a clean build with an empty cache (its readings and the graph's pieces are kept as it goes);
2. one line added to the first document (a duty at its end), or with ``--change post`` a
   position added to the middle plain-text document;
3. the rebuild with that cache: one document is read again, the rest come from the cache, and
   so do the graph's pieces that did not change;
4. a clean build of the changed corpus with no cache, whose five files (and the page's store
   files, from 500 stores on) must be the same bytes.

It prints the times (the last one's too), the ratio rebuild ÷ clean (of the medians, and run by
run), the documents and pieces the rebuild took from the cache, and whether the outputs are
identical; ``--json FILE`` writes them.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from graph.outfolder import PAGE_STORES  # the page's store files, from 500 stores on

ROOT = Path(__file__).resolve().parent.parent
OUTPUTS = ("org.ttl", "org.jsonld", "org-graph.html", "overlaps.csv")
# the entries of build-report.json that differ between a rebuild and a clean build
CACHE_ENTRIES = ("reading_cache", "piece_cache", "score_cache")


def build(corpus: Path, out: Path, *cache: str) -> float:
    start = time.perf_counter()
    command = [sys.executable, str(ROOT / "build.py"), str(corpus), "--out", str(out), "-q", "--no-validate", *cache]
    subprocess.run(command, check=True, cwd=ROOT)
    return time.perf_counter() - start


# what --change adds: a duty at the end of the first document, or a position at the end of the
# middle plain-text document (its posts and overlaps fall in the graph's middle pieces)
DUTY = "\n9、负责门店新能源车辆充电设施的日常检查与记录。\n"
POST = "\n充电桩管理员岗位职责\n1、负责门店新能源车辆充电设施的日常检查与记录。\n2、负责充电设施故障的报修与跟进。\n"


def change_one(corpus: Path, what: str = "duty") -> Path:
    """Add a duty or a position to one document: a change its reading must see."""
    files = sorted(p for p in corpus.rglob("*") if p.is_file())
    texts = [p for p in files if p.suffix == ".txt"]
    target = files[0] if what == "duty" else texts[len(texts) // 2]
    with target.open("a", encoding="utf-8") as f:
        f.write(DUTY if what == "duty" else POST)
    return target


def counts(out: Path) -> list[int]:
    """(posts, duties) of a build: the change must show in them."""
    found = json.loads((out / "build-report.json").read_text(encoding="utf-8"))["counts"]
    return [found["posts"], found["duties"]]


def same_outputs(a: Path, b: Path) -> bool:
    files = all(filecmp.cmp(a / name, b / name, shallow=False) for name in OUTPUTS)
    files = files and same_folders(a / PAGE_STORES, b / PAGE_STORES)
    reports = [json.loads((folder / "build-report.json").read_text(encoding="utf-8")) for folder in (a, b)]
    for report in reports:
        for entry in CACHE_ENTRIES:
            report.pop(entry)
    return files and reports[0] == reports[1]


def same_folders(a: Path, b: Path) -> bool:
    """Whether two folders (the page's store files) hold the same names and bytes; both absent is alike."""
    names = [sorted(p.relative_to(folder) for p in folder.rglob("*")) if folder.is_dir() else [] for folder in (a, b)]
    if names[0] != names[1]:
        return False
    return all(filecmp.cmp(a / name, b / name, shallow=False) for name in names[0] if (a / name).is_file())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--runs", type=int, default=1, help="repeat the clean build and the rebuild (median)")
    parser.add_argument("--change", choices=("duty", "post"), default="duty", help="what is added to one document")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="rolegraph-rebuild-") as scratch:
        work = Path(scratch)
        corpus = work / "corpus"
        shutil.copytree(args.corpus, corpus)
        cleans, rebuilds = [], []
        for run in range(args.runs):
            cache = work / f"cache-{run}"
            cleans.append(build(corpus, work / "out", "--cache", str(cache)))
            before = counts(work / "out")
            changed = change_one(corpus, args.change)
            rebuilds.append(build(corpus, work / "out", "--cache", str(cache)))
        fresh = build(corpus, work / "fresh", "--no-cache")
        report = json.loads((work / "out" / "build-report.json").read_text(encoding="utf-8"))
        figures = {
            "corpus": str(args.corpus),
            "documents": report["reading_cache"]["documents"],
            "from_cache": report["reading_cache"]["from_cache"],
            "pieces": report["piece_cache"]["pieces"],
            "pieces_from_cache": report["piece_cache"]["from_cache"],
            "changed": f"{args.change} added to {changed.name}",
            "posts_duties_before": before,
            "posts_duties_after": counts(work / "out"),
            "clean_s": round(statistics.median(cleans), 2),
            "clean_no_cache_s": round(fresh, 2),
            "rebuild_s": round(statistics.median(rebuilds), 2),
            "ratio": round(statistics.median(rebuilds) / statistics.median(cleans), 2),
            # each rebuild against the clean build just before it: this machine's speed drifts
            # by more than a quarter within an hour, and a pair minutes apart drifts least
            "ratios_by_run": [round(r / c, 2) for r, c in zip(rebuilds, cleans, strict=True)],
            "clean_s_by_run": [round(c, 2) for c in cleans],
            "rebuild_s_by_run": [round(r, 2) for r in rebuilds],
            "identical_to_clean_build": same_outputs(work / "out", work / "fresh"),
        }
    print(json.dumps(figures, ensure_ascii=False, indent=2))
    if args.json:
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
