"""Work done in processes forked from the build.

Forked, a worker sees the build's state as it was at the fork (a model of millions of objects)
without its being pickled: only a task's description goes out, and its result comes back.
``ordered_map`` spreads pieces of work over workers and gives their results in order, asking
for at most ``AHEAD`` results a worker ahead of the one it waits for, so that memory holds a
few results, not all of them; ``Aside`` does one piece of work in a process of its own while
the build goes on. With one job, or where processes cannot be forked, the work is done here,
in the same order: the results are the same.
"""

from __future__ import annotations

import itertools
import os
from collections import deque
from collections.abc import Callable, Generator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from multiprocessing import get_all_start_methods, get_context
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any, Generic, TypeVar, cast

from graph.errors import RolegraphError
from graph.lifetime import die_with_parent

S = TypeVar("S")
T = TypeVar("T")
R = TypeVar("R")

AHEAD = 2

# what the workers see, by a key each caller gets: set before they are forked, cleared after
_states: dict[int, Any] = {}
_keys = itertools.count()


def can_fork() -> bool:
    return "fork" in get_all_start_methods()


# A forked process shares the build's pages until it writes to them, and reading an object
# writes its reference count: at 10,000 stores each of the three processes forked to emit came
# to hold about half of the build's 7 GB (the tree's PSS went from 6.8 to 16.9 GB). Each fork
# is counted as this share of the build's resident memory, with room to spare.
FORK_SHARE = 0.75


def forks_that_fit(wanted: int) -> int:
    """How many of ``wanted`` forked processes the memory still available holds, each counted
    as ``FORK_SHARE`` of this process's resident memory; ``wanted`` where that is unknown."""
    free, mine = available_bytes(), resident_bytes()
    if free is None or mine is None:
        return wanted
    return max(0, min(wanted, int(free // (FORK_SHARE * mine))))


def available_bytes() -> int | None:
    """The memory this process can still be given: the system's MemAvailable, or less where its
    memory cgroup (a container's limit) has less room; None when neither is known."""
    found = [room for room in (_meminfo_available(), cgroup_room()) if room is not None]
    return min(found) if found else None


def _meminfo_available() -> int | None:
    try:
        with open("/proc/meminfo", encoding="ascii") as info:
            for line in info:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


# a cgroup's files: (its limit, its use, the reclaimable file cache in memory.stat) in v2, then v1
_CGROUP_FILES = {
    True: ("memory.max", "memory.current", "inactive_file"),
    False: ("memory.limit_in_bytes", "memory.usage_in_bytes", "total_inactive_file"),
}
_NO_LIMIT = 1 << 60  # v1 writes 'no limit' as a number near 2**63


def cgroup_room(proc: Path = Path("/proc/self/cgroup"), root: Path = Path("/sys/fs/cgroup")) -> int | None:
    """What this process's memory cgroups may still take: the least of their limits less their
    use (reclaimable file cache not counted as used); None where no limit is set or known."""
    try:
        lines = proc.read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    rooms = []
    for line in lines:
        _, controllers, path = line.split(":", 2) if line.count(":") >= 2 else ("", "-", "")
        unified = controllers == ""
        if not unified and "memory" not in controllers.split(","):
            continue
        folder = (root if unified else root / "memory") / path.lstrip("/")
        limit_file, used_file, cache_key = _CGROUP_FILES[unified]
        limit = _number(folder / limit_file)
        if limit is None or limit >= _NO_LIMIT:
            continue
        rooms.append(max(0, limit - (_number(folder / used_file) or 0) + _stat(folder / "memory.stat", cache_key)))
    return min(rooms) if rooms else None


def _number(path: Path) -> int | None:
    try:
        return int(path.read_text(encoding="ascii").strip())
    except (OSError, ValueError):  # absent, or 'max'
        return None


def _stat(path: Path, key: str) -> int:
    try:
        for line in path.read_text(encoding="ascii").splitlines():
            name, _, value = line.partition(" ")
            if name == key:
                return int(value)
    except (OSError, ValueError):
        pass
    return 0


def resident_bytes() -> int | None:
    """This process's resident memory, or None where /proc does not tell."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def ordered_map(function: Callable[[S, T], R], state: S, tasks: Sequence[T], *, jobs: int) -> Generator[R, None, None]:
    """``function(state, task)`` for each task, in the order of ``tasks``, in up to ``jobs``
    forked processes. An error in a worker or here, a signal, or the generator closed before
    its end stops the workers at once: the pieces already asked for are not waited for."""
    if jobs <= 1 or len(tasks) <= 1 or not can_fork():
        yield from (function(state, task) for task in tasks)
        return
    key = next(_keys)
    _states[key] = state
    workers = min(jobs, len(tasks))
    pool = process_pool(workers)
    try:
        waiting = iter(tasks)
        ask = lambda task: pool.submit(_call, function, key, task)  # noqa: E731
        pending: deque[Future[R]] = deque(map(ask, itertools.islice(waiting, AHEAD * workers)))
        while pending:
            result = pending.popleft().result()
            pending.extend(map(ask, itertools.islice(waiting, 1)))
            yield result
    except BaseException:
        kill_pool(pool)
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        del _states[key]


class Aside(Generic[S, R]):
    """``function(state, None)`` in a forked process of its own while this one goes on (with
    ``fork`` false, here, when the result is asked for). The result and any error come back
    pickled: make them small (what is large, write to a file). Forked, the state is the child's
    alone: this process lets go of it."""

    def __init__(self, function: Callable[[S, None], R], state: S, *, fork: bool) -> None:
        self.function = function
        # the state, until the result is asked for here or a forked child has it: a list emptied
        # then (the child's copy of the list keeps it), since the process object keeps its args
        self.held: list[S] = [state]
        self.process: BaseProcess | None = None
        if fork and can_fork():
            context = get_context("fork")
            self.receive, send = context.Pipe(duplex=False)
            # forked: the function and its state are the child's without being pickled
            self.process = context.Process(target=_aside, args=(function, self.held, send, os.getpid()), daemon=True)
            self.process.start()
            send.close()
            self.held.clear()

    def result(self) -> R:
        if self.process is None:
            if not self.held:
                raise RuntimeError("an aside's result is asked for twice")
            return self.function(self.held.pop(), None)
        try:
            done, value = self.receive.recv()
        except EOFError:
            self.process.join()
            code = self.process.exitcode
            self._end(kill=False)
            raise RolegraphError(f"a worker of the build stopped (exit status {code})") from None
        except BaseException:  # a signal while waiting: the work is not wanted any more
            self._end(kill=True)
            raise
        self._end(kill=False)
        if not done:
            raise value
        return cast(R, value)

    def close(self) -> None:
        """Stop the process if it still runs (after a failure elsewhere)."""
        self._end(kill=True)

    def _end(self, *, kill: bool) -> None:
        if self.process is not None:
            if kill and self.process.is_alive():
                self.process.kill()
            self.process.join()
            self.receive.close()
            self.process = None


def _aside(function: Callable[[S, None], R], held: list[S], send: Connection, parent: int) -> None:
    die_with_parent(parent)
    try:
        send.send((True, function(held.pop(), None)))
    except BaseException as e:  # noqa: BLE001 - the parent raises it
        try:
            send.send((False, e))
        except Exception:  # an error that cannot be pickled: its message goes instead
            send.send((False, RolegraphError(f"{type(e).__name__}: {e}")))
    finally:
        send.close()


def kill_pool(pool: ProcessPoolExecutor) -> None:
    """Stop a pool's workers where they are (``shutdown`` would let each finish its task)."""
    processes = list((getattr(pool, "_processes", None) or {}).values())  # CPython's pid → process
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.kill()


def process_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of ``workers`` processes that end with this one: forked where that is possible
    (they inherit what is imported), else started the platform's way."""
    context = get_context("fork") if can_fork() else get_context()
    return ProcessPoolExecutor(workers, mp_context=context, initializer=die_with_parent, initargs=(os.getpid(),))


def _call(function: Callable[[Any, T], R], key: int, task: T) -> R:
    """In a worker: the function on the state the worker was forked with."""
    return function(_states[key], task)
