"""The import graph of needlecare's own code, read from the source with ast.

Module-level and function-local imports alike; tests, migrations and this testing package are
left out. `python -m needlecare.common.testing.imports [PACKAGE_DIR]` prints which app imports
which (of this checkout's needlecare/, or of another checkout's, e.g. an older commit's).
"""

import ast
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2]  # .../needlecare


@dataclass(frozen=True)
class Import:
    module: str  # the importing module, e.g. "needlecare.web.views.booking"
    target: str  # what it imports, e.g. "needlecare.scheduling.services"
    local: bool  # inside a function (or method) rather than at module level
    line: int


def _skipped(path: Path, package: Path) -> bool:
    parts = path.relative_to(package).parts
    skipped = {"tests", "migrations", "testing", "conftest.py"}
    return bool(skipped & set(parts))


def _module_name(path: Path, package: Path) -> str:
    parts = list(path.relative_to(package.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _targets(node: ast.AST, module: str, is_package: bool) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom):
        if node.level:
            base = module.split(".")
            base = base[: len(base) - node.level + (1 if is_package else 0)]
            prefix = ".".join(base)
            return [f"{prefix}.{node.module}" if node.module else prefix]
        return [node.module] if node.module else []
    return []


def imports(package: Path = PACKAGE) -> list[Import]:
    """Every import of a needlecare module by needlecare's own (non-test) code."""
    found = []
    for path in sorted(package.rglob("*.py")):
        if _skipped(path, package):
            continue
        module = _module_name(path, package)
        tree = ast.parse(path.read_text(), filename=str(path))
        local_nodes = {
            id(inner)
            for fn in ast.walk(tree)
            if isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef)
            for inner in ast.walk(fn)
        }
        for node in ast.walk(tree):
            for target in _targets(node, module, path.name == "__init__.py"):
                if target == "needlecare" or target.startswith("needlecare."):
                    found.append(Import(module, target, id(node) in local_nodes, node.lineno))
    return found


def app_of(module: str, package: Path = PACKAGE) -> str | None:
    """The app a module belongs to ("needlecare.web.views.x" -> "web"); None for the root."""
    parts = module.split(".")
    if len(parts) < 2 or not (package / parts[1]).is_dir():
        return None
    return parts[1]


def app_graph(package: Path = PACKAGE) -> dict[str, set[str]]:
    """Which app imports which (the project root's own modules left out)."""
    graph: dict[str, set[str]] = defaultdict(set)
    for item in imports(package):
        source, target = app_of(item.module, package), app_of(item.target, package)
        if source and target and source != target:
            graph[source].add(target)
    return dict(graph)


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The groups of apps that import each other, directly or around a loop."""
    reach = {app: _reachable(graph, app) for app in graph}
    groups = {frozenset(a for a in reach if a in reach[b] and b in reach[a]) | {b} for b in reach}
    return sorted(sorted(g) for g in groups if len(g) > 1)


def _reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    todo = list(graph.get(start, ()))
    while todo:
        app = todo.pop()
        if app not in seen:
            seen.add(app)
            todo.extend(graph.get(app, ()))
    return seen


if __name__ == "__main__":
    graph = app_graph(Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else PACKAGE)
    for app in sorted(graph):
        print(f"{app:11} -> {', '.join(sorted(graph[app]))}")
    print("cycles:", cycles(graph) or "none")
