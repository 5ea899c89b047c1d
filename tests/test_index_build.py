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


def test_taking_many_strings_at_once_equals_one_by_one():
    words = ["", "a", "design", "дизайн", "қазақ", "ёлка 🎭", "x" * 300]
    words += [f"word{n}" for n in range(40)]
    for strings in (words, [""] * 20, ["nul\x00inside"] + words, words + [""]):
        packed = Packed(strings)
        for numbers in (
            list(range(len(strings))),
            list(range(len(strings)))[::-1],
            [0] * 12,
            [len(strings) - 1] * 12,
            [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7],
            [],
            [2],
        ):
            got = packed.take(np.array(numbers, dtype=np.int64))
            assert got == [packed[n] for n in numbers]


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


def _old_similar(postings: Postings, word: str, loose: bool) -> dict[str, int]:
    """``Postings.similar`` as it was: candidate words by string, then hashed again."""
    from rapidfuzz import process
    from rapidfuzz.distance import DamerauLevenshtein

    limit = engine.max_edits(word)
    if loose:
        limit = max(limit, len(word) // 3)
    if not limit:
        return {word: 0} if word in postings else {}
    cands = postings.grams.candidates(word, limit)
    if len(word) <= 4:
        alphabet = postings.grams.alphabet_of(word)
        cands.update(postings.known(engine.one_edit(word, alphabet)))
    else:
        cands.update(postings.known(engine.swaps_and_drops(word)))
    if loose:
        for i in range(1, len(word) - 1):
            swapped = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
            cands |= postings.grams.candidates(swapped, limit)
    found = process.extract(
        word,
        sorted(cands),
        scorer=DamerauLevenshtein.distance,
        score_cutoff=limit,
        limit=engine.SIMILAR_WORDS,
    )
    return {w: int(d) for w, d, _ in found}


@pytest.mark.slow  # an equivalence check over many cases (CI runs it)
def test_numbered_typo_neighbours_equal_the_words_looked_up_again():
    index = SearchIndex(term_rows())
    for space in (index.typed, index.folded, index.latin, index.translit):
        postings = space.words
        words = [postings.words[n] for n in range(0, len(postings.words), 7)]
        typos = [w[1:] + w[:1] for w in words] + [w[:-1] for w in words if len(w) > 2]
        for word in words[:150] + typos[:150] + ["", "a", "ab", "дизан", "qzq"]:
            for loose in (False, True):
                got = postings.similar_numbered(word, loose)
                assert {w: d for w, d, _ in got} == _old_similar(postings, word, loose)
                assert [w for w, _, _ in got] == list(
                    _old_similar(postings, word, loose)
                )
                assert [postings.words[n] for _, _, n in got] == [w for w, _, _ in got]


def test_many_words_are_compared_with_their_match_as_one_by_one():
    index = SearchIndex(term_rows())
    postings = index.typed.words
    vocab = [postings.words[n] for n in range(len(postings.words))]
    # known words, unknown ones, the empty string and near misses, in bulk
    words = vocab[::3] + [w + "x" for w in vocab[::5]] + ["", "zz", vocab[0][:-1]]
    many = postings.numbers(words)
    one_by_one = np.concatenate([postings.numbers([w]) for w in words])
    assert many.tolist() == one_by_one.tolist()
    assert [vocab[n] for n in many.tolist() if n >= 0] == [
        w for w in words if w in set(vocab)
    ]
    # a hash shared by different words: the bulk comparison rejects the wrong one
    at = np.arange(len(words) // 2)
    wrong = (many[at] + 1) % len(vocab)
    same = postings._same(words, at, np.where(many[at] >= 0, many[at], wrong))
    assert same.tolist() == [n >= 0 for n in many[at].tolist()]
    assert not postings._same(words, at, wrong).any()
