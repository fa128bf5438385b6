"""``lmms-magenta plugins ...`` and the CLI's error handling, run as real processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from fx_support import FxEnv, cli

from lmms_magenta.cli import main

HEAVY = ("onnxruntime", "openvino", "pyopencl", "ncnn", "torch", "PySide6")


def fx_rows(stdout: str) -> dict[str, dict[str, object]]:
    return {r["name"]: r for r in json.loads(stdout) if r["name"].startswith("fx")}


def test_list_json(fx_dists, fx_env: FxEnv) -> None:
    proc = cli([fx_dists["good"], fx_dists["bad"]], "plugins", "list", "--json")
    assert proc.returncode == 0, proc.stderr
    rows = fx_rows(proc.stdout)
    assert len(rows) == 14
    groove = rows["fxgroove"]
    assert groove["version"] == "0.1.0"
    assert groove["dist"] == "lmms-magenta-fxgroove"
    assert groove["requires"] == ["lmms-magenta-fxpattern>=0.2"]
    assert {"name", "version", "kind", "state", "reason", "summary"} <= set(groove)
    assert rows["fxcyca"]["state"] == "broken"
    assert rows["fxneedsmissing"]["reason"].endswith("pip install lmms-magenta-fxabsent")


@pytest.mark.parametrize("args", [["plugins", "list"], ["plugins", "list", "--json"]])
def test_list_imports_no_plugin_and_nothing_heavy(fx_dists, fx_env: FxEnv, args) -> None:
    for _ in range(2):  # cold (metadata scan), then warm (cached index)
        env = {**os.environ, "PYTHONPATH": f"{fx_dists['good']}{os.pathsep}{fx_dists['bad']}"}
        code = "import sys; from lmms_magenta.cli import main; sys.exit(main(sys.argv[1:]))"
        proc = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", code, *args],
            env=env,
            capture_output=True,
            text=True,
        )
        assert proc.returncode == 0, proc.stderr
        imported = {
            line.split("|")[-1].strip()
            for line in proc.stderr.splitlines()
            if line.startswith("import time:")
        }
        assert "lmms_magenta.kernel" in imported
        top = {name.split(".")[0] for name in imported}
        assert not {n for n in top if n.startswith("lmms_magenta_fx")}
        assert not top & set(HEAVY)
        assert not top & {"click", "pluggy", "rich"}  # piped output: the fast path


def test_fast_path_prints_what_the_click_command_prints(fx_dists, fx_env: FxEnv) -> None:
    dirs = [fx_dists["good"], fx_dists["bad"]]
    for extra in ([], ["--json"]):
        fast = cli(dirs, "plugins", "list", *extra)
        # a global option takes the click route to the same command
        slow = cli(dirs, "--no-trace", "plugins", "list", *extra)
        assert fast.returncode == slow.returncode == 0
        assert fast.stdout == slow.stdout
    assert fast.stdout.startswith("[")
    table = cli(dirs, "plugins", "list").stdout.splitlines()
    assert table[0].split() == ["NAME", "VERSION", "KIND", "STATE", "REASON"]
    assert ["fxbackend", "1.0.0", "backend", "enabled"] in [line.split()[:4] for line in table]


def test_info_shows_requirement_status(fx_dists, fx_env: FxEnv) -> None:
    proc = cli([fx_dists["good"]], "plugins", "info", "fxgroove", "--json")
    data = json.loads(proc.stdout)
    assert data["requires"][0]["requirement"] == "lmms-magenta-fxpattern>=0.2"
    assert data["requires"][0]["ok"]
    assert data["optional"][0]["problem"] == "not installed"
    assert data["optional"][0]["extra"] == "melody"
    text = cli([fx_dists["good"]], "plugins", "info", "fxgroove").stdout
    assert "optional: lmms-magenta-fxmelody>=1.0 [extra melody]: not installed" in text
    missing = cli([fx_dists["good"]], "plugins", "info", "nope")
    assert missing.returncode == 2
    assert missing.stderr.startswith("lmms-magenta: error: no plugin named 'nope' is installed")
    assert len(missing.stderr.splitlines()) == 1


def test_check_exits_2_on_problems(fx_dists, fx_env: FxEnv) -> None:
    good = cli([fx_dists["good"]], "plugins", "check", "--json")
    assert good.returncode == 0, good.stderr
    report = json.loads(good.stdout)
    assert report["ok"]
    by_name = {row["name"]: row for row in report["plugins"]}
    assert all(row["state"] == "enabled" for n, row in by_name.items() if n.startswith("fx"))
    assert by_name["fxtools"]["contributes"] == {"cli_commands": 2}
    assert by_name["fxgroove"]["contributes"] == {"features": 1}

    bad = cli([fx_dists["good"], fx_dists["bad"]], "plugins", "check")
    assert bad.returncode == 2
    assert "fximportfail" in bad.stdout and "import failed: ModuleNotFoundError" in bad.stdout
    assert "fxraises" in bad.stdout and "lmms_magenta_features failed" in bad.stdout
    assert bad.stdout.splitlines()[-1].endswith("plugins ok; 10 with problems")


def test_enable_disable_edit_the_config_file(fx_dists, fx_env: FxEnv) -> None:
    proc = cli([fx_dists["good"]], "plugins", "disable", "fxtools")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"disabled 'fxtools' in {fx_env.config_file}"
    tools = fx_rows(cli([fx_dists["good"]], "plugins", "list", "--json").stdout)["fxtools"]
    assert tools["reason"] == f"disabled by {fx_env.config_file}"
    still = cli([fx_dists["good"]], "--disable", "fxtools", "plugins", "enable", "fxtools")
    assert "warning: 'fxtools' is still disabled by --disable" in still.stderr
    rows = fx_rows(cli([fx_dists["good"]], "plugins", "list", "--json").stdout)
    assert rows["fxtools"]["state"] == "enabled"


def test_global_flags_enable_and_disable(fx_dists, fx_env: FxEnv) -> None:
    proc = cli([fx_dists["good"]], "--disable", "fxpattern", "plugins", "list", "--json")
    rows = fx_rows(proc.stdout)
    assert rows["fxpattern"]["reason"] == "disabled by --disable"
    assert rows["fxgroove"]["reason"] == "requires 'fxpattern', which is disabled (--disable)"


def test_plugin_command_runs(fx_dists, fx_env: FxEnv) -> None:
    proc = cli([fx_dists["good"]], "fxhello")
    assert (proc.returncode, proc.stdout) == (0, "hello from fxtools\n")


def test_feature_group_from_feature_names(fx_dists, fx_env: FxEnv) -> None:
    proc = cli([fx_dists["good"]], "fxgroove", "--help")
    assert proc.returncode == 0, proc.stderr
    assert "humanize" in proc.stdout


def test_broken_config_file_is_one_line_exit_2(fx_dists, fx_env: FxEnv) -> None:
    fx_env.config_file.write_text("strict = [")
    for args in (["plugins", "list"], ["plugins", "check"]):
        proc = cli([fx_dists["good"]], *args)
        assert proc.returncode == 2
        lines = proc.stderr.splitlines()
        assert len(lines) == 1
        assert lines[0].startswith(
            f"lmms-magenta: error: {fx_env.config_file}: the config file is not valid TOML"
        )


def test_usage_error_is_one_line_exit_2(fx_dists, fx_env: FxEnv) -> None:
    proc = cli([fx_dists["good"]], "plugins", "lsit")
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [
        "lmms-magenta: error: No such command 'lsit'. Did you mean 'list'? "
        "(see 'lmms-magenta plugins --help')"
    ]


def test_internal_error_is_one_line_exit_1_unless_debug(fx_dists, fx_env: FxEnv) -> None:
    proc = cli([fx_dists["good"]], "fxcrash")
    assert proc.returncode == 1
    assert proc.stderr.splitlines() == [
        "lmms-magenta: internal error: ZeroDivisionError: fixture crash "
        "(run with --debug for the traceback)"
    ]
    debug = cli([fx_dists["good"]], "--debug", "fxcrash")
    assert debug.returncode == 1
    assert "Traceback (most recent call last)" in debug.stderr


def test_strict_flag_fails_on_broken_plugins(fx_dists, fx_env: FxEnv) -> None:
    proc = cli([fx_dists["good"], fx_dists["bad"]], "--strict", "plugins", "check")
    assert proc.returncode == 2
    assert proc.stderr.startswith("lmms-magenta: error: plugin 'fxcyca' is broken")


def test_version(fx_env: FxEnv, capsys) -> None:
    from lmms_magenta import __version__

    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"lmms-magenta {__version__}\n"
