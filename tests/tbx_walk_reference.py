"""The TBX entry walk as it was before it was made to walk each element once.

A reference for tests/test_tbx_walk.py: tbx.entry_to_record must turn every
entry into the same record and problems as this code (a3b7143) did. Only the
two functions that changed are kept; the helpers they call are the module's
(_read_notes_and_meta still takes an element: its children are its parts).
"""

from __future__ import annotations

from typing import Any

from glossary.interchange.tbx import (
    _DOMAIN_BACK,
    _NAME,
    _OUR_ID,
    _XML_LANG,
    _all_text,
    _base_lang,
    _Entry,
    _read_definition,
    _read_notes_and_meta,
    _term_note,
)
from glossary.model import bad_id, parse_id
from glossary.problems import Problem


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
