"""Benchmark: start-up cost of ``lmms-magenta plugins list`` with 50 installed plugins.

Creates a throwaway virtual environment (a real one, not ``--system-site-packages``),
installs the kernel from this checkout plus 50 generated dummy plugin distributions
(some requiring each other and the kernel with version ranges), then times, in the
same run and interleaved:

- ``python -c pass`` (the floor: interpreter start-up in that venv),
- ``lmms-magenta plugins list`` (piped, so plain text),
- ``lmms-magenta plugins list --json``,
- ``lmms-magenta plugins list`` with the plugin index deleted first (cold cache).

Reports the median of ``--runs`` runs each and the ratio to ``python -c pass``; the
goal is a ratio of at most 3 for the warm listing.

    python benchmarks/discovery.py            # ~1-2 minutes, needs PyPI for the kernel's deps
    python benchmarks/discovery.py --runs 21 --keep
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from common import kernel_folders_env, machine, once, table

ROOT = Path(__file__).resolve().parents[1]
N_PLUGINS = 50


def write_dummy_dists(where: Path, count: int) -> list[Path]:
    """``count`` tiny plugin dists; every 5th requires the previous one, all the kernel."""
    dists = []
    for i in range(count):
        name = f"bench{i:03d}"
        requires = ['"lmms-magenta>=0.1"']
        if i % 5 == 4:
            requires.append(f'"lmms-magenta-bench{i - 1:03d}>=0.1"')
        kind = "lmms-magenta-backend" if i % 10 == 0 else "lmms-magenta-feature"
        root = where / name
        (root / f"lmms_magenta_{name}").mkdir(parents=True)
        (root / "pyproject.toml").write_text(
            f"""[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"

[project]
name = "lmms-magenta-{name}"
version = "0.1.{i}"
description = "Benchmark dummy plugin {i}"
keywords = ["{kind}"]
dependencies = [{", ".join(requires)}]

[project.optional-dependencies]
extra = ["lmms-magenta-bench{(i + 1) % count:03d}"]

[project.entry-points."lmms_magenta.plugins"]
{name} = "lmms_magenta_{name}"

[tool.setuptools]
packages = ["lmms_magenta_{name}"]
"""
        )
        (root / f"lmms_magenta_{name}" / "__init__.py").write_text(
            '"""Benchmark dummy plugin."""\n'
            "from lmms_magenta import hookimpl\n\n\n"
            "@hookimpl\ndef lmms_magenta_features():\n    return []\n"
        )
        dists.append(root)
    return dists


def make_venv(where: Path) -> Path:
    """A fresh venv with the kernel and the dummy plugins; returns its bin directory."""
    subprocess.run([sys.executable, "-m", "venv", str(where / "venv")], check=True)
    bindir = where / "venv" / "bin"
    pip = [str(bindir / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, "setuptools>=77", "wheel"], check=True)
    subprocess.run([*pip, str(ROOT)], check=True)  # the kernel and its dependencies
    dists = write_dummy_dists(where / "dists", N_PLUGINS)
    subprocess.run([*pip, "--no-deps", "--no-build-isolation", *map(str, dists)], check=True)
    return bindir


def run_once(cmd: list[str], env: dict[str, str], before: Path | None = None) -> float:
    """Seconds of one run of ``cmd``, after deleting ``before`` (a cache) if given."""
    if before is not None:
        shutil.rmtree(before, ignore_errors=True)
    seconds, _ = once(lambda: subprocess.run(cmd, env=env, capture_output=True, check=True))
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=11, help="runs per command (median)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary venv")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="lmms-magenta-bench-"))
    try:
        print(f"setting up a venv with the kernel and {N_PLUGINS} plugins in {work} ...")
        bindir = make_venv(work)
        env = {k: v for k, v in os.environ.items() if not k.startswith("LMMS_MAGENTA_")}
        env.update(kernel_folders_env(work))
        python, cli = str(bindir / "python"), str(bindir / "lmms-magenta")
        listing = subprocess.run(
            [cli, "plugins", "list"], env=env, capture_output=True, text=True, check=True
        ).stdout
        enabled = sum(" enabled" in line for line in listing.splitlines())
        print(f"{len(listing.splitlines()) - 1} plugins listed, {enabled} enabled")

        commands = {
            "python -c pass": ([python, "-c", "pass"], None),
            "lmms-magenta plugins list": ([cli, "plugins", "list"], None),
            "lmms-magenta plugins list --json": ([cli, "plugins", "list", "--json"], None),
            "plugins list, cold index": ([cli, "plugins", "list"], work / "cache" / "plugins"),
        }
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.runs):  # interleaved, so machine noise hits all alike
            for name, (cmd, clear) in commands.items():
                times[name].append(run_once(cmd, env, clear))
        base = statistics.median(times["python -c pass"])

        print()
        print(f"date: {datetime.date.today().isoformat()}, {platform.platform()}")
        print(f"machine: {machine()}, runs: {args.runs} each (median)")
        print()
        columns = ["command", "median ms:", "min ms:", "ratio to `python -c pass`:"]
        cells = [
            (
                f"`{name}`",
                f"{statistics.median(values) * 1000:.1f}",
                f"{min(values) * 1000:.1f}",
                f"{statistics.median(values) / base:.2f}",
            )
            for name, values in times.items()
        ]
        print(table(columns, cells))
        ratio = statistics.median(times["lmms-magenta plugins list"]) / base
        print()
        print(f"goal: ratio <= 3 for the warm `plugins list`: {'met' if ratio <= 3 else 'NOT met'}")
        return 0 if ratio <= 3 else 1
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
