"""Read and write the glossary's CSV layout: one row per concept (pure, streaming).

The layout is documented in README.md ("CSV layout"). In short: `id`, `domain`,
`term_en`, `term_ru`, `term_kk`, then per language the first term's `status_xx`,
`pos_xx`, `usage_xx`, `source_xx` (and derived `latin_kk`); further terms in
numbered slots `term_xx_2`, `status_xx_2`, …; `definition_xx` with
`definition_source_xx`; `related` (ids separated by spaces); notes in numbered
slots `note_N`, `note_N_lang`, `note_N_term`, `note_N_author`, `note_N_date`.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, NamedTuple

from ..model import (
    LANGS,
    ConceptRecord,
    bad_id,
    normalise_concept,
    parse_id,
    validate_concept,
)
from ..problems import Problem

TERM_FIELDS = ("term", "status", "pos", "usage", "source")
NOTE_FIELDS = ("", "_lang", "_term", "_author", "_date")
MAX_ROWS = 2_000_000
MAX_CELL = 20_000
# A physical line (or quoted cell) past these is refused while it is read, before
# it can fill memory: the csv module stops a field at FIELD_LIMIT characters.
MAX_LINE = 16 * 1024 * 1024
FIELD_LIMIT = 4 * MAX_CELL

# A spreadsheet runs a cell that starts with one of these as a formula
# (OWASP "CSV injection"); export prefixes such a cell with an apostrophe and
# import takes it off again, so that a suffix such as "-лар" survives.
_FORMULA = re.compile(r"^'*[=+\-@\t\r]")
_GUARDED = re.compile(r"^'+[=+\-@\t\r]")

# The first term has no number (term_en); further ones are numbered from 2.
_SLOT = re.compile(r"^(term|status|pos|usage|source)_(en|ru|kk)(?:_([2-9]|[1-9]\d+))?$")
_LATIN_SLOT = re.compile(r"^latin_kk(?:_([2-9]|[1-9]\d+))?$")
_DEF = re.compile(r"^definition(_source)?_(en|ru|kk)$")
_NOTE = re.compile(r"^note_([1-9]\d*)(_lang|_term|_author|_date)?$")


def guard_cell(value: str) -> str:
    """Return VALUE made safe to open in a spreadsheet (reversible)."""
    return "'" + value if _FORMULA.match(value) else value


def unguard_cell(value: str) -> str:
    """Undo guard_cell."""
    return value[1:] if _GUARDED.match(value) else value


class Item(NamedTuple):
    """One concept read from a file: its line (entry, concept) number, the valid
    record (None when there are problems) and the problems; FATAL means nothing
    after it can be read."""

    pos: int
    record: ConceptRecord | None
    problems: Sequence[str | Problem]  # a Problem shows its English message
    fatal: bool = False
    where: str = ""  # said after the number: " (id c17)"


def collect(
    items: Iterable[Item], unit: str, twice: Callable[[int, int], str]
) -> ReadResult:
    """Gather ITEMS into a ReadResult; TWICE(id, pos) says an id occurs again."""
    result = ReadResult()
    seen: dict[int, int] = {}
    for item in items:
        prefix = f"{unit} {item.pos}{item.where}: " if item.pos else ""
        problems = list(item.problems)
        record = item.record
        if record is not None and isinstance(record["id"], int):
            if record["id"] in seen:
                problems.append(twice(record["id"], seen[record["id"]]))
            seen[record["id"]] = item.pos
        if problems:
            result.errors += [f"{prefix}{p}" for p in problems]
            if item.fatal:
                return result
            continue
        if record is None:  # an Item without problems carries its record
            raise ValueError(f"{prefix}no record and no problem")
        result.records.append(record)
        result.lines.append(item.pos)
    return result


@dataclass
class ReadResult:
    """Concept records read from a file, with the line-numbered errors found."""

    records: list[ConceptRecord] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def term_columns(lang: str, slot: int) -> list[str]:
    """Return the column names of term SLOT (1-based) of LANG, in export order."""
    suffix = "" if slot == 1 else f"_{slot}"
    names = [f"{f}_{lang}{suffix}" for f in TERM_FIELDS]
    if lang == "kk":
        names.append(f"latin_kk{suffix}")
    return names


def header_for(term_slots: dict[str, int], note_slots: int) -> list[str]:
    """Return the export header for the given number of term and note slots."""
    header = ["id", "domain", "term_en", "term_ru", "term_kk"]
    for lang in LANGS:
        header += term_columns(lang, 1)[1:]
    for lang in LANGS:
        for slot in range(2, term_slots.get(lang, 1) + 1):
            header += term_columns(lang, slot)
    for lang in LANGS:
        header += [f"definition_{lang}", f"definition_source_{lang}"]
    header.append("related")
    for n in range(1, note_slots + 1):
        header += [f"note_{n}{f}" for f in NOTE_FIELDS]
    return header


def slots_needed(records: Iterable[dict]) -> tuple[dict[str, int], int]:
    """Return the term slots per language and the note slots RECORDS need."""
    term_slots = dict.fromkeys(LANGS, 1)
    note_slots = 0
    for r in records:
        for lang in LANGS:
            n = sum(1 for t in r["terms"] if t["lang"] == lang)
            term_slots[lang] = max(term_slots[lang], n)
        note_slots = max(note_slots, len(r["notes"]))
    return term_slots, note_slots


def concept_to_row(record: dict, to_latin: Callable[[str], str]) -> dict[str, str]:
    """Flatten a concept record into one CSV row (a dict keyed by column)."""
    row = {
        "id": "" if record.get("id") is None else str(record["id"]),
        "domain": record["domain"],
    }
    for lang in LANGS:
        terms = [t for t in record["terms"] if t["lang"] == lang]
        for slot, t in enumerate(terms, 1):
            names = term_columns(lang, slot)
            for name, f in zip(names, TERM_FIELDS, strict=False):
                row[name] = t["text" if f == "term" else f] or ""
            if lang == "kk":
                row[names[-1]] = to_latin(t["text"])
    for lang, d in record["definitions"].items():
        row[f"definition_{lang}"] = d["text"]
        row[f"definition_source_{lang}"] = d["source"]
    row["related"] = " ".join(str(r) for r in record["related"])
    for n, note in enumerate(record["notes"], 1):
        row[f"note_{n}"] = note["text"]
        row[f"note_{n}_lang"] = note["lang"]
        row[f"note_{n}_term"] = note["term"] or ""
        row[f"note_{n}_author"] = note["author"]
        row[f"note_{n}_date"] = note["date"] or ""
    return row


def write_concepts_csv(
    records: Iterable[dict],
    out: IO[str],
    *,
    header: list[str],
    to_latin: Callable[[str], str],
) -> int:
    """Write RECORDS under HEADER to OUT, one row per concept; return the row count."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    count = 0
    for record in records:
        row = concept_to_row(record, to_latin)
        writer.writerow([guard_cell(row.get(name, "")) for name in header])
        count += 1
    return count


def iter_concepts_csv(
    records: Iterable[dict],
    *,
    header: list[str],
    to_latin: Callable[[str], str],
    delimiter: str = ",",
) -> Iterator[str]:
    """Yield the CSV file of RECORDS under HEADER a few rows at a time (streaming)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", delimiter=delimiter)
    writer.writerow(header)
    for n, record in enumerate(records, 1):
        row = concept_to_row(record, to_latin)
        writer.writerow([guard_cell(row.get(name, "")) for name in header])
        if n % 100 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def check_header(header: list[str]) -> list[str]:
    """Return the problems with a CSV HEADER (empty when it can be read)."""
    problems = []
    seen = set()
    for name in header:
        if name in seen:
            problems.append(f"column {name!r} appears twice")
        seen.add(name)
        if (
            name in ("id", "domain", "related")
            or _SLOT.match(name)
            or _LATIN_SLOT.match(name)
            or _DEF.match(name)
            or _NOTE.match(name)
        ):
            continue
        problems.append(f"unknown column {name!r} (the layout is in README.md)")
    if not {"term_en", "term_ru", "term_kk"} & seen:
        problems.append("no term column: the header needs term_en, term_ru or term_kk")
    return problems


class RowReader:
    """Turns rows under one header into raw concept records (the header read once)."""

    def __init__(self, header: list[str]) -> None:
        self.id = header.index("id") if "id" in header else None
        self.domain = header.index("domain") if "domain" in header else None
        self.related = header.index("related") if "related" in header else None
        slots: dict[tuple[str, int], dict[str, int]] = {}
        notes: dict[int, dict[str, int]] = {}
        self.definitions: list[tuple[str, str, int]] = []
        for i, name in enumerate(header):
            if m := _SLOT.match(name):
                key = (m.group(2), int(m.group(3) or 1))
                slots.setdefault(key, {})[m.group(1)] = i
            elif m := _DEF.match(name):
                self.definitions.append(
                    (m.group(2), "source" if m.group(1) else "text", i)
                )
            elif m := _NOTE.match(name):
                notes.setdefault(int(m.group(1)), {})[(m.group(2) or "_text")[1:]] = i
        # Per slot: its language, number and the column of each TERM_FIELDS
        # entry (None where the header lacks it), looked up once here.
        self.slots = [
            (lang, slot, tuple(slots[(lang, slot)].get(f) for f in TERM_FIELDS))
            for lang, slot in sorted(slots, key=lambda k: (LANGS.index(k[0]), k[1]))
        ]
        self.notes = [notes[n] for n in sorted(notes)]

    def read(self, cells: list[str]) -> dict:
        """Return {"record", "problems"} for one row's CELLS."""
        if "'" in "".join(cells):  # a guarded cell starts with an apostrophe
            cells = [unguard_cell(c) if c[:1] == "'" else c for c in cells]
        terms: list[dict[str, str]] = []
        problems: list[str | Problem] = []
        for lang, slot, columns in self.slots:
            term, status, pos, usage, source = (
                "" if i is None else cells[i] for i in columns
            )
            if not term.strip():
                given = zip(TERM_FIELDS[1:], (status, pos, usage, source), strict=True)
                extra = [f for f, v in given if v.strip()]
                if extra:
                    col = term_columns(lang, slot)[0]
                    problems.append(f"{', '.join(extra)} given for an empty {col}")
                continue
            terms.append(
                {
                    "lang": lang,
                    "text": term,
                    "status": status.strip()
                    or ("preferred" if slot == 1 else "admitted"),
                    "pos": pos,
                    "usage": usage,
                    "source": source,
                }
            )
        definitions: dict[str, dict[str, str]] = {}
        for lang, key, i in self.definitions:
            definitions.setdefault(lang, {"text": "", "source": ""})[key] = cells[i]
        note_list = []
        for where in self.notes:
            got = {k: cells[i] for k, i in where.items()}
            if not "".join(got.values()).strip():
                continue
            lang = got.get("lang", "").strip()
            term = got.get("term", "").strip()
            if not lang and ":" in term:
                lang = term.split(":", 1)[0]
            note_list.append(
                {
                    "text": got.get("text", ""),
                    "lang": lang,
                    "author": got.get("author", ""),
                    "date": got.get("date", ""),
                    "term": term,
                }
            )
        related = []
        raw = cells[self.related] if self.related is not None else ""
        for r in raw.replace(",", " ").split():
            value = parse_id(r)
            if value is not None:
                related.append(value)
            else:
                problems.append(bad_id("related", r))
        raw_id = cells[self.id].strip() if self.id is not None else ""
        domain = cells[self.domain] if self.domain is not None else ""
        record = {
            # An id out of range stays text, for validate_concept to report.
            "id": parse_id(raw_id) or raw_id or None,
            "domain": domain or "general",
            "terms": terms,
            "definitions": definitions,
            "notes": note_list,
            "related": related,
        }
        return {"record": record, "problems": problems}


def sniff_delimiter(first_line: str) -> str:
    """Guess the delimiter of a header line: comma, semicolon or tab."""
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


class LineTooLong(ValueError):
    """A physical line of the file is longer than MAX_LINE characters."""


def _capped_lines(f: IO[str], first: str) -> Iterator[str]:
    """Yield the lines of F (after FIRST), refusing one longer than MAX_LINE."""
    yield first
    while True:
        line = f.readline(MAX_LINE + 1)
        if not line:
            return
        if len(line) > MAX_LINE:
            raise LineTooLong
        yield line


def iter_rows(f: IO[str]) -> Iterator[tuple[int, list[str] | None, str | None]]:
    """Yield (line number, cells, error) for each row of the CSV file F."""
    first = f.readline(MAX_LINE + 1)
    if len(first) > MAX_LINE:
        yield 1, None, f"the line is longer than {MAX_LINE:,} characters"
        return
    if first.startswith("\ufeff"):
        first = first[1:]
    delimiter = sniff_delimiter(first)
    if csv.field_size_limit() != FIELD_LIMIT:
        csv.field_size_limit(FIELD_LIMIT)
    reader = csv.reader(_capped_lines(f, first), delimiter=delimiter, strict=True)
    line = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except LineTooLong:
            yield line, None, f"a line is longer than {MAX_LINE:,} characters"
            return
        except csv.Error as exc:
            if "field larger than field limit" in str(exc):
                yield line, None, f"a cell is longer than {MAX_CELL} characters"
            else:
                yield line, None, f"malformed CSV: {exc}"
            return
        yield line, cells, None
        line = reader.line_num + 1


def iter_csv_items(f: IO[str]) -> Iterator[Item]:
    """Read and validate the CSV file F (text, decoded) one row at a time."""
    header: list[str] | None = None
    rows = 0
    for line, cells, error in iter_rows(f):
        if error or cells is None:
            yield Item(line, None, [error or "unreadable row"], True)
            return
        if header is None:
            header = [c.strip() for c in cells]
            if not any(header):
                yield Item(
                    1, None, ["the file is empty (a header row is needed)"], True
                )
                return
            problems = check_header(header)
            if problems:
                yield Item(1, None, problems, True)
                return
            reader = RowReader(header)
            continue
        if not "".join(cells).strip():
            continue  # blank line (every cell empty or white space)
        rows += 1
        if rows > MAX_ROWS:
            yield Item(line, None, [f"more than {MAX_ROWS} rows"], True)
            return
        if len(cells) != len(header):
            yield Item(
                line,
                None,
                [f"{len(cells)} cells where the header has {len(header)}"],
            )
            continue
        if max(map(len, cells), default=0) > MAX_CELL:
            yield Item(line, None, [f"a cell is longer than {MAX_CELL} characters"])
            continue
        parsed = reader.read(cells)
        record = normalise_concept_safely(parsed["record"], parsed["problems"])
        problems = parsed["problems"] + validate_concept(record)
        yield Item(line, None if problems else record, problems)
    if header is None:
        yield Item(1, None, ["the file is empty (a header row is needed)"], True)


def read_concepts_csv(f: IO[str]) -> ReadResult:
    """Read and validate every row of the CSV file F (text, already decoded)."""
    return collect(iter_csv_items(f), "line", duplicate_id_message)


def duplicate_id_message(concept_id: int, line: int) -> str:
    """Say that CONCEPT_ID is also on LINE (CSV)."""
    return f"id {concept_id} is also on line {line}"


def normalise_concept_safely(
    record: dict, problems: list[str | Problem]
) -> ConceptRecord:
    """Normalise RECORD, turning a non-numeric id into a problem instead of a crash."""
    if record["id"] is not None and not isinstance(record["id"], int):
        problems.append(bad_id("id", record["id"]))
        record = {**record, "id": None}
    return normalise_concept(record)
