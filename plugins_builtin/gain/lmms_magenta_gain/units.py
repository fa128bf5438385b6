"""What gets a fader: the *channels* of a project that gain staging measures and sets.

A channel is either a **mixer channel** (an FX-mixer channel other than the master,
with the tracks that play into it) or a **track** (an instrument or sample track
with its own volume knob). ``by="mixer"`` stages the mixer channels that tracks play
into and, as tracks, whatever plays straight into the master; ``by="track"`` stages
every track on its own; ``by="auto"`` (default) takes the mixer view when the song
uses two or more mixer channels, else the track view. Muted tracks and muted mixer
channels are silent in the mix and are left out.

Each channel's fader is linear: a mixer channel's ``volume`` (1 = 0 dB) or a track's
volume in percent (100 = 0 dB); both top out at +6.02 dB (2.0 / 200 %) in LMMS 1.2.
A fader that automation drives cannot be staged by changing its stored value; such a
channel is reported as ``automated``.

:func:`solo_project` builds the project in which only one channel sounds (every other
track muted, solo flags cleared): LMMS renders it sample-exactly, and the solo
renders of a partition add up to the full mix.
"""

from __future__ import annotations

import copy
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Literal

from lmms_magenta.errors import UserError
from lmms_magenta.lmms import InstrumentTrack, Project, SampleTrack, Track
from lmms_magenta.lmms.mixer import MAX_CHANNEL_VOLUME

__all__ = [
    "MAX_FADER",
    "Channel",
    "Grouping",
    "channels",
    "fader",
    "master_fader",
    "master_gain",
    "select",
    "set_fader",
    "set_master_fader",
    "solo_project",
]

Grouping = Literal["auto", "mixer", "track"]
#: Largest linear gain of any fader (mixer channel 2.0, track 200 %)
MAX_FADER = MAX_CHANNEL_VOLUME
SoundTrack = InstrumentTrack | SampleTrack
#: (editor, index): "song" indexes Project.tracks, "beat" Project.beat_instruments
TrackRef = tuple[str, int]


@dataclass(frozen=True)
class Channel:
    """One staged channel: ``key`` is ``mixer:N`` or ``track:EDITOR:INDEX``."""

    key: str
    name: str
    kind: Literal["mixer", "track"]
    tracks: tuple[str, ...]
    refs: tuple[TrackRef, ...]
    number: int | None = None  # the mixer channel number
    automated: bool = False

    @property
    def label(self) -> str:
        """How a musician reads it in a table: ``Kick (mixer 1)``, ``Lead (track)``."""
        where = f"mixer {self.number}" if self.kind == "mixer" else "track"
        return f"{self.name} ({where})"


def _sound_tracks(project: Project) -> list[tuple[TrackRef, SoundTrack]]:
    """Unmuted instrument and sample tracks (song editor, then Beat+Bassline editor)."""
    found: list[tuple[TrackRef, SoundTrack]] = []
    for i, track in enumerate(project.tracks):
        if isinstance(track, InstrumentTrack | SampleTrack) and not track.muted:
            found.append((("song", i), track))
    for i, track in enumerate(project.beat_instruments):
        if not track.muted:
            found.append((("beat", i), track))
    return found


def _track(project: Project, ref: TrackRef) -> SoundTrack:
    editor, index = ref
    track = project.tracks[index] if editor == "song" else project.beat_instruments[index]
    assert isinstance(track, InstrumentTrack | SampleTrack)
    return track


def _automated_ids(project: Project) -> set[str]:
    return {obj.get("id", "") for obj in project.root.iter("object")} - {""}


def _is_automated(element: ET.Element | None, name: str, ids: set[str]) -> bool:
    child = element.find(name) if element is not None else None
    return child is not None and child.get("id", "") in ids


def _mixer_channel(track: SoundTrack) -> int:
    return track.mixer_channel if isinstance(track, InstrumentTrack) else 0


def channels(project: Project, by: Grouping = "auto") -> list[Channel]:
    """The channels to stage, in mixer / song order."""
    if by not in ("auto", "mixer", "track"):
        raise ValueError(f"unknown grouping {by!r}")
    tracks = _sound_tracks(project)
    mixer = {ch.number: ch for ch in project.mixer_channels}
    used = {_mixer_channel(t) for _, t in tracks} & (set(mixer) - {0})
    if by == "auto":
        by = "mixer" if len(used) >= 2 else "track"
    ids = _automated_ids(project)
    out: list[Channel] = []
    if by == "mixer":
        for number in sorted(used):
            ch = mixer[number]
            if ch.muted:
                continue
            members = [(r, t) for r, t in tracks if _mixer_channel(t) == number]
            out.append(
                Channel(
                    key=f"mixer:{number}",
                    name=ch.name or f"FX {number}",
                    kind="mixer",
                    tracks=tuple(t.name for _, t in members),
                    refs=tuple(r for r, _ in members),
                    number=number,
                    automated=_is_automated(ch.element, "volume", ids),
                )
            )
        tracks = [(r, t) for r, t in tracks if _mixer_channel(t) not in used]
    names: dict[str, int] = {}
    for ref, track in tracks:
        names[track.name] = names.get(track.name, 0) + 1
        name = track.name if names[track.name] == 1 else f"{track.name} ({names[track.name]})"
        settings = track.element.find(
            "instrumenttrack" if isinstance(track, InstrumentTrack) else "sampletrack"
        )
        out.append(
            Channel(
                key=f"track:{ref[0]}:{ref[1]}",
                name=name,
                kind="track",
                tracks=(track.name,),
                refs=(ref,),
                automated=_is_automated(settings, "vol", ids),
            )
        )
    return out


def select(found: list[Channel], wanted: list[str] | None, *, project: str) -> list[Channel]:
    """The channels named in ``wanted`` (name, label, key or mixer number), all if None.

    Names match ignoring case. An unknown name is a UserError listing the channels.
    """
    if not wanted:
        return found
    picked: list[Channel] = []
    for want in wanted:
        text = want.strip().casefold()
        match = [
            ch
            for ch in found
            if text in (ch.name.casefold(), ch.label.casefold(), ch.key.casefold())
            or (ch.number is not None and text == str(ch.number))
        ]
        if not match:
            known = ", ".join(repr(ch.name) for ch in found) or "none"
            raise UserError(f"no channel named {want!r} (channels: {known})", path=project)
        picked.extend(ch for ch in match if ch not in picked)
    return picked


def fader(project: Project, channel: Channel) -> float:
    """The channel's fader as a linear gain (1.0 = 0 dB)."""
    if channel.kind == "mixer":
        assert channel.number is not None
        found = project.mixer.channel(channel.number)
        assert found is not None
        return found.volume
    return _track(project, channel.refs[0]).volume / 100.0


def set_fader(project: Project, channel: Channel, gain: float) -> None:
    """Set the channel's fader to linear ``gain`` (0 .. :data:`MAX_FADER`)."""
    gain = min(max(gain, 0.0), MAX_FADER)
    if channel.kind == "mixer":
        assert channel.number is not None
        found = project.mixer.channel(channel.number)
        assert found is not None
        found.volume = round(gain, 6)
    else:
        _track(project, channel.refs[0]).volume = round(gain * 100.0, 4)


def master_fader(project: Project) -> float:
    """The FX mixer's master fader (channel 0), linear; 1.0 when there is no mixer."""
    master = next((ch for ch in project.mixer_channels if ch.number == 0), None)
    return master.volume if master is not None else 1.0


def set_master_fader(project: Project, gain: float) -> None:
    """Set the FX mixer's master fader (created with the mixer if missing)."""
    master = project.mixer.channel(0)
    if master is None:
        raise UserError("the FX mixer has no master channel", path=project.source)
    master.volume = round(min(max(gain, 0.0), MAX_FADER), 6)


def master_gain(project: Project) -> float:
    """Linear gain after every channel: master volume (%) times the master mixer fader."""
    master = next((ch for ch in project.mixer_channels if ch.number == 0), None)
    return project.master_volume / 100.0 * (master.volume if master is not None else 1.0)


def solo_project(project: Project, channel: Channel) -> Project:
    """A copy of ``project`` in which only ``channel`` sounds.

    Every other sound track is muted and every solo flag cleared. The faders of the
    muted tracks and of mixer channels nothing plays into are reset to unity: they
    are inaudible, and this way the copy's bytes depend only on what is heard, so
    renders can be cached by content.
    """
    copy_ = Project(copy.deepcopy(project.root), doctype=project.doctype, source=project.source)
    keep = set(channel.refs)
    playing: set[int] = set()
    for ref, track in _sound_tracks(copy_):
        if ref in keep:
            playing.add(_mixer_channel(track))
            continue
        track.muted = True
        track.volume = 100.0
    for el in copy_.root.iter("track"):
        view = Track(el, copy_)
        if view.solo:
            view.solo = False
    mixer = copy_.mixer_channels
    sends = {ch.number: [target for target, _ in ch.sends] for ch in mixer}
    heard, todo = set(), list(playing)
    while todo:  # every channel the soloed tracks reach through sends
        number = todo.pop()
        if number not in heard:
            heard.add(number)
            todo.extend(sends.get(number, []))
    for ch in mixer:
        if ch.soloed:
            ch.soloed = False
        if ch.number not in heard:
            ch.volume = 1.0
    return copy_
