"""The Spark session drillscope runs on: local mode by default, a cluster by `--spark-master`."""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import sys
from typing import TYPE_CHECKING

from drillscope.errors import DrillscopeError

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

DEFAULT_MASTER = "local[*]"
MASTER_ENV = "DRILLSCOPE_SPARK_MASTER"
MIN_JAVA = 17  # pyspark 4


def master_url(master: str | None = None) -> str:
    """`--spark-master`, else `DRILLSCOPE_SPARK_MASTER`, else local mode on every core."""
    return master or os.environ.get(MASTER_ENV) or DEFAULT_MASTER


def java_version() -> int | None:
    """The major version of the `java` Spark would start (JAVA_HOME first, as Spark does), None if absent."""
    home = os.environ.get("JAVA_HOME")
    java = os.path.join(home, "bin", "java") if home else shutil.which("java")
    if not java or not os.path.exists(java):
        return None
    try:
        res = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=30)
    except OSError:
        return None
    m = re.search(r'version "(\d+)(?:\.(\d+))?', res.stderr + res.stdout)
    if not m:
        return None
    major = int(m.group(1))
    return int(m.group(2) or 0) if major == 1 else major  # "1.8" is Java 8


def spark_session(
    master: str | None = None, conf: dict[str, str] | None = None, app_name: str = "drillscope"
) -> SparkSession:
    """A Spark session set up as the SQL expects: UTC session time zone, DuckDB-like lenient casts and
    arithmetic (ANSI mode off: a bad cast is NULL), Parquet timestamps as UTC microseconds (what DuckDB and
    polars read as TIMESTAMP WITH TIME ZONE), no web UI and no console progress bars. `conf`: more Spark
    settings. An existing session of this process is returned as it is."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise DrillscopeError(
            "--engine spark needs pyspark: pip install 'drillscope[spark]' (and Java 17 or newer)"
        ) from None
    url = master_url(master)
    if url.startswith("local"):
        # Python tasks (ingest) run in this interpreter, where drillscope is installed, not `python3` on PATH
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        v = java_version()
        if v is None:
            raise DrillscopeError(f"--engine spark needs Java {MIN_JAVA} or newer; no `java` found")
        if v < MIN_JAVA:
            raise DrillscopeError(f"--engine spark needs Java {MIN_JAVA} or newer; found Java {v}")
    builder = (
        SparkSession.builder.master(url)
        .appName(app_name)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.ansi.enabled", "false")
        .config("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS")
        .config("spark.sql.sources.partitionColumnTypeInference.enabled", "false")
        .config("spark.driver.extraJavaOptions", "-Duser.timezone=UTC")
        .config("spark.executor.extraJavaOptions", "-Duser.timezone=UTC")
    )
    if url.startswith("local"):
        # small shuffles: the default 200 partitions cost more than the work on one machine
        builder = builder.config("spark.sql.shuffle.partitions", str(max(2, 2 * (os.cpu_count() or 2))))
        # interpreted plans: compiling whole-stage code for each of the build's ~70 statements cost more than
        # it saved on one machine (samples build 310 s -> 114 s with the views computed once)
        builder = builder.config("spark.sql.codegen.wholeStage", "false")
    for k, v in (conf or {}).items():
        builder = builder.config(k, v)
    try:
        spark = builder.getOrCreate()
    except Exception as e:  # the JVM did not start: one line, not py4j's traceback
        raise DrillscopeError(f"Spark did not start ({url}): {str(e).splitlines()[0]}") from None
    spark.sparkContext.setLogLevel("ERROR")
    # pyspark logs every failed query with its whole plan (tens of kB); drillscope reports the first line
    logging.getLogger("SQLQueryContextLogger").setLevel(logging.CRITICAL)
    return spark
