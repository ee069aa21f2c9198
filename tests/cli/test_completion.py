"""Shell completion: the script `pulse completion SHELL` prints, run by a real bash against a real
board, and what a TAB offers in zsh and fish (ids with their titles, from the parse cache).

bash is driven as argcomplete's own tests drive it: source the script, set COMP_WORDS, COMP_CWORD,
COMP_LINE and COMP_POINT, call the completion function and read COMPREPLY. The script runs `pulse`
from PATH: a small wrapper that runs this checkout's `python -m pulseboard`.
"""

from __future__ import annotations

import argparse
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support.helpers import PULSE, clean_env, pulse, pulse_json, pulse_ok, write_file

from pulseboard.cli.parser import build_parser
from pulseboard.core.board import Board

BASH = shutil.which("bash")
TAB_TIMEOUT_S = 20

# COMP_WORDS split as bash splits a line (no quotes in these lines); a line ending in a space
# completes a new, empty word.
COMPLETE = """
source "$1"
read -ra COMP_WORDS <<< "$2"
[[ "$2" == *" " ]] && COMP_WORDS+=("")
COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
COMP_LINE="$2"
COMP_POINT=${#COMP_LINE}
_python_argcomplete pulse
printf '%s\\n' "${COMPREPLY[@]}"
"""


@pytest.fixture
def on_path(tmp_path: Path) -> Path:
    """A bin folder whose `pulse` runs this checkout, as an installed script would."""
    bin_dir = tmp_path / "bin"
    script = write_file(bin_dir / "pulse", f'#!/bin/sh\nexec {shlex.join(PULSE)} "$@"\n')
    script.chmod(0o755)
    return bin_dir


def tasks(project: Path) -> dict[str, str]:
    """Three tasks, one started: title to id."""
    for title in ("Fix the navbar", "Write the docs", "Ship it"):
        pulse_ok("add", title, cwd=project)
    ids = {t["title"]: t["id"] for t in pulse_json("ls", cwd=project)}
    pulse_ok("start", ids["Ship it"], cwd=project)
    return ids


def bash_tab(line: str, project: Path, on_path: Path) -> list[str]:
    """What bash completes at the end of `line`, with `pulse completion bash` loaded."""
    script = project / "pulse.bash"
    script.write_text(pulse_ok("completion", "bash", cwd=project))
    env = clean_env(PATH=f"{on_path}:{clean_env()['PATH']}")
    done = subprocess.run(
        [BASH, "--norc", "--noprofile", "-c", COMPLETE, "tab", script, line],
        cwd=project, env=env, capture_output=True, text=True, timeout=TAB_TIMEOUT_S, check=True,
    )  # fmt: skip
    return done.stdout.split()


def tab(line: str, project: Path, shell: str) -> str:
    """What pulse answers a TAB at the end of `line` for zsh or fish (argcomplete's protocol)."""
    answer = project / "answer"
    env = clean_env(
        _ARGCOMPLETE="1", _ARGCOMPLETE_SHELL=shell, _ARGCOMPLETE_STDOUT_FILENAME=str(answer),
        _ARGCOMPLETE_SUPPRESS_SPACE="1",  # as both shells' scripts set it
        COMP_LINE=line, COMP_POINT=str(len(line)),
    )  # fmt: skip
    if shell == "fish":
        env |= {"_ARGCOMPLETE_IFS": "\n", "_ARGCOMPLETE_DFS": "\t"}
    done = pulse(cwd=project, env=env)
    assert done.returncode == 0 and not done.stdout, done
    return answer.read_text()


@pytest.mark.skipif(BASH is None, reason="needs bash")
def test_bash_completes_commands_states_and_ids(project: Path, on_path: Path) -> None:
    ids = tasks(project)
    navbar = ids["Fix the navbar"]

    assert bash_tab("pulse sh", project, on_path) == ["show"]
    assert bash_tab("pulse s", project, on_path) == ["split", "show", "start", "sync", "stats", "serve"]
    assert sorted(bash_tab("pulse ls --state d", project, on_path)) == ["doing", "done"]
    assert bash_tab(f"pulse mv {navbar[:6]} bl", project, on_path) == ["blocked"]
    assert bash_tab(f"pulse show {navbar[:3]}", project, on_path) == [navbar]
    letter = next(i for i, c in enumerate(navbar) if c.isalpha())  # a generated id has a letter
    typed = navbar[: max(letter + 1, 3)].upper()  # pulse reads an id in any case: so does a TAB
    assert bash_tab(f"pulse show {typed}", project, on_path) == [typed + navbar[3:]]
    assert sorted(bash_tab("pulse show ", project, on_path)) == sorted(ids.values())
    # a start offers what is not in doing already; renew only what is
    assert sorted(bash_tab("pulse start ", project, on_path)) == sorted([navbar, ids["Write the docs"]])
    assert bash_tab("pulse renew ", project, on_path) == [ids["Ship it"]]
    assert bash_tab("pulse completion ", project, on_path) == ["bash", "zsh", "fish"]
    assert bash_tab("pulse show --j", project, on_path) == ["--json"]
    pulse_ok("done", navbar, cwd=project)
    assert bash_tab("pulse archive ", project, on_path) == [navbar]  # done tasks only
    pulse_ok("archive", navbar, cwd=project)
    assert bash_tab("pulse unarchive ", project, on_path) == [navbar]  # the archive's tasks


def test_zsh_and_fish_show_each_title_beside_its_id(project: Path) -> None:
    ids = tasks(project)
    pulse_ok("ls", cwd=project)  # the parse cache, which a TAB reads the titles from
    zsh = tab("pulse show ", project, "zsh").split("\v")
    assert sorted(zsh) == sorted(f"{task_id}:{title}" for title, task_id in ids.items())
    fish = tab("pulse note ", project, "fish").splitlines()
    assert sorted(fish) == sorted(f"{task_id}\t{title}" for title, task_id in ids.items())


def test_a_tab_reads_titles_from_the_cache_and_never_parses_a_file(project: Path) -> None:
    root = project / "tasks"
    path = write_file(root / "open" / "fix-login.md", '---\ntitle: "Log in \\e[31mred\\tfast"\n---\n')
    (task_id,) = Board(root).titles("")
    assert tab("pulse show ", project, "zsh") == f"{task_id}:Fix login"  # no cache: the file's name
    pulse_ok("ls", cwd=project)
    assert tab("pulse show ", project, "zsh") == f"{task_id}:Log in \\x1b[31mred fast"  # inert, one line
    path.write_text("---\ntitle: Log in again\n---\n")  # changed since the cache saw it
    assert tab("pulse show ", project, "zsh") == f"{task_id}:Fix login"


def test_past_the_limit_a_tab_offers_the_ids_alone(board: Board) -> None:
    for name in ("a-first.md", "b-second.md", "c-third.md"):
        write_file(board.root / "open" / name, "---\ntitle: A title\n---\n")
    titled = board.titles("")
    assert sorted(titled.values()) == ["A first", "B second", "C third"]
    assert board.titles("", most=2) == dict.fromkeys(titled, "")
    assert board.titles("", most=3) == titled
    some = next(iter(titled))
    assert board.titles(some[:5].upper()) == {some: titled[some]}  # ids are matched as typed in any case


def test_no_board_offers_nothing_and_prints_nothing(tmp_path: Path) -> None:
    assert tab("pulse show ", tmp_path, "zsh") == ""


@pytest.mark.parametrize(("shell", "marker"), [("bash", "complete -o nospace"), ("zsh", "#compdef pulse"),
                                                ("fish", "complete --command pulse")])  # fmt: skip
def test_completion_prints_each_shells_script(tmp_path: Path, shell: str, marker: str) -> None:
    assert marker in pulse_ok("completion", shell, cwd=tmp_path)


def test_every_task_id_argument_completes_task_ids() -> None:
    """A command added later with an `id` or `ids` argument completes ids too (cli/parser.py)."""
    (commands,) = (a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    takes_ids = {
        name: action
        for name, sub in commands.choices.items()
        for action in sub._actions
        if action.dest in ("id", "ids")
    }
    assert {"show", "edit", "start", "done", "reopen", "block", "mv", "note", "renew"} <= set(takes_ids)
    missing = [name for name, action in takes_ids.items() if not callable(getattr(action, "completer", None))]
    assert not missing, f"give these id arguments a completer (completion.TaskIds): {missing}"


def test_an_ordinary_command_never_imports_argcomplete(project: Path) -> None:
    code = (
        "import sys; from pulseboard.cli.main import main; main(['ls']); print('argcomplete' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=project, env=clean_env(), capture_output=True,
                          text=True, timeout=TAB_TIMEOUT_S, check=True)  # fmt: skip
    assert done.stdout.splitlines()[-1] == "False"
