"""The history commands (stats, history, review) through quizengine.cli.main and a real process."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_history_support import write_bank

from quizengine.bank.load import load_bank
from quizengine.bank.model import Question
from quizengine.cli import main
from quizengine.history.store import HistoryStore

REPO = Path(__file__).resolve().parents[2]
# Sixty days back: every question answered then is due now, whatever FSRS made of it.
START = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(days=60)


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "history.sqlite3"
    monkeypatch.setenv("QUIZENGINE_DB", str(path))
    return path


@pytest.fixture
def bank_dir(tmp_path: Path) -> Path:
    return write_bank(tmp_path / "bank")


@pytest.fixture
def questions(bank_dir: Path) -> dict[str, Question]:
    return {q.id: q for q in load_bank([bank_dir]).questions}


def seed_history(db: Path, questions: dict[str, Question]) -> None:
    """Day 1: slope wrong, remedies half right, chain-bound right; day 2: slope right."""
    moments = iter(
        [START, START, START + dt.timedelta(minutes=1), START + dt.timedelta(minutes=2),
         START + dt.timedelta(days=1), START + dt.timedelta(days=1)]
    )  # fmt: skip
    with HistoryStore.open(db, clock=lambda: next(moments)) as store:
        first = store.start_session(["sigmoid-slope", "remedies", "chain-bound"])
        store.record_answer(first.id, questions["sigmoid-slope"], [0], 0.0, 12.0)
        store.record_answer(first.id, questions["remedies"], [0], 0.5, 30.0)
        store.record_answer(first.id, questions["chain-bound"], 0.0625, 1.0, 45.0)
        second = store.start_session(["sigmoid-slope"], kind="review")
        store.record_answer(second.id, questions["sigmoid-slope"], [1], 1.0, 25.0)


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# -- stats -------------------------------------------------------------------------------


def test_stats_without_history_says_so_and_creates_nothing(
    db: Path, bank_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run_cli(capsys, "stats", str(bank_dir))
    assert code == 0
    assert "No answers recorded yet" in out and str(db) in out and "3 questions" in out
    assert not db.exists()


def test_stats_json_has_every_figure(
    db: Path, bank_dir: Path, questions: dict[str, Question], capsys: pytest.CaptureFixture[str]
) -> None:
    seed_history(db, questions)
    code, out, _ = run_cli(capsys, "stats", str(bank_dir), "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert (data["answers"], data["questions_answered"], data["due"], data["new"]) == (4, 3, 3, 0)
    assert data["accuracy"] == 0.625  # (0 + 0.5 + 1 + 1) / 4
    assert data["standing"] == round((1 + 0.5 + 1) / 3, 4)  # each question's latest score
    assert data["seconds"] == 112.0
    tags = {a["name"]: (a["answers"], a["questions"], a["accuracy"], a["standing"])
            for a in data["by_tag"]}  # fmt: skip
    assert tags == {"activations": (3, 2, 0.5, 0.75), "initialization": (2, 2, 0.75, 0.75)}
    topics = {a["name"]: (a["answers"], a["accuracy"]) for a in data["by_topic"]}
    assert topics == {"vanishing gradients": (3, 0.5), "bounds": (1, 1.0)}
    assert data["period"] == "day"
    assert [(p["answers"], p["accuracy"]) for p in data["trend"]] == [(3, 0.5), (1, 1.0)]
    # Both areas with 3 answers stand at 75%: the tag comes first on the tie.
    assert [(a["kind"], a["name"]) for a in data["weakest"]] == [
        ("tag", "activations"),
        ("topic", "vanishing gradients"),
    ]


def test_stats_table_and_plot(
    db: Path, bank_dir: Path, questions: dict[str, Question], capsys: pytest.CaptureFixture[str]
) -> None:
    seed_history(db, questions)
    code, out, _ = run_cli(capsys, "stats", str(bank_dir))
    assert code == 0
    assert "4 answers to 3 questions" in out
    assert "Accuracy 62%" in out and "Due now 3" in out
    row = next(line for line in out.splitlines() if line.startswith("activations"))
    assert row.split() == ["activations", "3", "2", "50%", "75%"]
    assert "Weakest: activations (tag, 75%), vanishing gradients (topic, 75%)" in out
    assert "accuracy (%) per day" in out and "\x1b[" not in out  # the plot, no colour codes


def test_stats_for_one_tag_only_counts_its_questions(
    db: Path, bank_dir: Path, questions: dict[str, Question], capsys: pytest.CaptureFixture[str]
) -> None:
    seed_history(db, questions)
    code, out, _ = run_cli(capsys, "stats", str(bank_dir), "--tag", "initialization",
                           "--format", "json")  # fmt: skip
    assert code == 0
    assert json.loads(out)["answers"] == 2  # remedies and chain-bound, not sigmoid-slope


# -- history -----------------------------------------------------------------------------


def test_history_lists_latest_first(
    db: Path, questions: dict[str, Question], capsys: pytest.CaptureFixture[str]
) -> None:
    seed_history(db, questions)
    code, out, _ = run_cli(capsys, "history", "--limit", "2")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["When", "Question", "Score", "Seconds", "Session"]
    assert [line.split()[2] for line in lines[1:]] == ["sigmoid-slope", "chain-bound"]


def test_history_export_writes_every_answer_as_csv(
    db: Path, tmp_path: Path, questions: dict[str, Question], capsys: pytest.CaptureFixture[str]
) -> None:
    seed_history(db, questions)
    target = tmp_path / "out.csv"
    code, _, err = run_cli(capsys, "history", "--export", str(target))
    assert code == 0 and "wrote 4 answers" in err
    rows = list(csv.DictReader(target.open(encoding="utf-8")))
    assert [r["question_id"] for r in rows] == [
        "sigmoid-slope", "remedies", "chain-bound", "sigmoid-slope"
    ]  # fmt: skip
    assert rows[0]["answered_at"] == START.isoformat()
    assert (rows[1]["picked"], rows[1]["score"], rows[1]["tags"]) == (
        "0", "0.5", "activations;initialization"
    )  # fmt: skip
    assert (rows[2]["picked"], rows[2]["value"], rows[2]["topic"]) == ("", "0.0625", "bounds")

    # An existing file is not overwritten without --force.
    target.write_text("mine")
    code, _, err = run_cli(capsys, "history", "--export", str(target))
    assert code == 2 and "exists; pass --force" in err and target.read_text() == "mine"
    assert run_cli(capsys, "history", "--export", str(target), "--force")[0] == 0
    assert len(target.read_text().splitlines()) == 5

    code, out, _ = run_cli(capsys, "history", "--export", "-")
    assert code == 0 and next(csv.reader(io.StringIO(out)))[0] == "answered_at"


# -- review ------------------------------------------------------------------------------


def test_review_list_without_history(
    db: Path, bank_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run_cli(capsys, "review", str(bank_dir), "--list")
    assert code == 0 and "Nothing to review yet" in out and not db.exists()


def test_review_list_shows_due_questions_most_overdue_first(
    db: Path, bank_dir: Path, questions: dict[str, Question], capsys: pytest.CaptureFixture[str]
) -> None:
    seed_history(db, questions)
    code, out, _ = run_cli(capsys, "review", str(bank_dir), "--list", "--format", "json")
    assert code == 0
    rows = json.loads(out)
    # Remedies was half right (Hard: back the next day); chain-bound right (Good: later);
    # sigmoid-slope was right only on day 2.
    assert [r["id"] for r in rows] == ["remedies", "chain-bound", "sigmoid-slope"]
    assert [r["last_score"] for r in rows] == [0.5, 1.0, 1.0]
    assert [r["due"] for r in rows] == sorted(r["due"] for r in rows)

    code, out, _ = run_cli(capsys, "review", str(bank_dir), "--list", "--limit", "1")
    assert code == 0 and "1 question due for review" in out and "remedies" in out


def test_review_with_nothing_due_says_when_the_next_one_is(
    db: Path, bank_dir: Path, questions: dict[str, Question], capsys: pytest.CaptureFixture[str]
) -> None:
    with HistoryStore.open(db) as store:  # answered just now, right: due in days
        session = store.start_session(["chain-bound"])
        store.record_answer(session.id, questions["chain-bound"], 0.0625, 1.0, 30.0)
    code, out, _ = run_cli(capsys, "review", str(bank_dir))  # would open the TUI if any were due
    assert code == 0 and "Nothing is due. Next: “Two sigmoids” on " in out  # by title


async def test_review_opens_the_tui_on_the_due_questions_and_records_a_review(
    db: Path, bank_dir: Path, questions: dict[str, Question]
) -> None:
    from quizengine.commands.review import review_app

    seed_history(db, questions)
    bank = load_bank([bank_dir])
    with HistoryStore.open(db) as store:
        due = store.due(bank.questions)
        unfinished = store.start_session(["sigmoid-slope"])  # review must not offer to resume it
        app = review_app(bank, due, store)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert app.quiz is not None
            assert [i.question.id for i in app.quiz.items] == [q.id for q in due]
            await pilot.press("1", "2", "enter")  # remedies: both right choices
            await pilot.pause()
        session = store.sessions()[-1]
        assert session.id != unfinished.id
        assert (session.kind, session.answered_ids) == ("review", ("remedies",))
        record = store.answers("remedies")[-1]
        assert (record.picked, record.score) == ((0, 1), 1.0)


# -- bad databases -----------------------------------------------------------------------


def test_a_foreign_file_gives_one_line_and_is_kept(
    db: Path, bank_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db.write_bytes(b"my thesis, do not lose\n" * 100)
    for command in (["stats"], ["history"], ["review", str(bank_dir)], ["review", "--list"]):
        code, _, err = run_cli(capsys, *command)
        assert code == 2, command
        assert err.count("\n") == 1 and "not an SQLite file" in err and "--reset-db" in err
    assert db.read_bytes() == b"my thesis, do not lose\n" * 100


def test_reset_db_moves_the_old_file_aside(
    db: Path, bank_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db.write_bytes(b"garbage")
    code, out, err = run_cli(capsys, "review", str(bank_dir), "--reset-db")
    assert code == 0 and "moved the old history" in err and "Nothing to review yet" in out
    kept = [p for p in db.parent.iterdir() if p.name.startswith("history.sqlite3.")]
    assert [p.read_bytes() for p in kept if p.suffix == ".bak"] == [b"garbage"]
    assert db.read_bytes().startswith(b"SQLite format 3\x00")


def test_db_option_wins_over_the_environment(
    db: Path, tmp_path: Path, questions: dict[str, Question], capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "other.sqlite3"
    seed_history(other, questions)
    code, out, _ = run_cli(capsys, "history", "--db", str(other))
    assert code == 0 and "sigmoid-slope" in out and not db.exists()


def test_a_real_process_prints_stats_and_a_clean_error(
    db: Path, bank_dir: Path, questions: dict[str, Question]
) -> None:
    seed_history(db, questions)
    env = dict(os.environ, PYTHONPATH=str(REPO))
    done = subprocess.run(
        [sys.executable, "-m", "quizengine", "stats", str(bank_dir), "--format", "json"],
        capture_output=True, text=True, env=env, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["answers"] == 4

    db.write_bytes(b"\x00" * 4096)
    done = subprocess.run(
        [sys.executable, "-m", "quizengine", "stats"],
        capture_output=True, text=True, env=env, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.startswith("quizengine: error: ") and "Traceback" not in done.stderr
    assert done.stderr.count("\n") == 1


def test_review_new_takes_unseen_questions_up_to_a_daily_limit(
    db: Path, bank_dir: Path, questions: dict[str, Question], capsys: pytest.CaptureFixture[str]
) -> None:
    with HistoryStore.open(db) as store:  # one question met today: right, due in days
        session = store.start_session(["chain-bound"])
        store.record_answer(session.id, questions["chain-bound"], 0.0625, 1.0, 30.0)
    never = [qid for qid in questions if qid != "chain-bound"]
    code, out, _ = run_cli(capsys, "review", str(bank_dir), "--list", "--new", "2")
    # chain-bound was new today too: room for one more
    assert code == 0 and out.count("new (--new)") == 1 and never[0] in out
    code, out, _ = run_cli(capsys, "review", str(bank_dir), "--list", "--new", "9")
    assert out.count("new (--new)") == len(never)
    code, out, _ = run_cli(
        capsys, "review", str(bank_dir), "--list", "--new", "9", "--format", "json"
    )
    rows = json.loads(out)
    assert [r["due"] for r in rows] == [None] * len(never)
    code, out, _ = run_cli(capsys, "review", str(bank_dir), "--list")  # 0 by default
    assert "Nothing is due" in out
    code, _, err = run_cli(capsys, "review", str(bank_dir), "--new", "-1")
    assert code == 2 and "--new must be 0 or more" in err


def test_introduced_on_counts_first_answers_of_the_day() -> None:
    from quizengine.history.records import AnswerRecord
    from quizengine.history.schedule import introduced_on

    def answer(qid: str, at: dt.datetime) -> AnswerRecord:
        return AnswerRecord(1, 1, qid, "h", (0,), None, 1.0, 5.0, at)

    day = START.date()
    answers = [
        answer("a", START - dt.timedelta(days=1)),  # a is not new today: met yesterday
        answer("a", START),
        answer("b", START),
        answer("b", START + dt.timedelta(hours=1)),
    ]
    assert introduced_on(answers, day, dt.UTC) == 1
