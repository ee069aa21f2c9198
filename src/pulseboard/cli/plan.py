"""`pulse plan --hands N [--json]`: the open tasks that can run side by side now, as N lanes.

The plan itself is core/plan.py's; this module prints it: numbered lanes, each task with its short
id, title, estimate, weight and why it is in its lane, then what was left out and why. With --json,
the stable shape `plan_json` gives: {"hands", "doing": {"count", "limit"}, "lanes": [{"lane", "free",
"tasks": [{"id", "short", "title", "estimate", "estimate_seconds", "weight", "fits", "after"}],
"estimate_seconds"}], "left_out": [{"id", "short", "reason"}]}. The sentences saying why a task is in
its lane are the text's only (`Plan.why`; for every task of a plan of 10,000 they cost about 0.06 s).
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pulseboard.cli import output
from pulseboard.cli.common import open_board
from pulseboard.core import ids
from pulseboard.core.fields import format_estimate

if TYPE_CHECKING:
    from pulseboard.core.plan import Lane, Plan, Step


def cmd_plan(args: argparse.Namespace) -> int:
    """Print the plan for --hands lanes (changes nothing)."""
    from pulseboard.core.plan import plan
    from pulseboard.core.plan_text import plan_text

    board = open_board(args)
    tasks = board.tasks()
    made = plan(tasks, board.settings, dt.datetime.now(dt.UTC), args.hands, board.root)
    short = ids.ShortIds(t.id for t in tasks).short
    print(output.dumps(plan_json(made, short)) if args.json else plan_text(made, short))
    return 0


def _estimate(seconds: int | None) -> str | None:
    return None if seconds is None else format_estimate(seconds)


def step_json(step: Step, short: Callable[[str], str]) -> dict[str, Any]:
    """One task of a lane: who, how long, how heavy (and whether one hand may hold it), whom it waits
    for besides the tasks before it in its lane."""
    task = step.task
    return {
        "id": task.id, "short": short(task.id), "title": task.title,
        "estimate": _estimate(task.estimate), "estimate_seconds": task.estimate,
        "weight": step.weight, "fits": step.fits, "after": list(step.after),
    }  # fmt: skip


def lane_json(lane: Lane, short: Callable[[str], str]) -> dict[str, Any]:
    """One lane: free (a hand can take its head now), its tasks in order, its planned seconds (a
    task with no estimate counts its time box)."""
    return {
        "lane": lane.number,
        "free": lane.free,
        "tasks": [step_json(step, short) for step in lane.steps],
        "estimate_seconds": lane.seconds,
    }


def plan_json(made: Plan, short: Callable[[str], str]) -> dict[str, Any]:
    """The stable shape of `pulse plan --json`."""
    return {
        "hands": made.hands,
        "doing": {"count": made.wip.count, "limit": made.wip.limit},
        "lanes": [lane_json(lane, short) for lane in made.lanes],
        "left_out": [
            {"id": left.task.id, "short": short(left.task.id), "reason": left.reason}
            for left in made.left_out
        ],
    }
