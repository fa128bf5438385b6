"""The LMMS project of a demo song, built from nothing with the kernel's project API.

Layout, as a musician would set it up in LMMS:

- two Beat+Bassline tracks, ``Drums`` (the beat) and ``Drums fill``, sharing one kit in
  the Beat+Bassline editor (one AudioFileProcessor per drum the patterns play, see
  :mod:`.sounds`); each beat is a 2-bar step pattern, placed in the song editor by the
  plan's form;
- instrument tracks ``Bass`` and ``Lead`` (TripleOscillator), one 2-bar pattern per
  phrase, named after its riff (``Bass A``, ``Lead B`` ...);
- three mixer channels, ``Drums``, ``Bass``, ``Lead``, each sent to the master, so that
  gain staging has one fader per part.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lmms_magenta.lmms import TICKS_PER_STEP, BeatTrack, Project
from lmms_magenta.lmms.convert import clip_to_notes
from lmms_magenta.music import DrumClass, drum_class

from .plan import PATTERN_BARS
from .sounds import BASS, KIT, LEAD, Synth

if TYPE_CHECKING:
    from collections.abc import Sequence

    from lmms_magenta.lmms import MixerChannel
    from lmms_magenta.music import Clip

    from .parts import Parts
    from .plan import Placement, SongPlan

__all__ = ["BEAT_TRACKS", "CHANNELS", "build_project", "drum_classes"]

#: Names of the Beat+Bassline tracks, by variant (0 = the beat, 1 = the fill).
BEAT_TRACKS = ("Drums", "Drums fill")
#: Names of the mixer channels, one per part.
CHANNELS = ("Drums", "Bass", "Lead")


def drum_classes(*clips: Clip) -> list[DrumClass]:
    """The drum classes the clips play, in kit order (kick first)."""
    found = {drum_class(n.pitch) for clip in clips for n in clip.notes}
    return sorted(c for c in found if c is not None)


def _add_drums(project: Project, plan: SongPlan, parts: Parts, channel: MixerChannel) -> None:
    beats = [project.add_beat_track(name) for name in BEAT_TRACKS]
    clips = (parts.beat, parts.fill)
    steps = PATTERN_BARS * (project.ticks_per_bar // TICKS_PER_STEP)
    for cls in drum_classes(*clips):
        voice = KIT[cls]
        instrument = project.add_beat_instrument(
            voice.name,
            "audiofileprocessor",
            volume=voice.volume,
            pan=voice.pan,
            mixer_channel=channel.number,
            settings={"src": voice.sample},
        )
        for beat, clip in zip(beats, clips, strict=True):
            mine = clip.with_notes(n for n in clip.notes if drum_class(n.pitch) == cls)
            hits = clip_to_notes(mine, steps=True, base_key=instrument.base_key)
            project.set_beat_notes(beat, instrument, hits, steps=steps)
    _place_beats(project, beats, plan.drums)


def _place_beats(project: Project, beats: Sequence[BeatTrack], form: Sequence[Placement]) -> None:
    for placement in form:
        beats[placement.variant].add_clip(
            project.bar_tick(placement.bar), placement.bars * project.ticks_per_bar
        )


def _add_synth(
    project: Project,
    synth: Synth,
    channel: MixerChannel,
    riffs: Sequence[Clip],
    form: Sequence[Placement],
) -> None:
    track = project.add_instrument_track(
        synth.name,
        "tripleoscillator",
        volume=synth.volume,
        pan=synth.pan,
        mixer_channel=channel.number,
        settings=dict(synth.settings),
    )
    for placement in form:
        riff = riffs[placement.variant]
        track.add_pattern(project.bar_tick(placement.bar), clip_to_notes(riff), name=riff.name)


def build_project(plan: SongPlan, parts: Parts) -> Project:
    """A new project playing ``parts`` as ``plan`` arranges them (not saved yet)."""
    project = Project.new(tempo=plan.setting.tempo)
    drums, bass, lead = (project.mixer.add_channel(name) for name in CHANNELS)
    _add_drums(project, plan, parts, drums)
    _add_synth(project, BASS, bass, parts.bass, plan.bass)
    _add_synth(project, LEAD, lead, parts.melody, plan.melody)
    return project
