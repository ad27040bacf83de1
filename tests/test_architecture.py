"""Imports run one way (DESIGN.md 4): core ← accounts and ledger ← programmes ← providers and
vouchers (siblings) ← marketplace ← settlement ← portal. The ledger imports only core; no
app's views import another app's views; no app imports the project package (config)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYER = {
    "core": 0,
    "accounts": 1,
    "ledger": 1,
    "programmes": 2,
    "providers": 3,
    "vouchers": 3,
    "marketplace": 4,
    "settlement": 5,
    "portal": 6,
}


def _imports(path: Path) -> list[tuple[int, str]]:
    """Every module the file imports at run time (not under `if TYPE_CHECKING:`)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {
        id(child)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING"
        for child in ast.walk(node)
    }
    found = []
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
    return found


def _violations(app: str) -> list[str]:
    problems = []
    for path in sorted((ROOT / app).rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for line, module in _imports(path):
            top = module.split(".")[0]
            where = f"{path.relative_to(ROOT)}:{line} imports {module}"
            if top == "config":
                problems.append(where)
            elif top in LAYER and top != app:
                upward = LAYER[top] >= LAYER[app] or (app == "ledger" and top != "core")
                if upward:
                    problems.append(where)
                elif module.endswith(".apis") and top != "core" and path.name == "apis.py":
                    problems.append(f"{where} (views importing another app's views)")
    return problems


@pytest.mark.parametrize("app", [app for app in LAYER if (ROOT / app).is_dir()])
def test_imports_run_one_way(app: str) -> None:
    assert _violations(app) == []
