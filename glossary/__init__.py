"""glossary: a trilingual (en/ru/kk) creative-industries terminology service."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask

# templates/, static/ and terms.csv live at the repository root, beside the package.
ROOT = Path(__file__).resolve().parent.parent


def _secret_key(instance_path: str) -> str:
    """Return the instance's persistent secret key, creating it on first use."""
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
    return path.read_text().strip()


def create_app(test_config: dict | None = None) -> Flask:
    """Create and configure the glossary application."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.from_mapping(
        DATABASE=os.path.join(app.instance_path, "glossary.db"),
        SEED_PATH=str(ROOT / "terms.csv"),
        MAX_CONTENT_LENGTH=16 * 1024 * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=60 * 60 * 24 * 365,
    )
    if test_config is None:
        app.config.from_prefixed_env("GLOSSARY")
    else:
        app.config.from_mapping(test_config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(app.instance_path)
    app.json.ensure_ascii = False
    app.json.sort_keys = False

    from . import auth, cli, db, httpcache, i18n, lookup, replica, startup, views

    # No database work here: the database is prepared on its first use.
    db.init_app(app)
    startup.init_app(app)
    lookup.init_app(app)
    i18n.init_app(app)
    replica.init_app(app)
    auth.init_app(app)
    httpcache.init_app(app)
    views.init_app(app)
    cli.init_app(app)
    return app
