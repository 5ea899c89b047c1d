"""Index build at scale: CPU and wall seconds, peak RSS, one code against another.

Builds the search index of bench/corpus.py's database (``search_bench.prepare``)
with this checkout and, with --before, with another code's files (extracted with
``git archive``), alternately, each in its own process: ``SearchIndex`` over the
rows streamed from SQLite (the build alone), then ``Lookup.write_version`` on a
copy of the database (``flask index``: build, write, fsync, map back). A digest
of every array of the built index shows whether the two codes built the same.

    mkdir -p /tmp/before && git archive <commit> glossary | tar -x -C /tmp/before
    nice -n 5 python bench/index_build_bench.py --size 1000000 --before /tmp/before
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from subprocess_run import last_json, run_python

ROOT = Path(__file__).resolve().parent.parent

BUILD = """
import hashlib, json, os, pickle, resource, sys, time
import sqlite_utils
from glossary.lookup import TERM_ROWS
from glossary.search import SearchIndex
db = sqlite_utils.Database(sys.argv[1])
t, c = time.perf_counter(), time.process_time()
index = SearchIndex(db.query(TERM_ROWS))
wall, cpu = time.perf_counter() - t, time.process_time() - c
digest = hashlib.sha1()
pickle.dump(index, type("W", (), {"write": lambda self, b: digest.update(b)})(),
            protocol=5)
print(json.dumps({"cpu": cpu, "wall": wall, "digest": digest.hexdigest()[:12],
  "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

WRITE = """
import json, resource, shutil, sys, time
from glossary import create_app
from glossary.db import connect
from glossary.lookup import current_lookup
app = create_app({"DATABASE": sys.argv[1], "SECRET_KEY": "bench"})
with app.app_context():
    db = connect(sys.argv[1])
    t, c = time.perf_counter(), time.process_time()
    r = current_lookup().write_version(db)
    wall, cpu = time.perf_counter() - t, time.process_time() - c
print(json.dumps({"cpu": cpu, "wall": wall, "bytes": r.get("bytes"),
  "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def run(code: Path, script: str, db: Path) -> dict:
    """Run SCRIPT on DB with CODE's glossary package; return its report."""
    report = last_json(run_python(code, script, db))
    report["load"] = os.getloadavg()[0]
    return report


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=1_000_000)
    ap.add_argument("--before", type=Path, help="another code's files")
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import search_bench

    db_path, _ = search_bench.prepare(args.size, 1000)
    codes = [("after", ROOT)] + ([("before", args.before)] if args.before else [])
    print(f"load average at start: {os.getloadavg()}")
    print(
        "| code | step | CPU s | wall s | peak RSS MiB | load (1 min) | index digest |"
    )
    print("|---|---|---:|---:|---:|---:|---|")
    for _ in range(args.rounds):
        for name, code in codes[::-1]:
            r = run(code, BUILD, db_path)
            print(
                f"| {name} | build | {r['cpu']:.1f} | {r['wall']:.1f} "
                f"| {r['peak_mib']:,.0f} | {r['load']:.1f} | {r['digest']} |",
                flush=True,
            )
        for name, code in codes[::-1]:
            with tempfile.TemporaryDirectory(dir=search_bench.WORK) as tmp:
                db = Path(tmp) / "glossary.db"
                db.write_bytes(db_path.read_bytes())
                r = run(code, WRITE, db)
            print(
                f"| {name} | flask index | {r['cpu']:.1f} | {r['wall']:.1f} "
                f"| {r['peak_mib']:,.0f} | {r['load']:.1f} | |",
                flush=True,
            )
    print(f"load average at end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
