"""The result cache: keys, hits and misses, LRU eviction, similarity, persistence, recovery."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from lmms_magenta.features import Feature
from lmms_magenta.params import Choice, File, Number, Schema, Seed
from lmms_magenta.resultcache import (
    FILE_NAME,
    CacheKey,
    ModelRef,
    ResultCache,
    key_for_feature,
    make_key,
    normalize,
)

MODEL = ModelRef("groove-vae", "1.0.0", "ab" * 32)


def key(feature: str = "groove.humanize", seed: int | None = 1, **params: Any) -> CacheKey:
    return make_key(feature, {"style": "funk", **params}, models=[MODEL], seed=seed)


@pytest.fixture
def cache(tmp_path: Path) -> ResultCache:
    with ResultCache(tmp_path / FILE_NAME) as store:
        yield store


# --- keys ----------------------------------------------------------------------------------


def test_equal_settings_give_equal_keys() -> None:
    a = make_key("f", {"x": 0.1 + 0.2, "bars": (1, 2), "flag": True, "neg": -0.0}, seed=3)
    b = make_key("f", {"neg": 0.0, "flag": True, "bars": [1, 2], "x": 0.3}, seed=3)
    assert a.digest == b.digest and a.group == b.group
    assert len(a.digest) == 64


@pytest.mark.parametrize(
    "change",
    [
        {"feature": "groove.tap"},
        {"seed": 2},
        {"seed": None},
        {"style": "rock"},
        {"intensity": 0.5},
    ],
)
def test_each_part_of_the_request_changes_the_key(change: dict[str, Any]) -> None:
    base = key()
    feature = change.pop("feature", "groove.humanize")
    seed = change.pop("seed", 1)
    other = make_key(feature, {"style": "funk", **change}, models=[MODEL], seed=seed)
    assert other.digest != base.digest


def test_model_version_and_hash_are_part_of_the_key() -> None:
    retrained = ModelRef(MODEL.name, MODEL.version, "cd" * 32)
    newer = ModelRef(MODEL.name, "1.1.0", MODEL.sha256)
    digests = {make_key("f", {}, models=[m]).digest for m in (MODEL, retrained, newer)} | {
        make_key("f", {}).digest
    }
    assert len(digests) == 4


def test_input_files_are_keyed_by_content(tmp_path: Path) -> None:
    midi = tmp_path / "in.mid"
    midi.write_bytes(b"MThd one")
    first = make_key("f", {"input": midi})
    renamed = tmp_path / "renamed.mid"
    midi.rename(renamed)
    assert make_key("f", {"input": renamed}).digest == first.digest
    renamed.write_bytes(b"MThd two")
    assert make_key("f", {"input": renamed}).digest != first.digest


def test_normalize_refuses_what_has_no_stable_spelling() -> None:
    assert normalize({"a": np.float32(0.25), "b": {1, 3, 2}}) == {"a": 0.25, "b": [1, 2, 3]}
    with pytest.raises(ValueError, match="nan"):
        normalize(float("nan"))
    with pytest.raises(TypeError, match="object"):
        normalize(object())


def test_key_for_feature_reads_the_schema(tmp_path: Path) -> None:
    schema = Schema(
        Number("intensity", default=0.5, min=0.0, max=1.0),
        Number("swing", default=0.0),  # unbounded: exact, not fuzzy
        Choice("style", default="funk", choices=("funk", "rock")),
        File("output", role="output", is_required=False),
        Seed("seed"),
    )
    feature = Feature("groove.humanize", "Humanize", "", schema, lambda k, p: None)
    params = {"intensity": 0.5, "swing": 0.1, "style": "funk", "output": tmp_path / "a.mid"}
    k = key_for_feature(feature, {**params, "seed": 9}, models=[MODEL], seed=9)
    assert dict(k.fuzzy) == {"intensity": 0.5}
    assert dict(k.scales) == {"intensity": 1.0}
    assert dict(k.params) == {"swing": 0.1, "style": "funk"}
    elsewhere = {**params, "output": tmp_path / "b.mid", "seed": 9}
    assert key_for_feature(feature, elsewhere, models=[MODEL], seed=9).digest == k.digest


# --- hits, misses, values --------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [b"\x00MIDI bytes", {"notes": [[36, 0.0, 0.25, 100]], "bars": 2}, [1, "two", None]],
)
def test_put_then_get(cache: ResultCache, value: Any) -> None:
    assert cache.get(key()) is None
    assert cache.put(key(), value)
    hit = cache.get(key())
    assert hit is not None and hit.exact and hit.distance == 0.0
    assert hit.value == value and type(hit.value) is type(value)
    assert hit.params == {"style": "funk"}


def test_numpy_arrays_round_trip_without_pickle(cache: ResultCache) -> None:
    grid = np.arange(24, dtype=np.float32).reshape(2, 12)
    cache.put(key(), grid)
    hit = cache.get(key())
    assert hit is not None
    np.testing.assert_array_equal(hit.value, grid)
    assert hit.value.dtype == np.float32
    with pytest.raises(TypeError):
        cache.put(key(), np.array([object()], dtype=object))


def test_unencodable_value_is_a_type_error(cache: ResultCache) -> None:
    with pytest.raises(TypeError):
        cache.put(key(), {"x": object()})
    with pytest.raises(TypeError):
        cache.put(key(), float("inf"))


def test_fetch_computes_once(cache: ResultCache) -> None:
    calls: list[int] = []

    def compute() -> list[int]:
        calls.append(1)
        return [1, 2, 3]

    first = cache.fetch(key(), compute)
    second = cache.fetch(key(), compute)
    assert first == ([1, 2, 3], None)
    assert second[0] == [1, 2, 3] and second[1] is not None and second[1].exact
    assert calls == [1]


def test_info_counts_and_clear(cache: ResultCache) -> None:
    cache.put(key("groove.humanize"), b"a" * 100)
    cache.put(key("pattern.generate"), b"b" * 50)
    cache.put(key("pattern.generate", seed=2), b"c" * 50)
    cache.get(key("groove.humanize"))
    cache.get(key("groove.humanize", seed=5))
    info = cache.info()
    assert info.entries == 3
    assert info.features["pattern.generate"][0] == 2
    assert info.bytes == sum(b for _, b in info.features.values())
    assert info.stats["hits"] == 1 and info.stats["misses"] == 1 and info.stats["writes"] == 3
    assert json.loads(json.dumps(info.to_json()))["entries"] == 3
    assert cache.clear("pattern.generate") == 2
    assert cache.info().entries == 1
    assert cache.clear() == 1
    cleared = cache.info()
    assert cleared.entries == 0 and cleared.stats["writes"] == 0


# --- eviction ----------------------------------------------------------------------------


def test_lru_eviction_keeps_the_recently_used(tmp_path: Path) -> None:
    with ResultCache(tmp_path / FILE_NAME, max_bytes=3000) as store:
        for seed in range(3):
            assert store.put(key(seed=seed), b"x" * 800)
        assert store.get(key(seed=0)) is not None  # 0 is now more recent than 1
        store.put(key(seed=3), b"x" * 800)  # over the cap: the LRU entry (1) goes
        present = [s for s in range(4) if store.get(key(seed=s)) is not None]
        assert present == [0, 2, 3]
        info = store.info()
        assert info.bytes <= 3000 and info.stats["evictions"] == 1


def test_value_larger_than_the_cap_is_not_stored(tmp_path: Path) -> None:
    with ResultCache(tmp_path / FILE_NAME, max_bytes=1000) as store:
        store.put(key(seed=1), b"small")
        assert not store.put(key(seed=2), b"x" * 2000)
        assert store.get(key(seed=2)) is None
        assert store.get(key(seed=1)) is not None  # nothing evicted for it


def test_file_shrinks_after_eviction(tmp_path: Path) -> None:
    path = tmp_path / FILE_NAME
    with ResultCache(path, max_bytes=200_000) as store:
        for seed in range(40):
            store.put(key(seed=seed), os.urandom(20_000))
        store._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # type: ignore[union-attr]
        assert path.stat().st_size < 600_000  # ~10 entries kept, freed pages returned


# --- similarity ----------------------------------------------------------------------------


def similar(intensity: float, seed: int = 1) -> CacheKey:
    return make_key(
        "groove.humanize",
        {"style": "funk", "intensity": intensity, "bars": 2},
        models=[MODEL],
        seed=seed,
        scales={"intensity": 1.0},
    )


def test_similar_request_is_answered_only_when_allowed(cache: ResultCache) -> None:
    cache.put(similar(0.50), "made at 0.50")
    assert cache.get(similar(0.51)) is None  # default: exact only
    hit = cache.get(similar(0.51), tolerance=0.02)
    assert hit is not None and not hit.exact
    assert hit.value == "made at 0.50"
    assert hit.distance == pytest.approx(0.01)
    assert hit.params["intensity"] == 0.5
    assert cache.get(similar(0.55), tolerance=0.02) is None
    assert cache.info().stats["similar_hits"] == 1


def test_similarity_takes_the_nearest(cache: ResultCache) -> None:
    cache.put(similar(0.40), "0.40")
    cache.put(similar(0.47), "0.47")
    cache.put(similar(0.60), "0.60")
    hit = cache.get(similar(0.50), tolerance=0.1)
    assert hit is not None and hit.value == "0.47"


def test_similarity_never_crosses_exact_parameters(cache: ResultCache) -> None:
    cache.put(similar(0.50, seed=1), "seed 1")
    assert cache.get(similar(0.50, seed=2), tolerance=0.5) is None
    other_style = make_key(
        "groove.humanize",
        {"style": "rock", "intensity": 0.5, "bars": 2},
        models=[MODEL],
        seed=1,
        scales={"intensity": 1.0},
    )
    assert cache.get(other_style, tolerance=0.5) is None


def test_without_a_scale_distance_is_relative(cache: ResultCache) -> None:
    cache.put(key(tempo=120.0), "120")
    hit = cache.get(key(tempo=121.0), tolerance=0.01)
    assert hit is not None and hit.distance == pytest.approx(1 / 121)
    assert cache.get(key(tempo=125.0), tolerance=0.01) is None


# --- persistence and robustness ----------------------------------------------------------------

WRITER = """
import sys
from lmms_magenta.resultcache import ModelRef, ResultCache, make_key
store = ResultCache(sys.argv[1])
k = make_key("pattern.generate", {"bars": 4, "density": 0.3}, seed=11,
             models=[ModelRef("pattern-vae", "2.0", "ef" * 32)])
if sys.argv[2] == "put":
    store.put(k, {"pattern": [1, 0, 1, 1]})
else:
    hit = store.get(k)
    print(hit.value if hit else "MISS")
"""


def test_entries_persist_across_processes(tmp_path: Path) -> None:
    path = tmp_path / "shared" / FILE_NAME

    def run(action: str) -> str:
        done = subprocess.run(
            [sys.executable, "-c", WRITER, str(path), action],
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout.strip()

    assert run("get") == "MISS"
    run("put")
    assert run("get") == "{'pattern': [1, 0, 1, 1]}"
    with ResultCache(path) as store:
        assert store.info().entries == 1
        assert store.info().stats["hits"] == 1


def test_corrupt_file_is_moved_aside(tmp_path: Path) -> None:
    path = tmp_path / FILE_NAME
    path.write_bytes(b"this is not a database at all" * 100)
    with ResultCache(path) as store:
        assert store.problem is None
        assert store.put(key(), "fresh") and store.get(key()) is not None
    assert [p.name.startswith(f"{FILE_NAME}.corrupt-") for p in tmp_path.iterdir()].count(True) == 1


def test_unusable_folder_makes_a_no_op_cache(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    with ResultCache(blocker / FILE_NAME) as store:
        assert store.problem is not None and "cannot open the result cache" in store.problem
        assert store.get(key()) is None
        assert not store.put(key(), "x")
        assert store.info().entries == 0
        assert store.clear() == 0


def test_older_format_is_replaced(tmp_path: Path) -> None:
    path = tmp_path / FILE_NAME
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE entries (whatever TEXT)")
    db.execute("PRAGMA user_version = 99")
    db.commit()
    db.close()
    with ResultCache(path) as store:
        assert store.put(key(), "ok") and store.get(key()) is not None


def test_for_config_uses_the_cache_dir(tmp_path: Path) -> None:
    from lmms_magenta.config import Config

    config = Config(config_dir=tmp_path / "c", data_dir=tmp_path / "d", cache_dir=tmp_path / "k")
    with ResultCache.for_config(config) as store:
        store.put(key(), 1)
        assert (store.max_bytes, store.tolerance) == (256 * 1024 * 1024, 0.0)
    assert (tmp_path / "k" / FILE_NAME).is_file()


def test_for_config_applies_size_and_similarity(tmp_path: Path) -> None:
    """``[cache] max_mb`` caps the file's entries; ``similarity`` answers near requests."""
    from lmms_magenta.config import Config

    config = Config(
        config_dir=tmp_path / "c",
        data_dir=tmp_path / "d",
        cache_dir=tmp_path / "k",
        cache_max_mb=0.01,  # 10485 bytes
        cache_similarity=0.02,
    )
    with ResultCache.for_config(config) as store:
        assert (store.max_bytes, store.tolerance) == (10486, 0.02)
        store.put(similar(0.50), "made at 0.50")
        hit = store.get(similar(0.51))  # the user's tolerance is the default
        assert hit is not None and hit.value == "made at 0.50" and not hit.exact
        assert store.get(similar(0.51), tolerance=0.0) is None  # a caller may insist
        value, hit = store.fetch(similar(0.49), lambda: "computed")
        assert value == "made at 0.50" and hit is not None
        for n in range(4):
            store.put(key(n=n), b"x" * 3000)
        info = store.info()
        assert info.bytes <= 10486 and info.stats["evictions"] >= 1


@pytest.mark.parametrize("tolerance", [-0.1, 1.5])
def test_tolerance_out_of_range_is_refused(tmp_path: Path, tolerance: float) -> None:
    with pytest.raises(ValueError, match="tolerance must be from 0 to 1"):
        ResultCache(tmp_path / FILE_NAME, tolerance=tolerance)
