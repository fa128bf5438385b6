"""The song's parts as MIDI files, read back from the finished project.

The MIDI files are taken from the project as saved (after the groove and gain steps),
with the kernel's LMMS-to-clip conversion, so they hold exactly what the project plays:
the humanized drum timing and velocities, every placement of every riff over the whole
song. Drums become one General MIDI drum track (channel 10): each kit instrument's
hits at its drum's GM note (kick 36, snare 38 ...), since in LMMS they all sit at the
instrument's base key.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from lmms_magenta.lmms import InstrumentTrack
from lmms_magenta.lmms.convert import track_to_clip
from lmms_magenta.music import LMMS_PPQ, Clip, Meter, canonical_pitch, write_midi

from .sounds import BASS, KIT, LEAD

if TYPE_CHECKING:
    from lmms_magenta.lmms import Project

__all__ = ["MIDI_FILES", "drum_clip", "song_clips", "write_midi_files"]

#: File name of each part's MIDI file.
MIDI_FILES = {"drums": "drums.mid", "bass": "bass.mid", "melody": "melody.mid"}


def drum_clip(project: Project) -> Clip:
    """Everything the kit plays in the song, as one GM drum clip named ``Drums``."""
    by_name = {voice.name: cls for cls, voice in KIT.items()}
    notes = []
    for instrument in project.beat_instruments:
        cls = by_name.get(instrument.name)
        if cls is None:
            continue
        clip = track_to_clip(project, instrument)
        notes += [replace(n, pitch=canonical_pitch(cls)) for n in clip.notes]
    num, den = project.meter
    end = max(1, -(-project.length // project.ticks_per_bar)) * project.ticks_per_bar
    # a hit the groove played late on the last step would ring past the song's end and
    # the MIDI file would grow a bar: a hit is a short sound, so it ends with the song
    notes = [replace(n, length=min(n.length, end - n.start)) for n in notes if n.start < end]
    return Clip(
        notes,
        ppq=LMMS_PPQ,
        meter=Meter(num, den),
        tempo=project.tempo,
        length=end,
        is_drum=True,
        name="Drums",
    )


def song_clips(project: Project) -> dict[str, Clip]:
    """The three parts over the whole song: ``drums``, ``bass``, ``melody``."""
    tracks = {t.name: t for t in project.tracks if isinstance(t, InstrumentTrack)}
    out = {"drums": drum_clip(project)}
    for part, synth in (("bass", BASS), ("melody", LEAD)):
        clip = track_to_clip(project, tracks[synth.name])
        out[part] = replace(clip, length=out["drums"].length)
    return out


def write_midi_files(project: Project, folder: Path) -> dict[str, Path]:
    """Write ``drums.mid``, ``bass.mid`` and ``melody.mid`` into ``folder``."""
    written = {}
    for part, clip in song_clips(project).items():
        path = folder / MIDI_FILES[part]
        write_midi(path, clip)
        written[part] = path
    return written
