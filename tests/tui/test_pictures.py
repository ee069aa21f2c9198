"""The README's pictures: scripts/pictures.py builds its demo board and saves every picture as an SVG
that shows the board (its column titles, a task) or the stats screen, never a loading board."""

from __future__ import annotations

import html
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "pictures.py"
COLUMNS = ("Open", "Doing", "Done", "Blocked")


def load_script() -> ModuleType:
    """scripts/pictures.py as a module (scripts/ is no package): registered before it runs, as its
    dataclasses need."""
    spec = importlib.util.spec_from_file_location("pulse_pictures", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def svg_text(path: Path) -> str:
    """The text an SVG screenshot shows (textual writes spaces as &#160;)."""
    return html.unescape(path.read_text(encoding="utf-8")).replace("\xa0", " ")


@pytest.mark.timeout(120)
def test_the_script_saves_every_picture_of_the_demo_board(tmp_path: Path) -> None:
    pictures = load_script()
    out = tmp_path / "pictures"
    cwd = Path.cwd()

    assert pictures.main(["--out", str(out)]) == 0

    assert Path.cwd() == cwd  # the script works in a temp folder and comes back
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in pictures.PICTURES)
    for picture in pictures.PICTURES:
        text = svg_text(out / picture.name)
        assert text.startswith("<svg"), picture.name
        assert "Loading" not in text, picture.name
        if picture.keys == ("v",):  # the stats screen
            for words in ("Done per day", "Cycle time", "velocity", "14 in 14 days"):
                assert words in text, (picture.name, words)
        else:
            for column in COLUMNS:
                assert f">{column} " in text, (picture.name, column)
            assert "Rate-limit the" in text, picture.name  # the first card in Open
            assert "heartbeat" in text, picture.name
