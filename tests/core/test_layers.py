"""The layers of DESIGN.md, checked over every module: imports point down only.

core imports no textual, rich or watchfiles (so the CLI starts fast and the rules are tested
without a terminal); services import no face (cli, tui). Each module is imported alone in a fresh
interpreter, so one module cannot hide another's import. New modules are found by walking the
package, never listed by hand.
"""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys

import pytest

import pulseboard

UI_STACK = ("textual", "rich", "watchfiles", "textual_plotext")
FACES = ("pulseboard.cli", "pulseboard.tui")


def modules(layer: str) -> list[str]:
    package = __import__(f"pulseboard.{layer}", fromlist=["_"])
    found = [info.name for info in pkgutil.walk_packages(package.__path__, f"pulseboard.{layer}.")]
    return sorted([f"pulseboard.{layer}", *found])


def loaded_by(module: str) -> list[str]:
    """The modules importing `module` alone pulls in."""
    code = f"import sys, json, {module}\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_every_layer_has_modules() -> None:
    assert len(modules("core")) > 20 and modules("services") and modules("cli") and modules("tui")
    assert pulseboard.__path__


@pytest.mark.parametrize("module", modules("core") + modules("services"))
def test_imports_point_down_only(module: str) -> None:
    loaded = loaded_by(module)
    faces = [m for m in loaded if m.startswith(FACES)]
    assert not faces, f"{module} imports the faces: {faces[:5]}"
    if module.startswith("pulseboard.core"):
        ui = [m for m in loaded if m.split(".")[0] in UI_STACK]
        assert not ui, f"{module} imports the UI stack: {ui[:5]}"
        services = [m for m in loaded if m.startswith("pulseboard.services")]
        assert not services, f"{module} imports services: {services[:5]}"
