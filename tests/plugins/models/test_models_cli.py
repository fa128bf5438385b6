"""`lmms-magenta models ...`: output, --json, exit codes (UserError: one line, exit 2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from models_helpers import DRUMS_TASK, mlp_decoder, model_dir
from onnx import TensorProto

from lmms_magenta.cli import main


@pytest.fixture
def cli(env, monkeypatch, capsys):
    """Run the real CLI in-process with the fixture plugins on sys.path."""
    monkeypatch.syspath_prepend(str(env.plugin_dirs[0]))

    def run(*args: str) -> tuple[int, str, str]:
        """Exit code, stdout, and stderr without the fixture plugins' warning lines.

        The fixture models use test-local tasks (``fx-*``) that no real feature
        defines, so the installed feature plugins may stay enabled; the assertions
        only look at the fixture models.
        """
        code = main(list(args))
        out, err = capsys.readouterr()
        run.raw_err = err  # type: ignore[attr-defined]
        lines = err.splitlines(keepends=True)
        return code, out, "".join(line for line in lines if "warning:" not in line)

    return run


def test_list_json_and_text(cli, env) -> None:
    model_dir(env.store / "mine" / "1.0.0", name="mine")
    code, out, err = cli("models", "list", "--json")
    assert code == 0
    rows = {r["name"]: r for r in json.loads(out)}
    assert rows["fx-drums"]["status"] == "installed"
    assert rows["fx-drums"]["origin"] == "shipped"
    assert rows["fx-drums"]["precisions"] == ["fp32"]
    assert rows["mine"]["origin"] == "store"
    assert rows["fx-rnn"]["task"] == "fx-rnn-step"
    assert "fx-broken" not in rows
    assert err == ""
    warnings = cli.raw_err.splitlines()
    assert all(w.startswith("lmms-magenta: warning: ") for w in warnings)
    assert any("fx-broken" in w and "unknown key(s) colour" in w for w in warnings)
    code, out, _ = cli("models", "list")
    assert code == 0
    header = out.splitlines()[0].split()
    assert header == ["NAME", "VERSION", "TASK", "PRECISIONS", "SOURCE", "STATUS", "LOADED"]
    assert any(line.startswith("mine ") for line in out.splitlines())


def test_info(cli) -> None:
    code, out, _ = cli("models", "info", "fx-drums")
    assert code == 0
    assert f"task:      {DRUMS_TASK}" in out
    assert "inputs: z float32[batch, z_dim]" in out
    assert "license:   Apache-2.0" in out
    assert "metric:    validation.loss = 1.5" in out
    code, out, _ = cli("models", "info", "fx-rnn", "--json")
    doc = json.loads(out)
    assert doc["manifest"]["name"] == "fx-rnn" and doc["origin"] == "shipped"
    assert set(doc["contract"]["inputs"]) == {"token", "h"}


def test_user_errors_are_one_line_with_exit_2(cli, tmp_path: Path) -> None:
    bad = mlp_decoder(tmp_path / "bad.onnx", z_dtype=TensorProto.INT64, out_name="x")
    code, out, err = cli("models", "import", str(bad), "--task", DRUMS_TASK)
    assert code == 2
    assert out == ""
    (line,) = err.splitlines()
    assert line.startswith(f"lmms-magenta: error: {bad}: model does not fit the contract")
    assert "2 mismatches" in line
    for args in (
        ("models", "info", "nope"),
        ("models", "remove", "fx-drums"),
        ("models", "install", "x", "--index", "file:///etc/passwd"),
        ("models", "convert", "fx-drums"),
    ):  # missing --precision: usage error
        code, _, err = cli(*args)
        assert code == 2, args
        assert len(err.strip().splitlines()) == 1, err


def test_import_convert_verify_remove(cli, env, tmp_path: Path) -> None:
    source = mlp_decoder(tmp_path / "groovy.onnx")
    code, out, _ = cli(
        "models",
        "import",
        str(source),
        "--task",
        DRUMS_TASK,
        "--name",
        "groovy",
        "--version",
        "0.1",
    )
    assert code == 0 and out.startswith(f"imported groovy@0.1 (task {DRUMS_TASK})")
    code, out, _ = cli("models", "convert", "groovy", "--precision", "int8", "--samples", "2")
    assert code == 0
    assert "made the int8 variant of groovy@0.1: model.int8.onnx" in out
    assert "max |diff|" in out
    # one model at a time: a bare `verify` would also judge the installed features' models
    for spec, key in (("groovy", "groovy@0.1"), ("fx-drums", "fx-drums@1.0.0")):
        code, out, _ = cli("models", "verify", spec, "--json")
        assert code == 0
        assert [(r["model"], r["ok"]) for r in json.loads(out)] == [(key, True)]
    (env.store / "groovy" / "0.1" / "model.int8.onnx").write_bytes(b"tampered")
    code, out, err = cli("models", "verify", "groovy")
    assert code == 2
    assert "groovy@0.1 (user store): FAILED" in out
    assert err.strip() == "lmms-magenta: error: 1 model(s) failed verification: groovy@0.1"
    code, out, _ = cli("models", "remove", "groovy@0.1")
    assert code == 0 and out.startswith("removed groovy@0.1")
    assert env.store_listing() == []


def test_install_from_a_loopback_index(cli, env, server, tmp_path: Path) -> None:
    server.publish(model_dir(tmp_path / "pub" / "far", name="far-drums"))
    code, out, _ = cli("models", "list", "--json", "--index", server.url + "index.json")
    assert {r["name"]: r["status"] for r in json.loads(out)}["far-drums"] == "available"
    code, out, err = cli("models", "install", "far-drums", "--index", server.url + "index.json")
    assert code == 0, err
    assert out.strip() == f"installed far-drums@1.0.0 into {env.store / 'far-drums' / '1.0.0'}"
    code, out, _ = cli("models", "list", "--json", "--index", server.url + "index.json")
    assert {r["name"]: r["status"] for r in json.loads(out)}["far-drums"] == "installed"
