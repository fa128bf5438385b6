"""Instrument plugins a new track can use, and the XML of a new instrument track.

LMMS renders an instrument it does not know as silence (and still exits 0), so a
new track's instrument is checked against the instruments LMMS 1.2 ships. The new
plugin element carries only the settings the caller gives: LMMS fills in every
missing setting with the plugin's default (measured: ``<tripleoscillator/>`` and
``<kicker/>`` play their default sounds).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping

from ..errors import ParameterError
from .fields import check_range
from .values import format_number

__all__ = ["DEFAULT_SAMPLE", "INSTRUMENTS", "instrument_name", "new_instrument_track"]

#: Instrument plugins of LMMS 1.2 (their names as written in projects).
INSTRUMENTS = (
    "audiofileprocessor",
    "bitinvader",
    "gigplayer",
    "kicker",
    "lb302",
    "malletsstk",
    "monstro",
    "nes",
    "OPL2",
    "organic",
    "papu",
    "patman",
    "sf2player",
    "sfxr",
    "sid",
    "tripleoscillator",
    "vibedstrings",
    "watsyn",
    "zynaddsubfx",
)

#: Sample an AudioFileProcessor plays when none is given (from LMMS's factory samples).
DEFAULT_SAMPLE = "drums/kick01.ogg"

_BY_LOWER = {name.lower(): name for name in INSTRUMENTS}


def instrument_name(text: str) -> str:
    """The plugin name for ``text`` (any case: "TripleOscillator" -> "tripleoscillator")."""
    name = _BY_LOWER.get(text.strip().lower().replace(" ", ""))
    if name is None:
        raise ParameterError(
            f"unknown LMMS instrument {text!r}; choose one of: {', '.join(INSTRUMENTS)}"
        )
    return name


def new_instrument_track(
    name: str,
    instrument: str,
    *,
    volume: float = 100.0,
    pan: float = 0.0,
    mixer_channel: int = 0,
    settings: Mapping[str, str] | None = None,
) -> ET.Element:
    """A complete ``<track type="0">`` element for a new instrument track.

    ``settings`` become attributes of the plugin element (e.g. ``{"src":
    "drums/snare01.ogg"}`` for an AudioFileProcessor, which plays
    :data:`DEFAULT_SAMPLE` when no ``src`` is given).
    """
    plugin = instrument_name(instrument)
    check_range(volume, "track volume", 0, 200)
    check_range(pan, "track panning", -100, 100)
    attrs = dict(settings or {})
    if plugin == "audiofileprocessor":
        attrs.setdefault("src", DEFAULT_SAMPLE)
    track = ET.Element("track", {"type": "0", "name": name, "muted": "0", "solo": "0"})
    it = ET.SubElement(
        track,
        "instrumenttrack",
        {
            "vol": format_number(volume),
            "pan": format_number(pan),
            "fxch": str(mixer_channel),
            "basenote": "57",
            "pitch": "0",
            "pitchrange": "1",
            "usemasterpitch": "1",
        },
    )
    inst = ET.SubElement(it, "instrument", {"name": plugin})
    ET.SubElement(inst, plugin, attrs)
    ET.SubElement(it, "fxchain", {"enabled": "0", "numofeffects": "0"})
    return track
