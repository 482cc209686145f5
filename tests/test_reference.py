"""docs/reference.md keeps up with the program: every command and option `botx --help` lists,
every exit code the package defines, and every key of the config `botx init` writes.

Nothing here imports a botx module: the commands come from `--help` of the installed program,
the exit codes from the package's source text, the keys from `botx init`'s output. So the
package's layout may change freely; only a new public name without its line in the reference
fails here.
"""

from __future__ import annotations

import ast
import importlib.util
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "docs" / "reference.md"
# Tables whose keys are names the user chooses ([accounts.A], [voices.brand], hashtags) or
# fixed names with one shared section ([trends.sources.google_rss]).
NAMED = {("accounts",): "user", ("voices",): "user", ("hashtags", "about"): "user", ("trends", "sources"): "fixed"}
OPTION = re.compile(r"(?<![\w-])(--?[A-Za-z][A-Za-z0-9-]*)")


def help_text(*command: str) -> str:
    env = {**os.environ, "COLUMNS": "200", "TERM": "dumb", "NO_COLOR": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "botx_cli", *command, "--help"], capture_output=True, text=True, env=env, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def block(text: str, title: str) -> list[str]:
    """The lines of one section of click's help (`Options:`, `Commands:`...)."""
    lines, inside = [], False
    for line in text.splitlines():
        if re.match(r"^\S", line):
            inside = line.strip().rstrip(":") == title
        elif inside and line.strip():
            lines.append(line)
    return lines


def options(text: str) -> set[str]:
    found = set()
    for line in block(text, "Options"):
        column = re.split(r"\s{2,}", line.strip())[0]  # the option column, not its description
        found.update(OPTION.findall(column))
    return found - {"--help"}


def subcommands(text: str) -> list[str]:
    return [line.split()[0] for line in block(text, "Commands") if re.match(r"^\s{1,4}\S", line)]


def every_command() -> dict[tuple[str, ...], str]:
    """Each command path (("post",), ("drafts", "list")...) and its help, () for botx itself."""
    helps = {(): help_text()}
    pending = [(name,) for name in subcommands(helps[()])]
    with ThreadPoolExecutor(4) as pool:
        while pending:
            texts = list(pool.map(lambda path: help_text(*path), pending))
            helps.update(zip(pending, texts, strict=True))
            pending = [(*path, name) for path, text in zip(pending, texts, strict=True) for name in subcommands(text)]
    return helps


def sections(text: str, level: str) -> dict[str, str]:
    """Heading line -> the text under it, for headings of one level ("## " or "### ")."""
    parts = re.split(rf"^(?={re.escape(level)}(?!#))", text, flags=re.M)
    return {part.splitlines()[0]: part for part in parts if part.startswith(level)}


@pytest.fixture(scope="module")
def reference() -> str:
    return REFERENCE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def helps() -> dict[tuple[str, ...], str]:
    return every_command()


def command_section(reference: str, path: tuple[str, ...]) -> str:
    found = [body for head, body in sections(reference, "### ").items() if f"`botx {path[0]}" in head]
    assert found, f"docs/reference.md has no section `### \\`botx {path[0]}\\``"
    return found[0]


def test_every_command_has_its_section_and_every_option_its_line(
    reference: str, helps: dict[tuple[str, ...], str]
) -> None:
    assert len(helps) > 10, sorted(helps)  # the walk found the commands
    missing = []
    for path, text in helps.items():
        if not path:
            continue
        section = command_section(reference, path)
        if len(path) > 1 and f"{' '.join(path[-2:])}" not in section:
            missing.append(f"`{' '.join(path)}` in its section")
        missing += [
            f"{option} of `botx {' '.join(path)}`" for option in sorted(options(text)) if f"`{option}" not in section
        ]
    assert not missing, "docs/reference.md lacks: " + "; ".join(missing)


def test_every_global_option_is_in_the_invocation_section(reference: str, helps: dict[tuple[str, ...], str]) -> None:
    invocation = sections(reference, "## ")["## Invocation"]
    missing = [option for option in sorted(options(helps[()])) if f"`{option}" not in invocation]
    assert not missing, f"docs/reference.md's Invocation lacks {missing}"


def defined_exit_codes() -> set[int]:
    """Exit codes written in the package's source: `exit_code = N`, `EXIT_* = N` and the members
    of an enum whose name says Exit (read from the text, so wherever the modules live)."""
    spec = importlib.util.find_spec("botx_cli")
    assert spec is not None and spec.submodule_search_locations
    codes: set[int] = set()
    for folder in spec.submodule_search_locations:
        for path in Path(folder).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            exit_classes = [n for n in ast.walk(tree) if isinstance(n, ast.ClassDef) and "exit" in n.name.lower()]
            in_enum = {id(stmt) for cls in exit_classes for stmt in cls.body}
            for node in ast.walk(tree):
                if not isinstance(node, (ast.Assign, ast.AnnAssign)) or not isinstance(node.value, ast.Constant):
                    continue
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                names = [t.id for t in targets if isinstance(t, ast.Name)]
                value = node.value.value
                if type(value) is int and (
                    id(node) in in_enum or any(n == "exit_code" or n.startswith("EXIT_") for n in names)
                ):
                    codes.add(value)
    return codes


def test_every_exit_code_is_explained(reference: str) -> None:
    codes = defined_exit_codes()
    assert {0, 2, 3, 75, 77} <= codes, codes  # the reading of the source still finds them
    table = sections(reference, "## ")["## Exit codes"]
    missing = [code for code in sorted(codes - {1}) if not re.search(rf"^\| {code} \|", table, re.M)]
    assert not missing, f"docs/reference.md's exit code table lacks {missing}"
    assert "Exit 1 never happens" in table  # the base class's 1 is the bug marker


def config_section(reference: str, path: tuple[str, ...]) -> str:
    """The text of `### [a.b]` (or `### [[offers]]`, `### top level`) in Configuration, else ""."""
    wanted = (path[0] if path[0].startswith("[[") else f"[{'.'.join(path)}]") if path else "top level"
    config = sections(reference, "## ")["## Configuration"]
    for head, body in sections(config, "### ").items():
        if head[4:].split(" (")[0].strip() == wanted:
            return body
    return ""


def config_keys(table: dict, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], str]]:
    """(section path, key) for every key of a parsed config. Tables whose keys the user names
    ([accounts.A], [voices.brand]) become NAME; a key of a piece of copy ({ text, voice, fits,
    kinds }) has the path ("pieces",); an array of tables is one section ("[[offers]]",)."""
    found: list[tuple[tuple[str, ...], str]] = []
    for key, value in table.items():
        child = (*path, key)
        if child in (("accounts",), ("voices",)):
            for sub in value.values():
                found += config_keys(sub, (*child, "NAME"))
        elif child == ("trends", "sources"):
            for name, sub in value.items():
                found += [((*child, "NAME"), name), *config_keys(sub, (*child, "NAME"))]
        elif child == ("hashtags", "about"):
            found.append((path, key))  # its keys are the user's hashtags
        elif isinstance(value, dict):
            found += [(path, key), *config_keys(value, child)]
        elif isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
            if all("text" in item for item in value):
                found += [(("pieces",), piece_key) for item in value for piece_key in item]
            else:
                for item in value:
                    found += config_keys(item, (f"[[{'.'.join(child)}]]",))
        else:
            found.append((path, key))
    return found


def test_every_key_of_the_example_config_is_in_the_reference(reference: str, tmp_path: Path) -> None:
    written = tmp_path / "config.toml"
    done = subprocess.run([sys.executable, "-m", "botx_cli", "init", str(written)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    keys = config_keys(tomllib.loads(written.read_text(encoding="utf-8")))
    assert len(keys) > 100, len(keys)  # the walk reached the nested tables
    intro = sections(reference, "## ")["## Configuration"].split("\n### ")[0]
    missing = set()
    for path, key in keys:
        if path == ("pieces",):
            if f"{key} =" not in intro:
                missing.add(f"the piece key {key}")
            continue
        # named in its table's section, or in the nearest enclosing one ([compose.kinds] offer
        # in [compose]), or a table with a section of its own ([compose.llm])
        where = next(
            (
                config_section(reference, path[:n])
                for n in range(len(path), -1, -1)
                if config_section(reference, path[:n])
            ),
            "",
        )
        if f"`{key}`" not in where and not config_section(reference, (*path, key)):
            missing.add(f"{key} of [{'.'.join(path)}]")
    assert not missing, "docs/reference.md lacks: " + "; ".join(sorted(missing))


def test_the_readme_links_to_the_reference_and_the_changelog_inside_the_repository() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "(docs/reference.md)" in readme and "(CHANGELOG.md)" in readme
    assert "shared folder" not in readme and "../shared" not in readme
    assert (ROOT / "CHANGELOG.md").is_file()
