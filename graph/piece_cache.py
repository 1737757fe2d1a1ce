"""The graph's pieces kept between builds, keyed by what they are made of.

A rebuild after one store's file changed makes again only the pieces that hold that store's
posts, and the overlaps that changed with them; the Turtle and JSON-LD of every other piece are
taken from here. A piece's key is a digest of the emitter's code, the libraries that write its
bytes, and every value its triples are made from (``Emitter.inputs``): a piece whose inputs
changed in any way is made again, since a stale piece would be a wrong graph.

Pieces no build has used lately are removed: after each build, the folder holds this build's
pieces and at most as many bytes again of older ones (the least recently used are removed
first); pieces of another version of the emitter are removed at once, since none can be used.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import stat
import struct
from contextlib import suppress
from functools import cache
from pathlib import Path

from graph.atomic import replaced_atomically
from graph.paths import PACKAGE_DIR
from graph.serialize import Serialized, Stored
from graph.versions import code_version

log = logging.getLogger(__name__)
# the code a piece's bytes depend on, beside the values it is made from
EMIT_CODE = ("emit.py", "serialize.py", "namespace.py", "script.py", "memo.py", "model.py", "relate.py")
LIBRARIES = ("pyoxigraph", "opencc")
_MAGIC = b"RGP2"
_HEADER = struct.Struct("<4sQQQ")  # magic, bytes of Turtle, bytes of JSON-LD, triples; then both
KEEP_OLD = 1.0  # older pieces kept, as a share of this build's bytes


class PieceCache:
    """A folder of serialized pieces, one file each, named by the piece's key."""

    def __init__(self, folder: Path) -> None:
        self.root = folder
        self.folder = folder / emitter_version()  # a version's pieces, in a folder of their own
        self.used: set[str] = set()
        self.hits = 0

    def key(self, part: str, inputs: bytes) -> str:
        digest = hashlib.sha256(emitter_version().encode())
        digest.update(part.encode() + b"\0")
        digest.update(inputs)
        return digest.hexdigest()

    def holds(self, key: str) -> bool:
        return self._path(key).is_file()

    def load(self, key: str, *, made: bool = False) -> Stored | None:
        """The piece of this key, open, as spans of its file; None where it is absent or damaged
        (its header wrong, its size not the header's). ``made``: kept by this build, not a hit."""
        path = self._path(key)
        try:
            f = path.open("rb")
        except OSError:
            return None
        try:
            header, size = f.read(_HEADER.size), os.fstat(f.fileno()).st_size
        except OSError:
            header, size = b"", 0
        magic, turtle, jsonld, triples = _HEADER.unpack(header) if len(header) == _HEADER.size else (b"", 0, 0, 0)
        if magic != _MAGIC or _HEADER.size + turtle + jsonld != size:
            f.close()
            return None
        with suppress(OSError):  # recently used: kept by the next prune (a cache read-only here keeps it anyway)
            os.utime(path)
        self.used.add(key)
        self.hits += not made
        return Stored(f, (_HEADER.size, turtle), (_HEADER.size + turtle, jsonld), triples)

    def store(self, key: str, piece: Serialized) -> bool:
        """Write a piece atomically; whether it was written (a cache that cannot be written is
        only a slower next build)."""
        path = self._path(key)
        self.used.add(key)
        try:
            with replaced_atomically(path) as f:
                f.write(_HEADER.pack(_MAGIC, len(piece.turtle), len(piece.jsonld), piece.triples))
                f.write(piece.turtle)
                f.write(piece.jsonld)
        except OSError as e:
            log.warning("cannot write the graph's pieces to the cache %s: %s", self.folder, e)
            return False
        return True

    def prune(self) -> int:
        """Remove the pieces of other versions, and older pieces beyond ``KEEP_OLD`` of this
        build's bytes, least recently used first; how many older pieces were removed."""
        try:
            for other in self.root.iterdir():
                if other.is_dir() and other != self.folder:
                    shutil.rmtree(other, ignore_errors=True)
        except OSError:
            return 0
        files = []
        for path in self.folder.glob("*/*"):
            with suppress(OSError):  # gone meanwhile: another build pruned it
                found = path.stat()
                if stat.S_ISREG(found.st_mode):
                    files.append((found.st_mtime, found.st_size, path))
        kept = sum(size for _, size, p in files if p.name in self.used)
        older = sorted((f for f in files if f[2].name not in self.used), key=lambda f: (f[0], f[2].name))
        room, removed = KEEP_OLD * kept, 0
        total_old = sum(size for _, size, _ in older)
        for _, size, path in older:
            if total_old <= room:
                break
            try:
                path.unlink()
            except OSError:
                continue
            total_old -= size
            removed += 1
        return removed

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / key


def emitter_version() -> str:
    """The package's version, the libraries' and a digest of the emitter's code: a change to
    any of them makes every cached piece stale."""
    return _emitter_version()


@cache
def _emitter_version() -> str:
    return code_version((PACKAGE_DIR / name for name in EMIT_CODE), LIBRARIES)
