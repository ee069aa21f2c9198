"""The theme service: shipped themes, user overrides, one notice per bad file, readable contrast,
and the packaging that ships themes/ (real files in tmp_path, no mocks)."""

from __future__ import annotations

import asyncio
import tomllib
from pathlib import Path

import pytest
from support.contrast import ratio
from textual.app import App, ComposeResult
from textual.color import Color
from textual.theme import BUILTIN_THEMES, Theme
from textual.widgets import Button, Footer, Static

from pulseboard.services.themes import (
    CARD_VARIABLES,
    DEFAULT_THEME,
    THEME_VARIABLES,
    ThemeError,
    builtin_theme_dir,
    load_theme_file,
    load_themes,
    pulse_variables,
    user_theme_dir,
)

REPO = Path(__file__).resolve().parents[2]  # tests/core/ -> the repository
SHIPPED = ["pulse-ansi16", "pulse-dark", "pulse-high-contrast", "pulse-light"]
GOOD = 'name: {name}\nprimary: "{primary}"\nbackground: "#101010"\nforeground: "#eeeeee"\n'


def shipped_files() -> list:
    files = [f for f in builtin_theme_dir().iterdir() if f.name.endswith(".yaml")]
    return sorted(files, key=lambda f: f.name)


def names(themes: list[Theme]) -> list[str]:
    return [theme.name for theme in themes]


def test_the_contract_names() -> None:
    assert DEFAULT_THEME == "pulse-dark"
    assert THEME_VARIABLES == (
        "pulse-column-open",
        "pulse-column-doing",
        "pulse-column-done",
        "pulse-column-blocked",
        "pulse-wip-warning",
        "pulse-wip-over",
        "pulse-heartbeat",
    )


def test_shipped_themes_load_without_notices(tmp_path: Path) -> None:
    themes, notices = load_themes(tmp_path / "no-such-folder")
    assert notices == []
    assert names(themes) == SHIPPED
    assert DEFAULT_THEME in names(themes)
    # The installed folder is the repo's themes/ (editable) or a copy of it (wheel).
    assert [f.name for f in shipped_files()] == sorted(p.name for p in (REPO / "themes").glob("*.yaml"))


@pytest.mark.parametrize("file", shipped_files(), ids=lambda f: f.name)
def test_each_shipped_theme_validates_and_defines_every_variable(file) -> None:
    theme = load_theme_file(file)
    assert theme.name == file.name.removesuffix(".yaml")
    theme.to_color_system().generate()
    for name in THEME_VARIABLES:
        Color.parse(theme.variables[name])  # plain colours, not "red 50%"


def contrast(a: str, b: str) -> float:
    return ratio(Color.parse(a).rgb, Color.parse(b).rgb)


@pytest.mark.parametrize("file", shipped_files(), ids=lambda f: f.name)
def test_each_shipped_theme_is_readable(file) -> None:
    theme = load_theme_file(file)
    foreground, background = theme.foreground, theme.background
    if theme.ansi:  # the terminal's own colours: judge by the stand-ins textual uses in ansi mode
        foreground, background = theme.variables["ansi-foreground"], theme.variables["ansi-background"]
    assert foreground and background
    needed = 7.0 if theme.name == "pulse-high-contrast" else 4.5
    assert contrast(foreground, background) >= needed
    for name in THEME_VARIABLES:  # column titles, WIP marks and the heartbeat accent are text too
        assert contrast(theme.variables[name], background) >= needed, name


def test_high_contrast_is_pure_black_and_white() -> None:
    theme = load_theme_file(builtin_theme_dir() / "pulse-high-contrast.yaml")
    assert (theme.background, theme.foreground) == ("#000000", "#FFFFFF")


def test_ansi16_uses_only_the_16_colour_palette() -> None:
    theme = load_theme_file(builtin_theme_dir() / "pulse-ansi16.yaml")
    assert theme.ansi
    values = [getattr(theme, field) for field in ("primary", "warning", "error", "success", "background")]
    for value in [*values, *theme.variables.values()]:
        assert Color.parse(value).ansi is not None, value


def test_a_user_theme_is_added_and_overrides_a_shipped_one(tmp_path: Path) -> None:
    (tmp_path / "mine.yaml").write_text(GOOD.format(name="mine", primary="#aa5500"))
    (tmp_path / "dark.yml").write_text(GOOD.format(name="pulse-dark", primary="#123456"))
    themes, notices = load_themes(tmp_path)
    assert notices == []
    assert names(themes) == [*SHIPPED, "mine"]  # the override keeps the shipped theme's place
    by_name = {theme.name: theme for theme in themes}
    assert by_name["pulse-dark"].primary == "#123456"
    assert by_name["mine"].primary == "#aa5500"


def test_dotfiles_and_other_files_are_ignored(tmp_path: Path) -> None:
    (tmp_path / ".hidden.yaml").write_text("not: [valid")
    (tmp_path / "notes.txt").write_text("not: [valid")
    (tmp_path / "folder.yaml").mkdir()
    (tmp_path / "b.yaml").write_text(GOOD.format(name="b", primary="red"))
    (tmp_path / "a.yml").write_text(GOOD.format(name="a", primary="blue"))
    themes, notices = load_themes(tmp_path)
    assert notices == []
    assert names(themes) == [*SHIPPED, "a", "b"]  # sorted by file name


BAD_FILES = {
    "bad-yaml": ("name: x\nprimary: [unclosed\n", "is not valid YAML at line"),
    "a-list": ("- name\n- primary\n", "is not a mapping"),
    "empty": ("", "is not a mapping"),
    "no-name": ('primary: "#336699"\n', "has no name"),
    "no-primary": ("name: x\n", "has no primary colour"),
    "unknown-key": ('name: x\nprimary: "#336699"\nprimry: "#000"\n', "unknown key 'primry'"),
    "bad-colour": ("name: x\nprimary: bleu\n", "did you mean 'blue'?"),
    "unquoted-hex": ("name: x\nprimary: #336699\n", "quote colours"),
    "colour-not-text": ("name: x\nprimary: 12\n", "is not a colour"),
    "bad-variable": ('name: x\nprimary: red\nvariables:\n  pulse-wip-over: "#f00 50%"\n', "pulse-wip-over"),
    "bad-style": ("name: x\nprimary: red\nvariables:\n  link-style: shiny\n", "not a text style"),
    "bad-variable-name": ("name: x\nprimary: red\nvariables:\n  two words: red\n", "not a CSS variable"),
    "variables-list": ("name: x\nprimary: red\nvariables: [red]\n", "not a mapping of name: colour"),
    "dark-not-bool": ("name: x\nprimary: red\ndark: very\n", "should be true or false"),
    "alpha-out-of-range": ("name: x\nprimary: red\ntext_alpha: 2\n", "a number from 0 to 1"),
}


@pytest.mark.parametrize("kind", list(BAD_FILES))
def test_each_bad_file_gives_one_notice_and_keeps_the_defaults(tmp_path: Path, kind: str) -> None:
    text, problem = BAD_FILES[kind]
    path = tmp_path / f"{kind}.yaml"
    path.write_text(text)
    themes, notices = load_themes(tmp_path)
    assert names(themes) == SHIPPED
    assert len(notices) == 1
    notice = notices[0]
    assert str(path) in notice and problem in notice
    assert "\n" not in notice and notice.endswith(".")
    with pytest.raises(ThemeError) as raised:
        load_theme_file(path)
    assert str(raised.value) == notice and raised.value.path == path
    assert isinstance(raised.value, ValueError)


def test_an_unreadable_file_gives_a_notice(tmp_path: Path) -> None:
    (tmp_path / "latin1.yaml").write_bytes(b"name: caf\xe9\nprimary: red\n")
    themes, notices = load_themes(tmp_path)
    assert names(themes) == SHIPPED
    assert len(notices) == 1 and "latin1.yaml cannot be read" in notices[0]


def test_load_themes_never_raises_with_every_bad_file_at_once(tmp_path: Path) -> None:
    for kind, (text, _) in BAD_FILES.items():
        (tmp_path / f"{kind}.yaml").write_text(text)
    (tmp_path / "fine.yaml").write_text(GOOD.format(name="fine", primary="green"))
    themes, notices = load_themes(tmp_path)
    assert names(themes) == [*SHIPPED, "fine"]
    assert len(notices) == len(BAD_FILES)


def test_two_user_files_with_one_name_keep_the_first(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(GOOD.format(name="twin", primary="red"))
    (tmp_path / "b.yaml").write_text(GOOD.format(name="twin", primary="blue"))
    themes, notices = load_themes(tmp_path)
    assert [t.primary for t in themes if t.name == "twin"] == ["red"]
    assert len(notices) == 1 and "b.yaml is ignored" in notices[0] and "a.yaml" in notices[0]


def test_a_missing_user_folder_is_quiet_and_a_file_in_its_place_is_not(tmp_path: Path) -> None:
    assert load_themes(tmp_path / "missing")[1] == []
    (tmp_path / "themes").write_text("")
    themes, notices = load_themes(tmp_path / "themes")
    assert names(themes) == SHIPPED
    assert len(notices) == 1 and "is a file, not a folder" in notices[0]


def test_user_theme_dir_follows_xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert user_theme_dir() == tmp_path / "pulseboard" / "themes"
    monkeypatch.setenv("XDG_CONFIG_HOME", "relative/path")  # the XDG spec says: ignore it
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert user_theme_dir() == tmp_path / "home" / ".config" / "pulseboard" / "themes"
    monkeypatch.delenv("XDG_CONFIG_HOME")
    assert user_theme_dir() == tmp_path / "home" / ".config" / "pulseboard" / "themes"


def test_an_ansi_theme_gets_the_variables_textual_needs_in_ansi_mode(tmp_path: Path) -> None:
    path = tmp_path / "ansi.yaml"
    path.write_text("name: my-ansi\nansi: true\nprimary: ansi_blue\nbackground: ansi_default\n")
    theme = load_theme_file(path)
    assert theme.variables == {"ansi-background": "ansi_black", "ansi-foreground": "ansi_white"}


def test_pulse_variables_for_any_theme() -> None:
    shipped = load_theme_file(builtin_theme_dir() / "pulse-dark.yaml")
    values = pulse_variables(shipped)
    assert {name: values[name] for name in THEME_VARIABLES} == {
        n: shipped.variables[n] for n in THEME_VARIABLES
    }
    for theme in BUILTIN_THEMES.values():  # textual's own themes have no pulse-* variables
        values = pulse_variables(theme)
        assert list(values) == [*THEME_VARIABLES, *CARD_VARIABLES]
        for value in values.values():
            Color.parse(value)


def test_card_colours_read_on_the_surface_and_under_both_cursors() -> None:
    """Derived for any theme: text colours moved until they read (WCAG 4.5) on every ground."""
    for theme in [*BUILTIN_THEMES.values(), load_theme_file(builtin_theme_dir() / "pulse-light.yaml")]:
        if theme.ansi:
            continue
        values = pulse_variables(theme)
        surface = theme.to_color_system().generate()["surface"]
        for ground in (surface, values["pulse-cursor"], values["pulse-cursor-blurred"]):
            for name in CARD_VARIABLES[:6]:
                assert contrast(values[name], ground) >= 4.5, (theme.name, name, ground)
        assert values["pulse-cursor"] != values["pulse-cursor-blurred"]


def test_a_theme_file_may_set_a_card_colour(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text("name: mine\nprimary: '#3366CC'\nvariables:\n  pulse-card-muted: '#999999'\n")
    assert pulse_variables(load_theme_file(path))["pulse-card-muted"] == "#999999"


class ThemedApp(App[None]):
    """Uses every pulse variable and widgets that need textual's ansi-mode variables."""

    CSS = "\n".join(f".{name} {{ color: ${name}; border: solid ${name}; }}" for name in THEME_VARIABLES)

    def compose(self) -> ComposeResult:
        for name in THEME_VARIABLES:
            yield Static(name, classes=name)
        yield Button("ok")
        yield Footer()

    def get_css_variables(self) -> dict[str, str]:
        return {**super().get_css_variables(), **pulse_variables(self.current_theme)}


def test_every_loaded_theme_renders_in_a_real_app(tmp_path: Path) -> None:
    (tmp_path / "ansi.yaml").write_text("name: my-ansi\nansi: true\nprimary: ansi_blue\n")
    themes, notices = load_themes(tmp_path)
    assert notices == []

    async def run() -> list[str]:
        app = ThemedApp()
        seen = []
        async with app.run_test(size=(60, 20)) as pilot:
            for theme in themes:
                app.register_theme(theme)
            for name in [*names(themes), "textual-dark", DEFAULT_THEME]:
                app.theme = name
                await pilot.pause()
                seen.append(str(app.query_one(".pulse-heartbeat").styles.color))
        return seen

    seen = asyncio.run(run())
    assert len(seen) == len(themes) + 2


def test_every_package_under_src_is_listed_for_the_wheel() -> None:
    """pyproject lists packages by hand (to map themes/ onto pulseboard.themes): keep it complete."""
    config = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]
    on_disk = {
        ".".join(folder.relative_to(REPO / "src").parts)
        for folder in [REPO / "src" / "pulseboard", *(REPO / "src" / "pulseboard").rglob("*")]
        if folder.is_dir() and folder.name != "__pycache__" and any(folder.glob("*.py"))
    }
    missing = on_disk - set(config["packages"])
    assert not missing, f"add {sorted(missing)} to packages in pyproject.toml [tool.setuptools]"
    assert config["package-dir"]["pulseboard.themes"] == "themes"
    assert "*.yaml" in config["package-data"]["pulseboard.themes"]
