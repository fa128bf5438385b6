"""The SDK template end to end: render, pip-install, discover, run, test.

The template is rendered with copier (non-interactively, answers passed as data) under
a name other than its default, installed with pip into a private ``--target`` folder
(the shared virtual environment is not touched), and then used exactly as a musician
would: ``lmms-magenta`` runs in a subprocess with that folder on ``PYTHONPATH`` and
fresh config/data/cache directories. Nothing in the kernel knows about the plugin.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import pytest

from lmms_magenta.testing import MidiNote, read_midi_notes, write_midi_clip

TEMPLATE = Path(__file__).resolve().parents[2] / "sdk_template"
NAME = "broken_chords"  # "broken chords" is the musician's other word for arpeggios
DIST = "lmms-magenta-broken-chords"
MODULE = "lmms_magenta_broken_chords"
SCRIPT = Path(sys.executable).with_name("lmms-magenta")


@dataclass(frozen=True)
class Installed:
    """The rendered project, the folder it is installed in, and an isolated environment."""

    project: Path
    site: Path
    env: dict[str, str]
    work: Path

    def run(self, *args: str | os.PathLike[str], **kw: object) -> subprocess.CompletedProcess[str]:
        """Run ``lmms-magenta ARGS`` in a subprocess seeing only this plugin."""
        cmd = [str(SCRIPT), *map(os.fspath, args)]
        return subprocess.run(cmd, env=self.env, capture_output=True, text=True, timeout=120)


def _isolated_env(site: Path, home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LMMS_MAGENTA_")}
    env["PYTHONPATH"] = os.pathsep.join([str(site), *filter(None, [env.get("PYTHONPATH")])])
    for name in ("config", "data", "cache"):
        (home / name).mkdir(parents=True)
        env[f"LMMS_MAGENTA_{name.upper()}_DIR"] = str(home / name)
    # only this plugin: other plugins in the shared venv are disabled, not removed
    env["LMMS_MAGENTA_DISABLE"] = "*"
    env["LMMS_MAGENTA_ENABLE"] = NAME
    return env


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    copier = pytest.importorskip("copier")
    work = tmp_path_factory.mktemp("sdk")
    project = work / "project"
    copier.run_copy(
        str(TEMPLATE),
        str(project),
        data={
            "plugin_name": NAME,
            "author_name": "Test Author",
            "author_email": "author@example.org",
            "summary": "Broken chords for LMMS",
            "license": "MIT",
        },
        defaults=True,
        quiet=True,
    )
    site = work / "site"
    pip = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps"]
    pip += ["--no-build-isolation", "--no-index", "--target", str(site), str(project)]
    done = subprocess.run(pip, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert SCRIPT.exists(), f"{SCRIPT} missing: install the kernel (pip install -e .)"
    return Installed(project, site, _isolated_env(site, work / "home"), work)


def test_render_uses_the_answers(installed: Installed) -> None:
    project = installed.project
    pyproject = (project / "pyproject.toml").read_text()
    assert f'name = "{DIST}"' in pyproject
    assert f'{NAME} = "{MODULE}.plugin"' in pyproject
    assert '"lmms-magenta-feature"' in pyproject and 'license = "MIT"' in pyproject
    assert f'"{NAME}.arpeggiate"' in (project / MODULE / "feature.py").read_text()
    assert (project / ".copier-answers.yml").read_text().count(NAME) >= 1
    assert not list(project.rglob("*.jinja"))


def test_invalid_answers_are_refused(tmp_path: Path) -> None:
    copier = pytest.importorskip("copier")
    for bad in ("plugins", "Bad-Name"):
        with pytest.raises(ValueError, match="plugin_name"):
            copier.run_copy(
                str(TEMPLATE), str(tmp_path / bad), data={"plugin_name": bad}, defaults=True
            )


def test_installed_plugin_is_discovered_and_enabled(installed: Installed) -> None:
    done = installed.run("plugins", "list", "--json")
    assert done.returncode == 0, done.stderr
    rows = {row["name"]: row for row in json.loads(done.stdout)}
    row = rows[NAME]
    assert (row["state"], row["kind"], row["dist"]) == ("enabled", "feature", DIST)
    assert row["module"] == f"{MODULE}.plugin"
    assert row["summary"] == "Broken chords for LMMS"
    assert any(req.startswith("lmms-magenta") for req in row["requires"])


def test_plugins_check_passes(installed: Installed) -> None:
    done = installed.run("plugins", "check", "--json")
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)
    mine = next(p for p in report["plugins"] if p["name"] == NAME)
    assert report["ok"] and mine["contributes"] == {"features": 1}


# C major then A minor, two beats each, over a kick on every beat (drums are kept)
CHORDS = [MidiNote(p, 0, 2, 90) for p in (60, 64, 67)]
CHORDS += [MidiNote(p, 2, 2, 70) for p in (57, 60, 64)]
KICKS = [MidiNote(36, beat, Fraction(1, 4), 110, channel=9) for beat in range(4)]


def _notes(path: Path, *, drums: bool) -> list[tuple[int, Fraction, Fraction, int]]:
    return [
        (n.pitch, Fraction(n.start), Fraction(n.length), n.velocity)
        for n in read_midi_notes(path)
        if (n.channel == 9) == drums
    ]


def test_the_generated_command_arpeggiates(installed: Installed) -> None:
    clip = write_midi_clip(installed.work / "song.mid", CHORDS + KICKS, bpm=96.0)
    out = installed.work / "arp.mid"
    done = installed.run(
        NAME, "arpeggiate", clip, "-o", out,
        "--rate", "1/8", "--pattern", "updown", "--octaves", "2", "--gate", "100%",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(out)
    half = Fraction(1, 2)
    # updown over two octaves: C4 E4 G4 C5 | A3 C4 E4 A4, each an eighth note, legato
    expected = [(60, 0, 90), (64, 1, 90), (67, 2, 90), (72, 3, 90)]
    expected += [(57, 4, 70), (60, 5, 70), (64, 6, 70), (69, 7, 70)]
    assert _notes(out, drums=False) == [(p, i * half, half, v) for p, i, v in expected]
    assert _notes(out, drums=True) == _notes(clip, drums=True)


def test_the_generated_command_reports_user_errors_in_one_line(installed: Installed) -> None:
    clip = write_midi_clip(installed.work / "one.mid", CHORDS)
    bad = installed.run(NAME, "arpeggiate", clip, "--rate", "1/5")
    assert bad.returncode == 2
    assert "rate" in bad.stderr and len(bad.stderr.strip().splitlines()) == 1
    junk = installed.work / "junk.mid"
    junk.write_bytes(b"MThd but not really")
    broken = installed.run(NAME, "arpeggiate", junk)
    assert broken.returncode == 2 and "junk.mid" in broken.stderr
    assert "Traceback" not in broken.stderr


def _run(cmd: Sequence[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def test_the_generated_tests_pass(installed: Installed) -> None:
    # -P: do not put the project folder on sys.path, so the *installed* copy is tested
    cmd = [sys.executable, "-P", "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    done = _run(cmd, installed.project, installed.env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert " passed" in done.stdout and "failed" not in done.stdout


def test_the_generated_code_is_lint_clean(installed: Installed) -> None:
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent))
    if ruff is None:
        pytest.skip("ruff is not installed in this environment")
    for args in (["check", "--no-cache", "."], ["format", "--no-cache", "--check", "."]):
        done = _run([ruff, *args], installed.project, installed.env)
        assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.slow
def test_the_generated_code_type_checks(installed: Installed) -> None:
    pytest.importorskip("mypy")
    cache = installed.work / "mypy-cache"
    cmd = [sys.executable, "-m", "mypy", "--cache-dir", str(cache), MODULE, "tests"]
    done = _run(cmd, installed.project, installed.env)  # strict: the project's [tool.mypy]
    assert done.returncode == 0, done.stdout + done.stderr
