"""kill -9 of a build: its workers die with it, and the next build removes what it left."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="children are found through /proc")


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found |= {int(c) for c in (task / "children").read_text().split()}
        except OSError:
            continue
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split()[2]
    except OSError:
        return False
    return state != "Z"


def _until(condition: object, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.05)
    return False


def test_the_check_worker_dies_with_a_killed_build_and_the_next_build_cleans_up(tmp_path: Path) -> None:
    out = tmp_path / "out"
    command = [sys.executable, "-m", "graph.cli", "build", "--out", str(out), "-q", "--no-cache", "--jobs", "1"]
    build = subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert _until(lambda: _children(build.pid), 60), "the build started no worker"
        workers = _children(build.pid)
        os.kill(build.pid, signal.SIGKILL)
        build.wait(timeout=30)
        assert _until(lambda: not any(_alive(w) for w in workers), 30), f"workers {workers} outlived the build"
    finally:
        if build.poll() is None:
            build.kill()
    again = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no staging folder of the killed build
