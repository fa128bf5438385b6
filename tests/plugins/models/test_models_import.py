"""`import`: a user's own ONNX model enters the store after the checker and contract check."""

from __future__ import annotations

from pathlib import Path

import pytest
from lmms_magenta_models.manifest import load_manifest
from lmms_magenta_models.operations import import_model
from models_helpers import DRUMS_TASK, RNN_TASK, gru_step, mlp_decoder
from onnx import TensorProto

from lmms_magenta.errors import ModelError


def test_import_adds_a_verified_model_to_the_store(env, tmp_path: Path) -> None:
    source = mlp_decoder(tmp_path / "My Drums!.onnx", seed=9)
    repo = env.repo()
    entry = import_model(repo, source, task=DRUMS_TASK, license="MIT")
    assert entry.manifest.key == "my-drums@1.0.0"
    assert entry.origin == "store"
    assert entry.folder == env.store / "my-drums" / "1.0.0"
    manifest = load_manifest(entry.folder / "model.json")
    assert manifest.license == "MIT"
    assert manifest.opset == 17
    assert manifest.files[0].size == source.stat().st_size
    assert env.store_listing() == [
        "my-drums",
        "my-drums/1.0.0",
        "my-drums/1.0.0/model.json",
        "my-drums/1.0.0/model.onnx",
    ]
    assert repo.resolve("my-drums", task=DRUMS_TASK).path() == entry.folder / "model.onnx"


def test_import_for_a_task_a_plugin_defines(env, tmp_path: Path) -> None:
    entry = import_model(
        env.repo(), gru_step(tmp_path / "g.onnx"), task=RNN_TASK, name="my-rnn", version="0.2"
    )
    assert entry.manifest.key == "my-rnn@0.2"


def test_import_lists_every_contract_mismatch_and_stores_nothing(env, tmp_path: Path) -> None:
    source = mlp_decoder(
        tmp_path / "bad.onnx", out_name="out", z_dtype=TensorProto.INT64, extra_input=True
    )
    with pytest.raises(ModelError) as err:
        import_model(env.repo(), source, task=DRUMS_TASK)
    message = str(err.value)
    assert message.startswith(
        f"{source}: model does not fit the contract of task '{DRUMS_TASK}', 3 mismatches: "
    )
    assert "input 'z' has dtype int64" in message
    assert "missing output 'hit_logits'" in message
    assert "unexpected input 'temperature'" in message
    assert env.store_listing() == []


def test_import_refuses_unknown_tasks_junk_and_bad_names(env, tmp_path: Path) -> None:
    repo = env.repo()
    good = mlp_decoder(tmp_path / "m.onnx")
    with pytest.raises(ModelError, match="unknown task 'dance'"):
        import_model(repo, good, task="dance")
    junk = tmp_path / "junk.onnx"
    junk.write_bytes(b"\x00" * 100)
    with pytest.raises(ModelError, match=r"not a readable ONNX model|onnx\.checker"):
        import_model(repo, junk, task=DRUMS_TASK)
    with pytest.raises(ModelError, match="no such ONNX file"):
        import_model(repo, tmp_path / "missing.onnx", task=DRUMS_TASK)
    with pytest.raises(ModelError, match="must match"):
        import_model(repo, good, task=DRUMS_TASK, name="Has Spaces")
    with pytest.raises(ModelError, match="version 'v-one' is not a PEP 440 version"):
        import_model(repo, good, task=DRUMS_TASK, version="v-one")
    assert env.store_listing() == []


def test_import_twice_is_refused(env, tmp_path: Path) -> None:
    repo = env.repo()
    source = mlp_decoder(tmp_path / "m.onnx")
    import_model(repo, source, task=DRUMS_TASK)
    with pytest.raises(ModelError, match="already in the user store"):
        import_model(repo, source, task=DRUMS_TASK)
    assert [p for p in env.store_listing() if p.startswith(".")] == []


def test_debris_of_a_dead_process_is_swept(env, tmp_path: Path) -> None:
    import os
    import time

    old = env.store / ".tmp-deadbeef"
    (old / "x").mkdir(parents=True)
    young = env.store / ".tmp-running"
    young.mkdir()
    trash = env.store / ".trash-1234"
    trash.mkdir()
    resume = env.store / ".tmp-install-far-1.0"
    resume.mkdir()
    hours_ago = time.time() - 2 * 3600
    for folder in (old, resume):
        os.utime(folder, (hours_ago, hours_ago))
    import_model(env.repo(), mlp_decoder(tmp_path / "m.onnx"), task=DRUMS_TASK)
    assert [p for p in env.store_listing() if p.startswith(".")] == [
        ".tmp-install-far-1.0",
        ".tmp-running",
    ]
