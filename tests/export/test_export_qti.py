"""QTI 2.1 export: every item (and the test) validates against the official IMS schema, and the
content package's manifest lists every file it holds."""

from __future__ import annotations

import random
import zipfile
from pathlib import Path

from export_support import make_question, qti_schema, random_question
from lxml import etree

from quizengine.bank.load import load_bank
from quizengine.export import qti21
from quizengine.export.exporter import contents, output_files, write_output

CP = "{http://www.imsglobal.org/xsd/imscp_v1p1}"

RICH_MARKDOWN = """\
A table, aligned:

| a | b |
|:--|--:|
| 1 | *2* |

![a plot](plot.png) and ![](missing-alt.png) and a [link](https://example.org/?a=1&b=2)

> quoted **bold** text
>
> - a list in a quote

1. one
   - nested `code`
2. two

```python
print("<b>&</b>")
```

Raw HTML: <div class="x" style="color:red">a div <p>inside</p></div> <del>gone</del>
<script>alert(1)</script> <span style="x">span</span><br>line<hr>

---

Heading
=======

<table><tr><td>rows straight in a table</td></tr></table>

<table><thead><tr><th>no body</th></tr></thead></table>

<ul></ul>

<dl><dt>term</dt><dd>definition</dd></dl>
"""


def validate(xml: bytes) -> None:
    schema = qti_schema()
    document = etree.fromstring(xml)
    if not schema.validate(document):
        raise AssertionError(f"{schema.error_log.last_error}\n{xml.decode()[:3000]}")


def test_every_bank_item_and_the_test_validate_against_the_ims_schema() -> None:
    rendered = [qti21.render(content) for content in contents(load_bank().questions, None, 0)]
    files = qti21.package(rendered)
    for name, data in files.items():
        if name != "imsmanifest.xml":
            validate(data)


def test_hostile_text_and_rich_markdown_still_validate() -> None:
    rng = random.Random(21)
    questions = [random_question(rng, f"q{i}") for i in range(40)]
    questions.append(
        make_question(
            "rich",
            "multiple",
            choices=[("**bold** <div>block in a choice</div>", True), ("`x < y`", False)],
            prompt=RICH_MARKDOWN,
            explanation=RICH_MARKDOWN,
            title='Rich <title> & "quotes"',
        )
    )
    questions.append(
        make_question("9-starts-with-digit", "single", choices=[("a", True), ("b", False)])
    )
    for content in contents(questions, None, 0):
        validate(qti21.render(content).xml)


def test_rich_markdown_keeps_its_text_and_drops_what_qti_cannot_hold() -> None:
    question = make_question(
        "rich", "single", choices=[("a", True), ("b", False)], prompt=RICH_MARKDOWN
    )
    (content,) = contents([question], None, 0)
    body = etree.fromstring(qti21.render(content).xml).find(
        "{http://www.imsglobal.org/xsd/imsqti_v2p1}itemBody"
    )
    text = "".join(body.itertext())
    for kept in ("quoted", "nested", 'print("<b>&</b>")', "a div", "inside", "gone", "span"):
        assert kept in text
    assert "alert" not in text
    html = etree.tostring(body).decode()
    assert (
        "style=" not in html
        and 'alt=""' in html
        and 'href="https://example.org/?a=1&amp;b=2"' in html
    )


def test_folder_and_zip_hold_the_same_files_and_the_manifest_lists_them(tmp_path: Path) -> None:
    rendered = [qti21.render(c) for c in contents(load_bank().questions[:4], None, 0)]
    files = output_files(rendered, "qti21")
    write_output(files, tmp_path / "pkg")
    write_output(files, tmp_path / "pkg.zip")
    on_disk = {
        str(p.relative_to(tmp_path / "pkg")) for p in (tmp_path / "pkg").rglob("*") if p.is_file()
    }
    with zipfile.ZipFile(tmp_path / "pkg.zip") as archive:
        zipped = set(archive.namelist())
        assert (
            archive.read("imsmanifest.xml") == (tmp_path / "pkg" / "imsmanifest.xml").read_bytes()
        )
    assert on_disk == zipped == set(files)
    manifest = etree.parse(str(tmp_path / "pkg" / "imsmanifest.xml")).getroot()
    listed = {f.get("href") for f in manifest.iter(f"{CP}file")}
    assert listed == set(files) - {"imsmanifest.xml"}
    items = [r for r in manifest.iter(f"{CP}resource") if r.get("type") == "imsqti_item_xmlv2p1"]
    assert [r.get("identifier") for r in items] == [r.identifier for r in rendered]
    test = next(r for r in manifest.iter(f"{CP}resource") if r.get("type") == "imsqti_test_xmlv2p1")
    assert [d.get("identifierref") for d in test.iter(f"{CP}dependency")] == [
        r.identifier for r in rendered
    ]
