"""The kind of a term's or definition's source, derived from its text (pure).

A source cell names one or more sources separated by " ; " (a URL, a law, a
dictionary or a word list, sometimes with a short comment in brackets). Each is
classified by where it comes from: the host of its URL, or the words of its
text. The kind is derived, never stored, so it cannot disagree with the source.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# From most to least authoritative: a concept's kind is its strongest source's.
SOURCE_KINDS = (
    "law",
    "official",
    "reference",
    "press",
    "dictionary",
    "wordlist",
    "other",
)
# Kinds that only list equivalents, without the context a reader could check.
LIST_KINDS = frozenset({"dictionary", "wordlist"})

_SPLIT = re.compile(r"\s+;\s+|\s+\+\s+")
_URL = re.compile(r"https?://[^\s<>\"')]+")

# Hosts (and their subdomains) of each kind. A host not listed is "other".
_HOSTS: dict[str, tuple[str, ...]] = {
    "law": (
        "adilet.zan.kz",
        "online.zakon.kz",
        "zakon.uchet.kz",
        "zakonpravo.kz",
        "prg-online-web.prgapp.kz",
        "consultant.ru",
        "base.garant.ru",
        "pravo.gov.ru",
        "legislation.gov.uk",
        "eur-lex.europa.eu",
    ),
    "official": (
        "gov.kz",
        "akorda.kz",
        "primeminister.kz",
        "egov.kz",
        "strategy2050.kz",
        "termincom.kz",
        "stat.gov.kz",
        "unesco.org",
        "wipo.int",
        "unctad.org",
        "un.org",
        "ilo.org",
        "oecd.org",
        "worldbank.org",
        "britishcouncil.org",
        "europa.eu",
        "iprhelpdesk.eu",
        "gov.uk",
        "gov.ru",
        "gosuslugi.ru",
        "culture.ru",
        "icom.museum",
        "icom.nl",
        "ichlinks.com",
        "qaztourism.kz",
        "e-history.kz",
    ),
    "reference": (
        "wikipedia.org",
        "wikiwand.com",
        "cyclowiki.org",
        "britannica.com",
        "wikitia.com",
        "piglix.com",
        "know.cf",
        "think.ovh",
        "riches-project.eu",
        "encyclopedia.com",
        "bigenc.ru",
        "cinema.academic.ru",
        "dbpedia.org",
    ),
    "press": (
        "24.kz",
        "inform.kz",
        "qazinform.com",
        "zakon.kz",
        "kazpravda.kz",
        "egemen.kz",
        "astanatimes.com",
        "tengrinews.kz",
        "kt.kz",
        "vlast.kz",
        "caravan.kz",
        "el.kz",
        "baq.kz",
        "kursiv.media",
        "nur.kz",
        "total.kz",
        "ktk.kz",
        "otyrar.kz",
        "kungei.kz",
        "mtrk.kz",
        "ortalyq.kz",
        "qyzyljarnews.kz",
        "inkaraganda.kz",
        "juldyz.info",
        "aiqara.kz",
        "aptamedia.kz",
        "beketnews.kz",
        "baigenews.kz",
        "factcheck.kz",
        "ng.kz",
        "lada.kz",
        "kzaif.kz",
        "news.mail.ru",
        "nn-news.net",
        "cherkessk-news.net",
        "abyroy.kz",
        "aikyn.kz",
        "akparat-zamany.com",
        "city04.kz",
        "er10.kz",
        "ernur.kz",
        "inastana.kz",
        "kazakhstanpress.com",
        "mgorod.kz",
        "kazgazeta.kz",
        "nazarmedia.kz",
        "qazaqstan.tv",
        "samal-akparat.com",
        "saryarka-samaly.kz",
        "silkwaytv.kz",
        "vestnik19.kz",
        "the-steppe.com",
        "sxodim.com",
        "afisha.ru",
        "voiceofmoscow.ru",
        "forbes.kz",
        "rg.ru",
        "tass.ru",
        "ria.ru",
        "kommersant.ru",
        "bbc.com",
        "theguardian.com",
        "nytimes.com",
        "reuters.com",
        "the-stage.ru",
        "ptj.spb.ru",
        "bitshift.news",
        "tatlerasia.kz",
        "sputnik.kz",
        "kapital.kz",
        "liter.kz",
        "kaztag.kz",
        "azattyq.org",
        "kazinform.kz",
        "khabar.kz",
        "time.kz",
        "turkystan.kz",
        "jasqazaq.kz",
        "qamshy.kz",
        "abai.kz",
        "ult.kz",
        "edgekz.com",
        "abc.net.au",
        "intellinews.com",
        "styleofeurasia.com",
        "vogueadria.com",
        "metalmagazine.eu",
        "jjtv.kz",
        "qazaqtv.com",
        "kazakh-tv.kz",
        "on.kz",
        "almaty.tv",
        "77tv.kz",
        "ntk.kz",
        "myastana.kz",
        "uralskcity.kz",
        "smi24.kz",
        "np.kz",
        "kzvesti.kz",
        "fnn.kz",
        "qazaly.kz",
        "arka-azhary.kz",
        "mugalzhar.kz",
        "kyzylorda-news.kz",
        "syrboyi.kz",
        "mangystaumedia.kz",
        "brod.kz",
        "b2bis.kz",
        "caspian-khabarshys.com",
        "centralasia.media",
        "centralasia.news",
        "globalnews.kz",
        "report.az",
        "ic24.kz",
        "5.ua",
        "cabar.asia",
        "minber.kz",
        "infonews.kz",
        "sn.kz",
        "azh.kz",
        "mir24.tv",
        "qazaq24.com",
        "altyn-orda.kz",
        "4tagan.kz",
        "elordainfo.kz",
        "turkistantimes.kz",
    ),
    "dictionary": (
        "merriam-webster.com",
        "webster-dictionary.org",
        "thefreedictionary.com",
        "findwords.info",
        "askdifference.com",
        "dictionary.cambridge.org",
        "oxfordlearnersdictionaries.com",
        "collinsdictionary.com",
        "dictionary.com",
        "gramota.ru",
        "sozdik.kz",
        "3dict.net",
        "dictionaryone.com",
    ),
}
_HOST_KIND = {host: kind for kind, hosts in _HOSTS.items() for host in hosts}

# Sources named without a URL, recognised by their words.
_TEXT_KINDS = (
    ("wordlist", re.compile(r"Ravshanichk/buk-dic|libreoffice", re.I)),
    ("dictionary", re.compile(r"apertium|dictionary|словар|сөздік", re.I)),
    ("law", re.compile(r"\b(law|act|code|закон|кодекс|заң|заңы)\b", re.I)),
)


def split_sources(source: str) -> list[str]:
    """Return the separate sources named in one source cell."""
    return [part.strip() for part in _SPLIT.split(source or "") if part.strip()]


def host_kind(host: str) -> str | None:
    """Return the kind of a web HOST (or one of its parent domains), if known."""
    host = host.lower().rstrip(".").removeprefix("www.")
    while host:
        if host in _HOST_KIND:
            return _HOST_KIND[host]
        if "." not in host:
            return None
        host = host.split(".", 1)[1]
    return None


def kind_of(part: str) -> str:
    """Return the kind of ONE source (a URL, possibly commented, or a name)."""
    # A word list or dictionary named in the text wins over the URL of its
    # repository (github.com is a host of every kind).
    for kind, pattern in _TEXT_KINDS[:2]:
        if pattern.search(part):
            return kind
    url = _URL.search(part)
    if url:
        hosted = host_kind(urlsplit(url.group()).hostname or "")
        if hosted:
            return hosted
        if re.search(r"[(/]law\b|\bLaw\b|Заң|Закон", part):
            return "law"
        return "other"
    for kind, pattern in _TEXT_KINDS[2:]:
        if pattern.search(part):
            return kind
    return "other"


def source_kinds(source: str) -> list[str]:
    """Return the kind of every source named in a source cell, in order."""
    return [kind_of(part) for part in split_sources(source)]


def source_kind(source: str) -> str | None:
    """Return the strongest kind among the sources of a cell (None when empty)."""
    kinds = source_kinds(source)
    if not kinds:
        return None
    return min(kinds, key=SOURCE_KINDS.index)


def record_sources(record: dict) -> list[str]:
    """Return every separate source cited by a concept's terms and definitions."""
    cells = [t.get("source", "") for t in record.get("terms", [])]
    cells += [d.get("source", "") for d in record.get("definitions", {}).values()]
    seen: dict[str, None] = {}
    for cell in cells:
        for part in split_sources(cell):
            seen.setdefault(_identity(part), None)
    return list(seen)


def _identity(part: str) -> str:
    """Return what makes two citations the same source (the URL, or the name)."""
    url = _URL.search(part)
    if url:
        return url.group().rstrip("/")
    return re.sub(r"\s*\(.*?\)\s*", " ", part).split(" assets/")[0].strip()
