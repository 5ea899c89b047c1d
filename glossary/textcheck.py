"""Data layer of the text check: the check index of the term base, kept fresh.

The check index (glossary.check) is built from the same rows as the search index
and kept fresh the same way: every call reads the change counter
(`meta.generation`); concepts logged in `search_changes` since this process built
its index are re-indexed on top of it (a full rebuild after PATCH_LIMIT of them,
or when the log was pruned past what it saw). `check_index()` is the one entry
point; its state is plain arrays that can be rebuilt from the rows.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import sqlite_utils

from . import concepts
from .check import (
    CheckIndex,
    LayeredCheckIndex,
    Match,
    check_translation,
    guess_languages,
)
from .check.index import BIG_BUILD, concept_counts
from .check.qa import aligned_lines as aligned_lines
from .db import read_transaction
from .interchange.csvfile import header_for, iter_concepts_csv, slots_needed
from .interchange.tbx import iter_tbx
from .model import LANGS
from .search import to_kazakh_latin

# The rows of the search index (glossary.concepts): one per term.
TERM_ROWS = (
    "select t.concept_id, c.domain, t.lang, t.text, t.status from terms t "
    "join concepts c on c.id = t.concept_id"
)
PATCH_LIMIT = 2000  # past this many changed concepts a rebuild beats a patch
MAX_TEXT_BYTES = 1_000_000  # "at most 1 MB of text" (UTF-8)
MAX_JOB_CONCEPTS = 100_000

_INDEXES: dict[str, _Cached] = {}
_LOCK = threading.Lock()


class _Cached:
    """One process's check index of one database and how fresh it is."""

    def __init__(self, generation: int, change_id: int, base: CheckIndex) -> None:
        self.generation = generation
        self.change_id = change_id  # the last search_changes row it includes
        self.base = base
        self.changed: set[int] = set()
        self.index: CheckIndex | LayeredCheckIndex = base


def check_index(
    db: sqlite_utils.Database, cache_key: str
) -> CheckIndex | LayeredCheckIndex:
    """Return this process's check index of the term base, brought up to date."""
    current = concepts.generation(db)
    cached = _INDEXES.get(cache_key)
    if cached and cached.generation == current:
        return cached.index
    with _LOCK:
        cached = _INDEXES.get(cache_key)
        if cached and cached.generation == concepts.generation(db):
            return cached.index
        # One read transaction: the counter, the log and the terms agree.
        with read_transaction(db):
            patched = _patch(db, cached)
            if patched is not None:
                return patched
            current = concepts.generation(db)
            last = concepts.change_log_range(db)[1]
            base = CheckIndex(db.query(TERM_ROWS))
        if len(base) >= BIG_BUILD:
            # A big index is hundreds of thousands of long-lived objects: out of
            # the garbage collector's generations, no full collection walks
            # them again (each would pause a check by tens of milliseconds).
            gc.freeze()
        cached = _INDEXES[cache_key] = _Cached(current, last, base)
        return cached.index


def _patch(
    db: sqlite_utils.Database, cached: _Cached | None
) -> CheckIndex | LayeredCheckIndex | None:
    """Lay the concepts changed since CACHED was built over it, if they are few."""
    if cached is None:
        return None
    current = concepts.generation(db)
    first, last = concepts.change_log_range(db)
    if first > cached.change_id + 1:
        return None  # the log was pruned past what this process saw
    changed = cached.changed | concepts.changed_since(db, cached.change_id)
    if len(changed) > PATCH_LIMIT:
        return None
    rows = concepts.rows_of_concepts(db, TERM_ROWS, changed)
    cached.generation, cached.change_id, cached.changed = current, last, changed
    cached.index = (
        LayeredCheckIndex(cached.base, rows, changed) if changed else cached.base
    )
    return cached.index


def text_too_long(text: str) -> bool:
    """Is TEXT more than the check takes (1 MB of UTF-8)?"""
    # 4 bytes per character at most: only long texts need encoding
    return len(text) * 4 > MAX_TEXT_BYTES and len(text.encode()) > MAX_TEXT_BYTES


def find_terms(
    db: sqlite_utils.Database, cache_key: str, text: str, lang: str | None
) -> tuple[str, list[Match]]:
    """Return the language of TEXT (LANG, or detected when None) and its terms.

    When the letters and common words leave two languages open (Russian or
    Kazakh in Russian letters; English or Kazakh in ASCII Latin), the one whose
    terms cover more of the text wins.
    """
    index = check_index(db, cache_key)
    if lang:
        return lang, index.check(text, lang)
    best: tuple[int, str, list[Match]] | None = None
    for candidate in guess_languages(text):
        matches = index.check(text, candidate)
        covered = sum(
            m.end - m.start for m in {(m.start, m.end): m for m in matches}.values()
        )
        if best is None or covered > best[0]:
            best = (covered, candidate, matches)
    if best is None:  # guess_languages always names one at least
        raise ValueError("no language to check the text in")
    return best[1], best[2]


def check_result(matches: list[Match]) -> dict:
    """Return the matches and concept counts in the API's shape."""
    return {
        "matches": [m.to_dict() for m in matches],
        "concepts": concept_counts(matches),
    }


def equivalents(db: sqlite_utils.Database, ids: list[int]) -> dict[int, dict]:
    """Return each concept's terms per language (text, status, Kazakh latin)."""
    return concepts.headwords(db, list(dict.fromkeys(ids)))


def translation_qa(
    db: sqlite_utils.Database,
    cache_key: str,
    source: str,
    source_lang: str | None,
    target: str,
    target_lang: str | None,
) -> dict:
    """Check TARGET as a translation of SOURCE against the glossary.

    Returns the languages, the findings (glossary.check.qa) and the terms found
    in both texts.
    """
    source_lang, source_matches = find_terms(db, cache_key, source, source_lang)
    target_lang, target_matches = find_terms(db, cache_key, target, target_lang)
    heads = equivalents(db, [m.concept_id for m in source_matches])

    def in_target(concept_id: int) -> list[tuple[str, str]]:
        return [
            (t["text"], t["status"])
            for t in heads.get(concept_id, {}).get(target_lang, [])
        ]

    findings = check_translation(
        source_matches,
        target_matches,
        in_target,
        lines=aligned_lines(source, target),
    )
    return {
        "source_lang": source_lang,
        "target_lang": target_lang,
        "findings": findings,
        "source_matches": source_matches,
        "target_matches": target_matches,
    }


def line_number(text: str, position: int) -> int:
    """Return the number (from 1) of the line of TEXT that POSITION is on."""
    return text.count("\n", 0, position) + 1


def job_records(db: sqlite_utils.Database, ids: list[int]) -> list[dict]:
    """Return the records of the concepts IDS (in that order; unknown ids skipped)."""
    records = []
    for concept_id in dict.fromkeys(ids):
        try:
            records.append(concepts.load_record(db, concept_id))
        except concepts.NotFound:
            continue
    return records


def job_glossary(db: sqlite_utils.Database, ids: list[int], fmt: str) -> Iterator[str]:
    """Yield the glossary of one job (concepts IDS) as CSV or TBX (v3)."""
    records = job_records(db, ids[:MAX_JOB_CONCEPTS])
    if fmt == "csv":
        header = header_for(*slots_needed(records))
        yield from iter_concepts_csv(records, header=header, to_latin=to_kazakh_latin)
    elif fmt == "tbx":
        kept = {r["id"] for r in records}
        yield from iter_tbx(
            records,
            version=3,
            to_latin=to_kazakh_latin,
            title="Job glossary",
            ids=kept.__contains__,
        )
    else:
        raise ValueError(f"unknown format {fmt!r}")


__all__ = [
    "LANGS",
    "MAX_TEXT_BYTES",
    "check_index",
    "check_result",
    "equivalents",
    "find_terms",
    "job_glossary",
    "text_too_long",
    "translation_qa",
]
