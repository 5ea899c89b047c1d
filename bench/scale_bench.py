"""Benchmark scale: index files shared by gunicorn workers, and streaming import.

Not a test. One run measures this checkout ("new") and, in the same run, the
code of an earlier commit ("today", extracted with `git archive` into a
directory given by --today) on the same 1M-term database of bench/corpus.py
(see bench/search_bench.py):

    mkdir -p /tmp/glossary-today
    git archive 4e68bc8 | tar -x -C /tmp/glossary-today
    nice -n 5 python bench/scale_bench.py --today /tmp/glossary-today

For each code and 2 or 4 gunicorn workers: the time from starting gunicorn to the
first search answered (new: the index files exist, written by `flask index`
beforehand, which is timed too; today: every worker builds its index), the one-
client latency over 1,000 queries, requests per second with 4 client threads,
and each worker's memory from /proc/PID/smaps_rollup: USS (private pages), PSS,
RSS, and the part of RSS that is the shared index file. Then the import of
--import-concepts concepts (three terms each, bench/interchange_bench.py's
synthetic glossary) from CSV, TBX and JSON into an empty term base: wall time
and peak RSS of the importing process (VmHWM) and of the process that reads the
file beside it (the largest child's ru_maxrss; 0 for code without one).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from http.client import HTTPConnection
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE)]

from subprocess_run import last_json, run_python  # noqa: E402

WORK = Path(tempfile.gettempdir()) / "glossary-bench"


def memory(pid: int) -> dict:
    """USS, PSS and RSS of PID in MiB, and the RSS of its mapped index files."""
    out = {"uss": 0.0, "pss": 0.0, "rss": 0.0, "index_rss": 0.0}
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            key, _, rest = line.partition(":")
            kib = rest.split()[0] if rest.split() else "0"
            if key in ("Private_Clean", "Private_Dirty", "Private_Hugetlb"):
                out["uss"] += int(kib) / 1024
            elif key == "Pss":
                out["pss"] = int(kib) / 1024
            elif key == "Rss":
                out["rss"] = int(kib) / 1024
    in_index = False
    with open(f"/proc/{pid}/smaps") as f:
        for line in f:
            first = line.split()[0] if line.split() else ""
            if "-" in first and not first.endswith(":"):
                in_index = line.rstrip().endswith(".idx")
            elif in_index and first == "Rss:":
                out["index_rss"] += int(line.split()[1]) / 1024
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(conn: HTTPConnection, q: str) -> int:
    conn.request("GET", "/api/v1/search?" + urllib.parse.urlencode({"q": q}))
    resp = conn.getresponse()
    resp.read()
    return resp.status


def serve(code: Path, db: Path, workers: int, queries: list[str], seconds: float):
    """Start gunicorn on CODE and DB; measure; stop it. Return the figures."""
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(code),
        "GLOSSARY_DATABASE": str(db),
        "GLOSSARY_SECRET_KEY": "bench",
    }
    # Compiled as an installed package is (pip writes the .pyc files): a start
    # is not measured compiling the sources.
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(code / "glossary")], check=True
    )
    conf = code / "deploy" / "gunicorn.conf.py"
    # The README's deployment (preload, warm-up) when the code has it.
    with_conf = (
        ["-c", str(conf)] if conf.exists() and "preload_app" in conf.read_text() else []
    )
    started = time.perf_counter()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", *with_conf, "-w", str(workers), "-b",
         f"127.0.0.1:{port}", "--timeout", "600", "--chdir", str(code),
         "glossary:create_app()"],
        env=env,
        cwd=code,  # python -m puts the working directory first on sys.path
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        while True:
            try:
                if get(HTTPConnection("127.0.0.1", port, timeout=600), "museum") == 200:
                    break
            except OSError:
                time.sleep(0.05)
        first = time.perf_counter() - started
        # Every worker answers (today: each builds its own index first).
        done = [0]

        def warm() -> None:
            c = HTTPConnection("127.0.0.1", port, timeout=600)
            for q in queries[:20]:
                get(c, q)
            done[0] += 1

        threads = [threading.Thread(target=warm) for _ in range(workers * 3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        all_ready = time.perf_counter() - started
        conn = HTTPConnection("127.0.0.1", port)
        times = []
        for q in queries:
            t = time.perf_counter()
            assert get(conn, q) == 200
            times.append(time.perf_counter() - t)
        times.sort()
        counts = [0] * 4
        stop = time.monotonic() + seconds

        def load(n: int) -> None:
            c = HTTPConnection("127.0.0.1", port)
            rng = random.Random(n)
            while time.monotonic() < stop:
                get(c, rng.choice(queries))
                counts[n] += 1

        threads = [threading.Thread(target=load, args=(n,)) for n in range(4)]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        rps = sum(counts) / (time.perf_counter() - t0)
        pids = subprocess.run(
            ["ps", "-o", "pid=", "--ppid", str(server.pid)],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.split()
        mem = [memory(int(p)) for p in pids]
    finally:
        server.terminate()
        server.wait(timeout=60)
    return {
        "first": first,
        "all_ready": all_ready,
        "p50": statistics.median(times) * 1000,
        "p95": times[int(0.95 * (len(times) - 1))] * 1000,
        "rps": rps,
        "mem": mem,
    }


def write_index(db: Path) -> dict:
    """Run `flask index` (this checkout) on DB; return its report and peak RSS."""
    script = (
        "import json, sys\n"
        "from glossary import create_app\n"
        "from glossary.db import connect\n"
        "from glossary.lookup import current_lookup\n"
        "app = create_app({'DATABASE': sys.argv[1], 'SECRET_KEY': 'b'})\n"
        "with app.app_context():\n"
        "    db = connect(sys.argv[1])\n"
        "    r = current_lookup().write_version(db)\n"
        "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')]\n"
        "r['peak_mib'] = int(hwm[0].split()[1]) / 1024\n"
        "print(json.dumps(r))\n"
    )
    return last_json(run_python(ROOT, script, db))


IMPORT_STEP = (
    "import json, sys, time\n"
    "from pathlib import Path\n"
    "from glossary import exchange\n"
    "from glossary.db import connect\n"
    "try:\n"
    "    from glossary.startup import prepare_database\n"
    "except ImportError:  # an earlier commit\n"
    "    from glossary.db import prepare_database\n"
    "db_path, file_path = sys.argv[1], sys.argv[2]\n"
    "prepare_database(db_path, None)\n"
    "db = connect(db_path)\n"
    "t = time.perf_counter()\n"
    "with open(file_path, 'rb') as f:\n"
    "    kw = {'max_bytes': 4 << 30} if 'max_bytes' in "
    "exchange.import_file.__code__.co_varnames else {}\n"
    "    r = exchange.import_file(db, f, Path(file_path).name, author='bench', **kw)\n"
    "s = time.perf_counter() - t\n"
    "assert r['ok'], r['errors'][:3]\n"
    "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')]\n"
    "import resource\n"
    "child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024\n"
    "print(json.dumps({'seconds': s, 'new': r['new'],\n"
    "                  'peak_mib': int(hwm[0].split()[1]) / 1024,\n"
    "                  'reader_peak_mib': child}))\n"
)


def measure_import(code: Path, fmt: str, source: Path) -> dict:
    with tempfile.TemporaryDirectory(dir=WORK) as tmp:
        out = run_python(code, IMPORT_STEP, Path(tmp) / "g.db", source)
        if out.returncode:
            return {"error": out.stderr.strip().splitlines()[-1]}
        return last_json(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--today", type=Path, help="an earlier commit's files")
    ap.add_argument("--size", type=int, default=1_000_000)
    ap.add_argument("--workers", default="2,4")
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--import-concepts", type=int, default=1_000_000)
    ap.add_argument("--today-import-concepts", type=int, default=0)
    ap.add_argument("--formats", default="csv,tbx,json")
    ap.add_argument("--skip-search", action="store_true")
    ap.add_argument("--codes", default="new,today", help="which codes to serve")
    args = ap.parse_args()
    print(f"cpus: {os.cpu_count()}, load average at start: {os.getloadavg()}")
    if not args.skip_search:
        import search_bench

        db_path, q_path = search_bench.prepare(args.size, 1000)
        queries = [q["q"] for q in json.loads(q_path.read_text())]
        codes = [("new", ROOT)] + ([("today", args.today)] if args.today else [])
        codes = [c for c in codes if c[0] in args.codes.split(",")]
        rows = []
        for name, code in codes:
            db = WORK / f"scale-{name}" / "glossary.db"
            if db.parent.exists():
                shutil.rmtree(db.parent)
            db.parent.mkdir(parents=True)
            shutil.copy(db_path, db)
            if name == "new":
                r = write_index(db)
                print(
                    f"flask index at {args.size:,} terms: {r['seconds']:.1f} s "
                    f"(build and write), {r['bytes'] / 2**20:.0f} MiB file, "
                    f"peak RSS {r['peak_mib']:.0f} MiB; load {os.getloadavg()}",
                    flush=True,
                )
            for workers in (int(w) for w in args.workers.split(",")):
                h = serve(code, db, workers, queries, args.seconds)
                uss = ", ".join(f"{m['uss']:.0f}" for m in h["mem"])
                pss = ", ".join(f"{m['pss']:.0f}" for m in h["mem"])
                rss = ", ".join(f"{m['rss']:.0f}" for m in h["mem"])
                rows.append(
                    f"| {name} | {workers} | {h['first']:.1f} | {h['all_ready']:.1f} "
                    f"| {h['p50']:.2f} | {h['p95']:.2f} | {h['rps']:.0f} "
                    f"| {uss} | {pss} | {rss} "
                    f"| {max((m['index_rss'] for m in h['mem']), default=0):.0f} "
                    f"| {os.getloadavg()[0]:.1f} |"
                )
                print(rows[-1], flush=True)
        print()
        print(
            "| code | workers | first search s | all workers ready s | p50 ms "
            "| p95 ms | requests/s (4 clients) | USS MiB per worker "
            "| PSS MiB per worker | RSS MiB per worker | shared index file MiB "
            "| load (1 min) |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|---|---|---|---:|---:|")
        print("\n".join(rows))
    if args.import_concepts:
        import interchange_bench

        print()
        print(
            "| code | concepts | format | file size | import s | "
            "peak RSS (importer + reader process) | load |"
        )
        print("|---|---:|---|---:|---:|---:|---:|")
        runs = [("new", ROOT, args.import_concepts)]
        if args.today and args.today_import_concepts:
            runs.append(("today", args.today, args.today_import_concepts))
        for fmt in args.formats.split(","):
            for name, code, n in runs:
                source = WORK / f"import-{n}.{fmt}"
                if not source.exists():
                    interchange_bench.make_file(fmt, 3 * n, source)
                r = measure_import(code, fmt, source)
                mib = source.stat().st_size / 2**20
                if "error" in r:
                    print(f"| {name} | {n:,} | {fmt} | {mib:,.0f} MiB | {r['error']} |")
                    continue
                print(
                    f"| {name} | {n:,} | {fmt} | {mib:,.0f} MiB | {r['seconds']:.1f} "
                    f"| {r['peak_mib']:.0f} + {r.get('reader_peak_mib', 0):.0f} MiB "
                    f"| {os.getloadavg()[0]:.1f} |",
                    flush=True,
                )
    print(f"load average at end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
