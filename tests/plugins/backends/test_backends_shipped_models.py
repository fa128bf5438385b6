"""Every model a feature ships gives the same results on all four backends.

One kernel sees the real ``cpu`` (ONNX Runtime), ``openvino``, ``opencl`` (this
project's executor on PoCL) and ``vulkan`` (ncnn on lavapipe, converted by pnnx on first
use) distributions. Each shipped model is opened the way a feature opens it -
``open_session(kernel, model, choice=select_hardware(kernel, backend))`` - pinned to each
backend in turn, must run *there* (no fallback), and must give the CPU's outputs for the
same feeds: floats within ``shipped_feeds.tolerance`` of the output's scale (float32 rounding
over 32 recurrent steps grows with the size of the numbers: the drum decoder's logits
reach ~150), integers (sampled tokens, drum classes) and drawn hits identical. The
models are found on disk from the features' manifests, so a newly shipped model is
covered without editing this file.

The feeds are what the features feed: 0/1 hit grids, valid tokens and style ids,
Gumbel noise for the pattern decoders, uniform thresholds for the groove decoder.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from opencl_env import ROOT, SHIPPED_MODELS, opencl_dirs, require_opencl_device
from shipped_feeds import BACKENDS, feature_feeds, tolerance
from vulkan_env import require_vulkan_device, vulkan_dirs

from lmms_magenta.config import Config
from lmms_magenta.hardware import select_hardware
from lmms_magenta.hardware_sessions import open_session
from lmms_magenta.kernel import Kernel

NO_MEASURE = {name: {"measure": False} for name in BACKENDS}


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One data dir for the module: each model is converted for ncnn once."""
    return tmp_path_factory.mktemp("shipped-data")


@pytest.fixture
def kernel(
    request: pytest.FixtureRequest, installed: dict[str, Path], tmp_path: Path, data_dir: Path
) -> Kernel:
    dirs = {**opencl_dirs(request, installed), **vulkan_dirs(request, installed)}
    require_opencl_device()
    require_vulkan_device()
    config = Config(
        config_dir=tmp_path / "config",
        data_dir=data_dir,
        cache_dir=tmp_path / "cache",
        settings=NO_MEASURE,
    )
    return Kernel(config, path=[dirs[name] for name in BACKENDS])


def run_on(kernel: Kernel, backend: str, model: Path, feeds: list[dict[str, Any]]) -> list[Any]:
    choice = select_hardware(kernel, backend)
    assert choice.device is not None and choice.device.backend == backend
    with open_session(kernel, model, choice=choice, precision="fp32") as session:
        assert session.device.backend == backend, session.fallback_reason
        assert session.fallback_reason is None
        return [session.run(feed) for feed in feeds]


def test_the_features_ship_models() -> None:
    names = {p.parent.name for p in SHIPPED_MODELS}
    assert {"groove-vae-2bar", "drums-vae-2bar-decoder", "melody-vae-2bar-encoder"} <= names


@pytest.mark.parametrize("model", SHIPPED_MODELS, ids=[p.parent.name for p in SHIPPED_MODELS])
def test_every_backend_gives_the_cpu_results(kernel: Kernel, model: Path) -> None:
    choice = select_hardware(kernel, "cpu")
    with open_session(kernel, model, choice=choice) as cpu:
        inputs = {info.name: info for info in cpu.inputs}
        feeds = [feature_feeds(inputs, batch, seed=batch) for batch in (1, 3)]
        expected = [cpu.run(feed) for feed in feeds]
    for backend in BACKENDS[1:]:
        for got, want in zip(run_on(kernel, backend, model, feeds), expected, strict=True):
            assert set(got) == set(want), backend
            for name, value in want.items():
                what = f"{model.relative_to(ROOT)} {name} on {backend}"
                assert got[name].shape == value.shape and got[name].dtype == value.dtype, what
                if value.dtype.kind == "f" and name != "hits":
                    np.testing.assert_allclose(
                        got[name], value, rtol=0, atol=tolerance(value), err_msg=what
                    )
                else:
                    np.testing.assert_array_equal(got[name], value, err_msg=what)
