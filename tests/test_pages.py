"""Public pages: home, search, concept, domains, A–Z, about, errors, headers."""

from __future__ import annotations

import urllib.parse

import pytest

from glossary import concepts
from glossary.db import connect
from glossary.model import DOMAINS, LANGS, normalise_concept
from glossary.search import initial, sort_key, to_kazakh_latin
from glossary.views.pages import HOW_LABELS, STATUS_LABELS
from tests.page_support import parse_html

ALPHABETS = {
    "en": "A B C D E F G H I J K L M N O P Q R S T U V W X Y Z".split(),
    "ru": "А Б В Г Д Е Ё Ж З И Й К Л М Н О П Р С Т У Ф Х Ц Ч Ш Щ Ъ Ы Ь Э Ю Я".split(),
    "kk": (
        "А Ә Б В Г Ғ Д Е Ё Ж З И Й К Қ Л М Н Ң О Ө П Р С Т У Ұ Ү Ф Х Һ Ц Ч Ш Щ Ъ Ы І "
        "Ь Э Ю Я"
    ).split(),
}


def page(client, url: str, status: int = 200):
    """GET URL and return its parsed HTML (after checking the status)."""
    response = client.get(url)
    assert response.status_code == status, url
    assert response.mimetype == "text/html"
    return parse_html(response.get_data(as_text=True))


def label(app, labels: dict, key: str) -> str:
    with app.test_request_context():
        return str(labels[key])


def add_concepts(app, *records: dict) -> list[int]:
    """Save RECORDS into the app's database; return their ids."""
    db = connect(app.config["DATABASE"])
    try:
        return [
            concepts.save_concept(db, normalise_concept(r), author="test")[0]
            for r in records
        ]
    finally:
        db.close()


def terms_in(element, lang: str | None = None) -> list[str]:
    return [
        e.text()
        for e in element.find_all(cls="term")
        if lang is None or e.attrs.get("lang") == lang
    ]


# --- home ------------------------------------------------------------------------


def test_home_has_a_search_form_and_an_introduction(client, seed_records):
    doc = page(client, "/")
    forms = [f for f in doc.find_all("form") if f.attrs.get("action") == "/search"]
    assert forms
    form = forms[0]
    assert form.attrs.get("method", "get").lower() == "get"
    box = form.find("input", name="q")
    assert box is not None
    # The box has a visible label.
    assert doc.find("label", **{"for": box.attrs["id"]}) is not None
    text = doc.find("main").text()
    assert "English" in text and "Russian" in text and "Kazakh" in text
    assert str(len(seed_records)) in text


def test_home_lists_the_domains(client):
    doc = page(client, "/")
    links = {a.attrs.get("href") for a in doc.find_all("a")}
    for key, *_ in DOMAINS:
        assert f"/domains/{key}" in links


# --- search ------------------------------------------------------------------------


def test_search_shows_each_hit_with_its_terms_statuses_and_how(app, client, seed_by_id):
    doc = page(client, "/search?q=" + urllib.parse.quote("creative industries"))
    results = doc.find_all(cls="result")
    assert results
    first = results[0]
    assert first.find("a", href="/concepts/1") is not None
    seed = seed_by_id[1]
    for lang in LANGS:
        assert terms_in(first, lang) == [
            t["text"] for t in seed["terms"] if t["lang"] == lang
        ]
    statuses = [e.text() for e in first.find_all(cls="status")]
    assert statuses == [label(app, STATUS_LABELS, t["status"]) for t in seed["terms"]]
    latin = [e.text() for e in first.find_all(cls="latin")]
    assert "kreativtı industriialar" in latin
    assert label(app, HOW_LABELS, "exact") in first.find(cls="how").text()


@pytest.mark.parametrize(
    "query, how",
    [
        ("kreativtı industriialar", "latin"),
        ("Creative Industries", "exact"),
        ("креативти индустриялар", "folded"),
    ],
)
def test_search_says_how_each_hit_matched(app, client, query, how):
    doc = page(client, "/search?q=" + urllib.parse.quote(query))
    first = doc.find_all(cls="result")[0]
    assert first.find("a", href="/concepts/1") is not None
    assert label(app, HOW_LABELS, how) in first.find(cls="how").text()


def test_search_filters_by_language_and_domain(client):
    doc = page(client, "/search?q=" + urllib.parse.quote("креатив") + "&in=kk")
    results = doc.find_all(cls="result")
    assert results
    for result in results:
        assert result.find("h2").find("span").attrs["lang"] == "kk"
    doc = page(client, "/search?q=creative&domain=business")
    results = doc.find_all(cls="result")
    assert results
    for result in results:
        assert "Business, funding and IP" in result.find(cls="how").text()
    assert doc.find("a", href="/concepts/1") is None


def test_nothing_found_says_so_and_suggests(client, seed_records):
    all_terms = {t["text"] for r in seed_records for t in r["terms"]}
    query = "креатиффф"
    response = client.get("/search?q=" + urllib.parse.quote(query))
    assert response.status_code == 200
    doc = parse_html(response.get_data(as_text=True))
    # Only similar spellings match: the page says so before listing them.
    assert all(
        "similar spelling" in r.find(cls="how").text()
        for r in doc.find_all(cls="result")
    )
    nothing = doc.find(cls="nothing")
    assert nothing is not None
    assert f"No term matches “{query}” as typed." in nothing.text()
    assert "Did you mean" in nothing.text()
    suggested = [
        a for a in nothing.find_all("a") if a.attrs["href"].startswith("/search")
    ]
    assert suggested
    for link in suggested:
        assert link.text() in all_terms
        # Following a suggestion finds something.
        followed = page(client, link.attrs["href"])
        assert followed.find_all(cls="result"), link.text()


def test_suggested_terms_carry_their_language(client):
    doc = page(client, "/search?q=" + urllib.parse.quote("креатиффф"))
    suggested = [
        a
        for a in doc.find(cls="nothing").find_all("a")
        if a.attrs["href"].startswith("/search")
    ]
    assert suggested
    for link in suggested:
        langs = [e.attrs["lang"] for e in link.iter() if "lang" in e.attrs]
        assert langs and langs[0] in LANGS, link.text()


def test_a_query_far_from_everything_still_explains(client):
    doc = page(client, "/search?q=zzzzqqqq")
    nothing = doc.find(cls="nothing")
    assert nothing is not None
    assert "Nothing found for “zzzzqqqq”" in nothing.text()
    assert doc.find_all(cls="result") == []


def test_empty_search_asks_for_a_term(client):
    doc = page(client, "/search?q=")
    assert doc.find_all(cls="result") == []
    assert doc.find("input", name="q") is not None


@pytest.mark.parametrize(
    "params",
    [
        {"q": "art", "page": "abc"},
        {"q": "art", "page": "-3"},
        {"q": "art", "page": "99999999999999999999"},
        {"q": "art", "in": "xx"},
        {"q": "art", "domain": "<b>"},
        {"q": "a" * 5000},
        {"q": "\x00\u202e"},
    ],
)
def test_odd_search_parameters_do_not_break_the_page(client, params):
    response = client.get("/search", query_string=params)
    assert response.status_code == 200
    assert "<b>" not in response.get_data(as_text=True).split("</header>", 1)[1]


def test_hostile_query_is_escaped(client):
    query = "<script>alert(1)</script>"
    response = client.get("/search", query_string={"q": query})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert query not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    doc = parse_html(html)
    assert [s for s in doc.find_all("script") if not s.attrs.get("src")] == []


@pytest.mark.parametrize("query", ['"><img src=x onerror=alert(1)>', "' onfocus='x"])
def test_hostile_query_cannot_leave_an_attribute(client, query):
    doc = page(client, "/search?" + urllib.parse.urlencode({"q": query}))
    for element in doc.iter():
        assert not [name for name in element.attrs if name.startswith("on")]
    assert doc.find("img", src="x") is None


# --- concept page --------------------------------------------------------------------


def test_concept_page_shows_the_whole_entry(app, client, seed_by_id):
    doc = page(client, "/concepts/1")
    main = doc.find("main")
    seed = seed_by_id[1]
    assert doc.find("h1").text() == "creative industries"

    for lang in LANGS:
        assert terms_in(main, lang) == [
            t["text"] for t in seed["terms"] if t["lang"] == lang
        ]
    latin = [e.text() for e in main.find_all(cls="latin")]
    assert latin == [
        to_kazakh_latin(t["text"]) for t in seed["terms"] if t["lang"] == "kk"
    ]
    assert latin[0] == "kreativtı industriialar"
    for e in main.find_all(cls="latin"):
        assert e.attrs["lang"] == "kk-Latn"

    statuses = [e.text() for e in main.find_all(cls="status")]
    assert statuses == [label(app, STATUS_LABELS, t["status"]) for t in seed["terms"]]

    links = {a.attrs.get("href") for a in main.find_all("a")}
    text = main.text()
    for t in seed["terms"]:
        for word in t["source"].split():
            if word.startswith(("http://", "https://")):
                assert word in links, word
            else:
                assert word in text
        if t["usage"]:
            assert " ".join(t["usage"].split()) in text

    for note in seed["notes"]:
        assert " ".join(note["text"].split()) in text
    assert seed["notes"]

    domain = next(d for d in DOMAINS if d[0] == seed["domain"])
    assert f"/domains/{seed['domain']}" in links
    assert domain[1] in text

    for related in seed["related"]:
        assert f"/concepts/{related}" in links
    assert seed["related"]


def test_related_concepts_are_named_in_their_languages(client, seed_by_id):
    doc = page(client, "/concepts/1")
    for related in seed_by_id[1]["related"]:
        [link] = [
            a
            for a in doc.find("main").find_all("a")
            if a.attrs.get("href") == f"/concepts/{related}"
        ]
        first_terms = {
            t["lang"]: t["text"] for t in reversed(seed_by_id[related]["terms"])
        }
        spans = {
            s.attrs["lang"]: s.text()
            for s in link.find_all("span")
            if "lang" in s.attrs
        }
        assert spans == first_terms


def test_concept_page_shows_its_history(client):
    doc = page(client, "/concepts/1")
    history = doc.find(cls="history")
    assert history is not None
    entries = history.find_all("li")
    assert entries
    assert "seed" in entries[-1].text()
    assert entries[-1].find("time") is not None


@pytest.mark.parametrize("url", ["/concepts/999999", "/concepts/0", "/concepts/abc"])
def test_unknown_concept_is_a_404_page(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert "Page not found" in html
    assert parse_html(html).find("input", name="q") is not None


def test_every_term_element_has_a_term_language(client, seed_records):
    urls = ["/", "/search?q=creative", "/search?q=" + urllib.parse.quote("дизайн")]
    urls += [
        f"/concepts/{r['id']}" for r in seed_records[:: max(1, len(seed_records) // 15)]
    ]
    urls += [f"/domains/{key}" for key, *_ in DOMAINS[:4]]
    urls += [f"/browse/{lang}" for lang in LANGS]
    seen = 0
    for url in urls:
        for element in page(client, url).find_all(cls="term"):
            assert element.attrs.get("lang") in LANGS, (url, element.text())
            seen += 1
    assert seen > 50


# --- domains and A–Z ---------------------------------------------------------


def test_domains_page_lists_all_13_with_counts(client, seed_records):
    doc = page(client, "/domains")
    main = doc.find("main")
    for key, name_en, _, _ in DOMAINS:
        [link] = [
            a for a in main.find_all("a") if a.attrs.get("href") == f"/domains/{key}"
        ]
        assert link.text() == name_en
        n = sum(1 for r in seed_records if r["domain"] == key)
        assert str(n) in link.parent.text()


@pytest.mark.parametrize("sort_lang", LANGS)
def test_domain_page_is_sorted_in_the_chosen_language(client, seed_records, sort_lang):
    key = max(
        {r["domain"] for r in seed_records},
        key=lambda k: sum(1 for r in seed_records if r["domain"] == k),
    )
    doc = page(client, f"/domains/{key}?sort={sort_lang}")
    entries = doc.find_all("li", cls="entry")
    expected_ids = {r["id"] for r in seed_records if r["domain"] == key}
    shown = [int(li.find("a").attrs["href"].rsplit("/", 1)[1]) for li in entries]
    assert sorted(shown) == sorted(expected_ids)
    heads = []
    for li in entries:
        terms = terms_in(li, sort_lang)
        heads.append(terms[0] if terms else None)
    present = [h for h in heads if h is not None]
    # Concepts without a term in that language come last.
    assert heads[: len(present)] == present
    assert present == sorted(present, key=lambda t: sort_key(t, sort_lang))


def test_unknown_domain_is_a_404_page(client):
    response = client.get("/domains/cooking")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def letters_nav(doc) -> list[str]:
    nav = doc.find("nav", cls="letters")
    assert nav is not None
    return [li.text() for li in nav.find_all("li")]


def in_alphabet_order(letters: list[str], lang: str) -> bool:
    order = ALPHABETS[lang] + ["#"]
    return all(letter in order for letter in letters) and letters == sorted(
        letters, key=order.index
    )


@pytest.mark.parametrize("lang", LANGS)
def test_a_to_z_letters_follow_the_alphabet(client, seed_records, lang):
    doc = page(client, f"/browse/{lang}")
    letters = letters_nav(doc)
    expected = {
        initial(t["text"], lang)
        for r in seed_records
        for t in r["terms"]
        if t["lang"] == lang
    }
    assert set(letters) == expected
    assert in_alphabet_order(letters, lang), letters


@pytest.mark.parametrize("lang", LANGS)
def test_a_to_z_pages_hold_every_term_in_order(client, seed_records, lang):
    letters = letters_nav(page(client, f"/browse/{lang}"))
    shown: list[str] = []
    for letter in letters:
        doc = page(client, f"/browse/{lang}/{urllib.parse.quote(letter)}")
        items = terms_in(doc.find("ul", cls="az"), lang)
        assert items, letter
        assert all(initial(t, lang) == letter for t in items)
        assert items == sorted(items, key=lambda t: sort_key(t, lang))
        shown += items
    assert sorted(shown) == sorted(
        t["text"] for r in seed_records for t in r["terms"] if t["lang"] == lang
    )


def test_kazakh_a_to_z_shows_latin_forms(client):
    letters = letters_nav(page(client, "/browse/kk"))
    doc = page(client, f"/browse/kk/{urllib.parse.quote(letters[0])}")
    first = doc.find("ul", cls="az").find("li")
    term = first.find(cls="term").text()
    assert first.find(cls="latin").text() == to_kazakh_latin(term)


def test_russian_a_to_z_puts_yo_after_ye(app, client):
    add_concepts(
        app,
        {"domain": "business", "terms": [{"lang": "ru", "text": "ёмкость рынка"}]},
        {
            "domain": "museums-heritage",
            "terms": [{"lang": "ru", "text": "единица хранения"}],
        },
    )
    letters = letters_nav(page(client, "/browse/ru"))
    assert "Е" in letters
    assert in_alphabet_order(letters, "ru"), letters


def test_kazakh_letters_are_in_kazakh_order(app, client):
    # One term for each Kazakh-only letter, so that the order is really tested.
    words = ["әдіс", "ғимарат", "қолөнер", "өнер", "ұлттық ою-өрнек", "үлгі", "іс-шара"]
    add_concepts(
        app,
        *[{"domain": "general", "terms": [{"lang": "kk", "text": w}]} for w in words],
    )
    letters = letters_nav(page(client, "/browse/kk"))
    for letter in ["Ә", "Ғ", "Қ", "Ө", "Ұ", "Ү", "І"]:
        assert letter in letters
    assert in_alphabet_order(letters, "kk"), letters


@pytest.mark.parametrize("url", ["/browse/de", "/browse/kk/Z", "/browse/en/Ә"])
def test_unknown_language_or_letter_is_404(client, url):
    assert client.get(url).status_code == 404


# --- about ---------------------------------------------------------------------------


def test_about_tells_where_the_glossary_comes_from(client, seed_records):
    text = page(client, "/about").find("main").text()
    assert "2016" in text
    assert "British Council" in text
    assert "first translation" in text
    assert "Kazakh" in text
    assert str(len(seed_records)) in text


# --- every page -------------------------------------------------------------------


PAGES = [
    "/",
    "/search?q=creative",
    "/search?q=zzzzqqqq",
    "/concepts/1",
    "/domains",
    "/domains/design",
    "/browse/kk",
    "/about",
    "/concepts/999999",
]


@pytest.mark.parametrize("url", PAGES)
def test_security_headers(client, url):
    response = client.get(url)
    csp = response.headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in csp
    assert "'unsafe-eval'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert "default-src 'self'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("url", PAGES)
def test_pages_need_no_inline_script_or_style(client, url):
    # The CSP forbids inline code: anything inline would silently not work.
    response = client.get(url)
    doc = parse_html(response.get_data(as_text=True))
    assert [s for s in doc.find_all("script") if not s.attrs.get("src")] == []
    assert doc.find_all("style") == []
    for element in doc.iter():
        assert "style" not in element.attrs, element.tag
        assert not [a for a in element.attrs if a.startswith("on")], element.tag


@pytest.mark.parametrize("url", PAGES)
def test_pages_declare_their_language(client, url):
    doc = parse_html(client.get(url).get_data(as_text=True))
    assert doc.find("html").attrs.get("lang") == "en"
    assert doc.find("title").text()
