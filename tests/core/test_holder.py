"""`holder:` in a task file names who holds the task: read into Task.holder, shown by every face,
and a value that is not a name is the file's error, never a crash."""

from __future__ import annotations

from pulseboard.core.taskfile import parse_text


def test_a_holder_is_read_as_a_name() -> None:
    assert parse_text("---\nholder: agent-2\n---\n# T\n", "t")["holder"] == "agent-2"
    assert parse_text("---\nholder: 7\n---\n# T\n", "t")["holder"] == "7"
    assert parse_text("---\nholder: ''\n---\n# T\n", "t")["holder"] is None
    assert parse_text("# T\n", "t")["holder"] is None


def test_a_holder_that_is_not_a_name_is_the_files_error() -> None:
    record = parse_text("---\nholder: [a, b]\n---\n# T\n", "t")
    assert record["holder"] is None and "holder must be a name" in record["error"]
