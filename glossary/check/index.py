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

import hashlib
from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import islice, product

import numpy as np

from ..model import STATUS_RANK, STATUSES
from ..search.normalise import normalise
from ..search.variants import skeleton_word
from .forms import (
    FOLDED,
    LATIN,
    LEMMA,
    is_lookalike_kazakh,
    plain,
    term_keys,
    text_keys,
)
from .tokens import Token, tokenise, words_of

LANGS = ("en", "ru", "kk")
_MULT = 0x9E3779B97F4A7C15  # odd: multiplying by it mixes the earlier words in
_MASK = (1 << 64) - 1
_U_MULT = np.uint64(_MULT)
MAX_READINGS = 16  # key sequences indexed for one term (ambiguous words multiply)


def word_hash(lang: str, mode: int, key: str) -> int:
    """Return the stable 64-bit number of one word KEY of LANG in MODE."""
    data = f"{lang}\x1f{mode}\x1f{key}".encode()
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "little")


def _extend(h: int, w: int) -> int:
    return (h * _MULT + w) & _MASK


@dataclass(frozen=True, slots=True)
class Match:
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


@dataclass(frozen=True, slots=True)
class _Found:
    """A candidate: tokens FIRST..LAST of the text are term TEXT of a concept."""

    first: int
    last: int
    concept_id: int
    status: int
    text: str
    mode: int


class PreparedText:
    """A text's words and every key each may stand for, hashed, as numpy arrays."""

    def __init__(self, text: str, lang: str) -> None:
        self.text, self.lang = text, lang
        self.tokens: list[Token] = tokenise(text, keep_tail_apostrophe=lang == "kk")
        self.lookalike = lang == "kk" and is_lookalike_kazakh(
            [t.text for t in self.tokens]
        )
        hashes: dict[str, list[int]] = {}
        alt_hash = array("Q")
        counts = array("i")
        for t in self.tokens:
            found = hashes.get(t.text)
            if found is None:
                found = hashes[t.text] = list(
                    dict.fromkeys(
                        word_hash(lang, mode, key)
                        for mode, key in text_keys(t.text, lang, self.lookalike)
                    )
                )
            alt_hash.extend(found)
            counts.append(len(found))
        self.alt_hash = np.frombuffer(alt_hash, dtype=np.uint64)
        self.alt_count = np.frombuffer(counts, dtype=np.int32).astype(np.int64)
        self.alt_offset = np.zeros(len(self.tokens) + 1, dtype=np.int64)
        np.cumsum(self.alt_count, out=self.alt_offset[1:])
        self.alt_token = np.repeat(
            np.arange(len(self.tokens), dtype=np.int64), self.alt_count
        )
        self.joins = np.array([t.joins_next for t in self.tokens], dtype=bool)


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
            for mode in (LEMMA, FOLDED, LATIN):
                options = []
                for pairs in per_word:
                    ks = [k for m, k in pairs if m == mode]
                    # a word with no key of this mode (a Latin name inside a
                    # Kazakh term) is matched as itself
                    ks = ks or [k for m, k in pairs if m == LEMMA]
                    options.append(ks)
                if mode != LEMMA and all(
                    not any(m == mode for m, _ in pairs) for pairs in per_word
                ):
                    continue
                for combo in islice(product(*options), MAX_READINGS):
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

    def __len__(self) -> int:
        return len(self.texts)

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
        prep = PreparedText(text, lang)
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

    def check(self, text: str, lang: str) -> list[Match]:
        """Return the glossary terms of LANG found in TEXT, in order."""
        prep = PreparedText(text, lang)
        return resolve(prep, self.found(prep))


def _how(surface: str, term: str, mode: int) -> str:
    if surface.casefold() == term.casefold():
        return "exact"
    if normalise(surface) == normalise(term):
        return "normalised"
    return ("lemma", "folded", "latin")[mode]


def resolve(prep: PreparedText, found: Iterable[_Found]) -> list[Match]:
    """Choose among found terms: the longest wins where they overlap; in order.

    A stretch of text that is a term of several concepts gives one match per
    concept (the best term of each: as written, then by status).
    """
    tokens, text = prep.tokens, prep.text
    spans: dict[tuple[int, int], dict[int, tuple]] = {}
    for f in found:
        surface = text[tokens[f.first].start : tokens[f.last].end]
        how = _how(surface, f.text, f.mode)
        closeness = _closeness(tokens[f.first : f.last + 1], f.text, f.mode)
        rank = (_HOW_RANK[how], closeness, f.status, len(f.text), f.text)
        best = spans.setdefault((f.first, f.last), {})
        current = best.get(f.concept_id)
        if current is None or rank < current[0]:
            best[f.concept_id] = (rank, f, how)
    taken = np.zeros(len(tokens), dtype=bool)
    kept = []
    # longest first (in characters, then words), then leftmost
    for first, last in sorted(
        spans,
        key=lambda s: (
            -(tokens[s[1]].end - tokens[s[0]].start),
            -(s[1] - s[0]),
            s[0],
        ),
    ):
        if taken[first : last + 1].any():
            continue
        taken[first : last + 1] = True
        kept.append((first, last))
    matches = []
    for first, last in sorted(kept):
        start, end = tokens[first].start, tokens[last].end
        options = sorted(spans[(first, last)].items(), key=lambda kv: (kv[1][0], kv[0]))
        # Where one concept's term is closer to the words as written (as written
        # rather than inflected; креативті индустриялардың: индустриялар rather
        # than индустрия), only the closest concepts are kept; a term that is
        # the same in several concepts (сурет) keeps them all.
        best = options[0][1][0][:2]
        options = [o for o in options if o[1][0][:2] == best]
        for cid, (_rank, f, how) in options:
            matches.append(
                Match(
                    start,
                    end,
                    text[start:end],
                    cid,
                    f.text,
                    STATUSES[f.status],
                    how,
                    prep.lang,
                )  # fmt: skip
            )
    return matches


def _closeness(words: list[Token], term: str, mode: int) -> tuple[int, int]:
    """How close the written words are to the term's: shared first letters, length.

    Words in Latin or look-alike letters are compared by their Latin skeletons.
    """
    term_words = words_of(term)
    if len(term_words) != len(words):
        return (0, 0)
    shared = diff = 0
    for w, t in zip(words, term_words, strict=True):
        a, b = plain(w.text), plain(t)
        if mode != LEMMA:
            a, b = skeleton_word(a), skeleton_word(b)
        n = 0
        for x, y in zip(a, b, strict=False):
            if x != y:
                break
            n += 1
        shared += n
        diff += abs(len(a) - len(b))
    return (-shared, diff)


_HOW_RANK = {"exact": 0, "normalised": 1, "lemma": 2, "folded": 3, "latin": 3}


def concept_counts(matches: list[Match]) -> list[dict]:
    """Return [{"id", "count"}] for the concepts of MATCHES, by first appearance."""
    counts: dict[int, int] = {}
    for m in matches:
        counts[m.concept_id] = counts.get(m.concept_id, 0) + 1
    return [{"id": cid, "count": n} for cid, n in counts.items()]
