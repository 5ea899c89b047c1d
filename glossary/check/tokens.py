"""Words of a text with their offsets (Python str indices into the text as given).

A word is a run of letters and digits (with combining marks and soft hyphens
inside it) and inner apostrophes, so that Kazakh in the 2017 Latin alphabet
(`da'stu'r`, `k'azysynyn'`) stays one word. Hyphens, dashes, quotes, brackets
and white space, line breaks included, separate words and may stand inside a
multi-word term (`бизнес-инкубатор`, `«Мәдениет туралы» Заң`); a sentence or
clause mark (. , ; : ! ? …), any other sign, or a number ends a term.
"""

from __future__ import annotations

import re
from itertools import accumulate
from typing import NamedTuple

_APOSTROPHE = "'’ʼ`´"
# What may stand between two words of one term: spaces, line breaks, hyphens and
# dashes, quotes, brackets, slashes, markup emphasis. Anything else breaks.
_JOINABLE = r"\s\-‐‑‒–—―_/\\'’‘`´«»\"“”„‹›()\[\]{}*~<>|"
_BREAK = re.compile(rf"[^\w{_JOINABLE}\u0300-\u036f\u0483-\u0487\u00ad]")


class Token(NamedTuple):
    """One word of a text: where it is and how it is written there."""

    start: int
    end: int
    text: str
    # May a term go on from this word to the next one?
    joins_next: bool = True


# The same words found faster: combining marks and soft hyphens (rare) are read as
# letters of a same-length copy of the text, so that one plain class of letters
# does (an alternation per letter is three times slower), and a closing
# apostrophe is found apart.
_MARKS = re.compile("[\u0300-\u036f\u0483-\u0487\u00ad]")
_MARKS_AS_LETTER = {c: "a" for c in [*range(0x300, 0x370), *range(0x483, 0x488), 0xAD]}
_FAST_WORD = re.compile(rf"[^\W_]+(?:[{_APOSTROPHE}][^\W_]+)*")
_TAIL = re.compile(rf"[{_APOSTROPHE}](?![^\W_])")
_ANY_APOSTROPHE = re.compile(f"[{_APOSTROPHE}]")
_JOINS: dict[str, bool] = {}


def _joins(gap: str) -> bool:
    """May a term go on across GAP, the text between two words?"""
    ok = _JOINS.get(gap)
    if ok is None:
        ok = _BREAK.search(gap) is None
        if len(_JOINS) < 10_000:
            _JOINS[gap] = ok
    return ok


_SPLIT = re.compile(f"({_FAST_WORD.pattern})")


def scan_words(text: str, *, keep_tail_apostrophe: bool = False):
    """Return the words of TEXT as parallel lists: starts, ends, joins_next, words."""
    if not _MARKS.search(text) and not (
        keep_tail_apostrophe and _ANY_APOSTROPHE.search(text)
    ):
        return _split_words(text)
    return _match_words(text, keep_tail_apostrophe)


def _match_words(text: str, keep_tail_apostrophe: bool):
    """scan_words of any TEXT: each word matched, each gap read."""
    source = text.translate(_MARKS_AS_LETTER) if _MARKS.search(text) else text
    spans = [m.span() for m in _FAST_WORD.finditer(source)]
    if not spans:
        return [], [], [], []
    starts, ends = (list(x) for x in zip(*spans, strict=True))
    if keep_tail_apostrophe and _ANY_APOSTROPHE.search(source):
        # an apostrophe right after a word and before no letter closes the word
        tails = {m.start() for m in _TAIL.finditer(source)}.intersection(ends)
        if tails:
            ends = [e + 1 if e in tails else e for e in ends]
    words = [text[s:e] for s, e in zip(starts, ends, strict=True)]
    joins = [_joins(text[e:s]) for e, s in zip(ends, starts[1:], strict=False)]
    joins.append(False)
    _no_joins_at_numbers(words, joins)
    return starts, ends, joins, words


def _split_words(text: str):
    """scan_words of a TEXT with no marks in words and no closing apostrophes.

    One split gives the gaps and the words in turn (gap, word, gap, … gap),
    their offsets the running sum of their lengths.
    """
    parts = _SPLIT.split(text)
    if len(parts) == 1:
        return [], [], [], []
    at = list(accumulate(map(len, parts), initial=0))
    words = parts[1::2]
    starts, ends = at[1:-1:2], at[2::2]
    gaps = parts[2:-1:2]
    joins = list(map(_JOINS.get, gaps))  # most gaps were read before
    if None in joins:
        joins = [
            _joins(g) if j is None else j for g, j in zip(gaps, joins, strict=True)
        ]
    joins.append(False)
    if any(map(str.isdigit, words)):
        _no_joins_at_numbers(words, joins)
    return starts, ends, joins, words


def _no_joins_at_numbers(words: list[str], joins: list) -> None:
    """A number is no part of a term, on either side: unjoin it from both."""
    for i, w in enumerate(words):
        if w.isdigit():
            joins[i] = False
            if i:
                joins[i - 1] = False


def scan(text: str, *, keep_tail_apostrophe: bool = False):
    """Return the words of TEXT as parallel lists: starts, ends, joins_next."""
    starts, ends, joins, _ = scan_words(text, keep_tail_apostrophe=keep_tail_apostrophe)
    return starts, ends, joins


def tokenise(text: str, *, keep_tail_apostrophe: bool = False) -> list[Token]:
    """Return the words of TEXT in order, with offsets into TEXT.

    A closing apostrophe is part of the word only with KEEP_TAIL_APOSTROPHE (2017
    Kazakh Latin: `n'` is ң); otherwise it is a closing quote.
    """
    starts, ends, joins = scan(text, keep_tail_apostrophe=keep_tail_apostrophe)
    return [
        Token(s, e, text[s:e], j) for s, e, j in zip(starts, ends, joins, strict=True)
    ]


_SIMPLE_TERM = re.compile(r"[^\W_]+(?: [^\W_]+)*")


def words_of(term: str) -> list[str]:
    """Return the words of a glossary TERM, as the text is split."""
    if _SIMPLE_TERM.fullmatch(term):  # most terms: letters and single spaces
        return term.split(" ")
    return scan_words(term, keep_tail_apostrophe=True)[3]
