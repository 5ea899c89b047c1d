"""The TBX entry walk as it was before it was made to walk each element once.

A reference for tests/test_tbx_walk.py: tbx.entry_to_record must turn every
entry into the same record and problems as this code (a3b7143) did.
"""

# ruff: noqa
from __future__ import annotations

from typing import Any

from glossary.interchange.tbx import (
    _DOMAIN_BACK,
    _NAME,
    _NOTE_ID,
    _OUR_ID,
    _STATUS_BACK,
    _XML_LANG,
    ADMIN_STATUS,
    _base_lang,
)
from glossary.model import bad_id, parse_id
from glossary.problems import Problem


def _all_text(el) -> str:
    if not len(el):  # no child elements: the text is all there is
        return el.text or ""
    return "".join(el.itertext())


class _Entry:
    """Collects one entry's parts while walking its element tree."""

    def __init__(self, lang_key: str) -> None:
        # The key of xml:lang in the tree's attributes: "{ns}lang" in
        # ElementTree's trees, "ns}lang" in those _tbx_events builds.
        self.lang_key = lang_key
        self.notes: list[tuple[tuple, dict]] = []
        self.meta: dict[str, dict] = {}
        self.problems: list[str | Problem] = []


def _read_notes_and_meta(parent, lang: str | None, term: str | None, acc: _Entry):
    """Collect the notes (and their transacGrp metadata) that are children of PARENT."""
    lang_key = acc.lang_key
    for child in parent:
        name = _NAME[child.tag]
        if name == "note":
            note_id = child.get("id") or ""
            if (
                note_id.endswith(("-usage", "-latin"))
                or child.get(lang_key) == "kk-Latn"
            ):
                continue
            m = _NOTE_ID.match(note_id)
            order = (0, int(m.group(1))) if m else (1, len(acc.notes))
            acc.notes.append(
                (
                    order,
                    {
                        "id": note_id,
                        "text": _all_text(child),
                        "lang": _base_lang(child.get(lang_key)) or lang or "",
                        "author": "",
                        "date": None,
                        "term": term,
                    },
                )
            )
        elif name == "transacGrp":
            target = None
            meta = {}
            for g in child:
                gname = _NAME[g.tag]
                if gname == "ref":
                    target = g.get("target")
                elif gname == "date":
                    meta["date"] = _all_text(g).strip()
                elif gname == "transacNote" and g.get("type") == "responsibility":
                    meta["author"] = _all_text(g)
            if target:
                acc.meta[target] = meta


def _read_definition(
    group, lang: str | None, lang_key: str
) -> tuple[str | None, dict] | None:
    descrip = None
    source = ""
    for g in group:
        name = _NAME[g.tag]
        if name == "descrip" and g.get("type") == "definition":
            descrip = g
        elif name == "admin" and g.get("type") == "source":
            source = _all_text(g)
    if descrip is None:
        return None
    return _base_lang(descrip.get(lang_key)) or lang, {
        "text": _all_text(descrip),
        "source": source,
    }


def _read_term(el, lang: str, acc: _Entry) -> dict | None:
    text = None
    term = {
        "lang": lang,
        "text": "",
        "status": "",
        "pos": "",
        "usage": "",
        "source": "",
    }
    parts = list(el)
    # ntig: term and termNotes sit in a termGrp.
    for child in el:
        if _NAME[child.tag] == "termGrp":
            parts = list(child) + [c for c in parts if c is not child]
    for child in parts:
        name = _NAME[child.tag]
        kind = child.get("type")
        if name == "term":
            text = _all_text(child)
        elif name == "termNote":
            _term_note(term, kind, _all_text(child), acc)
        elif name == "termNoteGrp":
            for g in child:
                if _NAME[g.tag] == "termNote":
                    _term_note(term, g.get("type"), _all_text(g), acc)
            notes = [_all_text(g) for g in child if _NAME[g.tag] == "note"]
            if term["pos"] == "noun" and "properNoun" in notes:
                term["pos"] = "properNoun"
        elif name == "admin" and kind == "source":
            term["source"] = _all_text(child)
        elif name == "note" and (child.get("id") or "").endswith("-usage"):
            term["usage"] = _all_text(child)
    if text is None:
        acc.problems.append(f"a {lang} term entry has no <term>")
        return None
    term["text"] = text
    return term


def _term_note(term: dict, kind: str | None, value: str, acc: _Entry) -> None:
    value_key = value.strip()
    if kind == "administrativeStatus":
        status = _STATUS_BACK.get(value_key.casefold().replace(" ", ""))
        if status is None:
            acc.problems.append(
                f"unknown administrativeStatus {value_key!r} (allowed: "
                + ", ".join(ADMIN_STATUS.values())
                + ")"
            )
            status = value_key
        term["status"] = status
    elif kind == "partOfSpeech":
        term["pos"] = value_key
    elif kind == "usageNote":
        term["usage"] = value


def entry_to_record(
    el, ours: bool, lang_key: str = _XML_LANG
) -> tuple[dict[str, Any], list[str | Problem]]:
    """Turn one conceptEntry/termEntry element into a raw record and problems.

    LANG_KEY is how the tree names xml:lang (see _Entry).
    """
    acc = _Entry(lang_key)
    raw_id = el.get("id") or ""
    m = _OUR_ID.match(raw_id)
    concept_id = parse_id(m.group(1)) if (ours and m) else None
    if ours and m and concept_id is None:
        acc.problems.append(bad_id("id", m.group(1)))
    # Raw: cross-references stay text until normalise_concept reads them.
    record: dict[str, Any] = {
        "id": concept_id,
        "domain": "",
        "terms": [],
        "definitions": {},
        "notes": [],
        "related": [],
    }

    def add_definition(found):
        if found is None:
            return
        lang, d = found
        if not lang:
            acc.problems.append("a definition has no language (xml:lang)")
        elif lang in record["definitions"]:
            acc.problems.append(f"two {lang} definitions")
        else:
            record["definitions"][lang] = d

    for child in el:
        name = _NAME[child.tag]
        kind = child.get("type")
        if name == "descrip" and kind == "subjectField":
            value = _all_text(child).strip()
            record["domain"] = _DOMAIN_BACK.get(value.casefold(), value)
        elif name == "descrip" and kind == "definition":
            add_definition(_read_definition([child], None, lang_key))
        elif name == "descripGrp":
            add_definition(_read_definition(child, None, lang_key))
        elif name == "ref" and kind == "crossReference" and ours:
            target = _OUR_ID.match(child.get("target") or "")
            if target:
                # Kept as text when out of range: validate_concept reports it.
                record["related"].append(target.group(1))
        elif name in ("langSec", "langSet"):
            lang = _base_lang(child.get(lang_key))
            for part in child:
                pname = _NAME[part.tag]
                if pname == "descripGrp":
                    add_definition(_read_definition(part, lang, lang_key))
                elif pname == "descrip" and part.get("type") == "definition":
                    add_definition(_read_definition([part], lang, lang_key))
                elif pname in ("termSec", "tig", "ntig"):
                    term = _read_term(part, lang, acc)
                    if term is not None:
                        record["terms"].append(term)
                        _read_notes_and_meta(part, lang, f"{lang}:{term['text']}", acc)
                        if pname == "ntig":
                            for grp in part:
                                if _NAME[grp.tag] == "termGrp":
                                    _read_notes_and_meta(
                                        grp, lang, f"{lang}:{term['text']}", acc
                                    )
            _read_notes_and_meta(child, lang, None, acc)
    _read_notes_and_meta(el, None, None, acc)
    for _order, note in sorted(acc.notes, key=lambda x: x[0]):
        meta = acc.meta.get(note.pop("id"), {})
        note["author"] = meta.get("author", "")
        note["date"] = meta.get("date")
        record["notes"].append(note)
    return record, acc.problems
