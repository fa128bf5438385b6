"""The pytest plugin the kernel ships for plugin authors (lmms_magenta.testing)."""

from __future__ import annotations

import os
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest
from sdk_dists import HELLO, write_dist

from lmms_magenta.errors import PluginError
from lmms_magenta.music import read_midi
from lmms_magenta.testing import (
    CliRunnerFn,
    KernelFactory,
    LmmsDirs,
    MidiFileFactory,
    MidiNote,
    read_midi_notes,
    write_midi_clip,
)

pytest_plugins = ["pytester"]


# --- isolated directories ----------------------------------------------------------------


def test_isolated_dirs_are_fresh_and_set_in_the_environment(
    lmms_isolated_dirs: LmmsDirs, tmp_path: Path
) -> None:
    dirs = lmms_isolated_dirs
    for path in (dirs.config, dirs.data, dirs.cache):
        assert path.is_dir() and not any(path.iterdir())
        assert tmp_path in path.parents
    assert os.environ["LMMS_MAGENTA_CONFIG_DIR"] == str(dirs.config)
    assert os.environ["LMMS_MAGENTA_DATA_DIR"] == str(dirs.data)
    assert os.environ["LMMS_MAGENTA_CACHE_DIR"] == str(dirs.cache)
    assert dirs.config_file == dirs.config / "config.toml"
    from lmms_magenta.config import Config

    config = Config.load()
    assert (config.config_dir, config.data_dir, config.cache_dir) == (
        dirs.config,
        dirs.data,
        dirs.cache,
    )


def test_isolated_dirs_drop_the_developers_settings(
    monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    monkeypatch.setenv("LMMS_MAGENTA_DISABLE", "*")
    monkeypatch.setenv("LMMS_MAGENTA_STRICT", "0")
    monkeypatch.setenv("LMMS_MAGENTA_BACKEND", "openvino")
    request.getfixturevalue("lmms_isolated_dirs")
    assert not {"LMMS_MAGENTA_DISABLE", "LMMS_MAGENTA_STRICT", "LMMS_MAGENTA_BACKEND"} & set(
        os.environ
    )


# --- kernels -----------------------------------------------------------------------------


def test_make_kernel_enables_exactly_the_chosen_plugins(
    sdk_site: Path, make_lmms_kernel: KernelFactory
) -> None:
    kernel = make_lmms_kernel(["sdkhello"])
    states = {name: info.state for name, info in kernel.plugins.items()}
    assert states["sdkhello"] == "enabled"
    assert states["sdkbroken"] == "disabled"  # not chosen, so never imported
    assert all(state == "disabled" for name, state in states.items() if name != "sdkhello")
    assert list(kernel.features()) == ["sdkhello.sing"]
    assert kernel.feature("sdkhello.sing")(kernel, word="dum", times=3) == "dum dum dum"


def test_make_kernel_is_strict_by_default(sdk_site: Path, make_lmms_kernel: KernelFactory) -> None:
    with pytest.raises(PluginError, match=r"sdkbroken.*nonexistent"):
        make_lmms_kernel(["sdkhello", "sdkbroken"])
    lenient = make_lmms_kernel(["sdkhello", "sdkbroken"], strict=False)
    assert lenient.plugins["sdkbroken"].state == "broken"
    assert "nonexistent" in lenient.plugins["sdkbroken"].reason
    assert "sdkhello.sing" in lenient.features()


def test_without_enable_every_plugin_on_the_path_is_enabled(
    sdk_site: Path, make_lmms_kernel: KernelFactory
) -> None:
    with pytest.raises(PluginError, match="sdkbroken"):
        make_lmms_kernel(path=[sdk_site])
    kernel = make_lmms_kernel(path=[sdk_site], strict=False)
    states = {name: info.state for name, info in kernel.plugins.items()}
    assert states == {"sdkbroken": "broken", "sdkhello": "enabled"}


def test_make_kernel_searches_only_the_given_path(
    tmp_path: Path, make_lmms_kernel: KernelFactory
) -> None:
    site = tmp_path / "elsewhere"
    write_dist(site, "sdkhello", HELLO)
    assert str(site) not in sys.path
    kernel = make_lmms_kernel(["sdkhello"], path=[site], load=False)
    assert list(kernel.plugins) == ["sdkhello"]  # nothing from the venv's site-packages
    kernel.load()
    assert kernel.plugins["sdkhello"].loaded


def test_sys_path_and_plugin_modules_are_restored_after_the_test(pytester: pytest.Pytester) -> None:
    site = pytester.path / "site"
    write_dist(site, "sdkhello", HELLO)
    log = pytester.path / "events.log"
    pytester.makepyfile(
        f"""
        import sys

        def test_uses_a_kernel(make_lmms_kernel, monkeypatch):
            monkeypatch.setenv("SDKHELLO_LOG", {str(log)!r})
            kernel = make_lmms_kernel(["sdkhello"], path=[{str(site)!r}, *sys.path])
            kernel.startup()
            assert "lmms_magenta_sdkhello" in sys.modules

        def test_afterwards():
            assert {str(site)!r} not in sys.path
            assert "lmms_magenta_sdkhello" not in sys.modules
        """
    )
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)
    assert log.read_text().split() == ["startup", "shutdown"]


def test_the_marker_picks_the_plugins_of_lmms_kernel(pytester: pytest.Pytester) -> None:
    site = pytester.path / "site"
    write_dist(site, "sdkhello", HELLO)
    pytester.makepyfile(
        f"""
        import sys
        import pytest

        sys.path.insert(0, {str(site)!r})

        @pytest.mark.lmms_plugins("sdkhello")
        def test_marked(lmms_kernel):
            enabled = [n for n, i in lmms_kernel.plugins.items() if i.state == "enabled"]
            assert enabled == ["sdkhello"]
            assert lmms_kernel.plugins["sdkhello"].loaded

        """
    )
    # --strict-markers: the marker must be registered by the plugin itself
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "--strict-markers")
    result.assert_outcomes(passed=1)


# --- the CLI -----------------------------------------------------------------------------


def test_cli_lists_plugins_as_json(sdk_site: Path, lmms_cli: CliRunnerFn) -> None:
    result = lmms_cli("plugins", "list", "--json", enable=["sdkhello"])
    assert result.ok, result
    states = {row["name"]: row["state"] for row in result.json()}
    assert states["sdkhello"] == "enabled" and states["sdkbroken"] == "disabled"
    assert result.stderr == ""


def test_cli_runs_a_feature_command(sdk_site: Path, lmms_cli: CliRunnerFn) -> None:
    result = lmms_cli("sdkhello", "sing", "--word", "dum", "--times", "2", enable=["sdkhello"])
    assert (result.exit_code, result.stdout) == (0, "dum dum\n"), result


def test_cli_errors_are_one_line_with_exit_code_2(sdk_site: Path, lmms_cli: CliRunnerFn) -> None:
    result = lmms_cli("sdkhello", "sing", "--times", "99", enable=["sdkhello"])
    assert result.exit_code == 2, result
    assert len(result.stderr.strip().splitlines()) == 1 and "times" in result.stderr
    assert lmms_cli("no-such-command").exit_code == 2


def test_cli_strict_mode_reports_a_broken_chosen_plugin(
    sdk_site: Path, lmms_cli: CliRunnerFn
) -> None:
    strict = lmms_cli("plugins", "check", enable=["sdkhello", "sdkbroken"])
    assert strict.exit_code == 2, strict
    assert "sdkbroken" in strict.stderr + strict.stdout
    lenient = lmms_cli("plugins", "list", "--json", enable=["sdkbroken"], strict=False)
    assert lenient.ok, lenient


def test_cli_uses_the_isolated_config(lmms_isolated_dirs: LmmsDirs, lmms_cli: CliRunnerFn) -> None:
    result = lmms_cli("plugins", "disable", "somefeature")
    assert result.ok, result
    assert "somefeature" in lmms_isolated_dirs.config_file.read_text()


# --- MIDI helpers ------------------------------------------------------------------------


def test_midi_clip_round_trip_agrees_with_the_kernel_reader(
    lmms_midi_file: MidiFileFactory,
) -> None:
    notes = [
        MidiNote(60, 0, 1, 90),
        MidiNote(64, Fraction(1, 3), Fraction(2, 3), 70),
        MidiNote(60, 1, 0.5),  # the same pitch again right after the first one ends
        MidiNote(36, 0, Fraction(1, 4), 120, channel=9),
    ]
    path = lmms_midi_file(notes, name="mixed", bpm=90.0, meter=(3, 4))
    assert path.name == "mixed.mid"
    assert read_midi_notes(path) == sorted(notes, key=lambda n: (n.start, n.pitch, n.channel))
    song = read_midi(path)
    assert (song.bpm, str(song.meter), song.ppq) == (90.0, "3/4", 480)
    from_kernel = sorted(
        (n.pitch, Fraction(n.start, 480), Fraction(n.length, 480), n.velocity, n.channel)
        for clip in song.clips
        for n in clip.notes
    )
    assert from_kernel == sorted(tuple(n) for n in read_midi_notes(path))


def test_write_midi_clip_refuses_notes_off_the_grid(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="grid"):
        write_midi_clip(tmp_path / "x.mid", [MidiNote(60, Fraction(1, 7), 1)], ppq=96)


def test_the_plugin_module_is_cheap_to_import() -> None:
    heavy = ("mido", "click", "numpy", "lmms_magenta.kernel", "lmms_magenta.music")
    code = f"import sys, lmms_magenta.testing; print([m for m in {heavy!r} if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
