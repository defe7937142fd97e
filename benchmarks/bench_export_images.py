"""Time of exporting a bank whose questions show image files, against the same bank without them.

A bank of --questions files is written to a temporary folder, each question showing one image
of --kib KiB in its prompt and the same one in a choice (random bytes after a PNG signature, so
they do not compress, as real PNGs do not). Baseline, measured in the same interleaved rounds:
the same questions without the images. For each format the whole export is timed in-process
(reading and checking the images, rendering, writing to a temporary folder); reported as the
median of --runs rounds, the ratio to the baseline of that format, and the output size.

    python benchmarks/bench_export_images.py [--questions 300] [--kib 100] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from quizengine.bank.load import load_bank  # noqa: E402
from quizengine.bank.model import Bank  # noqa: E402
from quizengine.export.exporter import (  # noqa: E402
    contents,
    output_files,
    render_all,
    write_output,
)

OUTPUT = {"moodle": "out.xml", "gift": "out.gift", "qti21": "out.zip"}


def question(number: int, image: bool) -> str:
    shown = f" ![plot {number}](img/q{number}.png)" if image else ""
    return (
        f"---\nid: q{number}\ntype: single\n---\n# Question {number}\n\n"
        f"Which curve is the sigmoid's gradient?{shown}\n\n"
        f"- [x] the one that peaks at zero{shown}\n- [ ] the one that grows\n\n"
        "## Answer\n\nIt peaks at 0.25 at zero.\n"
    )


def write_bank(folder: Path, questions: int, kib: int, images: bool) -> Bank:
    (folder / "img").mkdir(parents=True)
    for number in range(questions):
        (folder / f"q{number}.md").write_text(question(number, images))
        if images:
            data = b"\x89PNG\r\n\x1a\n" + os.urandom(kib * 1024 - 8)
            (folder / "img" / f"q{number}.png").write_bytes(data)
    return load_bank([folder])


def export(bank: Bank, to: str, out: Path) -> None:
    items = contents(bank.questions, None, 0, bank.roots)
    rendered, outcome = render_all(items, to)  # type: ignore[arg-type]
    assert not outcome.failed, outcome.failed
    write_output(output_files(rendered, to), out / OUTPUT[to])  # type: ignore[arg-type]


def seconds(bank: Bank, to: str, out: Path) -> float:
    started = time.perf_counter()
    export(bank, to, out)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=300)
    parser.add_argument("--kib", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        banks = {
            "without": write_bank(root / "plain", args.questions, args.kib, images=False),
            "with": write_bank(root / "images", args.questions, args.kib, images=True),
        }
        outs = {name: root / f"out-{name}" for name in banks}
        for out in outs.values():
            out.mkdir()
        for to in OUTPUT:  # warm-up: imports, parser set-up, the page cache
            for name, bank in banks.items():
                export(bank, to, outs[name])
        times: dict[tuple[str, str], list[float]] = {}
        for _ in range(args.runs):
            for to in OUTPUT:
                for name, bank in banks.items():
                    times.setdefault((to, name), []).append(seconds(bank, to, outs[name]))
        images_mib = args.questions * args.kib / 1024
        print(
            f"{args.questions} questions, each showing one {args.kib} KiB image twice "
            f"({images_mib:.2f} MiB of images); median of {args.runs} interleaved runs"
        )
        for to in OUTPUT:
            base = statistics.median(times[(to, "without")])
            with_images = statistics.median(times[(to, "with")])
            size = (outs["with"] / OUTPUT[to]).stat().st_size / 2**20
            print(
                f"  {to:7} without images {base:7.3f} s   with images {with_images:7.3f} s "
                f"({with_images / base:5.2f}x baseline)   output {size:7.1f} MiB"
            )


if __name__ == "__main__":
    main()
