"""The wheel, as a user gets it: built, installed in a fresh environment, run from another folder.

The fresh environment finds the dependencies in this one's site-packages (a .pth file), but
rolegraph itself only in the wheel: nothing of the checkout is on its path."""

from __future__ import annotations

import csv
import importlib.util
import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from graph.paths import PACKAGE_DIR

CHECKOUT = PACKAGE_DIR.parent


def run(args: list[str | Path], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    return subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=120, env={**clean, **env})


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bin folder of a fresh venv with the wheel installed (not editable)."""
    base = tmp_path_factory.mktemp("install")
    dist = base / "dist"
    # the test extra has the build backend: nothing to fetch; else pip fetches it
    isolation = ["--no-build-isolation"] if importlib.util.find_spec("hatchling") else []
    built = run([sys.executable, "-m", "pip", "wheel", "--no-deps", *isolation, "-w", dist, CHECKOUT], cwd=base)
    assert built.returncode == 0, built.stderr
    assert "BuildBackendWarning" not in built.stdout + built.stderr
    venv = base / "venv"
    assert run([sys.executable, "-m", "venv", "--without-pip", venv], cwd=base).returncode == 0
    pip = [sys.executable, "-m", "pip", "--python", venv / "bin" / "python", "install", "--no-deps", "--no-index"]
    done = run([*pip, "--find-links", dist, "rolegraph"], cwd=base)
    assert done.returncode == 0, done.stderr
    # then the dependencies, from this environment (added after: its editable rolegraph is not seen by pip)
    purelib = run([venv / "bin" / "python", "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], cwd=base)
    (Path(purelib.stdout.strip()) / "_rolegraph_test_deps.pth").write_text(sysconfig.get_path("purelib") + "\n", encoding="utf-8")
    return venv / "bin"


def test_the_wheel_holds_the_data_the_license_and_the_entry_module(installed: Path) -> None:
    (wheel,) = (installed.parent.parent / "dist").glob("rolegraph-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in (
        "graph/bundled/ontology/role.ttl",
        "graph/bundled/ontology/shapes.ttl",
        "graph/bundled/ontology/dealership.ttl",
        "graph/bundled/queries/role-names.rq",
        "graph/bundled/data/corrections.tsv",
        "graph/bundled/data/4s-dealership-roles.txt",
        "graph/templates/org-graph.html",
        "rolegraph.py",
    ):
        assert name in names, name
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert len([n for n in names if n.startswith("graph/bundled/queries/")]) == len(list((CHECKOUT / "queries").glob("*.rq")))
    assert not [n for n in names if "__pycache__" in n or n.startswith(("tests/", "bench/"))]


def test_the_installed_command_builds_lists_queries_and_validates(installed: Path, tmp_path: Path) -> None:
    where = run(
        [installed / "python", "-c", "import graph, graph.paths as p; print(graph.__file__); print(p.ROOT)"], cwd=tmp_path
    )
    package, root = where.stdout.split()
    assert not package.startswith(str(CHECKOUT)) and root == str(Path(package).parent / "bundled")
    rolegraph = installed / "rolegraph"
    build = run([rolegraph, "build", "--out", "out", "--no-validate"], cwd=tmp_path)
    assert build.returncode == 0, build.stderr
    assert "5 organizations, 54 posts, 466 duties" in build.stdout
    assert (tmp_path / "out" / "org.ttl").is_file() and (tmp_path / "out" / "org-graph.html").is_file()
    listed = run([rolegraph, "queries"], cwd=tmp_path)
    names = [line.split()[0] for line in listed.stdout.splitlines() if not line.startswith(" ")]
    assert listed.returncode == 0 and len(names) >= 12 and "role-names" in names
    asked = run([rolegraph, "query", "role-names", "--format", "csv"], cwd=tmp_path)
    assert asked.returncode == 0, asked.stderr
    rows = list(csv.reader(asked.stdout.splitlines()))
    assert rows[0] == ["name", "role"] and ["出納", "出纳"] in rows and len(rows) > 34
    checked = run([rolegraph, "validate", "out/org.ttl"], cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "out/org.ttl: conforms to the contract's shapes" in checked.stdout


def test_another_projects_graph_package_is_named(installed: Path, tmp_path: Path) -> None:
    shadow = tmp_path / "shadow"
    (shadow / "graph").mkdir(parents=True)
    (shadow / "graph" / "__init__.py").write_text('"""Another project\'s graph library."""\n', encoding="utf-8")
    info = shadow / "graph_tools-2.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: graph-tools\nVersion: 2.0\n", encoding="utf-8")
    (info / "RECORD").write_text("graph/__init__.py,,\n", encoding="utf-8")
    result = run([installed / "rolegraph", "queries"], cwd=tmp_path, PYTHONPATH=str(shadow))
    assert result.returncode == 1
    assert f"'import graph' finds {shadow / 'graph' / '__init__.py'}, a package installed by graph-tools" in result.stderr
    assert "pip uninstall graph-tools" in result.stderr and "Traceback" not in result.stderr
    # without it, the same command runs
    assert run([installed / "rolegraph", "queries"], cwd=tmp_path).returncode == 0
