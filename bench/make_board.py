"""Synthetic boards for the benchmarks: realistic task folders of any size, written straight to disk.

Owns the shape of a benchmark board. `make_board(root, n, seed)` writes `root/{open,doing,done,blocked}/`
and `root/pulse.yaml` with plain file writes (never through pulse, so 100,000 tasks take seconds):
about 70% done, 20% open, 3 in doing and the rest blocked (the `done` shape, the default; the
`even` shape puts 25% in each state, so thousands are in doing, all over the WIP limit); varied
frontmatter (flow and block lists, comments, extra keys, quoted titles, no frontmatter at all),
bodies from one line to ~2 KB with `- [ ]` criteria and the odd `---` rule, ~5% hand-named files
without an id, a few CRLF and BOM files, and ~0.5% broken files (bad YAML, unclosed frontmatter,
non-UTF-8, NUL bytes, empty, bad field values, one 2 MB file). The same `n`, `seed` and shape always
give the same bytes; the two shapes of one `n` and `seed` hold the same files, in different folders.

    python bench/make_board.py DIR N [--seed S] [--shape even]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from pulseboard.core.config import DEFAULT_CONFIG_TEXT
from pulseboard.core.ids import new_id, slugify

STATES = ("open", "doing", "done", "blocked")
DOING_COUNT = 3
SHAPES = ("done", "even")  # mostly done (what every benchmark used first); 25% in each state
BIG_FILE_BYTES = 2 << 20

_VERBS = (
    "Fix", "Add", "Refactor", "Remove", "Document", "Speed up", "Migrate", "Test", "Investigate",
    "Update", "Rename", "Split", "Handle", "Cache", "Validate", "Log", "Retry", "Simplify",
)  # fmt: skip
_OBJECTS = (
    "navbar overflow", "login redirect", "CSV export", "webhook retries", "rate limiter",
    "search index", "billing page", "dark mode toggle", "onboarding email", "session timeout",
    "image upload", "audit log", "API pagination", "cache invalidation", "password reset",
    "feature flags", "invoice PDF", "Slack notifications", "user settings form", "timezone handling",
    "db connection pool", "signup funnel", "error banner", "mobile layout", "S3 lifecycle rules",
    "GraphQL schema", "CI cache", "flaky e2e test", "release notes", "Docker image size",
)  # fmt: skip
_QUALIFIERS = (
    "", "", "", "", " on mobile", " for admins", " in Safari", " after deploy", ": part 2",
    " behind a feature flag", " (follow-up)", " — edge cases", " for EU customers", " v2",
)  # fmt: skip
_UNICODE_TITLES = ("Übersetzung der Hilfeseite prüfen", "修复登录页的跳转", "Café menu: accents in search")
_TOUCHES = (
    "src/app/nav.py", "web/components/Navbar.tsx", "navbar", "api/billing/*.py", "db/migrations/*.sql",
    "infra/terraform/s3.tf", "docs/setup.md", "src/auth/session.py", "worker/queue.py", "search",
    "web/styles/theme.css", "Makefile", ".github/workflows/ci.yml", "src/export/csv.py", "billing",
)  # fmt: skip
_TAGS = ("ui", "bug", "backend", "infra", "docs", "perf", "security", "tech-debt", "customer", "a11y", "ops")
_OWNERS = ("ana", "bo", "chen", "dara", "eli", "farah", "agent-1", "agent-2")
_WAITING = ("design", "ops team", "legal", "the customer", "chen", "upstream release", None)
_REASONS = (
    "needs the new API key from ops",
    "waiting for design sign-off on the layout",
    "upstream bug in the payment SDK",
    "blocked on the schema migration landing first",
    'legal has to approve the wording: "opt-out" vs "unsubscribe"',
)
_SENTENCES = (
    "The current behaviour surprises users and shows up in support tickets every week.",
    "Repro: open the page on a narrow screen, then resize the window back to full width.",
    "We should keep the old code path behind a flag until the next release is out.",
    "See the thread in #eng-web for the background and the two options we discussed.",
    "This touches the same files as the billing work, so coordinate before merging.",
    "Measure before and after; the last attempt made p95 latency worse by 40 ms.",
    "Keep the public API unchanged: three integrations depend on the response shape.",
    "The fix itself is small, but the tests around it are thin and need work first.",
    "Logs show the error about twice an hour, mostly right after a deploy.",
    "Ask ops whether the staging database has a copy of production data we can use.",
)
_CRITERIA = (
    "tests cover the happy path and the empty case",
    "no new warnings in the browser console",
    "docs updated in docs/setup.md",
    "works with a screen reader",
    "p95 latency under 200 ms on staging",
    "migration is reversible",
    "feature flag defaults to off",
    "old endpoint returns 410 Gone",
)
_BROKEN_KINDS = ("bad_yaml", "unclosed", "non_utf8", "nul_bytes", "empty", "bad_values", "not_mapping")
_EPOCH = dt.datetime(2025, 1, 1, 9, 0, tzinfo=dt.UTC)
_SPAN_MINUTES = 675 * 24 * 60  # created dates run up to early November 2026


@dataclass
class _Spec:
    """One task to write: where, under what name, and what kind of file."""

    index: int
    state: str
    title: str
    created: dt.datetime
    task_id: str | None  # None: a hand-named file without an id
    name: str = ""
    broken: str | None = None
    depends: list[str] = field(default_factory=list)


def _ts(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _yaml_str(text: str) -> str:
    """A YAML scalar for text: plain when that is safe, else double-quoted (JSON is valid YAML here)."""
    risky = any(c in text for c in ":#[]{},&*!|>'\"%@`") or text[:1] in "-? "
    return json.dumps(text, ensure_ascii=False) if risky else text


def _title(rng: random.Random) -> str:
    if rng.random() < 0.003:
        return rng.choice(_UNICODE_TITLES)
    return f"{rng.choice(_VERBS)} {rng.choice(_OBJECTS)}{rng.choice(_QUALIFIERS)}"


def _body(rng: random.Random, spec: _Spec, heading: bool) -> str:
    """A Markdown body of one line to ~2 KB, usually with acceptance criteria."""
    lines: list[str] = []
    if heading:
        lines += [f"# {spec.title}", ""]
    roll = rng.random()
    paragraphs = 0 if roll < 0.3 else (rng.randint(1, 2) if roll < 0.8 else rng.randint(3, 5))
    if paragraphs == 0:
        lines.append(rng.choice(_SENTENCES))
    for p in range(paragraphs):
        lines.append(" ".join(rng.sample(_SENTENCES, rng.randint(2, 4))))
        lines.append("")
        if p == 0 and rng.random() < 0.05:
            lines += ["---", ""]  # a Markdown rule in the body, after the frontmatter has closed
    if rng.random() < 0.7:
        checked = 0.9 if spec.state == "done" else 0.2
        if lines[-1]:
            lines.append("")
        lines += ["## Acceptance criteria", ""]
        for crit in rng.sample(_CRITERIA, rng.randint(1, 5)):
            lines.append(f"- [{'x' if rng.random() < checked else ' '}] {crit}")
    if rng.random() < 0.03:
        lines += ["", "Config we tried:", "", "```yaml", "---", "retries: 3", "backoff: 2s", "```"]
    if rng.random() < 0.1:
        lines += ["", "## Notes", "", f"- {rng.choice(_SENTENCES)}", f"- {rng.choice(_SENTENCES)}"]
    return "\n".join(lines).strip("\n") + "\n"


def _stamps(rng: random.Random, spec: _Spec) -> dict[str, str]:
    """started/done timestamps consistent with the task's state and creation time."""
    out: dict[str, str] = {}
    if spec.state in ("doing", "done") or (spec.state == "blocked" and rng.random() < 0.5):
        started = spec.created + dt.timedelta(minutes=rng.randint(5, 14 * 24 * 60))
        out["started"] = _ts(started)
        if spec.state == "done":
            out["done"] = _ts(started + dt.timedelta(minutes=rng.randint(20, 7 * 24 * 60)))
    return out


def _blocked_lines(rng: random.Random, spec: _Spec) -> list[str]:
    if spec.state != "blocked":
        return []
    reason = rng.choice(_REASONS)
    if rng.random() < 0.15:
        return [f"blocked: {_yaml_str(reason)}"]
    since = _ts(spec.created + dt.timedelta(days=rng.randint(1, 30)))
    lines = ["blocked:", f"  reason: {json.dumps(reason, ensure_ascii=False)}"]
    waiting = rng.choice(_WAITING)
    if waiting:
        lines.append(f"  waiting_on: {json.dumps(waiting)}")
    return [*lines, f"  since: {since}"]


def _frontmatter(rng: random.Random, spec: _Spec) -> list[str] | None:
    """Frontmatter lines in one of several hand- and pulse-written styles; None for no frontmatter."""
    style = rng.random()
    if spec.task_id is None:
        style = 0.97 if rng.random() < 0.5 else 0.9  # hand-made files: bare or minimal
    if style >= 0.95:
        return None
    created = spec.created.date().isoformat() if rng.random() < 0.02 else _ts(spec.created)
    if style >= 0.85:  # minimal: what a person types in a hurry
        lines = [f"title: {_yaml_str(spec.title)}"]
        if rng.random() < 0.5:
            lines.append(f"priority: {rng.choice(('high', 'low', 'High'))}")
        return [*lines, *_blocked_lines(rng, spec)]
    priority = rng.choices(("critical", "high", "medium", "low"), (1, 4, 8, 3))[0]
    estimate = rng.choice(("30s", "5m", "15m", "1h", "1h30m", "2h", "45m", None, None))
    touches = rng.sample(_TOUCHES, rng.randint(0, 3))
    tags = rng.sample(_TAGS, rng.randint(0, 3))
    stamps = _stamps(rng, spec)
    if style < 0.65:  # pulse's own layout: flow lists, empty fields left out
        lines = [f"title: {_yaml_str(spec.title)}", f"priority: {priority}"]
        if estimate:
            lines.append(f"estimate: {estimate}")
        for key, values in (("touches", touches), ("depends", spec.depends), ("tags", tags)):
            if values:
                lines.append(f"{key}: [{', '.join(values)}]")
        lines.append(f"created: {created}")
    else:  # hand-edited: block lists, comments, extra keys, a bare-number estimate
        lines = ["# edited by hand; pulse keeps these comments", f"title: {_yaml_str(spec.title)}"]
        lines.append(f"priority: {priority}  # {rng.choice(('customer asked', 'per standup', 'guess'))}")
        if estimate:
            lines.append(f"estimate: {rng.choice((estimate, str(rng.randint(5, 90))))}")
        for key, values in (("touches", touches), ("depends", spec.depends), ("tags", tags)):
            if values:
                lines.append(f"{key}:")
                lines += [f"  - {v}" for v in values]
        lines.append(f"owner: {rng.choice(_OWNERS)}")
        if rng.random() < 0.3:
            lines.append(f"sprint: {rng.randint(30, 60)}")
        lines.append(f"created: {created}")
    lines += [f"{k}: {v}" for k, v in stamps.items()]
    return [*lines, *_blocked_lines(rng, spec)]


def _render(rng: random.Random, spec: _Spec) -> bytes:
    front = _frontmatter(rng, spec)
    body = _body(rng, spec, heading=front is None or rng.random() < 0.3)
    text = body if front is None else "---\n" + "\n".join(front) + "\n---\n" + body
    roll = rng.random()
    if roll < 0.01:
        text = text.replace("\n", "\r\n")
    elif roll < 0.013:
        text = "\ufeff" + text
    return text.encode("utf-8")


def _render_broken(rng: random.Random, spec: _Spec) -> bytes:
    title = _yaml_str(spec.title)
    kind = spec.broken
    if kind == "big":  # someone pasted a whole log into the task
        head = f"---\ntitle: {title}\npriority: high\n---\nLog from the failing run:\n\n```\n"
        line = "2026-11-01T10:00:00Z worker-3 ERROR retry 3/5 failed: connection reset by peer\n"
        return (head + line * (BIG_FILE_BYTES // len(line) + 1) + "```\n").encode("utf-8")
    if kind == "bad_yaml":
        return f'---\ntitle: "{spec.title}\npriority: high\n  tags: [a, b\n---\nBody.\n'.encode()
    if kind == "unclosed":
        return f"---\ntitle: {title}\npriority: low\n\nForgot to close the frontmatter.\n".encode()
    if kind == "non_utf8":
        return f"---\ntitle: {title}\n---\nCaf".encode() + b"\xe9 cr\xe8me, saved as Latin-1.\n"
    if kind == "nul_bytes":
        return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(rng.getrandbits(8) for _ in range(200))
    if kind == "empty":
        return b""
    if kind == "bad_values":
        return f"---\ntitle: {title}\npriority: urgent\nestimate: soon\ndepends: {{a: b}}\n---\nx\n".encode()
    return b"---\n- just\n- a list\n---\nThe frontmatter is not a mapping.\n"  # not_mapping


def _plan(n: int, rng: random.Random, shape: str = "done") -> list[_Spec]:
    """Every task's state, name, creation time, dependencies and breakage, oldest first."""
    if shape == "even":
        n_done = n_doing = n_open = n // 4
    else:
        n_done = round(n * 0.70)
        n_doing = min(DOING_COUNT, max(0, n - n_done))
        n_open = min(round(n * 0.20), n - n_done - n_doing)
    states = ["done"] * n_done + ["doing"] * n_doing + ["open"] * n_open
    states += ["blocked"] * (n - len(states))
    rng.shuffle(states)
    created = sorted(rng.randrange(_SPAN_MINUTES) for _ in range(n))
    taken: set[str] = set()
    specs: list[_Spec] = []
    pulse_ids: list[str] = []
    for i, (state, minutes) in enumerate(zip(states, created, strict=True)):
        title = _title(rng)
        moment = _EPOCH + dt.timedelta(minutes=minutes)
        if rng.random() < 0.05:
            spec = _Spec(i, state, title, moment, None, name=f"{slugify(title)}-{i}.md")
        else:
            task_id = new_id(rng.getrandbits)
            while task_id in taken:
                task_id = new_id(rng.getrandbits)
            taken.add(task_id)
            slug = slugify(title)
            name = f"{task_id}-{slug}.md" if slug else f"{task_id}.md"
            spec = _Spec(i, state, title, moment, task_id, name=name)
            if pulse_ids and rng.random() < 0.2:
                picks = rng.sample(pulse_ids[-500:], min(len(pulse_ids), rng.randint(1, 3)))
                spec.depends = [p if rng.random() < 0.8 else p[:6] for p in picks]
            pulse_ids.append(task_id)
        specs.append(spec)
    candidates = [s for s in specs if s.state != "doing"]
    if candidates:
        count = max(len(_BROKEN_KINDS) + 1, round(n * 0.005))
        chosen = rng.sample(candidates, min(count, len(candidates)))
        chosen[0].broken = "big"
        for k, spec in enumerate(chosen[1:]):
            spec.broken = _BROKEN_KINDS[k % len(_BROKEN_KINDS)]
    return specs


def make_board(root: Path, n: int, seed: int = 0, shape: str = "done") -> None:
    """Write a board of n tasks under root (which must hold no task folders yet), of a shape in
    SHAPES: `done` (about 70% done, 3 in doing) or `even` (25% in each state)."""
    if shape not in SHAPES:
        raise ValueError(f"no board shape {shape!r}: one of {', '.join(SHAPES)}")
    rng = random.Random(f"pulse-bench:{n}:{seed}")
    root.mkdir(parents=True, exist_ok=True)
    for state in STATES:
        folder = root / state
        if folder.exists() and any(folder.iterdir()):
            raise FileExistsError(f"{folder} is not empty; make_board writes only fresh boards")
        folder.mkdir(exist_ok=True)
    (root / "pulse.yaml").write_text(DEFAULT_CONFIG_TEXT, encoding="utf-8")
    base = os.fspath(root)
    for spec in _plan(n, rng, shape):
        data = _render_broken(rng, spec) if spec.broken else _render(rng, spec)
        with open(os.path.join(base, spec.state, spec.name), "wb") as handle:
            handle.write(data)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a synthetic pulse board of N tasks into DIR.")
    parser.add_argument("dir", type=Path, help="the board folder to create (its state folders must be empty)")
    parser.add_argument("n", type=int, help="how many task files")
    parser.add_argument("--seed", type=int, default=0)
    shapes = "done: ~70%% done, 3 in doing (the default); even: 25%% in each state"
    parser.add_argument("--shape", choices=SHAPES, default="done", help=shapes)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        make_board(args.dir, args.n, args.seed, args.shape)
    except FileExistsError as exc:
        print(f"make_board: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {args.n} tasks to {args.dir} in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
