"""The build's on-disk Oxigraph store (out/org.oxigraph): written with the rest or not at all,
used by the commands only when it was loaded from the org.ttl beside it, opened read-only, and
every kind of bad store a clear message, never a traceback."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from graph.cli import main
from graph.endpoint import remote_query, serve_graph
from graph.engine import OxigraphEngine, open_engine
from graph.errors import RolegraphError
from graph.outfolder import MARKER, OUTPUT_FILES
from graph.pipeline import BuildOptions, BuildResult, build
from graph.queries import bundled_queries, parse_bindings
from graph.store import STAMP, StoreError, file_sha256, open_store, read_stamp, usable_store
from tests.test_endpoint import BINDINGS, free_port

GOOD = "出纳岗位职责\n1、登记现金日记账\n2、保管印章\n"
POSTS = "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/rolegraph/ontology#Post> }"


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """The bundled corpus built with its store."""
    return build(BuildOptions(out=tmp_path_factory.mktemp("stored") / "out", validate=False, store=True))


def copy_out(result: BuildResult, target: Path) -> Path:
    shutil.copytree(result.out, target, copy_function=shutil.copy2)
    return target


def files_of(folder: Path) -> dict[str, tuple[int, int]]:
    """Each file of a folder with its size and modification time: what 'unchanged' means here."""
    return {p.name: (p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(folder.iterdir())}


def cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_the_store_is_written_with_the_outputs_and_stamped_with_the_turtle(stored: BuildResult) -> None:
    out = stored.out
    assert sorted(p.name for p in out.iterdir()) == sorted([*OUTPUT_FILES, MARKER, "org.oxigraph"])
    assert stored.files[-1] == out / "org.oxigraph"
    stamp = read_stamp(out / "org.oxigraph")
    turtle = out / "org.ttl"
    assert (stamp.graph, stamp.size, stamp.mtime_ns) == ("org.ttl", turtle.stat().st_size, turtle.stat().st_mtime_ns)
    assert stamp.sha256 == file_sha256(turtle)
    assert stamp.triples == stored.report["counts"]["triples"] == len(open_store(out / "org.oxigraph"))
    assert stored.report["outputs"] == list(OUTPUT_FILES)  # the report's bytes do not depend on the store


def test_every_bundled_query_gives_the_same_rows_from_the_store(stored: BuildResult) -> None:
    turtle = stored.out / "org.ttl"
    from_store = open_engine(turtle)
    assert isinstance(from_store, OxigraphEngine) and from_store.source == stored.out / "org.oxigraph"
    in_memory = open_engine(turtle, use_store=False)
    assert isinstance(in_memory, OxigraphEngine) and in_memory.source == turtle
    for query in bundled_queries():
        bindings = parse_bindings(BINDINGS.get(query.name, ()))
        rows = in_memory.select(query.text, bindings)
        assert rows[1], query.name
        assert from_store.select(query.text, bindings) == rows, query.name


def test_the_commands_read_the_store_and_say_nothing_when_it_is_fresh(stored: BuildResult) -> None:
    turtle = str(stored.out / "org.ttl")
    code, out, err = cli("chain", "出纳", "--graph", turtle)
    assert (code, out, err) == (0, "出纳 → 主办会计 → 财务经理\n", "")
    assert cli("chain", "出纳", "--graph", str(stored.out / "org.oxigraph"))[:2] == (0, "出纳 → 主办会计 → 财务经理\n")
    assert cli("chain", "出纳", "--graph", turtle, "--no-store")[:2] == (0, "出纳 → 主办会计 → 财务经理\n")
    for args in (["show", "出纳"], ["overlaps", "--role", "业务接待"], ["query", "role-links", "--role", "出纳"]):
        with_store, without = cli(*args, "--graph", turtle), cli(*args, "--graph", turtle, "--no-store")
        assert with_store == without and with_store[0] == 0 and with_store[1], args


def test_a_changed_turtle_makes_the_store_stale_the_turtle_is_read_with_a_note(stored: BuildResult, tmp_path: Path) -> None:
    out = copy_out(stored, tmp_path / "out")
    with (out / "org.ttl").open("a", encoding="utf-8") as f:
        f.write("<urn:x:added> <urn:x:p> <urn:x:o> .\n")
    notes: list[str] = []
    engine = open_engine(out / "org.ttl", note=notes.append)
    assert isinstance(engine, OxigraphEngine) and engine.source == out / "org.ttl"
    assert engine.select("ASK { <urn:x:added> ?p ?o }") == (["ask"], [["true"]])
    assert len(notes) == 1 and "loaded from another org.ttl" in notes[0] and "rebuild" in notes[0]
    code, output, err = cli("chain", "出纳", "--graph", str(out / "org.ttl"))
    assert code == 0 and output == "出纳 → 主办会计 → 财务经理\n" and err.startswith("note: ")
    code, _, err = cli("chain", "出纳", "--graph", str(out / "org.oxigraph"))
    assert code == 1 and "stale" in err and "Traceback" not in err


def test_same_size_other_bytes_is_stale_too(stored: BuildResult, tmp_path: Path) -> None:
    out = copy_out(stored, tmp_path / "out")
    turtle = out / "org.ttl"
    data = bytearray(turtle.read_bytes())
    at = data.index(b"\xe5\x87\xba\xe7\xba\xb3")  # 出纳 → 出入: the same length, another text
    data[at + 3 : at + 6] = "入".encode()
    turtle.write_bytes(bytes(data))
    assert turtle.stat().st_size == read_stamp(out / "org.oxigraph").size
    assert usable_store(turtle) is None


def test_a_copy_with_new_times_still_uses_the_store(stored: BuildResult, tmp_path: Path) -> None:
    out = tmp_path / "copied"
    shutil.copytree(stored.out, out, copy_function=shutil.copyfile)  # cp -r: new modification times
    os.utime(out / "org.ttl", ns=(time.time_ns(), time.time_ns() + 10**9))
    assert usable_store(out / "org.ttl") == out / "org.oxigraph"  # same bytes, by their SHA-256


def test_the_store_is_written_when_asked_and_a_build_without_it_leaves_none(tmp_path: Path) -> None:
    source = tmp_path / "roles.txt"
    source.write_text(GOOD, encoding="utf-8")
    assert cli("build", str(source), "--out", str(tmp_path / "a"), "--no-validate", "-q")[0] == 0
    assert not (tmp_path / "a" / "org.oxigraph").exists()
    assert cli("build", str(source), "--out", str(tmp_path / "b"), "--no-validate", "-q", "--store")[0] == 0
    assert read_stamp(tmp_path / "b" / "org.oxigraph").graph == "org.ttl"
    assert cli("build", str(source), "--out", str(tmp_path / "b"), "--no-validate", "-q")[0] == 0
    assert not (tmp_path / "b" / "org.oxigraph").exists()  # the next build replaced the folder whole


def test_a_failed_build_leaves_the_previous_store_whole(tmp_path: Path) -> None:
    good, bad, out = tmp_path / "good.txt", tmp_path / "bad.txt", tmp_path / "out"
    good.write_text(GOOD, encoding="utf-8")
    bad.write_bytes(b"")
    assert cli("build", str(good), "--out", str(out), "--no-validate", "-q", "--store")[0] == 0
    before = files_of(out / "org.oxigraph")
    assert cli("build", str(good), str(bad), "--out", str(out), "--no-validate", "-q", "--store")[0] == 1
    assert files_of(out / "org.oxigraph") == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.txt", "good.txt", "out"]  # no staging left


def test_a_failed_load_fails_the_build_clearly_and_leaves_the_previous_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good, out = tmp_path / "good.txt", tmp_path / "out"
    good.write_text(GOOD, encoding="utf-8")
    assert cli("build", str(good), "--out", str(out), "--no-validate", "-q", "--store")[0] == 0
    before = {name: (out / name).read_bytes() for name in OUTPUT_FILES}
    failing = tmp_path / "oxigraph"
    real = __import__("graph.programs", fromlist=["oxigraph_binary"]).oxigraph_binary()
    # the converter works, the loader fails as a full disk would make it
    failing.write_text(f'#!/bin/sh\n[ "$1" = load ] && {{ echo "No space left on device" >&2; exit 1; }}\nexec {real} "$@"\n')
    failing.chmod(0o755)
    monkeypatch.setattr("graph.programs.oxigraph_binary", lambda: str(failing))
    code, _, err = cli("build", str(good), "--out", str(out), "--no-validate", "-q", "--store")
    assert code == 1 and "could not load it into org.oxigraph" in err and "No space left" in err
    assert "Traceback" not in err
    assert {name: (out / name).read_bytes() for name in OUTPUT_FILES} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["good.txt", "out", "oxigraph"]


def test_out_accepts_a_folder_of_the_outputs_and_the_store_and_nothing_else(stored: BuildResult, tmp_path: Path) -> None:
    source = tmp_path / "roles.txt"
    source.write_text(GOOD, encoding="utf-8")
    old = copy_out(stored, tmp_path / "old")
    (old / MARKER).unlink()  # as a folder written before the marker existed
    assert cli("build", str(source), "--out", str(old), "--no-validate", "-q")[0] == 0
    odd = tmp_path / "odd"
    odd.mkdir()
    (odd / "org.ttl").write_text("", encoding="utf-8")
    (odd / "org.oxigraph").write_text("a file, not the store", encoding="utf-8")
    code, _, err = cli("build", str(source), "--out", str(odd), "--no-validate", "-q")
    assert code == 2 and "org.oxigraph" in err
    assert (odd / "org.oxigraph").read_text(encoding="utf-8") == "a file, not the store"


def test_two_readers_at_once(stored: BuildResult) -> None:
    first = open_store(stored.out / "org.oxigraph")
    second = open_store(stored.out / "org.oxigraph")
    ran = subprocess.run(
        [sys.executable, "-m", "graph.cli", "query", "-e", POSTS, "--graph", str(stored.out / "org.ttl"), "--format", "csv"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ran.returncode == 0 and ran.stdout == "n\n54\n" and ran.stderr == ""
    assert [str(s[0].value) for s in first.query(POSTS)] == [str(s[0].value) for s in second.query(POSTS)] == ["54"]  # type: ignore[index,union-attr]


@pytest.fixture
def held_for_writing(stored: BuildResult, tmp_path: Path) -> Iterator[Path]:
    """A copy of the out folder whose store another process has open for writing."""
    out = copy_out(stored, tmp_path / "out")
    code = "import sys, pyoxigraph as ox; s = ox.Store(sys.argv[1]); print('open', flush=True); sys.stdin.read()"
    holder = subprocess.Popen(
        [sys.executable, "-c", code, str(out / "org.oxigraph")], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "open\n"
        yield out
    finally:
        if holder.stdin is not None:
            holder.stdin.close()
        holder.wait(timeout=30)
        if holder.stdout is not None:
            holder.stdout.close()


def test_a_store_held_for_writing_is_not_read(held_for_writing: Path) -> None:
    out = held_for_writing
    code, _, err = cli("chain", "出纳", "--graph", str(out / "org.oxigraph"))
    assert code == 1 and "another process has it open for writing" in err and "Traceback" not in err
    code, output, err = cli("chain", "出纳", "--graph", str(out / "org.ttl"))
    assert code == 0 and output == "出纳 → 主办会计 → 财务经理\n"
    assert "open for writing" in err and f"parsing {out / 'org.ttl'} instead" in err


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        ("empty-folder", "not an Oxigraph store"),
        ("other-files", "not an Oxigraph store"),
        ("no-stamp", "without rolegraph's stamp"),
        ("damaged-stamp", "is damaged"),
        ("no-manifest", "Oxigraph cannot open it"),
        ("a-file", "is not a folder"),
    ],
)
def test_a_bad_store_is_a_clear_error_given_and_a_note_beside(
    stored: BuildResult, tmp_path: Path, damage: str, message: str
) -> None:
    out = copy_out(stored, tmp_path / "out")
    store = out / "org.oxigraph"
    if damage in ("empty-folder", "other-files", "a-file"):
        shutil.rmtree(store)
        if damage == "a-file":
            store.write_text("not a folder", encoding="utf-8")
        else:
            store.mkdir()
            if damage == "other-files":
                (store / "notes.txt").write_text("mine", encoding="utf-8")
    elif damage == "no-stamp":
        (store / STAMP).unlink()
    elif damage == "damaged-stamp":
        (store / STAMP).write_text("{not json", encoding="utf-8")
    else:
        for manifest in store.glob("MANIFEST-*"):
            manifest.unlink()
    code, _, err = cli("chain", "出纳", "--graph", str(store))
    assert code == 1 and message in err and "Traceback" not in err, err
    code, output, err = cli("chain", "出纳", "--graph", str(out / "org.ttl"))
    assert code == 0 and output == "出纳 → 主办会计 → 财务经理\n", err
    if damage != "a-file":  # a file of that name is no store at all: nothing to say
        assert message in err and "parsing" in err, err
    with pytest.raises(RolegraphError):
        OxigraphEngine(store) if store.is_dir() else read_stamp(store)


def test_a_store_for_the_rdflib_engine_is_refused_as_an_invocation(stored: BuildResult) -> None:
    code, _, err = cli("query", "role-names", "--graph", str(stored.out / "org.oxigraph"), "--engine", "rdflib")
    assert code == 2 and "oxigraph engine only" in err
    assert cli("query", "role-names", "--graph", str(stored.out / "org.ttl"), "--engine", "rdflib")[0] == 0


@pytest.mark.server
def test_serve_reads_the_store_in_place_and_writable_serves_a_copy(stored: BuildResult) -> None:
    store = stored.out / "org.oxigraph"
    before = files_of(store)
    with serve_graph(stored.out / "org.ttl", port=free_port()) as server:
        argv = Path(f"/proc/{server.process.pid}/cmdline").read_bytes().split(b"\0")
        assert argv[1] == b"serve-read-only" and Path(argv[argv.index(b"--location") + 1].decode()) == store
        assert remote_query(server.query_url, POSTS)[1] == [["54"]]
        assert open_store(store) is not None  # a second reader beside the server
    assert files_of(store) == before
    with serve_graph(stored.out / "org.ttl", port=free_port(), read_only=False) as server:
        argv = Path(f"/proc/{server.process.pid}/cmdline").read_bytes().split(b"\0")
        assert Path(argv[argv.index(b"--location") + 1].decode()) != store
        remote_query(server.query_url, POSTS)
        from graph.endpoint import remote_update

        remote_update(server.base + "/update", "INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }")
        assert remote_query(server.query_url, "ASK { <urn:x:a> ?p ?o }")[1] == [["true"]]
    assert files_of(store) == before
    assert not bool(open_store(store).query("ASK { <urn:x:a> ?p ?o }"))


def test_the_stamp_is_the_last_file_written(stored: BuildResult) -> None:
    """A store whose load did not finish has no stamp, and no command uses it."""
    store = stored.out / "org.oxigraph"
    stamp_time = (store / STAMP).stat().st_mtime_ns
    assert all(p.stat().st_mtime_ns <= stamp_time for p in store.iterdir())
    assert json.loads((store / STAMP).read_text(encoding="utf-8"))["triples"] == stored.report["counts"]["triples"]
    with pytest.raises(StoreError, match="without rolegraph's stamp"):
        bare = stored.out.parent / "bare"
        ox.Store(str(bare)).flush()
        read_stamp(bare)


def _descendants(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children = [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
        for child in children:
            found += [child, *_descendants(child)]
    return found


def _running(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


@pytest.mark.skipif(sys.platform != "linux", reason="PR_SET_PDEATHSIG is Linux's")
def test_a_build_killed_during_the_load_leaves_the_previous_output_and_no_loader(tmp_path: Path) -> None:
    good, out = tmp_path / "good.txt", tmp_path / "out"
    good.write_text(GOOD, encoding="utf-8")
    assert cli("build", str(good), "--out", str(out), "--no-validate", "-q", "--store")[0] == 0
    before = {name: (out / name).read_bytes() for name in OUTPUT_FILES} | {"store": files_of(out / "org.oxigraph")}
    from graph.programs import oxigraph_binary

    slow = tmp_path / "oxigraph"  # a loader that takes a minute: the build is killed meanwhile
    slow.write_text(f'#!/bin/sh\n[ "$1" = load ] && exec sleep 60\nexec {oxigraph_binary()} "$@"\n')
    slow.chmod(0o755)
    code = f"import graph.programs as e; e.oxigraph_binary = lambda: {str(slow)!r}; from graph.cli import run; run()"
    command = [sys.executable, "-c", code, "build", str(good), "--out", str(out), "--no-validate", "-q", "--store"]
    build_process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        loaders: list[int] = []
        while not any("sleep 60" in _cmdline(p) for p in loaders):
            assert time.monotonic() < deadline and build_process.poll() is None, "no loader started"
            time.sleep(0.02)
            loaders = _descendants(build_process.pid)
        os.kill(build_process.pid, 9)
        build_process.wait(timeout=30)
        deadline = time.monotonic() + 30
        while any(_running(p) for p in loaders):
            assert time.monotonic() < deadline, f"{[_cmdline(p) for p in loaders if _running(p)]} outlived the build"
            time.sleep(0.05)
    finally:
        if build_process.poll() is None:
            build_process.kill()
            build_process.wait()
    assert {name: (out / name).read_bytes() for name in OUTPUT_FILES} | {"store": files_of(out / "org.oxigraph")} == before
    assert cli("build", str(good), "--out", str(out), "--no-validate", "-q", "--store")[0] == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["good.txt", "out", "oxigraph"]  # the staging folder removed
