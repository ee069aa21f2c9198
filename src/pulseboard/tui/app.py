"""The board app: themes, the keymap, start-up and shutdown. The board itself is a screen.

On mount the app tunes the process (tui/tuning.py), loads the user's own settings (core/prefs.py),
the themes and the `keys:` remaps, and pushes the board screen (tui/screens/board.py), which owns
the layout, the board's keys and everything the board does. The app keeps only what every screen
shares: the help, the palette's entries, reloading, the theme and the user's settings (`prefs`,
changed through `remember`, kept in their config file; never in the team's pulse.yaml).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import ClassVar

from textual.app import App, SystemCommand
from textual.screen import Screen

from pulseboard.core.board import Board
from pulseboard.core.config import CONFIG_NAME, Settings
from pulseboard.core.errors import PulseError
from pulseboard.core.keymap import BOARD, BY_ID, DETAIL, EVERYWHERE, taken_keys
from pulseboard.core.prefs import chosen_theme, combined_keys, load_prefs, prefs_path, save_prefs
from pulseboard.core.read_ahead import ReadAhead
from pulseboard.tui.bindings import bindings, help_rows, key_hint
from pulseboard.tui.palette import TaskFinder, action_commands
from pulseboard.tui.plain import say
from pulseboard.tui.screens.board import BoardScreen, ChangeSource
from pulseboard.tui.screens.help import HelpScreen
from pulseboard.tui.tuning import ProcessTuning

FALLBACK_THEME = "textual-dark"


class PulseApp(App[None]):
    """The pulse board."""

    TITLE = "pulse"
    CSS_PATH = Path(__file__).parent / "pulse.tcss"
    COMMANDS: ClassVar = App.COMMANDS | {TaskFinder}
    BINDINGS: ClassVar = bindings(EVERYWHERE)  # the keys of every screen (help, reload)

    def __init__(
        self,
        board: Board,
        notice: str | None = None,
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
        changes: ChangeSource | None = None,
        poll: bool = False,
        ahead: ReadAhead | None = None,
    ) -> None:
        """notice: a sentence to show at start; clock: now (tests fix it); changes: where hints
        about changes on disk come from (default: watchfiles; tests inject their own); ahead:
        the board's first read, started before the app (`pulse` starts it before importing textual)."""
        super().__init__()
        self.board = board
        self.board_screen = BoardScreen(board, clock, changes, poll, ahead)
        self._notice = notice
        self._tuning = ProcessTuning()
        self._theme_ready = False  # the theme changes the user makes are remembered once set up
        self.prefs_file = prefs_path()  # where they are kept ($XDG_CONFIG_HOME/pulseboard/config.yaml)
        self.prefs, problem = load_prefs(self.prefs_file)
        self._notices = [(problem, "Your settings not all used")] if problem else []
        # The theme is chosen before the app runs: set once mounted, Textual parsed every stylesheet
        # again and styled every widget again (~30 ms of the first paint at 1,000 tasks).
        self._notices += self._setup_theme()

    def on_mount(self) -> None:
        for notice, title in self._notices:
            say(self, notice, title=title, severity="warning", timeout=10)
        self._apply_keys(self.board.settings)
        self.push_screen(self.board_screen)
        if self._notice:
            say(self, self._notice, title="pulse", timeout=8)

    def on_unmount(self) -> None:
        self._tuning.stop()

    def board_shown(self) -> None:
        """The board is on screen (or could not be read): tune the process for the keys from now on
        (tui/tuning.py). Not before: while the board is first read and painted, a short switch
        interval only makes two threads hand the interpreter to and fro (at 10,000 tasks the read
        took twice as long)."""
        self._tuning.start()

    def follow_settings(self, settings: Settings) -> None:
        """pulse.yaml changed while the board runs: its keys (under the user's) and its theme
        (unless the user has their own) apply now."""
        self._apply_keys(settings)
        wanted, _ = chosen_theme(settings, self.prefs, self.available_themes)
        if wanted is not None and wanted != self.theme:
            self._show_theme(wanted)

    def remember(self, **changes: str | bool) -> None:
        """The user changed their own settings (theme=, compact=, folded=, sort=, hide_empty=; see
        core/prefs.py): they hold now and are written to the user's config file. A file that can't
        take them is a warning; the change still holds until pulse quits."""
        fresh = {name: value for name, value in changes.items() if getattr(self.prefs, name) != value}
        if not fresh:
            return
        try:
            save_prefs(fresh, self.prefs_file)
        except PulseError as exc:
            say(self, f"Not remembered: {exc}", severity="warning", timeout=10)
        self.prefs = replace(self.prefs, **fresh)  # type: ignore[arg-type]  # checked by save_prefs

    def _apply_keys(self, settings: Settings) -> None:
        where = f"{self.prefs_file} (on top of {self.board.root / CONFIG_NAME})"
        keys, clash = combined_keys(settings, self.prefs, where)
        if clash:
            say(self, clash, title="Your keys not used", severity="warning", timeout=10)
        named_in = where if self.prefs.keys and not clash else str(self.board.root / CONFIG_NAME)
        for taken in taken_keys(keys, named_in):  # the remap wins; said when the keys are applied
            say(self, taken, title="Keys", severity="warning", timeout=10)
        # only the keys that differ from an action's default: Textual applies its keymap to every
        # binding of the focus chain at each key press (~5 ms for a pulse.yaml listing all 35)
        self.set_keymap({action: key for action, key in keys if key.replace(" ", "") != BY_ID[action].keys})
        keymap = self._keymap
        self.board_screen.show_key_hints(
            key_hint(keymap, "new"),
            f"{key_hint(keymap, 'apply')} apply · {key_hint(keymap, 'next_suggestion')} next",
            f"{key_hint(keymap, 'why')} why",
        )

    # -- what every screen shares ---------------------------------------------------------------

    def action_help(self) -> None:
        rows = [*help_rows(self._keymap, BOARD), ("ctrl+p", "Command palette: actions, go to task, theme")]
        self.push_screen(HelpScreen(rows, help_rows(self._keymap, DETAIL, besides=BOARD)))

    def action_reload(self) -> None:
        self.board_screen.reload()

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if screen is self.board_screen:
            yield from action_commands(screen, BOARD, self._keymap)
        elif screen is self.board_screen.detail:
            yield from action_commands(screen, DETAIL, self._keymap, route="board")

    # -- themes ---------------------------------------------------------------------------------

    def _setup_theme(self) -> list[tuple[str, str]]:
        """Register the themes and show the one the settings choose; what to say about them."""
        from pulseboard.services.themes import DEFAULT_THEME, load_themes

        themes, problems = load_themes()
        for theme in themes:
            self.register_theme(theme)
        notices = [(problem, "Theme not loaded") for problem in problems]
        wanted, missing = chosen_theme(self.board.settings, self.prefs, self.available_themes)
        if wanted is None:
            wanted = DEFAULT_THEME if DEFAULT_THEME in self.available_themes else FALLBACK_THEME
        notices += [(f"No theme named {name!r}; using {wanted}.", "Theme not found") for name in missing]
        self._show_theme(wanted)
        return notices

    def _show_theme(self, name: str) -> None:
        """Show a theme the settings chose, without taking it for the user's own choice."""
        self._theme_ready = False
        try:
            self.theme = name
        finally:
            self._theme_ready = True

    def watch_theme(self, name: str) -> None:
        """The user picked a theme (the palette): it is theirs, kept in their config file."""
        if self._theme_ready:
            self.remember(theme=name)

    def get_theme_variable_defaults(self) -> dict[str, str]:
        from pulseboard.services.themes import CARD_VARIABLES, THEME_VARIABLES

        return {name: "#888888" for name in (*THEME_VARIABLES, *CARD_VARIABLES)}

    def get_css_variables(self) -> dict[str, str]:
        """Textual's own themes lack pulse's variables: the theme service derives them."""
        from pulseboard.services.themes import pulse_variables

        return {**super().get_css_variables(), **pulse_variables(self.current_theme)}
