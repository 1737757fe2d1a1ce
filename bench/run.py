"""Benchmark: build synthetic corpora of 1, 10, 100 and 1,000 stores and the bundled corpus.

``python bench/run.py [SIZES…]`` writes bench/results/results.json and prints a table.
Each size runs in a fresh process, so its peak RSS is its own.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / "results"


def run(args: list[str]) -> str:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(args, check=True, capture_output=True, text=True, env=env, cwd=ROOT).stdout


def bundled(runs: int = 7) -> dict[str, object]:
    """``python build.py`` on the bundled corpus, interpreter start included: the median of
    ``runs`` runs, and the fastest and slowest (this machine's speed varies by 15-30 %)."""
    walls: dict[str, object] = {}
    for name, flags in (("build_py_s_no_validate", ["--no-validate"]), ("build_py_s", [])):
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            run([sys.executable, "build.py", "-q", "--out", str(WORK / "out-bundled"), *flags])
            times.append(time.perf_counter() - t)
        walls[name] = round(statistics.median(times), 2)
        walls[name + "_range"] = [round(min(times), 2), round(max(times), 2)]
    reading = run(
        [
            sys.executable,
            "-c",
            (
                "import time; t=time.perf_counter();"
                "from graph.paths import DEFAULT_CORPUS as c, DEFAULT_CORRECTIONS as k;"
                "from graph.source import read_source; from graph.clean import clean_source, load_corrections;"
                "from graph.read.recognise import split_document; t=time.perf_counter();"
                "split_document(clean_source(read_source(c), corrections=load_corrections(k)));"
                "print(round(time.perf_counter()-t, 3))"
            ),
        ]
    )
    return {**walls, "read_clean_split_s": float(reading)}


def main(sizes: list[int]) -> None:
    WORK.mkdir(parents=True, exist_ok=True)
    results: dict[str, object] = {"bundled": bundled(), "sizes": {}}
    for size in sizes:
        corpus = WORK / f"corpus-{size}"
        if not corpus.exists():
            run([sys.executable, "bench/make_corpus.py", str(size), str(corpus)])
        figures = json.loads(
            run([sys.executable, "bench/one.py", str(corpus), str(WORK / f"out-{size}"), "1" if size in (10, 100) else "0"])
        )
        results["sizes"][str(size)] = figures  # type: ignore[index]
        print(f"{size} stores: {figures['build_s']} s, {figures['peak_rss_mb']} MB", file=sys.stderr)
    (WORK / "results.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(table(results))


def table(results: dict) -> str:  # type: ignore[type-arg]
    b = results["bundled"]
    lines = [
        f"bundled corpus: python build.py {b['build_py_s']} s, median of 7 (range {b['build_py_s_range']}; "
        f"{b['build_py_s_no_validate']} s with --no-validate); "
        f"read+clean+split {b['read_clean_split_s']} s",
        "",
        "| stores | posts | duties | triples | triples/doc | build s | peak MB | x pyoxigraph | slowest query s "
        "| slowest listing s | graph load s | recall |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for size, f in results["sizes"].items():
        slowest = max(f["query_s"], key=f["query_s"].get)
        listing = max(f["listing_s"], key=lambda name: f["listing_s"][name]["s"])
        lines.append(
            f"| {size} | {f['posts']} | {f['duties']} | {f['triples']} | {f['triples_per_document']} | {f['build_s']} | "
            f"{f['peak_rss_mb']} | {f['build_over_pyoxigraph']} | {f['query_s'][slowest]} ({slowest}) | "
            f"{f['listing_s'][listing]['s']} ({listing}, {f['listing_s'][listing]['rows']} rows) | "
            f"{f['graph_load_s']} | {f.get('blocking_recall', '—')} |"
        )
    lines += ["", "stages (s): " + "; ".join(f"{size}: {f['stages_s']}" for size, f in results["sizes"].items())]
    last = list(results["sizes"].values())[-1]
    lines += [
        "",
        "queries at the largest size (s, rows): "
        + "; ".join(f"{name} {s} ({last['query_rows'][name]})" for name, s in last["query_s"].items()),
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1, 10, 100, 1000])
