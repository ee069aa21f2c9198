"""The `heartbeat:` section of pulse.yaml: defaults, each key, each bad value (as a PulseError and
through the CLI), what each setting changes in the engine, and the stale-spec note end to end."""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

import pytest
from support.helpers import assert_user_error, frontmatter, pulse, pulse_json, pulse_ok
from test_heartbeat import NOW, stamp, task

from pulseboard.core.actions import create_task, init_board, move_task
from pulseboard.core.board import Board
from pulseboard.core.config import (
    DEFAULT_CONFIG_TEXT,
    HeartbeatSettings,
    Settings,
    Weights,
    load_settings,
)
from pulseboard.core.errors import PulseError
from pulseboard.core.heartbeat import Suggestion, beat
from pulseboard.services.themes import DEFAULT_THEME

DEFAULTS = HeartbeatSettings()


def kinds(result: list[Suggestion]) -> dict[tuple[str, ...], str]:
    return {s.ids: s.kind for s in result}


def starts(result: list[Suggestion]) -> list[str]:
    return [s.ids[0] for s in result if s.action == "start"]


def reasons(result: list[Suggestion], task_id: str) -> dict[str, float]:
    return dict(next(s for s in result if s.ids == (task_id,)).reasons)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = tmp_path / "tasks"
    init_board(root)
    return root


def configure(root: Path, text: str) -> Path:
    path = root / "pulse.yaml"
    path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- parsing


def test_defaults_when_there_is_no_pulse_yaml(root: Path) -> None:
    (root / "pulse.yaml").unlink()
    assert load_settings(root) == Settings()
    assert load_settings(root).heartbeat == DEFAULTS


@pytest.mark.parametrize(
    "text", ["wip: {doing: 3}\n", "heartbeat:\n", "heartbeat: {}\n", "heartbeat: {weights: }\n"]
)
def test_defaults_when_the_section_is_absent_or_empty(root: Path, text: str) -> None:
    configure(root, text)
    assert load_settings(root).heartbeat == DEFAULTS


def test_wip_doing_flows_into_the_heartbeat(root: Path) -> None:
    configure(root, "wip: {doing: 1}\nheartbeat: {box: 10m}\n")
    assert load_settings(root).heartbeat == replace(DEFAULTS, wip_doing=1, box_s=600)


@pytest.mark.parametrize(
    ("text", "changes"),
    [
        ("box: 10m", {"box_s": 600}),
        ("box: 1h30m", {"box_s": 5400}),
        ("big: 1h", {"big_s": 3600}),
        ("small: 5m", {"small_s": 300}),
        ("small: 90s", {"small_s": 90}),
        ("bundle: 3", {"bundle": 3}),
        ("interval: 5", {"interval_s": 5.0}),
        ("interval: 2.5", {"interval_s": 2.5}),
        ('interval: "2m"', {"interval_s": 120.0}),
        ("weights: {overlap: 0}", {"weights": replace(Weights(), overlap=0.0)}),
        ("weights: {high: 4, low: -1.5, age_cap: 0}", {"weights": Weights(high=4.0, low=-1.5, age_cap=0.0)}),
        (
            "box: 20m\nbig: 45m\nsmall: 3m\nbundle: 2\ninterval: 10\nweights: {unblocks: 2.5}",
            {"box_s": 1200, "big_s": 2700, "small_s": 180, "bundle": 2, "interval_s": 10.0,
             "weights": Weights(unblocks=2.5)},
        ),
    ],
)  # fmt: skip
def test_each_key_is_parsed(root: Path, text: str, changes: dict[str, Any]) -> None:
    body = "".join(f"  {line}\n" for line in text.splitlines())
    configure(root, f"heartbeat:\n{body}")
    settings = load_settings(root).heartbeat
    assert settings == replace(DEFAULTS, **changes)
    assert all(
        isinstance(getattr(settings.weights, name), float) for name in (f.name for f in fields(Weights))
    )
    assert isinstance(settings.interval_s, float)


BAD = [
    pytest.param("heartbeat: {soon: 1}\n", "heartbeat.soon", id="unknown-key"),
    pytest.param("heartbeat: {weights: {urgent: 1}}\n", "heartbeat.weights.urgent", id="unknown-weight"),
    pytest.param("heartbeat: {box: soon}\n", "heartbeat.box", id="box-soon"),
    pytest.param("heartbeat: {big: 0m}\n", "heartbeat.big", id="big-zero"),
    pytest.param("heartbeat: {small: -5}\n", "heartbeat.small", id="small-negative"),
    pytest.param("heartbeat: {box: [15m]}\n", "heartbeat.box", id="box-list"),
    pytest.param("heartbeat: {bundle: 0}\n", "heartbeat.bundle", id="bundle-zero"),
    pytest.param("heartbeat: {bundle: 2.5}\n", "heartbeat.bundle", id="bundle-fraction"),
    pytest.param("heartbeat: {bundle: true}\n", "heartbeat.bundle", id="bundle-bool"),
    pytest.param("heartbeat: {interval: -1}\n", "heartbeat.interval", id="interval-negative"),
    pytest.param("heartbeat: {interval: 0}\n", "heartbeat.interval", id="interval-zero"),
    pytest.param("heartbeat: {interval: true}\n", "heartbeat.interval", id="interval-bool"),
    pytest.param("heartbeat: {interval: soon}\n", "heartbeat.interval", id="interval-word"),
    pytest.param("heartbeat: {interval: [1]}\n", "heartbeat.interval", id="interval-list"),
    pytest.param('heartbeat: {weights: {high: "x"}}\n', "heartbeat.weights.high", id="weight-text"),
    pytest.param("heartbeat: {weights: {low: false}}\n", "heartbeat.weights.low", id="weight-bool"),
    pytest.param("heartbeat: {weights: [1]}\n", "heartbeat.weights", id="weights-list"),
    pytest.param("heartbeat: [1]\n", "heartbeat", id="heartbeat-list"),
    pytest.param("heartbeat: {small: 40m}\n", "heartbeat.small", id="small-longer-than-big"),
    pytest.param("heartbeat: 5\n", "heartbeat", id="heartbeat-number"),
    pytest.param(
        "heartbeat: {box: .inf}\n", "heartbeat.box", id="box-infinite",
    ),
    pytest.param(
        "heartbeat: {interval: .nan}\n", "heartbeat.interval", id="interval-nan",
    ),
    pytest.param(
        "heartbeat: {weights: {critical: .nan}}\n", "heartbeat.weights.critical", id="weight-nan",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("text", "needle"), BAD)
def test_each_bad_value_is_a_plain_error_naming_the_key(root: Path, text: str, needle: str) -> None:
    path = configure(root, text)
    with pytest.raises(PulseError) as caught:
        load_settings(root)
    message = str(caught.value)
    assert needle in message and str(path) in message, message
    assert "\n" not in message


@pytest.mark.parametrize(("text", "needle"), BAD)
def test_each_bad_value_through_the_cli_is_one_line_and_exit_1(root: Path, text: str, needle: str) -> None:
    configure(root, text)
    assert_user_error(pulse("next", cwd=root.parent), needle, "pulse.yaml")


def test_default_config_text_is_what_init_writes_and_means_the_defaults(tmp_path: Path) -> None:
    pulse_ok("init", cwd=tmp_path)
    root = tmp_path / "tasks"
    assert (root / "pulse.yaml").read_text(encoding="utf-8") == DEFAULT_CONFIG_TEXT
    settings = load_settings(root)
    assert settings.heartbeat == HeartbeatSettings()
    assert (settings.wip_doing, settings.wip_hard) == (Settings().wip_doing, Settings().wip_hard)
    # The file spells out the theme and keys the board uses anyway; everything else is the default.
    assert settings.theme == DEFAULT_THEME
    assert replace(settings, theme=None, keys=()) == Settings()


# --------------------------------------------------------------------------- what the settings change


def test_box_sets_when_a_task_in_doing_should_be_split() -> None:
    six_minutes_in = [task("d1", "doing", started=stamp(6))]
    assert "consider-split" not in kinds(beat(six_minutes_in, NOW, DEFAULTS)).values()
    five = replace(DEFAULTS, box_s=300)
    assert beat(six_minutes_in, NOW, five)[0].kind == "consider-split"
    eleven_minutes_in = [task("d1", "doing", started=stamp(11))]
    assert beat(eleven_minutes_in, NOW, five)[0].kind == "split"
    assert "5m box" in beat(six_minutes_in, NOW, five)[0].text


def test_an_estimate_still_sets_its_own_box() -> None:
    """The box is the fallback: a task's estimate sets its box whatever heartbeat.box says."""
    estimated = [task("d1", "doing", started=stamp(6), estimate=20 * 60)]
    assert "consider-split" not in kinds(beat(estimated, NOW, replace(DEFAULTS, box_s=300))).values()


def test_overlap_weight_changes_the_ranking() -> None:
    tasks = [
        task("d1", "doing", touches=("navbar",)),
        task("o1", priority="high", touches=("navbar",)),
        task("o2", priority="medium"),
    ]
    assert starts(beat(tasks, NOW, DEFAULTS)) == ["o2", "o1"]  # 300 + 3.9 - 3 < 300 + 1.8
    no_penalty = replace(DEFAULTS, weights=replace(DEFAULTS.weights, overlap=0.0))
    result = beat(tasks, NOW, no_penalty)
    assert starts(result) == ["o1", "o2"]
    assert kinds(result)[("o1",)] == "start-after", "it still says to run them one after the other"


def test_priority_weights_change_the_ranking() -> None:
    tasks = [task("o1", priority="low"), task("o2", priority="critical")]
    assert starts(beat(tasks, NOW, DEFAULTS)) == ["o2", "o1"]
    upside_down = replace(DEFAULTS, weights=replace(DEFAULTS.weights, low=10.0))
    assert starts(beat(tasks, NOW, upside_down)) == ["o1", "o2"]


def test_small_moves_a_fifteen_minute_task_into_the_small_bucket() -> None:
    tasks = [task("o1", estimate=15 * 60)]
    assert reasons(beat(tasks, NOW, DEFAULTS), "o1")["estimate up to 30m"] == 0.5
    wider = replace(DEFAULTS, small_s=20 * 60)
    assert reasons(beat(tasks, NOW, wider), "o1")["estimate up to 20m"] == 1.5


def test_big_sets_what_must_be_split_before_starting() -> None:
    tasks = [task("o1", estimate=45 * 60)]
    assert kinds(beat(tasks, NOW, DEFAULTS))[("o1",)] == "split-before-start"
    hour = replace(DEFAULTS, big_s=3600)
    assert kinds(beat(tasks, NOW, hour))[("o1",)] == "start"
    assert reasons(beat(tasks, NOW, hour), "o1")["estimate up to 1h"] == 0.5


def test_bundle_flags_three_unchecked_criteria_over_unrelated_touches() -> None:
    tasks = [task("o1", criteria=(0, 3), touches=("src/api.py", "docs/guide.md"))]
    assert kinds(beat(tasks, NOW, DEFAULTS))[("o1",)] == "start"  # 3 < 5
    three = replace(DEFAULTS, bundle=3)
    result = beat(tasks, NOW, three)
    assert kinds(result)[("o1",)] == "split-before-start"
    assert "bundles independent parts" in result[0].text
    related = [task("o1", criteria=(0, 3), touches=("src/*.py", "src/api.py"))]
    assert kinds(beat(related, NOW, three))[("o1",)] == "start", "touches that overlap are one part"
    ticked = [task("o1", criteria=(1, 3), touches=("src/api.py", "docs/guide.md"))]
    assert kinds(beat(ticked, NOW, three))[("o1",)] == "start", "only unchecked criteria count"


def test_interval_does_not_change_a_beat() -> None:
    tasks = [task("d1", "doing", started=stamp(20)), task("o1", priority="high")]
    assert beat(tasks, NOW, replace(DEFAULTS, interval_s=1.0)) == beat(tasks, NOW, DEFAULTS)


def test_pulse_next_uses_the_boards_heartbeat_settings(root: Path) -> None:
    board = Board(root)
    busy = create_task(board, "Restyle the navbar")
    six_minutes_ago = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=6)
    moved = move_task(board, busy.id, "doing", now=six_minutes_ago)
    when = six_minutes_ago.timestamp()
    os.utime(moved.task.path, (when, when))  # as if started then: the spec is not newer than the start
    assert "consider-split" not in {s["kind"] for s in pulse_json("next", cwd=root.parent)}
    configure(root, "heartbeat:\n  box: 5m\n")
    top = pulse_json("next", cwd=root.parent)[0]
    assert (top["kind"], top["ids"]) == ("consider-split", [busy.id])


def test_pulse_next_json_stays_strict_json_whatever_the_weights(root: Path) -> None:
    create_task(Board(root), "Fix the login loop", priority="critical")
    configure(root, "heartbeat:\n  weights: {critical: .inf}\n")
    result = pulse("next", "--json", cwd=root.parent)
    if result.returncode == 1:  # refusing the weight is a fine answer too
        assert_user_error(result, "heartbeat.weights.critical")
        return

    def not_json(name: str) -> None:
        raise AssertionError(f"pulse next --json printed {name}, which is not JSON: {result.stdout}")

    json.loads(result.stdout, parse_constant=not_json)


# --------------------------------------------------------------------------- stale spec, end to end


def started_at(path: Path) -> float:
    value = frontmatter(path)["started"]
    assert isinstance(value, dt.datetime)
    return value.timestamp()


def stale(root: Path) -> list[list[str]]:
    return [s["ids"] for s in pulse_json("next", "-n", "20", cwd=root.parent) if s["kind"] == "stale-spec"]


def test_stale_spec_until_the_task_is_shown(root: Path) -> None:
    board = Board(root)
    task_ = create_task(board, "Fix the login loop")
    pulse_ok("start", task_.id, cwd=root.parent)
    path = next((root / "doing").glob(f"{task_.id}-*.md"))
    assert stale(root) == [], "starting a task does not make its own spec stale"

    edited = started_at(path) + 10
    with path.open("a", encoding="utf-8") as handle:
        handle.write("\nAlso handle the remember-me cookie.\n")
    os.utime(path, (edited, edited))
    assert stale(root) == [[task_.id]]
    top = pulse_json("next", cwd=root.parent)[0]
    assert (top["kind"], top["action"]) == ("stale-spec", "re-read")
    assert "re-read" in top["text"]

    pulse_ok("show", task_.id, cwd=root.parent)
    assert stale(root) == [], "pulse show is a re-read"

    os.utime(path, (edited + 10, edited + 10))  # edited again after the re-read
    assert stale(root) == [[task_.id]]


def test_showing_an_open_task_marks_nothing(root: Path) -> None:
    board = Board(root)
    task_ = create_task(board, "Fix the login loop")
    pulse_ok("show", task_.id, cwd=root.parent)
    assert not (root / ".pulse" / "cache" / "read-marks.json").exists()
