"""SPARQL 1.1 over HTTP: query any endpoint, push a graph with the Graph Store Protocol, and
serve a built graph locally with the Oxigraph server."""

from __future__ import annotations

import functools
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from graph.errors import QueryError, RolegraphError, excerpt
from graph.lifetime import die_with_parent
from graph.programs import oxigraph_binary
from graph.queries import Bindings, bind_query, canonical_text, refuse_service

TIMEOUT = 60


def remote_query(url: str, text: str) -> tuple[list[str], list[list[str]]]:
    """Run a SELECT or ASK query on a SPARQL endpoint (POST, application/sparql-query)."""
    body = _http(url, text.encode("utf-8"), "application/sparql-query", accept="application/sparql-results+json")
    try:
        results = json.loads(body)
    except json.JSONDecodeError:
        raise QueryError(f"{url}: the endpoint did not answer with SPARQL JSON results") from None
    try:
        if "boolean" in results:
            return ["ask"], [[str(bool(results["boolean"])).lower()]]
        columns = list(results["head"].get("vars", []))
        rows = [[_term(binding.get(c)) for c in columns] for binding in results["results"]["bindings"]]
    except (KeyError, TypeError, AttributeError):
        raise QueryError(f"{url}: the endpoint's answer is JSON but not SPARQL results") from None
    return columns, rows


class RemoteEngine:
    """A SPARQL endpoint behind the same ``select`` as the embedded engines (names of roles
    and themes are looked up on the endpoint, then sent as IRIs in a VALUES block). A query with
    SERVICE is sent only when ``allow_service`` is given: the endpoint would call the address."""

    def __init__(self, url: str, *, allow_service: bool = False) -> None:
        self.url, self.allow_service = url, allow_service

    def select(self, text: str, bindings: Bindings | None = None) -> tuple[list[str], list[list[str]]]:
        refuse_service(text, allowed=self.allow_service)
        return remote_query(self.url, bind_query(text, bindings, lambda lookup: remote_query(self.url, lookup)[1]))


def remote_update(url: str, text: str, *, allow_service: bool = False) -> None:
    refuse_service(text, allowed=allow_service)
    _http(url, text.encode("utf-8"), "application/sparql-update")


def push_graph(path: Path, store_url: str, *, named_graph: str | None = None) -> None:
    """Upload a Turtle file with the Graph Store Protocol (PUT: the graph is replaced)."""
    if not path.is_file():
        raise RolegraphError(f"{path}: no graph file here; run 'rolegraph build' first")
    target = named_graph and urllib.parse.urlencode({"graph": named_graph}) or "default"
    separator = "&" if "?" in store_url else "?"
    _http(f"{store_url}{separator}{target}", path.read_bytes(), "text/turtle", method="PUT")


def _term(value: dict[str, str] | None) -> str:
    if value is None:
        return ""
    return canonical_text(value["value"], value.get("datatype", ""))


def _http(url: str, data: bytes, content_type: str, *, accept: str = "*/*", method: str = "POST") -> bytes:
    if not url.startswith(("http://", "https://")):
        raise RolegraphError(f"{url}: an endpoint address starts with http:// or https://")
    request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": content_type, "Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            return bytes(response.read())
    except urllib.error.HTTPError as e:
        detail = e.read().decode("utf-8", errors="replace").strip().splitlines()
        raise QueryError(f"{url}: HTTP {e.code} {e.reason}" + (f": {detail[0]}" if detail else "")) from None
    except http.client.RemoteDisconnected:
        raise RolegraphError(f"{url}: the endpoint closed the connection without answering") from None
    except http.client.HTTPException as e:  # an answer cut short, a garbled status line
        raise RolegraphError(f"{url}: the endpoint broke off its answer ({type(e).__name__}: {excerpt(str(e))})") from None
    except (urllib.error.URLError, OSError) as e:
        reason = getattr(e, "reason", e)
        raise RolegraphError(f"{url}: cannot reach the endpoint ({reason})") from None


@dataclass(frozen=True)
class Server:
    process: subprocess.Popen[bytes]
    base: str

    @property
    def query_url(self) -> str:
        return f"{self.base}/query"

    @property
    def store_url(self) -> str:
        return f"{self.base}/store"


STORE_PREFIX = "rolegraph-store-"


@contextmanager
def serve_graph(
    graph_file: Path | None,
    *,
    port: int,
    read_only: bool = True,
    allow_service: bool = False,
    use_store: bool = True,
    note: Callable[[str], None] | None = None,
) -> Iterator[Server]:
    """An Oxigraph server holding GRAPH_FILE (or empty) behind a gate on 127.0.0.1:PORT that
    refuses SERVICE unless allowed; stopped, and its temporary store removed, on exit.

    The build's store beside GRAPH_FILE (or GRAPH_FILE itself, a store folder) is served
    read-only as it is, without loading; writable, the server gets a copy of it (a RocksDB
    checkpoint: hard links where the file system allows), so the build's store is never changed."""
    from graph.gate import Gate
    from graph.store import stamp_graph_beside, usable_store

    binary = oxigraph_binary()
    store: Path | None = None
    if graph_file is not None and graph_file.is_dir():
        stamp_graph_beside(graph_file, note)
        store = graph_file
    elif graph_file is not None and not graph_file.is_file():
        raise RolegraphError(f"{graph_file}: no graph file here; run 'rolegraph build' first")
    elif graph_file is not None and use_store:
        store = usable_store(graph_file, note)
    if store is not None:
        from graph.store import open_store

        open_store(store)  # a clear error now (not a store, in use …) rather than a server that stops
    try:
        gate = Gate(("127.0.0.1", port), ("127.0.0.1", _free_port()), allow_service=allow_service)
    except OSError as e:
        raise RolegraphError(
            f"port {port} on 127.0.0.1 is taken ({e.strerror}): stop what listens there or give --port"
        ) from None
    remove_stale_stores()
    try:
        with tempfile.TemporaryDirectory(prefix=f"{STORE_PREFIX}{os.getpid()}-") as location:
            if store is not None and read_only:
                location = str(store)  # served as it is: a read-only server writes nothing there
            elif store is not None:
                _copy_store(binary, store, Path(location))
            elif graph_file is not None:
                _load(binary, graph_file, location)
            process = _start_oxigraph(binary, location, gate.upstream, read_only=read_only)
            try:
                _wait_until_up(Server(process, "http://{}:{}".format(*gate.upstream)))
                gate.start()
                try:
                    yield Server(process, f"http://127.0.0.1:{port}")
                finally:
                    gate.shutdown()
            finally:
                _stop(process)
    finally:
        gate.server_close()


def _load(binary: str, graph_file: Path, location: str) -> None:
    loaded = subprocess.run([binary, "load", "--location", location, "--file", str(graph_file)], capture_output=True)
    if loaded.returncode != 0:
        raise RolegraphError(f"{graph_file}: oxigraph could not load it: {loaded.stderr.decode(errors='replace')}")


def _copy_store(binary: str, store: Path, location: Path) -> None:
    """A writable copy of the store in ``location`` (an empty folder): 'oxigraph backup'."""
    location.rmdir()  # the backup makes the folder itself
    copied = subprocess.run([binary, "backup", "--location", str(store), "--destination", str(location)], capture_output=True)
    if copied.returncode != 0:
        location.mkdir(exist_ok=True)
        raise RolegraphError(f"{store}: oxigraph could not copy it: {excerpt(copied.stderr.decode(errors='replace').strip())}")


def _start_oxigraph(binary: str, location: str, address: tuple[str, int], *, read_only: bool) -> subprocess.Popen[bytes]:
    mode = "serve-read-only" if read_only else "serve"
    return subprocess.Popen(
        [binary, mode, "--location", location, "--bind", "{}:{}".format(*address)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        process_group=0,  # a group of its own: a terminal's signals reach rolegraph, which stops it in order
        preexec_fn=functools.partial(die_with_parent, os.getpid()) if sys.platform == "linux" else None,
    )


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    if process.stderr is not None:
        process.stderr.close()


def remove_stale_stores(folder: Path | None = None) -> list[Path]:
    """Remove the temporary stores of servers whose rolegraph process is gone (killed with -9:
    its child died with it, the store stayed). The folder name carries the PID."""
    removed = []
    for store in sorted(Path(folder or tempfile.gettempdir()).glob(f"{STORE_PREFIX}*-*")):
        pid = store.name.removeprefix(STORE_PREFIX).split("-")[0]
        if pid.isdigit() and store.is_dir() and not _alive(int(pid)):
            shutil.rmtree(store, ignore_errors=True)
            removed.append(store)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_until_up(server: Server, *, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            error = server.process.stderr.read().decode(errors="replace") if server.process.stderr else ""
            raise RolegraphError(f"the oxigraph server stopped: {error.strip() or 'no message'}")
        try:
            remote_query(server.query_url, "ASK {}")
            return
        except RolegraphError:
            time.sleep(0.1)
    raise RolegraphError(f"the oxigraph server did not answer on {server.base} within {seconds:.0f} s")
