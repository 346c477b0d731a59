"""Imports every command module so each registers on ``app`` (one line per command)."""

# ruff: noqa: F401
from extractor.cli import evaluate
from extractor.cli import run
from extractor.cli import export
from extractor.cli import validate
from extractor.cli import curate
from extractor.cli import query
from extractor.cli import merge
