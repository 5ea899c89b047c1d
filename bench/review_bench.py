"""Benchmark the review workflow's data layer on the seeded glossary.

Not a test. Run: python bench/review_bench.py [--rounds 200]
Prints a Markdown table: sign-in check, submit, approve (apply + history in one
transaction), reject, history of a much-edited entry, and decisions raced by
four reviewer threads (each with its own connection, as worker processes have).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
from pathlib import Path

from glossary import ROOT, accounts, proposals
from glossary.db import connect
from glossary.startup import prepare_database

PASSWORD = "correct horse battery"


def timed(fn, rounds: int) -> list[float]:
    """Run FN ROUNDS times; return each duration in milliseconds."""
    out = []
    for i in range(rounds):
        start = time.perf_counter()
        fn(i)
        out.append((time.perf_counter() - start) * 1000)
    return out


def row(name: str, samples: list[float]) -> str:
    samples = sorted(samples)
    p95 = samples[int(len(samples) * 0.95) - 1] if len(samples) > 1 else samples[0]
    return (
        f"| {name} | {len(samples)} | {statistics.median(samples):.2f} | "
        f"{p95:.2f} | {max(samples):.2f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=200)
    rounds = parser.parse_args().rounds
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        prepare_database(path, ROOT / "terms.csv")
        db = connect(path)
        translator = accounts.create_user(db, "bench_t", PASSWORD)
        reviewer = accounts.create_user(db, "bench_r", PASSWORD, role="reviewer")
        others = [
            accounts.create_user(db, f"bench_r{i}", PASSWORD, role="reviewer")
            for i in range(3)
        ]

        def note(i: int) -> dict:
            return {"kind": "note", "concept_id": 1 + i % 300, "text": f"bench {i}"}

        lines = [
            "| operation | n | median ms | p95 ms | max ms |",
            "|---|---|---|---|---|",
        ]
        lines.append(
            row(
                "sign-in check (scrypt)",
                timed(lambda i: accounts.authenticate(db, "bench_t", PASSWORD), 20),
            )
        )
        lines.append(
            row(
                "sign-in, unknown user (dummy hash)",
                timed(lambda i: accounts.authenticate(db, "nobody", PASSWORD), 20),
            )
        )
        ids: list[int] = []
        lines.append(
            row(
                "submit a note proposal",
                timed(
                    lambda i: ids.append(
                        proposals.submit(db, note(i), translator)["id"]
                    ),
                    rounds,
                ),
            )
        )
        lines.append(
            row(
                "approve (apply + history)",
                timed(lambda i: proposals.approve(db, ids[i], reviewer), rounds // 2),
            )
        )
        lines.append(
            row(
                "reject with reason",
                timed(
                    lambda i: proposals.reject(
                        db, ids[rounds // 2 + i], reviewer, "no"
                    ),
                    rounds // 2,
                ),
            )
        )
        for i in range(100):
            p = proposals.submit(
                db, {"kind": "note", "concept_id": 1, "text": f"edit {i}"}, translator
            )
            proposals.approve(db, p["id"], reviewer)
        lines.append(
            row(
                "history page data, 100+ changes",
                timed(lambda i: proposals.history_entries(db, 1), 20),
            )
        )

        race = [proposals.submit(db, note(i), translator)["id"] for i in range(rounds)]
        wins, conflicts = [], []
        lock = threading.Lock()

        def worker(who: dict) -> None:
            conn = connect(path)
            for pid in race:
                try:
                    proposals.approve(conn, pid, who)
                    with lock:
                        wins.append(pid)
                except proposals.Conflict:
                    with lock:
                        conflicts.append(pid)
            conn.close()

        threads = [
            threading.Thread(target=worker, args=(r,)) for r in [reviewer, *others]
        ]
        start = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - start
        db.close()
    print("\n".join(lines))
    print()
    print(
        f"4 reviewers racing on {len(race)} proposals: {len(set(wins))} decided, "
        f"{len(wins)} decisions counted, {len(conflicts)} told 'already decided', "
        f"{len(race) / elapsed:.0f} proposals/s."
    )


if __name__ == "__main__":
    main()
