"""The faster attribute ruler and lemmatizer give the stock components' output, token for token."""

from __future__ import annotations

import pytest

from newsarchive.nlp import DEFAULT_MODEL
from tests.conftest import FIXTURES, SEEDS

spacy = pytest.importorskip("spacy")

ATTRIBUTES = ("tag_", "pos_", "morph", "lemma_", "dep_", "ent_iob_", "ent_type_", "is_sent_start")

# Every kind of pattern of en_core_web_sm's ruler: contractions, the 2-token patterns
# (ain't, gonna, gotta, let's, c'mon, y'all), the DEP-conditioned ones (auxiliaries,
# expletive there, object pronouns), whitespace tokens and a regex on a dropped g.
COLLOQUIAL = (
    "Y'all ain't gonna believe it. Let's go, c'mon! I told you it was nothin' but we gotta go.\n\n"
    "There is a man outside and there are two more. Ain't nobody here.   \n\n\t It is what it is. "
    "That is it. Do you have it? I don't, and neither does she. They'd've seen him if he'd been there. "
    "Whether or not he comes, we will wait till he does, since that is what was agreed."
)


def _texts() -> list[str]:
    texts = [path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt"))]
    texts += [path.read_text(encoding="utf-8") for path in sorted((FIXTURES / "unseen").glob("*.txt"))]
    return texts + [COLLOQUIAL]


def _attributes(doc):
    return [[str(getattr(token, name)) for name in ATTRIBUTES] + [token.head.i] for token in doc]


def test_stand_ins_give_the_stock_analysis():
    from newsarchive.fastpipes import speed_up

    stock = spacy.load(DEFAULT_MODEL)
    fast = speed_up(spacy.load(DEFAULT_MODEL))
    assert "fast_attribute_ruler" in fast.pipe_names and "fast_lemmatizer" in fast.pipe_names
    assert "attribute_ruler" not in fast.pipe_names and "lemmatizer" not in fast.pipe_names
    texts = _texts()
    # Twice: the second pass answers from the stand-ins' remembered decisions.
    for _ in range(2):
        for text, expected, got in zip(texts, stock.pipe(texts), fast.pipe(texts)):
            assert _attributes(got) == _attributes(expected), text[:60]


def test_colloquial_forms_reach_their_rules():
    from newsarchive.fastpipes import speed_up

    doc = speed_up(spacy.load(DEFAULT_MODEL))(COLLOQUIAL)
    lemmas = {token.text: token.lemma_ for token in doc}
    assert lemmas["gon"] == "go" and lemmas["ai"] == "be"
    assert any(token.pos_ == "SPACE" for token in doc)


def test_unsupported_ruler_keeps_the_stock_component():
    from newsarchive.fastpipes import speed_up

    nlp = spacy.load(DEFAULT_MODEL)
    nlp.get_pipe("attribute_ruler").add([[{"LENGTH": {">": 40}}]], {"POS": "X"})
    speed_up(nlp)
    assert "attribute_ruler" in nlp.pipe_names and "fast_lemmatizer" in nlp.pipe_names


def test_cached_doc_reads_back_as_the_model_wrote_it():
    """The cache's own Doc format gives back every annotation the rules read, as spaCy's DocBin does."""
    from newsarchive.nlp import doc_from_bytes, doc_to_bytes, load_pipeline, sentence_spans

    nlp = load_pipeline(DEFAULT_MODEL)
    texts = _texts() + ["", "   \n\n  ", "One."]
    for text, doc in zip(texts, nlp.pipe(texts)):
        back = doc_from_bytes(nlp, doc_to_bytes(doc, text))
        assert back.text == text
        assert [t.text for t in back] == [t.text for t in doc]
        assert _attributes(back) == _attributes(doc), text[:60]
        assert [(e.start, e.end, e.label_) for e in back.ents] == [(e.start, e.end, e.label_) for e in doc.ents]
        assert sentence_spans(back, text) == sentence_spans(doc, text)
        assert [t.norm_ for t in back] == [t.norm_ for t in doc]
