"""botx: promote a product on X from a handful of accounts, run by cron."""

__version__ = "0.1.0"
