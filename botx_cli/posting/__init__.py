"""The post cycle (cycle.py: one account's run, PostRun; post_account for `post --all`),
reconciling lost answers (reconcile.py), the drafting context (context.py), previews
(preview.py) and the review queue (review.py).

May import: kernel, config, store, schedule, x, llm, notify, trends, content.
"""
