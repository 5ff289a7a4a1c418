"""map_items: the same results as a loop, and never a hang or an orphan when a process dies."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from gaepod.speed import parallel


def test_results_come_back_in_order_from_workers_and_in_process() -> None:
    offset = 7  # a closure: workers get the function by fork, not by pickling
    for count in (5, 300):  # below and above the size that starts workers
        seen: list[int] = []
        results = parallel.map_items(lambda n: n * n + offset, range(count), on_result=seen.append)
        assert results == [n * n + offset for n in range(count)]
        assert seen == results


def run_python(code: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.mark.skipif(not parallel.can_fork(), reason="needs fork")
def test_a_killed_worker_fails_the_run_instead_of_hanging() -> None:
    run = run_python(
        """
        import os, signal, time
        from gaepod.speed import parallel
        from gaepod.errors import GaepodError
        parent = os.getpid()

        def work(n):
            if os.getpid() != parent:  # a helper, at the first item it takes
                os.kill(os.getpid(), signal.SIGKILL)  # as the out-of-memory killer would
            time.sleep(0.002)  # here: slow enough that the helper gets spans to take
            return n

        try:
            parallel.map_items(work, range(300))
        except GaepodError as error:
            print("error:", error.message)
        """
    )
    assert run.returncode == 0, run.stderr
    assert "error: a worker process was killed (out of memory?)" in run.stdout


@pytest.mark.skipif(not parallel.can_fork(), reason="needs fork")
def test_workers_die_with_a_killed_parent(tmp_path: Path) -> None:
    pids = tmp_path / "pids"
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import os, time
                from gaepod.speed import parallel

                def work(n):
                    with open({str(pids)!r}, "a") as handle:
                        handle.write(f"{{os.getpid()}}\\n")
                    time.sleep(0.05)
                    return n

                parallel.map_items(work, range(2000))
                """
            ),
        ]
    )
    deadline = time.monotonic() + 30
    while len(set(_pids(pids))) < 2:
        assert time.monotonic() < deadline and process.poll() is None, "workers never started"
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    workers = set(_pids(pids))
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in workers):
        assert time.monotonic() < deadline, "workers outlived their parent"
        time.sleep(0.05)


def _pids(path: Path) -> list[int]:
    try:
        return [int(line) for line in path.read_text().split()]
    except (OSError, ValueError):
        return []


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (killed, not yet reaped by init) counts as gone.
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not parallel.can_fork(), reason="needs fork")
def test_workers_hand_back_what_they_remembered(monkeypatch) -> None:
    """Entries a helper computes come back whole; entries it only used, by digest; the
    calling process, which works too, sends itself nothing. All are saved."""
    import hashlib

    from gaepod.speed import memo

    monkeypatch.setattr(memo, "_tables", {})
    monkeypatch.setattr(memo, "_used", {})
    known = memo.recall("test.square", "7", lambda: "49")  # the parent's, before forking
    memo._used.clear()

    def square(n: int) -> str:
        sent_here = memo.recall("test.square", str(n % 100), lambda: str((n % 100) ** 2))
        time.sleep(0.001)  # slow enough that the helper takes spans too
        return f"{os.getpid()}:{sent_here}"

    received: list[tuple[str, memo.Shared]] = []

    def take(outcome: tuple[str, memo.Shared]) -> None:
        received.append(outcome)
        memo.absorbing(lambda _result: None)(outcome)

    parallel.map_items(memo.sharing(square), range(300), on_result=take)

    assert known == "49"
    here = str(os.getpid())
    by_helpers = [shared for result, shared in received if result.split(":")[0] != here]
    assert by_helpers, "the helper took no span"
    assert all(shared == {} for result, shared in received if result.split(":")[0] == here)
    parts = [shared.get("test.square", ({}, [])) for shared in by_helpers]
    fresh = [digest for computed, _ in parts for digest in computed]
    reused = {digest for _, digests in parts for digest in digests}
    seven = hashlib.blake2b(b"7", digest_size=16).digest()
    assert fresh and len(fresh) == len(set(fresh))  # each computed entry sent once
    assert seven not in fresh and reused <= {seven}  # the parent's own: by digest only
    assert len(memo.used()["test.square"]) == 100  # all saved, the parent's one included


@pytest.mark.skipif(not parallel.can_fork(), reason="needs fork")
def test_workers_collect_their_own_cycles_and_leave_the_parent_as_it_was() -> None:
    """A build runs with the cycle collector off; its workers turn it on for what they
    make (rendering leaves cycles), with everything inherited frozen out of its way."""
    import gc

    gc.disable()
    try:
        seen = parallel.map_items(
            lambda _n: (gc.isenabled(), gc.get_freeze_count() > 0), range(300)
        )
        assert set(seen) == {(True, True)}
        assert not gc.isenabled() and gc.get_freeze_count() == 0
    finally:
        gc.enable()


@pytest.mark.skipif(not parallel.can_fork(), reason="needs fork")
def test_the_caller_works_too_unless_told_not_to() -> None:
    here = os.getpid()

    def whose(n: int) -> tuple[int, int]:
        time.sleep(0.001)
        return n, os.getpid()

    helped = parallel.map_items(whose, range(400))
    assert [n for n, _ in helped] == list(range(400))
    assert here in {pid for _, pid in helped} and len({pid for _, pid in helped}) >= 2

    collected = parallel.map_items(whose, range(400), caller_helps=False)
    assert [n for n, _ in collected] == list(range(400))
    assert here not in {pid for _, pid in collected}


@pytest.mark.skipif(not parallel.can_fork(), reason="needs fork")
def test_an_error_in_a_helper_is_raised_by_the_caller_as_it_was() -> None:
    from gaepod.errors import OutputError

    here = os.getpid()

    def fails_in_a_helper(n: int) -> int:
        if os.getpid() != here:
            raise OutputError(f"cannot write item {n}: No space left on device")
        time.sleep(0.002)
        return n

    with pytest.raises(OutputError, match="No space left on device"):
        parallel.map_items(fails_in_a_helper, range(300))
