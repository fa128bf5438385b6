"""The ncnn conversion is a derived artifact of the model store: recorded, cached, verified.

First use converts (pnnx, in a child process) into
``<data dir>/derived/ncnn/<source sha256>/<precision>/``; later uses - also by a new
kernel - load it without converting; a tampered file is refused and converted again;
a model pnnx cannot convert is recorded as such and not retried until the tools change.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
from importlib.metadata import version
from pathlib import Path

import build_models as bm
import numpy as np
import pytest
from realbackends import MakeKernel, backend_of
from test_backends_equivalence import assert_close, reference_mlp
from vulkan_env import NO_MEASURE

from lmms_magenta.hardware import select_hardware
from lmms_magenta.hardware_sessions import open_session


@pytest.fixture
def vulkan_data(tmp_path: Path) -> Path:
    """A fresh data folder per test: these tests check what the conversions leave there."""
    return tmp_path / "data"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run_mlp(make_vulkan: MakeKernel, model: Path, **settings: object) -> tuple[object, dict]:
    """Open ``model`` pinned to vulkan with a new kernel; returns (backend, outputs)."""
    kernel = make_vulkan("cpu", "vulkan", settings={"vulkan": {"measure": False, **settings}})
    feeds = bm.sample_feeds("mlp_decoder", batch=1, seed=3)
    with open_session(kernel, model, choice=select_hardware(kernel, "vulkan")) as session:
        assert session.device.key == "vulkan:0", session.fallback_reason
        out = session.run(feeds)
    assert_close(out, reference_mlp(**feeds), 1e-4)
    return backend_of(kernel, "vulkan"), out


def test_first_use_converts_and_records_the_artifact(
    make_vulkan: MakeKernel, models: dict[str, Path], tmp_path: Path
) -> None:
    model = models["mlp_decoder"]
    backend, _ = run_mlp(make_vulkan, model)
    assert backend.converter.conversions == 1
    folder = tmp_path / "data" / "derived" / "ncnn" / sha256(model) / "fp32"
    record = json.loads((folder / "derived.json").read_text())
    assert record["source"] == {
        "name": "mlp_decoder.onnx",
        "size": model.stat().st_size,
        "sha256": sha256(model),
    }
    assert record["precision"] == "fp32" and record["kind"] == "ncnn"
    assert set(record["tools"]) == {"pnnx", "ncnn"}
    assert "fp16=0" in record["command"]
    for name, entry in record["files"].items():
        assert entry == {"sha256": sha256(folder / name), "size": (folder / name).stat().st_size}
    assert record["drift"]["measured"] and record["drift"]["max_abs_diff"] < 1e-5
    assert [t["name"] for t in record["inputs"]] == ["z"]
    assert [t["blob"] for t in record["outputs"]] == ["out0"]


def test_conversion_leaves_the_source_folder_untouched(
    make_vulkan: MakeKernel, models: dict[str, Path], tmp_path: Path
) -> None:
    # pnnx writes intermediates beside its input; a shipped model's folder must not change
    folder = tmp_path / "shipped"
    folder.mkdir()
    model = folder / "model.onnx"
    shutil.copy(models["mlp_decoder"], model)
    run_mlp(make_vulkan, model)
    assert sorted(p.name for p in folder.iterdir()) == ["model.onnx"]


def test_second_open_uses_the_stored_conversion(
    make_vulkan: MakeKernel, models: dict[str, Path], tmp_path: Path
) -> None:
    _, first = run_mlp(make_vulkan, models["mlp_decoder"])
    backend, again = run_mlp(make_vulkan, models["mlp_decoder"])
    assert backend.converter.conversions == 0
    copy = tmp_path / "elsewhere" / "same-model.onnx"  # the store is keyed by content
    copy.parent.mkdir()
    shutil.copy(models["mlp_decoder"], copy)
    backend, moved = run_mlp(make_vulkan, copy)
    assert backend.converter.conversions == 0
    np.testing.assert_array_equal(again["out"], first["out"])
    np.testing.assert_array_equal(moved["out"], first["out"])


def test_a_tampered_bin_is_refused_and_converted_again(
    make_vulkan: MakeKernel,
    models: dict[str, Path],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    model = models["mlp_decoder"]
    _, first = run_mlp(make_vulkan, model)
    weights = tmp_path / "data" / "derived" / "ncnn" / sha256(model) / "fp32" / "model.ncnn.bin"
    data = bytearray(weights.read_bytes())
    data[1000:1004] = b"\x00\x00\x80\x7f"  # one weight becomes +inf
    weights.write_bytes(bytes(data))
    with caplog.at_level(logging.WARNING, logger="lmms_magenta.backend.vulkan"):
        backend, again = run_mlp(make_vulkan, model)
    assert backend.converter.conversions == 1
    assert any("sha256 mismatch" in r.getMessage() for r in caplog.records)
    np.testing.assert_array_equal(again["out"], first["out"])
    assert weights.read_bytes() != bytes(data)


def test_an_unreadable_record_is_replaced(
    make_vulkan: MakeKernel, models: dict[str, Path], tmp_path: Path
) -> None:
    model = models["mlp_decoder"]
    run_mlp(make_vulkan, model)
    record = tmp_path / "data" / "derived" / "ncnn" / sha256(model) / "fp32" / "derived.json"
    record.write_text("{ not json")
    backend, _ = run_mlp(make_vulkan, model)
    assert backend.converter.conversions == 1
    assert json.loads(record.read_text())["format"] == 2


def test_an_unconvertible_model_is_recorded_not_retried(
    make_vulkan: MakeKernel, models: dict[str, Path], tmp_path: Path
) -> None:
    """pnnx crashes on the ai.onnx.ml Scaler operator: a real refusal, no mock."""
    model = models["ml_scaler"]
    kernel = make_vulkan("cpu", "vulkan", settings=NO_MEASURE)
    device = select_hardware(kernel, "vulkan").device
    assert device is not None
    backend = backend_of(kernel, "vulkan")
    assert backend.precisions(model, device) == []
    reason = backend.problem(model)
    assert reason.startswith(f"{model}: cannot convert the model to ncnn (fp32): pnnx")
    assert "Scaler" in reason
    failed = tmp_path / "data" / "derived" / "ncnn" / sha256(model) / "fp32.failed.json"
    tools = {dist: version(dist) for dist in ("pnnx", "ncnn")}
    assert json.loads(failed.read_text())["tools"] == tools

    again = backend_of(make_vulkan("cpu", "vulkan", settings=NO_MEASURE), "vulkan")
    assert again.precisions(model, device) == []
    assert again.converter.conversions == 0 and again.problem(model) == reason

    doc = json.loads(failed.read_text())  # another pnnx version may do better: retried
    doc["tools"]["pnnx"] = "0.0"
    failed.write_text(json.dumps(doc))
    retried = backend_of(make_vulkan("cpu", "vulkan", settings=NO_MEASURE), "vulkan")
    assert retried.precisions(model, device) == []
    assert retried.converter.conversions == 1

    doc = json.loads(failed.read_text())  # recorded by an older converter: retried too
    assert doc["format"] == 2 and doc["tools"] == tools
    doc["format"] = 1
    failed.write_text(json.dumps(doc))
    retried = backend_of(make_vulkan("cpu", "vulkan", settings=NO_MEASURE), "vulkan")
    assert retried.precisions(model, device) == []
    assert retried.converter.conversions == 1


def test_a_conversion_that_times_out_is_not_recorded(
    make_vulkan: MakeKernel, models: dict[str, Path], tmp_path: Path
) -> None:
    model = models["gru_step"]
    kernel = make_vulkan(
        "cpu", "vulkan", settings={"vulkan": {"measure": False, "convert_timeout_s": 0.05}}
    )
    device = select_hardware(kernel, "vulkan").device
    assert device is not None
    backend = backend_of(kernel, "vulkan")
    assert backend.precisions(model, device) == []
    assert "took longer than 0.05 s" in (backend.problem(model) or "")
    store = tmp_path / "data" / "derived" / "ncnn"
    assert not list(store.rglob("*.failed.json")) and not list(store.glob(".tmp-*/*"))
