"""The loop an agent follows on a board (`pulse agents`), and its marked block in AGENTS.md / CLAUDE.md.

`instructions` fills the loop with the board's own limits; `install` writes it between two marker
lines and changes no other byte of the file (its newline style included). Task text never enters it.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from pulseboard.core.config import Settings
from pulseboard.core.errors import PulseError
from pulseboard.core.fields import format_estimate
from pulseboard.core.fsops import NotRegularError, atomic_write, read_regular
from pulseboard.core.text import one_line

START = "<!-- pulse:agents:start -->"
END = "<!-- pulse:agents:end -->"
LIMIT = 16 << 20  # an instructions file larger than this is refused, not read


def instructions(settings: Settings, board_path: str) -> str:
    """The loop as Markdown, naming this board's limits; board_path is where the board is."""
    holders = settings.holders
    box, big = format_estimate(settings.heartbeat.box_s), format_estimate(settings.heartbeat.big_s)
    lease = format_estimate(holders.lease_s)
    board = one_line(board_path).rstrip("/") + "/"
    wip = "is refused" if settings.wip_hard else "only warns"
    tags = ", ".join(f"#{one_line(tag)}" for tag in holders.heavy_tags)
    heavy = f"estimated over {big}" + (f" or tagged {tags}" if tags else "")
    weights = f", or {holders.heavy:g} when {heavy}" if holders.heavy > 1 else ""
    named = "; ".join(f"{one_line(who)}: {limit:g}" for who, limit in holders.limits)
    named = f" (by name: {named})" if named else ""
    git = " pulse commits its own task moves (git.commit); commit your code." if settings.git_commit else ""
    return f"""## Working on this board (pulse)

Tasks are Markdown files in `{board}` (open/, doing/, done/, blocked/): a task's folder is
its state. Move tasks only with `pulse`, never by hand.

This board's limits:
- Doing holds at most {settings.wip_doing} tasks on the whole board: claim keeps to it; a start past it {wip}.
- Each holder holds a weight of at most {holders.limit:g} in doing{named}:
  a task weighs 1{weights}.
- Lease {lease}: a task whose holder shows no sign of life that long (no move, note, edit or
  renew) may be taken over by another.
- A time box of {box} a task: past it, consider splitting; past twice it, split.
  Split a task estimated over {big} before starting it.

The loop:
1. Set `PULSE_ACTOR` to a name no other agent uses (`export PULSE_ACTOR=agent-1`): it is your holder
   name. After a restart, `pulse ls --mine --json` lists what you already hold: finish that first.
2. Claim: `pulse claim --json`. It keeps to the limits above and never hands out a task that touches
   the same files as one in doing. Exit 1 with `"claimed": false`: nothing can start now; its
   `reason` says why. Never force a start. `pulse claim --take-stale --json` first takes over a task
   whose holder let the lease run out.
3. Re-read the task spec before starting: `pulse show ID --json`. It may have changed since it was
   written; check its acceptance criteria, `touches` and `depends` against the code as it is now.
4. Work in small moves inside the time box. Never start by hand a task that touches the same files
   as one in doing.
5. Write what you learn as you go: `pulse note ID "what you found"`. Working longer than the lease
   with no other sign of life: `pulse renew ID`.
6. Finish: `pulse done ID` when every acceptance criterion holds. Stuck: say what is needed and
   who must act, `pulse block ID --reason "what is needed" --waiting-on WHO`.
7. A task with two independent parts is two tasks: `pulse split ID` makes its unchecked criteria
   parts (or `pulse split ID "first" "second"`); so is work you find on the way:
   `pulse add "title" --touches X --estimate 15m` (`--parent ID` when it is a part of ID).
8. Commit after every change and push right away.{git}
9. Back to 2.

Also: `pulse next --json` (what to do next, and why), `pulse plan --hands N --json` (tasks that can
run side by side now, as lanes for N agents).
"""


def install(path: Path, text: str) -> bool:
    """Write text as the marked block in path: replace the block there, else append it (after one blank
    line), else make the file; every other byte stays. False, and nothing written, if already current.

    PulseError (nothing written) for a link, a file that is not UTF-8, or markers that don't make
    exactly one block."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        if not path.parent.is_dir():
            raise PulseError(
                f"{path}: the folder {path.parent} does not exist, so nothing was written."
            ) from None
        atomic_write(path, _block(text, b"\n") + b"\n")
        return True
    if stat.S_ISLNK(st.st_mode):
        raise PulseError(
            f"{path} is a symbolic link; pulse never writes through a link, so nothing was written."
        )
    old = _read(path)
    new = _with_block(old, text, path)
    if new == old:
        return False
    atomic_write(path, new, expect_inode=st.st_ino)
    return True


def _read(path: Path) -> bytes:
    try:
        data = read_regular(path, LIMIT)
    except NotRegularError:
        raise PulseError(f"{path} is not a regular file, so nothing was written.") from None
    except ValueError as exc:
        raise PulseError(f"{path} {exc}, so nothing was written.") from None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        raise PulseError(f"{path} is not UTF-8 text, so pulse left it as it was.") from None
    return data


def _with_block(data: bytes, text: str, path: Path) -> bytes:
    """data with the block replaced (when it has one) or appended after one blank line."""
    lines = data.splitlines(keepends=True)
    starts = [i for i, line in enumerate(lines) if line.strip() == START.encode()]  # spaces around allowed
    ends = [i for i, line in enumerate(lines) if line.strip() == END.encode()]
    if len(starts) > 1 or len(ends) > 1:
        raise PulseError(f"{path} has more than one pulse block; keep one and run again.")
    if starts and (not ends or ends[0] < starts[0]):
        raise PulseError(f"{path} has a {START} line without a {END} line after it; nothing was written.")
    if ends and not starts:
        raise PulseError(f"{path} has a {END} line without a {START} line before it; nothing was written.")
    if starts:
        first, last = starts[0], ends[0]
        begin = sum(map(len, lines[:first]))
        end = sum(map(len, lines[:last])) + len(lines[last].rstrip(b"\r\n"))  # the end line's newline stays
        newline = b"\r\n" if lines[first].endswith(b"\r\n") else b"\n"
        return data[:begin] + _block(text, newline) + data[end:]
    newline = b"\r\n" if lines and lines[0].endswith(b"\r\n") else b"\n"
    head = data if not data or data.endswith(b"\n") else data + newline
    if head and not head.endswith((b"\n\n", b"\n\r\n")):
        head += newline
    return head + _block(text, newline) + newline


def _block(text: str, newline: bytes) -> bytes:
    """The markers around text, every line ended with newline but the last."""
    lines = [START, *text.strip("\n").split("\n"), END]
    return newline.join(line.encode("utf-8") for line in lines)
