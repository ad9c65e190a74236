"""DuckDB SQL (the files under sql/) to Spark SQL, with sqlglot, at run time.

The SQL is written once, for DuckDB; this module carries it to Spark 4. sqlglot does most of it; the rules
below cover what it does not carry across on its own:

- macros (`CREATE MACRO name(a, b) AS expr`): Spark has none, so every call is replaced by the macro's body;
- `epoch(x)`, `epoch_us(x)`, `to_microseconds(n)`, `to_seconds(n)`: microsecond-exact Spark forms (sqlglot
  maps `epoch` to `unix_timestamp`, which drops the fraction of a second);
- `timezone(tz, x)` is two functions in DuckDB, chosen by the type of `x`: the models cast `x` explicitly
  (`::TIMESTAMPTZ`: an instant to the wall clock of `tz`; `::TIMESTAMP`: a wall-clock time of `tz` to an
  instant) and the rule picks `from_utc_timestamp` or `to_utc_timestamp` by that cast;
- `list_position` (NULL when absent; Spark's `array_position` gives 0), `format('{}…')` (Python-style
  placeholders; Spark's `format_string` is printf-style), DuckDB's JSON helpers, `try(x)` (no Spark form:
  the bare expression), decimal literals (DOUBLE, as DuckDB computes with them: Spark would keep DECIMAL);
- `try(regexp_matches(s, p))` (NULL when `p` does not compile) as a CASE on `try_reflect` of Java's
  `Pattern.compile` (Spark's RLIKE compiles the pattern with it and fails the query on a bad one); a
  computed pattern of RLIKE is parenthesized (Spark binds `||` looser than RLIKE);
- `any_value(x)` skips NULLs in DuckDB: `ANY_VALUE(x, TRUE)` (sqlglot writes `IGNORE NULLS`, which Spark
  refuses before a FILTER);
- a cast of a string to INTERVAL: DuckDB reads `60m`, `1h30m`, `90s`, `00:05:00`, `3600` (seconds); Spark only
  `60 minutes`, so the string is first rewritten into Spark's unit words;
- `string_agg(DISTINCT x, sep [ORDER BY x])` as the sorted set's `array_join` (Spark fails on LISTAGG
  DISTINCT beside another DISTINCT aggregate); without ORDER BY DuckDB's order is arbitrary, so the models
  say ORDER BY;
- a date plus a time of day (`d + try_cast(t AS TIME)`): the timestamp cast from `d || ' ' || t` (Spark has
  no TIME type);
- `range(n) r(i)` as a table: `unnest(range(n)) r(i)` (sqlglot writes a table function Spark lacks);
- QUALIFY and `* EXCLUDE` are kept (Spark 4 has both), so sqlglot's subquery rewrite of QUALIFY is off.

Timestamps: DuckDB's TIMESTAMPTZ is Spark's TIMESTAMP (an instant; the session runs in UTC), and wall-clock
times between `timezone()` calls are Spark TIMESTAMPs read in UTC too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import sqlglot
from sqlglot import exp, transforms
from sqlglot.dialects.spark import Spark
from sqlglot.tokens import TokenType

from drillscope.errors import DrillscopeError


def _qualify_over_groups(node: exp.Expression) -> exp.Expression:
    """Spark's QUALIFY does not see a GROUP BY's aggregates (`ORDER BY count(*)`): such a select becomes a
    subquery filtered on the window (sqlglot's rewrite); a QUALIFY without GROUP BY stays as written."""
    if isinstance(node, exp.Select) and node.args.get("qualify") and node.args.get("group"):
        return transforms.eliminate_qualify(node)
    return node


class Spark4(Spark):
    """Spark SQL 4: QUALIFY is native, so it stays as written (but see _qualify_over_groups)."""

    class Generator(Spark.Generator):
        TRANSFORMS = {
            **Spark.Generator.TRANSFORMS,
            exp.Select: transforms.preprocess(
                [
                    _qualify_over_groups,
                    transforms.eliminate_distinct_on,
                    transforms.unnest_to_explode,
                    transforms.any_to_exists,
                ]
            ),
        }


@dataclass
class Macro:
    params: list[str]
    body: exp.Expression


@dataclass
class Context:
    """What a file's statements may refer to: the macros seen so far and the build's variables."""

    macros: dict[str, Macro] = field(default_factory=dict)
    variables: dict[str, object] = field(default_factory=dict)


def split_statements(text: str) -> list[str]:
    """The statements of a SQL file, as written (cut at the `;` tokens, so a `;` in a string stays)."""
    out, start = [], 0
    for tok in sqlglot.tokenize(text, read="duckdb"):
        if tok.token_type == TokenType.SEMICOLON:
            out.append(text[start : tok.start])
            start = tok.end + 1
    out.append(text[start:])
    return [s for s in out if _has_code(s)]


def _has_code(sql: str) -> bool:
    return bool(sqlglot.tokenize(sql, read="duckdb"))


def parse(sql: str) -> exp.Expression:
    try:
        return sqlglot.parse_one(sql, read="duckdb")
    except sqlglot.errors.ParseError as e:
        raise DrillscopeError(f"sqlglot cannot parse: {str(e).splitlines()[0]}") from None


def macro_of(stmt: exp.Expression) -> tuple[str, Macro] | None:
    """(name, macro) when the statement is `CREATE MACRO`."""
    if isinstance(stmt, exp.Create) and str(stmt.args.get("kind", "")).upper() == "MACRO":
        udf = stmt.this
        params = [p.name for p in udf.expressions]
        return udf.this.name.lower(), Macro(params, stmt.expression)
    return None


def _inline_macros(node: exp.Expression, macros: dict[str, Macro]) -> exp.Expression:
    for _ in range(20):  # macros may call macros
        calls = [
            c for c in node.find_all(exp.Anonymous) if isinstance(c.this, str) and c.this.lower() in macros
        ]
        if not calls:
            return node
        for call in calls:
            m = macros[call.this.lower()]
            if len(call.expressions) != len(m.params):
                raise DrillscopeError(f"macro {call.this} takes {len(m.params)} arguments")
            args = dict(zip(m.params, call.expressions, strict=True))

            def sub(n: exp.Expression, args: dict = args) -> exp.Expression:
                if isinstance(n, exp.Column) and not n.table and n.name in args:
                    arg = args[n.name].copy()
                    return (
                        arg
                        if isinstance(arg, exp.Column | exp.Literal | exp.Paren)
                        else exp.paren(arg, copy=False)
                    )
                return n

            body = exp.paren(m.body.copy().transform(sub), copy=False)
            if call is node:
                node = body
            else:
                call.replace(body)
    raise DrillscopeError("macros nest too deep")


def _fn(name: str, *args: exp.Expression) -> exp.Expression:
    return exp.Anonymous(this=name, expressions=list(args))


def _num(v: int | float) -> exp.Expression:
    return exp.Literal.number(v)


def _micros(x: exp.Expression) -> exp.Expression:
    return _fn("UNIX_MICROS", x)


def _seconds_interval(seconds: exp.Expression) -> exp.Expression:
    return _fn(
        "MAKE_DT_INTERVAL", _num(0), _num(0), _num(0), exp.cast(seconds, exp.DataType.build("DECIMAL(18, 6)"))
    )


_PY_FORMAT = re.compile(r"\{(?::([^{}]*))?\}|\{\{|\}\}|%")


def _printf(fmt: str) -> str:
    """A Python-style format string (`{}`, `{:02d}`, `{:.1f}`) as a printf-style one (`%s`, `%02d`, `%.1f`)."""

    def conv(m: re.Match) -> str:
        tok = m.group(0)
        if tok == "{{":
            return "{"
        if tok == "}}":
            return "}"
        if tok == "%":
            return "%%"
        spec = m.group(1) or ""
        if not spec:
            return "%s"
        if not spec[-1].isalpha():
            raise DrillscopeError(f"format spec {{:{spec}}} has no Spark form")
        return "%" + spec

    return _PY_FORMAT.sub(conv, fmt)


def _json_path(path: exp.Expression) -> tuple[exp.Expression, bool]:
    """(path as a Spark string expression, whether it ends in `[*]`)."""
    if isinstance(path, exp.JSONPath):
        text = path.sql(dialect="duckdb").strip("'")
        if text.endswith("[*]"):
            return exp.Literal.string(text[:-3]), True
        return exp.Literal.string(text), False
    return path, False


def _literal_text(node: exp.Expression) -> str | None:
    """The text of a string literal, or of literals joined with `||`; None for anything else."""
    if isinstance(node, exp.Literal) and node.is_string:
        return node.this
    if isinstance(node, exp.Paren):
        return _literal_text(node.this)
    if isinstance(node, exp.DPipe):
        a, b = _literal_text(node.this), _literal_text(node.expression)
        return None if a is None or b is None else a + b
    return None


def _explode_map(select: exp.Select) -> None:
    """`unnest(map_keys(m)) AS k, unnest(map_values(m)) AS v` (DuckDB zips two unnests of one row) as Spark's
    single generator `explode(m) AS (k, v)` (Spark allows one generator per SELECT)."""
    keys = vals = None
    for p in select.expressions:
        inner = p.this if isinstance(p, exp.Alias) else None
        if isinstance(inner, exp.Explode) and isinstance(inner.this, exp.MapKeys):
            keys = p
        elif (
            isinstance(inner, exp.Explode)
            and isinstance(inner.this, exp.Anonymous)
            and str(inner.this.this).lower() == "map_values"
        ):
            vals = p
    if keys is None or vals is None:
        return
    m = keys.this.this.this
    if m.sql() != vals.this.this.expressions[0].sql():
        return
    pair = exp.Aliases(
        this=exp.Explode(this=m.copy()), expressions=[keys.args["alias"].copy(), vals.args["alias"].copy()]
    )
    keys.replace(pair)
    vals.pop()


def _union_by_name(union: exp.Union) -> exp.Expression:
    """`SELECT * FROM a UNION ALL BY NAME SELECT * FROM b` over CTEs of known columns: each side lists the
    columns, in the first side's order (NULL for a column a side lacks); Spark SQL has no BY NAME."""
    sides, node = [], union
    while isinstance(node, exp.Union) and node.args.get("by_name"):
        sides.insert(0, node.expression)
        node = node.this
    sides.insert(0, node)
    ctes = {}
    parent = union
    while parent is not None:
        w = parent.args.get("with_") or parent.args.get("with")
        if isinstance(w, exp.With):
            ctes.update({c.alias: c.this for c in w.expressions})
        parent = parent.parent
    cols: list[str] = []
    named = []
    for side in sides:
        star_of = None
        if (
            isinstance(side, exp.Select)
            and len(side.expressions) == 1
            and isinstance(side.expressions[0], exp.Star)
        ):
            src = side.args["from_"].this
            if isinstance(src, exp.Table) and src.name in ctes:
                star_of = ctes[src.name].named_selects
        names = star_of if star_of is not None else side.named_selects
        if not names or "*" in names:
            raise DrillscopeError("UNION BY NAME needs sides whose columns are known (a CTE's SELECT *)")
        named.append((side, names, star_of is not None))
        cols += [c for c in names if c not in cols]
    out = None
    for side, names, star in named:
        if star:
            proj = [exp.column(c) if c in names else exp.alias_(exp.Null(), c) for c in cols]
            side = side.copy().select(*proj, append=False)
        elif names != cols:
            raise DrillscopeError("UNION BY NAME: list the columns of each side in one order")
        out = side if out is None else exp.union(out, side, distinct=union.args.get("distinct", False))
    with_ = union.args.get("with_")
    if with_ is not None:
        out.set("with_", with_.copy())
    return out


# DuckDB interval text -> Spark interval text (Java regexes, applied in order to the lower-cased text)
_INTERVAL_WORDS = [
    (r"^(\d+):(\d+):(\d+(?:\.\d+)?)$", "$1 hours $2 minutes $3 seconds"),
    (r"^([+-]?\d+(?:\.\d+)?)$", "$1 seconds"),
    (r"(?<=\d)(?=[a-z])|(?<=[a-z])(?=[+-]?\d)", " "),
    (r"\b(?:us|usecs?|microseconds?)\b", "microseconds"),
    (r"\b(?:ms|msecs?|milliseconds?)\b", "milliseconds"),
    (r"\b(?:s|secs?|seconds?)\b", "seconds"),
    (r"\b(?:m|mins?|minutes?)\b", "minutes"),
    (r"\b(?:h|hrs?|hours?)\b", "hours"),
    (r"\b(?:d|days?)\b", "days"),
    (r"\b(?:w|weeks?)\b", "weeks"),
    (r"\b(?:mons?|months?)\b", "months"),
    (r"\b(?:y|yrs?|years?)\b", "years"),
]


def _interval_text(x: exp.Expression) -> exp.Expression:
    out = _fn("LOWER", _fn("TRIM", x))
    for pattern, repl in _INTERVAL_WORDS:
        out = _fn("REGEXP_REPLACE", out, exp.Literal.string(pattern), exp.Literal.string(repl))
    return out


def _regex_compiles(pattern: exp.Expression) -> exp.Expression:
    """TRUE when Java compiles `pattern` (as Spark's RLIKE does), else NULL."""
    compiled = _fn(
        "TRY_REFLECT", exp.Literal.string("java.util.regex.Pattern"), exp.Literal.string("compile"), pattern
    )
    return exp.Not(this=exp.Is(this=compiled, expression=exp.Null()))


def _distinct_string_agg(node: exp.GroupConcat) -> exp.Expression | None:
    """`string_agg(DISTINCT x, sep ORDER BY x)` as `array_join(array_sort(collect_set(x)), sep)`: Spark's
    optimizer fails on LISTAGG(DISTINCT) beside another DISTINCT aggregate."""
    arg, order = node.this, None
    if isinstance(arg, exp.Order):
        arg, order = arg.this, arg.expressions
    if not isinstance(arg, exp.Distinct) or len(arg.expressions) != 1:
        return None
    x = arg.expressions[0]
    if order is not None and (
        len(order) != 1 or order[0].this != x or order[0].args.get("desc") or order[0].args.get("nulls_first")
    ):
        return None
    if isinstance(node.parent, exp.Filter):
        return None
    sep = node.args.get("separator") or exp.Literal.string(",")
    joined = _fn("ARRAY_JOIN", _fn("ARRAY_SORT", _fn("COLLECT_SET", x.copy())), sep.copy())
    # no value: NULL, as string_agg gives (array_join gives '')
    return exp.Case(ifs=[exp.If(this=exp.GT(this=exp.Count(this=x.copy()), expression=_num(0)), true=joined)])


def _rule(node: exp.Expression, ctx: Context) -> exp.Expression:
    if (
        isinstance(node, exp.Add)
        and isinstance(node.expression, exp.Cast)
        and node.expression.to.this == exp.DType.TIME
    ):  # a date + a time of day: Spark has no TIME type, so the timestamp is read from the two as text
        day = exp.cast(node.this, exp.DType.VARCHAR)
        text = exp.DPipe(
            this=exp.DPipe(this=day, expression=exp.Literal.string(" ")), expression=node.expression.this
        )
        if isinstance(node.expression, exp.TryCast):
            return exp.TryCast(this=text, to=exp.DataType.build("TIMESTAMP"), safe=True)
        return exp.Cast(this=text, to=exp.DataType.build("TIMESTAMP"))
    if isinstance(node, exp.GroupConcat):
        return _distinct_string_agg(node) or node
    if isinstance(node, exp.Table) and isinstance(node.this, exp.GenerateSeries) and node.args.get("alias"):
        # `FROM t, range(n) r(i)`: the rows of a list, which Spark writes as LATERAL VIEW EXPLODE
        return exp.Unnest(expressions=[node.this], alias=node.args["alias"], offset=False)
    if isinstance(node, exp.Try) and isinstance(node.this, exp.RegexpLike):
        return exp.Case(ifs=[exp.If(this=_regex_compiles(node.this.expression.copy()), true=node.this)])
    if isinstance(node, exp.RegexpLike) and not isinstance(
        node.expression, exp.Literal | exp.Column | exp.Paren
    ):
        node.set("expression", exp.paren(node.expression, copy=False))
        return node
    if isinstance(node, exp.IgnoreNulls) and isinstance(node.this, exp.AnyValue):
        return _fn("ANY_VALUE", node.this.this, exp.true())
    if (
        isinstance(node, exp.Cast)
        and node.to.this == exp.DType.INTERVAL
        and not node.meta.get("spark_interval")
    ):
        node.set("this", _interval_text(node.this))
        node.meta["spark_interval"] = True
        return node
    if isinstance(node, exp.Union) and node.args.get("by_name"):
        return _union_by_name(node)
    if isinstance(node, exp.Select):
        _explode_map(node)
        return node
    if (
        isinstance(node, exp.Cast)
        and node.to.this == exp.DType.MAP
        and isinstance(node.this, exp.JSONExtract)
    ):  # json_extract(x, '$.obj')::MAP(VARCHAR, JSON): the object's members, values as text in Spark
        path, _ = _json_path(node.this.expression)
        doc = _fn("GET_JSON_OBJECT", node.this.this, path)
        return _fn("FROM_JSON", doc, exp.Literal.string("map<string,string>"))
    if isinstance(node, exp.Anonymous) and isinstance(node.this, str):
        name, args = node.this.lower(), node.expressions
        if name == "getvariable":
            key = args[0].name
            if key not in ctx.variables:
                raise DrillscopeError(f"getvariable('{key}'): the build sets no such variable")
            return exp.convert(ctx.variables[key])
        if name == "error":
            return _fn("RAISE_ERROR", *args)
        if name == "epoch_us":
            return _micros(args[0])
        if name == "to_microseconds":
            return _seconds_interval(exp.Div(this=exp.paren(args[0]), expression=_num(1000000)))
        if name == "to_seconds":
            return _seconds_interval(args[0])
        if name == "list_position":
            return exp.Nullif(this=_fn("ARRAY_POSITION", *args), expression=_num(0))
        if name == "json_valid":
            return exp.Not(
                this=exp.Is(
                    this=_fn("GET_JSON_OBJECT", args[0], exp.Literal.string("$")), expression=exp.Null()
                )
            )
        if name == "json_array_length":
            doc = _fn("GET_JSON_OBJECT", args[0], args[1]) if len(args) > 1 else args[0]
            return _fn("JSON_ARRAY_LENGTH", doc)
        if name == "timezone":
            tz, x = args
            if isinstance(x, exp.Cast) and x.to.this == exp.DType.TIMESTAMPTZ:
                return _fn("FROM_UTC_TIMESTAMP", x, tz)
            if isinstance(x, exp.Cast) and x.to.this in (exp.DType.TIMESTAMP, exp.DType.TIMESTAMPNTZ):
                return _fn("TO_UTC_TIMESTAMP", x, tz)
            raise DrillscopeError(
                f"{node.sql('duckdb')}: cast the second argument to TIMESTAMPTZ (an instant) or TIMESTAMP "
                "(a wall-clock time) so the Spark form can be chosen"
            )
    if isinstance(node, exp.TimeToUnix):  # DuckDB epoch(): seconds with their fraction
        x = node.this
        if isinstance(x, exp.Sub):
            diff = exp.Sub(this=_micros(x.this), expression=_micros(x.expression))
        elif isinstance(x, exp.Cast) and x.to.this == exp.DType.INTERVAL:  # epoch(interval)
            zero = exp.cast(exp.Literal.string("1970-01-01 00:00:00"), exp.DType.TIMESTAMPTZ)
            diff = _micros(exp.Add(this=zero, expression=x))
        else:
            diff = _micros(x)
        return exp.Div(this=exp.paren(diff), expression=exp.cast(_num(1000000), exp.DType.DOUBLE))
    if isinstance(node, exp.JSONType) and node.expression is None:
        # the type of a JSON value taken from a map: Spark holds it as text, which the string branch parses
        return exp.Literal.string("VARCHAR")
    if isinstance(node, exp.JSONType):
        doc = _fn("LTRIM", _fn("GET_JSON_OBJECT", node.this, node.expression))
        return exp.Case(
            ifs=[
                exp.If(
                    this=exp.EQ(this=_fn("LEFT", doc, _num(1)), expression=exp.Literal.string("[")),
                    true=exp.Literal.string("ARRAY"),
                ),
                exp.If(
                    this=exp.EQ(this=_fn("LEFT", doc.copy(), _num(1)), expression=exp.Literal.string("{")),
                    true=exp.Literal.string("OBJECT"),
                ),
            ]
        )
    if isinstance(node, exp.JSONExtractScalar):
        if node.expression.sql(dialect="duckdb").strip("'") == "$":  # a JSON string's text: Spark has it
            return node.this
        path, each = _json_path(node.expression)
        doc = _fn("GET_JSON_OBJECT", node.this, path)
        if each:  # '$.list[*]': the list's items, for unnest()
            return _fn("FROM_JSON", doc, exp.Literal.string("array<string>"))
        return doc
    if isinstance(node, exp.Format):
        fmt = _literal_text(node.this)
        if fmt is None:
            raise DrillscopeError(f"{node.sql('duckdb')}: format() needs a literal format string")
        return _fn("FORMAT_STRING", exp.Literal.string(_printf(fmt)), *node.expressions)
    if isinstance(node, exp.Try):
        return node.this
    if isinstance(node, exp.Literal) and not node.is_string and re.search(r"[.eE]", node.this):
        if isinstance(node.parent, exp.DataType | exp.Interval) or (
            isinstance(node.parent, exp.Cast) and node.parent.to.this == exp.DType.DOUBLE
        ):
            return node
        return exp.cast(node.copy(), exp.DType.DOUBLE)
    return node


def _timestamp_types(node: exp.Expression) -> exp.Expression:
    if isinstance(node, exp.DataType) and node.this in (exp.DType.TIMESTAMPNTZ, exp.DType.TIMESTAMP):
        return exp.DataType.build("TIMESTAMPTZ")
    return node


def to_spark_expr(stmt: exp.Expression, ctx: Context) -> exp.Expression:
    """The statement with the macros inlined and the DuckDB-only forms rewritten (still an AST)."""
    node = _inline_macros(stmt.copy(), ctx.macros)
    # timezone() looks at the cast of its argument, so the casts are made Spark TIMESTAMPs only after
    # a rule's replacement is not walked again by transform(): repeat until nothing changes
    for _ in range(10):
        before = node.sql(dialect="duckdb")
        node = node.transform(lambda n: _rule(n, ctx))
        if node.sql(dialect="duckdb") == before:
            break
    return node.transform(_timestamp_types)


def to_spark(stmt: exp.Expression, ctx: Context) -> str:
    """Spark SQL text of one DuckDB statement (an AST from `parse`)."""
    try:
        return to_spark_expr(stmt, ctx).sql(
            dialect=Spark4, unsupported_level=sqlglot.ErrorLevel.RAISE, comments=False
        )
    except sqlglot.errors.UnsupportedError as e:
        raise DrillscopeError(f"sqlglot cannot write this for Spark: {str(e).splitlines()[0]}") from None


def transpile(sql: str, ctx: Context | None = None) -> str:
    """Spark SQL text of one DuckDB statement."""
    return to_spark(parse(sql), ctx or Context())
