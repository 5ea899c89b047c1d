"""The kind of a source, derived from its text (glossary/sources.py)."""

from __future__ import annotations

import pytest

from glossary.sources import (
    SOURCE_KINDS,
    host_kind,
    kind_of,
    record_sources,
    source_kind,
    source_kinds,
    split_sources,
)

BUK = (
    "github.com/Ravshanichk/buk-dic@9fff7c1 assets/enRuKz.js,kzRuEn.js,ruKzEn.js "
    "(ru/kz/en word list; no licence file)"
)
APERTIUM = (
    "github.com/apertium/apertium-eng-kaz@6bc5316 apertium-eng-kaz.eng-kaz.dix "
    "(en-kk) (GPL-3.0)"
)
LIBRE = (
    "Debian libreoffice-l10n-kk + libreoffice-l10n-ru 4:7.4.7 "
    "program/resource/{kk,ru}/LC_MESSAGES/*.mo aligned on English msgid (MPL-2.0)"
)


@pytest.mark.parametrize(
    ("source", "kind"),
    [
        ("https://adilet.zan.kz/kaz/docs/Z060000207_", "law"),
        ("https://online.zakon.kz/DOCUMENT/?doc_id=30031850 (Law 'X')", "law"),
        ("https://www.zakon.kz/ekonomika-biznes/6506998-milliardy.html", "press"),
        ("https://kaz.inform.kz/news/x", "press"),
        ("(President's speech) https://aptamedia.kz/memleket/", "press"),
        ("https://www.gov.kz/memleket/entities/mam", "official"),
        ("https://uis.unesco.org/en/glossary-term/cultural-heritage", "official"),
        ("https://www.wipo.int/publications/ar/details.jsp?id=99", "official"),
        ("https://kk.m.wikipedia.org/wiki/X", "reference"),
        ("https://www.merriam-webster.com/dictionary/curator", "dictionary"),
        (APERTIUM, "dictionary"),
        (BUK, "wordlist"),
        (LIBRE, "wordlist"),
        ("https://someones-blog.example.org/post/1", "other"),
        ("Law of the Republic of Kazakhstan on Culture, No. 207", "law"),
        ("a conversation", "other"),
    ],
)
def test_kind_of_one_source(source, kind):
    assert kind_of(source) == kind
    assert kind in SOURCE_KINDS


def test_a_cell_names_several_sources_and_the_strongest_wins():
    cell = f"{BUK} ; https://24.kz/kz/x ; https://adilet.zan.kz/kaz/docs/Z1"
    assert split_sources(cell) == [
        BUK,
        "https://24.kz/kz/x",
        "https://adilet.zan.kz/kaz/docs/Z1",
    ]
    assert source_kinds(cell) == ["wordlist", "press", "law"]
    assert source_kind(cell) == "law"
    assert source_kind("") is None


def test_apertium_pivot_sources_are_two_dictionaries():
    cell = f"{APERTIUM} + github.com/apertium/apertium-kaz-rus@7bd16eb x.dix (GPL-3.0)"
    assert source_kinds(cell) == ["dictionary", "dictionary"]


def test_subdomains_take_their_parent_domains_kind():
    assert host_kind("www.kt.kz") == "press"
    assert host_kind("kazakhstan.britishcouncil.org") == "official"
    assert host_kind("example.org") is None


def test_record_sources_are_distinct_across_terms_and_definitions():
    record = {
        "terms": [
            {"lang": "en", "source": BUK},
            {"lang": "ru", "source": BUK.replace("enRuKz.js,", "")},
            {"lang": "kk", "source": "https://24.kz/kz/x/ ; https://24.kz/kz/x"},
        ],
        "definitions": {"en": {"text": "t", "source": "https://24.kz/kz/x"}},
    }
    assert record_sources(record) == [
        "github.com/Ravshanichk/buk-dic@9fff7c1",
        "https://24.kz/kz/x",
    ]
