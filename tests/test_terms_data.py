"""Data checks on the seed glossary terms.csv (run on every CI).

They read the file as the application does (read_concepts_csv) and check what a
reader of the glossary must be able to trust: entry 1, sources on every term,
no homoglyphs, Kazakh spelled with Kazakh letters, no silent duplicates, valid
statuses, domains and cross-references, and a byte-exact export round trip.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from functools import cache
from pathlib import Path

import pytest

from glossary.interchange.csvfile import (
    header_for,
    read_concepts_csv,
    slots_needed,
    write_concepts_csv,
)
from glossary.quality import coverage
from glossary.search.latin import to_kazakh_latin
from glossary.sources import SOURCE_KINDS, kind_of, record_sources

TERMS_CSV = Path(__file__).parent.parent / "terms.csv"

# From PRODUCT.md ("The entry model"); kept here on purpose so that a change
# in the code does not silently widen what the data may contain.
DOMAINS = (
    "general",
    "architecture",
    "urban-planning",
    "design",
    "fashion",
    "crafts",
    "theatre",
    "music",
    "film",
    "publishing",
    "museums-heritage",
    "digital-games",
    "business",
)
STATUSES = ("preferred", "admitted", "deprecated", "superseded")
LANGUAGES = ("en", "ru", "kk")

# The figures of issue #6 ("a real creative-industries term base"), raised by
# issue #14. Issue #14 puts sources before completeness: a language without a
# sourced equivalent is left out of a concept (the quality board lists it), so
# the share of concepts in all three languages may fall below issue #6's 95%.
MIN_CONCEPTS = 500
MIN_PER_DOMAIN = 30
MIN_ALL_THREE_SHARE = 0.85
MIN_EN_DEFINITIONS = 400
PARTS_OF_SPEECH = ("", "noun", "verb", "adjective", "adverb", "properNoun", "other")

WORD = re.compile(r"[^\W\d_]+")
LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
KAZAKH_LETTERS = "әғқңөұүһі"
# The Russian look-alikes typed instead of the Kazakh letters (PRODUCT.md).
LOOK_ALIKE = str.maketrans(KAZAKH_LETTERS, "агкноуухи")

# Common Kazakh words written with Russian look-alike letters in place of
# ә ғ қ ң ө ұ ү һ і: none of them may appear in a Kazakh term.
KAZAKH_MISSPELLINGS = set(
    """
    казак казакша казакстан онер колонер колонерши мадениет мадени курылыс курылым
    инфракурылым кала калалык калам шыгармашылык шығармашылык шыгармашылық мура
    муражай мурагат саулет саулетши касипкер касипкерлик кәсипкер зияткерлик меншик
    кукык кукыктар құкық оним кызмет акпарат жане улттык тужырымдама тужырымдамасы
    министрлиги сангер эдебиет адебиет китапхана ескерткиш
    """.split()
)


@cache
def _read():
    with TERMS_CSV.open(encoding="utf-8", newline="") as f:
        return read_concepts_csv(f)


def _records() -> list[dict]:
    return _read().records


def _terms(lang: str | None = None):
    for record in _records():
        for term in record["terms"]:
            if lang is None or term["lang"] == lang:
                yield record, term


TERM_COLUMN = re.compile(r"^term_(en|ru|kk)(_[1-9][0-9]*)?$")


@cache
def _raw_terms() -> list[tuple[str, str, str, str, str]]:
    """Return (id, lang, text, source, column) for every term cell, read with csv alone.

    The script checks run on the raw cells so that they hold even for a row that
    read_concepts_csv would reject.
    """
    with TERMS_CSV.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    out = []
    for row in rows:
        for column, text in row.items():
            m = TERM_COLUMN.match(column or "")
            if m and text and text.strip():
                source = row.get(f"source_{m.group(1)}{m.group(2) or ''}", "")
                out.append((row["id"], m.group(1), text, source, column))
    return out


def _raw_id(value) -> str:
    """Name a parametrized case by entry id and column, e.g. '42-term_kk_2'."""
    return f"{value[0]}-{value[4]}"


def test_file_is_utf8_without_bom():
    raw = TERMS_CSV.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    raw.decode("utf-8")


def test_file_loads_without_errors():
    result = _read()
    assert result.errors == []
    assert result.records


def test_export_round_trip_is_byte_exact():
    """The seed file is in export form: writing what was read reproduces it."""
    records = _records()
    out = io.StringIO(newline="")
    write_concepts_csv(
        records,
        out,
        header=header_for(*slots_needed(records)),
        to_latin=to_kazakh_latin,
    )
    assert out.getvalue().encode("utf-8") == TERMS_CSV.read_bytes()


def test_size_and_domains():
    records = _records()
    assert len(records) >= 60
    per_domain = defaultdict(int)
    for r in records:
        per_domain[r["domain"]] += 1
    missing = [d for d in DOMAINS if per_domain[d] == 0]
    assert missing == [], f"domains without entries: {missing}"


@pytest.mark.parametrize("domain", DOMAINS)
def test_each_domain_has_at_least_five_entries(domain):
    assert sum(1 for r in _records() if r["domain"] == domain) >= 5


# Concepts merged into another one: their numbers are gone and never reused.
MERGED_IDS = {2: 1}


def test_ids_are_unique_positive_and_stable():
    """Ids are permanent: a merged concept's id is simply gone, nothing renumbers."""
    ids = [r["id"] for r in _records()]
    assert all(isinstance(i, int) and i > 0 for i in ids)
    assert len(ids) == len(set(ids))
    assert sorted(set(range(1, max(ids) + 1)) - set(ids)) == sorted(MERGED_IDS)


def test_concept_1_is_creative_industries():
    record = next(r for r in _records() if r["id"] == 1)
    assert record["domain"] == "general"
    terms = [(t["lang"], t["text"], t["status"]) for t in record["terms"]]
    assert terms == [
        ("en", "creative industries", "preferred"),
        ("en", "creative industry", "admitted"),
        ("ru", "креативные индустрии", "preferred"),
        ("ru", "творческие индустрии", "admitted"),
        ("ru", "креативная индустрия", "admitted"),
        ("kk", "креативті индустриялар", "preferred"),
        ("kk", "шығармашылық индустрия", "admitted"),
        ("kk", "креатив индустриясы", "admitted"),
        ("kk", "креативті индустрия", "admitted"),
    ]
    history = [n for n in record["notes"] if "British Council" in n["text"]]
    assert len(history) == 1
    note = history[0]
    assert note["lang"] == "en"
    assert note["author"] == "glossary editors"
    assert note["date"].startswith("2026-11-29")
    facts = (
        "2016",
        "Cultural industries in Kazakhstan",
        "De Beukelaer",
        "Koretskaya",
        "креативті индустриялар",
        "креативные индустрии",
        "творческие индустрии",
        "Russian Federation",
    )
    for fact in facts:
        assert fact in note["text"]


@pytest.mark.parametrize("item", _raw_terms(), ids=_raw_id)
def test_every_term_has_a_source(item):
    _id, _lang, text, source, _column = item
    assert source.strip(), f"{text!r} needs the source it was taken from"


def test_every_definition_has_a_source():
    for r in _records():
        for lang, d in r["definitions"].items():
            assert d["text"].strip() and d["source"].strip(), (r["id"], lang)


@pytest.mark.parametrize("item", _raw_terms(), ids=_raw_id)
def test_term_script(item):
    """No homoglyphs: one script per word; en Latin only; ru and kk in Cyrillic."""
    _id, lang, text, _source, _column = item
    for word in WORD.findall(text):
        assert not (LATIN.search(word) and CYRILLIC.search(word)), (
            f"{word!r} mixes Latin and Cyrillic letters"
        )
    if lang == "en":
        assert not CYRILLIC.search(text)
    else:
        assert CYRILLIC.search(text)
    if lang == "ru":
        assert not re.search(f"[{KAZAKH_LETTERS}]", text.lower()), (
            "Kazakh letters in a Russian term"
        )


def test_no_kazakh_term_uses_russian_look_alike_spellings():
    found = [
        (cid, text, w)
        for cid, lang, text, _source, _column in _raw_terms()
        if lang == "kk"
        for w in WORD.findall(text.lower())
        if w in KAZAKH_MISSPELLINGS
    ]
    assert found == []


# Distinct Kazakh words that only differ in Kazakh vs Russian look-alike letters
# (e.g. кен 'ore' and кең 'wide'); none are needed so far.
LOOK_ALIKE_PAIRS_ALLOWED: set[frozenset[str]] = set()


def test_kazakh_words_are_spelled_one_way():
    """A word written once with Kazakh letters never appears with look-alikes."""
    spellings = defaultdict(set)
    for _id, lang, text, _source, _column in _raw_terms():
        if lang != "kk":
            continue
        for w in WORD.findall(text.lower()):
            spellings[w.translate(LOOK_ALIKE)].add(w)
    clashes = [
        s
        for s in spellings.values()
        if len(s) > 1 and frozenset(s) not in LOOK_ALIKE_PAIRS_ALLOWED
    ]
    assert clashes == []


@pytest.mark.parametrize("lang", ("en", "ru", "kk"))
def test_no_duplicate_terms_unless_marked_homonym(lang):
    where = defaultdict(set)
    for r, t in _terms(lang):
        where[t["text"].casefold()].add(r["id"])
    by_id = {r["id"]: r for r in _records()}

    def marked(cid: int, text: str) -> bool:
        """Say whether entry CID has a homonym note about TEXT (in its text or term)."""
        return any(
            "homonym" in n["text"].casefold()
            and (
                text in n["text"].casefold()
                or (n["term"] or "").casefold() == f"{lang}:{text}"
            )
            for n in by_id[cid]["notes"]
        )

    bad = {
        text: sorted(ids)
        for text, ids in where.items()
        if len(ids) > 1 and not all(marked(i, text) for i in ids)
    }
    assert bad == {}


def test_statuses_parts_of_speech_and_domains_are_allowed():
    for r in _records():
        assert r["domain"] in DOMAINS, r["id"]
        for t in r["terms"]:
            assert t["lang"] in ("en", "ru", "kk"), r["id"]
            assert t["status"] in STATUSES, (r["id"], t["text"])
            assert t["pos"] in PARTS_OF_SPEECH, (r["id"], t["text"])


def test_each_language_lists_a_preferred_or_admitted_term_first():
    for r in _records():
        for lang in ("en", "ru", "kk"):
            mine = [t for t in r["terms"] if t["lang"] == lang]
            if mine:
                assert mine[0]["status"] in ("preferred", "admitted"), (r["id"], lang)


def test_related_ids_exist():
    ids = {r["id"] for r in _records()}
    for r in _records():
        assert r["id"] not in r["related"]
        missing = [i for i in r["related"] if i not in ids]
        assert missing == [], f"entry {r['id']} refers to missing entries {missing}"


# ---------------------------------------------------------------- issue #6 figures


def test_at_least_500_concepts():
    assert len(_records()) >= MIN_CONCEPTS


@pytest.mark.parametrize("domain", DOMAINS)
def test_each_domain_has_at_least_thirty_concepts(domain):
    count = sum(1 for r in _records() if r["domain"] == domain)
    assert count >= MIN_PER_DOMAIN, f"{domain} has {count} concepts"


def test_most_concepts_have_a_term_in_all_three_languages():
    records = _records()
    full = [r for r in records if {t["lang"] for t in r["terms"]} >= set(LANGUAGES)]
    share = len(full) / len(records)
    gaps = sorted(r["id"] for r in records if r not in full)
    assert share >= MIN_ALL_THREE_SHARE, f"{share:.1%}; incomplete entries: {gaps}"


def test_at_least_400_concepts_have_a_sourced_english_definition():
    defined = [
        r["id"]
        for r in _records()
        if r["definitions"].get("en", {}).get("text", "").strip()
        and r["definitions"]["en"].get("source", "").strip()
    ]
    assert len(defined) >= MIN_EN_DEFINITIONS, f"only {len(defined)}: {defined}"


# One-word English headwords still without a sourced definition (issue #14 wants
# none): no dictionary read so far gives the sense of the entry. Shrink this set,
# never grow it.
UNDEFINED_ONE_WORD_ALLOWED = {135, 301, 309, 392, 412}


def test_one_word_english_headwords_have_a_definition():
    """Every one-word English headword is defined, except the known gaps above."""
    undefined = {
        r["id"]
        for r in _records()
        for first in [next((t for t in r["terms"] if t["lang"] == "en"), None)]
        if first is not None
        and len(WORD.findall(first["text"])) == 1
        and not r["definitions"].get("en", {}).get("text", "").strip()
    }
    assert undefined <= UNDEFINED_ONE_WORD_ALLOWED, sorted(
        undefined - UNDEFINED_ONE_WORD_ALLOWED
    )


def test_every_definition_language_is_allowed():
    for r in _records():
        assert set(r["definitions"]) <= set(LANGUAGES), r["id"]


def test_every_note_has_language_author_and_date():
    date = re.compile(r"^\d{4}-\d{2}-\d{2}")
    for r in _records():
        for n in r["notes"]:
            assert n["text"].strip(), r["id"]
            assert n["lang"] in LANGUAGES, (r["id"], n["text"][:40])
            assert n["author"].strip(), (r["id"], n["text"][:40])
            assert n["date"] and date.match(n["date"]), (r["id"], n["text"][:40])


def _kk_terms(cid: int) -> dict[str, str]:
    record = next(r for r in _records() if r["id"] == cid)
    return {t["text"]: t["status"] for t in record["terms"] if t["lang"] == "kk"}


def _has_note_about(cid: int, *words: str) -> bool:
    record = next(r for r in _records() if r["id"] == cid)
    return any(all(w in n["text"] for w in words) for n in record["notes"])


@pytest.mark.parametrize(
    ("cid", "preferred", "other"),
    [
        (1, "креативті индустриялар", "шығармашылық индустрия"),
        (79, "сәулет", "архитектура"),
        (344, "патент", "иеқұжат"),
    ],
)
def test_competing_kazakh_forms_have_statuses_and_a_note(cid, preferred, other):
    """The issue's examples: the common form preferred, the other admitted or
    deprecated, and a note that says why."""
    kk = _kk_terms(cid)
    assert kk.get(preferred) == "preferred"
    assert kk.get(other) in ("admitted", "deprecated")
    assert _has_note_about(cid, preferred.split()[0], other.split()[0])


# ---------------------------------------------------------------- issue #14 corrections


def _record(cid: int) -> dict:
    return next(r for r in _records() if r["id"] == cid)


def _statuses(cid: int, lang: str) -> dict[str, str]:
    return {t["text"]: t["status"] for t in _record(cid)["terms"] if t["lang"] == lang}


def _first(cid: int, lang: str) -> str:
    return next(t["text"] for t in _record(cid)["terms"] if t["lang"] == lang)


def test_merged_concept_is_a_synonym_of_its_target():
    """#2 creative industry is the same concept as #1: merged, nothing points at 2."""
    ids = {r["id"] for r in _records()}
    for gone, target in MERGED_IDS.items():
        assert gone not in ids
        assert any(f"Entry {gone} " in n["text"] for n in _record(target)["notes"])
    assert _statuses(1, "en")["creative industry"] == "admitted"
    assert _statuses(1, "ru")["креативная индустрия"] == "admitted"
    assert _statuses(1, "kk")["креативті индустрия"] == "admitted"
    assert {"ru", "kk"} <= set(_record(1)["definitions"])


# (concept, language, the equivalent to use first, the form it replaces, its status)
CORRECTIONS = [
    (55, "kk", "кәсіби", "кәсіптік", "deprecated"),
    (34, "ru", "аудитория", "публика", "admitted"),
    (34, "kk", "аудитория", "көпшілік", "deprecated"),
    (
        9,
        "ru",
        "Фонд развития креативных индустрий",
        "фонд поддержки креативных индустрий",
        "superseded",
    ),
    (
        9,
        "kk",
        "креативті индустрияны дамыту қоры",
        "креативті индустрияны қолдау қоры",
        "superseded",
    ),
    (30, "kk", "суретші", "кескіндеуші", "admitted"),
    (35, "ru", "мероприятие", "событие", "deprecated"),
    (35, "kk", "іс-шара", "оқиға", "deprecated"),
    (57, "kk", "шеберлік сабағы", "семинар", "deprecated"),
    (63, "ru", "творец", "творец", "admitted"),
    (63, "kk", "креатор", "жасампаз", "deprecated"),
    (74, "ru", "обучение", "подготовка", "deprecated"),
    (74, "kk", "даярлау", "дайындық", "deprecated"),
    (120, "en", "stage director", "director", "admitted"),
    (120, "kk", "режиссер", "режиссёр", "deprecated"),
    (134, "ru", "аплодисменты", "рукоплескание", "admitted"),
    (296, "en", "guided tour", "excursion", "deprecated"),
    (309, "ru", "контент", "содержание", "admitted"),
    (309, "kk", "контент", "мазмұн", "admitted"),
    (20, "kk", "зияткерлік меншік", "интеллектуалды жеке меншік", "deprecated"),
    (191, "ru", "бренд", "марка", "admitted"),
    (227, "ru", "фортепиано", "пианино", "admitted"),
    (227, "kk", "фортепиано", "күйсандық", "admitted"),
    (250, "en", "film distribution", "distribution", "admitted"),
    (250, "ru", "прокат", "распространение", "deprecated"),
    (250, "kk", "прокат", "тарату", "deprecated"),
    (356, "kk", "жұмыспен қамту", "жұмысбастылық", "deprecated"),
    (304, "kk", "веб-сайт", "веб сайт", "deprecated"),
    (343, "kk", "тауар белгісі", "тауар таңбасы", "superseded"),
]


@pytest.mark.parametrize(
    ("cid", "lang", "use", "old", "status"), CORRECTIONS, ids=lambda v: str(v)
)
def test_issue_14_corrections(cid, lang, use, old, status):
    """The audited equivalent comes first; the replaced form stays, findable, with
    its status and a usage note that says what to use."""
    assert _first(cid, lang) == use
    terms = {t["text"]: t for t in _record(cid)["terms"] if t["lang"] == lang}
    assert terms[old]["status"] == status
    if old != use:
        assert terms[old]["usage"].strip(), f"{old!r} needs a usage note"


def test_replaced_forms_say_what_to_use():
    """Every deprecated or superseded term carries a usage note."""
    silent = [
        (r["id"], t["text"])
        for r in _records()
        for t in r["terms"]
        if t["status"] in ("deprecated", "superseded") and not t["usage"].strip()
    ]
    assert silent == []


def test_antiquity_has_its_heritage_sense():
    """#287 antiquity (the period) points at the concept of ancient objects."""
    targets = [_record(i) for i in _record(287)["related"]]
    objects = [
        r for r in targets if any(t["text"] == "antiquities" for t in r["terms"])
    ]
    assert objects and objects[0]["domain"] == "museums-heritage"
    assert {t["lang"] for t in objects[0]["terms"]} == set(LANGUAGES)


def test_no_kazakh_term_is_written_with_yo_unless_deprecated():
    """Kazakh spelling writes режиссер, актер without ё."""
    bad = [
        (r["id"], t["text"])
        for r, t in _terms("kk")
        if "ё" in t["text"].lower() and t["status"] not in ("deprecated", "superseded")
    ]
    assert bad == []


# ---------------------------------------------------------------- issue #14 sources

# The share of concepts resting only on a single word list: issue #14 asks for at
# most 25%; after re-sourcing it is under 1%, so hold it at 5% (lower it whenever
# concepts are re-sourced, never raise it past the issue's 25%).
MAX_SINGLE_WORD_LIST_SHARE = 0.05


def test_every_source_has_a_known_kind():
    for r in _records():
        for source in record_sources(r):
            assert kind_of(source) in SOURCE_KINDS, (r["id"], source)


def test_web_sources_of_new_terms_are_classified():
    """Every cited web host is known to the classifier or honestly 'other'."""
    kinds = {kind_of(s) for r in _records() for s in record_sources(r)}
    assert {"law", "official", "press", "reference", "dictionary", "wordlist"} <= kinds


def test_share_resting_only_on_a_single_word_list_does_not_grow():
    records = _records()
    single = [
        r["id"]
        for r in records
        if len(s := record_sources(r)) == 1 and kind_of(s[0]) == "wordlist"
    ]
    assert len(single) / len(records) <= MAX_SINGLE_WORD_LIST_SHARE


def test_counts_per_domain_and_language(capsys):
    """Print the counts the issue's closing note reports (and check they add up)."""
    rows = coverage(_records())
    total = sum(row["total"] for row in rows)
    assert total == len(_records())
    with capsys.disabled():
        print("\ndomain            total   en   ru   kk")
        for row in rows:
            print(
                f"{row['domain']:<17}{row['total']:>6}"
                + "".join(f"{row[lang]:>5}" for lang in LANGUAGES)
            )
