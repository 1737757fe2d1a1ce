"""The on-disk store against the in-memory engine, for one built out folder.

    python bench/store.py OUT [--runs N] [--load] [--no-memory]

Prints the store's disk size and how long its load took (the build's 'store' stage is only
what was left of it after the rest; ``--load`` loads org.ttl again with ``oxigraph load`` into a
scratch folder to time it whole), the time to open the store, and for every bundled query as
one asks it at this size (bench/one.py's bindings; a role: 服务经理): the wall time of a cold
``rolegraph query`` process from the store (the median of ``--runs``, with the range), and
in memory: interpreter start, the Turtle's load (once) and the query, which is what a cold
process without the store spends.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.one import ASKED as BINDS  # each query as bench/one.py asks it
from bench.one import STORE


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def cold_query(out: Path, name: str, binds: tuple[str, ...], *, no_store: bool = False) -> tuple[float, int]:
    """Wall seconds of one 'rolegraph query' process, and its rows."""
    command = [sys.executable, "-m", "graph.cli", "query", name, "--graph", str(out / "org.ttl"), "--format", "csv"]
    command += [arg for b in binds for arg in ("--bind", b)] + (["--no-store"] if no_store else [])
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{name}: {done.stderr.strip()}")
    if "note:" in done.stderr:
        raise SystemExit(f"{name}: the store was not used: {done.stderr.strip()}")
    return seconds, max(0, len(done.stdout.splitlines()) - 1)


def startup() -> float:
    """Interpreter start and the query command's imports, without a graph."""
    command = [sys.executable, "-c", "import graph.cli, graph.engine, graph.queries, graph.store"]
    start = time.perf_counter()
    subprocess.run(command, check=True)
    return time.perf_counter() - start


def in_memory(out: Path) -> dict[str, object]:
    """In a process of its own: the Turtle's load, then each query (seconds)."""
    code = f"""
import json, sys, time
from pathlib import Path
from graph.engine import OxigraphEngine
from graph.queries import bundled_queries, parse_bindings
binds = {BINDS!r}
t = time.perf_counter()
engine = OxigraphEngine(Path({str(out / "org.ttl")!r}))
figures = {{"load_s": time.perf_counter() - t, "query_s": {{}}}}
for q in bundled_queries():
    t = time.perf_counter()
    engine.select(q.text, parse_bindings(binds.get(q.name, ())))
    figures["query_s"][q.name] = time.perf_counter() - t
print(json.dumps(figures))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return dict(json.loads(done.stdout))


def open_time(store: Path, runs: int) -> list[float]:
    code = f"""
import time
from pathlib import Path
from graph.store import open_store
t = time.perf_counter()
store = open_store(Path({str(store)!r}))
print(time.perf_counter() - t)
"""
    return [
        float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
        for _ in range(runs)
    ]


def load_time(turtle: Path) -> tuple[float, int]:
    from graph.programs import oxigraph_binary

    scratch = Path(tempfile.mkdtemp(prefix="store-bench-"))
    try:
        start = time.perf_counter()
        command = [oxigraph_binary(), "load", "--location", str(scratch / "db"), "--file", str(turtle), "--lenient"]
        subprocess.run(command, check=True, capture_output=True)
        return time.perf_counter() - start, folder_size(scratch / "db")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} ({min(values):.2f}–{max(values):.2f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path, help="a folder 'rolegraph build --store' wrote")
    parser.add_argument("--runs", type=int, default=3, help="cold processes per query from the store")
    parser.add_argument("--load", action="store_true", help="time a whole 'oxigraph load' of org.ttl")
    parser.add_argument("--no-memory", action="store_true", help="skip the in-memory figures (the Turtle's load)")
    args = parser.parse_args()
    from graph.queries import bundled_queries
    from graph.store import read_stamp

    out: Path = args.out
    store = out / "org.oxigraph"
    stamp = read_stamp(store)
    print(f"graph: {out / 'org.ttl'}, {stamp.size / 1e6:.0f} MB of Turtle, {stamp.triples:,} triples")
    print(f"store: {store}, {folder_size(store) / 1e6:.0f} MB on disk")
    if args.load:
        seconds, size = load_time(out / "org.ttl")
        print(f"store load (oxigraph load --lenient, alone): {seconds:.1f} s, {size / 1e6:.0f} MB")
    print(f"store open (read-only, cold process): {spread(open_time(store, args.runs))} s")
    base = statistics.median([startup() for _ in range(args.runs)])
    print(f"interpreter start and imports: {base:.2f} s")
    memory = None if args.no_memory else in_memory(out)
    if memory is not None:
        print(f"in-memory load of org.ttl: {memory['load_s']:.1f} s")
    print()
    print("| query (as asked) | rows | cold process from the store s | cold process in memory s (start + load + query) |")
    print("|---|---|---|---|")
    for q in bundled_queries():
        binds = BINDS.get(q.name, ())
        timed = [cold_query(out, q.name, binds) for _ in range(args.runs)]
        rows = timed[0][1]
        cell = "—"
        if memory is not None:
            query_s = memory["query_s"][q.name]  # type: ignore[index]
            cell = f"{base + memory['load_s'] + query_s:.2f} (query {query_s:.3f})"  # type: ignore[operator]
        print(f"| {q.name} | {rows} | {spread([t for t, _ in timed])} | {cell} |")
    # and the links of the role in one store (--organization): planned apart from the group's
    one_store = (*BINDS["role-links"], f"givenOrganization={STORE}")
    timed = [cold_query(out, "role-links", one_store) for _ in range(args.runs)]
    print(f"| role-links in {STORE} | {timed[0][1]} | {spread([t for t, _ in timed])} | — |")


if __name__ == "__main__":
    main()
