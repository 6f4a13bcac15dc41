"""Content farms: generate pages through a vendor's model while the ad money covers the cost."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from ecosystem.content.documents import Origin
from ecosystem.learning.edits import draw_edits
from ecosystem.web.graph import SiteKind

if TYPE_CHECKING:
    from ecosystem.agents.detector import DetectorProvider
    from ecosystem.agents.vendor import ModelVendor
    from ecosystem.model import EcosystemModel


class ContentFarm(mesa.Agent):
    """Publishes ``docs_per_month`` generated pages to its own sites; leaves after ``patience``
    months of losses (its pages stay on the web).

    A farm runs its vendor's open weights (unmarked unless a mandate covers them) when the vendor has
    released them and the farm prefers them; otherwise it calls the API. Once evasion starts it
    edits a share of its pages (paraphrase, translation, synonym swaps) and reject-samples against a
    public detector (see ``evasive_output``)."""

    model: EcosystemModel

    def __init__(self, model: EcosystemModel, *, vendor: ModelVendor, fixed_cost: float) -> None:
        super().__init__(model)
        config = model.scenario.farms
        self.vendor = vendor
        self.fixed_cost = fixed_cost  # its own monthly running cost (FarmEconomics.draw_fixed_cost)
        centroid = vendor.estimator.distribution_.means.mean(axis=0)
        self.sites = np.array([model.web.add_site(SiteKind.FARM, centroid) for _ in range(config.sites_per_farm)])
        self._spam_links()
        self.losing_months = 0
        self.profit = 0.0
        self.prefers_open_weights = bool(model.rngs.policies.random() < config.open_weight_use)
        self.quality = 1.0  # share of its pages' search weight left after paraphrasing

    @property
    def uses_open_weights(self) -> bool:
        return self.prefers_open_weights and self.vendor.open_weights_released

    def _spam_links(self) -> None:
        """Link spam: other farm sites (a link network) point at this farm's sites."""
        web, rng = self.model.web, self.model.rngs.farms
        farm_sites = np.flatnonzero(web.kind == SiteKind.FARM)
        sources = rng.choice(farm_sites, size=self.model.scenario.farms.spam_links)
        targets = rng.choice(self.sites, size=len(sources))
        web.add_links(sources, targets)

    def publish(self) -> None:
        model, rng = self.model, self.model.rngs.farms
        config = model.scenario.farms
        n = config.docs_per_month
        keys, survival = model.policies.mark(self.vendor, n, open_weights=self.uses_open_weights)
        if model.farm_economics.evading():
            vectors, edits = evasive_output(model, [self.vendor], n, detector=model.public_detector(),
                                            rng=model.rngs.evasion, with_edits=True)
            survival = survival * edits.mark_kept
            self.quality = 1.0 - config.evasion.paraphrase_quality_cost * float(edits.rewritten.mean())
        else:
            vectors, _ = self.vendor.estimator.sample(n, rng=rng)
        if model.text_pages is not None:  # the pages' text; a language model's text places them
            vectors = model.text_pages.generated(self.vendor, vectors, month=model.month, keys=keys)
        model.store.append(
            vectors,
            origin=Origin.FARM,
            month=model.month,
            site=rng.choice(self.sites, size=n),
            tokens=np.full(n, config.tokens_per_doc),
            vendor=self.vendor.index,
            lineage=self.vendor.lineage,
            wm_key=keys,
            wm_survival=survival,
        )

    def settle_accounts(self) -> None:
        """Revenue from its share of this month's search traffic, against generation and running costs."""
        economics = self.model.farm_economics
        weight = self.model.web.search_weight()[self.sites].mean()
        own_weight = weight * self.quality * self.model.scenario.farms.docs_per_month
        self.profit = economics.revenue(own_weight) - economics.cost(self.model.month, self.fixed_cost)
        self.losing_months = self.losing_months + 1 if self.profit < 0 else 0
        if self.losing_months >= self.model.scenario.farms.patience:
            self.remove()


class FarmEconomics:
    """Money for farms. Search sends the month's visits to the month's new pages in proportion to
    their site's rank; a visit is worth ``revenue_per_visit``; generation gets cheaper every year.
    More farm pages split the same traffic, so entry stops by itself once the margin is gone.
    """

    def __init__(self, model: EcosystemModel) -> None:
        self.model = model
        self.config = model.scenario.farms
        self.start_step = model.scenario.month_index(self.config.start)
        self.market_weight = 1.0  # rank-weighted count of this month's new pages

    def observe_month(self) -> None:
        """Measure how much rank-weighted new content competes for this month's traffic."""
        model = self.model
        sites = model.store.column("site")[model.store.month_rows(model.month, model.month)]
        self.market_weight = max(float(model.web.search_weight()[sites].sum()), 1e-12)

    def evading(self) -> bool:
        evasion = self.config.evasion
        start = self.start_step if evasion.start is None else self.model.scenario.month_index(evasion.start)
        edits = evasion.paraphrase_share + evasion.translate_share + evasion.synonym_share
        return self.model.month >= start and (edits > 0 or evasion.rejection_k > 1)

    def candidates(self) -> int:
        """Generations paid per published page: k when reject-sampling against a public detector."""
        detector = self.model.public_detector()
        return self.config.evasion.rejection_k if self.evading() and detector is not None else 1

    def visits(self, month: int) -> float:
        return self.config.visits_per_month * (1.0 + self.config.visits_growth_per_year) ** (month / 12.0)

    def revenue(self, page_weight: float) -> float:
        share = page_weight / self.market_weight
        return self.visits(self.model.month) * share * self.config.revenue_per_visit

    def price_per_mtoken(self, month: int) -> float:
        years = max(0, month - self.start_step) / 12.0
        return self.config.price_per_mtoken / self.config.price_decline_per_year**years

    def cost(self, month: int, fixed_cost: float) -> float:
        tokens = self.config.docs_per_month * self.config.tokens_per_doc * self.candidates()
        return tokens / 1e6 * self.price_per_mtoken(month) + fixed_cost

    def draw_fixed_cost(self, rng: np.random.Generator) -> float:
        """A candidate's own running cost: lognormal with mean ``fixed_cost``. Candidates differ (hosting, staff,
        skill), so a small change in revenue or price moves the number of entrants a little, not from all
        to none."""
        sigma = self.config.cost_spread
        return self.config.fixed_cost * float(np.exp(sigma * rng.standard_normal() - sigma**2 / 2))

    def typical_rank(self) -> float:
        """The search weight an entrant's site can expect. Farms already running show what a farm site earns;
        the first entrant can only expect an average site (the mean: a median over a skewed rank distribution
        would deter every entrant)."""
        web = self.model.web
        farm_sites = web.kind == SiteKind.FARM
        weight = web.search_weight()
        return np.median(weight[farm_sites]) if farm_sites.any() else weight.mean()

    def expected_profit_of_entrant(self, entered_this_month: int, fixed_cost: float, typical_rank: float) -> float:
        """An entrant with running cost ``fixed_cost`` expects ``typical_rank`` for its sites, competing with
        last month's new pages plus the pages of this month's earlier entrants."""
        own = typical_rank * self.config.docs_per_month
        competing = self.market_weight + own * (entered_this_month + 1)
        revenue = self.visits(self.model.month) * own / competing * self.config.revenue_per_visit
        return revenue - self.cost(self.model.month, fixed_cost)


def enter_farms(model: EcosystemModel) -> None:
    """Candidates arrive (Poisson), each with its own running cost, and each enters if it expects a profit."""
    config, economics = model.scenario.farms, model.farm_economics
    if model.month < economics.start_step or not model.released_vendors():
        return
    rng = model.rngs.farms
    entered = 0
    typical_rank = economics.typical_rank()  # a pass over every site: again only when an entrant adds its own
    for _ in range(rng.poisson(config.candidates_per_month)):
        fixed_cost = economics.draw_fixed_cost(rng)
        if economics.expected_profit_of_entrant(entered, fixed_cost, typical_rank) > 0:
            ContentFarm(model, vendor=model.choose_vendor(rng), fixed_cost=fixed_cost)
            entered += 1
            typical_rank = economics.typical_rank()


def evasive_output(
    model: EcosystemModel,
    vendors: list[ModelVendor],
    n: int,
    *,
    detector: DetectorProvider | None,
    rng: np.random.Generator,
    with_edits: bool = False,
):
    """n pages made the farms' evasive way from the given vendors' models: k candidates each, the
    least suspicious to ``detector`` published (when it is trained and k > 1), then one edit per page
    by the calibrated edit model (``ecosystem.learning.edits``: paraphrase, translation or synonym
    swaps; the vector moves by noise proportional to the share of tokens rewritten). Returns the
    vectors, and with ``with_edits`` the ``Edits`` (what each page's edit rewrote and left of a mark)."""
    evasion = model.scenario.farms.evasion
    k = evasion.rejection_k if detector is not None and detector.detector is not None else 1
    which = rng.integers(len(vendors), size=n * k)
    vectors = np.empty((n * k, model.scenario.reality.dim))
    for i, vendor in enumerate(vendors):
        rows = which == i
        vectors[rows], _ = vendor.estimator.sample(int(rows.sum()), rng=rng)
    if k > 1:
        scores = detector.score_vectors(vectors).reshape(n, k)
        vectors = vectors.reshape(n, k, -1)[np.arange(n), scores.argmin(axis=1)]
    edits = draw_edits(evasion, n, rng=rng)
    edited = edits.rewritten > 0
    noise = evasion.paraphrase_noise * edits.rewritten[edited, None]
    vectors[edited] += noise * rng.standard_normal((int(edited.sum()), vectors.shape[1]))
    return (vectors, edits) if with_edits else vectors
