"""lmms-magenta demo: a whole LMMS song from nothing, made by the other features.

``lmms-magenta demo`` (and the feature ``generate.song``) writes a new project with a
generated drum pattern on Beat+Bassline tracks, humanized by the groove feature, a
generated bass line and melody on TripleOscillator tracks, arranged over 8 bars and
gain-staged by the gain feature; the same clips as MIDI files, piano-roll pictures,
and, when LMMS is installed, a WAV with its loudness.

The demo owns no model and no music-making code: every musical decision is a call of
another plugin's feature through the kernel. Its distribution requires the pattern,
groove and gain plugins, so with one of them missing or disabled the kernel disables
the demo and says which package to install.

Modules, one concern each: :mod:`.plan` (key, tempo, style, form), :mod:`.sounds`
(drum kit and synth settings), :mod:`.parts` (the generated clips), :mod:`.assemble`
(the LMMS project), :mod:`.exports` (MIDI files), :mod:`.previews` (PNG pictures),
:mod:`.mixdown` (gain staging, render, loudness), :mod:`.pipeline` (the stages in
order), :mod:`.progress`, :mod:`.features`, :mod:`.cli`, :mod:`.plugin` (entry point).
"""

from __future__ import annotations

__all__ = ["__version__"]

__version__ = "0.1.0"
