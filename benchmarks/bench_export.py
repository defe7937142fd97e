"""Time and peak memory of `quizengine export`: the bundled bank, and 10,000 generated questions.

For each format (Moodle XML, GIFT, QTI 2.1 zip) the whole export is measured in-process:
building each question's HTML and feedback, rendering the format, and writing the output to a
temporary folder. Baseline measured in the same run: rendering the same questions' Markdown to
HTML alone (the floor every format pays); each format is reported as a ratio to it.
Times are the median of --runs interleaved rounds; peak memory is tracemalloc's peak in a
separate run (so tracing does not slow the timed ones).

    python benchmarks/bench_export.py [--questions 10000] [--runs 3]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from quizengine.bank.load import load_bank  # noqa: E402
from quizengine.bank.model import Choice, Explanation, NumericAnswer, Question, Reference  # noqa: E402
from quizengine.export.engine import ResultCache  # noqa: E402
from quizengine.export.exporter import (  # noqa: E402
    contents,
    output_files,
    render_all,
    write_output,
)
from quizengine.export.html import block_html, inline_html  # noqa: E402

WORDS = (
    *("gradient", "layer", "network", "sigmoid", "relu", "weight", "batch", "norm", "residual"),
    *("vanishing", "exploding", "depth", "width", "initialization", "xavier", "he", "activation"),
    *("loss", "learning", "rate", "clipping"),
)


def sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def generated_question(rng: random.Random, number: int) -> Question:
    """A question shaped like the bank's: a few paragraphs, 3-6 choices, links, references."""
    kind = rng.choice(["single", "multiple", "multiple", "numeric"])
    prompt = "\n\n".join(sentence(rng, 30) for _ in range(2)) + "\n\nWhich is **true**?"
    explanation = "\n\n".join(sentence(rng, 40) for _ in range(3)) + (
        "\n\n[See it run](sim:gradient-flow?activation=sigmoid&depth=30)."
    )
    choices: list[Choice] = []
    answer = None
    if kind == "numeric":
        answer = NumericAnswer(value=rng.uniform(-10, 10), abs_tol=0.01, rel_tol=0.05)
    else:
        n = rng.randint(3, 6)
        correct = {rng.randrange(n)} if kind == "single" else set(rng.sample(range(n), 2))
        choices = [
            Choice(text=sentence(rng, 15) + " `code` ~ {x} = #1", correct=i in correct)
            for i in range(n)
        ]
    return Question(
        path=f"generated/q{number}.md",
        id=f"generated-{number}",
        type=kind,  # type: ignore[arg-type]
        title=sentence(rng, 6),
        prompt=prompt,
        choices=choices,
        answer=answer,
        explanation=Explanation(markdown=explanation),
        references=[Reference(title="Glorot & Bengio (2010)", url="https://example.org/glorot")],
        tags=["generated"],
        content_hash="0" * 64,
    )


def markdown_only(questions: list[Question]) -> None:
    for question in questions:
        block_html(question.prompt)
        block_html(question.explanation.markdown)
        for choice in question.choices:
            inline_html(choice.text)


OUTPUT = {"moodle": "out.xml", "gift": "out.gift", "qti21": "out.zip"}


def export(questions: list[Question], to: str, cache: ResultCache | None, out: Path) -> None:
    rendered, _ = render_all(contents(questions, cache, 0), to)  # type: ignore[arg-type]
    write_output(output_files(rendered, to), out / OUTPUT[to])  # type: ignore[arg-type]


def seconds(job: Callable[[], None]) -> float:
    started = time.perf_counter()
    job()
    return time.perf_counter() - started


def peak_mib(job: Callable[[], None]) -> float:
    tracemalloc.start()
    try:
        job()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def report(name: str, questions: list[Question], cache: ResultCache | None, runs: int) -> None:
    print(f"\n{name}: {len(questions)} questions (median of {runs} runs)")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        jobs: dict[str, Callable[[], None]] = {"baseline": lambda: markdown_only(questions)}
        for to in OUTPUT:
            jobs[to] = lambda to=to: export(questions, to, cache, folder)
            export(questions[:5], to, cache, folder)  # warm-up: imports, parser set-up
        # Interleaved: each round times the baseline and every format, so a change in the
        # machine's load between rounds touches them alike.
        times: dict[str, list[float]] = {label: [] for label in jobs}
        for _ in range(runs):
            for label, job in jobs.items():
                times[label].append(seconds(job))
        median = {label: statistics.median(values) for label, values in times.items()}
        base = median["baseline"]
        base_peak = peak_mib(jobs["baseline"])
        print(f"  {'baseline: Markdown to HTML only':34} {base:8.3f} s  {base_peak:8.1f} MiB peak")
        for to in OUTPUT:
            peak = peak_mib(jobs[to])
            size = (folder / OUTPUT[to]).stat().st_size
            per = median[to] / len(questions) * 1e3
            print(
                f"  {to + ' export':34} {median[to]:8.3f} s  {peak:8.1f} MiB peak  "
                f"{per:6.2f} ms/question  {median[to] / base:5.1f}x baseline  "
                f"output {size / 2**20:.2f} MiB"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    bank = load_bank().questions
    # The bank with the evidence of whatever verify run is cached for this user.
    report("bundled bank (with the verify cache)", bank, ResultCache(), args.runs)
    rng = random.Random(15)
    generated = [generated_question(rng, i) for i in range(args.questions)]
    report("generated questions (no evidence)", generated, None, args.runs)


if __name__ == "__main__":
    main()
