"""botx: promote a product on X from a handful of accounts, run by cron."""

__version__ = "0.2.0"  # the source tree's version; an installed botx reports its metadata's


def installed_version() -> str:
    """The installed distribution's version (importlib.metadata), else __version__ (a source
    tree run without installing). Imported only by `botx --version`: it costs ~5 ms."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("botx")
    except PackageNotFoundError:
        return __version__
