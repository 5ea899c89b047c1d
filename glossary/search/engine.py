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

import unicodedata
from bisect import bisect_left
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
STOP_WORDS = frozenset(
    "в во на о об обо с со к ко по из у за до от для при".split()
    + "the a an of in on to for".split()
)
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


class SortedKeys:
    """Strings sorted for exact and prefix lookup; each maps to entry numbers."""

    def __init__(self, pairs: list[tuple[str, int]]) -> None:
        pairs.sort()
        self.keys = [k for k, _ in pairs]
        self.ids = np.fromiter((i for _, i in pairs), dtype=np.int32, count=len(pairs))

    def exact(self, key: str) -> np.ndarray:
        lo = bisect_left(self.keys, key)
        hi = lo
        while hi < len(self.keys) and self.keys[hi] == key:
            hi += 1
        return self.ids[lo:hi]

    def prefix(self, key: str, cap: int = CAP) -> np.ndarray:
        lo = bisect_left(self.keys, key)
        hi = lo
        end = min(len(self.keys), lo + cap)
        while hi < end and self.keys[hi].startswith(key):
            hi += 1
        return self.ids[lo:hi]


class Postings:
    """Word → entry numbers (shortest terms first), with word trigrams for typos."""

    def __init__(self, table: dict[str, list[int]], order: np.ndarray) -> None:
        self.words = sorted(table)
        offsets = np.zeros(len(self.words) + 1, dtype=np.int64)
        parts = []
        for n, w in enumerate(self.words):
            ids = table[w]
            offsets[n + 1] = offsets[n] + len(ids)
            parts.append(ids)
        flat = np.fromiter(
            (i for ids in parts for i in ids), dtype=np.int32, count=int(offsets[-1])
        )
        self.offsets = offsets
        # Within each word, better entries (status, then length) first.
        rank = order[flat] if len(flat) else flat
        starts = np.repeat(np.arange(len(self.words)), np.diff(offsets))
        self.ids = flat[np.lexsort((rank, starts))] if len(flat) else flat
        self._grams: dict[str, np.ndarray] | None = None

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
        lo = bisect_left(self.words, key)
        out, total = [], 0
        n = lo
        while n < len(self.words) and self.words[n].startswith(key) and total < cap:
            ids = self.ids[int(self.offsets[n]) : int(self.offsets[n + 1])][:cap]
            out.append(ids)
            total += len(ids)
            n += 1
        return np.concatenate(out) if out else self.ids[:0]

    # typos: trigram candidates, re-ranked with rapidfuzz

    def _build_grams(self) -> None:
        table: dict[str, list[int]] = {}
        for n, w in enumerate(self.words):
            for g in _grams(w):
                table.setdefault(g, []).append(n)
        self._grams = {g: np.array(v, dtype=np.int32) for g, v in table.items()}

    def similar(self, word: str, limit: int = 12) -> list[tuple[str, float]]:
        """Return words within about two edits of WORD, most similar first."""
        if self._grams is None:
            self._build_grams()
        grams = _grams(word)
        lists = [self._grams[g] for g in grams if g in self._grams]
        if not lists:
            return []
        found, counts = np.unique(np.concatenate(lists), return_counts=True)
        # Two edits destroy at most six trigrams of the word.
        need = max(1, len(grams) - 6)
        keep = found[counts >= need]
        if len(keep) > 3000:
            keep = found[np.argsort(-counts, kind="stable")[:3000]]
        cands = [self.words[n] for n in keep]
        out = process.extract(
            word,
            cands,
            scorer=fuzz.ratio,
            limit=limit,
            score_cutoff=max(FUZZY_CUTOFF, 100 - 250 / max(len(word), 1)),
        )
        return [(w, s) for w, s, _ in out]


def _grams(word: str) -> set[str]:
    w = f" {word} "
    return {w[i : i + 3] for i in range(len(w) - 2)}


class SearchIndex:
    """Ranked lookup over (concept, lang, text, status) rows."""

    def __init__(self, rows: list[dict]) -> None:
        """Index ROWS: dicts with concept_id, domain, lang, text, status."""
        n = len(rows)
        self.concept = np.zeros(n, dtype=np.int64)
        self.lang = np.zeros(n, dtype=np.int8)
        self.status = np.zeros(n, dtype=np.int8)
        domains: dict[str, int] = {}
        self.domain = np.zeros(n, dtype=np.int16)
        self.text: list[str] = []
        self.key: list[str] = []
        keys, folded, skeletons, stems = [], [], [], []
        words: dict[str, list[int]] = {}
        fwords: dict[str, list[int]] = {}
        swords: dict[str, list[int]] = {}
        for i, r in enumerate(rows):
            text, lang = r["text"], r["lang"]
            key = normalise(text)
            self.concept[i] = r["concept_id"]
            self.lang[i] = LANG_CODES[lang]
            self.status[i] = STATUS_RANK.get(r["status"], 3)
            self.domain[i] = domains.setdefault(r["domain"], len(domains))
            self.text.append(text)
            self.key.append(key if key != text else text)
            keys.append((key, i))
            ws = key.split()
            for w in ws:
                words.setdefault(w, []).append(i)
            if lang != "ru":
                st = [word_stem(w, lang) for w in ws]
                for w, s in zip(ws, st, strict=True):
                    if s != w:
                        words.setdefault(s, []).append(i)
                stem_key = " ".join(st)
                if stem_key != key:
                    stems.append((stem_key, i))
            if lang in ("ru", "kk"):
                sk = skeleton(key)
                if sk:
                    skeletons.append((sk, i))
                    if lang == "kk":
                        ssk = " ".join(skeleton_stem(w) for w in sk.split())
                        if ssk != sk:
                            skeletons.append((ssk, i))
                    for w in set(sk.split()):
                        swords.setdefault(w, []).append(i)
            if lang == "kk":
                fk = fold_kazakh(key)
                if fk != key:
                    folded.append((fk, i))
                    for w in fk.split():
                        fwords.setdefault(w, []).append(i)
                    fst = " ".join(kazakh_stem(w) for w in fk.split())
                    if fst != fk:
                        folded.append((fst, i))
        self.domain_codes = domains
        # Better entries first inside each posting list: status, then length.
        lengths = np.fromiter((len(k) for k in self.key), dtype=np.int64, count=n)
        self.order = self.status.astype(np.int64) * 10_000 + np.minimum(lengths, 9999)
        self.keys = SortedKeys(keys)
        self.folded = SortedKeys(folded)
        self.skeletons = SortedKeys(skeletons)
        self.stems = SortedKeys(stems)
        self.words = Postings(words, self.order)
        self.fwords = Postings(fwords, self.order)
        self.swords = Postings(swords, self.order)

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
        # 3. typos
        if not enough() and len(qkey.replace(" ", "")) >= 3:
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
        sets = []
        for n, w in enumerate(words):
            ids = postings.get(w, cap=20 * CAP)
            if n == len(words) - 1 and len(w) >= 2:
                ids = np.concatenate([ids, postings.prefix(w, cap=20 * CAP)])
            sets.append(ids)
        return _intersect(sets)

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
        cands: set[int] = set()
        for postings, q in self._fuzzy_spaces(qkey, raw):
            words = q.split()
            per_word = []
            for w in words:
                ids = []
                if len(w) >= 3:
                    for sim, _score in postings.similar(w):
                        ids.append(postings.get(sim, cap=CAP))
                ids.append(postings.get(w, cap=CAP))
                per_word.append(np.concatenate(ids))
            if not per_word:
                continue
            # Entries that match most query words: every word for short queries.
            counts: dict[int, int] = {}
            for ids in per_word:
                for i in set(np.asarray(ids).tolist()):
                    counts[i] = counts.get(i, 0) + 1
            need = max(1, len(per_word) - (len(per_word) // 3))
            cands.update(i for i, c in counts.items() if c >= need)
        if not cands:
            return
        cands_list = sorted(cands)[:5000]
        sk = skeleton(raw) if is_latin(raw) else ""
        choices = [
            sk and self.lang[i] != 0 and skeleton(self.key[i]) or self.key[i]
            for i in cands_list
        ]
        query = sk if sk else qkey
        for _, score, n in process.extract(
            query,
            choices,
            scorer=fuzz.WRatio,
            limit=200,
            score_cutoff=FUZZY_CUTOFF,
        ):
            # Whole-string similarity breaks ties among partial matches.
            full = fuzz.ratio(query, choices[n])
            add([cands_list[n]], "fuzzy", score=round(0.7 * score + 0.3 * full, 1))

    def _fuzzy_spaces(self, qkey: str, raw: str):
        yield self.words, qkey
        fq = fold_kazakh(qkey)
        if fq != qkey:
            yield self.fwords, fq
        elif any("а" <= c <= "я" for c in fq):
            yield self.fwords, fq
        if is_latin(raw):
            sk = skeleton(raw)
            if sk:
                yield self.swords, sk
        meant = from_layout(raw)
        if meant:
            yield self.words, normalise(meant)

    # --- "did you mean" and autocomplete --------------------------------------------

    def suggest(
        self, query: str, limit: int = 3, exclude: frozenset[int] = frozenset()
    ) -> list[str]:
        """Return term texts close to QUERY, for "did you mean" (not of EXCLUDE)."""
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
                if text not in found or rank < found[text]:
                    found[text] = rank

        self._fuzzy(qkey, raw, collect)
        return sorted(found, key=found.__getitem__)[:limit]

    def complete(
        self, query: str, *, lang: str | None = None, limit: int = 8
    ) -> list[Hit]:
        """Return terms that complete QUERY as typed so far, best first."""
        return self.search(query, lang=lang, limit=limit)


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

    def suggest(self, query: str, limit: int = 3) -> list[str]:
        out = self.patch.suggest(query, limit)
        for text in self.base.suggest(query, limit, exclude=self.changed):
            if text not in out:
                out.append(text)
        return out[:limit]

    def complete(self, query, *, lang=None, limit=8):
        return self.search(query, lang=lang, limit=limit)
