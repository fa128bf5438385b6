"""Shared set-up of the opencl backend tests (a plain module: conftest.py is not importable).

The opencl distribution is installed for real next to the cpu and openvino folders of
conftest.py's ``installed`` fixture (realbackends.py: installs, kernel factory,
``backend_of``), so a test kernel sees exactly the backends it names. The tests run for
real on PoCL's CPU device (the ``pocl-binary-distribution`` wheel the backend depends
on); on a machine with no OpenCL device at all they skip and say so.

The op tests build small ONNX models with ``onnx.helper`` (:func:`onnx_model`) and
compare a session made on the backend directly (no fallback, so a wrong kernel cannot
hide behind the CPU) with ONNX Runtime (:func:`assert_equals_onnxruntime`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from realbackends import ROOT, MakeKernel, backend_of, kernel_factory, with_backend

from lmms_magenta.hardware import Device, select_hardware


def _shipped_models() -> list[Path]:
    """Every ONNX file a feature ships: those its models' ``model.json`` manifests list."""
    found = set()
    for manifest in ROOT.glob("plugins_builtin/*/lmms_magenta_*/models/*/model.json"):
        files = json.loads(manifest.read_text(encoding="utf-8")).get("files", [])
        for entry in files:
            path = manifest.parent / str(entry.get("path", ""))
            if path.suffix == ".onnx" and path.is_file():
                found.add(path)
    return sorted(found)


#: every ONNX model a feature ships (the groove VAE, the pattern encoders/decoders ...)
SHIPPED_MODELS = _shipped_models()

NO_DEVICE = (
    "no OpenCL device: install an OpenCL driver to run the opencl backend tests "
    "(pip install pocl-binary-distribution gives PoCL's CPU device; the backend depends on it)"
)


def opencl_dirs(request: pytest.FixtureRequest, installed: dict[str, Path]) -> dict[str, Path]:
    """Backend name -> folder, for cpu, openvino and opencl."""
    return with_backend(request, installed, "opencl", "pyopencl")


def require_opencl_device() -> None:
    """Skip the calling test when pyopencl finds no OpenCL device."""
    import pyopencl as cl

    try:
        count = sum(len(p.get_devices()) for p in cl.get_platforms())
    except cl.Error:
        count = 0
    if count == 0:
        pytest.skip(NO_DEVICE)


def opencl_kernels(
    request: pytest.FixtureRequest, installed: dict[str, Path], tmp_path: Path
) -> MakeKernel:
    """``make("cpu", "opencl", ...)`` (realbackends.kernel_factory) for a test that
    needs an OpenCL device: skips without one."""
    dirs = opencl_dirs(request, installed)
    require_opencl_device()
    return kernel_factory(tmp_path, dirs)


def backend_and_device(
    request: pytest.FixtureRequest, installed: dict[str, Path], tmp_path: Path
) -> tuple[Any, Device]:
    """The opencl backend object and its first device, from an isolated kernel."""
    kernel = opencl_kernels(request, installed, tmp_path)(
        "cpu", "opencl", settings={"cpu": {"measure": False}, "opencl": {"measure": False}}
    )
    device = next(d for d in select_hardware(kernel).devices if d.backend == "opencl")
    return backend_of(kernel, "opencl"), device


def onnx_model(
    nodes: Sequence[Any],
    inputs: Sequence[tuple[str, int, Sequence[Any]]],
    outputs: Sequence[tuple[str, int]],
    inits: Sequence[Any] = (),
    opset: int = 17,
) -> Any:
    """An ONNX model (default domain at ``opset``) of ``nodes``; inputs (name, type, shape)."""
    from onnx import helper

    graph = helper.make_graph(
        list(nodes),
        "case",
        [helper.make_tensor_value_info(n, t, list(s)) for n, t, s in inputs],
        [helper.make_tensor_value_info(n, t, None) for n, t in outputs],
        list(inits),
    )
    built = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    built.ir_version = 8
    return built


def const(name: str, values: Any, dtype: Any = np.int64) -> Any:
    """An initializer ``name`` holding ``values``."""
    from onnx import numpy_helper

    return numpy_helper.from_array(np.asarray(values, dtype=dtype), name)


def random_feeds(built: Any, seed: int = 5) -> dict[str, Any]:
    """Feeds for every graph input: floats ~N(0, 1), int64 in -9..9 (input ``b`` never 0)."""
    from onnx import TensorProto

    rng = np.random.default_rng(seed)
    feeds = {}
    for info in built.graph.input:
        shape = [d.dim_value for d in info.type.tensor_type.shape.dim]
        if info.type.tensor_type.elem_type == TensorProto.INT64:
            feeds[info.name] = rng.integers(-9, 10, shape).astype(np.int64)
            if info.name == "b":
                feeds[info.name][feeds[info.name] == 0] = 3  # no division by zero
        else:
            feeds[info.name] = rng.standard_normal(shape).astype(np.float32)
    return feeds


def assert_equals_onnxruntime(
    opencl: tuple[Any, Device],
    built: Any,
    path: Path,
    feeds: dict[str, Any] | None = None,
    atol: float = 1e-5,
) -> dict[str, Any]:
    """Run ``built`` (saved at ``path``) on the backend and on ONNX Runtime, compare.

    Shapes and dtypes must match, integer and bool outputs exactly, floats within
    ``atol``. Returns the backend's outputs.
    """
    import onnx
    import onnxruntime as ort

    backend, device = opencl
    onnx.save(built, str(path))
    assert backend.unsupported(path) is None
    feeds = random_feeds(built) if feeds is None else feeds
    reference = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    names = [o.name for o in reference.get_outputs()]
    want = dict(zip(names, reference.run(None, feeds), strict=True))
    with backend.create_session(path, device) as session:
        got: dict[str, Any] = session.run(feeds)
    assert set(got) == set(want)
    for name, expected in want.items():
        assert got[name].shape == expected.shape and got[name].dtype == expected.dtype, name
        if expected.dtype.kind == "f":
            np.testing.assert_allclose(got[name], expected, rtol=0, atol=atol, err_msg=name)
        else:
            np.testing.assert_array_equal(got[name], expected, err_msg=name)
    return got
