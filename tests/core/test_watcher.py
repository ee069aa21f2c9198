"""The watcher service with real watchfiles on real folders: changes, a deleted and recreated
board folder, a folder missing at start, a storm arriving as few batches, and polling (forced,
or because native watching failed)."""

from __future__ import annotations

import asyncio
import ctypes
import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from pulseboard.core.actions import init_board
from pulseboard.core.board import STATES
from pulseboard.services.watcher import Batch, watch, watched_folders

LIMIT_S = 10.0


def paths_in(seen: list[Batch]) -> set[str]:
    return {p for b in seen if b.paths for p in b.paths}


def watched(
    root: Path, act: Callable[[], object], until: Callable[[list[Batch]], bool], *, poll: bool = False
) -> list[Batch]:
    """Watch root while `act` (a coroutine function) changes things; the batches seen until `until`."""

    async def scenario() -> list[Batch]:
        stop = asyncio.Event()
        seen: list[Batch] = []

        async def collect() -> None:
            async for batch in watch(root, poll=poll, stop=stop):
                seen.append(batch)
                if until(seen):
                    return

        job = asyncio.create_task(act())  # type: ignore[arg-type]
        try:
            await asyncio.wait_for(collect(), LIMIT_S)
        finally:
            await job
            stop.set()
        return seen

    return asyncio.run(scenario())


def test_changes_come_as_batches_of_paths(tmp_path: Path) -> None:
    root = tmp_path / "tasks"
    init_board(root)
    task_file = root / "open" / "new.md"

    async def write() -> None:
        await asyncio.sleep(0.3)
        task_file.write_text("# New\n")

    seen = watched(root, write, lambda s: str(task_file) in paths_in(s))
    assert str(task_file) in paths_in(seen)


def test_board_folder_deleted_and_recreated_is_followed(tmp_path: Path) -> None:
    root = tmp_path / "tasks"
    init_board(root)
    after = root / "doing" / "after.md"

    async def churn() -> None:
        await asyncio.sleep(0.3)
        shutil.rmtree(root)
        await asyncio.sleep(1.0)
        init_board(root)
        await asyncio.sleep(1.0)
        after.write_text("# After\n")

    seen = watched(root, churn, lambda s: str(after) in paths_in(s))
    notices = [b.notice for b in seen if b.notice]
    assert any("is gone" in n for n in notices) and any("is back" in n for n in notices)


def test_missing_at_start_then_made(tmp_path: Path) -> None:
    root = tmp_path / "tasks"
    first = root / "open" / "first.md"

    async def make() -> None:
        await asyncio.sleep(0.5)
        init_board(root)
        await asyncio.sleep(1.0)
        first.touch()

    seen = watched(root, make, lambda s: str(first) in paths_in(s))
    assert seen[0].paths is None and "is gone" in (seen[0].notice or "")


@pytest.mark.parametrize("poll", [False, True], ids=["native", "polling"])
def test_folders_made_or_made_again_are_watched_and_the_archive_is_never_walked(
    tmp_path: Path, poll: bool
) -> None:
    root = tmp_path / "tasks"
    init_board(root)
    shutil.rmtree(root / "blocked")  # missing at the start
    (root / "archive" / "2026-01").mkdir(parents=True)
    wanted = [root / "blocked" / "late.md", root / "done" / "again.md", root / "archive" / "2026-02"]

    async def churn() -> None:
        await asyncio.sleep(0.5)
        (root / "blocked").mkdir()
        await asyncio.sleep(0.5)
        wanted[0].touch()  # in a state folder made while watched
        shutil.rmtree(root / "done")
        await asyncio.sleep(0.5)
        (root / "done").mkdir()
        await asyncio.sleep(0.5)
        wanted[1].touch()  # in a state folder made again
        wanted[2].mkdir()  # a month of the archive

    seen = watched(root, churn, lambda s: {str(w) for w in wanted} <= paths_in(s), poll=poll)
    assert {str(w) for w in wanted} <= paths_in(seen)
    assert set(watched_folders(root)) == {root, *(root / s for s in STATES), root / "archive"}


def test_a_storm_arrives_in_few_batches(tmp_path: Path) -> None:
    root = tmp_path / "tasks"
    init_board(root)
    names = [root / "done" / f"task-{i}.md" for i in range(2000)]
    wanted = {str(p) for p in names}

    async def storm() -> None:
        await asyncio.sleep(0.3)
        for path in names:
            path.write_text("# Done\n")

    seen = watched(root, storm, lambda s: wanted <= paths_in(s))
    assert len([b for b in seen if b.paths]) <= 5


def _sees_a_change(root: Path, poll: bool) -> list[Batch]:
    target = root / "open" / "seen.md"

    async def write() -> None:
        await asyncio.sleep(0.8)
        target.write_text("# Seen\n")

    return watched(root, write, lambda s: str(target) in paths_in(s), poll=poll)


def test_poll_forced_still_sees_changes(tmp_path: Path) -> None:
    root = tmp_path / "tasks"
    init_board(root)
    assert str(root / "open" / "seen.md") in paths_in(_sees_a_change(root, True))


@pytest.mark.skipif(
    not (os.environ.get("CI") or os.environ.get("PULSE_TEST_INOTIFY"))
    or not sys.platform.startswith("linux"),
    reason="uses up this user's inotify instances for a second (other programs of the user could "
    "notice): runs in CI, or with PULSE_TEST_INOTIFY=1",
)
def test_native_watching_failing_falls_back_to_polling(tmp_path: Path) -> None:
    """A real failure: a forked child uses up every inotify instance its user may have, then
    watches; native watching can't start, so the watcher must poll, say so, and still see changes."""
    root = tmp_path / "tasks"
    init_board(root)
    result = tmp_path / "result.txt"
    pid = os.fork()
    if pid == 0:  # the child: never returns to pytest
        code = 1
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            held = []
            while len(held) < 100_000 and (fd := libc.inotify_init1(0)) >= 0:
                held.append(fd)
            seen = _sees_a_change(root, False)
            result.write_text("\n".join(["seen", *(b.notice for b in seen if b.notice)]))
            code = 0
        except BaseException as exc:  # report, never raise into pytest's copy of itself
            result.write_text(f"failed: {exc!r}")
        finally:
            os._exit(code)
    os.waitpid(pid, 0)
    text = result.read_text()
    assert text.startswith("seen"), text
    assert "polling the folder instead" in text
