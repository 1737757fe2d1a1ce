"""Work in forked processes: results in the order asked, errors raised in the parent, and a
worker that is no longer needed stopped."""

from __future__ import annotations

import os
import signal
import time
import weakref
from pathlib import Path

import pytest

from graph import workers
from graph.errors import RolegraphError
from graph.workers import Aside, forks_that_fit, ordered_map


def _square_and_pid(offset: int, task: int) -> tuple[int, int]:
    if task == 3:
        time.sleep(0.2)  # a slow piece: the ones after it wait their turn
    return task * task + offset, os.getpid()


def test_results_come_in_the_order_of_the_tasks_from_forked_workers() -> None:
    results = list(ordered_map(_square_and_pid, 100, list(range(8)), jobs=2))
    assert [value for value, _ in results] == [100, 101, 104, 109, 116, 125, 136, 149]
    pids = {pid for _, pid in results}
    assert len(pids) == 2 and os.getpid() not in pids


def test_one_job_does_the_work_here() -> None:
    assert list(ordered_map(_square_and_pid, 0, [2, 3], jobs=1)) == [(4, os.getpid()), (9, os.getpid())]


def _fails_on_two(_: None, task: int) -> int:
    if task == 2:
        raise RolegraphError("piece 2 is broken")
    return task


def test_an_error_in_a_worker_is_raised_here() -> None:
    with pytest.raises(RolegraphError, match="piece 2 is broken"):
        list(ordered_map(_fails_on_two, None, [0, 1, 2, 3], jobs=2))


def _pid_and_state(state: str, _: None) -> tuple[str, int]:
    return state, os.getpid()


def test_aside_runs_in_a_process_of_its_own_or_here() -> None:
    state, pid = Aside(_pid_and_state, "model", fork=True).result()
    assert state == "model" and pid != os.getpid()
    assert Aside(_pid_and_state, "model", fork=False).result() == ("model", os.getpid())


class _Readings:
    """A stand-in for a large state (the documents): a plain object, so a weak reference tells
    when nothing holds it any more."""

    def __init__(self, texts: list[str]) -> None:
        self.texts = texts


def _count_texts(state: _Readings, _: None) -> int:
    return len(state.texts)


def test_a_forked_aside_lets_go_of_its_state_here_and_the_child_keeps_it() -> None:
    state = _Readings(["6S", "索赔", "盘点"])
    held = weakref.ref(state)
    aside = Aside(_count_texts, state, fork=True)
    del state
    assert held() is None  # this process no longer holds it: the child's copy does
    assert aside.result() == 3


def test_an_aside_run_here_holds_its_state_until_its_result_and_gives_it_once() -> None:
    state = _Readings(["6S"])
    held = weakref.ref(state)
    aside = Aside(_count_texts, state, fork=False)
    del state
    assert held() is not None
    assert aside.result() == 1
    assert held() is None
    with pytest.raises(RuntimeError, match="asked for twice"):
        aside.result()


def _raise(message: str, _: None) -> None:
    raise RolegraphError(message)


def test_an_error_aside_is_raised_when_the_result_is_asked_for() -> None:
    aside = Aside(_raise, "the page cannot be written", fork=True)
    with pytest.raises(RolegraphError, match="the page cannot be written"):
        aside.result()


def _die(_: None, __: None) -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def test_a_process_aside_that_dies_gives_a_clear_error() -> None:
    with pytest.raises(RolegraphError, match="a worker of the build stopped"):
        Aside(_die, None, fork=True).result()


def _sleep(_: None, __: None) -> None:
    time.sleep(60)


def test_closing_stops_a_process_aside_still_at_work() -> None:
    aside = Aside(_sleep, None, fork=True)
    assert aside.process is not None
    process = aside.process
    aside.close()
    assert not process.is_alive() and process.exitcode == -signal.SIGKILL  # killed, not waited for


def _slow_unless_first(folder: Path, task: int) -> int:
    """Task 0 fails at once; the others would write a mark after a few seconds of work."""
    if task == 0:
        time.sleep(0.3)  # the others have started
        raise RolegraphError("piece 0 is broken")
    time.sleep(3)
    (folder / f"done-{task}").touch()
    return task


def test_an_error_stops_the_other_workers_where_they_are(tmp_path: Path) -> None:
    with pytest.raises(RolegraphError, match="piece 0 is broken"):
        list(ordered_map(_slow_unless_first, tmp_path, list(range(6)), jobs=2))
    time.sleep(3.5)  # what a worker left running would have finished by now
    assert list(tmp_path.iterdir()) == []  # no piece asked for ahead ran to its end


def _interrupted(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _slow_mark(folder: Path, _: None) -> None:
    time.sleep(3)
    (folder / "done").touch()


def test_a_signal_while_waiting_for_a_process_aside_stops_it(tmp_path: Path) -> None:
    aside = Aside(_slow_mark, tmp_path, fork=True)
    process = aside.process
    assert process is not None
    previous = signal.signal(signal.SIGALRM, _interrupted)
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.3)  # a Ctrl-C or kill while the build waits
        with pytest.raises(KeyboardInterrupt):
            aside.result()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert process.exitcode == -signal.SIGKILL
    time.sleep(3.5)
    assert not (tmp_path / "done").exists()


class _Unpicklable(Exception):
    def __reduce__(self) -> tuple[object, ...]:
        raise TypeError("not this one")


def _raise_unpicklable(_: None, __: None) -> None:
    raise _Unpicklable("the page's data is broken")


def test_an_error_aside_that_cannot_be_pickled_comes_back_as_its_message() -> None:
    with pytest.raises(RolegraphError, match="_Unpicklable: the page's data is broken"):
        Aside(_raise_unpicklable, None, fork=True).result()


def test_forks_are_counted_as_part_of_this_process_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    gib = 2**30
    monkeypatch.setattr(workers, "resident_bytes", lambda: 4 * gib)  # a fork counted as 3 GiB (FORK_SHARE 0.75)
    for free, wanted, fit in ((10 * gib, 3, 3), (10 * gib, 5, 3), (5 * gib, 3, 1), (2 * gib, 3, 0)):
        monkeypatch.setattr(workers, "available_bytes", lambda free=free: free)
        assert forks_that_fit(wanted) == fit, (free, wanted)
    monkeypatch.setattr(workers, "available_bytes", lambda: None)  # not known: as many as asked
    assert forks_that_fit(3) == 3


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="no /proc here: the memory is not known")
def test_this_process_memory_and_the_systems_are_read_from_proc() -> None:
    mine, free = workers.resident_bytes(), workers.available_bytes()
    assert mine is not None and free is not None
    assert mine > 10 * 2**20  # a Python process with pytest loaded holds more than 10 MiB
    total = int(Path("/proc/meminfo").read_text(encoding="ascii").split()[1]) * 1024  # MemTotal, the first line
    assert 0 < free <= total and mine < total


def test_a_containers_memory_limit_counts_as_what_is_available(tmp_path: Path) -> None:
    """cgroup v2 and v1 files written by hand: a limit of 4 GiB with 1 GiB used, of which
    0.5 GiB is file cache the kernel would give back, leaves 3.5 GiB; no limit leaves None."""
    gib = 2**30
    v2 = tmp_path / "v2"
    (v2 / "box").mkdir(parents=True)
    (v2 / "box" / "memory.max").write_text(f"{4 * gib}\n")
    (v2 / "box" / "memory.current").write_text(f"{gib}\n")
    (v2 / "box" / "memory.stat").write_text(f"anon 123\ninactive_file {gib // 2}\n")
    (tmp_path / "cgroup-v2").write_text("0::/box\n")
    assert workers.cgroup_room(tmp_path / "cgroup-v2", v2) == 3.5 * gib
    v1 = tmp_path / "v1" / "memory" / "box"
    v1.mkdir(parents=True)
    (v1 / "memory.limit_in_bytes").write_text(f"{4 * gib}\n")
    (v1 / "memory.usage_in_bytes").write_text(f"{gib}\n")
    (v1 / "memory.stat").write_text(f"cache 5\ntotal_inactive_file {gib // 2}\n")
    (tmp_path / "cgroup-v1").write_text("5:devices:/\n4:memory:/box\n0::/\n")
    assert workers.cgroup_room(tmp_path / "cgroup-v1", tmp_path / "v1") == 3.5 * gib
    (v2 / "box" / "memory.max").write_text("max\n")
    (v1 / "memory.limit_in_bytes").write_text("9223372036854771712\n")
    assert workers.cgroup_room(tmp_path / "cgroup-v2", v2) is None
    assert workers.cgroup_room(tmp_path / "cgroup-v1", tmp_path / "v1") is None
    assert workers.cgroup_room(tmp_path / "absent", v2) is None
