"""Typed views of ``<track>`` elements.

``type`` attribute: 0 instrument, 1 Beat+Bassline, 2 sample, 5 automation, 6 the
hidden global automation track (tempo, meter, master volume). Every track can be
muted and soloed (``muted`` / ``solo``, kept in the automated form with its id when
automation drives them); beyond that, sample and automation tracks are only described
(their clips counted; a sample track's volume can be set); track types this module
does not know are kept as plain :class:`Track` views.
"""

from __future__ import annotations

import enum
import xml.etree.ElementTree as ET
from collections.abc import Iterable

from ..errors import ParameterError
from .base import ProjectContext, View, insert_child
from .fields import Flag, check_range
from .patterns import TICKS_PER_STEP, LmmsNote, Pattern, new_pattern_element
from .values import get_value, set_value

__all__ = [
    "AutomationTrack",
    "BeatClip",
    "BeatTrack",
    "InstrumentTrack",
    "SampleTrack",
    "Track",
    "TrackKind",
    "track_view",
]


class TrackKind(enum.IntEnum):
    """The ``type`` attribute of a ``<track>``."""

    INSTRUMENT = 0
    BEAT_BASSLINE = 1
    SAMPLE = 2
    EVENT = 3
    VIDEO = 4
    AUTOMATION = 5
    HIDDEN_AUTOMATION = 6


_KIND_LABELS = {
    TrackKind.INSTRUMENT: "instrument",
    TrackKind.BEAT_BASSLINE: "beat/bassline",
    TrackKind.SAMPLE: "sample",
    TrackKind.EVENT: "event",
    TrackKind.VIDEO: "video",
    TrackKind.AUTOMATION: "automation",
    TrackKind.HIDDEN_AUTOMATION: "global automation",
}


class Track(View):
    """Any ``<track>``: name, type, mute and solo."""

    @property
    def name(self) -> str:
        return self.element.get("name", "")

    @name.setter
    def name(self, value: str) -> None:
        self.element.set("name", value)

    @property
    def type_code(self) -> int:
        """The raw ``type`` attribute."""
        return self._int("type", 0)

    @property
    def kind(self) -> str:
        """A musician's word for the track type ("instrument", "beat/bassline" ...)."""
        code = self.type_code
        try:
            return _KIND_LABELS[TrackKind(code)]
        except ValueError:
            return f"unknown type {code}"

    # an automated mute keeps its <muted id=..> element (and the automation link)
    muted = Flag("muted", "Whether the track is muted (silent in the song).")
    solo = Flag(
        "solo",
        "Whether the track is soloed (the LMMS window then plays only soloed tracks). "
        "Measured: LMMS 1.2's command-line ``render`` ignores the flag and plays every "
        "unmuted track, so to render one track alone, mute the others.",
    )

    @property
    def clip_count(self) -> int:
        """How many clips (patterns, sample clips, automation patterns ...) it holds."""
        return sum(
            1
            for child in self.element
            if child.tag in ("pattern", "bbtco", "sampletco", "automationpattern")
        )

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}>"


class InstrumentTrack(Track):
    """An instrument track (in the song, or inside the Beat+Bassline editor)."""

    @property
    def settings(self) -> ET.Element:
        """The ``<instrumenttrack>`` element (created empty, for editing, if a broken
        file lacks it; reading never changes the file)."""
        el = self.element.find("instrumenttrack")
        if el is None:
            el = insert_child(
                self.element, 0, ET.Element("instrumenttrack"), root=self.project.root
            )
        return el

    def _setting(self, name: str, default: float) -> float:
        el = self.element.find("instrumenttrack")
        return default if el is None else self._float(name, default, el)

    @property
    def instrument(self) -> str:
        """The instrument plugin's name, e.g. ``"tripleoscillator"`` ("" if none)."""
        el = self.element.find("instrumenttrack/instrument")
        return el.get("name", "") if el is not None else ""

    @property
    def base_key(self) -> int:
        """The key at which the instrument plays its own pitch (57 = A4 by default)."""
        return round(self._setting("basenote", 57))

    @property
    def volume(self) -> float:
        """Track volume in percent (100 = unity, LMMS allows 0-200)."""
        return self._setting("vol", 100.0)

    @volume.setter
    def volume(self, value: float) -> None:
        check_range(value, "track volume", 0, 200)
        set_value(self.settings, "vol", value)

    @property
    def pan(self) -> float:
        """Panning -100 (left) .. 100 (right)."""
        return self._setting("pan", 0.0)

    @pan.setter
    def pan(self, value: float) -> None:
        check_range(value, "track panning", -100, 100)
        set_value(self.settings, "pan", value)

    @property
    def mixer_channel(self) -> int:
        """The FX mixer channel the track plays into (0 = master)."""
        return round(self._setting("fxch", 0))

    @mixer_channel.setter
    def mixer_channel(self, value: int) -> None:
        if value < 0:
            raise ParameterError(f"mixer channel must be >= 0, got {value}")
        set_value(self.settings, "fxch", value)

    @property
    def patterns(self) -> list[Pattern]:
        return [Pattern(el, self.project) for el in self.element.findall("pattern")]

    def pattern_at(self, pos: int) -> Pattern | None:
        """The first pattern starting exactly at tick ``pos``, if any."""
        for el in self.element.findall("pattern"):
            if Pattern(el, self.project).pos == pos:
                return Pattern(el, self.project)
        return None

    def add_pattern(
        self,
        pos: int,
        notes: Iterable[LmmsNote],
        *,
        name: str | None = None,
        steps: int | None = None,
    ) -> Pattern:
        """Add a pattern at song tick ``pos`` holding ``notes``; patterns stay in time order."""
        if pos < 0:
            raise ParameterError(f"pattern position must be >= 0 ticks, got {pos}")
        default_steps = max(1, self.project.ticks_per_bar // TICKS_PER_STEP)
        el = new_pattern_element(self.name if name is None else name, pos, default_steps)
        children = list(self.element)
        index = len(children)
        for i, child in enumerate(children):
            if child.tag == "pattern" and Pattern(child, self.project).pos > pos:
                index = i
                break
        insert_child(self.element, index, el, root=self.project.root)
        pattern = Pattern(el, self.project)
        pattern.set_notes(notes, steps=steps)
        return pattern


class BeatClip(View):
    """A ``<bbtco>``: where a Beat+Bassline pattern plays in the song."""

    @property
    def pos(self) -> int:
        return self._int("pos", 0)

    @property
    def length(self) -> int:
        return self._int("len", 0)

    muted = Flag("muted", "Whether the clip is muted.", writable=False)


class BeatTrack(Track):
    """A Beat+Bassline track: plays beat pattern number ``index`` where it has clips.

    The drum instruments themselves live in the Beat+Bassline editor
    (:attr:`Project.beat_instruments`); each holds one pattern per beat index.
    """

    def __init__(self, element: ET.Element, project: ProjectContext, index: int) -> None:
        super().__init__(element, project)
        self.index = index

    @property
    def clips(self) -> list[BeatClip]:
        return [BeatClip(el, self.project) for el in self.element.findall("bbtco")]

    def add_clip(self, pos: int, length: int | None = None) -> BeatClip:
        """Play this beat from song tick ``pos`` for ``length`` ticks (default one bar)."""
        if pos < 0:
            raise ParameterError(f"clip position must be >= 0 ticks, got {pos}")
        length = self.project.ticks_per_bar if length is None else length
        if length <= 0:
            raise ParameterError(f"clip length must be > 0 ticks, got {length}")
        el = ET.Element(
            "bbtco",
            {"pos": str(pos), "len": str(length), "muted": "0", "usestyle": "1", "name": ""},
        )
        insert_child(self.element, len(self.element), el, root=self.project.root)
        return BeatClip(el, self.project)


class SampleTrack(Track):
    """A sample (audio) track; kept as it is."""

    @property
    def volume(self) -> float:
        el = self.element.find("sampletrack")
        return self._float("vol", 100.0, el) if el is not None else 100.0

    @volume.setter
    def volume(self, value: float) -> None:
        check_range(value, "track volume", 0, 200)
        el = self.element.find("sampletrack")
        if el is None:
            el = insert_child(self.element, 0, ET.Element("sampletrack"), root=self.project.root)
        set_value(el, "vol", value)


class AutomationTrack(Track):
    """An automation track (or the hidden global one); kept as it is."""

    @property
    def pattern_names(self) -> list[str]:
        return [el.get("name", "") for el in self.element.findall("automationpattern")]


def track_view(element: ET.Element, project: ProjectContext, beat_index: int = -1) -> Track:
    """The right view class for a ``<track>`` element."""
    code = get_value(element, "type") or "0"
    if code == "0":
        return InstrumentTrack(element, project)
    if code == "1":
        return BeatTrack(element, project, beat_index)
    if code == "2":
        return SampleTrack(element, project)
    if code in ("5", "6"):
        return AutomationTrack(element, project)
    return Track(element, project)
