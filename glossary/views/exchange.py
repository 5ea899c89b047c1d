"""Download the glossary: the /export page and streamed files (/export.csv, …)."""

from __future__ import annotations

import json
import re
import secrets
import time
import unicodedata
from pathlib import Path

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext

from .. import concepts, exchange, jobs
from ..auth import reviewer_required
from ..db import connect, get_db, write_transaction
from ..model import DOMAIN_KEYS, LANGS, MAX_ID, STATUSES, clean_line
from .display import stored_message

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


def _download(fmt: str, excel: bool, delimiter: str = ",") -> Response:
    filters = _filters()
    path = current_app.config["DATABASE"]

    def generate():
        # Its own connection: the request's one is closed before streaming ends.
        db = connect(path)
        try:
            yield from exchange.export_chunks(
                db, fmt, excel=excel, delimiter=delimiter, **filters
            )
        finally:
            db.close()

    name = exchange.export_filename(fmt)
    if excel:
        name = name.replace(".csv", "-excel.csv")
    if delimiter == ";":
        name = name.replace(".csv", "-semicolon.csv")
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
    if fmt == "csv-excel-semicolon":
        return _download("csv", True, ";")
    if fmt not in exchange.EXPORT_FORMATS:
        abort(400, gettext("Unknown filter value: %(value)s", value=fmt))
    return _download(fmt, False)


@bp.get("/export.<ext>")
def export_file(ext: str):
    """Stream the glossary as /export.csv (?excel=1, ?sep=semicolon), .tbx, .json."""
    if ext not in _EXTENSIONS:
        abort(404)
    fmt = ext
    if ext == "tbx" and request.args.get("version") == "2":
        fmt = "tbx2"
    sep = request.args.get("sep", "comma")
    if sep not in ("comma", "semicolon"):
        abort(400, gettext("Unknown filter value: %(value)s", value=sep))
    csv_ = ext == "csv"
    return _download(
        fmt,
        csv_ and request.args.get("excel") == "1",
        ";" if csv_ and sep == "semicolon" else ",",
    )


# --- import (reviewers) ------------------------------------------------------

UPLOAD_TTL = 24 * 60 * 60
_TOKEN = re.compile(r"^[0-9a-f]{32}$")


def _uploads() -> Path:
    folder = Path(
        current_app.config.get("UPLOAD_FOLDER")
        or Path(current_app.instance_path) / "uploads"
    )
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _stored(token: str) -> tuple[Path, dict] | None:
    """Return the upload kept under TOKEN for the signed-in reviewer, and its facts."""
    if not _TOKEN.match(token or ""):
        return None
    facts = _uploads() / f"{token}-{g.user['id']}.json"
    if not facts.exists():
        return None
    about = json.loads(facts.read_text(encoding="utf-8"))
    return _uploads() / f"{token}-{g.user['id']}{about['ext']}", about


def _forget(token: str) -> None:
    for path in _uploads().glob(f"{token}-{g.user['id']}*"):
        path.unlink(missing_ok=True)


def _plan(report: dict) -> list[int]:
    return [report[k] for k in ("new", "changed", "unchanged", "removed")]


def _run_import(path: Path, about: dict, *, dry_run: bool) -> dict:
    with open(path, "rb") as f:
        return exchange.import_file(
            get_db(),
            f,
            about["name"],
            author=g.user["username"],
            dry_run=dry_run,
            replace=about["replace"],
        )


def _preview(token: str, path: Path, about: dict, **extra):
    """Dry-run the upload, remember what it would do, and show that."""
    report = _run_import(path, about, dry_run=True)
    if report["errors"]:
        _forget(token)
        return render_template("pages/import.html", report=report), 400
    about["plan"] = _plan(report)
    facts = _uploads() / f"{token}-{g.user['id']}.json"
    facts.write_text(json.dumps(about), encoding="utf-8")
    return render_template(
        "pages/import.html",
        report=report,
        token=token,
        replace=about["replace"],
        **extra,
    ), (409 if extra else 200)


def shown_filename(raw: str) -> str:
    """Return an uploaded file's name as it is safe to show and to record.

    Control, format and bidi characters (U+202E would show "evil\\u202egpj.exe" as
    "evilexe.jpg") are written as visible escapes (\\u202e); the length is capped.
    """
    name = clean_line(Path(raw.replace("\\", "/")).name)
    return "".join(
        c
        if unicodedata.category(c) not in ("Cc", "Cf", "Cs", "Co", "Cn")
        else f"\\u{ord(c):04x}"
        for c in name
    )[:200]


@bp.route("/import", methods=["GET", "POST"])
@reviewer_required
def import_page():
    """Upload a .csv, .tsv, .tbx or .json file, preview the changes, then import."""
    if request.method == "GET":
        return render_template("pages/import.html", report=None)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return render_template(
            "pages/import.html", report=None, error=gettext("Choose a file to import.")
        ), 400
    # Keep the file until the reviewer confirms the preview (or a day passes).
    now = time.time()
    for old in _uploads().iterdir():
        if now - old.stat().st_mtime > UPLOAD_TTL:
            old.unlink(missing_ok=True)
    token = secrets.token_hex(16)
    # Stored under a name of our own; the reviewer's file name (Cyrillic is
    # common) is kept only to show it and to tell the format by its extension.
    name = shown_filename(upload.filename) or "upload"
    ext = Path(name).suffix.lower()
    ext = ext if ext in (".csv", ".tsv", ".tbx", ".json") else ".upload"
    path = _uploads() / f"{token}-{g.user['id']}{ext}"
    upload.save(path)
    about = {"name": name, "ext": ext, "replace": request.form.get("mode") == "replace"}
    return _preview(token, path, about)


@bp.post("/import/confirm")
@reviewer_required
def import_confirm():
    """Queue the import whose preview the reviewer has just seen; show its job."""
    token = request.form.get("token", "")
    stored = _stored(token)
    if stored is None:
        return render_template(
            "pages/import.html",
            report=None,
            error=gettext(
                "That upload has expired or was already imported: "
                "upload the file again."
            ),
        ), 409
    path, about = stored
    db = get_db()
    # The job runs in a thread of this worker: the request answers at once, and
    # the reviewer can leave the progress page and come back to it.
    with write_transaction(db):
        job_id = jobs.create_job(
            db,
            user_id=g.user["id"],
            username=g.user["username"],
            file_name=about["name"],
            ext=about["ext"],
            replace=about["replace"],
            plan=about["plan"],
        )
        jobs.prepare_dir(_jobs_folder(), job_id, path, about["ext"])
    _forget(token)
    jobs.start_job(current_app.config["DATABASE"], _jobs_folder(), job_id)
    return redirect(url_for("exchange.import_job", job_id=job_id), 303)


def _jobs_folder() -> Path:
    """Return the folder of import jobs: beside the database unless configured."""
    configured = current_app.config.get("IMPORT_JOBS_FOLDER")
    if configured:
        folder = Path(configured)
    else:
        database = Path(current_app.config["DATABASE"])
        folder = database.with_name(f"{database.stem}-import-jobs")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _job_or_404(job_id: int) -> dict:
    if not 0 < job_id <= MAX_ID:
        abort(404)
    job = jobs.get_job(get_db(), job_id)
    if job is None:
        abort(404)
    return jobs.with_progress(get_db(), _jobs_folder(), job)


@bp.get("/import/jobs")
@reviewer_required
def import_jobs():
    """List the recent import jobs (every reviewer's), newest first."""
    db = get_db()
    jobs.reap_stale(db, _jobs_folder())
    return render_template(
        "pages/import_jobs.html",
        jobs=[jobs.with_progress(db, _jobs_folder(), j) for j in jobs.recent_jobs(db)],
    )


@bp.get("/import/jobs/<int:job_id>")
@reviewer_required
def import_job(job_id: int):
    """Show an import job's progress (reloading itself while it runs) or result."""
    return render_template("pages/import_job.html", job=_job_or_404(job_id))


@bp.get("/import/jobs/<int:job_id>.json")
@reviewer_required
def import_job_json(job_id: int):
    """Answer an import job's state and counts as JSON (the progress page polls it)."""
    job = _job_or_404(job_id)
    keys = ("id", "state", "phase", "total", "done", "file_name", "replace",
            "concepts", "new", "changed", "unchanged", "removed",
            "problem_count", "created_at", "started_at", "finished_at")  # fmt: skip
    body = {"ok": True, **{k: job.get(k) for k in keys}}
    body["problems"] = [str(stored_message(p)) for p in job["problems"]]
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response
