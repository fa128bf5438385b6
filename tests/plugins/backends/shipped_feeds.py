"""Feeds and tolerances for running the shipped models on every backend.

Shared by tests/plugins/backends/test_backends_shipped_models.py (which checks that all
four backends agree) and benchmarks/backends_shipped.py (which times them), so the
benchmark times exactly what the test checks. A plain module: no pytest, numpy only.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["BACKENDS", "TOLERANCE", "feature_feeds", "tolerance"]

BACKENDS = ("cpu", "openvino", "opencl", "vulkan")
#: largest accepted |backend - cpu| of a float output, per 10 units of the output's
#: largest magnitude (at least 1e-4; all four compute in fp32)
TOLERANCE = 1e-4


def tolerance(expected: np.ndarray) -> float:
    """The accepted difference for one output: 1e-4, or 1e-5 of its largest value."""
    return TOLERANCE * max(1.0, float(np.abs(expected).max(initial=0.0)) / 10.0)


def feature_feeds(inputs: dict[str, Any], batch: int, seed: int) -> dict[str, np.ndarray]:
    """Feeds like the features' for the named inputs (``name -> TensorInfo``)."""
    rng = np.random.default_rng(seed)
    feeds: dict[str, np.ndarray] = {}
    for name, info in inputs.items():
        shape = [d if isinstance(d, int) else batch for d in info.shape]
        if name in ("hits", "keep_hits"):
            value: np.ndarray = rng.random(shape) < (0.25 if name == "hits" else 0.5)
        elif name == "tap":
            value = rng.random(shape) * (rng.random([*shape[:-1], 1]) < 0.3)
        elif name in ("tokens", "style"):
            value = rng.integers(0, 130 if name == "tokens" else 4, shape)
        elif name == "noise":
            value = rng.gumbel(size=shape)
        elif name == "temperature":
            value = rng.uniform(0.5, 1.5, shape)
        elif name == "hit_noise":
            value = rng.random(shape)
        else:  # z, z_noise
            value = rng.standard_normal(shape)
        feeds[name] = value.astype(info.dtype)
    return feeds
