"""Data layer for proposals, their review, notes by users, history and reverts.

A translator's submission is stored raw in `proposals.submitted` and never
rewritten. Approval applies it (or the reviewer's edited version, kept in
`applied`) through `concepts.save_concept`, in the same transaction as the
conditional status change, so exactly one decision counts.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, TypedDict

import sqlite_utils

from . import concepts, history
from .clock import now
from .concepts import NotFound, load_record, save_concept
from .db import in_write_transaction, inserted_id, write_transaction
from .model import (
    DOMAIN_KEYS,
    LANGS,
    MAX_ID,
    MAX_SOURCE,
    MAX_TEXT,
    PARTS_OF_SPEECH,
    STATUSES,
    check_text,
    clean_block,
    clean_line,
    normalise_concept,
    parse_id,
    term_key,
    undo_change,
    validate_concept,
)
from .problems import Problem, ProblemError, not_found, word

if TYPE_CHECKING:
    from .lookup import Lookup

KINDS: tuple[str, ...] = ("new_concept", "new_term", "change", "note")
DECISIONS: tuple[str, ...] = ("pending", "approved", "rejected")
MAX_TERMS_PER_LANG = 10
# What a change to one term may set (the definition change sets only a source).
CHANGE_TERM_FIELDS: tuple[str, ...] = ("text", "status", "pos", "source")
CHANGE_DEFINITION_FIELDS: tuple[str, ...] = ("source",)
# The fields each kind accepts; anything else is an error, not silently dropped.
FIELDS: dict[str, frozenset[str]] = {
    "new_concept": frozenset(
        {"kind", "domain", "terms", "definition", "source", "comment"}
        | {"note", "note_lang"}  # a first note, and its language
    ),
    "new_term": frozenset(
        {"kind", "concept_id", "lang", *CHANGE_TERM_FIELDS, "usage", "note", "comment"}
    ),
    "change": frozenset(
        {"kind", "concept_id", "term", *CHANGE_TERM_FIELDS, "definition", "comment"}
    ),
    "note": frozenset({"kind", "concept_id", "text", "lang", "term", "comment"}),
}
# Fields a form does not send as one plain text box: it builds them itself.
STRUCTURED: frozenset[str] = frozenset(
    {"kind", "concept_id", "domain", "terms", "definition", "term", "note_lang"}
)
# The order plain fields are listed in (forms, documentation).
FIELD_ORDER: tuple[str, ...] = (
    "lang",
    "text",
    "status",
    "pos",
    "usage",
    "source",
    "note",
    "comment",
)


def text_fields(kind: str, *, definition: bool = False) -> list[str]:
    """Return the plain text fields of a KIND proposal, in FIELD_ORDER.

    With DEFINITION, a change to a definition (not to a term) is meant.
    """
    fields: set[str] = set(FIELDS[kind] - STRUCTURED)
    if kind == "change":
        fields = {"comment"} | set(
            CHANGE_DEFINITION_FIELDS if definition else CHANGE_TERM_FIELDS
        )
    return [f for f in FIELD_ORDER if f in fields]


# What a reviewer may edit before approving (never the kind or the target).
EDITABLE: dict[str, frozenset[str]] = {
    kind: fields - {"kind", "concept_id", "term"} for kind, fields in FIELDS.items()
}


class ProposalError(ProblemError):
    """A proposal or a reviewer's edit that cannot be accepted; lists each problem."""


class Conflict(ProblemError):
    """The proposal was decided already, or no longer applies to the entry."""


# --- validating and applying ----------------------------------------------


def _text(data: dict, key: str, problems: list[Problem], *, block: bool = False) -> str:
    value = data.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        problems.append(Problem("not_text", key, {"name": key}))
        return ""
    return clean_block(value) if block else clean_line(value)


def _concept_id(data: dict, problems: list[Problem]) -> int | None:
    value = parse_id(data.get("concept_id"))
    if value is None:
        problems.append(Problem("concept_id_invalid", "concept_id", {"max": MAX_ID}))
    return value


def _check_limits(
    problems: list[Problem], field: str, what: Problem, value: str, limit: int
) -> None:
    if len(value) > limit:
        problems.append(
            Problem(
                "too_long", field, {"what": what, "length": len(value), "limit": limit}
            )
        )


def _guess_lang(text: str) -> str:
    """Return the likely language of a free-text note: kk, ru or en."""
    if any(c in "әғқңөұүһіӘҒҚҢӨҰҮҺІ" for c in text):
        return "kk"
    if any("\u0400" <= c <= "\u04ff" for c in text):
        return "ru"
    return "en"


def _new_terms(data: dict, source: str, problems: list[Problem]) -> list[dict]:
    """Return the terms of a new-concept proposal ({lang: [text or {…}]})."""
    terms_in = data.get("terms")
    if not isinstance(terms_in, dict) or not terms_in:
        problems.append(Problem("terms_not_object", "terms"))
        return []
    terms: list[dict] = []
    for lang, items in terms_in.items():
        if lang not in LANGS:
            problems.append(Problem("unknown_language", "terms", {"value": lang}))
            continue
        if isinstance(items, str):
            items = [items]
        if not isinstance(items, list):
            problems.append(Problem("terms_not_list", "terms", {"lang": lang}))
            continue
        if len(items) > MAX_TERMS_PER_LANG:
            problems.append(
                Problem(
                    "too_many_terms",
                    "terms",
                    {"limit": MAX_TERMS_PER_LANG, "lang": lang},
                )
            )
            continue
        for i, item in enumerate(items):
            term = _new_term(lang, i, item, source, problems)
            if term is not None:
                terms.append(term)
    return terms


def _new_term(
    lang: str, i: int, item: object, source: str, problems: list[Problem]
) -> dict | None:
    """Return the I-th LANG term of a new concept, or None (an empty row, a problem)."""
    if isinstance(item, str):
        item = {"text": item}
    if not isinstance(item, dict) or not isinstance(item.get("text"), str):
        problems.append(Problem("term_not_text", "terms", {"lang": lang, "i": i}))
        return None
    unknown = set(item) - {"text", "status", "pos", "usage"}
    if unknown:
        problems.append(
            Problem(
                "term_unknown_fields",
                "terms",
                {"lang": lang, "i": i, "fields": str(sorted(unknown))},
            )
        )
    wrong = [
        k
        for k in ("status", "pos", "usage")
        if item.get(k) is not None and not isinstance(item[k], str)
    ]
    for k in wrong:
        problems.append(
            Problem("not_text", "terms", {"name": f"terms.{lang}[{i}].{k}"})
        )
    if wrong:
        return None
    if not clean_line(item["text"]):
        return None  # empty form rows are no terms
    return {
        "lang": lang,
        "text": item["text"],
        "status": item.get("status") or ("preferred" if i == 0 else "admitted"),
        "pos": item.get("pos") or "",
        "usage": item.get("usage") or "",
        "source": source,
    }


def _new_definitions(data: dict, source: str, problems: list[Problem]) -> dict:
    definitions = {}
    definition = data.get("definition") or {}
    if not isinstance(definition, dict):
        problems.append(Problem("definition_not_object", "definition"))
        definition = {}
    for lang, text in definition.items():
        if lang not in LANGS or not isinstance(text, str):
            problems.append(
                Problem("definition_bad_language", "definition", {"lang": lang})
            )
            continue
        if clean_block(text):
            definitions[lang] = {"text": text, "source": source}
    return definitions


def _new_concept_record(data: dict, author: str, problems: list[Problem]) -> dict:
    domain = _text(data, "domain", problems) or "general"
    if domain not in DOMAIN_KEYS:
        problems.append(
            Problem(
                "unknown_domain", "domain", {"value": domain, "allowed": DOMAIN_KEYS}
            )
        )
    source = _text(data, "source", problems)
    terms = _new_terms(data, source, problems)
    if not terms:
        problems.append(Problem("new_concept_without_terms", "terms"))
    if not source:
        problems.append(Problem("source_required", "source"))
    definitions = _new_definitions(data, source, problems)
    notes = []
    note = _text(data, "note", problems, block=True)
    if note:
        lang = _text(data, "note_lang", problems) or _guess_lang(note)
        notes.append(
            {"text": note, "lang": lang, "author": author, "date": None, "term": None}
        )
    return {
        "id": None,
        "domain": domain,
        "terms": terms,
        "definitions": definitions,
        "notes": notes,
        "related": [],
    }


def _find_term(record: dict, key: str) -> dict | None:
    for t in record["terms"]:
        if term_key(t) == key:
            return t
    return None


def _add_term(record: dict, data: dict, author: str, problems: list[Problem]) -> None:
    """Apply a new-term proposal to RECORD."""
    lang = _text(data, "lang", problems)
    if lang not in LANGS:
        problems.append(Problem("unknown_language", "lang", {"value": lang}))
        return
    source = _text(data, "source", problems)
    if not source:
        problems.append(Problem("source_required", "source"))
    has_lang = any(t["lang"] == lang for t in record["terms"])
    term = {
        "lang": lang,
        "text": _text(data, "text", problems),
        "status": _text(data, "status", problems)
        or ("admitted" if has_lang else "preferred"),
        "pos": _text(data, "pos", problems),
        "usage": _text(data, "usage", problems, block=True),
        "source": source,
    }
    if not term["text"]:
        problems.append(Problem("new_term_empty", "text"))
    record["terms"].append(term)
    note = _text(data, "note", problems, block=True)
    if note:
        record["notes"].append(
            {
                "text": note,
                "lang": lang,
                "author": author,
                "date": None,
                "term": term_key(term),
            }
        )


def _change_term(
    record: dict, data: dict, target: str, problems: list[Problem]
) -> None:
    """Apply a change of the term TARGET ("lang:text") to RECORD."""
    term = _find_term(record, target)
    if term is None:
        problems.append(Problem("no_such_term", "term", {"value": target}))
        return
    old_key = term_key(term)
    for field in CHANGE_TERM_FIELDS:
        value = _text(data, field, problems)
        if value:
            term[field] = value
    if "pos" in data and data["pos"] == "":
        term["pos"] = ""
    new_key = term_key(term)
    for n in record["notes"]:
        if n["term"] == old_key:
            n["term"] = new_key


def _change_definitions(
    record: dict, data: dict, definition: object, problems: list[Problem]
) -> None:
    """Apply a change of one or more definitions to RECORD."""
    if not isinstance(definition, dict) or not definition:
        problems.append(Problem("definition_not_object", "definition"))
        return
    source = _text(data, "source", problems)
    for lang, text in definition.items():
        if lang not in LANGS or not isinstance(text, str):
            problems.append(
                Problem("definition_bad_language", "definition", {"lang": lang})
            )
            continue
        if not clean_block(text):
            problems.append(
                Problem("new_definition_empty", "definition", {"lang": lang})
            )
            continue
        old = record["definitions"].get(lang, {})
        record["definitions"][lang] = {
            "text": text,
            "source": source or old.get("source", ""),
        }


def _change(record: dict, data: dict, problems: list[Problem]) -> None:
    """Apply a change proposal (one term, or definitions) to RECORD."""
    target = _text(data, "term", problems)
    definition = data.get("definition")
    if bool(target) == bool(definition):
        problems.append(Problem("change_target", "term"))
    elif target:
        _change_term(record, data, target, problems)
    else:
        _change_definitions(record, data, definition, problems)


def _add_note(record: dict, data: dict, author: str, problems: list[Problem]) -> None:
    """Apply a note proposal to RECORD."""
    text = _text(data, "text", problems, block=True)
    if not text:
        problems.append(Problem("note_text_empty", "text"))
    target = _text(data, "term", problems) or None
    if target and _find_term(record, target) is None:
        problems.append(Problem("no_such_term", "term", {"value": target}))
    lang = _text(data, "lang", problems) or _guess_lang(text)
    record["notes"].append(
        {"text": text, "lang": lang, "author": author, "date": None, "term": target}
    )


def _apply_to_concept(
    current: dict, kind: str, data: dict, author: str, problems: list[Problem]
) -> dict:
    record = json.loads(json.dumps(current))  # a deep copy
    if kind == "new_term":
        _add_term(record, data, author, problems)
    elif kind == "change":
        _change(record, data, problems)
    elif kind == "note":
        _add_note(record, data, author, problems)
    return record


def build(
    db: sqlite_utils.Database, data: dict, author: str
) -> tuple[dict | None, dict]:
    """Return (the entry now or None, the entry once DATA is applied); validate all.

    Raises ProposalError listing every problem, NotFound for a missing entry.
    """
    problems: list[Problem] = []
    if not isinstance(data, dict):
        raise ProposalError(Problem("proposal_not_object"))
    kind = data.get("kind")
    if kind not in KINDS:
        raise ProposalError(Problem("unknown_kind", "kind", {"allowed": KINDS}))
    unknown = set(data) - FIELDS[kind]
    if unknown:
        problems.append(
            Problem("unknown_fields", "", {"kind": kind, "fields": sorted(unknown)})
        )
    comment = _text(data, "comment", problems, block=True)
    _check_limits(problems, "comment", Problem("part_comment"), comment, MAX_TEXT)
    source = _text(data, "source", problems)
    _check_limits(problems, "source", Problem("part_source_field"), source, MAX_SOURCE)
    value = _text(data, "status", problems)
    if value and value not in STATUSES:
        problems.append(
            Problem("status_unknown", "status", {"value": value, "allowed": STATUSES})
        )
    value = _text(data, "pos", problems)
    if value and value not in PARTS_OF_SPEECH:
        problems.append(
            Problem("pos_unknown", "pos", {"value": value, "allowed": PARTS_OF_SPEECH})
        )
    if kind == "new_concept":
        before = None
        after = _new_concept_record(data, author, problems)
    else:
        concept_id = _concept_id(data, problems)
        if concept_id is None:
            raise ProposalError(problems)
        before = load_record(db, concept_id)
        after = _apply_to_concept(before, kind, data, author, problems)
    record = normalise_concept(after)
    problems += validate_concept(record)
    if not problems and before is not None and before == record:
        problems.append(Problem("changes_nothing"))
    if problems:
        raise ProposalError(problems)
    return before, dict(record)


def _langs(data: dict, after: dict, before: dict | None) -> list[str]:
    if data["kind"] == "new_concept":
        return sorted(
            {t["lang"] for t in after["terms"]} | set(after["definitions"]),
            key=LANGS.index,
        )
    if data["kind"] in ("new_term", "note"):
        lang = clean_line(data.get("lang")) or (after["notes"][-1]["lang"])
        return [lang]
    if data.get("term"):
        return [clean_line(data["term"]).split(":")[0]]
    return sorted(data.get("definition") or {}, key=LANGS.index)


# --- submitting and reading ------------------------------------------------


def submit(db: sqlite_utils.Database, data: dict, user: dict) -> Proposal:
    """Validate DATA and store it as a pending proposal by USER; return it."""
    before, after = build(db, data, user["username"])
    with write_transaction(db):
        proposal_id = inserted_id(
            db.table("proposals").insert(
                {
                    "kind": data["kind"],
                    "status": "pending",
                    "author_id": user["id"],
                    "author": user["username"],
                    "concept_id": before["id"] if before else None,
                    "domain": after["domain"],
                    "langs": ",".join(_langs(data, after, before)),
                    "submitted": json.dumps(data, ensure_ascii=False),
                    "created_at": now(),
                }
            )
        )
    return get_proposal(db, proposal_id)


class Proposal(TypedDict):
    """A proposal as the data layer returns it (pages and the API show it)."""

    id: int
    url: str
    kind: str
    status: str
    author: str
    author_id: int | None
    concept_id: int | None
    domain: str
    langs: list[str]
    submitted: dict
    applied: dict | None
    edited: bool
    comment: str
    created_at: str
    decided_at: str | None
    reviewer: str | None
    reason: str
    result_concept_id: int | None
    result_url: str | None


def _row_to_proposal(row: dict) -> Proposal:
    submitted = json.loads(row["submitted"])
    applied = json.loads(row["applied"]) if row["applied"] else None
    result = row["result_concept_id"] or row["concept_id"]
    return {
        "id": row["id"],
        "url": f"/proposals/{row['id']}",
        "kind": row["kind"],
        "status": row["status"],
        "author": row["author"],
        "author_id": row["author_id"],
        "concept_id": row["concept_id"],
        "domain": row["domain"],
        "langs": [x for x in row["langs"].split(",") if x],
        "submitted": submitted,
        "applied": applied,
        "edited": applied is not None and applied != submitted,
        "comment": submitted.get("comment", "") if isinstance(submitted, dict) else "",
        "created_at": row["created_at"],
        "decided_at": row["decided_at"],
        "reviewer": row["reviewer"],
        "reason": row["reason"],
        "result_concept_id": row["result_concept_id"],
        "result_url": f"/concepts/{result}"
        if result and row["status"] == "approved"
        else None,
    }


def get_proposal(db: sqlite_utils.Database, proposal_id: int) -> Proposal:
    """Return one proposal; raise NotFound when there is none with that id."""
    rows = list(db.query("select * from proposals where id = ?", [proposal_id]))
    if not rows:
        raise NotFound(proposal_id, "proposal")
    return _row_to_proposal(rows[0])


def list_proposals(
    db: sqlite_utils.Database,
    *,
    status: str | None = None,
    author_id: int | None = None,
    lang: str | None = None,
    domain: str | None = None,
    kind: str | None = None,
    concept_id: int | None = None,
    newest_first: bool = False,
    limit: int = 200,
) -> list[Proposal]:
    """Return proposals matching the filters, oldest first unless NEWEST_FIRST."""
    where, params = [], []
    for column, value in (
        ("status", status),
        ("author_id", author_id),
        ("domain", domain),
        ("kind", kind),
    ):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    if concept_id is not None:
        where.append("(concept_id = ? or result_concept_id = ?)")
        params += [concept_id, concept_id]
    if lang is not None:
        where.append("(',' || langs || ',') like ?")
        params.append(f"%,{lang},%")
    sql = "select * from proposals"
    if where:
        sql += " where " + " and ".join(where)
    sql += f" order by id {'desc' if newest_first else 'asc'} limit {int(limit)}"
    return [_row_to_proposal(r) for r in db.query(sql, params)]


def count_pending(db: sqlite_utils.Database) -> int:
    """Return how many proposals wait for a decision."""
    return db.table("proposals").count_where("status = 'pending'")


def preview(db: sqlite_utils.Database, proposal: Proposal) -> dict:
    """Return the entry before and after PROPOSAL would apply, or why it cannot."""
    data = proposal["applied"] or proposal["submitted"]
    try:
        before, after = build(db, data, proposal["author"])
    except (ProposalError, NotFound) as exc:
        current = None
        if proposal["concept_id"]:
            try:
                current = load_record(db, proposal["concept_id"])
            except NotFound:
                current = None
        problems = (
            exc.problems
            if isinstance(exc, ProposalError)
            else [not_found("concept", proposal["concept_id"], "concept_id")]
        )
        return {
            "before": current,
            "after": None,
            "error": "; ".join(str(p) for p in problems),
            "problems": problems,
        }
    return {"before": before, "after": after, "error": None, "problems": []}


# --- deciding --------------------------------------------------------------


def _claim(
    db: sqlite_utils.Database,
    proposal_id: int,
    status: str,
    reviewer: dict,
    reason: str = "",
) -> None:
    """Decide a pending proposal, or raise Conflict/NotFound: one decision counts."""
    cursor = db.execute(
        "update proposals set status = ?, reviewer_id = ?, reviewer = ?, "
        "decided_at = ?, reason = ? where id = ? and status = 'pending'",
        [status, reviewer["id"], reviewer["username"], now(), reason, proposal_id],
    )
    if cursor.rowcount == 1:
        return
    rows = list(
        db.query("select status, reviewer from proposals where id = ?", [proposal_id])
    )
    if not rows:
        raise NotFound(proposal_id, "proposal")
    raise Conflict(
        Problem(
            "already_decided",
            "",
            {
                "id": proposal_id,
                "status": word(rows[0]["status"]),
                "reviewer": rows[0]["reviewer"],
            },
        )
    )


def _merge_edits(proposal: Proposal, edits: dict | None) -> dict:
    data = dict(proposal["submitted"])
    if not edits:
        return data
    if not isinstance(edits, dict):
        raise ProposalError(Problem("edits_not_object"))
    allowed = EDITABLE[proposal["kind"]]
    unknown = set(edits) - allowed - {"kind", "concept_id", "term"}
    if unknown:
        raise ProposalError(
            Problem("cannot_edit_fields", "", {"fields": sorted(unknown)})
        )
    for key in ("kind", "concept_id", "term"):
        if key in edits and edits[key] != data.get(key):
            raise ProposalError(
                Problem("cannot_change_when_approving", key, {"name": key})
            )
    for key, value in edits.items():
        if key in allowed:
            if value in (None, "") and key in data:
                data.pop(key)
            elif value not in (None, ""):
                data[key] = value
    return data


def approve(
    db: sqlite_utils.Database,
    proposal_id: int,
    reviewer: dict,
    edits: dict | None = None,
    reason: str = "",
) -> Proposal:
    """Approve (with optional EDITS) and apply a proposal, with history, atomically."""
    reason = check_reason(reason, required=False)
    with write_transaction(db):
        # The conditional update comes first: it takes SQLite's write lock, so
        # a second reviewer waits here and then finds the proposal decided.
        _claim(db, proposal_id, "approved", reviewer, reason)
        proposal = get_proposal(db, proposal_id)
        data = _merge_edits(proposal, edits)
        try:
            _before, after = build(db, data, proposal["author"])
        except NotFound:
            raise Conflict(
                Problem("entry_gone", "concept_id", {"id": data.get("concept_id")})
            ) from None
        # The history says why: the translator's comment, and whether and why
        # the reviewer edited the proposal before approving it.
        edited = data != proposal["submitted"]
        why = proposal["comment"] or f"proposal {proposal_id} by {proposal['author']}"
        if edited or reason:
            why += f" — {'edited and approved' if edited else 'approved'}"
            why += f" by {reviewer['username']}" + (f": {reason}" if reason else "")
        concept_id, _outcome = save_concept(
            db,
            after,
            author=reviewer["username"],
            reason=why[:MAX_TEXT],
            proposal_id=proposal_id,
        )
        db.table("proposals").update(
            proposal_id,
            {
                "applied": json.dumps(data, ensure_ascii=False),
                "result_concept_id": concept_id,
                "concept_id": proposal["concept_id"] or concept_id,
            },
        )
        db.table("reviews").insert(
            {
                "proposal_id": proposal_id,
                "reviewer_id": reviewer["id"],
                "reviewer": reviewer["username"],
                "decision": "approved",
                "reason": reason,
                "edited": int(edited),
                "at": now(),
            }
        )
    return get_proposal(db, proposal_id)


def check_reason(reason: object, *, required: bool = True) -> str:
    """Return the cleaned REASON, or raise ProposalError when it is empty or bad.

    Approval's optional reason goes through the same checks (required=False).
    """
    problems: list[Problem] = []
    if reason is not None and not isinstance(reason, str):
        problems.append(Problem("not_text", "reason", {"name": "reason"}))
    reason = clean_block(reason if isinstance(reason, str) else "")
    if not reason and required:
        problems.append(Problem("reason_required", "reason"))
    check_text(
        problems, Problem("part_reason"), reason, MAX_TEXT, inline=False, field="reason"
    )
    if problems:
        raise ProposalError(problems)
    return reason


def reject(
    db: sqlite_utils.Database, proposal_id: int, reviewer: dict, reason: str | None
) -> Proposal:
    """Reject a pending proposal with a required REASON."""
    reason = check_reason(reason)
    with write_transaction(db):
        _claim(db, proposal_id, "rejected", reviewer, reason)
        db.table("reviews").insert(
            {
                "proposal_id": proposal_id,
                "reviewer_id": reviewer["id"],
                "reviewer": reviewer["username"],
                "decision": "rejected",
                "reason": reason,
                "at": now(),
            }
        )
    return get_proposal(db, proposal_id)


# --- notes by users --------------------------------------------------------


@in_write_transaction
def add_note(
    db: sqlite_utils.Database,
    concept_id: int,
    user: dict,
    text: str,
    lang: str | None = None,
    term: str | None = None,
) -> dict:
    """Add a signed-in user's note to a concept or one of its terms; return it."""
    data = {"kind": "note", "concept_id": concept_id, "text": text}
    if lang:
        data["lang"] = lang
    if term:
        data["term"] = term
    _before, after = build(db, data, user["username"])
    save_concept(db, after, author=user["username"], reason="note added", action="note")
    return after["notes"][-1]


@in_write_transaction
def hide_note(
    db: sqlite_utils.Database, note_id: int, reviewer: dict, reason: str
) -> int:
    """Hide a public note with a REASON (recorded in history); return its concept id."""
    reason = check_reason(reason)
    with write_transaction(db):
        rows = list(
            db.query("select * from notes where id = ? and hidden = 0", [note_id])
        )
        if not rows:
            raise NotFound(note_id, "note")
        concept_id = rows[0]["concept_id"]
        before = load_record(db, concept_id)
        db.table("notes").update(
            note_id,
            {
                "hidden": 1,
                "hidden_reason": reason,
                "hidden_by": reviewer["username"],
                "hidden_at": now(),
            },
        )
        after = load_record(db, concept_id)
        history.record(
            db, concept_id, "hide_note", reviewer["username"], reason, before, after
        )
        concepts.bump_generation(db)
    return concept_id


def hidden_notes(db: sqlite_utils.Database, concept_id: int) -> list[dict]:
    """Return the hidden notes of a concept with who hid them and why."""
    return list(
        db.query(
            "select id, lang, author, text, created_at, hidden_by, hidden_at, "
            "hidden_reason from notes where concept_id = ? and hidden = 1 order by id",
            [concept_id],
        )
    )


# --- history ---------------------------------------------------------------


def _strip_hidden(snapshot: dict | None, hidden: set[tuple]) -> dict | None:
    if not snapshot or not hidden:
        return snapshot
    return {
        **snapshot,
        "notes": [
            n
            for n in snapshot["notes"]
            if (n["text"], n["lang"], n["author"]) not in hidden
        ],
    }


def history_entries(db: sqlite_utils.Database, concept_id: int) -> list[dict]:
    """Return a concept's changes, newest first, with snapshots and proposals.

    Hidden notes are left out of the snapshots: they are not public.
    """
    hidden = {(n["text"], n["lang"], n["author"]) for n in hidden_notes(db, concept_id)}
    return [
        {
            **entry,
            "before": _strip_hidden(entry["before"], hidden),
            "after": _strip_hidden(entry["after"], hidden),
        }
        for entry in history.entries(db, concept_id)
    ]


@in_write_transaction
def revert(
    db: sqlite_utils.Database, history_id: int, reviewer: dict, reason: str
) -> int:
    """Restore the entry as it was before change HISTORY_ID; recorded as a change."""
    reason = check_reason(reason)
    row = history.snapshot(db, history_id)
    if row is None:
        raise NotFound(history_id, "change")
    if not row["before"]:
        raise Conflict(Problem("revert_of_creation"))
    concept_id = row["concept_id"]
    if not row["after"]:
        raise Conflict(Problem("revert_of_removal"))
    hidden = {(n["text"], n["lang"], n["author"]) for n in hidden_notes(db, concept_id)}
    before = normalise_concept(_strip_hidden(row["before"], hidden) or {})
    after = normalise_concept(_strip_hidden(row["after"], hidden) or {})
    # Undo this change only: later changes to other parts of the entry stay.
    undone, changed_since = undo_change(
        dict(before), dict(after), load_record(db, concept_id)
    )
    if changed_since:
        raise Conflict(Problem("changed_since", "", {"parts": changed_since}))
    record = normalise_concept({**undone, "id": concept_id})
    problems = validate_concept(record)
    if problems:
        raise ProposalError(problems)
    # A cross-reference to an entry removed since cannot come back.
    gone = [
        r
        for r in record["related"]
        if not db.table("concepts").count_where("id = ?", [r])
    ]
    record["related"] = [r for r in record["related"] if r not in gone]
    why = f"revert of change {history_id}: {reason}"
    if gone:
        why += f" (references to removed entries {', '.join(map(str, gone))} left out)"
    _id, outcome = save_concept(
        db,
        record,
        author=reviewer["username"],
        reason=why,
        action="revert",
    )
    if outcome == "unchanged":
        raise Conflict(Problem("already_reverted"))
    return concept_id


def similar(
    db: sqlite_utils.Database, lookup: Lookup, texts: list[str], limit: int = 8
) -> list[dict]:
    """Return existing entries that look like any of TEXTS ("is it one of these?")."""
    best: dict[int, dict] = {}
    for text in texts:
        text = clean_line(text)[:200]
        if not text:
            continue
        for hit in lookup.search(db, text, limit=5):
            if hit["id"] not in best or hit["score"] > best[hit["id"]]["score"]:
                best[hit["id"]] = hit
    return sorted(best.values(), key=lambda h: -h["score"])[:limit]
