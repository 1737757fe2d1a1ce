"""Worker processes that end with the process that started them, even when it is killed."""

from __future__ import annotations

import os
import sys

PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int | None = None) -> None:
    """In a child: ask the kernel to kill it when its parent dies, SIGKILL included (Linux).

    ``parent`` is the pid of the process that started it: if that one died before the request
    was made (the child was forked, then its parent killed at once), the child exits now, for the
    kernel would never send the signal. Elsewhere than Linux nothing is done."""
    if sys.platform != "linux":
        return
    import ctypes
    import signal

    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if parent is not None and os.getppid() != parent:
        os._exit(1)
