"""The scenario schema: every field a YAML scenario may set, with its default and its allowed range.

One obvious file for the whole schema; ``validate_scenario`` checks a mapping against it and raises
``ScenarioError`` with one line naming the field path and what was expected. Validation reads no
file: reading YAML, ``extends:`` and ``--set`` are ``ecosystem.scenario_files``, and checking a text
reality's corpus belongs to building that reality.
"""

from __future__ import annotations

import datetime as dt
import math
import types
import typing
from typing import Annotated, Any, ClassVar, Literal, Union

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationError,
    model_validator,
)

from ecosystem.io import clip, shorten
from ecosystem.learning.data_policy import DataPolicy

# Limits of what a run can do on the machine it was built for (2 cores, 24 GiB): a value past them
# would run out of memory or time after minutes of work, so it is refused before anything runs.
MAX_SEED = 2**63 - 1  # seeds are stored as 64-bit integers in the run tables
MAX_MONTHS = 1200  # a hundred years of monthly steps
MAX_SCORING_VALUES = 50_000_000  # numbers in the held-out scoring set (400 MB as float64)
MAX_WRITERS = 1_000_000  # human writers by the end of a run (each is an agent with a site)


class ScenarioError(ValueError):
    """A scenario file that cannot be used; the message is one line meant for the user."""


def shown_value(value: Any) -> str:
    """``shorten(value)`` that never raises: Python refuses to print an integer of more than 4,300 digits,
    and a YAML hexadecimal integer may be that long."""
    try:
        return shorten(value)
    except ValueError:
        return "a value too long to print"


def _parse_month(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.replace(day=1)
    if isinstance(value, str):
        for fmt in ("%Y-%m", "%Y-%m-%d"):
            try:
                return dt.datetime.strptime(value.strip(), fmt).date().replace(day=1)
            except ValueError:
                pass
    raise ValueError(f"expected a month as YYYY-MM (e.g. 2022-11), got {shown_value(value)}")


Month = Annotated[
    dt.date,
    BeforeValidator(_parse_month),
    PlainSerializer(lambda d: d.strftime("%Y-%m"), return_type=str),
]
PositiveInt = Annotated[int, Field(gt=0)]
Share = Annotated[float, Field(ge=0.0, le=1.0)]


class Section(BaseModel):
    """A block of the scenario: unknown keys, infinities, NaN and true/false for numbers are refused."""

    model_config = ConfigDict(extra="forbid", validate_default=True, allow_inf_nan=False)

    @model_validator(mode="before")
    @classmethod
    def _no_booleans_for_numbers(cls, data: Any) -> Any:
        """YAML reads ``true`` as a boolean, which pydantic would quietly take as 1: hand pydantic a
        value it refuses instead, so the error names the field (``humans.writers: ... (got true)``)."""
        if not isinstance(data, dict):
            return data
        flagged = {name: _Boolean(data[name]) for name, field in cls.model_fields.items()
                   if isinstance(data.get(name), bool) and _is_number(field.annotation)}
        return {**data, **flagged} if flagged else data


class _Boolean:
    """A true/false found where a number is expected; no number type accepts it."""

    def __init__(self, value: bool) -> None:
        self.value = value

    def __repr__(self) -> str:
        return str(self.value).lower()


def _is_number(annotation: Any) -> bool:
    if annotation in (int, float):
        return True
    if typing.get_origin(annotation) in (Union, types.UnionType):
        args = typing.get_args(annotation)
        return bool not in args and any(arg in (int, float) for arg in args)
    return False


class DriftConfig(Section):
    """New topics that appear over the years; only humans can write about them at first."""

    new_topics_per_year: Annotated[float, Field(ge=0.0, le=120.0, title="new topics a year")] = 0.0
    start: Month | None = None


class RealityConfig(Section):
    """The true human distribution P: a known mixture of K topics in R^d with a long tail of rare topics.

    ``kind: gaussian`` draws K isotropic topics with Zipf weights; ``kind: text`` fits one Gaussian per
    topic to a real corpus embedded with sentence-transformers and reduced to ``dim`` by PCA, with the
    corpus's own topic counts as weights (``content.text_reality``)."""

    kind: Literal["gaussian", "text"] = "gaussian"
    dim: Annotated[int, Field(ge=1, le=64)] = 8
    topics: Annotated[int, Field(ge=2, le=500)] = 30
    zipf_exponent: Annotated[float, Field(gt=0.0, le=10.0)] = 1.1
    topic_spread: Annotated[float, Field(gt=0.0, le=1e6, title="scale of topic centres")] = 4.0
    topic_width: Annotated[tuple[float, float], Field(title="range of within-topic std")] = (0.5, 1.0)
    tail_fraction: Annotated[float, Field(gt=0.0, lt=1.0, title="share of topics that form the tail")] = 0.3
    test_per_topic: Annotated[int, Field(ge=20, le=10_000)] = 200
    drift: DriftConfig = DriftConfig()
    # kind: text (topics: clusters to find, or the most labels kept; topic_spread: scale of the PCA space)
    corpus: Annotated[str, Field(min_length=1, title="stdlib, a folder of .txt/.md, or a .jsonl/.csv/.parquet")] = (
        "stdlib"
    )
    text_column: Annotated[str, Field(min_length=1)] = "text"
    topic_column: str | None = None  # labels as topics; without, topics are KMeans clusters named by TF-IDF
    date_column: str | None = None  # a month per document: topics appear when their documents do
    model: str | None = None  # a local sentence-transformers folder (default: the bundled all-MiniLM-L6-v2)
    cache: str | None = None  # embedding cache folder (default: $ECOSIM_CACHE/embeddings, ~/.cache/ecosim/...)
    min_docs: Annotated[int, Field(ge=3, le=100_000, title="documents a topic needs to be kept")] = 20
    heldout_share: Annotated[float, Field(gt=0.0, lt=0.9, title="share of each topic held out to test P")] = 0.2
    max_tokens: Annotated[int, Field(ge=8, le=512, title="tokens of each document the model reads")] = 128

    @model_validator(mode="after")
    def _text_reality_drifts_by_dates(self) -> RealityConfig:
        if self.kind == "text" and self.drift.new_topics_per_year > 0:
            raise ValueError("drift.new_topics_per_year: a text reality drifts by its corpus's dates "
                             "(date_column); set it to 0")
        return self


class AssistantConfig(Section):
    """Human writers adopting an AI assistant by Bass diffusion from ``start``."""

    start: Month = dt.date(2022, 11, 1)
    innovation: Share = 0.015  # Bass p, per month
    imitation: Annotated[float, Field(ge=0.0, le=5.0)] = 0.12  # Bass q, per month
    assisted_share: Share = 0.3  # share of an adopter's documents written with the assistant
    # The share of an assisted document the writer keeps varies by document: Beta with this mean and
    # concentration (2 with mean 0.5 is uniform). Pages the writer keeps less than half of count as
    # "AI-written" (Graphite's measure); every assisted page "contains AI" (Ahrefs' measure).
    human_edit: Share = 0.3
    human_edit_concentration: Annotated[float, Field(gt=0.0, le=1e3, title="Beta concentration of human_edit")] = 2.0


class DisplacementConfig(Section):
    """Human output displaced by assistants (del Rio-Chanona et al. 2023: Stack Overflow posts fell after
    ChatGPT): from the assistant's start, a writer leaves a document unwritten with probability
    (``immediate`` + ``with_adoption`` x share of writers using an assistant) x (how well the best released
    model answers the document's topic: its mass there against reality's, capped at 1)."""

    immediate: Share = 0.0  # left to assistants as soon as one is available
    with_adoption: Share = 0.5  # added as use of assistants spreads (at full adoption)


class QAConfig(Section):
    """Writers of Q&A communities (Stack Overflow): their pages are questions and answers, shorter than articles,
    and the questions an assistant can answer go unasked (del Rio-Chanona et al. 2023; Stack Overflow's questions
    a month fell 91% from 2022 to 2025). Graphite samples articles, not these; WildAI's crawl holds both."""

    share: Annotated[Share, Field(gt=0.0, title="share of writers in Q&A communities")] = 0.1
    tokens_mean: Annotated[int, Field(gt=0, le=1_000_000, title="mean length of a Q&A page")] = 300
    displacement: DisplacementConfig = DisplacementConfig()
    # A community lives on its answers: with fewer questions there are fewer answerers and slower answers, so
    # more askers go to an assistant. An asker still asks with probability (1 - displaced) x activity **
    # elasticity, where activity is the community's recent questions against a world without assistants (an
    # average over about ``community_memory`` months). 0 leaves each question to the assistant alone.
    community_elasticity: Annotated[float, Field(ge=0.0, le=0.95, title="network effect of a Q&A community")] = 0.0
    community_memory: Annotated[int, Field(ge=1, le=MAX_MONTHS, title="months a community's activity averages")] = 6


class OtherPagesConfig(Section):
    """Writers of the rest of a crawl: shop, listing, directory and forum pages rather than articles. Graphite's
    article classifier leaves them out; Ahrefs' new pages and a Common-Crawl-like crawl (WildAI's) hold them. Their
    owners take up assistants on their own schedule (Bass diffusion among themselves: product descriptions and
    listings, not authorship)."""

    share: Annotated[Share, Field(gt=0.0, title="share of the writers outside Q&A writing non-article pages")] = 0.5
    tokens_mean: Annotated[int, Field(gt=0, le=1_000_000, title="mean length of a non-article page")] = 500
    start: Month | None = None  # None: humans.assistant.start
    innovation: Share = 0.005  # Bass p among these writers, per month
    imitation: Annotated[float, Field(ge=0.0, le=5.0)] = 0.12  # Bass q, on the share of these writers who adopted
    assisted_share: Share = 0.3  # share of an adopter's pages written with the assistant
    # mean share of an assisted draft the owner keeps (a product description may be all the model's); None: the
    # writers' humans.assistant.human_edit, with its concentration either way
    human_edit: Share | None = None


class HumansConfig(Section):
    writers: Annotated[int, Field(ge=1, le=100_000)] = 300
    growth_per_year: Annotated[float, Field(ge=-0.5, le=5.0)] = 0.07
    docs_per_month: Annotated[float, Field(gt=0.0, le=1000.0, title="mean documents per writer per month")] = 5.0
    topic_concentration: Annotated[float, Field(gt=0.0, le=1e6)] = 0.3
    tokens_mean: Annotated[int, Field(gt=0, le=1_000_000)] = 800
    stop: Month | None = None  # humans stop publishing from this month (closed-loop experiments)
    assistant: AssistantConfig = AssistantConfig()
    displacement: DisplacementConfig | None = None  # None: assistants displace no article writing
    qa: QAConfig | None = None  # None: every writer writes articles
    other: OtherPagesConfig | None = None  # None: no writer writes non-article pages


class EvasionConfig(Section):
    """How farms hide their output: one edit per page (paraphrase, translation or synonym swaps: each
    rewrites a share of tokens, which strips the watermark, moves the text and costs quality; the edit
    model and its calibration are in ecosystem/learning/edits.py) and rejection sampling against a
    public detector (k candidates, publish the least suspicious)."""

    start: Month | None = None  # default: from the farms' start
    paraphrase_share: Share = 0.0  # share of a farm's pages it paraphrases
    # mean share of tokens a paraphrase rewrites (per page: a Beta around it); default fitted to DIPPER
    # and human-paraphrase detection rates (docs/calibration.md, "Watermarks")
    paraphrase_strength: Share = 0.395
    translate_share: Share = 0.0  # share of a farm's pages translated (round trip through another language)
    translate_strength: Share = 0.53  # mean share of tokens a translation rewrites; fitted like paraphrase
    synonym_share: Share = 0.0  # share of a farm's pages with words swapped for synonyms
    synonym_strength: Share = 0.1  # share of words swapped on such a page
    paraphrase_noise: Annotated[float, Field(ge=0.0, title="vector displacement at edit strength 1")] = 0.6
    paraphrase_quality_cost: Share = 0.3  # share of a page's search weight lost at edit strength 1
    rejection_k: Annotated[int, Field(ge=1, le=64, title="candidates per published page")] = 1

    @model_validator(mode="after")
    def _one_edit_per_page(self) -> EvasionConfig:
        if self.paraphrase_share + self.translate_share + self.synonym_share > 1.0:
            swaps = f" + {self.synonym_share} (synonym_share)" if self.synonym_share else ""
            raise ValueError(
                f"paraphrase_share + translate_share must be at most 1 (a page gets one edit), got "
                f"{self.paraphrase_share} + {self.translate_share}{swaps}"
            )
        return self


class FarmsConfig(Section):
    """Content farms enter while expected profit is positive and leave after sustained losses."""

    start: Month = dt.date(2022, 11, 1)
    candidates_per_month: Annotated[float, Field(ge=0.0, le=1000.0)] = 6.0
    docs_per_month: Annotated[int, Field(gt=0, le=100_000)] = 60
    tokens_per_doc: Annotated[int, Field(gt=0, le=1_000_000)] = 800
    visits_per_month: Annotated[float, Field(gt=0.0, le=1e15, title="monthly search visits to new pages")] = 1e7
    visits_growth_per_year: Annotated[float, Field(ge=-0.5, le=5.0)] = 0.07
    revenue_per_visit: Annotated[float, Field(ge=0.0, le=1e6)] = 0.004
    fixed_cost: Annotated[float, Field(ge=0.0, le=1e12, title="monthly cost of running a farm")] = 650.0
    # Each candidate's own monthly cost is fixed_cost times a lognormal of mean 1 and this sigma: entry then
    # varies smoothly with the economics instead of all or nothing (0: identical farms).
    cost_spread: Annotated[float, Field(ge=0.0, le=3.0, title="sigma of farms' log fixed cost")] = 0.5
    price_per_mtoken: Annotated[float, Field(gt=0.0, le=1e9, title="generation price at AI start, $/M tokens")] = 20.0
    price_decline_per_year: Annotated[float, Field(ge=1.0, le=1e3, title="price falls by this factor a year")] = 10.0
    patience: Annotated[int, Field(gt=0, le=MAX_MONTHS)] = 3
    sites_per_farm: Annotated[int, Field(gt=0, le=1000)] = 2
    spam_links: Annotated[int, Field(ge=0, le=1000)] = 6
    open_weight_use: Share = 0.5  # share of entering farms that run open weights when a model has them
    evasion: EvasionConfig = EvasionConfig()


class OptOutConfig(Section):
    """robots.txt opt-outs adopted by human sites along a logistic curve."""

    start: Month = dt.date(2023, 7, 1)
    final_share: Share = 0.0
    months_to_half: Annotated[int, Field(gt=0, le=MAX_MONTHS)] = 12


class CrawlPopulationConfig(Section):
    """Which pages a Common-Crawl-like monthly crawl holds: ``fresh_share`` of them new since the last crawl,
    the rest re-crawled older pages, each chosen by its site's rank. WildAI's observation samples this
    population, and every crawler that does not set its own ``fresh_share`` takes it (docs/calibration.md)."""

    fresh_share: Share = 0.8


class WebConfig(Section):
    links_per_site: Annotated[int, Field(gt=0, le=1000)] = 3
    topic_affinity: Annotated[float, Field(ge=0.0, le=1e3)] = 2.0
    pagerank_every: Annotated[int, Field(gt=0, le=MAX_MONTHS)] = 3
    # The pre-AI archive: one crawl of this many pages, by rank, in the month the first model can be
    # released (or ai_start, if earlier), so it holds human pages only.
    archive_pages: Annotated[int, Field(gt=0, le=10_000_000, title="pages in the pre-AI archive crawl")] = 20_000
    opt_out: OptOutConfig = OptOutConfig()
    crawl: CrawlPopulationConfig = CrawlPopulationConfig()


class QualityFilterConfig(Section):
    """A quality classifier (ecosystem/learning/quality.py) trained each crawl on a reference set of
    "high-quality" pages against the pages just fetched, keeping the top ``keep_share`` it scores. The
    reference holds ``model_share`` samples of the released models' output (DCLM's positives are largely
    model-written instruction data) and the rest pre-AI archive pages."""

    keep_share: Annotated[Share, Field(gt=0.0)] = 0.3
    model_share: Share = 0.5
    reference_pages: Annotated[int, Field(ge=20, le=100_000, title="pages in the reference set")] = 1000


class FilterConfig(Section):
    """What a crawler discards after fetching a page, and which pages it prefers."""

    watermark: bool = True  # discard pages whose mark it can detect (its own key, or a registry's)
    detector: str | None = None  # discard pages this detector flags
    trust_signed: bool = False  # signed pages skip the watermark and detector checks
    signed_weight: Annotated[float, Field(ge=1.0, le=1e6, title="preference for signed pages")] = 1.0
    dedup: bool = False  # discard near-duplicates of pages already in the batch
    dedup_radius: Annotated[float, Field(gt=0.0, le=1e6)] = 0.05
    quality: QualityFilterConfig | None = None  # a quality classifier keeps the top share (None: no filter)


class CrawlerConfig(Section):
    budget_per_month: Annotated[int, Field(gt=0, le=10_000_000)] = 1000
    fresh_share: Share | None = None  # share of the budget spent on pages new since the last crawl (None: web.crawl's)
    lead_months: Annotated[int, Field(ge=0, le=MAX_MONTHS)] = 6  # crawling starts this long before the vendor enters
    respects_opt_out: bool = True
    filters: FilterConfig = FilterConfig()


class VerifierConfig(Section):
    """A verifier choosing the training set among ``pool_factor`` times as many candidates, so every accuracy
    trains on the same number of pages (Feng et al. 2024; ecosystem/learning/verifier.py). ``support``: a
    page is correct inside reality's support; ``quality``: a ranking by p/q is correct pair by pair. A
    verdict is right with probability ``accuracy`` (0.5: a coin, the same as no verifier)."""

    kind: Literal["support", "quality"] = "support"
    accuracy: Annotated[float, Field(ge=0.0, le=1.0, title="probability a verdict is right")] = 1.0
    pool_factor: Annotated[float, Field(ge=1.0, le=100.0, title="candidates per training page")] = 2.5


class PublicCrawlConfig(Section):
    """A shared public crawl (a Common Crawl, ecosystem/agents/public_crawler.py): a snapshot of
    ``budget_per_crawl`` pages every ``every`` months, chosen by rank; the vendors named in ``vendors``
    (None: every vendor) add its snapshots to the pools their data policy draws from."""

    start: Month = dt.date(2018, 1, 1)
    every: Annotated[int, Field(gt=0, le=MAX_MONTHS, title="months between snapshots")] = 2
    budget_per_crawl: Annotated[int, Field(gt=0, le=10_000_000, title="pages per snapshot")] = 5000
    fresh_share: Share | None = None  # share of a snapshot spent on pages new since the last one (None: web.crawl's)
    respects_opt_out: bool = True
    vendors: list[str] | None = None  # vendors that train from it (None: every vendor)


class VendorConfig(Section):
    name: Annotated[str, Field(min_length=1, pattern=r"^[A-Za-z][A-Za-z0-9_-]*$")]
    entry: Month
    components: Annotated[int, Field(ge=1, le=200)] = 20
    covariance: Literal["full", "diag", "spherical", "tied"] = "full"
    temperature: Annotated[float, Field(gt=0.0, le=2.0)] = 0.9
    tempering: Literal["weights", "exact"] = "weights"  # exact: the |Sigma| factor too (a counterfactual, science.md)
    max_iter: Annotated[int, Field(gt=0, le=100_000)] = 100
    retrain_every: Annotated[int, Field(gt=0, le=MAX_MONTHS)] = 12
    data_policy: DataPolicy = DataPolicy.REPLACE
    train_size: Annotated[int, Field(gt=0, le=10_000_000)] | None = 4000
    archive_share: Share = 0.5
    publish_per_month: Annotated[int, Field(ge=0, le=1_000_000, title="documents the vendor publishes itself")] = 0
    tokens_per_doc: Annotated[int, Field(gt=0, le=1_000_000, title="length of the vendor's own pages")] = 800
    open_weights: Month | None = None  # from this month its model is also released as open weights
    # Users' utility from reach alone, in the user market's units (a vendor bundled with search and phones reaches
    # users who never compare models; Similarweb: Gemini rose from 6% to 22% of chatbot traffic in 2025).
    distribution: Annotated[float, Field(ge=-100.0, le=100.0)] = 0.0
    distribution_months: Annotated[int, Field(ge=0, le=MAX_MONTHS)] = 0  # months from entry to full reach (0: at once)
    verifier: VerifierConfig | None = None  # prune the training pool with a verifier (None: no verifier)
    crawler: CrawlerConfig = CrawlerConfig()
    # ngram also fits a word n-gram language model on its pages' text (a text reality only); left out of
    # dumps when gaussian, so existing run ids do not change
    model: Literal["gaussian", "ngram"] = Field(default="gaussian", exclude_if=lambda value: value == "gaussian")


class TextWatermarkConfig(Section):
    """The watermark written into a language model's words (``learning.green_list``): marked output favours a
    keyed green list (the share and the z threshold are ``watermark.gamma`` and ``watermark.threshold``), and a
    crawler's watermark test counts green tokens in the page's text."""

    delta: Annotated[float, Field(gt=0.0, le=5.0, title="logit bias of green words in marked output")] = 2.0


class TextPagesConfig(Section):
    """The text that pages carry on a web with language-model vendors (``content.text_pages``)."""

    page_tokens: Annotated[int, Field(ge=8, le=1024, title="tokens of text a page carries (its first ones)")] = 48
    prompt_tokens: Annotated[int, Field(ge=1, le=64, title="first words of a topic's document as a prompt")] = 4
    order: Annotated[int, Field(ge=1, le=6, title="n-gram order of the language-model vendors")] = 3
    test_share: Annotated[float, Field(gt=0.0, lt=0.9, title="share of each topic's documents never published")] = 0.2
    probe_docs: Annotated[int, Field(ge=10, le=100_000, title="documents a model writes to be measured")] = 200
    # off: a page's mark is the simulated test of ``watermark`` (its key, survival and length), as on a Gaussian web
    watermark: TextWatermarkConfig | None = Field(default=None, exclude_if=lambda value: value is None)


class MarketConfig(Section):
    """How farms and writers pick a vendor: a logit on model quality (lower excess NLL is better).

    With ``users > 0`` a user market runs too: each month a share of users reconsider and choose by the
    same logit plus each vendor's ``distribution``, paying ``switching_cost`` (in utility) to leave their
    vendor; revenue per user funds the vendor's crawl budget (and licensing, see ``human_data_license``)."""

    quality_sensitivity: Annotated[float, Field(ge=0.0, le=1e3)] = 1.0
    users: Annotated[float, Field(ge=0.0, le=1e10)] = 0.0
    reconsider_per_month: Share = 0.1
    switching_cost: Annotated[float, Field(ge=0.0, le=1e3)] = 0.5
    revenue_per_user: Annotated[float, Field(ge=0.0, le=1e4, title="monthly revenue per user, $")] = 1.0
    crawl_pages_per_dollar: Annotated[float, Field(ge=0.0, le=1e3, title="extra crawl budget per $ of revenue")] = 0.0
    vendors: list[str] | None = None  # vendors that sell to users (None: every released vendor)


class WatermarkConfig(Section):
    """The green-list watermark (Kirchenbauer et al. 2023): marked text over-uses a keyed green list."""

    gamma: Annotated[float, Field(gt=0.0, lt=1.0, title="green-list share of the vocabulary")] = 0.25
    green_bias: Annotated[float, Field(gt=0.0, lt=1.0, title="extra green share of marked text")] = 0.2
    threshold: Annotated[float, Field(gt=0.0, le=1e3, title="z-score above which a page counts as marked")] = 4.0


class DetectorConfig(Section):
    """A detector provider: a classifier of AI text retrained on a cadence (a Mesa agent)."""

    name: Annotated[str, Field(min_length=1, pattern=r"^[A-Za-z][A-Za-z0-9_-]*$")]
    start: Month
    classifier: Literal["logistic", "gradient_boosting"] = "logistic"
    samples: Annotated[int, Field(ge=50, le=1_000_000, title="training samples per class at each retraining")] = 1000
    retrain_every: Annotated[int, Field(gt=0, le=MAX_MONTHS)] = 6
    target_fpr: Annotated[float, Field(gt=0.0, lt=0.5)] = 0.01
    validation_share: Annotated[float, Field(gt=0.05, lt=0.9)] = 0.3
    trusted: Literal["pre_ai", "signed", "both"] = "both"  # where its trusted human text comes from
    public: bool = False  # farms can query it to reject-sample their pages
    adaptive: Share = 0.0  # share of its synthetic samples it makes the farms' evasive way


class PolicyBase(Section):
    """A lever's entry under ``policies:``; each lever's own fields are in its module, ecosystem/policies/."""

    references: ClassVar[dict[str, str]] = {}  # field -> what it names ("vendor", "vendor's crawler", "detector")
    start: Month
    end: Month | None = None  # last month in force (inclusive); None: for ever


# The lever modules build their config classes on the ones above, so they are imported here, after them.
from ecosystem.policies.registry import POLICY_CONFIGS  # noqa: E402

Policy = Annotated[Union[POLICY_CONFIGS], Field(discriminator="kind")]  # noqa: UP007


class MetricsConfig(Section):
    model_samples: Annotated[int, Field(ge=100, le=1_000_000)] = 8000  # points per score, spread over components
    coverage_threshold: Annotated[float, Field(gt=0.0, lt=1.0)] = 0.1
    support_quantile: Annotated[float, Field(gt=0.0, lt=0.5)] = 0.01
    # Each vendor's mass ratio and excess NLL per topic, in the months it retrains (vendor.<v>.topic_<k>_*)
    per_topic: bool = False


class StoreConfig(Section):
    """Where the pages live. ``on_disk`` puts the document store's columns (and the crawl index's
    rows) in files of a new folder under ``folder`` (default: the system's temporary folder), unlinked as soon as
    mapped, so a web larger than memory runs and the page cache keeps what is read; results are identical."""

    on_disk: bool = False
    folder: str | None = None

    @model_validator(mode="after")
    def _folder_exists(self) -> StoreConfig:
        from pathlib import Path

        if self.folder is not None and not Path(self.folder).is_dir():
            raise ValueError(f"folder: no such folder: {self.folder}")
        return self


class Scenario(Section):
    name: str = "scenario"
    # A reader's name for the scenario (briefs show it); left out of dumps when unset, so run ids do not change.
    title: str | None = Field(default=None, exclude_if=lambda value: value is None)
    description: str = ""
    start: Month = dt.date(2018, 1, 1)
    end: Month = dt.date(2035, 12, 1)
    seed: Annotated[int, Field(ge=0, le=MAX_SEED)] = 0
    # pages on disk (store.on_disk); left out of dumps when unset, so run ids do not change
    store: StoreConfig | None = Field(default=None, exclude_if=lambda value: value is None)
    # The pre-AI archive is crawled at the start of the AI era, or when the first vendor enters if earlier.
    ai_start: Annotated[Month, Field(title="start of the AI era")] = (
        dt.date(2022, 11, 1)
    )
    reality: RealityConfig = RealityConfig()
    humans: HumansConfig = HumansConfig()
    farms: FarmsConfig = FarmsConfig()
    web: WebConfig = WebConfig()
    vendors: list[VendorConfig] = Field(default_factory=list, max_length=50)  # each one refits a model
    public_crawl: PublicCrawlConfig | None = None  # a shared public crawl (None: vendors crawl alone)
    market: MarketConfig = MarketConfig()
    watermark: WatermarkConfig = WatermarkConfig()
    detectors: list[DetectorConfig] = Field(default_factory=list, max_length=50)
    policies: list[Policy] = Field(default_factory=list, max_length=500)
    metrics: MetricsConfig = MetricsConfig()
    # text pages (defaults when some vendor is a language model); left out of dumps when unset
    text: TextPagesConfig | None = Field(default=None, exclude_if=lambda value: value is None)

    @model_validator(mode="after")
    def _cross_field_rules(self) -> Scenario:
        if self.end < self.start:
            raise ValueError(f"end ({self.end:%Y-%m}) is before start ({self.start:%Y-%m}); swap them")
        if self.months > MAX_MONTHS:
            raise ValueError(f"start {self.start:%Y-%m} to end {self.end:%Y-%m} is {self.months} months; "
                             f"at most {MAX_MONTHS} (a hundred years) can be simulated")
        self._check_scoring_set()
        final_writers = self.humans.writers * (1.0 + self.humans.growth_per_year) ** (self.months / 12)
        if final_writers > MAX_WRITERS:
            raise ValueError(f"humans: {self.humans.writers} writers growing {self.humans.growth_per_year:g} a year "
                             f"reach about {final_writers:,.0f} by {self.end:%Y-%m}; at most {MAX_WRITERS:,} fit")
        names = [v.name for v in self.vendors]
        if len(set(names)) != len(names):
            raise ValueError(f"vendor names must be unique, got {names}")
        low, high = self.reality.topic_width
        if not 0 < low <= high:
            raise ValueError(f"reality.topic_width must be 0 < low <= high, got {self.reality.topic_width}")
        if self.watermark.gamma + self.watermark.green_bias > 1.0:
            raise ValueError("watermark.gamma + watermark.green_bias must be at most 1 (a green fraction)")
        detectors = [d.name for d in self.detectors]
        if len(set(detectors)) != len(detectors):
            raise ValueError(f"detector names must be unique, got {detectors}")
        self._check_references(set(names), set(detectors))
        self._check_language_models()
        return self

    @property
    def language_models(self) -> bool:
        """Some vendor is a language model, so pages carry text."""
        return any(v.model == "ngram" for v in self.vendors)

    def _check_language_models(self) -> None:
        """A language model learns from page text, which only a text reality has."""
        for v in self.vendors:
            if v.model == "ngram" and self.reality.kind != "text":
                raise ValueError(f"vendors.{v.name}.model: ngram needs page text, which only a text reality has "
                                 f"(reality.kind: text); got reality.kind {self.reality.kind}")
        if self.text is not None and not self.language_models:
            raise ValueError("text: pages carry text only with a language-model vendor (vendors.*.model: ngram); "
                             "remove text: or set a vendor's model")
        evasion = self.farms.evasion
        if self.text is not None and self.text.watermark is not None and (
                evasion.paraphrase_share + evasion.translate_share + evasion.synonym_share > 0):
            raise ValueError("text.watermark: farms' evasive edits (farms.evasion.*_share) do not edit page text, so "
                             "a mark in the text would survive them; set the edit shares to 0 or remove text.watermark")

    def _check_scoring_set(self) -> None:
        """The held-out human set every model is scored on is held in memory: topics (with those drift
        adds by the end) x test_per_topic x dim numbers."""
        reality = self.reality
        topics = reality.topics + math.ceil(reality.drift.new_topics_per_year * self.months / 12)
        values = topics * reality.test_per_topic * reality.dim
        if values > MAX_SCORING_VALUES:
            raise ValueError(f"reality: {topics} topics x test_per_topic {reality.test_per_topic} x dim {reality.dim}"
                             f" = {values:,} held-out values; at most {MAX_SCORING_VALUES:,} fit in memory "
                             "(lower test_per_topic)")

    def _check_references(self, vendors: set[str], detectors: set[str]) -> None:
        def check(where: str, name: str | None, known: set[str], what: str) -> None:
            if name is not None and name not in known:
                raise ValueError(f"{where}: no {what} named {name!r}; known: {sorted(known) or 'none'}")

        for v in self.vendors:
            where = f"vendors.{v.name}.crawler.filters.detector"
            check(where, v.crawler.filters.detector, detectors, "detector")
        for name in self.market.vendors or []:
            check("market.vendors", name, vendors, "vendor")
        for name in (self.public_crawl.vendors or []) if self.public_crawl else []:
            check("public_crawl.vendors", name, vendors, "vendor")
        for i, policy in enumerate(self.policies):
            where = f"policies.{i}.{policy.kind}"
            if policy.end is not None and policy.end < policy.start:
                raise ValueError(f"{where}: end is before start")
            known = {"vendor": vendors, "vendor's crawler": vendors, "detector": detectors}
            for field, what in policy.references.items():
                named = getattr(policy, field)
                for name in named if isinstance(named, list) else [named]:
                    check(where, name, known[what], what)

    @property
    def months(self) -> int:
        """Number of simulated months, start and end included."""
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1

    def month_index(self, date: dt.date) -> int:
        """Step number of a calendar month (negative before the start)."""
        return (date.year - self.start.year) * 12 + date.month - self.start.month

    def date_of(self, step: int) -> dt.date:
        total = self.start.year * 12 + self.start.month - 1 + step
        return dt.date(total // 12, total % 12 + 1, 1)

    def to_yaml(self) -> str:
        return yaml.safe_dump(self.model_dump(mode="json"), sort_keys=False)


# ----------------------------------------------------------------------------------------------
# Validation


def validate_scenario(raw: dict[str, Any], *, source: str = "scenario") -> Scenario:
    """``raw`` as a ``Scenario``, or ``ScenarioError`` with one line; reads no file."""
    try:
        return Scenario.model_validate(raw)
    except ValidationError as err:
        raise ScenarioError(f"{source}: {describe_errors(err)}") from None


def describe_errors(err: ValidationError) -> str:
    """All pydantic errors on one line, each as ``field.path: what was expected (got value)``."""
    return "; ".join(_describe(e) for e in err.errors())


def _describe(error: dict[str, Any]) -> str:
    path = clip(".".join(str(p) for p in error["loc"]), 120) or "(top level)"
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        return f"{path}: unknown field"
    if error["type"] == "missing":
        return f"{path}: required field missing"
    if error["type"] in ("literal_error", "enum"):
        return f"{path}: {message} (got {shown_value(error['input'])})"
    if error["type"] != "value_error" and not isinstance(error.get("input"), dict | list | None):
        return f"{path}: {message} (got {shown_value(error['input'])})"
    return f"{path}: {clip(message)}"
