# PYTHON_ARGCOMPLETE_OK  (argcomplete: pulse answers its own TAB completions)
"""The `pulse` entry point: parse the command line, run the one command asked for, errors to exit codes.

User errors (PulseError) print one line on stderr and exit 1; usage errors exit 2 (argparse); ctrl+c exits
130; a closed pipe exits quietly; an OS error prints one sentence and exits 1; anything else is an
"internal error" on one line, and no traceback is printed unless PULSE_DEBUG is set.

The grammar is in cli/parser.py; the commands, grouped by area, in cli/tasks.py, heartbeat.py, live.py,
doctor.py, gitglue.py and board.py. Only the running command's module is imported.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Callable
from importlib import import_module

from pulseboard.cli.completion import complete
from pulseboard.cli.parser import build_parser
from pulseboard.core.errors import PulseError
from pulseboard.core.text import one_line

BOARD_APP = "board:cmd_board"  # `pulse` with no command


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    if "_ARGCOMPLETE" in os.environ:  # a shell's TAB (cli/completion.py): answer it and exit
        complete(parser)
    gc.disable()  # a one-shot command allocates many small objects and frees them all at exit
    args = parser.parse_args(argv)
    if not hasattr(args, "board"):
        args.board = None
    if not hasattr(args, "poll"):
        args.poll = False
    try:
        return handler(args.handler if args.command else BOARD_APP)(args)
    except PulseError as exc:
        print(f"pulse: {one_line(str(exc))}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        sys.stderr.close()
        return 0
    except OSError as exc:
        if os.environ.get("PULSE_DEBUG"):
            raise
        where = f": {exc.filename}" if exc.filename else ""
        print(f"pulse: {exc.strerror or exc}{where}.", file=sys.stderr)
        return 1
    except Exception as exc:
        if os.environ.get("PULSE_DEBUG"):
            raise
        print(
            f"pulse: internal error ({type(exc).__name__}: {exc}); "
            "set PULSE_DEBUG=1 to see where, and please report it.",
            file=sys.stderr,
        )
        return 1


def handler(name: str) -> Callable[[argparse.Namespace], int]:
    """The command function named "module:function" under pulseboard.cli, importing only its module."""
    module, _, function = name.partition(":")
    return getattr(import_module(f"pulseboard.cli.{module}"), function)
