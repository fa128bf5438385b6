"""LMMS projects (.mmp / .mmpz): read, edit in place, write safely.

The entry point is :class:`Project`. Everything here is pure Python (ElementTree via
defusedxml, zlib); nothing heavy is imported.
"""

from __future__ import annotations

from .container import MAX_PROJECT_BYTES
from .instruments import INSTRUMENTS
from .mixer import Mixer, MixerChannel
from .patterns import (
    STEP_HIT_LENGTH,
    TICKS_PER_QUARTER,
    TICKS_PER_STEP,
    LmmsNote,
    Pattern,
    PatternKind,
)
from .project import Project
from .tracks import (
    AutomationTrack,
    BeatClip,
    BeatTrack,
    InstrumentTrack,
    SampleTrack,
    Track,
    TrackKind,
)

__all__ = [
    "INSTRUMENTS",
    "MAX_PROJECT_BYTES",
    "STEP_HIT_LENGTH",
    "TICKS_PER_QUARTER",
    "TICKS_PER_STEP",
    "AutomationTrack",
    "BeatClip",
    "BeatTrack",
    "InstrumentTrack",
    "LmmsNote",
    "Mixer",
    "MixerChannel",
    "Pattern",
    "PatternKind",
    "Project",
    "SampleTrack",
    "Track",
    "TrackKind",
]
