"""The post cycle (cycle.py: one account's run, PostRun), `post --all` (every.py: the due accounts side by side),
the gates' view of an account (state.py), reconciling lost answers (reconcile.py), the drafting
context (context.py), previews (preview.py) and the review queue (review.py: drafts; queue.py:
sending approved ones). Posts go to a PostTarget (x/target.py), opened in cycle.open_target().

May import: kernel, config, store, schedule, x, llm, notify, trends, content.
"""
