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
from bisect import bisect_left
from typing import NamedTuple

_LETTER = r"(?:[^\W_]|[\u0300-\u036f\u0483-\u0487\u00ad])"
_APOSTROPHE = "'’ʼ`´"
WORD = re.compile(
    rf"{_LETTER}+(?:[{_APOSTROPHE}]{_LETTER}+)*(?P<tail>[{_APOSTROPHE}](?!{_LETTER}))?"
)
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


def scan(text: str, *, keep_tail_apostrophe: bool = False):
    """Return the words of TEXT as parallel lists: starts, ends, joins_next."""
    starts, ends = [], []
    for m in WORD.finditer(text):
        end = m.end()
        if m.group("tail") and not keep_tail_apostrophe:
            end -= 1
        starts.append(m.start())
        ends.append(end)
    breaks = [m.start() for m in _BREAK.finditer(text)]
    n = len(starts)
    joins = [False] * n
    for i in range(n - 1):
        # no breaking sign between this word and the next
        at = bisect_left(breaks, ends[i])
        joins[i] = at == len(breaks) or breaks[at] >= starts[i + 1]
    # a number is no part of a term, on either side
    for i in range(n):
        if text[starts[i] : ends[i]].isdigit():
            joins[i] = False
            if i:
                joins[i - 1] = False
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


def words_of(term: str) -> list[str]:
    """Return the words of a glossary TERM, as the text is split."""
    return [t.text for t in tokenise(term, keep_tail_apostrophe=True)]
