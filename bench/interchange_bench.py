"""Benchmark export and import: wall time and peak memory (RSS) per format and size.

Not a test. Run: python bench/interchange_bench.py [--sizes 10000,100000,1000000]
[--formats csv,tbx,json]. Sizes count terms; each synthetic concept has three
(en, ru, kk) built from the Apertium triples in shared/data (reference data,
never glossary content), a definition, a source per term, and a note on every
fifth concept. Every measurement runs in a fresh process so that its peak RSS
(ru_maxrss) is its own. Prints a Markdown table for bench/README.md.
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # this checkout's glossary package
DATA = HERE.parent.parent / "shared" / "data"
SUFFIX = {"csv": "csv", "tbx": "tbx", "json": "json"}


def triples() -> list[tuple[str, str, str]]:
    """Return the (en, ru, kk) triples usable as terms."""
    from glossary.model import normalise_concept, validate_concept

    out = []
    with open(DATA / "apertium_triples.csv", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            record = normalise_concept(
                {
                    "terms": [
                        {"lang": lang, "text": row[lang]} for lang in ("en", "ru", "kk")
                    ]
                }
            )
            if not validate_concept(record):
                out.append((row["en"], row["ru"], row["kk"]))
    return out


def synthetic(n_terms: int) -> Iterator[dict]:
    """Yield valid concept records holding N_TERMS terms in all (three per concept)."""
    base = triples()
    k = len(base)
    for i in range(n_terms // 3):
        en, ru, kk = base[i % k]
        if i >= k:  # compound terms keep every concept's terms distinct
            en2, ru2, kk2 = base[(i // k) % k]
            en, ru, kk = f"{en} {en2}", f"{ru} {ru2}", f"{kk} {kk2}"
        source = f"https://example.org/apertium/{i}"
        record = {
            "id": i + 1,
            "domain": "general",
            "terms": [
                {
                    "lang": lang,
                    "text": text,
                    "status": "preferred",
                    "pos": "noun",
                    "usage": "",
                    "source": source,
                }
                for lang, text in (("en", en), ("ru", ru), ("kk", kk))
            ],
            "definitions": {
                "en": {"text": f"Synthetic concept {i + 1}: {en}.", "source": "bench"}
            },
            "notes": [],
            "related": [i] if i else [],
        }
        if i % 5 == 0:
            record["notes"].append(
                {
                    "text": 'A note, with <markup> & "quotes".',
                    "lang": "en",
                    "author": "bench",
                    "date": "2026-11-29",
                    "term": None,
                }
            )
        yield record


def make_file(fmt: str, n_terms: int, path: Path) -> None:
    """Write the synthetic glossary as FMT to PATH (streamed; not measured)."""
    from glossary.interchange.csvfile import header_for, iter_concepts_csv
    from glossary.interchange.jsonfile import iter_json
    from glossary.interchange.tbx import iter_tbx
    from glossary.search import to_kazakh_latin

    records = synthetic(n_terms)
    if fmt == "csv":
        header = header_for({"en": 1, "ru": 1, "kk": 1}, 1)
        chunks = iter_concepts_csv(records, header=header, to_latin=to_kazakh_latin)
    elif fmt == "json":
        chunks = iter_json(records, to_latin=to_kazakh_latin)
    else:
        chunks = iter_tbx(records, version=3, to_latin=to_kazakh_latin)
    with open(path, "w", encoding="utf-8", newline="") as out:
        for chunk in chunks:
            out.write(chunk)


def step(action: str, fmt: str, db_path: str, file_path: str) -> None:
    """Run one measured action in this process and print its numbers as JSON."""
    from glossary import exchange
    from glossary.db import connect
    from glossary.startup import prepare_database

    start = time.perf_counter()
    if action == "import":
        prepare_database(db_path, None)
        db = connect(db_path)
        with open(file_path, "rb") as f:
            report = exchange.import_file(db, f, Path(file_path).name, author="bench")
        assert report["ok"], report["errors"][:3]
    else:
        db = connect(db_path)
        with open(file_path, "w", encoding="utf-8", newline="") as out:
            for chunk in exchange.export_chunks(db, fmt):
                out.write(chunk)
    db.close()
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "peak_mib": peak_rss_mib()}))


def peak_rss_mib() -> float:
    """Return this process's peak RSS in MiB.

    VmHWM, not getrusage's ru_maxrss: Linux carries ru_maxrss over exec from
    the parent, which would charge the parent's memory to the child.
    """
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(action: str, fmt: str, db_path: Path, file_path: Path) -> dict:
    out = subprocess.run(
        [
            sys.executable,
            __file__,
            "--step",
            action,
            "--format",
            fmt,
            "--db",
            str(db_path),
            "--file",
            str(file_path),
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--formats", default="csv,tbx,json")
    parser.add_argument("--step")
    parser.add_argument("--format")
    parser.add_argument("--db")
    parser.add_argument("--file")
    args = parser.parse_args()
    if args.step:
        step(args.step, args.format, args.db, args.file)
        return
    print(
        "| terms | format | file size | import s | import peak RSS | export s | "
        "export peak RSS |"
    )
    print("|---:|---|---:|---:|---:|---:|---:|")
    for size in (int(s) for s in args.sizes.split(",")):
        for fmt in args.formats.split(","):
            with tempfile.TemporaryDirectory() as tmp:
                source = Path(tmp) / f"in.{SUFFIX[fmt]}"
                make_file(fmt, size, source)
                db = Path(tmp) / "g.db"
                imported = measure("import", fmt, db, source)
                exported = measure("export", fmt, db, Path(tmp) / f"out.{SUFFIX[fmt]}")
                same = (
                    Path(tmp) / f"out.{SUFFIX[fmt]}"
                ).read_bytes() == source.read_bytes()
                mib = source.stat().st_size / 2**20
                print(
                    f"| {size:,} | {fmt} | {mib:,.1f} MiB | "
                    f"{imported['seconds']:.1f} | "
                    f"{imported['peak_mib']:.0f} MiB | {exported['seconds']:.1f} | "
                    f"{exported['peak_mib']:.0f} MiB |"
                    + ("" if same else " (export differs from input!)"),
                    flush=True,
                )


if __name__ == "__main__":
    main()
