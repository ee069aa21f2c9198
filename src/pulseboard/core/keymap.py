"""The table of the board's actions, and the check of the `keys:` section of pulse.yaml.

Each action has an id (its name under `keys:` and its Binding id), default keys, a label, a line of
help and the places it applies in. Everything about keys is made from this one table: the board's
and the detail view's bindings (tui/bindings.py), the help screen, the command palette's entries,
the `keys:` section of the pulse.yaml template, and `check_keys`, which refuses an unknown action
or two actions on one key when the settings load. Keys are spelled as textual names them (`s`,
`ctrl+s`, `shift+left`, `question_mark`); this module imports no textual.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from pulseboard.core.errors import PulseError
from pulseboard.core.text import clip, quoted

BOARD = "board"  # the four columns
DETAIL = "detail"  # one task's detail view
EVERYWHERE = "everywhere"  # the board, the detail view and the screens over them (stats, dialogs)
PLACES = (BOARD, DETAIL, EVERYWHERE)
TASK = frozenset({BOARD, DETAIL})  # the keys that act on a task: on the board and in its detail view


@dataclass(frozen=True, slots=True)
class Action:
    """One thing a key does."""

    id: str  # the name under `keys:` in pulse.yaml, and the Binding's id
    keys: str  # its default keys, comma separated, as textual names them
    label: str  # a word or two: the footer and the palette's title
    help: str  # one line: the help screen, the palette, the comment in the pulse.yaml template
    run: str  # the textual action it runs, e.g. "shift(-1)"
    places: frozenset[str]  # where it applies: BOARD, DETAIL or EVERYWHERE
    footer: frozenset[str]  # the places whose footer shows it
    palette: bool  # offered in the command palette (moving the cursor is not)

    def applies_in(self, place: str) -> bool:
        return place in self.places or EVERYWHERE in self.places

    def shown_in(self, place: str) -> bool:
        return self.applies_in(place) and (place in self.footer or EVERYWHERE in self.footer)

    @property
    def name(self) -> str:
        """The action's method name, without its arguments: "shift" for "shift(-1)"."""
        return self.run.partition("(")[0]


def _action(
    id: str, keys: str, label: str, help: str, run: str | None = None, *, where: frozenset[str] = TASK,
    footer: frozenset[str] | None = None, hidden: bool = False, palette: bool = True,
) -> Action:  # fmt: skip
    """An action; by default one on a task (board and detail view), in the footer where it applies."""
    shown = frozenset() if hidden else where if footer is None else footer
    return Action(id, keys, label, help, run or id, where, shown, palette)


def _moving(id: str, keys: str, label: str, help: str, run: str) -> Action:
    """A key that moves the board's cursor: not in the footer, not in the palette."""
    return _action(id, keys, label, help, run, where=_BOARD, hidden=True, palette=False)


_BOARD = frozenset({BOARD})
_DETAIL = frozenset({DETAIL})
_EVERYWHERE = frozenset({EVERYWHERE})

ACTIONS: tuple[Action, ...] = (
    _action("start", "s", "Start", "Start: move the task to doing/ (warns past the WIP limit)"),
    _action("done", "d", "Done", "Done: move the task to done/"),
    _action("block", "b", "Block", "Block: move it to blocked/, saying what is needed and who must act"),
    _action("reopen", "o", "Reopen", "Reopen: move the task back to open/"),
    _action("move_left", "shift+left", "Move left", "Move the task one column left", "shift(-1)",
            hidden=True),
    _action("move_right", "shift+right", "Move right", "Move the task one column right", "shift(1)",
            hidden=True),
    _action("new", "n", "New", "New task: title, priority, estimate, touches, depends", where=_BOARD),
    _action("detail", "enter", "Detail", "Detail: body, acceptance criteria to tick, stamps, history",
            where=_BOARD),
    _action("edit", "e", "Edit in $EDITOR", "Edit the task's file in $VISUAL / $EDITOR", footer=_DETAIL),
    _action("undo", "u", "Undo", "Undo your last move or batch, from the journal (again: the one before)"),
    _action("filter", "slash", "Filter",
            'Filter: words (body too), #tag, @who, p:high, state:doing, "a phrase", -word', where=_BOARD),
    _action("apply", "a", "Apply",
            "Heartbeat: do what the selected suggestion says (start it, finish it, block it...)"),
    _action("stats", "v", "Stats",
            "Stats: done per day, cycle and lead time, time blocked, work by state, ageing work"),
    _action("plan", "p", "Plan", "Plan: the open tasks that can run side by side now, as lanes for N hands",
            where=_BOARD, hidden=True),
    _action("next_suggestion", "right_square_bracket", "Next tip", "Heartbeat: select the next suggestion",
            "step_suggestion(1)", hidden=True),
    _action("previous_suggestion", "left_square_bracket", "Previous tip",
            "Heartbeat: select the previous suggestion", "step_suggestion(-1)", hidden=True),
    _action("fold", "f", "Fold", "Heartbeat: fold the pane to its top suggestion, or open it again",
            where=_BOARD, hidden=True),
    _action("why", "w", "Why", "Heartbeat: show or hide the score terms behind each suggestion's rank",
            where=_BOARD, hidden=True),
    _action("mark", "space", "Mark", "Mark or unmark the task: s, d, b and o then move every marked task",
            where=_BOARD, hidden=True),
    _action("compact", "c", "Compact", "View: one line per card, or full cards again", where=_BOARD,
            hidden=True),
    _action("zoom", "z", "Zoom", "View: the focused column alone, full width, or every column again",
            where=_BOARD, hidden=True),
    _action("hide_empty", "H", "Hide empty", "View: hide the empty columns, or show them again",
            where=_BOARD, hidden=True),
    _action("sort_rank", "r", "Sort by rank", "View: Open in the heartbeat's order, or by priority and age",
            where=_BOARD, hidden=True),
    _action("help", "question_mark", "Keys", "Keys: this help", where=_EVERYWHERE, footer=TASK),
    # Quit is on the board only: in the detail view q goes back. textual's own palette entry quits.
    _action("quit", "q", "Quit", "Quit", where=_BOARD, palette=False),
    _moving("column_left", "left,h", "Column left", "Select the column on the left", "focus_column(-1)"),
    _moving("column_right", "right,l", "Column right", "Select the column on the right", "focus_column(1)"),
    _moving("down", "down,j", "Down", "Select the task below", "cursor(1)"),
    _moving("up", "up,k", "Up", "Select the task above", "cursor(-1)"),
    _moving("page_down", "pagedown", "Page down", "A page down the column", "page(1)"),
    _moving("page_up", "pageup", "Page up", "A page up the column", "page(-1)"),
    _moving("first", "home,g", "First", "The column's first task", "cursor_to(0)"),
    _moving("last", "end,G", "Last", "The column's last task", "cursor_to(-1)"),
    _action("clear_filter", "escape", "Clear the filter", "Clear the filter and show every task",
            where=_BOARD, hidden=True),
    _action("reload", "ctrl+r", "Reload the board", "Reload: read every task file again",
            where=_EVERYWHERE, hidden=True),
    _action("back", "escape,q", "Back", "Detail view: back to the board", "dismiss", where=_DETAIL,
            palette=False),
)  # fmt: skip

BY_ID: dict[str, Action] = {action.id: action for action in ACTIONS}

# Keys textual keeps for itself: an action there would never run.
RESERVED = {
    "ctrl+p": "opens the command palette",
    "ctrl+q": "quits pulse",
    "ctrl+c": "copies the selected text",
    "tab": "moves the focus",
    "shift+tab": "moves the focus",
}

# textual's names for a few characters, after their Unicode names (textual.keys.KEY_NAME_REPLACEMENTS)
_SHORTER = {
    "solidus": "slash", "reverse_solidus": "backslash", "commercial_at": "at", "hyphen_minus": "minus",
    "plus_sign": "plus", "low_line": "underscore",
}  # fmt: skip


def key_name(key: str) -> str:
    """A key as textual names it: `?` is `question_mark`, `/` is `slash`; other keys as written."""
    key = key.strip()
    if len(key) != 1 or key.isalnum():
        return key
    try:
        name = unicodedata.name(key).lower().replace("-", "_").replace(" ", "_")
    except ValueError:
        name = {"\t": "tab"}.get(key, key)
    return _SHORTER.get(name, name)


_PUNCTUATION = [chr(code) for code in range(33, 127) if not chr(code).isalnum()]
_LABELS = {key_name(char): char for char in _PUNCTUATION}  # "question_mark": "?"


def key_label(key: str) -> str:
    """A key as a person reads it: `question_mark` is `?`, `right_square_bracket` is `]`."""
    return _LABELS.get(key, key)


def keys_label(keys: str) -> str:
    """A comma-separated list of keys as a person reads it: `end,G`, `?`."""
    return ",".join(key_label(key.strip()) for key in keys.split(","))


def keys_of(keys: str) -> set[str]:
    """The keys in a comma-separated list, as textual names them."""
    return {key_name(key) for key in keys.split(",") if key.strip()}


def keys_section() -> str:
    """The `keys:` section of the pulse.yaml template: every action, its default key and its help,
    commented out: a board names only the keys it changes, so a key a later pulse gives an action,
    or an action it adds, never meets a file that pinned every default (nor an older pulse a name
    it does not know)."""
    lines = [
        "keys:             # the board's keys: uncomment one and change it to remap it (names as in",
        "                  # textual: ctrl+s, f5; a list such as down,j gives an action two keys)",
    ]
    for action in ACTIONS:
        entry = f"  # {action.id}: {action.keys}"
        lines.append(f"{entry:<27} # {action.help}")
    return "\n".join(lines) + "\n"


def _overlap(one: Action, other: Action) -> bool:
    """Whether two actions can be live at once (in some place both apply in)."""
    return any(one.applies_in(place) and other.applies_in(place) for place in (BOARD, DETAIL))


def check_keys(given: Mapping[object, object], where: str) -> tuple[tuple[str, str], ...]:
    """The (action, keys) pairs of a `keys:` section, checked: each names an action and a key, and
    no two actions it names that live in the same place share a key. An action it names may take
    the default key of one it does not (the remap wins; `taken_keys` says so): else a default a
    later pulse adds would stop a board that remapped that key from opening. `where` starts each
    error ("pulse.yaml")."""
    for action, keys in given.items():
        if action not in BY_ID:
            raise PulseError(f"{where}: keys.{clip(str(action))} is not a board action; {_suggest(action)}")
        if (
            not isinstance(keys, str)
            or not keys.strip()
            or any(not key.strip() or len(key.split()) != 1 for key in keys.split(","))
        ):
            raise PulseError(
                f"{where}: keys.{action} must be a key name such as s or ctrl+s, not {quoted(keys)}."
            )
    pairs = tuple((str(action), str(keys).strip()) for action, keys in given.items())
    mapped = {action.id: keys_of(action.keys) for action in ACTIONS} | {
        action: keys_of(keys) for action, keys in pairs
    }
    for action_id, keys in pairs:
        for key in sorted(keys_of(keys)):
            if key in RESERVED:
                raise PulseError(
                    f"{where}: keys.{action_id} uses {key_label(key)}, which {RESERVED[key]}; "
                    f"give {action_id} another key."
                )
    named = [BY_ID[action_id] for action_id, _ in pairs]
    for index, one in enumerate(named):
        for other in named[index + 1 :]:
            shared = mapped[one.id] & mapped[other.id]
            if shared and _overlap(one, other):
                raise PulseError(
                    f"{where}: keys.{one.id} and keys.{other.id} both use "
                    f"{', '.join(key_label(key) for key in sorted(shared))}; give each action its own key."
                )
    return pairs


def taken_keys(pairs: tuple[tuple[str, str], ...], where: str) -> list[str]:
    """A sentence for each action whose default key a remap in `pairs` took (the remap wins where
    both apply): `pulse.yaml: keys.start takes v, the default of stats (Stats); give it a key under
    keys:.`"""
    remapped = dict(pairs)
    said = []
    for action in ACTIONS:
        if action.id in remapped:
            continue
        for taker, keys in pairs:
            lost = keys_of(action.keys) & keys_of(keys)
            if lost and _overlap(action, BY_ID[taker]):
                left = ",".join(sorted(keys_of(action.keys) - lost))
                keeps = f"it keeps {keys_label(left)}" if left else "give it a key under keys:"
                taken = ", ".join(key_label(key) for key in sorted(lost))
                whose = f"the default of {action.id} ({action.label})"
                said.append(f"{where}: keys.{taker} takes {taken}, {whose}; {keeps}.")
    return said


def _suggest(action: object) -> str:
    """The end of the sentence refusing an unknown action: the nearest action's name, or where to look."""
    import difflib  # only for this message: not on every command's start

    close = difflib.get_close_matches(str(action), list(BY_ID), n=2)
    if close:
        return f"did you mean {' or '.join(close)}?"
    some = ", ".join(list(BY_ID)[:4])
    return f"use one of the names under keys: in the pulse.yaml that `pulse init` writes ({some}, …)."
