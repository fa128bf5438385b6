"""``lmms-magenta gain analyze|apply`` from the command line (audio files: no LMMS needed)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from lmms_magenta.cli import main
from lmms_magenta.lmms import Project


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Private config/data/cache folders (the hardware probe cache lands there)."""
    for name in ("CONFIG", "DATA", "CACHE"):
        monkeypatch.setenv(f"LMMS_MAGENTA_{name}_DIR", str(tmp_path / name.lower()))
    for var in ("BACKEND", "ENABLE", "DISABLE", "STRICT", "TRACE"):
        monkeypatch.delenv(f"LMMS_MAGENTA_{var}", raising=False)


def _tone(path: Path, dbfs: float, rate: int = 48000, seconds: float = 5.0) -> Path:
    t = np.arange(round(seconds * rate)) / rate
    wave = 10 ** (dbfs / 20) * np.sin(2 * np.pi * 1000 * t)
    sf.write(path, np.stack([wave, wave]).T, rate, subtype="FLOAT")
    return path


def _song(path: Path) -> Path:
    """A one-track LMMS project (written with the kernel; no LMMS needed)."""
    project = Project.new()
    project.add_instrument_track("Lead", "tripleoscillator")
    project.save(path, backup=False)
    return path


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["gain", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_analyze_audio_files_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tone = _tone(tmp_path / "tone.wav", -23.0)
    silence = tmp_path / "silence.wav"
    sf.write(silence, np.zeros((44100, 2)), 44100)
    code, out, err = _run(capsys, "analyze", str(tone), str(silence), "--json")
    assert code == 0, err
    data = json.loads(out)
    first, second = data["channels"]
    assert first["name"] == "tone.wav"
    assert first["integrated_lufs"] == pytest.approx(-23.0, abs=0.1)
    assert first["true_peak_dbtp"] == pytest.approx(-23.0, abs=0.1)
    assert second["integrated_lufs"] is None and "silent" in second["notes"]
    assert data["mix"] is None


def test_analyze_table_and_plot(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tone = _tone(tmp_path / "lead.wav", -20.0)
    short = _tone(tmp_path / "blip.wav", -6.0, seconds=0.2)
    png = tmp_path / "chart.png"
    code, out, err = _run(
        capsys, "analyze", str(tone), str(short), "--plot", str(png), "--mode", "lufs"
    )
    assert code == 0, err
    assert "lead.wav" in out and "blip.wav" in out and "n/a" in out
    assert "To -23" in out  # the target column of --mode lufs
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000
    assert "shorter than 400 ms" in out


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p, "does not exist"),
        (lambda p: (p.write_text("not audio"), p)[1], "not a readable audio file"),
    ],
    ids=["missing", "not-audio"],
)
def test_bad_audio_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], make: object, message: str
) -> None:
    path = make(tmp_path / "x.wav")  # type: ignore[operator]
    code, out, err = _run(capsys, "analyze", str(path))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and str(path) in err and message in err


def test_nan_samples_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = np.zeros((48000, 2), dtype=np.float32)
    data[100, 0] = np.nan
    path = tmp_path / "nan.wav"
    sf.write(path, data, 48000, subtype="FLOAT")
    code, _, err = _run(capsys, "analyze", str(path))
    assert code == 2 and "NaN or infinite" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["analyze", "{wav}", "--mode", "loud"], "invalid value for parameter 'mode'"),
        (["analyze", "{wav}", "--rms-target", "+3"], "invalid value for parameter 'rms_target'"),
        (["analyze", "{wav}", "--channels", "Kick"], "choosing channels needs a project"),
        (["analyze", "{wav}", "{song}"], "one project at a time"),
        (["analyze", "{wav}", "--mode", "rms", "--lufs-target", "-16"], "target of --mode lufs"),
        (["apply", "{song}", "-o", "out.wav"], "parameter 'output': 'out.wav' has the wrong"),
        (["apply", "{song}", "--tolerance", "0"], "invalid value for parameter 'tolerance'"),
        (["apply", "{wav}"], "parameter 'project'"),
    ],
)
def test_usage_errors_are_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    wav = _tone(tmp_path / "a.wav", -20.0, seconds=1.0)
    song = _song(tmp_path / "song.mmp")
    code, _, err = _run(capsys, *[a.format(wav=wav, song=song) for a in args])
    assert code == 2
    assert message in err and err.count("\n") == 1
    assert not (tmp_path / "song.mmp.bak").exists()


def test_a_target_alone_picks_its_mode(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    wav = _tone(tmp_path / "a.wav", -20.0)
    code, out, err = _run(capsys, "analyze", str(wav), "--lufs-target", "-30")
    assert code == 0, err
    assert "To -30" in out


def test_apply_without_lmms_says_what_to_install(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    song = _song(tmp_path / "song.mmp")
    monkeypatch.setenv("LMMS_MAGENTA_LMMS", str(tmp_path / "no-such-lmms"))
    code, _, err = _run(capsys, "apply", str(song))
    assert code == 2 and "the LMMS program is needed" in err
    assert not (tmp_path / "song.mmp.bak").exists()


def test_help_lists_both_commands(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "--help")
    assert code == 0 and "analyze" in out and "apply" in out
    # the plugin's own group replaces the one generated from its features, silently
    assert "'gain" not in err
    assert "--rms-target" in _run(capsys, "apply", "--help")[1]
