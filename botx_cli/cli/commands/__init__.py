"""One module per command group of the typer app (pipx-style): drafts.py is `botx drafts`.

May import what cli/ may; registered by cli/main.py.
"""
