"""Bad inputs give one clear line naming the file and the problem, and exit code 2."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from groove_support import demo_project, funk_notes

from lmms_magenta.testing import CliResult, MidiNote, write_midi_clip

Cli = Callable[..., CliResult]


def _fails(result: CliResult, *words: str) -> None:
    assert result.exit_code == 2, result
    lines = [line for line in result.stderr.splitlines() if not line.startswith("seed: ")]
    assert len(lines) == 1, result
    assert lines[0].startswith("lmms-magenta: error: ")
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in lines[0], result


@pytest.mark.parametrize("command", ["humanize", "drumify"])
def test_empty_file(groove_cli: Cli, tmp_path: Path, command: str) -> None:
    empty = tmp_path / "empty.mid"
    empty.write_bytes(b"")
    _fails(groove_cli(command, empty, "-o", tmp_path / "o.mid"), "empty.mid", "empty")


def test_not_a_midi_file(groove_cli: Cli, tmp_path: Path) -> None:
    junk = tmp_path / "junk.mid"
    junk.write_bytes(b"RIFF....WAVEfmt not midi at all")
    _fails(groove_cli("humanize", junk, "-o", tmp_path / "o.mid"), "junk.mid")


def test_no_drums_in_the_clip(groove_cli: Cli, tmp_path: Path) -> None:
    melody = write_midi_clip(tmp_path / "melody.mid", [MidiNote(60 + i, i, 1) for i in range(8)])
    _fails(
        groove_cli("humanize", melody, "-o", tmp_path / "o.mid"),
        "melody.mid",
        "no drums",
        "channel 10",
    )


def test_drum_channel_without_known_drums(groove_cli: Cli, tmp_path: Path) -> None:
    odd = write_midi_clip(tmp_path / "odd.mid", [MidiNote(21, i, 1, 100, 9) for i in range(4)])
    _fails(groove_cli("humanize", odd, "-o", tmp_path / "o.mid"), "odd.mid", "no drums")


@pytest.mark.parametrize("command", ["humanize", "drumify"])
def test_seven_eight_meter(groove_cli: Cli, tmp_path: Path, command: str) -> None:
    src = write_midi_clip(tmp_path / "odd-meter.mid", funk_notes(1), meter=(7, 8))
    _fails(
        groove_cli(command, src, "-o", tmp_path / "o.mid"),
        "odd-meter.mid",
        "7/8 meter: the groove model knows 4/4 only",
    )


def test_missing_midi_track(groove_cli: Cli, funk_midi: Path, tmp_path: Path) -> None:
    _fails(
        groove_cli("humanize", funk_midi, "-o", tmp_path / "o.mid", "--track", "Congas"),
        "no track named 'Congas'",
        "'Funk'",
    )


def test_missing_input_and_bad_parameters(groove_cli: Cli, funk_midi: Path) -> None:
    _fails(groove_cli("humanize", funk_midi.with_name("nope.mid")), "nope.mid", "does not exist")
    _fails(groove_cli("humanize", funk_midi, "--intensity", "2"), "intensity", "0 to 1")
    _fails(groove_cli("humanize", funk_midi, "--style", "polka"), "style")
    _fails(groove_cli("humanize", funk_midi, "--track", "  "), "track")


def test_output_of_the_wrong_kind(groove_cli: Cli, funk_midi: Path, tmp_path: Path) -> None:
    _fails(groove_cli("humanize", funk_midi, "-o", tmp_path / "song.mmpz"), "song.mmpz", "MIDI")


@pytest.fixture
def capdan(tmp_path: Path) -> Path:
    copy = tmp_path / "capdan.mmpz"
    copy.write_bytes(demo_project("CapDan-ReggaeTry.mmpz").read_bytes())
    return copy


def test_project_without_track(groove_cli: Cli, capdan: Path) -> None:
    _fails(groove_cli("humanize", capdan), "capdan.mmpz", "--track", "'Drum I'")


def test_project_missing_track(groove_cli: Cli, capdan: Path) -> None:
    _fails(groove_cli("humanize", capdan, "--track", "Cowbell"), "no track named 'Cowbell'")


def test_project_track_without_drums(groove_cli: Cli, capdan: Path) -> None:
    _fails(groove_cli("humanize", capdan, "--track", "E-Piano"), "E-Piano", "no drums")


def test_project_instrument_of_the_beat_editor(groove_cli: Cli, capdan: Path) -> None:
    _fails(groove_cli("humanize", capdan, "--track", "BD 03"), "Beat+Bassline", "'Drum I'")


def test_project_written_to_midi(groove_cli: Cli, capdan: Path, tmp_path: Path) -> None:
    _fails(
        groove_cli("humanize", capdan, "--track", "Drum I", "-o", tmp_path / "x.mid"),
        "x.mid",
        "project",
    )


def test_broken_project(groove_cli: Cli, tmp_path: Path) -> None:
    broken = tmp_path / "broken.mmpz"
    broken.write_bytes(b"\x00\x00\x00\x10not zlib at all")
    _fails(groove_cli("humanize", broken, "--track", "Drums"), "broken.mmpz")
