"""The command line: the typer app, its global options and its ONE error boundary (main.py:
BotxError -> one stderr line and its ExitCode), one module per command or small group under
commands/, what the commands share (env.py: Env, the option types, the run's state the boundary
reads), and the rendering layer (render.py, render_stats.py), the only code that prints.
Together with botx_cli/sections.py (the config registry) it is the composition root.

Inside cli/: main.py imports commands/ and env.py; commands/ import env.py and render; nothing
imports main.py (but __main__.py). At import only typer and render load: each command imports the
layers it calls inside its body, so `botx --help` and a warm `botx post` stay light.

May import: everything below it (kernel, config, store, schedule, x, llm, notify, trends,
content, posting, report). Nothing imports cli.
"""
