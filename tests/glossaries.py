"""Hypothesis strategy: whole glossaries of valid concept records with hostile text.

Markup characters, quotes, `]]>`, leading `=`, `-`, `+`, `@`, apostrophes and
line breaks in notes: everything validation lets through, which every format
must carry unchanged.
"""

from __future__ import annotations

from hypothesis import strategies as st

from glossary.model import (
    DOMAIN_KEYS,
    LANGS,
    PARTS_OF_SPEECH,
    STATUSES,
    normalise_concept,
    term_key,
    validate_concept,
)

HOSTILE = "<>&\"'=-+@]; ,"
LETTERS = {
    "en": "abcdefghijklmnopqrstuvwxyzABCXYZ",
    "ru": "абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВЁЯ",
    "kk": "аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюяӘҒҚҢӨҰҮҺІ",
}
BLOCK = LETTERS["en"] + LETTERS["ru"] + "әғқңөұүһі" + HOSTILE + "\n\t]]>'=-"
DATES = [None, "2026-11-29", "2026-11-29T04:18:01Z", "2025-01-02T03:04:05+05:00"]


def _line(alphabet: str, min_size: int = 0, max_size: int = 24):
    return st.text(alphabet=alphabet, min_size=min_size, max_size=max_size)


@st.composite
def concept(draw, concept_id: int, ids: list[int]) -> dict | None:
    terms = []
    for lang in LANGS:
        for _ in range(draw(st.integers(0, 3))):
            text = draw(_line(LETTERS[lang] + HOSTILE, 1))
            if lang == "kk" and not any(c in LETTERS["kk"] for c in text):
                text = "ә" + text
            if lang == "ru" and not any(c in LETTERS["ru"] for c in text):
                text = text + "я"
            terms.append(
                {
                    "lang": lang,
                    "text": text,
                    "status": draw(st.sampled_from(STATUSES)),
                    "pos": draw(st.sampled_from(("", *PARTS_OF_SPEECH))),
                    "usage": draw(_line(BLOCK, 0, 40)),
                    "source": draw(_line(BLOCK.replace("\n", "").replace("\t", ""))),
                }
            )
    record = normalise_concept({"terms": terms})
    seen, unique = set(), []
    for t in record["terms"]:
        key = term_key(t).casefold()
        if t["text"] and key not in seen:
            seen.add(key)
            unique.append(t)
    if not unique:
        return None
    keys = [term_key(t) for t in unique]
    definitions = {}
    for lang in draw(st.lists(st.sampled_from(LANGS), unique=True, max_size=3)):
        definitions[lang] = {
            "text": draw(_line(BLOCK, 1, 60)),
            "source": draw(_line(LETTERS["en"] + HOSTILE)),
        }
    notes = [
        {
            "text": draw(_line(BLOCK, 1, 60)),
            "lang": draw(st.sampled_from(LANGS)),
            "author": draw(_line(LETTERS["en"] + LETTERS["ru"] + " '<&")),
            "date": draw(st.sampled_from(DATES)),
            "term": draw(st.sampled_from([None, *keys])),
        }
        for _ in range(draw(st.integers(0, 3)))
    ]
    others = [i for i in ids if i != concept_id]
    related = (
        draw(st.lists(st.sampled_from(others), unique=True, max_size=3))
        if others
        else []
    )
    record = normalise_concept(
        {
            "id": concept_id,
            "domain": draw(st.sampled_from(DOMAIN_KEYS)),
            "terms": unique,
            "definitions": definitions,
            "notes": notes,
            "related": related,
        }
    )
    record["definitions"] = {
        k: d for k, d in record["definitions"].items() if d["text"]
    }
    record["notes"] = [n for n in record["notes"] if n["text"]]
    return record if not validate_concept(record) else None


@st.composite
def glossaries(draw, max_concepts: int = 6) -> list[dict]:
    n = draw(st.integers(1, max_concepts))
    ids = list(range(1, n + 1))
    records = [draw(concept(i, ids)) for i in ids]
    kept = [r for r in records if r is not None]
    kept_ids = {r["id"] for r in kept}
    for r in kept:
        r["related"] = [i for i in r["related"] if i in kept_ids]
    if not kept:
        kept = [
            normalise_concept(
                {
                    "id": 1,
                    "domain": "general",
                    "terms": [
                        {"lang": "en", "text": '=<&>"]]>', "status": "preferred"}
                    ],
                }
            )
        ]
    return kept
