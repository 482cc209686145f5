"""config.toml: locating and reading it (locate.py), the Table/Reads reader that notes every key
a parser asks for (table.py), the typed core every layer reads (core.py: timezone, schedule,
accounts, the words of a post: words.py, pieces.py, grammar.py) and `botx init` (starter.py).
Each other table belongs to the subsystem that uses it: it declares a core.Section beside its
code and botx_cli/sections.py lists them.

May import: the kernel only (errors, clock, text, redact, deadline).
"""
