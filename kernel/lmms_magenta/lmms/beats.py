"""Beat+Bassline step patterns: one per beat, found by their place in the list.

Each instrument of the Beat+Bassline editor holds a list of ``<pattern>`` elements,
and LMMS 1.2 plays the i-th of that list for beat i (``Track::getTCO(i)`` in
``BBTrackContainer::play``); when it loads a project it even moves pattern i to bar
i, whatever its ``pos`` says (``BBTrackContainer::fixIncorrectPositions``). So a
pattern written for beat 2 of an instrument that has none for beats 0 and 1 is that
instrument's *first* pattern: LMMS plays it for beat 0, and beat 2 stays silent.

LMMS itself never leaves such a gap: whenever a track or a beat is added, every
instrument gets an empty pattern for every beat (``createTCOsForBB``). The helpers
here keep the same rule for the files this package writes: a beat's pattern is looked
up by index, and creating the pattern of beat i first creates the missing ones before
it - empty step patterns at ``k * ticks per bar``, named after the instrument, with the
attributes LMMS writes - so the list stays one pattern per beat, in beat order.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from ..errors import ParameterError
from .base import insert_child
from .patterns import TICKS_PER_STEP, Pattern, new_pattern_element
from .tracks import InstrumentTrack

__all__ = ["beat_pattern", "ensure_beat_patterns"]


def beat_pattern(instrument: InstrumentTrack, index: int) -> Pattern | None:
    """The pattern ``instrument`` plays in beat ``index`` (its index-th pattern), if any."""
    if index < 0:
        raise ParameterError(f"beat index must be >= 0, got {index}")
    found = instrument.element.findall("pattern")
    return Pattern(found[index], instrument.project) if index < len(found) else None


def ensure_beat_patterns(instrument: InstrumentTrack, count: int) -> list[Pattern]:
    """Give ``instrument`` a pattern for each of the beats ``0 .. count - 1``.

    Patterns it already has are kept as they are (LMMS's list order is the beat
    order); missing ones are appended after them as empty one-bar step patterns.
    Returns all of the instrument's patterns, in beat order.
    """
    project = instrument.project
    element = instrument.element
    existing = element.findall("pattern")
    if len(existing) < count:
        steps = max(1, project.ticks_per_bar // TICKS_PER_STEP)
        children = list(element)
        at = children.index(existing[-1]) + 1 if existing else len(children)
        for k in range(len(existing), count):
            el: ET.Element = new_pattern_element(instrument.name, k * project.ticks_per_bar, steps)
            insert_child(element, at, el, root=project.root)
            Pattern(el, project).set_notes([])  # type, len and steps as LMMS computes them
            at += 1
    return [Pattern(el, project) for el in element.findall("pattern")]
