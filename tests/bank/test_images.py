"""The images a question shows from files: found by the parser at their ``line:col``, kept by the
parse cache, and read only when safe (bank/images.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from quizengine.bank.images import (
    ImageProblem,
    image_type,
    load_images,
    question_root,
    read_image,
)
from quizengine.bank.load import load_bank
from quizengine.bank.model import ImageRef
from quizengine.bank.parser import parse_question

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 16

TEXT = """\
---
id: pictures
type: single
---
# Pictures

A plot: ![p](plot.png), a remote one ![r](https://example.org/r.png),
a data one ![d](data:image/png;base64,iVBORw0KGgo=) and an empty one ![e]().

<p>Raw: <img alt="x" src='raw block.png'></p>

- [x] inline <img src="inline.png"> here
- [ ] spaced ![s](<my plot.png>)

## Answer

Because ![again](plot.png).
"""


def test_the_parser_records_every_image_from_a_file_at_its_src() -> None:
    question = parse_question(TEXT, "q.md").question
    assert question.images == [
        ImageRef(src="plot.png", line=7, col=14),
        ImageRef(src="raw block.png", line=10, col=27),
        ImageRef(src="inline.png", line=12, col=24),
        ImageRef(src="my%20plot.png", line=13, col=20),
        ImageRef(src="plot.png", line=17, col=18),
    ]


def test_the_parse_cache_keeps_the_images(tmp_path: Path) -> None:
    folder = tmp_path / "bank"
    folder.mkdir()
    (folder / "q.md").write_text(TEXT)
    parsed = load_bank([folder], cache_dir=tmp_path / "cache").questions[0]
    cached = load_bank([folder], cache_dir=tmp_path / "cache").questions[0]
    assert cached.images == parsed.images and len(cached.images) == 5
    assert isinstance(cached.images[0], ImageRef)


@pytest.mark.parametrize(
    ("data", "mime"),
    [
        (PNG, "image/png"),
        (b"\xff\xd8\xff\xe0" + b"\0" * 8, "image/jpeg"),
        (b"GIF89a" + b"\0" * 8, "image/gif"),
        (b"GIF87a" + b"\0" * 8, "image/gif"),
        (b"RIFF\x10\0\0\0WEBPVP8 ", "image/webp"),
        (b"<svg/>", None),
        (b"BM" + b"\0" * 20, None),  # BMP: not one of the four
        (b"", None),
    ],
)
def test_image_types_are_told_by_their_first_bytes(data: bytes, mime: str | None) -> None:
    assert image_type(data) == mime


def test_the_root_is_the_bank_folder_holding_the_question(tmp_path: Path) -> None:
    (tmp_path / "bank" / "sub").mkdir(parents=True)
    question = tmp_path / "bank" / "sub" / "q.md"
    assert question_root(str(question), [str(tmp_path / "bank")]) == tmp_path / "bank"
    assert question_root(str(question), [str(question)]) == tmp_path / "bank" / "sub"


def test_a_raw_html_image_with_another_scheme_is_refused_at_its_position(tmp_path: Path) -> None:
    path = tmp_path / "q.md"
    text = TEXT.replace("Because ![again](plot.png).", 'Because <img src="file:///etc/passwd">.')
    path.write_text(text)
    (tmp_path / "plot.png").write_bytes(PNG)
    question = parse_question(text, str(path)).question
    files, problems = load_images(question.path, question.images, [str(tmp_path)])
    assert sorted(files) == ["plot.png"]
    by_src = {d.message.split("'")[1]: (d.line, d.col) for d in problems}
    assert by_src["file:///etc/passwd"] == (17, 19)
    assert by_src["my plot.png"] == (13, 20)  # missing, and named as the author wrote it


def test_a_file_image_is_read_whole(tmp_path: Path) -> None:
    (tmp_path / "plot.png").write_bytes(PNG)
    image = read_image("plot.png?v=2#top", str(tmp_path / "q.md"), tmp_path)
    assert (image.name, image.data, image.mime) == ("plot.png", PNG, "image/png")
    with pytest.raises(ImageProblem, match="a NUL character"):
        read_image("a%00.png", str(tmp_path / "q.md"), tmp_path)
    with pytest.raises(ImageProblem, match="absolute path"):
        read_image("%2Fetc%2Fpasswd", str(tmp_path / "q.md"), tmp_path)
