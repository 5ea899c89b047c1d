"""Errors as codes with parameters, rendered in the reader's language.

Pure: no Flask, no database. The data layer and the pure modules say what is
wrong as `Problem(code, field, params)`; a page renders each through the
catalogs in the interface language (`render(problem, gettext)`), the API in
English or in the language its `Accept-Language` asks for. Nothing compares
message text: control flow goes by `code`.

The English templates below are the msgids of the ru/kk catalogs: `N_` marks
them for `pybabel extract` (see glossary/translate.py) without translating them
here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from typing import Any


def N_(message: str) -> str:
    """Mark MESSAGE for extraction into the catalogs; return it unchanged."""
    return message


@dataclasses.dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: a code, the field it is about, parameters."""

    code: str
    field: str = ""
    params: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.code not in MESSAGES:
            raise KeyError(f"no message for problem code {self.code!r}")

    def __hash__(self) -> int:
        return hash((self.code, self.field, repr(sorted(self.params.items()))))

    def __str__(self) -> str:
        return render(self)

    def as_dict(self, gettext: Callable[[str], str] | None = None) -> dict:
        """Return the API's shape: {"code", "field", "message"}."""
        return {
            "code": self.code,
            "field": self.field,
            "message": render(self, gettext),
        }


class ProblemError(ValueError):
    """Input that cannot be accepted: carries every problem found."""

    def __init__(self, problems: Iterable[Problem] | Problem) -> None:
        if isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(dict.fromkeys(problems))
        super().__init__("; ".join(str(p) for p in self.problems))

    @property
    def codes(self) -> list[str]:
        """Return the codes of the problems, in order."""
        return [p.code for p in self.problems]

    def has(self, code: str) -> bool:
        """Tell whether one of the problems has CODE."""
        return code in self.codes


def _identity(message: str) -> str:
    return message


def render(problem: Problem, gettext: Callable[[str], str] | None = None) -> str:
    """Return PROBLEM's message, translated by GETTEXT (English without one)."""
    gettext = gettext or _identity
    template = gettext(MESSAGES[problem.code])
    values = {k: _shown(v, gettext) for k, v in problem.params.items()}
    try:
        return template % values
    except (KeyError, TypeError, ValueError):
        # A catalog entry with a broken placeholder must not hide the problem.
        return MESSAGES[problem.code] % values


def render_all(
    problems: Iterable[Problem], gettext: Callable[[str], str] | None = None
) -> list[str]:
    """Return the messages of PROBLEMS, translated by GETTEXT."""
    return [render(p, gettext) for p in problems]


def _shown(value: Any, gettext: Callable[[str], str]) -> Any:
    if isinstance(value, Problem):
        return render(value, gettext)
    if isinstance(value, list | tuple):
        return ", ".join(str(_shown(v, gettext)) for v in value)
    if isinstance(value, str):
        # Invisible characters are shown escaped (\u200b), as repr() would.
        return "".join(c if c.isprintable() else repr(c)[1:-1] for c in value)
    return value


# The English message of every code. Parameters are %(name)s placeholders;
# quoted values are quoted in the template, so a translation can use its own
# quotation marks (« » in Russian and Kazakh).
MESSAGES: dict[str, str] = {
    # --- one concept (glossary.model) ---
    "id_not_positive": N_("id %(value)s is not a positive whole number"),
    "unknown_domain": N_("unknown domain '%(value)s' (allowed: %(allowed)s)"),
    "no_terms": N_("a concept needs at least one term"),
    "unknown_language": N_("unknown language '%(value)s' (allowed: en, ru, kk)"),
    "term_empty": N_("%(where)s is empty"),
    "unknown_status": N_(
        "%(where)s: unknown status '%(value)s' (allowed: %(allowed)s)"
    ),
    "unknown_pos": N_(
        "%(where)s: unknown part of speech '%(value)s' (allowed: %(allowed)s)"
    ),
    "too_long": N_("%(what)s is %(length)s characters long (at most %(limit)s)"),
    "control_characters": N_("%(what)s contains control characters"),
    "mixed_script": N_(
        "%(where)s: the word '%(word)s' mixes Latin and Cyrillic letters"
    ),
    "cyrillic_in_english": N_(
        "%(where)s: an English term must not contain Cyrillic letters"
    ),
    "kazakh_not_cyrillic": N_(
        "%(where)s: a Kazakh term is stored in Cyrillic (its Latin form is derived)"
    ),
    "term_twice": N_("%(where)s appears twice in the same concept"),
    "definition_unknown_language": N_("definition in unknown language '%(value)s'"),
    "definition_without_text": N_("%(lang)s definition has a source but no text"),
    "note_empty": N_("note %(n)s is empty"),
    "note_unknown_language": N_(
        "note %(n)s: unknown language '%(value)s' (allowed: en, ru, kk)"
    ),
    "note_unknown_term": N_(
        "note %(n)s refers to term '%(value)s', which this concept lacks"
    ),
    "note_bad_date": N_("note %(n)s: date '%(value)s' is not an ISO 8601 date"),
    "refers_to_itself": N_("a concept cannot refer to itself"),
    "id_out_of_range": N_("id %(value)s is not a whole number from 1 to %(max)s"),
    "related_id_out_of_range": N_(
        "related id %(value)s is not a whole number from 1 to %(max)s"
    ),
    "lone_surrogate": N_("%(what)s contains an invalid character (a lone surrogate)"),
    "format_character": N_(
        "%(what)s contains the invisible format character %(code)s (%(name)s)"
    ),
    "combining_marks": N_(
        "%(what)s has more than %(limit)s combining marks on one letter"
    ),
    "mixed_scripts": N_(
        "%(where)s: the word '%(word)s' mixes letters of different scripts "
        "(%(scripts)s)"
    ),
    "confusable_script": N_(
        "%(where)s: the word '%(word)s' is written in %(script)s letters that look "
        "like %(looks)s ones"
    ),
    # Script names that the two messages above take as parameters.
    "script_latin": N_("Latin"),
    "script_cyrillic": N_("Cyrillic"),
    "script_greek": N_("Greek"),
    "script_armenian": N_("Armenian"),
    "script_georgian": N_("Georgian"),
    "script_cherokee": N_("Cherokee"),
    "script_coptic": N_("Coptic"),
    "script_other": N_("another script (%(name)s)"),
    # The parts of a concept that the messages above name (their "what"/"where").
    "part_term": N_("%(lang)s term '%(text)s'"),
    "part_term_unnamed": N_("%(lang)s term"),
    "part_usage": N_("%(where)s: usage note"),
    "part_source": N_("%(where)s: source"),
    "part_definition": N_("%(lang)s definition"),
    "part_definition_source": N_("%(lang)s definition source"),
    "part_note": N_("note %(n)s"),
    "part_note_author": N_("note %(n)s author"),
    "part_comment": N_("comment"),
    "part_source_field": N_("source"),
    "part_reason": N_("the reason"),
    # --- proposals (glossary.proposals) ---
    "not_text": N_("%(name)s must be text"),
    "concept_id_invalid": N_(
        "concept_id must name an existing entry (a whole number from 1 to %(max)s)"
    ),
    "terms_not_object": N_('terms must be an object like {"en": ["…"], "ru": ["…"]}'),
    "terms_not_list": N_("terms.%(lang)s must be a list of terms"),
    "too_many_terms": N_("at most %(limit)s %(lang)s terms"),
    "term_not_text": N_("terms.%(lang)s[%(i)s] must be text"),
    "term_unknown_fields": N_("terms.%(lang)s[%(i)s]: unknown field(s) %(fields)s"),
    "new_concept_without_terms": N_("a new concept needs at least one term"),
    "source_required": N_("a source is required for every new term"),
    "definition_not_object": N_('definition must be an object like {"en": "…"}'),
    "definition_bad_language": N_(
        "definition.%(lang)s is not a definition in en, ru or kk"
    ),
    "new_term_empty": N_("the new term is empty"),
    "change_target": N_(
        'a change names either one term (term: "lang:text") or a definition'
    ),
    "no_such_term": N_("the entry has no term '%(value)s'"),
    "new_definition_empty": N_("the new %(lang)s definition is empty"),
    "note_text_empty": N_("the note is empty"),
    "proposal_not_object": N_("a proposal is a JSON object"),
    "unknown_kind": N_("kind must be one of: %(allowed)s"),
    "unknown_fields": N_("unknown field(s) for %(kind)s: %(fields)s"),
    "status_unknown": N_("unknown status '%(value)s' (allowed: %(allowed)s)"),
    "pos_unknown": N_("unknown part of speech '%(value)s' (allowed: %(allowed)s)"),
    "changes_nothing": N_("the proposal changes nothing in the entry"),
    "edits_not_object": N_("edits must be a JSON object"),
    "cannot_edit_fields": N_("cannot edit field(s): %(fields)s"),
    "cannot_change_when_approving": N_("%(name)s cannot be changed when approving"),
    "reason_required": N_("a reason is required"),
    "already_decided": N_("proposal %(id)s was already %(status)s by %(reviewer)s"),
    "entry_gone": N_(
        "entry %(id)s no longer exists: reject this proposal with a reason instead"
    ),
    "revert_of_creation": N_(
        "this change created the entry; there is no earlier version"
    ),
    "revert_of_removal": N_(
        "this change removed the entry; import it again to restore it"
    ),
    "changed_since": N_(
        "changed again since, so this change cannot be undone by itself: "
        "%(parts)s (undo the later changes first)"
    ),
    "already_reverted": N_("the entry is already as it was before this change"),
    "not_found": N_("%(what)s %(id)s does not exist"),
    # The parts of an entry that an undo can find changed again since.
    "part_domain": N_("the domain"),
    "part_the_term": N_("the term %(key)s"),
    "part_the_definition": N_("the %(lang)s definition"),
    # --- accounts (glossary.accounts) ---
    "username_form": N_(
        "a username has 3 to 40 letters, digits, dots, hyphens or underscores "
        "and starts and ends with a letter or digit"
    ),
    "username_mixed_script": N_("a username must not mix Latin and Cyrillic letters"),
    "username_script": N_("a username uses Latin or Cyrillic letters only"),
    "password_too_short": N_("a password needs at least %(n)s characters"),
    "password_too_long": N_("a password has at most %(n)s characters"),
    "password_is_username": N_("the password must not be the username"),
    "unknown_role": N_("unknown role '%(value)s' (allowed: %(allowed)s)"),
    "email_invalid": N_("that e-mail address does not look valid"),
    "username_taken": N_("that username is taken"),
    "no_such_user": N_("no user with id %(id)s"),
    "last_admin": N_("the last active admin cannot be demoted or disabled"),
    # --- requests for missing terms (glossary.term_requests) ---
    "request_text_missing": N_("say which term is missing"),
    "request_text_too_long": N_("the term is longer than %(limit)s characters"),
    "request_language": N_("choose the language of the term: en, ru or kk"),
    "request_domain": N_("unknown domain '%(value)s'"),
    "request_context_too_long": N_("the context is longer than %(limit)s characters"),
    "request_contact_too_long": N_("the contact is longer than %(limit)s characters"),
    "request_control_characters": N_("the request contains control characters"),
    "request_close_status": N_("a request is closed as done or declined"),
    "request_answer_invalid": N_(
        "the answer is too long or contains control characters"
    ),
    "request_closed": N_("this request is closed already or does not exist"),
    # --- importing (glossary.concepts, glossary.interchange) ---
    "related_not_in_file": N_(
        "%(unit)s %(line)s: related id %(id)s is not in the file (replace removes it)"
    ),
    "related_missing": N_("%(unit)s %(line)s: related id %(id)s does not exist"),
    # --- import files (the interchange readers' own messages; pages find the
    # code back from the English text, glossary/views/display.py) ---
    "file_empty": N_("the file is empty"),
    "file_empty_header": N_("the file is empty (a header row is needed)"),
    "file_no_entries": N_("the file has no concept entries"),
    "file_utf16": N_(
        "the file is UTF-16; save it as UTF-8 (in Excel: CSV UTF-8) and try again"
    ),
    "file_not_utf8": N_(
        "the file is not UTF-8 text; save it as UTF-8 (in Excel: CSV UTF-8) "
        "and try again"
    ),
    "file_too_big": N_("the file is %(size)s bytes; the limit is %(limit)s bytes"),
    "file_unknown_format": N_(
        "cannot tell the format of %(name)s: the name must end in .csv, .tsv, "
        ".tbx or .json"
    ),
    "unknown_column": N_("unknown column %(name)s (the layout is in README.md)"),
    "column_twice": N_("column %(name)s appears twice"),
    "no_term_column": N_(
        "no term column: the header needs term_en, term_ru or term_kk"
    ),
    "cells_count": N_("%(cells)s cells where the header has %(header)s"),
    "cell_too_long": N_("a cell is longer than %(limit)s characters"),
    "too_many_rows": N_("more than %(limit)s rows"),
    "malformed_csv": N_("malformed CSV: %(detail)s"),
    "malformed_json": N_("malformed JSON: %(detail)s"),
    "malformed_xml": N_("malformed XML: %(detail)s"),
    "id_also_on_line": N_("id %(id)s is also on line %(line)s"),
    "id_also_entry": N_("id c%(id)s is also entry %(n)s"),
    "given_for_empty_term": N_("%(fields)s given for an empty %(column)s"),
    "related_not_number": N_("related id %(value)s is not a number"),
    "json_not_glossary": N_(
        'not a glossary JSON file: it needs "format": "glossary" '
        "(the layout is in README.md)"
    ),
    "json_version": N_("unsupported version %(version)s (expected 1)"),
    "json_concepts_not_list": N_('"concepts" must be a list'),
    "too_many_concepts": N_("more than %(limit)s concepts"),
    "json_unknown_key": N_("unknown key %(key)s"),
    "json_unknown_term_key": N_("unknown term key %(key)s"),
    "json_terms_not_list": N_("'terms' must be a list"),
    "json_term_not_object": N_("each term must be an object of strings"),
    "json_definitions_shape": N_(
        "'definitions' must map languages to {text, source} objects"
    ),
    "json_notes_shape": N_(
        "'notes' must be a list of {text, lang, author, date, term}"
    ),
    "json_related_shape": N_("'related' must be a list of concept ids"),
    "json_domain_not_text": N_("'domain' must be a string"),
    "tbx_root": N_(
        "the root element is <%(name)s>, not <tbx> or <martif>: not a TBX file"
    ),
    "tbx_unsafe": N_(
        "the file declares a DTD or entities, which are refused for safety"
    ),
    "too_many_entries": N_("more than %(limit)s concept entries"),
    "tbx_unknown_status": N_(
        "unknown administrativeStatus %(value)s (allowed: %(allowed)s)"
    ),
    "tbx_two_definitions": N_("two %(lang)s definitions"),
    "seed_invalid": N_("%(path)s: %(count)s invalid rows, first: %(first)s"),
    "at_line": N_("line %(line)s: %(problem)s"),
    "at_concept": N_("concept %(n)s: %(problem)s"),
    "at_concept_id": N_("concept %(n)s (id %(id)s): %(problem)s"),
    "at_entry": N_("entry %(n)s: %(problem)s"),
    "at_entry_id": N_("entry %(n)s (id %(id)s): %(problem)s"),
    "message": N_("%(text)s"),
    # --- the API's own checks (glossary.views.api) ---
    "param_required": N_("%(name)s is required"),
    "param_too_long": N_("%(name)s is longer than %(limit)s characters"),
    "param_choice": N_("%(name)s must be one of: %(allowed)s"),
    "param_unknown": N_("unknown parameter %(name)s (allowed: %(allowed)s)"),
    "body_schema": N_(
        "%(field)s does not match the schema of a %(kind)s proposal "
        "(see /api/v1/openapi.json)"
    ),
    "param_not_integer": N_("%(name)s must be a whole number"),
    "param_range": N_("%(name)s must be between %(low)s and %(high)s"),
    "body_too_large": N_("the request body is larger than %(limit)s bytes"),
    "body_not_object": N_("the request body must be a JSON object"),
    "body_not_json": N_("the request body is not valid JSON"),
    "body_content_type": N_(
        "the request body must be JSON (Content-Type: application/json)"
    ),
    "json_too_deep": N_("the JSON is nested more than %(limit)s levels deep"),
    "json_surrogate": N_("the JSON holds an invalid character (a lone surrogate)"),
    "database_busy": N_(
        "The glossary is busy with a large change (an import). Nothing was saved: "
        "try again in %(seconds)s seconds."
    ),
    "disk_full": N_(
        "The server has no space left to save this. Nothing was saved; an "
        "administrator has to free disk space."
    ),
    "token_required": N_("a valid API token is required (Authorization: Bearer TOKEN)"),
    "reviewers_only": N_("only reviewers can decide proposals"),
    "not_yours": N_("this proposal is not yours"),
    "entry_of_proposal_gone": N_("the entry of this proposal no longer exists"),
    "internal_error": N_("internal error"),
    "read_only_replica": N_(
        "this is a read-only replica of the glossary: send writes to the primary, "
        "GLOSSARY_PRIMARY_URL = %(primary)s"
    ),
    "check_body_not_object": N_(
        "the body must be a JSON object (Content-Type: application/json)"
    ),
    "text_too_long": N_("%(name)s is longer than %(limit)s bytes (1 MB)"),
    "param_not_string": N_("%(name)s must be a string"),
    "param_lang_or_null": N_(
        "%(name)s must be one of: %(allowed)s (or null to detect it)"
    ),
    "same_languages": N_("source_lang and target_lang must be different languages"),
    # --- web import jobs (glossary.jobs) ---
    "job_interrupted": N_(
        "the import was interrupted (the server stopped or restarted); "
        "nothing was imported: start it again"
    ),
    "job_plan_changed": N_(
        "the glossary has changed since your preview; nothing was imported: "
        "upload the file again to see a new preview"
    ),
    "job_database": N_(
        "the database could not take the import (%(detail)s); nothing was imported"
    ),
    "job_failed": N_("the import failed (%(detail)s); nothing was imported"),
    "http_error": N_("%(description)s"),
    # Words that other messages take as parameters (what was not found, where).
    "word_concept": N_("concept"),
    "word_proposal": N_("proposal"),
    "word_change": N_("change"),
    "word_note": N_("note"),
    "word_request": N_("request"),
    "word_line": N_("line"),
    "word_entry": N_("entry"),
    "word_pending": N_("pending"),
    "word_approved": N_("approved"),
    "word_rejected": N_("rejected"),
}


def script_name(script: str) -> Problem:
    """Return the translatable name of a Unicode SCRIPT (Latin, Greek…)."""
    code = f"script_{script.lower()}"
    if code in MESSAGES:
        return Problem(code)
    return Problem("script_other", "", {"name": script})


def word(name: str) -> Problem:
    """Return the translatable word NAME (a code word_NAME) as a parameter value."""
    return Problem(f"word_{name}")


def not_found(what: str, ident: object, field_name: str = "") -> Problem:
    """Return the problem "WHAT IDENT does not exist" (WHAT: concept, proposal…)."""
    return Problem("not_found", field_name, {"what": word(what), "id": ident})
