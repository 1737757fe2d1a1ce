"""rolegraph serve as a process: a port that is taken, signals and kill -9, --writable, SERVICE."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner

from graph.cli import main
from graph.endpoint import STORE_PREFIX, remote_query, remove_stale_stores, serve_graph
from graph.pipeline import BuildResult
from tests.test_endpoint import free_port
from tests.test_service import Listener, listener, service_query  # noqa: F401 - a fixture

pytestmark = pytest.mark.server
POSTS = "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/rolegraph/ontology#Post> }"


@contextmanager
def serving(*args: str) -> Iterator[tuple[subprocess.Popen[str], list[str]]]:
    """``rolegraph serve ARGS`` in a process of its own, once its banner is out."""
    process = subprocess.Popen(
        [sys.executable, "-m", "graph.cli", "serve", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    banner: list[str] = []
    try:
        assert process.stdout is not None
        while not banner or banner[-1] != "press Ctrl-C to stop":
            line = process.stdout.readline()
            assert line, process.stderr.read() if process.stderr else "no banner"
            banner.append(line.strip())
        yield process, banner
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def store_of(pid: int) -> Path:
    argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    return Path(argv[argv.index(b"--location") + 1].decode())


def gone(pid: int, seconds: float = 5) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return True
        if state == "Z":  # dead, waiting for a parent to reap it
            return True
        time.sleep(0.05)
    return False


def listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def test_a_port_that_is_taken_is_said_and_exits_1(built: BuildResult) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "graph.cli", "serve", str(built.out / "org.ttl"), "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 1, result
    assert f"port {port} on 127.0.0.1 is taken" in result.stderr and "--port" in result.stderr
    assert "SPARQL endpoint" not in result.stdout and "Traceback" not in result.stderr


@pytest.mark.skipif(sys.platform != "linux", reason="PR_SET_PDEATHSIG is Linux's")
def test_kill_9_of_serve_takes_the_oxigraph_child_with_it_and_the_next_serve_removes_its_store(built: BuildResult) -> None:
    port = free_port()
    with serving(str(built.out / "org.ttl"), "--port", str(port)) as (process, _):
        (child,) = children(process.pid)
        store = store_of(child)
        assert store.is_dir() and store.name.startswith(f"{STORE_PREFIX}{process.pid}-")
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
        assert gone(child), "the oxigraph child outlived its parent"
        assert not listening(port)
    assert store.is_dir()  # nobody was left to remove it …
    with serve_graph(None, port=free_port(), read_only=False):
        assert not store.exists()  # … until the next server starts


@pytest.mark.parametrize("signum", [signal.SIGHUP, signal.SIGTERM])
def test_sighup_and_sigterm_stop_the_child_and_remove_its_store(built: BuildResult, signum: int) -> None:
    port = free_port()
    with serving(str(built.out / "org.ttl"), "--port", str(port)) as (process, _):
        (child,) = children(process.pid)
        store = store_of(child)
        process.send_signal(signum)
        assert process.wait(timeout=15) == 0
        assert gone(child) and not store.exists() and not listening(port)


def test_remove_stale_stores_keeps_those_of_live_servers(tmp_path: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f"{STORE_PREFIX}{dead.pid}-abc"
    live = tmp_path / f"{STORE_PREFIX}{os.getpid()}-def"
    other = tmp_path / f"{STORE_PREFIX}xyz"
    for folder in (stale, live, other):
        folder.mkdir()
    assert remove_stale_stores(tmp_path) == [stale]
    assert live.is_dir() and other.is_dir()
    assert Path(tempfile.gettempdir()).is_dir()


def test_writable_serve_takes_a_push(built: BuildResult, tmp_path: Path) -> None:
    port = free_port()
    small = tmp_path / "small.ttl"
    small.write_text("<urn:a> <urn:b> <urn:c> .\n", encoding="utf-8")
    with serving(str(built.out / "org.ttl"), "--port", str(port), "--writable") as (_, banner):
        assert f"graph store:     http://127.0.0.1:{port}/store (writable)" in banner
        assert remote_query(f"http://127.0.0.1:{port}/query", POSTS)[1] == [["54"]]
        pushed = CliRunner().invoke(main, ["push", str(small), "--endpoint", f"http://127.0.0.1:{port}/store"])
        assert pushed.exit_code == 0, pushed.output
        # PUT replaces the default graph
        assert remote_query(f"http://127.0.0.1:{port}/query", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[1] == [["1"]]
    with serving(str(built.out / "org.ttl"), "--port", str(port)) as (_, banner):
        assert not any("graph store" in line for line in banner)
        refused = CliRunner().invoke(main, ["push", str(small), "--endpoint", f"http://127.0.0.1:{port}/store"])
        assert refused.exit_code == 1 and "HTTP 403" in refused.output


def _ask(url: str, text: str, how: str) -> tuple[int, str]:
    if how == "get":
        request = urllib.request.Request(f"{url}?{urllib.parse.urlencode({'query': text})}")
    elif how == "form":
        request = urllib.request.Request(
            url, urllib.parse.urlencode({"query": text}).encode(), {"Content-Type": "application/x-www-form-urlencoded"}
        )
    else:
        request = urllib.request.Request(url, text.encode(), {"Content-Type": "application/sparql-query"})
    request.add_header("Accept", "application/sparql-results+json")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def test_serve_refuses_service_unless_allowed(built: BuildResult, listener: Listener) -> None:  # noqa: F811
    port = free_port()
    with serve_graph(built.out / "org.ttl", port=port) as server:
        for how in ("get", "form", "direct"):
            status, body = _ask(server.query_url, service_query(listener), how)
            assert status == 403 and "--allow-service" in body, how
        assert listener.hits == 0
        assert _ask(server.query_url, POSTS, "get")[0] == 200  # other queries pass
    with serve_graph(built.out / "org.ttl", port=port, allow_service=True) as server:
        status, body = _ask(server.query_url, service_query(listener), "direct")
        assert status == 200 and "from afar" in body
        assert listener.hits == 1
