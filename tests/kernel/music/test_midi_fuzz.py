"""Hostile bytes: the MIDI reader either returns a song or raises FileFormatError.

Whatever it returns must also be writable and read back unchanged, so a damaged but
parseable file cannot produce a song that breaks a later save.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from midi_builders import meter, name, off, on, program, smf, tempo, track, vlq

from lmms_magenta.errors import FileFormatError
from lmms_magenta.music import MidiSong, midi_bytes, parse_midi, read_midi

FUZZ = settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])

SEED = smf(
    track((0, name(b"Conductor")), (0, meter(3, 2)), (0, tempo(600_000)), (960, tempo(450_000))),
    track(
        (0, name(b"Keys")),
        (0, program(0, 4)),
        (0, on(0, 60, 90)),
        (10, bytes([64, 80])),  # running status
        (0, b"\xf0\x03\x7e\x09\xf7"),  # sysex
        (100, bytes([0x80, 60, 0])),
        (0, bytes([0xB0, 7, 100])),  # controller
        (20, bytes([0x90, 64, 0])),
        (0, b"\xff\x01\x04text"),
        (0, on(9, 36, 127)),
        (480, off(9, 36)),
        end=48,
    ),
    division=96,
)


def check(data: bytes) -> None:
    """The contract: a song (that survives write + read) or a FileFormatError."""
    try:
        song = parse_midi(data, source="fuzz.mid", allow_empty=True)
    except FileFormatError as err:
        assert str(err).startswith("fuzz.mid: ")
        assert "\n" not in str(err)
        return
    assert isinstance(song, MidiSong)
    if song.clips:
        assert parse_midi(midi_bytes(song)) == song


def test_seed_is_valid() -> None:
    song = parse_midi(SEED)
    assert [c.name for c in song.clips] == ["Keys Channel 1", "Keys Drums"]
    check(SEED)


@FUZZ
@given(st.binary(max_size=300))
def test_random_bytes(data: bytes) -> None:
    check(data)


@FUZZ
@given(st.binary(max_size=300))
def test_random_bytes_after_a_header(data: bytes) -> None:
    check(b"MThd" + data)


@FUZZ
@given(st.binary(max_size=200), st.integers(0, 2), st.integers(-(2**15), 2**15 - 1))
def test_random_track_body(body: bytes, fmt: int, division: int) -> None:
    chunk = b"MTrk" + len(body).to_bytes(4, "big") + body
    header = (
        fmt.to_bytes(2, "big") + (1).to_bytes(2, "big") + division.to_bytes(2, "big", signed=True)
    )
    check(b"MThd\x00\x00\x00\x06" + header + chunk)


@FUZZ
@given(st.lists(st.tuples(st.integers(0, 1000), st.binary(min_size=1, max_size=6)), max_size=30))
def test_random_events_in_a_well_formed_track(events: list[tuple[int, bytes]]) -> None:
    body = b"".join(vlq(delta) + data for delta, data in events)
    check(smf(b"MTrk" + len(body).to_bytes(4, "big") + body))


@FUZZ
@given(st.data())
def test_mutated_seed(data: st.DataObject) -> None:
    buf = bytearray(SEED)
    for _ in range(data.draw(st.integers(1, 6))):
        pos = data.draw(st.integers(0, len(buf) - 1))
        action = data.draw(st.sampled_from(["flip", "set", "insert", "delete", "truncate"]))
        if action == "flip":
            buf[pos] ^= 1 << data.draw(st.integers(0, 7))
        elif action == "set":
            buf[pos] = data.draw(st.sampled_from([0x00, 0x7F, 0x80, 0xFF, 0xF0, 0xF7, 0x2F]))
        elif action == "insert":
            buf[pos:pos] = data.draw(st.binary(min_size=1, max_size=8))
        elif action == "delete":
            del buf[pos : pos + data.draw(st.integers(1, 8))]
        else:
            del buf[pos:]
        if not buf:
            break
    check(bytes(buf))


@pytest.mark.parametrize("cut", [1, 4, 8, 13, 14, 22, 40, len(SEED) - 1])
def test_truncated_files_on_disk(tmp_path: Path, cut: int) -> None:
    path = tmp_path / "cut.mid"
    path.write_bytes(SEED[:cut])
    with pytest.raises(FileFormatError) as info:
        read_midi(path)
    assert str(info.value).startswith(str(path))
