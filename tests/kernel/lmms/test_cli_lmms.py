"""``lmms-magenta lmms info | import-midi | export-midi`` through the real entry point."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from lmms_support import demo

from lmms_magenta.cli import main
from lmms_magenta.lmms import InstrumentTrack, Project
from lmms_magenta.music import Clip, Note, read_midi, write_midi


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["lmms", *args])
    out, err = capsys.readouterr()
    return code, out, err


def _copy(name: str, tmp_path: Path) -> Path:
    target = tmp_path / name
    shutil.copy(demo(name), target)
    return target


def test_info_text(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "info", str(demo("CapDan-ReggaeTry.mmpz")))
    assert code == 0 and err == ""
    assert "180 bpm, 4/4" in out
    for word in ("E-Piano", "Drum I", "BD 03", "Master", "Kick", "audiofileprocessor"):
        assert word in out


def test_info_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "info", "--json", str(demo("CapDan-ReggaeTry.mmpz")))
    assert code == 0
    data = json.loads(out)
    assert (data["tempo"], data["meter"], data["master_volume"]) == (180, "4/4", 100)
    kinds = {t["name"]: t["kind"] for t in data["tracks"]}
    assert kinds["E-Piano"] == "instrument" and kinds["Drum I"] == "beat/bassline"
    piano = next(t for t in data["tracks"] if t["name"] == "E-Piano")
    assert sum(p["notes"] for p in piano["patterns"]) == 34
    assert data["beat_instruments"][0]["patterns"][0] == {"beat": 1, "steps": 32, "notes": 5}
    assert data["mixer"][1] == {
        "number": 1,
        "name": "Kick",
        "volume": 1.0,
        "muted": False,
        "sends": [{"channel": 0, "amount": 1.0}],
    }


def test_export_then_import_round_trip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = _copy("Greshz-CoolSnip.mmpz", tmp_path)
    original = project.read_bytes()
    first = tmp_path / "lead.mid"
    code, out, _ = _run(
        capsys, "export-midi", str(project), "--track", "Default preset", "-o", str(first)
    )
    assert code == 0 and "65 notes" in out
    edited = tmp_path / "edited.mmpz"
    code, out, _ = _run(
        capsys, "import-midi", str(project), str(first), "--track", "Copy", "-o", str(edited)
    )
    assert code == 0 and "65 notes" in out and "bar 1" in out
    assert project.read_bytes() == original  # -o leaves the input alone
    second = tmp_path / "copy.mid"
    assert _run(capsys, "export-midi", str(edited), "--track", "Copy", "-o", str(second))[0] == 0
    assert read_midi(second).clips[0].notes == read_midi(first).clips[0].notes


def test_import_in_place_at_a_bar_keeps_a_backup(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = _copy("Skiessi-C64.mmpz", tmp_path)
    original = project.read_bytes()
    clip = tmp_path / "riff.mid"
    write_midi(clip, Clip([Note(60, 100, 0, 240), Note(64, 90, 240, 240)], ppq=480))
    code, out, _ = _run(
        capsys, "import-midi", str(project), str(clip), "--track", "linn_kik.ds", "--at", "20"
    )
    assert code == 0 and "bar 20" in out and ".bak" in out
    assert (tmp_path / "Skiessi-C64.mmpz.bak").read_bytes() == original
    track = Project.load(project).find_track("linn_kik.ds")
    assert isinstance(track, InstrumentTrack)
    added = track.pattern_at(19 * 192)
    assert added is not None
    assert [(n.pos, n.length, n.key) for n in added.notes] == [(0, 24, 48), (24, 24, 52)]


def test_import_drums_into_a_beat_instrument(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = _copy("CapDan-ReggaeTry.mmpz", tmp_path)
    clip = tmp_path / "snare.mid"
    write_midi(clip, Clip([Note(38, 127, 480 * k, 60, 9) for k in (1, 3)], ppq=480, is_drum=True))
    code, out, _ = _run(
        capsys, "import-midi", str(project), str(clip), "--track", "Snare 05", "--beat", "2"
    )
    assert code == 0 and "beat 2" in out
    song = Project.load(project)
    pattern = song.beat_pattern(song.beat_tracks[1], song.beat_instruments[1])
    assert pattern is not None
    assert [(n.pos, n.length, n.key, n.vol) for n in pattern.notes] == [
        (48, -192, 57, 200),
        (144, -192, 57, 200),
    ]


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (["export-midi", "{p}", "--track", "Nope", "-o", "{t}/x.mid"], "no track named 'Nope'"),
        (
            ["export-midi", "{p}", "--track", "Drum I", "-o", "{t}/x.mid"],
            "is a beat/bassline track",
        ),
        (["import-midi", "{p}", "{t}/missing.mid", "--track", "X"], "file not found"),
        (["import-midi", "{p}", "{p}", "--track", "X"], "not a MIDI file"),
        (
            ["import-midi", "{p}", "{m}", "--track", "BD 03", "--beat", "9"],
            "has 5 Beat+Bassline tracks, not 9",
        ),
    ],
)
def test_cli_errors_are_one_line_exit_2(
    args: list[str], problem: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = _copy("CapDan-ReggaeTry.mmpz", tmp_path)
    midi = tmp_path / "ok.mid"
    write_midi(midi, Clip([Note(60, 100, 0, 48)], ppq=48))
    before = project.read_bytes()
    filled = [a.format(p=project, t=tmp_path, m=midi) for a in args]
    code, _, err = _run(capsys, *filled)
    assert code == 2
    assert err.count("\n") == 1 and problem in err, err
    assert project.read_bytes() == before
