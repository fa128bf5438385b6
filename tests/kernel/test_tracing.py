"""Tracing: each hook call on stderr with hook, plugin and wall time."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from fx_support import FxEnv

from lmms_magenta import Kernel

LINE = re.compile(r"^lmms-magenta: trace: (?P<what>.+) \[(?P<who>[^\]]+)\] (?P<ms>\d+\.\d\d) ms$")


def traced(text: str) -> list[tuple[str, str]]:
    lines = [LINE.match(line) for line in text.splitlines()]
    assert all(lines), text
    return [(m["what"], m["who"]) for m in lines if m]


def test_trace_off_by_default(fx_dists, fx_env: FxEnv, capsys) -> None:
    Kernel(path=[fx_dists["good"]]).features()
    assert capsys.readouterr().err == ""


def test_each_plugin_call_is_traced(fx_dists, fx_env: FxEnv, capsys) -> None:
    kernel = Kernel(path=[fx_dists["good"]], trace=True)
    kernel.features()
    calls = traced(capsys.readouterr().err)
    assert calls[0] == ("discover (metadata scan)", "4 plugins")
    assert ("import", "fxgroove") in calls
    assert ("lmms_magenta_configure", "fxgroove") in calls
    features = [who for what, who in calls if what == "lmms_magenta_features"]
    assert features == ["fxpattern", "fxgroove"]  # load order, one line per plugin


def test_calls_through_pluggy_are_traced_by_monitoring(fx_dists, fx_env: FxEnv, capsys) -> None:
    kernel = Kernel(path=[fx_dists["good"]], trace=True)
    kernel.load()
    capsys.readouterr()
    kernel.hook.lmms_magenta_features()
    assert traced(capsys.readouterr().err) == [("lmms_magenta_features", "fxpattern,fxgroove")]


def test_env_variable_turns_tracing_on_in_the_cli(fx_dists, fx_env: FxEnv) -> None:
    code = "import sys; from lmms_magenta.cli import main; sys.exit(main(['plugins', 'check']))"
    env = {**os.environ, "LMMS_MAGENTA_TRACE": "1", "PYTHONPATH": str(fx_dists["good"])}
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    calls = traced(proc.stderr)
    assert ("lmms_magenta_startup", "fxtools") in calls
    assert ("lmms_magenta_shutdown", "fxbackend") in calls
