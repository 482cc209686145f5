"""Posting reaches X through one seam: x/target.py's PostTarget.

The post cycle, reconciliation and media take a PostTarget; XAccount is named for posting in
one place, posting/cycle.py's open_target(), whose return type makes mypy check that XAccount
satisfies the protocol. A second target is a new package and a line there.
"""

from __future__ import annotations

import ast
from pathlib import Path

import botx_cli

PACKAGE = Path(botx_cli.__file__).resolve().parent
POSTING = ("posting", "content")  # the cycle, reconciliation, previews, the queue; media


def _functions_importing(tree: ast.AST, module: str) -> list[str]:
    """The function each import of `module` sits in ("<module>" at top level)."""
    found = []
    scopes: list[tuple[str, ast.AST]] = [("<module>", tree)]
    while scopes:
        name, scope = scopes.pop()
        for node in ast.iter_child_nodes(scope):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                scopes.append((node.name, node))
            elif isinstance(node, ast.ImportFrom) and module in (
                node.module,
                *(f"{node.module}.{alias.name}" for alias in node.names),
            ):
                found.append(name)
            else:
                scopes.append((name, node))
    return found


def test_posting_names_xaccount_only_where_it_opens_the_target() -> None:
    users = {
        f"{path.relative_to(PACKAGE).as_posix()}:{function}"
        for folder in POSTING
        for path in sorted((PACKAGE / folder).glob("*.py"))
        for function in _functions_importing(ast.parse(path.read_text(encoding="utf-8")), "botx_cli.x.account")
    }
    assert users == {"posting/cycle.py:open_target"}


def test_the_cycle_reconciliation_and_media_take_the_protocol() -> None:
    from botx_cli.content import images
    from botx_cli.posting import cycle, reconcile

    assert cycle.open_target.__annotations__["return"] == "PostTarget"
    assert cycle.PostRun.__annotations__["target"] == "PostTarget | None"
    for function in (reconcile.reconcile_open, reconcile.find_on_x):
        assert function.__annotations__["target"] == "PostTarget"
    assert images.for_run.__annotations__["x"] == "PostTarget"
