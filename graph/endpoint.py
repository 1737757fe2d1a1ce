"""SPARQL 1.1 over HTTP: query any endpoint, push a graph with the Graph Store Protocol, and
serve a built graph locally with the Oxigraph server."""

from __future__ import annotations

import http.client
import json
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from graph.errors import QueryError, RolegraphError, excerpt
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


def oxigraph_binary() -> str:
    """The ``oxigraph`` server program from the PyPI package of that name."""
    beside = Path(sys.executable).parent / "oxigraph"
    found = str(beside) if beside.is_file() else shutil.which("oxigraph")
    if found is None:
        raise RolegraphError("the oxigraph server is not installed: pip install oxigraph")
    return found


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


@contextmanager
def serve_graph(graph_file: Path | None, *, port: int, read_only: bool = True) -> Iterator[Server]:
    """An Oxigraph server on 127.0.0.1:PORT holding GRAPH_FILE (or empty), stopped on exit."""
    binary = oxigraph_binary()
    with tempfile.TemporaryDirectory(prefix="rolegraph-store-") as location:
        if graph_file is not None:
            if not graph_file.is_file():
                raise RolegraphError(f"{graph_file}: no graph file here; run 'rolegraph build' first")
            loaded = subprocess.run([binary, "load", "--location", location, "--file", str(graph_file)], capture_output=True)
            if loaded.returncode != 0:
                raise RolegraphError(f"{graph_file}: oxigraph could not load it: {loaded.stderr.decode(errors='replace')}")
        mode = "serve-read-only" if read_only else "serve"
        process = subprocess.Popen(
            [binary, mode, "--location", location, "--bind", f"127.0.0.1:{port}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        server = Server(process, f"http://127.0.0.1:{port}")
        try:
            _wait_until_up(server)
            yield server
        finally:
            process.terminate()
            process.wait(timeout=10)
            if process.stderr is not None:
                process.stderr.close()


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
