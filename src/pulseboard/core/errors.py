"""The one error type the core raises for things a user can fix: a plain sentence, exit code 1."""


class PulseError(Exception):
    """A user-facing error whose message is one plain sentence."""
