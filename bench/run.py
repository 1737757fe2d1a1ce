"""Benchmark: build synthetic corpora of 1, 10, 100 and 1,000 stores and the bundled corpus.

``python bench/run.py [SIZES…] [--classic] [--seed S] [--bundled-runs N]`` writes
bench/results/results.json and prints a table. Each size runs in a fresh process, so its peak RSS
is its own. The corpora come from bench/make_corpus.py: by default its documents of every layout
(``--classic``: the genre stores alone, as the figures before issue 16 were made).

Then, per stage, the ratio of its time at the two largest sizes (1,000 ÷ 100 stores by default):
a stage that grows linearly has about the ratio of the sizes (10); a stage whose ratio exceeds
``RATIO_SLACK`` times that (12) is FLAGGED, unless it takes under ``RATIO_FLOOR_S`` at the larger
size (too short to tell from noise).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / "results"
RATIO_SLACK = 1.2  # a stage may grow 20 % faster than the corpus before it is flagged
RATIO_FLOOR_S = 0.5  # below this at the larger size, a stage's ratio is noise


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
                "from graph.read.source import read_source; from graph.clean import clean_source, load_corrections;"
                "from graph.read.recognise import split_document; t=time.perf_counter();"
                "split_document(clean_source(read_source(c), corrections=load_corrections(k)));"
                "print(round(time.perf_counter()-t, 3))"
            ),
        ]
    )
    return {**walls, "read_clean_split_s": float(reading), "runs": runs}


def main(sizes: list[int], classic: bool = False, seed: int = 7, bundled_runs: int = 7, repeat: int = 1) -> None:
    WORK.mkdir(parents=True, exist_ok=True)
    results: dict[str, object] = {"bundled": bundled(bundled_runs) if bundled_runs else {}, "sizes": {}}
    results["generator"] = {"classic": classic, "seed": seed, "repeat": repeat}
    runs: dict[int, list[dict[str, Any]]] = {}
    for _ in range(repeat):  # the sizes in turn, so that a slower spell of the machine falls on all of them
        for size in sizes:
            corpus = WORK / f"corpus-{size}{'-classic' if classic else ''}-s{seed}"
            if not corpus.exists():
                run(
                    [
                        sys.executable,
                        "bench/make_corpus.py",
                        str(size),
                        str(corpus),
                        "--seed",
                        str(seed),
                        *(["--classic"] * classic),
                    ]
                )
            figures = json.loads(
                run([sys.executable, "bench/one.py", str(corpus), str(WORK / f"out-{size}"), "1" if size in (10, 100) else "0"])
            )
            runs.setdefault(size, []).append(figures)
            print(f"{size} stores: {figures['build_s']} s, {figures['peak_rss_mb']} MB", file=sys.stderr)
    for size in sizes:
        results["sizes"][str(size)] = fastest(runs[size])  # type: ignore[index]
    results["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]  # others' work on this machine: noise
    if len(sizes) > 1:
        results["ratios"] = ratios(results["sizes"])  # type: ignore[arg-type]
    (WORK / "results.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(table(results))


def fastest(figures: list[dict[str, Any]]) -> dict[str, Any]:
    """One size's figures over its runs: the first run's, with the build's time and each stage's
    the least of the runs (this machine's speed drifts by more than a stage's changes: one size
    built in a slower spell made the stages look as if they grew faster than the corpus)."""
    found = {**figures[0], "runs": len(figures), "build_s_by_run": [f["build_s"] for f in figures]}
    found["build_s"] = min(f["build_s"] for f in figures)
    found["stages_s"] = {stage: min(f["stages_s"][stage] for f in figures) for stage in figures[0]["stages_s"]}
    return found


def ratios(by_size: dict[str, dict[str, object]]) -> dict[str, object]:
    """Each stage's time at the largest size over its time at the next largest, and the flags."""
    (small, low), (large, high) = sorted(by_size.items(), key=lambda item: int(item[0]))[-2:]
    limit = RATIO_SLACK * int(large) / int(small)
    stages_low: dict[str, float] = {**low["stages_s"], "build": low["build_s"]}  # type: ignore[dict-item]
    stages_high: dict[str, float] = {**high["stages_s"], "build": high["build_s"]}  # type: ignore[dict-item]
    stages: dict[str, dict[str, object]] = {}
    for stage, seconds in stages_high.items():
        before = stages_low.get(stage, 0.0)
        ratio = round(seconds / before, 1) if before > 0 else None
        flagged = ratio is not None and ratio > limit and seconds >= RATIO_FLOOR_S
        stages[stage] = {"small_s": before, "large_s": seconds, "ratio": ratio, "flagged": flagged}
    # the output too should grow as the input: overlaps and triples per duty read, flagged when
    # they grow by more than the slack (the first stores of a corpus are not quite its average mix)
    outputs: dict[str, dict[str, object]] = {}
    duties = int(low["duties"]) or 1, int(high["duties"]) or 1  # type: ignore[call-overload]
    for count in ("posts", "duties", "overlaps", "triples"):
        before, after = int(low[count]), int(high[count])  # type: ignore[call-overload]
        ratio = round(after / before, 1) if before else None
        per_duty = round((after / duties[1]) / (before / duties[0]), 2) if before and count in ("overlaps", "triples") else None
        flagged = per_duty is not None and per_duty > RATIO_SLACK
        outputs[count] = {"small": before, "large": after, "ratio": ratio, "per_duty_ratio": per_duty, "flagged": flagged}
    return {
        "sizes": [int(small), int(large)],
        "limit": round(limit, 1),
        "floor_s": RATIO_FLOOR_S,
        "stages": stages,
        "outputs": outputs,
    }


def ratio_lines(found: dict) -> list[str]:  # type: ignore[type-arg]
    small, large = found["sizes"]
    lines = [
        "",
        f"stage time ratio {large} ÷ {small} stores (sizes ×{large / small:g}; flagged above ×{found['limit']}, "
        f"when the stage takes ≥ {found['floor_s']} s at {large}):",
        "",
        f"| stage | {small} s | {large} s | ratio | |",
        "|---|---|---|---|---|",
    ]
    for stage, f in found["stages"].items():
        ratio = "—" if f["ratio"] is None else f"×{f['ratio']}"
        mark = "FLAG" if f["flagged"] else ("(too short)" if f["large_s"] < found["floor_s"] else "")
        lines.append(f"| {stage} | {f['small_s']} | {f['large_s']} | {ratio} | {mark} |")
    for count, f in found.get("outputs", {}).items():
        ratio = "—" if f["ratio"] is None else f"×{f['ratio']}"
        per_duty = "" if f["per_duty_ratio"] is None else f"×{f['per_duty_ratio']} per duty"
        mark = f"{per_duty} {'FLAG' if f['flagged'] else ''}".strip()
        lines.append(f"| {count} (count) | {f['small']} | {f['large']} | {ratio} | {mark} |")
    flagged = [stage for stage, f in found["stages"].items() if f["flagged"]]
    flagged += [f"{count} (count)" for count, f in found.get("outputs", {}).items() if f["flagged"]]
    lines += ["", f"FLAGGED: {', '.join(flagged)}" if flagged else "no stage flagged"]
    return lines


def table(results: dict) -> str:  # type: ignore[type-arg]
    b = results["bundled"]
    lines = (
        [
            f"bundled corpus: python build.py {b['build_py_s']} s, median of {b['runs']} (range {b['build_py_s_range']}; "
            f"{b['build_py_s_no_validate']} s with --no-validate); "
            f"read+clean+split {b['read_clean_split_s']} s",
            "",
        ]
        if b
        else []
    )
    generator = results.get("generator", {})
    lines += [
        f"generator: {'classic (genre stores only)' if generator.get('classic') else 'every layout'}, "
        f"seed {generator.get('seed')}",
        "",
    ]
    lines += [
        "| stores | posts | duties | overlaps | triples | triples/doc | build s | peak MB | x pyoxigraph | slowest query s "
        "| slowest listing s | graph load s | recall |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for size, f in results["sizes"].items():
        slowest = max(f["query_s"], key=f["query_s"].get)
        listing = max(f["listing_s"], key=lambda name: f["listing_s"][name]["s"])
        lines.append(
            f"| {size} | {f['posts']} | {f['duties']} | {f['overlaps']} | {f['triples']} | {f['triples_per_document']} | "
            f"{f['build_s']} | "
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
    if "ratios" in results:
        lines += ratio_lines(results["ratios"])
    return "\n".join(lines)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", type=int, nargs="*", default=[1, 10, 100, 1000])
    parser.add_argument("--classic", action="store_true", help="the generator's old output (genre stores only)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--bundled-runs", type=int, default=7, help="runs of python build.py (0: skip)")
    parser.add_argument("--repeat", type=int, default=1, help="builds of each size, in turn; the least times count")
    args = parser.parse_args()
    main(args.sizes, args.classic, args.seed, args.bundled_runs, max(1, args.repeat))
