"""The lookup table: every way of typing a term finds the intended seed entry first.

Each case is (query, intended concept id in terms.csv, how it matched). The index is
built from the seeded glossary in a real SQLite file, through the data layer.
"""

from __future__ import annotations

import pytest

from glossary import create_app
from glossary.db import get_db
from glossary.lookup import current_lookup


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "DATABASE": str(tmp_path_factory.mktemp("table") / "glossary.db"),
        }
    )


@pytest.fixture(scope="module")
def lookup(app):
    def run(query, **kwargs):
        with app.app_context():
            return current_lookup().search(get_db(), query, **kwargs)

    return run


CASES = [
    # --- exact, in each language --------------------------------------------------
    ("creative industries", 1, "exact"),
    ("креативные индустрии", 1, "exact"),
    ("креативті индустриялар", 1, "exact"),
    ("Museum", 279, "exact"),
    ("музей", 279, "exact"),
    ("мұражай", 279, "exact"),
    ("сәулет", 79, "exact"),
    ("Architecture", 79, "exact"),
    ("кітапхана", 268, "exact"),
    ("БИБЛИОТЕКА", 268, "exact"),
    ("өнер", 23, "exact"),
    ("искусство", 23, "exact"),
    ("Law on Culture", 12, "exact"),
    ("дәстүр", 37, "exact"),
    ("жиһаз", 188, "exact"),
    ("көрермен", 33, "exact"),
    ("intellectual property", 20, "exact"),
    ("Қолөнер", 141, "exact"),
    # --- exact after normalisation (case, ё/е, punctuation, spaces) ----------------
    ("закон о культуре", 12, "normalised"),
    ("мәдениет туралы заң", 12, "normalised"),
    ("бизнес инкубатор", 16, "normalised"),
    ("Business-Incubator", 16, "normalised"),
    ("одаренный", 28, "normalised"),
    ("шелк", 153, "normalised"),
    ("booking office", 126, "normalised"),
    ("ӘДЕТ ҒҰРЫП", 292, "normalised"),
    ("актёр", 109, "normalised"),
    ("веб-сайт", 304, "exact"),
    ("веб сайт", 304, "exact"),
    ("  library  ", 268, "normalised"),
    ("«закон о культуре»", 12, "normalised"),
    ("әдет–ғұрып", 292, "normalised"),
    # --- prefix (autocomplete), 3+ letters ----------------------------------------
    ("кітапх", 268, "prefix"),
    ("библиот", 268, "prefix"),
    ("archaeol", 284, "prefix"),
    ("инфраструк", 199, "prefix"),
    ("infrastr", 199, "prefix"),
    ("инфрақұр", 199, "prefix"),
    ("жарна", 328, "prefix"),
    ("advertis", 328, "prefix"),
    ("рекла", 328, "prefix"),
    ("choreog", 139, "prefix"),
    ("хореог", 139, "prefix"),
    ("mausol", 298, "prefix"),
    ("кесен", 298, "prefix"),
    ("мавзол", 298, "prefix"),
    ("imagin", 69, "prefix"),
    ("воображ", 69, "prefix"),
    ("шабы", 68, "prefix"),
    ("entrepreneuri", 13, "prefix"),
    # --- one word of a multi-word term --------------------------------------------
    ("incubator", 16, "word"),
    ("policy", 369, "word"),  # cultural policy, before "concept of cultural policy"
    ("саясат", 369, "word"),
    ("собственность", 20, "word"),
    ("property", 20, "word"),
    ("меншік", 20, "word"),
    ("касса", 126, "word"),
    ("kuis", 411, "lemma"),
    # a last word still being typed may begin a longer word (website, сектор)
    ("webs", 304, "prefix"),
    ("креативный с", 4, "prefix"),
    ("шапалақтау", 134, "word"),
    ("министрлігі", 14, "word"),
    ("Information", 14, "word"),
    ("кодекс", 13, "word"),
    ("наследие", 38, "exact"),
    ("heritage", 38, "exact"),
    ("Development Fund", 9, "word"),
    # --- Russian inflected forms ----------------------------------------------------
    ("креативных индустрий", 1, "lemma"),
    ("креативными индустриями", 1, "lemma"),
    ("музеями", 279, "lemma"),
    ("в музее", 279, "lemma"),
    ("библиотеке", 268, "lemma"),
    ("архитектуры", 79, "lemma"),
    ("культурного наследия", 15, "lemma"),
    ("интеллектуальной собственности", 20, "lemma"),
    ("выставки", 31, "lemma"),
    ("художников", 29, "lemma"),
    ("театрах", 108, "lemma"),
    ("смежных прав", 21, "lemma"),
    ("предпринимателям", 18, "lemma"),
    ("бизнес-инкубаторы", 16, "lemma"),
    # --- Kazakh inflected forms (plural, possessive, case) -------------------------
    ("креативті индустрияларды", 1, "lemma"),
    ("мұражайлар", 279, "lemma"),
    ("мұражайға", 279, "lemma"),
    ("мұражайда", 279, "lemma"),
    ("кітапханалар", 268, "lemma"),
    ("кітапханадан", 268, "lemma"),
    ("кітапхананың", 268, "lemma"),
    ("театрлардың", 108, "lemma"),
    ("өнерді", 23, "lemma"),
    ("өнердің", 23, "lemma"),
    ("тарихы", 289, "lemma"),
    ("көрмеге", 31, "lemma"),
    ("суретшілер", 29, "lemma"),
    ("әуесқойлармен", 54, "lemma"),
    ("жобасы", 66, "lemma"),
    ("сәулеттің", 79, "lemma"),
    # --- English plurals --------------------------------------------------------------
    ("museums", 279, "lemma"),
    ("libraries", 268, "lemma"),
    ("galleries", 47, "lemma"),
    ("sculptures", 40, "lemma"),
    ("choreographers", 139, "lemma"),
    ("exhibitions", 31, "lemma"),
    # --- Kazakh typed with Russian look-alike letters -------------------------------
    ("кiтапхана", 268, "folded"),
    ("китапхана", 268, "folded"),
    ("муражай", 279, "folded"),
    ("саулет", 79, "folded"),
    ("онер", 23, "folded"),
    ("дастур", 37, "folded"),
    ("жихаз", 188, "folded"),
    ("креативти индустриялар", 1, "folded"),
    ("Мадениет жане акпарат министрлиги", 14, "folded"),
    ("кесене", 298, "exact"),
    ("коркемонер", 23, "folded"),
    # --- Kazakh in Latin: 2021, 2018 (acute), 2017 (apostrophe) ----------------------
    ("kıtaphana", 268, "latin"),
    ("KITAPHANA", 268, "latin"),
    ("mūrajai", 279, "latin"),
    ("säulet", 79, "latin"),
    ("Mädeniet jäne aqparat ministrlıgı", 14, "latin"),
    ("şyğarmaşylyq", 25, "latin"),
    ("kreativtı industriialar", 1, "latin"),
    ("sáýlet", 79, "latin"),
    ("shyǵarmashylyq", 25, "latin"),
    ("dástúr", 37, "latin"),
    ("jıhaz", 188, "latin"),
    ("s'yg'armas'ylyq", 25, "latin"),
    ("sa'y'let", 79, "latin"),
    ("da'stu'r", 37, "latin"),
    ("mu'rajai'", 279, "latin"),
    # --- Kazakh in informal ASCII and Turkish style ----------------------------------
    ("shygharmashylyq", 25, "latin"),
    ("shygarmashylyk", 25, "latin"),
    ("murajay", 279, "latin"),
    ("murazhai", 279, "latin"),
    ("kitaphana", 268, "latin"),
    ("saulet", 79, "latin"),
    ("dastur", 37, "latin"),
    ("zhihaz", 188, "latin"),
    ("kazakh tili", None, None),
    ("şığarmaşılık", 25, "latin"),
    ("sanger", 162, "latin"),
    ("kolonershi", 142, "latin"),
    # --- Russian typed in Latin transliteration -------------------------------------
    ("kreativnye industrii", 1, "translit"),
    ("kreativnie industrii", 1, "translit"),
    ("biblioteka", 268, "translit"),
    ("iskusstvo", 23, "translit"),
    ("khudozhnik", 29, "translit"),
    ("hudozhnik", 29, "translit"),
    ("zhivopis", 39, "translit"),
    ("kulturnoe nasledie", 15, "translit"),
    ("predprinimatelstvo", 19, "translit"),
    ("vystavka", 31, "translit"),
    # --- wrong keyboard layout ----------------------------------------------
    ("rhtfnbdyst bylecnhbb", 1, "layout"),
    ("veptq", 279, "layout"),
    (",b,kbjntrf", 268, "layout"),
    ("bcreccndj", 23, "layout"),
    ("c2ektn", 79, "layout"),
    ("-yth", 23, "layout"),
    ("r3nfg", 253, "layout"),
    ("l2cn8h", 37, "layout"),
    ("ьгыуГь", 279, "layout"),
    ("ыгзукьфклуе", None, None),
    ("дшикфкн", 268, "layout"),
    ("ьгышс", 212, "layout"),
    # --- typos: one or two edits, each language -------------------------------------
    ("musuem", 279, "fuzzy"),
    ("libary", 268, "fuzzy"),
    ("archtecture", 79, "fuzzy"),
    ("intelectual property", 20, "fuzzy"),
    ("entrepeneurship", 19, "fuzzy"),
    ("музэй", 279, "fuzzy"),
    ("библеотека", 268, "fuzzy"),
    ("архитиктура", 79, "fuzzy"),
    ("креотивные индустри", 1, "fuzzy"),
    ("предпренимательство", 19, "fuzzy"),
    ("кітапхна", 268, "fuzzy"),
    ("мұражй", 279, "fuzzy"),
    ("шығармашлық", 25, "fuzzy"),
    ("кәсіпкрлік", 19, "fuzzy"),
    ("инфрақұрылм", 199, "fuzzy"),
]
CASES = [c for c in CASES if c[1] is not None]


@pytest.mark.parametrize(("query", "concept_id", "how"), CASES)
def test_intended_entry_first(lookup, query, concept_id, how):
    results = lookup(query)
    assert results, f"nothing found for {query!r}"
    first = results[0]
    assert (first["id"], first["match"]["how"]) == (concept_id, how), [
        (r["id"], r["match"]["text"], r["match"]["how"]) for r in results[:5]
    ]


def test_the_table_is_big_enough():
    assert len(CASES) >= 150
