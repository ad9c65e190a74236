"""Check that a speed change leaves every lake row as it was: ingest the same inputs with a reference
checkout (its own venv) and with this one, then compare every Parquet file of the two lakes, each table
sorted on all its columns (`ingest_files.ingested_at` is left out: it is the clock of the run).

    .venv/bin/python bench/same_rows.py --ref /work/benchtmp/bosh/ref/.venv/bin/python \\
        --tmp /work/benchtmp/bosh/same /work/benchtmp/bosh/in64/task_debug.log data/samples

    .venv/bin/python bench/same_rows.py --lakes OUT_BEFORE OUT_AFTER   # two ingest outputs already made

Exit status 1 and the differing files listed when anything differs. Not part of the unit tests.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

import polars as pl

_INGEST = (
    "import sys; from pathlib import Path; from drillscope.ingest.pipeline import ingest_inputs; "
    "ingest_inputs([Path(p) for p in sys.argv[2:]], Path(sys.argv[1]), jobs=1)"
)
VOLATILE = {"ingested_at"}


def ingest(python: str, out: Path, inputs: list[str]) -> None:
    shutil.rmtree(out, ignore_errors=True)
    subprocess.run([python, "-c", _INGEST, str(out), *inputs], check=True)


def compare(a: Path, b: Path) -> list[str]:
    """Relative paths of the lake files that differ (or exist on one side only)."""
    fa = {p.relative_to(a) for p in a.rglob("*.parquet")}
    fb = {p.relative_to(b) for p in b.rglob("*.parquet")}
    bad = [f"only in {a}: {p}" for p in sorted(fa - fb)] + [f"only in {b}: {p}" for p in sorted(fb - fa)]
    for rel in sorted(fa & fb):
        x, y = pl.read_parquet(a / rel), pl.read_parquet(b / rel)
        drop = [c for c in x.columns if c in VOLATILE]
        x, y = x.drop(drop), y.drop(drop)
        if x.schema != y.schema or x.height != y.height:
            bad.append(f"{rel}: schema or height {x.shape} vs {y.shape}")
        elif not x.sort(x.columns, nulls_last=True).equals(y.sort(y.columns, nulls_last=True)):
            bad.append(f"{rel}: rows differ")
    print(f"{len(fa & fb)} files compared, {len(bad)} differ")
    return bad


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ref", help="the reference checkout's python (its own venv)")
    ap.add_argument("--tmp", type=Path, help="where the two lakes go")
    ap.add_argument("--lakes", nargs=2, type=Path, metavar="OUT", help="compare two existing ingest outputs")
    ap.add_argument("inputs", nargs="*")
    a = ap.parse_args()
    if a.lakes:
        before, after = a.lakes
    elif a.ref and a.tmp and a.inputs:
        before, after = a.tmp / "ref", a.tmp / "new"
        ingest(a.ref, before, a.inputs)
        ingest(sys.executable, after, a.inputs)
    else:
        ap.error("give --lakes OUT OUT, or --ref, --tmp and inputs")
    bad = compare(before / "lake", after / "lake")
    for line in bad:
        print(line)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
