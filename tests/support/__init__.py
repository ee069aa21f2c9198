"""Shared support for the tests (imported as `support.*`; pyproject puts tests/ on the path).

- support.clock: the fixed clock, T0 and at().
- support.helpers: run the real CLI in a subprocess, read a board off the disk.
- support.board_helpers: real boards and the real app under Textual's Pilot.
"""
