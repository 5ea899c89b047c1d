"""The review workflow in the JSON API: proposals, decisions and concept history.

Writes authenticate with a personal token (`Authorization: Bearer TOKEN`, made
by `flask create-token`); no cookie is accepted, so no CSRF token is needed.
"""

from __future__ import annotations

from flask import jsonify, request

from .. import concepts, proposals
from ..auth import bearer_user
from ..db import get_db
from ..model import DOMAIN_KEYS, LANGS
from ..problems import Problem, not_found
from .api import ApiError, _choice, bp, json_body
from .openapi_review import LIST_PARAMETERS, kind_schema, proposal_body_validator


def _require_user() -> dict:
    user = bearer_user()
    if user is None:
        raise ApiError(Problem("token_required"), 401)
    return user


def _require_reviewer() -> dict:
    user = _require_user()
    if not user["is_reviewer"]:
        raise ApiError(Problem("reviewers_only"), 403)
    return user


def _json_body(required: bool = True) -> dict:
    return json_body(required=required)


def _proposal(proposal_id: int) -> proposals.Proposal:
    try:
        return proposals.get_proposal(get_db(), proposal_id)
    except concepts.NotFound:
        raise ApiError(not_found("proposal", proposal_id), 404) from None


@bp.after_request
def _www_authenticate(response):
    if response.status_code == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="glossary"'
    return response


_VALIDATOR: list = []  # the published proposal schema's validator, made on first use


def _schema_problem(data: dict) -> Problem | None:
    """Say where DATA breaks the published proposal schema, or None.

    The data layer reads some values leniently (null as absent, a digit string
    as an id, any false value as no definition); the API keeps to its OpenAPI
    document, so a body the document refuses is refused here too.
    """
    if not _VALIDATOR:
        _VALIDATOR.append(proposal_body_validator())
    error = next(iter(_VALIDATOR[0].iter_errors(data)), None)
    if error is None:
        return None
    kind = data.get("kind")
    if kind in proposals.KINDS:
        # Name the field within the body schema of its own kind.
        error = next(iter(_kind_validator(kind).iter_errors(data)), error)
    where = ".".join(str(p) for p in error.absolute_path) or "body"
    return Problem("body_schema", where, {"field": where, "kind": str(kind)})


def _kind_validator(kind: str):
    from jsonschema import Draft202012Validator

    return Draft202012Validator(kind_schema(kind))


@bp.post("/proposals")
def create_proposal():
    """Submit a proposal (new_concept, new_term, change or note)."""
    user = _require_user()
    data = _json_body()
    cid = data.get("concept_id")
    if isinstance(cid, float) and cid.is_integer():
        # JSON Schema's integer includes 12.0; it names concept 12.
        data["concept_id"] = int(cid)
    try:
        # The data layer's own reasons first (they say more), then the schema's.
        proposals.build(get_db(), data, user["username"])
        problem = _schema_problem(data)
        if problem is not None:
            raise ApiError(problem)
        proposal = proposals.submit(get_db(), data, user)
    except proposals.ProposalError as exc:
        raise ApiError(exc.problems, 400) from None
    except concepts.NotFound:
        raise ApiError(
            not_found("concept", data.get("concept_id"), "concept_id"), 404
        ) from None
    response = jsonify(
        {"ok": True, "proposal": {"id": proposal["id"], "status": proposal["status"]}}
    )
    response.status_code = 201
    response.headers["Location"] = f"/api/v1/proposals/{proposal['id']}"
    return response


@bp.get("/proposals")
def list_proposals():
    """List proposals: reviewers see all, translators their own."""
    user = _require_user()
    unknown = sorted(set(request.args) - set(LIST_PARAMETERS))
    if unknown:
        raise ApiError(
            Problem(
                "param_unknown",
                unknown[0],
                {"name": unknown[0], "allowed": LIST_PARAMETERS},
            )
        )
    status = _choice("status", proposals.DECISIONS)
    found = proposals.list_proposals(
        get_db(),
        status=status,
        author_id=None if user["is_reviewer"] else user["id"],
        lang=_choice("lang", LANGS),
        domain=_choice("domain", DOMAIN_KEYS),
        kind=_choice("kind", proposals.KINDS),
        limit=1000,
    )
    return jsonify({"ok": True, "proposals": found})


@bp.get("/proposals/<int:proposal_id>")
def get_proposal(proposal_id: int):
    """Return one proposal (its author's or, for reviewers, any)."""
    user = _require_user()
    proposal = _proposal(proposal_id)
    if not user["is_reviewer"] and proposal["author_id"] != user["id"]:
        raise ApiError(Problem("not_yours"), 403)
    return jsonify({"ok": True, "proposal": proposal})


@bp.post("/proposals/<int:proposal_id>/approve")
def approve_proposal(proposal_id: int):
    """Approve a pending proposal, optionally with edited fields; apply it."""
    user = _require_reviewer()
    body = _json_body(required=False)
    _proposal(proposal_id)
    reason = body.pop("reason", "")
    if not isinstance(reason, str):
        raise ApiError(Problem("not_text", "reason", {"name": "reason"}))
    try:
        decided = proposals.approve(get_db(), proposal_id, user, body or None, reason)
    except proposals.Conflict as exc:
        raise ApiError(exc.problems, 409) from None
    except proposals.ProposalError as exc:
        raise ApiError(exc.problems, 400) from None
    except concepts.NotFound:
        raise ApiError(Problem("entry_of_proposal_gone"), 409) from None
    return jsonify({"ok": True, "proposal": decided})


@bp.post("/proposals/<int:proposal_id>/reject")
def reject_proposal(proposal_id: int):
    """Reject a pending proposal; {"reason": "…"} is required."""
    user = _require_reviewer()
    body = _json_body()
    _proposal(proposal_id)
    try:
        decided = proposals.reject(get_db(), proposal_id, user, body.get("reason"))
    except proposals.Conflict as exc:
        raise ApiError(exc.problems, 409) from None
    except proposals.ProposalError as exc:
        raise ApiError(exc.problems, 400) from None
    return jsonify({"ok": True, "proposal": decided})


@bp.get("/concepts/<int:concept_id>/history")
def concept_history(concept_id: int):
    """List a concept's changes, newest first: author, date, proposal, reason."""
    db = get_db()
    try:
        concepts.load_record(db, concept_id)
    except concepts.NotFound:
        raise ApiError(not_found("concept", concept_id), 404) from None
    entries = proposals.history_entries(db, concept_id)
    return jsonify({"ok": True, "history": entries})
