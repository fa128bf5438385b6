"""Every LMMS demo project survives load -> save unchanged (semantically equal XML)."""

from __future__ import annotations

import re
import zlib
from pathlib import Path

import pytest
from lmms_support import DEMO_FILES, FAST_DEMOS, demo, needs_demos, xml_difference

from lmms_magenta.lmms import Project, container, xmlio


def _original_xml(path: Path) -> bytes:
    data = path.read_bytes()
    if path.suffix == ".mmpz":
        assert int.from_bytes(data[:4], "big") > 0
        return zlib.decompress(data[4:])
    return data


def test_all_26_demo_projects_are_found() -> None:
    needs_demos()
    assert len(DEMO_FILES) == 26


@pytest.mark.parametrize("path", DEMO_FILES, ids=lambda p: p.name)
def test_demo_round_trip_is_semantically_equal(path: Path, tmp_path: Path) -> None:
    original_root, original_doctype = xmlio.parse(_original_xml(path), source=path)
    project = Project.load(path)
    assert project.compressed == (path.suffix == ".mmpz")
    out = tmp_path / path.name
    project.save(out)
    reread_xml, compressed = container.unpack(out.read_bytes(), source=out)
    assert compressed == (path.suffix == ".mmpz")
    reread_root, reread_doctype = xmlio.parse(reread_xml, source=out)
    assert reread_doctype == original_doctype
    assert xml_difference(original_root, reread_root) is None


_NOTES = re.compile(r"<projectnotes[^>]*/>|<projectnotes[^>]*>.*?</projectnotes>", re.DOTALL)


@pytest.mark.parametrize("path", DEMO_FILES, ids=lambda p: p.name)
def test_demo_text_is_kept_line_for_line(path: Path) -> None:
    """Stronger than semantic equality: the written text equals the original line for
    line, up to spellings XML treats as the same (``<a />`` for ``<a/>``, ``&gt;`` for
    ``>``, ``&#13;`` for ``&#xd;``) and the CDATA project notes (written as text)."""

    def lexical(text: str) -> list[str]:
        text = _NOTES.sub("", text).replace(" />", "/>").replace("&gt;", ">")
        return text.replace("&#xd;", "&#13;").splitlines()

    written = Project.load(path).to_bytes(compressed=False).decode()
    assert lexical(written) == lexical(_original_xml(path).decode())


@pytest.mark.parametrize("name", FAST_DEMOS)
def test_save_as_other_form_follows_the_suffix(name: str, tmp_path: Path) -> None:
    project = Project.load(demo(name))
    plain = tmp_path / "copy.mmp"
    project.save(plain)
    assert plain.read_bytes().startswith(b'<?xml version="1.0"?>\n<!DOCTYPE ')
    again = Project.load(plain)
    assert not again.compressed
    packed = tmp_path / "copy.mmpz"
    again.save(packed)
    assert Project.load(packed).compressed
    assert xml_difference(Project.load(packed).root, project.root) is None


def test_form_is_sniffed_not_taken_from_the_suffix(tmp_path: Path) -> None:
    misnamed = tmp_path / "really-compressed.mmp"
    misnamed.write_bytes(demo("Greshz-CoolSnip.mmpz").read_bytes())
    song = Project.load(misnamed)
    assert song.compressed and song.tempo == 140
    song.save()  # LMMS picks the form by suffix, so a .mmp is written as plain XML
    assert misnamed.read_bytes().startswith(b"<?xml")
    assert misnamed.with_name(misnamed.name + ".bak").read_bytes()[:4] != b"<?xm"
