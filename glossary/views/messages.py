"""Problems (glossary.problems) rendered for pages and for the API.

Pages show each problem as a sentence in the interface language. The API answers
in English unless the request's Accept-Language asks for Russian or Kazakh.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import request
from flask_babel import force_locale, gettext

from ..problems import Problem, render
from .display import stored_message, with_language_words

API_LOCALES: tuple[str, ...] = ("en", "ru", "kk")


def _gettext(message: str) -> str:
    return gettext(message)


def sentence(text: str) -> str:
    """Return TEXT with a capital first letter and a full stop, as a page shows it."""
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?…" else text + "."


def page_message(value: Problem | str) -> str:
    """Return one problem (or an already made message) in the interface language."""
    if isinstance(value, Problem):
        return sentence(render(with_language_words(value), _gettext))
    return str(value)


def page_messages(values: Iterable[Problem | str]) -> list[str]:
    """Return the messages of several problems in the interface language."""
    return [page_message(v) for v in values]


def message_filter(value) -> str:
    """Jinja filter `message`: a problem, a list of them or text, shown on a page."""
    if isinstance(value, list | tuple):
        return " ".join(page_messages(value))
    return page_message(value)


def api_locale() -> str:
    """Return the language of API messages: en unless Accept-Language asks ru or kk."""
    for tag, _quality in request.accept_languages:
        primary = tag.split("-")[0].split("_")[0].lower()
        if primary in API_LOCALES:
            return primary
    return "en"


def api_problems(problems: Iterable[Problem]) -> list[dict]:
    """Return PROBLEMS as the API's [{"code", "field", "message"}] list."""
    locale = api_locale()
    with force_locale(locale):
        if locale != "en":
            # language codes in prose become words (the English stays as it was)
            problems = [with_language_words(p) for p in problems]
        return [p.as_dict(_gettext) for p in problems]


def init_app(app) -> None:
    """Register the `message` filter for templates."""
    app.add_template_filter(message_filter, "message")
    app.add_template_filter(stored_message, "stored_message")
