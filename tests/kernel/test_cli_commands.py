"""Which command gets a CLI name when plugins (and the kernel) want the same one.

Real fixture dists, run as real processes: ``fxcustom`` has features ``fxcustom.*`` and
its own ``fxcustom`` group; ``fxrival`` wants names that ``fxgroove`` (features),
``fxtools`` (a command), ``fxcustom`` (a command) and the kernel (``plugins``) use.
"""

from __future__ import annotations

import json
from pathlib import Path

from fx_support import FxEnv, cli


def _warnings(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("lmms-magenta: warning:")]


def test_own_command_replaces_own_feature_group_silently(
    fx_dists: dict[str, Path], fx_env: FxEnv
) -> None:
    dirs = [fx_dists["good"], fx_dists["custom"]]
    proc = cli(dirs, "fxcustom", "run")
    assert (proc.returncode, proc.stdout) == (0, "hand-written fxcustom run\n"), proc.stderr
    assert _warnings(proc.stderr) == []
    listing = cli(dirs, "--help")
    assert listing.returncode == 0 and _warnings(listing.stderr) == []
    assert [line.split()[0] for line in listing.stdout.splitlines() if "fxcustom" in line] == [
        "fxcustom"
    ]
    # the feature is still offered (to Python and the panels)
    check = cli(dirs, "plugins", "check", "--json")
    rows = {row["name"]: row for row in json.loads(check.stdout)["plugins"]}
    assert rows["fxcustom"]["contributes"] == {"features": 1, "cli_commands": 1}


def test_between_plugins_the_first_in_load_order_wins(
    fx_dists: dict[str, Path], fx_env: FxEnv
) -> None:
    dirs = [fx_dists["good"], fx_dists["custom"], fx_dists["rival"]]
    # fxgroove loads before fxrival: its feature group beats fxrival's command
    groove = cli(dirs, "fxgroove", "--help")
    assert groove.returncode == 0 and "humanize" in groove.stdout, groove.stderr
    # fxcustom loads before fxrival: its command hides fxrival's feature fxcustom.extra
    custom = cli(dirs, "fxcustom", "extra")
    assert custom.returncode == 2 and "No such command 'extra'" in custom.stderr
    # fxrival loads before fxtools: its fxhello wins
    hello = cli(dirs, "fxhello")
    assert (hello.returncode, hello.stdout) == (0, "hello from fxrival\n")
    assert sorted(_warnings(cli(dirs, "--help").stderr)) == [
        "lmms-magenta: warning: command 'fxgroove' of plugin 'fxrival' is ignored: "
        "the features 'fxgroove.*' of plugin 'fxgroove' come first in load order",
        "lmms-magenta: warning: command 'fxhello' of plugin 'fxtools' is ignored: "
        "plugin 'fxrival' provides it too",
        "lmms-magenta: warning: features 'fxcustom.*' of plugin 'fxrival' are hidden by "
        "the command 'fxcustom' of plugin 'fxcustom'",
        "lmms-magenta: warning: features 'plugins.*' of plugin 'fxrival' are hidden by "
        "the built-in command 'plugins'",
    ]
