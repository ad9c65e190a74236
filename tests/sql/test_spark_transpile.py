"""The DuckDB → Spark SQL rules (drillscope/spark/transpile.py), checked on the SQL text sqlglot writes.

Whether Spark really parses and runs every transpiled statement is tests/test_spark.py (a Spark session)."""

from __future__ import annotations

import pytest

pytest.importorskip("sqlglot")

from drillscope.errors import DrillscopeError  # noqa: E402
from drillscope.spark import transpile as tp  # noqa: E402


def spark(sql: str, **variables: object) -> str:
    return tp.transpile(sql, tp.Context(variables=variables))


def test_epoch_keeps_the_fraction_of_a_second() -> None:
    # sqlglot alone writes unix_timestamp(), which drops the microseconds
    assert spark("SELECT epoch(a - b), epoch(a), epoch_us(a)") == (
        "SELECT (UNIX_MICROS(a) - UNIX_MICROS(b)) / CAST(1000000 AS DOUBLE), "
        "(UNIX_MICROS(a)) / CAST(1000000 AS DOUBLE), UNIX_MICROS(a)"
    )


def test_macros_are_inlined_also_inside_macros() -> None:
    ctx = tp.Context()
    for text in tp.split_statements(
        "CREATE MACRO secs(a, b) AS (epoch_us(b) - epoch_us(a)) / 1000000.0;\n"
        "CREATE MACRO mins(a, b) AS secs(a, b) / 60;  -- a ';' in a comment\n"
        "SELECT mins(x.started_at, x.ended_at) AS m, ';' AS s FROM x"
    ):
        stmt = tp.parse(text)
        macro = tp.macro_of(stmt)
        if macro:
            ctx.macros[macro[0]] = macro[1]
        else:
            out = tp.to_spark(stmt, ctx)
    assert out == (
        "SELECT (((UNIX_MICROS(x.ended_at) - UNIX_MICROS(x.started_at)) / CAST(1000000.0 AS DOUBLE)) / 60)"
        " AS m, ';' AS s FROM x"
    )


def test_timezone_direction_from_the_cast() -> None:
    assert spark("SELECT timezone(tz, ts::TIMESTAMPTZ), timezone(tz, (d + INTERVAL 3 MONTH)::TIMESTAMP)") == (
        "SELECT FROM_UTC_TIMESTAMP(CAST(ts AS TIMESTAMP), tz), "
        "TO_UTC_TIMESTAMP(CAST((d + INTERVAL '3' MONTH) AS TIMESTAMP), tz)"
    )
    with pytest.raises(DrillscopeError, match="cast the second argument"):
        spark("SELECT timezone(tz, ts)")


def test_format_list_position_json_and_variables() -> None:
    assert spark("SELECT format('{} took {:d}m{:02d}s ({:.1f}%)', a, b, c, d)") == (
        "SELECT FORMAT_STRING('%s took %dm%02ds (%.1f%%)', a, b, c, d)"
    )
    assert (
        spark("SELECT list_position(['a', 'b'], x)") == "SELECT NULLIF(ARRAY_POSITION(ARRAY('a', 'b'), x), 0)"
    )
    assert spark("SELECT unnest(json_extract_string(c, '$.caps[*]')) FROM d WHERE json_valid(c)") == (
        "SELECT EXPLODE(FROM_JSON(GET_JSON_OBJECT(c, '$.caps'), 'array<string>')) FROM d "
        "WHERE NOT GET_JSON_OBJECT(c, '$') IS NULL"
    )
    assert spark("SELECT coalesce(getvariable('align'), false)", align=True) == "SELECT COALESCE(TRUE, FALSE)"
    assert spark("SELECT 0.5 * x") == "SELECT CAST(0.5 AS DOUBLE) * x"


def test_qualify_kept_unless_it_orders_by_an_aggregate() -> None:
    assert spark("SELECT * FROM t QUALIFY row_number() OVER (PARTITION BY a ORDER BY b) = 1") == (
        "SELECT * FROM t QUALIFY ROW_NUMBER() OVER (PARTITION BY a ORDER BY b NULLS LAST) = 1"
    )
    assert spark(
        "SELECT a, b FROM t GROUP BY a, b QUALIFY row_number() OVER (PARTITION BY a ORDER BY count(*) DESC) = 1"
    ) == (
        "SELECT a, b FROM (SELECT a, b, ROW_NUMBER() OVER (PARTITION BY a ORDER BY COUNT(*) DESC) AS _w "
        "FROM t GROUP BY a, b) AS _t WHERE _w = 1"
    )


def test_union_by_name_over_ctes() -> None:
    assert (
        spark(
            "WITH a AS (SELECT 1 AS x, 2 AS y), b AS (SELECT 3 AS y) SELECT * FROM a UNION ALL BY NAME SELECT * FROM b"
        )
        == "WITH a AS (SELECT 1 AS x, 2 AS y), b AS (SELECT 3 AS y) SELECT x, y FROM a UNION ALL SELECT NULL AS x, y FROM b"
    )


def test_unknown_engine_is_a_usage_error(tmp_path) -> None:
    from typer.testing import CliRunner

    from drillscope.cli import app

    res = CliRunner().invoke(app, ["build", "--engine", "flink", "--out", str(tmp_path)])
    assert res.exit_code == 2
    assert "--engine flink: choose duckdb or spark" in res.output


def test_regex_aggregates_and_table_ranges() -> None:
    # a bad pattern is NULL in DuckDB's try(); Spark's RLIKE would fail the query, so Java compiles it first
    assert spark("SELECT try(regexp_matches(w, '(?i)' || m)) FROM t") == (
        "SELECT CASE WHEN NOT TRY_REFLECT('java.util.regex.Pattern', 'compile', '(?i)' || m) IS NULL "
        "THEN w RLIKE ('(?i)' || m) END FROM t"
    )
    assert spark("SELECT any_value(x) FILTER (WHERE n = 1) FROM t") == (
        "SELECT ANY_VALUE(x, TRUE) FILTER(WHERE n = 1) FROM t"
    )
    assert spark("SELECT string_agg(DISTINCT c, ', ' ORDER BY c), string_agg(c, ', ' ORDER BY d) FROM t") == (
        "SELECT CASE WHEN COUNT(c) > 0 THEN ARRAY_JOIN(ARRAY_SORT(COLLECT_SET(c)), ', ') END, "
        "LISTAGG(c, ', ') WITHIN GROUP (ORDER BY d NULLS LAST) FROM t"
    )
    assert (
        spark("SELECT i FROM t, range(3) r(i)")
        == "SELECT i FROM t LATERAL VIEW EXPLODE(SEQUENCE(0, 2)) r AS i"
    )


def test_interval_text_in_spark_unit_words() -> None:
    # what Spark computes from it is checked against DuckDB in tests/test_spark.py
    out = spark("SELECT try_cast(x AS INTERVAL) FROM t")
    assert out.startswith("SELECT TRY_CAST(REGEXP_REPLACE(") and out.endswith(" AS INTERVAL) FROM t")
    assert out.count("REGEXP_REPLACE(") == len(tp._INTERVAL_WORDS)
    assert "LOWER(TRIM(x))" in out


def test_date_plus_time_of_day() -> None:
    # Spark has no TIME type: the timestamp is read from the date and the time as text
    assert spark("SELECT d + try_cast(trim(t) AS TIME) FROM x") == (
        "SELECT TRY_CAST(CAST(d AS STRING) || ' ' || TRIM(t) AS TIMESTAMP) FROM x"
    )
