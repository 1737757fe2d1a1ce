"""rolegraph shards: the graph as N-Quads files for a cluster's bulk loader; loaded into a real
oxigraph process, every bundled query gives the rows of the single file."""

from __future__ import annotations

import hashlib
import json
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from graph.cli import main
from graph.endpoint import RemoteEngine, remote_query
from graph.engine import open_engine
from graph.errors import RolegraphError
from graph.pipeline import BuildOptions, BuildResult, build
from graph.programs import oxigraph_binary
from graph.queries import bundled_queries, find_query, parse_bindings
from graph.shards import MANIFEST, SUMS, write_shards
from tests.test_endpoint import BINDINGS, ONE_ORGANIZATION, free_port

SIZE_MB = 0.25  # the bundled graph (about 1.9 MB of N-Quads) in several shards
GRAPH = "https://example.org/graphs/dealers"


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    return build(BuildOptions(out=tmp_path_factory.mktemp("shards") / "out", validate=False, store=True))


def cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def shard_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.nq"))


@contextmanager
def loaded(shards: list[Path], location: Path, *, union: bool = False) -> Iterator[str]:
    """Every shard loaded by 'oxigraph load' (in parallel, one call), then served read-only: the query URL."""
    binary = oxigraph_binary()
    subprocess.run([binary, "load", "--location", str(location), "--file", *map(str, shards)], check=True, capture_output=True)
    port = free_port()
    command = [binary, "serve-read-only", "--location", str(location), "--bind", f"127.0.0.1:{port}"]
    process = subprocess.Popen([*command, *(["--union-default-graph"] if union else [])], stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/query"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                remote_query(url, "ASK {}")
                break
            except RolegraphError:
                assert time.monotonic() < deadline and process.poll() is None, "oxigraph did not come up"
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_shards_are_bounded_listed_and_add_up_to_the_graph(stored: BuildResult, tmp_path: Path) -> None:
    code, output = cli("shards", str(stored.out / "org.ttl"), "--out", str(tmp_path / "shards"), "--size", str(SIZE_MB))
    assert code == 0, output
    folder = tmp_path / "shards"
    files = shard_files(folder)
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    triples = stored.report["counts"]["triples"]
    assert output == f"{len(files)} shards, {triples} quads, in {folder}\n"
    assert len(files) >= 5 and [s["file"] for s in manifest["shards"]] == [f.name for f in files]
    assert manifest["quads"] == triples == sum(s["quads"] for s in manifest["shards"])
    assert (manifest["source"], manifest["graph"], manifest["format"]) == ("org.ttl", None, "application/n-quads")
    sums = (folder / SUMS).read_text(encoding="utf-8").splitlines()
    for shard, entry, line in zip(files, manifest["shards"], sums, strict=True):
        data = shard.read_bytes()
        assert len(data) == entry["bytes"] <= SIZE_MB * 1024 * 1024
        assert data.count(b"\n") == entry["quads"] and data.endswith(b" .\n")
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
        assert line == f"{entry['sha256']}  {shard.name}"
    text = b"".join(f.read_bytes() for f in files)
    assert b'"@zh-Hans' in text and b'"@zh-hans' not in text  # tags as the contract spells them, as in org.ttl


def test_same_graph_same_bytes_and_the_store_gives_the_same_quads(stored: BuildResult, tmp_path: Path) -> None:
    write_shards(stored.out / "org.ttl", tmp_path / "a", size_mb=SIZE_MB)
    write_shards(stored.out / "org.ttl", tmp_path / "b", size_mb=SIZE_MB)
    a = {p.name: p.read_bytes() for p in sorted((tmp_path / "a").iterdir())}
    assert a == {p.name: p.read_bytes() for p in sorted((tmp_path / "b").iterdir())}
    result = write_shards(stored.out / "org.oxigraph", tmp_path / "c", size_mb=SIZE_MB)
    # the same quads (a store writes some literals in their canonical form: 1.0 as 1, a decimal)
    assert quads_of(shard_files(tmp_path / "c")) == quads_of(shard_files(tmp_path / "a"))
    assert result.quads == stored.report["counts"]["triples"]


def quads_of(files: list[Path]) -> list[str]:
    store = ox.Store()
    for file in files:
        store.bulk_load(path=str(file), format=ox.RdfFormat.N_QUADS)
    return sorted(map(str, store))


@pytest.mark.server
def test_the_shards_loaded_into_oxigraph_answer_every_bundled_query_as_the_single_file(
    stored: BuildResult, tmp_path: Path
) -> None:
    write_shards(stored.out / "org.ttl", tmp_path / "shards", size_mb=SIZE_MB)
    local = open_engine(stored.out / "org.ttl", use_store=False)
    with loaded(shard_files(tmp_path / "shards"), tmp_path / "db") as url:
        remote = RemoteEngine(url)
        for query in bundled_queries():
            bindings = parse_bindings(BINDINGS.get(query.name, ()))
            rows = local.select(query.text, bindings)
            assert rows[1], query.name
            assert remote.select(query.text, bindings) == rows, query.name
        for name, given in ONE_ORGANIZATION.items():
            text, bindings = find_query(name).text, parse_bindings(given)
            assert remote.select(text, bindings) == local.select(text, bindings), name


@pytest.mark.server
def test_shards_in_a_named_graph_from_the_store(stored: BuildResult, tmp_path: Path) -> None:
    code, output = cli("shards", str(stored.out / "org.oxigraph"), "--out", str(tmp_path / "s"), "--graph-iri", GRAPH)
    assert code == 0, output
    assert json.loads((tmp_path / "s" / MANIFEST).read_text(encoding="utf-8"))["graph"] == GRAPH
    local = open_engine(stored.out / "org.ttl", use_store=False)
    with loaded(shard_files(tmp_path / "s"), tmp_path / "db", union=True) as url:
        count = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }}"
        assert remote_query(url, count)[1] == [[str(stored.report["counts"]["triples"])]]
        query = find_query("reporting-chain").text
        bindings = parse_bindings(("givenRole=出纳",))
        assert RemoteEngine(url).select(query, bindings) == local.select(query, bindings)


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["{tmp}/missing.ttl"], 1, "no graph file or store here"),
        (["{tmp}/empty"], 1, "not an Oxigraph store"),
        (["{tmp}/broken.ttl"], 1, "cannot parse graph"),
        (["{tmp}/notes.txt"], 1, "not a graph file rolegraph reads"),
        (["{out}/org.ttl", "--graph-iri", "not an iri"], 2, "not an absolute IRI"),
        (["{out}/org.ttl", "--size", "0"], 2, "--size"),
    ],
)
def test_bad_input_is_a_clear_error(stored: BuildResult, tmp_path: Path, args: list[str], code: int, message: str) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "broken.ttl").write_text("<urn:a> <urn:b> .\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("hello", encoding="utf-8")
    given = [a.format(tmp=tmp_path, out=stored.out) for a in args]
    got, output = cli("shards", *given, "--out", str(tmp_path / "shards"))
    assert got == code and message in output and "Traceback" not in output, output
    assert not (tmp_path / "shards").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no staging left


def test_an_out_folder_of_other_files_is_refused_and_left_whole(stored: BuildResult, tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "thesis.md").write_text("# keep\n", encoding="utf-8")
    code, output = cli("shards", str(stored.out / "org.ttl"), "--out", str(folder))
    assert code == 2 and "thesis.md" in output
    assert [p.name for p in folder.iterdir()] == ["thesis.md"]
    assert cli("shards", str(stored.out / "org.ttl"), "--out", str(tmp_path / "s"))[0] == 0
    assert cli("shards", str(stored.out / "org.ttl"), "--out", str(tmp_path / "s"), "--size", "0.5")[0] == 0  # ours: replaced
