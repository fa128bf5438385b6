"""The user store: ``<data dir>/models/<name>/<version>/`` (model.json + files).

Everything that enters the store is first assembled in a dot-named staging folder
inside the store (same file system), verified, and then renamed into place with one
``os.rename``: a model folder is either absent or complete. Staging folders are
ignored by the scan. An install's staging folder has a fixed name
(``.tmp-install-<name>-<version>``) so that a second attempt resumes the partial
download; import and convert use fresh ones and delete them on failure. Removal renames
the folder to ``.trash-*`` first, so an interrupted removal also leaves no
half-model. Debris of a process that died mid-operation is swept later
(:meth:`UserStore.sweep`).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

from lmms_magenta.errors import ModelError

from .sources import FolderSource

__all__ = ["STORE_DIR", "UserStore"]

STORE_DIR = "models"
#: an import/convert staging folder older than this belongs to a process that died
STALE_AFTER_S = 3600.0


class UserStore:
    """The folder of user-installed, imported and converted models."""

    def __init__(self, data_dir: Path) -> None:
        self.root = Path(data_dir) / STORE_DIR

    def source(self) -> FolderSource:
        return FolderSource(self.root, origin="store", label="user store")

    def folder(self, name: str, version: str) -> Path:
        return self.root / name / version

    def install_staging(self, name: str, version: str) -> Path:
        """The fixed staging folder of an install (kept between attempts for resume)."""
        path = self.root / f".tmp-install-{name}-{version}"
        path.mkdir(parents=True, exist_ok=True)
        return path

    def new_staging(self) -> Path:
        """A fresh staging folder inside the store (stale ones are swept first)."""
        self.root.mkdir(parents=True, exist_ok=True)
        self.sweep()
        return Path(tempfile.mkdtemp(prefix=".tmp-", dir=self.root))

    def sweep(self, max_age_s: float = STALE_AFTER_S) -> list[str]:
        """Delete debris of operations whose process died (a crash, a kill -9).

        ``.trash-*`` always goes; an import/convert staging folder (``.tmp-*``) when
        it is older than ``max_age_s`` (a younger one may belong to a running
        command). Install staging folders stay: they hold partial downloads to resume.
        Returns the names removed.
        """
        removed = []
        now = time.time()
        for child in self.root.iterdir() if self.root.is_dir() else ():
            stale = child.name.startswith(".trash-") or (
                child.name.startswith(".tmp-")
                and not child.name.startswith(".tmp-install-")
                and now - child.stat().st_mtime > max_age_s
            )
            if stale and child.is_dir():
                shutil.rmtree(child, ignore_errors=True)
                removed.append(child.name)
        return removed

    def commit(self, staging: Path, name: str, version: str) -> Path:
        """Move a complete staging folder into place (one rename); ModelError if taken."""
        final = self.folder(name, version)
        if final.exists():
            raise ModelError(
                f"model {name}@{version} is already in the user store; "
                f"remove it first: lmms-magenta models remove {name}@{version}",
                path=final,
            )
        final.parent.mkdir(parents=True, exist_ok=True)
        os.rename(staging, final)
        return final

    def discard(self, staging: Path) -> None:
        shutil.rmtree(staging, ignore_errors=True)

    def contains(self, folder: Path) -> bool:
        """True if ``folder`` is a model folder inside this store."""
        try:
            folder.resolve().relative_to(self.root.resolve())
        except ValueError:
            return False
        return True

    def remove(self, folder: Path) -> None:
        """Remove a model folder of the store (rename to trash, then delete)."""
        if not self.contains(folder):
            raise ModelError("not a folder of the user store; refusing to delete it", path=folder)
        trash = Path(tempfile.mkdtemp(prefix=".trash-", dir=self.root))
        os.rename(folder, trash / "model")
        shutil.rmtree(trash, ignore_errors=True)
        parent = folder.parent
        if parent != self.root and parent.is_dir() and not any(parent.iterdir()):
            parent.rmdir()
