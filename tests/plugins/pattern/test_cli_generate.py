"""The command line: ``generate drums|melody|variations|interpolate`` and the top-level
``interpolate``, as a user types them (exit codes, one-line errors, files written)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from lmms_magenta.music import read_midi
from lmms_magenta.testing import CliResult

Cli = Callable[..., CliResult]


def test_generate_drums_writes_count_files(pattern_cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "beat.mid"
    res = pattern_cli(
        "generate", "drums", "-o", out, "--bars", "4", "--style", "funk", "--count", "3",
        "--complexity", "0.5", "--temperature", "0.8", "--seed", "12",
    )  # fmt: skip
    assert res.ok, res
    paths = [tmp_path / f"beat-{i}.mid" for i in (1, 2, 3)]
    assert all(p.is_file() for p in paths)
    assert res.stdout.strip() == str(tmp_path)
    assert all(read_midi(p).clips[0].bar_count == 4 for p in paths)


def test_the_same_seed_writes_the_same_file(pattern_cli: Cli, tmp_path: Path) -> None:
    a, b = tmp_path / "a.mid", tmp_path / "b.mid"
    assert pattern_cli("generate", "melody", "-o", a, "--seed", "5").ok
    assert pattern_cli("generate", "melody", "-o", b, "--seed", "5").ok
    assert a.read_bytes() == b.read_bytes()


def test_a_random_seed_is_reported(pattern_cli: Cli, tmp_path: Path) -> None:
    res = pattern_cli("generate", "drums", "-o", tmp_path / "x.mid")
    assert res.ok, res
    assert "seed: " in res.stderr and "--seed" in res.stderr


def test_melody_with_key_scale_range_and_preview(pattern_cli: Cli, tmp_path: Path) -> None:
    out, png = tmp_path / "tune.mid", tmp_path / "tune.png"
    res = pattern_cli(
        "generate", "melody", "-o", out, "--key", "F#", "--scale", "minor",
        "--low", "F#3", "--high", "F#5", "--preview", png, "--seed", "1",
    )  # fmt: skip
    assert res.ok, res
    pitches = [n.pitch for n in read_midi(out).clips[0].notes]
    assert pitches and all(54 <= p <= 78 for p in pitches)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_variations_into_a_folder(pattern_cli: Cli, drum_midi: Path, tmp_path: Path) -> None:
    folder = tmp_path / "ideas"
    res = pattern_cli(
        "generate", "variations", drum_midi, "-o", folder, "--radius", "0.4", "--count", "3"
    )
    assert res.ok, res
    assert sorted(p.name for p in folder.iterdir()) == [f"variation-0{i}.mid" for i in (1, 2, 3)]


@pytest.mark.parametrize("command", [("interpolate",), ("generate", "interpolate")])
def test_interpolate(
    pattern_cli: Cli, drum_midi: Path, other_drum_midi: Path, tmp_path: Path, command: tuple[str]
) -> None:
    folder = tmp_path / "morph"
    res = pattern_cli(*command, drum_midi, other_drum_midi, "--steps", "4", "-o", folder)
    assert res.ok, res
    assert len(list(folder.glob("step-*.mid"))) == 4


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("generate", "drums", "--style", "polka"), "invalid value for parameter 'style'"),
        (("generate", "drums", "--count", "17"), "'count': '17' is out of range"),
        (("generate", "drums", "--bars", "0"), "'bars': '0' is out of range"),
        (
            ("generate", "melody", "--low", "C5", "--high", "C4", "--seed", "1"),
            "--low C5 (72) is above --high C4 (60)",
        ),
        (("generate", "melody", "--scale", "klingon"), "invalid value for parameter 'scale'"),
        (("generate", "variations", "missing.mid"), "'clip': 'missing.mid' does not exist"),
        (("interpolate", "missing.mid"), "does not exist"),
    ],
)
def test_bad_values_are_one_line_errors(
    pattern_cli: Cli, args: tuple[str, ...], message: str
) -> None:
    res = pattern_cli(*args)
    assert res.exit_code == 2, res
    assert message in res.stderr
    assert "Traceback" not in res.stderr and len(res.stderr.strip().splitlines()) == 1


def test_a_broken_midi_file_is_one_line(pattern_cli: Cli, tmp_path: Path) -> None:
    bad = tmp_path / "bad.mid"
    bad.write_bytes(b"MThd garbage")
    res = pattern_cli("generate", "variations", bad)
    assert res.exit_code == 2 and "bad.mid" in res.stderr and "Traceback" not in res.stderr


def test_kit_decisions_are_reported(pattern_cli: Cli, tmp_path: Path) -> None:
    from lmms_magenta.lmms import Project

    song = tmp_path / "song.mmp"
    Project.new().save(song)
    res = pattern_cli("generate", "drums", "--into", song, "--seed", "3", "--track", "AI")
    assert res.ok, res
    assert res.stdout.strip() == str(song)
    assert "warning: added 'Pattern kick' (drums/bassdrum01.ogg)" in res.stderr
