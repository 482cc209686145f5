"""The numbered migrations as PostgreSQL runs them: the SAME list as migrations.py, translated.

Each SQLite migration is split into statements and translated by pg_sql.ddl; a migration whose
SQLite text has no safe translation gets its PostgreSQL text by hand in OVERRIDES (same name,
same schema: tests/test_pg_migrations.py checks both lists line up and that the tables and
columns PostgreSQL ends with match SQLite's). The schema model (columns, primary keys, identity
ids) that INSERT OR REPLACE and lastrowid need is read from the SQLite text, so it costs no
round trip.
"""

from __future__ import annotations

from functools import cache

from botx_cli.store.migrations import MIGRATIONS
from botx_cli.store.pg_sql import Schema, Table, Token, _code, ddl, split_script, tokens

# name -> PostgreSQL script (statements separated by `;`), for migrations translation cannot take.
OVERRIDES: dict[str, str] = {}
_CONSTRAINTS = ("PRIMARY", "UNIQUE", "FOREIGN", "CHECK", "CONSTRAINT")


@cache
def pg_migrations() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(name, PostgreSQL statements) per migration, in MIGRATIONS' order."""
    out = []
    for name, script in MIGRATIONS:
        if name in OVERRIDES:
            statements = tuple(split_script(OVERRIDES[name]))
        else:
            statements = tuple(ddl(statement) for statement in split_script(script))
        out.append((name, statements))
    return tuple(out)


def statements_for(script: str) -> tuple[str, ...]:
    """The PostgreSQL statements of one SQLite migration script (the Backend seam hands over
    the script, not its name)."""
    for (_name, sqlite_script), (_same, statements) in zip(MIGRATIONS, pg_migrations(), strict=True):
        if sqlite_script == script:
            return statements
    return tuple(ddl(statement) for statement in split_script(script))  # not shipped: translate it


@cache
def schema() -> Schema:
    """Tables, their columns in order, primary keys and identity ids after every migration."""
    found = Schema()
    for _name, script in MIGRATIONS:
        for statement in split_script(script):
            code = _code(tokens(statement))
            words = [t.upper for t in code[:6]]
            if words[:2] == ["CREATE", "TABLE"]:
                name = code[2].text.lower() if words[2] != "IF" else code[5].text.lower()
                found.tables[name] = _table(code)
            elif words[:2] == ["ALTER", "TABLE"] and words[3:5] == ["ADD", "COLUMN"]:
                table = found.tables[code[2].text.lower()]
                found.tables[code[2].text.lower()] = Table(
                    (*table.columns, code[5].text.lower()), table.key, table.identity
                )
    return found


def _table(code: list[Token]) -> Table:
    columns: list[str] = []
    key: tuple[str, ...] = ()
    identity = False
    for part in _parts(code):
        first = part[0].upper
        if first in _CONSTRAINTS:
            if first == "PRIMARY":
                key = tuple(t.text.strip('"').lower() for t in part[2:] if t.kind in ("word", "ident"))
            continue
        column = part[0].text.strip('"').lower()
        columns.append(column)
        uppers = [t.upper for t in part]
        if "PRIMARY" in uppers:
            key = (column,)
            identity = identity or (column == "id" and uppers[1:4] == ["INTEGER", "PRIMARY", "KEY"])
    return Table(tuple(columns), key, identity)


def _parts(code: list[Token]) -> list[list[Token]]:
    """The comma-separated definitions inside CREATE TABLE's outer parentheses."""
    parts: list[list[Token]] = [[]]
    depth = 0
    for token in code:
        if token.text == "(":
            depth += 1
            if depth == 1:
                continue
        elif token.text == ")":
            depth -= 1
            if depth == 0:
                break
        if depth == 1 and token.text == ",":
            parts.append([])
        elif depth >= 1:
            parts[-1].append(token)
    return [p for p in parts if p]
