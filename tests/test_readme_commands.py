"""Every command of the README's "Using it" block runs as written on the bundled corpus."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from graph.paths import QUERIES_DIR, ROOT

README = ROOT / "README.md"
BIN = Path(sys.executable).parent
pytestmark = pytest.mark.server


def readme_commands() -> list[list[str]]:
    """The commands of the README's first shell block after '## Using it', as argument lists."""
    text = README.read_text(encoding="utf-8")
    block = re.search(r"## Using it\n.*?```sh\n(.*?)```", text, re.S)
    assert block, "README has no shell block under '## Using it'"
    commands = [shlex.split(line, comments=True) for line in block.group(1).splitlines()]
    return [c for c in commands if c and c[0] == "rolegraph" or c[:1] == ["&"]]


def _wait_for_port(port: int, process: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"serve on port {port} exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"nothing listens on port {port} after {seconds} s")


def test_the_readme_lists_the_commands() -> None:
    names = [c[1] for c in readme_commands()]
    assert {"build", "show", "chain", "overlaps", "queries", "query", "validate", "serve", "push"} <= set(names)


def test_every_command_of_the_readme_runs_as_written(tmp_path: Path) -> None:
    if shutil.which("oxigraph", path=str(BIN)) is None:
        pytest.skip("the oxigraph server is not installed in this environment")
    (tmp_path / "queries").mkdir()
    shutil.copy(QUERIES_DIR / "role-names.rq", tmp_path / "queries" / "role-names.rq")
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    servers: list[subprocess.Popen[bytes]] = []
    outputs: dict[str, str] = {}
    try:
        for args in readme_commands():
            background = args[-1] == "&"
            args = [str(BIN / "rolegraph"), *[a for a in args[1:] if a != "&"]]
            if background:
                port = int(args[args.index("--port") + 1])
                server = subprocess.Popen(args, cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                servers.append(server)
                _wait_for_port(port, server)
                continue
            done = subprocess.run(args, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
            assert done.returncode == 0, f"{shlex.join(args[1:])}: exit {done.returncode}\n{done.stderr}"
            assert "Traceback" not in done.stderr
            outputs[" ".join(args[1:3])] = done.stdout
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)
    assert "5 organizations, 54 posts, 466 duties" in outputs["build"]
    assert "出纳 → 主办会计 → 财务经理" in outputs["chain 出纳"]
    assert "conforms" in outputs["validate out/org.ttl"]
    assert "出纳" in outputs["query reporting-chain"] and "主办会计" in outputs["query reporting-chain"]
    assert outputs["query shared-duties"].count("\n") > 2
