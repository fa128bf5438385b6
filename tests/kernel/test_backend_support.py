"""The conventions shared by all backend plugins (lmms_magenta.backend_support)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from lmms_magenta import backend_support as bs

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("latency_us", "bonus"),
    [(2000.0, 0), (1000.0, 0), (500.0, 1), (30.0, 5), (1.0, 9), (0.0, 9), (-1.0, 9)],
)
def test_speed_bonus_is_one_point_per_halving_below_a_millisecond(
    latency_us: float, bonus: int
) -> None:
    assert bs.speed_bonus(latency_us) == bonus


def test_median_latency_counts_every_call() -> None:
    calls: list[int] = []
    latency = bs.median_latency_us(lambda: calls.append(1), calls=7, warmup=3)
    assert len(calls) == 10
    assert 0 < latency < 1e5


def test_probe_model_is_shipped_with_the_kernel() -> None:
    assert bs.PROBE_MODEL.is_file()
    assert 100 < bs.PROBE_MODEL.stat().st_size < 4096  # a few hundred bytes
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    patterns = pyproject["tool"]["setuptools"]["package-data"]["lmms_magenta"]
    package = ROOT / "kernel" / "lmms_magenta"
    shipped = {p for pattern in patterns for p in package.glob(pattern)}
    assert bs.PROBE_MODEL.resolve() in {p.resolve() for p in shipped}


@pytest.mark.parametrize(
    ("name", "precision", "base"),
    [
        ("m.onnx", "fp32", "m.onnx"),
        ("m.int8.onnx", "int8", "m.onnx"),
        ("groove.v2.fp16.onnx", "fp16", "groove.v2.onnx"),
        ("m.int8", "fp32", "m.int8"),  # no suffix after the precision: not a variant
    ],
)
def test_variant_file_names(name: str, precision: str, base: str) -> None:
    assert bs.file_precision(Path("models") / name) == precision
    assert bs.base_path(Path("models") / name) == Path("models") / base


def test_variants_found_beside_the_model(tmp_path: Path) -> None:
    fp32, int8 = tmp_path / "m.onnx", tmp_path / "m.int8.onnx"
    fp32.write_bytes(b"a")
    int8.write_bytes(b"b")
    expected = {"fp32": fp32, "int8": int8}
    assert bs.model_variants(fp32) == expected
    assert bs.model_variants(int8) == expected  # from any variant's path
    assert bs.variant_path(int8, "fp32") == fp32
    assert bs.own_precision(int8) == "int8"
    with pytest.raises(ValueError, match=r"no fp16 variant of the model: .*m\.fp16\.onnx"):
        bs.variant_path(fp32, "fp16")


def test_variants_declared_by_a_manifest(tmp_path: Path) -> None:
    fp32, quant = tmp_path / "model.onnx", tmp_path / "q" / "model-q8.onnx"
    quant.parent.mkdir()
    fp32.write_bytes(b"a")
    quant.write_bytes(b"b")
    manifest = {
        "path": str(fp32),
        "variants": {"int8": {"file": "q/model-q8.onnx"}, "fp16": str(tmp_path / "gone.onnx")},
        "precision": "int8",
    }
    assert bs.model_variants(manifest) == {"fp32": fp32, "int8": quant}
    assert bs.own_precision(manifest) == "int8"
    assert bs.own_precision({"path": "x.fp16.onnx"}) == "fp16"
    assert bs.model_variants({"variants": {}}) == {}


@pytest.mark.parametrize("bad", [0, -2, 1.5, True, "2", None])
def test_positive_int_names_the_setting(bad: object) -> None:
    with pytest.raises(ValueError, match=r"\[plugins.cpu\] threads must be a whole number >= 1"):
        bs.positive_int(bad, "[plugins.cpu] threads")
    assert bs.positive_int(3, "threads") == 3
