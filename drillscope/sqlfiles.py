"""The SQL files under sql/: their headers, the tables each one reads, and the order they run in.

Every file opens with machine-readable lines, then its prose:

    -- model: outages                        the one table or view the file creates (`macro:` for a macro)
    -- grain: drill, capability, started_at   the columns that identify a row
    -- upstream: source_outages, drill_recovery

`upstream` names every table or view the file reads, lake tables included. Queries (findings, audits, report,
export) have no `model:` line; the clock alignment step that moves `ts` in place says `updates:` instead.
`plan` reads every file the build runs, checks each header against the SQL (DuckDB's own parser lists the
tables a statement reads and the objects it creates) and orders each phase by the upstream lines, so a file
runs after the files creating what it reads. A header that does not match its SQL, an upstream nothing
creates, or a cycle stops the build with a message naming the file.
"""

from __future__ import annotations

import functools
import graphlib
import json
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from drillscope.errors import DrillscopeError

# The build's phases, in run order; the folders of one phase are ordered together.
PHASES: tuple[tuple[str, ...], ...] = (
    ("macros",),
    ("align",),
    ("staging", "models"),
    ("findings",),
    ("audits",),
)
# Folders of queries the build does not run (the report and export read them from the built database).
QUERY_FOLDERS = ("report", "export")
# Tables the build itself creates between phases: `findings` collects the rows of sql/findings/*.sql.
BUILD_TABLES = {"findings": ("findings",)}

HEADER_KEYS = ("model", "macro", "grain", "upstream", "updates")
_HEADER = re.compile(r"--\s*(" + "|".join(HEADER_KEYS) + r"):(.*)$")
_LEADING_COMMENTS = re.compile(r"\A(?:\s+|--[^\n]*(?:\n|\Z)|/\*.*?\*/)*", re.S)
_CREATE = re.compile(
    r"create\s+(?:or\s+replace\s+)?(?P<temp>(?:temp|temporary)\s+)?(?P<kind>table|view|macro)\s+"
    r"(?:if\s+not\s+exists\s+)?(?P<name>\"[^\"]+\"|[\w.]+)\s*(?P<args>\([^)]*\))?\s+as\s+(?P<table_macro>table\s+)?",
    re.I,
)
_DROP = re.compile(r"drop\s+table\s+(?:if\s+exists\s+)?(?P<name>\"[^\"]+\"|[\w.]+)", re.I)
_UPDATE = re.compile(r"update\s+(?P<name>\"[^\"]+\"|[\w.]+)(?:\s+(?:as\s+)?\w+)?\s+set\s", re.I)


@dataclass(frozen=True)
class SqlFile:
    path: Path
    rel: str  # the path under sql/, for messages: "models/outages.sql"
    text: str
    header: dict[str, tuple[str, ...]]
    description: str  # the first prose line
    creates: tuple[str, ...]  # tables and views the SQL creates (temp ones excluded), in order
    macros: tuple[str, ...]
    reads: frozenset[str]

    @property
    def model(self) -> str | None:
        names = self.header.get("model") or self.header.get("macro")
        return names[0] if names else None

    @property
    def grain(self) -> tuple[str, ...]:
        return self.header.get("grain", ())

    @property
    def upstream(self) -> tuple[str, ...]:
        return self.header.get("upstream", ())

    @property
    def updates(self) -> tuple[str, ...]:
        return self.header.get("updates", ())

    def fail(self, message: str) -> DrillscopeError:
        return DrillscopeError(f"sql/{self.rel}: {message}")


def _names(value: str) -> tuple[str, ...]:
    return tuple(n.strip().lower() for n in value.split(",") if n.strip())


def _unquote(name: str) -> str:
    return name.strip('"').lower().removeprefix("main.")


def read_header(text: str) -> tuple[dict[str, tuple[str, ...]], str]:
    """The `-- key: a, b` lines the file opens with, and its first line of prose."""
    header: dict[str, tuple[str, ...]] = {}
    for line in text.splitlines():
        if m := _HEADER.match(line.strip()):
            header[m.group(1)] = _names(m.group(2))
        elif not line.startswith("--"):
            return header, ""
        elif line.strip("- "):
            return header, line.lstrip("- ").strip()
    return header, ""


def _table_refs(node: object, ctes: frozenset[str] = frozenset()) -> set[str]:
    """Base tables of a serialized parse tree, leaving out references to the CTEs in scope."""
    found: set[str] = set()
    if isinstance(node, list):
        for item in node:
            found |= _table_refs(item, ctes)
    elif isinstance(node, dict):
        entries = (node.get("cte_map") or {}).get("map") or []
        names = frozenset(e["key"].lower() for e in entries)
        for e in entries:  # a CTE body sees the other CTEs of its WITH, not itself
            found |= _table_refs(e["value"], ctes | (names - {e["key"].lower()}))
        if node.get("type") == "BASE_TABLE":
            name = node["table_name"].lower()
            if node.get("schema_name") or name not in ctes | names:
                found.add(name)
        for key, value in node.items():
            if key != "cte_map":
                found |= _table_refs(value, ctes | names)
    return found


def _select_tables(con: duckdb.DuckDBPyConnection, selects: list[str], where: str) -> set[str]:
    """Base tables the SELECT statements read (one parse for all: a query costs more than a parse)."""
    if not selects:
        return set()
    (trees,) = con.execute("SELECT list_transform(?, lambda s: json_serialize_sql(s))", [selects]).fetchone()
    found: set[str] = set()
    for tree in map(json.loads, trees):
        if tree.get("error"):
            raise DrillscopeError(f"{where}: {tree.get('error_message')}")
        found |= _table_refs(tree["statements"])
    return found


def _top_level_keyword(text: str, words: Iterable[str]) -> int | None:
    """Offset of the first of `words` outside parentheses and strings (DuckDB's tokenizer)."""
    depth = 0
    for pos, kind in duckdb.tokenize(text):
        ch = text[pos]
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif depth == 0 and kind == duckdb.token_type.keyword:
            word = re.match(r"\w+", text[pos:])
            if word and word.group(0).lower() in words:
                return pos
    return None


@functools.cache
def _parser() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB for parsing only (opening one costs more than parsing every file)."""
    return duckdb.connect()


_PARSING = threading.Lock()  # one connection: one statement at a time


@functools.lru_cache(maxsize=1024)
def parse_sql(text: str, where: str) -> tuple[tuple[str, ...], tuple[str, ...], frozenset[str]]:
    """(tables and views created, macros created, tables read) of a SQL text; cached by text, so a process
    that builds many times parses each file once."""
    with _PARSING:
        return _parse(_parser(), text, where)


def _parse(
    con: duckdb.DuckDBPyConnection, text: str, where: str
) -> tuple[tuple[str, ...], tuple[str, ...], frozenset[str]]:
    created: list[str] = []
    macros: list[str] = []
    temps: set[str] = set()  # a helper table the file creates and drops again
    reads: set[str] = set()
    selects: list[str] = []  # the SELECT part of each statement
    try:
        statements = con.extract_statements(text)
    except duckdb.Error as e:
        raise DrillscopeError(f"{where}: {str(e).splitlines()[0]}") from e
    for st in statements:
        body = _LEADING_COMMENTS.sub("", st.query)
        kind = st.type.name
        if kind == "SELECT":
            selects.append(body)
        elif kind == "CREATE" and (m := _CREATE.match(body)):
            name = _unquote(m.group("name"))
            if m.group("kind").lower() == "macro":
                macros.append(name)
                rest = body[m.end() :]
                selects.append(rest if m.group("table_macro") else f"SELECT {rest}")
            else:
                if m.group("temp"):
                    temps.add(name)
                else:
                    created.append(name)
                selects.append(body[m.end() :])
        elif kind == "UPDATE" and (m := _UPDATE.match(body)):
            reads.add(_unquote(m.group("name")))
            at = _top_level_keyword(body[m.end() :], ("from", "where"))
            if at is not None:
                rest = body[m.end() + at :]
                if rest[:4].lower() != "from":
                    rest = "FROM " + m.group("name") + " " + rest
                selects.append("SELECT 1 " + rest)
        elif kind == "DROP" and (m := _DROP.match(body)) and _unquote(m.group("name")) in temps:
            continue
        else:
            first = body.split(None, 3)[:3]
            raise DrillscopeError(
                f"{where}: cannot list the tables of `{' '.join(first)} …`: a SQL file holds SELECT, "
                "CREATE TABLE/VIEW/MACRO … AS, UPDATE and DROP of its own temp tables"
            )
    reads |= _select_tables(con, selects, where)
    return tuple(created), tuple(macros), frozenset(reads - temps)


def load(path: Path, sql_dir: Path) -> SqlFile:
    rel = path.relative_to(sql_dir).as_posix()
    text = path.read_text(encoding="utf-8")
    header, description = read_header(text)
    creates, macros, reads = parse_sql(text, f"sql/{rel}")
    return SqlFile(path, rel, text, header, description, creates, macros, reads)


def check(f: SqlFile) -> None:
    """The header says what the SQL does: one object named after the file (or none for a query), and exactly
    the tables it reads as upstream."""
    stem = f.path.stem
    if "macro" in f.header:
        if f.header["macro"] != (stem,) or f.macros != (stem,) or f.creates:
            raise f.fail(f"a macro file creates one macro named after it, `-- macro: {stem}`")
    elif "model" in f.header:
        if f.header["model"] != (stem,):
            raise f.fail(f"`-- model:` must name the file's object, `{stem}`")
        if f.creates != (stem,) or f.macros:
            made = ", ".join(f.creates + f.macros) or "nothing"
            raise f.fail(f"a model file creates one table or view, `{stem}`; this one creates {made}")
        if not f.grain:
            raise f.fail("no `-- grain:` line (the columns that identify a row)")
    else:
        if f.creates or f.macros:
            raise f.fail(
                f"creates {', '.join(f.creates + f.macros)} but has no `-- model: {stem}` line "
                "(one object per file, named after it)"
            )
        if not f.grain and not f.updates:
            raise f.fail("no `-- grain:` line (the columns that identify a row)")
    if "upstream" not in f.header and "macro" not in f.header:
        raise f.fail("no `-- upstream:` line (every table or view it reads)")
    undeclared = sorted(f.reads - set(f.upstream) - set(f.creates))
    if undeclared:
        raise f.fail(
            f"reads {', '.join(undeclared)} but does not declare it: add it to the `-- upstream:` line"
        )
    unread = sorted(set(f.upstream) - f.reads)
    if unread:
        raise f.fail(f"declares upstream {', '.join(unread)} but does not read it")
    if not set(f.updates) <= f.reads:
        raise f.fail(
            f"`-- updates:` names {', '.join(sorted(set(f.updates) - f.reads))}, which it does not touch"
        )


def files_in(sql_dir: Path, folder: str) -> list[SqlFile]:
    return [load(p, sql_dir) for p in sorted((sql_dir / folder).glob("*.sql"))]


def order(files: list[SqlFile], available: Iterable[str]) -> list[SqlFile]:
    """`files` so that each runs after the files creating its upstreams (ties by path). `available`: the tables
    that exist before these files run."""
    available = set(available)
    makers: dict[str, SqlFile] = {}
    for f in files:
        for name in f.creates:
            if name in makers:
                raise f.fail(f"creates {name}, which sql/{makers[name].rel} creates too")
            makers[name] = f
    graph = graphlib.TopologicalSorter()
    for f in files:
        deps = []
        for up in f.upstream:
            if up in makers and makers[up] is not f:
                deps.append(makers[up].rel)
            elif up not in available and up not in f.creates:
                raise f.fail(f"upstream {up} is no lake table and no earlier SQL file creates it")
        graph.add(f.rel, *deps)
    by_rel = {f.rel: f for f in files}
    ordered: list[SqlFile] = []
    try:
        graph.prepare()
    except graphlib.CycleError as e:
        cycle = " -> ".join(f"sql/{r}" for r in reversed(e.args[1]))
        raise DrillscopeError(f"the upstream lines of the SQL files form a cycle: {cycle}") from None
    while graph.is_active():
        ready = sorted(graph.get_ready())
        ordered.extend(by_rel[r] for r in ready)
        graph.done(*ready)
    return ordered


def plan(sql_dir: Path, lake_tables: Iterable[str]) -> list[list[SqlFile]]:
    """The build's SQL files, checked, one ordered list per phase (PHASES)."""
    available = set(lake_tables)
    phases = []
    for folders in PHASES:
        files = [f for folder in folders for f in files_in(sql_dir, folder)]
        for f in files:
            check(f)
        phases.append(order(files, available))
        for f in files:
            available.update(f.creates)
        available.update(BUILD_TABLES.get(folders[0], ()))
    return phases


def all_objects(sql_dir: Path, lake_tables: Iterable[str]) -> set[str]:
    """Every table and view the build leaves in the database."""
    names = set(lake_tables)
    for phase in plan(sql_dir, lake_tables):
        for f in phase:
            names.update(f.creates)
    for extra in BUILD_TABLES.values():
        names.update(extra)
    return names


def queries(sql_dir: Path) -> list[SqlFile]:
    """The query files the build does not run: sql/report, sql/export and the top-level ones (summary.sql)."""
    paths = sorted(sql_dir.glob("*.sql")) + [
        p for d in QUERY_FOLDERS for p in sorted((sql_dir / d).glob("*.sql"))
    ]
    return [load(p, sql_dir) for p in paths]
