"""How far a conversion's outputs are from the ONNX model's, measured before it is kept.

pnnx rewrites the graph (fuses layers, renames blobs, casts int64 to int32), so a
conversion is only trusted after it ran: the converted model (with the precision's
settings) and ONNX Runtime get the same inputs - random normal floats, zeros for
integer inputs (always a valid index) - and the largest absolute output difference is
recorded in the artifact's record. It runs on ncnn's CPU path *and on every Vulkan
device* the machine has: ncnn's Vulkan layers are separate code and can compute a
graph differently (measured: a ``Concat`` of a 1-D and a 2-D blob, which pnnx writes
for an embedded 1-D integer input, is right on the CPU path and zero-filled on
lavapipe). Beyond :data:`LIMITS` (times the float outputs' magnitude when above 1) on
any of them the conversion is refused: a wrongly mapped tensor, a wrongly typed input
or a miscomputing device shows up here, not in a user's music. Integer outputs
(sampled tokens, hits, indices) must equal ONNX Runtime's exactly: one differing value
refuses the conversion. A converted graph ncnn cannot load is refused too, with what
ncnn said about it.

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


def _where(device: int | None) -> str:
    return "ncnn's CPU path" if device is None else f"vulkan:{device}"


def _load(
    param: bytes,
    weights: bytes,
    inputs: Sequence[BlobSpec],
    outputs: Sequence[BlobSpec],
    precision: str,
    device: int | None,
) -> Any:
    """The converted model on ``device``; Unconvertible when ncnn refuses it."""
    from .devices import stderr_to
    from .session import NcnnLoadError, NcnnSession

    said: list[str] = []  # ncnn explains a refusal on stderr only
    try:
        with stderr_to(said):
            return NcnnSession(
                param, weights, inputs, outputs, vulkan_device=device, precision=precision
            )
    except NcnnLoadError as err:
        detail = "; ".join(" ".join(line.split()) for line in said[-2:])[:200]
        where = "" if device is None else f" on {_where(device)}"
        raise Unconvertible(f"{err}{where}" + (f" (ncnn: {detail})" if detail else "")) from err


def _mismatches(got: Any, expected: Any) -> int:
    """How many values of an integer output differ (all of them when the shapes do)."""
    import numpy as np

    if got.shape != expected.shape:
        return int(max(got.size, expected.size))
    return int(np.count_nonzero(got != expected))


def _compare(
    converted: Any, cases: Sequence[tuple[dict[str, Any], dict[str, Any]]], where: str
) -> float:
    """The largest float difference over ``(feeds, expected)`` cases; integers exact."""
    import numpy as np

    worst = 0.0
    for feeds, expected in cases:
        try:
            got = converted.run(feeds)
        except (RuntimeError, ValueError) as err:  # an ncnn error code, a wrong size
            raise Unconvertible(f"on {where} ncnn cannot run the converted model: {err}") from err
        for name, want in expected.items():
            if want.dtype.kind != "f":
                wrong = _mismatches(got[name], want)
                if wrong:
                    raise Unconvertible(
                        f"on {where} the converted model's integer output {name!r} differs "
                        f"from the ONNX model's in {wrong} of {want.size} values "
                        "(integer outputs must match exactly)"
                    )
                continue
            diff = float(np.abs(got[name].astype(np.float64) - want).max(initial=0.0))
            if not np.isfinite(diff):  # NaN or inf: refused, whatever the others give
                return diff
            worst = max(worst, diff)
    return worst


def measure(
    source: Path,
    param: bytes,
    weights: bytes,
    inputs: Sequence[BlobSpec],
    outputs: Sequence[BlobSpec],
    precision: str,
    vulkan_devices: Sequence[int] = (),
) -> dict[str, Any]:
    """The drift record; raises Unconvertible when the conversion is not faithful.

    Measured on ncnn's CPU path and on each of ``vulkan_devices``.
    """
    import numpy as np

    try:
        import onnxruntime as ort
    except ImportError:
        return {"measured": False, "why": "onnxruntime is not installed"}
    try:
        reference = ort.InferenceSession(str(source), providers=["CPUExecutionProvider"])
    except Exception as err:  # the source itself does not load: nothing to compare with
        return {"measured": False, "why": f"onnxruntime cannot load the model: {err}"}
    names = [o.name for o in outputs]
    cases = []
    for seed in range(SAMPLES):
        feeds = _feeds(inputs, seed)
        cases.append((feeds, dict(zip(names, reference.run(None, feeds), strict=True))))
    floats = [v for _, expected in cases for v in expected.values() if v.dtype.kind == "f"]
    scale = max((float(np.abs(v).max(initial=0.0)) for v in floats), default=0.0)
    limit = LIMITS[precision] * max(1.0, scale)
    per_target: dict[str, float] = {}
    for device in (None, *vulkan_devices):
        converted = _load(param, weights, inputs, outputs, precision, device)
        try:
            worst = _compare(converted, cases, _where(device))
        finally:
            converted.close()
        if not np.isfinite(worst) or worst > limit:
            raise Unconvertible(
                f"on {_where(device)} the converted model's outputs differ from the ONNX "
                f"model's by up to {worst:.3g} (accepted for {precision}: {limit:.3g})"
            )
        per_target["cpu" if device is None else f"vulkan:{device}"] = worst
    return {
        "measured": True,
        "reference": f"onnxruntime {ort.__version__}",
        "samples": SAMPLES,
        "max_abs_diff": max(per_target.values()),
        "max_abs_diff_on": per_target,
        "output_scale": scale,
        "integer_outputs_exact": [n for n in names if cases[0][1][n].dtype.kind != "f"],
    }
