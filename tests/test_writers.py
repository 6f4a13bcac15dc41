"""Writers decide in arrays: each still writes from its own preferences at its own rate, and adopts an
assistant by the Bass hazard and a logit choice of vendor."""

from __future__ import annotations

import numpy as np

from ecosystem.agents import HumanWriter
from ecosystem.model import EcosystemModel


def drafted(model: EcosystemModel) -> dict[str, np.ndarray]:
    """What the writers handed to the draft buffer this month (and empty it)."""
    parts = model.drafts._parts
    column = {name: np.concatenate([part[name] for part in parts]) for name in parts[0]}
    parts.clear()
    return column


def test_each_writer_writes_its_own_topics_at_its_own_rate(tiny):
    """Over 300 draws of a month before any assistant exists, each writer's documents follow its own
    rate and its own topic preferences (one search serves every writer's draw)."""
    model = EcosystemModel(tiny)
    table, months = model.writers, 300
    site_row = {site: row for row, site in enumerate(table.site)}
    counts = np.zeros((len(table), table.preferences.shape[1]))
    for _ in range(months):
        drafts = drafted_after(model)
        rows = np.array([site_row[s] for s in drafts["sites"]])
        np.add.at(counts, (rows, drafts["topics"]), 1)
    expected = months * table.rate[:, None] * table.preferences
    per_writer = counts.sum(axis=1)
    np.testing.assert_allclose(per_writer, expected.sum(axis=1), rtol=0.25)  # Poisson: 300 * rate >= ~100 docs
    share = counts / per_writer[:, None]
    assert np.abs(share - table.preferences).max() < 0.1
    assert not drafts["assisted"].any()  # no assistant before its start


def drafted_after(model: EcosystemModel) -> dict[str, np.ndarray]:
    model.writers.write_month(model)
    return drafted(model)


def test_non_adopters_adopt_at_the_bass_hazard_and_choose_vendors_by_the_logit(tiny, monkeypatch):
    """20,000 writers, a fifth already using an assistant: the month's new adopters are a share
    p + q * 0.2 of the others, split between two released vendors 1:3 as the logit says."""
    model = EcosystemModel(tiny)
    table = model.writers
    n = 20_000
    prefs = np.full((n, table.preferences.shape[1]), 1.0 / table.preferences.shape[1])
    table.add(np.zeros(n, dtype=np.int64), prefs, np.ones(n))
    table.assistant[:] = -1
    table.assistant[: len(table) // 5] = 0
    before = table.assistant.copy()
    vendors = model.vendors
    monkeypatch.setattr(model, "vendor_choice", lambda: (vendors, np.array([0.25, 0.75])))
    model.month = model.scenario.month_index(model.scenario.humans.assistant.start)
    model.assistant_adoption = table.adoption()
    table._consider_assistants(model, np.random.default_rng(0))
    bass = model.scenario.humans.assistant
    hazard = bass.innovation + bass.imitation * 0.2
    new = (before == -1) & (table.assistant != -1)
    assert abs(new.sum() / (before == -1).sum() - hazard) < 4 * np.sqrt(hazard / (before == -1).sum())
    assert (table.assistant[before != -1] == before[before != -1]).all()  # adopters keep their vendor
    chose_second = (table.assistant[new] == vendors[1].index).mean()
    assert abs(chose_second - 0.75) < 0.05


def test_a_writer_agent_reads_and_writes_its_row(tiny):
    model = EcosystemModel(tiny)
    writer = next(iter(model.agents_by_type[HumanWriter]))
    assert writer.rate == model.writers.rate[writer.row] and writer.assistant is None
    writer.signs_from = 12
    assert model.writers.signs_from[writer.row] == 12
    model.writers.assistant[writer.row] = model.vendors[1].index
    assert writer.assistant is model.vendors[1]
