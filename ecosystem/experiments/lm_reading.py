"""What a language-model vendor of a run actually writes at a date, beside human text of the same topic.

Each prompt is the first words of a training document of a topic (topics drawn by reality's weights that
month, each at most once), the same kind of prompt its pages and its farms' pages are written from; the
model continues it at the vendor's temperature, and the human document shows how a person went on. The draws
come from a reading stream of the run's seed and the month, so reading changes nothing in the run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from ecosystem.agents.vendor import ModelVendor
    from ecosystem.model import EcosystemModel

READING_STREAM = 901  # spawn key of this reading's stream (with the month)


@dataclass(frozen=True)
class WrittenPage:
    topic: str  # the prompt's topic (a module of the standard library on the stdlib corpus)
    prompt: str  # the first words of a human training document of that topic
    written: str  # how the vendor's language model goes on
    human: str  # how the human document goes on


def what_it_writes(model: EcosystemModel, vendor: ModelVendor, n: int) -> tuple[WrittenPage, ...]:
    """``n`` continuations by ``vendor``'s current language model (none for a Gaussian vendor)."""
    if vendor.language_model is None or model.text_pages is None:
        return ()
    text = model.text_pages.text
    rng = np.random.default_rng(np.random.SeedSequence(model.seed_used, spawn_key=(READING_STREAM, model.month)))
    weights = model.reality.weights(model.month)
    topics = rng.choice(len(weights), size=min(n, int((weights > 0).sum())), replace=False, p=weights)
    human = text.docs.take(text.pick(topics, rng))
    prompts = human.heads(text.prompt_tokens)
    written = vendor.language_model.sample(len(topics), rng=rng, temperature=vendor.config.temperature,
                                           max_tokens=text.page_tokens, prompts=prompts)
    decode = text.vocab.decode
    return tuple(WrittenPage(model.reality.names[k], decode(prompts.doc(i)), decode(written.doc(i)),
                             decode(human.doc(i)[prompts.lengths[i]:]))
                 for i, k in enumerate(topics))
