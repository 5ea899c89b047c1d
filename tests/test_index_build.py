"""The bulk index build: chunks, packed strings, word hashes, batch skeletons."""

import csv
import pickle
from pathlib import Path

import numpy as np
import pytest

from glossary.search import engine
from glossary.search.engine import Packed, Postings, SearchIndex, word_hashes
from glossary.search.normalise import normalise
from glossary.search.variants import skeleton_of_word, skeletons

TERMS = Path(__file__).resolve().parent.parent / "terms.csv"


def term_rows() -> list[dict]:
    """Every term of the seeded glossary as an index row."""
    rows = []
    with open(TERMS, encoding="utf-8", newline="") as f:
        for n, rec in enumerate(csv.DictReader(f), 1):
            for lang in ("en", "ru", "kk"):
                if rec.get(f"term_{lang}"):
                    rows.append(
                        {
                            "concept_id": n,
                            "domain": rec.get("domain") or "general",
                            "lang": lang,
                            "text": rec[f"term_{lang}"],
                            "status": "preferred",
                        }
                    )
    return rows


def state(index: SearchIndex) -> bytes:
    """Everything the index holds, as bytes (what its file would hold)."""
    return pickle.dumps(index, protocol=5)


def test_chunks_make_the_same_index_as_one_pass(monkeypatch):
    rows = term_rows()
    whole = SearchIndex(rows)
    monkeypatch.setattr(engine, "BUILD_CHUNK", 7)  # chunk bounds inside everything
    chunked = SearchIndex(rows)
    assert state(chunked) == state(whole)
    assert len(whole) == len(rows)
    for q in ("креативные индустрии", "kreativti industriialar", "театрдағы"):
        assert chunked.search(q) == whole.search(q)
        assert whole.search(q)


def test_packed_strings_round_trip_with_nul_and_empty_strings():
    for strings in (
        [],
        [""],
        ["", ""],
        ["a", "", "қазақ", "ёлка 🎭"],
        ["nul\x00inside", "", "x"],
    ):
        packed = Packed(strings)
        assert [packed[i] for i in range(len(packed))] == strings
        assert packed.data.tobytes() == "".join(strings).encode()


def test_word_hashes_agree_for_few_and_many_words():
    words = ["", "a", "design", "дизайн", "қазақ", "ёлка 🎭", "x" * 300]
    words += [f"word{n}" for n in range(40)]
    few = np.concatenate([word_hashes([w]) for w in words])  # one by one (Python)
    many = word_hashes(words)  # all at once (numpy)
    assert few.tolist() == many.tolist()
    assert len(set(many.tolist())) == len(words)


def test_a_shared_hash_never_mixes_two_words_up():
    vocab = ["alpha", "beta", "gamma", "delta"]
    postings = Postings(vocab, np.arange(4), np.arange(4), np.zeros(4, dtype=np.int64))
    # every word given one hash: the lookup must compare the words themselves
    postings.hashes = np.zeros(4, dtype=np.uint64)
    postings.hash_words = np.arange(4, dtype=np.int32)
    engine_hash = engine.word_hashes
    try:
        engine.word_hashes = lambda words: np.zeros(len(words), dtype=np.uint64)
        numbers = postings.numbers(["gamma", "alpha", "omega"]).tolist()
    finally:
        engine.word_hashes = engine_hash
    assert [postings.words[n] for n in numbers[:2]] == ["gamma", "alpha"]
    assert numbers[2] == -1


@pytest.mark.parametrize(
    "words",
    [
        ["қазақстан", "шығармашылық", "индустриялар", "щи", "ъ", "ь"],
        ["объект", "подъезд", "ёжик", "сш", "нгнг", "ийи", "a1б", "3d", "x'y"],
        ["o'zbek", "éclair", "naïve", "qazaq", "shygharmashylyq", "ııı"],
    ],
)
def test_batch_skeletons_equal_one_by_one(words):
    assert skeletons(words) == [skeleton_of_word(w) for w in words]


def test_batch_skeletons_equal_one_by_one_on_the_term_base():
    words = sorted({w for r in term_rows() for w in normalise(r["text"]).split()})
    assert skeletons(words) == [skeleton_of_word(w) for w in words]
