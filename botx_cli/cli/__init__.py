"""The command line: the typer app and its ONE error boundary (main.py: BotxError -> one stderr
line and its ExitCode), one module per command group under commands/, and the rendering layer
(render.py, render_stats.py), the only code that prints. Together with botx_cli/sections.py
(the config registry) it is the composition root.

May import: everything below it (kernel, config, store, schedule, x, llm, notify, trends,
content, posting, report). Nothing imports cli.
"""
