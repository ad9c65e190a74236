"""Compare two ingest outputs table by table, row by row (every column but `ingested_at`): a speed change
must not change a single lake row.

    .venv/bin/python bench/compare_lakes.py OUT_BEFORE OUT_AFTER     # exit 1 when they differ
"""

from __future__ import annotations

import glob
import sys

import duckdb


def compare(a: str, b: str) -> bool:
    con = duckdb.connect()
    names = {p.rsplit("/", 1)[-1] for d in (a, b) for p in glob.glob(f"{d}/lake/*")}
    same = True
    for t in sorted(names):
        fa = sorted(glob.glob(f"{a}/lake/{t}/**/*.parquet", recursive=True))
        fb = sorted(glob.glob(f"{b}/lake/{t}/**/*.parquet", recursive=True))
        if not fa or not fb:
            print(f"{t:20s} files {len(fa)} vs {len(fb)}")
            same = same and len(fa) == len(fb)
            continue
        cols = [
            r[0]
            for r in con.execute(
                f"describe select * from read_parquet({fa!r}, union_by_name=true)"
            ).fetchall()
            if r[0] != "ingested_at"
        ]
        sel = ", ".join(f'"{c}"' for c in cols)

        def only(x: list[str], y: list[str], sel: str = sel) -> int:
            q = (
                f"select count(*) from (select {sel} from read_parquet({x!r}, union_by_name=true) "
                f"except all select {sel} from read_parquet({y!r}, union_by_name=true))"
            )
            return con.execute(q).fetchone()[0]

        na, nb = only(fa, fb), only(fb, fa)
        n = con.execute(f"select count(*) from read_parquet({fa!r})").fetchone()[0]
        print(f"{t:20s} rows {n:>10}  only in first {na}  only in second {nb}")
        same = same and na == 0 and nb == 0
    print("identical" if same else "DIFFERENT")
    return same


if __name__ == "__main__":
    sys.exit(0 if compare(sys.argv[1], sys.argv[2]) else 1)
