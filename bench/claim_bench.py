"""Time a claim through the CLI and through MCP (issue 15, item 6) on a board of 10,000 tasks.

Owns the claim rows. The board is a copy of make_board.py's board of N tasks (`DIR/claim-N`, kept
and reused with `--keep DIR`; about 2,000 of its tasks are open, most of them ready) with the WIP
limit raised to 100, so a claim is never refused for its 3 tasks in doing. The parse cache is warm
(one untimed `pulse ls --json` and one untimed claim of each kind first). Rows:

- **CLI claim**: `python -m pulseboard --board DIR claim --json` as a fresh process (common.Runner:
  from bytecode, PULSE_ACTOR=bench), `--repeat` samples (default 5); `pulse reopen ID` (untimed)
  after each puts the claimed task back.
- **MCP claim**: one long-lived `pulse mcp` server, spoken to by the SDK's own client over stdio:
  the `claim` tool's round trip (request to parsed answer), `--repeat` samples, the task put back
  with the `reopen` tool (untimed) after each.
- **MCP server start**: spawning that server to its answer to `initialize` (once a run).

A reopen leaves the task file byte for byte as it was; the journal lines the run wrote are trimmed
after, and the board's counts are checked. Medians and minimums go to stdout and, merged by size,
to `bench/out/claim_<date>.json` with every sample.

    python bench/claim_bench.py [--sizes 10000] [--repeat 5] [--keep DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from common import (
    PULSE,
    BenchError,
    Runner,
    bench_parser,
    copy_board,
    disk_counts,
    each_size,
    fmt_seconds,
    headline,
    journal_sizes,
    print_head,
    results_path,
    run_record,
    trim_journal,
    write_results,
)

WIP = 100  # the copy's WIP limit: far above its 3 tasks in doing
ROWS = (("cli", "`pulse claim --json` (process)"), ("mcp", "MCP `claim` (call_tool round trip)"),
        ("mcp_start", "MCP server start (to `initialize`)"))  # fmt: skip


def claim_board(size: int, args: argparse.Namespace, scratch: Path) -> Path:
    """The copy of the size's board, its WIP limit raised to WIP."""
    root = copy_board(size, args.seed, args.keep, scratch, "claim", leave=())
    print(flush=True)
    config = root / "pulse.yaml"
    text = config.read_text(encoding="utf-8")
    config.write_text(re.sub(r"(?m)^(\s+doing:\s*)\d+", rf"\g<1>{WIP}", text, count=1), encoding="utf-8")
    return root


def cli_series(runner: Runner, root: Path, repeat: int) -> list[float]:
    """repeat timed `pulse claim --json` runs (after one untimed), each claimed task reopened."""
    seconds: list[float] = []
    for i in range(repeat + 1):
        elapsed = runner.time([*PULSE, "--board", str(root), "claim", "--json"])
        claimed = json.loads(runner.stdout.read_text())
        runner.time([*PULSE, "--board", str(root), "reopen", claimed["id"]])
        if i:
            seconds.append(elapsed)
    return seconds


async def mcp_series(runner: Runner, root: Path, repeat: int) -> tuple[float, list[float]]:
    """One server: its start, then repeat timed claim round trips (after one untimed), each reopened."""
    from mcp import ClientSession, StdioServerParameters
    from mcp.client.stdio import stdio_client

    params = StdioServerParameters(
        command=sys.executable, args=["-m", "pulseboard", "--board", str(root), "mcp"], env=runner.env,
        cwd=runner.workdir,
    )  # fmt: skip
    seconds: list[float] = []
    with runner.stderr.open("w") as errlog:
        started = time.perf_counter()
        async with stdio_client(params, errlog=errlog) as (read, write), ClientSession(read, write) as client:
            await client.initialize()
            start = time.perf_counter() - started
            for i in range(repeat + 1):
                began = time.perf_counter()
                result = await client.call_tool("claim", {})
                answer = json.loads(result.content[0].text)  # type: ignore[union-attr]
                elapsed = time.perf_counter() - began
                if result.isError:
                    raise BenchError(f"the claim tool failed: {answer}")
                reopened = await client.call_tool("reopen", {"id": answer["id"]})
                if reopened.isError:
                    raise BenchError(f"the reopen tool failed: {reopened.content}")
                if i:
                    seconds.append(elapsed)
    return start, seconds


def bench_size(size: int, args: argparse.Namespace, runner: Runner) -> dict[str, Any]:
    root = claim_board(size, args, runner.workdir)
    counts, journal = disk_counts(root), journal_sizes(root)
    try:
        runner.time([*PULSE, "--board", str(root), "ls", "--json"])  # the parse cache, warm
        samples = {"cli": cli_series(runner, root, args.repeat)}
        start, samples["mcp"] = asyncio.run(mcp_series(runner, root, args.repeat))
        samples["mcp_start"] = [start]
    finally:
        trim_journal(root, journal)
    if disk_counts(root) != counts:
        raise BenchError(f"the board's counts changed: {counts} -> {disk_counts(root)}")
    return {
        "size": size,
        "states": counts,
        "median_s": {k: round(statistics.median(s), 4) for k, s in samples.items()},
        "best_s": {k: round(min(s), 4) for k, s in samples.items()},
        "samples_s": {k: [round(x, 4) for x in s] for k, s in samples.items()},
    }


def print_table(results: list[dict[str, Any]]) -> None:
    print()
    print_head("| tasks | row | median | best |")
    for result in results:
        for key, label in ROWS:
            median, best = result["median_s"][key], result["best_s"][key]
            print(f"| {result['size']:,} | {label} | {fmt_seconds(median)} | {fmt_seconds(best)} |")


def main(argv: list[str] | None = None) -> int:
    parser = bench_parser("Time a claim through the CLI and through MCP.", "claim", [10_000])
    parser.add_argument("--repeat", type=int, default=5, help="samples per row (default 5)")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    source = headline("claim benchmark", f"{os.cpu_count()} CPUs; {args.repeat} samples a row, warm cache")
    results, failed = each_size(
        "claim_bench", args.sizes, lambda size, runner: bench_size(size, args, runner)
    )
    print_table(results)
    write_results(
        results_path(args.out, "claim"), run_record(source, repeat=args.repeat, seed=args.seed, sizes=results)
    )
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
