"""Imports every command module so each registers on ``app`` (one line per command)."""

# ruff: noqa: F401
