"""Time the code-drift check (services/drift.py) a beat runs: one `git log` since the oldest start
in doing, then each task in doing against the files each commit changed.

A board of N tasks (make_board.py, shape `done` or `even`: 3 or 25% in doing, their `started`
stamps moved to an hour ago) inside a git repository whose history has C commits by another author
over the files those tasks touch, made in the last hour. Prints the median of --repeat runs of
`drift_notes` in-process and how many notes it made.

    python bench/drift_bench.py --sizes 10000 --shape even --commits 500
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from make_board import make_board

from pulseboard.core.board import Board
from pulseboard.services.drift import drift_notes

BUDGET_S = 0.1  # a beat's share: the board's beat is ~20 ms of engine work plus its disk reads


def history(repo: Path, files: list[str], commits: int, seed: int) -> None:
    """`commits` commits by bob over these files in the last hour (one file each)."""
    rng = random.Random(seed)
    env = {**os.environ}
    for who in ("AUTHOR", "COMMITTER"):
        env |= {f"GIT_{who}_NAME": "bob", f"GIT_{who}_EMAIL": "bob@x"}
    subprocess.run(["git", "-C", str(repo), "init", "-q"], check=True)
    start = int(time.time()) - 3500
    for n in range(commits):
        path = repo / rng.choice(files)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"{n}\n")
        when = f"@{start + n * 3500 // max(commits, 1)} +0000"
        stamp = {"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
        subprocess.run(["git", "-C", str(repo), "add", "-A"], check=True, env=env | stamp)
        commit = ["git", "-C", str(repo), "commit", "-q", "-m", f"change {n}"]
        subprocess.run(commit, check=True, env=env | stamp)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000])
    parser.add_argument("--shape", choices=["done", "even"], default="even")
    parser.add_argument("--commits", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    hour_ago = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    print(f"drift benchmark: Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, {args.commits} commits")
    for size in args.sizes:
        with tempfile.TemporaryDirectory(prefix="pulse-drift-") as scratch:
            repo = Path(scratch)
            make_board(repo / "tasks", size, shape=args.shape)
            for path in (repo / "tasks" / "doing").iterdir():  # started an hour ago
                text = path.read_text()
                path.write_text(re.sub(r"(?m)^started: .*$", f"started: {hour_ago}", text))
            doing = [t for t in Board(repo / "tasks").tasks() if t.state == "doing"]
            files = sorted({t for task in doing for t in task.touches if "*" not in t}) or ["src/a.py"]
            history(repo, files, args.commits, size)
            now = dt.datetime.now(dt.UTC)
            times, notes = [], []
            for _ in range(args.repeat):
                began = time.perf_counter()
                notes = drift_notes(doing, repo / "tasks", now)
                times.append(time.perf_counter() - began)
            median = statistics.median(times)
            verdict = "PASS" if median <= BUDGET_S else "OVER"
            print(
                f"{size:>7,} tasks ({len(doing):,} in doing), {args.commits} commits: drift_notes "
                f"median {median * 1000:.1f} ms, best {min(times) * 1000:.1f} ms, {len(notes)} notes "
                f"(budget {BUDGET_S * 1000:.0f} ms {verdict})"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
