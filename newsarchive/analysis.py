"""The per-article stage: one parsed article in, everything the archive derives from it alone out.

model (spaCy, cached by body) -> curated names -> link (entity keys) -> events -> story signature.
The result, an ArticleAnalysis, is plain data: it is cached by the article's content and
the project's code and data, sent back from worker processes or a Dask cluster, and
turned into rows by the store. Entities are referred to by entity key here; the
corpus-wide merge turns keys into entity ids.

analyse_batch() is the unit of parallel work: each worker process loads the model once
(per process, on first use) and keeps it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from . import nlp as nlp_stage
from .events import ArticleEvents, article_events
from .ids import stable_id
from .link import ArticleLinker, EntityInfo
from .parse import Article
from .stories import signature

if TYPE_CHECKING:
    from spacy.tokens import Doc

# The model's working memory grows with the text it analyses at once: a batch is capped
# by length, so one long article does not raise the build's peak memory, and a body
# longer than CHUNK_CHARACTERS is analysed in pieces cut at paragraph breaks (spaCy
# refuses texts over 1,000,000 characters, and its parser's memory grows with length).
# Measured on the 2,880-article corpus: at 200,000 characters a call the model's working
# memory reached 340 MB over the rest of the build, at 50,000 160 MB, for no more CPU.
BATCH_CHARACTERS = 50_000  # text per nlp.pipe call: a dozen articles of usual length
CHUNK_CHARACTERS = 50_000


@dataclass
class Failed:
    """An article the per-article stage could not analyse, and why: the build skips it and goes on."""

    reason: str


@dataclass
class ArticleAnalysis:
    article_id: int
    sentences: list[tuple[int, int]]  # (start_char, end_char) into the body
    mentions: list[tuple[int, int, str, str]]  # (start_char, end_char, text, entity key)
    entities: dict[str, EntityInfo]  # entity key -> what this article says it is
    dateline: str | None  # entity key of the dateline's place
    dateline_text: str | None  # the place as written there
    events: dict[str, list[dict]] = field(default_factory=dict)  # events, event_fatalities, attributions rows
    signature: bytes = b""  # MinHash of the body, for story grouping


def sentence_id(content_hash: str, position: int) -> int:
    """A sentence's id: from its article's content and its place in the body."""
    return stable_id(content_hash, "sentence", position)


class Analyser:
    """The model and the rules of one process: loaded once, used for every batch."""

    def __init__(self, model: str):
        from .curated import CuratedMatcher
        from .gazetteer import default_gazetteer

        self.nlp = nlp_stage.load_pipeline(model)
        self.curated = CuratedMatcher(self.nlp)
        self.linker = ArticleLinker(default_gazetteer())

    def analyse(self, articles: list[Article], cached: list[bytes | None]) -> list[tuple[bytes | None, ArticleAnalysis | Failed]]:
        """(the model's Doc as bytes when it was computed now, else None; the analysis) per article.

        Each article is analysed inside its own boundary: an error in one (the model or the
        rules) is that article's Failed result, never the batch's.
        """
        todo = [article.body for article, blob in zip(articles, cached) if blob is None]
        fresh = self._docs(todo)
        results = []
        for article, blob in zip(articles, cached):
            try:
                if blob is None:
                    doc = next(fresh)
                    if isinstance(doc, Failed):
                        results.append((None, doc))
                        continue
                    blob = nlp_stage.doc_to_bytes(doc, article.body)
                    results.append((blob, self.rules(article, doc)))
                else:
                    results.append((None, self.rules(article, nlp_stage.doc_from_bytes(self.nlp, blob))))
            except Exception as error:  # a bug in the rules costs this article, not the build
                results.append((None, Failed(f"analysis failed ({type(error).__name__}: {error})")))
        return results

    def _docs(self, texts: list[str]):
        """The model's Doc of each text in order, or Failed; long texts in paragraph-cut pieces."""
        for run in _by_length(texts, BATCH_CHARACTERS):
            if len(run) == 1 and len(run[0]) > CHUNK_CHARACTERS:
                yield self._long_doc(run[0])
                continue
            try:
                docs = list(self.nlp.pipe(run, batch_size=len(run)))
            except Exception:  # find the text at fault: the others still get their analysis
                docs = [self._one_doc(text) for text in run]
            yield from docs

    def _one_doc(self, text: str):
        try:
            return self.nlp(text)
        except Exception as error:
            return Failed(f"the language model failed on this text ({type(error).__name__}: {error})")

    def _long_doc(self, text: str):
        from spacy.tokens import Doc

        pieces = [self._one_doc(piece) for piece in split_text(text, CHUNK_CHARACTERS)]
        failed = next((piece for piece in pieces if isinstance(piece, Failed)), None)
        if failed:
            return failed
        doc = Doc.from_docs(pieces, ensure_whitespace=False)
        if doc.text != text:
            return Failed("the pieces of a long text did not join back into it")
        return doc

    def rules(self, article: Article, doc: Doc) -> ArticleAnalysis:
        """Everything after the model: curated names, entity keys, events, story signature."""
        doc = self.curated(doc)
        sentences = nlp_stage.sentence_spans(doc, article.body)
        links = self.linker.link(doc, article.dateline, article.body,
                                 home_country=article.source.country if article.source else None)
        # the places inside an organisation's name are mentions too, but no event's actor or place
        analysis = ArticleAnalysis(article.id, sentences, links.mentions + links.embedded, links.entities,
                                   links.dateline, links.dateline_text)
        sentence_rows = [(start, end, sentence_id(article.content_hash, position))
                         for position, (start, end) in enumerate(sentences)]
        mentions = [(start, end, key) for start, end, _, key in links.mentions]
        analysis.events = article_events(
            ArticleEvents(article.id, doc, sentence_rows, article.published, mentions, article.body),
            entity_facts(links.entities, links.mentions))
        analysis.signature = signature(article.body)
        return analysis


def _by_length(texts: list[str], budget: int) -> list[list[str]]:
    """The texts in order, in runs of at most budget characters (a longer text runs alone)."""
    runs, run, size = [], [], 0
    for text in texts:
        if run and size + len(text) > budget:
            runs.append(run)
            run, size = [], 0
        run.append(text)
        size += len(text)
    return runs + [run] if run else runs


def split_text(text: str, size: int) -> list[str]:
    """The text in consecutive pieces of at most about size characters that join back into it.

    Cuts go after a paragraph break, else after a line break, else after a sentence's
    full stop and space, else after any whitespace, else anywhere.
    """
    pieces = []
    while len(text) > size:
        window = text[:size]
        cut = 0
        for separator in ("\n\n", "\n", ". ", " "):
            at = window.rfind(separator)
            if at > size // 2:
                cut = at + len(separator)
                break
        cut = cut or size
        pieces.append(text[:cut])
        text = text[cut:]
    return pieces + [text] if text else pieces


def entity_facts(entities: dict[str, EntityInfo], mentions) -> dict[str, dict]:
    """entity key -> the facts the events stage reads: type, kind, name and place fields."""
    longest: dict[str, str] = {}
    for _, _, text, key in mentions:
        if len(text) > len(longest.get(key, "")):
            longest[key] = text
    facts = {}
    for key, info in entities.items():
        place = info.place
        facts[key] = {
            "type": info.type, "kind": info.kind, "name": info.curated_name or longest.get(key, key.partition(":")[2]),
            "geo_precision": info.geo_precision,
            "capital": bool(place and place.capital),
            "country_code": info.country,
            "latitude": place.latitude if place else None,
            "longitude": place.longitude if place else None,
        }
    return facts


_analysers: dict[str, Analyser] = {}


def analyse_batch(model: str, articles: list[Article], cached: list[bytes | None]) -> list[tuple[bytes | None, ArticleAnalysis]]:
    """The unit of parallel work, run in this process, a worker process or on a Dask worker."""
    analyser = _analysers.get(model)
    if analyser is None:
        analyser = _analysers[model] = Analyser(model)
    return analyser.analyse(articles, cached)
