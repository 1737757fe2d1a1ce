"""SERVICE makes an engine send a request to any address: refused unless --allow-service.
Seen with a listener on 127.0.0.1 that counts the requests it gets."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from graph.cli import main
from graph.pipeline import BuildResult
from graph.queries import uses_service

EMPTY = json.dumps({"head": {"vars": ["o"]}, "results": {"bindings": [{"o": {"type": "literal", "value": "from afar"}}]}})


class Listener(ThreadingHTTPServer):
    hits = 0


class Answer(BaseHTTPRequestHandler):
    server: Listener

    def _answer(self) -> None:
        self.server.hits += 1
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        body = EMPTY.encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *_: object) -> None:
        pass


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = Listener(("127.0.0.1", 0), Answer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def service_query(server: Listener) -> str:
    return f"SELECT ?o WHERE {{ SERVICE <http://127.0.0.1:{server.server_address[1]}/sparql> {{ ?s ?p ?o }} }}"


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_service_is_refused_unless_allowed(built: BuildResult, listener: Listener, engine: str) -> None:
    args = ("query", "-e", service_query(listener), "--graph", str(built.out / "org.ttl"), "--engine", engine)
    refused = invoke(*args)
    assert refused.exit_code == 2, refused.output
    assert "the query has a SERVICE clause" in refused.output and "--allow-service" in refused.output
    assert "Traceback" not in refused.output
    assert listener.hits == 0
    allowed = invoke(*args, "--allow-service", "--format", "csv")
    assert allowed.exit_code == 0, allowed.output
    assert listener.hits >= 1 and allowed.output.splitlines() == ["o", "from afar"]


def test_service_hidden_in_a_bound_query_file_or_escapes_is_refused(
    built: BuildResult, listener: Listener, tmp_path: Path
) -> None:
    graph = str(built.out / "org.ttl")
    port = listener.server_address[1]
    query = tmp_path / "far.rq"
    query.write_text(
        f"# asks afar\nSELECT ?o WHERE {{\n  ?x ?y ?givenRole .\n  service <http://127.0.0.1:{port}/> {{ ?s ?p ?o }}\n}}\n",
        encoding="utf-8",
    )
    assert invoke("query", str(query), "--graph", graph, "--bind", "givenRole=1").exit_code == 2
    # SPARQL reads \\u escapes before anything else: SERVI\\u0043E is SERVICE
    escaped = f"SELECT ?o WHERE {{ SERVI\\u0043E <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }}"
    assert invoke("query", "-e", escaped, "--graph", graph).exit_code == 2
    # rdflib's parser folds keywords by upper(): ſ (long s) and ı (dotless i) spell SERVICE to it
    for word in ("ſERVICE", "SERVıCE"):
        text = f"SELECT ?o WHERE {{ {word} <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }}"
        assert invoke("query", "-e", text, "--graph", graph, "--engine", "rdflib").exit_code == 2, word
    assert listener.hits == 0


def test_service_in_a_comment_a_string_or_an_iri_is_not_one(built: BuildResult) -> None:
    text = (
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "# SERVICE <http://127.0.0.1:9/> { ?s ?p ?o }\n"
        'SELECT ?s WHERE { ?s rdfs:label ?l . FILTER(?l != "SERVICE <http://x/> { }" && ?s != <http://x/SERVICE>) } LIMIT 1'
    )
    result = invoke("query", "-e", text, "--graph", str(built.out / "org.ttl"))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "(1 row)"


def test_uses_service_reads_the_query_and_updates() -> None:
    assert uses_service("SELECT * WHERE { SERVICE SILENT <http://x/> { ?s ?p ?o } }")
    assert uses_service("SELECT * WHERE { ?a ?b ?c OPTIONAL { SERVICE ?where { ?s ?p ?o } } }")
    assert uses_service("INSERT { ?s ?p ?o } WHERE { SERVICE <http://x/> { ?s ?p ?o } }")
    assert uses_service("SELECT * WHERE { SERVICE <http://x/> { ?s ?p ?o }")  # unparseable: judged by its words
    assert not uses_service("SELECT * WHERE { ?s <http://x/service> 'service' }")
    assert not uses_service("SELECT ?service WHERE { ?service ?p ?o }")


@pytest.mark.server
def test_service_is_not_sent_to_an_endpoint(listener: Listener) -> None:
    result = invoke("query", "-e", service_query(listener), "--endpoint", f"http://127.0.0.1:{listener.server_address[1]}/q")
    assert result.exit_code == 2 and "--allow-service" in result.output
    assert listener.hits == 0


def _read_request(conn: socket.socket) -> None:
    """The whole request, so that closing does not reset the connection under the client."""
    data = b""
    while b"\r\n\r\n" not in data:
        data += conn.recv(65536)
    head, _, body = data.partition(b"\r\n\r\n")
    length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")), 0)
    while len(body) < length:
        body += conn.recv(65536)


def _closing_listener(reply: bytes) -> tuple[socket.socket, threading.Thread]:
    """A socket that reads a request, writes ``reply`` (maybe nothing) and closes the connection."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()

    def serve() -> None:
        for _ in range(2):
            try:
                conn, _ = sock.accept()
            except OSError:
                return
            with conn:
                _read_request(conn)
                conn.sendall(reply)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return sock, thread


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        (b"", "the endpoint closed the connection without answering"),
        (b'HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n{"head"', "the endpoint broke off its answer (IncompleteRead"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}", "the endpoint's answer is JSON but not SPARQL results"),
    ],
)
def test_an_endpoint_that_hangs_up_is_a_clear_error(reply: bytes, message: str) -> None:
    sock, thread = _closing_listener(reply)
    try:
        result = invoke("query", "role-names", "--endpoint", f"http://127.0.0.1:{sock.getsockname()[1]}/query")
    finally:
        sock.close()
    assert result.exit_code == 1, result.output
    assert message in result.output and "Traceback" not in result.output


@pytest.mark.server
def test_service_in_an_update_is_not_sent_either(listener: Listener) -> None:
    port = listener.server_address[1]
    update = f"INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }}"
    result = invoke("query", "-e", update, "--endpoint", f"http://127.0.0.1:{port}/update", "--allow-update")
    assert result.exit_code == 2 and "--allow-service" in result.output
    assert listener.hits == 0
