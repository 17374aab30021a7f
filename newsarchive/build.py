"""Run the pipeline: read -> parse -> nlp -> stories -> store.

The build is incremental in the way that matters: spaCy only sees new or changed
bodies (nlp.DocCache), and a run over unchanged input and code stops after
hashing the files. Every later stage is cheap and recomputed in full, so the
archive is always exactly what its input gives, whatever order files arrived in.
"""

from __future__ import annotations

import hashlib
import time
from collections import defaultdict
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Callable

from . import nlp as nlp_stage
from . import store
from .gazetteer import default_gazetteer
from .events import ArticleEvents, extract_events
from .ids import stable_id
from .link import ArticleInput, Linker
from .outlets import Outlet, load_registry
from .parse import Article, parse_document
from .readers import RawDocument, SkipInput, find_files, read_file
from .stories import story_ids

PACKAGE = Path(__file__).resolve().parent
DATA = PACKAGE.parent / "data"


@dataclass
class BuildReport:
    db: Path
    articles: int = 0
    sentences: int = 0
    analysed: int = 0  # bodies that went through spaCy this run (the rest came from the cache)
    skipped: list[SkipInput] = field(default_factory=list)
    up_to_date: bool = False
    seconds: float = 0.0

    entities: int = 0
    mentions: int = 0
    events: int = 0
    attributions: int = 0

    def counts(self) -> dict[str, int]:
        return {"articles": self.articles, "sentences": self.sentences, "entities": self.entities,
                "mentions": self.mentions, "events": self.events, "attributions": self.attributions}


def cache_path(db: Path) -> Path:
    return db.with_name(db.name + ".nlpcache")


def code_fingerprint(model: str) -> str:
    """Everything besides the input that decides the archive's content: code, data files, model."""
    digest = hashlib.sha256(model.encode())
    try:
        digest.update(metadata.version(model.replace("_", "-")).encode())
    except metadata.PackageNotFoundError:
        pass
    for path in sorted([*PACKAGE.glob("*.py"), *DATA.glob("*")]):
        if path.is_file():
            digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def read_inputs(sources: list[Path]) -> tuple[list[RawDocument], list[SkipInput]]:
    documents, skipped = [], []
    for path, name in find_files(sources):
        for item in read_file(path, name):
            (skipped if isinstance(item, SkipInput) else documents).append(item)
    return documents, skipped


def parse_all(documents: list[RawDocument], skipped: list[SkipInput]) -> list[Article]:
    registry = load_registry()
    articles: dict[int, Article] = {}
    for document in documents:
        try:
            article = parse_document(document, registry)
        except SkipInput as skip:
            skipped.append(skip)
            continue
        except Exception as error:  # a parser bug must not cost the user the whole build
            skipped.append(SkipInput(document.where, f"could not be parsed ({type(error).__name__}: {error})"))
            continue
        if article.id in articles:
            skipped.append(SkipInput(document.where, f"same content as {articles[article.id].file}, kept once"))
            continue
        articles[article.id] = article
    return sorted(articles.values(), key=lambda a: (a.file, a.line or 0))


def build(
    sources: list[Path],
    db: Path,
    model: str = nlp_stage.DEFAULT_MODEL,
    rebuild: bool = False,
    progress: Callable[[int], Callable[[int], None]] | None = None,
) -> BuildReport:
    """Build or update the archive at db from the sources. progress(total) returns a per-item callback."""
    started = time.perf_counter()
    report = BuildReport(db=db)
    store.remove_stale_temporaries(db)
    documents, report.skipped = read_inputs(sources)

    inputs = hashlib.sha256(code_fingerprint(model).encode())
    for document in sorted(documents, key=lambda d: (d.file, d.line or 0)):
        inputs.update(f"{document.where}\0{document.content_hash}\n".encode())
    fingerprint = inputs.hexdigest()
    previous = store.read_build_info(db)
    if not rebuild and previous.get("fingerprint") == fingerprint:
        report.up_to_date = True
        for name in report.counts():
            setattr(report, name, int(previous.get(name, 0)))
        report.seconds = time.perf_counter() - started
        return report

    articles = parse_all(documents, report.skipped)
    if rebuild:
        cache_path(db).unlink(missing_ok=True)
    pipeline = nlp_stage.load_pipeline(model)
    cache = nlp_stage.DocCache(cache_path(db), nlp_stage.pipeline_fingerprint(pipeline))
    try:
        bodies = [article.body for article in articles]
        docs, report.analysed = nlp_stage.analyse(pipeline, bodies, cache, progress)
        cache.prune(bodies)
    finally:
        cache.close()

    rows = tables_for(articles, docs)
    for name in report.counts():
        setattr(report, name, len(rows[name]))
    store.write_archive(db, rows, {"fingerprint": fingerprint, "model": model, **{k: str(v) for k, v in report.counts().items()}})
    report.seconds = time.perf_counter() - started
    return report


def tables_for(articles: list[Article], docs: list) -> dict[str, list[dict]]:
    """The rows of every table, from the parsed articles and their analysed Docs."""
    stories = story_ids({article.id: article.body for article in articles})
    sources: dict[str, Outlet] = {}
    published_count: dict[str, int] = {}
    credited_count: dict[str, int] = {}
    article_rows, sentence_rows = [], []
    for article, doc in zip(articles, docs):
        for outlet, counter in ((article.source, published_count), (article.wire, credited_count)):
            if outlet:
                sources[outlet.id] = outlet
                counter[outlet.id] = counter.get(outlet.id, 0) + 1
        article_rows.append({
            "id": article.id,
            "file": article.file,
            "line": article.line,
            "source_id": article.source.id if article.source else None,
            "wire_id": article.wire.id if article.wire else None,
            "title": article.title,
            "published": article.published,
            "dateline": article.dateline,
            "byline": article.byline,
            "body": article.body,
            "word_count": article.word_count,
            "story_id": stories[article.id],
            "url": article.url,
            "content_hash": article.content_hash,
        })
        for position, (start, end) in enumerate(nlp_stage.sentence_spans(doc)):
            sentence_rows.append({
                "id": stable_id(article.content_hash, "sentence", position),
                "article_id": article.id,
                "position": position,
                "text": article.body[start:end],
                "start_char": start,
                "end_char": end,
            })
    linker = Linker(default_gazetteer())
    sentences_by_article = defaultdict(list)
    for row in sentence_rows:
        sentences_by_article[row["article_id"]].append((row["start_char"], row["end_char"], row["id"]))
    for article, doc in zip(articles, docs):
        linker.add_article(ArticleInput(article.id, doc, sentences_by_article[article.id], article.dateline))
    entity_rows, mention_rows = linker.finish()
    for row in article_rows:
        row["dateline_entity_id"] = linker.dateline_ids.get(row["id"])

    mentions_by_article = defaultdict(list)
    for row in mention_rows:
        mentions_by_article[row["article_id"]].append((row["start_char"], row["end_char"], row["entity_id"]))
    event_tables = extract_events([
        ArticleEvents(article.id, doc, sentences_by_article[article.id], article.published, stories[article.id],
                      (article.source or article.wire).id if (article.source or article.wire) else f"article:{article.id}",
                      mentions_by_article[article.id])
        for article, doc in zip(articles, docs)
    ], entity_rows)

    source_rows = [{
        "id": outlet.id,
        "name": outlet.name,
        "domain": outlet.domain,
        "kind": outlet.kind,
        "country": outlet.country,
        "article_count": published_count.get(outlet.id, 0) + credited_count.get(outlet.id, 0),
        "published_count": published_count.get(outlet.id, 0),
        "credited_count": credited_count.get(outlet.id, 0),
        "curated": int(outlet.curated),
    } for outlet in sources.values()]
    return {"sources": source_rows, "articles": article_rows, "sentences": sentence_rows,
            "entities": entity_rows, "mentions": mention_rows, **event_tables}
