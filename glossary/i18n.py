"""The interface language (en, ru, kk) with flask-babel; not the terms' languages."""

from __future__ import annotations

from flask import request, session, url_for
from flask_babel import Babel, get_locale

LOCALES: tuple[str, ...] = ("en", "ru", "kk")
# Each interface language named in itself, for the language switcher.
LOCALE_NAMES: dict[str, str] = {"en": "English", "ru": "Русский", "kk": "Қазақша"}

babel = Babel()


def select_locale() -> str:
    """Choose the UI language: ?lang= (remembered), then Accept-Language, then en."""
    asked = request.args.get("lang")
    if asked in LOCALES:
        session["locale"] = asked
        session.permanent = True
        return asked
    if session.get("locale") in LOCALES:
        return session["locale"]
    # Walk the browser's languages in its order of preference: "kk-KZ" means
    # Kazakh even when a less-wanted "ru" would match exactly.
    for tag, _quality in request.accept_languages:
        primary = tag.split("-")[0].split("_")[0].lower()
        if primary in LOCALES:
            return primary
    return "en"


def init_app(app) -> None:
    """Bind flask-babel to APP and expose the locale to templates."""
    babel.init_app(app, locale_selector=select_locale)

    @app.context_processor
    def locale_context() -> dict:
        return {
            "ui_locale": str(get_locale()),
            "ui_locales": LOCALE_NAMES,
            "switch_locale_url": switch_locale_url,
        }


def switch_locale_url(code: str) -> str:
    """Return the current page's URL with the interface language set to CODE."""
    args = {**(request.view_args or {}), **request.args.to_dict(), "lang": code}
    return url_for(request.endpoint or "pages.home", **args)
