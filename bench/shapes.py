"""Benchmark of corpora shaped unlike the generated stores (issue 16), each built in a fresh process.

``python bench/shapes.py [--damaged N…] [--copies N…] [--tiny N…] [--line-mb M…] [--timeout S] [--max-rss-gb G]``

- ``damaged-N``: N copies of the bundled corpus, one file each, a character dropped in about one
  line of ten (so some ``(zé)`` glosses break and some names vary);
- ``copies-N``: the bundled corpus copied N times into one file (target: 240 copies ≤ 10 × 24);
- ``tiny-N``: N tiny positions with near-identical duties in one document;
- ``line-M``: one document whose one duty is a line of M MB (the time per character should stay flat).

Each case runs in a process of its own (time, peak RSS of the build and of its largest worker);
a case past ``--timeout`` seconds or ``--max-rss-gb`` is killed and reported as "over". Inputs
are kept in bench/results/shapes/ (deterministic for a seed), outputs removed after each case;
the figures go to bench/results/shapes.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script: bench.* importable

from bench.make_corpus import damage
from graph.paths import DEFAULT_CORPUS

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / "results"
SHAPES = WORK / "shapes"
POLL_S = 0.25


# --- inputs ---------------------------------------------------------------------------------


def bundled_text() -> str:
    return DEFAULT_CORPUS.read_text(encoding="utf-8")


def write_damaged(folder: Path, count: int, seed: int) -> None:
    lines = bundled_text().split("\n")
    for i in range(1, count + 1):
        text = "\n".join(damage(lines, random.Random(seed * 100_003 + i)))
        (folder / f"copy-{i:04d}.txt").write_text(text, encoding="utf-8")


def write_copies(folder: Path, count: int, seed: int) -> None:
    text = bundled_text().rstrip("\n") + "\n"
    (folder / f"copies-{count}.txt").write_text(text * count, encoding="utf-8")


TINY_TASKS = ["完成领导交办的其他任务。", "做好本区域设备台账的登记。", "做好本区域的交接班记录。", "保持本区域环境整洁。"]


def write_tiny(folder: Path, count: int, seed: int) -> None:
    """``count`` positions of two duties each, the first differing only by the area's number."""
    rng = random.Random(seed)
    lines = ["某物业公司各岗位职责"]
    for i in range(1, count + 1):
        lines += [f"第{i}区巡检员岗位职责", f"1、负责第{i}区的日常巡查，发现问题及时上报。", f"2、{rng.choice(TINY_TASKS)}"]
    (folder / f"tiny-{count}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


LONG_CLAUSES = ["负责检查本区域的设备运行情况", "发现问题及时上报并跟进处理", "做好记录", "配合其他部门完成相关工作"]


def write_line(folder: Path, kilobytes: int, seed: int) -> None:
    """One position whose one duty is one line of ``kilobytes`` kB (UTF-8) of clauses."""
    rng = random.Random(seed)
    target = kilobytes * 1_000
    parts, size = [], 0
    while size < target:
        clause = rng.choice(LONG_CLAUSES) + rng.choice("，，，；")
        parts.append(clause)
        size += len(clause.encode("utf-8"))
    text = "某公司各岗位职责\n巡检员岗位职责\n1、" + "".join(parts) + "。\n"
    (folder / f"line-{kilobytes}kb.txt").write_text(text, encoding="utf-8")


WRITERS: dict[str, Callable[[Path, int, int], None]] = {
    "damaged": write_damaged,
    "copies": write_copies,
    "tiny": write_tiny,
    "line": write_line,
}


def case_input(kind: str, size: int, seed: int) -> Path:
    folder = SHAPES / "inputs" / f"{kind}-{size}-s{seed}"
    if not (folder / ".done").exists():
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        WRITERS[kind](folder, size, seed)
        (folder / ".done").write_text("", encoding="utf-8")
    return folder


# --- one case, in its own process ------------------------------------------------------------


def build_one(source: Path, out: Path, jobs: int) -> dict[str, object]:
    from graph.pipeline import BuildOptions, build
    from graph.read.documents import default_jobs

    # as 'rolegraph build' runs: a process per core unless told
    options = BuildOptions(sources=(source,), out=out, validate=False, jobs=jobs or default_jobs())
    start = time.perf_counter()
    result = build(options)
    total = time.perf_counter() - start
    counts = result.report["counts"]
    return {
        "build_s": round(total, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "peak_rss_worker_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024),
        "stages_s": {k: round(v, 2) for k, v in result.timings.items()},
        "input_bytes": sum(p.stat().st_size for p in source.iterdir() if p.is_file() and not p.name.startswith(".")),
        "input_chars": sum(len(p.read_text("utf-8")) for p in source.iterdir() if p.suffix == ".txt"),
        "ttl_bytes": (out / "org.ttl").stat().st_size,
        **{k: counts[k] for k in ("organizations", "posts", "duties", "overlaps", "clusters", "triples")},
    }


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and its descendants now (Linux /proc), in MB."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        total += next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
        pending += [int(c) for c in children]
    return total / 1024


def run_case(name: str, source: Path, timeout: float, max_rss_mb: float, jobs: int) -> dict[str, object]:
    """Build ``source`` in a fresh process; kill its process group past the time or memory limit."""
    work = SHAPES / "runs" / name
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    figures_file = work / "figures.json"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    args = [sys.executable, __file__, "--one", str(source), str(work / "out"), str(figures_file), str(jobs)]
    start, peak = time.perf_counter(), 0.0
    with subprocess.Popen(args, env=env, cwd=ROOT, start_new_session=True) as process:
        over = ""
        while process.poll() is None:
            peak = max(peak, tree_rss_mb(process.pid))
            if time.perf_counter() - start > timeout:
                over = f"over {timeout:g} s"
            elif peak > max_rss_mb:
                over = f"over {max_rss_mb / 1024:g} GB"
            if over:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
                break
            time.sleep(POLL_S)
    wall = round(time.perf_counter() - start, 2)
    if over:
        found: dict[str, object] = {"over": over, "wall_s": wall, "peak_rss_seen_mb": round(peak)}
    elif process.returncode != 0 or not figures_file.exists():
        found = {"failed": process.returncode, "wall_s": wall}
    else:
        found = {**json.loads(figures_file.read_text(encoding="utf-8")), "wall_s": wall, "peak_rss_seen_mb": round(peak)}
    shutil.rmtree(work, ignore_errors=True)  # the outputs (and any staging folder a kill left)
    return found


# --- the run --------------------------------------------------------------------------------


def summary(results: dict[str, dict[str, object]]) -> dict[str, object]:
    """Ratios the issue sets targets for: copies (≤ 10 × from 24 to 240), time per character."""
    found: dict[str, object] = {}
    copies = sorted((int(k.split("-")[1]), v) for k, v in results.items() if k.startswith("copies-"))
    if len(copies) >= 2 and "build_s" in copies[-2][1]:
        (small, a), (large, b) = copies[-2:]
        # a larger case killed at the timeout: the ratio is at least the timeout over the smaller time
        seconds = float(b["build_s"] if "build_s" in b else b["wall_s"])  # type: ignore[arg-type]
        ratio = round(seconds / float(a["build_s"]), 1)  # type: ignore[arg-type]
        found["copies_ratio"] = {"sizes": [small, large], "ratio": ratio, "target": 10, "at_least": "build_s" not in b}
    for name, figures in results.items():
        if name.startswith("line-") and "build_s" in figures:
            chars = int(figures["input_chars"])  # type: ignore[call-overload]
            found[f"{name}_us_per_char"] = round(float(figures["build_s"]) / chars * 1e6, 2)  # type: ignore[arg-type]
    return found


def table(results: dict[str, dict[str, object]], found: dict[str, object]) -> str:
    lines = [
        "| case | build s | peak MB (worker) | posts | duties | overlaps | clusters | triples | org.ttl MB | slowest stage |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, f in results.items():
        if "build_s" not in f:
            what = f.get("over") or f"failed ({f.get('failed')})"
            lines.append(f"| {name} | {what} | ≥ {f.get('peak_rss_seen_mb', '?')} seen | | | | | | | |")
            continue
        stages: dict[str, float] = f["stages_s"]  # type: ignore[assignment]
        slowest = max(stages, key=lambda s: stages[s]) if stages else "—"
        lines.append(
            f"| {name} | {f['build_s']} | {f['peak_rss_mb']} ({f['peak_rss_worker_mb']}) | {f['posts']} | {f['duties']} | "
            f"{f['overlaps']} | {f['clusters']} | {f['triples']} | {round(int(f['ttl_bytes']) / 1e6, 1)} | "  # type: ignore[call-overload]
            f"{slowest} {stages.get(slowest, '')} |"
        )
    if "copies_ratio" in found:
        c: dict[str, object] = found["copies_ratio"]  # type: ignore[assignment]
        at_least = "at least " if c.get("at_least") else ""
        lines.append(f"\ncopies {c['sizes'][1]} ÷ {c['sizes'][0]}: {at_least}×{c['ratio']} (target ≤ ×{c['target']})")  # type: ignore[index]
    lines += [f"{k}: {v} µs" for k, v in found.items() if k.endswith("_us_per_char")]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--damaged", type=int, nargs="*", default=[100], help="copies of the bundled corpus, damaged")
    parser.add_argument("--copies", type=int, nargs="*", default=[24, 240], help="copies in one file")
    parser.add_argument("--tiny", type=int, nargs="*", default=[2000, 10000], help="tiny positions in one document")
    parser.add_argument("--line-mb", type=float, nargs="*", default=[1, 5], help="MB of the one long line")
    parser.add_argument("--timeout", type=float, default=600, help="seconds per case before it is killed")
    parser.add_argument("--max-rss-gb", type=float, default=8, help="memory of a case before it is killed")
    parser.add_argument("--jobs", type=int, default=0, help="BuildOptions.jobs (0: one per core, as rolegraph build)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--results", type=Path, default=WORK / "shapes.json", help="where the figures go")
    args = parser.parse_args()
    cases = [("damaged", n) for n in args.damaged] + [("copies", n) for n in args.copies]
    cases += [("tiny", n) for n in args.tiny] + [("line", round(mb * 1000)) for mb in args.line_mb]
    results: dict[str, dict[str, object]] = {}
    for kind, size in cases:
        name = f"line-{size / 1000:g}mb" if kind == "line" else f"{kind}-{size}"
        source = case_input(kind, size, args.seed)
        results[name] = run_case(name, source, args.timeout, args.max_rss_gb * 1024, args.jobs)
        print(f"{name}: {json.dumps(results[name])}", file=sys.stderr)
    found = summary(results)
    meta = {"timeout_s": args.timeout, "max_rss_gb": args.max_rss_gb, "jobs": args.jobs, "seed": args.seed}
    meta["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]  # others' work on this machine: noise
    output = {"settings": meta, "cases": results, "summary": found}
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(json.dumps(output, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(table(results, found))


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--one":
        source, out, figures, jobs = Path(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4]), int(sys.argv[5])
        figures.write_text(json.dumps(build_one(source, out, jobs)), encoding="utf-8")
    else:
        main()
