"""One seed per run, split into streams that do not depend on each other or on construction order."""

from __future__ import annotations

import numpy as np

from ecosystem.randomness import RandomStreams

NAMED = ["reality", "humans", "farms", "web", "scoring", "market"]


def draw(generator: np.random.Generator) -> np.ndarray:
    return generator.random(5)


def test_same_seed_same_numbers():
    a, b = RandomStreams(11), RandomStreams(11)
    for name in NAMED:
        np.testing.assert_array_equal(draw(getattr(a, name)), draw(getattr(b, name)))
    np.testing.assert_array_equal(draw(a.vendor(2)), draw(b.vendor(2)))
    np.testing.assert_array_equal(draw(a.crawler(0)), draw(b.crawler(0)))
    assert a.mesa_seed() == b.mesa_seed()


def test_different_seeds_differ():
    a, b = RandomStreams(11), RandomStreams(12)
    for name in NAMED:
        assert not np.array_equal(draw(getattr(a, name)), draw(getattr(b, name)))
    assert a.mesa_seed() != b.mesa_seed()


def test_streams_are_distinct_from_each_other():
    streams = RandomStreams(3)
    firsts = [draw(getattr(streams, name))[0] for name in NAMED]
    firsts += [draw(streams.vendor(i))[0] for i in range(3)] + [draw(streams.crawler(i))[0] for i in range(3)]
    assert len(set(firsts)) == len(firsts)


def test_streams_do_not_depend_on_construction_order_or_use_of_others():
    plain = RandomStreams(5)
    expected = draw(plain.vendor(1)), draw(plain.crawler(1)), draw(plain.web)

    busy = RandomStreams(5)
    for i in (3, 0, 2):  # other vendors and crawlers built first, and used
        busy.vendor(i).random(100)
        busy.crawler(i).random(100)
    busy.humans.random(1000)
    busy.reality.normal(size=50)
    np.testing.assert_array_equal(draw(busy.vendor(1)), expected[0])
    np.testing.assert_array_equal(draw(busy.crawler(1)), expected[1])
    np.testing.assert_array_equal(draw(busy.web), expected[2])


def test_a_component_keeps_its_stream_across_calls():
    streams = RandomStreams(9)
    first = draw(streams.vendor(0))
    second = draw(streams.vendor(0))  # continues the same stream, not a restart
    assert streams.vendor(0) is streams.vendor(0)
    assert not np.array_equal(first, second)
    np.testing.assert_array_equal(np.concatenate([first, second]), RandomStreams(9).vendor(0).random(10))


def test_choose_draws_exactly_what_generator_choice_draws():
    """The fast categorical draw (writers' choice of vendor) must equal NumPy's own, draw for draw and in what
    it consumes from the stream (a NumPy release that changed ``choice`` would change every run otherwise)."""
    from ecosystem.randomness import choose

    for case in range(100):
        shape = np.random.default_rng(case)
        p = shape.dirichlet(np.full(int(shape.integers(1, 60)), 0.3))
        n = int(shape.integers(1, 50))
        ours, numpys = np.random.default_rng(case + 1000), np.random.default_rng(case + 1000)
        assert np.array_equal(choose(ours, p, n), numpys.choice(len(p), size=n, p=p)), case
        assert ours.random() == numpys.random(), case


def test_choose_per_row_draws_from_each_rows_own_distribution():
    """All writers' topics in one search: each entry follows its own row's distribution, never a topic the
    row gives no weight, and a single row draws exactly what ``choose`` draws."""
    from ecosystem.randomness import choose, choose_per_row

    p = np.array([[0.7, 0.3, 0.0, 0.0], [0.0, 0.0, 0.0, 1.0], [0.25, 0.25, 0.25, 0.25], [0.0, 0.5, 0.5, 0.0]])
    rows = np.repeat(np.arange(4), 40_000)
    drawn = choose_per_row(np.random.default_rng(1), p, rows)
    for r in range(4):
        share = np.bincount(drawn[rows == r], minlength=4) / 40_000
        np.testing.assert_allclose(share, p[r], atol=0.01)  # 4 standard errors at most ~0.009
        assert (share[p[r] == 0] == 0).all()
    single = np.random.default_rng(5).dirichlet(np.ones(30))
    np.testing.assert_array_equal(choose_per_row(np.random.default_rng(2), single[None], np.zeros(500, dtype=np.int64)),
                                  choose(np.random.default_rng(2), single, 500))
