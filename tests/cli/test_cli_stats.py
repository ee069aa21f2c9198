"""`pulse stats` end to end: a board with a synthetic history written by hand, read by a real process.

`pulse stats` reads the real clock, so the history is laid out relative to the real today: fixed
hours of earlier days, and a few minutes after midnight today (the test skips in the first ten
minutes of a day, and in the last few, when "today" could change under it). The subprocess runs
with TZ=UTC and the days here are UTC days, so a day means the same on both sides.

The board, D(n) meaning n days ago (UTC) and D0 today:

    task     history (journal)                                          now
    ALPHA    open D3 09:00, doing D3 10:00, done D2 10:00               done
    BRAVO    open D2 08:00, doing D2 09:00, blocked D2 12:00,
             doing D1 12:00, done D0 00:05                              done
    CHARLIE  open D1 09:00, doing D1 10:00, done D0 00:02               done
    DELTA    open D5 09:00, doing D5 10:00, done D4 10:00,
             doing D1 09:00, done D1 11:00 (counted once, on D1)        done
    ECHO     open D2 09:00, doing D2 10:00; then moved by hand: the
             file sits in done/ with `done: D0 00:04` (estimated)       done
    FOXTROT  open D1 09:00, doing D0 00:01 (no estimate: 15m box)       doing
    GOLF     open D7 09:00, doing D7 10:00, blocked D6 08:00            blocked
    HOTEL    open D1 09:00                                              open
    INDIA    open D30 09:00, doing D25 09:00, done D20 10:00 (before
             the window)                                                done
    JULIET   open D1 09:00, doing D1 10:00, blocked D1 10:30, undone
             by `pulse undo` at D1 11:30 (both left out of the history) doing
    KILO     open D1 09:30, doing D0 00:03 (estimate 1h: a 1h box)      doing
    LIMA     open D3 12:00, doing D3 13:00, done D3 13:30               done
    MIKE     open D1 13:00, doing D1 14:00, done D1 15:00               done
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from support.helpers import assert_usage_error, assert_user_error, clean_env, describe_run, ok, pulse

from pulseboard.core.actions import init_board

pytestmark = pytest.mark.timeout(60)

HOUR = 3600
DAY = 24 * HOUR
STAMP = "%Y-%m-%dT%H:%M:%SZ"

ALPHA, BRAVO, CHARLIE, DELTA = "a1aaaaaaaa", "b1bbbbbbbb", "c1cccccccc", "d1dddddddd"
ECHO, FOXTROT, GOLF, HOTEL = "e1eeeeeeee", "f1ffffffff", "g1gggggggg", "h1hhhhhhhh"
INDIA, JULIET, KILO, LIMA, MIKE = "j1jjjjjjjj", "k1kkkkkkkk", "m1mmmmmmmm", "n1nnnnnnnn", "p1pppppppp"
ALL_IDS = (ALPHA, BRAVO, CHARLIE, DELTA, ECHO, FOXTROT, GOLF, HOTEL, INDIA, JULIET, KILO, LIMA, MIKE)


@dataclass(frozen=True)
class Day:
    """Today (UTC) as the test sees it, and stamps relative to its midnight."""

    today: dt.date
    midnight: dt.datetime

    def moment(self, days_ago: int, hour: int, minute: int = 0) -> dt.datetime:
        return self.midnight - dt.timedelta(days=days_ago) + dt.timedelta(hours=hour, minutes=minute)

    def stamp(self, days_ago: int, hour: int, minute: int = 0) -> str:
        return self.moment(days_ago, hour, minute).strftime(STAMP)

    def ts(self, days_ago: int, hour: int, minute: int = 0) -> float:
        return self.moment(days_ago, hour, minute).timestamp()

    def date(self, days_ago: int) -> str:
        return (self.today - dt.timedelta(days=days_ago)).isoformat()


@pytest.fixture
def day() -> Day:
    """Today in UTC; skips near midnight, when `pulse stats` could see another day than the test."""
    now = dt.datetime.now(dt.UTC)
    if now.time() < dt.time(0, 10):
        pytest.skip("today's synthetic events sit in 00:01-00:05 UTC; it is not 00:10 UTC yet")
    if now.time() > dt.time(23, 57):
        pytest.skip("midnight UTC is minutes away: `pulse stats` could see another today")
    midnight = dt.datetime.combine(now.date(), dt.time(), dt.UTC)
    return Day(now.date(), midnight)


def env() -> dict[str, str]:
    return clean_env(TZ="UTC")


def stats(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return pulse("stats", *args, cwd=project, env=env())


@dataclass
class Timed:
    """A finished run and the real clock just before it started and just after it ended."""

    data: Any
    before: float
    after: float


def stats_json(project: Path, *args: str) -> Timed:
    before = time.time()
    result = ok(stats(project, *args, "--json"))
    after = time.time()
    assert result.stderr == "", describe_run(result)
    assert result.stdout.count("\n") == 1
    return Timed(json.loads(result.stdout), before, after)


# --------------------------------------------------------------------------- the synthetic board


def write_task(root: Path, state: str, task_id: str, title: str, **front: Any) -> str:
    """A task file as pulse would write it (stamps included), named `<id>-<slug>.md`."""
    name = f"{task_id}-{title.lower().replace(' ', '-')}.md"
    lines = [f"title: {title}"]
    if front.get("estimate"):
        lines.append(f"estimate: {front['estimate']}")
    for key in ("created", "started", "done"):
        if front.get(key):
            lines.append(f"{key}: {front[key]}")
    if front.get("blocked"):
        reason, since = front["blocked"]
        lines += ["blocked:", f"  reason: {json.dumps(reason)}", f"  since: {since}"]
    (root / state / name).write_text("---\n" + "\n".join(lines) + "\n---\n", encoding="utf-8")
    return name


def history(task_id: str, name: str, *steps: tuple[str, str]) -> list[dict[str, Any]]:
    """Journal lines: a create at the first (stamp, state), then a move to each later one."""
    (first, _), *moves = steps
    events = [{"at": first, "op": "create", "id": task_id, "file": name, "from": None, "to": "open"}]
    state = "open"
    for at, to in moves:
        events.append({"at": at, "op": "move", "id": task_id, "file": name, "from": state, "to": to})
        state = to
    return [{**e, "by": "test"} for e in events]


def write_journal(root: Path, events: list[dict[str, Any]]) -> None:
    """The journal as core/journal.py writes it: compact JSON lines in YYYY-MM.jsonl, oldest first."""
    folder = root / ".pulse" / "journal"
    for event in sorted(events, key=lambda e: e["at"]):  # stable: same-second lines keep their order
        with (folder / f"{event['at'][:7]}.jsonl").open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(event, ensure_ascii=False, separators=(",", ":")) + "\n")


Step = tuple[tuple[int, ...], str]  # ((days ago, hour[, minute]), the folder entered)

# The board in the module docstring: (folder now, id, title, journalled steps, extra frontmatter).
# Each file carries the stamps pulse would have written for its last steps.
BOARD: list[tuple[str, str, str, list[Step], dict[str, Any]]] = [
    ("done", ALPHA, "Alpha", [((3, 9), "open"), ((3, 10), "doing"), ((2, 10), "done")], {}),
    ("done", BRAVO, "Bravo", [((2, 8), "open"), ((2, 9), "doing"), ((2, 12), "blocked"),
                              ((1, 12), "doing"), ((0, 0, 5), "done")], {}),
    ("done", CHARLIE, "Charlie", [((1, 9), "open"), ((1, 10), "doing"), ((0, 0, 2), "done")], {}),
    ("done", DELTA, "Delta", [((5, 9), "open"), ((5, 10), "doing"), ((4, 10), "done"),
                              ((1, 9), "doing"), ((1, 11), "done")], {}),
    # the journal stops at doing: someone moved the file to done/ and stamped it by hand
    ("done", ECHO, "Echo", [((2, 9), "open"), ((2, 10), "doing")], {"done": (0, 0, 4)}),
    ("doing", FOXTROT, "Foxtrot", [((1, 9), "open"), ((0, 0, 1), "doing")], {}),
    ("blocked", GOLF, "Golf", [((7, 9), "open"), ((7, 10), "doing"), ((6, 8), "blocked")], {}),
    ("open", HOTEL, "Hotel", [((1, 9), "open")], {}),
    ("done", INDIA, "India", [((30, 9), "open"), ((25, 9), "doing"), ((20, 10), "done")], {}),
    ("doing", JULIET, "Juliet", [((1, 9), "open"), ((1, 10), "doing")], {}),  # + a block and its undo
    ("doing", KILO, "Kilo", [((1, 9, 30), "open"), ((0, 0, 3), "doing")], {"estimate": "1h"}),
    ("done", LIMA, "Lima", [((3, 12), "open"), ((3, 13), "doing"), ((3, 13, 30), "done")], {}),
    ("done", MIKE, "Mike", [((1, 13), "open"), ((1, 14), "doing"), ((1, 15), "done")], {}),
]  # fmt: skip


def build_board(project: Path, d: Day) -> None:
    """The board in the module docstring: task files and the journal, written by hand."""
    root = project / "tasks"
    init_board(root)
    events: list[dict[str, Any]] = []
    for state, task_id, title, steps, extra in BOARD:
        at = {entered: d.stamp(*when) for when, entered in steps}  # the last entry into each folder
        front: dict[str, Any] = {"created": at["open"], "estimate": extra.get("estimate")}
        if state != "open":
            front["started"] = at["doing"]
        if state == "done":
            front["done"] = d.stamp(*extra["done"]) if "done" in extra else at["done"]
        if state == "blocked":
            front["blocked"] = ("needs the signing key", at["blocked"])
        name = write_task(root, state, task_id, title, **front)
        events += history(task_id, name, *((d.stamp(*when), entered) for when, entered in steps))
        if task_id == JULIET:  # blocked at D1 10:30, and that block undone at D1 11:30
            block = {
                "at": d.stamp(1, 10, 30), "op": "move", "id": JULIET, "file": name, "from": "doing",
                "to": "blocked", "by": "test",
                "before": {"started": at["doing"], "done": None, "blocked": None},
            }  # fmt: skip
            undo = {
                "at": d.stamp(1, 11, 30), "op": "move", "id": JULIET, "file": name, "from": "blocked",
                "to": "doing", "by": "test", "undoes": f"{block['at']} {JULIET} doing>blocked",
                "before": {"started": at["doing"], "done": None,
                           "blocked": {"reason": "wait", "waiting_on": None, "since": block["at"]}},
            }  # fmt: skip
            events += [block, undo]
    write_journal(root, events)


@pytest.fixture
def project(tmp_path: Path, day: Day) -> Path:
    project = tmp_path / "proj"
    build_board(project, day)
    return project


def folder_counts(project: Path) -> dict[str, int]:
    root = project / "tasks"
    return {state: len(list((root / state).glob("*.md"))) for state in ("open", "doing", "done", "blocked")}


# Hand-computed durations (seconds) of the tasks finished in the 14-day window:
#   task     cycle (first doing -> last done)       lead (created -> last done)
#   LIMA     D3 13:00 -> D3 13:30 =   1800 (30m)    D3 12:00 -> D3 13:30 =   5400
#   MIKE     D1 14:00 -> D1 15:00 =   3600 (1h)     D1 13:00 -> D1 15:00 =   7200
#   CHARLIE  D1 10:00 -> D0 00:02 =  50520 (14h02m) D1 09:00 -> D0 00:02 =  54120
#   ALPHA    D3 10:00 -> D2 10:00 =  86400 (24h)    D3 09:00 -> D2 10:00 =  90000 (25h)
#   ECHO     D2 10:00 -> D0 00:04 = 137040 (38h04m) D2 09:00 -> D0 00:04 = 140640  estimated
#   BRAVO    D2 09:00 -> D0 00:05 = 140700 (39h05m) D2 08:00 -> D0 00:05 = 144300 (40h05m)
#   DELTA    D5 10:00 -> D1 11:00 = 349200 (4d1h)   D5 09:00 -> D1 11:00 = 352800
# Seven values each: the median is the 4th smallest, the 85th percentile the ceil(0.85*7) = 6th.
CYCLE_14 = {"count": 7, "median_s": 86400, "p85_s": 140700, "estimated": 1}
LEAD_14 = {"count": 7, "median_s": 90000, "p85_s": 144300, "estimated": 1}

# Folder counts at the end of each day, (open, doing, done, blocked), n days ago:
FLOW_14 = {
    **dict.fromkeys(range(13, 7, -1), (0, 0, 1, 0)),  # INDIA, done before the window
    7: (0, 1, 1, 0),  # + GOLF doing
    6: (0, 0, 1, 1),  # GOLF blocked
    5: (0, 1, 1, 1),  # + DELTA doing
    4: (0, 0, 2, 1),  # DELTA done
    3: (0, 1, 3, 1),  # + ALPHA doing, + LIMA done
    2: (0, 1, 4, 2),  # ALPHA done, + BRAVO blocked, + ECHO doing
    1: (3, 4, 5, 1),  # + FOXTROT HOTEL KILO open; BRAVO CHARLIE JULIET (ECHO) doing; + MIKE, DELTA again done
    0: (1, 3, 8, 1),  # FOXTROT KILO (JULIET) doing; BRAVO CHARLIE ECHO done: the folders now
}


def flow_row(d: Day, days_ago: int, counts: tuple[int, int, int, int]) -> dict[str, Any]:
    return {"date": d.date(days_ago), **dict(zip(("open", "doing", "done", "blocked"), counts, strict=True))}


# --------------------------------------------------------------------------- figures


def test_stats_json_figures_match_the_hand_computed_ones(project: Path, day: Day) -> None:
    run = stats_json(project)
    data = run.data
    assert data["today"] == day.today.isoformat(), "the real clock passed midnight: rerun"
    assert data["days"] == 14

    # done today: BRAVO 00:05, CHARLIE 00:02, ECHO 00:04 (estimated) -> 3, all in hour 0
    assert data["done_today"] == 3
    assert data["done_per_hour_today"] == [3] + [0] * 23

    # velocity: LIMA on D3; ALPHA on D2; DELTA (its last done) and MIKE on D1; three today;
    # INDIA finished before the window; ECHO counts, as estimated
    assert [v["date"] for v in data["velocity"]] == [day.date(n) for n in range(13, -1, -1)]
    assert [v["count"] for v in data["velocity"]] == [0] * 10 + [1, 1, 2, 3]
    assert data["velocity_estimated"] == 1

    assert data["cycle"] == CYCLE_14
    assert data["lead"] == LEAD_14

    # blocked: BRAVO D2 12:00 -> D1 12:00 (86400) and GOLF since D6 08:00, still blocked (to now);
    # JULIET's hour in blocked/ was undone, so it never happened
    golf_since = day.ts(6, 8)
    blocked = data["blocked"]
    assert (blocked["tasks"], blocked["estimated"]) == (2, 0)
    assert DAY + run.before - golf_since - 1 <= blocked["total_s"] <= DAY + run.after - golf_since + 1
    assert blocked["longest"]["id"] == GOLF
    assert run.before - golf_since - 1 <= blocked["longest"]["seconds"] <= run.after - golf_since + 1

    # flow: every day by hand; the last day is the folders as they are now
    assert data["flow"] == [flow_row(day, n, FLOW_14[n]) for n in range(13, -1, -1)]
    last = data["flow"][-1]
    assert {k: last[k] for k in ("open", "doing", "done", "blocked")} == folder_counts(project)
    assert sum(folder_counts(project).values()) == len(ALL_IDS)

    # ageing, at x hours past midnight today: GOLF blocked since D6 08:00 against 4 x 15m, ratio
    # 136 + x; JULIET in doing since D1 10:00 (its undone block left out) against 15m, 4 * (14 + x);
    # FOXTROT since 00:01 against 15m, under 4 * x; KILO since 00:03 against its 1h estimate, under x
    ageing = data["ageing"]
    assert [(a["id"], a["state"], a["box_s"], a["estimated"]) for a in ageing] == [
        (GOLF, "blocked", 4 * 900, False),
        (JULIET, "doing", 900, False),
        (FOXTROT, "doing", 900, False),
        (KILO, "doing", HOUR, False),
    ]
    entered_at = (day.ts(6, 8), day.ts(1, 10), day.ts(0, 0, 1), day.ts(0, 0, 3))
    for a, entered in zip(ageing, entered_at, strict=True):
        assert run.before - entered - 1 <= a["age_s"] <= run.after - entered + 1, a
        assert a["ratio"] == pytest.approx(a["age_s"] / a["box_s"])
    assert ageing == sorted(ageing, key=lambda a: -a["ratio"])


def test_stats_days_3(project: Path, day: Day) -> None:
    data = stats_json(project, "--days", "3").data
    assert data["days"] == 3
    # D2: ALPHA; D1: DELTA, MIKE; D0: BRAVO, CHARLIE, ECHO (LIMA on D3 is outside)
    assert data["velocity"] == [
        {"date": day.date(2), "count": 1},
        {"date": day.date(1), "count": 2},
        {"date": day.date(0), "count": 3},
    ]
    assert data["velocity_estimated"] == 1
    # six values without LIMA: an even count, so the median is the mean of the 3rd and 4th
    # cycle: 3600, 50520, 86400, 137040, 140700, 349200 -> (86400 + 137040) / 2 = 111720; p85: 6th
    assert data["cycle"] == {"count": 6, "median_s": 111720, "p85_s": 349200, "estimated": 1}
    # lead: 7200, 54120, 90000, 140640, 144300, 352800 -> (90000 + 140640) / 2 = 115320
    assert data["lead"] == {"count": 6, "median_s": 115320, "p85_s": 352800, "estimated": 1}
    # the window's first day carries everything before it: the same counts as in the 14-day flow
    assert data["flow"] == [flow_row(day, n, FLOW_14[n]) for n in (2, 1, 0)]


def test_stats_text_output(project: Path, day: Day) -> None:
    result = ok(stats(project))
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    by_start = {line[:15].strip(): line for line in lines[:5]}
    assert list(by_start) == ["done today", "velocity", "cycle time", "lead time", "time blocked"]
    assert by_start["done today"].startswith("done today      3   by hour |")
    assert by_start["velocity"].endswith("|  7 in 14 days, 0.5 a day, 1 estimated")
    # the medians and 85th percentiles of CYCLE_14 and LEAD_14 as durations
    assert by_start["cycle time"] == "cycle time      median 1d, 85% within 1d15h  (7 tasks, 1 estimated)"
    assert by_start["lead time"] == "lead time       median 1d1h, 85% within 1d16h  (7 tasks, 1 estimated)"
    assert by_start["time blocked"].startswith("time blocked    ")
    assert " over 2 tasks; longest g1gg " in by_start["time blocked"]

    header = lines.index("day          open  doing  done  blocked")
    rows = lines[header + 1 : header + 15]
    assert [row.split()[0] for row in rows] == [day.date(n) for n in range(13, -1, -1)]
    assert [tuple(int(x) for x in row.split()[1:]) for row in rows] == [FLOW_14[n] for n in range(13, -1, -1)]
    assert rows[-1] == f"{day.date(0)}      1      3     8        1"

    ageing = lines[header + 16 :]
    assert ageing[0].startswith("ageing ")
    assert [row.split()[:2] for row in ageing[1:]] == [
        ["g1gg", "blocked"],
        ["k1kk", "doing"],
        ["f1ff", "doing"],
        ["m1mm", "doing"],
    ]
    assert "Traceback" not in result.stdout


# --------------------------------------------------------------------------- arguments and edge boards


@pytest.mark.parametrize("value", ["0", "x", "-3", "1.5"])
def test_stats_days_must_be_a_whole_number_of_at_least_1(tmp_path: Path, value: str) -> None:
    init_board(tmp_path / "tasks")
    assert_usage_error(pulse("stats", "--days", value, cwd=tmp_path, env=env()))


def test_stats_with_an_absurd_window_is_a_clean_error(tmp_path: Path) -> None:
    init_board(tmp_path / "tasks")
    result = pulse("stats", "--days", "1000000", cwd=tmp_path, env=env())
    assert result.returncode in (1, 2), describe_run(result)
    assert "internal error" not in result.stderr, describe_run(result)
    assert result.stderr.count("\n") == 1 or "usage:" in result.stderr, describe_run(result)


def test_stats_on_an_empty_board(tmp_path: Path, day: Day) -> None:
    init_board(tmp_path / "tasks")

    text = ok(pulse("stats", cwd=tmp_path, env=env()))
    data = json.loads(ok(pulse("stats", "--json", cwd=tmp_path, env=env())).stdout)

    assert text.stderr == ""
    lines = text.stdout.splitlines()
    assert lines[0].startswith("done today      0   by hour |")
    assert lines[1].endswith("0 in 14 days, 0.0 a day")
    assert lines[2] == "cycle time      median -, 85% within -  (0 tasks)"
    assert lines[3] == "lead time       median -, 85% within -  (0 tasks)"
    assert lines[4] == "time blocked    0s over 0 tasks"
    rows = lines[lines.index("day          open  doing  done  blocked") + 1 :]
    assert len(rows) == 14 and all(row.split()[1:] == ["0", "0", "0", "0"] for row in rows)
    assert "ageing" not in text.stdout

    assert data["done_today"] == 0 and data["velocity_estimated"] == 0
    assert [v["count"] for v in data["velocity"]] == [0] * 14
    assert data["cycle"] == data["lead"] == {"count": 0, "median_s": None, "p85_s": None, "estimated": 0}
    assert data["blocked"] == {"total_s": 0, "tasks": 0, "longest": None, "estimated": 0}
    assert all((f["open"], f["doing"], f["done"], f["blocked"]) == (0, 0, 0, 0) for f in data["flow"])
    assert data["ageing"] == []


def test_stats_with_a_broken_pulse_yaml(tmp_path: Path) -> None:
    init_board(tmp_path / "tasks")
    (tmp_path / "tasks" / "pulse.yaml").write_text("wip: [unclosed\n", encoding="utf-8")
    assert_user_error(pulse("stats", cwd=tmp_path, env=env()), "pulse.yaml")
    assert_user_error(pulse("stats", "--json", cwd=tmp_path, env=env()), "pulse.yaml")


def test_stats_with_no_board(tmp_path: Path) -> None:
    assert_user_error(pulse("stats", cwd=tmp_path, env=env()), "no tasks/ folder")


def test_stats_counts_a_hand_made_done_task_without_any_journal(tmp_path: Path, day: Day) -> None:
    """A task finished before pulse kept a journal: its stamps make its history, all estimated."""
    root = tmp_path / "tasks"
    init_board(root)
    s = day.stamp
    # cycle D1 10:00 -> D0 00:03 = 14h03m = 50580; lead D1 08:00 -> D0 00:03 = 16h03m = 57780
    write_task(root, "done", "q1qqqqqqqq", "Hand made", created=s(1, 8), started=s(1, 10), done=s(0, 0, 3))

    data = stats_json(tmp_path).data

    assert data["done_today"] == 1 and data["velocity_estimated"] == 1
    assert data["cycle"] == {"count": 1, "median_s": 50580, "p85_s": 50580, "estimated": 1}
    assert data["lead"] == {"count": 1, "median_s": 57780, "p85_s": 57780, "estimated": 1}
    assert data["flow"][-2:] == [flow_row(day, 1, (0, 1, 0, 0)), flow_row(day, 0, (0, 0, 1, 0))]


def test_stats_ages_a_task_moved_into_doing_by_hand_from_its_file_time(tmp_path: Path, day: Day) -> None:
    """No journal move and no `started` stamp: the file's ctime (set by the rename) is the estimate."""
    root = tmp_path / "tasks"
    init_board(root)
    name = write_task(root, "open", "r1rrrrrrrr", "Moved by hand", created=day.stamp(1, 9))
    write_journal(root, history("r1rrrrrrrr", name, (day.stamp(1, 9), "open")))
    renamed = time.time()
    (root / "open" / name).rename(root / "doing" / name)

    run = stats_json(tmp_path)

    [ageing] = run.data["ageing"]
    assert (ageing["id"], ageing["state"], ageing["box_s"], ageing["estimated"]) == (
        "r1rrrrrrrr", "doing", 900, True,
    )  # fmt: skip
    assert 0 <= ageing["age_s"] <= run.after - renamed + 1
    assert run.data["flow"][-1] == flow_row(day, 0, (0, 1, 0, 0))
