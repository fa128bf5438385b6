"""The shipped models on every backend: what a musician waits for (part of backends.py).

The fixture models of backends.py are single batch-1 steps; the models the features
ship are much bigger calls. This module measures the two a musician uses most, at the
batch a feature really runs them with:

* the groove model (``groove-vae-2bar``), batch 60: humanizing a 4-minute track
  (120 bars at 4/4 = 60 two-bar windows, all windows in one call);
* the drum pattern decoder (``drums-vae-2bar-decoder``), batch 8: 8 alternatives.

Per backend: the first open (into the benchmark kernel's fresh data dir, so for
``vulkan`` it includes the pnnx conversion), a second open (for ``vulkan`` from the
converted artifact in the model store), the first call of that session (PoCL compiles
each OpenCL kernel for its launch size on first use) and the median of a few warm calls,
interleaved one call at a time over the backends (calls per model in :data:`SHIPPED`).
Every backend's outputs must match ONNX Runtime's (``cpu``) as the shipped-models test
demands (floats within ``tolerance``, i.e. 1e-4 x max(1, scale / 10); integers and drawn
hits exact), so the figures are for correct results.

Feeds and tolerance come from tests/plugins/backends/shipped_feeds.py, which
test_backends_shipped_models.py uses too (imported, not copied): the benchmark feeds
what the test checks.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from common import interleaved, once

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "plugins" / "backends"))
from shipped_feeds import BACKENDS, feature_feeds, tolerance  # noqa: E402

__all__ = ["SHIPPED", "Shipped", "check_same", "measure_shipped"]


@dataclass(frozen=True)
class Shipped:
    """One shipped model as a feature runs it: ``batch`` rows per call, ``use`` says
    what that batch is for the musician, ``calls`` timed calls per backend."""

    name: str
    path: Path
    batch: int
    use: str
    calls: int


MODELS = ROOT / "plugins_builtin"
SHIPPED = (
    Shipped(
        "groove-vae-2bar",
        MODELS / "groove/lmms_magenta_groove/models/groove-vae-2bar/model.onnx",
        60,
        "60 windows = a 4-minute track",
        5,
    ),
    Shipped(
        "drums-vae-2bar-decoder",
        MODELS / "pattern/lmms_magenta_pattern/models/drums-vae-2bar-decoder/model.onnx",
        8,
        "8 alternatives",
        10,
    ),
)


def check_same(
    what: str,
    got: dict[str, np.ndarray],
    want: dict[str, np.ndarray],
    atol: Callable[[np.ndarray], float],
) -> float:
    """The largest difference of ``got``'s float outputs from ``want``'s; exits naming
    ``what`` and the output when one differs by more than ``atol(want[output])``, or an
    integer output or drawn ``hits`` differ at all."""
    worst = 0.0
    for output, value in want.items():
        mine = np.asarray(got[output])
        if mine.shape != value.shape:
            raise SystemExit(f"{what}: output {output} has shape {mine.shape}, not {value.shape}")
        if value.dtype.kind == "f" and output != "hits":
            error = float(np.abs(mine - value).max(initial=0.0))
            worst = max(worst, error)
            if error > atol(value):
                raise SystemExit(f"{what}: output {output} differs from onnxruntime by {error:.2e}")
        elif not np.array_equal(mine, value):
            raise SystemExit(f"{what}: output {output} differs from onnxruntime")
    return worst


def measure_shipped(kernel: Any) -> list[dict[str, Any]]:
    """One row per shipped model and available backend (times in ms, ``ratio`` to cpu).

    ``kernel`` must have a fresh data dir, so the first vulkan open converts the model.
    """
    return [row for model in SHIPPED for row in measure_model(kernel, model)]


def measure_model(kernel: Any, model: Shipped) -> list[dict[str, Any]]:
    """The rows of one shipped model: open, check and time it on every backend."""
    from lmms_magenta.hardware import select_hardware
    from lmms_magenta.hardware_sessions import open_session

    sessions: dict[str, Any] = {}
    rows: dict[str, dict[str, Any]] = {}
    feeds: dict[str, np.ndarray] = {}
    reference: dict[str, np.ndarray] | None = None
    for backend in BACKENDS:
        choice = select_hardware(kernel, backend)
        if choice.device is None or choice.device.backend != backend:
            print(f"backend {backend} is not available: {choice.fallback_reason}")
            continue

        def opened(choice: Any = choice) -> Any:
            return open_session(kernel, model.path, choice=choice, precision="fp32")

        first, session = once(opened)
        session.close()
        again, session = once(opened)
        sessions[backend] = session
        feeds = feeds or feature_feeds({i.name: i for i in session.inputs}, model.batch, 0)
        first_call, out = once(lambda s=session, f=feeds: s.run(f))
        reference = reference or out
        rows[backend] = {
            "model": model,
            "backend": f"{backend} ({choice.device.key})",
            "device": f"{choice.device.name}, kind {choice.device.kind}",
            "first_ms": first * 1e3,
            "reopen_ms": again * 1e3,
            "first_call_ms": first_call * 1e3,
            "error": check_same(f"{backend} {model.name}", out, reference, tolerance),
            "calls": model.calls,
        }
    runs = {b: (lambda s=s, f=feeds: s.run(f)) for b, s in sessions.items()}
    timed = interleaved(runs, model.calls, block=1, warmup=0)
    for backend, session in sessions.items():
        if session.device.backend != backend:  # a ManagedSession moves to the CPU on failure
            raise SystemExit(f"{backend} {model.name} fell back: {session.fallback_reason}")
        session.close()
    cpu_ms = timed["cpu"][0] / 1e3 if "cpu" in timed else None
    for backend, row in rows.items():
        row["median_ms"] = timed[backend][0] / 1e3
        row["ratio"] = row["median_ms"] / cpu_ms if cpu_ms else None
    return list(rows.values())
