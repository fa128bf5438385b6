"""``lmms-magenta cache info|clear`` on a real cache file in the configured cache folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from lmms_magenta.cli.app import BUILTIN
from lmms_magenta.cli.cache import cache
from lmms_magenta.resultcache import FILE_NAME, ResultCache, make_key


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for kind in ("config", "data", "cache"):
        monkeypatch.setenv(f"LMMS_MAGENTA_{kind.upper()}_DIR", str(tmp_path / kind))
    folder = tmp_path / "cache"
    with ResultCache(folder / FILE_NAME) as store:
        store.put(make_key("groove.humanize", {"intensity": 0.5}, seed=1), b"x" * 1000)
        store.put(make_key("pattern.generate", {"bars": 2}, seed=1), {"hits": [1, 0]})
        store.put(make_key("pattern.generate", {"bars": 4}, seed=1), {"hits": [1]})
        store.get(make_key("pattern.generate", {"bars": 2}, seed=1))
    return folder


def test_info_json(cache_dir: Path) -> None:
    result = CliRunner().invoke(cache, ["info", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["path"] == str(cache_dir / FILE_NAME)
    assert doc["entries"] == 3
    assert doc["features"]["pattern.generate"]["entries"] == 2
    assert doc["stats"]["hits"] == 1 and doc["stats"]["writes"] == 3


def test_info_text(cache_dir: Path) -> None:
    result = CliRunner().invoke(cache, ["info"])
    assert result.exit_code == 0, result.output
    assert f"result cache: {cache_dir / FILE_NAME}" in result.output
    assert "entries: 3, " in result.output and "of 256.0 MiB" in result.output
    assert "hits: 1 exact, 0 similar; misses: 0; writes: 3; evicted: 0" in result.output
    lines = [line.split() for line in result.output.splitlines()]
    assert lines[-2][:2] == ["groove.humanize", "1"]
    assert lines[-1][:2] == ["pattern.generate", "2"]


def test_clear_one_feature_then_all(cache_dir: Path) -> None:
    result = CliRunner().invoke(cache, ["clear", "--feature", "pattern.generate"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("removed 2 cached results of pattern.generate")
    result = CliRunner().invoke(cache, ["clear"])
    assert result.output.startswith("removed 1 cached results")
    doc = json.loads(CliRunner().invoke(cache, ["info", "--json"]).output)
    assert doc["entries"] == 0


def test_info_on_a_fresh_machine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LMMS_MAGENTA_CACHE_DIR", str(tmp_path / "new"))
    result = CliRunner().invoke(cache, ["info"])
    assert result.exit_code == 0 and "entries: 0, 0 B of 256.0 MiB" in result.output


def test_cache_is_a_builtin_command(cache_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The real entry point dispatches ``cache``, without loading any plugin."""
    from lmms_magenta.cli import main

    assert BUILTIN["cache"] == "lmms_magenta.cli.cache:cache"
    assert main(["cache", "info", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["entries"] == 3
    assert main(["cache", "clear", "--feature", "groove.humanize"]) == 0
    assert capsys.readouterr().out.startswith("removed 1 cached results of groove.humanize")


def test_info_shows_the_configured_cap(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from lmms_magenta.cli import main

    monkeypatch.setenv("LMMS_MAGENTA_CACHE_MAX_MB", "1.5")
    result = CliRunner().invoke(cache, ["info", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["max_bytes"] == 1536 * 1024
    monkeypatch.setenv("LMMS_MAGENTA_CACHE_MAX_MB", "lots")
    assert main(["cache", "info"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "LMMS_MAGENTA_CACHE_MAX_MB='lots' is not a number" in err
