"""The Mesa model: wiring, and one month of simulated time in the order of docs/design.md (its steps 0-12)."""

from __future__ import annotations

import mesa
import numpy as np

from ecosystem.agents import ContentFarm, Crawler, DetectorProvider, HumanWriter, ModelVendor
from ecosystem.agents.farm import FarmEconomics, enter_farms
from ecosystem.agents.public_crawler import PublicCrawler
from ecosystem.agents.writer import WriterTable
from ecosystem.config import Scenario
from ecosystem.content.documents import DocumentStore
from ecosystem.content.drafts import DraftBuffer, keep_by_kind, tokens_by_kind
from ecosystem.content.reality import build_reality
from ecosystem.content.scratch import ScratchFolder
from ecosystem.content.site_pages import SitePages
from ecosystem.content.text_pages import TextPages
from ecosystem.learning.scoring import ModelScores, RealityScorer, ScoringSettings
from ecosystem.metrics import MetricsRecorder, collect_metrics
from ecosystem.observations import CrawlTokens
from ecosystem.policies import PolicyBook
from ecosystem.randomness import RandomStreams
from ecosystem.web.graph import SiteKind, WebGraph
from ecosystem.web.sampling import weighted_pages


class EcosystemModel(mesa.Model):
    def __init__(self, scenario: Scenario, *, seed: int | None = None) -> None:
        self.scenario = scenario
        self.seed_used = scenario.seed if seed is None else seed
        self.rngs = RandomStreams(self.seed_used)
        super().__init__(seed=self.rngs.mesa_seed())
        self.month = 0
        # pages carry text only when some vendor is a language model; their text world is then reality's too
        self.text_pages = TextPages.build(scenario, self.rngs) if scenario.language_models else None
        drift = scenario.reality.drift
        self.reality = self.text_pages.reality if self.text_pages is not None else build_reality(
            scenario.reality,
            months=scenario.months,
            drift_start_step=scenario.month_index(drift.start or scenario.start),
            streams=self.rngs.reality_block,
            start=scenario.start,
        )
        self.scorer = RealityScorer(self.reality, ScoringSettings(**scenario.metrics.model_dump(exclude={"per_topic"})))
        on_disk = scenario.store is not None and scenario.store.on_disk  # the pages in files
        self.store = DocumentStore(scenario.reality.dim,
                                   scratch=ScratchFolder(scenario.store.folder) if on_disk else None)
        self.site_pages = SitePages(self.store)  # the store's pages by site, for crawls
        self.web = WebGraph(scenario.web, rng=self.rngs.web)
        self.drafts = DraftBuffer()
        self.writers = WriterTable(self.reality.n_original)
        self.page_tokens = tokens_by_kind(self.scenario.humans)
        self.page_keep = keep_by_kind(self.scenario.humans)
        self.farm_economics = FarmEconomics(self)
        self.recorder = MetricsRecorder(scenario)
        self.ai_start_step = scenario.month_index(scenario.ai_start)
        entries = [scenario.month_index(v.entry) for v in scenario.vendors]
        self.archive_step = min([self.ai_start_step, *entries])
        self.archive: np.ndarray | None = None  # the pre-AI crawl, taken at archive_step
        self.policies = PolicyBook(self)
        self.vendors = [ModelVendor(self, config=c, index=i) for i, c in enumerate(scenario.vendors)]
        self.detectors = [DetectorProvider(self, config=c, index=i) for i, c in enumerate(scenario.detectors)]
        self.detectors_by_name = {d.name: d for d in self.detectors}
        public = scenario.public_crawl
        self.public_crawler = None if public is None else PublicCrawler(self, config=public)
        self._add_writers(scenario.humans.writers)
        self.web.refresh_rank()
        self.assistant_adoption = 0.0
        self.displaced_docs = 0  # documents writers left unwritten this month because assistants answer them
        self.qa_displaced = 0  # of which questions a Q&A community's writers left unasked
        self._answers: tuple[int, np.ndarray] | None = None
        # each vendor's scores, kept until it retrains or reality gains a topic: (retrains, topics) -> scores
        self._scores: dict[int, tuple[tuple[int, int], ModelScores]] = {}
        self.crawl_tokens = CrawlTokens()  # WildAI's observation of a Common-Crawl-like crawl, summed per site
        self.active_topics = int(self.reality.active(0).sum())

    # ------------------------------------------------------------------------------------------
    # One month

    def step(self) -> None:
        """One month; each call carries the number of its step in docs/design.md."""
        self._begin_month()  # 0. the month begins
        self.policies.apply(self.month)  # 1. policies scheduled for this month take effect
        self._crawl_archive_if_due()  # 2. the pre-AI archive is crawled, once
        self._run_market()  # 3. users choose vendors, revenue is paid, vendors buy human data
        self._each(ModelVendor, "retrain_if_due")  # 4. vendors retrain and release
        self._write_human_documents()  # 5. human writers publish
        self._run_farms()  # 6. content farms enter, publish, settle accounts
        self._each(ModelVendor, "publish")  # 7. vendors publish their own pages
        self._grow_writers()  # 8. new writers join
        self._update_web()  # 9. links and rank
        self._each(DetectorProvider, "retrain_if_due")  # 10. detector providers retrain
        self._each(Crawler, "crawl")  # 11. crawlers collect
        self._each(PublicCrawler, "crawl")  #     and the shared public crawl, if there is one
        collect_metrics(self)  # 12. data collection

    def _begin_month(self) -> None:
        self.month = self.steps - 1  # Mesa counts steps from 1
        self.active_topics = int(self.reality.active(self.month).sum())
        self.store.begin_month(self.month)

    def _each(self, agent_type: type[mesa.Agent], method: str) -> None:
        """Every agent of a type does ``method``; a scenario may have none (e.g. no vendors)."""
        agents = self.agents_by_type.get(agent_type)
        if agents:
            agents.do(method)

    def _write_human_documents(self) -> None:
        self.assistant_adoption = self.writers.adoption()
        self.displaced_docs = self.qa_displaced = 0
        self.writers.write_month(self)
        self.drafts.publish(
            self.store,
            self.vendors,
            self.reality,
            month=self.month,
            keep=self.page_keep,
            keep_concentration=self.scenario.humans.assistant.human_edit_concentration,
            tokens_mean=self.page_tokens,
            rng=self.rngs.humans,
            retopic=self.drift_topics,
            mark=self.policies.mark,
            text=self.text_pages,
        )

    def _run_farms(self) -> None:
        enter_farms(self)
        farms = self.agents_by_type.get(ContentFarm)
        if farms:
            farms.do("publish")
        self.farm_economics.observe_month()
        if farms:
            farms.do("settle_accounts")

    def _update_web(self) -> None:
        """Search rank refreshed on its schedule (PageRank every ``pagerank_every`` months), then policy
        penalties on sites."""
        if self.month % self.scenario.web.pagerank_every == 0:
            self.web.refresh_rank()
        self.policies.update_search()

    def _run_market(self) -> None:
        """Users move between released vendors (logit on quality and reach, with a switching cost); revenue
        funds crawling and licensing; vendors buy licensed human data."""
        market = self.scenario.market
        vendors = [v for v in self.released_vendors() if market.vendors is None or v.name in market.vendors]
        if market.users > 0 and vendors:
            shares = np.array([v.market_share for v in vendors])
            if shares.sum() <= 0:
                shares = np.full(len(vendors), 1.0 / len(vendors))
            quality = np.array([-self.vendor_scores(v).excess_nll for v in vendors])
            stay = np.eye(len(vendors)) * market.switching_cost  # utility of staying with one's vendor
            reach = np.array([self._reach(v) for v in vendors])
            utility = market.quality_sensitivity * (quality - quality.max())[None, :] + reach[None, :] + stay
            avoided = self.policies.marked_output_penalty(vendors)  # users who avoid marked output, if any do
            if avoided is not None:
                utility = utility - avoided[None, :]
            choice = np.exp(utility - utility.max(axis=1, keepdims=True))
            choice /= choice.sum(axis=1, keepdims=True)  # row: current vendor, column: chosen vendor
            r = market.reconsider_per_month
            shares = (1.0 - r) * shares + r * shares @ choice
            # users of a vendor that just entered start at zero; new entrants win users only by choice
            for vendor, share in zip(vendors, shares / shares.sum(), strict=True):
                vendor.market_share = float(share)
                vendor.revenue = market.users * vendor.market_share * market.revenue_per_user
        for vendor in self.vendors:
            vendor.buy_human_data()

    def _reach(self, vendor: ModelVendor) -> float:
        """Users' utility from a vendor's distribution (bundled with search and phones), built up linearly over
        ``distribution_months`` from its entry."""
        config = vendor.config
        if config.distribution_months == 0:
            return config.distribution
        built = (self.month - vendor.entry_step + 1) / config.distribution_months
        return config.distribution * min(1.0, max(0.0, built))

    def public_detector(self) -> DetectorProvider | None:
        """The first public detector that has been trained (farms reject-sample against it)."""
        for provider in self.detectors:
            if provider.config.public and provider.detector is not None:
                return provider
        return None

    # ------------------------------------------------------------------------------------------
    # Services agents call

    def released_vendors(self) -> list[ModelVendor]:
        return [v for v in self.vendors if v.released]

    def vendor_choice(self) -> tuple[list[ModelVendor], np.ndarray]:
        """Released models and the probability that a newcomer picks each: a logit on quality (lower excess
        NLL is better)."""
        vendors = self.released_vendors()
        if not vendors:
            return vendors, np.empty(0)
        quality = np.array([-self.vendor_scores(v).excess_nll for v in vendors])
        utility = self.scenario.market.quality_sensitivity * (quality - quality.max())
        return vendors, np.exp(utility) / np.exp(utility).sum()

    def choose_vendor(self, rng: np.random.Generator) -> ModelVendor:
        """One logit choice among released models (``vendor_choice``)."""
        vendors, p = self.vendor_choice()
        return vendors[rng.choice(len(vendors), p=p)]

    def vendor_scores(self, vendor: ModelVendor) -> ModelScores:
        """A vendor's current model scored against reality now (cached until it retrains or reality
        gains a topic)."""
        key = (len(vendor.trained_at), self.active_topics)
        cached = self._scores.get(vendor.unique_id)
        if cached is None or cached[0] != key:
            cached = key, self.scorer.score(vendor.estimator.distribution_, step=self.month, rng=self.rngs.scoring,
                                            known_step=vendor.trained_at[-1])
            self._scores[vendor.unique_id] = cached
        return cached[1]

    def assistant_answers(self) -> np.ndarray:
        """How well the best released model answers each topic this month: its Q-mass over P-mass inside
        P's support (the scorer's), capped at 1; 0 for topics that do not exist yet or with no model."""
        if self._answers is None or self._answers[0] != self.month:
            answers = np.zeros(self.reality.n_topics)
            active = self.reality.active(self.month)
            for vendor in self.released_vendors():
                ratio = np.minimum(self.vendor_scores(vendor).topic_mass_ratio, 1.0)
                answers[active] = np.maximum(answers[active], ratio)
            self._answers = (self.month, answers)
        return self._answers[1]

    def drift_topics(self, topics: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Writers' preferences cover the original topics; topics that appeared since take their
        share of P, by switching that share of the month's drafts to them."""
        weights = self.reality.weights(self.month)
        new = np.flatnonzero(weights[self.reality.n_original :] > 0) + self.reality.n_original
        if not len(new):
            return topics
        new_share = weights[new].sum()
        switch = rng.random(len(topics)) < new_share
        topics[switch] = rng.choice(new, size=int(switch.sum()), p=weights[new] / new_share)
        return topics

    def pre_ai_rows(self) -> np.ndarray:
        """The frozen pre-AI archive: the pages a crawl fetched before any model was released (empty until
        then). Vendors' archive policy and detectors' trusted human text draw from it."""
        return self.archive if self.archive is not None else np.empty(0, dtype=np.int64)

    def _crawl_archive_if_due(self) -> None:
        """One rank-weighted crawl of the web as it stands in the month the first model can be released
        (or the AI era starts, if earlier): every page on the web then was written by a person."""
        if self.archive is not None or self.month < self.archive_step:
            return
        self.archive = np.sort(weighted_pages(self.site_pages, 0, self.month, self.scenario.web.archive_pages,
                                              site_weight=self.web.search_weight(), rng=self.rngs.archive))

    # ------------------------------------------------------------------------------------------
    # Writers

    def _add_writers(self, n: int) -> None:
        config, rng = self.scenario.humans, self.rngs.humans
        k = self.reality.n_original
        base = self.reality.base_weights[:k] / self.reality.base_weights[:k].sum()
        alpha = config.topic_concentration * k * base
        preferences = rng.dirichlet(alpha, size=n)
        preferences = np.maximum(preferences, 0.0)
        preferences /= preferences.sum(axis=1, keepdims=True)
        rates = rng.gamma(2.0, config.docs_per_month / 2.0, size=n)
        opt_out_start = self.scenario.month_index(self.scenario.web.opt_out.start)
        opt_out = np.array([self.web.draw_opt_out_month(opt_out_start) for _ in range(n)], dtype=np.int64)
        sites = self.web.add_sites(SiteKind.HUMAN, preferences @ self.reality.means[:k], opt_out_months=opt_out)
        qa_share = 0.0 if config.qa is None else config.qa.share
        other_share = 0.0 if config.other is None else config.other.share
        for row in self.writers.add(sites, preferences, rates, qa_share=qa_share, other_share=other_share):
            self.policies.new_writer(HumanWriter(self, row=int(row)))

    def _grow_writers(self) -> None:
        config = self.scenario.humans
        current = len(self.writers)
        expected = current * ((1.0 + config.growth_per_year) ** (1.0 / 12.0) - 1.0)
        if expected > 0:
            self._add_writers(int(self.rngs.humans.poisson(expected)))
