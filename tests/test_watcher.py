"""The watcher service with real watchfiles on real folders: changes, a deleted and recreated
board folder, a folder missing at start, and a storm arriving as few batches."""

from __future__ import annotations

import asyncio
import ctypes
import os
import shutil
import sys
from pathlib import Path

import pytest

from pulseboard.core.actions import init_board
from pulseboard.services.watcher import Batch, watch

LIMIT_S = 10.0


async def collect_until(gen, condition, seen: list[Batch]) -> None:
    async def run() -> None:
        async for batch in gen:
            seen.append(batch)
            if condition(seen):
                return

    await asyncio.wait_for(run(), LIMIT_S)


def paths_in(seen: list[Batch]) -> set[str]:
    return {p for b in seen if b.paths for p in b.paths}


def test_changes_come_as_batches_of_paths(tmp_path: Path) -> None:
    root = tmp_path / "tasks"
    init_board(root)

    async def scenario() -> list[Batch]:
        stop = asyncio.Event()
        gen = watch(root, stop=stop)
        seen: list[Batch] = []
        task_file = root / "open" / "new.md"

        async def write_later() -> None:
            await asyncio.sleep(0.3)
            task_file.write_text("# New\n")

        writer = asyncio.create_task(write_later())
        await collect_until(gen, lambda s: str(task_file) in paths_in(s), seen)
        await writer
        stop.set()
        return seen

    seen = asyncio.run(scenario())
    assert str(root / "open" / "new.md") in paths_in(seen)


def test_board_folder_deleted_and_recreated_is_followed(tmp_path: Path) -> None:
    root = tmp_path / "tasks"
    init_board(root)

    async def scenario() -> list[Batch]:
        stop = asyncio.Event()
        gen = watch(root, stop=stop)
        seen: list[Batch] = []

        async def churn() -> None:
            await asyncio.sleep(0.3)
            shutil.rmtree(root)
            await asyncio.sleep(1.0)
            init_board(root)
            await asyncio.sleep(1.0)
            (root / "doing" / "after.md").write_text("# After\n")

        job = asyncio.create_task(churn())
        await collect_until(gen, lambda s: str(root / "doing" / "after.md") in paths_in(s), seen)
        await job
        stop.set()
        return seen

    seen = asyncio.run(scenario())
    notices = [b.notice for b in seen if b.notice]
    assert any("is gone" in n for n in notices) and any("is back" in n for n in notices)


def test_missing_at_start_then_made(tmp_path: Path) -> None:
    root = tmp_path / "tasks"

    async def scenario() -> list[Batch]:
        stop = asyncio.Event()
        gen = watch(root, stop=stop)
        seen: list[Batch] = []

        async def make() -> None:
            await asyncio.sleep(0.5)
            init_board(root)
            await asyncio.sleep(1.0)
            (root / "open" / "first.md").touch()

        job = asyncio.create_task(make())
        await collect_until(gen, lambda s: str(root / "open" / "first.md") in paths_in(s), seen)
        await job
        stop.set()
        return seen

    seen = asyncio.run(scenario())
    assert seen[0].paths is None and "is gone" in (seen[0].notice or "")


def test_a_storm_arrives_in_few_batches(tmp_path: Path) -> None:
    root = tmp_path / "tasks"
    init_board(root)

    async def scenario() -> list[Batch]:
        stop = asyncio.Event()
        gen = watch(root, stop=stop)
        seen: list[Batch] = []
        names = [root / "done" / f"task-{i}.md" for i in range(2000)]

        async def storm() -> None:
            await asyncio.sleep(0.3)
            for path in names:
                path.write_text("# Done\n")

        job = asyncio.create_task(storm())
        await collect_until(gen, lambda s: len(paths_in(s) & {str(p) for p in names}) == len(names), seen)
        await job
        stop.set()
        return seen

    seen = asyncio.run(scenario())
    assert len([b for b in seen if b.paths]) <= 5


def _sees_a_change(root: Path, poll: bool, result: Path) -> None:
    """Watch root, write a file, record the notices and whether the change was seen."""

    async def scenario() -> None:
        stop = asyncio.Event()
        seen: list[Batch] = []
        target = root / "open" / "seen.md"

        async def write_later() -> None:
            await asyncio.sleep(0.8)
            target.write_text("# Seen\n")

        writer = asyncio.create_task(write_later())
        try:
            await collect_until(watch(root, poll=poll, stop=stop), lambda s: str(target) in paths_in(s), seen)
        finally:
            await writer
            stop.set()
        notices = [b.notice for b in seen if b.notice]
        result.write_text("\n".join(["seen", *notices]))

    asyncio.run(scenario())


def test_poll_forced_still_sees_changes(tmp_path: Path) -> None:
    root = tmp_path / "tasks"
    init_board(root)
    _sees_a_change(root, True, tmp_path / "result.txt")
    assert (tmp_path / "result.txt").read_text().startswith("seen")


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
            _sees_a_change(root, False, result)
            code = 0
        except BaseException as exc:  # report, never raise into pytest's copy of itself
            result.write_text(f"failed: {exc!r}")
        finally:
            os._exit(code)
    os.waitpid(pid, 0)
    text = result.read_text()
    assert text.startswith("seen"), text
    assert "polling the folder instead" in text
