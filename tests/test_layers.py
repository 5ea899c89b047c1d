"""The layers stay apart: pure modules import no Flask and no database, views no SQL.

Read from the source (every import statement, also those inside functions), so
a lazy import cannot slip past.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "glossary"
# Pure: the entry model, search, the text check, interchange, problems, the clock.
PURE = ["model.py", "problems.py", "clock.py", "gcpause.py"]
PURE += ["search", "interchange", "check"]
DATABASE = {"glossary.db", "glossary.migrations", "glossary.startup", "sqlite3"}


def modules(relative: str) -> list[Path]:
    path = PACKAGE / relative
    return sorted(path.rglob("*.py")) if path.is_dir() else [path]


def imported(path: Path) -> set[str]:
    """Return the absolute names of every module PATH imports."""
    package = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1])
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parts = parts[: len(parts) - node.level + 1]
                base = ".".join(parts + ([base] if base else []))
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def _is(name: str, targets: set[str]) -> bool:
    return any(name == t or name.startswith(t + ".") for t in targets)


@pytest.mark.parametrize("relative", PURE)
def test_pure_modules_import_neither_flask_nor_the_database(relative):
    bad = {
        f"{path.relative_to(PACKAGE)}: {name}"
        for path in modules(relative)
        for name in imported(path)
        if _is(name, {"flask", "flask_babel", "werkzeug"} | DATABASE)
        or name in {"glossary.concepts", "glossary.proposals", "glossary.accounts"}
    }
    assert not bad, "\n".join(sorted(bad))


def test_views_write_no_sql():
    bad = {
        f"{path.relative_to(PACKAGE)}: {name}"
        for path in modules("views")
        for name in imported(path)
        if _is(name, {"sqlite3", "sqlite_utils"})
    }
    assert not bad, "\n".join(sorted(bad))


def test_the_database_module_knows_no_command_line_and_no_data_layer():
    names = imported(PACKAGE / "db.py")
    assert not any(_is(n, {"click", "glossary.concepts"}) for n in names), names


def test_no_import_cycle_between_glossary_modules():
    """Module-level imports between glossary's own modules form no cycle."""
    graph: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        name = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        name = name.removesuffix(".__init__")
        tree = ast.parse(path.read_text(encoding="utf-8"))
        top = ast.Module(
            body=[n for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom)],
            type_ignores=[],
        )
        graph[name] = set()
        for node in ast.walk(top):
            targets = []
            if isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = name.split(".")
                    if not path.name == "__init__.py":
                        parts = parts[:-1]
                    parts = parts[: len(parts) - node.level + 1]
                    base = ".".join(parts + ([base] if base else []))
                targets = [base] + [f"{base}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            graph[name].update(t for t in targets if t.startswith("glossary."))
    graph = {k: {t for t in v if t in graph and t != k} for k, v in graph.items()}

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 5000))
    state: dict[str, int] = {}
    cycle: list[str] = []

    def visit(node: str, stack: list[str]) -> bool:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycle.extend(stack[stack.index(nxt) :] + [node, nxt])
                return True
            if nxt not in state and visit(nxt, stack + [nxt]):
                return True
        state[node] = 2
        return False

    for start in sorted(graph):
        if start not in state and visit(start, [start]):
            break
    assert not cycle, " -> ".join(cycle)


def test_test_helpers_are_imported_under_one_name():
    # ``review_support`` imported as ``review_support`` beside ``tests.review_support``
    # would be two modules with two copies of its state (the seeded database).
    tests = PACKAGE.parent / "tests"
    bad = {
        f"{path.name}: {name}"
        for path in sorted(tests.glob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Import | ast.ImportFrom)
        for name in (
            [node.module or ""]
            if isinstance(node, ast.ImportFrom)
            else [a.name for a in node.names]
        )
        if name.split(".")[0] in {"review_support", "paradigms", "conftest"}
    }
    assert not bad, "\n".join(sorted(bad))
