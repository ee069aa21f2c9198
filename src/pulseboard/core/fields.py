"""The task fields: their allowed values, and how raw frontmatter values become clean ones.

Each `clean_*` function returns the clean value, or raises ValueError with a plain sentence.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

from pulseboard.core.text import quoted

PRIORITIES = ("critical", "high", "medium", "low")
DEFAULT_PRIORITY = "medium"
STAMP_KEYS = ("started", "done", "blocked", "holder")  # what a move writes, and undo puts back
OWNED_KEYS = (*STAMP_KEYS, "parent", "children")  # the keys pulse may write into an existing file

_CANONICAL_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
_DATE = re.compile(r"^\d{4}-\d\d-\d\d$")
# Possessive quantifiers: nothing backtracks into a run of blanks, so any text is read in linear time.
_ESTIMATE = re.compile(r"^\s*+(?:(\d++)\s*+h)?+\s*+(?:(\d++)\s*+m(?:in)?)?+\s*+(?:(\d++)\s*+s)?+\s*+$", re.I)


def parse_estimate(text: str | int | float) -> int:
    """Seconds in an estimate such as `30s`, `5m`, `1h30m`; a bare number means minutes."""
    if isinstance(text, bool):
        raise ValueError("estimate must be a duration such as 30s, 5m or 1h30m")
    if isinstance(text, int | float):
        if not math.isfinite(text) or text < 0:
            raise ValueError(f"estimate {quoted(text)} is not a duration such as 30s, 5m or 1h30m")
        return int(text * 60)
    match = _ESTIMATE.match(str(text))
    if not match or not any(match.groups()):
        raise ValueError(f"estimate {quoted(text)} is not a duration such as 30s, 5m or 1h30m")
    hours, minutes, seconds = (int(g or 0) for g in match.groups())
    return hours * 3600 + minutes * 60 + seconds


_AGE = re.compile(r"^\s*+(\d++)\s*+([hdw]?)\s*+$", re.I)
_AGE_UNITS = {"h": 3600, "d": 86400, "w": 7 * 86400, "": 86400}


def parse_age(text: str | int) -> int:
    """Seconds in an age such as `30d`, `2w` or `12h` (a bare number means days): how long ago a
    task was done, for the archive. ValueError with a plain sentence for anything else."""
    match = None if isinstance(text, bool) else _AGE.match(str(text))
    if not match:
        raise ValueError(f"{quoted(text)} is not an age such as 30d, 2w or 12h")
    return int(match.group(1)) * _AGE_UNITS[match.group(2).lower()]


def format_estimate(seconds: int) -> str:
    """`5400` -> `1h30m`; `30` -> `30s`; `0` -> `0m`: exact, in the units `parse_estimate` reads back.

    This is how an estimate is written into a file and shown as its owner wrote it; a measured time
    (an age, a wait, a median) is shown with `format_duration`, which rounds.
    """
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{hours}h" if hours else "", f"{minutes}m" if minutes else "", f"{secs}s" if secs else ""]
    return "".join(parts) or "0m"


_UNITS = (("y", 365 * 86400), ("d", 86400), ("h", 3600), ("m", 60), ("s", 1))


def format_duration(seconds: float) -> str:
    """A measured time, compact: `0s`, `59s`, `1m`, `59m`, `1h`, `1h05m`, `4d`, `4d3h`, `1y35d`, `2y`.

    The rule, for every duration pulse shows (ages, waits, time boxes, medians): rounded down;
    under an hour, one unit (seconds under a minute, else whole minutes); from an hour, the largest
    unit and the next one when it is not zero (h+m, d+h, y+d), minutes always two digits after hours.
    A year is 365 days; a negative time reads as `0s`.
    """
    whole = max(int(seconds), 0)
    if whole < 3600:
        return f"{whole}s" if whole < 60 else f"{whole // 60}m"
    index = next(i for i, (_, size) in enumerate(_UNITS) if whole >= size)
    (big, big_size), (small, small_size) = _UNITS[index], _UNITS[index + 1]
    count, rest = divmod(whole, big_size)
    minor = rest // small_size
    if not minor:
        return f"{count}{big}"
    return f"{count}{big}{minor:02d}{small}" if small == "m" else f"{count}{big}{minor}{small}"


def format_time(moment: dt.datetime) -> str:
    """A UTC timestamp as pulse writes it: `2026-11-22T10:02:00Z`."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(stamp: str | None) -> dt.datetime | None:
    """A stamp as an aware time (UTC when it names no zone), or None if there is no readable one."""
    if not stamp:
        return None
    try:
        moment = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def seconds_since(stamp: str | None, now: dt.datetime) -> float | None:
    """Seconds from a stamp to now (never negative), or None if there is no readable stamp."""
    moment = parse_time(stamp)
    return None if moment is None else max((now - moment).total_seconds(), 0.0)


def clean_time(value: Any, key: str) -> str | None:
    """A timestamp from YAML (datetime, date or ISO string) as an ISO string."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return format_time(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        if _CANONICAL_TIME.match(value):
            return value  # as pulse writes it: no need to parse
        try:
            if _DATE.match(value):
                return dt.date.fromisoformat(value).isoformat()
            return format_time(dt.datetime.fromisoformat(value.replace("Z", "+00:00")))
        except ValueError:
            raise ValueError(f"{key} {quoted(value)} is not a date and time") from None
    raise ValueError(f"{key} must be a date and time")


def clean_priority(value: Any) -> str:
    if value is None:
        return DEFAULT_PRIORITY
    text = str(value).strip().lower()
    if text not in PRIORITIES:
        raise ValueError(f"priority {quoted(value)} is not one of {', '.join(PRIORITIES)}")
    return text


def clean_list(value: Any, key: str) -> list[str]:
    """A list of strings; a single string or number counts as a list of one."""
    if value is None:
        return []
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return [str(value)]
    if isinstance(value, list) and all(
        isinstance(v, str | int | float) and not isinstance(v, bool) for v in value
    ):
        return [str(v) for v in value]
    raise ValueError(f"{key} must be a list of names")


def clean_blocked(value: Any) -> dict[str, str | None] | None:
    """`blocked: {reason, waiting_on, since}`; a plain string is the reason."""
    if value is None or value is False:
        return None
    if isinstance(value, str):
        return {"reason": value, "waiting_on": None, "since": None}
    if isinstance(value, dict):
        reason, waiting = value.get("reason"), value.get("waiting_on")
        return {
            "reason": None if reason is None else str(reason),
            "waiting_on": None if waiting is None else str(waiting),
            "since": clean_time(value.get("since"), "blocked.since"),
        }
    raise ValueError("blocked must be a reason or a mapping of reason, waiting_on and since")


def clean_holder(value: Any) -> str | None:
    """`holder: NAME`: who holds the task (a person or an agent); empty is nobody."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str | int) and not isinstance(value, bool):
        return str(value).strip()
    raise ValueError("holder must be a name, such as ana or agent-2")


def clean_parent(value: Any) -> str | None:
    """`parent: ID`: the task this one is a part of (`pulse split`, `pulse add --parent`)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str | int) and not isinstance(value, bool):
        return str(value).strip().lower()
    raise ValueError("parent must be a task id")


def clean_children(value: Any) -> list[str]:
    """`children: [ID, ...]`: the tasks this one was split into, each id once, in order."""
    return list(dict.fromkeys(name.strip().lower() for name in clean_list(value, "children") if name.strip()))
