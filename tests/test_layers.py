"""Imports point down: web/apps -> engines -> platform; an app never imports another app."""

import ast
from pathlib import Path

import casebook

ROOT = Path(casebook.__file__).parent
RANK = {"platform": 0, "engines": 1, "apps": 2, "web": 2}


def imported_modules(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
    return found


def test_imports_point_down_and_apps_stay_apart() -> None:
    violations = []
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT).parts
        if parts[0] not in RANK:
            continue
        layer = parts[0]
        own_app = parts[1] if layer == "apps" and len(parts) > 2 else None
        for line, module in imported_modules(path):
            pieces = module.split(".")
            if len(pieces) < 2 or pieces[0] != "casebook":
                continue
            target = pieces[1]
            if target not in RANK:
                violations.append(f"{path}:{line} {layer} imports top-level {module}")
            elif RANK[target] > RANK[layer]:
                violations.append(f"{path}:{line} {layer} imports {module}")
            elif layer == "apps" and target == "apps" and own_app and len(pieces) > 2 and pieces[2] != own_app:
                violations.append(f"{path}:{line} app {own_app} imports {module}")

    assert violations == []
