"""The commands that follow the disk until ctrl+c: `pulse watch` (each change, a line) and `pulse beat`
(the heartbeat every interval and right after each change).

Only these two commands load this module, so asyncio and watchfiles stay out of every one-shot command.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys
import time

from pulseboard.cli import output
from pulseboard.cli.common import open_board
from pulseboard.cli.heartbeat import print_beat
from pulseboard.core import ids
from pulseboard.core.board import Board
from pulseboard.core.reconcile import Reconciler, pair_moves
from pulseboard.core.snapshot import Snapshot
from pulseboard.core.text import one_line
from pulseboard.services.watcher import watch


def _notice(text: str) -> None:
    print(f"pulse: {one_line(text)}", file=sys.stderr, flush=True)


def cmd_watch(args: argparse.Namespace) -> int:
    """Print each change on the board as it happens, one line each (JSON lines with --json)."""
    board = open_board(args)
    snapshot = Snapshot(board.tasks())
    print(f"pulse: watching {board.root} (ctrl+c stops)", file=sys.stderr, flush=True)
    asyncio.run(_follow(board, snapshot, as_json=args.json, poll=args.poll))
    return 0


async def _follow(board: Board, snapshot: Snapshot, *, as_json: bool, poll: bool) -> None:
    shorts = ids.ShortIds(snapshot.ids())
    reconciler = Reconciler(board, snapshot)
    async for batch in watch(board.root, poll=poll):
        if batch.notice:
            _notice(batch.notice)
        changes = reconciler.apply(batch.paths)
        for task_id in changes.ids_added:
            shorts.add(task_id)
        at = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        for event in pair_moves(changes.events):
            print(output.event_line(event, shorts.short(event.task.id), at, as_json=as_json), flush=True)
        for task_id in changes.ids_removed:
            shorts.discard(task_id)


def cmd_beat(args: argparse.Namespace) -> int:
    """Print the heartbeat's suggestions every interval and right after each change, until ctrl+c."""
    board = open_board(args)
    interval = args.interval or board.settings.heartbeat.interval_s
    print(f"pulse: a beat every {interval:g}s and after each change in {board.root} (ctrl+c stops)",
          file=sys.stderr, flush=True)  # fmt: skip
    asyncio.run(_beat_loop(board, interval, args))
    return 0


async def _beat_loop(board: Board, interval: float, args: argparse.Namespace) -> None:
    """The first beat once the watcher is ready (so no later change can be missed), then one each
    `interval` seconds and one right after each change, which restarts the interval."""
    snapshot = Snapshot()
    reconciler = Reconciler(board, snapshot)

    def emit(why: str) -> float:
        print_beat(board, list(snapshot), why, n=args.n, as_json=args.json)
        return time.monotonic() + interval  # when the next beat is due

    batches = aiter(watch(board.root, poll=args.poll))
    started = False
    due = 0.0
    pending = asyncio.ensure_future(anext(batches))
    while True:
        done, _ = await asyncio.wait({pending}, timeout=max(0.0, due - time.monotonic()) if started else None)
        if not done:
            due = emit("interval")
            continue
        batch = pending.result()
        pending = asyncio.ensure_future(anext(batches))
        if batch.notice:
            _notice(batch.notice)
        if batch.ready and not started:  # read the board once every later change is sure to be seen
            reconciler.apply(None)
            started = True
            due = emit("start")
        elif started and reconciler.apply(batch.paths):
            due = emit("change")
