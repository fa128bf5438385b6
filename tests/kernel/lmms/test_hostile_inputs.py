"""Bad project files: each gives one clear line naming the file, and exit code 2.

Covers the reader layers directly (container framing, XML safety) and the CLI
(``lmms-magenta lmms info``) for corrupt, truncated, oversized, entity-laden and
wrong-type inputs.
"""

from __future__ import annotations

import subprocess
import sys
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from lmms_support import demo

from lmms_magenta.cli import main
from lmms_magenta.errors import FileFormatError
from lmms_magenta.lmms import MAX_PROJECT_BYTES, Project, container, xmlio

SMALL = b'<?xml version="1.0"?>\n<!DOCTYPE lmms-project>\n' + (
    b'<lmms-project type="song" version="1.0"><head bpm="120"/>'
    b'<song><trackcontainer type="song"/></song></lmms-project>'
)


def _qcompress(xml: bytes, declared: int | None = None) -> bytes:
    return (len(xml) if declared is None else declared).to_bytes(4, "big") + zlib.compress(xml)


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lmms-project [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
]>
<lmms-project type="song"><head bpm="120"/><song><trackcontainer>&c;</trackcontainer></song>
</lmms-project>"""

EXTERNAL = b"""<?xml version="1.0"?>
<!DOCTYPE lmms-project SYSTEM "file:///etc/passwd">
<lmms-project type="song"><head/><song><trackcontainer/></song></lmms-project>"""

UNDECLARED_ENTITY = SMALL.replace(b'bpm="120"', b'bpm="&x;"')


def _midi_bytes() -> bytes:
    from lmms_magenta.music import Clip, Note, midi_bytes

    return midi_bytes(Clip([Note(60, 100, 0, 48)], ppq=48))


def _real_truncated() -> bytes:
    data = demo("CapDan-ReggaeTry.mmpz").read_bytes()
    return data[: len(data) // 2]


def _real_corrupted() -> bytes:
    data = bytearray(demo("CapDan-ReggaeTry.mmpz").read_bytes())
    for i in range(200, 240):
        data[i] ^= 0x5A
    return bytes(data)


def _lying_bomb() -> bytes:
    """Claims 100 bytes, inflates to 64 MiB of '<'-led zeros (compressed ~64 kB)."""
    squeezer = zlib.compressobj(9)
    chunk = b"\0" * (1 << 20)
    parts = [squeezer.compress(b"<")] + [squeezer.compress(chunk) for _ in range(64)]
    parts.append(squeezer.flush())
    return (100).to_bytes(4, "big") + b"".join(parts)


CASES: dict[str, tuple[Callable[[], bytes], str]] = {
    "empty": (lambda: b"", "file is empty"),
    "garbage": (lambda: b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "not an LMMS project"),
    "midi": (_midi_bytes, "not an LMMS project"),
    "truncated mmpz": (_real_truncated, "truncated"),
    "corrupt mmpz": (_real_corrupted, "corrupt compressed project"),
    "header too large": (
        lambda: _qcompress(SMALL, declared=MAX_PROJECT_BYTES + 1),
        "claims 268435457 bytes",
    ),
    "trailing junk": (lambda: _qcompress(SMALL) + b"junk", "unexpected data after"),
    "compressed non-xml": (lambda: _qcompress(b"hello world"), "no XML inside"),
    "truncated xml": (lambda: SMALL[:-20], "not well-formed XML"),
    "billion laughs": (lambda: BILLION_LAUGHS, "DTD"),
    "billion laughs compressed": (lambda: _qcompress(BILLION_LAUGHS), "DTD"),
    "external entity": (lambda: EXTERNAL, "DTD"),
    "undeclared entity": (lambda: UNDECLARED_ENTITY, "undefined entity"),
    "svg": (lambda: b'<svg xmlns="http://www.w3.org/2000/svg"/>', "XML root is <svg>"),
    "instrument preset": (
        lambda: b'<lmms-project type="instrumenttracksettings"><head/></lmms-project>',
        "is an instrument preset, not a song project",
    ),
    "no song": (lambda: b'<lmms-project type="song"><head/></lmms-project>', "no <song>"),
    "bad tempo": (lambda: SMALL.replace(b'"120"', b'"fast"'), "'bpm' is not a number"),
    "deep nesting": (
        lambda: b"<lmms-project>" + b"<a>" * 500 + b"</a>" * 500 + b"</lmms-project>",
        "nested deeper than",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_project_gives_one_line_and_exit_2(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make, problem = CASES[case]
    path = tmp_path / "song.mmpz"
    path.write_bytes(make())
    with pytest.raises(FileFormatError, match=problem) as info:
        Project.load(path)
    assert str(info.value).startswith(f"{path}: ")
    assert main(["lmms", "info", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert str(path) in err and problem in err


def test_zip_bomb_with_a_lying_header_stops_at_the_cap() -> None:
    data = _lying_bomb()
    limit = 8 * 1024 * 1024
    with pytest.raises(FileFormatError, match=f"inflates to more than the limit of {limit}"):
        container.unpack(data, source="bomb.mmpz", limit=limit)


def test_oversized_file_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.mmp"
    with open(path, "wb") as f:  # sparse: costs no disk
        f.truncate(MAX_PROJECT_BYTES + 1)
    with pytest.raises(FileFormatError, match="larger than the limit"):
        Project.load(path)


@pytest.mark.parametrize(
    ("make", "problem"),
    [
        (lambda p: p / "missing.mmp", "file not found"),
        (lambda p: p, "is a directory"),
    ],
)
def test_missing_or_folder(
    make: Callable[[Path], Path], problem: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["lmms", "info", str(make(tmp_path))]) == 2
    assert problem in capsys.readouterr().err


def test_bare_doctype_is_accepted_and_kept() -> None:
    root, doctype = xmlio.parse(SMALL, source="x")
    assert doctype == "lmms-project"
    assert xmlio.serialize(root, doctype).startswith(
        b'<?xml version="1.0"?>\n<!DOCTYPE lmms-project>\n'
    )


def test_console_script_reports_one_line(tmp_path: Path) -> None:
    """The installed ``lmms-magenta`` program, not just the in-process entry point."""
    script = Path(sys.executable).parent / "lmms-magenta"
    if not script.exists():
        pytest.skip("lmms-magenta is not installed in this environment")
    path = tmp_path / "laughs.mmp"
    path.write_bytes(BILLION_LAUGHS)
    proc = subprocess.run(
        [str(script), "lmms", "info", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and str(path) in proc.stderr
    assert "Traceback" not in proc.stderr
