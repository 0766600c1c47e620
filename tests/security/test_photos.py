"""Photo promises (SECURITY.md 1–8) are tested by the photo pipeline's own tests; this only
checks that the tests named in ``tests/security/__init__.py`` still exist, so the map
cannot silently rot."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import tests.security as security_tests

TESTS = Path(__file__).resolve().parent.parent


def _defined(path: Path) -> set[str]:
    return {
        node.name
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.FunctionDef)
    }


def test_every_test_named_in_the_promise_map_exists():
    doc = security_tests.__doc__
    missing = []
    current = None
    for token in re.findall(r"([\w/]+\.py)|(?:::)?(test_\w+)", doc):
        file, name = token
        if file:
            current = TESTS / file if "/" in file else TESTS / "security" / file
            if not current.exists():
                missing.append(file)
            continue
        candidates = [current] if current is not None and current.exists() else []
        candidates += list((TESTS / "security").glob("test_*.py"))
        if not any(name in _defined(p) for p in candidates):
            missing.append(name)
    assert not missing, f"named in tests/security/__init__.py but not found: {missing}"
