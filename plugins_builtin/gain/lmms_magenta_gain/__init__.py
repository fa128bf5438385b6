"""lmms-magenta gain: smart gain staging for LMMS projects.

Measures loudness the standard way (ITU-R BS.1770-5 / EBU R128: integrated loudness,
loudness range, maximum momentary and short-term loudness, true peak), plus sample
peak and RMS; renders every mixer channel (or track) of a project with the real LMMS,
recommends per-channel gains toward a target and writes them into the project.

Modules, one concern each: :mod:`.kweighting` (filters for any rate), :mod:`.gating`
(integrated loudness, loudness range), :mod:`.truepeak`, :mod:`.measure` (one signal),
:mod:`.audio` (WAV files), :mod:`.units` / :mod:`.render` (what to render, and LMMS),
:mod:`.analysis` (a whole project), :mod:`.recommend`, :mod:`.apply`, :mod:`.report`,
:mod:`.plot`, :mod:`.cli`, :mod:`.plugin` (the entry point). Importing this package
is cheap; numpy and scipy are imported when something is measured.
"""

from __future__ import annotations

__all__ = ["__version__"]

__version__ = "0.1.0"
