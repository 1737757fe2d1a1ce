"""Build one corpus and measure it; run by bench/run.py in a fresh process per size."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path


def main(corpus: Path, out: Path, recall: bool) -> dict[str, object]:
    from graph.overlaps import content, similar_pairs
    from graph.pipeline import BuildOptions, build
    from graph.read.documents import default_jobs

    start = time.perf_counter()
    # as 'rolegraph build' runs: a reading process per core, no reading cache (a cold build)
    result = build(BuildOptions(sources=(corpus,), out=out, validate=False, jobs=default_jobs()))
    total = time.perf_counter() - start
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # the largest worker (--jobs)
    counts = result.report["counts"]
    figures: dict[str, object] = {
        "documents": len(result.model.sources),
        "posts": counts["posts"],
        "duties": counts["duties"],
        "overlaps": counts["overlaps"],
        "clusters": counts["clusters"],
        "triples": counts["triples"],
        "triples_per_document": round(counts["triples"] / len(result.model.sources)),
        "stages_s": {k: round(v, 2) for k, v in result.timings.items()},
        "build_s": round(total, 2),
        "peak_rss_mb": round(rss_mb),
        "peak_rss_worker_mb": round(workers_mb),
    }
    # pyoxigraph alone on the same triples: load the Turtle, write it again
    import pyoxigraph as ox

    t = time.perf_counter()
    store = ox.Store()
    store.bulk_load(path=str(out / "org.ttl"), format=ox.RdfFormat.TURTLE)
    store.dump(format=ox.RdfFormat.TURTLE, from_graph=ox.DefaultGraph())
    alone = round(time.perf_counter() - t, 2)
    figures["pyoxigraph_load_dump_s"] = alone
    figures["build_over_pyoxigraph"] = round(total / max(alone, 1e-3), 1)
    # queries in a process of their own, as 'rolegraph query' runs them: not beside the model
    # of the build still held here (collections of a heap of millions of objects would be timed)
    figures.update(
        json.loads(
            subprocess.run(
                [sys.executable, __file__, "--queries", str(out / "org.ttl")], check=True, capture_output=True, text=True
            ).stdout
        )
    )
    if recall:
        texts = sorted({content(d.label) for p in result.model.posts for d in p.duties if not d.boilerplate})
        exact = {(a, b) for a, b, _ in similar_pairs(texts, threshold=0.48, exact=True)}
        blocked = {(a, b) for a, b, _ in similar_pairs(texts, threshold=0.48, exact=False)}
        figures["blocking_recall"] = round(len(exact & blocked) / max(len(exact), 1), 3)
        figures["distinct_texts"] = len(texts)
    return figures


# Each query as one asks it at this size. Rows of posts or duties: about one role or theme in
# one store; rows of roles or themes: across the whole group. The store is the generator's
# second: its first is a Markdown document of another layout with no 服务经理, and asked of it
# the queries that narrow to one store answered no rows (and were timed so).
ROLE, STORE = "服务经理", "store-0002"
ASKED = {
    "reporting-chain": (f"givenRole={ROLE}",),
    "role-clusters": (f"givenRole={ROLE}",),
    "role-links": (f"givenRole={ROLE}",),
    "role-duties": (f"givenRole={ROLE}", f"givenOrganization={STORE}"),
    "duties-by-theme": ("givenTheme=索赔", f"givenOrganization={STORE}"),
    "shared-duties": (f"givenRole={ROLE}", f"givenOrganization={STORE}"),
    "posts-without-superior": (f"givenOrganization={STORE}",),
}


def query_figures(graph: Path) -> dict[str, object]:
    from graph.engine import OxigraphEngine
    from graph.queries import bundled_queries, parse_bindings

    figures: dict[str, object] = {}
    t = time.perf_counter()
    engine = OxigraphEngine(graph)
    figures["graph_load_s"] = round(time.perf_counter() - t, 2)
    binds = ASKED
    # and the same listings across every store: for one role or theme, and for everything
    listings = {
        "shared-duties --role 服务经理": ("shared-duties", ("givenRole=服务经理",)),
        "shared-duties": ("shared-duties", ()),
        "role-duties --role 服务经理": ("role-duties", ("givenRole=服务经理",)),
        "role-duties": ("role-duties", ()),
        "duties-by-theme --theme 索赔": ("duties-by-theme", ("givenTheme=索赔",)),
        "duties-by-theme": ("duties-by-theme", ()),
        "posts-without-superior": ("posts-without-superior", ()),
    }
    queries = {q.name: q for q in bundled_queries()}
    latency, full, rows = {}, {}, {}
    for q in queries.values():
        t = time.perf_counter()
        _, found = engine.select(q.text, parse_bindings(binds.get(q.name, ())))
        latency[q.name] = round(time.perf_counter() - t, 3)
        rows[q.name] = len(found)
    for label, (name, given) in listings.items():
        t = time.perf_counter()
        _, found = engine.select(queries[name].text, parse_bindings(given))
        full[label] = {"s": round(time.perf_counter() - t, 3), "rows": len(found)}
    figures["query_s"] = latency
    figures["query_rows"] = rows
    figures["query_binds"] = binds
    figures["listing_s"] = full
    return figures


if __name__ == "__main__":
    if sys.argv[1] == "--queries":
        print(json.dumps(query_figures(Path(sys.argv[2]))))
    else:
        print(json.dumps(main(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3] == "1")))
