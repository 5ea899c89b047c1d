"""Public pages: home, search results, concept, domains, A–Z browsing, about."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import get_locale
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from .. import concepts
from ..db import get_db
from ..lookup import current_lookup
from ..model import DOMAIN_KEYS, LANGS
from ..search import normalise
from ..search.variants import skeleton
from . import display
from .labels import HOW_LABELS, LANG_LABELS, STATUS_LABELS  # noqa: F401 (re-exported)
from .params import MAX_QUERY

bp = Blueprint("pages", __name__)

PAGE_SIZE = 20


def init_app(app) -> None:
    """Expose the domain-name and headword helpers to every template."""
    app.add_template_filter(display.author_name, "author_name")
    app.add_template_filter(display.history_reason, "history_reason")
    app.add_template_filter(display.iri_text, "iri_text")
    app.add_template_filter(display.iri_href, "iri_href")

    @app.context_processor
    def labels() -> dict:
        return {
            "domain_name": domain_name,
            "headword": display.headword,
            "heading_order": display.heading_order,
        }


def domain_name(domain: dict | None) -> str:
    """Return the name of DOMAIN in the interface language."""
    if not domain:
        return ""
    return domain.get(f"name_{get_locale()}") or domain["name_en"]


@bp.get("/")
def home():
    """Show the search box, an introduction and the domains."""
    db = get_db()
    return render_template(
        "pages/home.html", domains=concepts.list_domains(db), counts=concepts.counts(db)
    )


@bp.get("/search")
def search():
    """Show the concepts that match the query, or say that none do."""
    db = get_db()
    q = request.args.get("q", "").strip()[:MAX_QUERY]
    search_lang = request.args.get("in")
    search_lang = search_lang if search_lang in LANGS else None
    domain_key = request.args.get("domain")
    domain_key = domain_key if domain_key in DOMAIN_KEYS else None
    page = request.args.get("page", 1, type=int)
    page = max(1, min(page or 1, 50))
    results, suggestions = [], []
    elsewhere: dict | None = None
    if q:
        results = current_lookup().search(
            db,
            q,
            lang=search_lang,
            domain=domain_key,
            limit=PAGE_SIZE + 1,
            offset=(page - 1) * PAGE_SIZE,
        )
        if not results:
            suggestions = current_lookup().suggestions(db, q)
            if search_lang or domain_key:
                elsewhere = _found_elsewhere(db, q)
        elif page == 1 and all(r["match"]["how"] == "fuzzy" for r in results):
            # nothing matched as typed: say so, and offer the closest spellings
            close = {r["match"]["text"]: r["match"]["lang"] for r in results[:3]}
            suggestions = [{"text": t, "lang": lang} for t, lang in close.items()]
        if search_lang:
            # other languages are the "found elsewhere" line's business
            suggestions = [s for s in suggestions if s["lang"] == search_lang]
        suggestions = close_suggestions(q, suggestions)
    domains = {d["key"]: d for d in concepts.list_domains(db)}
    filters = {k: v for k, v in (("in", search_lang), ("domain", domain_key)) if v}
    # entries for parts are offered only when the phrase has no entry as a whole
    no_whole_phrase = any(r["match"]["how"] == "part" for r in results)

    def page_url(n: int) -> str:
        return url_for("pages.search", q=q, page=n, **filters)

    return render_template(
        "pages/search.html",
        q=q,
        results=results[:PAGE_SIZE],
        first_rank=(page - 1) * PAGE_SIZE + 1,
        suggestions=suggestions,
        prev_url=page_url(page - 1) if page > 1 and q else None,
        next_url=page_url(page + 1) if len(results) > PAGE_SIZE else None,
        search_lang=search_lang,
        domain_key=domain_key,
        domains=domains,
        no_whole_phrase=no_whole_phrase,
        elsewhere=elsewhere,
        all_url=url_for("pages.search", q=q),
    )


# "Did you mean" offers only spellings really close to the query, compared on
# the script-neutral Latin skeleton (so kreativti meets креативті), as a whole
# or word by word: at most two edits apart, or at least this similar (rapidfuzz
# ratio, 0-100) with the same first three letters (typos keep the beginning).
# So кітапхна finds кітапхана and креатиффф finds креативті, but куратор
# never brings up бизнес-инкубатор (3 edits from инкубатор, no shared start).
MIN_SIMILARITY = 65
MAX_EDITS = 2
SAME_START = 3


def _close(a: str, b: str) -> bool:
    if Levenshtein.distance(a, b) <= MAX_EDITS:
        return True
    return fuzz.ratio(a, b) >= MIN_SIMILARITY and a[:SAME_START] == b[:SAME_START]


def close_suggestions(query: str, found: list[dict]) -> list[dict]:
    """Keep the suggestions that differ from QUERY but are really close to it."""
    key, skel = normalise(query), skeleton(query)
    kept = []
    for s in found:
        if normalise(s["text"]) == key:
            continue
        other = skeleton(s["text"])
        parts = [other] + (other.split() if " " not in skel else [])
        if any(_close(skel, part) for part in parts):
            kept.append(s)
    return kept


def _found_elsewhere(db, q: str) -> dict | None:
    """Say where Q is found when the filters hide it: its languages and domains."""
    hits = [
        r
        for r in current_lookup().search(db, q, limit=20)
        if r["match"]["how"] != "fuzzy"
    ]
    if not hits:
        return None
    langs = [lang for lang in LANGS if any(r["match"]["lang"] == lang for r in hits)]
    domains = sorted({r["domain"] for r in hits})
    return {
        "langs": langs,
        "lang_names": ", ".join(str(LANG_LABELS[lang]) for lang in langs),
        "domain_names": ", ".join(domain_name(concepts.domain(db, k)) for k in domains),
    }


@bp.get("/concepts/<int:concept_id>")
def concept(concept_id: int):
    """Show one concept: all its terms, definitions, notes and history."""
    view = concepts.concept_view(get_db(), concept_id)  # NotFound: a 404 page
    return render_template("pages/concept.html", c=view)


@bp.get("/domains")
def domains():
    """List the domains (subject fields)."""
    return render_template(
        "pages/domains.html", domains=concepts.list_domains(get_db())
    )


@bp.get("/domains/<key>")
def domain(key: str):
    """List the concepts of one domain, sorted in the chosen language."""
    db = get_db()
    found = concepts.domain(db, key)
    if found is None:
        abort(404)
    # By default the list follows the interface language's alphabet.
    sort_lang = request.args.get("sort")
    if sort_lang not in LANGS:
        ui = str(get_locale())
        sort_lang = ui if ui in LANGS else "en"
    return render_template(
        "pages/domain.html",
        domain=found,
        sort_lang=sort_lang,
        items=concepts.concepts_in_domain(db, key, sort_lang),
    )


@bp.get("/browse/<term_lang>")
@bp.get("/browse/<term_lang>/<letter>")
def browse(term_lang: str, letter: str | None = None):
    """Browse one language's terms A–Z, in that language's alphabet."""
    if term_lang not in LANGS:
        abort(404)
    db = get_db()
    all_letters = concepts.letters(db, term_lang)
    if letter is None and all_letters:
        letter = all_letters[0]
    if letter is not None and letter not in all_letters:
        abort(404)
    items = concepts.terms_by_letter(db, term_lang, letter) if letter else []
    return render_template(
        "pages/browse.html",
        term_lang=term_lang,
        letter=letter,
        letters=all_letters,
        items=items,
    )


@bp.get("/about")
def about():
    """Tell where the glossary comes from."""
    return render_template("pages/about.html", counts=concepts.counts(get_db()))
