"""Read and write TBX: v3 TBX-Basic (ISO 30042:2019, DCA style) and v2 (martif).

Pure and streaming: the writers yield the file a concept at a time; the reader
parses with expat under defusedxml's defences (no DTD, no entities, no external
references) and frees each entry once read.
The mapping of the concept record (model.py) onto TBX data categories is in
README.md ("TBX mapping"). In short, per concept entry (`c17`):

- domain → `descrip type="subjectField"`; cross-references → `ref
  type="crossReference" target="c3"`;
- one language section per language with terms; a definition → `descripGrp`
  with `descrip type="definition"` and `admin type="source"` in it (at the
  entry, with `xml:lang`, when the language has no term);
- each term → `termSec`/`tig` (`c17-ru1`) with `termNote`
  `administrativeStatus` (`preferredTerm-admn-sts`, …), `partOfSpeech`,
  `admin type="source"`; the usage note is a `note` (`c17-ru1-usage`) in v3 and
  a `termNote type="usageNote"` in v2; the Kazakh Latin form is a `note`
  `xml:lang="kk-Latn"` (`c17-kk1-latin`), derived and never read back;
- each note → `note id="c17-n3" xml:lang="ru"` on the concept or in the term
  it is about, with a `transacGrp` (origination, `date`, `transacNote
  type="responsibility"` = author) whose `ref` points at the note's id. The
  number in the id keeps the notes' order.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import IO, Any, cast
from xml.etree.ElementTree import ParseError, TreeBuilder
from xml.parsers import expat
from xml.sax.saxutils import escape, quoteattr

from defusedxml import (
    DefusedXmlException,
    DTDForbidden,
    EntitiesForbidden,
    ExternalReferenceForbidden,
)

from ..model import (
    DOMAINS,
    LANGS,
    STATUSES,
    ConceptRecord,
    bad_id,
    normalise_concept,
    parse_id,
    validate_concept,
)
from ..problems import Problem
from .csvfile import Item, ReadResult, collect

TBX3_NS = "urn:iso:std:iso:30042:ed-2"
GENERATOR = "glossary"
MAX_ENTRIES = 2_000_000
ADMIN_STATUS = {s: f"{s}Term-admn-sts" for s in STATUSES}
_STATUS_BACK = {v.casefold(): k for k, v in ADMIN_STATUS.items()}
_STATUS_BACK.update({s: s for s in STATUSES})
_STATUS_BACK.update({f"{s}term": s for s in STATUSES})
# TBX-Basic's partOfSpeech picklist has no properNoun: v3 writes "noun" in a
# termNoteGrp whose note says "properNoun".
_V3_POS = {"noun", "verb", "adjective", "adverb", "other"}
_DOMAIN_BACK = {d[0]: d[0] for d in DOMAINS} | {d[1].casefold(): d[0] for d in DOMAINS}
_OUR_ID = re.compile(r"^c([1-9]\d*)$")
_NOTE_ID = re.compile(r"^(?:c|new)\d+-n([1-9]\d{0,8})$")
_XSD_DATE = re.compile(
    r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$"
)


class Flavour:
    """Element names and choices of one TBX version."""

    def __init__(self, version: int) -> None:
        self.version = version
        v3 = version == 3
        self.entry = "conceptEntry" if v3 else "termEntry"
        self.lang = "langSec" if v3 else "langSet"
        self.term = "termSec" if v3 else "tig"


V3, V2 = Flavour(3), Flavour(2)


def _text(value: str) -> str:
    return escape(value)


def _attr(value: str) -> str:
    return quoteattr(value)


def xsd_date(value: str) -> str:
    """Return VALUE as an XML Schema date or dateTime (TBX's `date` needs one)."""
    if _XSD_DATE.match(value):
        return value
    try:
        return datetime.fromisoformat(value).isoformat()
    except ValueError:
        return value


def _header(flavour: Flavour, title: str) -> str:
    if flavour.version == 3:
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<tbx type="TBX-Basic" style="dca" xml:lang="en" xmlns="{TBX3_NS}">\n'
            "  <tbxHeader>\n"
            "    <fileDesc>\n"
            f"      <titleStmt><title>{_text(title)}</title></titleStmt>\n"
            f'      <sourceDesc><p type="generator">{GENERATOR}</p></sourceDesc>\n'
            "    </fileDesc>\n"
            "  </tbxHeader>\n"
            "  <text>\n"
            "    <body>\n"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<martif type="TBX" xml:lang="en">\n'
        "  <martifHeader>\n"
        "    <fileDesc>\n"
        f"      <titleStmt><title>{_text(title)}</title></titleStmt>\n"
        f'      <sourceDesc><p type="generator">{GENERATOR}</p></sourceDesc>\n'
        "    </fileDesc>\n"
        '    <encodingDesc><p type="XCSURI">TBXXCSV02.xcs</p></encodingDesc>\n'
        "  </martifHeader>\n"
        "  <text>\n"
        "    <body>\n"
    )


def _footer(flavour: Flavour) -> str:
    root = "tbx" if flavour.version == 3 else "martif"
    return f"    </body>\n  </text>\n</{root}>\n"


def _note_lines(note: dict, note_id: str, pad: str) -> list[str]:
    lines = [
        f"{pad}<note id={_attr(note_id)} xml:lang={_attr(note['lang'])}>"
        f"{_text(note['text'])}</note>"
    ]
    if note["author"] or note["date"]:
        lines.append(f"{pad}<transacGrp>")
        lines.append(f'{pad}  <transac type="transactionType">origination</transac>')
        if note["date"]:
            lines.append(f"{pad}  <date>{_text(xsd_date(note['date']))}</date>")
        if note["author"]:
            lines.append(
                f'{pad}  <transacNote type="responsibility">'
                f"{_text(note['author'])}</transacNote>"
            )
        lines.append(
            f'{pad}  <ref type="crossReference" target={_attr(note_id)}>note</ref>'
        )
        lines.append(f"{pad}</transacGrp>")
    return lines


def _definition_lines(d: dict, pad: str, lang: str | None) -> list[str]:
    lang_attr = f" xml:lang={_attr(lang)}" if lang else ""
    lines = [
        f"{pad}<descripGrp>",
        f'{pad}  <descrip type="definition"{lang_attr}>{_text(d["text"])}</descrip>',
    ]
    if d["source"]:
        lines.append(f'{pad}  <admin type="source">{_text(d["source"])}</admin>')
    lines.append(f"{pad}</descripGrp>")
    return lines


def entry_lines(
    record: dict,
    flavour: Flavour,
    to_latin: Callable[[str], str],
    ids: Callable[[int], bool] | None = None,
    position: int = 1,
) -> list[str]:
    """Return the lines of one concept entry (IDS tells which targets exist).

    A record without an id (not yet in the term base) gets `newN`, N = POSITION.
    """
    cid = f"c{record['id']}" if record["id"] is not None else f"new{position}"
    p1, p2, p3, p4 = (" " * n for n in (6, 8, 10, 12))
    out = [f"{p1}<{flavour.entry} id={_attr(cid)}>"]
    out.append(f'{p2}<descrip type="subjectField">{_text(record["domain"])}</descrip>')
    term_langs = [
        lang for lang in LANGS if any(t["lang"] == lang for t in record["terms"])
    ]
    for lang in LANGS:
        if lang in record["definitions"] and lang not in term_langs:
            out += _definition_lines(record["definitions"][lang], p2, lang)
    for r in record["related"]:
        if ids is None or ids(r):
            out.append(f'{p2}<ref type="crossReference" target="c{r}">c{r}</ref>')
    numbered = [(f"{cid}-n{i}", n) for i, n in enumerate(record["notes"], 1)]
    for note_id, n in numbered:
        if not n["term"]:
            out += _note_lines(n, note_id, p2)
    for lang in term_langs:
        out.append(f"{p2}<{flavour.lang} xml:lang={_attr(lang)}>")
        if lang in record["definitions"]:
            out += _definition_lines(record["definitions"][lang], p3, None)
        terms = [t for t in record["terms"] if t["lang"] == lang]
        for slot, t in enumerate(terms, 1):
            tid = f"{cid}-{lang}{slot}"
            out.append(f"{p3}<{flavour.term} id={_attr(tid)}>")
            out.append(f"{p4}<term>{_text(t['text'])}</term>")
            out.append(
                f'{p4}<termNote type="administrativeStatus">'
                f"{ADMIN_STATUS.get(t['status'], t['status'])}</termNote>"
            )
            if t["pos"] and (flavour.version == 2 or t["pos"] in _V3_POS):
                out.append(
                    f'{p4}<termNote type="partOfSpeech">{_text(t["pos"])}</termNote>'
                )
            elif t["pos"]:
                out.append(
                    f'{p4}<termNoteGrp><termNote type="partOfSpeech">noun</termNote>'
                    f"<note>{_text(t['pos'])}</note></termNoteGrp>"
                )
            if t["usage"] and flavour.version == 2:
                out.append(
                    f'{p4}<termNote type="usageNote">{_text(t["usage"])}</termNote>'
                )
            if t["source"]:
                out.append(f'{p4}<admin type="source">{_text(t["source"])}</admin>')
            if t["usage"] and flavour.version == 3:
                out.append(
                    f'{p4}<note id="{tid}-usage" xml:lang={_attr(lang)}>'
                    f"{_text(t['usage'])}</note>"
                )
            if lang == "kk":
                out.append(
                    f'{p4}<note id="{tid}-latin" xml:lang="kk-Latn">'
                    f"{_text(to_latin(t['text']))}</note>"
                )
            key = f"{lang}:{t['text']}"
            for note_id, n in numbered:
                if n["term"] == key:
                    out += _note_lines(n, note_id, p4)
            out.append(f"{p3}</{flavour.term}>")
        out.append(f"{p2}</{flavour.lang}>")
    out.append(f"{p1}</{flavour.entry}>")
    return out


def iter_tbx(
    records: Iterable[dict],
    *,
    version: int = 3,
    to_latin: Callable[[str], str],
    title: str = "Creative industries glossary",
    ids: Callable[[int], bool] | None = None,
) -> Iterator[str]:
    """Yield a TBX file (v3 TBX-Basic or v2) of RECORDS, a concept at a time.

    IDS, when given, tells whether a concept is in the file: cross-references to
    concepts outside it are left out (TBX requires every internal target to
    resolve).
    """
    flavour = V3 if version == 3 else V2
    yield _header(flavour, title)
    for position, record in enumerate(records, 1):
        yield "\n".join(entry_lines(record, flavour, to_latin, ids, position)) + "\n"
    yield _footer(flavour)


def write_tbx(records: Iterable[dict], out: IO[str], **kwargs) -> int:
    """Write RECORDS as TBX to OUT; return the number of concepts written."""
    count = -2
    for chunk in iter_tbx(records, **kwargs):
        out.write(chunk)
        count += 1
    return count


# --- reading ---------------------------------------------------------------


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


class _LocalNames(dict):
    """Tag -> local name, remembered (a file has few tags; a hostile one with
    many gets the rest worked out each time)."""

    def __missing__(self, tag: str) -> str:
        name = _local(tag)
        if len(self) < 1000:
            self[tag] = name
        return name


_NAME = _LocalNames()


_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@functools.lru_cache(maxsize=256)  # a file uses a few language tags, millions of times
def _base_lang(tag: str | None) -> str:
    """Return our language code for an xml:lang value: en-US → en, kk-KZ → kk.

    A Kazakh Latin-script tag (kk-Latn) stays as it is: terms are Cyrillic.
    """
    if not tag:
        return ""
    parts = tag.replace("_", "-").split("-")
    base = parts[0].lower()
    if base in LANGS and not any(p.lower() == "latn" for p in parts[1:]):
        return base
    return tag


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


# The elements _read_notes_and_meta reads: each walk collects them as it goes.
_NOTE_PARTS = frozenset(("note", "transacGrp"))


def _read_notes_and_meta(parts, lang: str | None, term: str | None, acc: _Entry):
    """Collect the notes (and their transacGrp metadata) among PARTS, the
    children of one element (or those of them named in _NOTE_PARTS), in order."""
    lang_key = acc.lang_key
    for child in parts:
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


def _new_term(lang: str) -> dict:
    return {
        "lang": lang,
        "text": "",
        "status": "",
        "pos": "",
        "usage": "",
        "source": "",
    }


_GROUPED = object()  # _term_parts met a termGrp


def _read_term(el, lang: str, acc: _Entry) -> tuple[dict | None, list]:
    """Read one termSec/tig/ntig: its term (None when it has no <term>, which
    is a problem) and its children that may be notes (_NOTE_PARTS), in order.

    The parts are walked once. In an ntig the term and its termNotes sit in a
    termGrp: then the group's parts are read first and the others after.
    """
    term = _new_term(lang)
    first_problem = len(acc.problems)
    notes: list = []
    text = _term_parts(el, term, acc, notes)
    if text is _GROUPED:
        del acc.problems[first_problem:]  # read again, in the group's order
        term = _new_term(lang)
        parts = list(el)
        for child in el:
            if _NAME[child.tag] == "termGrp":
                parts = list(child) + [c for c in parts if c is not child]
        text = _term_parts(parts, term, acc, None)
        notes = [c for c in el if _NAME[c.tag] in _NOTE_PARTS]
    if text is None:
        acc.problems.append(f"a {lang} term entry has no <term>")
        return None, notes
    term["text"] = text
    return term, notes


def _term_parts(parts, term: dict, acc: _Entry, notes: list | None):
    """Fill TERM from PARTS; return the term's text (None: no <term>).

    NOTES, when given, gets the parts that may be notes, and a termGrp among
    the parts stops the walk (_GROUPED): the caller reads them again in order.
    """
    text = None
    for child in parts:
        name = _NAME[child.tag]
        if name == "term":
            text = _all_text(child)
        elif name == "termNote":
            _term_note(term, child.get("type"), _all_text(child), acc)
        elif name == "termNoteGrp":
            for g in child:
                if _NAME[g.tag] == "termNote":
                    _term_note(term, g.get("type"), _all_text(g), acc)
            grp_notes = [_all_text(g) for g in child if _NAME[g.tag] == "note"]
            if term["pos"] == "noun" and "properNoun" in grp_notes:
                term["pos"] = "properNoun"
        elif name == "admin":
            if child.get("type") == "source":
                term["source"] = _all_text(child)
        elif name == "note":
            if (child.get("id") or "").endswith("-usage"):
                term["usage"] = _all_text(child)
            if notes is not None:
                notes.append(child)
        elif name == "transacGrp":
            if notes is not None:
                notes.append(child)
        elif name == "termGrp" and notes is not None:
            return _GROUPED
    return text


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
    terms: list[dict] = []
    record: dict[str, Any] = {
        "id": concept_id,
        "domain": "",
        "terms": terms,
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

    entry_notes = []
    for child in el:
        name = _NAME[child.tag]
        if name == "langSec" or name == "langSet":
            lang = _base_lang(child.get(lang_key))
            lang_notes = []
            for part in child:
                pname = _NAME[part.tag]
                if pname == "termSec" or pname == "tig" or pname == "ntig":
                    term, notes = _read_term(part, lang, acc)
                    if term is not None:
                        terms.append(term)
                        if notes or pname == "ntig":
                            key = f"{lang}:{term['text']}"
                            _read_notes_and_meta(notes, lang, key, acc)
                        if pname == "ntig":
                            for grp in part:
                                if _NAME[grp.tag] == "termGrp":
                                    _read_notes_and_meta(grp, lang, key, acc)
                elif pname == "descripGrp":
                    add_definition(_read_definition(part, lang, lang_key))
                elif pname == "descrip" and part.get("type") == "definition":
                    add_definition(_read_definition([part], lang, lang_key))
                elif pname in _NOTE_PARTS:
                    lang_notes.append(part)
            if lang_notes:
                _read_notes_and_meta(lang_notes, lang, None, acc)
        elif name == "descrip":
            kind = child.get("type")
            if kind == "subjectField":
                value = _all_text(child).strip()
                record["domain"] = _DOMAIN_BACK.get(value.casefold(), value)
            elif kind == "definition":
                add_definition(_read_definition([child], None, lang_key))
        elif name == "descripGrp":
            add_definition(_read_definition(child, None, lang_key))
        elif name == "ref":
            if ours and child.get("type") == "crossReference":
                target = _OUR_ID.match(child.get("target") or "")
                if target:
                    # Kept as text when out of range: validate_concept reports it.
                    record["related"].append(target.group(1))
        elif name in _NOTE_PARTS:
            entry_notes.append(child)
    if entry_notes:
        _read_notes_and_meta(entry_notes, None, None, acc)
    if acc.notes:
        for _order, note in sorted(acc.notes, key=lambda x: x[0]):
            meta = acc.meta.get(note.pop("id"), {})
            note["author"] = meta.get("author", "")
            note["date"] = meta.get("date")
            record["notes"].append(note)
    return record, acc.problems


_XML_NS = "http://www.w3.org/XML/1998/namespace"
# Expat (namespace_separator "}") names xml:lang so; ElementTree writes "{" first.
_XML_LANG_EXPAT = _XML_NS + "}lang"
_ENTRY_TAGS = frozenset(("conceptEntry", "termEntry"))
_CHUNK = 64 * 1024


def _refuse_dtd(name, sysid, pubid, _has_internal_subset) -> None:
    raise DTDForbidden(name, sysid, pubid)


def _refuse_entity(name, _is_parameter, value, base, sysid, pubid, notation) -> None:
    raise EntitiesForbidden(name, value, base, sysid, pubid, notation)


def _refuse_unparsed_entity(name, base, sysid, pubid, notation) -> None:
    raise EntitiesForbidden(name, None, base, sysid, pubid, notation)


def _refuse_external(context, base, sysid, pubid) -> int:
    raise ExternalReferenceForbidden(context, base, sysid, pubid)


def _tbx_events(f: IO[bytes]) -> Iterator[tuple[str, Any]]:
    """Yield the events iter_tbx_items needs, as defusedxml's iterparse would.

    Expat feeds ElementTree's C tree builder directly: element starts go to it
    without Python (after the root's), and Python runs once per element end (to
    spot the ends of entries and of the generator's <p>), not the pure-Python
    parser defusedxml must use to set its handlers. Tags and namespaced
    attributes keep expat's names ("ns}name": xml:lang is _XML_LANG_EXPAT). The
    defences are defusedxml's: a DTD, an entity declaration or an external
    reference raises at once (DTDForbidden, EntitiesForbidden,
    ExternalReferenceForbidden). The events are ("root", el) for the first
    element, ("p", el) when a <p> ends and ("entry", el) when an entry ends,
    in document order, each chunk's events
    handed out after the chunk is parsed and before a parse error of that chunk
    is raised (as ParseError), as iterparse does.
    """
    builder = TreeBuilder()
    parser = expat.ParserCreate(None, "}")
    parser.buffer_text = True
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_entity
    parser.UnparsedEntityDeclHandler = _refuse_unparsed_entity
    parser.ExternalEntityRefHandler = _refuse_external
    events: list[tuple[str, Any]] = []
    append, tb_start, tb_end = events.append, builder.start, builder.end

    def start_root(tag: str, attrs: dict[str, str]) -> None:
        append(("root", tb_start(tag, attrs)))
        # Every later element goes to the C tree builder without Python.
        parser.StartElementHandler = tb_start

    def end(tag: str) -> None:
        el = tb_end(tag)
        name = _NAME[tag]
        if name in _ENTRY_TAGS:
            append(("entry", el))
        elif name == "p":
            append(("p", el))

    parser.StartElementHandler = start_root
    parser.EndElementHandler = end
    parser.CharacterDataHandler = builder.data
    while True:
        data = f.read(_CHUNK)
        if not data:
            break
        try:
            parser.Parse(data, False)
        except expat.ExpatError as exc:
            yield from events
            raise _parse_error(exc) from None
        yield from events
        events.clear()
    try:
        parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise _parse_error(exc) from None
    yield from events


def _parse_error(exc: expat.ExpatError) -> ParseError:
    """Return EXC as the ParseError ElementTree raises for it."""
    err = ParseError(exc)
    err.code, err.position = exc.code, (exc.lineno, exc.offset)
    return err


def _parent_of(root, el):
    """The element whose child EL is, or None. EL ended within the chunk just
    parsed, so its parent is on the chain of last children from ROOT down
    (still open, or the last one closed), and EL among its latest children."""
    node = root
    while node is not None and len(node):
        if _has_child(node, el):
            return node
        node = node[-1]
    return None


def _has_child(node, el) -> bool:
    # Entries are removed as they are read: the next one is usually the first.
    return (len(node) > 0 and node[0] is el) or any(
        child is el for child in reversed(node)
    )


def iter_tbx_items(
    f: IO[bytes], *, max_entries: int = MAX_ENTRIES, check: bool = True
) -> Iterator[Item]:
    """Read and validate the concepts of a TBX file (v3 or v2) one entry at a time.

    With CHECK false, an entry's item carries the raw record and the problems
    of reading it, for checked_entry() to finish (in another process).
    """
    ours = False
    root_seen = None
    root = parent = None
    position = 0
    try:
        for event, el in _tbx_events(f):
            if event == "root":
                root = el
                root_seen = name = _local(el.tag)
                if name not in ("tbx", "martif"):
                    yield Item(
                        0,
                        None,
                        [
                            f"the root element is <{name}>, not <tbx> or "
                            "<martif>: not a TBX file"
                        ],
                        True,
                    )
                    return
                continue
            if event == "p":
                if el.get("type") == "generator":
                    ours = (el.text or "").strip() == GENERATOR
                continue
            position += 1
            if position > max_entries:
                yield Item(0, None, [f"more than {max_entries} concept entries"], True)
                return
            entry_id = el.get("id")
            where = f" (id {entry_id})" if entry_id else ""
            raw, problems = entry_to_record(el, ours, _XML_LANG_EXPAT)
            el.clear()
            # Constant memory: an entry in a <body> is dropped once read.
            if parent is None or not _has_child(parent, el):
                parent = _parent_of(root, el)
            if parent is not None and _NAME[parent.tag] == "body":
                parent.remove(el)
            if check:
                yield checked_entry(position, raw, problems, where)
            else:
                # the raw record, not yet a ConceptRecord: checked_entry makes it one
                yield Item(position, cast(ConceptRecord, raw), problems, where=where)
    except DefusedXmlException:
        yield Item(
            0,
            None,
            ["the file declares a DTD or entities, which are refused for safety"],
            True,
        )
        return
    except SyntaxError as exc:  # xml.etree.ElementTree.ParseError
        yield Item(0, None, [f"malformed XML: {exc}"], True)
        return
    if root_seen is None:
        yield Item(0, None, ["the file is empty"], True)
    elif position == 0:
        yield Item(0, None, ["the file has no concept entries"], True)


def checked_entry(
    position: int, raw: dict[str, Any], problems: list[str | Problem], where: str
) -> Item:
    """Normalise and validate an entry's raw record: its item."""
    record = normalise_concept(raw)
    problems = [*problems, *validate_concept(record)]
    return Item(position, None if problems else record, problems, where=where)


def read_tbx(f: IO[bytes], *, max_entries: int = MAX_ENTRIES) -> ReadResult:
    """Read and validate every concept of a TBX file (v3 or v2; binary file F)."""
    return collect(
        iter_tbx_items(f, max_entries=max_entries), "entry", duplicate_entry_message
    )


def duplicate_entry_message(concept_id: int, position: int) -> str:
    """Say that CONCEPT_ID is also entry POSITION (TBX)."""
    return f"id c{concept_id} is also entry {position}"
