"""Pieces of work done in processes forked from the build, their results in the order asked.

Forked, a worker sees the build's state as it was at the fork (a model of millions of objects)
without its being pickled: only a piece's description goes out, and its result comes back. At
most ``AHEAD`` results a worker are asked for ahead of the one the caller waits for, so memory
holds a few results, not all of them. With one job, or where processes cannot be forked, the
pieces are done here, one after the other: the results are the same.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice
from multiprocessing import get_all_start_methods, get_context
from typing import Any, TypeVar

from graph.lifetime import die_with_parent

S = TypeVar("S")
T = TypeVar("T")
R = TypeVar("R")

AHEAD = 2

# what the workers see: set before they are forked, cleared once they are done
_state: Any = None


def ordered_map(function: Callable[[S, T], R], state: S, tasks: Sequence[T], *, jobs: int) -> Iterator[R]:
    """``function(state, task)`` for each task, in the order of ``tasks``, in up to ``jobs``
    forked processes."""
    if jobs <= 1 or len(tasks) <= 1 or "fork" not in get_all_start_methods():
        yield from (function(state, task) for task in tasks)
        return
    global _state
    _state = state
    try:
        workers = min(jobs, len(tasks))
        pool = ProcessPoolExecutor(workers, mp_context=get_context("fork"), initializer=die_with_parent, initargs=(os.getpid(),))
        with pool:
            waiting = iter(tasks)
            pending: deque[Future[R]] = deque(pool.submit(_call, function, task) for task in islice(waiting, AHEAD * workers))
            while pending:
                result = pending.popleft().result()
                pending.extend(pool.submit(_call, function, task) for task in islice(waiting, 1))
                yield result
    finally:
        _state = None


def _call(function: Callable[[Any, T], R], task: T) -> R:
    """In a worker: the function on the state the worker was forked with."""
    return function(_state, task)
