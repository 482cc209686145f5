"""When to post: slots (slots.py) and the gates (gates.py: window, cap, gap, pause, limits,
budget), pure functions of `now` and the account's state. A different daily-cap rule lands here.

May import: kernel, config, store.
"""
