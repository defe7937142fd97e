"""Robust verification on the toy experiment: conditions, fragile keys, comparisons, JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from quizengine.bank.load import load_bank
from quizengine.cli import main
from quizengine.lab.conditions import Sweep, plan, sample
from quizengine.lab.verify import verify_bank
from simulations import registry

FRAGILE = """\
---
id: fragile
type: multiple
---
# Depth

Which hold?

- [x] x is positive [c](sim:toy?x=2#positive)
- [x] the network is shallow [c](sim:toy?x=2#shallow)
- [x] at depth 10 it is shallow [c](sim:toy?x=2&depth=10#shallow)

## Answer

Because.
"""

COMPARATIVE = """\
---
id: compare
type: multiple
baseline: "sim:toy?x=1"
---
# Doubling

Which hold?

- [x] doubling at least doubles the value [c](sim:toy?mode=double#value>=2*baseline)
- [ ] doubling triples it [c](sim:toy?mode=double#value>=3*baseline)
- [x] raising x to 3 beats the baseline by 2 [c](sim:toy?x=3#value>=baseline+2)
- [x] depth_value of the baseline grows with depth [c](sim:toy#depth_value>=10)

## Answer

Because.
"""


@pytest.fixture(autouse=True)
def toy_registered(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(registry._MODULES, "toy", "toy_experiment")


def write(folder: Path, text: str) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / "q.md").write_text(text)
    return folder


def test_a_claim_holding_at_one_depth_only_is_fragile_with_its_condition(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bank = write(tmp_path / "bank", FRAGILE)
    code = main(["verify", "--jobs", "1", str(bank)])
    out = capsys.readouterr().out
    assert code == 1
    assert "choice 2: key correct, simulation: holds (6 conditions)  FRAGILE" in out
    assert "flips at depth=20 seed" in out and "(depth 20, threshold 20)" in out
    assert f"{bank / 'q.md'}:10:1: error: choice 2 is keyed correct; it holds at the link" in out
    assert "3 keys: 2 agree, 0 disagree, 1 fragile, 0 broken" in out.splitlines()[-1]


def test_json_lists_every_condition(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bank = write(tmp_path / "bank", FRAGILE)
    assert main(["verify", "--jobs", "1", "--format", "json", str(bank)]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["counts"] == {"agree": 2, "disagree": 0, "fragile": 1, "broken": 0}
    positive, shallow, pinned = data["questions"][0]["items"]
    assert [item["verdict"] for item in (positive, shallow, pinned)] == [
        "agree",
        "fragile",
        "agree",
    ]
    # the link's values at 3 seeds, then the 3 other depths (one seed each, cycling)
    conditions = shallow["conditions"]
    assert [(c["params"].get("depth"), c["seed"]) for c in conditions[:3]] == [
        (None, 0),
        (None, 1),
        (None, 2),
    ]
    assert sorted(c["params"]["depth"] for c in conditions[3:]) == ["20", "30", "50"]
    assert all(c["params"]["x"] == "2" for c in conditions)
    assert [c["holds"] for c in conditions] == [True] * 3 + [False] * 3
    assert conditions[3]["evidence"]["threshold"] == 20
    # a link that pins the depth leaves nothing open: the seeds alone
    assert len(pinned["conditions"]) == 3


def test_quick_checks_the_link_values_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bank = write(tmp_path / "bank", FRAGILE)
    assert main(["verify", "--jobs", "1", "--quick", str(bank)]) == 0
    assert "3 keys: 3 agree, 0 disagree, 0 fragile" in capsys.readouterr().out


def test_comparative_claims_against_the_baseline(tmp_path: Path) -> None:
    report = verify_bank(load_bank([write(tmp_path / "bank", COMPARATIVE)]))
    (question,) = report.questions
    verdicts = {item.label: item for item in question.items}
    assert [item.verdict for item in question.items] == ["agree"] * 4, [
        (i.label, i.simulation_says, i.flips) for i in question.items
    ]
    doubled = verdicts["choice 1"]
    assert doubled.evidence == {"value": 2.0, "baseline": 1.0, "bound": 2.0}
    # inherited x=1 from the baseline, mode=double from the link
    assert doubled.conditions[0].params == {"x": "1", "mode": "double"}
    assert "times the baseline's" in doubled.statement
    assert verdicts["choice 2"].simulation_says == "fails"
    assert verdicts["choice 3"].evidence == {"value": 3.0, "baseline": 1.0, "bound": 3.0}
    # depth open: the depth_value claim is checked at every depth, and depth 10 is the least
    assert {c.params.get("depth") for c in verdicts["choice 4"].conditions} == {
        None,
        "20",
        "30",
        "50",
    }


def test_a_flipped_comparison_disagrees(tmp_path: Path) -> None:
    text = COMPARATIVE.replace("- [ ] doubling triples", "- [x] doubling triples")
    report = verify_bank(load_bank([write(tmp_path / "bank", text)]))
    assert report.counts() == {"agree": 3, "disagree": 1, "fragile": 0, "broken": 0}
    (flipped,) = [i for i in report.questions[0].items if i.verdict == "disagree"]
    assert flipped.flips[0].startswith("flips at the link's values, seed 0: value 2, needs >= 3")


def test_sample_is_deterministic_distinct_and_avoids_the_defaults() -> None:
    ranges = {"a": ("1", "2", "3"), "b": ("x", "y"), "c": ("k",)}
    defaults = {"a": "1", "b": "x", "c": "k"}
    first = sample("e", ranges, defaults, set(), 4)
    assert first == sample("e", ranges, defaults, set(), 4)
    assert len({tuple(sorted(d.items())) for d in first}) == 4
    assert {"a": "1", "b": "x"} not in first
    assert all(set(d) == {"a", "b"} for d in first)  # c is held: one value
    # pinning b leaves a alone open
    assert sorted(d["a"] for d in sample("e", ranges, defaults, {"b"}, 9)) == ["2", "3"]
    assert sample("e", ranges, defaults, set(), 9, valid=lambda d: d["a"] != "3") == [
        d for d in sample("e", ranges, defaults, set(), 9) if d["a"] != "3"
    ]


def test_plan_puts_the_link_values_first_and_cycles_the_seeds() -> None:
    ranges = {"a": ("1", "2", "3", "4", "5")}
    conditions = plan("e", ranges, {"a": "1"}, set(), Sweep(conditions=4, seeds=3), 10)
    assert [c.seed for c in conditions] == [10, 11, 12, 10, 11, 12, 10]
    assert [c.at_link_values for c in conditions] == [True] * 3 + [False] * 4
    assert conditions[3].describe().startswith("a=")
    (quick,) = plan("e", ranges, {"a": "1"}, set(), Sweep.quick(), 10)
    assert quick.at_link_values and quick.seed == 10


def test_every_parameter_of_every_experiment_declares_its_conditions() -> None:
    for name in registry.names():
        experiment = registry.get(name)
        assert set(experiment.conditions) == set(experiment.params.model_fields), name
        defaults = registry.defaults(experiment)
        for parameter, values in experiment.conditions.items():
            assert defaults[parameter] in values, (name, parameter)
            for value in values if len(values) > 1 else ():  # every value a valid setting
                registry.parse_params(experiment, {parameter: value})


SMALL = "depth=10&width=16&batch=16&seeds=2&steps=60&counterfactuals=false"
RELU = "sim:training-dynamics?activation=relu&init=he"
TRAINING = f"""\
---
id: remedies-by-training
type: multiple
baseline: "sim:training-dynamics?activation=sigmoid&init=xavier&{SMALL}"
---
# Remedies judged by training

A 10-layer sigmoid network with Xavier weights; which changes help it learn?

- [x] ReLU with He weights reaches a lower loss [c]({RELU}#final_loss<baseline)
- [x] ReLU/He moves its first layer 10x more vs the last [c]({RELU}#change_ratio>=10*baseline)
- [ ] A 3x learning rate does [c](sim:training-dynamics?lr=0.009#change_ratio>=10*baseline)

## Answer

Because.
"""


def test_remedies_judged_by_a_training_run_against_the_baseline(tmp_path: Path) -> None:
    report = verify_bank(load_bank([write(tmp_path / "bank", TRAINING)]), sweep=Sweep.quick())
    items = report.questions[0].items
    assert [i.verdict for i in items] == ["agree"] * 3, [(i.label, i.evidence) for i in items]
    assert items[0].evidence["final_loss"] < items[0].evidence["baseline"]
    assert "training loss" in items[0].statement
