"""Scoring only some messages of a stream: the others stay candidates, and nobody's
result changes."""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path

import numpy as np
import pytest

from bot.inference import infer_replies
from bot.inference.corpus import read_sample
from bot.inference.infer import best_antecedents

DEV = Path(__file__).resolve().parents[2].parent / "shared/data/irc-disentanglement/dev"
SAMPLE = DEV / "2009-02-23_10.ascii.txt"


@pytest.mark.skipif(not SAMPLE.exists(), reason="the irc-disentanglement corpus is not here")
def test_messages_left_unscored_change_no_other_messages_result() -> None:
    messages = read_sample(SAMPLE).messages
    every_slot, every_probability = best_antecedents(messages)
    scored = np.random.default_rng(7).random(len(messages)) < 0.4

    slot, probability = best_antecedents(messages, scored=scored)

    assert scored.sum() > 100
    assert (slot[scored] == every_slot[scored]).all()
    assert (probability[scored] == every_probability[scored]).all()  # bit for bit
    assert not slot[~scored].any()
    assert not probability[~scored].any()
    # A message with no answer expected still counts as a candidate: some scored
    # messages link to unscored ones.
    targets = np.flatnonzero(scored & (slot > 0))
    assert (~scored[targets - slot[targets]]).any()


@pytest.mark.skipif(not SAMPLE.exists(), reason="the irc-disentanglement corpus is not here")
def test_explicit_targets_and_context_get_no_link_and_leave_the_others_as_they_were() -> None:
    rng = random.Random(3)
    messages = [
        dataclasses.replace(m, explicit_target=rng.random() < 0.4)
        for m in read_sample(SAMPLE).messages
    ]
    first = 100
    every_slot, every_probability = best_antecedents(messages)

    links = infer_replies(messages, first=first)

    expected = [i for i, m in enumerate(messages) if i >= first and not m.explicit_target]
    assert [link.message_id for link in links] == [messages[i].message_id for i in expected]
    for i, link in zip(expected, links, strict=True):
        back = int(every_slot[i])
        assert link.target_message_id == (messages[i - back].message_id if back else None)
        assert link.score == float(every_probability[i])
