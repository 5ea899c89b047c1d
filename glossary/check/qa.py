"""Translation QA: did the translation use the glossary's terms? (pure)

Each term found in the source is looked for in the target: one of the concept's
preferred or admitted terms of the target language (any inflected form) must be
there. Findings: `missing` (none of them, nor a deprecated one) and `deprecated`
(the target uses a deprecated or superseded term of that concept). When both
texts have the same number of non-empty lines (one sentence per line), each
source line is checked against its own target line only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .index import Match

GOOD = ("preferred", "admitted")
BAD = ("deprecated", "superseded")


@dataclass(frozen=True)
class Finding:
    """One problem of a translation, with where it is in both texts."""

    kind: str  # "missing" or "deprecated"
    concept_id: int
    source: Match
    target: Match | None
    expected: list[str]

    def to_dict(self) -> dict:
        """Return the finding in the API's shape."""
        return {
            "kind": self.kind,
            "concept_id": self.concept_id,
            "source": _place(self.source),
            "target": _place(self.target) if self.target else None,
            "expected": self.expected,
        }


def _place(m: Match) -> dict:
    return {"start": m.start, "end": m.end, "text": m.text}


def line_spans(text: str) -> list[tuple[int, int]]:
    """Return the (start, end) of each non-empty line of TEXT."""
    spans, pos = [], 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        if body.strip():
            spans.append((pos, pos + len(body)))
        pos += len(line)
    return spans


def aligned_lines(source: str, target: str) -> tuple[list, list] | None:
    """Return both texts' line spans if they are sentence-aligned, else None."""
    s, t = line_spans(source), line_spans(target)
    if len(s) > 1 and len(s) == len(t):
        return s, t
    return None


def _line_of(spans: list[tuple[int, int]], position: int) -> int:
    for n, (start, end) in enumerate(spans):
        if start <= position < end:
            return n
    return -1


def check_translation(
    source_matches: list[Match],
    target_matches: list[Match],
    equivalents: Callable[[int], list[tuple[str, str]]],
    *,
    lines: tuple[list, list] | None = None,
) -> list[Finding]:
    """Return the findings of a translation, in the order of the source.

    EQUIVALENTS(concept_id) gives the concept's (text, status) terms in the target
    language. LINES, from aligned_lines(), narrows each check to the aligned line.
    """
    # One source stretch may be a term of several concepts: any of them will do.
    spans: dict[tuple[int, int], list[Match]] = {}
    for m in source_matches:
        spans.setdefault((m.start, m.end), []).append(m)

    def scope_of(m: Match, spans_of_text) -> int:
        return _line_of(spans_of_text, m.start) if lines else 0

    target_by_scope: dict[int, list[Match]] = {}
    for m in target_matches:
        target_by_scope.setdefault(scope_of(m, lines[1] if lines else None), []).append(
            m
        )
    findings: list[Finding] = []
    reported: set[tuple] = set()
    for group in spans.values():
        first = group[0]
        scope = scope_of(first, lines[0] if lines else None)
        ids = [m.concept_id for m in group]
        expected: list[str] = []
        for cid in ids:
            for text, status in equivalents(cid):
                if status in GOOD and text not in expected:
                    expected.append(text)
        if not expected:
            continue  # the glossary has no term to expect in the target language
        key = (scope, tuple(ids))
        in_scope = [m for m in target_by_scope.get(scope, []) if m.concept_id in ids]
        good = [m for m in in_scope if m.status in GOOD]
        bad = [m for m in in_scope if m.status in BAD]
        if key in reported:
            continue
        reported.add(key)
        seen_targets = set()
        for m in bad:
            if (m.start, m.end) in seen_targets:
                continue
            seen_targets.add((m.start, m.end))
            findings.append(Finding("deprecated", m.concept_id, first, m, expected))
        if not good and not bad:
            findings.append(Finding("missing", first.concept_id, first, None, expected))
    findings.sort(key=lambda f: (f.source.start, f.target.start if f.target else -1))
    return findings
