"""Files of the caches written whole or not at all: a build that reads one while another build
writes it sees the old file or the new one, never half of either."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import BinaryIO


@contextmanager
def replaced_atomically(path: Path) -> Iterator[BinaryIO]:
    """A new file to write that takes ``path``'s place when the block ends; removed instead when
    the block fails. Its folder is made if need be. The temporary name holds the process id and
    random bytes, and is created exclusively: two builds sharing a cache, even from two
    containers whose processes have the same id, never write one temporary file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.partial")
    try:
        with partial.open("xb") as f:
            yield f
        partial.replace(path)
    except BaseException:
        with suppress(OSError):
            partial.unlink()
        raise
