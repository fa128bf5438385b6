"""The shipped ONNX model: manifest, hashes, contract shapes, and sane outputs."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from lmms_magenta_groove.plugin import MODEL_DIR, lmms_magenta_models
from lmms_magenta_groove.styles import STYLES

ort = pytest.importorskip("onnxruntime", reason="onnxruntime runs the shipped model")

_NP = {"float32": np.float32, "int64": np.int64}
_ORT = {"tensor(float)": "float32", "tensor(int64)": "int64"}


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((MODEL_DIR / "model.json").read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def session(manifest: dict[str, Any]) -> Any:
    return ort.InferenceSession(
        str(MODEL_DIR / manifest["variants"]["fp32"]["file"]), providers=["CPUExecutionProvider"]
    )


def test_the_plugin_hook_returns_the_manifest() -> None:
    (path,) = lmms_magenta_models()
    assert Path(path) == MODEL_DIR / "model.json" and Path(path).is_file()


def test_manifest_names_the_task_license_and_credit(manifest: dict[str, Any]) -> None:
    assert manifest["manifest_version"] == 1
    assert manifest["name"] == manifest["task"] == "groove-vae-2bar"
    assert manifest["license"] == "CC-BY-4.0"
    (data,) = manifest["training_data"]
    assert data["name"] == "Groove MIDI Dataset" and data["license"] == "CC-BY-4.0"
    assert "Gillick" in data["notes"] and "ICML 2019" in data["notes"]
    assert "lmms_magenta_groove.training.train" in manifest["retrain"]
    assert manifest["extra"]["styles"] == list(STYLES)
    card = (MODEL_DIR / manifest["card"]).read_text(encoding="utf-8")
    assert "CC BY 4.0" in card and "Groove MIDI Dataset" in card


def test_every_file_matches_its_sha256_and_size(manifest: dict[str, Any]) -> None:
    for entry in manifest["files"]:
        data = (MODEL_DIR / entry["path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], entry["path"]
        assert len(data) == entry["size"], entry["path"]
    names = {e["path"] for e in manifest["files"]}
    assert manifest["variants"]["fp32"]["file"] in names and manifest["card"] in names


def test_graph_matches_the_contract(manifest: dict[str, Any], session: Any) -> None:
    contract = manifest["contract"]
    z_dim = manifest["extra"]["config"]["z_dim"]
    for kind, nodes in (("inputs", session.get_inputs()), ("outputs", session.get_outputs())):
        graph = {n.name: n for n in nodes}
        assert set(graph) == set(contract[kind]), kind
        for name, spec in contract[kind].items():
            node = graph[name]
            assert _ORT[node.type] == spec["dtype"], name
            assert len(node.shape) == len(spec["shape"]), name
            for got, want in zip(node.shape, spec["shape"], strict=True):
                if isinstance(want, int):
                    assert got == want, name
                elif want == "z_dim":
                    assert got in (z_dim, "z_dim") or isinstance(got, str), name


def _feeds(manifest: dict[str, Any], hits: np.ndarray, keep: float) -> dict[str, np.ndarray]:
    n = hits.shape[0]
    z_dim = manifest["extra"]["config"]["z_dim"]
    return {
        "hits": hits,
        "tap": np.zeros((n, 32, 3), np.float32),
        "keep_hits": np.full((n, 1), keep, np.float32),
        "style": np.arange(n, dtype=np.int64) % len(STYLES),
        "z_noise": np.zeros((n, z_dim), np.float32),
        "hit_noise": np.full((n, 32, 9), 0.5, np.float32),
    }


def test_humanize_keeps_the_hits_and_stays_in_range(manifest: dict[str, Any], session: Any) -> None:
    rng = np.random.default_rng(3)
    hits = (rng.random((5, 32, 9)) > 0.8).astype(np.float32)
    out_hits, vel, off, z = session.run(None, _feeds(manifest, hits, 1.0))
    assert np.array_equal(out_hits, hits)
    assert z.shape == (5, manifest["extra"]["config"]["z_dim"])
    played = hits > 0
    assert np.all((vel[played] > 0) & (vel[played] <= 1))
    assert np.all(np.abs(off[played]) <= 0.5)
    assert not vel[~played].any() and not off[~played].any()


def test_drumify_turns_a_steady_tap_into_a_beat(manifest: dict[str, Any], session: Any) -> None:
    feeds = _feeds(manifest, np.zeros((1, 32, 9), np.float32), 0.0)
    feeds["tap"][0, ::2] = (1.0, 0.7, 0.0)  # eighth notes
    feeds["style"][:] = STYLES.index("rock")
    out_hits, vel, _, _ = session.run(None, feeds)
    assert out_hits.sum() >= 16  # a groove, not silence
    assert np.all(vel[out_hits > 0] > 0)
