"""The plan as a person reads it: what `pulse plan` prints and the board's plan screen (key p) shows.

Numbered lanes, each task on a line with its short id, title, estimate, weight (`w1.5!`: heavier
than one hand may hold) and why it is in its lane; then what was left out and why. Task text is
made inert here (it is data), for the terminal and the screen alike.
"""

from __future__ import annotations

from collections.abc import Callable

from pulseboard.core.fields import format_duration, format_estimate
from pulseboard.core.plan import Plan, Step
from pulseboard.core.text import clip, inert

TITLE_WIDTH = 44  # characters of a title in the text lines


def _shown(text: str, limit: int | None = None) -> str:
    """Task text on one line (cut to limit), made inert: task text is data."""
    text = " ".join(text.split())
    return inert(text if limit is None else clip(text, limit))


def _step_line(made: Plan, place: int, step: Step, short: Callable[[str], str], width: int) -> str:
    task = step.task
    title = _shown(task.title, TITLE_WIDTH)
    heft = f"w{step.weight:g}" + ("" if step.fits else "!")
    estimate = "-" if task.estimate is None else format_estimate(task.estimate)
    return (
        f"  {place:>2}. {short(task.id):<{width}}  {title:<{TITLE_WIDTH}}  "
        f"{estimate:>6}  {heft:<5} {_shown(made.why(step, short))}"
    )


def plan_text(made: Plan, short: Callable[[str], str]) -> str:
    """Numbered lanes, each task on a line with its short id, title, estimate, weight (`w1.5!`: over
    one hand's limit) and why it is in its lane; then what was left out and why."""
    planned = sum(len(lane.steps) for lane in made.lanes)
    free = sum(lane.free for lane in made.lanes)
    head = f"{planned} tasks in {made.hands} lanes ({free} free), {len(made.left_out)} left out"
    lines = [f"{head}; doing {made.wip.count}/{made.wip.limit}" + (" (full)" if made.wip.full else "")]
    width = max((len(short(s.task.id)) for lane in made.lanes for s in lane.steps), default=4)
    for lane in made.lanes:
        if not lane.steps:
            lines.append(f"lane {lane.number}: empty")
            continue
        waits = lane.steps[0].waits_for
        state = f"waits for {' '.join(short(t.id) for t in waits)} in doing" if waits else "free"
        lines.append(f"lane {lane.number}: {state}, {format_duration(lane.seconds)}")
        lines.extend(_step_line(made, place, step, short, width) for place, step in enumerate(lane.steps, 1))
    if made.left_out:
        lines.append("left out:")
        lines.extend(
            f"  {short(left.task.id):<{width}}  {_shown(left.task.title, TITLE_WIDTH)}: {_shown(left.reason)}"
            for left in made.left_out
        )
    if any(not step.fits for lane in made.lanes for step in lane.steps):
        lines.append("w: weight; !: heavier than one hand may hold (holders.limit)")
    return "\n".join(lines)
