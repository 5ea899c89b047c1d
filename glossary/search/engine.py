"""An in-memory term index with ranked lookup over the three languages (pure).

Tiers, best first: exact, exact after normalisation, the Kazakh Latin form,
Kazakh typed with Russian look-alike letters, prefix (autocomplete), one word of
a multi-word term, fuzzy (rapidfuzz). Within a tier preferred terms come before
admitted ones, then shorter terms. Results are grouped by concept.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz, process

from ..model import STATUS_RANK
from .latin import to_kazakh_latin
from .normalise import fold_kazakh, normalise

# how → (tier, base score); a lower tier ranks first.
TIERS: dict[str, tuple[int, float]] = {
    "exact": (0, 100.0),
    "normalised": (1, 98.0),
    "latin": (2, 96.0),
    "folded": (3, 94.0),
    "prefix": (4, 90.0),
    "word": (5, 85.0),
    "fuzzy": (6, 0.0),
}
FUZZY_CUTOFF = 75.0
FUZZY_CANDIDATES = 50


@dataclass(frozen=True)
class Entry:
    """One searchable form of one term."""

    concept_id: int
    domain: str
    lang: str
    text: str
    status: str
    key: str
    form: str  # "term", "latin" or "folded"


@dataclass(frozen=True)
class Hit:
    """The best match of a query within one concept."""

    concept_id: int
    score: float
    lang: str
    text: str
    how: str


class SearchIndex:
    """Ranked lookup over (concept, lang, text, status) rows."""

    def __init__(self, rows: list[dict]) -> None:
        """Index ROWS: dicts with concept_id, domain, lang, text, status."""
        self.entries: list[Entry] = []
        for r in rows:
            key = normalise(r["text"])
            forms = [("term", key)]
            if r["lang"] == "kk":
                forms.append(("latin", normalise(to_kazakh_latin(r["text"]))))
                forms.append(("folded", fold_kazakh(key)))
            for form, k in forms:
                self.entries.append(
                    Entry(
                        r["concept_id"],
                        r["domain"],
                        r["lang"],
                        r["text"],
                        r["status"],
                        k,
                        form,
                    )
                )
        self.keys = [e.key for e in self.entries]

    def _classify(self, query: str, qkey: str, e: Entry) -> str | None:
        if e.form == "term" and e.text.casefold() == query.casefold():
            return "exact"
        if e.key == qkey:
            return {"term": "normalised", "latin": "latin", "folded": "folded"}[e.form]
        if len(qkey) >= 2 and e.key.startswith(qkey):
            return "prefix"
        if len(qkey) >= 3 and any(w.startswith(qkey) for w in e.key.split()[1:]):
            return "word"
        return None

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
        qkey = normalise(query)
        if not qkey:
            return []
        folded_q = fold_kazakh(qkey)
        best: dict[int, tuple[tuple, Hit]] = {}

        def consider(e: Entry, how: str, score: float) -> None:
            if (lang and e.lang != lang) or (domain and e.domain != domain):
                return
            tier, status = TIERS[how][0], STATUS_RANK.get(e.status, 9)
            # Within a tier: preferred before admitted before deprecated, then
            # shorter; fuzzy matches are ordered by similarity first.
            closeness = -score if how == "fuzzy" else 0.0
            rank = (tier, closeness, status, len(e.text), e.concept_id)
            current = best.get(e.concept_id)
            if current is None or rank < current[0]:
                best[e.concept_id] = (
                    rank,
                    Hit(e.concept_id, round(score, 1), e.lang, e.text, how),
                )

        for e in self.entries:
            how = self._classify(query, qkey if e.form != "folded" else folded_q, e)
            if how:
                # The score falls with status and extra length, but by less than
                # the gap between two tiers, so it agrees with the ranking.
                extra = max(0, len(e.text) - len(qkey))
                score = (
                    TIERS[how][1]
                    - 0.5 * STATUS_RANK.get(e.status, 3)
                    - min(0.4, extra / 50)
                )
                consider(e, how, score)
        if len(best) < limit + offset and len(qkey) >= 3:
            for _, score, i in process.extract(
                qkey,
                self.keys,
                scorer=fuzz.WRatio,
                limit=FUZZY_CANDIDATES,
                score_cutoff=FUZZY_CUTOFF,
            ):
                e = self.entries[i]
                if (
                    e.concept_id not in best
                    or best[e.concept_id][0][0] == TIERS["fuzzy"][0]
                ):
                    consider(e, "fuzzy", score * 0.8)
        ranked = sorted(best.values(), key=lambda item: item[0])
        return [hit for _, hit in ranked[offset : offset + limit]]

    def suggest(self, query: str, limit: int = 3) -> list[dict[str, str]]:
        """Return terms close to QUERY ({"text", "lang"}), for "did you mean"."""
        qkey = normalise(query)
        if not qkey:
            return []
        seen: list[dict[str, str]] = []
        for _, _, i in process.extract(
            qkey, self.keys, scorer=fuzz.ratio, limit=limit * 4, score_cutoff=50
        ):
            e = self.entries[i]
            if all(s["text"] != e.text for s in seen):
                seen.append({"text": e.text, "lang": e.lang})
        return seen[:limit]
