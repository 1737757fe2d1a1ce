"""Worker processes that end with the process that started them, even when it is killed."""

from __future__ import annotations

import sys

PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """In a child: ask the kernel to kill it when its parent dies, SIGKILL included (Linux);
    elsewhere nothing is done and a killed build may leave its worker to finish alone."""
    if sys.platform != "linux":
        return
    import ctypes
    import signal

    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
