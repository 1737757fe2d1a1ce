"""What a cached result was made by: the package's version, the libraries' and the code's bytes.

The reading cache, the graph's pieces, the role scores and the org-chart layouts are each kept
under such a digest of the code that makes them, so that a change to that code makes what was
kept stale."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from importlib.metadata import version
from pathlib import Path

from graph import __version__


def code_version(files: Iterable[Path], libraries: Iterable[str] = ()) -> str:
    """A digest of the package's version, each library's version and each file's name and bytes."""
    digest = hashlib.sha256(__version__.encode() + b"\0")
    for library in libraries:
        digest.update(f"{library} {version(library)}\0".encode())
    for file in files:
        digest.update(file.name.encode() + b"\0")
        digest.update(file.read_bytes())
    return digest.hexdigest()[:16]
