"""Lazy sessions in an LRU under `memory_budget_mb`; shutdown closes them."""

from __future__ import annotations

import numpy as np
import pytest
from models_helpers import model_dir

FEEDS = {"z": np.zeros((1, 4), np.float32)}


@pytest.fixture
def three_models(env) -> list[str]:
    """Three ~37 kB store models (hidden 32) and a budget that holds two of them."""
    names = ["lru-a", "lru-b", "lru-c"]
    for i, name in enumerate(names):
        model_dir(env.store / name / "1.0.0", name=name, seed=10 + i)
    size = (env.store / "lru-a" / "1.0.0" / "model.onnx").stat().st_size
    env.write_config({"memory_budget_mb": 2.5 * size / (1024 * 1024)})
    return names


def _opened(env) -> list[str]:
    return [
        line.split("/models/")[1].split("/")[0]
        for line in env.ort_events()
        if line.startswith("open")
    ]


def _closed(env) -> list[str]:
    return [
        line.split("/models/")[1].split("/")[0]
        for line in env.ort_events()
        if line.startswith("close")
    ]


def test_least_recently_used_is_closed_first(env, three_models) -> None:
    repo = env.repo()
    a, b, c = (repo.session(n) for n in three_models)
    a.run(FEEDS)
    b.run(FEEDS)
    a.run(FEEDS)  # a is now more recent than b
    assert [m.key for m in repo.loaded()] == ["lru-b@1.0.0", "lru-a@1.0.0"]
    c.run(FEEDS)  # over budget: b goes
    assert [m.key for m in repo.loaded()] == ["lru-a@1.0.0", "lru-c@1.0.0"]
    assert _closed(env) == ["lru-b"]
    assert repo.sessions.used <= repo.sessions.budget
    out = b.run(FEEDS)  # an evicted session opens again on demand; a is now the oldest
    assert out["hit_logits"].shape == (1, 32, 9)
    assert _opened(env) == ["lru-a", "lru-b", "lru-c", "lru-b"]
    assert _closed(env) == ["lru-b", "lru-a"]
    assert not a.loaded and b.loaded


def test_a_model_larger_than_the_budget_still_runs_alone(env, three_models) -> None:
    env.write_config({"memory_budget_mb": 0.001})
    repo = env.repo()
    for name in three_models:
        repo.session(name).run(FEEDS)
        assert [m.key for m in repo.loaded()] == [f"{name}@1.0.0"]


def test_shutdown_closes_every_session(env, three_models) -> None:
    kernel = env.kernel()
    from lmms_magenta_models import ModelRepository

    with kernel:
        repo = ModelRepository.from_kernel(kernel)
        repo.session("lru-a").run(FEEDS)
        repo.session("lru-b").run(FEEDS)
    assert repo.loaded() == []
    assert sorted(_closed(env)) == ["lru-a", "lru-b"]


def test_the_backend_picks_a_variant_it_offers(env, monkeypatch) -> None:
    from lmms_magenta_models.operations import convert

    repo = env.repo()
    convert(repo, "fx-drums", "int8", samples=2)
    monkeypatch.setenv("LMMS_MAGENTA_ORTFX_PRECISIONS", "int8,fp32")
    repo.session("fx-drums").run(FEEDS)
    (loaded,) = repo.loaded()
    assert loaded.precision == "int8"
    assert env.ort_events()[-1].endswith("model.int8.onnx")
    monkeypatch.setenv("LMMS_MAGENTA_ORTFX_PRECISIONS", "fp16,fp32")  # no fp16 file: fp32
    fresh = env.repo()
    fresh.session("fx-drums").run(FEEDS)
    assert fresh.loaded()[0].precision == "fp32"


def test_invalid_budget_is_a_user_error_naming_the_config(env) -> None:
    from lmms_magenta.errors import UserError

    env.write_config({"memory_budget_mb": -1, "colour": "red"})
    with pytest.raises(UserError) as err:
        env.repo()
    assert str(err.value).startswith(str(env.config / "config.toml"))
    assert "unknown key(s) colour" in str(err.value)


def test_the_listing_shows_which_models_are_loaded(env, three_models) -> None:
    from lmms_magenta_models.cli import list_rows

    repo = env.repo()
    repo.session("lru-b").run(FEEDS)
    rows, _ = list_rows(repo, remote=False, indexes=())
    loaded = {r["name"]: r["loaded"] for r in rows}
    assert loaded["lru-b"] == "fp32 on ortfx:cpu"
    assert loaded["lru-a"] == "" and loaded["fx-drums"] == ""
