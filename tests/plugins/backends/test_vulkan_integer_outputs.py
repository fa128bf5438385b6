"""Integer outputs made by a float-to-integer ``Cast`` run on vulkan, equal to the cpu's.

pnnx turns a final ``Cast(to=INT64)`` into a ``Tensor.to`` layer ncnn cannot create;
the backend takes that Cast off the output path of its working copy of the model and
the session casts ncnn's float result as ONNX does (truncation toward zero). These
tests convert real models with the real pnnx and run them with ncnn on the Vulkan
device (lavapipe in CI), against ONNX Runtime through the cpu backend:

- a model with an int64 and an int32 cast output, plus the float tensor they are cast
  from, converts; the integer outputs equal ONNX Runtime's exactly (values below zero
  included, where truncation and flooring differ), the floats within 1e-5;
- the artifact's record marks the cast outputs, and the source file is not touched;
- a Cast whose result other nodes read stays in the graph (the rewrite is checked with
  ONNX Runtime alone), so that model is refused on vulkan, naming ``Tensor.to``.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from onnx import TensorProto
from onnx import helper as oh
from realbackends import MakeKernel, backend_of
from vulkan_env import NO_MEASURE, save_model, vulkan_dirs

from lmms_magenta.hardware import select_hardware
from lmms_magenta.hardware_sessions import open_session

FLOAT, INT64, INT32 = TensorProto.FLOAT, TensorProto.INT64, TensorProto.INT32


@pytest.fixture
def dirs(request: pytest.FixtureRequest, installed: dict[str, Path]) -> dict[str, Path]:
    return vulkan_dirs(request, installed)


def steps_model(path: Path) -> Path:
    """``y = x @ w`` (values about -9..9), ``steps = int64(y)``, ``half = int32(y / 2)``."""
    w = (np.random.default_rng(8).standard_normal((8, 6)) * 3).astype(np.float32)
    nodes = [
        oh.make_node("MatMul", ["x", "w"], ["y"]),
        oh.make_node("Cast", ["y"], ["steps"], to=INT64),
        oh.make_node("Mul", ["y", "half_k"], ["y_half"]),
        oh.make_node("Cast", ["y_half"], ["half"], to=INT32),
    ]
    return save_model(
        path,
        nodes,
        [("x", FLOAT, ["batch", 8])],
        [("steps", INT64, ["batch", 6]), ("y", FLOAT, ["batch", 6]), ("half", INT32, ["batch", 6])],
        {"w": w, "half_k": np.array(0.5, np.float32)},
    )


def shared_cast_model(path: Path) -> Path:
    """``tokens = int64(x @ w)`` is an output and is also read: ``again = float(tokens) + 1``."""
    w = (np.random.default_rng(9).standard_normal((8, 4)) * 3).astype(np.float32)
    nodes = [
        oh.make_node("MatMul", ["x", "w"], ["y"]),
        oh.make_node("Cast", ["y"], ["tokens"], to=INT64),
        oh.make_node("Cast", ["tokens"], ["tokens_f"], to=FLOAT),
        oh.make_node("Add", ["tokens_f", "one"], ["again"]),
    ]
    return save_model(
        path,
        nodes,
        [("x", FLOAT, ["batch", 8])],
        [("tokens", INT64, ["batch", 4]), ("again", FLOAT, ["batch", 4])],
        {"w": w, "one": np.array(1.0, np.float32)},
    )


def feeds(batch: int, seed: int = 2) -> dict[str, np.ndarray]:
    return {"x": np.random.default_rng(seed).standard_normal((batch, 8)).astype(np.float32)}


def run_on(make_vulkan: MakeKernel, backend: str, model: Path, batch: int) -> tuple[dict, str]:
    kernel = make_vulkan("cpu", "vulkan", settings=NO_MEASURE)
    with open_session(kernel, model, choice=select_hardware(kernel, backend)) as session:
        return session.run(feeds(batch)), session.device.key


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("batch", [1, 3])
def test_cast_outputs_equal_onnxruntime_exactly(
    make_vulkan: MakeKernel, tmp_path: Path, batch: int
) -> None:
    model = steps_model(tmp_path / "steps.onnx")
    on_vulkan, where = run_on(make_vulkan, "vulkan", model, batch)
    on_cpu, _ = run_on(make_vulkan, "cpu", model, batch)
    assert where == "vulkan:0"
    assert {k: v.dtype.name for k, v in on_vulkan.items()} == {
        "steps": "int64",
        "y": "float32",
        "half": "int32",
    }
    for name in ("steps", "half"):
        np.testing.assert_array_equal(on_vulkan[name], on_cpu[name], err_msg=name)
    np.testing.assert_allclose(on_vulkan["y"], on_cpu["y"], atol=1e-5)
    # the feeds reach values where truncation toward zero and flooring disagree
    assert (on_cpu["steps"] != np.floor(on_cpu["y"])).any()


def test_the_record_marks_the_cast_outputs_and_the_source_stays(
    make_vulkan: MakeKernel, tmp_path: Path, vulkan_data: Path
) -> None:
    model = steps_model(tmp_path / "shipped" / "model.onnx")
    before = sha256(model)
    _, where = run_on(make_vulkan, "vulkan", model, 1)
    assert where == "vulkan:0"
    assert sha256(model) == before
    assert sorted(p.name for p in model.parent.iterdir()) == ["model.onnx"]
    folder = vulkan_data / "derived" / "ncnn" / before / "fp32"
    record = json.loads((folder / "derived.json").read_text())
    assert record["format"] == 2
    casts = {t["name"]: (t["dtype"], t["cast_from_float"]) for t in record["outputs"]}
    assert casts == {"steps": ("int64", True), "y": ("float32", False), "half": ("int32", True)}
    assert record["drift"]["integer_outputs_exact"] == ["steps", "half"]
    assert set(record["drift"]["max_abs_diff_on"]) == {"cpu", "vulkan:0"}


def strip_output_casts(dirs: dict[str, Path], model: Path) -> list[str]:
    """The backend's rewrite, run on ``model`` by the installed package."""
    code = (
        "import json, sys; from pathlib import Path;"
        "from lmms_magenta_backend_vulkan.rewrite import strip_output_casts;"
        "print(json.dumps(strip_output_casts(Path(sys.argv[1]))))"
    )
    env = dict(os.environ, PYTHONPATH=str(dirs["vulkan"]))
    done = subprocess.run(
        [sys.executable, "-c", code, str(model)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    names: list[str] = json.loads(done.stdout)
    return names


def test_a_cast_other_nodes_read_is_kept(dirs: dict[str, Path], tmp_path: Path) -> None:
    import onnx
    import onnxruntime as ort

    original = shared_cast_model(tmp_path / "shared.onnx")
    copy = tmp_path / "copy.onnx"
    shutil.copy(original, copy)
    assert strip_output_casts(dirs, copy) == ["tokens"]
    graph = onnx.load(str(copy)).graph
    assert [n.output[0] for n in graph.node if n.op_type == "Cast"] == ["tokens", "tokens_f"]
    assert graph.output[0].type.tensor_type.elem_type == FLOAT
    x = feeds(4)
    want = ort.InferenceSession(str(original), providers=["CPUExecutionProvider"]).run(None, x)
    got = ort.InferenceSession(str(copy), providers=["CPUExecutionProvider"]).run(None, x)
    np.testing.assert_array_equal(np.trunc(got[0]).astype(np.int64), want[0])
    np.testing.assert_array_equal(got[1], want[1])


def test_a_model_without_cast_outputs_is_left_as_it_is(
    dirs: dict[str, Path], models: dict[str, Path], tmp_path: Path
) -> None:
    copy = tmp_path / "gru_step.onnx"  # an int64 input, float outputs
    shutil.copy(models["gru_step"], copy)
    assert strip_output_casts(dirs, copy) == []
    assert copy.read_bytes() == models["gru_step"].read_bytes()


def test_a_kept_cast_is_refused_on_vulkan_and_runs_on_cpu(
    make_vulkan: MakeKernel, tmp_path: Path
) -> None:
    model = shared_cast_model(tmp_path / "shared.onnx")
    kernel = make_vulkan("cpu", "vulkan", backend="vulkan", settings=NO_MEASURE)
    device = select_hardware(kernel).device
    assert device is not None and device.key == "vulkan:0"
    backend = backend_of(kernel, "vulkan")
    assert backend.precisions(model, device) == []
    assert (backend.problem(model) or "").endswith(
        "pnnx left operators that ncnn does not have: Tensor.to"
    )
    with open_session(kernel, model) as session:
        assert session.device.key == "cpu:cpu"
        out = session.run(feeds(2))
    assert out["tokens"].dtype == np.int64
    np.testing.assert_array_equal(out["again"], out["tokens"].astype(np.float32) + 1)
