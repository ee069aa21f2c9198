"""The watcher service with real watchfiles on real folders: changes, a deleted and recreated
board folder, a folder missing at start, and a storm arriving as few batches."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

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
