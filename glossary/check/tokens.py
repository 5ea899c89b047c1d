"""Words of a text with their offsets (Python str indices into the text as given).

A word is a run of letters and digits (with combining marks and soft hyphens
inside it) and inner apostrophes, so that Kazakh in the 2017 Latin alphabet
(`da'stu'r`, `k'azysynyn'`) stays one word. Hyphens, dashes, quotes, brackets
and white space, line breaks included, separate words and may stand inside a
multi-word term (`бизнес-инкубатор`, `«Мәдениет туралы» Заң`); a sentence or
clause mark (. , ; : ! ? …) or a digit-only word ends a term.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_LETTER = r"(?:[^\W_]|[\u0300-\u036f\u0483-\u0487\u00ad])"
_APOSTROPHE = "'’ʼ`´"
WORD = re.compile(
    rf"{_LETTER}+(?:[{_APOSTROPHE}]{_LETTER}+)*(?P<tail>[{_APOSTROPHE}](?!{_LETTER}))?"
)
# What may stand between two words of one term: spaces, line breaks, hyphens and
# dashes, quotes, brackets, slashes, markup emphasis.
_JOINABLE = re.compile(r"[\s\-‐‑‒–—―_/\\'’‘`´«»\"“”„‹›()\[\]{}*~<>|]*")


@dataclass(frozen=True, slots=True)
class Token:
    """One word of a text: where it is and how it is written there."""

    start: int
    end: int
    text: str
    # May a term go on from this word to the next one?
    joins_next: bool = True


def tokenise(text: str, *, keep_tail_apostrophe: bool = False) -> list[Token]:
    """Return the words of TEXT in order, with offsets into TEXT.

    A closing apostrophe is part of the word only with KEEP_TAIL_APOSTROPHE (2017
    Kazakh Latin: `n'` is ң); otherwise it is a closing quote.
    """
    found = []
    for m in WORD.finditer(text):
        end = m.end()
        if m.group("tail") and not keep_tail_apostrophe:
            end -= 1
        found.append((m.start(), end))
    tokens = []
    for n, (start, end) in enumerate(found):
        if n + 1 < len(found):
            gap = text[end : found[n + 1][0]]
            joins = _JOINABLE.fullmatch(gap) is not None
        else:
            joins = False
        word = text[start:end]
        if word.isdigit():
            joins = False
        tokens.append(Token(start, end, word, joins))
    # A number is not part of a term on either side.
    for n, t in enumerate(tokens):
        if t.text.isdigit() and n:
            prev = tokens[n - 1]
            tokens[n - 1] = Token(prev.start, prev.end, prev.text, False)
    return tokens


def words_of(term: str) -> list[str]:
    """Return the words of a glossary TERM, as the text is split."""
    return [t.text for t in tokenise(term, keep_tail_apostrophe=True)]
