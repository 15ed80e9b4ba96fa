"""No import cycles: the modules of `reader` form layers, checked on their import graph.

The graph is read from the source (ast): an edge A -> B for every `import B` /
`from B import x` in A (and `from P import B` when B is a module of package P). Imports
under `if TYPE_CHECKING:` are left out: they are never run. Two graphs are checked:

- the import-time graph (imports at module level): a cycle there can fail depending on which
  module is imported first;
- the whole graph, function-level imports too (they are how a module defers a heavy import
  past the first paint): a cycle there means two modules depend on each other, which the
  layout (core <- ui/cli; text <- engine <- learner <- export) must not allow.

Each module is also imported on its own in a fresh interpreter (test_import_hygiene.py).
"""

from __future__ import annotations

import ast
import pkgutil
from pathlib import Path

import reader

PACKAGE_ROOT = Path(reader.__file__).resolve().parent
MODULES = {info.name: info for info in pkgutil.walk_packages(reader.__path__, prefix="reader.")}


def _path_of(module: str) -> Path:
    relative = Path(*module.split(".")[1:])
    package = PACKAGE_ROOT / relative / "__init__.py"
    return package if package.exists() else (PACKAGE_ROOT / relative).with_suffix(".py")


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(module: str, *, module_level_only: bool) -> set[str]:
    """The reader modules `module` imports (see the module docstring)."""
    tree = ast.parse(_path_of(module).read_text(encoding="utf-8"))
    found: set[str] = set()

    def visit(nodes: list[ast.stmt], nested: bool) -> None:
        for node in nodes:
            if isinstance(node, ast.If) and _is_type_checking(node):
                visit(node.orelse, nested)
                continue
            if isinstance(node, ast.Import) and not (nested and module_level_only):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and not (nested and module_level_only):
                base = node.module or ""
                if node.level:  # relative: from this module's package
                    package = module.split(".")[: -node.level]
                    base = ".".join([*package, base] if base else package)
                found.add(base)
                found.update(f"{base}.{alias.name}" for alias in node.names)
            inner = nested or isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            for field in ("body", "orelse", "finalbody", "handlers"):
                children = getattr(node, field, None)
                if isinstance(children, list):
                    visit([c for c in children if isinstance(c, ast.stmt)] or [], inner)
                    for handler in children:
                        if isinstance(handler, ast.ExceptHandler):
                            visit(handler.body, inner)

    visit(tree.body, False)
    return {name for name in found if name in MODULES and name != module}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return components


def _graph(*, module_level_only: bool) -> dict[str, set[str]]:
    graph = {name: _imports(name, module_level_only=module_level_only) for name in MODULES}
    # `import reader.a.b` also runs reader.a's __init__: not an edge of interest.
    return {name: {t for t in targets if not MODULES[t].ispkg} for name, targets in graph.items()}


def test_the_graph_is_read() -> None:
    graph = _graph(module_level_only=False)
    assert "reader.core.learner.records" in graph["reader.core.learner.vocab"]
    assert "reader.ui.screens.reading" in graph["reader.ui.reader_app"]  # a deferred import
    assert "reader.ui.screens.reading" not in _graph(module_level_only=True)["reader.ui.reader_app"]


def test_no_cycles_at_import_time() -> None:
    assert _cycles(_graph(module_level_only=True)) == []


def test_no_cycles_even_through_deferred_imports() -> None:
    assert _cycles(_graph(module_level_only=False)) == []


def test_core_imports_neither_the_ui_nor_the_commands() -> None:
    graph = _graph(module_level_only=False)
    wrong = {
        (name, target)
        for name, targets in graph.items()
        if name.startswith("reader.core.")
        for target in targets
        if target.startswith(("reader.ui", "reader.cli"))
    }
    assert wrong == set()


def test_screens_and_widgets_never_import_the_app_and_commands_never_each_other() -> None:
    graph = _graph(module_level_only=False)
    for name, targets in graph.items():
        if name.startswith(("reader.ui.screens.", "reader.ui.widgets.")):
            assert "reader.ui.reader_app" not in targets, name
        if name.startswith("reader.cli.") and name not in ("reader.cli.main",):
            shared = {"reader.cli.output", "reader.cli.parsing", "reader.cli.terminal"}
            others = {t for t in targets if t.startswith("reader.cli.")} - shared
            assert others == set(), (name, others)
