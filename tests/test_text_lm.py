"""The closed loop on real text: a trigram model retrained on its own output, under data policies, on the
sample docstring corpus (347 documents)."""

from __future__ import annotations

import json

import numpy as np
import polars as pl
import pytest
from text_corpus import SAMPLE
from typer.testing import CliRunner

from ecosystem.cli import app
from ecosystem.replication import ReplicationError, run_experiment
from ecosystem.replication.text_lm import QUANTITIES, _Store, split_corpus

CORPUS = str(SAMPLE)
SMALL = {"corpus": CORPUS, "generations": 4, "seeds": 3, "samples": 200, "probe_tokens": 5000, "max_tokens": 400}


@pytest.fixture(scope="module")
def table() -> pl.DataFrame:
    return run_experiment("text_lm", seed=4, policies=("replace", "fresh-50", "accumulate"), **SMALL)


def value(table: pl.DataFrame, arm: str, quantity: str, generation: int = -1) -> float:
    rows = table.filter(pl.col("arm") == arm, pl.col("quantity") == quantity).sort("generation")
    return float(rows["mean"][generation])


def test_perplexity_rises_on_own_output_and_less_with_fresh_human_data(table):
    replace, fresh, accumulate = (value(table, arm, "perplexity_change") for arm in ("replace", "fresh-50",
                                                                                      "accumulate"))
    assert replace > 0.3 and replace > fresh and replace > accumulate
    assert value(table, "replace", "perplexity") > value(table, "replace", "perplexity", 0)


def test_rare_words_lose_probability_faster_than_the_others(table):
    assert value(table, "replace", "rare_prob_ratio") < 0.5 * value(table, "replace", "common_prob_ratio") < 0.5


def test_every_quantity_per_generation_and_the_human_reference(table):
    assert set(table["quantity"]) == {q.name for q in QUANTITIES}
    assert set(table["arm"]) == {"replace", "fresh-50", "accumulate", "human-text"}
    assert table.filter(pl.col("arm") == "replace")["generation"].max() == 4
    assert table.filter(pl.col("arm") == "human-text")["generation"].max() == 0
    human_repeats = value(table, "human-text", "repeated_4gram_share", 0)
    assert 0 < human_repeats < 0.5 and table["n_seeds"].max() == 3


def test_same_seed_same_table_and_an_arm_replays_alone():
    options = {**SMALL, "seeds": 1, "generations": 2}
    both = run_experiment("text_lm", seed=9, policies=("fresh-50", "replace"), **options)
    again = run_experiment("text_lm", seed=9, policies=("fresh-50", "replace"), **options)
    alone = run_experiment("text_lm", seed=9, policies=("replace",), **options)
    assert both.equals(again)
    assert both.filter(pl.col("arm") == "replace").equals(alone.filter(pl.col("arm") == "replace"))
    other = run_experiment("text_lm", seed=10, policies=("replace",), **options)
    assert not other.filter(pl.col("arm") == "replace").equals(alone.filter(pl.col("arm") == "replace"))


def test_fixed_size_policies_train_on_as_many_documents_and_accumulate_grows():
    texts = tuple(json.loads(line)["text"] for line in SAMPLE.read_text(encoding="utf-8").splitlines())
    split = split_corpus(texts, n_test=50, rng=np.random.default_rng(0))
    n = 100
    first = np.arange(n)
    output = split.train.take(np.arange(n, 2 * n))  # stands for a generation's output
    store = _Store(split.train, first, output)
    store.add(split.train.take(np.arange(2 * n, 3 * n - 20)))
    rng = np.random.default_rng(1)
    for policy in ("replace", "keep-10", "fresh-50", "accumulate-subsample"):
        assert len(store.training_set(policy, size=n - 20, rng=rng)) == n - 20
    assert len(store.training_set("accumulate", size=n, rng=rng)) == 3 * n - 20  # gen 0's data and both outputs
    keep = store.training_set("keep-10", size=80, rng=rng)
    human = {tuple(split.train.doc(i)) for i in first}
    assert sum(tuple(keep.doc(i)) in human for i in range(len(keep))) >= 8  # 10% original documents


@pytest.mark.parametrize(("options", "needle"), [
    ({"samples": 10_000}, "samples must be at most the training split's"),
    ({"policies": ("replace", "forget")}, "'forget'"),
    ({"corpus": "/nonexistent/corpus.jsonl"}, "corpus /nonexistent/corpus.jsonl"),
    ({"sampling": "greedy"}, "sampling must be one or more of seen, smoothed"),
    ({"order": 9}, "order must be in [1, 6], got 9"),
])
def test_bad_options_are_refused_with_one_line(options, needle):
    with pytest.raises(ReplicationError, match=None) as err:
        run_experiment("text_lm", **{**SMALL, **options})
    assert needle in str(err.value) and "\n" not in str(err.value)


def test_command_writes_the_table_and_figure(tmp_path):
    out = tmp_path / "lm"
    result = CliRunner().invoke(app, ["replicate", "text_lm", "--generations", "1", "--seeds", "1", "--policy",
                                      "replace", "-o", f"corpus={CORPUS}", "-o", "samples=100", "--out", str(out)])
    assert result.exit_code == 0, result.output
    table = pl.read_parquet(out / "table.parquet")
    assert set(table["arm"]) == {"replace", "human-text"} and (out / "figure.png").is_file()
