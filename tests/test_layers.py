"""The layering line: reader -> nlp -> records -> store -> services -> cli, read from every module's imports.

Each module may import extractor modules of its own layer or of layers to its
left (plus ``extractor.errors`` and the package root's version constants);
each heavy library belongs to one layer.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "extractor"

#: Layer order; a module of one layer imports only from its own layer and those before it.
LAYERS = ("base", "reader", "nlp", "records", "store", "services", "cli", "main")
#: Modules with a fixed layer; other top-level modules (batch, export, evaluate, ...) are services.
FIXED = {
    "extractor": "base",
    "extractor.errors": "base",
    "extractor.reader": "reader",
    "extractor.nlp": "nlp",
    "extractor.records": "records",
    "extractor.store": "store",
    "extractor.cli": "cli",
    "extractor.__main__": "main",
}
#: Third-party libraries only one layer may import.
OWNED_LIBRARIES = {
    "pdfplumber": "reader", "pypdfium2": "reader", "rispy": "reader",
    "spacy": "nlp", "thinc": "nlp",
    "sqlite_utils": "store", "sqlite3": "store",
    "typer": "cli", "rich": "cli", "click": "cli",
}


def layer_of(module: str) -> str:
    """The layer of an extractor module name (``extractor.nlp.outcomes`` -> ``nlp``)."""
    parts = module.split(".")
    for size in (2, 1):
        name = ".".join(parts[:size])
        if name in FIXED and (size == 2 or len(parts) == 1):
            return FIXED[name]
    return "services"


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
    return ".".join(parts)


def imports_of(path: Path) -> list[str]:
    """Absolute names of every module imported by ``path`` (function-level and TYPE_CHECKING imports too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module_name(path).split(".") if path.name == "__init__.py" else module_name(path).split(".")[:-1]
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *(node.module.split(".") if node.module else [])])
            names.append(module)
            # `from extractor.cli import run` imports the module extractor.cli.run
            names.extend(f"{module}.{alias.name}" for alias in node.names if module.startswith("extractor"))
    return names


def violation(importer: str, imported: str) -> str | None:
    """Why ``importer`` may not import ``imported``, or ``None`` when it may."""
    top = imported.split(".")[0]
    here = layer_of(importer)
    if top in OWNED_LIBRARIES and OWNED_LIBRARIES[top] != here:
        return f"{importer} ({here}) imports {imported}, which only {OWNED_LIBRARIES[top]}/ may import"
    if top != "extractor" or not _is_module(imported):
        return None
    there = layer_of(imported)
    if LAYERS.index(there) > LAYERS.index(here):
        return f"{importer} ({here}) imports {imported} ({there}), a layer to its right"
    return None


def _is_module(name: str) -> bool:
    """True when ``name`` is a module or package of extractor (not a function imported from one)."""
    path = PACKAGE.parent.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


MODULES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: module_name(p))
def test_module_respects_the_layers(path):
    importer = module_name(path)
    problems = [v for name in imports_of(path) if (v := violation(importer, name))]
    assert problems == []


@pytest.mark.parametrize("importer, imported, allowed", [
    ("extractor.store", "typer", False),
    ("extractor.records.build", "sqlite_utils", False),
    ("extractor.reader.text", "extractor.nlp.pipeline", False),
    ("extractor.nlp.outcomes", "extractor.records.models", False),
    ("extractor.store", "extractor.batch", False),
    ("extractor.batch", "extractor.cli.app", False),
    ("extractor.export", "spacy", False),
    ("extractor.nlp.pipeline", "spacy", True),
    ("extractor.reader.wprim", "extractor.errors", True),
    ("extractor.batch", "extractor.store", True),
    ("extractor.cli.run", "extractor.batch", True),
    ("extractor.cli.run", "rich.progress", True),
    ("extractor.store", "sqlite_utils", True),
    ("extractor.__main__", "extractor.cli", True),
])
def test_the_checker_catches_crossings(importer, imported, allowed):
    assert (violation(importer, imported) is None) is allowed


@pytest.mark.parametrize("module, layer", [
    ("extractor", "base"), ("extractor.errors", "base"), ("extractor.reader.wprim", "reader"),
    ("extractor.nlp", "nlp"), ("extractor.records.schema", "records"), ("extractor.store", "store"),
    ("extractor.batch", "services"), ("extractor.evaluate", "services"), ("extractor.cli.run", "cli"),
])
def test_layer_of(module, layer):
    assert layer_of(module) == layer
