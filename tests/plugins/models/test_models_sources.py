"""Where models come from: shipped in a real plugin dist, plugin folders, the store."""

from __future__ import annotations

import copy
import json
import shutil

import pytest
from lmms_magenta_models.repository import parse_spec
from models_helpers import (
    DRUMS_CONTRACT,
    DRUMS_TASK,
    RNN_TASK,
    contract_of,
    manifest_for,
    model_dir,
)

from lmms_magenta.errors import ModelError


def test_shipped_models_of_a_plugin_dist_are_listed(env) -> None:
    repo = env.repo()
    catalogue = repo.catalogue()
    found = {(e.manifest.name, e.origin, e.plugin) for e in catalogue.entries}
    assert ("fx-drums", "shipped", "fxshipped") in found
    assert ("fx-rnn", "shipped", "fxshipped") in found
    # the folder the plugin adds through lmms_magenta_model_sources
    assert ("fx-extra", "folder", None) in found


def test_plugin_source_objects_and_their_failures(env) -> None:
    kernel = env.kernel()
    from lmms_magenta_models import ModelRepository

    catalogue = ModelRepository.from_kernel(kernel).catalogue()
    (entry,) = [e for e in catalogue.entries if e.manifest.name == "fx-object"]
    assert entry.source == "fx object source"
    assert "fx offline source: RuntimeError: server is offline" in catalogue.problems
    assert any("returned a 'int' from lmms_magenta_model_sources" in w for w in kernel.warnings)
    assert kernel.plugins["fxshipped"].state == "enabled"  # a bad item does not break it


def test_a_broken_shipped_manifest_is_reported_and_skipped(env) -> None:
    catalogue = env.repo().catalogue()
    assert "fx-broken" not in {e.manifest.name for e in catalogue.entries}
    (problem,) = [p for p in catalogue.problems if "fx-broken" in p]
    assert "unknown key(s) colour" in problem
    assert problem.endswith("(put your own data in 'extra')")


def test_a_shipped_contract_registers_its_task(env) -> None:
    repo = env.repo()
    assert repo.tasks.owner(RNN_TASK) == "plugin 'fxshipped'"
    model = repo.resolve("fx-rnn", task=RNN_TASK)
    assert set(model.contract.inputs) == {"token", "h"}


def _store_model(env, name: str, task: str, contract: dict | None) -> None:
    """A store model (the fixture MLP) whose manifest names ``task`` and ``contract``."""
    folder = model_dir(env.store / name / "1.0.0", name=name)
    data = manifest_for(folder, name=name, task=task, contract=contract)
    (folder / "model.json").write_text(json.dumps(data), encoding="utf-8")


def test_a_registered_contract_wins_over_a_store_manifests_own(env) -> None:
    odd = copy.deepcopy(DRUMS_CONTRACT)
    odd["outputs"] = {"other": {"dtype": "float32", "shape": ["batch", 3]}}
    _store_model(env, "odd", DRUMS_TASK, odd)
    model = env.repo().resolve("odd", task=DRUMS_TASK)
    assert model.contract == contract_of(DRUMS_CONTRACT)


def test_an_unregistered_task_needs_the_manifests_own_contract(env) -> None:
    _store_model(env, "own", "my-own-task", DRUMS_CONTRACT)
    _store_model(env, "orphan", "no-such-feature-task", None)
    repo = env.repo()
    assert repo.resolve("own").contract == contract_of(DRUMS_CONTRACT)
    assert repo.tasks.get("my-own-task") is None  # only shipped manifests register tasks
    with pytest.raises(ModelError) as err:
        repo.resolve("orphan")
    message = str(err.value)
    assert message.startswith(f"{env.store / 'orphan' / '1.0.0' / 'model.json'}: ")
    assert f"unknown task 'no-such-feature-task' (known tasks: {DRUMS_TASK}, {RNN_TASK};" in message


def test_resolve_checks_the_task(env) -> None:
    with pytest.raises(ModelError, match=f"made for task '{DRUMS_TASK}', not 'groove-vae-2bar'"):
        env.repo().resolve("fx-drums", task="groove-vae-2bar")


def test_resolve_unknown_model_names_what_is_installed(env) -> None:
    with pytest.raises(ModelError) as err:
        env.repo().resolve("nope")
    assert "model 'nope' is not installed" in str(err.value)
    assert "fx-drums" in str(err.value)
    assert "lmms-magenta models install nope" in str(err.value)


def test_store_copy_wins_over_shipped_and_highest_version_wins(env) -> None:
    repo = env.repo()
    shipped = repo.resolve("fx-drums").entry
    store_copy = env.store / "fx-drums" / "1.0.0"
    shutil.copytree(shipped.folder, store_copy)
    model_dir(env.store / "fx-drums" / "0.9.0", name="fx-drums", version="0.9.0")
    repo.refresh()
    assert repo.resolve("fx-drums").entry.origin == "store"
    assert repo.resolve("fx-drums").manifest.version == "1.0.0"
    assert repo.resolve("fx-drums@0.9.0").manifest.version == "0.9.0"
    assert repo.resolve("fx-drums@<1").manifest.version == "0.9.0"
    with pytest.raises(ModelError, match=r"installed versions: 0\.9\.0, 1\.0\.0"):
        repo.resolve("fx-drums@2.0")


@pytest.mark.parametrize("spec", ["Bad Name", "x@not a version", "@1.0", ""])
def test_bad_specs_are_user_errors(spec: str) -> None:
    with pytest.raises(ModelError):
        parse_spec(spec)


def test_the_repository_is_one_per_kernel(env) -> None:
    from lmms_magenta_models import ModelRepository

    kernel = env.kernel()
    assert ModelRepository.from_kernel(kernel) is ModelRepository.from_kernel(kernel)
    assert ModelRepository.from_kernel(env.kernel()) is not ModelRepository.from_kernel(kernel)
