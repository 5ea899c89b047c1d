"""The model's fast paths (for bulk imports) decide exactly as the full checks do.

Each fast path is compared with the slow path it short-cuts, on generated text
drawn from the characters where the two could part: every kind of whitespace,
fullwidth forms, combining marks, format and control characters, Latin,
Cyrillic, Greek and Armenian letters, superscripts and Latin-1 letters that
belong to no script range of the fast path.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from glossary import model

WHITESPACE = [chr(c) for c in range(0x110000) if chr(c).isspace()]
TRICKY = (
    WHITESPACE
    + list("abzAZ éÿŒſƀɏ")  # ASCII and Latin-1 to Latin Extended-B letters
    + list("абвяАЯёқөүұіһңғәЁ")  # Cyrillic, Kazakh letters included
    + list("ªµº²½×÷")  # Latin-1 signs and letters outside the plain ranges
    + list("\u0482\u0483\u0488")  # Cyrillic thousands sign, combining marks
    + list("αοΑΟ\u0585")  # Greek and Armenian look-alikes
    + list("\u0301\u0300\u0308\u20dd")  # combining marks (Mn, Me)
    + list("\u00ad\u200b\u200d\u2060\ufeff\u202e")  # format characters (Cf)
    + list("\x00\x07\x1f\x7f\x85")  # controls
    + list("\uff21\uff41\u3000\uff76")  # fullwidth and halfwidth forms
    + list("0123456789_-.,:;'\"")
)
texts = st.text(alphabet=st.sampled_from(TRICKY), max_size=24)
langs = st.sampled_from(["en", "ru", "kk"])
_SPACES = re.compile(r"\s+")


class _Everything:
    """Stands for a set holding every character: text_problem loops always."""

    def isdisjoint(self, other: object) -> bool:
        return False


@contextlib.contextmanager
def _patched(**replacements):
    """Replace model functions for a with block (each example undoes its own)."""
    saved = {name: getattr(model, name) for name in replacements}
    for name, value in replacements.items():
        setattr(model, name, value)
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(model, name, value)


def full_text_loop():
    """text_problem without its shortcut (ASCII still returns at once)."""
    return _patched(_suspects=_Everything)


def full_script_check():
    """script_problem without _plainly_in_script."""
    return _patched(_plainly_in_script=lambda lang, text: False)


def full_checks():
    """validate_concept building every message and running every check."""
    return _patched(
        _suspects=_Everything,
        _plainly_in_script=lambda lang, text: False,
        _clean=lambda value, limit, inline: False,
    )


def reference_line(text: str) -> str:
    """clean_line as it was written before its fast path."""
    norm = unicodedata.normalize("NFC", model._narrow(text))
    return _SPACES.sub(" ", norm).strip()


def reference_block(text: str) -> str:
    """clean_block as it was written before its fast path."""
    text = unicodedata.normalize("NFC", model._narrow(text))
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


@settings(max_examples=300, deadline=None)
@given(texts)
def test_clean_line_and_block_match_the_reference(text):
    assert model.clean_line(text) == reference_line(text)
    assert model.clean_block(text) == reference_block(text)


def test_no_ascii_character_is_one_text_problem_objects_to():
    # text_problem returns at once for ASCII text: that must lose nothing.
    kinds = ("Cs", "Cf", "Mn", "Me")
    assert not [c for c in range(128) if unicodedata.category(chr(c)) in kinds]
    assert "\u00ad" in model._suspects() and "\u0301" in model._suspects()
    assert "\ud800" in model._suspects() and "я" not in model._suspects()


@settings(max_examples=300, deadline=None)
@given(texts)
def test_text_problem_matches_the_full_loop(text):
    fast = model.text_problem(text, "x", "f")
    with full_text_loop():
        slow = model.text_problem(text, "x", "f")
    assert fast == slow


@settings(max_examples=500, deadline=None)
@given(langs, texts)
def test_script_problem_matches_the_full_check(lang, text):
    fast = model.script_problem(lang, text, "w")
    with full_script_check():
        slow = model.script_problem(lang, text, "w")
    assert fast == slow


def test_plainly_in_script_cases():
    assert model._plainly_in_script("en", "creative industries")
    assert model._plainly_in_script("ru", "креативные индустрии")
    assert model._plainly_in_script("ru", "IT-парк")  # two words, one script each
    assert model._plainly_in_script("kk", "шығармашылық индустриялар")
    assert not model._plainly_in_script("ru", "пaрк")  # Latin a in a Russian word
    assert not model._plainly_in_script("en", "pаrk")  # Cyrillic а in English
    assert not model._plainly_in_script("kk", "park")  # Kazakh needs Cyrillic
    assert not model._plainly_in_script("en", "ροck")  # Greek: the full check
    # and the full check still finds each of them
    assert model.script_problem("ru", "пaрк").code == "mixed_script"
    assert model.script_problem("en", "pаrk").code == "mixed_script"
    assert model.script_problem("kk", "park").code == "kazakh_not_cyrillic"
    assert model.script_problem("en", "ροck") is not None


term = st.fixed_dictionaries(
    {
        "lang": st.sampled_from(["en", "ru", "kk", "de", ""]),
        "text": st.one_of(texts, st.text(alphabet="ab", min_size=299, max_size=302)),
        "status": st.sampled_from(["preferred", "admitted", "wrong", ""]),
        "pos": st.sampled_from(["", "noun", "verb", "thing"]),
        "usage": texts,
        "source": st.one_of(texts, st.just("x" * 2001)),
    }
)
record = st.fixed_dictionaries(
    {
        "id": st.sampled_from([None, 5]),
        "domain": st.sampled_from(["general", "design", "nowhere"]),
        "terms": st.lists(term, max_size=4),
        "definitions": st.dictionaries(
            st.sampled_from(["en", "ru", "xx"]),
            st.fixed_dictionaries({"text": texts, "source": texts}),
            max_size=2,
        ),
        "notes": st.lists(
            st.fixed_dictionaries(
                {
                    "text": texts,
                    "lang": st.sampled_from(["en", "kk", "zz"]),
                    "author": st.one_of(texts, st.just("a" * 101)),
                    "date": st.sampled_from(["", "2026-11-29", "2026-13-01"]),
                    "term": st.sampled_from(["", "en:a", "ru:я"]),
                }
            ),
            max_size=2,
        ),
        "related": st.sampled_from([[], [5], [7]]),
    }
)


@settings(max_examples=400, deadline=None)
@given(record)
def test_validate_concept_matches_the_full_checks(raw):
    rec = model.normalise_concept(raw)
    fast = model.validate_concept(rec)
    with full_checks():
        slow = model.validate_concept(rec)
    assert fast == slow
