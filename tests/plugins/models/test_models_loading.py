"""Loading: sha256 before the first load (cached by size + mtime), tampered files refused."""

from __future__ import annotations

import os
import shutil

import numpy as np
import pytest
from lmms_magenta_models import ModelRepository
from models_helpers import DRUMS_TASK

from lmms_magenta.errors import ModelError


def _store_copy(env, name: str = "fx-drums"):
    repo = env.repo()
    shipped = repo.resolve(name).entry
    target = env.store / name / shipped.manifest.version
    shutil.copytree(shipped.folder, target)
    repo.refresh()
    return repo, target


def _feeds(batch: int = 2) -> dict:
    return {"z": np.random.default_rng(0).standard_normal((batch, 4)).astype(np.float32)}


def test_a_session_runs_on_the_profiles_device(env) -> None:
    repo = env.repo()
    session = repo.session("fx-drums", task=DRUMS_TASK)
    assert env.ort_events() == []  # lazy: nothing opened yet
    out = session.run(_feeds())
    assert out["hit_logits"].shape == (2, 32, 9)
    (loaded,) = repo.loaded()
    assert (loaded.key, loaded.precision, loaded.device) == ("fx-drums@1.0.0", "fp32", "ortfx:cpu")
    assert len(env.ort_events()) == 1


def test_a_tampered_file_is_refused_before_it_is_loaded(env) -> None:
    repo, folder = _store_copy(env)
    path = folder / "model.onnx"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01  # same size, one bit flipped
    path.write_bytes(bytes(data))
    session = repo.session("fx-drums")
    with pytest.raises(ModelError) as err:
        session.run(_feeds())
    assert str(err.value).startswith(f"{path}: sha256 mismatch")
    assert "refusing to load it" in str(err.value)
    assert env.ort_events() == []  # the backend never saw the file


def test_a_truncated_file_is_refused_by_size(env) -> None:
    repo, folder = _store_copy(env)
    path = folder / "model.onnx"
    path.write_bytes(path.read_bytes()[:-10])
    with pytest.raises(ModelError, match="bytes, its manifest says"):
        repo.resolve("fx-drums").path()


def test_a_second_load_skips_hashing_until_the_file_changes(env) -> None:
    repo, folder = _store_copy(env)
    path = folder / "model.onnx"
    repo.resolve("fx-drums").path()
    assert repo.verified.hashed == 1
    repo.resolve("fx-drums").path()
    assert repo.verified.hashed == 1  # size + mtime unchanged: cached digest
    # a new process (new kernel + repository) reads the cache from the cache dir
    fresh = ModelRepository.from_kernel(env.kernel())
    fresh.resolve("fx-drums").path()
    assert fresh.verified.hashed == 0
    # an edit changes the mtime: hashed again, and refused
    data = bytearray(path.read_bytes())
    data[-1] ^= 0x01
    path.write_bytes(bytes(data))
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    with pytest.raises(ModelError, match="sha256 mismatch"):
        fresh.resolve("fx-drums").path()
    assert fresh.verified.hashed == 1


def test_missing_file_and_missing_variant(env) -> None:
    repo, folder = _store_copy(env)
    (folder / "model.onnx").unlink()
    with pytest.raises(ModelError, match="model file is missing"):
        repo.resolve("fx-drums").path()
    with pytest.raises(
        ModelError, match=r"has no int8 variant .* models convert fx-drums@1\.0\.0 --precision int8"
    ):
        repo.session("fx-drums", precision="int8")


def test_a_corrupt_verification_cache_is_ignored(env) -> None:
    repo = env.repo()
    repo.resolve("fx-drums").path()
    cache = env.cache / "models" / "verified.json"
    assert cache.exists()
    cache.write_text("{oops")
    fresh = ModelRepository.from_kernel(env.kernel())
    fresh.resolve("fx-drums").path()
    assert fresh.verified.hashed == 1
