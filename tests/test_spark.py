"""`--engine spark`: the same SQL files on Spark (local mode, one session for this module) give the same tables.

One build of the bundled samples with each engine; the Spark build's warehouse (`OUT/warehouse/<table>/`) is
read back with DuckDB and compared with the DuckDB build, row by row, instants to the microsecond and
figures to 1e-6. Every statement of every build SQL file is also transpiled and parsed by Spark's own parser.
"""

from __future__ import annotations

import datetime as dt
import math
import shutil
from pathlib import Path

import duckdb
import pytest

pytest.importorskip("pyspark")
pytest.importorskip("sqlglot")

from drillscope import api  # noqa: E402
from drillscope.spark import transpile as tp  # noqa: E402
from drillscope.spark.session import spark_session  # noqa: E402
from drillscope.spark.warehouse import build_files  # noqa: E402

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"
COMPARED = ("outages", "capability_metrics", "drill_metrics", "availability_quarterly", "findings")


@pytest.fixture(scope="module")
def spark():
    s = spark_session("local[2]")  # build_spark and ingest_spark reuse this session
    yield s
    s.stop()


@pytest.fixture(scope="module")
def built(spark, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("spark")
    api.ingest([SAMPLES], out)  # lake + the DuckDB build
    duck = out / "duck.duckdb"
    (out / "drillscope.duckdb").rename(duck)
    res = api.build(out, engine="spark", spark_master="local[2]")
    assert res.violations == 0, [a for a in res.audits if a.rows]
    return out


@pytest.fixture(scope="module")
def collection(spark, tmp_path_factory) -> Path:
    """A generated collection: the samples plus each drill again on the other foundation (4 drills over 2
    foundations with their monitoring folders), built by both engines."""
    src = tmp_path_factory.mktemp("collection")
    for d in SAMPLES.iterdir():
        shutil.copytree(d, src / d.name)
        toml = d / "drill.toml"
        if 'kind = "monitoring"' not in toml.read_text(encoding="utf-8"):
            text = toml.read_text(encoding="utf-8").replace(f'id = "{d.name}"', f'id = "{d.name}-east"')
            text = text.replace('foundation = "cf-54c9c2f906b6aba996cd"', 'foundation = "cf-east-7a1d"')
            shutil.copytree(d, src / f"{d.name}-east")
            (src / f"{d.name}-east" / "drill.toml").write_text(text, encoding="utf-8")
    out = tmp_path_factory.mktemp("collection-out")
    api.ingest([src], out)
    (out / "drillscope.duckdb").rename(out / "duck.duckdb")
    res = api.build(out, engine="spark", spark_master="local[2]")
    assert res.violations == 0, [a for a in res.audits if a.rows]
    return out


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    return sorted(con.execute(sql).fetchall(), key=lambda r: tuple((x is None, str(x)) for x in r))


def _same(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float | int):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6)
    if isinstance(a, dt.datetime) and isinstance(b, dt.datetime):
        return a == b
    return a == b


@pytest.mark.parametrize("table", COMPARED)
def test_spark_build_equals_duckdb_build(built: Path, table: str) -> None:
    _equal_tables(built, table)


@pytest.mark.parametrize("table", COMPARED)
def test_spark_build_of_a_collection_equals_duckdb_build(collection: Path, table: str) -> None:
    _equal_tables(collection, table)
    if table == "drill_metrics":
        con = duckdb.connect()
        rel = f"read_parquet('{collection / 'warehouse' / table / '*.parquet'}')"
        assert con.execute(
            f"SELECT count(DISTINCT drill), count(DISTINCT foundation) FROM {rel}"
        ).fetchall() == [(4, 2)]


def _equal_tables(built: Path, table: str) -> None:
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute(f"ATTACH '{built / 'duck.duckdb'}' AS duck (READ_ONLY)")
    cols = [r[0] for r in con.execute(f"DESCRIBE duck.{table}").fetchall()]
    sel = ", ".join(f'"{c}"' for c in cols)
    want = _rows(con, f"SELECT {sel} FROM duck.{table}")
    got = _rows(con, f"SELECT {sel} FROM read_parquet('{built / 'warehouse' / table / '*.parquet'}')")
    assert len(got) == len(want), table
    if table in ("drill_metrics", "outages", "availability_quarterly"):
        assert want, f"the samples give {table} rows"
    for w, g in zip(want, got, strict=True):
        diff = [(c, x, y) for c, x, y in zip(cols, w, g, strict=True) if not _same(x, y)]
        assert not diff, f"{table}: {diff}"


def test_drill_metrics_of_the_samples_from_the_warehouse(built: Path) -> None:
    """What a user checks: drill 1 injected 10:25:00 KST, detected 10:28:05 (TTD 3m05s), read through the
    database assembled from the warehouse (no Spark)."""
    got = api.sql(
        "SELECT injected_at, detected_at, ttd_s FROM drill_metrics WHERE drill = '2019-01-03-az1'", built
    ).to_pylist()
    assert got == [
        {
            "injected_at": dt.datetime(2019, 1, 3, 1, 25, tzinfo=dt.UTC),
            "detected_at": dt.datetime(2019, 1, 3, 1, 28, 5, tzinfo=dt.UTC),
            "ttd_s": 185.0,
        }
    ]


def test_every_build_statement_parses_for_spark(spark) -> None:
    parser = spark._jsparkSession.sessionState().sqlParser()
    ctx = tp.Context(variables={"align": False})
    failures = []
    for path in build_files():
        for text in tp.split_statements(path.read_text(encoding="utf-8")):
            stmt = tp.parse(text)
            macro = tp.macro_of(stmt)
            if macro:
                ctx.macros[macro[0]] = macro[1]
                continue
            if isinstance(stmt, tp.exp.Update | tp.exp.Drop):  # the runner rewrites these (a join, a view)
                continue
            try:
                parser.parsePlan(tp.to_spark(stmt, ctx))
            except Exception as e:
                failures.append(f"{path.name}: {str(e).splitlines()[0]}")
    assert not failures, "\n".join(failures)


def test_duckdb_interval_text_means_the_same_on_spark(spark) -> None:
    """drill.toml durations (`rto = "60m"`, `tolerance = "5m"`, `after = "1h30m"`) are DuckDB interval text."""
    texts = [
        "60m",
        "5 M",
        "1h30m",
        "90s",
        "2ms",
        "00:05:00",
        "3600",
        "45 minutes",
        "2 days",
        "1 week",
        "-5m",
        "x",
    ]
    values = ", ".join(f"('{t}')" for t in texts)
    spark.sql(f"SELECT * FROM VALUES {values} AS t(x)").createOrReplaceTempView("interval_texts")
    query = "SELECT x, epoch(try_cast(x AS INTERVAL)) AS s FROM interval_texts"
    got = {r["x"]: r["s"] for r in spark.sql(tp.transpile(query)).collect()}
    con = duckdb.connect()
    con.execute(f"CREATE TABLE interval_texts AS SELECT * FROM (VALUES {values}) t(x)")
    want = dict(con.execute(query).fetchall())
    assert got == want
    assert want["1h30m"] == 5400 and want["x"] is None


def _lake_rows(lake: Path, table: str) -> list[tuple]:
    """Every row of a lake table, all columns but the ingest instant, in one order."""
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    rel = f"read_parquet('{lake / table}/*/*.parquet', hive_partitioning = false, union_by_name = true)"
    cols = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {rel}").fetchall() if r[0] != "ingested_at"]
    sel = ", ".join(f'"{c}"' for c in cols)
    return con.execute(f"SELECT {sel} FROM {rel} ORDER BY ALL").fetchall()


def test_spark_ingest_writes_the_lake_of_the_local_ingest(spark, built: Path, tmp_path: Path) -> None:
    from drillscope.ingest.schema import SCHEMAS
    from drillscope.spark.ingest import ingest_spark

    results = ingest_spark([SAMPLES], tmp_path, master="local[2]")
    assert len(results) == 42 and {r.status for r in results} == {"ok"}
    files = {str(p.relative_to(built / "lake")) for p in (built / "lake").rglob("*.parquet") if p.is_file()}
    assert files == {str(p.relative_to(tmp_path / "lake")) for p in (tmp_path / "lake").rglob("*.parquet")}
    for table in SCHEMAS:
        if (built / "lake" / table).exists():
            assert _lake_rows(tmp_path / "lake", table) == _lake_rows(built / "lake", table), table
