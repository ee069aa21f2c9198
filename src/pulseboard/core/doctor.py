"""Board health checks: duplicate ids, broken files, dependencies on no task, dependency cycles,
links where pulse writes, moves with no history line.

Read-only: `check` reports problems and never changes a file.
"""

from __future__ import annotations

import contextlib
import os
import stat
import time
from collections import defaultdict
from collections.abc import Callable, Collection, Container, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from pulseboard.core import catchup, ids, layout
from pulseboard.core.board import STATES, Board, Task, resolve_prefix
from pulseboard.core.fsops import TEMP_SUFFIX, rename_noreplace
from pulseboard.core.text import named

LEFTOVER_AGE_S = 60
MAX_NAMED = 5  # a message names this many tasks at most, then says how many more


@dataclass(frozen=True, slots=True)
class Problem:
    kind: str  # duplicate | broken | missing-dependency | ambiguous-dependency | cycle | leftover |
    # unsafe | history
    message: str
    ids: tuple[str, ...] = ()


def resolve_dependency(dep: str, id_set: Container[str], sorted_ids: list[str]) -> list[str]:
    """The ids a dependency names: itself when it is an id, else the ids it is a prefix of (one
    when all is well). id_set and sorted_ids: every id on the board (sorted_ids sorted, once each)."""
    return [dep] if dep in id_set else resolve_prefix(dep, sorted_ids)


def problem_kind(matches: int) -> str:
    """What is wrong with a dependency matching this many tasks (not one)."""
    return "ambiguous-dependency" if matches else "missing-dependency"


def dependency_problem(task: Task, dep: str, matches: int, short: str) -> Problem:
    """A dependency naming no task or several, in the words of doctor and the heartbeat (short:
    the task's short id)."""
    who = named(short, task.title)
    if not matches:
        message = f"{who} depends on '{dep}', which names no task."
    else:
        message = f"{who} depends on '{dep}', which matches {matches} tasks; write more of the ID."
    return Problem(problem_kind(matches), message, (task.id,))


def dependency_graph(tasks: list[Task]) -> tuple[dict[str, list[str]], list[Problem]]:
    """Each task's resolved dependencies (tasks that depend on nothing are left out: they can't
    be in a cycle), and the dependencies that name no task or several."""
    id_set = {t.id for t in tasks}
    all_ids = sorted(id_set)
    graph: dict[str, list[str]] = {}
    problems: list[Problem] = []
    shorts: ids.ShortIds | None = None
    for task in tasks:
        if not task.depends:
            continue
        resolved = graph.setdefault(task.id, [])
        for dep in task.depends:
            matches = resolve_dependency(dep, id_set, all_ids)
            if len(matches) == 1:
                resolved.append(matches[0])
                continue
            shorts = shorts or ids.ShortIds(all_ids)  # only a board with a problem pays for these
            problems.append(dependency_problem(task, dep, len(matches), shorts.short(task.id)))
    return graph, problems


def find_cycles(
    graph: Mapping[str, Collection[str]], within: Collection[str] | None = None
) -> list[list[str]]:
    """Each dependency cycle once, as a list of ids (Tarjan's strongly connected components).
    within: only the cycles among these ids (edges leaving them are left out), for a caller that
    knows where the graph changed (core/engine.py)."""

    def children(node: str) -> Iterator[str]:
        found = graph.get(node, ())
        return iter(found) if within is None else (child for child in found if child in within)

    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    for root in sorted(graph if within is None else within):
        if root in index:
            continue
        work = [(root, children(root))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, kids = work[-1]
            child = next(kids, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, children(child)))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in graph.get(node, ()):
                    cycles.append(sorted(component))
    return cycles


def check(board: Board) -> list[Problem]:
    """Every problem on the board, most serious first."""
    tasks = board.tasks()
    shorts = ids.short_ids(t.id for t in tasks)
    problems: list[Problem] = []
    places: dict[str, list[Task]] = defaultdict(list)
    for task in tasks:
        places[task.id].append(task)
    for task_id, group in sorted(places.items()):
        if len(group) > 1:
            where = ", ".join(f"{t.state}/{t.name}" for t in group)
            message = f"{named(shorts[task_id], group[0].title)} is in {len(group)} places: {where}."
            problems.append(Problem("duplicate", message, (task_id,)))
    for task in tasks:
        if task.error:
            message = f"{named(shorts[task.id], task.title)} ({task.state}/{task.name}) {task.error}."
            problems.append(Problem("broken", message, (task.id,)))
    graph, dep_problems = dependency_graph(tasks)
    problems.extend(dep_problems)
    for cycle in find_cycles(graph):
        loop = " -> ".join(shorts[i] for i in [*cycle, cycle[0]])
        problems.append(Problem("cycle", f"dependency cycle: {loop}.", tuple(cycle)))
    for state, path in leftovers(board):
        message = f"{state}/{path.name} is a temp file left by an interrupted write; it is safe to delete."
        problems.append(Problem("leftover", message))
    problems.extend(Problem("unsafe", message) for message in unsafe_places(board))
    found = catchup.gaps(board)
    if found:
        shown = "; ".join(gap.message for gap in found[:MAX_NAMED])
        more = f"; and {len(found) - MAX_NAMED} more" if len(found) > MAX_NAMED else ""
        message = (
            f"{len(found)} task(s) moved with no history line (by hand, or by a pulse that could not "
            f"write it): {shown}{more}; `pulse doctor --fix` records the moves."
        )
        problems.append(Problem("history", message, tuple(gap.entry.id for gap in found)))
    return problems


def unsafe_places(board: Board) -> Iterator[str]:
    """pulse's own folders and files under the board that are links (or the wrong kind of thing):
    pulse writes nothing through them, so a cloned repository can't point it outside the board."""
    folders = [*(board.root / state for state in STATES), *layout.own_folders(board.root)]
    files = layout.own_files(board.root)
    for folder in layout.listed_folders(board.root):
        with contextlib.suppress(OSError):
            if not folder.is_symlink():
                files.extend(folder / name for name in sorted(os.listdir(folder)))
    for path, want_folder in [*((f, True) for f in folders), *((f, False) for f in files)]:
        try:
            mode = os.lstat(path).st_mode
        except OSError:
            continue
        rel = board.relative(path)
        if stat.S_ISLNK(mode):
            yield f"{rel} is a symbolic link; pulse writes nothing through it (replace it with a real one)."
        elif want_folder and not stat.S_ISDIR(mode):
            yield f"{rel} is not a folder; pulse writes nothing in it."
        elif not want_folder and not stat.S_ISREG(mode):
            yield f"{rel} is not a regular file (a FIFO, a socket, a folder); pulse leaves it alone."


def leftovers(board: Board) -> Iterator[tuple[str, Path]]:
    """pulse's own temp files, over a minute old, left in the state folders by interrupted writes."""
    now = time.time()
    for state in STATES:
        folder = board.root / state
        for path in folder.glob(f".*{TEMP_SUFFIX}") if folder.is_dir() else ():
            with contextlib.suppress(FileNotFoundError):
                if now - path.stat().st_mtime > LEFTOVER_AGE_S:
                    yield state, path


TRASH = Path(layout.PULSE_DIR, layout.TRASH)  # what doctor --fix set aside: never deleted, not on the board


def fix_copies(board: Board, choose: Callable[[list[Task]], Task | None]) -> tuple[list[str], list[Path]]:
    """For each task in more than one folder, keep the copy `choose` picks (None: leave it) and set
    the others aside in .pulse/trash/; what was done, a line each, and the files set aside."""
    said: list[str] = []
    moved: list[Path] = []
    places: dict[str, list[Task]] = defaultdict(list)
    for task in board.tasks():
        places[task.id].append(task)
    for group in places.values():
        if len(group) < 2:
            continue
        keep = choose(group)
        if keep is None:
            said.append(f"left {group[0].id}: no copy chosen.")
            continue
        trash = layout.trash_dir(board.root)
        stamp = time.strftime("%Y%m%dT%H%M%S")
        for task in group:
            if task is keep:
                continue
            target = trash / f"{stamp}-{task.state}-{task.name}"
            rename_noreplace(task.path, target)
            moved.append(task.path)
            said.append(f"kept {keep.state}/{keep.name}; set {task.state}/{task.name} aside in {TRASH}/.")
    return said, moved


def record_history(board: Board) -> list[str]:
    """Journal the moves the folders show but the history never got (see catchup.py)."""
    return catchup.record(board, catchup.gaps(board))


def remove_leftovers(board: Board) -> list[str]:
    """Delete temp files left by interrupted writes (pulse's own, over a minute old)."""
    said = []
    for state, path in list(leftovers(board)):
        path.unlink(missing_ok=True)
        said.append(f"deleted {state}/{path.name}, a temp file left by an interrupted write.")
    return said
