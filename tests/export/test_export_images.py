"""Local images travel with the export: embedded in Moodle XML, packaged in QTI, named by GIFT.

Every image path is hostile: one that is missing, leads out of the bank, is too large, is an SVG
or is not an image is an error at its ``line:col``, and only its question is left out.
"""

from __future__ import annotations

import base64
import os
import posixpath
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path
from urllib.parse import unquote

import pytest
from benchmark_run import run_benchmark
from export_support import export, qti_schema
from lxml import etree

from quizengine.bank.images import MAX_IMAGE_BYTES
from quizengine.cli import main
from quizengine.export import exporter

CP = "{http://www.imsglobal.org/xsd/imscp_v1p1}"
ROOT = Path(__file__).resolve().parents[2]


def tiny_png(shade: int = 0) -> bytes:
    """A valid 1x1 greyscale PNG (signature, IHDR, IDAT, IEND with their CRCs)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    pixels = zlib.compress(bytes([0, shade]))
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def question(qid: str, prompt: str, choice: str = "yes", explanation: str = "Because.") -> str:
    return (
        f"---\nid: {qid}\ntype: single\n---\n# Title {qid}\n\n{prompt}\n\n"
        f"- [x] {choice}\n- [ ] no\n\n## Answer\n\n{explanation}\n"
    )


PLOT = tiny_png(0)
OTHER = tiny_png(200)
WITH_IMAGES = question(
    "with-images",
    "Look at ![the plot](plot.png) and ![a second](figs/plot.png) and ![](https://example.org/r.png)",
    choice="this one ![](plot.png)",
    explanation='As <img src="figs/plot.png" alt="raw"> shows.',
)
PLAIN = question("plain", "No picture.")


@pytest.fixture
def bank(tmp_path: Path) -> Path:
    folder = tmp_path / "bank"
    (folder / "figs").mkdir(parents=True)
    (folder / "plot.png").write_bytes(PLOT)
    (folder / "figs" / "plot.png").write_bytes(OTHER)
    (folder / "a.md").write_text(WITH_IMAGES)
    (folder / "b.md").write_text(PLAIN)
    return folder


def files_of(element: etree._Element) -> dict[str, bytes]:
    found = {}
    for file in element.findall("file"):
        assert (file.get("path"), file.get("encoding")) == ("/", "base64")
        found[file.get("name")] = base64.b64decode(file.text or "")
    return found


def test_moodle_xml_embeds_each_image_in_the_text_element_that_shows_it(
    bank: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.xml"
    code, err = export(capsys, str(bank), "--to", "moodle", "-o", str(out))
    assert code == 0, err
    root = etree.fromstring(out.read_bytes())
    first = root.find("question[idnumber='with-images']")
    assert first is not None
    text = first.find("questiontext")
    prompt = text.findtext("text")
    assert files_of(text) == {"plot.png": PLOT, "plot-2.png": OTHER}  # unique in the element
    assert 'src="@@PLUGINFILE@@/plot.png" alt="the plot"' in prompt
    assert 'src="@@PLUGINFILE@@/plot-2.png" alt="a second"' in prompt
    assert 'src="https://example.org/r.png"' in prompt  # remote: left as it is
    # The choice's image is in its own <answer>, as Moodle writes answer files.
    answer = first.findall("answer")[0]
    assert files_of(answer) == {"plot.png": PLOT}
    assert answer.findtext("text") == 'this one <img src="@@PLUGINFILE@@/plot.png" alt="" />'
    assert files_of(answer.find("feedback")) == {}
    # The general feedback shows the explanation's raw-HTML image; it quotes the choice by its
    # alt text, so the choice's image is not embedded a second time.
    general = first.find("generalfeedback")
    assert files_of(general) == {"plot.png": OTHER}
    assert '<img src="@@PLUGINFILE@@/plot.png" alt="raw">' in general.findtext("text")
    assert "Choice 1 (this one [image]), keyed right" in general.findtext("text")
    plain = root.find("question[idnumber='plain']")
    assert plain is not None and plain.find(".//file") is None


def test_moodle_file_names_are_made_safe_and_percent_encoded_in_the_src(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "bank"
    folder.mkdir()
    (folder / "größe und form.png").write_bytes(PLOT)
    (folder / "q.md").write_text(question("names", "![x](<größe und form.png>)"))
    out = tmp_path / "out.xml"
    code, err = export(capsys, str(folder), "--to", "moodle", "-o", str(out))
    assert code == 0, err
    text = etree.fromstring(out.read_bytes()).find("question/questiontext")
    assert files_of(text) == {"größe_und_form.png": PLOT}
    assert "@@PLUGINFILE@@/gr%C3%B6%C3%9Fe_und_form.png" in text.findtext("text")


def test_qti_package_holds_the_images_lists_them_and_its_items_validate(
    bank: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "pkg.zip"
    code, err = export(capsys, str(bank), "--to", "qti21", "-o", str(out))
    assert code == 0, err
    with zipfile.ZipFile(out) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
        stored = archive.getinfo("items/media/q-with-images/plot.png").compress_type
    assert stored == zipfile.ZIP_STORED  # compressed already: not deflated again
    item_href = "items/q-with-images.xml"
    assert files["items/media/q-with-images/plot.png"] == PLOT
    assert files["items/media/q-with-images/plot-2.png"] == OTHER
    manifest = etree.fromstring(files["imsmanifest.xml"])
    listed = {f.get("href") for f in manifest.iter(f"{CP}file")}
    assert listed == set(files) - {"imsmanifest.xml"}
    resource = next(r for r in manifest.iter(f"{CP}resource") if r.get("href") == item_href)
    assert {f.get("href") for f in resource.iter(f"{CP}file")} == {
        item_href,
        "items/media/q-with-images/plot.png",
        "items/media/q-with-images/plot-2.png",
    }
    schema = qti_schema()
    for name, data in files.items():
        if name.startswith("items/") and name.endswith(".xml"):
            assert schema.validate(etree.fromstring(data)), schema.error_log.last_error
    item = etree.fromstring(files[item_href])
    sources = [img.get("src") for img in item.iter("{*}img")]
    assert "https://example.org/r.png" in sources
    for src in sources:
        if not src.startswith("https:"):
            assert not src.startswith(("/", "..")), src
            target = posixpath.normpath(posixpath.join(posixpath.dirname(item_href), unquote(src)))
            assert target in files, src  # the src, relative to the item, finds the file


def test_gift_cannot_carry_files_so_it_keeps_the_link_and_warns(
    bank: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.gift"
    code, err = export(capsys, str(bank), "--to", "gift", "-o", str(out))
    assert code == 0, err
    assert (
        "a.md:7:21: warning: gift cannot carry image files: question 'with-images' keeps its "
        "link to 'plot.png'"
    ) in err
    assert "a.md:7:47: warning: gift cannot carry image files" in err  # figs/plot.png
    assert 'src\\="plot.png"' in out.read_text()


def symlink_out(folder: Path) -> str:
    outside = folder.parent / "outside.png"
    outside.write_bytes(PLOT)
    (folder / "link.png").symlink_to(outside)
    return "link.png"


def parent_escape(folder: Path) -> str:
    (folder.parent / "x.png").write_bytes(PLOT)
    return "../x.png"


def absolute(folder: Path) -> str:
    return str(folder / "plot.png")


def oversize(folder: Path) -> str:
    (folder / "big.png").write_bytes(PLOT + b"\0" * (MAX_IMAGE_BYTES - len(PLOT) + 1))
    return "big.png"


def svg(folder: Path) -> str:
    (folder / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>')
    return "logo.svg"


def svg_named_png(folder: Path) -> str:
    (folder / "sneaky.png").write_text('<?xml version="1.0"?>\n<svg><script/></svg>')
    return "sneaky.png"


def not_an_image(folder: Path) -> str:
    (folder / "notes.png").write_text("just some text")
    return "notes.png"


def missing(folder: Path) -> str:
    return "gone.png"


def fifo(folder: Path) -> str:
    os.mkfifo(folder / "pipe.png")  # reading it would block forever
    return "pipe.png"


def other_scheme(folder: Path) -> str:
    return "ftp://example.org/x.png"  # markdown-it itself drops file: and javascript: images


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (parent_escape, "leads outside the bank's folder"),
        (absolute, "is an absolute path"),
        (symlink_out, "is a symlink to"),
        (oversize, "is too large (5,242,881 bytes; the limit is 5 MiB (5,242,880 bytes) per"),
        (svg, "is an SVG: refused, because an SVG can carry scripts"),
        (svg_named_png, "is an SVG: refused"),
        (not_an_image, "is not a PNG, JPEG, GIF or WebP image"),
        (missing, "not found: no file"),
        (fifo, "cannot be used: not a regular file (a FIFO)"),
        (other_scheme, "is neither a file of the bank"),
    ],
)
def test_a_refused_image_is_an_error_at_its_position_and_the_rest_is_exported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], make, message: str
) -> None:
    folder = tmp_path / "bank"
    folder.mkdir()
    (folder / "plot.png").write_bytes(PLOT)
    src = make(folder)
    (folder / "a.md").write_text(question("bad", f"Some text,\nthen ![alt]({src}) here."))
    (folder / "b.md").write_text(PLAIN)
    (folder / "c.md").write_text(question("good", "![ok](plot.png)"))
    out = tmp_path / "out.xml"
    code, err = export(capsys, str(folder), "--to", "moodle", "-o", str(out))
    assert code == 1
    shown = unquote(src)
    assert f"a.md:8:13: error: image {shown!r} {message}" in err
    assert "question 'bad' not exported" in err
    assert "wrote 2 questions" in err
    exported = etree.fromstring(out.read_bytes())
    assert [q.findtext("idnumber") for q in exported.findall("question")] == ["plain", "good"]
    # quizengine check reports the same error, with the same function.
    assert main(["check", "--no-sim", str(folder)]) == 1
    checked, _ = capsys.readouterr()
    assert f"a.md:8:13: error: image {shown!r} {message}" in checked


def test_a_symlink_inside_the_bank_and_a_subfolder_path_are_fine(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "bank"
    (folder / "sub").mkdir(parents=True)
    (folder / "plot.png").write_bytes(PLOT)
    (folder / "alias.png").symlink_to(folder / "plot.png")
    (folder / "sub" / "q.md").write_text(question("inner", "![a](../alias.png) ![b](../plot.png)"))
    out = tmp_path / "out.xml"
    code, err = export(capsys, str(folder), "--to", "moodle", "-o", str(out))
    assert code == 0, err
    text = etree.fromstring(out.read_bytes()).find("question/questiontext")
    assert files_of(text) == {"plot.png": PLOT, "plot-2.png": PLOT}


def test_the_images_of_one_export_are_bounded_in_all(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(exporter, "MAX_EXPORT_IMAGE_BYTES", len(PLOT) + len(OTHER))
    folder = tmp_path / "bank"
    folder.mkdir()
    (folder / "one.png").write_bytes(PLOT)
    (folder / "two.png").write_bytes(OTHER)
    (folder / "a.md").write_text(question("first", "![](one.png) ![](two.png)"))
    (folder / "b.md").write_text(question("second", "Then ![](one.png)"))
    out = tmp_path / "out.xml"
    code, err = export(capsys, str(folder), "--to", "moodle", "-o", str(out))
    assert code == 1
    assert "b.md:7:10: error: image 'one.png' and the others of this question would take" in err
    assert "question 'second' not exported" in err
    exported = etree.fromstring(out.read_bytes()).findall("question")
    assert [q.findtext("idnumber") for q in exported] == ["first"]


def test_the_cli_entry_point_packages_images(bank: Path, tmp_path: Path) -> None:
    out = tmp_path / "pkg"
    result = subprocess.run(
        [sys.executable, "-m", "quizengine", "export", str(bank), "--to", "qti21", "-o", str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert (out / "items" / "media" / "q-with-images" / "plot.png").read_bytes() == PLOT
    assert "items/media/q-with-images/plot.png" in (out / "imsmanifest.xml").read_text()


def test_the_image_export_benchmark_runs() -> None:
    """A smoke run of benchmarks/bench_export_images.py (no timing asserted)."""
    done = run_benchmark(
        "bench_export_images.py", "--questions", "3", "--kib", "2", "--runs", "1", timeout=120
    )
    assert done.returncode == 0, done.stderr
    for to in ("moodle", "gift", "qti21"):
        assert f"{to:7} without images" in done.stdout
