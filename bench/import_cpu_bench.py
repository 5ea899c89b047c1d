"""Benchmark an import's CPU time, process by process, for one or more checkouts.

Not a test. Run: python bench/import_cpu_bench.py [--concepts 100000]
[--formats csv,json,tbx] [--code PATH ...] [--profile csv]. Writes the synthetic
glossary of bench/interchange_bench.py (three terms per concept) once per format,
then for every checkout (default: this one) imports it into an empty term base in
a fresh process and reports CPU seconds: for a two-pass checkout (importer.scan
and importer.run) each pass; for every checkout the importing process's whole
import_file call (time.process_time) and the child process that reads the file
beside it (RUSAGE_CHILDREN; 0 where there is none), their sum, the wall time and
the peak RSS of each (VmHWM; the child's ru_maxrss). Checkouts run back to back,
format by format, so that they share the load of the moment, which is printed
with each row (1-minute load average). --profile profiles the importing process
only.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from subprocess_run import last_json, run_python  # noqa: E402

SUFFIX = {"csv": "csv", "tbx": "tbx", "json": "json"}

STEP = r"""
import cProfile, json, pstats, resource, sys, time
from pathlib import Path
from glossary import exchange, importer
from glossary.db import connect
from glossary.startup import prepare_database

db_path, file_path, profile = sys.argv[1], sys.argv[2], sys.argv[3]
if hasattr(importer, "import_items"):  # one pass (a big file read by a child)
    timed_names = ("import_items",)
else:  # two passes: read and check, then compare and write
    timed_names = ("scan", "run")
cpu = dict.fromkeys(timed_names, 0.0)
def timed(name, real):
    def wrapper(*a, **k):
        t = time.process_time()
        try:
            return real(*a, **k)
        finally:
            cpu[name] += time.process_time() - t
    return wrapper
for name in timed_names:
    setattr(importer, name, timed(name, getattr(importer, name)))
prepare_database(db_path, None)
db = connect(db_path)
prof = cProfile.Profile() if profile != "-" else None
t0, c0 = time.perf_counter(), time.process_time()
with open(file_path, "rb") as f:
    if prof:
        prof.enable()
    r = exchange.import_file(db, f, Path(file_path).name, author="bench")
    if prof:
        prof.disable()
wall, total = time.perf_counter() - t0, time.process_time() - c0
if not r["ok"]:
    raise SystemExit(str(r["errors"][:3]))
if prof:
    pstats.Stats(prof, stream=sys.stderr).sort_stats("tottime").print_stats(45)
    pstats.Stats(prof, stream=sys.stderr).sort_stats("cumulative").print_stats(45)
hwm = [l for l in open("/proc/self/status") if l.startswith("VmHWM")]
child = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"pass1": cpu.get("scan", 0.0), "pass2": cpu.get("run", 0.0),
                  "main": total, "reader": child.ru_utime + child.ru_stime,
                  "wall": wall, "new": r["new"],
                  "peak_mib": int(hwm[0].split()[1]) / 1024,
                  "reader_peak_mib": child.ru_maxrss / 1024}))
"""


def run_step(code: Path, source: Path, profile: str) -> dict:
    """Import SOURCE with the glossary package of CODE in a fresh process."""
    with tempfile.TemporaryDirectory() as tmp:
        out = run_python(code, STEP, Path(tmp) / "g.db", source, profile)
    if out.returncode:
        raise SystemExit(out.stderr)
    if profile != "-":
        Path(profile).write_text(out.stderr)
    return last_json(out)


def load() -> str:
    return f"{os.getloadavg()[0]:.2f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--concepts", type=int, default=100_000)
    ap.add_argument("--formats", default="csv,json,tbx")
    ap.add_argument("--code", type=Path, action="append", help="a checkout's root")
    ap.add_argument("--profile", help="write cProfile output to PROFILE.<fmt>.txt")
    ap.add_argument("--files", type=Path, help="keep the source files in this folder")
    args = ap.parse_args()
    codes = args.code or [HERE.parent]
    from interchange_bench import make_file

    folder = args.files or Path(tempfile.mkdtemp())
    folder.mkdir(parents=True, exist_ok=True)
    print(
        "| code | format | pass 1 CPU s | pass 2 CPU s | importer CPU s | "
        "reader CPU s | total CPU s | wall s | peak RSS MiB (importer + reader) | "
        "load (1 min) |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for fmt in args.formats.split(","):
        source = folder / f"g{args.concepts}.{SUFFIX[fmt]}"
        if not source.exists():
            make_file(fmt, args.concepts * 3, source)
        for code in codes:
            before = load()
            prof = f"{args.profile}.{fmt}.txt" if args.profile else "-"
            r = run_step(code.resolve(), source, prof)
            two = r["pass1"] or r["pass2"]  # the two-pass import's own columns
            print(
                f"| {code} | {fmt} | "
                + (f"{r['pass1']:.1f} | {r['pass2']:.1f} | " if two else "– | – | ")
                + f"{r['main']:.1f} | {r['reader']:.1f} | "
                f"{r['main'] + r['reader']:.1f} | {r['wall']:.1f} | "
                f"{r['peak_mib']:.0f} + {r['reader_peak_mib']:.0f} | "
                f"{before}–{load()} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
