"""Benchmark the term index on real vocabulary: build time, latency, recall@1.

Not a test. Run: python bench/search_bench.py [--sizes 1000,10000,100000]
The corpus is the Apertium en/ru/kk triples from shared/data (reference data,
never glossary content); each triple becomes one concept of three terms.
"""

from __future__ import annotations

import argparse
import csv
import random
import statistics
import time
import tracemalloc
from pathlib import Path

from glossary.search import SearchIndex, to_kazakh_latin

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"


def load_rows(limit: int) -> list[dict]:
    """Return up to LIMIT term rows (three per triple) from the Apertium extract."""
    rows: list[dict] = []
    with open(DATA / "apertium_triples.csv", encoding="utf-8", newline="") as f:
        for i, triple in enumerate(csv.DictReader(f), 1):
            for lang in ("en", "ru", "kk"):
                rows.append({"concept_id": i, "domain": "general", "lang": lang,
                             "text": triple[lang], "status": "preferred"})
            if len(rows) >= limit:
                return rows[:limit]
    return rows


def typo(word: str, rng: random.Random) -> str:
    """Return WORD with one character deleted or two swapped."""
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    if rng.random() < 0.5:
        return word[:i] + word[i + 1:]
    return word[:i] + word[i + 1] + word[i] + word[i + 2:]


def queries(rows: list[dict], n: int, seed: int = 7) -> list[tuple[str, str, int]]:
    """Return (kind, query, expected concept) triples drawn from ROWS."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        r = rng.choice(rows)
        kind = rng.choice(["exact", "prefix", "typo", "latin"])
        text = r["text"]
        if kind == "prefix":
            text = text[: max(3, len(text) // 2)]
        elif kind == "typo":
            text = typo(text, rng)
        elif kind == "latin":
            if r["lang"] != "kk":
                kind = "exact"
            else:
                text = to_kazakh_latin(text)
        out.append((kind, text, r["concept_id"]))
    return out


def run(size: int, n_queries: int) -> dict:
    """Measure one corpus size."""
    rows = load_rows(size)
    tracemalloc.start()
    t0 = time.perf_counter()
    index = SearchIndex(rows)
    build = time.perf_counter() - t0
    memory = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    times, hits1 = [], 0
    texts = {}
    for r in rows:
        texts.setdefault(r["concept_id"], set()).add(r["text"])
    for _kind, q, expected in queries(rows, n_queries):
        t0 = time.perf_counter()
        results = index.search(q, limit=10)
        times.append((time.perf_counter() - t0) * 1000)
        # Homographs are common in a dictionary: a rank-1 concept that has the
        # same term text as the expected one counts as found.
        if results and (results[0].concept_id == expected
                        or results[0].text in texts[expected]):
            hits1 += 1
    times.sort()
    return {
        "terms": len(rows), "build_s": build, "mem_mb": memory,
        "p50_ms": statistics.median(times),
        "p95_ms": times[int(len(times) * 0.95) - 1],
        "recall1": hits1 / len(times),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,10000,99000")
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    print("| terms | build (s) | peak memory (MB) | p50 (ms) | p95 (ms) | recall@1 |")
    print("|---:|---:|---:|---:|---:|---:|")
    for size in map(int, args.sizes.split(",")):
        r = run(size, args.queries)
        print(f"| {r['terms']:,} | {r['build_s']:.2f} | {r['mem_mb']:.0f} | "
              f"{r['p50_ms']:.1f} | {r['p95_ms']:.1f} | {r['recall1']:.2f} |")


if __name__ == "__main__":
    main()
