"""Flask commands: init-db, import, export, backup, accounts and API tokens."""

from __future__ import annotations

import functools
import io
import os
import sqlite3
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from . import accounts, concepts, exchange, importer, translate
from .db import BUSY_TIMEOUT_MS, DatabaseFault, classify_fault, connect
from .interchange.formats import EXPORT_FORMATS
from .lookup import current_lookup
from .model import DOMAIN_KEYS, LANGS, STATUSES
from .startup import SeedError, ensure_ready, prepare_database


def _db(*, write: bool = True):
    """Open the app's database, migrated (a new one is not seeded: see init-db).

    On a read replica it is opened read-only, and a command that writes is refused.
    """
    read_only = bool(current_app.config.get("READ_ONLY"))
    if write:
        _refuse_on_replica()
    if not read_only:
        ensure_ready(current_app._get_current_object(), seed=False)  # type: ignore[attr-defined]
    return connect(current_app.config["DATABASE"], read_only=read_only)


def _refuse_on_replica() -> None:
    if current_app.config.get("READ_ONLY"):
        primary = current_app.config.get("PRIMARY_URL") or "the primary"
        raise click.ClickException(
            "this is a read-only replica (GLOSSARY_READ_ONLY): run this command "
            f"on the primary ({primary})"
        )


def _wrote() -> None:
    """Say which database file a command wrote to.

    On standard error, so that what a command prints on standard output (a
    token, an export) stays clean.
    """
    click.echo(f"Database: {Path(current_app.config['DATABASE']).resolve()}", err=True)


@click.command("init-db")
@click.option(
    "--seed/--no-seed", default=True, help="Seed an empty database from terms.csv."
)
@with_appcontext
def init_db_command(seed: bool) -> None:
    """Create the database and apply migrations; seed it when empty."""
    _refuse_on_replica()
    path = current_app.config["DATABASE"]
    seed_path = current_app.config["SEED_PATH"] if seed else None
    try:
        seeded = prepare_database(path, seed_path, initialise=True)
    except SeedError as exc:
        raise click.ClickException(str(exc)) from None
    db = connect(path)
    n = concepts.counts(db)["concepts"]
    db.close()
    click.echo(
        f"Database ready at {Path(path).resolve()}: {n} concepts"
        + (f" (seeded from {Path(seed_path).name})." if seeded and seed_path else ".")
    )


@click.command("import")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Validate and report without writing.")
@click.option(
    "--replace",
    is_flag=True,
    help="Make the glossary exactly the file: remove concepts it lacks.",
)
@click.option(
    "--author",
    default="import",
    show_default=True,
    help="Name recorded in the history.",
)
@click.option(
    "--yes",
    is_flag=True,
    help="Do not ask before --replace removes more than a tenth of the glossary.",
)
@with_appcontext
def import_command(
    path: str, dry_run: bool, replace: bool, author: str, yes: bool
) -> None:
    """Import concepts from a .csv, .tsv, .tbx or .json file (all or nothing)."""
    done = 0
    shown = sys.stderr.isatty()

    def confirm_removal(n: int, total: int) -> bool:
        if yes:
            return True
        if not sys.stdin.isatty():
            raise click.ClickException(
                f"--replace would remove {n} of the {total} concepts (more than "
                f"{importer.REPLACE_CONFIRM_SHARE:.0%}); add --yes to do it; "
                "nothing was imported"
            )
        return click.confirm(
            f"--replace will remove {n} of the {total} concepts. Go on?",
            default=False,
        )

    def on_read(n: int) -> None:
        if shown:
            click.echo("", err=True)  # past the counter's line
        if not dry_run:
            click.echo(f"Importing {n} concepts: all read and checked.")

    def progress(k: int) -> None:
        # The file is read, checked and written in one pass: its length is
        # known only at its end, so a counter instead of a bar.
        nonlocal done
        done += k
        if shown:
            click.echo(f"\r{done} concepts read", nl=False, err=True)

    try:
        f = open(path, "rb")  # noqa: SIM115 (closed below)
    except OSError as exc:
        raise click.ClickException(f"cannot read {path}: {exc.strerror}") from None
    db = _db()
    try:
        report = exchange.import_file(
            db,
            f,
            Path(path).name,
            author=author,
            dry_run=dry_run,
            replace=replace,
            progress=progress,
            on_read=on_read,
            confirm_removal=confirm_removal,
        )
    finally:
        f.close()
        db.close()
    errors = report["errors"]
    if len(errors) == 1 and not errors[0].startswith("line "):
        # A problem with the whole file (encoding, format): one line says it all.
        raise click.ClickException(f"{path}: {errors[0]}; nothing was imported")
    if errors:
        for error in errors:
            click.echo(f"{path}: {error}", err=True)
        count = report.get("error_count", len(errors))
        listed = f" (the first {len(errors)} listed)" if count > len(errors) else ""
        raise click.ClickException(
            f"{count} problem(s) in {path}{listed}; nothing was imported"
        )
    if not dry_run:
        _wrote()
    verb = "Would import" if dry_run else "Imported"
    removed = f", {report['removed']} removed" if replace else ""
    click.echo(
        f"{verb} {report['concepts']} concepts from {path}: {report['new']} new, "
        f"{report['changed']} changed, {report['unchanged']} unchanged{removed}."
    )
    if not dry_run and (report["new"] or report["changed"] or report["removed"]):
        # Write the search index now, so that no worker has to on its next query.
        _write_index()


def _write_index() -> None:
    db = _db(write=False)
    try:
        done = current_lookup().write_version(db)
    except ValueError:
        return  # an in-memory database
    finally:
        db.close()
    click.echo(
        f"Search index of {done['terms']} terms written to {done['path']} "
        f"({done['bytes'] / 2**20:.1f} MiB, {done['seconds']:.1f} s)."
    )


@click.command("index")
@with_appcontext
def index_command() -> None:
    """Build the search index and write it beside the database for every worker."""
    _write_index()


@click.command("export")
@click.argument("path", required=False, type=click.Path(dir_okay=False))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(EXPORT_FORMATS),
    default="csv",
    show_default=True,
    help="csv, tbx (TBX v3 TBX-Basic), tbx2 (TBX v2 martif) or json.",
)
@click.option("--excel", is_flag=True, help="CSV for Excel: UTF-8 with a BOM.")
@click.option(
    "--semicolon",
    is_flag=True,
    help="CSV separated by ';' (spreadsheets in Russian or Kazakh locales).",
)
@click.option("--domain", type=click.Choice(DOMAIN_KEYS), help="Only this domain.")
@click.option(
    "--lang",
    "langs",
    multiple=True,
    type=click.Choice(LANGS),
    help="Only terms in this language (repeatable).",
)
@click.option(
    "--status",
    "statuses",
    multiple=True,
    type=click.Choice(STATUSES),
    help="Only terms with this status (repeatable).",
)
@with_appcontext
def export_command(
    path: str | None,
    fmt: str,
    excel: bool,
    semicolon: bool,
    domain: str | None,
    langs: tuple[str, ...],
    statuses: tuple[str, ...],
) -> None:
    """Export the glossary (CSV, TBX v3, TBX v2 or JSON) to PATH or standard output."""
    if excel and fmt != "csv":
        raise click.ClickException("--excel applies to --format csv only")
    if semicolon and fmt != "csv":
        raise click.ClickException("--semicolon applies to --format csv only")
    db = _db(write=False)
    stats: dict = {}
    try:
        chunks = exchange.export_chunks(
            db,
            fmt,
            domain=domain,
            langs=langs or None,
            statuses=statuses or None,
            excel=excel,
            delimiter=";" if semicolon else ",",
            stats=stats,
        )
        if path is None:
            # UTF-8 whatever the console's encoding, and no newline translation.
            binary = sys.stdout.buffer
            out = io.TextIOWrapper(binary, encoding="utf-8", newline="")
            try:
                for chunk in chunks:
                    out.write(chunk)
                out.flush()
            except OSError as exc:
                if classify_fault(exc) is None:
                    raise
                _discard_pending(binary)
                raise click.ClickException(
                    f"cannot write the export: {exc.strerror}"
                ) from None
            finally:
                try:
                    out.detach()
                except (OSError, ValueError):
                    pass
            return
        if Path(path).exists() and not Path(path).is_file():
            # A device or a pipe (/dev/stdout, a FIFO): write to it as it is,
            # never replace it with a regular file.
            try:
                with open(path, "w", encoding="utf-8", newline="") as device:
                    for chunk in chunks:
                        device.write(chunk)
            except OSError as exc:
                raise click.ClickException(
                    f"cannot write {path}: {exc.strerror}"
                ) from None
            click.echo(f"Exported {stats['concepts']} concepts to {path} ({fmt}).")
            return
        tmp = Path(f"{path}.part")
        try:
            with open(tmp, "w", encoding="utf-8", newline="") as part:
                for chunk in chunks:
                    part.write(chunk)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise click.ClickException(f"cannot write {path}: {exc.strerror}") from None
        tmp.replace(path)
        click.echo(f"Exported {stats['concepts']} concepts to {path} ({fmt}).")
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
    _db().close()  # migrated, so that the copy is too
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
        stdin = sys.stdin
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
    _wrote()
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
    _wrote()
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
    _wrote()
    click.echo(f"Revoked {n} token(s) of {user['username']}.")


def _discard_pending(binary) -> None:
    """Drop what could not be written to a full standard output.

    Otherwise Python retries the flush at exit and prints a second error.
    """
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), binary.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def fault_message(fault: DatabaseFault) -> str:
    """Return the one-line reason the CLI gives for a busy or full database."""
    if fault.kind == "busy":
        return (
            "the database is busy: another process (an import?) has held it for "
            f"more than {BUSY_TIMEOUT_MS // 1000} seconds; nothing was written, "
            "try again later"
        )
    return (
        f"no space left to write ({fault.detail}); nothing was written: free "
        "disk space and try again"
    )


def clear_faults(command: click.Command) -> click.Command:
    """Make COMMAND end with a one-line reason on a busy database or a full disk."""
    callback = command.callback
    if callback is None:
        raise TypeError(f"command {command.name} has no callback")

    @functools.wraps(callback)
    def wrapped(*args, **kwargs):
        try:
            return callback(*args, **kwargs)
        except (sqlite3.OperationalError, OSError) as exc:
            fault = classify_fault(exc)
            if fault is None:
                raise
            raise click.ClickException(fault_message(fault)) from None

    command.callback = wrapped
    return command


def init_app(app) -> None:
    """Register the commands on APP."""
    for command in (
        init_db_command,
        import_command,
        index_command,
        export_command,
        backup_command,
        create_user_command,
        create_token_command,
        revoke_tokens_command,
    ):
        app.cli.add_command(clear_faults(command))
    translate.init_app(app)
