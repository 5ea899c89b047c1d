"""The index builder against the one it replaced: the same index, byte for byte.

``ReferenceBuilder`` is the builder as it was before each distinct word was
analysed once (it analyses every occurrence through per-word memos). Both build
the seeded glossary and a generated corpus of a few thousand terms in the three
languages and scripts; the pickled indexes (what an index file holds) must be
equal, and so must the answers to many queries.
"""

from __future__ import annotations

import pickle
import random
from collections.abc import Callable, Iterable
from itertools import chain, islice

import numpy as np
import pytest

from glossary.model import STATUS_RANK
from glossary.search import engine
from glossary.search.engine import LANG_CODES, SearchIndex
from glossary.search.morphology import (
    folded_term_stem,
    kazakh_term_stem,
    latin_term_stem,
)
from glossary.search.normalise import fold_kazakh, normalise
from glossary.search.variants import english_stem, skeleton_of_word, skeletons
from tests.test_index_build import term_rows

_KK, _EN, _RU = LANG_CODES["kk"], LANG_CODES["en"], LANG_CODES["ru"]


class _Memo(dict):
    def __init__(self, fn: Callable[[str], str]) -> None:
        super().__init__()
        self.fn = fn

    def __missing__(self, word: str) -> str:
        out = self[word] = self.fn(word)
        return out


class _ReferenceSpace(engine._SpaceBuilder):
    def add_words(self, entries: np.ndarray, words: list[str]) -> None:
        """Number every occurrence of WORDS, one by one."""
        numbers = map(self.vocab.__getitem__, words)
        ids = np.fromiter(numbers, dtype=np.int64, count=len(words))
        self.add_numbers(entries, ids)


class ReferenceBuilder(engine.IndexBuilder):
    """The builder before this change: every occurrence analysed in turn."""

    def __init__(self) -> None:
        super().__init__()
        self.spaces = {name: _ReferenceSpace() for name in self.spaces}
        self._stem = {_KK: _Memo(kazakh_term_stem), _EN: _Memo(english_stem)}
        self._folded_stem = _Memo(folded_term_stem)
        self._skeleton_memo = _Memo(skeleton_of_word)
        self._latin_stem = _Memo(latin_term_stem)

    def add_rows(self, rows: Iterable[dict]) -> None:
        rows = iter(rows)
        while chunk := list(islice(rows, engine.BUILD_CHUNK)):
            self._add_chunk(chunk)

    def _add_chunk(self, rows: list[dict]) -> None:
        first, n = len(self.texts), len(rows)
        columns = zip(*map(engine._ROW_FIELDS, rows), strict=True)
        concepts, domains, langs, texts, statuses = columns
        keys = list(map(normalise, texts))
        self.texts += texts
        self.typed_keys += keys
        self.concepts.append(np.array(concepts, dtype=np.int64))
        lang = np.fromiter(map(LANG_CODES.__getitem__, langs), np.int8, count=n)
        self.langs.append(lang)
        self.statuses.append(
            np.fromiter((STATUS_RANK.get(s, 3) for s in statuses), np.int8, count=n)
        )
        codes = map(self.domain_codes.__getitem__, domains)
        self.domains.append(np.fromiter(codes, np.int16, count=n))
        split = list(map(str.split, keys))
        counts = np.fromiter(map(len, split), np.int64, count=n)
        self.word_counts.append(counts)
        entries = np.arange(first, first + n, dtype=np.int64)

        typed = self.spaces["typed"]
        typed.add_keys(entries, keys)
        words = list(chain.from_iterable(split))
        word_entries = np.repeat(entries, counts)
        typed.add_words(word_entries, words)
        word_langs = np.repeat(lang, counts)
        for code, stem in self._stem.items():
            of_lang = np.flatnonzero(word_langs == code)
            if len(of_lang):
                word_stems = [stem[words[i]] for i in of_lang.tolist()]
                typed.add_words(word_entries[of_lang], word_stems)

        kazakh = np.flatnonzero(lang == _KK).tolist()
        folded = [(i, f) for i in kazakh if (f := fold_kazakh(keys[i])) != keys[i]]
        if folded:
            space = self.spaces["folded"]
            at = np.array([i for i, _ in folded], dtype=np.int64)
            space.add_keys(first + at, [f for _, f in folded])
            split_folded = [f.split() for _, f in folded]
            self._add_split(space, first + at, split_folded, self._folded_stem)

        skeleton = self._skeleton_memo
        either = np.repeat((lang == _KK) | (lang == _RU), counts)
        distinct = dict.fromkeys(words[i] for i in np.flatnonzero(either).tolist())
        new = [w for w in distinct if w and w not in skeleton]
        skeleton.update(zip(new, skeletons(new), strict=True))
        for code, name in ((_KK, "latin"), (_RU, "translit")):
            latin = [
                (i, sk)
                for i in np.flatnonzero(lang == code).tolist()
                if (sk := [s for w in split[i] if (s := skeleton[w])])
            ]
            if latin:
                space = self.spaces[name]
                at = np.array([i for i, _ in latin], dtype=np.int64)
                space.add_keys(first + at, [" ".join(sk) for _, sk in latin])
                stems = self._latin_stem if code == _KK else None
                self._add_split(space, first + at, [sk for _, sk in latin], stems)

    @staticmethod
    def _add_split(space, entries, words, stems) -> None:
        counts = np.fromiter(map(len, words), np.int64, count=len(words))
        flat = list(chain.from_iterable(words))
        at = np.repeat(entries, counts)
        space.add_words(at, flat)
        if stems is not None:
            space.add_words(at, list(map(stems.__getitem__, flat)))


def reference_index(rows: list[dict], monkeypatch) -> SearchIndex:
    """Build ROWS with the reference builder."""
    with monkeypatch.context() as patch:
        patch.setattr(engine, "IndexBuilder", ReferenceBuilder)
        return SearchIndex(rows)


# Words of every script the terms may hold: Kazakh letters, a Latin "i" typed
# inside a Cyrillic word, Russian, English, mixed, Turkic capitals, digits,
# punctuation that normalises away, words that fold or stem to other words.
WORDS = {
    "en": "design designs studies boxes class analysis campus web webs games "
    "museum museums library libraries city cities IT İstanbul ID 3D x-ray".split(),
    "ru": "креативные индустрии музей музеев ёлка объект подъезд щи дизайн "
    "театр театры кино Москва экономика бизнес-инкубатор".split(),
    "kk": "шығармашылық индустриялар кітапхана кітапханалар театрдағы мұражай "
    "мұражайлары қазақ Қазақстан кiтап ойын ойындары дизайн IT театр музыка "
    "әлем өнер үй ұлт һ".split()
    + ["қа\x00зақ"],  # NUL inside a word (a phrase of the folded words)
}
ODD = ["—", "«»", "-", "''", "ı", "Σίσυφος", "a\tb", "  ", "ъ", "ь ъ", "v2.0"]


def generated_rows(n: int, seed: int = 5) -> list[dict]:
    """N term rows of one to four words each, in the three languages."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        lang = rng.choice(("en", "ru", "kk"))
        pool = WORDS[lang] + (ODD if rng.random() < 0.05 else [])
        text = " ".join(rng.choice(pool) for _ in range(rng.randint(1, 4)))
        if rng.random() < 0.05:
            text = text.upper()
        rows.append(
            {
                "concept_id": i // 3 + 1,
                "domain": rng.choice(("general", "design", "music")),
                "lang": lang,
                "text": text,
                "status": rng.choice(("preferred", "admitted", "deprecated", "x")),
            }
        )
    return rows


QUERIES = [
    "креативные индустрии",
    "kreativti industriialar",
    "театрдағы",
    "театрдагы",
    "kitaphanalar",
    "muzeev",
    "libraries",
    "designs",
    "desing",
    "rbyj",
    "мұражайлары",
    "муражай",
    "qazaqstan",
    "IT",
    "ёлка",
    "бизнес инкубатор",
]


@pytest.mark.parametrize("chunk", [50_000, 7])
@pytest.mark.parametrize(
    "source",
    # the generated glossary: an equivalence check over many cases (CI runs it)
    ["seeded", pytest.param("generated", marks=pytest.mark.slow)],
)
def test_build_equals_the_reference_builder(source, chunk, monkeypatch):
    rows = term_rows() if source == "seeded" else generated_rows(3000)
    monkeypatch.setattr(engine, "BUILD_CHUNK", chunk)
    new = SearchIndex(rows)
    old = reference_index(rows, monkeypatch)
    assert pickle.dumps(new, protocol=5) == pickle.dumps(old, protocol=5)
    words = {w for r in rows[:200] for w in normalise(r["text"]).split()}
    for q in QUERIES + sorted(words)[:60]:
        assert new.search(q, limit=20) == old.search(q, limit=20)
        assert new.complete(q) == old.complete(q)
    assert len(new.folded.keys.keys) and len(new.latin.keys.keys)
    assert len(new.translit.keys.keys)


def test_every_word_of_a_space_has_postings():
    index = SearchIndex(generated_rows(2000, seed=9))
    for space in (index.typed, index.folded, index.latin, index.translit):
        counts = np.diff(space.words.offsets)
        assert len(counts) and (counts > 0).all()
