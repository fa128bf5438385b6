"""`verify` re-hashes every file (no cache); `remove` deletes store models only."""

from __future__ import annotations

import shutil

import numpy as np
import pytest
from lmms_magenta_models.operations import remove, verify
from models_helpers import model_dir

from lmms_magenta.errors import ModelError


def test_verify_rehashes_everything_and_reports_each_bad_file(env) -> None:
    folder = model_dir(env.store / "mine" / "1.0.0", name="mine")
    repo = env.repo()
    repo.resolve("mine").path()  # the digest is now cached
    results = {r.entry.manifest.key: r for r in verify(repo)}
    assert {"mine@1.0.0", "fx-drums@1.0.0", "fx-rnn@1.0.0", "fx-extra@1.0.0"} <= set(results)
    assert all(r.ok for r in results.values())
    # tamper without changing size or mtime: the load cache cannot see it, verify does
    path = folder / "MODEL_CARD.md"
    st = path.stat()
    text = path.read_text()
    path.write_text(text.replace("A test", "B test"))
    import os

    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    (folder / "model.onnx").unlink()
    (bad,) = verify(repo, "mine")
    assert not bad.ok
    assert len(bad.problems) == 2
    assert bad.problems[0].startswith(f"{folder / 'model.onnx'}: model file is missing")
    assert bad.problems[1].startswith(f"{path}: sha256 mismatch")


def test_verify_of_an_unknown_model(env) -> None:
    with pytest.raises(ModelError, match="model 'nope' is not installed"):
        verify(env.repo(), "nope")


def test_remove_deletes_the_store_folder_and_closes_its_session(env) -> None:
    model_dir(env.store / "mine" / "1.0.0", name="mine")
    model_dir(env.store / "mine" / "2.0.0", name="mine", version="2.0.0")
    repo = env.repo()
    repo.session("mine@1.0.0").run({"z": np.zeros((1, 4), np.float32)})
    with pytest.raises(
        ModelError, match=r"several versions of 'mine' are installed \(2.0.0, 1.0.0\)"
    ):
        remove(repo, "mine")
    removed = remove(repo, "mine@1.0.0")
    assert removed.manifest.key == "mine@1.0.0"
    assert repo.loaded() == []
    assert env.ort_events()[-1].startswith("close")
    assert env.store_listing() == [
        "mine",
        "mine/2.0.0",
        "mine/2.0.0/MODEL_CARD.md",
        "mine/2.0.0/model.json",
        "mine/2.0.0/model.onnx",
    ]
    remove(repo, "mine")
    assert env.store_listing() == []
    with pytest.raises(ModelError, match="not installed"):
        repo.resolve("mine")


def test_shipped_models_cannot_be_removed(env) -> None:
    repo = env.repo()
    with pytest.raises(
        ModelError, match=r"fx-drums@1\.0\.0 is in plugin fxshipped, not in the user store"
    ):
        remove(repo, "fx-drums")
    with pytest.raises(ModelError, match="not installed"):
        remove(repo, "nope")


def test_removing_a_store_copy_uncovers_the_shipped_model(env) -> None:
    repo = env.repo()
    shipped = repo.resolve("fx-drums").entry
    shutil.copytree(shipped.folder, env.store / "fx-drums" / "1.0.0")
    repo.refresh()
    assert repo.resolve("fx-drums").entry.origin == "store"
    remove(repo, "fx-drums")
    assert repo.resolve("fx-drums").entry.origin == "shipped"
