"""The parameter schema: a feature declares its parameters once, everything reads it.

A :class:`Schema` is an ordered list of typed parameters (:class:`Number`,
:class:`Integer`, :class:`Choice`, :class:`Bool`, :class:`Pitch`, :class:`Key`,
:class:`Scale`, :class:`File`, :class:`Seed`, :class:`Text`). The CLI generates its
options from it (:mod:`lmms_magenta.cli.options`), the Qt panels their widgets (from
:meth:`Schema.to_json`), presets are checked against it (:mod:`lmms_magenta.presets`),
and :meth:`Schema.validate` turns whatever a user typed - Python values, CLI strings,
JSON from a preset - into one complete, normalized mapping before a feature runs.

Declaring a parameter wrongly (a default outside its own range, duplicate names) is a
programming error and raises :class:`ValueError` at import time of the plugin. A user
giving a wrong value gets a :class:`~lmms_magenta.errors.ParameterError` whose message
is one line naming the parameter, the bad value and what is allowed.

Modules: :mod:`.base` (the :class:`Param` base), :mod:`.scalars` (numbers, choices,
switches, seeds), :mod:`.music` (pitches, keys, scales), :mod:`.files`, :mod:`.text`
(free text: names, titles), :mod:`.schema`.
"""

from __future__ import annotations

from ..tonal import SCALES, TONICS, scale_intervals
from .base import Param
from .files import File
from .music import Key, Pitch, Scale
from .scalars import SEED_MAX, Bool, Choice, Integer, Number, Seed, pick_seed
from .schema import Schema
from .text import Text

__all__ = [
    "SCALES",
    "SEED_MAX",
    "TONICS",
    "Bool",
    "Choice",
    "File",
    "Integer",
    "Key",
    "Number",
    "Param",
    "Pitch",
    "Scale",
    "Schema",
    "Seed",
    "Text",
    "pick_seed",
    "scale_intervals",
]
