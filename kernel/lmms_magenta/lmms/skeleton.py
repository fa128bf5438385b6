"""The skeleton of a new project, and the structural checks every loaded project passes.

A project LMMS 1.2 loads and renders needs little: ``<head>`` with the song
settings, the song editor's ``<trackcontainer>``, the hidden global automation track
(``type="6"``) and an FX mixer with the master channel 0. Everything else (window
geometry, controllers, the timeline's loop points) has defaults.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import FileFormatError

if TYPE_CHECKING:
    from .project import Project

__all__ = ["NEW_PROJECT_XML", "check_structure"]

_ROOT_TAGS = ("lmms-project", "multimedia-project")  # the latter: LMMS 0.4 and older
_OTHER_TYPES = {
    "instrumenttracksettings": "an instrument preset",
    "effectsettings": "an effect preset",
    "clipboard-data": "clipboard data",
    "dragndropdata": "drag-and-drop data",
    "journaldata": "undo journal data",
}

NEW_PROJECT_XML = """<?xml version="1.0"?>
<!DOCTYPE lmms-project>
<lmms-project version="1.0" creator="lmms-magenta" creatorversion="1.2.2" type="song">
  <head bpm="120" timesig_numerator="4" timesig_denominator="4" mastervol="100" masterpitch="0"/>
  <song>
    <trackcontainer type="song">
    </trackcontainer>
    <track type="6" name="Automation track" muted="0" solo="0">
      <automationtrack/>
    </track>
    <fxmixer>
      <fxchannel num="0" name="Master" volume="1" muted="0" soloed="0">
        <fxchain enabled="0" numofeffects="0"/>
      </fxchannel>
    </fxmixer>
    <timeline lp0pos="0" lp1pos="192" lpstate="0"/>
    <controllers/>
  </song>
</lmms-project>
"""


def _fail(project: Project, problem: str) -> FileFormatError:
    return FileFormatError(problem, path=project.source)


def check_structure(project: Project) -> None:
    """Raise FileFormatError unless ``project`` is a song with the elements LMMS needs
    and readable song settings (so a broken file fails on loading, not later)."""
    root = project.root
    if root.tag not in _ROOT_TAGS:
        tag = root.tag.rsplit("}", 1)[-1]  # without a namespace
        raise _fail(project, f"not an LMMS project (the XML root is <{tag}>)")
    kind = root.get("type", "song")
    if kind != "song":
        what = _OTHER_TYPES.get(kind, f"an LMMS file of type {kind!r}")
        raise _fail(project, f"is {what}, not a song project")
    for needed in ("head", "song", "song/trackcontainer"):
        if root.find(needed) is None:
            raise _fail(project, f"not a complete LMMS project: no <{needed}> element")
    num, den = project.meter
    if not (1 <= num <= 64 and 1 <= den <= 64) or 192 * num // den < 1:
        raise _fail(project, f"impossible time signature {num}/{den}")
    if project.tempo <= 0:
        raise _fail(project, f"impossible tempo {project.tempo:g} bpm")
    project.master_volume  # noqa: B018 - validates the value
