"""A trend source lands in one folder: one module under trends/sources/ and one REGISTRY line.

Every registry entry is a module implementing base.TrendSource (mypy checks it too: REGISTRY
is typed as a tuple of TrendSource); no module outside a source's own names that source; and a
source botx does not ship (tests/fakes/tiny_source.py), added to REGISTRY and nothing else, is
accepted by config, fetched by `botx trends --refresh`, recorded and listed.
"""

from __future__ import annotations

import ast
import inspect
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from conftest import botx, make_config
from fakes import tiny_source
from fakes.static_server import Route
from fakes.trend_site import NOW, TrendSite, point_trends, trends_section

from botx_cli.trends import sources
from botx_cli.trends.sources.base import Source

PACKAGE = Path(sources.__file__).resolve().parents[2]  # botx_cli/


def test_every_registry_entry_is_a_source_module_implementing_the_protocol() -> None:
    assert len(sources.names()) == len(sources.REGISTRY), "two sources share a name"
    for module in sources.REGISTRY:
        assert isinstance(module, ModuleType)
        assert module.__name__ == f"botx_cli.trends.sources.{module.SOURCE.name}", "a source's file is its name"
        assert isinstance(module.SOURCE, Source)
        assert inspect.iscoroutinefunction(module.fetch)
        assert list(inspect.signature(module.fetch).parameters) == ["http", "spec", "job"]
    assert set(sources.network()) == {m.SOURCE.name for m in sources.REGISTRY if m.SOURCE.network}


def _source_names_written(tree: ast.AST, named: set[str]) -> Iterator[tuple[int, str]]:
    """String literals equal to a source's name. "x" is also the [x] section, a letter and a
    transliteration: it counts only where something is compared with it (name == "x")."""
    compared = {
        id(constant)
        for node in ast.walk(tree)
        if isinstance(node, ast.Compare)
        for side in (node.left, *node.comparators)
        for constant in ast.walk(side)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and node.value in named and (len(node.value) > 1 or id(node) in compared):
            yield node.lineno, node.value


def test_no_module_but_its_own_names_a_source() -> None:
    """Every list of sources derives from the registry: a source's name is written once."""
    named = {module.SOURCE.name for module in sources.REGISTRY if module.SOURCE.network}
    found = [
        f"{relative}:{line} names the source {name!r}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if (relative := path.relative_to(PACKAGE).as_posix())
        for line, name in _source_names_written(ast.parse(path.read_text(encoding="utf-8")), named)
        if relative != f"trends/sources/{name}.py"
    ]
    assert not found, "\n".join(found)


@pytest.fixture
def site() -> Iterator[TrendSite]:
    with TrendSite() as server:
        server.route("/tiny.txt", Route(body=b"Loopback Llamas\n\nRegistry Line Works\n", content_type="text/plain"))
        yield server  # type: ignore[misc]


def test_a_new_source_is_one_module_and_one_registry_line(
    tmp_path: Path, site: TrendSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = make_config(tmp_path)
    monkeypatch.setenv("BOTX_CONFIG", str(config))
    monkeypatch.setenv("BOTX_NOW", NOW.isoformat())
    point_trends(config, trends_section(site, extra=f'[trends.sources.tiny]\nurl = "{site.url("/tiny.txt")}"\n'))
    unknown = botx("trends", "--refresh", "--json")
    assert unknown.code == 2 and "[trends.sources] tiny" in unknown.err and "unknown trend source" in unknown.err

    monkeypatch.setattr(sources, "REGISTRY", (*sources.REGISTRY, tiny_source))  # the registry line
    run = botx("trends", "--refresh", "--json", "--limit", "500")
    assert run.code == 0, run.err
    listed = {item["name"]: item["sources"] for item in json.loads(run.out)}
    assert listed["Loopback Llamas"] == listed["Registry Line Works"] == ["tiny"]
    assert site.requests.count("/tiny.txt") == 1
    with sqlite3.connect(tmp_path / "botx.db") as conn:
        [(failures, count)] = conn.execute("SELECT failures, last_count FROM trend_sources WHERE source = 'tiny'")
    assert (failures, count) == (0, 2)
    shown = botx("trends", "-v", "--limit", "500")
    assert shown.code == 0 and "source tiny: ok 2 trends" in shown.out
