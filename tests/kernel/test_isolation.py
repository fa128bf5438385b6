"""Isolation: a plugin that fails to import or raises in a hook is contained; strict mode."""

from __future__ import annotations

import pytest
from fx_support import FxEnv

from lmms_magenta import Kernel, PluginError, UserError

IMPORT_FAILED = "import failed: ModuleNotFoundError: No module named 'fx_no_such_module'"


def test_import_error_breaks_only_that_plugin_and_its_dependents(fx_dists, fx_env: FxEnv) -> None:
    kernel = Kernel(path=[fx_dists["good"], fx_dists["bad"]])
    kernel.load()
    infos = kernel.plugins
    assert (infos["fximportfail"].state, infos["fximportfail"].reason) == ("broken", IMPORT_FAILED)
    assert infos["fxdependsfail"].state == "disabled"
    assert (
        infos["fxdependsfail"].reason
        == f"requires 'fximportfail', which is broken ({IMPORT_FAILED})"
    )
    assert not infos["fxdependsfail"].loaded
    assert kernel.plugin_manager.get_plugin("fxdependsfail") is None
    assert sorted(kernel.features()) == ["fxgroove.humanize", "fxpattern.generate"]
    assert {p.name for p in kernel.problems()} >= {"fximportfail", "fxdependsfail", "fxraises"}


def test_raising_hook_breaks_its_plugin_others_keep_working(fx_dists, fx_env: FxEnv) -> None:
    kernel = Kernel(path=[fx_dists["good"], fx_dists["bad"]])
    results = kernel.call("lmms_magenta_features")
    assert sorted(name for name, _ in results) == ["fxgroove", "fxpattern"]
    raises = kernel.plugins["fxraises"]
    assert (raises.state, raises.reason) == (
        "broken",
        "lmms_magenta_features failed: RuntimeError: boom",
    )
    dependent = kernel.plugins["fxraisesdep"]
    assert dependent.state == "disabled"
    assert "requires 'fxraises', which is broken (lmms_magenta_features failed" in dependent.reason
    # pluggy's own call path no longer sees them either
    assert kernel.plugin_manager.get_plugin("fxraises") is None
    names = [impl.plugin_name for impl in kernel.hook.lmms_magenta_features.get_hookimpls()]
    assert sorted(names) == ["fxgroove", "fxpattern"]


def test_feature_runs_and_unknown_feature_lists_known(fx_dists, fx_env: FxEnv) -> None:
    kernel = Kernel(path=[fx_dists["good"]])
    result = kernel.feature("fxgroove.humanize")(kernel, bars=4)
    assert result == {"plugin": "fxgroove", "params": {"bars": 4}}
    with pytest.raises(UserError, match=r"unknown feature 'fxgroove\.humanise' \(did you mean "
                       r"'fxgroove\.humanize'\?\); known features: fxgroove\.humanize, "
                       r"fxpattern\.generate"):  # fmt: skip
        kernel.feature("fxgroove.humanise")


def test_contribution_hooks_are_called_once(fx_dists, fx_env: FxEnv) -> None:
    kernel = Kernel(path=[fx_dists["good"]])
    first = kernel.contributions("lmms_magenta_cli_commands")
    assert [(n, c.name) for n, c in first] == [("fxtools", "fxhello"), ("fxtools", "fxcrash")]
    assert kernel.contributions("lmms_magenta_cli_commands") == first


def test_lifecycle_order(fx_dists, fx_env: FxEnv) -> None:
    with Kernel(path=[fx_dists["good"]]) as kernel:
        order = kernel.load_order
        assert order == ["fxbackend", "fxpattern", "fxgroove", "fxtools"]
    expected = [f"configure:{n}" for n in order] + [f"startup:{n}" for n in order]
    expected += [f"shutdown:{n}" for n in reversed(order)]
    assert fx_env.events() == expected


def test_shutdown_runs_after_an_error_in_the_block(fx_dists, fx_env: FxEnv) -> None:
    with pytest.raises(ZeroDivisionError), Kernel(path=[fx_dists["good"]]):
        1 / 0  # noqa: B018
    assert fx_env.events()[-1] == "shutdown:fxbackend"
    assert len([e for e in fx_env.events() if e.startswith("shutdown:")]) == 4


def test_load_names_loads_requirements_only(fx_dists, fx_env: FxEnv) -> None:
    kernel = Kernel(path=[fx_dists["good"]])
    kernel.load(["fxgroove"])
    assert [n for n, i in kernel.plugins.items() if i.loaded] == ["fxgroove", "fxpattern"]
    with pytest.raises(UserError, match="unknown plugin 'nope'"):
        kernel.load(["nope"])


def test_loading_a_disabled_plugin_by_name_says_why(fx_dists, fx_env: FxEnv) -> None:
    kernel = Kernel(path=[fx_dists["good"]], disable=["fxpattern"])
    with pytest.raises(PluginError, match="plugin 'fxgroove' is disabled: requires 'fxpattern'"):
        kernel.load(["fxgroove"])


def test_strict_mode_raises_on_any_problem(fx_dists, fx_env: FxEnv) -> None:
    with pytest.raises(PluginError, match=r"plugin 'fxcyca' is broken: dependency cycle.*strict"):
        Kernel(path=[fx_dists["good"], fx_dists["bad"]], strict=True).load()


def test_strict_mode_from_env_raises_on_import_error(fx_dists, fx_env: FxEnv, monkeypatch) -> None:
    monkeypatch.setenv("LMMS_MAGENTA_STRICT", "1")
    kernel = Kernel(path=[fx_dists["bad"]])
    assert kernel.config.strict
    with pytest.raises(PluginError, match="plugin 'fximportfail' is broken: import failed"):
        kernel.load(["fximportfail"])


def test_strict_mode_raises_on_a_raising_hook(fx_dists, fx_env: FxEnv) -> None:
    others = ["fxcyca", "fxcycb", "fxneedscycle", "fxneedsmissing", "fxnewkernel"]
    others += ["fxoldgroove", "fximportfail", "fxdependsfail", "fxraisesdep"]
    kernel = Kernel(path=[fx_dists["bad"]], strict=True, disable=others)
    kernel.load()  # user-disabled plugins are not a problem in strict mode
    with pytest.raises(PluginError, match="lmms_magenta_features failed: RuntimeError: boom"):
        kernel.features()


def test_strict_mode_accepts_user_disabled_plugins(fx_dists, fx_env: FxEnv) -> None:
    kernel = Kernel(path=[fx_dists["good"]], strict=True, disable=["fxtools"])
    kernel.load()
    assert sorted(kernel.features()) == ["fxgroove.humanize", "fxpattern.generate"]
    # ... but not a plugin disabled because its requirement was disabled
    with pytest.raises(PluginError, match="fxgroove' is disabled: requires 'fxpattern'"):
        Kernel(path=[fx_dists["good"]], strict=True, disable=["fxpattern"]).load()


def test_call_rejects_unknown_hooks_and_missing_arguments(fx_dists, fx_env: FxEnv) -> None:
    kernel = Kernel(path=[fx_dists["good"]])
    with pytest.raises(ValueError, match="unknown hook"):
        kernel.call("lmms_magenta_nope")
    with pytest.raises(TypeError, match="missing argument"):
        kernel.call("lmms_magenta_startup")
