"""One file of the annotated dev split, scored quickly: the model keeps its level."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.inference.corpus import read_sample
from bot.inference.evaluation import corpus_guesses, guess_scores, previous_message_guesses

DEV = Path(__file__).resolve().parents[2].parent / "shared/data/irc-disentanglement/dev"
SAMPLE = DEV / "2009-02-23_10.ascii.txt"


@pytest.mark.skipif(not SAMPLE.exists(), reason="the irc-disentanglement corpus is not here")
def test_a_dev_file_scores_well_above_the_previous_message_baseline() -> None:
    sample = read_sample(SAMPLE)

    model = guess_scores(sample, corpus_guesses(sample))
    baseline = guess_scores(sample, previous_message_guesses(sample))

    assert model.gold >= 250
    assert model.f1 >= 0.62
    assert model.f1 >= baseline.f1 + 0.25
