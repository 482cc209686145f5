"""One module per command or small group of the typer app (pipx-style), registered by
cli/main.py: post.py (`post`, `post --all`), preview.py (`preview`, `check`), operator.py
(`pause`, `resume`), trends.py, cron.py, report.py (`stats`, `metrics`), doctor.py, init.py and
drafts.py (the `drafts` sub-app).

Each reads its options, calls one function of the layer below inside its body (never at import),
and renders the result; errors go to main.py's boundary. May import what cli/ may, and cli/env.py
and the renderers; never cli/main.py.
"""
