"""The vendors' generative model: a real refit, scored and sampled at the release temperature."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.mixture import GaussianMixture

from ecosystem.learning.generative import GaussianMixtureModel
from ecosystem.learning.mixture import Mixture

TRUE_MEANS = np.array([[-8.0, 0.0], [8.0, 0.0], [0.0, 10.0]])
TRUE_WEIGHTS = np.array([0.5, 0.3, 0.2])


@pytest.fixture(scope="module")
def separated() -> np.ndarray:
    truth = Mixture(TRUE_WEIGHTS, TRUE_MEANS, np.stack([np.eye(2) * 0.5] * 3))
    X, _ = truth.sample(3000, np.random.default_rng(0))
    return X


def test_fit_recovers_a_well_separated_mixture(separated):
    model = GaussianMixtureModel(n_components=3, temperature=1.0).fit(separated, rng=np.random.default_rng(1))
    order = [int(np.argmin(np.linalg.norm(model.fitted_.means - m, axis=1))) for m in TRUE_MEANS]
    assert sorted(order) == [0, 1, 2]
    np.testing.assert_allclose(model.fitted_.means[order], TRUE_MEANS, atol=0.15)
    np.testing.assert_allclose(model.fitted_.weights[order], TRUE_WEIGHTS, atol=0.03)
    np.testing.assert_allclose(model.fitted_.covariances[order], np.stack([np.eye(2) * 0.5] * 3), atol=0.1)
    assert model.converged_ and model.n_train_ == len(separated)


def test_fit_is_reproducible_with_the_same_generator(separated):
    a = GaussianMixtureModel(n_components=4).fit(separated, rng=np.random.default_rng(5))
    b = GaussianMixtureModel(n_components=4).fit(separated, rng=np.random.default_rng(5))
    np.testing.assert_array_equal(a.fitted_.means, b.fitted_.means)
    np.testing.assert_array_equal(
        a.sample(10, rng=np.random.default_rng(0))[0], b.sample(10, rng=np.random.default_rng(0))[0]
    )


@pytest.mark.parametrize("covariance_type", ["full", "diag", "spherical", "tied"])
def test_fitted_density_equals_scikit_learn_for_every_covariance_type(separated, covariance_type):
    seed = int(np.random.default_rng(3).integers(2**31 - 1))  # what fit draws from its generator
    model = GaussianMixtureModel(n_components=3, covariance_type=covariance_type, temperature=1.0)
    model.fit(separated, rng=np.random.default_rng(3))
    reference = GaussianMixture(n_components=3, covariance_type=covariance_type, random_state=seed).fit(
        separated
    )
    X = np.random.default_rng(9).normal(scale=8.0, size=(200, 2))
    np.testing.assert_allclose(model.score_samples(X), reference.score_samples(X), rtol=1e-8)


def test_released_distribution_is_the_tempered_fit(separated):
    model = GaussianMixtureModel(n_components=3, temperature=0.7).fit(separated, rng=np.random.default_rng(1))
    released = model.fitted_.tempered(0.7)
    np.testing.assert_allclose(model.distribution_.weights, released.weights)
    np.testing.assert_allclose(model.distribution_.covariances, released.covariances)
    X = separated[:50]
    np.testing.assert_allclose(model.score_samples(X), released.score_samples(X))
    samples, labels = model.sample(5000, rng=np.random.default_rng(2))
    assert samples.shape == (5000, 2) and labels.shape == (5000,)
    # the cold model over-represents its largest component
    assert np.mean(labels == model.distribution_.weights.argmax()) > model.fitted_.weights.max() + 0.05


@pytest.mark.parametrize("tempering", ["weights", "exact"])
def test_the_tempering_option_reaches_the_released_model(separated, tempering):
    model = GaussianMixtureModel(n_components=3, temperature=0.7, tempering=tempering)
    model.fit(separated, rng=np.random.default_rng(1))
    np.testing.assert_array_equal(model.distribution_.weights, model.fitted_.tempered(0.7, tempering).weights)
    assert GaussianMixtureModel().tempering == "weights"


def test_components_are_capped_by_the_data():
    X = np.random.default_rng(0).normal(size=(9, 2))
    model = GaussianMixtureModel(n_components=20).fit(X, rng=np.random.default_rng(0))
    assert model.fitted_.n_components == 4  # at least two rows per component


@pytest.mark.parametrize("X", [np.zeros((1, 2)), np.zeros(5), np.zeros((2, 2, 2))])
def test_fit_rejects_too_little_or_misshapen_data(X):
    with pytest.raises(ValueError, match="at least 2 rows"):
        GaussianMixtureModel(n_components=2).fit(X, rng=np.random.default_rng(0))


def test_one_component_is_the_closed_form_mle():
    X = np.random.default_rng(1).normal(loc=[1.0, -2.0, 0.5], scale=[1.0, 2.0, 0.5], size=(400, 3))
    model = GaussianMixtureModel(n_components=1, temperature=1.0).fit(X, rng=np.random.default_rng(0))
    np.testing.assert_allclose(model.fitted_.means[0], X.mean(axis=0))
    np.testing.assert_allclose(model.fitted_.covariances[0], np.cov(X.T, bias=True) + 1e-6 * np.eye(3))
    np.testing.assert_allclose(model.fitted_.weights, [1.0])


@pytest.mark.parametrize("n", [5, 40, 1000])
def test_unbiased_variance_is_the_mle_times_n_over_n_minus_one(n):
    X = np.random.default_rng(n).normal(size=(n, 2))
    mle = GaussianMixtureModel(n_components=1, temperature=1.0).fit(X, rng=np.random.default_rng(0))
    unbiased = GaussianMixtureModel(n_components=1, temperature=1.0, variance_estimator="unbiased")
    unbiased.fit(X, rng=np.random.default_rng(0))
    np.testing.assert_allclose(unbiased.fitted_.covariances, mle.fitted_.covariances * n / (n - 1))
    np.testing.assert_allclose(unbiased.fitted_.means, mle.fitted_.means)


@pytest.mark.parametrize(
    ("covariance_type", "check"),
    [
        ("diag", lambda c: np.allclose(c, np.diag(np.diag(c)))),
        ("spherical", lambda c: np.allclose(c, c[0, 0] * np.eye(len(c)))),
    ],
)
def test_one_component_respects_the_covariance_family(covariance_type, check):
    X = np.random.default_rng(2).multivariate_normal([0, 0, 0], [[2, 1, 0], [1, 2, 0], [0, 0, 1]], size=500)
    model = GaussianMixtureModel(n_components=1, covariance_type=covariance_type).fit(
        X, rng=np.random.default_rng(0)
    )
    cov = model.fitted_.covariances[0]
    assert check(cov)
    np.testing.assert_allclose(np.trace(cov), np.trace(np.cov(X.T, bias=True)), rtol=1e-4)


@pytest.fixture(scope="module")
def two_topic_model() -> GaussianMixtureModel:
    """A model that knows two topics, at (-6, 0) and (6, 0), and nothing at (0, 8)."""
    truth = Mixture(
        np.array([0.5, 0.5]), np.array([[-6.0, 0.0], [6.0, 0.0]]), np.stack([np.eye(2) * 0.2] * 2)
    )
    X, _ = truth.sample(2000, np.random.default_rng(0))
    return GaussianMixtureModel(n_components=2, temperature=1.0).fit(X, rng=np.random.default_rng(0))


def distance_to_model(model: GaussianMixtureModel, points: np.ndarray) -> np.ndarray:
    return np.linalg.norm(points[:, None, :] - model.fitted_.means[None], axis=2).min(axis=1)


def test_render_pulls_drafts_toward_the_model_components(two_topic_model):
    rng = np.random.default_rng(1)
    drafts = np.array([2.0, 8.0]) + rng.normal(scale=0.5, size=(500, 2))  # a topic the model lost
    rendered = two_topic_model.render(drafts, keep=0.3, rng=np.random.default_rng(2))
    assert rendered.shape == drafts.shape
    assert (
        distance_to_model(two_topic_model, rendered).mean()
        < 0.5 * distance_to_model(two_topic_model, drafts).mean()
    )
    # drafts nearer the right-hand component are mostly rewritten from it
    assert np.mean(rendered[:, 0] > 0) > 0.7


def test_render_keep_one_returns_the_drafts_and_keep_zero_the_model(two_topic_model):
    drafts = np.random.default_rng(3).normal(scale=3.0, size=(300, 2))
    np.testing.assert_allclose(two_topic_model.render(drafts, keep=1.0, rng=np.random.default_rng(0)), drafts)
    rendered = two_topic_model.render(drafts, keep=0.0, rng=np.random.default_rng(0))
    assert np.all(distance_to_model(two_topic_model, rendered) < 2.5)  # all within ~5 sd of a component


@pytest.mark.parametrize("keep", [0.3, 0.7])
def test_a_perfect_assistant_leaves_each_topic_distributed_as_itself(keep):
    """Drafts of known topics rendered by a model equal to reality keep the topic's mean and covariance. The
    old rendition (independent draft and rewrite mixed linearly) kept keep^2 + (1-keep)^2 of the variance."""
    truth = Mixture(np.array([0.6, 0.4]), np.array([[-8.0, 0.0], [8.0, 0.0]]),
                    np.stack([np.diag([0.5, 2.0]), np.array([[1.0, 0.6], [0.6, 1.5]])]))
    model = GaussianMixtureModel(n_components=2, temperature=1.0)
    model.fitted_ = model.distribution_ = truth  # the fitted state of a perfect model
    drafts, topics = truth.sample(40_000, np.random.default_rng(5))
    rendered = model.render(drafts, keep=keep, rng=np.random.default_rng(6))
    for k in range(2):
        mine = rendered[topics == k]
        np.testing.assert_allclose(mine.mean(axis=0), truth.means[k], atol=0.05)
        # sd of a variance estimate from ~20k points is ~1%: 5% tolerance, and 1 - 0.58 is far outside it
        np.testing.assert_allclose(np.cov(mine.T), truth.covariances[k], rtol=0.05, atol=0.05)


def test_render_takes_one_keep_per_draft(two_topic_model):
    drafts = np.random.default_rng(4).normal(size=(4, 2))
    keep = np.array([1.0, 1.0, 0.0, 1.0])
    rendered = two_topic_model.render(drafts, keep=keep, rng=np.random.default_rng(0))
    np.testing.assert_allclose(rendered[keep == 1.0], drafts[keep == 1.0])
    assert not np.allclose(rendered[2], drafts[2])


def test_render_is_reproducible(two_topic_model):
    drafts = np.random.default_rng(4).normal(size=(50, 2))
    a = two_topic_model.render(drafts, keep=0.5, rng=np.random.default_rng(7))
    b = two_topic_model.render(drafts, keep=0.5, rng=np.random.default_rng(7))
    np.testing.assert_array_equal(a, b)


def test_render_gives_the_same_drafts_whatever_the_batch(two_topic_model, monkeypatch):
    """A month's drafts are rendered in blocks of rows; the blocks must not change a single draft."""
    import ecosystem.learning.mixture as mixture_module

    drafts = np.random.default_rng(8).normal(scale=0.3, size=(500, 2))  # between the topics: either may rewrite
    keep = np.random.default_rng(9).random(500)
    whole = two_topic_model.render(drafts, keep=keep, rng=np.random.default_rng(10))
    monkeypatch.setattr(mixture_module, "ROWS_PER_BLOCK", 32)
    np.testing.assert_array_equal(two_topic_model.render(drafts, keep=keep, rng=np.random.default_rng(10)), whole)
