"""A corpus of hostile question files, generated (the large ones would bloat the repository).

Every case is a file a careless or malicious author could write, with what quizengine must make
of it: an error at one ``path:line:col`` for that file (the others still load), or a valid
question whose text survived whole. Used by tests/test_hostile.py and, for the size-scaled
shapes, by benchmarks/bench_hostile_parse.py.

    python tests/hostile_corpus.py OUTDIR      # write the corpus to look at it
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

MiB = 1024 * 1024
ESCAPES = "\x1b]0;owned\x07\x1b[5m\u202e\x9b"
"""Sets the window title, rings, blinks, reverses the text, starts a C1 control sequence."""

BASE = """\
---
id: {id}
type: single
tags: [activations]
topic: vanishing gradients
created: 2026-11-25
---
# The sigmoid's slope

Which value bounds the sigmoid's derivative?

- [x] 0.25 [claim](sim:gradient-flow?depth=3#stable)
- [ ] 1.0
- [ ] 4.0

## Answer

sigma'(x) = sigma(x)(1 - sigma(x)) peaks at x = 0.
"""


def question(qid: str, **replace: str) -> str:
    """The base question with ``old=new`` replacements (keys are names for readability only)."""
    text = BASE.format(id=qid)
    for old_new in replace.values():
        old, new = old_new.split("=>", 1)
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def numeric(qid: str, answer: str) -> str:
    """The base question made numeric, with ``answer`` as its key (flow-style YAML)."""
    text = question(qid, t=f"type: single=>type: numeric\nanswer: {answer}")
    return text.replace("- [x] 0.25 [claim](sim:gradient-flow?depth=3#stable)\n", "").replace(
        "- [ ] 1.0\n- [ ] 4.0\n", ""
    )


@dataclass(frozen=True)
class Case:
    name: str
    make: Callable[[Path], None]
    """Writes the file (or FIFO, symlink...) at the given path."""
    error: str | None
    """A fragment of the single error expected, or None for a valid question."""
    line: int = 1
    col: int | None = None
    kept: tuple[str, ...] = ()
    """For a valid question: text that must survive into the parsed question."""


def text_case(name: str, text: str, error: str | None, line: int = 1, **kw: object) -> Case:
    def make(path: Path) -> None:
        path.write_bytes(text.encode("utf-8", "surrogatepass"))

    return Case(name, make, error, line, **kw)  # type: ignore[arg-type]


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _dev_zero(path: Path) -> None:
    path.symlink_to("/dev/zero")


def _sparse(path: Path) -> None:
    with path.open("wb") as file:
        file.truncate(6 * 1024 * MiB)  # 6 GiB that take no disk


def _dangling(path: Path) -> None:
    path.symlink_to(path.with_name("no-such-target.md"))


def cases() -> list[Case]:
    fm = "created: 2026-11-25\n"
    deep_block = "x:\n" + "".join(" " * i + "- \n" for i in range(1, 120))
    return [
        # --- YAML that PyYAML fails on outside YAMLError
        text_case("deep-flow.md", question("a", f=f"{fm}=>x: {'[' * 1000}\n"), "nested", 6, col=23),
        text_case("deep-map.md", question("b", f=f"{fm}=>x: {'{a: ' * 1000}\n"), "nested", 6),
        text_case("deep-block.md", question("c", f=f"{fm}=>{deep_block}"), "nested", 26, col=21),
        text_case(
            "month-13.md", question("d", d="2026-11-25=>2026-13-45"), "impossible date", 6, col=10
        ),
        text_case("feb-30.md", question("e", d="2026-11-25=>2026-02-30"), "impossible date", 6),
        text_case("huge-int.md", question("f", f=f"{fm}=>x: {'9' * 5000}\n"), "too long", 6, col=4),
        text_case("unclosed.md", question("g", f=f"{fm}=>x: [1, 2\n"), "not closed", 6, col=4),
        text_case("unclosed-quote.md", question("h", f=f"{fm}=>x: 'abc\n"), "not closed", 6, col=4),
        text_case("yaml-u2028.md", question("i", f=f"{fm}=>x: a\u2028b\n"), "U+2028", 6, col=5),
        text_case("huge-yaml.md", question("j", f=f"{fm}=>x: [{'1, ' * 8000}1]\n"), "too large", 2),
        # --- numbers and words the key cannot use
        text_case("nan.md", numeric("k", "{value: .nan, abs_tol: 1}"), "finite", 4),
        text_case("inf-tolerance.md", numeric("l", "{value: 1, rel_tol: .inf}"), "finite", 4),
        text_case("tag-escape.md", question("m", t='[activations]=>["a\\e[5m"]'), "control", 4),
        text_case(
            "topic-bell.md",
            question("n", t='gradients=>gradients\\a"', q=': vani=>: "vani'),
            "control",
            5,
        ),
        # --- bytes, sizes and kinds of file
        Case("fifo.md", _fifo, "not a regular file"),
        Case("dev-zero.md", _dev_zero, "not a regular file"),
        Case("sparse.md", _sparse, "too large"),
        Case("dangling.md", _dangling, "cannot read file"),
        text_case(
            "lone-cr.md",
            question("o", p="bounds the=>bounds the\rsigmoid"),
            "carriage return",
            10,
            col=23,
        ),
        # --- text that must survive whole
        text_case("crlf.md", question("p").replace("\n", "\r\n"), None, kept=("peaks at x = 0.",)),
        text_case(
            "u2028-prompt.md",
            question("q", p="derivative?=>derivative?\u2028 Think of x = 0.\n\nAnd of large x."),
            None,
            kept=("Think of x = 0.", "And of large x."),
        ),
        text_case(
            "vt-choice.md",
            question("r", c="- [ ] 1.0=>- [ ] 1\x0b.0 and more"),
            None,
            kept=("1\x0b.0 and more",),
        ),
        text_case(
            "interval.md",
            question("s", c="- [x] 0.25 [claim]=>- [x] a value in [0, 1) [claim]"),
            None,
            kept=("a value in [0, 1)",),
        ),
        text_case(
            "escapes.md",
            question(
                "t",
                h=f"# The sigmoid's slope=># The {ESCAPES} slope",
                c=f"- [ ] 4.0=>- [ ] 4.0 {ESCAPES}",
            ),
            None,
            kept=(f"The {ESCAPES} slope", f"4.0 {ESCAPES}"),
        ),
        text_case("name-\x1b[5m-\x07.md", question("ac"), None),  # shown in every warning
        text_case(
            "deep-quote.md",
            question("u", p=f"derivative?=>derivative?\n\n{'>' * 40} deep"),
            "nested too deeply",
            12,
        ),
        # --- time bombs (linear time: each checks in well under a second)
        text_case(
            "spaces-before-link.md",
            question("v", c=f"- [x] 0.25 [claim]=>- [x] 0.25{' ' * 100_000}[claim]"),
            None,
            kept=("0.25",),
        ),
        text_case(
            "spaces-link-not-last.md",  # the old regex took 107 s to fail on this one
            question(
                "ab",
                c=f"- [x] 0.25 [claim]=>- [x] 0.25{' ' * 100_000}[claim]",
                d="#stable)=>#stable) tail",
            ),
            "must be the last thing",
            12,
            col=100_019,
        ),
        text_case(
            "brackets-before-link.md",
            question("w", c=f"- [x] 0.25 [claim]=>- [x] 0.25 {'[' * 5_000}[claim]"),
            None,
            kept=("[" * 5_000,),
        ),
        text_case(
            "many-choices.md",
            question("x", c="- [ ] 4.0=>" + "\n".join(f"- [ ] {n}" for n in range(5_000))),
            None,
            kept=("4999",),
        ),
        text_case(
            "bracket-soup.md",
            question("y", p=f"derivative?=>derivative? {'[' * 30_000}"),
            "too much Markdown punctuation",
        ),
        text_case(
            "many-lines.md",
            question("z", p="derivative?=>derivative?" + "\na" * 30_000),
            "too many lines",
        ),
        text_case(
            "too-large.md", question("aa", p="derivative?=>" + "word " * (MiB // 5)), "too large"
        ),
    ]


def shape(name: str, size: int) -> str:
    """A question of about ``size`` bytes in one of the worst shapes for a parser."""
    fill = {
        "choices": ("c", "- [ ] 4.0=>", "- [ ] choice\n"),
        "spaces before a link": ("c", "- [x] 0.25 [claim]=>- [x] 0.25", " "),
        "spaces, link not last": ("c", "- [x] 0.25 [claim]=>- [x] 0.25 [c](sim:x#y) tail", " "),
        "brackets before a link": ("c", "- [x] 0.25 [claim]=>- [x] 0.25 ", "["),
        "bracket soup": ("p", "derivative?=>derivative? ", "[a "),
        "emphasis soup": ("p", "derivative?=>derivative? ", "*_"),
        "short lines": ("p", "derivative?=>derivative?\n", "a\n"),
        "links on one line": ("e", "x = 0.=>x = 0. ", "[r](sim:gradient-flow?depth=3) "),
        "plain prose": ("p", "derivative?=>derivative? ", "the slope of the sigmoid is small "),
    }[name]
    key, anchor, unit = fill
    base = question("shape")
    count = max(1, (size - len(base)) // len(unit))
    return question("shape", **{key: anchor + unit * count})


SHAPES = (
    "choices",
    "spaces before a link",
    "spaces, link not last",
    "brackets before a link",
    "bracket soup",
    "emphasis soup",
    "short lines",
    "links on one line",
    "plain prose",
)


def write_corpus(folder: Path) -> list[Case]:
    folder.mkdir(parents=True, exist_ok=True)
    made = cases()
    for case in made:
        case.make(folder / case.name)
    return made


if __name__ == "__main__":
    for case in write_corpus(Path(sys.argv[1])):
        print(case.name)
