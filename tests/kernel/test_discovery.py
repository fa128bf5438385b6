"""Discovery: static facts from real installed dists, no imports, the cached index."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from fx_support import DISTS, FxEnv, pip_install_target

from lmms_magenta import Kernel
from lmms_magenta.discovery import fingerprint, index_file, search_dirs


def test_static_facts_come_from_metadata_without_import(fx_dists, fx_env: FxEnv) -> None:
    kernel = Kernel(path=[fx_dists["good"]])
    infos = kernel.plugins
    assert list(infos) == ["fxbackend", "fxgroove", "fxpattern", "fxtools"]
    groove = infos["fxgroove"]
    assert (groove.dist, groove.version, groove.kind) == (
        "lmms-magenta-fxgroove",
        "0.1.0",
        "feature",
    )
    assert groove.summary == "Fixture: groove, needs pattern"
    assert groove.module == "lmms_magenta_fxgroove"
    assert groove.requires == ("lmms-magenta-fxpattern>=0.2",)
    assert groove.optional == ("lmms-magenta-fxmelody>=1.0 [melody]",)
    assert infos["fxtools"].kind == "ui"
    assert infos["fxbackend"].kind == "backend"
    # an ordinary library requirement ("packaging") is pip's business, the kernel's is kept
    assert infos["fxpattern"].requires == ("lmms-magenta>=0.1",)
    assert all(info.state == "enabled" for info in infos.values())
    assert not [m for m in sys.modules if m.startswith("lmms_magenta_fx")]
    assert str(fx_dists["good"]) not in sys.path


def test_load_imports_from_a_path_directory(fx_dists, fx_env: FxEnv) -> None:
    kernel = Kernel(path=[fx_dists["good"]])
    kernel.load()
    assert "lmms_magenta_fxgroove" in sys.modules
    assert all(info.loaded for info in kernel.plugins.values())
    assert kernel.load_order.index("fxpattern") < kernel.load_order.index("fxgroove")


def test_second_kernel_reads_the_cached_index(fx_dists, fx_env: FxEnv) -> None:
    first = Kernel(path=[fx_dists["good"]])
    assert not first.index.from_cache
    second = Kernel(path=[fx_dists["good"]])
    assert second.index.from_cache
    assert list(second.plugins) == list(first.plugins)
    assert second.plugins["fxgroove"].optional == first.plugins["fxgroove"].optional
    cache = index_file(str(fx_env.cache), search_dirs([str(fx_dists["good"])]))
    assert json.loads(Path(cache).read_text())["format"] == 1


def test_cache_hit_imports_neither_importlib_metadata_nor_packaging(
    fx_dists, fx_env: FxEnv
) -> None:
    code = (
        "import sys; from lmms_magenta import Kernel;"
        f"k = Kernel(path=[{str(fx_dists['good'])!r}]); infos = k.plugins;"
        "print(k.index.from_cache, len(infos),"
        " 'importlib.metadata' in sys.modules, 'packaging' in sys.modules)"
    )
    run = lambda: subprocess.run(  # noqa: E731
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert run() == ["False", "4", "True", "True"]  # cold: scans metadata
    assert run() == ["True", "4", "False", "False"]  # warm: the JSON index only


def test_installing_and_removing_a_dist_invalidates_the_index(
    fx_dists, fx_env: FxEnv, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    shutil.copytree(fx_dists["good"], site)
    assert "fxlate" not in Kernel(path=[site]).plugins
    assert Kernel(path=[site]).index.from_cache

    src = tmp_path / "src"
    shutil.copytree(DISTS / "fxlate", src / "fxlate")
    pip_install_target([src / "fxlate"], site)  # a real pip install into the directory
    kernel = Kernel(path=[site])
    assert not kernel.index.from_cache
    assert kernel.plugins["fxlate"].version == "1.0.0"

    for entry in site.glob("lmms_magenta_fxlate*"):  # what `pip uninstall` removes
        shutil.rmtree(entry)
    kernel = Kernel(path=[site])
    assert not kernel.index.from_cache
    assert "fxlate" not in kernel.plugins


def test_fingerprint_changes_when_a_dist_info_is_rewritten(tmp_path: Path) -> None:
    info = tmp_path / "x-1.0.dist-info"
    info.mkdir()
    before = fingerprint([str(tmp_path)], "0.1.0")
    assert fingerprint([str(tmp_path)], "0.1.0") == before
    os.utime(info, ns=(1, 1))
    assert fingerprint([str(tmp_path)], "0.1.0") != before
    assert fingerprint([str(tmp_path)], "0.2.0") != fingerprint([str(tmp_path)], "0.1.0")


def test_corrupt_index_is_rebuilt(fx_dists, fx_env: FxEnv) -> None:
    Kernel(path=[fx_dists["good"]]).plugins  # noqa: B018 - writes the cache
    cache = Path(index_file(str(fx_env.cache), search_dirs([str(fx_dists["good"])])))
    cache.write_text("{not json")
    kernel = Kernel(path=[fx_dists["good"]])
    assert not kernel.index.from_cache
    assert len(kernel.plugins) == 4
    assert json.loads(cache.read_text())["format"] == 1


def test_unwritable_cache_dir_still_discovers(fx_dists, fx_env: FxEnv, monkeypatch) -> None:
    blocker = fx_env.cache / "file"
    blocker.write_text("")
    monkeypatch.setenv("LMMS_MAGENTA_CACHE_DIR", str(blocker))  # a file, not a directory
    assert len(Kernel(path=[fx_dists["good"]]).plugins) == 4


def test_first_directory_on_the_path_wins(fx_dists, fx_env: FxEnv, tmp_path: Path) -> None:
    kernel = Kernel(path=[fx_dists["good"], fx_dists["good"], tmp_path / "missing"])
    assert len(kernel.plugins) == 4
    assert search_dirs(["", "a", "a"]) == [os.getcwd(), os.path.abspath("a")]


def test_default_search_path_is_sys_path(fx_dists, fx_env: FxEnv, monkeypatch) -> None:
    assert "fxgroove" not in Kernel().plugins
    monkeypatch.syspath_prepend(str(fx_dists["good"]))
    assert "fxgroove" in Kernel().plugins


def test_package_import_is_cheap_and_public_names_resolve() -> None:
    code = (
        "import sys, lmms_magenta as m;"
        "heavy = {'pluggy', 'click', 'rich', 'numpy', 'mido', 'importlib.metadata'};"
        "print(sorted(heavy & set(sys.modules)));"
        "[getattr(m, name) for name in m.__all__];"
        "print(m.Kernel.__module__, m.hookimpl.project_name, m.Schema.__module__)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert out[0] == "[]"
    assert out[1].startswith("lmms_magenta.kernel lmms_magenta lmms_magenta.params")


def test_stale_index_files_are_pruned_on_a_rebuild(fx_dists, fx_env: FxEnv) -> None:
    stale = fx_env.cache / "plugins" / "index-0000dead.json"
    stale.parent.mkdir(parents=True)
    stale.write_text("{}")
    os.utime(stale, (1, 1))
    Kernel(path=[fx_dists["good"]]).plugins  # noqa: B018 - a cache miss writes + prunes
    assert not stale.exists()
    assert len(list(stale.parent.glob("index-*.json"))) == 1
