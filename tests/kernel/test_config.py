"""Configuration: directories, file + environment + flag layers, where a plugin was disabled."""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

import platformdirs
import pytest
from fx_support import FxEnv

from lmms_magenta import Config, Kernel, UserError
from lmms_magenta.config import set_plugin_enabled, user_dirs


def write(env: FxEnv, text: str) -> Path:
    env.config_file.write_text(text)
    return env.config_file


def test_directories_come_from_the_env_overrides(fx_env: FxEnv) -> None:
    config = Config.load()
    assert (config.config_dir, config.data_dir, config.cache_dir) == (
        fx_env.config,
        fx_env.data,
        fx_env.cache,
    )
    assert config.config_file == fx_env.config / "config.toml"
    assert (config.strict, config.trace, config.backend) == (False, False, "auto")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the XDG shortcut is Linux-only")
@pytest.mark.parametrize("xdg", [None, "/tmp/xdg-test", "relative/ignored"])
def test_default_directories_match_platformdirs(monkeypatch, xdg: str | None) -> None:
    for var in ("CONFIG", "DATA", "CACHE"):
        monkeypatch.delenv(f"LMMS_MAGENTA_{var}_DIR", raising=False)
        if xdg is None:
            monkeypatch.delenv(f"XDG_{var}_HOME", raising=False)
        else:
            monkeypatch.setenv(f"XDG_{var}_HOME", f"{xdg}/{var.lower()}")
    assert user_dirs() == (
        platformdirs.user_config_dir("lmms-magenta", appauthor=False),
        platformdirs.user_data_dir("lmms-magenta", appauthor=False),
        platformdirs.user_cache_dir("lmms-magenta", appauthor=False),
    )


def test_file_settings(fx_env: FxEnv) -> None:
    write(
        fx_env,
        'strict = true\ntrace = true\n[plugins]\ndisabled = ["style"]\n'
        '[plugins.groove]\nintensity = 0.5\n[hardware]\nbackend = "openvino:CPU"\n',
    )
    config = Config.load()
    assert (config.strict, config.trace, config.backend) == (True, True, "openvino:CPU")
    assert config.plugin("groove") == {"intensity": 0.5}
    assert config.plugin("other") == {}
    assert config.disabled_by("style") == str(fx_env.config_file)
    assert config.disabled_by("groove") is None


def test_env_overrides_file_and_flags_override_env(fx_env: FxEnv, monkeypatch) -> None:
    write(fx_env, 'strict = true\n[plugins]\ndisabled = ["a", "b"]\n[hardware]\nbackend = "cpu"\n')
    monkeypatch.setenv("LMMS_MAGENTA_ENABLE", "a")
    monkeypatch.setenv("LMMS_MAGENTA_DISABLE", "c, d")
    monkeypatch.setenv("LMMS_MAGENTA_STRICT", "0")
    monkeypatch.setenv("LMMS_MAGENTA_BACKEND", "opencl")
    config = Config.load()
    assert config.disabled_by("a") is None
    assert config.disabled_by("b") == str(fx_env.config_file)
    assert config.disabled_by("c") == "LMMS_MAGENTA_DISABLE"
    assert (config.strict, config.backend) == (False, "opencl")
    flagged = Config.load(enable=["c"], disable=["a"], strict=True, backend="vulkan:0")
    assert flagged.disabled_by("c") is None
    assert flagged.disabled_by("a") == "--disable"
    assert flagged.disabled_by("d") == "LMMS_MAGENTA_DISABLE"
    assert (flagged.strict, flagged.backend) == (True, "vulkan:0")


def test_wildcard_disables_everything_not_enabled(fx_env: FxEnv) -> None:
    write(fx_env, '[plugins]\ndisabled = ["*"]\nenabled = ["groove"]\n')
    config = Config.load()
    assert config.disabled_by("groove") is None
    assert config.disabled_by("pattern") == str(fx_env.config_file)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("strict = [", "the config file is not valid TOML"),
        ("strict = 1", "'strict' must be true or false"),
        ("[plugins]\ndisabled = 'x'", "'plugins.disabled' must be a list of plugin names"),
        ("[plugins]\ngroove = 3", "'plugins.groove' must be a table"),
        ("[hardware]\nbackend = 'cpu:'", "backend 'cpu:' is not 'auto'"),
    ],
)
def test_bad_file_is_a_user_error_naming_the_file(fx_env: FxEnv, text: str, problem: str) -> None:
    path = write(fx_env, text)
    with pytest.raises(UserError) as info:
        Config.load()
    assert str(info.value).startswith(f"{path}: ")
    assert problem in str(info.value)
    assert "\n" not in str(info.value)


def test_bad_env_value_names_the_variable(fx_env: FxEnv, monkeypatch) -> None:
    monkeypatch.setenv("LMMS_MAGENTA_TRACE", "maybe")
    with pytest.raises(UserError, match="LMMS_MAGENTA_TRACE='maybe' is not a boolean"):
        Config.load()


# --- [cache] -------------------------------------------------------------------------------

CACHE_ENV = ("LMMS_MAGENTA_CACHE_MAX_MB", "LMMS_MAGENTA_CACHE_SIMILARITY")


@pytest.fixture
def no_cache_env(monkeypatch) -> None:
    for var in CACHE_ENV:
        monkeypatch.delenv(var, raising=False)


def test_cache_defaults(fx_env: FxEnv, no_cache_env: None) -> None:
    config = Config.load()
    assert (config.cache_max_mb, config.cache_similarity) == (256.0, 0.0)


def test_cache_from_file_then_env(fx_env: FxEnv, no_cache_env: None, monkeypatch) -> None:
    write(fx_env, "[cache]\nmax_mb = 64\nsimilarity = 0.05\n")
    config = Config.load()
    assert (config.cache_max_mb, config.cache_similarity) == (64.0, 0.05)
    monkeypatch.setenv("LMMS_MAGENTA_CACHE_MAX_MB", " 0.5 ")
    monkeypatch.setenv("LMMS_MAGENTA_CACHE_SIMILARITY", "0")
    config = Config.load(disable=["x"])  # flags keep the cache settings
    assert (config.cache_max_mb, config.cache_similarity) == (0.5, 0.0)
    monkeypatch.setenv("LMMS_MAGENTA_CACHE_MAX_MB", "")  # blank: the file's value
    assert Config.load().cache_max_mb == 64.0
    assert Config.load() == Config.load().with_overrides(trace=False)
    monkeypatch.setenv("LMMS_MAGENTA_CACHE_MAX_MB", "65")
    assert Config.load() != config  # the cache settings are part of the value


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("[cache]\nmax_mb = 0", "'cache.max_mb' must be a number of MiB greater than 0"),
        ("[cache]\nmax_mb = -5", "'cache.max_mb' must be a number of MiB"),
        ("[cache]\nmax_mb = '256'", "'cache.max_mb' must be a number of MiB"),
        ("[cache]\nmax_mb = true", "'cache.max_mb' must be a number of MiB"),
        ("[cache]\nmax_mb = inf", "'cache.max_mb' must be a number of MiB"),
        ("[cache]\nsimilarity = 1.5", "'cache.similarity' must be a number from 0"),
        ("[cache]\nsimilarity = -0.1", "'cache.similarity' must be a number from 0"),
        ("cache = 3", "'cache' must be a table"),
    ],
)
def test_bad_cache_setting_names_file_and_key(
    fx_env: FxEnv, no_cache_env: None, text: str, problem: str
) -> None:
    path = write(fx_env, text)
    with pytest.raises(UserError) as info:
        Config.load()
    assert str(info.value).startswith(f"{path}: ") and problem in str(info.value)


@pytest.mark.parametrize(
    ("var", "value", "problem"),
    [
        (
            "LMMS_MAGENTA_CACHE_MAX_MB",
            "lots",
            "is not a number of MiB greater than 0 (default 256)",
        ),
        ("LMMS_MAGENTA_CACHE_MAX_MB", "0", "is not a number of MiB greater than 0 (default 256)"),
        ("LMMS_MAGENTA_CACHE_MAX_MB", "nan", "is not a number of MiB greater than 0 (default 256)"),
        ("LMMS_MAGENTA_CACHE_SIMILARITY", "2", "is not a number from 0 (exact matches only) to 1"),
    ],
)
def test_bad_cache_env_names_the_variable(
    fx_env: FxEnv, no_cache_env: None, monkeypatch, var: str, value: str, problem: str
) -> None:
    monkeypatch.setenv(var, value)
    with pytest.raises(UserError) as info:
        Config.load()
    assert str(info.value) == f"{var}={value!r} {problem}"


def test_enable_disable_edit_the_file_atomically_with_backup(fx_env: FxEnv) -> None:
    write(fx_env, "[plugins.groove]\nintensity = 0.5\n")
    set_plugin_enabled(fx_env.config_file, "pattern", False)
    data = tomllib.loads(fx_env.config_file.read_text())
    assert data["plugins"]["disabled"] == ["pattern"]
    assert data["plugins"]["groove"] == {"intensity": 0.5}
    assert fx_env.config_file.with_suffix(".toml.bak").read_text() == (
        "[plugins.groove]\nintensity = 0.5\n"
    )
    set_plugin_enabled(fx_env.config_file, "pattern", True)
    assert tomllib.loads(fx_env.config_file.read_text())["plugins"]["disabled"] == []
    assert [p.name for p in fx_env.config.iterdir()] == sorted(["config.toml", "config.toml.bak"])


def test_enable_under_a_wildcard_adds_to_enabled(fx_env: FxEnv) -> None:
    write(fx_env, '[plugins]\ndisabled = ["*"]\n')
    set_plugin_enabled(fx_env.config_file, "groove", True)
    assert Config.load().disabled_by("groove") is None


def test_editing_refuses_a_broken_file(fx_env: FxEnv) -> None:
    write(fx_env, "strict = [")
    with pytest.raises(UserError, match="not valid TOML"):
        set_plugin_enabled(fx_env.config_file, "x", False)
    assert fx_env.config_file.read_text() == "strict = ["


@pytest.mark.parametrize(
    ("how", "source"),
    [("file", "{file}"), ("env", "LMMS_MAGENTA_DISABLE"), ("flag", "--disable")],
)
def test_disabling_names_where_in_plugin_states(
    fx_dists, fx_env: FxEnv, monkeypatch, how: str, source: str
) -> None:
    kwargs = {}
    if how == "file":
        write(fx_env, '[plugins]\ndisabled = ["fxpattern"]\n')
    elif how == "env":
        monkeypatch.setenv("LMMS_MAGENTA_DISABLE", "fxpattern")
    else:
        kwargs["disable"] = ["fxpattern"]
    source = source.format(file=fx_env.config_file)
    infos = Kernel(path=[fx_dists["good"]], **kwargs).plugins
    assert (infos["fxpattern"].state, infos["fxpattern"].reason) == (
        "disabled",
        f"disabled by {source}",
    )
    assert not infos["fxpattern"].problem
    assert infos["fxgroove"].reason == f"requires 'fxpattern', which is disabled ({source})"
    assert infos["fxgroove"].problem
