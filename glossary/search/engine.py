"""An in-memory term index with ranked lookup over the three languages (pure).

Every term is indexed under several keys: its normalised form, the Kazakh
look-alike fold, a loose Latin skeleton (Kazakh and Russian terms), the stems of
its words; and every word under the same forms. A query is looked up as typed,
then as its inflections, its other-script and wrong-layout readings; typos are
found through word trigrams and re-ranked with rapidfuzz.

Tiers, best first (``TIERS``): exact, normalised, prefix, word, lemma, then the
variants (folded, latin, translit, layout), then fuzzy. Within a tier preferred
terms come before admitted ones before deprecated, then shorter terms. Results
are grouped by concept: each concept is listed once, with its best term.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

from ..model import STATUS_RANK
from .latin import turkic_lower
from .normalise import fold_kazakh, normalise
from .variants import (
    english_stem,
    from_layout,
    is_latin,
    kazakh_stem,
    russian_forms,
    skeleton,
    skeleton_stem,
    skeleton_word,
)

# how → (tier, base score); a lower tier ranks first.
TIERS: dict[str, tuple[int, float]] = {
    "exact": (0, 100.0),
    "normalised": (1, 98.0),
    "prefix": (2, 95.0),
    "lemma": (3, 92.0),
    "word": (4, 90.0),
    "folded": (5, 86.0),
    "latin": (5, 86.0),
    "translit": (5, 86.0),
    "layout": (5, 86.0),
    "fuzzy": (6, 0.0),
}
# What each `how` means (README and the OpenAPI document say the same).
HOW_DESCRIPTIONS: dict[str, str] = {
    "exact": "the term as stored, ignoring case only",
    "normalised": "the term ignoring case, ё/е, hyphens, dashes, quotes and spaces",
    "prefix": "the beginning of the term (autocomplete, 3+ letters)",
    "lemma": "an inflected form: Russian cases and numbers, Kazakh plural, "
    "possessive and case endings, English plurals",
    "word": "one or more words of a longer term",
    "folded": "Kazakh typed with Russian look-alike letters (к for қ, у for ү …)",
    "latin": "Kazakh in Latin letters: 2021, 2018 or 2017 alphabet, "
    "Turkish-style or informal ASCII",
    "translit": "Russian typed in Latin transliteration",
    "layout": "typed with the wrong keyboard layout (en↔ru, the Kazakh digit row)",
    "fuzzy": "a similar spelling (one or two typos)",
}
FUZZY_CUTOFF = 70.0
PREFIX_MIN = 3  # letters before a prefix finds anything
CAP = 400  # candidates taken from one posting list or prefix range
FUZZY_POSTINGS = 60  # entries taken per similar word (the best ones: shortest first)
FUZZY_RERANK = 1500  # entries re-ranked with rapidfuzz
GOOD_FUZZY = 90.0  # a fuzzy score that ends the search for other readings
SIMILAR_CANDIDATES = 200  # words re-ranked with rapidfuzz for one query word
GRAM_BUDGET = 20_000  # trigram postings read for one query word
STOP_WORDS = frozenset(
    "в во на о об обо с со к ко по из у за до от для при".split()
    + "the a an of in on to for".split()
)
_CYRILLIC_LETTER = re.compile("[а-яәғқңөұүһі]")
LANG_CODES = {"en": 0, "ru": 1, "kk": 2}
LANG_NAMES = ["en", "ru", "kk"]


@dataclass(frozen=True)
class Hit:
    """The best match of a query within one concept."""

    concept_id: int
    score: float
    lang: str
    text: str
    how: str


def word_stem(word: str, lang: str) -> str:
    """Return the dictionary-form stem of WORD in LANG (Russian: the word itself)."""
    if lang == "kk":
        return kazakh_stem(word)
    if lang == "en":
        return english_stem(word)
    return word


class Packed:
    """A read-only list of strings kept as UTF-8 bytes and offsets (compact).

    Both are numpy arrays, so an index written to a file and mapped back
    (glossary.search.persist) shares them between processes; the memoryviews
    make one item's lookup as cheap as slicing a str.
    """

    __slots__ = ("data", "offsets", "_bytes", "_ends")

    def __init__(self, strings) -> None:
        encoded = [s.encode("utf-8", "surrogatepass") for s in strings]
        self.offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
        if encoded:
            np.cumsum(
                np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded)),
                out=self.offsets[1:],
            )
        self.data = np.frombuffer(b"".join(encoded), dtype=np.uint8)
        self._views()

    def _views(self) -> None:
        self._bytes = memoryview(self.data)
        self._ends = memoryview(self.offsets)

    def __getstate__(self) -> dict:
        return {"data": self.data, "offsets": self.offsets}

    def __setstate__(self, state: dict) -> None:
        self.data, self.offsets = state["data"], state["offsets"]
        self._views()

    def __len__(self) -> int:
        return len(self._ends) - 1

    def __getitem__(self, i: int) -> str:
        ends = self._ends
        return str(self._bytes[ends[i] : ends[i + 1]], "utf-8", "surrogatepass")


class SortedKeys:
    """Strings sorted for exact and prefix lookup; each maps to entry numbers."""

    def __init__(self, keys: list[str], ids: array) -> None:
        order = sorted(range(len(keys)), key=keys.__getitem__)
        self.keys = Packed(keys[j] for j in order)
        self.order = np.array(order, dtype=np.int32)
        self.ids = np.frombuffer(ids, dtype=np.int32)[self.order]

    def exact(self, key: str) -> np.ndarray:
        lo = bisect_left(self.keys, key)
        hi = lo
        while hi < len(self.keys) and self.keys[hi] == key:
            hi += 1
        return self.ids[lo:hi]

    def prefix(self, key: str, cap: int = CAP) -> np.ndarray:
        lo = bisect_left(self.keys, key)
        end = min(len(self.keys), lo + cap)
        hi = bisect_left(self.keys, key + "\U0010ffff", lo, end)
        return self.ids[lo:hi]


class KeyOf:
    """Entry number → its key, read from the sorted keys (no second copy)."""

    __slots__ = ("keys", "rank", "_rank")

    def __init__(self, sorted_keys: SortedKeys) -> None:
        self.keys = sorted_keys.keys
        self.rank = np.empty(len(sorted_keys.order), dtype=np.int32)
        self.rank[sorted_keys.order] = np.arange(len(self.rank), dtype=np.int32)
        self._rank = memoryview(self.rank)

    def __getstate__(self) -> dict:
        return {"keys": self.keys, "rank": self.rank}

    def __setstate__(self, state: dict) -> None:
        self.keys, self.rank = state["keys"], state["rank"]
        self._rank = memoryview(self.rank)

    def __getitem__(self, i: int) -> str:
        return self.keys[self._rank[i]]


class Postings:
    """Word → entry numbers (better entries first), with word trigrams for typos.

    Built with numpy from parallel arrays: VOCAB (the words), WORD_IDS and
    ENTRY_IDS (one pair per occurrence); ORDER ranks entries (status, length).
    """

    def __init__(
        self,
        vocab: list[str],
        word_ids: np.ndarray,
        entry_ids: np.ndarray,
        order: np.ndarray,
    ) -> None:
        perm = sorted(range(len(vocab)), key=vocab.__getitem__)
        self.words = Packed(vocab[i] for i in perm)
        rank = np.empty(len(vocab), dtype=np.int32)
        rank[np.array(perm, dtype=np.int64)] = np.arange(len(vocab), dtype=np.int32)
        wid = rank[word_ids] if len(word_ids) else word_ids.astype(np.int32)
        sort = np.lexsort((order[entry_ids], wid)) if len(wid) else wid
        self.ids = entry_ids[sort].astype(np.int32)
        counts = (
            np.bincount(wid, minlength=len(vocab))
            if len(wid)
            else np.zeros(len(vocab), dtype=np.int64)
        )
        self.offsets = np.zeros(len(vocab) + 1, dtype=np.int64)
        np.cumsum(counts, out=self.offsets[1:])
        self._build_grams()

    def _index(self, word: str) -> int:
        n = bisect_left(self.words, word)
        return n if n < len(self.words) and self.words[n] == word else -1

    def get(self, word: str, cap: int = CAP) -> np.ndarray:
        n = self._index(word)
        if n < 0:
            return self.ids[:0]
        lo = int(self.offsets[n])
        return self.ids[lo : min(int(self.offsets[n + 1]), lo + cap)]

    def prefix(self, key: str, cap: int = CAP) -> np.ndarray:
        """Entries with a word that begins with KEY (words in order, up to CAP)."""
        lo = bisect_left(self.words, key)
        hi = bisect_left(self.words, key + "\U0010ffff", lo)
        start = int(self.offsets[lo])
        return self.ids[start : min(int(self.offsets[hi]), start + cap)]

    # typos: trigram candidates, re-ranked with rapidfuzz

    def _build_grams(self) -> None:
        """Trigram → word postings, computed with numpy over all words at once."""
        nwords = len(self.words)
        if not nwords:
            self.lut = np.full(1, -1, dtype=np.int64)
            self.k = 1
            self.gram_keys = np.zeros(0, dtype=np.int64)
            self.gram_offsets = np.zeros(1, dtype=np.int64)
            self.gram_words = np.zeros(0, dtype=np.int32)
            return
        text = "\x00".join(f" {self.words[n]} " for n in range(nwords))
        codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
        # Letters → dense numbers through a lookup table (0 is the separator).
        alpha = sorted(set(text))
        self.lut = np.full(ord(alpha[-1]) + 1, -1, dtype=np.int64)
        self.lut[[ord(c) for c in alpha]] = np.arange(len(alpha))
        self.k = k = len(alpha)
        inv = self.lut[codes]
        grams = inv[:-2] * k * k + inv[1:-1] * k + inv[2:]
        sep = codes == 0
        wid = np.cumsum(sep)[:-2]
        valid = ~(sep[:-2] | sep[1:-1] | sep[2:])
        pairs = np.sort(grams[valid] * nwords + wid[valid])
        pairs = pairs[_firsts(pairs)]
        grams, wid = pairs // nwords, (pairs % nwords).astype(np.int32)
        starts = np.flatnonzero(_firsts(grams))
        self.gram_keys = grams[starts]
        self.gram_offsets = np.append(starts, len(grams)).astype(np.int64)
        self.gram_words = wid

    def _grams_of(self, word: str) -> tuple[np.ndarray, int]:
        codes = np.frombuffer(f" {word} ".encode("utf-32-le"), dtype=np.uint32)
        inside = codes < len(self.lut)
        inv = np.where(inside, self.lut[np.minimum(codes, len(self.lut) - 1)], -1)
        k = self.k
        grams = inv[:-2] * k * k + inv[1:-1] * k + inv[2:]
        ok = (inv[:-2] >= 0) & (inv[1:-1] >= 0) & (inv[2:] >= 0)
        return np.unique(grams[ok]), len(codes) - 2

    def similar(self, word: str, limit: int = 8) -> list[tuple[str, float]]:
        """Return words within about two edits of WORD, most similar first."""
        grams, total_grams = self._grams_of(word)
        if not len(grams) or not len(self.gram_keys):
            return []
        at = np.searchsorted(self.gram_keys, grams)
        inside = at < len(self.gram_keys)
        at, grams = at[inside], grams[inside]
        at = at[self.gram_keys[at] == grams]
        if not len(at):
            return []
        offsets = self.gram_offsets
        sizes = (offsets[at + 1] - offsets[at]).tolist()
        # The rarest trigrams first; very common ones are left out while enough
        # is read (each one left out lowers the overlap asked for by one).
        ranked = sorted(zip(sizes, at.tolist(), strict=True))
        lists, total, skipped = [], 0, 0
        for n, (size, i) in enumerate(ranked):
            if n >= 3 and total + size > GRAM_BUDGET:
                skipped += 1
                continue
            lists.append(self.gram_words[offsets[i] : offsets[i + 1]])
            total += size
        found, counts = np.unique(np.concatenate(lists), return_counts=True)
        # Two edits destroy at most six trigrams of the word.
        need = max(1, total_grams - 6 - skipped)
        good = counts >= need
        keep, counts = found[good], counts[good]
        if len(keep) > SIMILAR_CANDIDATES:
            # the words sharing the most trigrams with the query word
            top = np.argpartition(-counts, SIMILAR_CANDIDATES)[:SIMILAR_CANDIDATES]
            keep = keep[top]
        cands = [self.words[n] for n in keep.tolist()]
        out = process.extract(
            word,
            cands,
            scorer=fuzz.ratio,
            limit=limit,
            score_cutoff=max(FUZZY_CUTOFF, 100 - 250 / max(len(word), 1)),
        )
        return [(w, s) for w, s, _ in out]


class SearchIndex:
    """Ranked lookup over (concept, lang, text, status) rows."""

    def __init__(self, rows: Iterable[dict]) -> None:
        """Index ROWS (read once): dicts with concept_id, domain, lang, text, status."""
        texts: list[str] = []
        keys: list[str] = []
        domains: dict[str, int] = {}
        folded, skeletons, stems = _Keys(), _Keys(), _Keys()
        # Each distinct word is analysed once; its forms are cached per language.
        vocab = _Vocab()
        fvocab = _Vocab()
        svocab = _Vocab()
        kk_stem: dict[str, str] = {}
        en_stem: dict[str, str] = {}
        skel: dict[str, str] = {}
        sstem: dict[str, str] = {}
        fold: dict[str, str] = {}
        concept, lang_a, status_a, domain_a = (
            array("q"),
            array("b"),
            array("b"),
            array("h"),
        )
        for i, r in enumerate(rows):
            text, lang = r["text"], r["lang"]
            key = normalise(text)
            concept.append(r["concept_id"])
            lang_a.append(LANG_CODES[lang])
            status_a.append(STATUS_RANK.get(r["status"], 3))
            d = domains.get(r["domain"])
            if d is None:
                d = domains[r["domain"]] = len(domains)
            domain_a.append(d)
            texts.append(text)
            keys.append(key)
            ws = key.split()
            for w in ws:
                vocab.add(w, i)
            if lang == "en" or lang == "kk":
                cache = kk_stem if lang == "kk" else en_stem
                # the uncached functions: the build has its own caches
                fn = (kazakh_stem if lang == "kk" else english_stem).__wrapped__
                st = []
                for w in ws:
                    s = cache.get(w)
                    if s is None:
                        s = cache[w] = fn(w)
                    if s != w:
                        vocab.add(s, i)
                    st.append(s)
                stem_key = " ".join(st)
                if stem_key != key:
                    stems.add(stem_key, i)
            if lang == "ru" or lang == "kk":
                sk = []
                for w in ws:
                    s = skel.get(w)
                    if s is None:
                        s = skel[w] = skeleton_word.__wrapped__(w)
                    if s:
                        sk.append(s)
                        svocab.add(s, i)
                if sk:
                    sk_key = " ".join(sk)
                    skeletons.add(sk_key, i)
                    if lang == "kk":
                        ss = []
                        for w in sk:
                            t = sstem.get(w)
                            if t is None:
                                t = sstem[w] = skeleton_stem.__wrapped__(w)
                            ss.append(t)
                        ss_key = " ".join(ss)
                        if ss_key != sk_key:
                            skeletons.add(ss_key, i)
            if lang == "kk":
                fw = []
                for w in ws:
                    f = fold.get(w)
                    if f is None:
                        f = fold[w] = fold_kazakh(w)
                    fw.append(f)
                fk = " ".join(fw)
                if fk != key:
                    folded.add(fk, i)
                    for f in fw:
                        fvocab.add(f, i)
                    fst = " ".join(
                        kk_stem.get(f) or kazakh_stem.__wrapped__(f) for f in fw
                    )
                    if fst != fk:
                        folded.add(fst, i)
        self.concept = np.frombuffer(concept, dtype=np.int64)
        self.lang = np.frombuffer(lang_a, dtype=np.int8)
        self.status = np.frombuffer(status_a, dtype=np.int8)
        self.domain = np.frombuffer(domain_a, dtype=np.int16)
        self.domain_codes = domains
        # Better entries first inside each posting list: status, then length.
        n = len(keys)
        lengths = np.fromiter(map(len, keys), dtype=np.int64, count=n)
        self.order = self.status.astype(np.int64) * 10_000 + np.minimum(lengths, 9999)
        self.keys = SortedKeys(keys, array("i", range(n)))
        self.folded = folded.sorted()
        self.skeletons = skeletons.sorted()
        self.stems = stems.sorted()
        del keys
        self.text = Packed(texts)
        del texts
        self.key = KeyOf(self.keys)
        self.words = vocab.postings(self.order)
        self.fwords = fvocab.postings(self.order)
        self.swords = svocab.postings(self.order)

    def __len__(self) -> int:
        return len(self.text)

    # --- lookup -------------------------------------------------------------------

    def search(
        self,
        query: str,
        *,
        lang: str | None = None,
        domain: str | None = None,
        limit: int = 10,
        offset: int = 0,
    ) -> list[Hit]:
        """Return up to LIMIT concepts matching QUERY, best first."""
        ranked = self.ranked(query, lang, domain, offset + limit)
        return [hit for _, hit in ranked[offset : offset + limit]]

    def ranked(
        self, query: str, lang: str | None, domain: str | None, want: int
    ) -> list[tuple[tuple, Hit]]:
        """Return (rank, hit) pairs, best first: at least WANT of them if there are."""
        qkey = normalise(query)
        if not qkey or not len(self):
            return []
        lang_code = LANG_CODES.get(lang) if lang else None
        dom_code = self.domain_codes.get(domain, -1) if domain else None
        if dom_code == -1:
            return []
        best: dict[int, tuple[tuple, Hit]] = {}
        raw = unicodedata.normalize(
            "NFC", turkic_lower(unicodedata.normalize("NFC", query))
        ).replace("ё", "е")

        def add(
            ids,
            how: str,
            sub: int = 0,
            score: float | None = None,
            tier: int | None = None,
            near: str | None = None,
        ) -> None:
            for i in np.asarray(ids).tolist():
                if lang_code is not None and self.lang[i] != lang_code:
                    continue
                if dom_code is not None and self.domain[i] != dom_code:
                    continue
                h = how
                if how == "normalised" and self.text[i].casefold() == query.casefold():
                    h = "exact"
                elif how == "script":
                    h = "latin" if self.lang[i] == 2 else "translit"
                t, base = TIERS[h]
                t = t if tier is None else tier
                status = int(self.status[i])
                text = self.text[i]
                if score is None:
                    extra = max(0, len(self.key[i]) - len(qkey))
                    s = base - 0.5 * status - min(0.4, extra / 50) - 0.1 * sub
                    close = -fuzz.ratio(near, self.key[i]) if near else 0.0
                    rank = (t, sub, close, status, len(text), int(self.concept[i]))
                else:
                    s = score * 0.8
                    rank = (t, 0, -score, status, len(text), int(self.concept[i]))
                cid = int(self.concept[i])
                current = best.get(cid)
                if current is None or rank < current[0]:
                    best[cid] = (
                        rank,
                        Hit(cid, round(s, 1), LANG_NAMES[self.lang[i]], text, h),
                    )

        def enough() -> bool:
            return len(best) >= want

        # 1. as typed: exact / normalised, prefix, one word, inflections
        add(self.keys.exact(qkey), "normalised")
        self._lookups(qkey, "", add)
        # 2. variants: other scripts, Kazakh look-alikes, wrong layout
        if not enough():
            self._variants(raw, qkey, add)
        # 3. typos: not when the term itself was found (as typed, inflected, or
        # whole in another script or layout), nor when terms begin with the query:
        # a typo cannot rank above those
        found_term = any(
            r[0] <= TIERS["prefix"][0]
            or (r[0] in (TIERS["lemma"][0], TIERS["latin"][0]) and r[1] == 0)
            for r, _ in best.values()
        )
        if not enough() and not found_term and len(qkey.replace(" ", "")) >= 3:
            self._fuzzy(qkey, raw, add)
        return sorted(best.values(), key=lambda item: item[0])

    def _lookups(self, qkey: str, variant: str, add) -> None:
        """Look QKEY up by prefix, word and inflection (how: VARIANT, or the tier)."""
        words = qkey.split()
        if len(qkey) >= PREFIX_MIN:
            add(self.keys.prefix(qkey), variant or "prefix", 1 if variant else 0)
        if len(words) == 1 and len(qkey) >= PREFIX_MIN:
            add(self._word_prefix(qkey), variant or "word", 2 if variant else 0)
        elif len(words) > 1:
            add(
                self._all_words(words, self.words),
                variant or "word",
                2 if variant else 0,
            )
        # inflections: Kazakh and English stems, Russian lexemes; prepositions and
        # articles typed around the term ("в музее", "the museums") are left out
        words = [w for w in words if w not in STOP_WORDS] or words
        lkey = " ".join(words)
        stemmed = [kazakh_stem(w) for w in words]
        en = [english_stem(w) for w in words]
        how = variant or "lemma"
        sub = 3 if variant else 0
        for cand in {" ".join(stemmed), " ".join(en), lkey} - {qkey}:
            add(self.keys.exact(cand), how, sub, near=qkey)
            add(self.stems.exact(cand), how, sub, near=qkey)
        add(self.stems.exact(qkey), how, sub, near=qkey)
        forms = []
        for w, s, e in zip(words, stemmed, en, strict=True):
            forms.append(set(russian_forms(w)) | {s, e, w})
        if any(len(f) > 1 for f in forms):
            full, partial = [], []
            for i in self._all_forms(forms).tolist():
                ws = self.key[i].split()
                if len(ws) == len(words):
                    full.append(i)
                elif not set(words) <= set(ws):
                    partial.append(i)
            add(full, how, sub, near=qkey)
            # an inflected word of a longer term: after the words found as typed
            word_tier = None if variant else TIERS["word"][0]
            add(partial, how, sub + 1, near=qkey, tier=word_tier)

    def _word_prefix(self, key: str) -> np.ndarray:
        return self.words.prefix(key)

    def _all_words(self, words: list[str], postings: Postings) -> np.ndarray:
        """Entries that contain every word (the last may be a prefix)."""
        *whole, last = words
        if not whole:
            return postings.prefix(last) if len(last) >= 2 else postings.get(last)
        found = _intersect([postings.get(w, cap=20 * CAP) for w in whole])
        if not len(found) or len(last) < 2:
            return _intersect([found, postings.get(last, cap=20 * CAP)])
        # the last word, perhaps still being typed: checked on the few entries left
        found = found[:CAP].tolist()
        if postings is self.words:
            texts = [self.key[i] for i in found]
        elif postings is self.swords:
            texts = [skeleton(self.key[i]) for i in found]
        else:
            texts = [fold_kazakh(self.key[i]) for i in found]
        keep = [
            i
            for i, t in zip(found, texts, strict=True)
            if any(w.startswith(last) for w in t.split())
        ]
        return np.array(keep, dtype=np.int32)

    def _all_forms(self, forms: list[set[str]]) -> np.ndarray:
        sets = []
        for f in forms:
            parts = [self.words.get(w, cap=20 * CAP) for w in f]
            sets.append(np.concatenate(parts) if parts else np.zeros(0, np.int32))
        return _intersect(sets)

    def _variants(self, raw: str, qkey: str, add) -> None:
        # Kazakh typed with Russian look-alike letters (and their inflections)
        fq = fold_kazakh(qkey)
        add(self.folded.exact(fq), "folded")
        fst = " ".join(kazakh_stem(w) for w in fq.split())
        if fst != fq:
            add(self.folded.exact(fst), "folded", 3)
        if len(fq) >= PREFIX_MIN:
            add(self.folded.prefix(fq), "folded", 1)
            fw = fq.split()
            add(self._all_words(fw, self.fwords), "folded", 2)
        # Latin: Kazakh in any Latin alphabet, Russian transliterated
        if is_latin(raw):
            sk = skeleton(raw)
            if sk:
                add(self.skeletons.exact(sk), "script")
                stem_sk = " ".join(skeleton_stem(w) for w in sk.split())
                if stem_sk and stem_sk != sk:
                    add(self.skeletons.exact(stem_sk), "script", 3)
                if len(sk) >= PREFIX_MIN:
                    add(self.skeletons.prefix(sk), "script", 1)
                    add(self._all_words(sk.split(), self.swords), "script", 2)
        # wrong keyboard layout
        meant = from_layout(raw)
        if meant:
            mkey = normalise(meant)
            if mkey and mkey != qkey:
                add(self.keys.exact(mkey), "layout")
                self._lookups(mkey, "layout", add)
                mf = fold_kazakh(mkey)
                if mf != mkey:
                    add(self.folded.exact(mf), "layout", 1)

    def _fuzzy(self, qkey: str, raw: str, add) -> None:
        """Typos: similar words' entries, re-ranked; further spaces only if needed."""
        sk = skeleton(raw) if is_latin(raw) else ""
        for postings, query, project in self._fuzzy_spaces(qkey, raw, sk):
            cands = self._fuzzy_candidates(postings, query)
            if not len(cands):
                continue
            cands_list = cands.tolist()
            choices = [project(i) for i in cands_list]
            best = 0.0
            for _, score, n in process.extract(
                query,
                choices,
                scorer=fuzz.WRatio,
                limit=100,
                score_cutoff=FUZZY_CUTOFF,
            ):
                # Whole-string similarity breaks ties among partial matches.
                full = fuzz.ratio(query, choices[n])
                score = round(0.7 * score + 0.3 * full, 1)
                best = max(best, score)
                add([cands_list[n]], "fuzzy", score=score)
            if best >= GOOD_FUZZY:
                return  # a close match: other readings of the query are not needed

    def _fuzzy_candidates(self, postings: Postings, query: str) -> np.ndarray:
        per_word = []
        for w in query.split():
            ids = [postings.get(w, cap=FUZZY_POSTINGS)]
            if len(w) >= 3:
                for sim, _score in postings.similar(w):
                    if sim != w:
                        ids.append(postings.get(sim, cap=FUZZY_POSTINGS))
            per_word.append(np.unique(np.concatenate(ids)))
        if not per_word:
            return np.zeros(0, np.int32)
        # Entries that match most query words: every word for short queries.
        found, counts = np.unique(np.concatenate(per_word), return_counts=True)
        need = max(1, len(per_word) - (len(per_word) // 3))
        cands = found[counts >= need]
        if len(cands) > FUZZY_RERANK:
            cands = cands[np.argsort(self.order[cands], kind="stable")[:FUZZY_RERANK]]
        return cands

    def _fuzzy_spaces(self, qkey: str, raw: str, sk: str):
        """(postings, query, entry → comparable text) for each reading of a query."""
        key = self.key.__getitem__
        if sk:
            lang = self.lang
            yield self.swords, sk, lambda i: skeleton(key(i)) if lang[i] else key(i)
        yield self.words, qkey, key
        if _CYRILLIC_LETTER.search(qkey):
            yield self.fwords, fold_kazakh(qkey), lambda i: fold_kazakh(key(i))
        meant = from_layout(raw)
        if meant:
            yield self.words, normalise(meant), key

    # --- "did you mean" and autocomplete --------------------------------------------

    def suggest(
        self, query: str, limit: int = 3, exclude: frozenset[int] = frozenset()
    ) -> list[dict[str, str]]:
        """Return terms ({"text", "lang"}) close to QUERY, for "did you mean".

        Terms of the concepts in EXCLUDE are left out.
        """
        qkey = normalise(query)
        if not qkey or not len(self) or len(qkey.replace(" ", "")) < 3:
            return []
        raw = turkic_lower(unicodedata.normalize("NFC", query)).replace("ё", "е")
        found: dict[str, tuple] = {}

        def collect(ids, how, sub=0, score=None):
            for i in np.asarray(ids).tolist():
                if int(self.concept[i]) in exclude:
                    continue
                rank = (-(score or 0), int(self.status[i]), len(self.text[i]))
                text = self.text[i]
                if text not in found or rank < found[text][0]:
                    found[text] = (rank, LANG_NAMES[self.lang[i]])

        self._fuzzy(qkey, raw, collect)
        ordered = sorted(found, key=lambda text: found[text][0])
        return [{"text": t, "lang": found[t][1]} for t in ordered[:limit]]

    def complete(
        self, query: str, *, lang: str | None = None, limit: int = 8
    ) -> list[Hit]:
        """Return terms that complete QUERY as typed so far, best first."""
        return self.search(query, lang=lang, limit=limit)


class _Keys:
    """Whole-term keys of some entries, while an index is built."""

    def __init__(self) -> None:
        self.keys: list[str] = []
        self.ids = array("i")

    def add(self, key: str, entry: int) -> None:
        self.keys.append(key)
        self.ids.append(entry)

    def sorted(self) -> SortedKeys:
        return SortedKeys(self.keys, self.ids)


def _firsts(sorted_values: np.ndarray) -> np.ndarray:
    """Mask of the first of each run of equal values in a sorted array."""
    mask = np.ones(len(sorted_values), dtype=bool)
    if len(sorted_values):
        mask[1:] = sorted_values[1:] != sorted_values[:-1]
    return mask


class _Vocab:
    """Distinct words and their (word, entry) occurrences, while an index is built."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.words: list[str] = []
        self.word_ids = array("i")
        self.entry_ids = array("i")
        self.last: tuple[int, int] = (-1, -1)

    def add(self, word: str, entry: int) -> None:
        n = self.ids.get(word)
        if n is None:
            n = self.ids[word] = len(self.words)
            self.words.append(word)
        if self.last != (n, entry):  # a word twice in one term counts once
            self.last = (n, entry)
            self.word_ids.append(n)
            self.entry_ids.append(entry)

    def postings(self, order: np.ndarray) -> Postings:
        return Postings(
            self.words,
            np.frombuffer(self.word_ids, dtype=np.int32),
            np.frombuffer(self.entry_ids, dtype=np.int32),
            order,
        )


def _intersect(sets: list[np.ndarray]) -> np.ndarray:
    if not sets:
        return np.zeros(0, np.int32)
    out = np.unique(sets[0])
    for s in sets[1:]:
        out = np.intersect1d(out, s)
        if not len(out):
            break
    return out


class LayeredIndex:
    """A big index with a small one over recently changed concepts laid on top.

    Rebuilding a million terms takes seconds; a change touches a few concepts. The
    concepts in CHANGED are looked up in PATCH (built from their current terms; a
    deleted concept simply has none) and ignored in BASE.
    """

    def __init__(self, base: SearchIndex, rows: list[dict], changed: set[int]):
        self.base = base
        self.patch = SearchIndex(rows)
        self.changed = frozenset(changed)

    def __len__(self) -> int:
        return len(self.base) + len(self.patch)

    def ranked(self, query, lang, domain, want):
        base = [
            pair
            for pair in self.base.ranked(query, lang, domain, want + len(self.changed))
            if pair[1].concept_id not in self.changed
        ]
        return sorted(base + self.patch.ranked(query, lang, domain, want))

    def search(self, query, *, lang=None, domain=None, limit=10, offset=0):
        ranked = self.ranked(query, lang, domain, offset + limit)
        return [hit for _, hit in ranked[offset : offset + limit]]

    def suggest(self, query: str, limit: int = 3) -> list[dict[str, str]]:
        out = self.patch.suggest(query, limit)
        for found in self.base.suggest(query, limit, exclude=self.changed):
            if all(found["text"] != s["text"] for s in out):
                out.append(found)
        return out[:limit]

    def complete(self, query, *, lang=None, limit=8):
        return self.search(query, lang=lang, limit=limit)
