"""Launch to first title of two or more versions of pulse, interleaved, on one board.

The scale benchmark's launch rows move by tens of milliseconds from one run to the next on a
shared machine (its floor, a bare Textual app, does too). To tell whether a change to the start
helps, run the versions in turns, in one tmux server, on the same board, and compare medians:

    git worktree add /tmp/before HEAD~1
    python bench/launch_ab.py /tmp/scale-boards/board-10000/tasks --rounds 8 \\
        before=/tmp/before/src after=src

Each version is NAME=SRC, SRC being the `src` folder put first on PYTHONPATH. The first round
is a warm-up (bytecode compiled, files in the page cache) and is not counted. First title is
scale_bench.py's: every column's true count and a card title in each non-empty column.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from pathlib import Path

from common import AppSession, Tmux, bench_env, disk_counts, require_tmux
from live_bench import Screen
from scale_bench import TERMINAL, first_title_test

from pulseboard.core.board import Board


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("board", type=Path, help="a board's tasks/ folder (its parse cache is used)")
    parser.add_argument("versions", nargs="+", metavar="NAME=SRC", help="a version: a name and its src/")
    parser.add_argument("--rounds", type=int, default=8, help="launches of each version (default 8)")
    args = parser.parse_args(argv)
    require_tmux(parser)
    versions = dict(v.split("=", 1) for v in args.versions)
    board = Board(args.board.resolve())
    test = first_title_test(board.tasks(), disk_counts(board.root), board.settings.wip_doing)
    seconds: dict[str, list[float]] = {name: [] for name in versions}
    with tempfile.TemporaryDirectory(prefix="pulse-launch-ab-") as scratch:
        server = Tmux(bench_env(Path(scratch)))
        try:
            for round_ in range(args.rounds + 1):
                for name, src in versions.items():
                    env = {"XDG_CONFIG_HOME": f"{scratch}/config", "PYTHONPATH": str(Path(src).resolve())}
                    app = AppSession(server, board.root, 0.001, env, size=TERMINAL)
                    try:
                        t0 = app.launch()
                        taken, _ = app.wait_all({"first title": test}, t0, "launch", Screen)
                    finally:
                        app.quit()
                    if round_:
                        seconds[name].append(taken)
        finally:
            server.close()
    for name, samples in seconds.items():
        ms = sorted(round(s * 1000) for s in samples)
        print(f"{name}: median {statistics.median(ms):.0f} ms, min {ms[0]} ms, all {ms}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
