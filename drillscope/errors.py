"""Errors that end in one clear line for the operator (CLI exit 1 or 2), never a traceback."""


class DrillscopeError(Exception):
    """Base class: the message is shown as is."""

    exit_code = 1


class InputError(DrillscopeError):
    """Bad input that stops the run (malformed drill.toml, unreadable path, ...)."""


class UsageError(DrillscopeError):
    exit_code = 2


class NeedDate(Exception):
    """Raised by a parser whose capture prints no date while the drill's date is not known yet;
    the ingest defers the file until the drill's dated evidence has been read."""
