"""Dependency resolution where a user sees it: the demo needs pattern, groove and gain.

The demo's distribution requires the three feature distributions; the kernel reads
that from its metadata and disables the demo, with the reason, when one of them is
disabled - without importing any plugin.
"""

from __future__ import annotations

import importlib.metadata
import shutil
from pathlib import Path

import pytest

from lmms_magenta.kernel import Kernel
from lmms_magenta.testing import CliRunnerFn

NEEDED = ("pattern", "groove", "gain")


def test_the_demo_requires_the_three_feature_distributions(lmms_isolated_dirs: object) -> None:
    requires = set(Kernel().plugins["demo"].requires)
    assert requires >= {f"lmms-magenta-{name}>=0.1" for name in NEEDED}


@pytest.mark.parametrize("needed", NEEDED)
def test_disabling_a_needed_plugin_disables_the_demo_with_the_reason(
    needed: str, lmms_isolated_dirs: object
) -> None:
    kernel = Kernel(disable=[needed])
    info = kernel.plugins["demo"]
    assert info.state == "disabled" and info.problem
    assert info.reason == f"requires '{needed}', which is disabled (--disable)"
    assert "demo.song" not in kernel.features()


def _installed_without(missing: str, folder: Path) -> Path:
    """A folder holding the metadata of the demo and the kernel's other builtin
    distributions as installed here, but not ``missing``'s: an environment where the
    user never installed that package."""
    for dist in (
        "lmms-magenta",
        "lmms-magenta-models",
        "lmms-magenta-demo",
        *(f"lmms-magenta-{name}" for name in NEEDED),
    ):
        if dist == missing:
            continue
        info = importlib.metadata.distribution(dist)
        name = f"{dist.replace('-', '_')}-{info.version}.dist-info"
        shutil.copytree(Path(str(info.locate_file(name))), folder / name)
    return folder


@pytest.mark.parametrize("needed", NEEDED)
def test_a_missing_package_disables_the_demo_saying_what_to_install(
    needed: str, tmp_path: Path, lmms_isolated_dirs: object
) -> None:
    dist = f"lmms-magenta-{needed}"
    kernel = Kernel(path=[_installed_without(dist, tmp_path)])
    info = kernel.plugins["demo"]
    assert info.state == "disabled" and info.problem
    assert info.reason == (
        f"requires {dist}>=0.1, which is not installed: pip install '{dist}>=0.1'"
    )


def test_plugins_list_shows_why_the_demo_is_disabled(lmms_cli: CliRunnerFn) -> None:
    result = lmms_cli("plugins", "list", strict=False, env={"LMMS_MAGENTA_DISABLE": "gain"})
    assert result.exit_code == 0
    rows = {line.split()[0]: line for line in result.stdout.splitlines()[1:]}
    assert "disabled" in rows["demo"]
    assert "requires 'gain', which is disabled" in rows["demo"]


@pytest.mark.parametrize("how", ["flag", "environment"])
def test_the_demo_command_says_it_is_disabled_and_why(lmms_cli: CliRunnerFn, how: str) -> None:
    if how == "flag":
        result = lmms_cli("--disable", "gain", "demo", strict=False)
    else:
        result = lmms_cli("demo", strict=False, env={"LMMS_MAGENTA_DISABLE": "gain"})
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1, result.stderr  # one line, no traceback
    assert "plugin 'demo' is disabled" in result.stderr
    assert "requires 'gain', which is disabled" in result.stderr
    assert result.stdout == ""
