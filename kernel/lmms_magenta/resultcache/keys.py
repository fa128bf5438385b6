"""Cache keys: one canonical spelling of a request, hashed.

Key: sha256 of the canonical JSON of the feature name, its normalized parameters,
each model's ``name@version`` and file sha256, and the seed (:func:`make_key`).
Parameters are normalized so equal settings give equal keys: floats rounded to 12
significant digits (``0.1 + 0.2`` equals ``0.3``), tuples as lists, input files by the
sha256 of their contents (editing a MIDI file misses the cache, renaming it does not).
Output files and seeds are not parameters of the result: :func:`key_for_feature`
leaves them out when it builds a key from a feature's schema.

*Fuzzy* parameters (by default every float; from a schema, every bounded number) are
kept apart from the rest, so requests that differ only in them share a ``group`` and
the store can measure how close they are (:func:`distance`).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..features import Feature

__all__ = ["CacheKey", "ModelRef", "distance", "key_for_feature", "make_key", "normalize"]

_FLOAT_DIGITS = 12


@dataclass(frozen=True)
class ModelRef:
    """A model a result depends on: ``name@version`` and the sha256 of the file run."""

    name: str
    version: str
    sha256: str

    def __str__(self) -> str:
        return f"{self.name}@{self.version}"


def _float(x: float) -> float:
    if not math.isfinite(x):
        raise ValueError(f"{x!r} cannot be part of a cache key")
    return float(f"{x:.{_FLOAT_DIGITS}g}") + 0.0  # + 0.0 turns -0.0 into 0.0


def _file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def normalize(value: Any) -> Any:
    """``value`` as plain JSON data with one spelling per meaning (see the module doc)."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return _float(value)
    if isinstance(value, Path):
        return {"file_sha256": _file_digest(value)} if value.is_file() else os.fspath(value)
    if isinstance(value, Mapping):
        return {str(k): normalize(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [normalize(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted((normalize(v) for v in value), key=_canonical)
    item = getattr(value, "item", None)  # numpy scalars
    if callable(item) and getattr(value, "shape", None) == ():
        return normalize(item())
    raise TypeError(f"a {type(value).__name__} cannot be part of a cache key")


def _canonical(data: Any) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _sha(data: Any) -> str:
    return hashlib.sha256(_canonical(data).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class CacheKey:
    """A normalized request; ``digest`` is the exact key, ``group`` its similarity class.

    ``group`` hashes everything but the values of the fuzzy parameters, so entries
    that may be similar share it.
    """

    feature: str
    params: Mapping[str, Any]
    models: tuple[str, ...]
    seed: int | None
    fuzzy: Mapping[str, float]
    scales: Mapping[str, float] = field(default_factory=dict)

    def _identity(self, params: Mapping[str, Any]) -> dict[str, Any]:
        return {"feature": self.feature, "params": params, "models": self.models, "seed": self.seed}

    @property
    def digest(self) -> str:
        return _sha(self._identity({**self.params, **self.fuzzy}))

    @property
    def group(self) -> str:
        return _sha({**self._identity(self.params), "fuzzy": sorted(self.fuzzy)})


def make_key(
    feature: str,
    params: Mapping[str, Any],
    *,
    models: Iterable[ModelRef] = (),
    seed: int | None = None,
    fuzzy: Iterable[str] | None = None,
    scales: Mapping[str, float] | None = None,
) -> CacheKey:
    """Build the key of a request. ``fuzzy`` names the parameters similarity may vary
    (default: every float-valued one); ``scales`` gives a parameter's range (distance
    = difference / range; default: / max(|a|, |b|, 1))."""
    data = normalize(dict(params))
    names = {n for n, v in data.items() if isinstance(v, float)} if fuzzy is None else set(fuzzy)
    numeric = {
        n: float(data.pop(n))
        for n in sorted(names)
        if isinstance(data.get(n), int | float) and not isinstance(data.get(n), bool)
    }
    return CacheKey(
        feature=feature,
        params=data,
        models=tuple(f"{m}#{m.sha256}" for m in models),
        seed=seed,
        fuzzy=numeric,
        scales={n: float(s) for n, s in (scales or {}).items() if n in numeric and s > 0},
    )


def key_for_feature(
    feature: Feature,
    params: Mapping[str, Any],
    *,
    models: Iterable[ModelRef] = (),
    seed: int | None = None,
) -> CacheKey:
    """A key from a feature's validated parameters, read through its schema.

    Output files and seed parameters are left out (the seed goes in ``seed``); bounded
    numbers are the fuzzy parameters, their ranges the scales.
    """
    kept: dict[str, Any] = {}
    fuzzy: list[str] = []
    scales: dict[str, float] = {}
    for param in feature.params:
        kind = getattr(param, "kind", "")
        if param.name not in params or kind == "seed" or getattr(param, "role", "") == "output":
            continue
        kept[param.name] = params[param.name]
        low, high = getattr(param, "min", None), getattr(param, "max", None)
        if kind == "number" and low is not None and high is not None:
            fuzzy.append(param.name)
            scales[param.name] = float(high) - float(low)
    return make_key(feature.name, kept, models=models, seed=seed, fuzzy=fuzzy, scales=scales)


def distance(a: Mapping[str, float], b: Mapping[str, float], scales: Mapping[str, float]) -> float:
    """Largest per-parameter difference, each as a fraction of its scale."""
    worst = 0.0
    for name, x in a.items():
        y = b[name]
        scale = scales.get(name) or max(abs(x), abs(y), 1.0)
        worst = max(worst, abs(x - y) / scale)
    return worst
