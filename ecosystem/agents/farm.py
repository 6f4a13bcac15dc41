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
        """Revenue from the traffic its sites' rank attracts, against generation and running costs."""
        economics = self.model.farm_economics
        self.profit = economics.revenue(self.model.web.rank[self.sites].sum()) - economics.cost(self.model.month)
        self.losing_months = self.losing_months + 1 if self.profit < 0 else 0
        if self.losing_months >= self.model.scenario.farms.patience:
            self.remove()


class FarmEconomics:
    """Money for farms: a visit is worth ``revenue_per_visit``; generation gets cheaper every year."""

    def __init__(self, model: EcosystemModel) -> None:
        self.model = model
        self.config = model.scenario.farms
        self.start_step = model.scenario.month_index(self.config.start)

    def revenue(self, rank_mass: float) -> float:
        return self.config.visits_per_month * rank_mass * self.config.revenue_per_visit

    def price_per_mtoken(self, month: int) -> float:
        years = max(0, month - self.start_step) / 12.0
        return self.config.price_per_mtoken / self.config.price_decline_per_year**years

    def cost(self, month: int) -> float:
        tokens = self.config.docs_per_month * self.config.tokens_per_doc
        return tokens / 1e6 * self.price_per_mtoken(month) + self.config.fixed_cost

    def expected_profit_of_entrant(self, entered_this_month: int) -> float:
        """A candidate expects what the average farm site earns now, diluted by this month's entrants."""
        web = self.model.web
        farm_sites = web.kind == SiteKind.FARM
        typical_rank = web.rank[farm_sites].mean() if farm_sites.any() else 1.0 / max(web.n_sites, 1)
        n_new = entered_this_month * self.config.sites_per_farm
        typical_rank *= web.n_sites / (web.n_sites + n_new + self.config.sites_per_farm)
        return self.revenue(self.config.sites_per_farm * typical_rank) - self.cost(self.model.month)


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
