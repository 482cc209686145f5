"""Test doubles that speak real protocols on loopback (see README.md)."""

__all__ = ["FakeX"]


def __getattr__(name: str):
    # Lazy, so `python -m tests.fakes.fake_x` does not import the module twice.
    if name == "FakeX":
        from .fake_x import FakeX

        return FakeX
    raise AttributeError(name)
