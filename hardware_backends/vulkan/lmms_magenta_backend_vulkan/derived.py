"""Derived model artifacts: a model converted for one runtime, kept in the model store.

ncnn cannot read ONNX, so this backend converts each model (with pnnx) the first time
it is used and keeps the result as a *derived artifact* next to the user store of the
model repository, in the data directory::

    <data dir>/derived/ncnn/<sha256 of the source .onnx>/<precision>/
        derived.json        the record (below)
        model.ncnn.param    the ncnn graph
        model.ncnn.bin      the ncnn weights
    <data dir>/derived/ncnn/<sha256 of the source .onnx>/<precision>.failed.json

The folder is keyed by the *content* of the source model, so an edited or updated model
gets a new conversion and one model shipped twice is converted once. ``derived.json``
records the source's sha256 and size, the tools and their versions, the command, the
tensors (:class:`~lmms_magenta_backend_vulkan.blobs.BlobSpec`), how far the conversion
drifts from the ONNX model, and the sha256 and size of every produced file. A file is
hashed when it is loaded - the very bytes handed to ncnn - and a mismatch refuses it
(:class:`TamperedArtifact`). A conversion that failed is recorded in
``<precision>.failed.json`` with the tool versions, so a model pnnx cannot convert is
not re-tried on every use - only after pnnx or ncnn changed. Both records carry
:data:`FORMAT`; one of another format (an older converter) is not reused.

A new artifact is assembled in a ``.tmp-*`` folder beside its final place and renamed
into place in one step, so a folder is either complete or absent, and two processes
converting the same model at once both end up using one complete result.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .blobs import BlobSpec

__all__ = [
    "FILES",
    "FORMAT",
    "PARAM",
    "RECORD",
    "WEIGHTS",
    "Artifact",
    "DerivedStore",
    "TamperedArtifact",
    "sha256_bytes",
    "sha256_file",
]

logger = logging.getLogger("lmms_magenta.backend.vulkan")

#: version of the record and of what a conversion produces; an artifact or failure record
#: of another format is not reused (2: integer outputs cast by the session, drift exact)
FORMAT = 2
RECORD = "derived.json"
#: the files of an ncnn artifact: the graph and the weights
PARAM, WEIGHTS = "model.ncnn.param", "model.ncnn.bin"
FILES = (PARAM, WEIGHTS)
#: a staging folder older than this belongs to a process that died mid-conversion
STALE_AFTER_S = 3600.0


class TamperedArtifact(RuntimeError):
    """A derived file's bytes differ from its record (modified, truncated or missing)."""


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True)
class Artifact:
    """One complete derived artifact: its folder and its record."""

    folder: Path
    record: Mapping[str, Any]

    @property
    def precision(self) -> str:
        return str(self.record["precision"])

    @property
    def inputs(self) -> list[BlobSpec]:
        return [BlobSpec.from_json(t) for t in self.record["inputs"]]

    @property
    def outputs(self) -> list[BlobSpec]:
        return [BlobSpec.from_json(t) for t in self.record["outputs"]]

    def read(self, name: str) -> bytes:
        """The bytes of produced file ``name``, checked against the record's sha256."""
        entry = self.record["files"].get(name)
        if not isinstance(entry, Mapping):
            raise TamperedArtifact(f"{self.folder / RECORD} does not list {name}")
        path = self.folder / name
        try:
            data = path.read_bytes()
        except OSError as err:
            raise TamperedArtifact(f"{path}: cannot read it ({err.strerror})") from err
        if len(data) != entry.get("size") or sha256_bytes(data) != entry.get("sha256"):
            raise TamperedArtifact(
                f"{path}: sha256 mismatch with {RECORD} (the converted model was modified "
                "or corrupted); refusing to load it"
            )
        return data


class DerivedStore:
    """The derived artifacts of one kind (``ncnn``) under ``<data dir>/derived``."""

    def __init__(self, data_dir: Path, kind: str) -> None:
        self.root = Path(data_dir) / "derived" / kind
        self.kind = kind

    def folder(self, source_sha: str, precision: str) -> Path:
        return self.root / source_sha / precision

    def _failure_path(self, source_sha: str, precision: str) -> Path:
        return self.root / source_sha / f"{precision}.failed.json"

    # --- reading ------------------------------------------------------------------------

    def load(self, source_sha: str, precision: str) -> Artifact | None:
        """The artifact for a source and precision, or ``None`` when there is none.

        A folder whose record is unreadable or belongs to another source or format is
        removed (it would only shadow a good conversion) and ``None`` is returned.
        The files themselves are hashed when they are read (:meth:`Artifact.read`).
        """
        folder = self.folder(source_sha, precision)
        try:
            record = json.loads((folder / RECORD).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as err:
            logger.warning("removing unreadable derived artifact %s: %s", folder, err)
            self.remove(folder)
            return None
        ok = (
            isinstance(record, dict)
            and record.get("format") == FORMAT
            and record.get("source", {}).get("sha256") == source_sha
            and record.get("precision") == precision
            and isinstance(record.get("files"), dict)
        )
        if not ok:
            logger.warning("removing derived artifact %s: its record does not match", folder)
            self.remove(folder)
            return None
        return Artifact(folder, record)

    def failure(self, source_sha: str, precision: str, tools: Mapping[str, str]) -> str | None:
        """The recorded reason a conversion failed with these tool versions, if any."""
        try:
            data = json.loads(self._failure_path(source_sha, precision).read_text("utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("tools") != dict(tools):
            return None  # other tool versions may do better: try again
        if data.get("format") != FORMAT:
            return None  # recorded by an older converter, which may have done less
        reason = data.get("reason")
        return str(reason) if reason else None

    # --- writing ------------------------------------------------------------------------

    def staging(self) -> Path:
        """A fresh folder to convert into (stale ones of dead processes are swept)."""
        self.root.mkdir(parents=True, exist_ok=True)
        self.sweep()
        return Path(tempfile.mkdtemp(prefix=".tmp-", dir=self.root))

    def sweep(self, max_age_s: float = STALE_AFTER_S) -> None:
        now = time.time()
        for child in self.root.glob(".tmp-*"):
            try:
                if now - child.stat().st_mtime > max_age_s:
                    shutil.rmtree(child, ignore_errors=True)
            except OSError:
                pass

    def commit(
        self, staging: Path, source_sha: str, precision: str, record: Mapping[str, Any]
    ) -> Artifact:
        """Hash the staged files, write the record, rename the folder into place.

        ``record["files"]`` lists the file names; their sha256 and size are filled in
        here, by the process that will trust them. When another process committed the
        same artifact first, its folder is kept and ours discarded.
        """
        files = {}
        for name in record["files"]:
            path = staging / name
            files[name] = {"sha256": sha256_file(path), "size": path.stat().st_size}
        full = {**record, "format": FORMAT, "precision": precision, "files": files}
        (staging / RECORD).write_text(json.dumps(full, indent=1) + "\n", encoding="utf-8")
        final = self.folder(source_sha, precision)
        final.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.rename(staging, final)
        except OSError:
            if not final.is_dir():
                raise
            shutil.rmtree(staging, ignore_errors=True)  # another process was first
            existing = self.load(source_sha, precision)
            if existing is None:
                raise
            return existing
        self._failure_path(source_sha, precision).unlink(missing_ok=True)
        return Artifact(final, full)

    def record_failure(
        self, source_sha: str, precision: str, tools: Mapping[str, str], reason: str
    ) -> None:
        """Remember that this conversion fails with these tools (best effort)."""
        path = self._failure_path(source_sha, precision)
        data = {"format": FORMAT, "tools": dict(tools), "reason": reason, "time": time.time()}
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.{os.getpid()}")
            tmp.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
            os.replace(tmp, path)
        except OSError as err:  # only a cache of a failure: converting again is the cost
            logger.debug("could not record the failed conversion %s: %s", path, err)

    def remove(self, folder: Path) -> None:
        """Delete an artifact folder (renamed aside first, so it vanishes at once)."""
        try:
            trash = Path(tempfile.mkdtemp(prefix=".tmp-trash-", dir=self.root))
            os.rename(folder, trash / "artifact")
        except OSError:
            shutil.rmtree(folder, ignore_errors=True)
            return
        shutil.rmtree(trash, ignore_errors=True)
