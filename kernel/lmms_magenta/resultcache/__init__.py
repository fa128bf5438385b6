"""The result cache: a feature's answer, kept on disk, so asking again costs nothing.

Generating a pattern or humanizing a clip with the same settings, the same model and
the same seed gives the same result; the cache returns it without running the model.
It is one SQLite file (``results.sqlite3``, write-ahead log, safe across processes) in
the kernel's cache directory, so it survives restarts; ``lmms-magenta cache clear``
(or deleting the folder) empties it.

- Keys (:mod:`.keys`): sha256 of the canonical JSON of feature, normalized
  parameters, models (``name@version`` + sha256) and seed.
- Values (:mod:`.values`): bytes as they are, numpy arrays as ``.npy`` (never
  pickle), anything else as JSON.
- Size: capped in bytes (``[cache] max_mb`` in config.toml, default 256 MiB); a write
  over the cap evicts the least recently used entries (every hit refreshes an entry).
- Similarity: when the user allows it (``[cache] similarity``, the cache's
  ``tolerance``, > 0; default 0 = exact only), a request whose fuzzy
  parameters each lie within ``tolerance`` of a cached request's - as a fraction of the
  parameter's range, or of its magnitude when it has none - with everything else
  equal, is answered from the nearest such entry (``intensity`` 0.50 vs 0.51 on a 0..1
  range is 0.01 apart).
- Robustness: an unreadable file is moved aside and recreated; an unusable folder
  makes every lookup a miss and every write a no-op (logged). The cache never stops a
  feature.

Typical use in a feature::

    cache = ResultCache.for_config(kernel.config)
    key = key_for_feature(feature, params, models=[ModelRef(name, version, sha)], seed=seed)
    result, hit = cache.fetch(key, lambda: run_model(...))  # within the user's similarity

Importing this package is cheap (sqlite3, json, hashlib); numpy only for arrays.
"""

from __future__ import annotations

from .keys import CacheKey, ModelRef, distance, key_for_feature, make_key, normalize
from .store import DEFAULT_MAX_BYTES, FILE_NAME, CacheHit, CacheInfo, ResultCache

__all__ = [
    "DEFAULT_MAX_BYTES",
    "FILE_NAME",
    "CacheHit",
    "CacheInfo",
    "CacheKey",
    "ModelRef",
    "ResultCache",
    "distance",
    "key_for_feature",
    "make_key",
    "normalize",
]
