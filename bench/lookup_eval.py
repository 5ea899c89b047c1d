"""Evaluate lookup: recall@1 and recall@10 per kind of query, next to a naive scan.

Not a test. Queries are generated from the terms themselves (seeded), in every
category the issue names, over the term base (terms.csv) and over the benchmark
corpus (bench/corpus.py, up to 1,000,000 terms):

    python bench/lookup_eval.py                         # the term base only
    nice -n 5 python bench/lookup_eval.py --corpus 1000000 --queries 2400

A query is found @1 (@10) when one of its targets is first (among the first ten).
Its targets are the intended concept and every concept with the same normalised
term; a phrase made of two entries is found @10 when both are among the first ten.
A typo query is "resolvable" when its intended term is strictly closer to it (in
restricted Damerau–Levenshtein, OSA, edits) than any other term of the corpus:
only then can any engine be expected to put it first. The naive peer is a
rapidfuzz full scan (``process.extract(normalise(q), keys, scorer=WRatio,
limit=10)``) over a sample of each category.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from bisect import bisect_left
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE)]

from rapidfuzz import fuzz, process  # noqa: E402
from rapidfuzz.distance import OSA  # noqa: E402

from glossary.search import SearchIndex, fold_kazakh, normalise  # noqa: E402
from glossary.search.latin import to_kazakh_latin  # noqa: E402
from glossary.search.morphology import query_forms  # noqa: E402
from tests.paradigms import (  # noqa: E402
    english_inflections,
    paradigm,
    russian_inflections,
    term_base,
)

_RU_LATIN = "a b v g d e zh z i y k l m n o p r s t u f kh ts ch sh shch _ y _ e yu ya"
RU_LATIN = dict(zip("абвгдежзийклмнопрстуфхцчшщъыьэюя", _RU_LATIN.split(), strict=True))
RU_LATIN["ъ"] = RU_LATIN["ь"] = ""
KK_ASCII = {**RU_LATIN, "ә": "a", "ғ": "gh", "қ": "q", "ң": "ng", "ө": "o", "ұ": "u",
            "ү": "u", "һ": "h", "і": "i", "у": "u", "х": "kh"}  # fmt: skip
KK_2018 = {**KK_ASCII, "ә": "á", "ғ": "ǵ", "ң": "ń", "ө": "ó", "ү": "ú", "у": "ý",
           "ш": "sh", "ч": "ch", "і": "i", "и": "ı", "й": "ı", "ы": "y", "ұ": "u",
           "қ": "q", "ж": "j", "х": "h", "һ": "h"}  # fmt: skip
KK_2017 = {**KK_ASCII, "ә": "a'", "ғ": "g'", "и": "i'", "й": "i'", "ң": "n'",
           "ө": "o'", "ү": "u'", "у": "y'", "ш": "s'", "ч": "c'", "і": "i", "ұ": "u",
           "ы": "y", "қ": "q", "ж": "j", "х": "h", "һ": "h"}  # fmt: skip
TO_KEYS = dict(zip("йцукенгшщзхъфывапролджэячсмитьбюё",
                   "qwertyuiop[]asdfghjkl;'zxcvbnm,.`", strict=True))  # fmt: skip
TO_KEYS.update(zip("әіңғүұқөһ", "2345890-=", strict=True))

TYPO_KINDS = {
    "typo1 one word",
    "typo1 phrase",
    "typo2 long word",
    "typo2 phrase",
    "space",
}
CATEGORIES = [
    "exact", "case", "prefix", "latin 2021", "latin 2018", "latin 2017",
    "latin ascii", "look-alike", "translit", "layout", "kk paradigm", "ru forms",
    "en forms", "typo1 one word", "typo1 phrase", "typo2 long word", "typo2 phrase",
    "space", "phrase of entries",
]  # fmt: skip


# --- making queries -------------------------------------------------------------------


def edit(word: str, rng: random.Random, letters: str) -> str:
    """Return WORD with one random edit (delete, insert, substitute, swap)."""
    i = rng.randrange(1, len(word))
    op = rng.choice("dist" if i < len(word) - 1 else "dis")
    if op == "d":
        return word[:i] + word[i + 1 :]
    if op == "i":
        return word[:i] + rng.choice(letters) + word[i:]
    if op == "s":
        return (
            word[:i] + rng.choice(letters.replace(word[i], "") or "a") + word[i + 1 :]
        )
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def unique_prefix(key: str, sorted_keys: list[str]) -> str | None:
    """Return the shortest prefix of KEY, two thirds of it or more, that begins no
    other term (what a user types before autocomplete can know the term)."""
    for n in range(max(4, len(key) * 2 // 3), len(key)):
        p = key[:n]
        lo = bisect_left(sorted_keys, p)
        hi = bisect_left(sorted_keys, p + "\U0010ffff", lo)
        if all(k == key for k in sorted_keys[lo:hi]):
            return p
    return None


def form_of_another_term(query: str, key: str, by_key) -> bool:
    """Is QUERY an inflected form of a term other than KEY (kuis of kui)?

    The engine's analyser only proposes the dictionary forms; the generators of
    the tests (written apart from it) must produce QUERY from one of them.
    """
    *head, last = query.split()
    for lemma in query_forms(last):
        other = " ".join([*head, lemma])
        if other == key or other == query or other not in by_key:
            continue
        forms = (
            english_inflections(lemma, "noun")
            | english_inflections(lemma, "verb")
            | paradigm(lemma)
        )
        if last in forms or query in russian_inflections(other):
            return True
    return False


def make_query(category: str, row: dict, rng: random.Random, rows_by_key) -> str | None:
    """Return a query of CATEGORY made from ROW's term, or None if it cannot be made."""
    text, lang = row["text"], row["lang"]
    key = normalise(text)
    words = key.split()
    letters = "".join(sorted(set(key.replace(" ", "")))) or "a"
    if category == "exact":
        return text
    if category == "case":
        return text.upper() if rng.random() < 0.5 else text.title()
    if category == "prefix":
        return unique_prefix(key, rows_by_key)
    if lang == "kk" and category.startswith("latin"):
        table = {"latin 2018": KK_2018, "latin 2017": KK_2017, "latin ascii": KK_ASCII}
        if category == "latin 2021":
            return to_kazakh_latin(key)
        return "".join(table[category].get(c, c) for c in key)
    if category == "look-alike" and lang == "kk":
        folded = fold_kazakh(key)
        return folded if folded != key else None
    if category == "translit" and lang == "ru":
        return "".join(RU_LATIN.get(c, c) for c in key)
    if category == "layout" and lang in ("ru", "kk"):
        return "".join(TO_KEYS.get(c, c) for c in key)
    if category == "kk paradigm" and lang == "kk":
        forms = sorted(paradigm(words[-1]) - {words[-1]})
        return " ".join(words[:-1] + [rng.choice(forms)])
    if category == "ru forms" and lang == "ru":
        forms = sorted(russian_inflections(key) - {key})
        return rng.choice(forms) if forms else None
    if category == "en forms" and lang == "en":
        pos = "verb" if rng.random() < 0.3 else "noun"
        forms = sorted(english_inflections(words[-1], pos))
        return " ".join(words[:-1] + [rng.choice(forms)]) if forms else None
    long_words = [n for n, w in enumerate(words) if len(w) >= 8]
    typo_words = [n for n, w in enumerate(words) if len(w) >= 5]
    if category == "typo1 one word" and len(words) == 1 and typo_words:
        return edit(key, rng, letters)
    if category == "typo2 long word" and long_words:
        n = rng.choice(long_words)
        words[n] = edit(edit(words[n], rng, letters), rng, letters)
        return " ".join(words)
    if category == "typo1 phrase" and len(words) > 1 and typo_words:
        n = rng.choice(typo_words)
        words[n] = edit(words[n], rng, letters)
        return " ".join(words)
    if category == "typo2 phrase" and len(typo_words) > 1:
        for n in rng.sample(typo_words, 2):
            words[n] = edit(words[n], rng, letters)
        return " ".join(words)
    if category == "space" and len(words) > 1:
        n = rng.randrange(len(words) - 1)
        if rng.random() < 0.5:  # two words run together
            return " ".join(words[:n] + [words[n] + words[n + 1]] + words[n + 2 :])
        w = words[n]  # a space inside a word
        if len(w) < 5:
            return None
        cut = rng.randrange(2, len(w) - 1)
        return " ".join(words[:n] + [w[:cut], w[cut:]] + words[n + 1 :])
    return None


def make_queries(rows: list[dict], per_category: int, seed: int = 11) -> list[dict]:
    """Return PER_CATEGORY queries of each category: dicts with the targets."""
    rng = random.Random(seed)
    by_key: dict[str, set[int]] = defaultdict(set)
    for r in rows:
        by_key[normalise(r["text"])].add(r["concept_id"])
    single = [r for r in rows if len(normalise(r["text"]).split()) == 1]
    sorted_keys = sorted(by_key)
    out = []
    for category in CATEGORIES:
        made, tries = 0, 0
        while made < per_category and tries < per_category * 400:
            tries += 1
            if category == "phrase of entries":
                a, b = rng.choice(single), rng.choice(single)
                ka, kb = normalise(a["text"]), normalise(b["text"])
                q = f"{ka} {kb}"
                if a["lang"] != b["lang"] or ka == kb or q in by_key:
                    continue
                targets = [sorted(by_key[ka]), sorted(by_key[kb])]
                out.append({"category": category, "q": q, "targets": targets})
                made += 1
                continue
            row = rng.choice(rows)
            q = make_query(category, row, rng, sorted_keys)
            if not q or normalise(q) == "":
                continue
            key = normalise(row["text"])
            if category not in ("exact", "case") and normalise(q) in by_key:
                # the form is another term: that entry is the right answer
                if normalise(q) != key:
                    continue
            if category == "prefix" and form_of_another_term(q, key, by_key):
                continue  # kuis: the plural of kui, the right answer, not kuishi
            out.append(
                {
                    "category": category,
                    "q": q,
                    "targets": [sorted(by_key[key])],
                    "key": key,
                }
            )
            made += 1
    return out


def mark_resolvable(queries: list[dict], keys: list[str]) -> None:
    """Mark typo queries whose intended term is strictly the closest term of all."""
    for q in queries:
        if q["category"] not in TYPO_KINDS:
            continue
        query = normalise(q["q"])
        mine = OSA.distance(query, q["key"])
        best = process.extract(
            query, keys, scorer=OSA.distance, limit=2, score_cutoff=mine
        )
        q["resolvable"] = mine == best[0][1] and (len(best) < 2 or best[1][1] > mine)


# --- scoring ------------------------------------------------------------------------


def russian_lemmas(key: str) -> tuple[str, ...]:
    """The dictionary form of each word of a Russian KEY (pymorphy3's best parse)."""
    from tests.paradigms import _morph_ru

    return tuple(_morph_ru().parse(w)[0].normal_form for w in key.split())


def found(q: dict, results: list[tuple[int, str]]) -> tuple[bool, bool]:
    """Was Q found first, and among the first ten?

    A Russian form that is also a form of another term (креативных индустриях of
    креативная индустрия and of креативные индустрии) is found by either.
    """
    ranked = [cid for cid, _ in results]
    if q["category"] == "ru forms" and results:
        same = russian_lemmas(results[0][1]) == russian_lemmas(q["key"])
        if same and not (set(q["targets"][0]) & set(ranked[:1])):
            return True, True
    if len(q["targets"]) == 2:  # a phrase of two entries: both are wanted
        a, b = (set(t) for t in q["targets"])
        top = set(ranked[:10])
        return bool(ranked) and ranked[0] in a | b, bool(a & top and b & top)
    targets = set(q["targets"][0])
    return bool(ranked) and ranked[0] in targets, bool(targets & set(ranked[:10]))


def evaluate(name: str, search, queries: list[dict]) -> dict:
    """Run every query; return recall per category and latencies."""
    per: dict[str, list[tuple[bool, bool]]] = defaultdict(list)
    times = []
    for q in queries:
        t = time.perf_counter()
        ranked = search(q["q"])
        times.append((time.perf_counter() - t) * 1000)
        hit = found(q, ranked)
        q[name] = hit
        per[q["category"]].append(hit)
        if q.get("resolvable"):
            per[q["category"] + " (resolvable)"].append(hit)
    times.sort()
    return {
        "name": name,
        "per": per,
        "p50": statistics.median(times) if times else 0.0,
        "p95": times[int(len(times) * 0.95) - 1] if times else 0.0,
    }


def table(results: list[dict], queries: list[dict]) -> str:
    """The recall table; "ours on n" is ours on the very queries the naive scan ran."""
    ours, naive = results
    lines = [
        "| category | queries | ours r@1 | ours r@10 | naive n | ours on n r@1 "
        "| ours on n r@10 | naive r@1 | naive r@10 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    same: dict[str, list[tuple[bool, bool]]] = defaultdict(list)
    for q in queries:
        if "naive" in q:
            same[q["category"]].append(q["ours"])
            if q.get("resolvable"):
                same[q["category"] + " (resolvable)"].append(q["ours"])
    cats = []
    for c in CATEGORIES:
        cats.append(c)
        if c in TYPO_KINDS:
            cats.append(c + " (resolvable)")
    for c in cats + ["all"]:
        if c == "all":
            o = [x for k, v in ours["per"].items() if "(" not in k for x in v]
            n = [x for k, v in naive["per"].items() if "(" not in k for x in v]
            on = [x for k, v in same.items() if "(" not in k for x in v]
        else:
            o, n = ours["per"].get(c, []), naive["per"].get(c, [])
            on = same.get(c, [])
        if not o:
            continue

        def r(xs, i):
            return f"{sum(x[i] for x in xs) / len(xs):.3f}" if xs else "–"

        cells = [c, len(o), r(o, 0), r(o, 1), len(n), r(on, 0), r(on, 1)]
        cells += [r(n, 0), r(n, 1)]
        lines.append("| " + " | ".join(map(str, cells)) + " |")
    return "\n".join(lines)


def run(
    rows: list[dict], per_category: int, naive_sample: int, label: str, misses: bool
) -> None:
    """Build, evaluate and print the tables for one corpus."""
    t = time.perf_counter()
    index = SearchIndex(rows)
    build = time.perf_counter() - t
    keys = [normalise(r["text"]) for r in rows]
    concept_of = [r["concept_id"] for r in rows]
    queries = make_queries(rows, per_category)
    t = time.perf_counter()
    mark_resolvable(queries, keys)
    resolve_s = time.perf_counter() - t

    def ours(q: str) -> list[tuple[int, str]]:
        return [(h.concept_id, normalise(h.text)) for h in index.search(q, limit=10)]

    def naive(q: str) -> list[tuple[int, str]]:
        found = process.extract(normalise(q), keys, scorer=fuzz.WRatio, limit=10)
        return [(concept_of[n], keys[n]) for _, _, n in found]

    rng = random.Random(5)
    by_cat = defaultdict(list)
    for q in queries:
        by_cat[q["category"]].append(q)
    sample = [q for c in CATEGORIES for q in by_cat[c][:naive_sample]]
    rng.shuffle(sample)
    results = [evaluate("ours", ours, queries), evaluate("naive", naive, sample)]
    load = os.getloadavg()
    print(f"\n### {label}: {len(rows):,} terms, {len(queries):,} queries\n")
    print(
        f"Build {build:.1f} s; ours p50 {results[0]['p50']:.2f} ms, "
        f"p95 {results[0]['p95']:.2f} ms (in process, one query at a time); "
        f"naive scan p50 {results[1]['p50']:.1f} ms, p95 {results[1]['p95']:.1f} ms "
        f"on {len(sample)} queries; resolvability check {resolve_s:.0f} s; "
        f"load average {load[0]:.1f}\n"
    )
    print(table(results, queries))
    if misses:
        print("\nNot among ours' first ten (query, category, resolvable):")
        for q in queries:
            if not q["ours"][1]:
                print(f"- {q['q']!r} ({q['category']}, {bool(q.get('resolvable'))})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=int, default=0, help="also N corpus terms")
    parser.add_argument("--queries", type=int, default=2400, help="per corpus")
    parser.add_argument(
        "--naive", type=int, default=15, help="naive sample per kind in the corpus"
    )
    parser.add_argument(
        "--misses", action="store_true", help="list the queries ours misses @10"
    )
    args = parser.parse_args()
    per_category = -(-args.queries // len(CATEGORIES))
    run(term_base(), per_category, per_category, "Term base", args.misses)
    if args.corpus:
        import corpus

        rows = corpus.corpus(args.corpus)
        run(rows, per_category, args.naive, "Corpus", args.misses)


if __name__ == "__main__":
    main()
