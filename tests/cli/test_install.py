"""Installed like a real tool: a wheel built from the tracked files alone (what a clean clone holds),
installed into a fresh venv, gives a `pulse` that runs with its themes and stylesheet.

The dependencies come from the environment the suite runs in (the venv sees them through a .pth
file), so nothing is downloaded: the wheel is built with --no-build-isolation and installed with
--no-index --no-deps. Marked slow (a build and a venv: about 15 s); `-m "not slow"` skips it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest
from support.helpers import clean_env, describe_run, ok

import pulseboard

REPO = Path(__file__).resolve().parents[2]
APP_SCRIPT = REPO / "tests" / "support" / "installed_app.py"
BUILD_TIMEOUT_S = 90


def run(*argv: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """A real process, without PYTHONPATH or anything else that could lead it to the checkout."""
    return subprocess.run(
        [str(a) for a in argv], cwd=cwd, env=clean_env(PYTHONPATH=None), capture_output=True, text=True,
        timeout=BUILD_TIMEOUT_S, check=False,
    )  # fmt: skip


def clean_clone(into: Path) -> Path:
    """The tracked files of the checkout as they are now (no build/, egg-info or caches)."""
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True).stdout
    for name in filter(None, listed.decode().split("\0")):
        source = REPO / name
        if source.is_file():  # a tracked file deleted in the work tree is not in the clone either
            (into / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, into / name)
    return into


def installed_venv(wheel: Path, where: Path) -> Path:
    """A fresh venv holding the wheel, and seeing the suite's own packages for the dependencies."""
    venv.create(where, system_site_packages=True, with_pip=False)
    python = where / "bin" / "python"
    site = run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=where)
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    Path(ok(site).stdout.strip(), "suite-dependencies.pth").write_text("\n".join(sorted(ours)) + "\n")
    pip = [sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index", "-q"]
    ok(run(*pip, wheel, cwd=where))
    return where


@pytest.mark.slow
@pytest.mark.timeout(240)
def test_a_wheel_from_a_clean_clone_installs_a_working_pulse(tmp_path: Path) -> None:
    source = clean_clone(tmp_path / "clone")
    build = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q"]
    built = run(*build, "-w", tmp_path / "dist", source, cwd=tmp_path)
    assert built.returncode == 0, f"`pip install -e '.[test]'` brings setuptools>=77\n{describe_run(built)}"
    (wheel,) = (tmp_path / "dist").glob("pulseboard-*.whl")
    bin_dir = installed_venv(wheel, tmp_path / "venv") / "bin"
    work = tmp_path / "work"
    work.mkdir()

    assert ok(run(bin_dir / "pulse", "--version", cwd=work)).stdout == f"pulse {pulseboard.__version__}\n"
    metadata = run(
        bin_dir / "python", "-c", "import importlib.metadata as m; print(m.version('pulseboard'))", cwd=work
    )
    assert ok(metadata).stdout.strip() == pulseboard.__version__  # one version: __init__.py's
    ok(run(bin_dir / "pulse", "init", cwd=work))
    ok(run(bin_dir / "pulse", "add", "Ship the wheel", cwd=work))
    assert "Ship the wheel" in ok(run(bin_dir / "pulse", "ls", cwd=work)).stdout
    assert "complete -o nospace" in ok(run(bin_dir / "pulse", "completion", "bash", cwd=work)).stdout

    shown = json.loads(ok(run(bin_dir / "python", APP_SCRIPT, work / "tasks", cwd=work)).stdout)
    assert Path(shown["package"]).is_relative_to(tmp_path / "venv"), shown  # the wheel's, not src/
    assert Path(shown["stylesheet"]).is_relative_to(tmp_path / "venv") and Path(shown["stylesheet"]).is_file()
    assert Path(shown["package"]).with_name("cli").joinpath("serve_page", "app_index.html").is_file()
    assert shown["loaded"] and shown["cards"] == ["Ship the wheel"]
    assert shown["titles"] == ["Open 1", "Doing 0/3", "Done 0", "Blocked 0"]
    assert shown["themes"] == ["pulse-ansi16", "pulse-dark", "pulse-high-contrast", "pulse-light"]
    assert shown["theme"] == "pulse-dark" and shown["open_border"] == "vkey"
