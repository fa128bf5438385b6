"""Inference backends: init time and per-call latency of the project's model shapes.

    python benchmarks/backends.py [--calls N] [--no-shipped] [--no-readme]

Runs the two test models of tests/fixtures/models/build_models.py (a GRU decoder step:
embedding 512x128 -> 2-layer GRU 256 -> linear 512; an MLP decoder 64->512->512->288),
batch 1, through the kernel call a feature makes (``select_hardware`` pinned to the
backend, then ``open_session``), on every installed backend, and with torch eager as
the reference a user would otherwise run (skipped, with a message, when torch is not
installed). Every backend's outputs are checked against ONNX Runtime's first (1e-5).

Reported per backend and model: session init time (load + compile, runtime already
imported; median of 3), per-call latency (median and 90th percentile of N calls after
a warm-up) and the ratio to torch eager's median. Also measured, to justify the
sessions' call paths: OpenVINO's naive call (``request.infer(fresh_arrays)``) and
ONNX Runtime with default options and with io_binding. The runtimes' import times are
measured in fresh processes. The ``opencl`` backend runs on whatever OpenCL device
there is (PoCL's CPU device without a GPU); its "first open" time includes building
the OpenCL program. The ``vulkan`` backend runs on whatever Vulkan device
there is (Mesa's CPU-emulated lavapipe without a GPU); its "first open" time includes
the one-off pnnx conversion.

Then (backends_shipped.py) the models the features ship, at the batch a feature runs
them with: the groove model humanizing a 4-minute track (batch 60) and the drum pattern
decoder making 8 alternatives: first open (vulkan: with the pnnx conversion), second
open, first call and the median of a few calls per backend, checked against ONNX
Runtime with the shipped-models test's tolerance, and the ratio to ONNX Runtime.
``--calls 200 --no-readme`` is a quick check (under a minute plus the shipped models).

Results go to benchmarks/README.md under "## backends" (that section only is
replaced; written by benchmarks/backends_report.py). The machine's 2 cores are shared
with other work: the load average at the start is recorded with the results.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from backends_report import README, report, write_readme
from backends_shipped import check_same, measure_shipped
from common import interleaved

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "fixtures" / "models"))
import build_models as bm  # noqa: E402

MODELS = ("gru_step", "mlp_decoder")


def fixture_tolerance(_: np.ndarray) -> float:
    """The fixture models' outputs must match ONNX Runtime's within 1e-5 (batch 1, small
    values: no scale-dependent allowance needed)."""
    return 1e-5


def import_time(module: str) -> float | None:
    """Seconds to import ``module`` in a fresh interpreter (median of 3), None if absent."""
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    runs = []
    for _ in range(3):
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        if done.returncode != 0:
            return None
        runs.append(float(done.stdout.strip()))
    return statistics.median(runs)


def bench_kernel() -> Any:
    """A kernel that loads only the two backend plugins, with throw-away folders."""
    from lmms_magenta.config import Config, Layer
    from lmms_magenta.kernel import Kernel

    tmp = Path(tempfile.mkdtemp(prefix="lmms-magenta-bench-"))
    config = Config(
        config_dir=tmp / "config",
        data_dir=tmp / "data",
        cache_dir=tmp / "cache",
        layers=[Layer("benchmark", ["cpu", "openvino", "opencl", "vulkan"], ["*"])],
    )
    return Kernel(config)


# --- torch eager reference -------------------------------------------------------------------


def torch_models() -> dict[str, Callable[[dict[str, np.ndarray]], dict[str, np.ndarray]]] | None:
    """The two networks in torch with the same weights, as a user would run them."""
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)  # like the sessions: one thread for a batch-1 model
    w = {k: torch.from_numpy(v) for k, v in bm.weights().items()}
    size = bm.HIDDEN

    def reorder(t: Any) -> Any:  # ONNX gates (z, r, h) -> torch (r, z, n)
        z, r, h = t[:size], t[size : 2 * size], t[2 * size :]
        return torch.cat([r, z, h])

    embedding = torch.nn.Embedding(bm.VOCAB, bm.EMBED)
    gru = torch.nn.GRU(bm.EMBED, size, bm.LAYERS)
    linear = torch.nn.Linear(size, bm.VOCAB)
    mlp_layers: list[torch.nn.Module] = []
    with torch.no_grad():
        embedding.weight.copy_(w["embedding"])
        for layer in range(bm.LAYERS):
            getattr(gru, f"weight_ih_l{layer}").copy_(reorder(w[f"W{layer}"][0]))
            getattr(gru, f"weight_hh_l{layer}").copy_(reorder(w[f"R{layer}"][0]))
            bias = w[f"B{layer}"][0]
            getattr(gru, f"bias_ih_l{layer}").copy_(reorder(bias[: 3 * size]))
            getattr(gru, f"bias_hh_l{layer}").copy_(reorder(bias[3 * size :]))
        linear.weight.copy_(w["out_w"].T)
        linear.bias.copy_(w["out_b"])
        for i, (a, b) in enumerate(zip(bm.MLP_SIZES, bm.MLP_SIZES[1:], strict=False)):
            layer = torch.nn.Linear(a, b)
            layer.weight.copy_(w[f"mlp_w{i}"].T)
            layer.bias.copy_(w[f"mlp_b{i}"])
            mlp_layers += [layer, torch.nn.ReLU()]
    mlp = torch.nn.Sequential(*mlp_layers[:-1]).eval()
    for module in (embedding, gru, linear):
        module.eval()

    def gru_step(feeds: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        with torch.inference_mode():
            x = embedding(torch.from_numpy(feeds["token"])).unsqueeze(0)
            out, hidden = gru(x, torch.from_numpy(feeds["hidden"]))
            return {"logits": linear(out[0]).numpy(), "hidden_out": hidden.numpy()}

    def mlp_decoder(feeds: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        with torch.inference_mode():
            return {"out": mlp(torch.from_numpy(feeds["z"])).numpy()}

    return {"gru_step": gru_step, "mlp_decoder": mlp_decoder}


# --- the measurements ---------------------------------------------------------------------


def measure(calls: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Rows of the main table and of the call-path table."""
    from lmms_magenta.hardware import select_hardware
    from lmms_magenta.hardware_sessions import open_session

    folder = Path(tempfile.mkdtemp(prefix="lmms-magenta-bench-models-"))
    paths = bm.build(folder, MODELS)
    kernel = bench_kernel()
    rows: list[dict[str, Any]] = []
    paths_rows: list[dict[str, Any]] = []
    torch_runs = torch_models()
    if torch_runs is None:
        print("torch is not installed: no torch eager reference (pip install torch==2.13.0)")
    for model in MODELS:
        feeds = bm.sample_feeds(model)
        contenders: dict[str, Callable[[], object]] = {}
        inits: dict[str, float | None] = {}
        firsts: dict[str, float | None] = {}
        devices: dict[str, str] = {}
        sessions = []
        reference: dict[str, np.ndarray] | None = None
        for backend in ("cpu", "openvino", "opencl", "vulkan"):
            choice = select_hardware(kernel, backend)
            if choice.device is None or choice.device.backend != backend:
                print(f"backend {backend} is not available: {choice.fallback_reason}")
                continue
            times = []
            for _ in range(3):
                start = time.perf_counter()
                session = open_session(kernel, paths[model], choice=choice, precision="fp32")
                times.append(time.perf_counter() - start)
                sessions.append(session)
            out = session.run(feeds)
            reference = reference or out
            check_same(f"{backend} {model}", out, reference, fixture_tolerance)
            label = f"{backend} ({choice.device.key})"
            firsts[label] = times[0] * 1e3  # vulkan: includes the pnnx conversion
            devices[label] = f"{choice.device.name}, kind {choice.device.kind}"
            contenders[label] = lambda s=session, f=feeds: s.run(f)
            inits[label] = statistics.median(times) * 1e3
        if torch_runs is not None:
            run = torch_runs[model]
            if reference is not None:
                check_same(f"torch {model}", run(feeds), reference, fixture_tolerance)
            contenders["torch eager (reference)"] = lambda r=run, f=feeds: r(f)
            inits["torch eager (reference)"] = None
        timed = interleaved(contenders, calls)
        for session in sessions:
            session.close()
        torch_median = timed.get("torch eager (reference)", (None, None))[0]
        for label, (median, p90) in timed.items():
            rows.append(
                {
                    "backend": label,
                    "model": model,
                    "init_ms": inits[label],
                    "first_ms": firsts.get(label),
                    "device": devices.get(label, "-"),
                    "median_us": median,
                    "p90_us": p90,
                    "ratio": median / torch_median if torch_median else None,
                }
            )
        paths_rows += call_paths(paths[model], model, feeds, calls, kernel)
    return rows, paths_rows


def call_paths(
    path: Path, model: str, feeds: dict[str, np.ndarray], calls: int, kernel: Any
) -> list[dict[str, Any]]:
    """The sessions' call paths against the obvious alternatives (interleaved)."""
    import onnxruntime as ort
    import openvino as ov
    from lmms_magenta_backend_cpu.session import session_options

    from lmms_magenta.hardware import select_hardware
    from lmms_magenta.hardware_sessions import open_session

    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    tuned = ort.InferenceSession(str(path), session_options(1), providers=["CPUExecutionProvider"])
    names = [o.name for o in tuned.get_outputs()]
    binding = tuned.io_binding()
    for name in names:
        binding.bind_output(name)

    def bound() -> object:  # same options as the cpu session; outputs bound once
        for name, value in feeds.items():
            binding.bind_cpu_input(name, value)
        tuned.run_with_iobinding(binding)
        return binding.copy_outputs_to_cpu()

    config = {"INFERENCE_PRECISION_HINT": "f32", "PERFORMANCE_HINT": "LATENCY"}
    compiled = ov.Core().compile_model(str(path), "CPU", {**config, "INFERENCE_NUM_THREADS": 1})
    request = compiled.create_infer_request()
    ours_cpu = open_session(kernel, path, choice=select_hardware(kernel, "cpu"))
    ours_ov = open_session(kernel, path, choice=select_hardware(kernel, "openvino"))
    timed = interleaved(
        {
            "onnxruntime, default options, run(None, feeds)": lambda: session.run(None, feeds),
            "onnxruntime, tuned options, io_binding (outputs bound once)": bound,
            "cpu backend session (tuned options, cached output names)": lambda: ours_cpu.run(feeds),
            "openvino, request.infer(fresh arrays)": lambda: request.infer(
                {k: v.copy() for k, v in feeds.items()}
            ),
            "openvino, compiled_model(feeds)": lambda: compiled(feeds),
            "openvino backend session (shared input tensors)": lambda: ours_ov.run(feeds),
        },
        calls,
    )
    ours_cpu.close()
    ours_ov.close()
    return [{"model": model, "path": what, "median_us": m} for what, (m, _) in timed.items()]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--calls", type=int, default=3000, help="timed calls per fixture-model figure"
    )
    parser.add_argument(
        "--no-shipped", action="store_true", help="skip the shipped models (about a minute)"
    )
    parser.add_argument("--no-readme", action="store_true", help="only print the results")
    args = parser.parse_args()
    start = time.perf_counter()
    rows, paths_rows = measure(args.calls)
    shipped_rows = [] if args.no_shipped else measure_shipped(bench_kernel())
    imports = {m: import_time(m) for m in ("onnxruntime", "openvino", "ncnn", "torch")}
    section = report(rows, paths_rows, shipped_rows, args.calls, imports)
    print(section)
    print(f"benchmark ran {time.perf_counter() - start:.0f} s")
    if not args.no_readme:
        write_readme(section)
        print(f"written to {README}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
