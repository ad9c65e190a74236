"""Errors that end in one clear line for the operator (CLI exit 1 or 2), never a traceback."""

import errno


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


_HINTS = {
    errno.ENOSPC: "no space left on the device; free some and run again (finished outputs are left as they were)",
    errno.EDQUOT: "disk quota exceeded; free some space and run again",
    errno.EROFS: "read-only file system; choose another --out",
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
    errno.ENOTDIR: "a path in it is a file, not a folder",
    errno.EEXIST: "exists and is not a folder",
    errno.EISDIR: "is a folder, not a file",
    errno.ENOENT: "no such file or folder",
}


def system_error(e: OSError) -> str:
    """One line for an error of the operating system (full disk, read-only or unwritable folder, a file
    where a folder should be): what happened and where, without Python's class names."""
    what = _HINTS.get(e.errno or -1) or (e.strerror or str(e)).lower()
    where = e.filename if e.filename is not None else None
    if where is None and e.errno is None:  # pyarrow/duckdb: the OS message is inside the text
        return str(e).splitlines()[0] if str(e) else type(e).__name__
    return f"{where}: {what}" if where is not None else what
