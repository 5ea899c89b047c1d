"""README.md documents every command, and CI runs exactly the README's test command."""

import re
import subprocess
import sys
from pathlib import Path

import click
import pytest

from glossary import create_app

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _commands(group: click.Group, prefix: str = "") -> list[str]:
    names = []
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            names += _commands(command, f"{prefix}{name} ")
        else:
            names.append(f"{prefix}{name}")
    return names


def _fenced_commands() -> list[str]:
    return re.findall(r"```sh\n(.+?)\n```", README)


def test_every_cli_command_is_documented(tmp_path):
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "t", "DATABASE": str(tmp_path / "g.db")}
    )
    own = [n for n in _commands(app.cli) if n not in ("routes", "run", "shell")]
    assert {"init-db", "import", "export", "backup"} <= set(own)
    for name in own:
        assert f"`{name}" in README, f"flask {name} is not documented in README.md"


def test_readme_gives_a_run_and_a_test_command():
    run, test = _fenced_commands()[:2]
    assert "pip install -e ." in run and "flask --app glossary run" in run
    assert "pytest" in test


def test_ci_runs_exactly_the_readme_test_command():
    test = _fenced_commands()[1]
    ci_lines = (ROOT / ".ci" / "run").read_text().splitlines()
    assert test in ci_lines


def test_every_csv_column_is_documented():
    from glossary.interchange.csvfile import header_for

    for column in header_for({"en": 2, "ru": 2, "kk": 2}, 1):
        numbered = re.sub(r"_2$", "_N", re.sub(r"^note_1", "note_N", column))
        generic = re.sub(r"_(en|ru|kk)(?=_|$)", "_xx", numbered)
        names = (column, numbered, generic)
        assert any(f"`{name}`" in README for name in names), column


def test_code_passes_ruff():
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "glossary", "tests", "bench"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_bandit_finds_nothing_untriaged():
    """What .ci/audit.py runs after the suite, caught in the suite itself."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bandit",
            "-q",
            "-r",
            "glossary",
            "-b",
            ".ci/bandit-baseline.json",
            "-f",
            "txt",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_code_passes_mypy():
    result = subprocess.run(
        [sys.executable, "-m", "mypy"],  # files and settings: pyproject.toml
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
