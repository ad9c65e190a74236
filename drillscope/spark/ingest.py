"""`ingest --engine spark`: the drills of the inputs parsed by Spark tasks, one task per drill.

Each task runs the local ingest of its drill (drillscope/ingest/pipeline.py: the same parsers, the same lake
files, each written to a temp name and renamed) on the executor it lands on; the driver collects the
per-file results, which are the `ingest_files` rows the tasks committed. The drill, not the file, is the
unit of work because a drill's files depend on one another: a file whose content another file of the drill
already has is recorded as its duplicate, and a capture that prints times without a date is read once the
drill's dated files are known. The inputs and `--out` must be paths every executor can read and write (a
shared file system in a cluster; the same machine in local mode); executors need drillscope installed.
"""

from __future__ import annotations

from pathlib import Path

from drillscope.errors import DrillscopeError
from drillscope.ingest import lake
from drillscope.ingest.pipeline import Drill, FileResult, _ingest_drill, discover


def _ingest_task(item: tuple[int, Drill], lake_dir: str) -> tuple[int, list[FileResult]]:
    i, drill = item
    return i, _ingest_drill(drill, Path(lake_dir), None)


def ingest_spark(
    inputs: list[Path], out: Path, master: str | None = None, follow_links: bool = False
) -> list[FileResult]:
    """Ingest every file under `inputs` into `out/lake` with Spark tasks; results in drill order, as the
    local ingest gives them."""
    from drillscope.spark.session import spark_session

    drills = discover(inputs, follow_links)
    lake_dir = (out / "lake").resolve()
    lake_dir.mkdir(parents=True, exist_ok=True)
    lake.clean_temp(lake_dir)
    if not drills:
        return []
    spark = spark_session(master)
    target = str(lake_dir)
    rdd = spark.sparkContext.parallelize(list(enumerate(drills)), numSlices=len(drills))
    try:
        done = dict(rdd.map(lambda item: _ingest_task(item, target)).collect())
    except Exception as e:  # a task that failed (every failure of a file is in its result instead)
        lines = [ln for ln in str(e).splitlines() if ln.strip()]
        raise DrillscopeError(f"Spark ingest failed: {lines[-1] if lines else type(e).__name__}") from None
    return [r for i in range(len(drills)) for r in done[i]]
