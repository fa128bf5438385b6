"""The conversion itself, run in a child process: ONNX -> ncnn with pnnx, then checked.

``python -m lmms_magenta_backend_vulkan.worker SOURCE OUT PRECISION RESULT`` converts
the ONNX file ``SOURCE`` into ``OUT/model.ncnn.param`` + ``OUT/model.ncnn.bin`` and
writes ``RESULT`` (JSON): ``{"ok": true, "record": {...}}`` or ``{"ok": false,
"reason": "..."}``. The parent (:mod:`lmms_magenta_backend_vulkan.conversion`) runs it
with a timeout in its own process group, so a pnnx that hangs or crashes - it
segfaults on some operators it does not know - or an ncnn that crashes on the result
never takes the user's program with it.

Steps: read the graph's tensors (:mod:`.graph`); take the final float-to-integer
``Cast`` off integer outputs in a working copy (:mod:`.rewrite`); run pnnx on it for
batch size 1 with ``fp16=0`` for fp32 (pnnx writes fp16 weights by default) or
``fp16=1``; refuse layers ncnn cannot create; map the tensors; load the result in ncnn
(its CPU path and every Vulkan device) and compare it with ONNX Runtime (:mod:`.drift`).
"""

from __future__ import annotations

import json
import re
import shutil
import signal
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from . import drift, graph, rewrite
from .derived import FILES, PARAM, WEIGHTS
from .devices import gpu_count
from .tools import load_ncnn, pnnx_executable, tool_versions

__all__ = ["FILES", "convert", "main", "missing_layers"]

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_TELLING = re.compile(r"unexpected op_type|not supported|unsupported|error|failed", re.I)


def _exit_text(code: int) -> str:
    if code < 0:
        try:
            return f"crashed with {signal.Signals(-code).name}"
        except ValueError:
            return f"was killed by signal {-code}"
    return f"exited with status {code}"


def _telling_lines(output: str, limit: int = 2) -> list[str]:
    """Up to ``limit`` distinct lines of pnnx's output that say what went wrong."""
    found: list[str] = []
    for raw in output.splitlines():
        line = " ".join(_ANSI.sub("", raw).split())
        if _TELLING.search(line) and line not in found:
            found.append(line[:120])
    return found[:limit]


def _run_pnnx(source: Path, work: Path, inputs: list[graph.OnnxTensor], fp16: bool) -> list[str]:
    """Run pnnx in ``work``; returns the command (raises Unconvertible when it fails)."""
    names = {
        "pnnxparam": "model.pnnx.param",
        "pnnxbin": "model.pnnx.bin",
        "pnnxpy": "model_pnnx.py",
        "pnnxonnx": "model.pnnx.onnx",
        "ncnnparam": PARAM,
        "ncnnbin": WEIGHTS,
        "ncnnpy": "model_ncnn.py",
    }
    args = [f"inputshape={graph.inputshape_arg(inputs)}", f"fp16={int(fp16)}", "device=cpu"]
    args += [f"{key}={value}" for key, value in names.items()]
    cmd = [str(pnnx_executable()), str(source), *args]
    proc = subprocess.run(cmd, cwd=work, capture_output=True, text=True, errors="replace")
    if proc.returncode != 0 or not (work / PARAM).is_file():
        detail = _telling_lines(proc.stdout + "\n" + proc.stderr)
        why = f"pnnx {_exit_text(proc.returncode)}" if proc.returncode else "pnnx wrote no model"
        raise graph.Unconvertible(why + (f" ({'; '.join(detail)})" if detail else ""))
    return ["pnnx", source.name, *args[:3]]


def missing_layers(ncnn: Any, types: list[str]) -> list[str]:
    """The layer types this ncnn build cannot create, sorted.

    ``create_layer``, not ``layer_to_index``: a build may list a layer it was compiled
    without (the PyPI ncnn knows the index of ``ArgMax`` but cannot create one), and
    such a graph would only fail later, when ncnn loads it.
    """
    return sorted({t for t in types if ncnn.create_layer(t) is None})


def convert(source: Path, out: Path, precision: str) -> dict[str, Any]:
    """Convert ``source`` into ``out``; the artifact record without file hashes."""
    ncnn = load_ncnn()
    if precision not in drift.LIMITS:
        raise graph.Unconvertible(f"no ncnn conversion for precision {precision!r}")
    onnx_in, onnx_out = graph.read_onnx_io(source)
    work = out / ".pnnx"
    work.mkdir(parents=True, exist_ok=True)
    try:
        # pnnx writes intermediates (model.pnnxsim.onnx ...) beside its input: give it a
        # copy in the work folder so the source folder (often a plugin package) stays as it is
        local = work / source.name
        shutil.copyfile(source, local)
        casts = set(rewrite.strip_output_casts(local))
        command = _run_pnnx(local, work, onnx_in, fp16=precision == "fp16")
        shapes_in, shapes_out = graph.parse_pnnx_shapes((work / "model.pnnx.param").read_text())
        script = work / "model_ncnn.py"
        indices = graph.parse_batch_indices(script.read_text() if script.is_file() else "")
        for name in FILES:
            shutil.move(str(work / name), str(out / name))
    finally:
        shutil.rmtree(work, ignore_errors=True)  # pnnx's intermediates: 3x the model's size
    param = (out / PARAM).read_bytes()
    unknown = missing_layers(ncnn, graph.layer_types(param.decode()))
    if unknown:
        raise graph.Unconvertible(
            f"pnnx left operators that ncnn does not have: {', '.join(unknown)}"
        )
    inputs = graph.blob_specs(onnx_in, shapes_in, indices, "input")
    outputs = [
        replace(spec, cast_from_float=spec.name in casts)
        for spec in graph.blob_specs(onnx_out, shapes_out, indices, "output")
    ]
    graph.check_blobs(param.decode(), inputs, outputs)
    devices = range(gpu_count()[0])  # checked where it will run: every Vulkan device
    measured = drift.measure(
        source, param, (out / WEIGHTS).read_bytes(), inputs, outputs, precision, devices
    )
    return {
        "kind": "ncnn",
        "source": {"name": source.name, "size": source.stat().st_size},
        "tools": tool_versions(),
        "command": command,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "inputs": [s.to_json() for s in inputs],
        "outputs": [s.to_json() for s in outputs],
        "drift": measured,
        "files": list(FILES),
    }


def main(argv: list[str]) -> int:
    """Entry point of the child process (see the module docstring)."""
    source, out, precision, result = Path(argv[0]), Path(argv[1]), argv[2], Path(argv[3])
    try:
        doc: dict[str, Any] = {"ok": True, "record": convert(source, out, precision)}
    except graph.Unconvertible as err:
        doc = {"ok": False, "reason": str(err)}
    except FileNotFoundError as err:  # pnnx itself missing: an install problem, not the model
        doc = {"ok": False, "reason": str(err), "retry": True}
    result.write_text(json.dumps(doc), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
