"""Realis: one occurrence said to have happened is an event; totals, habits, denials and
hypotheses are statements (newsarchive/realis.py). Sentences in the wording of real reports
(the issue's examples and the seeds), each kind of error on its own."""

import pytest

from newsarchive.lexicon import is_trigger, lexicon
from newsarchive.nlp import load_pipeline
from newsarchive.realis import RealisReader


@pytest.fixture(scope="module")
def read():
    nlp = load_pipeline()
    table = lexicon()

    def realis(sentence: str, trigger: str) -> str:
        doc = nlp(sentence)
        reader = RealisReader(table.words, table.nouns.keys() | table.verbs.keys(), set())
        token = next(t for t in doc if t.text == trigger and is_trigger(t, table))
        return reader.classify(token)

    return realis


@pytest.mark.parametrize("sentence, trigger, kind", [
    # running totals and campaigns
    ("More than 2,500 Afghan civilians have been killed so far this year, the UN said.", "killed", "aggregate"),
    ("More than 220,000 people have been killed in Syria since anti-government protests broke out in March 2011.",
     "killed", "aggregate"),
    ("More than 200,000 people have been killed in the conflict, which began with protests in March 2011.", "killed",
     "aggregate"),
    ("The war that has killed 250,000 people is in its sixth year.", "killed", "aggregate"),
    ("Turkey has been rocked by a string of terror attacks over the past year.", "attacks", "aggregate"),
    # the period after the last of two coordinated verbs tells of both
    ("UNICEF said 62 children were killed and 30 wounded during the fighting in Yemen over the past week.", "killed",
     "aggregate"),
    ("Hezbollah has been fighting in Syria alongside government forces.", "fighting", "aggregate"),
    ("Government forces have recently stepped up bombardment of rebel areas in the north.", "bombardment", "aggregate"),
    ("Local affiliates of the IS group have targeted minority Shiites and security officials.", "targeted", "aggregate"),
    # habitual activity
    ("Protesters have rallied weekly outside the parliament.", "rallied", "habitual"),
    ("Aid convoys are frequently targeted on the road to the city.", "targeted", "habitual"),
    ("The militants continue to launch deadly attacks across the country.", "attacks", "habitual"),
    ("The airfield has been used for countless air raids on civilian targets.", "raids", "habitual"),
    # denied, negated
    ("Russia has denied targeting civilians in its air campaign.", "targeting", "negated"),
    ("The group did not manage to advance into the Kurdish neighbourhoods.", "advance", "negated"),
    # hypothetical, future, intended
    ("If the militants seize the city, it would be the second provincial capital to fall.", "seize", "hypothetical"),
    ("The minister said the air force will keep bombing the militants' positions.", "bombing", "hypothetical"),
    ("The group has vowed to inflict violent attacks on both countries.", "attacks", "hypothetical"),
    ("Officials warned against any U.S.-led ground attack on the city.", "attack", "hypothetical"),
    # one occurrence
    ("Three people were killed when a car bomb exploded in Kabul on Wednesday.", "exploded", "specific"),
    ("Clashes have erupted in the capital between rival factions.", "Clashes", "specific"),
    ("Witnesses reported seeing troops looting a shop in the capital.", "looting", "specific"),
    ("The fighters were forced to pull back two kilometres after fierce combat with regime forces.", "combat", "specific"),
    ("Israeli airstrikes have killed 20 people in the town.", "killed", "specific"),
    ("Islamic State fighters have seized the town of Palmyra.", "seized", "specific"),
])
def test_realis(read, sentence, trigger, kind):
    assert read(sentence, trigger) == kind
