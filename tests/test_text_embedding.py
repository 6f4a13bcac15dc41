"""Embeddings: deterministic, cached under the corpus's content and the model, and redone when the corpus changes."""

from __future__ import annotations

import numpy as np
import pytest

from ecosystem.content import corpus as corpus_module
from ecosystem.content.corpus import STDLIB, Corpus, read_corpus, stdlib_corpus
from ecosystem.content.embedding import cache_key, cached_path, embed_texts, model_identity, resolve_model

TEXTS = tuple(stdlib_corpus().texts[:12])


def embed(texts, cache, **kw) -> np.ndarray:
    corpus = Corpus("test", tuple(texts), None, None, None)
    return embed_texts(corpus.texts, corpus_hash=corpus.content_hash(), max_tokens=64, cache=str(cache), **kw)


def test_embedding_is_deterministic_unit_length_and_cached(tmp_path):
    calls = []
    first = embed(TEXTS, tmp_path / "a", progress=lambda done, total: calls.append((done, total)))
    assert calls and calls[-1] == (len(TEXTS), len(TEXTS))
    assert first.shape == (len(TEXTS), 384) and first.dtype == np.float32
    assert np.allclose(np.linalg.norm(first, axis=1), 1.0, atol=1e-5)
    again = embed(TEXTS, tmp_path / "b")  # a fresh cache: encoded again
    assert np.array_equal(first, again)
    cached = list((tmp_path / "a").glob("*.parquet"))
    assert len(cached) == 1
    calls.clear()
    from_cache = embed(TEXTS, tmp_path / "a", progress=lambda done, total: calls.append(done))
    assert np.array_equal(first, from_cache) and calls == []  # nothing encoded


def test_a_changed_corpus_is_embedded_again(tmp_path):
    first = embed(TEXTS, tmp_path)
    changed = (TEXTS[0] + " And one more sentence about parsers.",) + TEXTS[1:]
    second = embed(changed, tmp_path)
    assert len(list(tmp_path.glob("*.parquet"))) == 2
    assert not np.array_equal(first[0], second[0])
    assert np.array_equal(first[1:], second[1:])


def test_cache_key_names_corpus_model_and_token_limit():
    model = model_identity(resolve_model(None))
    keys = {cache_key("c1", model, 128), cache_key("c2", model, 128), cache_key("c1", model, 64),
            cache_key("c1", "another model", 128)}
    assert len(keys) == 4
    assert cached_path("c1", model=None, max_tokens=128, cache="x").name == f"{cache_key('c1', model, 128)}.parquet"


def test_content_hash_depends_on_texts_and_their_boundaries():
    def digest(texts):
        return Corpus("x", texts, None, None, None).content_hash()

    assert digest(("ab", "c")) != digest(("a", "bc"))
    assert digest(("ab", "c")) == digest(("ab", "c"))


@pytest.mark.slow  # embeds the standard library's corpus twice
def test_stdlib_corpus_is_deterministic_with_modules_as_topics(tmp_path, monkeypatch):
    monkeypatch.setenv("ECOSIM_CACHE", str(tmp_path))
    stdlib_corpus.cache_clear()
    first = stdlib_corpus()  # parsed, then kept in the cache folder
    assert len(list((tmp_path / "corpora").glob("stdlib-*.parquet"))) == 1
    stdlib_corpus.cache_clear()
    second = read_corpus(STDLIB)  # from the cache
    stdlib_corpus.cache_clear()
    assert first == second and len(first) > 3000
    topics = set(first.topics)
    assert {"email", "json", "asyncio", "datetime"} <= topics
    assert not any(t.startswith(("test", "_")) for t in topics) and "idlelib" not in topics
    assert all(len(t) >= corpus_module.MIN_DOCSTRING_CHARS for t in first.texts)
    assert first.titles[first.topics.index("json")].startswith("json")


@pytest.mark.parametrize("suffix", ["csv", "parquet", "jsonl"])
def test_tables_with_topic_and_date_columns(tmp_path, suffix):
    import polars as pl

    frame = pl.DataFrame({"body": ["first page", "second page", " "], "section": ["a", "b", "b"],
                          "when": ["2021-03-15", "2022-11", "2023-01"]})
    path = tmp_path / f"pages.{suffix}"
    {"csv": frame.write_csv, "parquet": frame.write_parquet, "jsonl": frame.write_ndjson}[suffix](path)
    corpus = read_corpus(str(path), text_column="body", topic_column="section", date_column="when")
    assert corpus.texts == ("first page", "second page")  # blank text dropped
    assert corpus.topics == ("a", "b")
    assert [f"{d:%Y-%m}" for d in corpus.dates] == ["2021-03", "2022-11"]


def test_a_folder_of_files_takes_topics_from_subfolders(tmp_path):
    for topic, name, text in [("cooking", "a.md", "Boil water."), ("cooking", "b.txt", "Add salt."),
                              ("travel", "c.txt", "Pack light."), ("travel", "skip.pdf", "not text")]:
        (tmp_path / topic).mkdir(exist_ok=True)
        (tmp_path / topic / name).write_text(text, encoding="utf-8")
    corpus = read_corpus(str(tmp_path))
    assert corpus.texts == ("Boil water.", "Add salt.", "Pack light.")
    assert corpus.topics == ("cooking", "cooking", "travel")
    assert corpus.titles[0] == "cooking/a.md"
