"""Textual bindings, help rows and palette entries made from the core's table of actions (core/keymap.py).

`bindings(place)` gives the Binding list for a place (the board, the detail view), each carrying its
action's id, so a `keys:` remap in pulse.yaml (App.set_keymap) applies through it wherever it ends up.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from textual.binding import Binding

from pulseboard.core.keymap import ACTIONS, BY_ID, Action, key_label, keys_label

APP_RUNS = frozenset({"quit", "help", "reload"})  # the app's own actions, whichever screen binds them


def binding(action: Action, place: str, route: str = "") -> Binding:
    """The action as a Binding in `place`. The app's own actions run on the app; `route` names a
    screen action that takes the action's text (`board('start')`: the detail view hands it on)."""
    if action.name in APP_RUNS:
        run = f"app.{action.run}"
    elif route and action.places != {place}:
        run = f"{route}({action.run!r})"
    else:
        run = action.run
    return Binding(action.keys, run, action.label, show=action.shown_in(place), id=action.id)


def bindings(place: str, route: str = "", first: Sequence[str] = ()) -> list[Binding]:
    """Every action that applies in `place`, as Bindings in the table's order (the ids in `first`
    lead, in that order: the footer shows them first)."""
    chosen = [action for action in ACTIONS if action.applies_in(place)]
    chosen.sort(key=lambda action: first.index(action.id) if action.id in first else len(first))
    return [binding(action, place, route) for action in chosen]


def current_keys(action: Action, keymap: Mapping[str, str]) -> str:
    """The keys bound to an action now (its remap, else its default), as a person reads them."""
    return keys_label(keymap.get(action.id, action.keys))


def help_rows(keymap: Mapping[str, str], where: str, besides: str | None = None) -> list[tuple[str, str]]:
    """(keys, help) for every action that applies in `where` (and not in `besides`), in the table's order."""
    return [
        (current_keys(action, keymap), action.help)
        for action in ACTIONS
        if action.applies_in(where) and not (besides and action.applies_in(besides))
    ]


def key_hint(keymap: Mapping[str, str], action_id: str) -> str:
    """The first key bound to an action, as a person reads it: for hints such as "a apply"."""
    action = BY_ID[action_id]
    return key_label(keymap.get(action.id, action.keys).split(",")[0].strip())
