"""The TBX reader on expat reads every file as it did on defusedxml's iterparse.

iter_tbx_items now drives expat itself (ElementTree's C tree builder, Python
once per element). The reference below is the reader as it was, on defusedxml's
pure-Python iterparse, with the entry walk as it was (tests/tbx_walk_reference.py);
both must give the same items (numbers, records,
messages, fatal flags) for our own files, hostile and foreign files, and files
broken at any point, including past the first chunk of a large file.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from glossary.interchange import tbx
from glossary.interchange.csvfile import Item, read_concepts_csv
from glossary.model import normalise_concept, validate_concept
from glossary.search import to_kazakh_latin
from tests import tbx_walk_reference
from tests.glossaries import glossaries
from tests.test_hostile import FILES

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT.parent / "shared" / "data" / "tbx" / "Example_Astronomy_DCA_VALID.tbx"


def reference_items(f, *, max_entries: int = tbx.MAX_ENTRIES):
    """iter_tbx_items as it was, on defusedxml's iterparse."""
    ours = False
    root_seen = None
    body = None
    position = 0
    try:
        for event, el in iterparse(f, events=("start", "end"), forbid_dtd=True):
            name = tbx._local(el.tag)
            if event == "start":
                if root_seen is None:
                    root_seen = name
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
                if name == "body":
                    body = el
                continue
            if name == "p" and el.get("type") == "generator":
                ours = (el.text or "").strip() == tbx.GENERATOR
            if name not in ("conceptEntry", "termEntry"):
                continue
            position += 1
            if position > max_entries:
                yield Item(0, None, [f"more than {max_entries} concept entries"], True)
                return
            where = f" (id {el.get('id')})" if el.get("id") else ""
            raw, problems = tbx_walk_reference.entry_to_record(el, ours)
            el.clear()
            if body is not None:
                try:
                    body.remove(el)
                except ValueError:
                    pass
            record = normalise_concept(raw)
            problems += validate_concept(record)
            yield Item(position, None if problems else record, problems, where=where)
    except DefusedXmlException:
        yield Item(
            0,
            None,
            ["the file declares a DTD or entities, which are refused for safety"],
            True,
        )
        return
    except SyntaxError as exc:
        yield Item(0, None, [f"malformed XML: {exc}"], True)
        return
    if root_seen is None:
        yield Item(0, None, ["the file is empty"], True)
    elif position == 0:
        yield Item(0, None, ["the file has no concept entries"], True)


def shown(items) -> list[tuple]:
    return [
        (i.pos, i.record, [str(p) for p in i.problems], i.fatal, i.where) for i in items
    ]


def same_items(data: bytes, **kwargs) -> list[tuple]:
    new = shown(tbx.iter_tbx_items(io.BytesIO(data), **kwargs))
    old = shown(reference_items(io.BytesIO(data), **kwargs))
    assert new == old
    return new


def _terms() -> list[dict]:
    with open(ROOT / "terms.csv", encoding="utf-8-sig", newline="") as f:
        return read_concepts_csv(f).records


TERMS = _terms()


def tbx_bytes(records, version: int = 3) -> bytes:
    text = "".join(tbx.iter_tbx(records, version=version, to_latin=to_kazakh_latin))
    return text.encode("utf-8")


@pytest.mark.parametrize("version", [3, 2])
def test_the_seeded_glossary_reads_the_same(version):
    items = same_items(tbx_bytes(TERMS, version))
    assert [i[1] for i in items] == TERMS


@pytest.mark.parametrize(
    "name,data", [(n, d) for n, d, _ in FILES if n.endswith(".tbx")]
)
def test_the_hostile_files_read_the_same(name, data):
    same_items(data)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"   ",
        b"<tbx",
        b"<tbx/>",
        b"<html><body/></html>",
        b"<body><conceptEntry/></body>",
        b'<?xml version="1.0"?><!DOCTYPE tbx [<!ENTITY x "boom">]><tbx>&x;</tbx>',
        b"<tbx><text><body><conceptEntry>",
        b"<tbx>&undefined;</tbx>",
        b"<tbx><x:a/></tbx>",
        b'<tbx xmlns="urn:iso:std:iso:30042:ed-2"><text><body/></text></tbx>',
        # entries outside the body, nested entries, two bodies, prefixes
        b'<tbx><conceptEntry id="c1"><langSec xml:lang="en"><termSec><term>a'
        b"</term></termSec></langSec></conceptEntry><text><body><conceptEntry>"
        b'<conceptEntry id="c2"><langSec xml:lang="ru"><termSec><term>\xd0\xb1'
        b"</term></termSec></langSec></conceptEntry></conceptEntry></body><body>"
        b'<termEntry id="c3"/></body></text></tbx>',
        b'<t:tbx xmlns:t="urn:x"><t:text><t:body><t:conceptEntry id="c1">'
        b'<t:langSec xml:lang="en-GB"><t:termSec><t:term>museum</t:term>'
        b"</t:termSec></t:langSec></t:conceptEntry></t:body></t:text></t:tbx>",
        b"<martif><text><body><termEntry><langSet xml:lang='kk-Latn'><tig>"
        b"<term>muzei</term></tig></langSet></termEntry></body></text></martif>",
        "<tbx><text><body><conceptEntry/></body></text></tbx>".encode("utf-16"),
    ],
)
def test_odd_files_read_the_same(data):
    same_items(data)


def test_the_entry_limit_reads_the_same():
    assert same_items(tbx_bytes(TERMS[:5]), max_entries=3)[-1][3] is True


@pytest.mark.skipif(not EXAMPLE.exists(), reason="shared TBX example not present")
def test_a_foreign_file_reads_the_same():
    same_items(EXAMPLE.read_bytes())


SMALL = tbx_bytes(TERMS[:3])
BREAKS = ["", "<", ">", "&", "&amp", "</x>", "<x>", "]]>", '"', "<!DOCTYPE x>", "\x00"]


@settings(max_examples=300, deadline=None)
@given(st.integers(0, len(SMALL)), st.sampled_from(BREAKS), st.booleans())
def test_a_file_broken_anywhere_reads_the_same(at, insert, truncate):
    data = SMALL[:at] + insert.encode() + (b"" if truncate else SMALL[at:])
    same_items(data)


LARGE = tbx_bytes(TERMS * 4)


@pytest.mark.slow  # an equivalence check over many cases (CI runs it)
@settings(max_examples=20, deadline=None)
@given(st.integers(0, len(LARGE)), st.sampled_from(BREAKS[1:]))
def test_a_large_file_broken_past_its_first_chunks_reads_the_same(at, insert):
    assert len(LARGE) > 3 * tbx._CHUNK
    same_items(LARGE[:at] + insert.encode() + LARGE[at:])


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(glossaries())
def test_generated_glossaries_read_the_same(records):
    for version in (3, 2):
        same_items(tbx_bytes(records, version))
