"""schemathesis against /api/v1/openapi.json as anonymous, translator and
reviewer, with every check: 0 failures (a bounded number of examples per
operation).

One check is narrowed, for one principled reason. ``positive_data_acceptance``
says that a body the schema allows must not get a 400. The proposal schema is
exact about structure: each kind's fields (built from proposals.FIELDS, the
table the validation uses), which are required, types, enums, lengths, blank
values; and the API refuses every body the published schema refuses (it
validates against the same document). What no JSON Schema can state is the
terminology rules on the *content* of a term or note: letters of one script per
word, no look-alike letters of another script, Kazakh in Cyrillic, no control
or format characters, at most a few stacked accents, a term not twice in one
concept, a change that changes something, a term named by "lang:text" that
exists in the stored concept; nor that a reviewer's reason holds no control
characters. A schema-valid proposal or decision that breaks one of those
gets 400 with the problem listed; the check below accepts such a 400 only when
every listed problem is one of those content codes (CONTENT_CODES), so a
structural refusal of schema-valid data still fails the test.
``negative_data_rejection`` runs unchanged.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.review_support import add_token, add_user, make_app

pytestmark = pytest.mark.slow

# Problems about the content of terms and notes (glossary.model, proposals)
# that JSON Schema cannot express; see the module docstring.
CONTENT_CODES = frozenset(
    {
        "mixed_script",
        "mixed_scripts",
        "confusable_script",
        "cyrillic_in_english",
        "kazakh_not_cyrillic",
        "control_characters",
        "format_character",
        "combining_marks",
        "term_twice",
        "new_concept_without_terms",
        "changes_nothing",
        "no_such_term",
        "note_unknown_term",
    }
)
# An approval's edits are checked against the stored proposal's kind, which
# the path names but no schema can know (proposals.EDITABLE): an edit of a field
# that kind has not, or an edit that breaks that kind's rules.
APPROVE_CODES = CONTENT_CODES | {
    "cannot_edit_fields",
    "cannot_change_when_approving",
    "new_term_empty",
    "note_text_empty",
    "source_required",
    "change_target",
    "new_definition_empty",
    "unknown_language",
}
# A rejection's reason is free text, but not control or format characters.
REASON_CODES = frozenset({"control_characters"})
CONTENT_OPERATIONS = {
    ("POST", "/proposals"): CONTENT_CODES,
    ("POST", "/proposals/{id}/approve"): APPROVE_CODES,
    ("POST", "/proposals/{id}/reject"): REASON_CODES,
}

_APP: dict = {}
SEEN: dict[str, int] = {}


def app_and_tokens():
    """One app for the whole module (schemathesis loads the schema at import)."""
    if not _APP:
        import tempfile
        from pathlib import Path

        app = make_app(Path(tempfile.mkdtemp(prefix="glossary-schemathesis-")))
        _APP["app"] = app
        _APP["translator"] = add_token(app, add_user(app, "tamara"))
        _APP["reviewer"] = add_token(app, add_user(app, "rustem", role="reviewer"))
    return _APP


def positive_data_acceptance_but_content(ctx, response, case):
    """positive_data_acceptance, but a 400 for content rules only is acceptance."""
    allowed = CONTENT_OPERATIONS.get((case.method.upper(), case.path))
    if (
        allowed is not None
        and response.status_code == 400
        and case.meta is not None
        and case.meta.generation.mode.is_positive
    ):
        codes = {p["code"] for p in response.json().get("problems", [])}
        for code in codes:
            SEEN[code] = SEEN.get(code, 0) + 1
        assert codes and codes <= allowed, (
            f"a schema-valid proposal was refused for {sorted(codes - allowed)}"
            f": {response.text[:500]}"
        )
        return True
    return positive_data_acceptance(ctx, response, case)


schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app_and_tokens()["app"])


@pytest.mark.parametrize("role", ["anonymous", "translator", "reviewer"])
@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_conforms_to_its_openapi_document(case, role):
    headers = {}
    if role != "anonymous":
        headers["Authorization"] = f"Bearer {app_and_tokens()[role]}"
    case.call_and_validate(
        headers=headers,
        checks=[positive_data_acceptance_but_content],
        excluded_checks=[positive_data_acceptance],
    )
