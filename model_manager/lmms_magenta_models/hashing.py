"""sha256 of model files, with a cache keyed by size and mtime so loads do not re-hash.

A model file is hashed before its first load and compared with its manifest. Hashing a
few MB costs milliseconds, but features open models on every command, so the digest
is remembered per absolute path together with the file's size and ``st_mtime_ns``
(in ``<cache dir>/models/verified.json``); while both are unchanged the cached digest is
used. Any write to the file changes its mtime, so an edited file is hashed again and
refused. (A deliberate edit that also restores the mtime defeats the cache, as it
would make or rsync; ``lmms-magenta models verify`` always re-hashes everything.)
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import threading
from pathlib import Path

from lmms_magenta.errors import ModelError

__all__ = ["CHUNK", "VerifiedCache", "sha256_file"]

CHUNK = 1 << 20


def sha256_file(path: str | os.PathLike[str]) -> str:
    """Hex sha256 of a file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class VerifiedCache:
    """Remembers ``path -> (size, mtime_ns, sha256)``; persisted as JSON (atomic writes).

    ``path`` None keeps the cache in memory only. A corrupt cache file is ignored
    (it is only a cache). ``hashed`` counts real hash computations (for tests and
    tracing).
    """

    def __init__(self, path: Path | None) -> None:
        self._path = path
        self._lock = threading.Lock()
        self._entries: dict[str, tuple[int, int, str]] | None = None
        self.hashed = 0

    def _load(self) -> dict[str, tuple[int, int, str]]:
        if self._entries is None:
            self._entries = {}
            if self._path is not None:
                try:
                    data = json.loads(self._path.read_text(encoding="utf-8"))
                    for key, (size, mtime, sha) in data.items():
                        self._entries[key] = (int(size), int(mtime), str(sha))
                except (OSError, ValueError, TypeError, AttributeError):
                    self._entries = {}
        return self._entries

    def _save(self) -> None:
        if self._path is None or self._entries is None:
            return
        try:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".verified-", dir=self._path.parent)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump({k: list(v) for k, v in self._entries.items()}, fh)
            os.replace(tmp, self._path)
        except OSError:
            pass  # a cache that cannot be written only costs a re-hash next time

    def digest(self, path: Path) -> str:
        """sha256 of ``path``, from the cache when its size and mtime are unchanged."""
        key = str(path.resolve())
        st = path.stat()
        with self._lock:
            entries = self._load()
            cached = entries.get(key)
            if cached is not None and cached[:2] == (st.st_size, st.st_mtime_ns):
                return cached[2]
        sha = sha256_file(path)
        with self._lock:
            self.hashed += 1
            self._load()[key] = (st.st_size, st.st_mtime_ns, sha)
            self._save()
        return sha

    def forget(self, path: Path) -> None:
        """Drop the cached digest of ``path`` (after a mismatch or a removal)."""
        with self._lock:
            if self._load().pop(str(path.resolve()), None) is not None:
                self._save()

    def verify(
        self, path: Path, sha256: str, size: int | None = None, *, fresh: bool = False
    ) -> None:
        """Raise ModelError naming ``path`` unless it exists with the expected sha256.

        ``fresh=True`` ignores the cache (``models verify``).
        """
        try:
            st = path.stat()
        except OSError as exc:
            raise ModelError(f"model file is missing ({exc.strerror})", path=path) from exc
        if size is not None and st.st_size != size:
            self.forget(path)
            raise ModelError(
                f"model file has {st.st_size} bytes, its manifest says {size}: "
                "it was modified or truncated; refusing to load it",
                path=path,
            )
        if fresh:
            self.forget(path)
        got = self.digest(path)
        if got != sha256:
            self.forget(path)
            raise ModelError(
                f"sha256 mismatch (file {got[:12]}..., manifest {sha256[:12]}...): "
                "the model file was modified or corrupted; refusing to load it",
                path=path,
            )
