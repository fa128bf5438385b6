"""The SQLite store behind the result cache: entries, LRU eviction, similarity lookup.

One table of entries (exact key, similarity group, fuzzy values, encoded value, size,
last use) and one of counters. Write-ahead logging lets several processes (the CLI,
the Qt panel host) share the file; each write is one ``BEGIN IMMEDIATE`` transaction
that inserts and then evicts the least recently used entries until the total size is
under the cap. Last use is a counter, not a clock, so LRU order is exact across
processes and clock changes.

Values are encoded by :mod:`.values` (``bytes`` as they are, numpy arrays as ``.npy``
without pickle, anything else as JSON); a value that is none of these raises TypeError
at ``put``.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from .keys import CacheKey, distance
from .values import decode, encode

if TYPE_CHECKING:
    from ..config import Config

__all__ = ["DEFAULT_MAX_BYTES", "FILE_NAME", "CacheHit", "CacheInfo", "ResultCache"]

logger = logging.getLogger("lmms_magenta.resultcache")

FILE_NAME = "results.sqlite3"
MIB = 1024 * 1024
DEFAULT_MAX_BYTES = 256 * MIB
SCHEMA_VERSION = 1
ROW_OVERHEAD = 128  # bytes counted per entry besides its data (key, indexes, row header)
STATS = ("hits", "similar_hits", "misses", "writes", "evictions")
T = TypeVar("T")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
    digest TEXT PRIMARY KEY,
    grp TEXT NOT NULL,
    feature TEXT NOT NULL,
    params TEXT NOT NULL,
    fuzzy TEXT NOT NULL,
    kind TEXT NOT NULL,
    data BLOB NOT NULL,
    size INTEGER NOT NULL,
    created REAL NOT NULL,
    used INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS entries_grp ON entries (grp);
CREATE INDEX IF NOT EXISTS entries_used ON entries (used);
CREATE TABLE IF NOT EXISTS stats (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
"""


@dataclass(frozen=True)
class CacheHit:
    """A cached result; ``distance`` is 0 for an exact hit, else how far the match was.

    ``params`` are the parameters the cached result was made with (for a similar hit,
    so the caller can say "answered from intensity 0.51").
    """

    value: Any
    exact: bool
    distance: float = 0.0
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CacheInfo:
    """What ``lmms-magenta cache info`` shows."""

    path: str
    entries: int
    bytes: int
    max_bytes: int
    file_bytes: int
    stats: Mapping[str, int]
    features: Mapping[str, tuple[int, int]]  # feature -> (entries, bytes)

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "entries": self.entries,
            "bytes": self.bytes,
            "max_bytes": self.max_bytes,
            "file_bytes": self.file_bytes,
            "stats": dict(self.stats),
            "features": {f: {"entries": n, "bytes": b} for f, (n, b) in self.features.items()},
        }


class ResultCache:
    """Persistent, size-capped result cache in one SQLite file (see the package doc).

    Thread-safe within a process, and safe across processes. ``problem`` is set (and
    every call becomes a miss / no-op) when the file cannot be opened at all.
    ``tolerance`` is the similarity the user allows (0 = exact matches only): the
    default of :meth:`get` and :meth:`fetch`.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        max_bytes: int = DEFAULT_MAX_BYTES,
        tolerance: float = 0.0,
    ):
        if max_bytes < 1:
            raise ValueError(f"max_bytes must be positive, not {max_bytes}")
        if not 0 <= tolerance <= 1:
            raise ValueError(f"tolerance must be from 0 to 1, not {tolerance}")
        self.path = Path(path)
        self.max_bytes = int(max_bytes)
        self.tolerance = float(tolerance)
        self.problem: str | None = None
        self._lock = threading.RLock()
        self._db: sqlite3.Connection | None = None
        try:
            self._db = self._open()
        except (OSError, sqlite3.Error) as err:
            self.problem = f"cannot open the result cache {self.path}: {err}"
            logger.warning("%s; results will not be cached", self.problem)

    @classmethod
    def for_config(cls, config: Config) -> ResultCache:
        """The cache of a kernel configuration: ``results.sqlite3`` in its cache folder,
        capped at ``[cache] max_mb`` MiB, answering within ``[cache] similarity``."""
        return cls(
            Path(config.cache_dir) / FILE_NAME,
            max_bytes=max(1, round(config.cache_max_mb * MIB)),
            tolerance=config.cache_similarity,
        )

    # --- opening --------------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=10.0, isolation_level=None, check_same_thread=False)
        try:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version not in (0, SCHEMA_VERSION):
                logger.info("result cache %s has format %s: starting afresh", self.path, version)
                db.executescript("DROP TABLE IF EXISTS entries; DROP TABLE IF EXISTS stats;")
            if version != SCHEMA_VERSION:
                db.execute("PRAGMA auto_vacuum = INCREMENTAL")  # before the first table
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = NORMAL")
            db.executescript(_SCHEMA)
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        except BaseException:
            db.close()
            raise
        return db

    def _open(self) -> sqlite3.Connection:
        try:
            return self._connect()
        except sqlite3.DatabaseError as err:
            if isinstance(err, sqlite3.OperationalError) or not self.path.is_file():
                raise
            # not a database (truncated, overwritten): keep it for a post-mortem, start anew
            aside = self.path.with_name(f"{self.path.name}.corrupt-{int(time.time())}")
            logger.warning("result cache %s is unreadable (%s); moved to %s", self.path, err, aside)
            os.replace(self.path, aside)
            for suffix in ("-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
            return self._connect()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        assert self._db is not None
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    @staticmethod
    def _count(db: sqlite3.Connection, name: str, by: int = 1) -> None:
        db.execute(
            "INSERT INTO stats (name, value) VALUES (?, ?) "
            "ON CONFLICT (name) DO UPDATE SET value = value + excluded.value",
            (name, by),
        )

    @staticmethod
    def _touch(db: sqlite3.Connection, digest: str) -> None:
        db.execute(
            "UPDATE entries SET used = (SELECT COALESCE(MAX(used), 0) + 1 FROM entries) "
            "WHERE digest = ?",
            (digest,),
        )

    # --- lookups and writes -----------------------------------------------------------------

    def get(self, key: CacheKey, *, tolerance: float | None = None) -> CacheHit | None:
        """The cached result of ``key``; with ``tolerance > 0`` also the nearest similar one.

        ``tolerance`` defaults to the cache's own (the user's ``[cache] similarity``).
        A hit counts as a use (for LRU). Returns ``None`` on a miss or when the cache
        is unusable.
        """
        if self._db is None:
            return None
        try:
            with self._write() as db:
                hit = self._lookup(db, key, self.tolerance if tolerance is None else tolerance)
                self._count(
                    db, "misses" if hit is None else "hits" if hit.exact else "similar_hits"
                )
                return hit
        except sqlite3.Error as err:
            logger.warning("result cache %s: lookup failed: %s", self.path, err)
            return None

    def _lookup(self, db: sqlite3.Connection, key: CacheKey, tolerance: float) -> CacheHit | None:
        digest, found_distance = key.digest, 0.0
        row = db.execute("SELECT 1 FROM entries WHERE digest = ?", (digest,)).fetchone()
        if row is None:
            if tolerance <= 0 or not key.fuzzy:
                return None
            best: tuple[float, str] | None = None
            for other, fuzzy in db.execute(
                "SELECT digest, fuzzy FROM entries WHERE grp = ?", (key.group,)
            ):
                d = distance(key.fuzzy, json.loads(fuzzy), key.scales)
                if d <= tolerance and (best is None or d < best[0]):
                    best = (d, other)
            if best is None:
                return None
            found_distance, digest = best
        kind, data, params = db.execute(
            "SELECT kind, data, params FROM entries WHERE digest = ?", (digest,)
        ).fetchone()
        self._touch(db, digest)
        exact = digest == key.digest
        return CacheHit(decode(kind, data), exact, found_distance, json.loads(params))

    def put(self, key: CacheKey, value: Any) -> bool:
        """Store ``value`` under ``key``, evicting LRU entries over the cap.

        Returns False (and stores nothing) when the value alone is bigger than the cap
        or the cache is unusable. Raises TypeError for a value it cannot encode.
        """
        kind, data = encode(value)
        params = json.dumps({**key.params, **key.fuzzy}, sort_keys=True, ensure_ascii=False)
        fuzzy = json.dumps(dict(key.fuzzy), sort_keys=True)
        size = len(data) + len(params) + len(fuzzy) + ROW_OVERHEAD
        if size > self.max_bytes:
            logger.info("result of %s (%d bytes) is larger than the cache", key.feature, size)
            return False
        if self._db is None:
            return False
        try:
            with self._write() as db:
                db.execute(
                    "INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, "
                    "(SELECT COALESCE(MAX(used), 0) + 1 FROM entries))",
                    (
                        key.digest,
                        key.group,
                        key.feature,
                        params,
                        fuzzy,
                        kind,
                        data,
                        size,
                        time.time(),
                    ),
                )
                self._count(db, "writes")
                evicted = self._evict(db)
            if evicted:
                self._db.execute("PRAGMA incremental_vacuum")
        except sqlite3.Error as err:
            logger.warning("result cache %s: write failed: %s", self.path, err)
            return False
        return True

    def _evict(self, db: sqlite3.Connection) -> int:
        total = db.execute("SELECT COALESCE(SUM(size), 0) FROM entries").fetchone()[0]
        if total <= self.max_bytes:
            return 0
        doomed = []
        for digest, size in db.execute("SELECT digest, size FROM entries ORDER BY used, rowid"):
            if total <= self.max_bytes:
                break
            doomed.append((digest,))
            total -= size
        db.executemany("DELETE FROM entries WHERE digest = ?", doomed)
        self._count(db, "evictions", len(doomed))
        return len(doomed)

    def fetch(
        self, key: CacheKey, compute: Callable[[], T], *, tolerance: float | None = None
    ) -> tuple[T, CacheHit | None]:
        """``(value, hit)``: the cached value, or ``compute()`` stored and ``hit=None``."""
        hit = self.get(key, tolerance=tolerance)
        if hit is not None:
            return hit.value, hit
        value = compute()
        self.put(key, value)
        return value, None

    # --- maintenance --------------------------------------------------------------------------

    def info(self) -> CacheInfo:
        """Entry count, sizes, counters and a per-feature breakdown."""
        file_bytes = sum(
            p.stat().st_size for p in (self.path, Path(f"{self.path}-wal")) if p.is_file()
        )
        if self._db is None:
            return CacheInfo(str(self.path), 0, 0, self.max_bytes, file_bytes, {}, {})
        with self._lock:
            features = {
                feature: (n, size)
                for feature, n, size in self._db.execute(
                    "SELECT feature, COUNT(*), SUM(size) FROM entries GROUP BY feature "
                    "ORDER BY feature"
                )
            }
            stats = dict.fromkeys(STATS, 0)
            stats.update(dict(self._db.execute("SELECT name, value FROM stats")))
        return CacheInfo(
            path=str(self.path),
            entries=sum(n for n, _ in features.values()),
            bytes=sum(b for _, b in features.values()),
            max_bytes=self.max_bytes,
            file_bytes=file_bytes,
            stats=stats,
            features=features,
        )

    def clear(self, feature: str | None = None) -> int:
        """Delete every entry (and reset the counters), or one feature's; returns how many."""
        if self._db is None:
            return 0
        with self._write() as db:
            if feature is None:
                removed = db.execute("DELETE FROM entries").rowcount
                db.execute("DELETE FROM stats")
            else:
                removed = db.execute("DELETE FROM entries WHERE feature = ?", (feature,)).rowcount
        with self._lock:
            self._db.execute("VACUUM")
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return int(removed)

    def close(self) -> None:
        """Close the database connection (safe to call twice)."""
        with self._lock:
            db, self._db = self._db, None
            if db is not None:
                db.close()

    def __enter__(self) -> ResultCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
