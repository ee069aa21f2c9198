"""The `pulse` command line: argument parsing and one small function per command over the core.

User errors print one sentence on stderr and exit 1; usage errors exit 2; nothing prints a
traceback unless PULSE_DEBUG is set.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from pulseboard import __version__
from pulseboard.cli import output
from pulseboard.core import actions, doctor, ids
from pulseboard.core.board import STATES, Board, Task, discover
from pulseboard.core.errors import PulseError
from pulseboard.core.fields import PRIORITIES
from pulseboard.core.snapshot import Snapshot
from pulseboard.core.taskfile import read_body
from pulseboard.core.text import one_line
from pulseboard.services.editor import editor_command

if TYPE_CHECKING:
    from pulseboard.core.heartbeat import Suggestion


MAX_DAYS = 3660  # ten years: `pulse stats --days`


def _board(args: argparse.Namespace) -> Board:
    board = Board(discover(args.board, Path.cwd()))
    _ = board.settings  # a broken pulse.yaml is reported by every command, not only by some
    return board


def _warn(message: str) -> None:
    print(f"pulse: warning: {one_line(message)}", file=sys.stderr)


def _commit_move(board: Board, result: actions.MoveResult, *, undo: bool = False) -> None:
    """With git.commit on, the move becomes a commit of just its file (and the journal)."""
    if board.settings.git_commit:
        from pulseboard.services.git import commit_move

        problem = commit_move(board, result, undo=undo)
        if problem:
            _warn(problem)


def _commit_file(board: Board, task: Task, short: str, verb: str) -> None:
    """With git.commit on, a new or edited task file becomes a commit of just that file."""
    if board.settings.git_commit:
        from pulseboard.services.git import commit, commit_message

        problem = commit(board, [task.path], commit_message(verb, short, task))
        if problem:
            _warn(problem)


def _open_in_editor(path: Path) -> None:
    command = editor_command()
    if command is None:
        raise PulseError("no editor found; set $VISUAL or $EDITOR.")
    try:
        code = subprocess.call([*command, str(path)])
    except FileNotFoundError:
        raise PulseError(f"the editor '{command[0]}' was not found; set $VISUAL or $EDITOR.") from None
    if code != 0:
        raise PulseError(f"the editor '{command[0]}' exited with code {code}.")


def cmd_init(args: argparse.Namespace) -> int:
    base = Path(args.dir or ".").expanduser().absolute()
    root = base if base.name == "tasks" or (base / "open").is_dir() else base / "tasks"
    made = actions.init_board(root)
    if made:
        print(f"Made a board in {root}: {', '.join(made)}")
    else:
        print(f"{root} is already a board; nothing changed.")
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    board = _board(args)
    warnings: list[str] = []
    task = actions.create_task(
        board,
        args.title,
        priority=args.priority,
        estimate=args.estimate,
        touches=args.touches,
        depends=args.depends,
        tags=args.tags,
        body=args.body or "",
        warnings=warnings,
    )
    for warning in warnings:
        _warn(warning)
    if args.edit:
        _open_in_editor(task.path)
        task = board.load(board.find(task.id))
    short = ids.short_id(task.id, [e.id for e in board.entries()])
    _commit_file(board, task, short, "add")
    if args.json:
        print(output.dumps(output.task_json(task, short)))
    else:
        print(f"{short}  {task.path}")
    return 0


def cmd_ls(args: argparse.Namespace) -> int:
    board = _board(args)
    states = args.state or list(STATES)
    tasks = board.tasks(STATES)
    shorts = ids.short_ids(t.id for t in tasks)
    snapshot = Snapshot(tasks)
    chosen = [t for state in STATES if state in states for t in snapshot.column(state)]
    if args.json:
        output.write_json_list(sys.stdout, (output.task_json(t, shorts[t.id]) for t in chosen))
        return 0
    width = max((len(shorts[t.id]) for t in chosen), default=4)
    sys.stdout.write("".join(output.task_line(t, shorts[t.id], width) + "\n" for t in chosen))
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    board = _board(args)
    entries = board.entries()
    task = board.load(board.find(args.id, entries))
    short = ids.short_id(task.id, [e.id for e in entries])
    body = read_body(task.path)
    body = None if body is None else body.replace("\r\n", "\n")
    if task.state == "doing":
        from pulseboard.core.heartbeat_inputs import mark_read

        mark_read(board.root, task)  # the spec re-read: settles the heartbeat's stale-spec note
    if args.json:
        print(output.dumps({**output.task_json(task, short), "body": body}))
    else:
        print(output.task_details(task, short, body))
    return 0


def _move(args: argparse.Namespace, to_state: str) -> int:
    board = _board(args)
    result = actions.move_task(
        board,
        args.id,
        to_state,
        reason=getattr(args, "reason", None),
        waiting_on=getattr(args, "waiting_on", None),
        force=getattr(args, "force", False),
    )
    _commit_move(board, result)
    return _print_move(args, result)


def cmd_undo(args: argparse.Namespace) -> int:
    """Revert the last move (yours, unless --any) from the journal."""
    from pulseboard.core.undo import undo_last

    board = _board(args)
    result = undo_last(board, anyone=args.any)
    _commit_move(board, result, undo=True)
    return _print_move(args, result, "undone: ")


def _print_move(args: argparse.Namespace, result: actions.MoveResult, what: str = "") -> int:
    to_state = result.task.state
    for warning in result.warnings:
        _warn(warning)
    short = result.short
    if args.json:
        print(
            output.dumps(
                {
                    **output.task_json(result.task, short),
                    "from": result.from_state,
                    "warnings": result.warnings,
                }
            )
        )
    else:
        print(f'{what}{short} "{output.plain(result.task.title)}": {result.from_state} -> {to_state}')
    return 0


def cmd_edit(args: argparse.Namespace) -> int:
    board = _board(args)
    entry = board.find(args.id)
    _open_in_editor(entry.path)
    _commit_file(board, board.load(entry), ids.short_id(entry.id, [e.id for e in board.entries()]), "edit")
    return 0


def cmd_doctor(args: argparse.Namespace) -> int:
    board = _board(args)
    if args.fix:
        said, set_aside = doctor.fix_copies(board, lambda copies: _choose_copy(copies, args.keep))
        said += doctor.remove_leftovers(board)
        said += doctor.record_history(board)
        if set_aside and board.settings.git_commit:
            from pulseboard.services.git import commit

            problem = commit(
                board, set_aside, f"pulse: doctor --fix, one copy of {len(set_aside)} task(s) kept"
            )
            if problem:
                _warn(problem)
        for line in said:
            print(output.plain(line))
    problems = doctor.check(board)
    if args.json:
        print(output.dumps([{"kind": p.kind, "message": p.message, "ids": list(p.ids)} for p in problems]))
    elif problems:
        for problem in problems:
            print(f"{problem.kind}: {output.plain(problem.message)}")
    else:
        print("No problems found.")
    return 1 if problems else 0


def _choose_copy(copies: list[Task], keep: str | None) -> Task | None:
    """The copy of a task in two folders to keep: the one in --keep's folder, else the user's pick."""
    if keep is not None:
        return next((t for t in copies if t.state == keep), None)
    if not sys.stdin.isatty():
        _warn(f'"{copies[0].title}" is in several folders; choose with --keep STATE (or run in a terminal).')
        return None
    print(f'"{output.plain(copies[0].title)}" ({copies[0].id}) is in {len(copies)} folders:')
    for number, task in enumerate(copies, start=1):
        stamp = task.done or (task.blocked or {}).get("since") or task.started or task.created or "?"
        print(f"  {number}. {task.state}/{task.name}  ({stamp})")
    answer = input("Keep which (number, empty to leave it)? ").strip()
    return copies[int(answer) - 1] if answer.isdigit() and 1 <= int(answer) <= len(copies) else None


def _suggestions(board: Board, tasks: list[Task]) -> list[Suggestion]:
    from pulseboard.core.heartbeat_inputs import suggest

    return suggest(tasks, board.settings.heartbeat, board.root, dt.datetime.now(dt.UTC))


def cmd_next(args: argparse.Namespace) -> int:
    """The heartbeat's ranked suggestions now."""
    board = _board(args)
    tasks = board.tasks()
    suggestions = _suggestions(board, tasks)[: args.n]
    print(output.beat_text(suggestions, ids.ShortIds(t.id for t in tasks).short, as_json=args.json))
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    """Throughput, cycle and lead time, time blocked, work in progress by day, ageing work."""
    from pulseboard.core.progress import board_stats
    from pulseboard.core.report import stats_text

    board = _board(args)
    tasks = board.tasks()
    stats = board_stats(board, dt.datetime.now().astimezone(), args.days, tasks)
    if args.json:
        print(output.dumps(stats.to_json()))
    else:
        print(stats_text(stats, ids.ShortIds(t.id for t in tasks).short))
    return 0


def cmd_sync(args: argparse.Namespace) -> int:
    """Commit the board's pending changes, pull with rebase, push."""
    from pulseboard.services.git import GitError, sync

    try:
        said = sync(_board(args))
    except GitError as exc:
        raise PulseError(f"{exc}.") from None
    print("\n".join(said))
    return 0


def cmd_claim(args: argparse.Namespace) -> int:
    """Move the best startable task to doing/ (the rename is the lock) and print it."""
    from pulseboard.core.claim import claim

    board = _board(args)
    claimed = claim(board)
    result = claimed.move
    _commit_move(board, result)
    why = output.suggestion_json(claimed.suggestion, lambda _: result.short)
    if args.json:
        task = output.task_json(result.task, result.short)
        print(
            output.dumps({**task, "from": result.from_state, "warnings": result.warnings, "suggestion": why})
        )
    else:
        print(f'{result.short} "{output.plain(result.task.title)}": claimed, open -> doing')
        print(output.suggestion_line(1, claimed.suggestion, lambda _: result.short))
    return 0


def cmd_beat(args: argparse.Namespace) -> int:
    """Print the heartbeat's suggestions every interval and right after each change, until ctrl+c."""
    import asyncio
    import time

    from pulseboard.core.reconcile import Reconciler
    from pulseboard.services.watcher import watch

    board = _board(args)
    snapshot = Snapshot()
    reconciler = Reconciler(board, snapshot)
    interval = args.interval or board.settings.heartbeat.interval_s
    print(f"pulse: a beat every {interval:g}s and after each change in {board.root} (ctrl+c stops)",
          file=sys.stderr, flush=True)  # fmt: skip

    def emit(why: str) -> None:
        suggestions = _suggestions(board, list(snapshot))[: args.n]
        now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        short = ids.ShortIds(snapshot.ids()).short
        if args.json:
            beat = {
                "at": now,
                "why": why,
                "suggestions": [output.suggestion_json(s, short) for s in suggestions],
            }
            print(output.dumps(beat), flush=True)
        else:
            print(
                f"-- {now}  beat ({why})\n{output.beat_text(suggestions, short, as_json=False)}", flush=True
            )

    async def loop() -> None:
        batches = aiter(watch(board.root, poll=args.poll))
        started = False
        due = time.monotonic() + interval
        pending = asyncio.ensure_future(anext(batches))
        while True:
            done, _ = await asyncio.wait(
                {pending}, timeout=max(0.0, due - time.monotonic()) if started else None
            )
            if not done:
                emit("interval")
                due = time.monotonic() + interval
                continue
            batch = pending.result()
            pending = asyncio.ensure_future(anext(batches))
            if batch.notice:
                print(f"pulse: {one_line(batch.notice)}", file=sys.stderr, flush=True)
            if batch.ready and not started:  # read the board once every later change is sure to be seen
                reconciler.apply(None)
                started = True
                emit("start")
                due = time.monotonic() + interval
            elif started and reconciler.apply(batch.paths):
                emit("change")
                due = time.monotonic() + interval

    asyncio.run(loop())
    return 0


def cmd_watch(args: argparse.Namespace) -> int:
    """Print each change on the board as it happens, one line each (JSON lines with --json)."""
    import asyncio

    from pulseboard.core.reconcile import Reconciler, pair_moves
    from pulseboard.services.watcher import watch

    board = _board(args)
    snapshot = Snapshot(board.tasks())
    shorts = ids.ShortIds(snapshot.ids())
    reconciler = Reconciler(board, snapshot)
    print(f"pulse: watching {board.root} (ctrl+c stops)", file=sys.stderr, flush=True)

    async def follow() -> None:
        async for batch in watch(board.root, poll=args.poll):
            if batch.notice:
                print(f"pulse: {one_line(batch.notice)}", file=sys.stderr, flush=True)
            changes = reconciler.apply(batch.paths)
            for task_id in changes.ids_added:
                shorts.add(task_id)
            at = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            for event in pair_moves(changes.events):
                print(
                    output.event_line(event, shorts.short(event.task.id), at, as_json=args.json), flush=True
                )
            for task_id in changes.ids_removed:
                shorts.discard(task_id)

    asyncio.run(follow())
    return 0


def cmd_board(args: argparse.Namespace) -> int:
    """`pulse` alone: the board app on the discovered tasks/ (made in ./tasks if there is none)."""
    notice = None
    given = args.board or os.environ.get("PULSE_BOARD")
    try:
        root = discover(args.board, Path.cwd())
    except PulseError:
        if given:  # a board named but not there (yet): show it empty and follow it when it comes
            root = Path(given).expanduser().absolute()
            notice = f"{root} does not exist (yet); the board will show it as soon as it does."
        else:
            root = Path.cwd() / "tasks"
            actions.init_board(root)
            notice = (
                f"No tasks/ folder was found, so pulse made one here: {root} (open, doing, done, blocked)."
            )
    board = Board(root)
    _ = board.settings
    gc.enable()  # a long-lived app, unlike the one-shot commands
    from pulseboard.tui.app import PulseApp

    PulseApp(board, notice=notice, poll=args.poll).run()
    return 0


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of at least 1")
    return value


def _days(text: str) -> int:
    value = _count(text)
    if value > MAX_DAYS:
        raise argparse.ArgumentTypeError(f"{text!r} days is more than the {MAX_DAYS} pulse looks back")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not value > 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds above 0")
    return value


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--board",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help="the tasks folder (default: $PULSE_BOARD, else the nearest tasks/ upwards)",
    )
    json_flag = argparse.ArgumentParser(add_help=False)
    json_flag.add_argument("--json", action="store_true", help="print JSON for scripts and agents")

    parser = argparse.ArgumentParser(
        prog="pulse", parents=[common], description="A kanban board over a folder of Markdown task files."
    )
    parser.add_argument("--version", action="version", version=f"pulse {__version__}")
    parser.add_argument("--poll", action="store_true", default=argparse.SUPPRESS,
                        help="the board: poll the folder instead of native file events")  # fmt: skip
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(
        name: str, func: Callable[[argparse.Namespace], int], help_text: str, *, with_json: bool = False
    ) -> argparse.ArgumentParser:
        parents = [common, json_flag] if with_json else [common]
        p = sub.add_parser(name, parents=parents, help=help_text, description=help_text)
        p.set_defaults(func=func)
        return p

    p = command("init", cmd_init, "make a board: tasks/ with open/ doing/ done/ blocked/ and pulse.yaml")
    p.add_argument(
        "dir",
        nargs="?",
        help="the project folder to make tasks/ in (default: .); "
        "a folder named tasks, or one that already has open/, is used as the board itself",
    )

    p = command("add", cmd_add, "create a task in open/", with_json=True)
    p.add_argument("title")
    p.add_argument("--priority", choices=PRIORITIES)
    p.add_argument("--estimate", metavar="DURATION", help="30s, 5m, 1h30m")
    p.add_argument(
        "--touches",
        action="append",
        default=[],
        metavar="X",
        help="a file, glob or component it changes (repeatable)",
    )
    p.add_argument(
        "--depends",
        action="append",
        default=[],
        metavar="ID",
        help="a task that must be done first (repeatable)",
    )
    p.add_argument("--tag", dest="tags", action="append", default=[], metavar="T")
    body = p.add_mutually_exclusive_group()
    body.add_argument("--body", metavar="TEXT")
    body.add_argument("--edit", action="store_true", help="open the new file in your editor")

    p = command("ls", cmd_ls, "list tasks", with_json=True)
    p.add_argument("--state", action="append", choices=STATES, help="only this state (repeatable)")

    p = command("show", cmd_show, "show one task", with_json=True)
    p.add_argument("id")

    for name, state, help_text in (
        ("start", "doing", "move a task to doing/"),
        ("done", "done", "move a task to done/"),
        ("reopen", "open", "move a task back to open/"),
    ):
        p = command(name, lambda a, s=state: _move(a, s), help_text, with_json=True)
        p.add_argument("id")
        if state == "doing":
            p.add_argument("--force", action="store_true", help="start even past a hard WIP limit")

    p = command("block", lambda a: _move(a, "blocked"), "move a task to blocked/", with_json=True)
    p.add_argument("id")
    p.add_argument("--reason", required=True, help="what is needed to unblock it")
    p.add_argument("--waiting-on", metavar="WHO", help="who must act")

    p = command("mv", lambda a: _move(a, a.state), "move a task to any state", with_json=True)
    p.add_argument("id")
    p.add_argument("state", choices=STATES)
    p.add_argument("--reason", help="with blocked: what is needed")
    p.add_argument("--waiting-on", metavar="WHO", help="with blocked: who must act")
    p.add_argument("--force", action="store_true", help="move into doing/ even past a hard WIP limit")

    p = command(
        "undo", cmd_undo, "revert your last move (from the journal); again: the one before", with_json=True
    )
    p.add_argument(
        "--any", action="store_true", help="the last move by anyone, not only by you ($PULSE_ACTOR)"
    )

    p = command("edit", cmd_edit, "open a task in $VISUAL or $EDITOR")
    p.add_argument("id")

    p = command("doctor", cmd_doctor, "check the board for problems", with_json=True)
    p.add_argument(
        "--fix", action="store_true", help="settle a task in two folders (you choose), leftover temp files"
    )
    p.add_argument("--keep", choices=STATES, help="with --fix: keep the copy in this folder")

    p = command("next", cmd_next, "what to do next, and why (the heartbeat)", with_json=True)
    p.add_argument("-n", type=_count, default=5, metavar="N", help="how many suggestions (default 5)")

    command(
        "claim", cmd_claim, "move the best task to start to doing/ and print it (for agents)", with_json=True
    )

    p = command("beat", cmd_beat, "print the heartbeat every interval and after each change", with_json=True)
    p.add_argument(
        "--interval", type=_seconds, metavar="S", help="seconds between beats (default: pulse.yaml, 60)"
    )
    p.add_argument("-n", type=_count, default=5, metavar="N", help="how many suggestions a beat (default 5)")
    p.add_argument("--poll", action="store_true", help="poll the folder instead of native file events")

    command("sync", cmd_sync, "commit the board's pending changes, pull with rebase, push (git)")

    p = command(
        "stats", cmd_stats, "done per day, cycle and lead time, time blocked, ageing work", with_json=True
    )
    p.add_argument("--days", type=_days, default=14, metavar="N", help="the window in days (default 14)")

    p = command("watch", cmd_watch, "print each change on the board as it happens", with_json=True)
    p.add_argument("--poll", action="store_true", help="poll the folder instead of native file events")
    return parser


def main(argv: list[str] | None = None) -> int:
    gc.disable()  # a one-shot command allocates many small objects and frees them all at exit
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "board"):
        args.board = None
    if not hasattr(args, "poll"):
        args.poll = False
    if args.command is None:
        args.func = cmd_board
    try:
        return args.func(args)
    except PulseError as exc:
        print(f"pulse: {one_line(str(exc))}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        sys.stderr.close()
        return 0
    except OSError as exc:
        if os.environ.get("PULSE_DEBUG"):
            raise
        where = f": {exc.filename}" if exc.filename else ""
        print(f"pulse: {exc.strerror or exc}{where}.", file=sys.stderr)
        return 1
    except Exception as exc:
        if os.environ.get("PULSE_DEBUG"):
            raise
        print(
            f"pulse: internal error ({type(exc).__name__}: {exc}); "
            "set PULSE_DEBUG=1 to see where, and please report it.",
            file=sys.stderr,
        )
        return 1
