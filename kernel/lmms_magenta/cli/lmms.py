"""``lmms-magenta lmms ...``: look into LMMS projects and move clips in and out as MIDI.

Bad input raises :class:`~lmms_magenta.errors.UserError` subclasses; the main CLI
prints them as one line and exits with code 2. Projects are saved atomically and
the replaced file is kept as ``<name>.bak``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from ..errors import UserError

__all__ = ["lmms"]

_PROJECT = click.Path(dir_okay=False, path_type=Path)


@click.group(name="lmms")
def lmms() -> None:
    """Read and edit LMMS projects (.mmp / .mmpz)."""


@lmms.command("info")
@click.argument("project", type=_PROJECT)
@click.option("--json", "as_json", is_flag=True, help="Print the overview as JSON.")
def info(project: Path, as_json: bool) -> None:
    """Show tempo, meter, tracks with their patterns, and the mixer of PROJECT."""
    from ..lmms import Project
    from ..lmms.summary import summarize

    data = summarize(Project.load(project))
    if as_json:
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        _print_info(data)


def _print_info(data: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False)
    console.print(
        f"[bold]{data['file']}[/bold]: {data['tempo']:g} bpm, {data['meter']}, "
        f"master volume {data['master_volume']:g}%, {data['length_bars']} bars"
    )
    tracks = Table("track", "kind", "instrument", "volume", "mixer", "clips", "notes", box=None)
    for t in data["tracks"]:
        patterns = t.get("patterns")
        clips = len(patterns) if patterns is not None else t.get("clips", 0)
        if isinstance(clips, list):
            clips = len(clips)
        notes = sum(p["notes"] for p in patterns) if patterns is not None else ""
        volume = f"{t['volume']:g}%" if "volume" in t else ""
        tracks.add_row(
            t["name"],
            t["kind"],
            t.get("instrument", ""),
            volume,
            str(t.get("mixer_channel", "")),
            str(clips),
            str(notes),
        )
    console.print(tracks)
    if data["beat_instruments"]:
        beats = Table(
            "beat/bassline instrument", "instrument", "volume", "mixer", "notes per beat", box=None
        )
        for t in data["beat_instruments"]:
            per_beat = ", ".join(f"{p['beat']}: {p['notes']}" for p in t["patterns"])
            beats.add_row(
                t["name"], t["instrument"], f"{t['volume']:g}%", str(t["mixer_channel"]), per_beat
            )
        console.print(beats)
    mixer = Table("mixer channel", "name", "volume", "muted", "sends to", box=None)
    for ch in data["mixer"]:
        sends = ", ".join(f"{s['channel']} ({s['amount']:g})" for s in ch["sends"])
        mixer.add_row(
            str(ch["number"]), ch["name"], f"{ch['volume']:g}", "yes" if ch["muted"] else "", sends
        )
    console.print(mixer)


@lmms.command("import-midi")
@click.argument("project", type=_PROJECT)
@click.argument("clip", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--track",
    "track_name",
    required=True,
    help="Track to put the clip on; a new instrument track if none has this name.",
)
@click.option(
    "--at",
    "bar",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Bar (counted from 1) where the clip starts.",
)
@click.option(
    "--instrument",
    default=None,
    help="Instrument of a new track [default: kicker for drum clips, else tripleoscillator].",
)
@click.option(
    "--beat",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="For an instrument of the Beat+Bassline editor: which beat (1 = first).",
)
@click.option(
    "-o", "--output", type=_PROJECT, default=None, help="Write here instead of replacing PROJECT."
)
def import_midi(
    project: Path,
    clip: Path,
    track_name: str,
    bar: int,
    instrument: str | None,
    beat: int,
    output: Path | None,
) -> None:
    """Put the notes of the MIDI file CLIP into a track of PROJECT.

    All notes of CLIP go into one pattern starting at bar --at of the track (a new
    instrument track when no track has that name). Notes keep their beats; the
    project's tempo is kept. For an instrument of the Beat+Bassline editor the notes
    become step hits of beat --beat, played at the instrument's base note.
    PROJECT is replaced (the old file kept as PROJECT.bak) unless -o is given.
    """
    from ..lmms import InstrumentTrack, Project
    from ..lmms.convert import clip_to_notes
    from ..music import Clip, read_midi

    song = Project.load(project)
    midi = read_midi(clip)
    notes = [n for c in midi.clips for n in c.notes]
    is_drum = bool(midi.clips) and all(c.is_drum for c in midi.clips)
    merged = Clip(
        notes,
        ppq=midi.ppq,
        meter=midi.meter,
        tempo=midi.bpm,
        is_drum=is_drum or any(c.is_drum for c in midi.clips),
    )
    try:
        track = song.find_track(track_name)
    except UserError:
        if track_name in {t.name for t in song.tracks + song.beat_instruments}:
            raise  # the name is ambiguous
        track = song.add_instrument_track(
            track_name, instrument or ("kicker" if is_drum else "tripleoscillator")
        )
    if not isinstance(track, InstrumentTrack):
        raise UserError(
            f"track {track_name!r} is a {track.kind} track; choose an instrument track",
            path=project,
        )
    if track in song.beat_instruments:
        beats = song.beat_tracks
        if beat > len(beats):
            raise UserError(
                f"the project has {len(beats)} Beat+Bassline tracks, not {beat}", path=project
            )
        hits = clip_to_notes(merged, steps=True, base_key=track.base_key)
        song.set_beat_notes(beats[beat - 1], track, hits)
        where = f"beat {beat}"
        count = len(hits)
    else:
        lmms_notes = clip_to_notes(merged)
        track.add_pattern(song.bar_tick(bar), lmms_notes)
        where = f"bar {bar}"
        count = len(lmms_notes)
    backup = song.save(output or project)
    click.echo(
        f"{count} notes put on track {track.name!r} at {where}; saved "
        f"{output or project}" + (f" (previous version: {backup})" if backup else "")
    )


@lmms.command("export-midi")
@click.argument("project", type=_PROJECT)
@click.option("--track", "track_name", required=True, help="Instrument track to export.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="MIDI file to write.",
)
def export_midi(project: Path, track_name: str, output: Path) -> None:
    """Write everything one track of PROJECT plays as a MIDI file (from the song's start)."""
    from ..lmms import InstrumentTrack, Project
    from ..lmms.convert import track_to_clip
    from ..music import write_midi

    song = Project.load(project)
    track = song.find_track(track_name)
    if not isinstance(track, InstrumentTrack):
        raise UserError(
            f"track {track_name!r} is a {track.kind} track; only instrument tracks hold notes",
            path=project,
        )
    clip = track_to_clip(song, track)
    if not clip.notes:
        raise UserError(f"track {track_name!r} plays no notes", path=project)
    backup = write_midi(output, clip)
    click.echo(
        f"{len(clip.notes)} notes of track {track.name!r} written to {output}"
        + (f" (previous version: {backup})" if backup else "")
    )
