"""How far a precision variant is from fp32, measured in a child process.

The fp32 reference and the variant run on ``samples`` random input sets built from
the task contract (floats ~ N(0, 1), ints in [0, 2), a symbolic size not fixed by the
graph = 1) with onnxruntime's CPU provider and its default options, as a backend
would load them; the largest and the mean absolute difference of the contract's
outputs go into the manifest.

Why a child process: onnxruntime can crash natively on a converted graph (onnxruntime
1.32 segfaults building a session for the fp16 conversion of the groove model: a
graph optimizer fault, the session loads with optimizations off). Measuring in
``python -m lmms_magenta_models.drift`` turns such a crash into a clean ModelError,
and a variant that crashes the reference runtime is never added to a manifest, so no
feature ever loads it.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from lmms_magenta.errors import ModelError

from .onnx_check import GraphTensor
from .tasks import Contract, parse_contract

__all__ = ["measure_drift", "measure_drift_isolated", "sample_feeds"]

TIMEOUT_S = 600


def sample_feeds(inputs: dict[str, GraphTensor], contract: Contract, seed: int) -> dict[str, Any]:
    """Random feeds for the graph's inputs (shapes: graph dims, else contract ints, else 1)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    feeds: dict[str, Any] = {}
    for name, spec in contract.inputs.items():
        graph_shape = inputs[name].shape if name in inputs else None
        shape = []
        for axis, want in enumerate(spec.shape):
            got = graph_shape[axis] if graph_shape is not None else None
            shape.append(got if isinstance(got, int) else want if isinstance(want, int) else 1)
        if spec.dtype.startswith("float"):
            feeds[name] = rng.standard_normal(shape).astype(spec.dtype)
        elif spec.dtype == "bool":
            feeds[name] = rng.integers(0, 2, shape).astype(bool)
        else:
            feeds[name] = rng.integers(0, 2, shape).astype(spec.dtype)
    return feeds


def _cpu_session(path: Path) -> Any:
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.log_severity_level = 3
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def measure_drift(
    reference: Path, variant: Path, contract: Contract, samples: int = 8
) -> tuple[float, float]:
    """(max, mean) absolute difference of the contract's outputs, in this process."""
    import numpy as np
    import onnx

    from .onnx_check import graph_tensors

    inputs, _ = graph_tensors(onnx.load(str(reference), load_external_data=False))
    ref, var = _cpu_session(reference), _cpu_session(variant)
    names = list(contract.outputs)
    worst, total, count = 0.0, 0.0, 0
    for seed in range(samples):
        feeds = sample_feeds(inputs, contract, seed)
        for a, b in zip(ref.run(names, feeds), var.run(names, feeds), strict=True):
            diff = np.abs(np.asarray(a, np.float64) - np.asarray(b, np.float64))
            if diff.size:
                worst = max(worst, float(diff.max()))
                total += float(diff.sum())
                count += diff.size
    return worst, (total / count if count else 0.0)


def measure_drift_isolated(
    reference: Path, variant: Path, contract: Contract, samples: int, *, what: str
) -> tuple[float, float]:
    """:func:`measure_drift` in a child process; ModelError (naming ``what``) if it fails."""
    cmd = [sys.executable, "-m", __name__, str(reference), str(variant)]
    cmd += [json.dumps(contract.to_json()), str(samples)]
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT_S, env=env)
    except subprocess.TimeoutExpired as exc:
        raise ModelError(f"running {what} took longer than {TIMEOUT_S} s", path=reference) from exc
    if proc.returncode < 0:
        name = signal.Signals(-proc.returncode).name
        raise ModelError(
            f"onnxruntime crashed ({name}) running {what}; the variant was not added",
            path=reference,
        )
    if proc.returncode != 0:
        lines = proc.stderr.strip().splitlines()
        detail = lines[-1] if lines else f"exit code {proc.returncode}"
        raise ModelError(
            f"onnxruntime failed running {what} ({detail}); the variant was not added",
            path=reference,
        )
    worst, mean = json.loads(proc.stdout.strip().splitlines()[-1])
    return float(worst), float(mean)


def _main(argv: list[str]) -> int:
    reference, variant, contract_json, samples = argv
    problems: list[str] = []
    contract = parse_contract(json.loads(contract_json), "contract", problems)
    if contract is None:
        print("; ".join(problems), file=sys.stderr)
        return 2
    print(json.dumps(measure_drift(Path(reference), Path(variant), contract, int(samples))))
    return 0


if __name__ == "__main__":
    raise SystemExit(_main(sys.argv[1:]))
