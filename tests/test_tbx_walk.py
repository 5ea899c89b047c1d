"""The entry walk reads every entry as the walk before it did.

tbx.entry_to_record walks each element once (the notes and the term's parts
collected in one loop, a termGrp read again in its order). The reference is
the walk as it was (tests/tbx_walk_reference.py); both must give the same raw
record and problems for any tree of TBX's elements: generated entries nest
the elements the walk knows (and one it does not) in any order and depth, with
the attributes and texts that steer it.
"""

from __future__ import annotations

from xml.etree import ElementTree as ET

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from glossary.interchange import tbx
from tests import tbx_walk_reference as reference

NS = "{urn:iso:std:iso:30042:ed-2}"
# What each element holds, roughly as in TBX (a name twice: more often); any
# element may also hold one of the others.
CHILDREN = {
    "entry": ["langSec", "langSec", "langSet", "descrip", "descripGrp", "ref",
              "note", "transacGrp"],
    "lang": ["termSec", "termSec", "tig", "ntig", "descripGrp", "descrip",
             "note", "transacGrp"],
    "term": ["term", "term", "termNote", "termNote", "termNoteGrp", "termGrp",
             "admin", "note", "note", "transacGrp"],
    "group": ["term", "termNote", "note", "admin", "descrip", "ref", "termGrp"],
    "transac": ["ref", "ref", "date", "transacNote", "transacNote", "transac"],
    "text": ["hi"],
}  # fmt: skip
HOLDS = {"langSec": "lang", "langSet": "lang", "termSec": "term", "tig": "term",
         "ntig": "term", "termGrp": "group", "termNoteGrp": "group",
         "descripGrp": "group", "transacGrp": "transac"}  # fmt: skip
OTHERS = sorted({t for tags in CHILDREN.values() for t in tags} | {"conceptEntry"})
# The attributes that steer the walk, by element: few values, so that ids meet
# their references.
TYPES = {
    "descrip": ["subjectField", "definition", "other"],
    "termNote": ["administrativeStatus", "partOfSpeech", "usageNote", None],
    "admin": ["source", "other"],
    "ref": ["crossReference", None],
    "transacNote": ["responsibility", "other"],
}
NOTE_IDS = [None, "c1-n1", "c1-n2", "new3-n12", "c1-en1-usage", "c1-kk1-latin", "n9"]
TARGETS = [None, "c1-n1", "c1-n2", "n9", "c2", "c99999999999"]
LANGS = [None, "en", "ru-RU", "kk", "kk-Latn", "KK_kz", "fr", ""]
TEXTS = [None, "", " ", "museum", "  Музей  ", "c2", "Music", " a\n b "]
VALUES = ["noun", "properNoun", "preferredTerm-admn-sts", "admitted Term", "bogus"]
TEXTS_OF = {"termNote": VALUES, "note": ["properNoun", *TEXTS], "date": ["2026-01-02"]}


def _element(tag: str, attrs: dict, text, tail, children) -> ET.Element:
    el = ET.Element(tag, {k: v for k, v in attrs.items() if v is not None})
    el.text, el.tail = text, tail
    el.extend(children)
    return el


def _elements(level: str, depth: int) -> st.SearchStrategy[ET.Element]:
    tags = st.sampled_from(CHILDREN[level] * 4 + OTHERS)
    return tags.flatmap(lambda tag: _element_of(tag, depth))


def _element_of(tag: str, depth: int) -> st.SearchStrategy[ET.Element]:
    level = HOLDS.get(tag, "text")
    children = (
        st.lists(_elements(level, depth - 1), min_size=level != "text", max_size=3)
        if depth
        else st.just([])
    )
    return st.builds(
        _element,
        st.sampled_from([tag, NS + tag]),
        st.fixed_dictionaries(
            {
                "type": st.sampled_from(TYPES.get(tag, [None, "other"])),
                "id": st.sampled_from(NOTE_IDS if tag == "note" else [None, "x"]),
                tbx._XML_LANG: st.sampled_from(LANGS),
                "target": st.sampled_from(TARGETS),
            }
        ),
        st.sampled_from(TEXTS_OF.get(tag, TEXTS)),
        st.sampled_from(TEXTS),
        children,
    )


def _read(walk, entry: ET.Element, ours: bool):
    record, problems = walk(entry, ours)
    return record, [str(p) for p in problems]


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    st.lists(_elements("entry", 4), max_size=4),
    st.sampled_from([None, "c1", "c0", "c99999999999", "x"]),
    st.booleans(),
)
def test_any_entry_is_walked_as_before(children, entry_id, ours):
    entry = _element(NS + "conceptEntry", {"id": entry_id}, None, None, children)
    # a tree as parsed: what the walk meets in a file
    parsed = ET.fromstring(ET.tostring(entry))
    assert _read(tbx.entry_to_record, parsed, ours) == _read(
        reference.entry_to_record, parsed, ours
    )


def test_a_term_in_a_term_group_is_walked_as_before():
    xml = (
        '<conceptEntry id="c1"><langSet xml:lang="en"><ntig>'
        '<termNote type="administrativeStatus">bogus</termNote>'
        "<termGrp><term>layout</term>"
        '<termNote type="administrativeStatus">admittedTerm-admn-sts</termNote>'
        '<note id="c1-n2">in the group</note></termGrp>'
        '<note id="c1-n1">after it</note></ntig></langSet></conceptEntry>'
    )
    entry = ET.fromstring(xml)
    new = _read(tbx.entry_to_record, entry, True)
    assert new == _read(reference.entry_to_record, entry, True)
    record, problems = new
    assert record["terms"][0]["text"] == "layout"
    # the group's parts are read first, the ntig's own after them
    assert record["terms"][0]["status"] == "bogus"
    assert [n["text"] for n in record["notes"]] == ["after it", "in the group"]
    assert len(problems) == 1 and "bogus" in problems[0]  # reported once


def test_notes_at_every_level_keep_their_metadata():
    def noted(n: int) -> str:
        return (
            f'<note id="c1-n{n}" xml:lang="en">note {n}</note><transacGrp>'
            f'<transacNote type="responsibility">author {n}</transacNote>'
            f'<date>2026-01-0{n}</date><ref target="c1-n{n}">note</ref></transacGrp>'
        )

    xml = (
        f'<conceptEntry id="c1">{noted(1)}<langSec xml:lang="en">{noted(2)}'
        f"<termSec><term>museum</term>{noted(3)}</termSec></langSec>"
        f'<langSet xml:lang="ru"><ntig><termGrp><term>музей</term>{noted(4)}'
        "</termGrp></ntig></langSet></conceptEntry>"
    )
    entry = ET.fromstring(xml)
    new = _read(tbx.entry_to_record, entry, True)
    assert new == _read(reference.entry_to_record, entry, True)
    notes = new[0]["notes"]
    assert [(n["text"], n["author"], n["date"], n["term"]) for n in notes] == [
        (f"note {n}", f"author {n}", f"2026-01-0{n}", term)
        for n, term in [(1, None), (2, None), (3, "en:museum"), (4, "ru:музей")]
    ]
