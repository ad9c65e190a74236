"""The house holds together: one namespace, no import cycle, imports only run down the layers.

The import graph is read from the source with `ast` (every import statement, also those inside functions
and under TYPE_CHECKING), over the folders that pyproject's package-dir maps into `drillscope` — graph
tools such as grimp walk only the `drillscope/` folder and so miss `ingest/`, `reports/`, …
"""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

# Top to bottom: a module may import from its own layer's package or any layer below, never above.
LAYERS = [
    ["drillscope", "drillscope.cli"],
    ["drillscope.api"],
    ["drillscope.reports", "drillscope.export", "drillscope.query", "drillscope.output"],
    ["drillscope.build", "drillscope.spark"],
    ["drillscope.db", "drillscope.lock", "drillscope.sqlfiles"],
    ["drillscope.ingest"],
    ["drillscope.transforms"],
    ["drillscope.errors", "drillscope.ids", "drillscope.sql"],
]


def _roots() -> dict[str, Path]:
    cfg = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    roots = {"drillscope": REPO / "drillscope"}
    roots.update({pkg: REPO / d for pkg, d in cfg["package-dir"].items()})
    return roots


def modules() -> dict[str, Path]:
    """Every module of the installed namespace, by dotted name."""
    out: dict[str, Path] = {}
    roots = _roots()
    for pkg, root in roots.items():
        for f in sorted(root.rglob("*.py")):
            parts = f.relative_to(root).with_suffix("").parts
            if any(
                p in roots and p != pkg for p in [".".join((pkg, *parts[:i])) for i in range(1, len(parts))]
            ):
                continue  # a folder mapped to another package (none today)
            name = ".".join((pkg, *parts))
            out[name.removesuffix(".__init__")] = f
    return out


def imports(mods: dict[str, Path]) -> dict[str, set[str]]:
    """Module -> the drillscope modules it imports."""
    graph: dict[str, set[str]] = {}
    for name, path in mods.items():
        is_pkg = path.name == "__init__.py"
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:  # relative import
                    here = name if is_pkg else name.rpartition(".")[0]
                    for _ in range(node.level - 1):
                        here = here.rpartition(".")[0]
                    base = f"{here}.{base}".rstrip(".")
                for a in node.names:
                    targets.add(f"{base}.{a.name}" if f"{base}.{a.name}" in mods else base)
        graph[name] = {t for t in targets if t in mods and t != name}
    return graph


def _layer(mod: str) -> int | None:
    best: tuple[int, int] | None = None  # (length of the matching prefix, layer)
    for i, layer in enumerate(LAYERS):
        for pkg in layer:
            if (mod == pkg or mod.startswith(pkg + ".")) and (best is None or len(pkg) > best[0]):
                best = (len(pkg), i)
    return None if best is None else best[1]


def test_every_module_has_a_layer() -> None:
    missing = [m for m in modules() if _layer(m) is None]
    assert not missing, f"add these modules to LAYERS in tests/test_imports.py: {missing}"


def test_imports_only_run_down_the_layers() -> None:
    up = [
        f"{a} imports {b}"
        for a, targets in imports(modules()).items()
        for b in targets
        if _layer(a) is not None and _layer(b) is not None and _layer(b) < _layer(a)
    ]
    assert not up, "imports running back up:\n" + "\n".join(sorted(up))


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_find_cycles_finds_one() -> None:
    assert find_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert find_cycles({"a": {"b"}, "b": set()}) == []


def _cycles() -> list[list[str]]:
    # a package's __init__ importing its own children is no cycle of the code's layers: drop those edges
    graph = {m: {t for t in ts if not t.startswith(m + ".")} for m, ts in imports(modules()).items()}
    return find_cycles(graph)


def test_no_import_cycle() -> None:
    assert _cycles() == []


def test_no_import_cycle_in_ingest() -> None:
    """The parsers import one way down: entry module -> engine -> tables/readers -> wall clock."""
    assert [c for c in _cycles() if any(m.startswith("drillscope.ingest") for m in c)] == []


def test_one_top_level_package() -> None:
    """`pip install -e .` installs `drillscope` only: `import ingest` finds nothing outside the repo."""
    code = (
        "import importlib.util as u, drillscope.ingest.parsers.bosh_task as m; "
        "print(m.__file__); print([n for n in ('ingest', 'reports', 'sql', 'transforms') if u.find_spec(n)])"
    )
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd="/", check=True)
    path, top = p.stdout.splitlines()
    assert Path(path) == REPO / "ingest" / "parsers" / "bosh_task.py"
    assert top == "[]"


def test_packages_listed_for_wheels() -> None:
    """Every folder with an `__init__.py` is in `[tool.setuptools] packages` (an editable install would
    find a missing one anyway; a wheel would not carry it)."""
    cfg = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    pkgs = {m for m, p in modules().items() if p.name == "__init__.py"}
    assert pkgs == set(cfg["packages"])


def test_library_api_from_a_notebook(tmp_path: Path) -> None:
    """`from drillscope import run, sql` are the library functions, also after the SQL files were read."""
    import drillscope
    from drillscope import run, sql
    from drillscope.db import SQL_DIR

    assert (SQL_DIR / "summary.sql").exists()
    assert callable(run) and callable(sql) and drillscope.sql is sql
    with pytest.raises(drillscope.errors.DrillscopeError, match="no database"):
        sql("select 1", out=tmp_path)
