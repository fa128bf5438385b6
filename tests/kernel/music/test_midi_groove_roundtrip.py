"""Every Groove MIDI Dataset file survives read -> write -> read to the tick.

The data lives outside the repository (../shared/data/groove, see its README); the
tests skip with the reason when it is absent. Reading all 1,021 files three times
(twice through our reader) takes ~20 s on the reference machine, hence ``slow``.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import mido
import pytest

from lmms_magenta.music import Meter, MidiSong, midi_bytes, parse_midi, read_midi

GROOVE = (Path(__file__).parents[3] / "../shared/data/groove").resolve()

pytestmark = pytest.mark.skipif(
    not (GROOVE / "info.csv").is_file(),
    reason=f"Groove MIDI Dataset not found at {GROOVE} (see the project README, 'Data')",
)


def groove_files() -> list[Path]:
    return sorted(GROOVE.rglob("*.mid"))


def note_table(song: MidiSong) -> list[tuple[int, int, int, int, int, int]]:
    """(clip, pitch, velocity, start, end, channel) of every note, in clip order."""
    return [
        (i, n.pitch, n.velocity, n.start, n.end, n.channel)
        for i, clip in enumerate(song.clips)
        for n in clip.notes
    ]


@pytest.mark.slow
def test_every_groove_file_round_trips_to_the_tick() -> None:
    files = groove_files()
    assert len(files) >= 1000, f"expected the 1,021 train+validation files in {GROOVE}"
    failures = []
    for path in files:
        first = read_midi(path)
        second = parse_midi(midi_bytes(first), source=f"{path} (rewritten)")
        problems = [
            what
            for what, ok in (
                ("notes", note_table(second) == note_table(first)),
                ("tempo map", second.tempo_map == first.tempo_map),
                ("meter map", second.meter_map == first.meter_map),
                ("ppq", second.ppq == first.ppq),
                ("clips", second == first),
            )
            if not ok
        ]
        if problems:
            failures.append(f"{path.relative_to(GROOVE)}: {', '.join(problems)} differ")
    assert not failures, f"{len(failures)} files changed:\n" + "\n".join(failures[:20])


def test_tempo_and_meter_match_the_dataset_index() -> None:
    with open(GROOVE / "info.csv", newline="") as f:
        rows = [r for r in csv.DictReader(f) if (GROOVE / r["midi_filename"]).is_file()]
    assert len(rows) >= 1000
    for row in rows[::10]:
        song = read_midi(GROOVE / row["midi_filename"])
        assert song.bpm == float(row["bpm"]), row["midi_filename"]
        assert song.meter == Meter.parse(row["time_signature"]), row["midi_filename"]
        assert [c.is_drum for c in song.clips] == [True]


def test_reader_keeps_every_onset_and_velocity_of_the_raw_file() -> None:
    """Cross-check against mido's raw message stream, independently of our pairing."""
    for path in groove_files()[::25]:
        raw: Counter[tuple[int, int, int]] = Counter()
        tick = 0
        for msg in mido.MidiFile(path).tracks[0]:
            tick += msg.time
            if msg.type == "note_on" and msg.velocity > 0:
                raw[(msg.note, msg.velocity, tick)] += 1
        song = read_midi(path)
        ours = Counter((n.pitch, n.velocity, n.start) for c in song.clips for n in c.notes)
        assert ours == raw, path
