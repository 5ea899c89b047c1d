"""Every word in the reader's language (issue 10): headings, history, diffs, lists.

Each test reads a page in the Russian or Kazakh interface and asserts what a
reader sees there: the heading term, translated labels instead of stored
English, links, collapsed diffs, proposals with their content.
"""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest

from glossary import proposals
from glossary.views.display import history_reason, iri_href, iri_text
from tests.page_support import parse_html
from tests.review_support import NEW_CONCEPT, add_user, open_db, post_form, sign_in


def html(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    return response.get_data(as_text=True)


def h1(page: str) -> str:
    return parse_html(page).find("h1").text().strip()


@pytest.mark.parametrize(
    ("ui", "heading"),
    [
        ("en", "creative industries"),
        ("ru", "креативные индустрии"),
        ("kk", "креативті индустриялар"),
    ],
)
def test_concept_heading_is_the_preferred_term_in_the_ui_language(client, ui, heading):
    page = html(client, f"/concepts/1?lang={ui}")
    assert h1(page) == heading
    # The other languages' preferred terms follow the heading.
    others = {"creative industries", "креативные индустрии", "креативті индустриялар"}
    equivalents = parse_html(page).find("p", cls="equivalents").text()
    for other in others - {heading}:
        assert other in equivalents


def test_concept_heading_falls_back_to_english_then_russian(client, app):
    db = open_db(app)
    try:
        without_kk = next(
            row["id"]
            for row in db.query(
                "select c.id from concepts c where not exists (select 1 from terms t"
                " where t.concept_id = c.id and t.lang = 'kk') and exists (select 1"
                " from terms t where t.concept_id = c.id and t.lang = 'en')"
            )
        )
        en = next(
            db.query(
                "select text from terms where concept_id = ? and lang = 'en'"
                " order by status != 'preferred', id",
                [without_kk],
            )
        )["text"]
    finally:
        db.close()
    page = html(client, f"/concepts/{without_kk}?lang=kk")
    assert h1(page) == en
    history = html(client, "/concepts/1/history?lang=kk")
    assert "креативті индустриялар" in h1(history)


def test_history_and_notes_show_no_stored_english(client):
    page = html(client, "/concepts/1?lang=ru")
    history = page[page.index('id="h-history"') :]
    assert "seeded from" not in history and " · seed" not in history
    assert "начальная загрузка из terms.csv" in history
    assert "glossary editors" not in page
    assert "редакция глоссария" in page
    full = html(client, "/concepts/1/history?lang=kk")
    assert "seeded from" not in full
    assert "terms.csv файлынан бастапқы жүктеу" in full


def test_approval_reason_and_diff_labels_are_translated(app, client):
    translator = add_user(app, "aigerim")
    add_user(app, "chief", role="reviewer")
    db = open_db(app)
    try:
        proposal = proposals.submit(
            db,
            {
                "kind": "new_term",
                "concept_id": 1,
                "lang": "ru",
                "text": "креативная экономика",
                "source": "https://example.org/%D0%BA%D1%80%D0%B5%D0%B0%D1%82%D0%B8%D0%B2",
            },
            translator,
        )
    finally:
        db.close()
    sign_in(client, "chief")
    response = post_form(
        client,
        f"/proposals/{proposal['id']}/approve",
        {
            "edited": "1",
            "lang": "ru",
            "text": "креативная экономика",
            "status": "admitted",
            "source": "https://example.org/%D0%BA%D1%80%D0%B5%D0%B0%D1%82%D0%B8%D0%B2",
            "reason": "статус уточнён",
        },
        token_page="/review",
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    page = html(client, "/concepts/1/history?lang=ru")
    assert "edited and approved" not in page and " by aigerim" not in page
    assert (
        f"предложение {proposal['id']}, автор: aigerim — отредактировал и одобрил"
        " chief: статус уточнён" in page
    )
    assert "source:" not in page
    assert "Источник:" in page
    # The source address reads as an IRI and links to the encoded URI.
    assert (
        'href="https://example.org/%D0%BA%D1%80%D0%B5%D0%B0%D1%82%D0%B8%D0%B2"' in page
    )
    assert ">https://example.org/креатив</a>" in page


def test_history_reason_patterns(app):
    with app.test_request_context("/?lang=kk"):
        assert history_reason("note added") != "note added"
        assert history_reason("free text from a translator") == (
            "free text from a translator"
        )
        assert "x.csv" in history_reason("imported from x.csv (replace)")
        assert "replace" not in history_reason("imported from x.csv (replace)")


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        (
            "https://aiqara.kz/kisyn/%D0%BA%D1%80%D0%B5%D0%B0%D1%82%D0%B8%D0%B2/",
            "https://aiqara.kz/kisyn/креатив/",
        ),
        ("https://example.org/a%20b?q=%3F%26", "https://example.org/a%20b?q=%3F%26"),
        ("https://example.org/%FF%D0", "https://example.org/%FF%D0"),
        ("https://example.org/%d2%9b", "https://example.org/қ"),
    ],
)
def test_source_addresses_read_as_iris(stored, shown):
    assert iri_text(stored) == shown
    assert iri_href(shown) == stored.replace("%d2%9b", "%D2%9B")


def test_concept_page_shows_sources_decoded_and_links_them_encoded(client):
    page = html(client, "/concepts/1")
    encoded = "https://aiqara.kz/kisyn/" + quote("креативті")
    assert encoded in page
    assert "https://aiqara.kz/kisyn/креативті" in page
    links = re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', page)
    for href, text in links:
        if href.startswith("http"):
            assert "%D0" not in text and "%D1" not in text, text
            assert href.isascii(), href


@pytest.mark.parametrize("ui", ["ru", "kk"])
def test_domain_page_sorts_by_the_ui_language_and_links_every_term(client, ui):
    doc = parse_html(html(client, f"/domains/theatre?lang={ui}"))
    current = doc.find("p", cls="sortby").find("strong")
    assert current.attrs.get("aria-current") == "true"
    entries = doc.find_all("li", cls="entry")
    assert entries
    for li in entries:
        terms = li.find_all(cls="term")
        assert terms
        for term in terms:
            assert term.tag == "a" and term.attrs["href"].startswith("/concepts/")
    heads = [li.find_all(cls="term")[0] for li in entries]
    assert heads[0].attrs["lang"] == ui


@pytest.mark.parametrize(
    ("ui", "wrong"), [("ru", "О глоссарии"), ("kk", "Глоссарий туралы")]
)
def test_note_form_label_is_not_the_about_menu_string(app, client, ui, wrong):
    add_user(app, "aigerim")
    sign_in(client, "aigerim")
    doc = parse_html(html(client, f"/concepts/1?lang={ui}"))
    label = doc.find("label", **{"for": "note-term"}).text()
    assert label.strip() and label.strip() != wrong


def test_note_proposal_review_shows_only_what_changes(app, client):
    translator = add_user(app, "aigerim")
    add_user(app, "chief", role="reviewer")
    db = open_db(app)
    try:
        note = proposals.submit(
            db,
            {"kind": "note", "concept_id": 1, "text": "Жаңа ескертпе", "lang": "kk"},
            translator,
        )
    finally:
        db.close()
    sign_in(client, "chief")
    page = html(client, f"/proposals/{note['id']}?lang=kk")
    doc = parse_html(page)
    regions = doc.find_all("div", cls="table-scroll")
    changed = regions[0]
    assert (
        changed.attrs.get("tabindex") == "0" and changed.attrs.get("role") == "region"
    )
    assert changed.attrs.get("aria-label")
    rows = changed.find_all("tr", cls="changed")
    assert len(rows) == 1 and "Жаңа ескертпе" in rows[0].text()
    assert not changed.find_all("tr", cls="same")
    # The unchanged rest of the entry is there, collapsed.
    details = doc.find("details", cls="unchanged")
    assert details is not None and "open" not in details.attrs
    assert "креативті индустриялар" in details.text()


def test_my_proposals_show_what_was_proposed(app, client):
    translator = add_user(app, "aigerim")
    db = open_db(app)
    try:
        proposals.submit(db, NEW_CONCEPT, translator)
        proposals.submit(
            db,
            {
                "kind": "new_term",
                "concept_id": 1,
                "lang": "kk",
                "text": "шығармашылық индустриялар",
                "source": "https://example.org/kk",
            },
            translator,
        )
    finally:
        db.close()
    sign_in(client, "aigerim")
    page = html(client, "/my/proposals?lang=ru")
    for text in ("mood board", "мудборд", "шығармашылық индустриялар"):
        assert text in page
    assert "en, ru, kk" not in page
    assert "английский" in page.lower() or "Английский" in page


def test_signed_in_account_links_are_one_menu(app, client):
    add_user(app, "aigerim")
    sign_in(client, "aigerim")
    doc = parse_html(html(client, "/?lang=ru"))
    nav = doc.find("nav", cls="account")
    menu = nav.find("details", cls="account-menu")
    assert menu is not None and menu.find("summary").text().strip() == "aigerim"
    assert len(menu.find_all("a")) >= 4


def test_changed_row_marks_only_the_changed_part(app, client):
    translator = add_user(app, "aigerim")
    reviewer = add_user(app, "chief", role="reviewer")
    db = open_db(app)
    try:
        term = next(
            db.query(
                "select text from terms where concept_id = 1 and lang = 'ru'"
                " and status = 'admitted' order by id"
            )
        )["text"]
        change = proposals.submit(
            db,
            {
                "kind": "change",
                "concept_id": 1,
                "term": f"ru:{term}",
                "status": "deprecated",
                "source": "https://example.org/style-guide",
            },
            translator,
        )
        proposals.approve(db, change["id"], reviewer)
    finally:
        db.close()
    page = html(client, "/concepts/1/history?lang=ru")
    first = page[page.index('<li id="change-') :]
    first = first[: first.index("</li>")]
    assert "<del>допустимый</del>" in first
    assert "<ins>нерекомендуемый</ins>" in first
    # the term itself did not change: it is not marked
    assert f"<del>{term}" not in first and f"<ins>{term}" not in first
    assert term in first
