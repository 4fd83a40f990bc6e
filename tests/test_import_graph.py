"""Which of our modules import which, read from the source (``ast``), without importing anything.

An import inside a function is counted like one at the top of the file: it hides a cycle from the
interpreter, not from the reader, and a model that reaches a view through one is still a model that
depends on a view. A sub-package (``newsletter.models``, ``newsletter.views`` …) is one layer: its
modules may refer to each other (``Issue`` and ``Article``), but not around a loop through another.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("newsletter", "regions")


def _module_name(path):
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {
    _module_name(path): path
    for package in PACKAGES
    for path in sorted((ROOT / package).rglob("*.py"))
    if "migrations" not in path.parts
}


def _imported_names(module, node):
    """The dotted names an import statement in ``module`` asks for (a module, or a name in one)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    package = module.split(".")
    if MODULES[module].name != "__init__.py":
        package = package[:-1]
    if node.level:
        package = package[: len(package) - (node.level - 1)]
        source = ".".join(package + ([node.module] if node.module else []))
    else:
        source = node.module
    return [f"{source}.{alias.name}" for alias in node.names]


def _our_module(name):
    """The module of ours a dotted name lives in (``newsletter.models.Issue`` → ``newsletter.models``)."""
    while name not in MODULES and "." in name:
        name = name.rsplit(".", 1)[0]
    return name if name in MODULES else None


def _layer(module):
    """``newsletter.models.article`` → ``newsletter.models``; a top-level module is its own layer."""
    return ".".join(module.split(".")[:2])


def import_graph():
    graph = {}
    for module, path in MODULES.items():
        imported = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                imported.update(_our_module(name) for name in _imported_names(module, node))
        graph[module] = imported - {None, module}
    return graph


def layer_graph():
    graph = {}
    for module, imported in import_graph().items():
        layer = _layer(module)
        graph.setdefault(layer, set()).update(_layer(name) for name in imported)
    return {layer: imported - {layer} for layer, imported in graph.items()}


def cycles(graph):
    """Every group of modules that import each other, directly or around a loop (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(module):
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in sorted(graph[module]):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while not group or group[-1] != module:
                group.append(stack.pop())
                on_stack.discard(group[-1])
            if len(group) > 1:
                found.append(sorted(group))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return found


def reachable(graph, start):
    seen, todo = set(), [start]
    while todo:
        for imported in graph[todo.pop()] - seen:
            seen.add(imported)
            todo.append(imported)
    return seen


def test_the_import_graph_is_read_from_every_module_of_ours():
    graph = import_graph()
    assert {"newsletter.workflow", "newsletter.notifications", "newsletter.models.article", "regions.views"} <= set(
        graph
    )
    assert "newsletter.models" in graph["newsletter.workflow"]
    assert "newsletter.models" in graph["regions.views"]


def test_no_two_modules_import_each_other_not_even_around_a_loop_or_inside_a_function():
    assert cycles(layer_graph()) == []


def test_models_reach_no_view_and_no_admin_through_any_chain_of_imports():
    graph = import_graph()
    for model_module in (name for name in graph if name.startswith("newsletter.models")):
        leaks = sorted(
            name
            for name in reachable(graph, model_module)
            if name.startswith(("newsletter.views", "newsletter.admin", "regions.views"))
        )
        assert leaks == [], model_module
