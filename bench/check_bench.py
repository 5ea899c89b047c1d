"""Benchmark the text check: a 10,000-word text against the term base, next to a
naive peer (every term of the text's language searched with a regular expression).

Not a test. One run prints markdown tables:

    python bench/check_bench.py                     # seeded glossary and 1M terms
    python bench/check_bench.py --sizes 100000 --runs 3

Glossaries: the seeded glossary (terms.csv) and the 1,000,000-term stress corpus of
bench/corpus.py (Debian word lists: apt-get install wamerican-large hunspell-ru
hunspell-kk). Texts: for each language, seeded 10,000-word texts of sentences made
of the glossary's own terms (a third of them inflected: Russian genitive plural by
pymorphy3, Kazakh genitive by vowel harmony, English plural) among words of the
Debian word list of that language, with commas, full stops and line breaks.

Our check: glossary.check.CheckIndex.check(text, lang), in process, on an index
built from the rows (its build time and memory are reported). Each run checks a
different text with the word caches emptied first (cold); "warm" checks the same
text again. The naive peer runs re.finditer(r"\\b" + re.escape(term) + r"\\b",
text, re.IGNORECASE) for every term of the text's language; on 1M terms that takes
minutes, so it times a random sample of the terms and scales up (the table says
how many were timed). "found" counts the occurrences each one marks.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import re
import statistics
import sys
import time
from itertools import accumulate
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE)]

from glossary.check import CheckIndex, forms  # noqa: E402
from glossary.check import index as check_index  # noqa: E402
from glossary.interchange.csvfile import read_concepts_csv  # noqa: E402

LANGS = ("en", "ru", "kk")


def rss_mb() -> float:
    """Return this process's resident set size in MiB."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def seed_rows() -> list[dict]:
    """Return the seeded glossary's term rows (terms.csv)."""
    with open(ROOT / "terms.csv", encoding="utf-8-sig", newline="") as f:
        records = read_concepts_csv(f).records
    return [
        {
            "concept_id": r["id"],
            "lang": t["lang"],
            "text": t["text"],
            "status": t["status"],
        }
        for r in records
        for t in r["terms"]
    ]


def inflect(lang: str, term: str) -> str:
    """Return TERM with its last word inflected (or as it is)."""
    import corpus

    if lang == "ru":
        return corpus.russian_inflected(term) or term
    if lang == "kk":
        *head, last = term.split()
        return " ".join([*head, corpus.kazakh_genitive(last)])
    return term + ("es" if term.endswith(("s", "x", "ch", "sh")) else "s")


def make_text(
    lang: str, terms: list[str], fillers: list[str], n_words: int, seed: int
) -> str:
    """Return about N_WORDS words of LANG: terms (a third inflected) among fillers.

    Filler words follow Zipf's law over a shuffled word list, as words of a real
    text do (about 3,000 distinct words in 10,000).
    """
    rng = random.Random(seed)
    vocabulary = rng.sample(fillers, min(len(fillers), 50_000))
    weights = list(accumulate(1 / (r + 1) for r in range(len(vocabulary))))
    out: list[str] = []
    count = 0
    sentence = 0
    while count < n_words:
        if rng.random() < 0.35:
            term = rng.choice(terms)
            piece = inflect(lang, term) if rng.random() < 0.33 else term
        else:
            piece = rng.choices(vocabulary, cum_weights=weights)[0]
        out.append(piece)
        count += len(piece.split())
        sentence += 1
        if sentence >= rng.randint(8, 16):
            out[-1] += rng.choice([".", ".", ",", ".\n", "!"])
            sentence = 0
    return " ".join(out).replace("\n ", "\n")


def naive(terms: list[str], text: str) -> int:
    """The naive peer: every term searched in TEXT with a regular expression."""
    found = 0
    for term in terms:
        pattern = re.compile(r"\b" + re.escape(term) + r"\b", re.IGNORECASE)
        found += sum(1 for _ in pattern.finditer(text))
    return found


def cold(index=None) -> None:
    """Empty the word caches, as in a fresh process (the index's own too)."""
    forms.text_keys.cache_clear()
    forms.russian_lemmas.cache_clear()
    forms.plain.cache_clear()
    forms.kazakh_word_readings.cache_clear()
    forms.ending_chain.cache_clear()
    check_index.text_hashes.cache_clear()
    check_index._how.cache_clear()
    check_index._closeness.cache_clear()
    if index is not None:
        index.forget_words()


def bench(name: str, make_rows, fillers: dict, args) -> list[dict]:
    """Build the index of the rows and time the check and the naive peer per language.

    The rows (a million dicts) are dropped before anything is timed: a worker
    holds the index, not the rows, and the garbage collector would otherwise
    walk them on every collection.
    """
    import corpus

    rows = make_rows()
    n_terms = len(rows)
    gc.collect()
    before = rss_mb()
    t, c = time.perf_counter(), time.process_time()
    index = CheckIndex(rows)
    build = time.perf_counter() - t
    build_cpu = time.process_time() - c
    gc.collect()
    grown = rss_mb() - before
    by_lang = {lang: [r["text"] for r in rows if r["lang"] == lang] for lang in LANGS}
    del rows
    corpus.corpus.cache_clear()
    gc.collect()
    # What this process holds besides the index (the bench's word lists) is no
    # worker's: out of the collector's way, as textcheck freezes a big index.
    gc.freeze()
    print(
        f"{name}: {n_terms:,} terms, build {build:.1f} s ({build_cpu:.1f} s CPU), "
        f"+{grown:.0f} MiB",
        flush=True,
    )
    results = []
    rng = random.Random(3)
    for lang in LANGS:
        terms = by_lang[lang]
        texts = [
            make_text(lang, terms, fillers[lang], args.words, seed)
            for seed in range(args.runs)
        ]
        times, cpu, found = [], [], 0
        for text in texts:
            cold(index)
            t, c = time.perf_counter(), time.process_time()
            matches = index.check(text, lang)
            times.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
            found = len({(m.start, m.end) for m in matches})
        t, c = time.perf_counter(), time.process_time()
        index.check(texts[-1], lang)
        warm = time.perf_counter() - t
        warm_cpu = time.process_time() - c
        sample = (
            terms
            if len(terms) <= args.naive_sample
            else rng.sample(terms, args.naive_sample)
        )
        t = time.perf_counter()
        naive_found = naive(sample, texts[-1])
        naive_s = (time.perf_counter() - t) * len(terms) / len(sample)
        words = len(texts[-1].split())
        results.append(
            {
                "glossary": name,
                "terms": n_terms,
                "build": build,
                "build_cpu": build_cpu,
                "mem": grown,
                "lang": lang,
                "words": words,
                "p50": statistics.median(times) * 1000,
                "max": max(times) * 1000,
                "warm": warm * 1000,
                "cpu": statistics.median(cpu) * 1000,
                "warm_cpu": warm_cpu * 1000,
                "found": found,
                "naive": naive_s * 1000,
                "naive_found": naive_found if len(sample) == len(terms) else None,
                "naive_timed": len(sample),
                "lang_terms": len(terms),
            }
        )
        print(results[-1], flush=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000000", help="corpus sizes ('' for none)")
    parser.add_argument("--words", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--naive-sample", type=int, default=20_000)
    args = parser.parse_args()
    import corpus

    print(f"load average at start: {os.getloadavg()}", flush=True)
    fillers = {lang: corpus.words(lang) for lang in LANGS}
    results = bench("seeded glossary", seed_rows, fillers, args)
    for size in [int(s) for s in args.sizes.split(",") if s]:
        results += bench(
            f"{size:,}-term corpus",
            lambda size=size: corpus.corpus(size),
            fillers,
            args,
        )
    print(f"load average at end: {os.getloadavg()}")
    print()
    print(
        "| glossary | terms | build s (CPU) | index MiB | text | words | our p50 ms "
        "| our max ms | our p50 CPU ms | warm ms (CPU) | occurrences found "
        "| naive regex ms | naive terms timed |"
    )
    print("|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(
            f"| {r['glossary']} | {r['terms']:,} "
            f"| {r['build']:.1f} ({r['build_cpu']:.1f}) | {r['mem']:.0f} "
            f"| {r['lang']} | {r['words']:,} | {r['p50']:.1f} | {r['max']:.1f} "
            f"| {r['cpu']:.1f} | {r['warm']:.1f} ({r['warm_cpu']:.1f}) "
            f"| {r['found']:,} | {r['naive']:,.0f} "
            f"| {r['naive_timed']:,} of {r['lang_terms']:,} |"
        )


if __name__ == "__main__":
    main()
