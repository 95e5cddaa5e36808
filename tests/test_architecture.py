"""The shape of the house, checked from the code's own imports (ast; nothing is imported or run).

Layers, from the top: adapters (views, urls, middleware, tasks, management commands, admin, apps,
context processors, template tags) -> services and selectors -> the domain's base (models,
permissions, forms, errors, the request context) -> the pure core. A module may import its own layer or
any layer below, never one above; selectors (reads) never import services (writes); the core
imports neither Django nor Celery. No module imports another in a loop, none uses a star import.
Imports inside functions count too: a lazy import still makes the dependency.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

ADAPTERS, DOMAIN, BASE, CORE = 4, 3, 2, 1
LAYER_NAMES = {
    ADAPTERS: "adapters",
    DOMAIN: "services/selectors",
    BASE: "models/permissions/forms",
    CORE: "core",
}
FORBIDDEN_IN_CORE = {"django", "celery"}


def layer_of(module: str) -> int:
    parts = module.split(".")
    second = parts[1] if len(parts) > 1 else ""
    if second == "core":
        return CORE
    if second in ("services", "selectors"):
        return DOMAIN
    if second in ("models", "permissions", "forms", "errors", "request_context", "throttling"):
        return BASE
    return ADAPTERS


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def read_imports(
    root: Path, package: str = "reports"
) -> tuple[dict[str, set[str]], dict[str, set[str]], list[str]]:
    """(imports between the package's modules, top-level third-party names each module imports,
    star imports) for every module of `package` under `root` (migrations left out)."""
    files = {_module_name(p, root): p for p in (root / package).rglob("*.py") if "migrations" not in p.parts}
    internal: dict[str, set[str]] = {m: set() for m in files}
    external: dict[str, set[str]] = {m: set() for m in files}
    stars: list[str] = []
    for module, path in files.items():
        is_package = path.name == "__init__.py"
        here = module.split(".") if is_package else module.split(".")[:-1]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = here[: len(here) - node.level + 1]
                    base = ".".join([*anchor, base] if base else anchor)
                if any(alias.name == "*" for alias in node.names):
                    stars.append(f"{module}: from {'.' * node.level}{node.module or ''} import *")
                # `from pkg import name`: name is a submodule, or a name defined in pkg itself
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in files else base for a in node.names]
            else:
                continue
            for target in targets:
                top = target.split(".")[0]
                if top != package:
                    external[module].add(top)
                    continue
                while target not in files and "." in target:
                    target = target.rsplit(".", 1)[0]
                if target != module:
                    internal[module].add(target)
    return internal, external, stars


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(found)


def wrong_way(graph: dict[str, set[str]], external: dict[str, set[str]]) -> list[str]:
    """Every import that runs up a layer, a read that imports a write, or Django/Celery in the core."""
    problems = []
    for module, targets in sorted(graph.items()):
        for target in sorted(targets):
            if layer_of(target) > layer_of(module):
                problems.append(
                    f"{module} ({LAYER_NAMES[layer_of(module)]}) imports {target} ({LAYER_NAMES[layer_of(target)]})"
                )
            elif ".selectors" in module and ".services" in target:
                problems.append(f"{module} (a read) imports {target} (a write)")
        if layer_of(module) == CORE and external[module] & FORBIDDEN_IN_CORE:
            problems.append(f"{module} (core) imports {sorted(external[module] & FORBIDDEN_IN_CORE)}")
    return problems


def test_no_module_of_reports_imports_another_in_a_loop():
    graph, _external, _stars = read_imports(ROOT)
    assert cycles(graph) == []


def test_no_star_imports_in_reports():
    _graph, _external, stars = read_imports(ROOT)
    assert stars == []


def test_every_import_runs_down_the_layers():
    graph, external, _stars = read_imports(ROOT)
    assert wrong_way(graph, external) == []


# --- the checks catch what they are for: a small package with every fault -------------------------

FAULTY = {
    "reports/__init__.py": "",
    "reports/models.py": "from .services import reports\n",  # up: base -> services
    "reports/services/__init__.py": "from .reports import *\n",  # star
    "reports/services/reports.py": "from ..selectors import reports as report_selectors\n",
    "reports/selectors/__init__.py": "",
    "reports/selectors/reports.py": "from ..services import reports\n",  # a read imports a write; loop
    "reports/core/__init__.py": "",
    "reports/core/a.py": "from django.db import models\n\ndef f():\n    from ..views import page\n",
    "reports/views.py": "page = None\n",
}


@pytest.fixture
def faulty(tmp_path):
    for name, text in FAULTY.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return read_imports(tmp_path)


def test_the_checks_catch_a_loop_a_star_and_imports_the_wrong_way(faulty):
    graph, external, stars = faulty
    assert cycles(graph) == [["reports.selectors.reports", "reports.services.reports"]]
    assert stars == ["reports.services: from .reports import *"]
    assert wrong_way(graph, external) == [
        "reports.core.a (core) imports reports.views (adapters)",
        "reports.core.a (core) imports ['django']",
        "reports.models (models/permissions/forms) imports reports.services.reports (services/selectors)",
        "reports.selectors.reports (a read) imports reports.services.reports (a write)",
    ]
