"""The check index: every glossary term as hashed sequences of word keys (pure).

Each term is split into words as a text is (tokens.py); each word gives its keys
(forms.py), and every sequence of keys is hashed to one 64-bit number, kept in a
sorted numpy array with the entry it belongs to. The proper beginnings of
multi-word keys are kept in a second sorted array. A text is walked once: all its
words' keys are looked up together, and the sequences that are the beginning of
some term are extended by the next word, for all positions at once, until none
is left. Where found terms overlap, the longest wins.

The state is plain arrays (numpy and array.array) that can be rebuilt from the
rows; LayeredCheckIndex lays an index of recently changed concepts over a big
one, as the search cache does.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable
from functools import lru_cache
from itertools import islice, product
from typing import NamedTuple

import numpy as np

from ..model import STATUS_RANK, STATUSES
from ..search.normalise import normalise
from ..search.variants import skeleton_word
from .forms import (
    FOLDED,
    LATIN,
    LEMMA,
    is_lookalike_kazakh,
    kazakh_starts,
    kazakh_word_starts,
    plain,
    release_word_caches,
    term_keys,
    text_keys,
)
from .tokens import scan, words_of

LANGS = ("en", "ru", "kk")
_MULT = 0x9E3779B97F4A7C15  # odd: multiplying by it mixes the earlier words in
_MASK = (1 << 64) - 1
_U_MULT = np.uint64(_MULT)
BIG_BUILD = 20_000  # terms: past this, the build's word caches are let go
MAX_READINGS = 16  # key sequences indexed for one term (ambiguous words multiply)


def word_hash(lang: str, mode: int, key: str) -> int:
    """Return the 64-bit number of one word KEY of LANG in MODE.

    Python's own string hash: fast, and the same for the index and the texts as
    long as both are hashed in one process (or processes forked from one), which
    is how the index lives: it is rebuilt from the rows, never stored.
    """
    return hash((lang, mode, key)) & _MASK


def _extend(h: int, w: int) -> int:
    return (h * _MULT + w) & _MASK


class Match(NamedTuple):
    """One glossary term found in a text, at TEXT[start:end]."""

    start: int
    end: int
    text: str
    concept_id: int
    term: str
    status: str
    how: str
    lang: str

    def to_dict(self) -> dict:
        """Return the match in the API's shape."""
        return {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "concept_id": self.concept_id,
            "term": self.term,
            "status": self.status,
            "how": self.how,
        }


class _Found(NamedTuple):
    """A candidate: tokens FIRST..LAST of the text are term TEXT of a concept."""

    first: int
    last: int
    concept_id: int
    status: int
    text: str
    mode: int


class PreparedText:
    """A text's words and every key each may stand for, hashed, as numpy arrays.

    MAY_INFLECT(lang, word, plain word) says whether a word may be a form of
    some glossary word (pymorphy3 and the Kazakh endings are tried only then:
    they are the slow part).
    """

    def __init__(self, text: str, lang: str, may_inflect=None) -> None:
        self.text, self.lang = text, lang
        self.starts, self.ends, joins = scan(text, keep_tail_apostrophe=lang == "kk")
        words = [text[s:e] for s, e in zip(self.starts, self.ends, strict=True)]
        distinct: dict[str, int] = {}
        self.word_ids = [distinct.setdefault(w, len(distinct)) for w in words]
        self.lookalike = lang == "kk" and is_lookalike_kazakh(list(distinct))
        self.plains: list[str] = []
        flat = array("Q")
        counts = array("q")
        for w in distinct:
            p = plain(w)
            inflect = lang == "en" or may_inflect is None or may_inflect(lang, w, p)
            keys = text_keys(w, lang, self.lookalike, inflect)
            hashes = list(dict.fromkeys(word_hash(lang, m, k) for m, k in keys))
            flat.extend(hashes)
            counts.append(len(hashes))
            self.plains.append(p)
        ids = np.array(self.word_ids, dtype=np.int64)
        count_of = np.frombuffer(counts, dtype=np.int64)
        first_of = np.cumsum(count_of) - count_of
        self.alt_count = count_of[ids] if len(ids) else np.zeros(0, np.int64)
        self.alt_offset = np.zeros(len(ids) + 1, dtype=np.int64)
        np.cumsum(self.alt_count, out=self.alt_offset[1:])
        self.alt_token, at = _ranges(
            first_of[ids] if len(ids) else np.zeros(0, np.int64),
            (first_of + count_of)[ids] if len(ids) else np.zeros(0, np.int64),
        )
        self.alt_hash = np.frombuffer(flat, dtype=np.uint64)[at]
        self.joins = np.array(joins, dtype=bool)

    def plain_words(self, first: int, last: int) -> list[str]:
        """Return the plain keys of words FIRST..LAST."""
        return [self.plains[i] for i in self.word_ids[first : last + 1]]


def _sequences(per_word: list[tuple[tuple[int, str], ...]]):
    """Yield (mode, key sequence) for each reading of a term's words (capped)."""
    for mode in (LEMMA, FOLDED, LATIN):
        if mode != LEMMA and not any(m == mode for pairs in per_word for m, _ in pairs):
            continue
        options = []
        for pairs in per_word:
            ks = [k for m, k in pairs if m == mode]
            # a word with no key of this mode (a Latin name inside a Kazakh
            # term) is matched as itself
            options.append(ks or [k for m, k in pairs if m == LEMMA])
        for combo in islice(product(*options), MAX_READINGS):
            yield mode, combo


def _ranges(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return (which range, position) for every position in the ranges LO..HI."""
    counts = hi - lo
    which = np.repeat(np.arange(len(lo)), counts)
    starts = np.cumsum(counts) - counts
    within = np.arange(int(counts.sum())) - np.repeat(starts, counts)
    return which, np.repeat(lo, counts) + within


class CheckIndex:
    """Hashed word-key sequences of (concept, lang, text, status) rows."""

    def __init__(self, rows: Iterable[dict]) -> None:
        """Index ROWS (read once): dicts with concept_id, lang, text and status."""
        concept, status = array("q"), array("b")
        texts: list[str] = []
        keys, key_entry, key_mode = array("Q"), array("i"), array("b")
        prefixes = array("Q")
        hashes: dict[tuple[str, int, str], int] = {}
        self.max_words = 1
        # Beginnings of the Russian glossary words and their lemmas (all but the
        # last two letters: a noun's or adjective's stem): a word of a text that
        # begins otherwise is no form of them, and pymorphy3 is not asked about
        # it. Short words may lose a vowel inside (день → дня): one letter counts.
        self.ru_starts: set[str] = set()
        self.ru_short_starts: set[str] = set()
        # Likewise the beginnings of Kazakh stems, per script (Kazakh endings
        # follow the stem: a word that begins otherwise has none of them).
        self.kk_starts: set[tuple[int, str]] = set()
        for entry, r in enumerate(rows):
            lang, text = r["lang"], r["text"]
            concept.append(int(r["concept_id"]))
            status.append(STATUS_RANK.get(r["status"], 3))
            texts.append(text)
            words = words_of(text)
            if not words:
                continue
            self.max_words = max(self.max_words, len(words))
            per_word = [term_keys(w, lang) for w in words]
            self._note_starts(lang, words, per_word)
            for mode, combo in _sequences(per_word):
                h = 0
                for n, key in enumerate(combo):
                    if n:
                        prefixes.append(h)
                    wk = (lang, mode, key)
                    w = hashes.get(wk)
                    if w is None:
                        w = hashes[wk] = word_hash(lang, mode, key)
                    h = _extend(h, w) if n else w
                keys.append(h)
                key_entry.append(entry)
                key_mode.append(mode)
        self.concept = np.frombuffer(concept, dtype=np.int64)
        self.status = np.frombuffer(status, dtype=np.int8)
        self.texts = texts
        all_keys = np.frombuffer(keys, dtype=np.uint64)
        order = np.argsort(all_keys, kind="stable")
        self.keys = all_keys[order]
        self.key_entry = np.frombuffer(key_entry, dtype=np.int32)[order]
        self.key_mode = np.frombuffer(key_mode, dtype=np.int8)[order]
        self.prefixes = np.unique(np.frombuffer(prefixes, dtype=np.uint64))
        if len(texts) >= BIG_BUILD:
            release_word_caches()

    def __len__(self) -> int:
        return len(self.texts)

    def _note_starts(self, lang: str, words: list[str], per_word: list) -> None:
        """Remember how the words of one term (and their forms) begin."""
        if lang == "kk":
            for pairs in per_word:
                for mode, k in pairs:
                    self.kk_starts.update((mode, b) for b in kazakh_starts(mode, k))
        elif lang == "ru":
            for w, pairs in zip(words, per_word, strict=True):
                for k in (plain(w), *(k for _, k in pairs)):
                    self.ru_starts.add(k[: max(3, len(k) - 2)])
                    if len(k) <= 4:
                        self.ru_short_starts.add(k[:1])

    def may_inflect(self, lang: str, word: str, key: str) -> bool:
        """May WORD (plain KEY) of a text in LANG be a form of a word of this index?"""
        if lang == "kk":
            starts = self.kk_starts
            return any(b in starts for b in kazakh_word_starts(word))
        if len(key) <= 5 and key[:1] in self.ru_short_starts:
            return True
        starts = self.ru_starts
        return any(key[:n] in starts for n in range(3, len(key) + 1))

    def found(self, prep: PreparedText, skip: frozenset[int] = frozenset()):
        """Yield every term of this index found in PREP (concepts in SKIP left out)."""
        if not len(self.keys) or not len(prep.alt_hash):
            return
        token = prep.alt_token
        h = prep.alt_hash
        first = token
        length = 1
        while len(h):
            lo = np.searchsorted(self.keys, h, "left")
            hi = np.searchsorted(self.keys, h, "right")
            hit = np.flatnonzero(hi > lo)
            if len(hit):
                which, at = _ranges(lo[hit], hi[hit])
                firsts = first[hit][which].tolist()
                lasts = token[hit][which].tolist()
                for f, la, k in zip(firsts, lasts, at.tolist(), strict=True):
                    e = int(self.key_entry[k])
                    cid = int(self.concept[e])
                    if cid in skip:
                        continue
                    yield _Found(
                        f, la, cid, int(self.status[e]), self.texts[e],
                        int(self.key_mode[k]),
                    )  # fmt: skip
            if length >= self.max_words or not len(self.prefixes):
                break
            p = np.minimum(np.searchsorted(self.prefixes, h), len(self.prefixes) - 1)
            go = (self.prefixes[p] == h) & prep.joins[token]
            if not go.any():
                break
            token, h, first = token[go] + 1, h[go], first[go]
            which, at = _ranges(prep.alt_offset[token], prep.alt_offset[token + 1])
            h = h[which] * _U_MULT + prep.alt_hash[at]
            token, first = token[which], first[which]
            length += 1

    def check(self, text: str, lang: str) -> list[Match]:
        """Return the glossary terms of LANG found in TEXT, in order."""
        prep = PreparedText(text, lang, self.may_inflect)
        return resolve(prep, self.found(prep))


class LayeredCheckIndex:
    """A big check index with a small one over recently changed concepts on top."""

    def __init__(self, base: CheckIndex, rows: list[dict], changed: set[int]):
        self.base = base
        self.patch = CheckIndex(rows)
        self.changed = frozenset(changed)

    def __len__(self) -> int:
        return len(self.base) + len(self.patch)

    def found(self, prep: PreparedText, skip: frozenset[int] = frozenset()):
        """Yield the terms found in PREP: changed concepts from the patch only."""
        yield from self.base.found(prep, skip | self.changed)
        yield from self.patch.found(prep, skip)

    def may_inflect(self, lang: str, word: str, key: str) -> bool:
        """May WORD (plain KEY) be a form of a word of either index?"""
        return self.patch.may_inflect(lang, word, key) or self.base.may_inflect(
            lang, word, key
        )

    def check(self, text: str, lang: str) -> list[Match]:
        """Return the glossary terms of LANG found in TEXT, in order."""
        prep = PreparedText(text, lang, self.may_inflect)
        return resolve(prep, self.found(prep))


@lru_cache(maxsize=100_000)
def _normalised(text: str) -> str:
    return normalise(text)


@lru_cache(maxsize=100_000)
def _term_words(term: str, loose: bool) -> tuple[str, ...]:
    words = [plain(w) for w in words_of(term)]
    return tuple(skeleton_word(w) for w in words) if loose else tuple(words)


def _how(surface: str, term: str, mode: int) -> str:
    if surface.casefold() == term.casefold():
        return "exact"
    if normalise(surface) == _normalised(term):
        return "normalised"
    return ("lemma", "folded", "latin")[mode]


def _closeness(written: list[str], term: str, mode: int) -> tuple[int, int]:
    """How close the written words are to the term's: shared first letters, length.

    Words in Latin or look-alike letters are compared by their Latin skeletons.
    """
    term_words = _term_words(term, mode != LEMMA)
    if len(term_words) != len(written):
        return (0, 0)
    shared = diff = 0
    for a, b in zip(written, term_words, strict=True):
        if mode != LEMMA:
            a = skeleton_word(a)
        n = 0
        for x, y in zip(a, b, strict=False):
            if x != y:
                break
            n += 1
        shared += n
        diff += abs(len(a) - len(b))
    return (-shared, diff)


def _rank(f: _Found, surface: str, written: list[str]) -> tuple:
    how = _how(surface, f.text, f.mode)
    closeness = _closeness(written, f.text, f.mode)
    return (_HOW_RANK[how], closeness, f.status, len(f.text), f.text), how


def resolve(prep: PreparedText, found: Iterable[_Found]) -> list[Match]:
    """Choose among found terms: the longest wins where they overlap; in order.

    A stretch of text that is a term of several concepts gives one match per
    concept (the best term of each: as written, then by status); where one
    concept's term is closer to the words as written (креативті индустриялардың:
    индустриялар rather than индустрия), only the closest concepts are kept.
    """
    text, starts, ends = prep.text, prep.starts, prep.ends
    spans: dict[tuple[int, int], list[_Found]] = {}
    for f in found:
        spans.setdefault((f.first, f.last), []).append(f)
    taken = bytearray(len(starts))
    kept = []
    # longest first (in characters, then words), then leftmost
    for first, last in sorted(
        spans, key=lambda s: (starts[s[0]] - ends[s[1]], s[0] - s[1], s[0])
    ):
        if first == last:
            if taken[first]:
                continue
            taken[first] = 1
        else:
            if any(taken[first : last + 1]):
                continue
            taken[first : last + 1] = b"\x01" * (last - first + 1)
        kept.append((first, last))
    kept.sort()
    matches = []
    lang = prep.lang
    for first, last in kept:
        start, end = starts[first], ends[last]
        surface = text[start:end]
        group = spans[(first, last)]
        if len(group) == 1:
            f = group[0]
            how = _how(surface, f.text, f.mode)
            matches.append(
                Match(
                    start,
                    end,
                    surface,
                    f.concept_id,
                    f.text,
                    STATUSES[f.status],
                    how,
                    lang,
                )  # fmt: skip
            )
            continue
        by_concept: dict[int, list[_Found]] = {}
        for f in group:
            by_concept.setdefault(f.concept_id, []).append(f)
        if len(by_concept) == 1:
            # one concept (found through several keys): its best term
            f, how = min(
                ((f, _how(surface, f.text, f.mode)) for f in group),
                key=lambda fh: (_HOW_RANK[fh[1]], fh[0].status, len(fh[0].text)),
            )
            matches.append(
                Match(
                    start,
                    end,
                    surface,
                    f.concept_id,
                    f.text,
                    STATUSES[f.status],
                    how,
                    lang,
                )  # fmt: skip
            )
            continue
        written = prep.plain_words(first, last)
        best: dict[int, tuple] = {}
        for f in group:
            rank, how = _rank(f, surface, written)
            current = best.get(f.concept_id)
            if current is None or rank < current[0]:
                best[f.concept_id] = (rank, f, how)
        options = sorted(best.items(), key=lambda kv: (kv[1][0], kv[0]))
        top = options[0][1][0][:2]
        for cid, (rank, f, how) in options:
            if rank[:2] != top:
                break
            matches.append(
                Match(start, end, surface, cid, f.text, STATUSES[f.status], how, lang)
            )
    return matches


_HOW_RANK = {"exact": 0, "normalised": 1, "lemma": 2, "folded": 3, "latin": 3}


def concept_counts(matches: list[Match]) -> list[dict]:
    """Return [{"id", "count"}] for the concepts of MATCHES, by first appearance."""
    counts: dict[int, int] = {}
    for m in matches:
        counts[m.concept_id] = counts.get(m.concept_id, 0) + 1
    return [{"id": cid, "count": n} for cid, n in counts.items()]
