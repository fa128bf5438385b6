"""Derived artifacts: a model's file converted by a backend for its own runtime.

Some backends cannot read ONNX (the ``vulkan`` backend runs ncnn, which needs pnnx's
``.param``/``.bin``). They convert a model file on first use and keep the result in
the data directory, next to the user store, keyed by the *content* of the file they
converted::

    <data dir>/derived/<kind>/<sha256 of the source file>/<precision>/
        derived.json    the record (format 1, below)
        ...             the produced files
    <data dir>/derived/<kind>/<sha256 of the source file>/<precision>.failed.json

The record (written by the backend, read here)::

    {"format": 1, "kind": "ncnn", "precision": "fp32",
     "source": {"name": "model.onnx", "sha256": "...", "size": 123},
     "tools": {"pnnx": "20261020", "ncnn": "1.0.20261020"},
     "files": {"model.ncnn.param": {"sha256": "...", "size": 807}, ...},
     ...}                               # a backend may add keys (command, drift ...)

The backend hashes the produced files when it loads them and re-converts a tampered
artifact. The repository makes them part of the model's life cycle:
``models verify`` re-hashes the derived files of every model file it verifies
(a bad artifact is removed - it is re-made on next use - and reported), and
``models remove`` deletes the derived artifacts of the removed model's files that no
other local model shares. ``<precision>.failed.json`` records a conversion that
failed (``{"format": 1, "tools": {...}, "reason": "..."}``).
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .hashing import sha256_file

__all__ = ["DERIVED_DIR", "DerivedArtifact", "derived_for", "remove_derived", "verify_derived"]

DERIVED_DIR = "derived"
RECORD = "derived.json"
FORMAT = 1


@dataclass(frozen=True)
class DerivedArtifact:
    """One conversion of a source file: its kind, precision, folder and record."""

    kind: str
    precision: str
    folder: Path
    record: dict[str, Any]

    @property
    def label(self) -> str:
        return f"derived {self.kind} {self.precision} conversion {self.folder}"


def _source_dirs(data_dir: Path, source_sha: str) -> list[Path]:
    root = Path(data_dir) / DERIVED_DIR
    if not root.is_dir() or not source_sha:
        return []
    return sorted(p for p in root.glob(f"*/{source_sha}") if p.is_dir())


def derived_for(data_dir: Path, source_sha: str) -> list[DerivedArtifact]:
    """Every derived artifact of the file with this sha256 (any kind, any precision).

    A folder without a readable record is listed with an empty record, so that
    :func:`verify_derived` reports it.
    """
    found = []
    for source in _source_dirs(data_dir, source_sha):
        for folder in sorted(p for p in source.iterdir() if p.is_dir()):
            try:
                record = json.loads((folder / RECORD).read_text(encoding="utf-8"))
            except (OSError, ValueError):
                record = {}
            if not isinstance(record, dict):
                record = {}
            found.append(DerivedArtifact(source.parent.name, folder.name, folder, record))
    return found


def verify_derived(artifact: DerivedArtifact) -> list[str]:
    """Re-hash the artifact's files against its record; one message per problem."""
    record = artifact.record
    files = record.get("files")
    if record.get("format") != FORMAT or not isinstance(files, dict):
        return [f"{artifact.folder / RECORD}: missing or unreadable record"]
    problems = []
    for name, entry in sorted(files.items()):
        path = artifact.folder / name
        if not isinstance(entry, dict) or not path.is_file():
            problems.append(f"{path}: missing")
        elif path.stat().st_size != entry.get("size") or sha256_file(path) != entry.get("sha256"):
            problems.append(f"{path}: sha256 mismatch with {RECORD}")
    return problems


def remove_derived(data_dir: Path, source_sha: str) -> list[Path]:
    """Delete every derived artifact (and failure record) of a source; returns the folders."""
    removed = _source_dirs(data_dir, source_sha)
    for folder in removed:
        shutil.rmtree(folder, ignore_errors=True)
    return removed
