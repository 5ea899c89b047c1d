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

import re
import unicodedata
from datetime import datetime

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

_CONTROL = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069]"
)
_CONTROL_INLINE = re.compile(
    r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069]"
)
_SPACES = re.compile(r"\s+")
_WORD = re.compile(r"[^\W\d_]+")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")


def clean_line(text: str | None) -> str:
    """NFC-normalise TEXT, strip it and collapse inner whitespace (for terms)."""
    if not text:
        return ""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def clean_block(text: str | None) -> str:
    """NFC-normalise multi-line TEXT and strip it, keeping its line breaks."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    return text.strip()


def script_problem(lang: str, text: str) -> str | None:
    """Say what is wrong with the script of TEXT for LANG, or None when it is right.

    Catches homoglyphs: a Latin letter hidden inside a Cyrillic word (or the
    reverse), and Cyrillic in an English term.
    """
    for word in _WORD.findall(text):
        latin, cyrillic = _LATIN.search(word), _CYRILLIC.search(word)
        if latin and cyrillic:
            return f"the word {word!r} mixes Latin and Cyrillic letters"
    if lang == "en" and _CYRILLIC.search(text):
        return "an English term must not contain Cyrillic letters"
    if lang == "kk" and not _CYRILLIC.search(text):
        return "a Kazakh term is stored in Cyrillic (its Latin form is derived)"
    return None


def term_key(term: dict) -> str:
    """Return the 'lang:text' key by which a note points at one term."""
    return f"{term['lang']}:{term['text']}"


def _check_text(
    errors: list[str], what: str, value: str, limit: int, inline: bool
) -> None:
    if len(value) > limit:
        errors.append(f"{what} is {len(value)} characters long (at most {limit})")
    if (_CONTROL_INLINE if inline else _CONTROL).search(value):
        errors.append(f"{what} contains control characters")


def normalise_concept(record: dict) -> dict:
    """Return RECORD with every text cleaned and defaults filled in."""
    terms = []
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
    definitions = {}
    for lang, d in (record.get("definitions") or {}).items():
        text = clean_block(d.get("text"))
        if text or d.get("source"):
            definitions[lang] = {"text": text, "source": clean_line(d.get("source"))}
    notes = []
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
        "related": sorted({int(r) for r in record.get("related") or []}),
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


def validate_concept(record: dict) -> list[str]:
    """Return every problem with a normalised concept RECORD (empty when valid)."""
    errors: list[str] = []
    if record.get("id") is not None and (
        not isinstance(record["id"], int) or record["id"] < 1
    ):
        errors.append(f"id {record['id']!r} is not a positive whole number")
    if record["domain"] not in DOMAIN_KEYS:
        errors.append(
            f"unknown domain {record['domain']!r} (allowed: {', '.join(DOMAIN_KEYS)})"
        )
    if not record["terms"]:
        errors.append("a concept needs at least one term")
    seen: set[str] = set()
    for t in record["terms"]:
        where = f"{t['lang']} term {t['text']!r}" if t["text"] else f"{t['lang']} term"
        if t["lang"] not in LANGS:
            errors.append(f"unknown language {t['lang']!r} (allowed: en, ru, kk)")
        if not t["text"]:
            errors.append(f"{where} is empty")
            continue
        if t["status"] not in STATUSES:
            errors.append(
                f"{where}: unknown status {t['status']!r} "
                f"(allowed: {', '.join(STATUSES)})"
            )
        if t["pos"] and t["pos"] not in PARTS_OF_SPEECH:
            errors.append(
                f"{where}: unknown part of speech {t['pos']!r} "
                f"(allowed: {', '.join(PARTS_OF_SPEECH)})"
            )
        _check_text(errors, where, t["text"], MAX_TERM, inline=True)
        _check_text(errors, f"{where}: usage note", t["usage"], MAX_TEXT, inline=False)
        _check_text(errors, f"{where}: source", t["source"], MAX_SOURCE, inline=True)
        problem = script_problem(t["lang"], t["text"]) if t["lang"] in LANGS else None
        if problem:
            errors.append(f"{where}: {problem}")
        key = term_key(t)
        if key.casefold() in seen:
            errors.append(f"{where} appears twice in the same concept")
        seen.add(key.casefold())
    for lang, d in record["definitions"].items():
        if lang not in LANGS:
            errors.append(f"definition in unknown language {lang!r}")
        if not d["text"]:
            errors.append(f"{lang} definition has a source but no text")
        _check_text(errors, f"{lang} definition", d["text"], MAX_TEXT, inline=False)
        _check_text(
            errors, f"{lang} definition source", d["source"], MAX_SOURCE, inline=True
        )
    keys = {term_key(t) for t in record["terms"]}
    for i, n in enumerate(record["notes"], 1):
        if not n["text"]:
            errors.append(f"note {i} is empty")
        if n["lang"] not in LANGS:
            errors.append(
                f"note {i}: unknown language {n['lang']!r} (allowed: en, ru, kk)"
            )
        if n["term"] and n["term"] not in keys:
            errors.append(
                f"note {i} refers to term {n['term']!r}, which this concept lacks"
            )
        if n["date"] and not _is_iso_date(n["date"]):
            errors.append(f"note {i}: date {n['date']!r} is not an ISO 8601 date")
        _check_text(errors, f"note {i}", n["text"], MAX_TEXT, inline=False)
        _check_text(errors, f"note {i} author", n["author"], MAX_AUTHOR, inline=True)
    if record.get("id") is not None and record["id"] in record["related"]:
        errors.append("a concept cannot refer to itself")
    return errors


def terms_signature(record: dict) -> frozenset[tuple[str, str]]:
    """Return the (lang, casefolded text) set that identifies a concept without id."""
    return frozenset((t["lang"], t["text"].casefold()) for t in record["terms"])


def _note_key(note: dict) -> tuple:
    return (note["text"], note["lang"], note["author"], note["term"])


def undo_change(before: dict, after: dict, current: dict) -> tuple[dict, list[str]]:
    """Undo one change (BEFORE → AFTER) on CURRENT, keeping every later change.

    A three-way undo, part by part (domain, each term, each definition, each
    note, each cross-reference): a part the change touched goes back to BEFORE
    when it still is as the change left it. Return the new record and the parts
    that changed again since, which block the undo (then the record is CURRENT).
    """
    conflicts: list[str] = []
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
            conflicts.append("the domain")

    b_terms = {term_key(t): t for t in before["terms"]}
    a_terms = {term_key(t): t for t in after["terms"]}
    c_terms = {term_key(t): t for t in current["terms"]}
    for key in sorted(set(b_terms) | set(a_terms)):
        b, a, c = b_terms.get(key), a_terms.get(key), c_terms.get(key)
        if b == a:
            continue
        if c != a and c != b:
            conflicts.append(f"the term {key}")
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

    for lang in sorted(set(before["definitions"]) | set(after["definitions"])):
        b = before["definitions"].get(lang)
        a = after["definitions"].get(lang)
        c = current["definitions"].get(lang)
        if b == a:
            continue
        if c != a and c != b:
            conflicts.append(f"the {lang} definition")
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
