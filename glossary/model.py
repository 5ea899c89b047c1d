"""The entry model: languages, statuses, domains and the rules every concept obeys.

Pure: no Flask, no database. A *concept record* is the plain dict that the data
layer, the CSV/TBX interchange and the API all exchange:

    {"id": 17 | None, "domain": "design",
     "terms": [{"lang": "kk", "text": "…", "status": "preferred",
                "pos": "", "usage": "", "source": "…"}, …],   # order = rank in language
     "definitions": {"en": {"text": "…", "source": "…"}},
     "notes": [{"text": "…", "lang": "en", "author": "…",
                "date": "2026-11-29T…Z" | None,
                "term": None | "ru:творческие индустрии"}],
     "related": [3, 41]}
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Mapping
from datetime import datetime
from typing import Any, TypedDict

from .problems import Problem, script_name


class Term(TypedDict):
    """One term of a concept (its order in the list is its rank in its language)."""

    lang: str
    text: str
    status: str
    pos: str
    usage: str
    source: str


class Definition(TypedDict):
    """A concept's definition in one language."""

    text: str
    source: str


class Note(TypedDict):
    """A note on a concept, or on one of its terms ("lang:text")."""

    text: str
    lang: str
    author: str
    date: str | None
    term: str | None


class ConceptRecord(TypedDict):
    """A concept record: the shape every layer exchanges (see the module doc)."""

    id: int | None
    domain: str
    terms: list[Term]
    definitions: dict[str, Definition]
    notes: list[Note]
    related: list[int]


LANGS: tuple[str, ...] = ("en", "ru", "kk")
STATUSES: tuple[str, ...] = ("preferred", "admitted", "deprecated", "superseded")
STATUS_RANK = {s: i for i, s in enumerate(STATUSES)}
PARTS_OF_SPEECH: tuple[str, ...] = (
    "noun",
    "verb",
    "adjective",
    "adverb",
    "properNoun",
    "other",
)

# Domain keys with their names in the three term languages. These names are
# data (the label of the subject field in each language of the glossary), not
# UI text, so they are not translated through gettext.
DOMAINS: list[tuple[str, str, str, str]] = [
    ("general", "General", "Общие понятия", "Жалпы ұғымдар"),
    ("architecture", "Architecture", "Архитектура", "Сәулет"),
    ("urban-planning", "Urban planning", "Градостроительство", "Қала құрылысы"),
    ("design", "Design", "Дизайн", "Дизайн"),
    ("fashion", "Fashion", "Мода", "Сән"),
    ("crafts", "Crafts", "Ремёсла", "Қолөнер"),
    ("theatre", "Theatre", "Театр", "Театр"),
    ("music", "Music", "Музыка", "Музыка"),
    ("film", "Film", "Кино", "Кино"),
    ("publishing", "Publishing", "Издательское дело", "Баспа ісі"),
    (
        "museums-heritage",
        "Museums and heritage",
        "Музеи и наследие",
        "Мұражайлар және мұра",
    ),
    (
        "digital-games",
        "Digital media and games",
        "Цифровые медиа и игры",
        "Цифрлық медиа және ойындар",
    ),
    (
        "business",
        "Business, funding and IP",
        "Бизнес, финансирование и ИС",
        "Бизнес, қаржыландыру және зияткерлік меншік",
    ),
]
DOMAIN_KEYS: tuple[str, ...] = tuple(d[0] for d in DOMAINS)

MAX_TERM = 300
MAX_SOURCE = 2000
MAX_TEXT = 5000  # definitions, notes, usage notes
MAX_AUTHOR = 100
# Concept numbers (and every other id) stay below 2^53: exact in JSON numbers
# (JavaScript's safe integers) and far inside SQLite's 64-bit integers, so the
# next number (max + 1) can never overflow.
MAX_ID = 2**53 - 1
MAX_ID_DIGITS = len(str(MAX_ID))
# More combining marks than this on one letter is never real text (Zalgo).
MAX_COMBINING = 3
MAX_JSON_DEPTH = 32

_CONTROL = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069]"
)
_CONTROL_INLINE = re.compile(
    r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069]"
)
_SPACES = re.compile(r"\s+")
_SURROGATE = re.compile("[\ud800-\udfff]")
# Fullwidth and halfwidth forms (ＡＢＣ, ｶﾀｶﾅ): folded to their ordinary width.
_WIDE = re.compile(r"[\u3000\uff01-\uffee]")
_WORD = re.compile(r"[^\W\d_]+")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")


def _narrow(text: str) -> str:
    """Fold fullwidth and halfwidth forms to ordinary width (NFKC, width only)."""
    if not _WIDE.search(text):
        return text
    return _WIDE.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)


def clean_line(text: str | None) -> str:
    """NFC-normalise TEXT, fold width, strip it and collapse inner whitespace."""
    if not text:
        return ""
    if not text.isascii():  # ASCII is its own NFC form and has no wide forms
        text = unicodedata.normalize("NFC", _narrow(text))
    # split() cuts at the same whitespace as the regex \s (str.isspace), and
    # joining the pieces collapses runs and strips the ends, in C.
    return " ".join(text.split())


def clean_block(text: str | None) -> str:
    """NFC-normalise multi-line TEXT, fold width and strip it, keeping line breaks."""
    if not text:
        return ""
    if not text.isascii():
        text = unicodedata.normalize("NFC", _narrow(text))
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def parse_id(raw: object) -> int | None:
    """Return RAW as a concept number in 1..MAX_ID, or None when it is not one.

    Digits are counted before int() is called: a number with thousands of
    digits is refused without converting it (Python limits that, and slowly).
    """
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw if 1 <= raw <= MAX_ID else None
    if not isinstance(raw, str):
        return None
    raw = raw.strip()
    if not raw.isascii() or not raw.isdigit() or len(raw) > MAX_ID_DIGITS + 20:
        return None
    value = int(raw)
    return value if 1 <= value <= MAX_ID else None


def shown_value(raw: object) -> str:
    """Return RAW as an error message shows it: repr, shortened when very long."""
    text = str(raw) if isinstance(raw, str | int) else ""
    if len(text) <= 40:
        return repr(raw)
    # A number of thousands of digits is not repeated back whole.
    return f"{text[:20] + '…'!r} ({len(text)} characters)"


def id_problem(field: str, raw: object) -> Problem | None:
    """Say why RAW is not a valid id (1 to MAX_ID) for FIELD, or None when it is."""
    if parse_id(raw) is not None and not isinstance(raw, str):
        return None
    return bad_id(field, raw)


def bad_id(field: str, raw: object) -> Problem:
    """Say that RAW, already found not to be a valid id, is not one for FIELD."""
    code = "related_id_out_of_range" if field == "related" else "id_out_of_range"
    return Problem(code, field, {"value": shown_value(raw), "max": MAX_ID})


def json_problem(value: object, max_depth: int = MAX_JSON_DEPTH) -> Problem | None:
    """Say why a parsed JSON VALUE is unusable (too deep, lone surrogates), or None.

    Iterative, so that a hostile document cannot exhaust Python's stack here.
    """
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > max_depth:
            return Problem("json_too_deep", "", {"limit": max_depth})
        if isinstance(item, dict):
            for key, child in item.items():
                stack.append((key, depth))
                stack.append((child, depth + 1))
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)
        elif isinstance(item, str) and _SURROGATE.search(item):
            return Problem("json_surrogate")
    return None


@functools.cache
def _suspects() -> frozenset[str]:
    """Every character text_problem looks at: surrogates, Cf, Mn and Me.

    Built once per process (about 0.1 s), so that the text of a term is
    checked with one set operation in C instead of a loop over its letters.
    """
    return frozenset(
        c
        for c in map(chr, range(0x80, 0x110000))
        if unicodedata.category(c) in ("Cs", "Cf", "Mn", "Me")
    )


def text_problem(text: str, what: object = "", field: str = "") -> Problem | None:
    """Say what invisible or malformed characters TEXT holds, or None.

    Refused: lone surrogates (not text at all), format characters (Unicode
    category Cf: soft hyphen, zero-width joiners and spaces, word joiner, BOM,
    bidi controls) and more than MAX_COMBINING combining marks on one letter.
    """
    if text.isascii() or _suspects().isdisjoint(text):
        return None  # no character that the loop below could object to
    run = 0
    for c in text:
        if "\ud800" <= c <= "\udfff":
            return Problem("lone_surrogate", field, {"what": what})
        if c.isascii():
            run = 0
            continue
        category = unicodedata.category(c)
        if category == "Cf":
            return Problem(
                "format_character",
                field,
                {
                    "what": what,
                    "code": f"U+{ord(c):04X}",
                    "name": unicodedata.name(c, "unnamed"),
                },
            )
        if category in ("Mn", "Me"):
            run += 1
            if run > MAX_COMBINING:
                return Problem(
                    "combining_marks", field, {"what": what, "limit": MAX_COMBINING}
                )
        else:
            run = 0
    return None


def _script(letter: str) -> str:
    """Return the Unicode script of LETTER (Latin, Cyrillic, Greek, …)."""
    if letter.isascii() or "\u00c0" <= letter <= "\u024f":
        return "Latin"
    if "\u0400" <= letter <= "\u04ff":
        return "Cyrillic"
    # Unicode's script and confusables data, kept by confusable_homoglyphs.
    from confusable_homoglyphs import categories

    return categories.alias(letter).title()


def _confusable_with(word: str, script: str) -> bool:
    """Tell whether WORD (in another script) can be read as SCRIPT letters."""
    from confusable_homoglyphs import confusables

    return bool(confusables.is_confusable(word, preferred_aliases=[script.lower()]))


# A letter outside ASCII, Latin-1 to Latin Extended-B and basic Cyrillic: the
# ranges that _script names without Unicode's tables.
_NOT_PLAIN = re.compile(r"[^\x00-\x7f\u00c0-\u024f\u0400-\u04ff]")


def _plainly_in_script(lang: str, text: str) -> bool:
    """Tell, cheaply, that script_problem finds nothing in TEXT (False: look closer).

    Only for text whose characters all lie in the ranges _script names at once
    (Latin and Cyrillic): every word there is Latin, Cyrillic or both mixed, so
    no other script and no confusable can occur; what remains is a mixed word
    and the rules for English and Kazakh, checked here with the same patterns.
    """
    if _NOT_PLAIN.search(text):
        return False
    cyrillic = _CYRILLIC.search(text)
    if lang == "en":
        return not cyrillic
    if not cyrillic:
        return lang != "kk"  # Russian words in Latin letters pass, as below
    if _LATIN.search(text):
        for word in _WORD.findall(text):
            if _LATIN.search(word) and _CYRILLIC.search(word):
                return False
    return True


def script_problem(lang: str, text: str, where: object = "") -> Problem | None:
    """Say what is wrong with the script of TEXT for LANG, or None when it is right.

    Catches homoglyphs: a word that mixes scripts (a Latin letter hidden inside
    a Cyrillic word, a Greek ο inside a Latin one), a word in another script
    that reads as the term's own letters, and Cyrillic in an English term.
    WHERE names the term in the message.
    """
    if _plainly_in_script(lang, text):
        return None
    expected = ("Latin",) if lang == "en" else ("Cyrillic", "Latin")
    for word in _WORD.findall(text):
        scripts = sorted({_script(c) for c in word} - {"Common", "Inherited"})
        if scripts == ["Cyrillic", "Latin"]:
            return Problem("mixed_script", "terms", {"where": where, "word": word})
        if len(scripts) > 1:
            return Problem(
                "mixed_scripts",
                "terms",
                {
                    "where": where,
                    "word": word,
                    "scripts": [script_name(x) for x in scripts],
                },
            )
        if scripts and scripts[0] not in expected + ("Cyrillic",):
            for script in expected:
                if _confusable_with(word, script):
                    return Problem(
                        "confusable_script",
                        "terms",
                        {
                            "where": where,
                            "word": word,
                            "script": script_name(scripts[0]),
                            "looks": script_name(script),
                        },
                    )
    if lang == "en" and _CYRILLIC.search(text):
        return Problem("cyrillic_in_english", "terms", {"where": where})
    if lang == "kk" and not _CYRILLIC.search(text):
        return Problem("kazakh_not_cyrillic", "terms", {"where": where})
    return None


def has_control(text: str, inline: bool = True) -> bool:
    """Tell whether TEXT holds control or invisible format characters.

    INLINE text (a term, a source, a name) may not hold line breaks or tabs
    either; a block (a note, a definition) may.
    """
    return bool((_CONTROL_INLINE if inline else _CONTROL).search(text))


def term_key(term: Mapping[str, Any]) -> str:
    """Return the 'lang:text' key by which a note points at one term."""
    return f"{term['lang']}:{term['text']}"


def check_text(
    errors: list[Problem],
    what: object,
    value: str,
    limit: int,
    *,
    inline: bool,
    field: str = "",
) -> None:
    """Add a problem to ERRORS when VALUE is longer than LIMIT or holds controls."""
    if len(value) > limit:
        errors.append(
            Problem(
                "too_long", field, {"what": what, "length": len(value), "limit": limit}
            )
        )
    if has_control(value, inline):
        errors.append(Problem("control_characters", field, {"what": what}))
    else:
        problem = text_problem(value, what, field)
        if problem:
            errors.append(problem)


def _related_ids(raw: object) -> list:
    """Return the distinct related ids, sorted; what is no id stays for validation."""
    ids: set[int] = set()
    bad: list = []
    for r in raw if isinstance(raw, list | tuple) else []:
        value = parse_id(r) if isinstance(r, str) else r
        if isinstance(value, int) and not isinstance(value, bool):
            ids.add(value)  # an int out of range is reported by validate_concept
        else:
            bad.append(r)
    return sorted(ids) + bad


def normalise_concept(record: Mapping[str, Any]) -> ConceptRecord:
    """Return RECORD with every text cleaned and defaults filled in."""
    terms: list[Term] = []
    for t in record.get("terms", []):
        terms.append(
            {
                "lang": clean_line(t.get("lang")),
                "text": clean_line(t.get("text")),
                "status": clean_line(t.get("status")) or "preferred",
                "pos": clean_line(t.get("pos")),
                "usage": clean_block(t.get("usage")),
                "source": clean_line(t.get("source")),
            }
        )
    # Terms are kept grouped by language (en, ru, kk), in their order within it.
    terms.sort(key=lambda t: LANGS.index(t["lang"]) if t["lang"] in LANGS else 9)
    definitions: dict[str, Definition] = {}
    for lang, d in (record.get("definitions") or {}).items():
        text = clean_block(d.get("text"))
        if text or d.get("source"):
            definitions[lang] = {"text": text, "source": clean_line(d.get("source"))}
    notes: list[Note] = []
    for n in record.get("notes", []):
        notes.append(
            {
                "text": clean_block(n.get("text")),
                "lang": clean_line(n.get("lang")),
                "author": clean_line(n.get("author")),
                "date": clean_line(n.get("date")) or None,
                "term": clean_line(n.get("term")) or None,
            }
        )
    return {
        "id": record.get("id"),
        "domain": clean_line(record.get("domain")) or "general",
        "terms": terms,
        "definitions": definitions,
        "notes": notes,
        "related": _related_ids(record.get("related")),
    }


_DATE = re.compile(
    r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$"
)


def _is_iso_date(value: str) -> bool:
    """Tell whether VALUE is a real ISO 8601 date or date-time (not 2026-13-01)."""
    if not _DATE.match(value):
        return False
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def _term_where(t: Term) -> Problem:
    if t["text"]:
        return Problem("part_term", "terms", {"lang": t["lang"], "text": t["text"]})
    return Problem("part_term_unnamed", "terms", {"lang": t["lang"]})


def _clean(value: str, limit: int, inline: bool) -> bool:
    """Tell that check_text would find nothing in VALUE (without naming it)."""
    return (
        len(value) <= limit
        and not (_CONTROL_INLINE if inline else _CONTROL).search(value)
        and (value.isascii() or _suspects().isdisjoint(value))
    )


def _validate_terms(record: ConceptRecord, errors: list[Problem]) -> None:
    seen: set[str] = set()
    for t in record["terms"]:
        lang, text = t["lang"], t["text"]
        if lang not in LANGS:
            errors.append(Problem("unknown_language", "terms", {"value": lang}))
        if not text:
            errors.append(Problem("term_empty", "terms", {"where": _term_where(t)}))
            continue
        # The messages name the term: they are only built when something is
        # wrong (an import checks millions of terms that are right).
        if not (
            t["status"] in STATUSES
            and (not t["pos"] or t["pos"] in PARTS_OF_SPEECH)
            and _clean(text, MAX_TERM, True)
            and _clean(t["usage"], MAX_TEXT, False)
            and _clean(t["source"], MAX_SOURCE, True)
            and (lang not in LANGS or _plainly_in_script(lang, text))
        ):
            _term_problems(t, errors)
        key = f"{lang}:{text}".casefold()  # term_key, casefolded
        if key in seen:
            errors.append(Problem("term_twice", "terms", {"where": _term_where(t)}))
        seen.add(key)


def _term_problems(t: Term, errors: list[Problem]) -> None:
    """Add every problem of one non-empty term T but a repeated one, in order."""
    where = _term_where(t)
    if t["status"] not in STATUSES:
        errors.append(
            Problem(
                "unknown_status",
                "status",
                {"where": where, "value": t["status"], "allowed": STATUSES},
            )
        )
    if t["pos"] and t["pos"] not in PARTS_OF_SPEECH:
        errors.append(
            Problem(
                "unknown_pos",
                "pos",
                {"where": where, "value": t["pos"], "allowed": PARTS_OF_SPEECH},
            )
        )
    check_text(errors, where, t["text"], MAX_TERM, inline=True, field="terms")
    usage = Problem("part_usage", "usage", {"where": where})
    check_text(errors, usage, t["usage"], MAX_TEXT, inline=False, field="usage")
    source = Problem("part_source", "source", {"where": where})
    check_text(errors, source, t["source"], MAX_SOURCE, inline=True, field="source")
    problem = (
        script_problem(t["lang"], t["text"], where) if t["lang"] in LANGS else None
    )
    if problem:
        errors.append(problem)


def _validate_definitions(record: ConceptRecord, errors: list[Problem]) -> None:
    for lang, d in record["definitions"].items():
        if lang not in LANGS:
            errors.append(
                Problem("definition_unknown_language", "definition", {"value": lang})
            )
        if not d["text"]:
            errors.append(
                Problem("definition_without_text", "definition", {"lang": lang})
            )
        if not _clean(d["text"], MAX_TEXT, False):
            what = Problem("part_definition", "definition", {"lang": lang})
            check_text(
                errors, what, d["text"], MAX_TEXT, inline=False, field="definition"
            )
        if not _clean(d["source"], MAX_SOURCE, True):
            what = Problem("part_definition_source", "source", {"lang": lang})
            check_text(
                errors, what, d["source"], MAX_SOURCE, inline=True, field="source"
            )


def _validate_notes(record: ConceptRecord, errors: list[Problem]) -> None:
    if not record["notes"]:
        return
    keys = {term_key(t) for t in record["terms"]}
    for i, n in enumerate(record["notes"], 1):
        if not n["text"]:
            errors.append(Problem("note_empty", "note", {"n": i}))
        if n["lang"] not in LANGS:
            errors.append(
                Problem("note_unknown_language", "note", {"n": i, "value": n["lang"]})
            )
        if n["term"] and n["term"] not in keys:
            errors.append(
                Problem("note_unknown_term", "note", {"n": i, "value": n["term"]})
            )
        if n["date"] and not _is_iso_date(n["date"]):
            errors.append(
                Problem("note_bad_date", "note", {"n": i, "value": n["date"]})
            )
        if not _clean(n["text"], MAX_TEXT, False):
            what = Problem("part_note", "note", {"n": i})
            check_text(errors, what, n["text"], MAX_TEXT, inline=False, field="note")
        if not _clean(n["author"], MAX_AUTHOR, True):
            what = Problem("part_note_author", "note", {"n": i})
            check_text(errors, what, n["author"], MAX_AUTHOR, inline=True, field="note")


def validate_concept(record: ConceptRecord) -> list[Problem]:
    """Return every problem with a normalised concept RECORD (empty when valid)."""
    errors: list[Problem] = []
    if record.get("id") is not None:
        problem = id_problem("id", record["id"])
        if problem:
            errors.append(problem)
    for r in record["related"]:
        problem = id_problem("related", r)
        if problem:
            errors.append(problem)
    if record["domain"] not in DOMAIN_KEYS:
        errors.append(
            Problem(
                "unknown_domain",
                "domain",
                {"value": record["domain"], "allowed": DOMAIN_KEYS},
            )
        )
    if not record["terms"]:
        errors.append(Problem("no_terms", "terms"))
    _validate_terms(record, errors)
    _validate_definitions(record, errors)
    _validate_notes(record, errors)
    if record.get("id") is not None and record["id"] in record["related"]:
        errors.append(Problem("refers_to_itself", "related"))
    return errors


def terms_signature(record: Mapping[str, Any]) -> frozenset[tuple[str, str]]:
    """Return the (lang, casefolded text) set that identifies a concept without id."""
    return frozenset((t["lang"], t["text"].casefold()) for t in record["terms"])


def _note_key(note: dict) -> tuple:
    return (note["text"], note["lang"], note["author"], note["term"])


def _undo_terms(
    before: dict, after: dict, current: dict, result: dict, conflicts: list[Problem]
) -> None:
    """Undo, term by term, what one change did to the terms (see undo_change)."""
    b_terms = {term_key(t): t for t in before["terms"]}
    a_terms = {term_key(t): t for t in after["terms"]}
    c_terms = {term_key(t): t for t in current["terms"]}
    for key in sorted(set(b_terms) | set(a_terms)):
        b, a, c = b_terms.get(key), a_terms.get(key), c_terms.get(key)
        if b == a:
            continue
        if c != a and c != b:
            conflicts.append(Problem("part_the_term", "terms", {"key": key}))
        elif a is None and c is None:
            # Removed by the change and still absent: put it back in its place.
            others = [term_key(t) for t in before["terms"]]
            index = next(
                (
                    i
                    for i, t in enumerate(result["terms"])
                    if term_key(t) in others[others.index(key) + 1 :]
                ),
                len(result["terms"]),
            )
            result["terms"].insert(index, b)
        elif b is None and c is not None:
            result["terms"] = [t for t in result["terms"] if term_key(t) != key]
        elif b is not None and c is not None:
            result["terms"] = [b if term_key(t) == key else t for t in result["terms"]]


def undo_change(before: dict, after: dict, current: dict) -> tuple[dict, list[Problem]]:
    """Undo one change (BEFORE → AFTER) on CURRENT, keeping every later change.

    A three-way undo, part by part (domain, each term, each definition, each
    note, each cross-reference): a part the change touched goes back to BEFORE
    when it still is as the change left it. Return the new record and the parts
    that changed again since, which block the undo (then the record is CURRENT).
    """
    conflicts: list[Problem] = []
    result = {
        **current,
        "terms": list(current["terms"]),
        "definitions": dict(current["definitions"]),
        "notes": list(current["notes"]),
        "related": list(current["related"]),
    }

    if before["domain"] != after["domain"]:
        if current["domain"] == after["domain"]:
            result["domain"] = before["domain"]
        else:
            conflicts.append(Problem("part_domain", "domain"))

    _undo_terms(before, after, current, result, conflicts)

    for lang in sorted(set(before["definitions"]) | set(after["definitions"])):
        b = before["definitions"].get(lang)
        a = after["definitions"].get(lang)
        c = current["definitions"].get(lang)
        if b == a:
            continue
        if c != a and c != b:
            conflicts.append(
                Problem("part_the_definition", "definition", {"lang": lang})
            )
        elif b is None:
            result["definitions"].pop(lang, None)
        else:
            result["definitions"][lang] = b

    b_notes = {_note_key(n) for n in before["notes"]}
    a_notes = {_note_key(n) for n in after["notes"]}
    added, removed = a_notes - b_notes, b_notes - a_notes
    result["notes"] = [n for n in result["notes"] if _note_key(n) not in added]
    present = {_note_key(n) for n in result["notes"]}
    for n in before["notes"]:
        if _note_key(n) in removed and _note_key(n) not in present:
            result["notes"].append(n)

    related = set(current["related"])
    related -= set(after["related"]) - set(before["related"])
    related |= set(before["related"]) - set(after["related"])
    result["related"] = sorted(related)

    if conflicts:
        return current, conflicts
    return result, []
