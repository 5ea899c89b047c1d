"""Side-by-side rows of two concept records, for the proposal and history pages.

Presentation, not data: the data layer returns records; the views turn two of
them into rows (what, lang, before, after, changed) for the diff templates.
"""

from __future__ import annotations

from ..model import LANGS


def _term_line(t: dict) -> str:
    parts = [t["text"], t["status"]]
    parts += [t[k] for k in ("pos", "usage") if t.get(k)]
    if t.get("source"):
        parts.append(f"source: {t['source']}")
    return " · ".join(parts)


def _rows(record: dict | None) -> dict[tuple, str]:
    rows: dict[tuple, str] = {}
    if not record:
        return rows
    rows[("domain", "", 0)] = record["domain"]
    counters = dict.fromkeys(LANGS, 0)
    for t in record["terms"]:
        counters[t["lang"]] += 1
        rows[("term", t["lang"], counters[t["lang"]])] = _term_line(t)
    for lang in LANGS:
        d = record["definitions"].get(lang)
        if d:
            rows[("definition", lang, 0)] = d["text"] + (
                f" · source: {d['source']}" if d.get("source") else ""
            )
    for n in record["notes"]:
        line = (
            n["text"] + f" — {n['author']}" + (f" ({n['term']})" if n["term"] else "")
        )
        rows[("note", n["lang"], line)] = line
    if record["related"]:
        rows[("related", "", 0)] = ", ".join(str(r) for r in record["related"])
    return rows


def diff(before: dict | None, after: dict | None) -> list[dict]:
    """Return side-by-side rows (what, lang, before, after, changed) of two records."""
    old, new = _rows(before), _rows(after)
    out = []
    for key in list(old) + [k for k in new if k not in old]:
        a, b = old.get(key, ""), new.get(key, "")
        out.append(
            {
                "what": key[0],
                "lang": key[1],
                "before": a,
                "after": b,
                "changed": a != b,
            }
        )
    return out
