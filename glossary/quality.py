"""The quality board's checks over the whole term base (pure: records in, lists out).

Each check takes the concept records (as `concepts.iter_records` yields them)
and returns a worklist: one item per concept (or group of concepts) to look at,
with the id that links to the entry. Nothing here imports Flask or the database.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from .model import DOMAIN_KEYS, LANGS
from .search.normalise import normalise
from .search.variants import english_stem, kazakh_stem, russian_forms
from .sources import LIST_KINDS, kind_of, record_sources

# A speller answers whether a word of a language is known; None: no dictionary.
Speller = Callable[[str, str], bool | None]

_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
KAZAKH_ONLY = "әғқңөұүһі"
# Russian spellings that Kazakh loanwords drop: ё, ъ and Russian adjective and
# verb endings (креативный → креативті). Loans such as концерт are not flagged.
_RUSSIAN_LOOK = re.compile(r"[ёъ]|(?:ый|ая|ое|ые|ого|ому|ыми|ться|ть)$")
CHECKS = (
    "missing_language",
    "one_source",
    "word_list_only",
    "undefined_one_word",
    "wrong_script",
    "duplicates",
    "spelling",
    "missing_references",
)
# Terms replaced by others are expected to be odd: they are not checked for
# script, spelling or duplicates.
_REPLACED = ("deprecated", "superseded")


def headword(record: dict) -> dict | None:
    """Return the concept's first English term (else its first term at all)."""
    terms = record.get("terms", [])
    for term in terms:
        if term["lang"] == "en":
            return term
    return terms[0] if terms else None


def _item(record: dict, **detail) -> dict:
    head = headword(record)
    return {
        "id": record["id"],
        "url": f"/concepts/{record['id']}",
        "domain": record.get("domain", "general"),
        "headword": head["text"] if head else "",
        "headword_lang": head["lang"] if head else "",
        **detail,
    }


def coverage(records: Iterable[dict]) -> list[dict]:
    """Count concepts per domain, and those with a term in each language."""
    # Per domain: {"domain": key, "total": n, "en": n, "ru": n, "kk": n}.
    rows: dict[str, dict[str, Any]] = {
        key: {"domain": key, "total": 0, **dict.fromkeys(LANGS, 0)}
        for key in DOMAIN_KEYS
    }
    for record in records:
        row = rows.setdefault(
            record["domain"],
            {"domain": record["domain"], "total": 0, **dict.fromkeys(LANGS, 0)},
        )
        row["total"] += 1
        for lang in {t["lang"] for t in record["terms"]}:
            row[lang] += 1
    return list(rows.values())


def missing_language(records: Iterable[dict]) -> list[dict]:
    """List concepts that have no term in one or more languages."""
    out = []
    for record in records:
        have = {t["lang"] for t in record["terms"]}
        missing = [lang for lang in LANGS if lang not in have]
        if missing:
            out.append(_item(record, missing=missing))
    return sorted(
        out,
        key=lambda i: (
            DOMAIN_KEYS.index(i["domain"]) if i["domain"] in DOMAIN_KEYS else 99,
            i["id"],
        ),
    )


def one_source(records: Iterable[dict]) -> list[dict]:
    """List concepts whose terms and definitions all cite one and the same source."""
    out = []
    for record in records:
        sources = record_sources(record)
        if len(sources) <= 1:
            out.append(
                _item(record, sources=sources, kinds=[kind_of(s) for s in sources])
            )
    return out


def word_list_only(records: Iterable[dict]) -> list[dict]:
    """List concepts resting only on dictionaries and word lists (no context)."""
    out = []
    for record in records:
        sources = record_sources(record)
        kinds = [kind_of(s) for s in sources]
        if kinds and set(kinds) <= LIST_KINDS:
            out.append(_item(record, sources=sources, kinds=kinds))
    return out


def undefined_one_word(records: Iterable[dict]) -> list[dict]:
    """List concepts whose headword is one word and that have no definition."""
    out = []
    for record in records:
        head = headword(record)
        if head is None or len(_WORD.findall(head["text"])) != 1:
            continue
        if not any(d.get("text", "").strip() for d in record["definitions"].values()):
            out.append(_item(record))
    return out


def script_problem(lang: str, text: str) -> str | None:
    """Say why TEXT looks like another language than LANG (None when it does not)."""
    for word in _WORD.findall(text):
        low = word.lower()
        if lang == "en":
            if _CYRILLIC.search(word):
                return "cyrillic_in_english"
            continue
        if _LATIN.search(word):
            return "latin_in_" + ("kazakh" if lang == "kk" else "russian")
        if lang == "ru" and any(c in KAZAKH_ONLY for c in low):
            return "kazakh_in_russian"
        if (
            lang == "kk"
            and _RUSSIAN_LOOK.search(low)
            and not any(c in KAZAKH_ONLY for c in low)
        ):
            return "russian_in_kazakh"
    return None


def wrong_script(records: Iterable[dict]) -> list[dict]:
    """List terms that look like another language (by their letters)."""
    out = []
    for record in records:
        for term in record["terms"]:
            if term["status"] in _REPLACED:
                continue
            problem = script_problem(term["lang"], term["text"])
            if problem:
                out.append(
                    _item(record, lang=term["lang"], term=term["text"], problem=problem)
                )
    return out


def _word_key(lang: str, word: str) -> str:
    if lang == "en":
        return english_stem(word)
    if lang == "kk":
        return kazakh_stem(word)
    forms = russian_forms(word)
    # Every form of a lexeme has the same set of forms: its smallest names it.
    return min(forms | {word}) if forms else word


def term_key(lang: str, text: str) -> str:
    """Return what two terms share when one is an inflected form of the other."""
    return " ".join(_word_key(lang, w) for w in normalise(text).split())


def duplicates(records: Iterable[dict]) -> list[dict]:
    """List groups of concepts sharing a term, or terms that inflect one another."""
    groups: dict[tuple[str, str], dict[int, set[str]]] = defaultdict(
        lambda: defaultdict(set)
    )
    by_id = {}
    for record in records:
        by_id[record["id"]] = record
        for term in record["terms"]:
            if term["status"] in _REPLACED:
                continue
            key = term_key(term["lang"], term["text"])
            if key:
                groups[(term["lang"], key)][record["id"]].add(term["text"])
    out = []
    for (lang, _key), where in sorted(groups.items()):
        if len(where) < 2:
            continue
        ids = sorted(where)
        texts = sorted({t for s in where.values() for t in s})
        same = len({normalise(t) for t in texts}) == 1
        out.append(
            {
                **_item(by_id[ids[0]]),
                "lang": lang,
                "terms": texts,
                "ids": ids,
                "kind": "same" if same else "inflected",
            }
        )
    return out


def spelling(records: Iterable[dict], speller: Speller) -> list[dict]:
    """List terms with a word the spelling dictionary of their language lacks."""
    out = []
    for record in records:
        for term in record["terms"]:
            if term["status"] in _REPLACED:
                continue
            unknown = []
            for word in _WORD.findall(term["text"]):
                if word.isupper() and len(word) > 1:
                    continue  # acronyms (UNESCO, IT) are not in word lists
                for part in word.split("-"):
                    if part and speller(term["lang"], part) is False:
                        unknown.append(part)
            if unknown:
                out.append(
                    _item(record, lang=term["lang"], term=term["text"], words=unknown)
                )
    return out


def missing_references(records: Iterable[dict]) -> list[dict]:
    """List cross-references to concepts that do not exist."""
    records = list(records)
    ids = {r["id"] for r in records}
    out = []
    for record in records:
        missing = [i for i in record.get("related", []) if i not in ids]
        if missing:
            out.append(_item(record, missing_ids=missing))
    return out


def run_checks(
    records: Iterable[dict],
    speller: Speller | None = None,
    speller_missing: str = "",
) -> dict:
    """Run every check over RECORDS; return the coverage and one worklist per check.

    Without a speller the spelling check is skipped, with SPELLER_MISSING as
    the reason shown.
    """
    records = list(records)
    lists = {
        "missing_language": missing_language(records),
        "one_source": one_source(records),
        "word_list_only": word_list_only(records),
        "undefined_one_word": undefined_one_word(records),
        "wrong_script": wrong_script(records),
        "duplicates": duplicates(records),
        "spelling": spelling(records, speller) if speller else None,
        "missing_references": missing_references(records),
    }
    checks: list[dict[str, Any]] = []
    for key in CHECKS:
        items = lists[key]
        if items is None:
            checks.append(
                {"key": key, "count": None, "skipped": speller_missing, "items": []}
            )
        else:
            checks.append({"key": key, "count": len(items), "items": items})
    return {"concepts": len(records), "coverage": coverage(records), "checks": checks}
