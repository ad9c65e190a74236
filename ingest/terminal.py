"""What a terminal adds around a command's output: escape sequences and shell prompts.

One escape pattern and one prompt pattern for every parser (the cf engine, the BOSH parsers, the
unwrapping of session logs). `ESCAPE_PATTERN` is written for both Python's `re` and the Rust regex
engine polars uses, so a vectorized parser strips the same sequences as a line-by-line one.
"""

from __future__ import annotations

import re

# CSI (colour, cursor, `ESC[?2004h` bracketed paste), OSC (window titles, ended by BEL or ST or nothing),
# character-set selection (`ESC(B`) and the two-byte escapes (`ESC=`, `ESC>`, `ESC7`, `ESC8`, `ESCc`)
ESCAPE_PATTERN = (
    r"\x1b(?:\[[0-9;?<>=!]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[()][0-9A-Za-z]|[@-Z\\-_=>c78])"
)
ESCAPE = re.compile(ESCAPE_PATTERN)


def strip_ansi(s: str) -> str:
    """The text without escape sequences (cheap when there are none)."""
    return ESCAPE.sub("", s) if "\x1b" in s else s


# `[drill@jumpbox-01 ~]$ cf apps`, `user@host:~$ bosh vms`, `(venv) $ ls`, `~/drill$ date`, `$ cf login`,
# `# bosh cck` (root), `> cf push` (a continuation or PowerShell prompt). `sigil` is the prompt's last
# character; `bare` is set when the prompt is that character alone, which a comment (`# note`) or a
# Markdown quote (`> text`) also looks like: a caller decides by the command whether it is a prompt.
PROMPT = re.compile(
    r"^(?:\([\w.-]+\) )?"
    r"(?:\[[^\]\n]{1,80}\](?P<s1>[$#])|[\w.-]+@[\w.-]+(?::[^$#\s]*)?(?P<s2>[$#])|(?P<bare>[$>#])"
    r"|[\w.~/-]+(?P<s3>[$#]))"
    r"(?: (?P<cmd>.*))?$"
)


def prompt_command(line: str) -> str | None:
    """The command typed at a shell prompt line (`''` for a prompt with none), else None."""
    m = PROMPT.match(line)
    return None if m is None else (m.group("cmd") or "").strip()


def bare_prompt(m: re.Match[str]) -> str | None:
    """The sigil of a prompt that is one character alone (`$`, `#`, `>`), else None."""
    return m.group("bare")
