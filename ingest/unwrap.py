"""The unwrapping layer: what operators wrap around a capture, taken off before detection.

An input becomes physical lines (decoded: UTF-8/16 by BOM, UTF-8, CP949; `\\n`, `\\r\\n` or lone `\\r`
line ends), each rendered the way a terminal showed it (colour, OSC titles, bracketed paste and clear
sequences dropped; carriage-return redraws and backspaces replayed), with the prefixes CI systems and
`ts` put before every line taken off (their time kept as the line's clock). Markdown fences, HTML
`<pre>` blocks, indented code blocks and `> ` quoting become regions; `script(1)` and PuTTY log banners, fence markers
and CI group markers are wrapper lines (ignorable). Every `Line` keeps its number in the original file.

`segments.py` cuts the regions at shell prompts and detects each part.
"""

from __future__ import annotations

import ast
import html
import re
from dataclasses import dataclass, field

from drillscope.errors import InputError
from drillscope.ingest.terminal import ESCAPE


@dataclass
class Line:
    no: int  # 1-based line in the original file
    text: str  # what the parsers see
    clock: tuple[str, str] | None = None  # (prefix kind, the time it printed) from a CI/`ts` prefix
    prefix: str = ""  # the prefix taken off


@dataclass
class Region:
    """Lines that belong together before prompts are considered: a fence, a quoted block, the rest."""

    lines: list[Line]
    wrappers: list[int] = field(default_factory=list)  # wrapper lines around/in it (fence markers, ...)
    kind: str = "text"  # text | fence | pre | indented | quote | list | html


@dataclass
class Unwrapped:
    lines: int  # physical lines of the input
    encoding: str
    regions: list[Region]
    loose: list[int]  # wrapper lines outside any region (script banners, CI markers)
    wrappers: list[str]  # what was taken off, for `explain` and the file's message
    changed: bool  # False when the parsers would see the input exactly as it is


# -- decoding ------------------------------------------------------------------------------------


def decode_input(data: bytes) -> tuple[str, str]:
    """(text, encoding): a BOM decides (UTF-8, UTF-16 LE/BE), else UTF-8, else CP949 (EUC-KR's superset);
    anything else is an InputError that says so."""
    for bom, enc in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(enc), enc if enc != "utf-8" else "utf-8 (BOM)"
            except UnicodeDecodeError as e:
                raise InputError(f"cannot decode: {enc} BOM, then invalid {enc} at byte {e.start}") from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as e:
        first = e.start
    try:
        return data.decode("cp949"), "cp949"
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    if bad <= max(3, len(text) // 1000):  # a stray byte in a UTF-8 capture: read it, say so
        return text, f"utf-8 ({bad} invalid byte(s) replaced)"
    raise InputError(
        f"cannot decode: neither UTF-8 (invalid byte 0x{data[first]:02x} at {first}), UTF-16 with a BOM"
        " nor CP949/EUC-KR"
    ) from None


def physical_lines(text: str) -> list[str]:
    """Lines without their terminator; a text with no `\\n` but `\\r` line ends (classic Mac) splits at `\\r`."""
    if "\n" not in text and "\r" in text.rstrip("\r"):
        parts = text.split("\r")
    else:
        parts = text.split("\n")
        parts = [p[:-1] if p.endswith("\r") else p for p in parts]
    if parts and parts[-1] == "":
        parts.pop()
    return parts


# -- the terminal: what a line looked like on the screen ------------------------------------------

_CTRL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def render(s: str) -> str:
    """A line as the terminal left it: escapes dropped, `\\r` returns to column 0 and later text overwrites
    (progress redraws), backspace moves back, `ESC[K` erases to the end of the line."""
    if not _CTRL.search(s):
        return s
    buf: list[str] = []
    col = 0
    i = 0
    n = len(s)
    while i < n:
        c = s[i]
        if c == "\x1b":
            m = ESCAPE.match(s, i)
            if m is None:
                i += 1
                continue
            seq = m.group(0)
            if seq[1:2] == "[" and seq[-1] in "KGC":
                arg = seq[2:-1]
                n_arg = int(arg) if arg.isdigit() else None
                if seq[-1] == "K":  # erase in line: 0/none to the end, 2 all
                    if n_arg in (None, 0):
                        del buf[col:]
                    elif n_arg == 2:
                        buf = [" "] * col
                elif seq[-1] == "G":  # cursor to column N
                    col = max((n_arg or 1) - 1, 0)
                else:  # cursor forward N
                    col += n_arg or 1
            i = m.end()
            continue
        if c == "\r":
            col = 0
        elif c == "\b":
            col = max(col - 1, 0)
        elif c == "\t" or c >= " " and c != "\x7f":
            if col < len(buf):
                buf[col] = c
            else:
                buf.extend(" " * (col - len(buf)))
                buf.append(c)
            col += 1
        i += 1
    return "".join(buf).rstrip("\r")


# -- line prefixes added by CI systems and tools ----------------------------------------------------

# kind -> pattern of the prefix; group `t` is the time it carries
PREFIXES: dict[str, re.Pattern[str]] = {
    # Azure DevOps / GitHub Actions: 7 fractional digits and Z (cf logs lines carry an offset instead)
    "azure": re.compile(r"^(?P<t>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}Z) ?"),
    # Jenkins timestamper (ISO in brackets, or the elapsed/local clock `HH:MM:SS `)
    "jenkins": re.compile(r"^\[(?P<t>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z)\] ?"),
    # (not `08:41:15 | ...`: an early CLI v2 event line)
    "jenkins_clock": re.compile(r"^(?P<t>\d{2}:\d{2}:\d{2}) (?!\| )"),
    # moreutils `ts` default format `%b %d %H:%M:%S`
    "ts": re.compile(
        r"^(?P<t>(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \d]\d \d{2}:\d{2}:\d{2})(?: |$)"
    ),
}
# GitHub Actions / Azure workflow commands and log groups, GitLab's collapsible sections
_CI_MARKER = re.compile(
    r"^(?:##\[(?:group|endgroup|section|command|debug)\].*|##\[(?:warning|error)\]|section_(?:start|end):\d+:\S*"
    # the GitLab runner's own lines around a job's script
    r"|Running with gitlab-runner .*|Executing \"\w+\" stage of the job script|Job succeeded|Job failed: .*"
    r"|Cleaning up (?:project directory and )?file based variables)$"
)
_CI_INLINE = re.compile(r"^##\[(?:warning|error|notice)\]")


# a failing test's diff output: each line of the compared text behind an indented `+`/`-` (column 0 is a
# manifest diff, which `bosh deploy` prints itself)
_DIFF = re.compile(r"^ {2,}[+-](?=\S)")


def _strip_prefixes(lines: list[Line], wrappers: list[str]) -> None:
    nonblank = [ln for ln in lines if ln.text.strip()]
    if not nonblank:
        return
    diffs = [m.group(0) for ln in nonblank if (m := _DIFF.match(ln.text))]
    if len(diffs) >= 2 and len(diffs) >= 0.6 * len(nonblank) and len(set(diffs)) == 1:
        for ln in nonblank:
            if ln.text.startswith(diffs[0]):
                ln.prefix, ln.text = diffs[0], ln.text[len(diffs[0]) :]
        wrappers.append("test diff line prefixes")
        return
    for kind, rx in PREFIXES.items():
        hits = sum(1 for ln in nonblank if rx.match(ln.text))
        if hits < 2 or hits < 0.6 * len(nonblank):
            continue
        for ln in lines:
            if m := rx.match(ln.text):
                ln.clock, ln.prefix = (kind, m.group("t")), m.group(0)
                ln.text = ln.text[m.end() :]
        wrappers.append(f"{kind} line prefixes")
        return


# -- script(1), CI markers -------------------------------------------------------------------------

_SCRIPT = re.compile(
    r"^(?:Script (?:started|done) on \S.*"
    r"|=~=~=~=~=~=~=~=~=~=~=~= PuTTY log \d{4}\.\d\d\.\d\d \d\d:\d\d:\d\d =~=~=~=~=~=~=~=~=~=~=~=)$"
)


_RUN_GROUP = re.compile(r"^##\[group\]Run (?P<cmd>\S.*)$")


def _ci_steps(lines: list[Line]) -> None:
    """A GitHub Actions step opens with `##[group]Run <command>` and echoes its script and environment up
    to `##[endgroup]`: the header becomes the prompt of the step's output, the echo a wrapper."""
    i = 0
    while i < len(lines):
        m = _RUN_GROUP.match(lines[i].text)
        if m is None:
            i += 1
            continue
        j = next((k for k in range(i + 1, len(lines)) if lines[k].text.startswith("##[endgroup]")), None)
        if j is None:
            i += 1
            continue
        lines[i].text = f"$ {m.group('cmd')}"
        for k in range(i + 1, j):
            lines[k].text = "##[command]" + lines[k].text  # echoed script: a wrapper line
        i = j + 1


# Ops Manager's "Apply Changes" log runs each command between two banner lines
_OPSMAN_RUN = re.compile(r'^===== \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC Running "(?P<cmd>.+)"$')
_OPSMAN_END = re.compile(r'^(?:===== \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC Finished ".*|Exited with \d+\.)$')


def _opsman_runs(lines: list[Line]) -> None:
    """`===== <time> UTC Running "<command>"` is the prompt of the command's output."""
    for ln in lines:
        if m := _OPSMAN_RUN.match(ln.text):
            ln.text = f"$ {m.group('cmd')}"


# Python's SMTP debugging server (`python -m smtpd -c DebuggingServer`, aiosmtpd `-n`) prints each mail it
# receives between two banners; Python 3's smtpd prints every line as a bytes repr (`b'Subject: x'`)
_SMTP_DEBUG = re.compile(r"^(?:-{10} MESSAGE FOLLOWS -{10}|-{12} END MESSAGE -{12}|mail options: \[.*\])$")
_BYTES_REPR = re.compile(r"""^b(?:'[^'\\]*(?:\\.[^'\\]*)*'|"[^"\\]*(?:\\.[^"\\]*)*")$""")


def _smtp_debug(lines: list[Line]) -> None:
    """The lines of a mail the debugging server printed as bytes reprs, as the mail's own lines."""
    inside = False
    for ln in lines:
        if _SMTP_DEBUG.match(ln.text):
            inside = ln.text.startswith("-" * 10 + " MESSAGE")
            continue
        if inside and _BYTES_REPR.match(ln.text):
            try:
                ln.text = ast.literal_eval(ln.text).decode("utf-8", errors="replace")
            except (ValueError, SyntaxError):
                pass


# a message shown by s-nail/mailx: `[-- Message  1 -- 17 lines, 525 bytes --]:`, the mail, then its prompt
_SNAIL_MSG = re.compile(r"^\[-- Message +\d+ -- \d+ lines, \d+ bytes --\]:$")
_SNAIL_PROMPT = re.compile(r"^[?&](?: .*)?$")


def _mail_client(lines: list[Line]) -> set[int]:
    """The s-nail banner before a message it shows and the prompt after it: wrapper lines."""
    out: set[int] = set()
    for k, ln in enumerate(lines):
        if _SNAIL_MSG.match(ln.text):
            out.add(ln.no)
            end = next(
                (m for m in lines[k + 1 :] if _SNAIL_PROMPT.match(m.text) or _SNAIL_MSG.match(m.text)), None
            )
            if end is not None and _SNAIL_PROMPT.match(end.text):
                out.add(end.no)
    return out


_WINDOWS_PATH = re.compile(r"\b[A-Z]:\\\w")


def _hard_wraps(lines: list[Line], wrappers: list[str]) -> set[int]:
    """A Windows console copied as it showed it breaks lines at 80 columns: a line of exactly 80
    characters and the one after it are one line again (the second a wrapper line)."""
    full = [k for k, ln in enumerate(lines[:-1]) if len(ln.text) == 80 and lines[k + 1].text.strip()]
    nonblank = sum(1 for ln in lines if ln.text.strip())
    if len(full) < 2 or len(full) > 0.3 * nonblank or not any(_WINDOWS_PATH.search(ln.text) for ln in lines):
        return set()
    joined: set[int] = set()
    for k in reversed(full):
        lines[k].text += lines[k + 1].text
        joined.add(lines[k + 1].no)
    wrappers.append(f"{len(joined)} line(s) hard-wrapped at 80 columns joined")
    return joined


def _is_wrapper(text: str) -> bool:
    return bool(
        _SCRIPT.match(text) or _CI_MARKER.match(text) or _OPSMAN_END.match(text) or _SMTP_DEBUG.match(text)
    )


# -- documents: Markdown and HTML ------------------------------------------------------------------

_FENCE = re.compile(
    r"^(?P<indent>[ \t]*(?:(?:[-*+]|\d{1,3}[.)])[ \t]+)?(?:> ?)*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^`]*)$"
)
_PRE_OPEN = re.compile(r"<pre\b[^>]*>", re.I)
_PRE_CLOSE = re.compile(r"</pre\s*>", re.I)
_TAG = re.compile(r"</?[A-Za-z][^>]*>")
_QUOTE = re.compile(r"^ {0,3}> ?")
_INDENTED = re.compile(r"^(?:\t|  )[ \t]*\S")


def _regions(lines: list[Line], wrappers: list[str]) -> list[Region]:
    """Fences and `<pre>` blocks become regions of their own (their markers wrapper lines); outside
    them, runs of indented lines (code blocks, pastes inside list items) and of `> ` quoted lines too."""
    out: list[Region] = []
    text: list[Line] = []

    def flush_text() -> None:
        if text:
            out.extend(_split_text(list(text)))
            text.clear()

    i = 0
    n = len(lines)
    fences = pres = 0
    while i < n:
        ln = lines[i]
        m = _FENCE.match(ln.text)
        if m:
            flush_text()
            fences += 1
            indent, fence = m.group("indent"), m.group("fence")
            body: list[Line] = []
            j = i + 1
            close = None
            while j < n:
                c = _FENCE.match(lines[j].text)
                if (
                    c
                    and c.group("fence")[0] == fence[0]
                    and len(c.group("fence")) >= len(fence)
                    and not c.group("info").strip()
                ):
                    close = j
                    break
                body.append(Line(lines[j].no, _strip_indent(lines[j].text, indent), lines[j].clock))
                j += 1
            reg = Region(_dedent(body), [ln.no] + ([lines[close].no] if close is not None else []), "fence")
            out.append(reg)
            i = (close if close is not None else j) + 1
            continue
        if _PRE_OPEN.search(ln.text):
            flush_text()
            pres += 1
            body = []
            j = i
            while j < n:
                t = lines[j].text
                if j == i:
                    t = t[_PRE_OPEN.search(t).end() :]  # type: ignore[union-attr]
                end = _PRE_CLOSE.search(t)
                if end:
                    t = t[: end.start()]
                body.append(Line(lines[j].no, html.unescape(_TAG.sub("", t)), lines[j].clock))
                if end:
                    break
                j += 1
            out.append(Region(body, [], "pre"))
            i = j + 1
            continue
        text.append(ln)
        i += 1
    flush_text()
    if fences:
        wrappers.append(f"{fences} Markdown fence(s)")
    if pres:
        wrappers.append(f"{pres} HTML <pre> block(s)")
    return out


def _strip_indent(s: str, indent: str) -> str:
    """A fenced line without the fence's own indentation (list item, quote)."""
    width = len(indent.expandtabs(4)) if indent.strip(" \t>") else None
    if ">" in indent:
        s = re.sub(r"^ {0,3}(?:> ?)+", "", s)
        indent = indent.replace(">", "").rstrip(" ")
    if width is None:
        width = len(indent.expandtabs(4))
    k = 0
    while k < len(s) and k < width and s[k] in " \t":
        k += 1
    return s[k:]


def _dedent(lines: list[Line]) -> list[Line]:
    """Lines without the leading whitespace they all share (an indented block, a list item's paste)."""
    nonblank = [ln.text for ln in lines if ln.text.strip()]
    if not nonblank:
        return lines
    k = 0
    first = nonblank[0]
    while k < len(first) and first[k] in " \t" and all(len(t) > k and t[k] == first[k] for t in nonblank):
        k += 1
    if k == 0:
        return lines
    return [Line(ln.no, ln.text[k:] if ln.text.strip() else "", ln.clock) for ln in lines]


# a list item whose text is a log record or a task event line
_LIST_CAPTURE = re.compile(
    r"^[ \t]*(?:[-*+]|\d{1,3}[.)])[ \t]+(?=[DIWEF], \[\d{4}-\d\d-\d\dT|Task \d+ \| \d\d:\d\d:\d\d \| )"
)


def _split_text(lines: list[Line]) -> list[Region]:
    """Outside fences: `> ` quoted runs and indented runs (after a blank line) are regions of their own."""
    out: list[Region] = []
    cur: list[Line] = []
    kind = "text"

    def flush() -> None:
        nonlocal cur
        if cur:
            if kind == "quote":
                body = [Line(ln.no, _QUOTE.sub("", ln.text, count=1), ln.clock) for ln in cur]
                out.append(Region(_dedent(body), [], kind))
            else:
                out.append(Region(_dedent(cur) if kind == "indented" else cur, [], kind))
        cur = []

    prev_blank = True
    for ln in lines:
        t = ln.text
        if not t.strip():
            cur.append(ln)
            prev_blank = True
            continue
        if _HTML_BLOCK.match(t):  # `<details>`, `<summary>…</summary>`: a wrapper between regions
            flush()
            out.append(Region([], [ln.no], "html"))
            kind, prev_blank = "text", True
            continue
        if m := _LIST_CAPTURE.match(t):  # one log line pasted as a list item: a region of its own
            flush()
            out.append(Region([Line(ln.no, t[m.end() :], ln.clock)], [], "list"))
            kind, prev_blank = "text", False
            continue
        if _QUOTE.match(t) and not t.lstrip().startswith(">>"):
            k = "quote"
        elif _INDENTED.match(t) and (kind == "indented" or prev_blank):
            k = "indented"
        else:
            k = "text"
        if k != kind:
            # the blank lines before a new kind stay with the old one
            flush()
            kind = k
        cur.append(ln)
        prev_blank = False
    flush()
    return out


# GitHub's collapsible blocks and paragraph tags on lines of their own around a paste
_HTML_BLOCK = re.compile(
    r"^\s*<(?:details|summary|p|div)\b[^>]*>(?:[^<]*</(?:summary|p|div)>)?\s*$|^\s*</(?:details|summary|p|div)>\s*$",
    re.I,
)
_LIST_ITEM = re.compile(r"^(?:[-*+]|\d{1,3}[.)])[ \t]+\S")
_CODE_INDENT = re.compile(r"^(?:\t+| {4,})\S")


def _looks_like_document(lines: list[Line]) -> bool:
    if any(_FENCE.match(ln.text) for ln in lines) or any(_PRE_OPEN.search(ln.text) for ln in lines[:2000]):
        return True
    if any(_HTML_BLOCK.match(ln.text) for ln in lines[:2000]):
        return True
    # a Markdown list with indented code blocks between its items
    head = lines[:2000]
    if any(_LIST_CAPTURE.match(ln.text) for ln in head):
        return True
    return any(_LIST_ITEM.match(ln.text) for ln in head) and any(_CODE_INDENT.match(ln.text) for ln in head)


# -- collapsed pastes ------------------------------------------------------------------------------

# Markdown's backslash escapes, as HTML-to-Markdown converters write a paste (`Task 524 \| 08:13:12 \|`)
_MD_ESCAPE = re.compile(r"\\([|()_\[\]*#<>])")
# where a record starts again inside a line whose line breaks were lost (a GitHub/Markdown paste that
# became one paragraph): bosh task event and footer lines, the lines of a cf login
_RECORD_STARTS = [
    re.compile(
        r" (?=Task \d+ \| \d\d:\d\d:\d\d \| )|(?<=\S) (?=Task \d+ (?:Started|Finished|Duration|done|error)\b)"
    ),
    re.compile(
        r" (?=API endpoint: |Authenticating\.\.\.|Password: |API version: |Not logged in\. |FAILED$|OK$|Targeted org )"
    ),
]


_RECORD_HEAD = re.compile(
    r"^(?:Task \d+ |API endpoint: |Authenticating\.\.\.|Password: |API version: |Not logged in\. |FAILED$|OK$)"
)


def _cut_before(reg: Region, nos: set[int]) -> list[Region]:
    """A region cut before the first collapsed line that prose opens (`ERROR - Authentication failed: API
    endpoint: …`): the records are detected on their own, apart from the prose above them."""
    k = next((i for i, ln in enumerate(reg.lines) if ln.no in nos), None)
    if not k:
        return [reg]
    return [Region(reg.lines[:k], reg.wrappers, reg.kind), Region(reg.lines[k:], [], reg.kind)]


def _uncollapse(lines: list[Line], wrappers: list[str]) -> tuple[list[Line], set[int]]:
    r"""A line that holds several records is split into one Line per record, all with its number (the
    line is still counted once); Markdown escapes are taken off a file that shows `\|`."""
    escaped = sum(1 for ln in lines[:2000] if "\\|" in ln.text) >= 1
    out: list[Line] = []
    split = 0
    glued: set[int] = set()  # collapsed lines that prose opens
    for ln in lines:
        if escaped and "\\" in ln.text:
            ln.text = _MD_ESCAPE.sub(r"\1", ln.text)
        for rx in _RECORD_STARTS:
            parts = rx.split(ln.text)
            if len(parts) >= 3:
                split += 1
                if not _RECORD_HEAD.match(parts[0]):
                    glued.add(ln.no)
                out.extend(Line(ln.no, p, ln.clock, ln.prefix) for p in parts)
                break
        else:
            out.append(ln)
    if escaped:
        wrappers.append("Markdown escapes")
    if split:
        wrappers.append(f"{split} collapsed line(s) split into records")
    return out, glued


# -- all of it -------------------------------------------------------------------------------------


def unwrap(data: bytes) -> Unwrapped:
    """The input's lines, rendered and unprefixed, cut into regions. InputError when it cannot be decoded."""
    text, encoding = decode_input(data)
    raw = physical_lines(text)
    wrappers: list[str] = []
    if encoding != "utf-8":
        wrappers.append(f"decoded as {encoding}")
    if "\r" in text and "\n" not in text:
        wrappers.append("lone CR line ends")
    lines = [Line(i, render(s)) for i, s in enumerate(raw, 1)]
    rendered = sum(1 for ln, s in zip(lines, raw, strict=True) if ln.text != s)
    if rendered:
        wrappers.append(f"terminal escapes/redraws on {rendered} line(s)")
    _strip_prefixes(lines, wrappers)
    _ci_steps(lines)
    _opsman_runs(lines)
    _smtp_debug(lines)
    client = _mail_client(lines) | _hard_wraps(lines, wrappers)
    marks = [ln for ln in lines if ln.no in client or _is_wrapper(ln.text)]
    wrapper_nos = {ln.no for ln in marks}
    kept = []
    for ln in lines:
        if ln.no in wrapper_nos:
            continue
        if _CI_INLINE.match(ln.text):  # `##[warning]message`: the message stays
            ln.text = _CI_INLINE.sub("", ln.text)
        kept.append(ln)
    if marks:
        wrappers.append(f"{len(marks)} banner/marker line(s)")
    kept, glued = _uncollapse(kept, wrappers)
    if _looks_like_document(kept):
        regions = _regions(kept, wrappers)
    else:
        regions = _split_text(kept) if any(_QUOTE.match(ln.text) for ln in kept[:50]) else [Region(kept)]
    if glued:
        regions = [part for reg in regions for part in _cut_before(reg, glued)]
    # the parsers decode UTF-8 (BOM or not) and CP949 themselves: only other changes need this layer
    plain_encoding = encoding.startswith(("utf-8", "cp949"))
    # and the cf parsers read `ts` prefixes themselves
    own = sum(1 for w in wrappers if w == "ts line prefixes") + (
        1 if plain_encoding and encoding != "utf-8" else 0
    )
    changed = len(wrappers) > own or not plain_encoding or len(regions) != 1 or regions[0].kind != "text"
    return Unwrapped(len(raw), encoding, regions, sorted(wrapper_nos), wrappers, changed)
