"""The SQL models on the sample drills: every model's grain (its `-- grain:` header) identifies its rows, the
database holds exactly the objects the SQL files declare, and a file reading a table its header does not declare
stops the build.

data/samples (two drills and two monitoring folders) is ingested and built once for the module, with --align so
the clock alignment models have rows too.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from drillscope import sqlfiles
from drillscope.build import build
from drillscope.db import DB_NAME, SQL_DIR
from drillscope.errors import DrillscopeError
from drillscope.ingest.pipeline import ingest_inputs
from drillscope.ingest.schema import SCHEMAS
from tests.conftest import commit_inputs
from tests.sql.test_clock_skew import fast_laptop
from tests.sql.test_sql_models import HandLake

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"
PHASES = sqlfiles.plan(SQL_DIR, SCHEMAS)
MODELS = [f for phase in PHASES for f in phase if "model" in f.header]
FINDINGS = [f for f in PHASES[sqlfiles.PHASES.index(("findings",))]]
# Models the samples leave empty: no drill.toml `[clock_offsets]` there, and no skew estimate is applicable under
# --align (the samples' clocks agree within their sampling resolution), so nothing is corrected.
EMPTY_ON_SAMPLES = {"clock_offsets_config", "clock_corrections", "clock_skew"}


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    out = tmp_path_factory.mktemp("grain") / "out"
    results = ingest_inputs(sorted(p for p in SAMPLES.iterdir() if p.is_dir()), out)
    assert [(r.source_file, r.status) for r in results if r.status not in ("ok", "partial")] == []
    build(out, align=True)
    con = duckdb.connect(str(out / DB_NAME), read_only=True)
    yield con
    con.close()


def _grain_counts(
    con: duckdb.DuckDBPyConnection, table: str, grain: tuple[str, ...], where: str = ""
) -> tuple:
    cols = ", ".join(f'"{c}"' for c in grain)  # row(): NULL grain values count as values, like any other
    return con.execute(f'SELECT count(*), count(DISTINCT row({cols})) FROM "{table}" {where}').fetchone()


@pytest.mark.parametrize("model", MODELS, ids=[m.model for m in MODELS])
def test_model_grain_holds(con: duckdb.DuckDBPyConnection, model: sqlfiles.SqlFile) -> None:
    rows, distinct = _grain_counts(con, model.model, model.grain)
    assert rows == distinct, f"{model.model}: {rows} rows, {distinct} distinct ({', '.join(model.grain)})"
    if model.model in EMPTY_ON_SAMPLES:
        assert rows == 0, f"{model.model} has rows on the samples now: take it out of EMPTY_ON_SAMPLES"
    else:
        assert rows > 0, f"{model.model} is empty on the samples: its grain is not tested"


@pytest.mark.parametrize("rule", FINDINGS, ids=[f.path.stem for f in FINDINGS])
def test_finding_grain_holds(con: duckdb.DuckDBPyConnection, rule: sqlfiles.SqlFile) -> None:
    rows, distinct = _grain_counts(con, "findings", rule.grain, f"WHERE rule = '{rule.path.stem}'")
    assert rows == distinct


@pytest.mark.parametrize("name", sorted(EMPTY_ON_SAMPLES))
def test_clock_model_grain_holds_with_offsets(tmp_path: Path, name: str) -> None:
    """The models the samples leave empty, on a drill whose drill.toml sets offsets by source_type and by file."""
    hand = HandLake(tmp_path)
    fast_laptop(hand, {"clock_offsets": {"cf_cli": "+35s", "bosh_table": -10, "cf/push_probe.log": 30.5}})
    commit_inputs(hand.lake)
    build(hand.out, align=True)
    (model,) = [m for m in MODELS if m.model == name]
    with duckdb.connect(str(hand.out / DB_NAME), read_only=True) as con:
        rows, distinct = _grain_counts(con, name, model.grain)
    assert rows == distinct == 3


def test_the_database_holds_exactly_the_declared_objects(con: duckdb.DuckDBPyConnection) -> None:
    have = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    declared = {m.model for m in MODELS}
    assert have == declared | set(SCHEMAS) | {"findings"}
    assert not declared & set(SCHEMAS)


def test_grain_columns_are_columns_of_the_model(con: duckdb.DuckDBPyConnection) -> None:
    for m in MODELS:
        cols = {r[0] for r in con.execute(f'DESCRIBE "{m.model}"').fetchall()}
        assert set(m.grain) <= cols, m.rel


# --- a header that does not match its SQL stops the build ------------------------------------------------------


def sql_copy(tmp: Path, **extra: str) -> Path:
    """sql/ as symlinks to the real folders, with `models/` a real folder holding links plus `extra` files."""
    sql = tmp / "sql"
    (sql / "models").mkdir(parents=True)
    for d in SQL_DIR.iterdir():
        if d.is_dir() and d.name != "models" and not d.name.startswith("__"):
            (sql / d.name).symlink_to(d)
    for f in (SQL_DIR / "models").glob("*.sql"):
        (sql / "models" / f.name).symlink_to(f)
    for name, text in extra.items():
        (sql / "models" / f"{name}.sql").write_text(text, encoding="utf-8")
    return sql


def test_undeclared_upstream_fails_the_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import drillscope.build as b

    sql = sql_copy(
        tmp_path,
        failed_probes="-- model: failed_probes\n-- grain: drill, source_file, source_line\n"
        "-- upstream: stg_observations\n-- failed_probes: the failed observations.\n"
        "CREATE OR REPLACE VIEW failed_probes AS\n"
        "SELECT o.* FROM stg_observations o JOIN probes p USING (drill, source_file, source_line)\n"
        "WHERE NOT o.ok;\n",
    )
    out = tmp_path / "out"
    (out / "lake").mkdir(parents=True)
    monkeypatch.setattr(b, "SQL_DIR", sql)
    with pytest.raises(DrillscopeError) as e:
        build(out)
    assert str(e.value) == (
        "sql/models/failed_probes.sql: reads probes but does not declare it: add it to the `-- upstream:` line"
    )
    assert not (out / DB_NAME).exists()


@pytest.mark.parametrize(
    ("files", "message"),
    [
        (
            {"x": "-- model: x\n-- grain: drill\n-- upstream: y\nCREATE VIEW x AS SELECT * FROM y;\n",
             "y": "-- model: y\n-- grain: drill\n-- upstream: x\nCREATE VIEW y AS SELECT * FROM x;\n"},
            "the upstream lines of the SQL files form a cycle: sql/models/x.sql -> sql/models/y.sql -> "
            "sql/models/x.sql",
        ),
        (
            {"x": "-- model: x\n-- grain: drill\n-- upstream: nowhere\nCREATE VIEW x AS SELECT * FROM nowhere;\n"},
            "sql/models/x.sql: upstream nowhere is no lake table and no earlier SQL file creates it",
        ),
        (
            {"x": "-- model: x\n-- grain: drill\n-- upstream: probes, drills\nCREATE VIEW x AS SELECT * FROM probes;\n"},
            "sql/models/x.sql: declares upstream drills but does not read it",
        ),
        (
            {"x": "-- model: x\n-- grain: drill\n-- upstream: probes\nCREATE VIEW x AS SELECT * FROM probes;\n"
                  "CREATE VIEW x2 AS SELECT * FROM probes;\n"},
            "sql/models/x.sql: a model file creates one table or view, `x`; this one creates x, x2",
        ),
        (
            {"x": "-- model: y\n-- grain: drill\n-- upstream: probes\nCREATE VIEW y AS SELECT * FROM probes;\n"},
            "sql/models/x.sql: `-- model:` must name the file's object, `x`",
        ),
        (
            {"x": "-- x: no header\nCREATE VIEW x AS SELECT * FROM probes;\n"},
            "sql/models/x.sql: creates x but has no `-- model: x` line (one object per file, named after it)",
        ),
    ],
    ids=["cycle", "missing upstream", "unread upstream", "two objects", "misnamed", "no header"],
)  # fmt: skip
def test_bad_headers_stop_the_plan(tmp_path: Path, files: dict[str, str], message: str) -> None:
    with pytest.raises(DrillscopeError) as e:
        sqlfiles.plan(sql_copy(tmp_path, **files), SCHEMAS)
    assert str(e.value) == message


# --- every file: one object named after it, headers that match the SQL -----------------------------------------


def test_every_sql_file_creates_one_object_named_after_it() -> None:
    every = [f for phase in PHASES for f in phase] + sqlfiles.queries(SQL_DIR)
    assert len(every) == len(list(SQL_DIR.rglob("*.sql")))
    for f in every:
        sqlfiles.check(f)
        folder = f.rel.split("/")[0]
        if folder == "macros":
            assert (f.header["macro"], f.macros, f.creates) == ((f.path.stem,), (f.path.stem,), ()), f.rel
        elif folder in ("staging", "models"):
            assert (f.model, f.creates, f.macros) == (f.path.stem, (f.path.stem,), ()), f.rel
        elif folder == "align" and "model" in f.header:
            assert (f.model, f.creates) == (f.path.stem, (f.path.stem,)), f.rel
        else:  # the clock alignment step, findings, audits, report, export, summary.sql: queries, no object
            assert (f.model, f.creates, f.macros) == (None, (), ()), f.rel
    staging = [f.model for f in PHASES[2] if f.rel.startswith("staging/")]
    assert staging and all(name.startswith("stg_") for name in staging)


def test_models_run_after_their_upstreams() -> None:
    ran: set[str] = set(SCHEMAS)
    for phase in PHASES:
        for f in phase:
            assert set(f.upstream) <= ran, f.rel
            ran.update(f.creates)
        ran.update(sqlfiles.BUILD_TABLES.get(f.rel.split("/")[0], ()))
    names = [f.rel for f in PHASES[2]]
    assert names.index("models/outage_members.sql") < names.index("models/outages.sql")
    assert names.index("staging/stg_failure_signals.sql") < names.index("staging/stg_drills.sql")


def test_the_readme_names_every_model_and_macro() -> None:
    readme = (SQL_DIR.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## SQL\n", 1)[1].split("\n## ", 1)[0]
    names = [f.model for phase in PHASES for f in phase if f.model]
    assert [n for n in names if f"`{n}`" not in section] == []
