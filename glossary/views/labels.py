"""The interface's names for the data's codes (statuses, kinds, roles…), one place.

Every template sees them through one context processor.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..model import DOMAIN_KEYS, LANGS, PARTS_OF_SPEECH, STATUSES

STATUS_LABELS = {
    "preferred": _l("preferred"),
    "admitted": _l("admitted"),
    "deprecated": _l("deprecated"),
    "superseded": _l("superseded"),
}
HOW_LABELS = {
    "exact": _l("exact match"),
    "normalised": _l("match ignoring case, ё/е and punctuation"),
    "prefix": _l("beginning of the term"),
    "lemma": _l("another form of the word"),
    "word": _l("one word of the term"),
    "folded": _l("Kazakh typed with Russian letters"),
    "latin": _l("match in Kazakh Latin script"),
    "translit": _l("Russian typed in Latin letters"),
    "layout": _l("typed with the wrong keyboard layout"),
    "fuzzy": _l("similar spelling"),
    "part": _l("entry for a part of the phrase"),
}
LANG_LABELS = {"en": _l("English"), "ru": _l("Russian"), "kk": _l("Kazakh")}
POS_LABELS = {
    "noun": _l("noun"),
    "verb": _l("verb"),
    "adjective": _l("adjective"),
    "adverb": _l("adverb"),
    "properNoun": _l("proper noun"),
    "other": _l("other"),
}
ACTION_LABELS = {
    "create": _l("created"),
    "update": _l("changed"),
    "import": _l("imported"),
    "note": _l("note added"),
    "hide_note": _l("note hidden"),
    "revert": _l("reverted"),
}
KIND_LABELS = {
    "new_concept": _l("new concept"),
    "new_term": _l("new term"),
    "change": _l("change"),
    "note": _l("note"),
}
DECISION_LABELS = {
    "pending": _l("pending"),
    "approved": _l("approved"),
    "rejected": _l("rejected"),
}
WHAT_LABELS = {
    "domain": _l("domain"),
    "term": _l("term"),
    "definition": _l("definition"),
    "note": _l("note"),
    "related": _l("see also"),
}
REQUEST_LABELS = {
    "open": _l("open"),
    "done": _l("done"),
    "declined": _l("declined"),
}
ROLE_LABELS = {
    "translator": _l("translator"),
    "reviewer": _l("reviewer"),
    "admin": _l("admin"),
}


def init_app(app) -> None:
    """Expose every label dictionary (and the codes they name) to templates."""

    @app.context_processor
    def labels() -> dict:
        return {
            "STATUS_LABELS": STATUS_LABELS,
            "HOW_LABELS": HOW_LABELS,
            "LANG_LABELS": LANG_LABELS,
            "POS_LABELS": POS_LABELS,
            "ACTION_LABELS": ACTION_LABELS,
            "KIND_LABELS": KIND_LABELS,
            "DECISION_LABELS": DECISION_LABELS,
            "WHAT_LABELS": WHAT_LABELS,
            "REQUEST_LABELS": REQUEST_LABELS,
            "ROLE_LABELS": ROLE_LABELS,
            "TERM_LANGS": LANGS,
            "STATUSES": STATUSES,
            "PARTS_OF_SPEECH": PARTS_OF_SPEECH,
            "DOMAIN_KEYS": DOMAIN_KEYS,
        }
