"""SearchIndex: ranked lookup over small hand-built term rows."""

import pytest

from glossary.search.engine import TIER_SCORES, Hit, Rank, SearchIndex, Tier


def row(concept_id, lang, text, status="preferred", domain="general"):
    return {
        "concept_id": concept_id,
        "domain": domain,
        "lang": lang,
        "text": text,
        "status": status,
    }


ROWS = [
    row(1, "en", "creative industries"),
    row(1, "ru", "креативные индустрии"),
    row(1, "ru", "творческие индустрии", "admitted"),
    row(1, "kk", "креативті индустриялар"),
    row(1, "kk", "шығармашылық индустриялар", "admitted"),
    row(2, "en", "Ministry of Culture and Information"),
    row(2, "ru", "Министерство культуры и информации"),
    row(2, "kk", "Мәдениет және ақпарат министрлігі"),
    row(3, "en", "design", domain="design"),
    row(3, "ru", "дизайн", domain="design"),
    row(3, "kk", "дизайн", domain="design"),
    row(4, "en", "designer", domain="design"),
    row(4, "ru", "дизайнер", domain="design"),
    row(4, "kk", "дизайнер", domain="design"),
    row(5, "en", "business incubator", domain="business"),
    row(5, "ru", "бизнес-инкубатор", domain="business"),
    row(5, "kk", "бизнес-инкубатор", domain="business"),
    row(6, "en", "Christmas tree"),
    row(6, "ru", "новогодняя ёлка"),
    row(6, "kk", "шырша"),
    row(7, "en", "architecture", domain="architecture"),
    row(7, "ru", "архитектура", domain="architecture"),
    row(7, "kk", "сәулет", domain="architecture"),
    row(7, "kk", "архитектура", "admitted", domain="architecture"),
    row(8, "en", "Kazakhstan"),
    row(8, "ru", "Казахстан"),
    row(8, "kk", "Қазақстан"),
    row(9, "en", "national museum", domain="museums-heritage"),
    row(9, "ru", "национальный музей", domain="museums-heritage"),
    row(9, "kk", "Ұлттық мұражай", domain="museums-heritage"),
]


@pytest.fixture(scope="module")
def index():
    return SearchIndex(ROWS)


def top(index, query, **kwargs):
    hits = index.search(query, **kwargs)
    assert hits, f"no hit for {query!r}"
    return hits[0]


@pytest.mark.parametrize(
    ("query", "concept_id", "how", "text"),
    [
        # exact: the term as stored, ignoring case only
        ("creative industries", 1, "exact", "creative industries"),
        ("Креативные индустрии", 1, "exact", "креативные индустрии"),
        ("КРЕАТИВТІ ИНДУСТРИЯЛАР", 1, "exact", "креативті индустриялар"),
        ("Қазақстан", 8, "exact", "Қазақстан"),
        ("сәулет", 7, "exact", "сәулет"),
        # normalised: punctuation, ё/е, white space
        ("креативные-индустрии", 1, "normalised", "креативные индустрии"),
        ("новогодняя елка", 6, "normalised", "новогодняя ёлка"),
        ("бизнес инкубатор", 5, "normalised", "бизнес-инкубатор"),
        ("«Business incubator»", 5, "normalised", "business incubator"),
        ("  creative   industries ", 1, "normalised", "creative industries"),
        # latin: the Kazakh term's 2021 Latin form
        ("kreativtı industriialar", 1, "latin", "креативті индустриялар"),
        ("kreativti industriialar", 1, "latin", "креативті индустриялар"),
        ("KREATİVTI İNDUSTRİİALAR", 1, "latin", "креативті индустриялар"),
        ("şyğarmaşylyq industriialar", 1, "latin", "шығармашылық индустриялар"),
        (
            "Mädeniet jäne aqparat ministrlıgı",
            2,
            "latin",
            "Мәдениет және ақпарат министрлігі",
        ),
        ("Qazaqstan", 8, "latin", "Қазақстан"),
        ("säulet", 7, "latin", "сәулет"),
        ("Ūlttyq mūrajai", 9, "latin", "Ұлттық мұражай"),
        # folded: Kazakh typed with Russian look-alike letters
        ("креативти индустриялар", 1, "folded", "креативті индустриялар"),
        ("Казакстан", 8, "folded", "Қазақстан"),
        (
            "Мадениет жане акпарат министрлиги",
            2,
            "folded",
            "Мәдениет және ақпарат министрлігі",
        ),
        ("саулет", 7, "folded", "сәулет"),
        ("улттык муражай", 9, "folded", "Ұлттық мұражай"),
        # prefix: autocomplete
        ("креатив", 1, "prefix", "креативные индустрии"),
        ("дизай", 3, "prefix", "дизайн"),
        ("Christ", 6, "prefix", "Christmas tree"),
        # latin: a prefix of the Kazakh term's Latin form
        ("kreativtı indus", 1, "latin", "креативті индустриялар"),
        # lemma: inflected forms find the dictionary form
        ("национальны музей", 9, "lemma", "национальный музей"),
        ("креативных индустрий", 1, "lemma", "креативные индустрии"),
        ("индустрияларды", 1, "lemma", "креативті индустриялар"),
        ("designers", 4, "lemma", "designer"),
        # translit: Russian typed in Latin transliteration
        ("kreativnye industrii", 1, "translit", "креативные индустрии"),
        # layout: typed with the wrong keyboard layout active
        ("rhtfnbdyst bylecnhbb", 1, "layout", "креативные индустрии"),
        ("0fpf0cnfy", 8, "layout", "Қазақстан"),
        # word: one word of a longer term
        ("инкубатор", 5, "word", "бизнес-инкубатор"),
        ("incubator", 5, "word", "business incubator"),
        ("музей", 9, "word", "национальный музей"),
        ("мұражай", 9, "word", "Ұлттық мұражай"),
    ],
)
def test_each_tier(index, query, concept_id, how, text):
    rank, hit = index.ranked(query, None, None, 10)[0]
    assert (hit.concept_id, hit.how, hit.text) == (concept_id, how, text)
    # The score stays within its tier's band (status and length lower it a little).
    assert TIER_SCORES[rank.tier] - 2 < hit.score <= TIER_SCORES[rank.tier]


@pytest.mark.parametrize(
    ("query", "concept_id"),
    [
        # Cyrillic, one or two typos
        ("креативные индустири", 1),
        ("креотивные индустрии", 1),
        ("архитекутра", 7),
        ("архетиктура", 7),
        ("национальнй музей", 9),
        ("Казахстн", 8),
        # Latin, one or two typos
        ("creatve industries", 1),
        ("creative industires", 1),
        ("architecure", 7),
        ("Kazahkstan", 8),
        ("kreativti industrilar", 1),
        ("Qazaqstn", 8),
    ],
)
def test_fuzzy_catches_typos(index, query, concept_id):
    hit = top(index, query)
    assert hit.concept_id == concept_id
    assert hit.how == "fuzzy"
    assert hit.distance in (1, 2)
    assert 0 < hit.score < TIER_SCORES[Tier.WORD]


def test_tiers_rank_in_order():
    rows = [
        row(12, "ru", "индустирия"),  # fuzzy (a typo of the query)
        row(13, "ru", "креативная индустрия"),  # word
    ]
    hits = SearchIndex(rows).search("индустрия")
    assert [(h.concept_id, h.how) for h in hits] == [(13, "word"), (12, "fuzzy")]
    assert hits[0].score > hits[1].score
    rows += [
        row(11, "ru", "индустрия моды"),  # prefix
        row(14, "kk", "індустрия"),  # folded (і for и)
        row(15, "ru", "Индустрия!"),  # normalised
        row(16, "ru", "индустрия"),  # exact
    ]
    hits = SearchIndex(rows).search("индустрия")
    assert [(h.concept_id, h.how) for h in hits] == [
        (16, "exact"),
        (15, "normalised"),
        (14, "folded"),  # the whole term, typed another way
        (11, "prefix"),
        (13, "word"),
    ]
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)
    # Typos are not looked for once the term, or terms beginning with the
    # query, are found: a typo cannot rank above them.
    assert 12 not in [h.concept_id for h in hits]


def test_a_whole_term_in_latin_ranks_before_word_and_prefix():
    rows = [
        row(21, "en", "qalamger"),  # prefix
        row(22, "kk", "қала"),  # latin
        row(23, "en", "Qala."),  # normalised
        row(24, "en", "old qala"),  # word
        row(25, "en", "qala"),  # exact
    ]
    hits = SearchIndex(rows).search("qala")
    assert [(h.concept_id, h.how) for h in hits[:5]] == [
        (25, "exact"),
        (23, "normalised"),
        (22, "latin"),
        (24, "word"),  # the whole word in a longer term
        (21, "prefix"),  # above a prefix inside another, longer word
    ]


def test_a_better_tier_wins_over_a_preferred_status():
    rows = [
        row(31, "ru", "дизайнер", "preferred"),
        row(32, "ru", "дизайн", "deprecated"),
    ]
    hits = SearchIndex(rows).search("дизайн")
    assert [(h.concept_id, h.how) for h in hits] == [(32, "exact"), (31, "prefix")]


def test_preferred_before_admitted_before_deprecated_at_equal_tier():
    rows = [
        row(41, "ru", "арт-объект", "admitted"),
        row(42, "ru", "Арт-объект", "deprecated"),
        row(43, "ru", "«арт-объект»", "preferred"),  # longer, but preferred
    ]
    hits = SearchIndex(rows).search("арт объект")
    assert {h.how for h in hits} == {"normalised"}
    assert [h.concept_id for h in hits] == [43, 41, 42]


def test_preferred_before_admitted_within_the_prefix_tier():
    # README: "Ranking is by that order, then preferred before admitted before
    # deprecated, then shorter terms" -- status outranks length.
    rows = [
        row(51, "ru", "дизайнер", "admitted"),
        row(52, "ru", "дизайн-мышление", "preferred"),
    ]
    hits = SearchIndex(rows).search("дизайн")
    assert [h.how for h in hits] == ["prefix", "prefix"]
    assert [h.concept_id for h in hits] == [52, 51]


def test_shorter_term_first_at_equal_tier_and_status():
    rows = [row(61, "en", "design thinking"), row(62, "en", "design")]
    hits = SearchIndex(rows).search("desi")
    assert [h.concept_id for h in hits] == [62, 61]


def test_one_hit_per_concept_with_its_best_term(index):
    hits = index.search("индустри", limit=100)
    ids = [h.concept_id for h in hits]
    assert len(ids) == len(set(ids))
    assert ids[0] == 1
    # concept 1 matches through five terms; the best one is shown
    assert (hits[0].how, hits[0].text) == ("word", "креативные индустрии")


def test_the_best_form_of_a_concept_is_reported(index):
    # "дизайн" is exact in ru and kk; the concept is listed once
    hits = index.search("дизайн")
    assert [h.concept_id for h in hits][:2] == [3, 4]
    assert hits[0].how == "exact"
    assert hits[1].how == "prefix"


def test_filter_by_language(index):
    assert top(index, "дизайн", lang="kk").lang == "kk"
    assert top(index, "дизайн", lang="ru").lang == "ru"
    hits = index.search("дизайн", lang="en")
    assert all(h.lang == "en" for h in hits)
    assert 3 not in [h.concept_id for h in hits]
    # the Latin form of a Kazakh term counts as Kazakh
    hit = top(index, "kreativtı industriialar", lang="kk")
    assert (hit.concept_id, hit.lang, hit.how) == (1, "kk", "latin")
    hits = index.search("kreativtı industriialar", lang="ru")
    assert all(h.lang == "ru" for h in hits)


def test_filter_by_domain(index):
    hits = index.search("дизай", domain="design")
    assert [h.concept_id for h in hits] == [3, 4]
    assert index.search("дизай", domain="fashion") == []
    assert all(
        h.concept_id == 7 for h in index.search("архитектура", domain="architecture")
    )
    assert 1 not in [h.concept_id for h in index.search("индустр", domain="design")]


def test_filters_combine(index):
    hits = index.search("дизайнер", lang="kk", domain="design")
    assert [(h.concept_id, h.lang, h.how) for h in hits][0] == (4, "kk", "exact")
    assert all(h.lang == "kk" for h in hits)


def test_limit_and_offset_paginate():
    rows = [row(i, "en", f"term {i:02d}") for i in range(1, 13)]
    index = SearchIndex(rows)
    everything = index.search("term", limit=100)
    assert [h.concept_id for h in everything] == list(range(1, 13))
    assert [h.concept_id for h in index.search("term", limit=5)] == [1, 2, 3, 4, 5]
    assert [h.concept_id for h in index.search("term", limit=5, offset=5)] == [
        6,
        7,
        8,
        9,
        10,
    ]
    assert [h.concept_id for h in index.search("term", limit=5, offset=10)] == [11, 12]
    assert index.search("term", limit=5, offset=20) == []
    pages = [index.search("term", limit=4, offset=o) for o in (0, 4, 8)]
    assert [h for page in pages for h in page] == everything


def test_default_limit_is_ten():
    rows = [row(i, "en", f"term {i:02d}") for i in range(1, 13)]
    assert len(SearchIndex(rows).search("term")) == 10


@pytest.mark.parametrize("query", ["", "   ", "—", "«»", "?!"])
def test_empty_query_finds_nothing(index, query):
    assert index.search(query) == []
    assert index.suggest(query) == []


def test_nothing_close_finds_nothing(index):
    assert index.search("zzzzqqqxxx") == []


def test_short_queries_are_not_fuzzy(index):
    assert all(h.how != "fuzzy" for h in index.search("дз"))


def test_empty_index():
    index = SearchIndex([])
    assert index.search("дизайн") == []
    assert index.suggest("дизайн") == []


def test_hit_shape(index):
    hit = top(index, "design")
    assert hit == Hit(concept_id=3, score=100.0, lang="en", text="design", how="exact")
    assert hit.distance is None
    rank, hit = index.ranked("desing", None, None, 10)[0]
    assert (hit.text, hit.how, hit.distance) == ("design", "fuzzy", 1)
    assert rank == Rank(0, 4 * Tier.FUZZY, Tier.FUZZY, 1, 0, 6, 3)


@pytest.mark.parametrize(
    ("query", "suggestion"),
    [
        ("креативные индустири", "креативные индустрии"),
        ("архитекутра", "архитектура"),
        ("creatve industries", "creative industries"),
        ("Qazaqstn", "Қазақстан"),
        ("национальны музей", "национальный музей"),
    ],
)
def test_suggest_says_did_you_mean(index, query, suggestion):
    suggestions = index.suggest(query)
    texts = [s["text"] for s in suggestions]
    assert texts[0] == suggestion
    assert all(s["lang"] in ("en", "ru", "kk") for s in suggestions)
    assert len(texts) <= 3
    assert len(texts) == len(set(texts))


def test_suggest_limit(index):
    assert len(index.suggest("индустрии", limit=1)) == 1
    assert len(index.suggest("индустрии", limit=2)) == 2


def test_a_whole_word_inflected_ranks_before_a_prefix_of_a_longer_word():
    rows = [
        row(41, "kk", "кассалық түсім"),  # касса only begins the word кассалық
        row(42, "kk", "билет кассасы"),  # касса is a word of it, inflected
        row(43, "en", "kuishi"),  # kuis only begins the word
        row(44, "en", "kui"),  # kuis is its plural
    ]
    index = SearchIndex(rows)
    assert [(h.concept_id, h.how) for h in index.search("касса")][:2] == [
        (42, "word"),
        (41, "prefix"),
    ]
    assert [h.concept_id for h in index.search("kuis")][:2] == [44, 43]


# A last word still being typed (no space after it) may be the beginning of a
# longer word even when it reads as a whole word: as a stop word (с, of) or as an
# inflection of another word (webs: plural of web; сәнді: сән in the accusative).
OPEN_ROWS = [
    row(51, "en", "website"),
    row(52, "en", "web browser"),
    row(53, "kk", "сәндік өнер"),  # сәнді begins сәндік (decorative)
    row(54, "kk", "сән үйі"),  # сәнді is сән (fashion) in the accusative
    row(55, "ru", "музееведение"),  # музеев begins it
    row(56, "ru", "музей современного искусства"),  # музеев: genitive plural
    row(57, "ru", "креативный"),
    row(58, "ru", "креативный сектор"),
    row(59, "ru", "креативные индустрии"),
    row(60, "en", "design"),
    row(61, "en", "design office"),
    row(62, "en", "designer"),
    row(63, "en", "designer salary"),
]


@pytest.fixture(scope="module")
def open_index():
    return SearchIndex(OPEN_ROWS)


@pytest.mark.parametrize(
    ("query", "first", "then"),
    [
        ("webs", (51, "prefix"), (52, "lemma")),
        ("сәнді", (53, "prefix"), (54, "lemma")),
        ("музеев", (55, "prefix"), (56, "lemma")),
        ("креативный с", (58, "prefix"), None),
        ("design of", (61, "prefix"), None),
    ],
)
def test_a_last_word_being_typed_may_begin_a_longer_word(
    open_index, query, first, then
):
    hits = [(h.concept_id, h.how) for h in open_index.search(query)]
    assert hits[0] == first
    if then:
        assert hits[1] == then
    else:  # the phrase without its last word is no reading of the query
        assert "lemma" not in [how for _, how in hits]


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("webs ", (52, "lemma")),
        ("сәнді ", (54, "lemma")),
        ("музеев ", (56, "lemma")),
        ("креативный с ", (57, "lemma")),
        ("design of ", (60, "lemma")),
    ],
)
def test_a_last_word_followed_by_a_space_is_whole(open_index, query, first):
    assert [(h.concept_id, h.how) for h in open_index.search(query)][0] == first


def test_the_possessive_s_ends_a_word(open_index):
    # designer's: the possessive of a whole term, not designer s(alary)
    hits = [(h.concept_id, h.how) for h in open_index.search("designer's")]
    assert hits[:2] == [(62, "lemma"), (63, "prefix")]
