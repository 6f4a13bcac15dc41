"""Corpora of human documents for a text reality: where they come from and how they are read.

A corpus is a folder of ``.txt``/``.md`` files (a file's topic is its first-level subfolder, if every
file has one), a JSONL, CSV or Parquet file with a text column and optional topic and date columns,
or ``stdlib``: the docstrings of Python's standard library, real text written by people over three
decades and present on every machine, with the module or package each documents as its topic.
Reading is deterministic (sorted files, file order), and repeated reads in one process are memoised.
Only the first ``MAX_DOC_CHARS`` characters of a document are kept: far more than a model reads
(``max_tokens``, at most 512 tokens), so one huge document cannot stall the tokenizer. Every file read
must be a regular file: a FIFO or a device would block or never end.
"""

from __future__ import annotations

import ast
import datetime as dt
import functools
import hashlib
import os
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from ecosystem.io import clip, file_problem, write_with

STDLIB = "stdlib"
TABLE_SUFFIXES = (".jsonl", ".csv", ".parquet")
TEXT_SUFFIXES = (".txt", ".md")
# Parts of the standard library that are tests, demos, tooling or private implementation, not documentation.
_STDLIB_SKIP = {"idlelib", "lib2to3", "site-packages", "dist-packages", "ensurepip", "turtledemo", "tkinter",
                "pydoc_data", "this", "antigravity"}
MIN_DOCSTRING_CHARS = 40
MAX_DOC_CHARS = 20_000  # characters kept of each document (512 tokens are about 2,000)


class CorpusError(ValueError):
    """A corpus that cannot be used; the message is one line naming the file, the field and the value."""


@dataclass(frozen=True)
class Corpus:
    source: str
    texts: tuple[str, ...]
    topics: tuple[str, ...] | None  # a label per document, or None (topics then come from clustering)
    dates: tuple[dt.date, ...] | None  # a month per document, or None (reality then does not drift)
    titles: tuple[str, ...] | None  # what a reader sees first (a file name, a function's dotted name)

    def __len__(self) -> int:
        return len(self.texts)

    def content_hash(self) -> str:
        """SHA-256 of the texts in order: the corpus part of the embedding cache key."""
        digest = hashlib.sha256()
        for text in self.texts:
            data = text.encode("utf-8")
            digest.update(len(data).to_bytes(8, "little"))
            digest.update(data)
        return digest.hexdigest()

    def title(self, i: int) -> str:
        return self.titles[i] if self.titles is not None else ""


def read_corpus(
    source: str, *, text_column: str = "text", topic_column: str | None = None, date_column: str | None = None
) -> Corpus:
    """The corpus at ``source`` (a path, or ``stdlib``); raises ``CorpusError`` with one line."""
    if source == STDLIB:
        return stdlib_corpus()
    path = Path(source).expanduser()
    problem = None if path.is_dir() else file_problem(path)
    if problem:
        raise CorpusError(f"corpus {clip(source)}: {problem}")
    stamp = _stamp(path)
    return _read_cached(str(path), stamp, text_column, topic_column, date_column)


@functools.lru_cache(maxsize=8)
def _read_cached(
    path: str, stamp: tuple, text_column: str, topic_column: str | None, date_column: str | None
) -> Corpus:
    p = Path(path)
    corpus = _read_folder(p) if p.is_dir() else _read_table(p, text_column, topic_column, date_column)
    if not len(corpus):
        raise CorpusError(f"corpus {path}: no documents (every text is empty)")
    return corpus


def _stamp(path: Path) -> tuple:
    """Changes whenever the corpus does (size and modification time of each file)."""
    files = sorted(path.rglob("*")) if path.is_dir() else [path]
    return tuple((str(f), f.stat().st_size, f.stat().st_mtime_ns) for f in files if f.is_file())


def _read_folder(path: Path) -> Corpus:
    files = sorted(f for f in path.rglob("*") if f.suffix.lower() in TEXT_SUFFIXES and not f.is_dir())
    rows = []
    for f in files:
        problem = file_problem(f)
        if problem:
            raise CorpusError(f"corpus {f}: {problem}; a corpus folder holds regular .txt and .md files")
        try:
            with f.open(encoding="utf-8") as handle:
                text = handle.read(MAX_DOC_CHARS).strip()
        except (OSError, UnicodeDecodeError) as err:
            raise CorpusError(f"corpus {f}: cannot read as UTF-8 text: {err}") from None
        if text:
            rows.append((f.relative_to(path), text))
    if not rows:
        raise CorpusError(f"corpus {path}: no non-empty .txt or .md files")
    nested = all(len(rel.parts) > 1 for rel, _ in rows)
    topics = tuple(rel.parts[0] for rel, _ in rows) if nested else None
    return Corpus(str(path), tuple(t for _, t in rows), topics, None, tuple(str(rel) for rel, _ in rows))


def _read_table(path: Path, text_column: str, topic_column: str | None, date_column: str | None) -> Corpus:
    suffix = path.suffix.lower()
    if suffix not in TABLE_SUFFIXES:
        kinds = ", ".join(TABLE_SUFFIXES + TEXT_SUFFIXES)
        raise CorpusError(f"corpus {path}: unknown kind {suffix or '(no suffix)'!r}; expected a folder, {kinds}")
    try:
        frame = {".jsonl": pl.read_ndjson, ".csv": pl.read_csv, ".parquet": pl.read_parquet}[suffix](path)
    except Exception as err:  # polars raises many error types for unreadable files
        raise CorpusError(f"corpus {path}: cannot read {suffix[1:]}: {str(err).splitlines()[0]}") from None
    for field, column in (("text_column", text_column), ("topic_column", topic_column),
                          ("date_column", date_column)):
        if column is not None and column not in frame.columns:
            raise CorpusError(f"{field} {column!r}: not a column of {path} (columns: "
                              f"{', '.join(frame.columns) or 'none'})")
    frame = frame.with_columns(pl.col(text_column).cast(pl.Utf8).str.slice(0, MAX_DOC_CHARS).str.strip_chars()
                               .alias("_text"))
    frame = frame.filter(pl.col("_text").is_not_null() & (pl.col("_text").str.len_chars() > 0))
    if frame.is_empty():
        raise CorpusError(f"corpus {path}: no documents (column {text_column!r} is empty)")
    topics = None
    if topic_column is not None:
        labels = frame[topic_column].cast(pl.Utf8).fill_null("")
        if (labels == "").any():
            raise CorpusError(f"topic_column {topic_column!r}: some documents of {path} have none")
        topics = tuple(labels.to_list())
    dates = None if date_column is None else tuple(_months(frame[date_column], path, date_column))
    return Corpus(str(path), tuple(frame["_text"].to_list()), topics, dates, None)


def _months(column: pl.Series, path: Path, name: str) -> list[dt.date]:
    """Each document's month, from a date, a datetime, or text as YYYY-MM or YYYY-MM-DD."""
    if column.dtype == pl.Datetime:
        column = column.dt.date()
    if column.dtype != pl.Date:
        text = column.cast(pl.Utf8).str.strip_chars()
        parsed = text.str.to_date("%Y-%m-%d", strict=False)
        parsed = parsed.fill_null(pl.concat_str([text, pl.lit("-01")]).str.to_date("%Y-%m-%d", strict=False))
        bad = text.filter(parsed.is_null())
        if len(bad):
            raise CorpusError(f"date_column {name!r}: cannot read {bad[0]!r} in {path} as a date "
                              "(expected YYYY-MM or YYYY-MM-DD)")
        column = parsed
    return [d.replace(day=1) for d in column.to_list()]


@functools.lru_cache(maxsize=1)
def stdlib_corpus() -> Corpus:
    """Docstrings of this Python's standard library (modules, classes, functions), read with ``ast``
    (nothing is imported), topic = the top-level module or package; duplicates and short ones dropped.
    Parsing takes seconds, so the result is kept as Parquet in the cache folder, keyed by the Python
    version and the size and time of every source file (a changed library is read again)."""
    root = Path(sysconfig.get_paths()["stdlib"])
    files = [f for f in sorted(root.rglob("*.py")) if _is_documentation(f.relative_to(root))]
    digest = hashlib.sha256(sys.version.encode())
    for f in files:
        stat = f.stat()
        digest.update(f"{f.relative_to(root)}|{stat.st_size}|{stat.st_mtime_ns}".encode())
    cached = _corpus_cache() / f"stdlib-{digest.hexdigest()[:32]}.parquet"
    if cached.is_file():
        frame = pl.read_parquet(cached)
        return Corpus(STDLIB, tuple(frame["text"]), tuple(frame["topic"]), None, tuple(frame["title"]))
    corpus = _parse_stdlib(root, files)
    frame = pl.DataFrame({"text": corpus.texts, "topic": corpus.topics, "title": corpus.titles})
    try:
        write_with(cached, frame.write_parquet)
    except OSError:
        pass  # a read-only cache only costs the parse next time
    return corpus


def _is_documentation(rel: Path) -> bool:
    top = rel.parts[0].removesuffix(".py")
    return not (top.startswith(("_", "test")) or top in _STDLIB_SKIP or {"test", "tests"} & set(rel.parts))


def _corpus_cache() -> Path:
    return Path(os.environ.get("ECOSIM_CACHE", "~/.cache/ecosim")).expanduser() / "corpora"


def _parse_stdlib(root: Path, files: list[Path]) -> Corpus:
    texts: list[str] = []
    topics: list[str] = []
    titles: list[str] = []
    seen: set[str] = set()
    for path in files:
        rel = path.relative_to(root)
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except (SyntaxError, UnicodeDecodeError, OSError):
            continue  # a few files are deliberately broken or in other encodings
        module = ".".join(rel.with_suffix("").parts).removesuffix(".__init__")
        for name, doc in _docstrings(tree, module):
            if len(doc) >= MIN_DOCSTRING_CHARS and doc not in seen:
                seen.add(doc)
                texts.append(doc)
                topics.append(rel.parts[0].removesuffix(".py"))
                titles.append(name)
    return Corpus(STDLIB, tuple(texts), tuple(topics), None, tuple(titles))


def _docstrings(tree: ast.Module, module: str) -> list[tuple[str, str]]:
    """(dotted name, docstring) of the module and of every class and function in it, in source order."""
    found = []
    doc = ast.get_docstring(tree)
    if doc:
        found.append((module, doc))

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
                name = f"{prefix}.{child.name}"
                doc = ast.get_docstring(child)
                if doc:
                    found.append((name, doc))
                visit(child, name)

    visit(tree, module)
    return found
