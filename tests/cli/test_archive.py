"""The archive end to end: `pulse archive`, `unarchive`, `undo`, `show`, `ls --archived`, the figures
and git mode, with real files (bytes checked) and the real CLI in subprocesses."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path

import pytest
from support.helpers import clean_env, pulse, pulse_json, pulse_ok

NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)


def stamp(days_ago: float) -> str:
    return (NOW - dt.timedelta(days=days_ago)).strftime("%Y-%m-%dT%H:%M:%SZ")


def month(days_ago: float) -> str:
    return (NOW - dt.timedelta(days=days_ago)).strftime("%Y-%m")


def write(project: Path, state: str, name: str, data: bytes) -> Path:
    path = project / "tasks" / state / name
    path.write_bytes(data)
    return path


def done_task(project: Path, task_id: str, days_ago: float, extra: str = "", *, crlf: bool = False) -> Path:
    text = (
        f"---\n# kept as written\ntitle: Task {task_id}\ncreated: {stamp(days_ago + 1)}\n"
        f"started: {stamp(days_ago + 0.5)}\ndone: {stamp(days_ago)}\n{extra}---\n"
        f"Body of {task_id}.\n- [x] one"
    )  # no final newline
    data = text.replace("\n", "\r\n") if crlf else text
    return write(project, "done", f"{task_id}-task-{task_id}.md", data.encode())


def snapshot(project: Path) -> dict[str, bytes]:
    """Every task file under tasks/ (not .pulse/) by its path: what must come back byte for byte."""
    root = project / "tasks"
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in root.rglob("*.md")
        if ".pulse" not in p.parts
    }


def by_name(files: dict[str, bytes]) -> dict[str, bytes]:
    return {Path(path).name: data for path, data in files.items()}


def test_archive_moves_old_done_tasks_by_month_and_undo_keeps_every_byte(project: Path) -> None:
    old = done_task(project, "aaaa000001", 40)
    crlf = done_task(project, "aaaa000002", 75, crlf=True)
    recent = done_task(project, "aaaa000003", 2)
    write(project, "open", "aaaa000004-open-one.md", b"---\ntitle: Still open\n---\n")
    before = snapshot(project)

    moved = pulse_json("archive", "--older-than", "30d", cwd=project)
    assert sorted(item["id"] for item in moved) == ["aaaa000001", "aaaa000002"]
    assert not old.exists() and not crlf.exists() and recent.exists()
    after = snapshot(project)
    assert f"archive/{month(40)}/{old.name}" in after
    assert f"archive/{month(75)}/{crlf.name}" in after
    assert by_name(after) == by_name(before), "archiving moved files and changed no byte"

    undone = pulse_ok("undo", cwd=project)
    assert "archive/" in undone and "-> done" in undone
    assert snapshot(project) == before
    assert not (project / "tasks" / "archive" / month(40)).exists(), "an emptied month folder goes"


def test_archive_leaves_a_done_task_that_an_open_task_depends_on(project: Path) -> None:
    done_task(project, "bbbb000001", 60)
    done_task(project, "bbbb000002", 60)
    write(project, "open", "bbbb000003-waits.md", b"---\ntitle: Waits\ndepends: [bbbb000001]\n---\n")
    dry = pulse_ok("archive", "--dry-run", cwd=project)
    assert "bbbb000002" in dry and "bbbb000001" not in dry and "1 task would be archived" in dry
    moved = pulse_json("archive", cwd=project)  # the default: 30 days
    assert [item["id"] for item in moved] == ["bbbb000002"]
    assert (project / "tasks" / "done" / "bbbb000001-task-bbbb000001.md").exists()
    beat = pulse_ok("next", cwd=project)
    assert "missing" not in beat and "names no task" not in beat


def test_archived_tasks_are_shown_listed_searched_and_restored(project: Path) -> None:
    done_task(project, "cccc000001", 45, "tags: [release]\n")
    done_task(project, "cccc000002", 45)
    pulse_ok("archive", cwd=project)

    shown = pulse_json("show", "cccc000001", cwd=project)
    assert shown["state"] == f"archive/{month(45)}" and shown["body"].startswith("Body of cccc000001")
    assert pulse_json("ls", cwd=project) == []
    found = pulse_json("ls", "--archived", "#release", cwd=project)
    assert [t["id"] for t in found] == ["cccc000001"]
    assert len(pulse_json("ls", "--archived", cwd=project)) == 2

    refused = pulse("start", "cccc000001", cwd=project)
    assert refused.returncode != 0 and "Traceback" not in refused.stderr
    assert "is archived" in refused.stderr and "pulse unarchive cccc" in refused.stderr

    restored = pulse_json("unarchive", "cccc000001", cwd=project)
    assert restored[0]["state"] == "done"
    assert (project / "tasks" / "done" / "cccc000001-task-cccc000001.md").exists()
    missing = pulse("unarchive", "zzzz", cwd=project)
    assert missing.returncode == 1 and "no archived task matches" in missing.stderr


def test_the_figures_count_archived_tasks_from_the_journal(project: Path) -> None:
    for n in range(3):
        write(project, "open", f"dddd00000{n}-t.md", f"---\ntitle: T{n}\n---\n".encode())
        pulse_ok("start", f"dddd00000{n}", cwd=project)
        pulse_ok("done", f"dddd00000{n}", cwd=project)
    before = pulse_json("stats", cwd=project)
    moved = pulse_json("archive", "--older-than", "0d", cwd=project)
    assert len(moved) == 3 and pulse_json("ls", cwd=project) == []
    after = pulse_json("stats", cwd=project)
    assert after["done_today"] == before["done_today"] == 3
    assert after["velocity"] == before["velocity"] and after["lead"] == before["lead"]


def test_archive_refuses_bad_input_in_one_sentence(project: Path) -> None:
    write(project, "open", "eeee000001-open.md", b"---\ntitle: Open one\n---\n")
    bad_age = pulse("archive", "--older-than", "soon", cwd=project)
    assert bad_age.returncode != 0 and "--older-than" in bad_age.stderr and "Traceback" not in bad_age.stderr
    not_done = pulse("archive", "eeee", cwd=project)
    assert not_done.returncode == 1 and "is not done" in not_done.stderr
    (project / "tasks" / "pulse.yaml").write_text("archive:\n  after: sometime\n")
    bad_setting = pulse("archive", cwd=project)
    assert bad_setting.returncode != 0 and "archive.after" in bad_setting.stderr
    assert (project / "tasks" / "open" / "eeee000001-open.md").exists()


def test_archive_never_overwrites_a_file_already_in_the_archive(project: Path) -> None:
    path = done_task(project, "ffff000001", 40)
    folder = project / "tasks" / "archive" / month(40)
    folder.mkdir(parents=True)
    (folder / path.name).write_bytes(b"someone else's file")
    result = pulse("archive", cwd=project)
    assert result.returncode == 1 and "already exists" in result.stderr
    assert path.exists() and (folder / path.name).read_bytes() == b"someone else's file"


@pytest.mark.timeout(60)
def test_in_git_mode_an_archive_and_its_undo_are_one_commit_each(project: Path, tmp_path: Path) -> None:
    env = clean_env(
        HOME=str(tmp_path), GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=str(tmp_path / "none"),
        GIT_AUTHOR_NAME="T", GIT_AUTHOR_EMAIL="t@example.invalid", GIT_COMMITTER_NAME="T",
        GIT_COMMITTER_EMAIL="t@example.invalid",
    )  # fmt: skip

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", "-C", str(project), *args], env=env, capture_output=True, text=True, check=True
        ).stdout

    (project / "tasks" / "pulse.yaml").write_text("git:\n  commit: true\n")
    for n in range(3):
        done_task(project, f"gggg00000{n}", 40 + n)
    git("init", "-q", "-b", "main")
    git("add", "-A")
    git("commit", "-qm", "start")
    pulse_ok("archive", cwd=project, env=env)
    assert git("status", "--porcelain") == ""
    assert git("log", "-1", "--format=%s").startswith("pulse: archive 3 tasks")
    renames = git("show", "--stat", "-M", "--format=", "HEAD")
    assert renames.count("=>") == 3
    pulse_ok("undo", cwd=project, env=env)
    assert git("status", "--porcelain") == ""
    assert git("log", "-1", "--format=%s").startswith("pulse: undo archive 3 tasks")
    assert json.loads(pulse_ok("ls", "--json", cwd=project, env=env)).__len__() == 3
