"""The only place that knows X: the HTTP client (api.py: tweepy, headers, errors, what counts as
nothing created), one account's session (account.py: credentials, recording answers), the
prices of X calls (costs.py) and [x] (settings.py). Posting, media upload, metrics and doctor
reach X only through it.

May import: kernel, config, store, schedule.
"""
