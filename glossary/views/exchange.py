"""Download the glossary: the /export page and streamed files (/export.csv, …)."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    render_template,
    request,
)
from flask_babel import gettext

from .. import concepts, exchange
from ..db import connect, get_db
from ..model import DOMAIN_KEYS, LANGS, STATUSES

bp = Blueprint("exchange", __name__)

_EXTENSIONS = {"csv": "csv", "tbx": "tbx", "json": "json"}


@bp.get("/export")
def export_page():
    """Offer the downloads with their filters."""
    return render_template(
        "pages/export.html",
        domains=concepts.list_domains(get_db()),
        statuses=STATUSES,
    )


def _filters() -> dict:
    domain = request.args.get("domain") or None
    if domain and domain not in DOMAIN_KEYS:
        abort(400, gettext("Unknown filter value: %(value)s", value=domain))
    langs = tuple(request.args.getlist("lang"))
    statuses = tuple(request.args.getlist("status"))
    for lang in langs:
        if lang not in LANGS:
            abort(400, gettext("Unknown filter value: %(value)s", value=lang))
    for status in statuses:
        if status not in STATUSES:
            abort(400, gettext("Unknown filter value: %(value)s", value=status))
    return {"domain": domain, "langs": langs or None, "statuses": statuses or None}


def _download(fmt: str, excel: bool) -> Response:
    filters = _filters()
    path = current_app.config["DATABASE"]

    def generate():
        # Its own connection: the request's one is closed before streaming ends.
        db = connect(path)
        try:
            yield from exchange.export_chunks(db, fmt, excel=excel, **filters)
        finally:
            db.close()

    name = exchange.export_filename(fmt)
    if excel:
        name = name.replace(".csv", "-excel.csv")
    response = Response(generate(), mimetype=None)
    response.headers["Content-Type"] = exchange.MEDIA_TYPES[fmt]
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.get("/export/download")
def download():
    """Stream the file chosen in the export form."""
    fmt = request.args.get("format", "csv")
    if fmt == "csv-excel":
        return _download("csv", True)
    if fmt not in exchange.EXPORT_FORMATS:
        abort(400, gettext("Unknown filter value: %(value)s", value=fmt))
    return _download(fmt, False)


@bp.get("/export.<ext>")
def export_file(ext: str):
    """Stream the glossary as /export.csv (?excel=1), /export.tbx, /export.json."""
    if ext not in _EXTENSIONS:
        abort(404)
    fmt = ext
    if ext == "tbx" and request.args.get("version") == "2":
        fmt = "tbx2"
    return _download(fmt, ext == "csv" and request.args.get("excel") == "1")
