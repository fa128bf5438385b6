"""Reading MIDI files: type 0/1, tempo and meter maps, drums on channel 10, running
status, any PPQ, note pairing, and one-line FileFormatErrors for bad files."""

from __future__ import annotations

from pathlib import Path

import pytest
from midi_builders import meter, name, off, on, program, smf, tempo, track

from lmms_magenta.errors import FileFormatError
from lmms_magenta.music import (
    MAX_MIDI_BYTES,
    Meter,
    MeterChange,
    Note,
    TempoChange,
    parse_midi,
    read_midi,
)


def write(tmp_path: Path, data: bytes, filename: str = "in.mid") -> Path:
    path = tmp_path / filename
    path.write_bytes(data)
    return path


def test_type0_is_split_by_channel_with_channel_10_as_drums(tmp_path: Path) -> None:
    data = smf(
        track(
            (0, name(b"Jam")),
            (0, program(0, 33)),
            (0, on(0, 40, 100)),
            (0, on(9, 36, 110)),
            (0, on(1, 72, 60)),
            (240, off(9, 36)),
            (0, off(1, 72)),
            (240, off(0, 40)),
        ),
        fmt=0,
    )
    song = read_midi(write(tmp_path, data))
    assert [c.name for c in song.clips] == ["Jam Channel 1", "Jam Channel 2", "Jam Drums"]
    bass, lead, beat = song.clips
    assert bass.notes == (Note(40, 100, 0, 480, 0),)
    assert bass.program == 33 and lead.program is None
    assert lead.notes == (Note(72, 60, 0, 240, 1),)
    assert beat.is_drum and not bass.is_drum
    assert beat.notes == (Note(36, 110, 0, 240, 9),)
    assert song.drum_clips == (beat,)
    assert song.melodic_clips == (bass, lead)
    assert song.name == "Jam"
    assert (song.ppq, song.bpm, song.meter) == (480, 120.0, Meter(4, 4))  # defaults


def test_type1_tempo_map_and_meter_map(tmp_path: Path) -> None:
    conductor = track(
        (0, meter(3, 2)),  # 3/4
        (0, tempo(500_000)),  # 120 bpm
        (1440, tempo(600_000)),  # 100 bpm at bar 2
        (0, meter(6, 3)),  # 6/8 at bar 2
        (1440, tempo(600_000)),  # repeated: no change
    )
    melody = track((0, name(b"Lead")), (0, on(0, 60, 90)), (2000, off(0, 60)), end=100)
    song = read_midi(write(tmp_path, smf(conductor, melody)))
    assert song.tempo_map == (TempoChange(0, 120.0), TempoChange(1440, 100.0))
    assert song.meter_map == (MeterChange(0, Meter(3, 4)), MeterChange(1440, Meter(6, 8)))
    (clip,) = song.clips
    assert clip.name == "Lead"
    assert clip.meter == Meter(3, 4)
    assert clip.tempo == 120.0
    assert clip.tempo_changes == (TempoChange(1440, 100.0),)
    # the song ends at tick 2880 (conductor); two 3/4 bars
    assert clip.length == song.length == 2880


def test_running_status_and_note_on_velocity_zero(tmp_path: Path) -> None:
    events = (
        (0, bytes([0x99, 36, 100])),
        (120, bytes([36, 0])),  # running status: note_on velocity 0 ends the kick
        (0, bytes([42, 70])),
        (60, bytes([42, 0])),
        (60, bytes([38, 127])),
        (120, bytes([0x89, 38, 0])),
    )
    song = read_midi(write(tmp_path, smf(track(*events), fmt=0)))
    (beat,) = song.clips
    assert beat.notes == (
        Note(36, 100, 0, 120, 9),
        Note(42, 70, 120, 60, 9),
        Note(38, 127, 240, 120, 9),
    )


@pytest.mark.parametrize("ppq", [1, 24, 48, 96, 480, 960, 32767])
def test_any_ppq_keeps_ticks(tmp_path: Path, ppq: int) -> None:
    data = smf(track((0, on(0, 60, 99)), (ppq, off(0, 60)), (ppq * 3, on(0, 62, 98)),
                     (1, off(0, 62))), division=ppq)  # fmt: skip
    song = read_midi(write(tmp_path, data))
    assert song.ppq == ppq
    assert song.clips[0].notes == (Note(60, 99, 0, ppq), Note(62, 98, 4 * ppq, 1))
    assert song.clips[0].length == 8 * ppq


def test_overlapping_same_pitch_notes_pair_first_in_first_out(tmp_path: Path) -> None:
    data = smf(track((0, on(0, 60, 10)), (10, on(0, 60, 20)), (10, off(0, 60)), (10, off(0, 60))))
    notes = read_midi(write(tmp_path, data)).clips[0].notes
    assert notes == (Note(60, 10, 0, 20), Note(60, 20, 10, 20))


def test_retrigger_with_on_before_off_at_one_tick(tmp_path: Path) -> None:
    data = smf(track((0, on(9, 38, 50)), (100, on(9, 38, 60)), (0, off(9, 38)), (100, off(9, 38))))
    notes = read_midi(write(tmp_path, data)).clips[0].notes
    assert notes == (Note(38, 50, 0, 100, 9), Note(38, 60, 100, 100, 9))


def test_zero_length_unended_and_stray_offs(tmp_path: Path) -> None:
    data = smf(
        track(
            (0, off(0, 50)),  # stray off: ignored
            (5, on(0, 60, 10)),
            (0, off(0, 60)),  # off at its own onset: one tick
            (0, on(0, 64, 30)),  # never ended: lasts to the end of the track
            end=300,
        )
    )
    notes = read_midi(write(tmp_path, data)).clips[0].notes
    assert notes == (Note(60, 10, 5, 1), Note(64, 30, 5, 300))


def test_track_names_utf8_and_latin1(tmp_path: Path) -> None:
    data = smf(
        track((0, name("Flûte ♪".encode())), (0, on(0, 60, 1)), (1, off(0, 60))),
        track((0, name("Bässe".encode("latin-1"))), (0, on(1, 40, 1)), (1, off(1, 40))),
        track((0, on(2, 40, 1)), (1, off(2, 40))),
    )
    song = read_midi(write(tmp_path, data))
    assert [c.name for c in song.clips] == ["Flûte ♪", "Bässe", "Track 2 Channel 3"]


def test_empty_song_allowed_on_request(tmp_path: Path) -> None:
    path = write(tmp_path, smf(track((0, tempo(400_000)))))
    with pytest.raises(FileFormatError, match="no notes"):
        read_midi(path)
    song = read_midi(path, allow_empty=True)
    assert song.clips == ()
    assert song.bpm == 150.0


def test_file_without_tracks(tmp_path: Path) -> None:
    path = write(tmp_path, smf())
    with pytest.raises(FileFormatError, match="no notes"):
        read_midi(path)
    assert read_midi(path, allow_empty=True).clips == ()


VALID = smf(track((0, on(0, 60, 100)), (480, off(0, 60))))


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", "file is empty"),
        (b"RIFF....WAVEfmt ", "not a MIDI file"),
        (b"<?xml version='1.0'?><lmms-project/>", "not a MIDI file"),
        (VALID[:10], "truncated"),
        (VALID[:-5], "truncated"),
        (smf(track(), fmt=2), "type 2"),
        (smf(track((0, on(0, 60, 1))), division=-(25 << 8 | 40)), "SMPTE"),
        (smf(track((0, on(0, 60, 1))), division=0), "invalid resolution"),
        (smf(track((0, meter(4, 9)), (0, on(0, 60, 1)))), "invalid time signature 4/512"),
        (smf(track((0, tempo(0)), (0, on(0, 60, 1)))), "invalid tempo"),
        (smf(track((0, bytes([0x90, 200, 1])))), "corrupt MIDI file"),
        (VALID[:14] + b"XXXX" + VALID[18:], "corrupt MIDI file"),
    ],
)
def test_bad_files_raise_one_line_file_format_error(
    tmp_path: Path, data: bytes, problem: str
) -> None:
    path = write(tmp_path, data, "bad.mid")
    with pytest.raises(FileFormatError) as info:
        read_midi(path)
    message = str(info.value)
    assert message.startswith(f"{path}: ")
    assert problem in message
    assert "\n" not in message
    assert info.value.__cause__ is None or isinstance(info.value.__cause__, OSError)


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(FileFormatError, match="not found"):
        read_midi(tmp_path / "nope.mid")
    with pytest.raises(FileFormatError, match="not a regular file"):
        read_midi(tmp_path)


def test_oversized_file_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "huge.mid"
    with open(path, "wb") as f:
        f.write(VALID)
        f.truncate(MAX_MIDI_BYTES + 1)  # sparse: costs no disk space
    with pytest.raises(FileFormatError, match="larger than the limit"):
        read_midi(path)
    with pytest.raises(FileFormatError, match="larger than the limit"):
        parse_midi(VALID + bytes(MAX_MIDI_BYTES))
