"""Data layer for concepts, terms, definitions, notes, cross-references and history.

Plain functions that take the sqlite-utils `db` first and return dicts; views,
the API and the CLI all go through them. Multi-step writes run in one
`write_transaction(db)` (BEGIN IMMEDIATE).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import sqlite_utils

from . import history as change_history
from .clock import now
from .db import inserted_id, write_transaction
from .model import LANGS, STATUS_RANK, normalise_concept, term_key, terms_signature
from .search import initial, sort_key, to_kazakh_latin


class NotFound(LookupError):
    """Something that does not exist was asked for (a concept, unless WHAT says)."""

    def __init__(self, ident: object, what: str = "concept") -> None:
        super().__init__(ident)
        self.ident, self.what = ident, what


# --- reading ---------------------------------------------------------------


def list_domains(db: sqlite_utils.Database) -> list[dict]:
    """Return every domain with its names and number of concepts, in display order."""
    return list(
        db.query(
            """select d.key, d.name_en, d.name_ru, d.name_kk,
                  (select count(*) from concepts c where c.domain = d.key) as concepts
           from domains d order by d.position"""
        )
    )


def domain(db: sqlite_utils.Database, key: str) -> dict | None:
    """Return one domain by KEY, or None."""
    rows = [d for d in list_domains(db) if d["key"] == key]
    return rows[0] if rows else None


def _records(
    db: sqlite_utils.Database, where: str = "", params: tuple = ()
) -> Iterator[dict]:
    """Yield concept records (model.py shape) in id order, a batch at a time."""
    last = 0
    while True:
        concepts = list(
            db.query(
                f"select id, domain from concepts where id > ? {where} "
                "order by id limit 500",
                (last, *params),
            )
        )
        if not concepts:
            return
        ids = [c["id"] for c in concepts]
        marks = ",".join("?" * len(ids))
        by_id = {
            c["id"]: {
                "id": c["id"],
                "domain": c["domain"],
                "terms": [],
                "definitions": {},
                "notes": [],
                "related": [],
            }
            for c in concepts
        }
        term_keys: dict[int, str] = {}
        for t in db.query(
            f"select * from terms where concept_id in ({marks}) "
            "order by concept_id, lang, position, id",
            ids,
        ):
            term = {
                k: t[k] or ""
                for k in ("lang", "text", "status", "pos", "usage", "source")
            }
            by_id[t["concept_id"]]["terms"].append(term)
            term_keys[t["id"]] = term_key(term)
        for r in by_id.values():
            r["terms"].sort(key=lambda t: LANGS.index(t["lang"]))
        for d in db.query(
            f"select * from definitions where concept_id in ({marks})", ids
        ):
            by_id[d["concept_id"]]["definitions"][d["lang"]] = {
                "text": d["text"],
                "source": d["source"] or "",
            }
        for r in by_id.values():
            r["definitions"] = {
                lang: r["definitions"][lang]
                for lang in LANGS
                if lang in r["definitions"]
            }
        for n in db.query(
            # Hidden notes (moderated away by a reviewer) are not part of the
            # public record: not shown, not exported, not in history snapshots.
            f"select * from notes where concept_id in ({marks}) and hidden = 0 "
            "order by id",
            ids,
        ):
            by_id[n["concept_id"]]["notes"].append(
                {
                    "text": n["text"],
                    "lang": n["lang"],
                    "author": n["author"],
                    "date": n["created_at"],
                    "term": term_keys.get(n["term_id"]) if n["term_id"] else None,
                }
            )
        for rel in db.query(
            f"select * from relations where concept_id in ({marks}) "
            "order by related_id",
            ids,
        ):
            by_id[rel["concept_id"]]["related"].append(rel["related_id"])
        yield from by_id.values()
        last = ids[-1]


def records_of(db: sqlite_utils.Database, ids: Sequence[int]) -> Iterator[dict]:
    """Yield the records of the concepts IDS names (those that exist), in id order."""
    marks = ",".join("?" * len(ids))
    return _records(db, f"and id in ({marks})", tuple(ids))


def iter_records(
    db: sqlite_utils.Database, domain: str | None = None
) -> Iterator[dict]:
    """Yield every concept record in id order (optionally of one domain)."""
    if domain:
        return _records(db, "and domain = ?", (domain,))
    return _records(db)


def load_record(db: sqlite_utils.Database, concept_id: int) -> dict:
    """Return one concept as a record; raise NotFound when it does not exist."""
    for record in _records(db, "and id = ?", (concept_id,)):
        return record
    raise NotFound(concept_id)


def export_slots(db: sqlite_utils.Database) -> tuple[dict[str, int], int]:
    """Return the term slots per language and note slots an export needs."""
    term_slots = dict.fromkeys(LANGS, 1)
    for row in db.query(
        "select lang, max(n) as n from (select lang, count(*) as n from terms "
        "group by concept_id, lang) group by lang"
    ):
        term_slots[row["lang"]] = row["n"]
    notes = db.execute(
        "select coalesce(max(n), 0) from (select count(*) as n from notes "
        "where hidden = 0 group by concept_id)"
    ).fetchone()[0]
    return term_slots, notes


def concept_view(db: sqlite_utils.Database, concept_id: int) -> dict:
    """Return a concept with everything a page or the API shows about it."""
    record = load_record(db, concept_id)
    note_ids = [
        r["id"]
        for r in db.query(
            "select id from notes where concept_id = ? and hidden = 0 order by id",
            [concept_id],
        )
    ]
    # Note ids let signed-in users point at a note (a reviewer hiding it).
    record["notes"] = [
        {**n, "id": i} for n, i in zip(record["notes"], note_ids, strict=True)
    ]
    row = db.table("concepts").get(concept_id)
    view = {
        "id": concept_id,
        "url": f"/concepts/{concept_id}",
        "domain": domain(db, record["domain"]),
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
        "terms": {lang: [] for lang in LANGS},
        "definitions": record["definitions"],
        "notes": [n for n in record["notes"] if not n["term"]],
        "related": [],
        "history": change_history.recent(db, concept_id, limit=5),
        "changes": change_history.count(db, concept_id),
    }
    for t in record["terms"]:
        term = {**t, "notes": [n for n in record["notes"] if n["term"] == term_key(t)]}
        if t["lang"] == "kk":
            term["latin"] = to_kazakh_latin(t["text"])
        view["terms"][t["lang"]].append(term)
    if record["related"]:
        heads = headwords(db, record["related"])
        view["related"] = [
            {"id": i, "url": f"/concepts/{i}", "terms": heads.get(i, {})}
            for i in record["related"]
        ]
    return view


def headwords(db: sqlite_utils.Database, ids: list[int]) -> dict[int, dict[str, list]]:
    """Return, for each concept id, its terms per language as {text, status} dicts."""
    out: dict[int, dict[str, list]] = {i: {lang: [] for lang in LANGS} for i in ids}
    if not ids:
        return out
    marks = ",".join("?" * len(ids))
    for t in db.query(
        f"select concept_id, lang, text, status from terms "
        f"where concept_id in ({marks}) "
        "order by concept_id, lang, position, id",
        list(ids),
    ):
        entry = {"text": t["text"], "status": t["status"]}
        if t["lang"] == "kk":
            entry["latin"] = to_kazakh_latin(t["text"])
        out[t["concept_id"]][t["lang"]].append(entry)
    return out


def concepts_in_domain(db: sqlite_utils.Database, key: str, lang: str) -> list[dict]:
    """Return the concepts of domain KEY with their terms, sorted in LANG's alphabet."""
    ids = [r["id"] for r in db.query("select id from concepts where domain = ?", [key])]
    heads = headwords(db, ids)

    def order(i: int) -> tuple:
        first = heads[i][lang][0]["text"] if heads[i][lang] else None
        return (first is None, sort_key(first or "", lang), i)

    return [
        {"id": i, "url": f"/concepts/{i}", "terms": heads[i]}
        for i in sorted(ids, key=order)
    ]


def letters(db: sqlite_utils.Database, lang: str) -> list[str]:
    """Return the initial letters under which LANG has terms, in alphabet order."""
    found = {
        initial(r["text"], lang)
        for r in db.query("select text from terms where lang = ?", [lang])
    }
    return sorted(found, key=lambda c: (c == "#", sort_key(c, lang)))


def terms_by_letter(db: sqlite_utils.Database, lang: str, letter: str) -> list[dict]:
    """Return LANG's terms starting with LETTER, sorted in LANG's alphabet."""
    rows = [
        r
        for r in db.query(
            "select t.concept_id, t.text, t.status, c.domain from terms t "
            "join concepts c on c.id = t.concept_id where t.lang = ?",
            [lang],
        )
        if initial(r["text"], lang) == letter
    ]
    rows.sort(key=lambda r: (sort_key(r["text"], lang), r["concept_id"]))
    heads = headwords(db, sorted({r["concept_id"] for r in rows}))
    for r in rows:
        r["url"] = f"/concepts/{r['concept_id']}"
        r["terms"] = heads[r["concept_id"]]
        if lang == "kk":
            r["latin"] = to_kazakh_latin(r["text"])
    return rows


def history(
    db: sqlite_utils.Database, concept_id: int, limit: int | None = None
) -> list[dict]:
    """Return the recorded changes of a concept, newest first (history.recent)."""
    return change_history.recent(db, concept_id, limit)


def counts(db: sqlite_utils.Database) -> dict[str, int]:
    """Return the number of concepts and of terms per language."""
    out = {"concepts": db.table("concepts").count}
    for r in db.query("select lang, count(*) as n from terms group by lang"):
        out[r["lang"]] = r["n"]
    return out


# --- search ---------------------------------------------------------------

# Change-log rows kept: a process whose index saw less than what is left
# rebuilds it (glossary.lookup).
CHANGE_LOG_KEEP = 20_000


def generation(db: sqlite_utils.Database) -> int:
    """Return the change counter: it grows with every committed change."""
    return db.execute("select value from meta where key = 'generation'").fetchone()[0]


def change_log_range(db: sqlite_utils.Database) -> tuple[int, int]:
    """Return the first and last id of the search change log ((0, 0) when empty)."""
    row = db.execute("select min(id), max(id) from search_changes").fetchone()
    return row[0] or 0, row[1] or 0


def changed_since(db: sqlite_utils.Database, change_id: int) -> set[int]:
    """Return the ids of the concepts the change log names after CHANGE_ID."""
    return {
        r[0]
        for r in db.execute(
            "select distinct concept_id from search_changes where id > ?",
            [change_id],
        )
    }


def rows_of_concepts(
    db: sqlite_utils.Database, select: str, concept_ids: set[int]
) -> list[dict]:
    """Return the rows of SELECT (a query of ``t``, terms) for CONCEPT_IDS only."""
    return list(
        db.query(
            select + " where t.concept_id in (select value from json_each(?))",
            [json.dumps(sorted(concept_ids))],
        )
    )


# --- writing ---------------------------------------------------------------


def bump_generation(db: sqlite_utils.Database) -> None:
    """Count a committed change, so every process's search index sees it is stale."""
    db.execute("update meta set value = value + 1 where key = 'generation'")
    # Keep the change log short; a process that saw less than what is left
    # rebuilds its index in full.
    db.execute(
        "delete from search_changes where id <= "
        "(select max(id) from search_changes) - ?",
        [CHANGE_LOG_KEEP],
    )


def replace_content(db: sqlite_utils.Database, concept_id: int, record: dict) -> None:
    """Replace the terms, definitions, notes and relations of a concept by RECORD's.

    Hidden notes are not part of a record: they are kept, re-attached to their
    term when it survives.
    """
    hidden = list(
        db.query(
            "select n.id, t.lang, t.text from notes n join terms t on t.id = n.term_id "
            "where n.concept_id = ? and n.hidden = 1",
            [concept_id],
        )
    )
    db.execute(
        "update notes set term_id = null where concept_id = ? and hidden = 1",
        [concept_id],
    )
    db.execute("delete from notes where concept_id = ? and hidden = 0", [concept_id])
    for table in ("definitions", "relations"):
        db.execute(f"delete from {table} where concept_id = ?", [concept_id])
    db.execute("delete from terms where concept_id = ?", [concept_id])
    ids: dict[str, int] = {}
    positions = dict.fromkeys(LANGS, 0)
    # Plain INSERTs: sqlite-utils' insert() costs a savepoint and a schema
    # lookup per row, which dominates a large import.
    for t in record["terms"]:
        positions[t["lang"]] += 1
        ids[term_key(t)] = db.execute(  # type: ignore[assignment]
            "insert into terms (concept_id, lang, text, status, pos, usage, source, "
            "position) values (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                concept_id,
                t["lang"],
                t["text"],
                t["status"],
                t["pos"],
                t["usage"],
                t["source"],
                positions[t["lang"]],
            ],
        ).lastrowid
    db.conn.executemany(
        "insert into definitions (concept_id, lang, text, source) values (?, ?, ?, ?)",
        [
            (concept_id, lang, d["text"], d["source"])
            for lang, d in record["definitions"].items()
        ],
    )
    db.conn.executemany(
        "insert into relations (concept_id, related_id) values (?, ?)",
        [(concept_id, r) for r in record["related"]],
    )
    db.conn.executemany(
        "insert into notes (concept_id, term_id, lang, author, text, created_at) "
        "values (?, ?, ?, ?, ?, ?)",
        [
            (
                concept_id,
                ids[n["term"]] if n["term"] else None,
                n["lang"],
                n["author"],
                n["text"],
                n["date"],
            )
            for n in record["notes"]
        ],
    )
    for h in hidden:
        term_id = ids.get(term_key(h))
        if term_id:
            db.execute("update notes set term_id = ? where id = ?", [term_id, h["id"]])


def fill_note_defaults(record: dict, current: dict | None, author: str) -> dict:
    """Give undated notes the date of the same existing note, or now; fill authors."""
    dated = {}
    if current:
        dated = {(n["text"], n["lang"], n["term"]): n for n in current["notes"]}
    notes = []
    for n in record["notes"]:
        old = dated.get((n["text"], n["lang"], n["term"]))
        notes.append(
            {
                **n,
                "author": n["author"] or (old["author"] if old else author),
                "date": n["date"] or (old["date"] if old else now()),
            }
        )
    return {**record, "notes": notes}


def next_concept_id(db: sqlite_utils.Database) -> int:
    """Return a concept number never used before (not even by a removed concept)."""
    return (
        db.execute(
            "select max(coalesce((select max(id) from concepts), 0), "
            "coalesce((select max(concept_id) from history), 0))"
        ).fetchone()[0]
        + 1
    )


def save_concept(
    db: sqlite_utils.Database,
    record: Mapping[str, Any],
    *,
    author: str,
    reason: str = "",
    action: str | None = None,
    proposal_id: int | None = None,
) -> tuple[int, str]:
    """Create or replace one concept from a validated RECORD; return (id, outcome).

    The outcome is "new", "changed" or "unchanged". History is written for the
    first two, in the same transaction as the change.
    """
    record = dict(normalise_concept(record))
    with write_transaction(db):
        current = None
        if record["id"] is not None:
            try:
                current = load_record(db, record["id"])
            except NotFound:
                current = None
        record = fill_note_defaults(record, current, author)
        stamp = now()
        if current is None:
            row = {"domain": record["domain"], "created_at": stamp, "updated_at": stamp}
            # A new concept never takes the number of a removed one: its URL
            # and its history stay its own.
            row["id"] = record["id"] or next_concept_id(db)
            concept_id = inserted_id(db.table("concepts").insert(row))
            record = {**record, "id": concept_id}
            outcome = "new"
        else:
            concept_id = int(record["id"])
            if current == record:
                return concept_id, "unchanged"
            db.table("concepts").update(
                concept_id, {"domain": record["domain"], "updated_at": stamp}
            )
            outcome = "changed"
        replace_content(db, concept_id, record)
        change_history.record(
            db,
            concept_id,
            action or ("create" if current is None else "update"),
            author,
            reason,
            current,
            record,
            proposal_id,
        )
        bump_generation(db)
    return concept_id, outcome


def match_existing(
    db: sqlite_utils.Database, records: Sequence[Mapping[str, Any]]
) -> list[int | None]:
    """Return, per record, the id of the concept it updates (None: a new concept).

    A record with an id updates that concept; one without matches an existing
    concept only when the two have exactly the same terms.
    """
    need = any(r["id"] is None for r in records)
    by_signature: dict[frozenset, int] = {}
    if need:
        current: dict[int, set] = {}
        for t in db.query("select concept_id, lang, text from terms"):
            current.setdefault(t["concept_id"], set()).add(
                (t["lang"], t["text"].casefold())
            )
        for cid, sig in sorted(current.items(), reverse=True):
            by_signature[frozenset(sig)] = cid
    return [
        r["id"] if r["id"] is not None else by_signature.get(terms_signature(r))
        for r in records
    ]


def plan_import(
    db: sqlite_utils.Database,
    records: Sequence[Mapping[str, Any]],
    lines: list[int] | None = None,
    *,
    replace: bool = False,
    unit: str = "line",
) -> dict:
    """Compare RECORDS with the term base without writing: new, changed, unchanged.

    With REPLACE the glossary is to become exactly RECORDS: "removed" lists the
    ids of the concepts the file lacks.
    """
    lines = lines or list(range(1, len(records) + 1))
    targets = match_existing(db, records)
    report: dict[str, Any] = {
        "new": 0,
        "changed": 0,
        "unchanged": 0,
        "removed": [],
        "errors": [],
        "targets": targets,
    }
    known = {r["id"] for r in db.query("select id from concepts")}
    incoming = {t for t in targets if t is not None}
    by_target: dict[int, list[int]] = {}
    for i, target in enumerate(targets):
        if target is not None and target in known:
            by_target.setdefault(target, []).append(i)
    wanted = sorted(by_target)
    # Load the concepts the file touches a batch at a time, not one by one.
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        for current in records_of(db, chunk):
            for i in by_target[current["id"]]:
                candidate = fill_note_defaults(
                    {**records[i], "id": current["id"]}, current, ""
                )
                report["changed" if candidate != current else "unchanged"] += 1
    for record, target, line in zip(records, targets, lines, strict=True):
        if target is None or target not in known:
            report["new"] += 1
        for r in record["related"]:
            if r in incoming or (r in known and not replace):
                continue
            report["errors"].append(
                f"{unit} {line}: related id {r} is not in the file (replace removes it)"
                if r in known
                else f"{unit} {line}: related id {r} does not exist"
            )
    if replace:
        report["removed"] = sorted(known - incoming)
    return report


def remove_concept(
    db: sqlite_utils.Database, concept_id: int, *, author: str, reason: str
) -> None:
    """Delete one concept with everything it has; history keeps what it was."""
    before = load_record(db, concept_id)
    db.execute("delete from notes where concept_id = ?", [concept_id])
    db.execute("delete from definitions where concept_id = ?", [concept_id])
    db.execute(
        "delete from relations where concept_id = ? or related_id = ?",
        [concept_id, concept_id],
    )
    db.execute("delete from terms where concept_id = ?", [concept_id])
    db.execute("delete from concepts where id = ?", [concept_id])
    change_history.record(db, concept_id, "import", author, reason, before, None)


def import_records(
    db: sqlite_utils.Database,
    records: Sequence[Mapping[str, Any]],
    *,
    author: str,
    reason: str,
    lines: list[int] | None = None,
    replace: bool = False,
    progress: Callable[[int], None] | None = None,
    unit: str = "line",
    plan: dict | None = None,
) -> dict:
    """Upsert RECORDS in one transaction; return the counts of new/changed/unchanged.

    With REPLACE, concepts absent from RECORDS are removed (with history), so
    the glossary becomes exactly RECORDS. PROGRESS, when given, is called with
    the number of concepts done after each one. PLAN is plan_import's answer
    when the caller already has it. Raises ValueError (and writes
    nothing) when a cross-reference does not resolve.
    """
    report = plan or plan_import(db, records, lines, replace=replace, unit=unit)
    if report["errors"]:
        raise ValueError("; ".join(report["errors"][:5]))
    with write_transaction(db):
        # Cross-references may point at rows further down the file: check
        # foreign keys when the whole import commits, not row by row.
        db.execute("PRAGMA defer_foreign_keys = ON")
        for record, target in zip(records, report["targets"], strict=True):
            save_concept(
                db,
                {**record, "id": target},
                author=author,
                reason=reason,
                action="import",
            )
            if progress:
                progress(1)
        for concept_id in report["removed"]:
            remove_concept(db, concept_id, author=author, reason=reason)
        if report["removed"]:
            bump_generation(db)
    return report


def sorted_terms(terms: list[dict]) -> list[dict]:
    """Return TERMS ordered by status (preferred first), keeping their order within."""
    return sorted(terms, key=lambda t: STATUS_RANK.get(t["status"], 9))
