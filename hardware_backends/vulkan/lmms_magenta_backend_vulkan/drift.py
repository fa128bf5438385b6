"""How far a conversion's outputs are from the ONNX model's, measured before it is kept.

pnnx rewrites the graph (fuses layers, renames blobs, casts int64 to int32), so a
conversion is only trusted after it ran: the converted model (on ncnn's CPU path,
with the precision's settings) and ONNX Runtime get the same inputs - random normal
floats, zeros for integer inputs (always a valid index) - and the largest absolute
output difference is recorded in the artifact's record. Beyond :data:`LIMITS` (times
the outputs' magnitude when above 1) the conversion is refused: a wrongly mapped
tensor or a wrongly typed input shows up here, not in a user's music.

ONNX Runtime comes with the ``cpu`` backend; without it the drift is not measured
(recorded as such) and the conversion is kept on pnnx's word.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .blobs import BlobSpec
from .graph import Unconvertible

__all__ = ["LIMITS", "SAMPLES", "measure"]

#: largest accepted max |ncnn - onnxruntime| per precision (measured: fp32 ~2e-6,
#: fp16 ~5e-3 on the GRU step and the MLP decoder)
LIMITS = {"fp32": 1e-3, "fp16": 5e-2}
SAMPLES = 2


def _feeds(specs: Sequence[BlobSpec], seed: int) -> dict[str, Any]:
    import numpy as np

    rng = np.random.default_rng(seed)
    feeds: dict[str, Any] = {}
    for spec in specs:
        if spec.dtype.startswith("float"):
            feeds[spec.name] = rng.standard_normal(spec.sample_shape).astype(spec.dtype)
        else:
            feeds[spec.name] = np.zeros(spec.sample_shape, dtype=spec.dtype)
    return feeds


def measure(
    source: Path,
    param: bytes,
    weights: bytes,
    inputs: Sequence[BlobSpec],
    outputs: Sequence[BlobSpec],
    precision: str,
) -> dict[str, Any]:
    """The drift record; raises Unconvertible when the conversion is not faithful."""
    import numpy as np

    from .session import NcnnSession

    try:
        import onnxruntime as ort
    except ImportError:
        return {"measured": False, "why": "onnxruntime is not installed"}
    try:
        reference = ort.InferenceSession(str(source), providers=["CPUExecutionProvider"])
    except Exception as err:  # the source itself does not load: nothing to compare with
        return {"measured": False, "why": f"onnxruntime cannot load the model: {err}"}
    converted = NcnnSession(
        param, weights, inputs, outputs, vulkan_device=None, precision=precision
    )
    worst, scale = 0.0, 0.0
    try:
        for seed in range(SAMPLES):
            feeds = _feeds(inputs, seed)
            expected = dict(zip([o.name for o in outputs], reference.run(None, feeds), strict=True))
            got = converted.run(feeds)
            for spec in outputs:
                diff = np.abs(got[spec.name].astype(np.float64) - expected[spec.name])
                worst = max(worst, float(diff.max(initial=0.0)))
                scale = max(scale, float(np.abs(expected[spec.name]).max(initial=0.0)))
    finally:
        converted.close()
    limit = LIMITS[precision] * max(1.0, scale)
    if not np.isfinite(worst) or worst > limit:
        raise Unconvertible(
            f"the converted model's outputs differ from the ONNX model's by up to {worst:.3g} "
            f"(accepted for {precision}: {limit:.3g})"
        )
    return {
        "measured": True,
        "reference": f"onnxruntime {ort.__version__}",
        "samples": SAMPLES,
        "max_abs_diff": worst,
        "output_scale": scale,
    }
