"""The package layout holds: imports go down the data flow, never up, and no module cycles.

Every import counts: at module level, inside functions, and under TYPE_CHECKING (a type-only
import still ties the modules together), except the few documented in TYPE_ONLY below.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "botx_cli"

# Lowest first: a module may import its own layer and the layers before it, never after.
LAYERS = (
    "kernel",  # errors, clock, text (+ _tlds), redact, deadline, the package's __init__
    "config",  # config.toml: locate, read, the core, the words of a post
    "store",  # the database: every SQL statement, the backend seam
    "schedule",  # slots and gates (pure)
    "x",  # the only place that knows X
    "llm",  # the OpenAI-compatible transport
    "notify",  # alerts and the run log: raised by trends (sources down) and posting
    "trends",  # sources, cleaning, judgement, the cache's policy
    "content",  # what a post says
    "posting",  # the post cycle, previews, the review queue
    "report",  # stats, spend, metrics, doctor
    "cli",  # the typer app, rendering, and the composition root (sections.py, __main__.py)
)
KERNEL = {"__init__", "_tlds", "clock", "deadline", "errors", "host", "redact", "text"}
COMPOSITION_ROOT = {"sections", "__main__"}  # they wire every layer together: the cli's layer

# (importer, imported): type-only imports allowed to close a cycle, and why.
TYPE_ONLY = {
    # wording's functions take the History and TrendPick that compose.py defines and builds;
    # compose calls wording at run time, wording names the types only in annotations.
    ("botx_cli.content.wording", "botx_cli.content.compose"),
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def layer(module: str) -> str:
    parts = module.split(".")
    top = parts[1] if len(parts) > 1 else "__init__"
    if top in KERNEL:
        return "kernel"
    if top in COMPOSITION_ROOT:
        return "cli"
    assert top in LAYERS, f"{module}: a package the layer table does not know; add it to LAYERS"
    return top


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


@cache
def imports(module: str) -> tuple[tuple[str, int, bool], ...]:
    """(imported botx_cli module, line, type-only) of every import in the module, nested ones too."""
    tree = ast.parse(modules()[module].read_text(encoding="utf-8"))
    type_only_lines = {
        child.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and _type_checking(node)
        for stmt in node.body
        for child in ast.walk(stmt)
        if isinstance(child, ast.Import | ast.ImportFrom)
    }
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            assert node.level == 0, f"{module}:{node.lineno}: relative import; the project spells them out"
            # `from botx_cli.store import drafts` imports the submodule; `import Store` the package
            names = [
                f"{node.module}.{alias.name}" if f"{node.module}.{alias.name}" in modules() else node.module
                for alias in node.names
            ]
        else:
            continue
        for name in names:
            if name.split(".")[0] == "botx_cli" and name in modules():
                found.append((name, node.lineno, node.lineno in type_only_lines))
    return tuple(found)


def test_every_package_is_in_the_layer_table() -> None:
    for module in modules():
        layer(module)


def test_imports_only_go_down_the_layers() -> None:
    upward = [
        f"{module}:{line} ({layer(module)}) imports {target} ({layer(target)})"
        for module in modules()
        for target, line, _type_only in imports(module)
        if LAYERS.index(layer(target)) > LAYERS.index(layer(module))
    ]
    assert not upward, "imports against the data flow:\n" + "\n".join(upward)


def test_no_import_cycles() -> None:
    graph = {
        module: {
            target
            for target, _line, type_only in imports(module)
            if target != module and not (type_only and (module, target) in TYPE_ONLY)
        }
        for module in modules()
    }
    cycles = _cycles(graph)
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(cycle) for cycle in cycles)


def test_documented_exceptions_are_still_needed_and_type_only() -> None:
    for importer, imported in TYPE_ONLY:
        uses = [type_only for target, _line, type_only in imports(importer) if target == imported]
        assert uses, f"{importer} no longer imports {imported}: drop it from TYPE_ONLY"
        assert all(uses), f"{importer} imports {imported} at run time: that is a real cycle"


@pytest.mark.parametrize(
    ("driver", "home"),
    [("sqlite3", "botx_cli.store.sqlite")],
)
def test_database_drivers_are_imported_by_their_backend_only(driver: str, home: str) -> None:
    """Every SQL statement and driver lives in store/: the backend module alone knows its driver."""
    users = []
    for module, path in modules().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            if any(name.split(".")[0] == driver for name in names):
                users.append(module)
    assert set(users) == {home}


def test_each_package_says_what_it_owns_and_may_import() -> None:
    for module, path in modules().items():
        if path.name == "__init__.py" and module != "botx_cli":
            doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
            assert "May import" in doc or "may import" in doc, f"{path}: its docstring names no allowed imports"


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found
