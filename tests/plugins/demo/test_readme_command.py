"""The README's first command, run exactly as written, and the song it writes.

The command is read from the first ``bash`` block of README.md and run with bash from
the repository root, as a new user would paste it (it sets up ``.venv`` and runs
``lmms-magenta demo``, which writes ``./lmms-magenta-demo/``). Only the user's
lmms-magenta folders are redirected (config, data, cache: ``LMMS_MAGENTA_*_DIR``) so
the test never reads or changes them. Then the song is checked as a musician would:
the project loads and has its tracks, the MIDI files hold the parts, the pictures are
there, and - with LMMS installed - the mix was gain-staged and LMMS renders it, not
silent.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from demo_support import REPO, needs_lmms, rms_db
from lmms_magenta_demo.features import DEFAULT_SEED
from lmms_magenta_demo.plan import SETTINGS

from lmms_magenta.lmms import BeatTrack, InstrumentTrack, Project
from lmms_magenta.music import read_midi

pytestmark = pytest.mark.slow

#: The folder the demo writes to by default, relative to where it runs (the repo root).
FOLDER = REPO / "lmms-magenta-demo"
#: What the first command has to run for this test to mean anything.
DEMO_COMMAND = ".venv/bin/lmms-magenta demo"


def readme_first_command() -> str:
    """The first ``bash`` block of README.md, as a user copies it."""
    blocks = re.findall(r"^```bash\n(.*?)^```", (REPO / "README.md").read_text(), re.S | re.M)
    assert blocks, "README.md has no ```bash block"
    return str(blocks[0]).strip()


@dataclass
class Run:
    command: str
    proc: subprocess.CompletedProcess[str]
    started: float
    seconds: float


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Run]:
    command = readme_first_command()
    home = tmp_path_factory.mktemp("lmms-magenta-home")
    env = dict(os.environ)
    for kind in ("CONFIG", "DATA", "CACHE"):
        env[f"LMMS_MAGENTA_{kind}_DIR"] = str(home / kind.lower())
    for name in ("LMMS_MAGENTA_ENABLE", "LMMS_MAGENTA_DISABLE", "LMMS_MAGENTA_BACKEND"):
        env.pop(name, None)
    started = time.time()
    proc = subprocess.run(
        ["bash", "-c", command],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    yield Run(command, proc, started, time.time() - started)


def test_the_first_command_sets_up_and_runs_the_demo(run: Run) -> None:
    assert run.command.endswith(DEMO_COMMAND), run.command
    assert run.proc.returncode == 0, run.proc.stderr[-3000:]
    for stage in ("plan", "drums", "tunes", "project", "groove", "gain", "midi", "previews"):
        assert re.search(rf"^\W*{stage}\s", run.proc.stderr, re.M), (stage, run.proc.stderr)
    assert "Your demo song" in run.proc.stdout
    assert "Traceback" not in run.proc.stderr


def test_it_wrote_the_song_files_just_now(run: Run) -> None:
    names = ["demo.mmpz", "drums.mid", "bass.mid", "melody.mid"]
    names += ["drums.png", "bass.png", "melody.png"]
    for name in names:
        path = FOLDER / name
        assert path.is_file(), name
        assert path.stat().st_mtime >= run.started - 1, f"{name} is older than this run"


def test_the_project_loads_with_its_tracks(run: Run) -> None:
    song = Project.load(FOLDER / "demo.mmpz")
    setting = SETTINGS[DEFAULT_SEED % len(SETTINGS)]
    assert song.tempo == setting.tempo
    tracks = {t.name: t for t in song.tracks if t.kind != "automation"}
    assert list(tracks) == ["Drums", "Drums fill", "Bass", "Lead"]
    assert isinstance(tracks["Drums"], BeatTrack) and isinstance(tracks["Bass"], InstrumentTrack)
    assert [c.length for c in tracks["Drums"].clips] == [6 * song.ticks_per_bar]  # 8 bars
    kit = [t.name for t in song.beat_instruments]
    assert kit and {t.instrument for t in song.beat_instruments} == {"audiofileprocessor"}
    hits = [song.beat_pattern(song.beat_tracks[0], inst) for inst in song.beat_instruments]
    assert sum(len(p.notes) for p in hits if p is not None) >= 8, kit
    for name in ("Bass", "Lead"):
        track = tracks[name]
        assert isinstance(track, InstrumentTrack) and track.instrument == "tripleoscillator"
        assert sum(len(p.notes) for p in track.patterns) > 0, name


def test_the_midi_files_hold_humanized_drums_a_low_bass_and_a_melody(run: Run) -> None:
    drums = read_midi(FOLDER / "drums.mid")
    (clip,) = drums.clips
    assert clip.is_drum and clip.bar_count == 8
    step = clip.ppq // 4
    assert len({n.velocity for n in clip.notes}) > 3, "the groove gives the hits accents"
    assert any(n.start % step for n in clip.notes), "the groove moves hits off the grid"
    bass = read_midi(FOLDER / "bass.mid").clips[0]
    melody = read_midi(FOLDER / "melody.mid").clips[0]
    assert bass.notes and melody.notes
    assert max(n.pitch for n in bass.notes) < min(n.pitch for n in melody.notes)
    assert min(n.start for n in melody.notes) >= 2 * clip.ticks_per_bar  # after the intro


@pytest.mark.lmms
def test_the_mix_is_gain_staged_and_lmms_renders_it(run: Run, tmp_path: Path) -> None:
    import soundfile as sf

    from lmms_magenta.lmms.render import render_project

    lmms = needs_lmms()
    song = Project.load(FOLDER / "demo.mmpz")
    faders = {ch.name: ch.volume for ch in song.mixer_channels}
    assert any(abs(faders[name] - 1.0) > 0.01 for name in ("Drums", "Bass", "Lead")), faders
    wav = FOLDER / "demo.wav"
    assert wav.stat().st_mtime >= run.started - 1
    assert re.search(r"LUFS integrated, true peak", run.proc.stdout), run.proc.stdout
    ours = tmp_path / "check.wav"  # rendered again here, independently of the demo
    render_project(FOLDER / "demo.mmpz", ours, float32=True, lmms=lmms, workdir=tmp_path)
    for path in (wav, ours):
        samples, rate = sf.read(path, always_2d=True)
        assert len(samples) >= 8 * 4 * 60 / 130 * rate  # 8 bars at any of the tempos
        assert rms_db(samples) > -35, path
