"""The report of benchmarks/backends.py: its section of benchmarks/README.md.

backends.py measures; this module turns the measurements into the Markdown section
``## backends`` (machine, versions, the latency table, the call-path table and the
paragraphs that say how to read them on a CPU-only machine) and replaces that section
only in the README. It is apart so the long explanatory text does not bury the
measuring code, and the text can be edited without touching the measurements.
"""

from __future__ import annotations

import datetime
import os
import platform
import textwrap
from pathlib import Path
from typing import Any

from common import write_readme_section

__all__ = ["README", "SECTION", "fmt", "report", "write_readme"]

README = Path(__file__).resolve().parent / "README.md"
SECTION = "## backends"


def fmt(value: float | None, digits: int = 0, suffix: str = "") -> str:
    """``value`` with ``digits`` decimals and ``suffix``; ``-`` for a missing figure."""
    return "-" if value is None else f"{value:.{digits}f}{suffix}"


def report(
    rows: list[dict[str, Any]],
    paths_rows: list[dict[str, Any]],
    shipped_rows: list[dict[str, Any]],
    calls: int,
    imports: dict[str, float | None],
) -> str:
    """The README section: the machine and versions, the tables, and how to read them.

    ``imports`` are the runtimes' import times in seconds (None when not installed);
    ``shipped_rows`` (backends_shipped.py) may be empty (``--no-shipped``).
    """
    import onnxruntime as ort
    import openvino as ov

    try:
        import torch

        torch_version = torch.__version__
    except ImportError:
        torch_version = "not installed"
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    from lmms_magenta_backend_cpu.backend import cpu_name

    lines = [
        f"{SECTION}: inference latency and init time (`backends.py`)",
        "",
        "`python benchmarks/backends.py [--calls N]` runs the test models (GRU decoder step:",
        "embedding 512x128 -> 2-layer GRU 256 -> linear 512; MLP decoder 64->512->512->288;",
        "batch 1, fp32) through the kernel call a feature makes (`select_hardware` pinned,",
        "`open_session`), checks every backend against ONNX Runtime (1e-5), and compares",
        "with torch eager, what a user would otherwise run. One thread everywhere. Then the",
        "models the features ship (further below; `--no-shipped` skips them).",
        "",
        f"Run {datetime.date.today()}: {cpu_name()}, {os.cpu_count()} cores **shared with "
        f"other engineers' jobs** (load average {load:.1f} at start), Python "
        f"{platform.python_version()}, onnxruntime {ort.__version__}, OpenVINO "
        f"{ov.get_version().split('-')[0]}, torch {torch_version}; {calls} calls per figure.",
        "",
        "| backend | device | model | first open | init | median / call | p90 / call "
        "| vs torch eager |",
        "|---|---|---|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['backend']} | {r['device']} | {r['model']} | {fmt(r['first_ms'], 0, ' ms')} | "
            f"{fmt(r['init_ms'], 1, ' ms')} | "
            f"{fmt(r['median_us'], 1, ' µs')} | {fmt(r['p90_us'], 1, ' µs')} | "
            f"{fmt(r['ratio'], 2, 'x')} |"
        )
    lines += [
        "",
        "Import time in a fresh process (paid once, when the kernel first probes or opens a",
        "model): "
        + ", ".join(f"{m} {fmt(t, 2, ' s') if t else 'absent'}" for m, t in imports.items())
        + ".",
        "",
        "Call paths (why the sessions call their runtimes the way they do):",
        "",
        "| model | call path | median / call |",
        "|---|---|---:|",
    ]
    for r in paths_rows:
        lines.append(f"| {r['model']} | {r['path']} | {fmt(r['median_us'], 1, ' µs')} |")
    lines += [
        "",
        "Reading: on a CPU, ONNX Runtime is the fastest runtime for these models, which is",
        "why the `cpu` backend declares preference 10 and `openvino:CPU` 9 (the probe's",
        "measured speed bonus can still reorder them on another machine). OpenVINO is",
        "only competitive with its input tensors set once and shared (`ov.Tensor(...,",
        "shared_memory=True)`, then `infer()` without arguments); fresh arrays per call",
        "cost 2-4x. io_binding with the same session options is within this machine's",
        "noise of `run` for tensors this small (about 1 us either way; rebinding outputs",
        "per call is ~5% slower), so the cpu session keeps the simpler `run`. Both",
        "backends beat torch eager per call and start much sooner (no 1-2 s",
        "`import torch`).",
        "",
        "OpenCL (`opencl`, this project's own ONNX executor on pyopencl): where the device",
        "is PoCL's CPU device (`pthread-...`, kind `cpu`), as on this machine and in CI,",
        "the figures test the backend, not a GPU. Each run replays a prepared plan of",
        "kernel launches (a few for the MLP, about 13 for the GRU step, ~1,400 for the",
        "unrolled groove decoder); PoCL pays roughly 5-20 us per launch on these shared",
        "cores and its generated code is several times slower than ONNX Runtime's",
        "hand-tuned kernels, so it loses clearly and `auto` never picks it (it declares",
        'preference 1). "first open" includes building the OpenCL program (~1.5 s',
        "cold, 0.1-0.2 s from PoCL's kernel cache in ~/.cache/pocl) and PoCL compiling",
        "each kernel for its launch size on first use. What they do show: the executor's",
        "outputs match ONNX Runtime (1e-5 here; the tests check every shipped model to",
        "1e-4) and how much of a call is launch overhead. What they do not show: real",
        "GPU speed. On a GPU the launch cost is similar or lower, the matrix products run",
        "on thousands of lanes, and float64 DSP may be slow (consumer GPUs) or missing",
        "(then the backend offers no DSP kernels and the CPU's are used); for batch-1",
        "steps this small a GPU may still not beat the CPU. Rerun this script there.",
        "",
        'Vulkan (`vulkan`, ncnn): "first open" includes converting the model with pnnx',
        "(once; later opens load the verified conversion from the model store). Where the",
        "device is Mesa's lavapipe (`llvmpipe`, kind `cpu`), as on this machine and in CI,",
        "the figures test the backend, not a GPU: lavapipe runs each Vulkan dispatch on",
        "these same CPU cores with a fixed cost of roughly 0.1-2 ms, so it is far slower",
        "than ONNX Runtime and `auto` never picks it. What they do show: the exact-fp32",
        "path matches ONNX Runtime (checked above, 1e-5), and per-call time is dominated",
        "by per-dispatch overhead, not arithmetic. What they do not show: real GPU speed.",
        "A real GPU computes these layers much faster, but it also pays per-dispatch and",
        "host-device transfer costs, so for batch-1 steps this small (well under 1 MFLOP",
        "per layer) it may not beat a CPU at all; it should pay off for large batches",
        "(many alternatives at once) and bigger models. Not measured here: on a machine",
        "with a GPU, rerun this script; the probe's measured speed bonus then decides.",
    ]
    if shipped_rows:
        lines += ["", *shipped(shipped_rows)]
    return "\n".join(lines) + "\n"


def shipped(rows: list[dict[str, Any]]) -> list[str]:
    """The lines on the shipped models: their table and what it says."""
    lines = [
        "Shipped models, at the batch a feature runs them with (`backends_shipped.py`; feeds",
        "and tolerance of the shipped-models test, tests/plugins/backends/shipped_feeds.py: every",
        "backend matched ONNX Runtime, floats within 1e-4 x max(1, scale/10), integers and",
        'drawn hits exact). "first open" is into a fresh data dir: for `vulkan` it',
        'includes the pnnx conversion; "reopen" loads the converted artifact from the',
        'model store (PoCL\'s own kernel cache in ~/.cache/pocl was warm). "first call" is',
        "the reopened session's first run; the median is of the stated number of calls,",
        "interleaved one call at a time over the backends.",
        "",
        "| model | batch | backend | first open | reopen | first call | median / call "
        "| calls | max diff vs cpu | vs cpu |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        model = r["model"]
        lines.append(
            f"| {model.name} | {model.use} | {r['backend']} | "
            f"{fmt(r['first_ms'], 0, ' ms')} | {fmt(r['reopen_ms'], 0, ' ms')} | "
            f"{fmt(r['first_call_ms'], 1, ' ms')} | **{fmt(r['median_ms'], 1, ' ms')}** | "
            f"{r['calls']} | {r['error']:.1e} | {fmt(r['ratio'], 1, 'x')} |"
        )
    reading = shipped_reading(rows)
    return lines + (["", *textwrap.wrap(reading, width=86)] if reading else [])


def shipped_reading(rows: list[dict[str, Any]]) -> str | None:
    """The paragraph on the shipped models' figures; None when a backend was missing
    (the table then says what there is)."""
    found = {(r["model"].name, r["backend"].split(" ")[0]): r for r in rows}
    groove = {b: found.get(("groove-vae-2bar", b)) for b in ("cpu", "openvino", "opencl", "vulkan")}
    drums = {b: found.get(("drums-vae-2bar-decoder", b)) for b in ("opencl", "vulkan")}
    if not all(groove.values()) or not all(drums.values()):
        return None

    def ms(r: dict[str, Any] | None, key: str = "median_ms") -> str:
        return fmt(r[key] if r else None, 0, " ms")

    def times(r: dict[str, Any] | None) -> str:
        return fmt(r["ratio"] if r else None, 0, "x")

    return (
        f"Reading: humanizing a whole 4-minute track is one call of the groove model, "
        f"{ms(groove['cpu'])} with ONNX Runtime and {ms(groove['openvino'])} with OpenVINO. "
        f"The CPU-emulated devices give the same results but are slow at this size: PoCL "
        f"takes {ms(groove['opencl'])} ({times(groove['opencl'])} ONNX Runtime's time) and "
        f"lavapipe {ms(groove['vulkan'])} ({times(groove['vulkan'])}); for the drum "
        f"decoder's 8 alternatives {times(drums['opencl'])} and {times(drums['vulkan'])}. "
        f"The vulkan conversion is paid once ({ms(groove['vulkan'], 'first_ms')} for the "
        f"groove model, then {ms(groove['vulkan'], 'reopen_ms')} per open). On a real GPU "
        f"the picture differs: a batch-60 call of 32 recurrent steps is the large-batch "
        f"work where a GPU's many lanes can pay off, unlike the batch-1 steps above; rerun "
        f"this script there before choosing a backend."
    )


def write_readme(section: str) -> None:
    """Replace (or append) the backends section of benchmarks/README.md."""
    write_readme_section(SECTION, section)
