"""The groove plugin as the kernel sees it: features, schemas, requirements, cheap import."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import requires

from lmms_magenta.params import Choice, File, Number, Seed
from lmms_magenta.testing import CliRunnerFn, KernelFactory


def test_the_kernel_lists_both_features(make_lmms_kernel: KernelFactory) -> None:
    kernel = make_lmms_kernel(["groove", "models", "cpu"])
    features = kernel.features()
    assert {"groove.humanize", "groove.drumify"} <= set(features)
    humanize = features["groove.humanize"].params
    assert isinstance(humanize["input"], File) and humanize["input"].positional
    assert isinstance(humanize["output"], File) and not humanize["output"].required
    assert isinstance(humanize["style"], Choice) and "funk" in humanize["style"].choices
    assert isinstance(humanize["seed"], Seed)
    for name, low, high in (("intensity", 0, 1), ("balance", -1, 1), ("temperature", 0, 2)):
        param = humanize[name]
        assert isinstance(param, Number) and (param.min, param.max) == (low, high)
    assert "intensity" not in features["groove.drumify"].params


def test_the_cli_has_the_commands(lmms_cli: CliRunnerFn) -> None:
    result = lmms_cli("groove", "--help", enable=["groove", "models", "cpu"])
    assert result.ok, result
    assert "humanize" in result.stdout and "drumify" in result.stdout


def test_it_needs_the_model_repository(make_lmms_kernel: KernelFactory) -> None:
    assert any(r.startswith("lmms-magenta-models") for r in requires("lmms-magenta-groove") or [])
    kernel = make_lmms_kernel(["groove"], strict=False)  # models disabled
    info = kernel.plugins["groove"]
    assert info.state == "disabled"
    assert "models" in info.reason


def test_importing_the_plugin_module_stays_cheap() -> None:
    code = (
        "import sys, lmms_magenta_groove.plugin as p; p.lmms_magenta_features(); "
        "print(sorted(m for m in ('numpy', 'onnxruntime', 'mido') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
