"""Show stored, machine-made text in the interface language.

The data layer stores some text of its own making in English: history reasons
("proposal 3 by aigerim — edited and approved by chief: …", "seeded from
terms.csv", "note added"), authors of its own ("seed", "glossary editors") and
diff lines ("… · source: …"). That text is data (the API returns it as stored),
so it is never sent through gettext as it is: the patterns are recognised here,
at display time, and rendered from translated templates with the stored parts
(names, numbers, free text) put back unchanged. Anything not recognised is
shown as stored.
"""

from __future__ import annotations

import re
from urllib.parse import unquote_to_bytes

from flask_babel import get_locale, lazy_pgettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from werkzeug.urls import iri_to_uri

from ..model import LANGS

# Authors that are not people: the seed import and the editors' own notes.
AUTHOR_LABELS = {
    "seed": _l("initial data (terms.csv)"),
    "glossary editors": _l("glossary editors"),
}

_APPROVAL = re.compile(
    r"^(?P<head>.*?) — (?P<how>edited and approved|approved) by (?P<who>[^\s:]+)"
    r"(?:: (?P<why>.*))?$",
    re.S,
)
_PROPOSAL = re.compile(r"^proposal (?P<id>\d+) by (?P<who>\S+)$")
_SEEDED = re.compile(r"^seeded from (?P<file>.+)$")
_IMPORTED = re.compile(r"^imported from (?P<file>.+?)(?P<replace> \(replace\))?$")
_REVERT = re.compile(
    r"^revert of change (?P<id>\d+): (?P<why>.*?)"
    r"(?: \(references to removed entries (?P<gone>[\d, ]+) left out\))?$",
    re.S,
)


def author_name(author: str | None) -> str:
    """Return AUTHOR as shown: a translated label for non-person authors."""
    if author in AUTHOR_LABELS:
        return str(AUTHOR_LABELS[author])
    return author or ""


def _head(text: str) -> str:
    match = _PROPOSAL.match(text)
    if match:
        return _("proposal %(id)s by %(author)s", id=match["id"], author=match["who"])
    return text


def history_reason(reason: str | None) -> str:
    """Return a stored history REASON in the interface language where it is ours."""
    reason = reason or ""
    if reason == "note added":
        return _("note added")
    match = _SEEDED.match(reason)
    if match:
        return _("seeded from %(file)s", file=match["file"])
    match = _IMPORTED.match(reason)
    if match:
        if match["replace"]:
            return _(
                "imported from %(file)s (replacing the glossary)", file=match["file"]
            )
        return _("imported from %(file)s", file=match["file"])
    match = _REVERT.match(reason)
    if match:
        text = _(
            "undoes change %(id)s: %(reason)s", id=match["id"], reason=match["why"]
        )
        if match["gone"]:
            text += " " + _(
                "(references to removed entries %(ids)s left out)", ids=match["gone"]
            )
        return text
    match = _APPROVAL.match(reason)
    if match:
        head = _head(match["head"])
        if match["how"] == "edited and approved":
            tail = _("edited and approved by %(name)s", name=match["who"])
        else:
            tail = _("approved by %(name)s", name=match["who"])
        if match["why"]:
            tail += ": " + match["why"]
        return f"{head} — {tail}"
    return _head(reason)


_ENCODED = re.compile(r"(?:%[0-9A-Fa-f]{2})+")


def iri_text(url: str) -> str:
    """Return URL for reading: percent-encoded UTF-8 letters decoded (an IRI).

    Encoded ASCII (%20, %2F, %3F …) stays encoded: decoding it would change
    what the address means or hide a space; bytes that are not UTF-8 stay too.
    """

    def decode(match: re.Match) -> str:
        raw = unquote_to_bytes(match.group())
        out = []
        # Decode runs of non-ASCII bytes that are valid UTF-8; keep the rest.
        for chunk in re.findall(rb"[\x80-\xff]+|[\x00-\x7f]", raw):
            text = None
            if chunk[0] >= 0x80:
                try:
                    text = chunk.decode("utf-8")
                except UnicodeDecodeError:
                    text = None
                if text is not None and not all(c.isprintable() for c in text):
                    text = None
            if text is None:
                text = "".join(f"%{b:02X}" for b in chunk)
            out.append(text)
        return "".join(out)

    return _ENCODED.sub(decode, url)


def iri_href(url: str) -> str:
    """Return URL as an href: every non-ASCII character percent-encoded (a URI)."""
    return iri_to_uri(url)


def link_url(url: str) -> Markup:
    """Return a link to URL (encoded) that shows the address decoded."""
    return Markup('<a href="{0}" rel="nofollow noopener ugc">{1}</a>').format(
        iri_href(url), iri_text(url)
    )


def preferred_term(terms: dict, lang: str) -> dict | None:
    """Return the first preferred term of LANG in TERMS, else its first term."""
    found = terms.get(lang) or []
    for t in found:
        if t.get("status") == "preferred":
            return t
    return found[0] if found else None


def heading_order(ui_locale: str | None = None) -> list[str]:
    """Return the term languages in heading order: the interface's, then en, ru, kk."""
    ui = str(ui_locale or get_locale())
    return ([ui] if ui in LANGS else []) + [lang for lang in LANGS if lang != ui]


def headword(terms: dict, ui_locale: str | None = None) -> dict:
    """Return the term that heads an entry: preferred, in the UI language if any.

    Fallback order: the interface language, then English, Russian, Kazakh.
    The result carries its ``lang``.
    """
    for lang in heading_order(ui_locale):
        term = preferred_term(terms, lang)
        if term:
            return {**term, "lang": lang}
    return {"text": "", "lang": "", "status": ""}


# --- problems: language names, and messages stored as English text ----------

# Problem codes whose "lang" parameter names a language in prose (not a JSON
# path such as terms.kk): on pages it is shown as a word in the interface
# language ("қазақша термин «…»" rather than "kk термині «…»").
PROSE_LANG_CODES = frozenset(
    {
        "part_term",
        "part_term_unnamed",
        "part_definition",
        "part_definition_source",
        "definition_without_text",
        "too_many_terms",
        "new_definition_empty",
        "part_the_definition",
    }
)
LANG_WORDS = {
    "en": lazy_pgettext("language of a term, in a message", "English"),
    "ru": lazy_pgettext("language of a term, in a message", "Russian"),
    "kk": lazy_pgettext("language of a term, in a message", "Kazakh"),
}


def with_language_words(problem):
    """Return PROBLEM with prose language codes replaced by translated words."""
    from ..problems import Problem

    params = {}
    for key, value in problem.params.items():
        if isinstance(value, Problem):
            value = with_language_words(value)
        elif key == "lang" and problem.code in PROSE_LANG_CODES and value in LANGS:
            value = str(LANG_WORDS[value])
        params[key] = value
    return Problem(problem.code, problem.field, params)


_GENERIC = {"message", "http_error"}


def _template_pattern(template: str) -> re.Pattern:
    parts = re.split(r"%\((\w+)\)s", template)
    out = []
    for i, part in enumerate(parts):
        out.append(re.escape(part) if i % 2 == 0 else f"(?P<{part}>.+?)")
    return re.compile("^" + "".join(out) + "$", re.S)


_PATTERNS: list[tuple[str, re.Pattern]] | None = None


def _patterns() -> list[tuple[str, re.Pattern]]:
    global _PATTERNS
    if _PATTERNS is None:
        from ..problems import MESSAGES

        found = [
            (code, _template_pattern(template))
            for code, template in MESSAGES.items()
            if code not in _GENERIC
        ]
        # Where a problem is (line, entry, concept) comes first, then the most
        # specific templates (most fixed text).
        found.sort(
            key=lambda item: (
                not item[0].startswith("at_"),
                -len(re.sub(r"\(\?P<\w+>\.\+\?\)", "", item[1].pattern)),
            )
        )
        _PATTERNS = found
    return _PATTERNS


def problem_from_text(text: str, depth: int = 0):
    """Return the Problem whose English rendering TEXT is, or None.

    Some readers (the import file readers) still hand over their problems as
    English text; this finds the code and parameters back so that a page can
    show the message in its own language. Parameters that are themselves
    rendered problems ("kk term 'x'") are found back too.
    """
    from ..problems import Problem

    if depth > 3:
        return None
    for code, pattern in _patterns():
        match = pattern.match(text)
        if not match:
            continue
        params: dict = {}
        for key, value in match.groupdict().items():
            nested = key in _NESTED or " " in value
            inner = problem_from_text(value, depth + 1) if nested else None
            if inner is None and key in _NESTED:
                break  # "where"/"what"/"problem" are always problems themselves
            params[key] = inner if inner is not None else value
        else:
            return Problem(code, "", params)
    return None


_NESTED = frozenset({"where", "what", "problem"})


def stored_message(text):
    """Jinja filter: an import report's message in the interface language."""
    from .messages import page_message

    if isinstance(text, str):
        problem = problem_from_text(text)
        if problem is not None:
            return page_message(problem)
    return page_message(text)
