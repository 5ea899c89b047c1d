"""The review workflow in pages: proposing, my proposals, the review queue,
decisions, notes, history with reverts, and requests for missing terms."""

from __future__ import annotations

import difflib
import re

from flask import (
    Blueprint,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from .. import concepts, proposals, ratelimit, term_requests
from ..auth import login_required, reviewer_required
from ..db import get_db
from ..lookup import current_lookup
from ..model import DOMAIN_KEYS, LANGS, PARTS_OF_SPEECH, STATUSES
from ..problems import Problem
from . import diffs, display
from .auth import client_ip
from .messages import page_messages
from .pages import POS_LABELS, STATUS_LABELS, domain_name

bp = Blueprint("review", __name__)

KIND_LABELS = {
    "new_concept": _l("new concept"),
    "new_term": _l("new term"),
    "change": _l("change"),
    "note": _l("note"),
}
DECISION_LABELS = {
    "pending": _l("pending"),
    "approved": _l("approved"),
    "rejected": _l("rejected"),
}
WHAT_LABELS = {
    "domain": _l("domain"),
    "term": _l("term"),
    "definition": _l("definition"),
    "note": _l("note"),
    "related": _l("see also"),
}
REQUEST_LABELS = {
    "open": _l("open"),
    "done": _l("done"),
    "declined": _l("declined"),
}
REQUESTS_PER_IP = 5
REQUEST_WINDOW = 60 * 60


_URL = re.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]]")


def linkify(text: str) -> Markup:
    """Escape TEXT and make its http(s) links clickable (nofollow, ugc)."""
    parts, last = [], 0
    for match in _URL.finditer(text or ""):
        parts.append(escape(text[last : match.start()]))
        parts.append(display.link_url(match.group()))
        last = match.end()
    parts.append(escape((text or "")[last:]))
    return Markup("").join(parts)


def _tokens(value: str, what: str) -> list[str]:
    """Split one side of a diff row into the pieces a reviewer compares."""
    if what == "term":
        return value.split(" · ")
    text, source = value, ""
    if what == "definition" and " · source: " in value:
        text, _sep, source = value.rpartition(" · source: ")
    author = ""
    if what == "note" and " — " in value:
        text, _sep, author = value.rpartition(" — ")
    tokens = re.findall(r"\S+|\s+", text)
    if source:
        tokens += [" · ", "source: " + source]
    if author:
        tokens += [" — ", "author: " + author]
    return tokens


def _render_token(token: str, what: str) -> Markup:
    """Show one diff piece in the interface language (labels, linked sources)."""
    if token.startswith("source: "):
        return Markup("{0} {1}").format(_("Source:"), linkify(token[len("source: ") :]))
    if token.startswith("author: "):
        author = token[len("author: ") :]
        term = ""
        if author.endswith(")") and " (" in author:
            author, _sep, term = author.partition(" (")
            term = " (" + term
        return escape(display.author_name(author) + term)
    if what == "term" and token in STATUS_LABELS:
        return escape(STATUS_LABELS[token])
    if what == "term" and token in POS_LABELS:
        return escape(POS_LABELS[token])
    if what != "term":
        return (
            linkify(token)
            if token.startswith(("http://", "https://"))
            else (escape(token))
        )
    return escape(token)


def diff_value(value: str, what: str) -> Markup:
    """Show one side of a diff row in the interface language (labels, not keys).

    The rows are built by the data layer in English ("text · preferred ·
    source: URL", "note — author"): known parts become translated labels, the
    stored text is kept, and source addresses become links shown as IRIs.
    """
    if what == "domain":
        return escape(domain_name(concepts.domain(get_db(), value)) or value)
    joiner = Markup(" · ") if what == "term" else Markup("")
    return joiner.join(_render_token(t, what) for t in _tokens(value, what))


def diff_sides(row: dict) -> tuple[Markup, Markup]:
    """Return both sides of a changed diff row with only the changed pieces marked.

    Terms are compared part by part (text, status, part of speech, usage,
    source), definitions and notes word by word: what stays is plain text,
    what goes is in <del>, what comes is in <ins>.
    """
    what = row["what"]
    if what == "domain" or not row["before"] or not row["after"]:
        before = diff_value(row["before"], what) if row["before"] else Markup("")
        after = diff_value(row["after"], what) if row["after"] else Markup("")
        return (
            Markup("<del>{0}</del>").format(before) if before else before,
            Markup("<ins>{0}</ins>").format(after) if after else after,
        )
    old, new = _tokens(row["before"], what), _tokens(row["after"], what)
    joiner = Markup(" · ") if what == "term" else Markup("")
    left: list[Markup] = []
    right: list[Markup] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        a = [_render_token(t, what) for t in old[i1:i2]]
        b = [_render_token(t, what) for t in new[j1:j2]]
        if op == "equal":
            left += a
            right += b
            continue
        if a:
            left.append(Markup("<del>{0}</del>").format(joiner.join(a)))
        if b:
            right.append(Markup("<ins>{0}</ins>").format(joiner.join(b)))
    return joiner.join(left), joiner.join(right)


def _sources(text: str) -> Markup:
    """Return source TEXT with its http(s) addresses linked and shown decoded."""
    return linkify(text)


def init_app(app) -> None:
    """Expose the workflow's labels and the linkify filter to templates."""
    app.add_template_filter(linkify, "linkify")
    app.add_template_filter(diff_value, "diff_value")
    app.add_template_filter(diff_sides, "diff_sides")

    @app.context_processor
    def review_labels() -> dict:
        return {
            "KIND_LABELS": KIND_LABELS,
            "DECISION_LABELS": DECISION_LABELS,
            "WHAT_LABELS": WHAT_LABELS,
            "REQUEST_LABELS": REQUEST_LABELS,
            "STATUSES": STATUSES,
            "PARTS_OF_SPEECH": PARTS_OF_SPEECH,
            "DOMAIN_KEYS": DOMAIN_KEYS,
        }


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def form_to_data(kind: str, form, concept_id: int | None = None, full=False) -> dict:
    """Turn a proposal form into the API's proposal shape (the raw submission).

    With FULL, every editable field is present (empty when cleared), as a
    reviewer's edit needs.
    """
    data: dict = {"kind": kind}
    if concept_id is not None:
        data["concept_id"] = concept_id

    def put(key: str, value) -> None:
        if value or full:
            data[key] = value

    if kind == "new_concept":
        put("domain", form.get("domain", ""))
        data["terms"] = {
            lang: _lines(form.get(f"terms_{lang}", ""))
            for lang in LANGS
            if _lines(form.get(f"terms_{lang}", ""))
        }
        definition = {
            lang: form.get(f"definition_{lang}", "").strip()
            for lang in LANGS
            if form.get(f"definition_{lang}", "").strip()
        }
        put("definition", definition)
    elif kind == "change" and form.get("definition_lang"):
        lang = form.get("definition_lang", "")
        data["definition"] = {lang: form.get("definition_text", "")}
    elif kind in ("change", "note") and form.get("term"):
        data["term"] = form.get("term", "")
    fields = proposals.text_fields(kind, definition=bool(form.get("definition_lang")))
    for key in fields:
        put(key, form.get(key, "").strip())
    return data


def _keep_term_details(original: dict, edited: dict) -> dict:
    """Keep statuses and parts of speech of new-concept terms a reviewer kept."""
    if original.get("kind") != "new_concept" or not isinstance(
        original.get("terms"), dict
    ):
        return edited
    for lang, texts in edited.get("terms", {}).items():
        old = {
            (item["text"] if isinstance(item, dict) else item).strip(): item
            for item in original["terms"].get(lang, [])
            if isinstance(item, dict | str)
        }
        edited["terms"][lang] = [old.get(t, t) for t in texts]
    return edited


# --- proposing -------------------------------------------------------------


@bp.route("/propose", methods=["GET", "POST"])
@login_required
def propose_concept():
    """Propose a new concept; first show existing entries it might duplicate."""
    db = get_db()
    errors: list[str] = []
    similar: list[dict] = []
    form = request.form
    if request.method == "POST":
        data = form_to_data("new_concept", form)
        try:
            proposals.build(db, data, g.user["username"])
        except proposals.ProposalError as exc:
            errors = exc.problems
        else:
            texts = [t for lang in LANGS for t in _lines(form.get(f"terms_{lang}"))]
            similar = proposals.similar(db, current_lookup(), texts)
            if not similar or form.get("confirm") == "1":
                proposal = proposals.submit(db, data, g.user)
                flash(_("Proposal %(id)d was sent for review.", id=proposal["id"]))
                return redirect(url_for("review.my_proposals"))
    else:
        form = request.args
    return (
        render_template(
            "review/propose_concept.html",
            form=form,
            errors=errors,
            similar=similar,
            domains=concepts.list_domains(db),
        ),
        400 if errors else 200,
    )


FORMS = ("new_term", "change_term", "change_definition", "note")


@bp.route("/concepts/<int:concept_id>/propose", methods=["GET", "POST"])
@login_required
def propose_change(concept_id: int):
    """Propose a new term, a change to a term or definition, or a note."""
    db = get_db()
    view = concepts.concept_view(db, concept_id)  # NotFound: a 404 page
    errors: list[str] = []
    which = request.form.get("form", "")
    if request.method == "POST":
        if which not in FORMS:
            abort(400)
        kind = {"change_term": "change", "change_definition": "change"}.get(
            which, which
        )
        data = form_to_data(kind, request.form, concept_id)
        try:
            proposal = proposals.submit(db, data, g.user)
        except proposals.ProposalError as exc:
            errors = exc.problems
        else:
            flash(_("Proposal %(id)d was sent for review.", id=proposal["id"]))
            return redirect(url_for("review.my_proposals"))
    return (
        render_template(
            "review/propose_change.html",
            c=view,
            errors=errors,
            which=which,
            form=request.form,
        ),
        400 if errors else 200,
    )


@bp.get("/my/proposals")
@login_required
def my_proposals():
    """List the signed-in user's proposals with status, reason and result."""
    return render_template(
        "review/my_proposals.html",
        items=proposals.list_proposals(
            get_db(), author_id=g.user["id"], newest_first=True, limit=1000
        ),
    )


# --- reviewing -------------------------------------------------------------


def _arg(name: str, allowed) -> str | None:
    value = request.args.get(name)
    return value if value in allowed else None


@bp.get("/review")
@reviewer_required
def queue():
    """List pending proposals, oldest first, filtered by language, domain, kind."""
    db = get_db()
    filters = {
        "lang": _arg("in", LANGS),
        "domain": _arg("domain", DOMAIN_KEYS),
        "kind": _arg("kind", proposals.KINDS),
    }
    items = proposals.list_proposals(db, status="pending", **filters)
    heads = concepts.headwords(db, [p["concept_id"] for p in items if p["concept_id"]])
    return render_template(
        "review/queue.html",
        items=items,
        heads=heads,
        filters=filters,
        domains=concepts.list_domains(db),
    )


def _proposal_or_404(proposal_id: int) -> dict:
    proposal = proposals.get_proposal(get_db(), proposal_id)
    if not (g.user["is_reviewer"] or proposal["author_id"] == g.user["id"]):
        abort(403)
    return proposal


def _render_proposal(proposal: dict, errors=(), status: int = 200, form=None):
    db = get_db()
    shown = proposals.preview(db, proposal) if proposal["status"] == "pending" else None
    if shown is None:
        shown = {"before": None, "after": None, "error": None, "problems": []}
    similar = []
    if proposal["kind"] == "new_concept" and proposal["status"] == "pending":
        data = proposal["submitted"]
        texts = [
            item["text"] if isinstance(item, dict) else item
            for items in (data.get("terms") or {}).values()
            if isinstance(items, list)
            for item in items
            if isinstance(item, dict | str)
        ]
        similar = proposals.similar(db, current_lookup(), texts)
    data = proposal["applied"] or proposal["submitted"]
    return (
        render_template(
            "review/proposal.html",
            p=proposal,
            rows=diffs.diff(shown["before"], shown["after"]),
            preview_error=shown["problems"],
            similar=similar,
            errors=list(errors),
            data=data,
            form=form,
            domains=concepts.list_domains(db),
            current=shown["before"],
        ),
        status,
    )


@bp.get("/proposals/<int:proposal_id>")
@login_required
def proposal(proposal_id: int):
    """Show one proposal as a side-by-side diff; reviewers decide here."""
    return _render_proposal(_proposal_or_404(proposal_id))


@bp.post("/proposals/<int:proposal_id>/approve")
@reviewer_required
def approve(proposal_id: int):
    """Approve a proposal, optionally with the reviewer's edits."""
    db = get_db()
    proposal = _proposal_or_404(proposal_id)
    edits = None
    if request.form.get("edited") == "1":
        kind = proposal["kind"]
        edits = form_to_data(kind, request.form, proposal["concept_id"], full=True)
        edits = _keep_term_details(proposal["submitted"], edits)
        # The kind and the target (entry, term) stay as the translator chose.
        for key in ("kind", "concept_id", "term"):
            edits.pop(key, None)
    try:
        decided = proposals.approve(
            db, proposal_id, g.user, edits, reason=request.form.get("reason", "")
        )
    except proposals.Conflict as exc:
        return _render_conflict(proposal_id, exc)
    except proposals.ProposalError as exc:
        return _render_proposal(proposal, exc.problems, 400, request.form)
    except concepts.NotFound:
        return _render_proposal(proposal, [Problem("entry_of_proposal_gone")], 409)
    flash(_("Proposal %(id)d approved and published.", id=proposal_id))
    target = decided["result_url"] or url_for("review.queue")
    return redirect(target)


def _render_conflict(proposal_id: int, exc: Exception):
    proposal = proposals.get_proposal(get_db(), proposal_id)
    message = _(
        "Another reviewer decided this proposal first: it is %(status)s by "
        "%(reviewer)s. Your decision was not recorded.",
        status=DECISION_LABELS.get(proposal["status"], proposal["status"]),
        reviewer=proposal["reviewer"] or "?",
    )
    return _render_proposal(proposal, [message], 409)


@bp.post("/proposals/<int:proposal_id>/reject")
@reviewer_required
def reject(proposal_id: int):
    """Reject a proposal; a reason is required."""
    proposal = _proposal_or_404(proposal_id)
    try:
        proposals.reject(get_db(), proposal_id, g.user, request.form.get("reason", ""))
    except proposals.Conflict as exc:
        return _render_conflict(proposal_id, exc)
    except proposals.ProposalError:
        return _render_proposal(
            proposal,
            [_("Say why the proposal is rejected: a reason is required.")],
            400,
        )
    flash(_("Proposal %(id)d rejected.", id=proposal_id))
    return redirect(url_for("review.queue"))


# --- notes ----------------------------------------------------------------


@bp.post("/concepts/<int:concept_id>/notes")
@login_required
def add_note(concept_id: int):
    """Add a signed-in user's note to the concept or one of its terms."""
    db = get_db()
    concepts.load_record(db, concept_id)  # NotFound: a 404 page
    try:
        proposals.add_note(
            db,
            concept_id,
            g.user,
            request.form.get("text", ""),
            lang=request.form.get("lang") or None,
            term=request.form.get("term") or None,
        )
    except proposals.ProposalError as exc:
        flash(
            _(
                "The note was not added: %(why)s",
                why=" ".join(page_messages(exc.problems)),
            ),
            "error",
        )
        return redirect(url_for("pages.concept", concept_id=concept_id) + "#add-note")
    flash(_("Your note was added."))
    return redirect(url_for("pages.concept", concept_id=concept_id) + "#notes")


@bp.post("/notes/<int:note_id>/hide")
@reviewer_required
def hide_note(note_id: int):
    """Hide a note from the public, with a reason."""
    try:
        concept_id = proposals.hide_note(
            get_db(), note_id, g.user, request.form.get("reason", "")
        )
    except concepts.NotFound:
        abort(404)
    except proposals.ProposalError:
        flash(_("Say why the note is hidden: a reason is required."), "error")
        return redirect(request.referrer or url_for("pages.home"))
    flash(_("The note is hidden."))
    return redirect(url_for("pages.concept", concept_id=concept_id))


# --- history --------------------------------------------------------------


@bp.get("/concepts/<int:concept_id>/history")
def history(concept_id: int):
    """Show every change of a concept, and the proposals decided on it."""
    db = get_db()
    view = concepts.concept_view(db, concept_id)  # NotFound: a 404 page
    decided = [
        p
        for p in proposals.list_proposals(db, concept_id=concept_id, newest_first=True)
        if p["status"] == "rejected"
    ]
    reviewer = g.user is not None and g.user["is_reviewer"]
    return render_template(
        "review/history.html",
        c=view,
        entries=[
            {**e, "diff": diffs.diff(e["before"], e["after"])}
            for e in proposals.history_entries(db, concept_id)
        ],
        rejected=decided,
        hidden=proposals.hidden_notes(db, concept_id) if reviewer else [],
    )


@bp.post("/history/<int:history_id>/revert")
@reviewer_required
def revert(history_id: int):
    """Restore the entry as it was before one change."""
    db = get_db()
    try:
        concept_id = proposals.revert(
            db, history_id, g.user, request.form.get("reason", "")
        )
    except concepts.NotFound:
        abort(404)
    except proposals.ProposalError:
        flash(_("Say why the change is reverted: a reason is required."), "error")
        return redirect(request.referrer or url_for("pages.home"))
    except proposals.Conflict as exc:
        flash(" ".join(page_messages(exc.problems)), "error")
        return redirect(request.referrer or url_for("pages.home"))
    flash(_("The change was reverted."))
    return redirect(url_for("review.history", concept_id=concept_id))


# --- requests for missing terms ---------------------------------------------


@bp.route("/request", methods=["GET", "POST"])
def request_term():
    """Let anyone ask for a missing term (rate-limited; a honeypot stops bots)."""
    db = get_db()
    error = None
    status = 200
    form = request.form if request.method == "POST" else request.args
    if request.method == "POST":
        # Bots fill every field; people never see this one.
        if request.form.get("website"):
            flash(_("Thank you: your request was received."))
            return redirect(url_for("pages.home"))
        if not ratelimit.allow(
            db, f"request:{client_ip()}", REQUESTS_PER_IP, REQUEST_WINDOW
        ):
            error = _("Too many requests from this address. Try again in an hour.")
            status = 429
        else:
            try:
                term_requests.create_request(
                    db,
                    request.form.get("text", ""),
                    request.form.get("lang", ""),
                    domain=request.form.get("domain", ""),
                    context=request.form.get("context", ""),
                    contact=request.form.get("contact", ""),
                )
            except term_requests.RequestError as exc:
                error = " ".join(page_messages(exc.problems))
                status = 400
            else:
                flash(_("Thank you: your request was received."))
                return redirect(url_for("pages.home"))
    return (
        render_template(
            "review/request.html",
            form=form,
            error=error,
            domains=concepts.list_domains(db),
        ),
        status,
    )


@bp.get("/requests")
@login_required
def requests_worklist():
    """List open requests for missing terms (for translators and reviewers)."""
    return render_template(
        "review/requests.html", items=term_requests.list_requests(get_db())
    )


@bp.post("/requests/<int:request_id>/close")
@reviewer_required
def close_request(request_id: int):
    """Mark a request done or declined."""
    db = get_db()
    if term_requests.get_request(db, request_id) is None:
        abort(404)
    try:
        term_requests.close_request(
            db,
            request_id,
            request.form.get("status", ""),
            g.user["username"],
            request.form.get("answer", ""),
        )
    except term_requests.RequestError as exc:
        flash(" ".join(page_messages(exc.problems)), "error")
    return redirect(url_for("review.requests_worklist"))
