"""`drillscope explain FILE`: how a file is unwrapped, cut into segments and detected, and for a part no
parser reads, what each parser looked for. Read-only: it parses nothing and writes nothing."""

from __future__ import annotations

from pathlib import Path

from drillscope.errors import InputError
from drillscope.ingest.context import decode
from drillscope.ingest.pipeline import STREAM_BYTES, needs_segments, read_input, reads_whole
from drillscope.ingest.registry import PROBE_BYTES, detect, parsers
from drillscope.ingest.segments import cut, looks_for
from drillscope.ingest.unwrap import decode_input, unwrap


def explain(path: Path) -> str:
    """A few lines of text on how ingest reads `path`."""
    try:
        data = read_input(path)
    except (InputError, OSError) as e:
        raise InputError(f"{path}: {e}") from None
    out = [f"{path}: {len(data)} bytes"]
    head = data[:PROBE_BYTES]
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "\n".join([*out, "unrecognized: binary file (a NUL byte in the first 16 KiB)"])
    whole = detect(decode(head)[0])
    if len(data) > STREAM_BYTES:
        kind = f"read whole by {whole.NAME}" if whole else "unrecognized: no parser recognizes its start"
        return "\n".join([*out, f"large input (not cut into segments): {kind}"])
    if reads_whole(whole, head):  # as ingest does: decoded, not unwrapped nor cut
        try:
            decode_input(data)
        except InputError as e:
            return "\n".join([*out, f"unrecognized: {e}"])
        return "\n".join([*out, f"read whole by {whole.NAME} (not unwrapped nor cut into segments)"])
    try:
        unw = unwrap(data)
    except InputError as e:
        return "\n".join([*out, f"unrecognized: {e}"])
    segs = cut(unw)
    out[0] += f", {unw.lines} lines, {unw.encoding}"
    out.append("taken off: " + ("; ".join(unw.wrappers) if unw.wrappers else "nothing"))
    if not needs_segments(whole, unw, segs):
        out.append(
            f"read whole by {whole.NAME}" + (" (its parts are all of this kind)" if len(segs) > 1 else "")
        )
        return "\n".join(out)
    kinds = sorted({s.source_type for s in segs if s.source_type})
    if not kinds:
        out.append("unrecognized: no part of it is read by a parser")
    else:
        out.append(
            f"read in {len(segs)} segment(s) as {kinds[0] if len(kinds) == 1 else 'session (' + ', '.join(kinds) + ')'}"
        )
    for s in segs:
        cmd = f"  `{s.command}`" if s.command else ""
        out.append(f"  lines {s.first_line}-{s.last_line}: {s.source_type or '-'} ({s.status}){cmd}")
        if s.why:
            out.append(f"    {s.why}")
        if s.status == "unrecognized":
            tried = dict(s.tried)
            for mod in parsers():
                out.append(f"    {mod.NAME}: {tried.get(mod.NAME) or looks_for(mod)}")
    return "\n".join(out)
