"""Benchmark lookup: our index next to a rapidfuzz full scan and SQLite FTS5 trigram.

Not a test. One run prints one table (markdown) at every size asked for:

    python bench/search_bench.py                      # 10k, 100k, 1M; + HTTP at 1M
    python bench/search_bench.py --sizes 10000 --no-http

The corpus and the queries come from bench/corpus.py (Debian word lists; install
them with `apt-get install wamerican-large hunspell-ru hunspell-kk`). For each size
a real SQLite database is made with the app's own schema. Every engine is measured
in a fresh child process: build time, memory as the growth of the process's resident
set (RSS) over the build, latency per query and recall@1/@10. A query counts as
found when the intended concept, or a concept with exactly the same term, is ranked
first (@1) or among the first ten (@10). The full scan and FTS5 are slow at large
sizes, so they time a sample of the queries (the table says how many).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from http.client import HTTPConnection
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE)]

from glossary.search import normalise  # noqa: E402

WORK = Path(tempfile.gettempdir()) / "glossary-bench"


def rss_mb(pid: int | str = "self") -> float:
    """Resident set size of a process in MiB."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def release() -> None:
    gc.collect()
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except OSError:
        pass


# --- preparing a size -----------------------------------------------------------------


def prepare(size: int, n_queries: int) -> tuple[Path, Path]:
    """Write the SQLite database and the queries of SIZE; return their paths."""
    import corpus

    from glossary.db import connect, migrate

    WORK.mkdir(exist_ok=True)
    db_path = WORK / f"terms-{size}.db"
    q_path = WORK / f"queries-{size}.json"
    if db_path.exists() and q_path.exists():
        return db_path, q_path
    rows = corpus.corpus(size)
    if db_path.exists():
        db_path.unlink()
    db = connect(db_path)
    migrate(db)
    stamp = "2026-01-01T00:00:00Z"
    with db.conn:
        db.conn.executemany(
            "insert into concepts (id, domain, created_at, updated_at) "
            "values (?,?,?,?)",
            ((r["concept_id"], r["domain"], stamp, stamp) for r in rows),
        )
        db.conn.executemany(
            "insert into terms (concept_id, lang, text, status, position) "
            "values (?,?,?,?,0)",
            ((r["concept_id"], r["lang"], r["text"], r["status"]) for r in rows),
        )
        db.conn.execute("delete from search_changes")
    db.conn.close()
    same: dict[str, list[int]] = {}
    for r in rows:
        same.setdefault(normalise(r["text"]), []).append(r["concept_id"])
    by_id = {r["concept_id"]: normalise(r["text"]) for r in rows}
    qs = [
        {"kind": kind, "q": q, "ok": same[by_id[cid]][:50]}
        for kind, q, cid in corpus.queries(rows, n_queries)
    ]
    q_path.write_text(json.dumps(qs, ensure_ascii=False))
    return db_path, q_path


# --- engines (each run in a child process) --------------------------------------------


class Ours:
    name = "our index (trigram + prefix + variants, rapidfuzz re-rank)"

    def __init__(self, db_path: Path) -> None:
        from glossary.db import connect
        from glossary.lookup import Lookup

        self.db = connect(db_path)
        # In memory, as a process without index files (built, streamed from SQLite)
        self.lookup = Lookup()
        self.lookup.index(self.db)

    def search(self, q: str) -> list[int]:
        hits = self.lookup.index(self.db).search(q, limit=10)
        return [h.concept_id for h in hits]


class Scan:
    name = "rapidfuzz full scan (WRatio)"

    def __init__(self, db_path: Path) -> None:
        con = sqlite3.connect(db_path)
        self.keys, self.ids = [], []
        for cid, text in con.execute("select concept_id, text from terms"):
            self.keys.append(normalise(text))
            self.ids.append(cid)
        con.close()

    def search(self, q: str) -> list[int]:
        from rapidfuzz import fuzz, process

        out = process.extract(normalise(q), self.keys, scorer=fuzz.WRatio, limit=10)
        return [self.ids[i] for _, _, i in out]


class Fts:
    name = "SQLite FTS5 trigram + rapidfuzz re-rank"

    def __init__(self, db_path: Path) -> None:
        path = WORK / f"fts-{db_path.stem}.db"
        if path.exists():
            path.unlink()
        src = sqlite3.connect(db_path)
        self.con = sqlite3.connect(path, check_same_thread=False)
        self.con.execute(
            "create virtual table t using fts5(key, cid unindexed, tokenize='trigram')"
        )
        with self.con:
            self.con.executemany(
                "insert into t (key, cid) values (?, ?)",
                (
                    (normalise(text), cid)
                    for cid, text in src.execute("select concept_id, text from terms")
                ),
            )
            self.con.execute("insert into t (t) values ('optimize')")
        src.close()

    def search(self, q: str) -> list[int]:
        from rapidfuzz import fuzz, process

        key = normalise(q)
        grams = {key[i : i + 3] for i in range(len(key) - 2)}
        grams = [g for g in grams if '"' not in g]
        if not grams:
            return []
        match = " OR ".join(f'"{g}"' for g in grams)
        rows = self.con.execute(
            "select key, cid from t where t match ? order by rank limit 200", [match]
        ).fetchall()
        out = process.extract(key, [r[0] for r in rows], scorer=fuzz.WRatio, limit=10)
        return [rows[i][1] for _, _, i in out]


ENGINES = {"ours": Ours, "scan": Scan, "fts": Fts}


def child(engine: str, db_path: str, q_path: str, sample: int) -> None:
    """Measure one engine in this (fresh) process; print one JSON line."""
    import rapidfuzz  # noqa: F401

    from glossary.search.variants import _morph

    _morph()  # the Russian dictionaries are part of the process, not of the index
    queries = json.loads(Path(q_path).read_text())
    release()
    before = rss_mb()
    t0 = time.perf_counter()
    eng = ENGINES[engine](Path(db_path))
    build = time.perf_counter() - t0
    release()
    after = rss_mb()
    if sample and sample < len(queries):
        queries = random.Random(3).sample(queries, sample)
    times, at1, at10, kinds = [], 0, 0, {}
    for q in queries:
        t = time.perf_counter()
        ids = eng.search(q["q"])
        times.append(time.perf_counter() - t)
        ok = set(q["ok"])
        hit1 = bool(ids) and ids[0] in ok
        at1 += hit1
        at10 += bool(ok & set(ids[:10]))
        k = kinds.setdefault(q["kind"], [0, 0])
        k[0] += hit1
        k[1] += 1
    times.sort()
    print(
        json.dumps(
            {
                "engine": engine,
                "build": build,
                "rss_delta": after - before,
                "rss": after,
                "p50": statistics.median(times) * 1000,
                "p95": times[int(0.95 * (len(times) - 1))] * 1000,
                "at1": at1 / len(queries),
                "at10": at10 / len(queries),
                "n": len(queries),
                "kinds": kinds,
            }
        )
    )


def measure(engine: str, db_path: Path, q_path: Path, sample: int) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", engine, str(db_path), str(q_path),
         str(sample)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )  # fmt: skip
    if out.returncode:
        raise SystemExit(f"{engine} failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


# --- over HTTP with gunicorn ----------------------------------------------------------


def http_bench(db_path: Path, q_path: Path, seconds: float, clients: int) -> dict:
    """Serve DB_PATH with gunicorn (2 workers); one-client latency and throughput."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {
        **os.environ,
        "GLOSSARY_DATABASE": str(db_path),
        "GLOSSARY_SECRET_KEY": "bench",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}",
         "--timeout", "300", "--chdir", str(ROOT), "glossary:create_app()"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    queries = [q["q"] for q in json.loads(q_path.read_text())]

    def get(conn: HTTPConnection, q: str) -> None:
        conn.request("GET", "/api/v1/search?" + urllib.parse.urlencode({"q": q}))
        resp = conn.getresponse()
        resp.read()
        if resp.status != 200:
            raise RuntimeError(f"HTTP {resp.status} for {q!r}")

    try:
        deadline = time.monotonic() + 300
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/about", timeout=5)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        # Warm both workers: each builds its index on its first search.
        t0 = time.perf_counter()
        warm = [
            threading.Thread(target=get, args=(HTTPConnection("127.0.0.1", port), "x"))
            for _ in range(6)
        ]
        for t in warm:
            t.start()
        for t in warm:
            t.join()
        warm_s = time.perf_counter() - t0
        conn = HTTPConnection("127.0.0.1", port)
        times = []
        for q in queries:
            t = time.perf_counter()
            get(conn, q)
            times.append(time.perf_counter() - t)
        times.sort()
        count = [0] * clients
        stop = time.monotonic() + seconds

        def load(n: int) -> None:
            c = HTTPConnection("127.0.0.1", port)
            rng = random.Random(n)
            while time.monotonic() < stop:
                get(c, rng.choice(queries))
                count[n] += 1

        threads = [threading.Thread(target=load, args=(n,)) for n in range(clients)]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        rps = sum(count) / (time.perf_counter() - t0)
        workers = subprocess.run(
            ["ps", "-o", "pid=", "--ppid", str(server.pid)],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.split()
        worker_rss = [rss_mb(p) for p in workers]
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {
        "warm": warm_s,
        "p50": statistics.median(times) * 1000,
        "p95": times[int(0.95 * (len(times) - 1))] * 1000,
        "n": len(times),
        "rps": rps,
        "clients": clients,
        "worker_rss": worker_rss,
    }


# --- the run --------------------------------------------------------------------------


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--queries", type=int, default=1000)
    ap.add_argument("--scan-sample", type=int, default=0,
                    help="queries timed for the full scan (default: all at 10k, "
                    "300 at 100k, 50 at 1M)")  # fmt: skip
    ap.add_argument("--fts-sample", type=int, default=0)
    ap.add_argument("--no-http", action="store_true")
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        engine, db_path, q_path, sample = args.child
        child(engine, db_path, q_path, int(sample))
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"cpus: {os.cpu_count()}, load average at start: {os.getloadavg()}")
    lines = [
        "| terms | engine | build s | RSS growth MiB | process RSS MiB | p50 ms "
        "| p95 ms | recall@1 | recall@10 | queries |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    kinds_table = {}
    for size in sizes:
        t0 = time.perf_counter()
        db_path, q_path = prepare(size, args.queries)
        print(f"{size}: corpus and database ready in {time.perf_counter() - t0:.0f} s",
              flush=True)  # fmt: skip
        for engine in ("ours", "scan", "fts"):
            sample = 0  # every query
            if engine == "scan" and size > 10_000:
                sample = args.scan_sample or (300 if size <= 100_000 else 50)
            elif engine == "fts" and size > 10_000:
                sample = args.fts_sample or (300 if size <= 100_000 else 200)
            r = measure(engine, db_path, q_path, sample)
            lines.append(
                f"| {size:,} | {ENGINES[engine].name} | {r['build']:.1f} "
                f"| {r['rss_delta']:.0f} | {r['rss']:.0f} | {r['p50']:.2f} "
                f"| {r['p95']:.2f} | {r['at1']:.3f} | {r['at10']:.3f} | {r['n']} |"
            )
            print(lines[-1], flush=True)
            if engine == "ours":
                kinds_table[size] = r["kinds"]
    print()
    print("\n".join(lines))
    print()
    kinds = sorted({k for v in kinds_table.values() for k in v})
    print("recall@1 of our index by kind of query:")
    print("| terms | " + " | ".join(kinds) + " |")
    print("|---:|" + "---:|" * len(kinds))
    for size, v in kinds_table.items():
        cells = [f"{v[k][0] / v[k][1]:.2f}" if k in v else "" for k in kinds]
        print(f"| {size:,} | " + " | ".join(cells) + " |")
    if not args.no_http:
        size = max(sizes)
        db_path, q_path = prepare(size, args.queries)
        h = http_bench(db_path, q_path, args.seconds, args.clients)
        print()
        print(
            f"HTTP, gunicorn 2 workers, {size:,} terms: first search (both workers "
            f"build) {h['warm']:.1f} s; one client p50 {h['p50']:.2f} ms, p95 "
            f"{h['p95']:.2f} ms over {h['n']} queries; {h['clients']} clients: "
            f"{h['rps']:.0f} requests/s; worker RSS "
            + ", ".join(f"{m:.0f}" for m in h["worker_rss"])
            + " MiB"
        )
    print(f"load average at end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
