"""The world of the scoping tests (world.py), a fixture of every test module here."""

from .world import plans, world  # noqa: F401
