"""Against a real SPARQL server process (Oxigraph) on loopback: push, query, serve."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from graph.cli import main
from graph.endpoint import RemoteEngine, remote_query, serve_graph
from graph.engine import open_engine
from graph.pipeline import BuildResult
from graph.queries import bundled_queries, find_query, parse_bindings
from graph.serialize import read_graph

pytestmark = pytest.mark.server
BINDINGS = {
    "reporting-chain": ("givenRole=主办会计",),
    "role-clusters": ("givenRole=服务经理",),
    "role-duties": ("givenRole=出纳",),
    "role-links": ("givenRole=主办会计",),
}
# and about one organization, named as a user names it (looked up on the server)
ONE_ORGANIZATION = {
    "shared-duties": ("givenRole=索赔员", "givenOrganization=第一篇"),
    "posts-without-superior": ("givenOrganization=第三篇",),
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_push_then_every_bundled_query_gives_the_same_rows(built: BuildResult) -> None:
    graph_file = built.out / "org.ttl"
    local_graph = read_graph(graph_file)
    engine = open_engine(graph_file)
    with serve_graph(None, port=free_port(), read_only=False) as server:
        pushed = CliRunner().invoke(main, ["push", str(graph_file), "--endpoint", server.store_url])
        assert pushed.exit_code == 0, pushed.output
        count = remote_query(server.query_url, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[1][0][0]
        assert int(count) == len(local_graph)
        for stored in bundled_queries():
            bindings = parse_bindings(BINDINGS.get(stored.name, ()))
            local = engine.select(stored.text, bindings)
            remote = RemoteEngine(server.query_url).select(stored.text, bindings)
            assert remote[0] == local[0], stored.name
            assert remote[1] == local[1], stored.name
            assert local[1], stored.name
        for name, given in ONE_ORGANIZATION.items():
            text, bindings = find_query(name).text, parse_bindings(given)
            local = engine.select(text, bindings)
            assert local[1] and RemoteEngine(server.query_url).select(text, bindings) == local, name
        via_cli = CliRunner().invoke(
            main, ["query", "reporting-chain", "--endpoint", server.query_url, "--bind", "givenRole=出纳", "--format", "csv"]
        )
        assert via_cli.output.splitlines() == ["role,rank,superior", "出纳,7,主办会计", "主办会计,5,财务经理", "财务经理,3,"]


def test_named_graph_and_update_policy(built: BuildResult) -> None:
    with serve_graph(None, port=free_port(), read_only=False) as server:
        iri = "https://example.org/graphs/dealer-1"
        result = CliRunner().invoke(
            main, ["push", str(built.out / "org.ttl"), "--endpoint", server.store_url, "--named-graph", iri]
        )
        assert result.exit_code == 0, result.output
        assert remote_query(server.query_url, f"ASK {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}")[1] == [["true"]]
        update = ["query", "-e", "INSERT DATA { <urn:a> <urn:b> <urn:c> }", "--endpoint", server.base + "/update"]
        refused = CliRunner().invoke(main, update)
        assert refused.exit_code == 1 and "--allow-update" in refused.output
        assert remote_query(server.query_url, "ASK { <urn:a> <urn:b> <urn:c> }")[1] == [["false"]]
        allowed = CliRunner().invoke(main, [*update, "--allow-update"])
        assert allowed.exit_code == 0, allowed.output
        assert remote_query(server.query_url, "ASK { <urn:a> <urn:b> <urn:c> }")[1] == [["true"]]


def test_serve_command_prints_the_address_and_answers(built: BuildResult) -> None:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "graph.cli", "serve", str(built.out / "org.ttl"), "--port", str(port)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        first = process.stdout.readline() if process.stdout else ""
        assert first.strip() == f"SPARQL endpoint: http://127.0.0.1:{port}/query"
        columns, rows = remote_query(
            f"http://127.0.0.1:{port}/query", "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/rolegraph/ontology#Post> }"
        )
        assert rows == [["54"]]
        refused = CliRunner().invoke(main, ["push", str(built.out / "org.ttl"), "--endpoint", f"http://127.0.0.1:{port}/store"])
        assert refused.exit_code == 1  # served read-only
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()
    time.sleep(0.2)
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", port)) != 0  # the oxigraph child stopped with it


def test_unreachable_endpoint_is_a_clear_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["query", "roles-by-department", "--endpoint", f"http://127.0.0.1:{free_port()}/query"])
    assert result.exit_code == 1 and "cannot reach the endpoint" in result.output
