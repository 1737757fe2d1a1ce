"""The output folder: what ``--out`` may replace, and the staging folder a build writes into.

A build never deletes a file it did not write. ``out`` is replaced only when it is missing,
empty, marked as rolegraph's by ``MARKER`` (left by every build), or holds nothing but the
five outputs and the store folder (a folder written before the marker existed). Anything else is refused before
the build starts. A staging folder carries its builder's PID in its name, so that the next
build can remove the staging folders of builds that were killed.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from graph.errors import OutputFolderError

log = logging.getLogger(__name__)

OUTPUT_FILES = ("org.ttl", "org.jsonld", "org-graph.html", "overlaps.csv", "build-report.json")
# the folder of the page's store files, beside it, in the split layout (graph/page.py, from 500 stores)
PAGE_STORES = "org-graph-stores"
# the on-disk Oxigraph store of a graph file is named after it: org.ttl → org.oxigraph (graph/store.py)
STORE_SUFFIX = ".oxigraph"
# and the folders a build may write beside them: the store of org.ttl, the page's store files
OUTPUT_FOLDERS = (Path(OUTPUT_FILES[0]).with_suffix(STORE_SUFFIX).name, PAGE_STORES)
MARKER = ".rolegraph-out"
MARKER_TEXT = "This folder was written by 'rolegraph build'; the next build into it replaces it whole.\n"
STAGING_INFIX = ".staging-"
OLD_INFIX = ".old-"
SHOWN = 3  # names of foreign files quoted in the refusal


def check_out_folder(out: Path, sources: Iterable[Path]) -> None:
    """Refuse an ``out`` that is not a file, holds a source, or holds files rolegraph did not write."""
    resolved = out.resolve()
    for source in sources:
        where = source.resolve()
        if where == resolved or resolved in where.parents:
            raise OutputFolderError(f"--out {out}: holds the source {source}; a build replaces its output folder whole")
    if not out.exists() and not out.is_symlink():
        return
    if out.is_symlink() or not out.is_dir():
        raise OutputFolderError(f"--out {out}: exists and is not a folder; choose another --out")
    if (out / MARKER).is_file():
        return
    foreign = sorted(p.name for p in out.iterdir() if not _ours(p))
    if foreign:
        listed = ", ".join(foreign[:SHOWN]) + (f" and {len(foreign) - SHOWN} more" if len(foreign) > SHOWN else "")
        raise OutputFolderError(
            f"--out {out}: the folder holds files rolegraph did not write ({listed}); "
            "a build replaces its output folder whole, so choose an empty or new folder"
        )


def _ours(path: Path) -> bool:
    if path.name in OUTPUT_FOLDERS:
        return path.is_dir() and not path.is_symlink()
    return path.name in OUTPUT_FILES


@contextmanager
def staging_folder(out: Path) -> Iterator[Path]:
    """A folder beside ``out`` to write into; it replaces ``out`` only if the block succeeds."""
    out.parent.mkdir(parents=True, exist_ok=True)
    remove_stale(out)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}{STAGING_INFIX}{os.getpid()}-", dir=out.parent))
    try:
        yield staging
        (staging / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
        os.chmod(staging, 0o755)
        old = None
        if out.exists():
            old = out.parent / f".{out.name}{OLD_INFIX}{os.getpid()}"
            out.rename(old)
        staging.rename(out)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def remove_stale(out: Path) -> list[Path]:
    """Remove the staging and replaced folders of ``out`` left by builds that are no longer running."""
    removed: list[Path] = []
    for infix in (STAGING_INFIX, OLD_INFIX):
        for path in sorted(out.parent.glob(f".{out.name}{infix}*")):
            pid = _pid_of(path.name[len(f".{out.name}{infix}") :])
            if pid is None or pid == os.getpid() or _alive(pid):
                continue
            shutil.rmtree(path, ignore_errors=True)
            log.info("removed %s, left by build %d", path, pid)
            removed.append(path)
    return removed


def _pid_of(tail: str) -> int | None:
    head = tail.split("-", 1)[0]
    return int(head) if head.isdigit() else None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
