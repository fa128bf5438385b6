"""The model manifest (``model.json``, format 1): parsing, strict validation, writing.

Validation collects *every* problem and raises one :class:`ModelError` naming the
file and listing them, so a plugin author fixes a manifest in one round. Unknown keys
are errors (typos must not pass silently); plugin-specific data goes in ``extra``.
The format is documented in docs/models.md (section 1).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from packaging.version import Version

from lmms_magenta.errors import ModelError

from .tasks import Contract

__all__ = [
    "MANIFEST_NAME",
    "MANIFEST_VERSION",
    "PRECISIONS",
    "FileEntry",
    "Manifest",
    "TrainingData",
    "Variant",
    "load_manifest",
    "parse_manifest",
    "write_manifest",
]

MANIFEST_NAME = "model.json"
MANIFEST_VERSION = 1
#: Precision variants a manifest may list (fp32 is required).
PRECISIONS = ("fp32", "fp16", "int8")
MAX_MANIFEST_BYTES = 1 << 20

NAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")


@dataclass(frozen=True)
class FileEntry:
    """One file of a model: relative path, sha256, size; ``url`` in remote indexes."""

    path: str
    sha256: str
    size: int
    url: str | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"path": self.path, "sha256": self.sha256, "size": self.size}
        if self.url is not None:
            out["url"] = self.url
        return out


@dataclass(frozen=True)
class Variant:
    """A precision variant: its file, and for converted ones how and how far from fp32."""

    file: str
    source: str | None = None  # "from": the variant it was made from
    tool: str | None = None
    max_abs_diff: float | None = None
    mean_abs_diff: float | None = None
    samples: int | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"file": self.file}
        for key, value in (
            ("from", self.source), ("tool", self.tool), ("max_abs_diff", self.max_abs_diff),
            ("mean_abs_diff", self.mean_abs_diff), ("samples", self.samples),
        ):  # fmt: skip
            if value is not None:
                out[key] = value
        return out


@dataclass(frozen=True)
class TrainingData:
    """A data set the model was trained on, with its licence."""

    name: str
    license: str
    url: str | None = None
    notes: str | None = None

    def to_json(self) -> dict[str, Any]:
        out = {"name": self.name, "license": self.license}
        out.update({k: v for k, v in (("url", self.url), ("notes", self.notes)) if v})
        return out


@dataclass(frozen=True)
class Manifest:
    """A validated model manifest (see docs/models.md)."""

    name: str
    version: str
    task: str
    opset: int
    files: tuple[FileEntry, ...]
    variants: Mapping[str, Variant]
    license: str
    training_data: tuple[TrainingData, ...] = ()
    metrics: Mapping[str, float] = field(default_factory=dict)
    retrain: str = ""
    summary: str = ""
    card: str | None = None
    contract: Contract | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        """``name@version``."""
        return f"{self.name}@{self.version}"

    @property
    def parsed_version(self) -> Version:
        return Version(self.version)

    def file(self, path: str) -> FileEntry:
        """The file entry for ``path`` (KeyError if the manifest does not list it)."""
        for entry in self.files:
            if entry.path == path:
                return entry
        raise KeyError(path)

    def variant_file(self, precision: str) -> FileEntry:
        """The file entry of a precision variant (KeyError if there is no such variant)."""
        return self.file(self.variants[precision].file)

    def with_variant(self, precision: str, variant: Variant, entry: FileEntry) -> Manifest:
        """A copy with ``variant`` added or replaced, and its file listed."""
        files = (*(f for f in self.files if f.path != entry.path), entry)
        return replace(self, files=files, variants={**self.variants, precision: variant})

    def to_json(self, *, with_urls: bool = False) -> dict[str, Any]:
        """The manifest as JSON data (``url`` of files only when ``with_urls``)."""
        out: dict[str, Any] = {
            "manifest_version": MANIFEST_VERSION,
            "name": self.name,
            "version": self.version,
            "task": self.task,
        }
        if self.summary:
            out["summary"] = self.summary
        out["opset"] = self.opset
        out["files"] = [
            f.to_json() if with_urls else replace(f, url=None).to_json() for f in self.files
        ]
        out["variants"] = {p: v.to_json() for p, v in self.variants.items()}
        out["license"] = self.license
        out["training_data"] = [t.to_json() for t in self.training_data]
        out["metrics"] = dict(self.metrics)
        out["retrain"] = self.retrain
        if self.card:
            out["card"] = self.card
        if self.contract is not None:
            out["contract"] = self.contract.to_json()
        if self.extra:
            out["extra"] = dict(self.extra)
        return out


def parse_manifest(
    data: Any, *, path: str | os.PathLike[str] | None = None, allow_urls: bool = False
) -> Manifest:
    """Validate manifest data; raise ModelError listing every problem.

    ``path`` names the file in the message; ``allow_urls`` accepts file ``url`` keys
    (remote index entries). The rules live in :mod:`lmms_magenta_models.manifest_rules`.
    """
    from .manifest_rules import validate

    return validate(data, path=path, allow_urls=allow_urls)


def load_manifest(path: str | os.PathLike[str]) -> Manifest:
    """Read and validate a ``model.json`` file (ModelError naming it on any problem)."""
    where = os.fspath(path)
    try:
        with open(where, "rb") as fh:
            raw = fh.read(MAX_MANIFEST_BYTES + 1)
    except OSError as exc:
        raise ModelError(f"cannot read the model manifest: {exc.strerror}", path=where) from exc
    if len(raw) > MAX_MANIFEST_BYTES:
        raise ModelError(f"model manifest is larger than {MAX_MANIFEST_BYTES} bytes", path=where)
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelError(f"model manifest is not valid JSON: {exc}", path=where) from exc
    return parse_manifest(data, path=where)


def write_manifest(folder: Path, manifest: Manifest) -> Path:
    """Write ``folder/model.json`` atomically, keeping the previous one as ``model.json.bak``."""
    import shutil
    import tempfile

    target = folder / MANIFEST_NAME
    fd, tmp = tempfile.mkstemp(prefix=".model-", suffix=".json.tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(manifest.to_json(), fh, indent=2)
            fh.write("\n")
            fh.flush()
            os.fsync(fh.fileno())
        if target.exists():
            shutil.copy2(target, folder / (MANIFEST_NAME + ".bak"))
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
