"""Content farms: generate pages through a vendor's model while the ad money covers the cost."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from ecosystem.content.documents import Origin
from ecosystem.web.graph import SiteKind

if TYPE_CHECKING:
    from ecosystem.agents.vendor import ModelVendor
    from ecosystem.model import EcosystemModel


class ContentFarm(mesa.Agent):
    """Publishes ``docs_per_month`` generated pages to its own sites; leaves after ``patience``
    months of losses (its pages stay on the web)."""

    model: EcosystemModel

    def __init__(self, model: EcosystemModel, *, vendor: ModelVendor) -> None:
        super().__init__(model)
        config = model.scenario.farms
        self.vendor = vendor
        centroid = vendor.estimator.distribution_.means.mean(axis=0)
        self.sites = np.array([model.web.add_site(SiteKind.FARM, centroid) for _ in range(config.sites_per_farm)])
        self._spam_links()
        self.losing_months = 0
        self.profit = 0.0

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
        vectors, _ = self.vendor.estimator.sample(config.docs_per_month, rng=rng)
        model.store.append(
            vectors,
            origin=Origin.FARM,
            month=model.month,
            site=rng.choice(self.sites, size=config.docs_per_month),
            tokens=np.full(config.docs_per_month, config.tokens_per_doc),
            vendor=self.vendor.index,
            lineage=self.vendor.lineage,
        )

    def settle_accounts(self) -> None:
        """Revenue from its share of this month's search traffic, against generation and running costs."""
        economics = self.model.farm_economics
        own_weight = self.model.web.rank[self.sites].mean() * self.model.scenario.farms.docs_per_month
        self.profit = economics.revenue(own_weight) - economics.cost(self.model.month)
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
        self.market_weight = max(float(model.web.rank[sites].sum()), 1e-12)

    def visits(self, month: int) -> float:
        return self.config.visits_per_month * (1.0 + self.config.visits_growth_per_year) ** (month / 12.0)

    def revenue(self, page_weight: float) -> float:
        share = page_weight / self.market_weight
        return self.visits(self.model.month) * share * self.config.revenue_per_visit

    def price_per_mtoken(self, month: int) -> float:
        years = max(0, month - self.start_step) / 12.0
        return self.config.price_per_mtoken / self.config.price_decline_per_year**years

    def cost(self, month: int) -> float:
        tokens = self.config.docs_per_month * self.config.tokens_per_doc
        return tokens / 1e6 * self.price_per_mtoken(month) + self.config.fixed_cost

    def expected_profit_of_entrant(self, entered_this_month: int) -> float:
        """An entrant expects a typical farm site's rank, competing with last month's new pages plus
        the pages of this month's earlier entrants."""
        web = self.model.web
        farm_sites = web.kind == SiteKind.FARM
        typical_rank = np.median(web.rank[farm_sites] if farm_sites.any() else web.rank)
        own = typical_rank * self.config.docs_per_month
        competing = self.market_weight + own * (entered_this_month + 1)
        revenue = self.visits(self.model.month) * own / competing * self.config.revenue_per_visit
        return revenue - self.cost(self.model.month)


def enter_farms(model: EcosystemModel) -> None:
    """Candidates arrive (Poisson) and enter while they expect a profit."""
    config = model.scenario.farms
    if model.month < model.farm_economics.start_step or not model.released_vendors():
        return
    rng = model.rngs.farms
    entered = 0
    for _ in range(rng.poisson(config.candidates_per_month)):
        if model.farm_economics.expected_profit_of_entrant(entered) <= 0:
            break
        ContentFarm(model, vendor=model.choose_vendor(rng))
        entered += 1
