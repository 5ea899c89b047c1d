"""The `flask translate` commands: keep the ru and kk catalogs in step with the UI."""

from __future__ import annotations

import subprocess
import sys
from importlib import metadata
from pathlib import Path

import click
from babel.messages.pofile import read_po
from flask.cli import AppGroup

from .i18n import LOCALES

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = Path(__file__).resolve().parent / "translations"
TEMPLATE = TRANSLATIONS / "messages.pot"
# English is the source language: it has no catalog of its own.
CATALOG_LOCALES: tuple[str, ...] = tuple(code for code in LOCALES if code != "en")
# Beyond pybabel's defaults (_, gettext, ngettext, …): lazy_gettext is imported
# as _l for module-level labels; the full names are listed in case it is not.
# N_ marks the English templates of problem messages (glossary.problems).
KEYWORDS: tuple[str, ...] = (
    "_l",
    "lazy_gettext",
    "lazy_ngettext:1,2",
    "lazy_pgettext:1c,2",
    "N_",
)

translate = AppGroup("translate", help="Extract, update and compile UI translations.")


def pybabel(*args: str) -> None:
    """Run a pybabel command from the repository root, or fail with its error."""
    # From the root, so that the template records paths like templates/base.html.
    result = subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "-q", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip()
        raise click.ClickException(f"pybabel {args[0]} failed: {detail}")


def catalog_path(locale: str) -> Path:
    """Return the .po file of LOCALE."""
    return TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"


def catalog_todo(locale: str) -> tuple[list[str], list[str]]:
    """Return the msgids of LOCALE still untranslated, and those marked fuzzy."""
    with open(catalog_path(locale), "rb") as f:
        catalog = read_po(f, locale=locale)
    untranslated: list[str] = []
    # A fuzzy header makes pybabel skip the whole catalog when compiling.
    fuzzy: list[str] = ["(the catalog header)"] if catalog.fuzzy else []
    for message in catalog:
        if not message.id:
            continue
        msgid = str(message.id[0] if message.pluralizable else message.id)
        # A plural's msgstr is a tuple of forms; a singular's, one string.
        strings = (
            list(message.string)
            if isinstance(message.string, tuple)
            else [message.string]
        )
        if not all(strings):
            untranslated.append(msgid)
        elif message.fuzzy:
            fuzzy.append(msgid)
    return untranslated, fuzzy


def extract() -> None:
    """Write messages.pot from the Python code and the templates."""
    try:
        version = metadata.version("glossary")
    except metadata.PackageNotFoundError:
        version = "0"
    keywords = [arg for keyword in KEYWORDS for arg in ("-k", keyword)]
    pybabel(
        "extract",
        "-F",
        "babel.cfg",
        *keywords,
        "--add-comments=TRANSLATORS:",
        "--project=glossary",
        f"--version={version}",
        "-o",
        str(TEMPLATE),
        ".",
    )


@translate.command("update")
def update_command() -> None:
    """Extract the UI strings and merge them into the ru and kk catalogs."""
    extract()
    for locale in CATALOG_LOCALES:
        po = catalog_path(locale)
        if po.exists():
            pybabel(
                "update",
                "-i",
                str(TEMPLATE),
                "-d",
                str(TRANSLATIONS),
                "-l",
                locale,
                "--previous",
            )
        else:
            pybabel("init", "-i", str(TEMPLATE), "-d", str(TRANSLATIONS), "-l", locale)
    todo = _report("Updated")
    if todo:
        click.echo(
            f"Translate these {todo} entries in the .po files (check and remove the "
            "fuzzy flags), then run `flask --app glossary translate compile`."
        )
    else:
        click.echo(
            "Nothing to translate: run `flask --app glossary translate compile`."
        )


@translate.command("compile")
def compile_command() -> None:
    """Compile the ru and kk catalogs into the .mo files the app reads."""
    pybabel("compile", "-d", str(TRANSLATIONS))
    if _report("Compiled"):
        click.echo("Untranslated and fuzzy entries show in English until translated.")


def _report(verb: str) -> int:
    """Echo what is left to translate in each catalog; return how many entries."""
    todo = 0
    for locale in CATALOG_LOCALES:
        untranslated, fuzzy = catalog_todo(locale)
        click.echo(
            f"{verb} {_shown(catalog_path(locale))}: "
            f"{len(untranslated)} untranslated, {len(fuzzy)} fuzzy."
        )
        for msgid in untranslated:
            click.echo(f"  untranslated: {msgid!r}")
        for msgid in fuzzy:
            click.echo(f"  fuzzy: {msgid!r}")
        todo += len(untranslated) + len(fuzzy)
    return todo


def _shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def init_app(app) -> None:
    """Register the translate command group on APP."""
    app.cli.add_command(translate)
