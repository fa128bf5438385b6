"""Backends' derived artifacts are part of the model life cycle: verified and removed.

The artifacts are written here by hand in the documented format (docs/models.md,
"Derived artifacts"): that format is the contract between a converting backend (the
vulkan backend's ncnn conversions) and the repository.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from lmms_magenta_models.operations import remove, verify
from models_helpers import model_dir


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_artifact(data: Path, source: Path, precision: str = "fp32") -> Path:
    """A derived ncnn artifact of ``source`` as a backend writes it."""
    folder = data / "derived" / "ncnn" / sha256(source) / precision
    folder.mkdir(parents=True)
    files = {}
    for name, content in (("model.ncnn.param", b"7767517\n0 0\n"), ("model.ncnn.bin", b"\0" * 64)):
        (folder / name).write_bytes(content)
        files[name] = {"sha256": hashlib.sha256(content).hexdigest(), "size": len(content)}
    record = {
        "format": 1,
        "kind": "ncnn",
        "precision": precision,
        "source": {"name": source.name, "sha256": sha256(source), "size": source.stat().st_size},
        "tools": {"pnnx": "1", "ncnn": "1"},
        "files": files,
    }
    (folder / "derived.json").write_text(json.dumps(record))
    return folder


def test_verify_rehashes_derived_artifacts_and_drops_a_bad_one(env) -> None:
    folder = model_dir(env.store / "mine" / "1.0.0", name="mine")
    good = write_artifact(env.data, folder / "model.onnx", "fp32")
    bad = write_artifact(env.data, folder / "model.onnx", "fp16")
    (bad / "model.ncnn.bin").write_bytes(b"\1" * 64)  # same size, other bytes
    (result,) = verify(env.repo(), "mine")
    assert len(result.problems) == 1
    problem = result.problems[0]
    assert problem.startswith(f"derived ncnn fp16 conversion {bad}: ")
    assert f"{bad / 'model.ncnn.bin'}: sha256 mismatch with derived.json" in problem
    assert problem.endswith("converts the model again when it next needs it)")
    assert not bad.exists() and good.is_dir()
    (again,) = verify(env.repo(), "mine")
    assert again.ok


def test_verify_reports_an_unreadable_record(env) -> None:
    folder = model_dir(env.store / "mine" / "1.0.0", name="mine")
    art = write_artifact(env.data, folder / "model.onnx")
    (art / "derived.json").write_text("{ broken")
    (result,) = verify(env.repo(), "mine")
    assert result.problems == [
        f"derived ncnn fp32 conversion {art}: {art / 'derived.json'}: missing or unreadable "
        "record; removed it (the backend converts the model again when it next needs it)"
    ]


def test_remove_deletes_the_derived_artifacts_no_other_model_shares(env) -> None:
    one = model_dir(env.store / "one" / "1.0.0", name="one", seed=1)
    two = model_dir(env.store / "two" / "1.0.0", name="two", seed=2)
    twin = env.store / "twin" / "1.0.0"  # same model.onnx as "one"
    shutil.copytree(one, twin)
    manifest = json.loads((twin / "model.json").read_text())
    manifest["name"] = "twin"
    (twin / "model.json").write_text(json.dumps(manifest))
    art_one = write_artifact(env.data, one / "model.onnx")
    art_two = write_artifact(env.data, two / "model.onnx")
    failed = art_two.parent / "fp16.failed.json"
    failed.write_text(json.dumps({"format": 1, "tools": {}, "reason": "x"}))
    repo = env.repo()
    remove(repo, "two")
    assert not art_two.parent.exists()
    remove(repo, "one")
    assert art_one.is_dir()  # "twin" still uses that file
    remove(repo, "twin")
    assert not art_one.parent.exists()
