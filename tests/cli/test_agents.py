"""`pulse agents` end to end in real subprocesses: the loop names this board's limits, and --install
keeps it as one marked block in AGENTS.md / CLAUDE.md, every other byte (and the newline style) kept,
a second run writing nothing; a file it can't safely change is refused with one line, untouched."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from support.helpers import assert_user_error, pulse, pulse_ok

from pulseboard.core.actions import create_task
from pulseboard.core.board import Board

START = b"<!-- pulse:agents:start -->"
END = b"<!-- pulse:agents:end -->"
OLD = 1_000_000_000_000_000_000  # an mtime_ns long past: a write would change it

CUSTOM = """\
wip: {doing: 4, hard: true}
holders: {limit: 2, lease: 45m, limits: {"agent-*": 1}, heavy: 2, heavy_tags: [epic]}
heartbeat: {box: 20m, big: 1h}
"""


def configure(project: Path, text: str) -> None:
    (project / "tasks" / "pulse.yaml").write_text(text, encoding="utf-8")


def install(project: Path, name: str = "AGENTS.md") -> str:
    return pulse_ok("agents", "--install", name, cwd=project)


def split_block(data: bytes) -> tuple[bytes, bytes, bytes]:
    """(before, block, after): the block from its start marker to its end marker, inclusive."""
    begin, end = data.index(START), data.index(END) + len(END)
    return data[:begin], data[begin:end], data[end:]


def aged(path: Path) -> int:
    """Set path's mtime long in the past and return it, so that any write shows."""
    os.utime(path, ns=(OLD, OLD))
    return path.stat().st_mtime_ns


def test_the_loop_names_the_real_commands_and_the_default_limits(project: Path) -> None:
    create_task(Board(project / "tasks"), "Zanzibar rewrite of the frobnicator")
    loop = pulse_ok("agents", cwd=project)
    for command in (
        "pulse claim --json",
        "pulse claim --take-stale --json",
        "pulse show ID --json",
        'pulse note ID "',
        "pulse renew ID",
        "pulse done ID",
        "pulse block ID --reason",
        "--waiting-on WHO",
        "pulse next --json",
        "pulse ls --mine --json",
        "pulse plan --hands N --json",
        'pulse add "title" --touches X --estimate 15m',
        "PULSE_ACTOR",
    ):
        assert command in loop, command
    assert "re-read the task spec before starting" in loop.lower()
    assert "at most 3 tasks" in loop and "a start past it only warns" in loop
    assert "weight of at most 3" in loop and "1.5 when estimated over 30m or tagged #feature" in loop
    assert "Lease 30m" in loop and "time box of 15m" in loop
    assert "`tasks/`" in loop
    assert "Zanzibar" not in loop  # no task text ever enters the instructions
    assert 30 <= len(loop.splitlines()) <= 45


def test_the_loop_is_filled_with_this_boards_settings(project: Path) -> None:
    configure(project, CUSTOM)
    loop = pulse_ok("agents", "--board", project / "tasks", cwd=project.parent)
    assert "at most 4 tasks" in loop and "a start past it is refused" in loop
    assert "weight of at most 2 in doing (by name: agent-*: 1)" in loop
    assert "2 when estimated over 1h or tagged #epic" in loop
    assert "Lease 45m" in loop and "time box of 20m" in loop and "estimated over 1h" in loop
    assert "`proj/tasks/`" in loop  # named from where it is read


def test_install_makes_a_new_file_holding_just_the_block(project: Path) -> None:
    assert install(project) == "wrote the pulse loop into AGENTS.md\n"
    loop = pulse_ok("agents", cwd=project).encode()
    assert (project / "AGENTS.md").read_bytes() == START + b"\n" + loop + END + b"\n"


def test_install_names_the_board_from_the_files_folder(project: Path) -> None:
    (project / "docs").mkdir()
    install(project, "docs/CLAUDE.md")  # relative to the current folder
    assert b"`../tasks/`" in (project / "docs" / "CLAUDE.md").read_bytes()


@pytest.mark.parametrize(
    ("before", "separator"),
    [
        (b"# Agents\n\nBe kind.\n", b"\n"),
        (b"# Agents\r\n\r\nBe kind.\r\n", b"\r\n"),
        (b"# Agents\n\nno newline at the end", b"\n\n"),
        (b"# Agents\r\n\r\nno newline at the end", b"\r\n\r\n"),
        (b"# Agents\n\nalready a blank line\n\n", b""),
        (b"", b""),
    ],
    ids=["lf", "crlf", "lf-no-final-newline", "crlf-no-final-newline", "blank-line-at-end", "empty"],
)
def test_install_appends_after_one_blank_line_keeping_every_byte(
    project: Path, before: bytes, separator: bytes
) -> None:
    path = project / "AGENTS.md"
    path.write_bytes(before)
    install(project)
    data = path.read_bytes()
    head, block, tail = split_block(data)
    assert head == before + separator
    newline = b"\r\n" if b"\r\n" in before else b"\n"
    assert tail == newline
    assert block.count(newline) == block.count(b"\n")  # the block has the file's newline style
    second = install(project)
    assert second == "AGENTS.md already has the current pulse loop\n"


@pytest.mark.parametrize("newline", [b"\n", b"\r\n"], ids=["lf", "crlf"])
def test_install_twice_writes_nothing_the_second_time(project: Path, newline: bytes) -> None:
    path = project / "AGENTS.md"
    path.write_bytes(newline.join([b"# Agents", b"", b"Other rules.", b""]))
    install(project)
    first = path.read_bytes()
    mtime = aged(path)
    inode = path.stat().st_ino
    assert install(project) == "AGENTS.md already has the current pulse loop\n"
    assert path.read_bytes() == first
    assert path.stat().st_mtime_ns == mtime and path.stat().st_ino == inode


@pytest.mark.parametrize("newline", [b"\n", b"\r\n"], ids=["lf", "crlf"])
def test_a_changed_setting_updates_only_the_block(project: Path, newline: bytes) -> None:
    path = project / "CLAUDE.md"
    path.write_bytes(newline.join([b"# Rules", b"", b"Top.", b""]))
    install(project, "CLAUDE.md")
    with path.open("ab") as handle:  # the user adds after the block, with no final newline
        handle.write(newline.join([b"", b"## Mine", b"", b"Bottom, no newline"]))
    head, old_block, tail = split_block(path.read_bytes())
    configure(project, CUSTOM)
    assert install(project, "CLAUDE.md") == "wrote the pulse loop into CLAUDE.md\n"
    new_head, new_block, new_tail = split_block(path.read_bytes())
    assert (new_head, new_tail) == (head, tail)
    assert new_block != old_block and b"Lease 45m" in new_block and b"at most 4 tasks" in new_block
    assert new_block.count(newline) == new_block.count(b"\n")
    mtime = aged(path)
    install(project, "CLAUDE.md")
    assert path.stat().st_mtime_ns == mtime


def test_a_block_indented_or_with_trailing_spaces_is_still_the_block(project: Path) -> None:
    path = project / "AGENTS.md"
    path.write_bytes(b"Intro\n  " + START + b"  \nstale loop\n" + END + b"\t\nOutro\n")
    install(project)
    data = path.read_bytes()
    assert data.startswith(b"Intro\n" + START + b"\n") and data.endswith(END + b"\nOutro\n")
    assert b"stale loop" not in data and data.count(START) == 1


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (b"x\n" + START + b"\nhalf a block\n", "without"),
        (b"x\n" + END + b"\n", "without"),
        (b"x\n" + END + b"\n" + START + b"\n", "without"),
        (START + b"\na\n" + END + b"\n" + START + b"\nb\n" + END + b"\n", "more than one"),
        (b"caf\xe9 latin-1\n", "not UTF-8"),
    ],
    ids=["start-without-end", "end-without-start", "end-before-start", "two-blocks", "not-utf8"],
)
def test_install_refuses_a_file_it_cannot_safely_change(project: Path, content: bytes, needle: str) -> None:
    path = project / "AGENTS.md"
    path.write_bytes(content)
    mtime = aged(path)
    assert_user_error(pulse("agents", "--install", "AGENTS.md", cwd=project), "AGENTS.md", needle)
    assert path.read_bytes() == content and path.stat().st_mtime_ns == mtime


def test_install_never_writes_through_a_symlink(project: Path) -> None:
    target = project / "elsewhere.md"
    target.write_bytes(b"# Not yours\n")
    mtime = aged(target)
    (project / "AGENTS.md").symlink_to(target)
    assert_user_error(pulse("agents", "--install", "AGENTS.md", cwd=project), "symbolic link")
    assert (project / "AGENTS.md").is_symlink()
    assert target.read_bytes() == b"# Not yours\n" and target.stat().st_mtime_ns == mtime
    dangling = project / "CLAUDE.md"
    dangling.symlink_to(project / "missing.md")
    assert_user_error(pulse("agents", "--install", "CLAUDE.md", cwd=project), "symbolic link")
    assert dangling.is_symlink() and not (project / "missing.md").exists()


def test_install_into_a_missing_folder_is_one_sentence(project: Path) -> None:
    assert_user_error(pulse("agents", "--install", "nope/AGENTS.md", cwd=project), "does not exist")
    assert not (project / "nope").exists()
