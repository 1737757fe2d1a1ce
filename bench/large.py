"""Benchmark: the largest corpus, built as a user would, watched from outside.

``python bench/large.py [STORES] [--jobs N] [--limit-gb G]`` generates STORES synthetic stores
(default 10,000) with bench/make_corpus.py, runs ``rolegraph build --no-validate --no-cache`` on
them, then ``rolegraph shards`` on its graph, and writes bench/results/large-STORES.json.

Memory is sampled from /proc every second over the whole process tree (the build and its
workers): the largest resident set of one process, and the tree's proportional set size (PSS:
pages shared by forked workers counted once), which is what the machine really holds. If the
tree's PSS passes ``--limit-gb``, the tree is killed and the run reported as stopped there, so
the benchmark cannot take the machine down with it.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / "results"
SAMPLE_S = 1.0


@dataclass
class Watch:
    """The peaks of a process tree's memory, sampled until the root ends."""

    root: int
    limit_kb: int
    peak_pss_kb: int = 0
    peak_rss_kb: int = 0
    peak_processes: int = 0
    killed: bool = False
    samples: list[tuple[float, int]] = field(default_factory=list)  # (seconds, tree PSS kB)


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(c) for c in f.read().split()]
    except OSError:
        return []


def _tree(root: int) -> list[int]:
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(_children(pid))
    return found


def _memory_kb(pid: int) -> tuple[int, int]:
    """(PSS, RSS) of one process, in kB; (0, 0) once it has gone."""
    pss = rss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    pss = int(line.split()[1])
                elif line.startswith("Rss:"):
                    rss = int(line.split()[1])
    except OSError:
        pass
    return pss, rss


def watch(process: subprocess.Popen[bytes], found: Watch) -> None:
    start = time.perf_counter()
    while process.poll() is None:
        pids = _tree(process.pid)
        memory = [_memory_kb(pid) for pid in pids]
        pss = sum(p for p, _ in memory)
        found.peak_pss_kb = max(found.peak_pss_kb, pss)
        found.peak_rss_kb = max([found.peak_rss_kb, *(r for _, r in memory)])
        found.peak_processes = max(found.peak_processes, len(pids))
        found.samples.append((round(time.perf_counter() - start, 1), pss))
        if pss > found.limit_kb:
            found.killed = True
            for pid in reversed(pids):
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            return
        time.sleep(SAMPLE_S)


def by_minute(samples: list[tuple[float, int]]) -> list[int]:
    """The first sample at or past each whole minute of the run (0, 60, 120 s …), up to the
    last sample's. A sample of a tree of gigabytes takes more than its second (reading each
    process's smaps_rollup), so taking the samples that fell in a minute's first second missed
    minutes: a 348 s run gave three of its six."""
    if not samples:
        return []
    minutes = int(samples[-1][0] // 60) + 1
    found, at = [], 0
    for minute in range(minutes):
        while samples[at][0] < minute * 60:
            at += 1
        found.append(samples[at][1])
    return found


def timed(args: list[str], limit_gb: float) -> tuple[float, Watch, int]:
    """Run a command, watching its tree: (wall seconds, the watch, exit code)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    start = time.perf_counter()
    process = subprocess.Popen(args, cwd=ROOT, env=env)
    found = Watch(process.pid, int(limit_gb * 1024 * 1024))
    watcher = threading.Thread(target=watch, args=(process, found))
    watcher.start()
    code = process.wait()
    watcher.join()
    return time.perf_counter() - start, found, code


def rolegraph(*args: str) -> list[str]:
    return [sys.executable, "-c", "from graph.cli import run; run()", *args]


def main(stores: int, jobs: int | None, limit_gb: float, seed: int = 7) -> dict[str, object]:
    corpus = WORK / f"corpus-{stores}-s{seed}"
    out = WORK / f"out-{stores}"
    shards = WORK / f"shards-{stores}"
    if not corpus.exists():
        subprocess.run(
            [sys.executable, "bench/make_corpus.py", str(stores), str(corpus), "--seed", str(seed)], check=True, cwd=ROOT
        )
    build = ["build", str(corpus), "--out", str(out), "--no-validate", "--no-cache", "-q"]
    build += ["--jobs", str(jobs)] if jobs else []
    seconds, found, code = timed(rolegraph(*build), limit_gb)
    figures: dict[str, object] = {
        "stores": stores,
        "jobs": jobs or os.cpu_count(),
        "corpus_mb": round(sum(p.stat().st_size for p in corpus.rglob("*") if p.is_file()) / 1e6, 1),
        "build_s": round(seconds, 1),
        "exit_code": code,
        "killed_at_limit_gb": limit_gb if found.killed else None,
        "peak_tree_pss_mb": round(found.peak_pss_kb / 1024),
        "peak_process_rss_mb": round(found.peak_rss_kb / 1024),
        "processes": found.peak_processes,
        "tree_pss_mb_by_minute": [round(kb / 1024) for kb in by_minute(found.samples)],
    }
    if code == 0:
        report = json.loads((out / "build-report.json").read_text(encoding="utf-8"))
        figures["counts"] = {k: report["counts"][k] for k in ("organizations", "posts", "duties", "overlaps", "triples")}
        figures["files_mb"] = {p.name: round(p.stat().st_size / 1e6, 1) for p in sorted(out.iterdir()) if p.is_file()}
        seconds, found, code = timed(rolegraph("shards", str(out / "org.ttl"), "--out", str(shards)), limit_gb)
        # a failed run leaves the folder of the run before, which is not this run's figures
        sizes = sorted(p.stat().st_size for p in shards.glob("*.nq")) if code == 0 else []
        figures["shards"] = {
            "s": round(seconds, 1),
            "exit_code": code,
            "peak_tree_pss_mb": round(found.peak_pss_kb / 1024),
            "files": len(sizes),
            "total_mb": round(sum(sizes) / 1e6, 1),
            "smallest_mb": round(sizes[0] / 1e6, 1) if sizes else None,
            "largest_mb": round(sizes[-1] / 1e6, 1) if sizes else None,
        }
    (WORK / f"large-{stores}.json").write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(figures, indent=2, ensure_ascii=False))
    return figures


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stores", type=int, nargs="?", default=10_000)
    parser.add_argument("--jobs", type=int, default=None, help="--jobs of the build (default: the cores available)")
    parser.add_argument("--limit-gb", type=float, default=21.0, help="kill the build when its tree holds more than this")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    main(args.stores, args.jobs, args.limit_gb, args.seed)
