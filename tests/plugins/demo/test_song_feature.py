"""The feature ``demo.song`` from Python and ``lmms-magenta demo`` without LMMS runs.

These runs leave LMMS out (``render=False``, or LMMS not found), so they are quick and
need no LMMS; the full run with LMMS is ``test_readme_command.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lmms_magenta_demo.features import DemoResult

from lmms_magenta.errors import ParameterError, UserError
from lmms_magenta.kernel import Kernel
from lmms_magenta.lmms import Project
from lmms_magenta.music import read_midi
from lmms_magenta.testing import CliRunnerFn

#: the demo with everything it needs, in isolated config/data/cache folders
pytestmark = pytest.mark.lmms_plugins("demo", "pattern", "groove", "gain", "models", "cpu")


@pytest.fixture
def kernel(lmms_kernel: Kernel) -> Kernel:
    return lmms_kernel


def _song(kernel: Kernel, folder: Path, **params: object) -> DemoResult:
    result: DemoResult = kernel.feature("demo.song")(kernel, output=str(folder), **params)
    return result


def test_the_feature_writes_project_midi_and_pictures(kernel: Kernel, tmp_path: Path) -> None:
    song = _song(kernel, tmp_path / "song", seed=11, render=False)
    assert song.project == tmp_path / "song" / "demo.mmpz"
    assert [p.name for p in song.paths] == [
        "demo.mmpz", "drums.mid", "bass.mid", "melody.mid", "drums.png", "bass.png", "melody.png",
    ]  # fmt: skip
    assert all(p.is_file() for p in song.paths)
    assert song.tracks == ("Drums", "Drums fill", "Bass", "Lead")
    assert song.audio is None and song.loudness is None and song.gain == ()
    assert song.skipped == (
        "gain staging: render is off (--no-render)",
        "render: render is off (--no-render)",
    )
    assert Project.load(song.project).tempo == song.plan.setting.tempo
    assert not list((tmp_path / "song").glob("*.bak"))  # nothing was replaced


def test_a_seed_makes_the_same_song_again(kernel: Kernel, tmp_path: Path) -> None:
    first = _song(kernel, tmp_path / "a", seed=5, bars=4, render=False)
    again = _song(kernel, tmp_path / "b", seed=5, bars=4, render=False)
    other = _song(kernel, tmp_path / "c", seed=6, bars=4, render=False)
    for part in ("drums", "bass", "melody"):
        same = read_midi(first.midi[part]).clips
        assert same == read_midi(again.midi[part]).clips, part
    assert read_midi(first.midi["melody"]).clips != read_midi(other.midi["melody"]).clips
    assert read_midi(first.midi["drums"]).clips[0].bar_count == 4


def test_running_again_keeps_the_earlier_project_as_a_backup(
    kernel: Kernel, tmp_path: Path
) -> None:
    first = _song(kernel, tmp_path, seed=1, bars=4, render=False)
    before = first.project.read_bytes()
    _song(kernel, tmp_path, seed=2, bars=4, render=False)
    assert (tmp_path / "demo.mmpz.bak").read_bytes() == before
    assert (tmp_path / "drums.mid.bak").is_file()


def test_without_lmms_gain_and_render_are_skipped_saying_why(
    kernel: Kernel, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LMMS_MAGENTA_LMMS", str(tmp_path / "no-lmms-here"))
    song = _song(kernel, tmp_path / "song", seed=1, bars=4)
    assert song.audio is None
    assert len(song.skipped) == 2
    assert all("LMMS program is needed" in line for line in song.skipped)
    assert song.project.is_file()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"bars": 7}, "even number of bars"),
        ({"bars": 2}, "bars"),
        ({"seed": -1}, "seed"),
    ],
)
def test_bad_parameters_are_one_line_errors(
    kernel: Kernel, tmp_path: Path, params: dict[str, object], message: str
) -> None:
    with pytest.raises(ParameterError, match=message):
        _song(kernel, tmp_path, render=False, **params)


def test_an_output_that_is_a_file_or_has_no_parent_is_refused(
    kernel: Kernel, tmp_path: Path
) -> None:
    (tmp_path / "taken").write_text("mine")
    with pytest.raises(UserError, match="is a file"):
        _song(kernel, tmp_path / "taken", render=False)
    with pytest.raises(UserError, match="does not exist"):
        _song(kernel, tmp_path / "no" / "such", render=False)
    assert (tmp_path / "taken").read_text() == "mine"


def test_the_command_shows_each_stage_and_a_summary(lmms_cli: CliRunnerFn, tmp_path: Path) -> None:
    result = lmms_cli("demo", "-o", tmp_path / "song", "--seed", "3", "--no-render", strict=False)
    assert result.exit_code == 0, result.stderr
    for stage in ("plan", "drums", "tunes", "project", "groove", "gain", "midi", "previews"):
        assert stage in result.stderr
    assert "skipped: render is off" in result.stderr
    assert "Your demo song" in result.stdout and "demo.mmpz" in result.stdout
    assert (tmp_path / "song" / "demo.mmpz").is_file()


def test_the_command_refuses_a_bad_value_in_one_line(lmms_cli: CliRunnerFn, tmp_path: Path) -> None:
    result = lmms_cli("demo", "-o", tmp_path, "--bars", "five", strict=False)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "bars" in result.stderr
