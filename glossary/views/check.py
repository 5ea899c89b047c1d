"""The /check page: terms of a whole text marked, the job's glossary, translation QA."""

from __future__ import annotations

import re

from flask import Blueprint, Response, current_app, render_template, request
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from .. import textcheck
from ..check.files import EXTENSIONS, UploadProblem, read_upload
from ..check.qa import BAD, GOOD
from ..db import get_db
from ..model import LANGS

bp = Blueprint("check", __name__)

UPLOAD_PROBLEMS = {
    "type": _l(
        "This kind of file cannot be checked: choose a .txt, .srt or .docx file."
    ),
    "encoding": _l(
        "The file is not UTF-8 (or UTF-16) text: save it as UTF-8 and try again."
    ),
    "docx": _l(
        "The .docx file could not be read: it is damaged or not a Word document."
    ),
    "too_long": _l("The text is longer than 1 MB: check it in parts."),
    "empty": _l("The file has no text."),
}
KIND_LABELS = {
    "missing": _l("missing in the translation"),
    "deprecated": _l("deprecated term used"),
}
_IDS = re.compile(r"\d{1,12}")


def _language(name: str) -> str | None:
    value = request.form.get(name, "")
    return value if value in LANGS else None


def _form_text() -> tuple[str, list[str]]:
    """Return the text to check (typed, or from the uploaded file) and problems."""
    upload = request.files.get("file")
    if upload and upload.filename:
        try:
            return read_upload(upload.filename, upload.read()), []
        except UploadProblem as problem:
            return "", [str(UPLOAD_PROBLEMS[problem.code])]
    text = request.form.get("text", "")
    if not text.strip():
        return "", [gettext("Paste a text or choose a file.")]
    if textcheck.text_too_long(text):
        return "", [str(UPLOAD_PROBLEMS["too_long"])]
    return text, []


def _form_page(problems: list[str], status: int = 200, **values):
    return (
        render_template(
            "check/check.html",
            problems=problems,
            extensions=", ".join(EXTENSIONS),
            form=request.form,
            **values,
        ),
        status,
    )


@bp.get("/check")
def check_form():
    """Show the text check and the translation check forms."""
    return _form_page([])


def _equivalents(heads: dict, cid: int, lang: str) -> dict:
    """The preferred and admitted terms of concept CID in the other languages."""
    terms = heads.get(cid, {})
    return {
        other: [t for t in terms.get(other, []) if t["status"] in GOOD]
        for other in LANGS
        if other != lang
    }


def _instead(heads: dict, cid: int, lang: str) -> list[dict]:
    """The terms to use instead of a deprecated one: preferred in LANG."""
    terms = heads.get(cid, {}).get(lang, [])
    return [t for t in terms if t["status"] == "preferred"] or [
        t for t in terms if t["status"] == "admitted"
    ]


def _found(m, heads: dict, lang: str) -> dict:
    """What is shown of the concept of match M: its term, status and equivalents."""
    return {
        "id": m.concept_id,
        "term": m.term,
        "status": m.status,
        "equivalents": _equivalents(heads, m.concept_id, lang),
        "instead": _instead(heads, m.concept_id, lang) if m.status in BAD else [],
    }


def marked_text(text: str, matches: list, heads: dict, lang: str) -> list[dict]:
    """Split TEXT into plain pieces and marked terms (with what to show beside them)."""
    groups: dict[tuple[int, int], list] = {}
    for m in matches:
        groups.setdefault((m.start, m.end), []).append(m)
    pieces: list[dict] = []
    pos = 0
    for n, ((start, end), group) in enumerate(sorted(groups.items())):
        if start > pos:
            pieces.append({"text": text[pos:start]})
        first = group[0]
        pieces.append(
            {
                "text": text[start:end],
                "n": n,
                "concept_id": first.concept_id,
                "bad": first.status in BAD,
                "concepts": [_found(m, heads, lang) | {"how": m.how} for m in group],
            }
        )
        pos = end
    if pos < len(text):
        pieces.append({"text": text[pos:]})
    return pieces


def found_concepts(matches: list, heads: dict, lang: str) -> list[dict]:
    """The concepts found, in order of first appearance, with counts and terms."""
    seen: dict[int, dict] = {}
    for m in matches:
        item = seen.get(m.concept_id)
        if item is None:
            item = seen[m.concept_id] = _found(m, heads, lang) | {"count": 0}
        item["count"] += 1
    return list(seen.values())


@bp.post("/check")
def check_text():
    """Mark the glossary's terms in the text sent, with their equivalents."""
    text, problems = _form_text()
    if problems:
        return _form_page(problems, 400)
    db = get_db()
    asked = _language("lang")
    lang, matches = textcheck.find_terms(
        db, current_app.config["DATABASE"], text, asked
    )
    heads = textcheck.equivalents(db, [m.concept_id for m in matches])
    found = found_concepts(matches, heads, lang)
    return render_template(
        "check/result.html",
        text=text,
        lang=lang,
        detected=asked is None,
        pieces=marked_text(text, matches, heads, lang),
        found=found,
        occurrences=len({(m.start, m.end) for m in matches}),
        ids=" ".join(str(c["id"]) for c in found),
    )


def _two_columns(pasted: str) -> tuple[str, str, list[str]]:
    """Split a two-column paste (source TAB translation per line) into two texts."""
    sources, targets = [], []
    for n, line in enumerate(pasted.splitlines(), 1):
        if not line.strip():
            continue
        if "\t" not in line:
            return (
                "",
                "",
                [
                    gettext(
                        "Line %(n)s of the two columns has no tab between the source "
                        "and the translation.",
                        n=n,
                    )
                ],
            )
        source, target = line.split("\t", 1)
        sources.append(source)
        targets.append(target.replace("\t", " "))
    return "\n".join(sources), "\n".join(targets), []


@bp.post("/check/qa")
def check_translation():
    """Check a translation against the glossary: missing and deprecated terms."""
    pasted = request.form.get("columns", "")
    if pasted.strip():
        source, target, problems = _two_columns(pasted)
    else:
        source = request.form.get("source", "")
        target = request.form.get("target", "")
        problems = []
        if not source.strip() or not target.strip():
            problems = [gettext("Give both the source text and its translation.")]
    if not problems and (
        textcheck.text_too_long(source) or textcheck.text_too_long(target)
    ):
        problems = [str(UPLOAD_PROBLEMS["too_long"])]
    source_lang, target_lang = _language("source_lang"), _language("target_lang")
    if not problems and source_lang and source_lang == target_lang:
        problems = [gettext("Choose two different languages.")]
    if problems:
        return _form_page(problems, 400, qa=True)
    db = get_db()
    result = textcheck.translation_qa(
        db, current_app.config["DATABASE"], source, source_lang, target, target_lang
    )
    ids = [m.concept_id for m in result["source_matches"] + result["target_matches"]]
    heads = textcheck.equivalents(db, ids)
    return render_template(
        "check/qa.html",
        source=source,
        target=target,
        source_lang=result["source_lang"],
        target_lang=result["target_lang"],
        findings=result["findings"],
        kind_labels=KIND_LABELS,
        aligned=textcheck.aligned_lines(source, target) is not None,
        line_of=textcheck.line_number,
        source_pieces=marked_text(
            source, result["source_matches"], heads, result["source_lang"]
        ),
        target_pieces=marked_text(
            target, result["target_matches"], heads, result["target_lang"]
        ),
    )


def _ids() -> list[int]:
    raw = request.values.get("ids", "")
    return [int(i) for i in _IDS.findall(raw)]


@bp.route("/check/glossary.<ext>", methods=["GET", "POST"])
def job_glossary(ext: str):
    """Download the concepts found in a text as CSV or TBX (the job's glossary)."""
    if ext not in ("csv", "tbx"):
        return render_template("errors/404.html"), 404
    ids = _ids()
    media = {
        "csv": "text/csv; charset=utf-8",
        "tbx": "application/x-tbx+xml; charset=utf-8",
    }[ext]
    chunks = textcheck.job_glossary(get_db(), ids, ext)
    return Response(
        "".join(chunks),
        mimetype=media.split(";")[0],
        content_type=media,
        headers={"Content-Disposition": f'attachment; filename="job-glossary.{ext}"'},
    )
