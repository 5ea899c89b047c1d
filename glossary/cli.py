"""Flask commands: init-db, import, export, backup, accounts and API tokens."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from . import accounts, concepts, translate
from .db import connect, prepare_database
from .interchange.csvfile import header_for, read_concepts_csv, write_concepts_csv
from .model import DOMAIN_KEYS
from .search import to_kazakh_latin


def _db():
    return connect(current_app.config["DATABASE"])


def _open_text(path: str):
    """Open PATH as UTF-8 text (with or without BOM), or fail with a clear reason."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise click.ClickException(f"cannot read {path}: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise click.ClickException(
            f"{path} is not UTF-8 (byte {exc.start}); save it as UTF-8 and try again"
        ) from None
    return io.StringIO(text, newline="")


@click.command("init-db")
@click.option(
    "--seed/--no-seed", default=True, help="Seed an empty database from terms.csv."
)
@with_appcontext
def init_db_command(seed: bool) -> None:
    """Create the database and apply migrations; seed it when empty."""
    path = current_app.config["DATABASE"]
    seeded = prepare_database(path, current_app.config["SEED_PATH"] if seed else None)
    db = connect(path)
    n = concepts.counts(db)["concepts"]
    db.close()
    click.echo(
        f"Database ready at {path}: {n} concepts"
        + (" (seeded from terms.csv)." if seeded else ".")
    )


@click.command("import")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Validate and report without writing.")
@click.option(
    "--author",
    default="import",
    show_default=True,
    help="Name recorded in the history.",
)
@with_appcontext
def import_command(path: str, dry_run: bool, author: str) -> None:
    """Import concepts from a CSV file (upsert; all or nothing)."""
    with _open_text(path) as f:
        result = read_concepts_csv(f)
    if result.errors:
        for error in result.errors:
            click.echo(f"{path}: {error}", err=True)
        raise click.ClickException(
            f"{len(result.errors)} problem(s) in {path}; nothing was imported"
        )
    db = _db()
    try:
        if dry_run:
            report = concepts.plan_import(db, result.records, result.lines)
        else:
            try:
                report = concepts.import_records(
                    db,
                    result.records,
                    author=author,
                    lines=result.lines,
                    reason=f"imported from {Path(path).name}",
                )
            except (ValueError, sqlite3.IntegrityError) as exc:
                raise click.ClickException(f"{exc}; nothing was imported") from None
    finally:
        db.close()
    if report["errors"]:
        for error in report["errors"]:
            click.echo(f"{path}: {error}", err=True)
        raise click.ClickException(
            f"{len(report['errors'])} problem(s) in {path}; nothing was imported"
        )
    verb = "Would import" if dry_run else "Imported"
    click.echo(
        f"{verb} {len(result.records)} concepts from {path}: {report['new']} new, "
        f"{report['changed']} changed, {report['unchanged']} unchanged."
    )


@click.command("export")
@click.argument("path", required=False, type=click.Path(dir_okay=False))
@click.option("--domain", type=click.Choice(DOMAIN_KEYS), help="Only this domain.")
@with_appcontext
def export_command(path: str | None, domain: str | None) -> None:
    """Export the glossary as CSV to PATH, or to standard output."""
    db = _db()
    try:
        header = header_for(*concepts.export_slots(db))
        records = concepts.iter_records(db, domain)
        if path is None:
            # UTF-8 whatever the console's encoding, and no newline translation.
            out = io.TextIOWrapper(
                click.get_binary_stream("stdout"), encoding="utf-8", newline=""
            )
            try:
                write_concepts_csv(
                    records, out, header=header, to_latin=to_kazakh_latin
                )
                out.flush()
            finally:
                out.detach()
            return
        tmp = Path(f"{path}.part")
        try:
            with open(tmp, "w", encoding="utf-8", newline="") as out:
                n = write_concepts_csv(
                    records, out, header=header, to_latin=to_kazakh_latin
                )
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise click.ClickException(f"cannot write {path}: {exc.strerror}") from None
        tmp.replace(path)
        click.echo(f"Exported {n} concepts to {path}.")
    finally:
        db.close()


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False))
@with_appcontext
def backup_command(path: str) -> None:
    """Copy the database to PATH with SQLite's online backup (safe while serving)."""
    target = Path(path)
    if target.exists():
        raise click.ClickException(f"{path} already exists; choose a new file name")
    source = sqlite3.connect(current_app.config["DATABASE"])
    tmp = Path(f"{path}.part")
    try:
        dest = sqlite3.connect(tmp)
        with dest:
            source.backup(dest)
        dest.close()
        verify = sqlite3.connect(tmp)
        try:
            # A single-file copy: no -wal/-shm beside it once this closes.
            verify.execute("pragma journal_mode = delete")
            check = verify.execute("pragma integrity_check").fetchone()[0]
        finally:
            verify.close()
        if check != "ok":
            raise click.ClickException(f"backup failed its integrity check: {check}")
        tmp.replace(target)
    except (sqlite3.Error, OSError) as exc:
        tmp.unlink(missing_ok=True)
        raise click.ClickException(f"backup failed: {exc}") from None
    finally:
        source.close()
    click.echo(f"Backed up {current_app.config['DATABASE']} to {path}.")


@click.command("create-user")
@click.argument("name")
@click.option(
    "--role",
    type=click.Choice(accounts.ROLES),
    default="translator",
    show_default=True,
    help="What the account may do.",
)
@click.option("--password", help="The password (default: read from standard input).")
@click.option("--email", default="", help="Optional e-mail address.")
@with_appcontext
def create_user_command(name: str, role: str, password: str | None, email: str):
    """Create an account (translator, reviewer or admin)."""
    if password is None:
        stdin = click.get_text_stream("stdin")
        if stdin.isatty():
            password = click.prompt(
                "Password", hide_input=True, confirmation_prompt=True
            )
        else:
            password = stdin.readline().rstrip("\r\n")
    db = _db()
    try:
        user = accounts.create_user(db, name, password, role=role, email=email)
    except accounts.AccountError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        db.close()
    click.echo(f"Created {user['role']} {user['username']} (id {user['id']}).")


@click.command("create-token")
@click.argument("name")
@with_appcontext
def create_token_command(name: str) -> None:
    """Print a new personal API token for user NAME (only its hash is stored)."""
    db = _db()
    try:
        user = accounts.find_user(db, name)
        if user is None or not user["active"]:
            raise click.ClickException(f"no active user called {name!r}")
        token = accounts.create_token(db, user["id"])
    finally:
        db.close()
    click.echo(token)


@click.command("revoke-tokens")
@click.argument("name")
@with_appcontext
def revoke_tokens_command(name: str) -> None:
    """Delete every API token of user NAME."""
    db = _db()
    try:
        user = accounts.find_user(db, name)
        if user is None:
            raise click.ClickException(f"no user called {name!r}")
        n = accounts.revoke_tokens(db, user["id"])
    finally:
        db.close()
    click.echo(f"Revoked {n} token(s) of {user['username']}.")


def init_app(app) -> None:
    """Register the commands on APP."""
    for command in (
        init_db_command,
        import_command,
        export_command,
        backup_command,
        create_user_command,
        create_token_command,
        revoke_tokens_command,
    ):
        app.cli.add_command(command)
    translate.init_app(app)
