"""Manifest (model.json) validation: strict, every problem listed, the file named."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from lmms_magenta_models.manifest import (
    FileEntry,
    Variant,
    load_manifest,
    parse_manifest,
    write_manifest,
)
from models_helpers import RNN_CONTRACT, model_dir

from lmms_magenta.errors import ModelError, UserError


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return model_dir(tmp_path / "m", name="fx-drums")


@pytest.fixture
def data(folder: Path) -> dict[str, Any]:
    return json.loads((folder / "model.json").read_text())


def _problems(data: Any) -> str:
    with pytest.raises(ModelError) as err:
        parse_manifest(data, path="/x/model.json")
    assert isinstance(err.value, UserError)
    assert str(err.value).startswith("/x/model.json: invalid model manifest")
    return str(err.value)


def test_a_valid_manifest_round_trips(folder: Path, data: dict[str, Any]) -> None:
    manifest = load_manifest(folder / "model.json")
    assert manifest.key == "fx-drums@1.0.0"
    assert manifest.variant_file("fp32").path == "model.onnx"
    assert manifest.training_data[0].license == "CC0-1.0"
    assert manifest.to_json() == data


def test_every_problem_is_listed_at_once(data: dict[str, Any]) -> None:
    data["name"] = "Bad Name"
    data["version"] = "one"
    data["colour"] = "red"
    del data["license"]
    data["files"][0]["sha256"] = "abc"
    message = _problems(data)
    assert "5 problems" in message
    for text in (
        "missing key(s) license",
        "unknown key(s) colour",
        "name 'Bad Name' must match",
        "version 'one' is not a PEP 440 version",
        "files[0].sha256 must be 64 lower-case hex digits",
    ):
        assert text in message


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda d: d["files"][0].update(path="../evil.onnx"), "must not contain '.', '..'"),
        (lambda d: d["files"][0].update(path="/abs/model.onnx"), "must be a relative path"),
        (lambda d: d["files"].append(dict(d["files"][0])), "is listed twice"),
        (lambda d: d["files"][0].update(size=-1), "files[0].size must be an int >= 0"),
        (lambda d: d["files"][0].update(url="http://x/y"), "files[0] has unknown key(s) url"),
        (lambda d: d["variants"].pop("fp32"), "at least 'fp32'"),
        (lambda d: d["variants"].update(int4={"file": "model.onnx"}), "'int4' is not a precision"),
        (lambda d: d["variants"].update(int8={"file": "other.onnx"}), "is not one of 'files'"),
        (lambda d: d["variants"]["fp32"].update(max_abs_diff=-1), "must be a number >= 0"),
        (lambda d: d.update(opset=0), "'opset' must be an int >= 1"),
        (lambda d: d.update(manifest_version=2), "manifest_version must be 1"),
        (lambda d: d.update(metrics={"loss": "low"}), "'metrics' must be an object"),
        (lambda d: d.update(training_data=[{"name": "x"}]), "training_data[0].license"),
        (lambda d: d.update(card="README.md"), "card 'README.md' is not one of 'files'"),
        (lambda d: d.update(extra=[1]), "'extra' must be an object"),
        (lambda d: d.update(task=""), "'task' must be a non-empty string"),
    ],
)
def test_each_rule(data: dict[str, Any], edit: Any, expected: str) -> None:
    edit(data)
    assert expected in _problems(data)


def test_contract_problems_are_listed_with_their_place(data: dict[str, Any]) -> None:
    contract = copy.deepcopy(RNN_CONTRACT)
    contract["inputs"]["token"]["dtype"] = "int128"
    contract["inputs"]["h"]["shape"] = [1, -3, "ok"]
    contract["outputs"] = {}
    data["contract"] = contract
    message = _problems(data)
    assert "contract.inputs.token.dtype must be one of" in message
    assert "contract.inputs.h.shape[1] must be an int >= 0 or a name" in message
    assert "contract.outputs must be a non-empty object" in message


def test_urls_are_allowed_in_index_entries(data: dict[str, Any]) -> None:
    data["files"][0]["url"] = "files/model.onnx"
    manifest = parse_manifest(data, allow_urls=True)
    assert manifest.files[0].url == "files/model.onnx"
    assert "url" not in manifest.to_json()["files"][0]
    assert manifest.to_json(with_urls=True)["files"][0]["url"] == "files/model.onnx"


@pytest.mark.parametrize("content", [b"{not json", b"[1, 2]", b"\xff\xfe"])
def test_unreadable_files_name_the_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "model.json"
    path.write_bytes(content)
    with pytest.raises(ModelError, match=str(path)):
        load_manifest(path)


def test_missing_and_huge_files(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="cannot read the model manifest"):
        load_manifest(tmp_path / "nope.json")
    huge = tmp_path / "huge.json"
    huge.write_bytes(b" " * (2 << 20))
    with pytest.raises(ModelError, match="larger than"):
        load_manifest(huge)


def test_write_is_atomic_and_keeps_a_backup(folder: Path) -> None:
    manifest = load_manifest(folder / "model.json")
    before = (folder / "model.json").read_text()
    entry = FileEntry("model.int8.onnx", "0" * 64, 10)
    updated = manifest.with_variant(
        "int8", Variant("model.int8.onnx", "fp32", "t", 0.1, 0.01, 8), entry
    )
    write_manifest(folder, updated)
    assert (folder / "model.json.bak").read_text() == before
    again = load_manifest(folder / "model.json")
    assert again.variants["int8"].max_abs_diff == 0.1
    assert again.variants["int8"].source == "fp32"
    assert [p.name for p in folder.iterdir() if p.name.startswith(".")] == []
