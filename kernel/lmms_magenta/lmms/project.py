"""An LMMS song project: load, inspect, edit in place, save safely.

:class:`Project` wraps the project's ElementTree. Its typed views (tracks,
patterns, mixer channels) read from and write to the elements directly, so a
project that is loaded and saved comes out with every element, attribute and value
it had, in the same order - including plugins and settings this code knows nothing
about. Only the edits made through the API change the XML.

>>> song = Project.load("song.mmpz")                          # doctest: +SKIP
>>> lead = song.add_instrument_track("Lead", "tripleoscillator")  # doctest: +SKIP
>>> lead.add_pattern(song.bar_tick(5), [LmmsNote(0, 48, 57)])   # doctest: +SKIP
>>> song.save()      # atomic; the previous file is kept as song.mmpz.bak  # doctest: +SKIP
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from pathlib import Path

from ..errors import FileFormatError, ParameterError, UserError
from ..safeio import atomic_write, read_limited
from . import container, xmlio
from .base import insert_child
from .beats import beat_pattern, ensure_beat_patterns
from .fields import Number
from .instruments import new_instrument_track
from .mixer import Mixer, MixerChannel
from .patterns import LmmsNote, Pattern
from .skeleton import NEW_PROJECT_XML, check_structure
from .tracks import BeatTrack, InstrumentTrack, Track, track_view
from .values import format_number, get_float, get_int, set_value

__all__ = ["Project"]


class Project:
    """An LMMS song project (.mmp or .mmpz) held as an editable XML tree."""

    def __init__(
        self,
        root: ET.Element,
        *,
        path: str | os.PathLike[str] | None = None,
        source: str | os.PathLike[str] | None = None,
        doctype: str | None = "lmms-project",
        compressed: bool = False,
    ) -> None:
        #: The file :meth:`save` writes to by default (None for a new project).
        self.path = Path(path) if path is not None else None
        self.root = root
        self.doctype = doctype
        self.compressed = compressed
        self._source = source
        check_structure(self)

    # --- loading and saving --------------------------------------------------------

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Project:
        """Read a project file; plain or compressed is decided by content, not suffix.

        Every problem raises :class:`FileFormatError` (a UserError) naming the file.
        """
        data = read_limited(path, container.MAX_PROJECT_BYTES)
        project = cls.from_bytes(data, source=path)
        project.path = Path(path)
        return project

    @classmethod
    def from_bytes(cls, data: bytes, *, source: str | os.PathLike[str]) -> Project:
        """Parse the bytes of a project file; ``source`` is named in errors (it is not
        a place to save to: give :meth:`save` a path)."""
        xml, compressed = container.unpack(data, source=source)
        root, doctype = xmlio.parse(xml, source=source)
        return cls(root, source=source, doctype=doctype, compressed=compressed)

    @classmethod
    def new(
        cls,
        *,
        tempo: float = 120.0,
        meter: tuple[int, int] = (4, 4),
        master_volume: float = 100.0,
    ) -> Project:
        """A minimal empty song LMMS loads: master channel, hidden automation track."""
        root, doctype = xmlio.parse(NEW_PROJECT_XML.encode(), source="<new project>")
        project = cls(root, doctype=doctype)
        project.tempo = tempo
        project.meter = meter
        project.master_volume = master_volume
        return project

    def to_bytes(self, *, compressed: bool | None = None) -> bytes:
        """The file content; ``compressed`` defaults to the form the project was read in."""
        xml = xmlio.serialize(self.root, self.doctype)
        return container.pack(xml, compressed=self.compressed if compressed is None else compressed)

    def save(
        self, path: str | os.PathLike[str] | None = None, *, backup: bool = True
    ) -> Path | None:
        """Write the project atomically (to its own file when ``path`` is None).

        The form follows the suffix, as LMMS expects: ``.mmpz`` compressed, anything
        else plain XML. Returns the backup made of the replaced file (``<name>.bak``)
        or None. The project remembers ``path`` as its new file.
        """
        target = Path(path) if path is not None else self.path
        if target is None:
            raise UserError("this project has no file yet: give a path to save it to")
        compressed = container.wants_compression(target)
        made = atomic_write(target, self.to_bytes(compressed=compressed), backup=backup)
        self.path, self.compressed = target, compressed
        return made

    # --- structure -----------------------------------------------------------------

    @property
    def source(self) -> str | os.PathLike[str] | None:
        """The file named in error messages."""
        return self.path if self.path is not None else self._source

    @property
    def head(self) -> ET.Element:
        return self._find("head")

    @property
    def song(self) -> ET.Element:
        return self._find("song")

    @property
    def track_container(self) -> ET.Element:
        """The song editor's ``<trackcontainer>``."""
        return self._find("song/trackcontainer")

    def _find(self, path: str) -> ET.Element:
        el = self.root.find(path)
        if el is None:
            raise FileFormatError(f"no <{path}> element", path=self.source)
        return el

    # --- song settings -------------------------------------------------------------

    tempo = Number(
        "bpm",
        "Beats (quarter notes) per minute.",
        default=140.0,
        low=10,
        high=999,
        what="tempo",
        unit=" bpm",
        on="head",
    )

    @property
    def meter(self) -> tuple[int, int]:
        """Time signature as ``(numerator, denominator)``."""
        return (
            get_int(self.head, "timesig_numerator", 4, source=self.source),
            get_int(self.head, "timesig_denominator", 4, source=self.source),
        )

    @meter.setter
    def meter(self, value: tuple[int, int]) -> None:
        num, den = value
        if not 1 <= num <= 32 or den not in (1, 2, 4, 8, 16, 32):
            raise ParameterError(
                f"time signature must be 1-32 over 1-32 (a power of 2), got {num}/{den}"
            )
        set_value(self.head, "timesig_numerator", num)
        set_value(self.head, "timesig_denominator", den)

    @property
    def ticks_per_bar(self) -> int:
        """LMMS ticks in one bar (48 per quarter note: 192 in 4/4)."""
        num, den = self.meter
        return max(1, 192 * num // den)

    def bar_tick(self, bar: int) -> int:
        """The song tick where ``bar`` starts (bars counted from 1, as LMMS shows them)."""
        if bar < 1:
            raise ParameterError(f"bars are counted from 1, got {bar}")
        return (bar - 1) * self.ticks_per_bar

    master_volume = Number(
        "mastervol",
        "Master volume in percent (100 = unity, 0-200).",
        default=100.0,
        low=0,
        high=200,
        what="master volume",
        on="head",
    )

    @property
    def master_pitch(self) -> float:
        """Master pitch in semitones."""
        return get_float(self.head, "masterpitch", 0.0, source=self.source)

    # --- tracks --------------------------------------------------------------------

    @property
    def tracks(self) -> list[Track]:
        """The song editor's tracks, in order, as typed views."""
        views: list[Track] = []
        beat_index = 0
        for el in self.track_container.findall("track"):
            views.append(track_view(el, self, beat_index))
            if isinstance(views[-1], BeatTrack):
                beat_index += 1
        return views

    @property
    def beat_tracks(self) -> list[BeatTrack]:
        """The Beat+Bassline tracks; ``beat_tracks[i].index == i``."""
        return [t for t in self.tracks if isinstance(t, BeatTrack)]

    @property
    def beat_container(self) -> ET.Element | None:
        """The Beat+Bassline editor's ``<trackcontainer>`` (None without beat tracks)."""
        for el in self.track_container.findall("track"):
            if el.get("type") == "1":
                found = el.find("bbtrack/trackcontainer")
                if found is not None:
                    return found
        return None

    @property
    def beat_instruments(self) -> list[InstrumentTrack]:
        """The instrument tracks of the Beat+Bassline editor."""
        box = self.beat_container
        if box is None:
            return []
        return [
            InstrumentTrack(el, self) for el in box.findall("track") if el.get("type", "0") == "0"
        ]

    def find_track(self, name: str) -> Track:
        """The one track named ``name`` (song editor first, then the Beat+Bassline editor)."""
        for group in (self.tracks, self.beat_instruments):
            found = [t for t in group if t.name == name]
            if len(found) > 1:
                raise UserError(
                    f"{len(found)} tracks are named {name!r}; rename one", path=self.source
                )
            if found:
                return found[0]
        names = sorted({t.name for t in self.tracks + self.beat_instruments})
        raise UserError(
            f"no track named {name!r} (tracks: {', '.join(map(repr, names)) or 'none'})",
            path=self.source,
        )

    @property
    def mixer_channels(self) -> list[MixerChannel]:
        """The FX mixer's channels (reading only: a file without a mixer stays so)."""
        el = self.song.find("fxmixer")
        return [] if el is None else Mixer(el, self).channels

    @property
    def mixer(self) -> Mixer:
        """The FX mixer, for editing (created with a master channel if the file has none)."""
        el = self.song.find("fxmixer")
        if el is None:
            el = ET.Element("fxmixer")
            ch = ET.SubElement(el, "fxchannel", {"num": "0", "name": "Master", "volume": "1"})
            ET.SubElement(ch, "fxchain", {"enabled": "0", "numofeffects": "0"})
            index = list(self.song).index(self.track_container) + 1
            insert_child(self.song, index, el, root=self.root)
        return Mixer(el, self)

    # --- edits ---------------------------------------------------------------------

    def add_instrument_track(
        self,
        name: str,
        instrument: str = "tripleoscillator",
        *,
        volume: float = 100.0,
        pan: float = 0.0,
        mixer_channel: int = 0,
        settings: Mapping[str, str] | None = None,
    ) -> InstrumentTrack:
        """Append an instrument track to the song editor (see :mod:`.instruments`)."""
        song = self.track_container
        return self._append_instrument(song, name, instrument, volume, pan, mixer_channel, settings)

    def _append_instrument(
        self,
        parent: ET.Element,
        name: str,
        instrument: str,
        volume: float,
        pan: float,
        mixer_channel: int,
        settings: Mapping[str, str] | None,
    ) -> InstrumentTrack:
        """A new instrument track appended to ``parent`` (the song's or the Beat+Bassline
        editor's track container), playing into an existing mixer channel."""
        if mixer_channel != 0 and all(ch.number != mixer_channel for ch in self.mixer_channels):
            raise ParameterError(f"the mixer has no channel {mixer_channel}")
        el = new_instrument_track(
            name, instrument, volume=volume, pan=pan, mixer_channel=mixer_channel, settings=settings
        )
        insert_child(parent, len(parent), el, root=self.root)
        return InstrumentTrack(el, self)

    def add_beat_track(self, name: str = "Beat/Bassline") -> BeatTrack:
        """Append a Beat+Bassline track (its beat index is the next free one).

        As in LMMS, every instrument of the Beat+Bassline editor gets an empty
        pattern for the new beat (see :mod:`.beats`).
        """
        el = ET.Element("track", {"type": "1", "name": name, "muted": "0", "solo": "0"})
        bb = ET.SubElement(el, "bbtrack")
        if self.beat_container is None:  # the first beat track carries the editor
            ET.SubElement(bb, "trackcontainer", {"type": "bbtrackcontainer"})
        insert_child(self.track_container, len(self.track_container), el, root=self.root)
        beat = self.beat_tracks[-1]
        for instrument in self.beat_instruments:
            ensure_beat_patterns(instrument, beat.index + 1)
        return beat

    def add_beat_instrument(
        self,
        name: str,
        instrument: str = "kicker",
        *,
        volume: float = 100.0,
        pan: float = 0.0,
        mixer_channel: int = 0,
        settings: Mapping[str, str] | None = None,
    ) -> InstrumentTrack:
        """Add an instrument to the Beat+Bassline editor (making a beat track if needed),
        with an empty pattern for every beat, as LMMS gives a new instrument."""
        if self.beat_container is None:
            self.add_beat_track()
        box = self.beat_container
        assert box is not None
        track = self._append_instrument(box, name, instrument, volume, pan, mixer_channel, settings)
        ensure_beat_patterns(track, len(self.beat_tracks))
        return track

    def beat_pattern(self, beat: BeatTrack, instrument: InstrumentTrack) -> Pattern | None:
        """The step pattern ``instrument`` plays in ``beat``, if it has one.

        LMMS finds it by its place in the instrument's list (the beat index-th
        pattern), not by its ``pos``; so does this method.
        """
        return beat_pattern(instrument, beat.index)

    def set_beat_notes(
        self,
        beat: BeatTrack,
        instrument: InstrumentTrack,
        notes: Iterable[LmmsNote],
        *,
        steps: int | None = None,
    ) -> Pattern:
        """Replace (or create) ``instrument``'s step pattern in ``beat`` with ``notes``.

        A missing pattern is created together with empty ones for the beats before
        it, so that LMMS, which counts patterns rather than reading their position,
        plays it in ``beat`` (see :mod:`.beats`).
        """
        if instrument not in self.beat_instruments:
            raise ParameterError(f"track {instrument.name!r} is not in the Beat+Bassline editor")
        beats = self.beat_tracks
        if beat not in beats:
            raise ParameterError(f"track {beat.name!r} is not a Beat+Bassline track of this song")
        index = beats.index(beat)  # its place in the song, whatever the view was told
        pattern = ensure_beat_patterns(instrument, index + 1)[index]
        pattern.set_notes(notes, steps=steps)
        return pattern

    # --- measures ------------------------------------------------------------------

    @property
    def length(self) -> int:
        """Song length in ticks: the end of the last clip in the song editor."""
        end = 0
        for el in self.track_container.findall("track"):
            for clip in el:
                if clip.tag == "pattern":
                    pattern = Pattern(clip, self)
                    end = max(end, pattern.pos + pattern.length)
                elif clip.tag in ("bbtco", "sampletco", "automationpattern"):
                    pos = get_int(clip, "pos", 0, source=self.source)
                    end = max(end, pos + get_int(clip, "len", 0, source=self.source))
        return end

    def __repr__(self) -> str:
        return (
            f"<Project {str(self.path) if self.path else '(new)'}: {format_number(self.tempo)} bpm>"
        )
