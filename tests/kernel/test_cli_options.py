"""Click commands generated from a feature's schema: options, help, validation, presets."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lmms_magenta.cli.options import feature_command, schema_params, split_feature_name
from lmms_magenta.config import Config
from lmms_magenta.features import Feature
from lmms_magenta.kernel import Kernel
from lmms_magenta.params import (
    SEED_MAX,
    Bool,
    Choice,
    File,
    Integer,
    Key,
    Number,
    Pitch,
    Scale,
    Schema,
    Seed,
    Text,
)
from lmms_magenta.tonal import SCALES, TONICS, pitch_name

SCHEMA = Schema(
    File("input", suffixes=(".mid",), help="The clip to humanize"),
    File("output", role="output", suffixes=(".mid",), help="Where to write the result"),
    Number("intensity", default=50, min=0, max=100, unit="%", help="How much to loosen"),
    Integer("bars", default=2, min=1, max=16),
    Choice("style", default="funk", choices=("funk", "jazz"), choice_help={"jazz": "swung"}),
    Bool("keep_accents", default=True, help="Keep accented hits loud"),
    Pitch("lowest", default="C2"),
    Key("key", default="C"),
    Scale("scale", default="minor"),
    Seed("seed"),
    Text("track", non_empty=True, max_length=20, metavar="NAME", help="Track to groove"),
)


class Recorder:
    """A real feature run: writes the parameters it got into the output file."""

    def __init__(self) -> None:
        self.calls: list[tuple[Kernel, dict[str, Any]]] = []
        self.kernels_made = 0

    def run(self, kernel: Kernel, params: Mapping[str, Any]) -> str:
        self.calls.append((kernel, dict(params)))
        shown = {k: str(v) if isinstance(v, Path) else v for k, v in params.items()}
        Path(params["output"]).write_text(json.dumps(shown))
        return f"wrote {params['output']}"


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def command(recorder: Recorder, tmp_path: Path) -> click.Command:
    feature = Feature(
        "groove.humanize", "Humanize", "Loosen a quantized groove.", SCHEMA, recorder.run
    )

    def get_kernel() -> Kernel:
        recorder.kernels_made += 1
        config = Config(
            config_dir=tmp_path / "c", data_dir=tmp_path / "d", cache_dir=tmp_path / "k"
        )
        return Kernel(config, path=[])

    return feature_command(feature, get_kernel)


@pytest.fixture
def clip(tmp_path: Path) -> Path:
    path = tmp_path / "beat.mid"
    path.write_bytes(b"MThd")
    return path


def invoke(command: click.Command, *args: str | Path) -> Any:
    return CliRunner().invoke(command, [str(a) for a in args], catch_exceptions=False)


def test_names_and_shape(command: click.Command) -> None:
    assert split_feature_name("groove.humanize") == ("groove", "humanize")
    assert split_feature_name("pattern.drum_fill") == ("pattern", "drum-fill")
    with pytest.raises(ValueError):
        split_feature_name("humanize")
    assert command.name == "humanize"
    names = [p.name for p in command.params]
    assert names[:3] == ["input", "output", "intensity"]
    assert names[-2:] == ["preset", "save_preset_to"]
    assert isinstance(command.params[0], click.Argument)


def test_help_shows_ranges_units_choices_defaults(command: click.Command) -> None:
    result = invoke(command, "--help")
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    assert "Usage: humanize [OPTIONS] INPUT" in text
    assert "-o, --output FILE" in text
    assert (
        "--intensity FLOAT RANGE How much to loosen. "
        "Allowed: a number from 0 to 100 %. [default: 50 %]"
    ) in text
    assert "--style [funk|jazz] jazz: swung. [default: funk]" in text
    assert "--bars INTEGER RANGE Allowed: a whole number from 1 to 16." in text
    assert "--keep-accents / --no-keep-accents" in text and "[default: on]" in text
    assert "--lowest NOTE" in text and "[default: C2 (36)]" in text
    assert "--seed SEED" in text and "[default: random]" in text
    assert (
        "--track NAME Track to groove. Allowed: a non-empty line of text of at most 20 characters."
    ) in text
    assert "--preset FILE" in text and "--save-preset FILE" in text
    assert "INPUT: The clip to humanize." in text


def test_run_validates_and_normalizes(
    command: click.Command, recorder: Recorder, clip: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out.mid"
    result = invoke(
        command,
        clip,
        "-o",
        out,
        "--intensity",
        "30%",
        "--style",
        "JAZZ",
        "--no-keep-accents",
        "--lowest",
        "Bb1",
        "--key",
        "f#",
        "--scale",
        "Harmonic minor",
        "--seed",
        "7",
        "--track",
        "Drum (I) ",
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"wrote {out}"
    ((kernel, params),) = recorder.calls
    assert isinstance(kernel, Kernel)
    assert params == {
        "input": clip,
        "output": out,
        "intensity": 30.0,
        "bars": 2,
        "style": "jazz",
        "keep_accents": False,
        "lowest": 34,
        "key": "F#",
        "scale": "harmonic-minor",
        "seed": 7,
        "track": "Drum (I) ",
    }
    assert json.loads(out.read_text())["lowest"] == 34


def test_random_seed_is_picked_and_reported(
    command: click.Command, recorder: Recorder, clip: Path, tmp_path: Path
) -> None:
    result = invoke(command, clip, "-o", tmp_path / "o.mid")
    seed = recorder.calls[0][1]["seed"]
    assert isinstance(seed, int)
    assert f"seed: {seed} (use --seed {seed} to repeat)" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--intensity", "150"], "invalid value for parameter 'intensity': '150' is out of range"),
        (["--style", "funky"], "did you mean 'funk'?"),
        (["--lowest", "H2"], "parameter 'lowest'"),
        (["--bars", "two"], "'two' is not a whole number"),
        (["--track", " "], "parameter 'track': ' ' is empty (allowed: a non-empty line"),
        (["--track", "a\nb"], "'a\\nb' has a line break"),
    ],
)
def test_bad_values_are_one_line_exit_2(
    command: click.Command,
    recorder: Recorder,
    clip: Path,
    tmp_path: Path,
    args: list[str],
    message: str,
) -> None:
    result = invoke(command, clip, "-o", tmp_path / "o.mid", *args)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and message in lines[0]
    assert recorder.calls == [] and recorder.kernels_made == 0


def test_missing_input_and_output(command: click.Command, clip: Path) -> None:
    result = invoke(command)
    assert result.exit_code == 2
    assert "missing required parameter 'input'" in result.stderr
    result = invoke(command, clip)
    assert "missing required parameter 'output'" in result.stderr
    result = invoke(command, clip.with_name("nope.mid"), "-o", "x.mid")
    assert "nope.mid' does not exist" in result.stderr


def test_preset_round_trip_and_precedence(
    command: click.Command, recorder: Recorder, clip: Path, tmp_path: Path
) -> None:
    preset = tmp_path / "loose.json"
    saved = invoke(command, "--intensity", "80", "--style", "jazz", "--save-preset", preset)
    assert saved.exit_code == 0 and recorder.calls == [] and recorder.kernels_made == 0
    assert f"saved preset {preset}" in saved.stderr
    doc = json.loads(preset.read_text())
    assert doc["feature"] == "groove.humanize"
    assert doc["params"]["intensity"] == 80.0 and "input" not in doc["params"]

    invoke(command, clip, "-o", tmp_path / "a.mid", "--preset", preset)
    invoke(command, clip, "-o", tmp_path / "b.mid", "--preset", preset, "--intensity", "10")
    first, second = (params for _, params in recorder.calls)
    assert (first["intensity"], first["style"]) == (80.0, "jazz")
    assert (second["intensity"], second["style"]) == (10.0, "jazz")  # the command line wins


def test_bad_preset_names_the_file(command: click.Command, clip: Path, tmp_path: Path) -> None:
    preset = tmp_path / "broken.json"
    preset.write_text('{"format": "lmms-magenta-preset", "version": 1, "params": {"bars": 99}}')
    result = invoke(command, clip, "-o", tmp_path / "o.mid", "--preset", preset)
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"Error: {preset}: invalid value for parameter 'bars': 99 is out of range "
        "(allowed: a whole number from 1 to 16)"
    )


def test_reserved_names_are_refused() -> None:
    with pytest.raises(ValueError, match="reserved"):
        schema_params(Schema(Bool("preset")))


def test_shell_completion_offers_choices(command: click.Command) -> None:
    style = next(p for p in command.params if p.name == "style")
    ctx = click.Context(command)
    assert [c.value for c in style.type.shell_complete(ctx, style, "j")] == ["jazz"]
    key = next(p for p in command.params if p.name == "key")
    assert "F#" in [c.value for c in key.type.shell_complete(ctx, key, "f")]


# --- property: the command line means exactly what the schema means ------------------------


@st.composite
def cli_values(draw: st.DrawFn) -> dict[str, Any]:
    """Valid values for SCHEMA's non-file parameters, in any accepted spelling."""
    values: dict[str, Any] = {}
    if draw(st.booleans()):
        values["intensity"] = draw(st.floats(0, 100))
    if draw(st.booleans()):
        values["bars"] = draw(st.integers(1, 16))
    if draw(st.booleans()):
        values["style"] = draw(st.sampled_from(["funk", "jazz", "FUNK", "Jazz"]))
    if draw(st.booleans()):
        values["keep_accents"] = draw(st.booleans())
    if draw(st.booleans()):
        note = draw(st.integers(0, 127))
        values["lowest"] = draw(st.sampled_from([str(note), pitch_name(note)]))
    if draw(st.booleans()):
        tonic = draw(st.sampled_from(TONICS))
        values["key"] = draw(st.sampled_from([tonic, tonic.lower(), tonic.upper()]))
    if draw(st.booleans()):
        values["scale"] = draw(st.sampled_from([*SCALES, "Harmonic Minor", "ionian"]))
    if draw(st.booleans()):
        values["seed"] = draw(st.integers(0, SEED_MAX))
    if draw(st.booleans()):
        values["track"] = draw(st.from_regex(r"[A-Za-z0-9][A-Za-z0-9 ()]{0,19}", fullmatch=True))
    return values


def as_args(values: dict[str, Any]) -> list[str]:
    args: list[str] = []
    for name, value in values.items():
        flag = "--" + name.replace("_", "-")
        if isinstance(value, bool):
            args.append(flag if value else "--no-" + flag[2:])
        else:
            args += [flag, repr(value) if isinstance(value, float) else str(value)]
    return args


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=cli_values())
def test_property_cli_agrees_with_schema(
    command: click.Command, recorder: Recorder, clip: Path, tmp_path: Path, values: dict[str, Any]
) -> None:
    recorder.calls.clear()
    out = tmp_path / "o.mid"
    result = invoke(command, clip, "-o", out, *as_args(values))
    assert result.exit_code == 0, result.output
    expected = SCHEMA.validate({"input": clip, "output": out, **values})
    got = recorder.calls[-1][1]
    if expected["seed"] is None:
        expected["seed"] = got["seed"]  # picked at random and reported
    assert got == expected
