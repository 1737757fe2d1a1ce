"""The programs rolegraph runs besides itself: the ``oxigraph`` server, loader and converter."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from graph.errors import RolegraphError


def oxigraph_binary() -> str:
    """The ``oxigraph`` program from the PyPI package of that name: beside this interpreter
    (a virtual environment's bin/), else on PATH."""
    beside = Path(sys.executable).parent / "oxigraph"
    found = str(beside) if beside.is_file() else shutil.which("oxigraph")
    if found is None:
        raise RolegraphError("the oxigraph server is not installed: pip install oxigraph")
    return found
