"""The only place that knows X: the HTTP client (api.py: tweepy, headers, errors, what counts as
nothing created), one account's session (account.py: credentials, recording answers), the
prices of X calls (costs.py) and [x] (settings.py). Posting, media upload, metrics and doctor
reach X only through it; the post cycle, reconciliation and media through target.py's
PostTarget, the protocol of a place posts go, which XAccount implements (a second target
would be a package beside this one).

May import: kernel, config, store, schedule.
"""
