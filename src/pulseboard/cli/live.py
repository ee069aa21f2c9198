"""The commands that follow the disk until ctrl+c: `pulse watch` (each change, a line) and `pulse beat`
(the heartbeat every interval and right after each change).

Only these two commands load this module, so asyncio and watchfiles stay out of every one-shot command.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys

from pulseboard.cli import output
from pulseboard.cli.common import open_board
from pulseboard.cli.heartbeat import print_beat
from pulseboard.core.live import LiveBoard
from pulseboard.core.reconcile import pair_moves
from pulseboard.core.schedule import Schedule
from pulseboard.core.text import one_line
from pulseboard.services.watcher import watch


def _notice(text: str) -> None:
    print(f"pulse: {one_line(text)}", file=sys.stderr, flush=True)


def cmd_watch(args: argparse.Namespace) -> int:
    """Print each change on the board as it happens, one line each (JSON lines with --json)."""
    live = LiveBoard(open_board(args))
    live.install(live.load())
    print(f"pulse: watching {live.board.root} (ctrl+c stops)", file=sys.stderr, flush=True)
    asyncio.run(_follow(live, as_json=args.json, poll=args.poll))
    return 0


async def _follow(live: LiveBoard, *, as_json: bool, poll: bool) -> None:
    async for batch in watch(live.board.root, poll=poll):
        if batch.notice:
            _notice(batch.notice)
        step = live.follow_now(batch.paths)
        for notice in step.notices:
            _notice(notice)
        at = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        for event in pair_moves(step.changes.events):
            print(output.event_line(event, live.shorts.short(event.task.id), at, as_json=as_json), flush=True)


def cmd_beat(args: argparse.Namespace) -> int:
    """Print the heartbeat's suggestions every interval and right after each change, until ctrl+c."""
    board = open_board(args)
    interval = args.interval or board.settings.heartbeat.interval_s
    print(f"pulse: a beat every {interval:g}s and after each change in {board.root} (ctrl+c stops)",
          file=sys.stderr, flush=True)  # fmt: skip
    asyncio.run(_beat_loop(LiveBoard(board), Schedule(interval), args))
    return 0


async def _beat_loop(live: LiveBoard, schedule: Schedule, args: argparse.Namespace) -> None:
    """The first beat once the watcher is ready (so no later change can be missed), then as the
    schedule says: each interval, and right after each change (which restarts the interval)."""
    why = "start"
    batches = aiter(watch(live.board.root, poll=args.poll))
    pending = asyncio.ensure_future(anext(batches))
    while True:
        done, _ = await asyncio.wait({pending}, timeout=schedule.wait())
        if done:
            batch = pending.result()
            pending = asyncio.ensure_future(anext(batches))
            if batch.notice:
                _notice(batch.notice)
            if batch.ready and not live.loaded:  # read once every later change is sure to be seen
                live.install(live.load())
                schedule.start()
            elif live.loaded and live.follow_now(batch.paths).changes:
                schedule.changed()
                why = "change"
        for job in schedule.due():
            schedule.began(job)
            print_beat(live.board, list(live.snapshot), why, n=args.n, as_json=args.json)
            schedule.ended(job)
            why = "interval"
