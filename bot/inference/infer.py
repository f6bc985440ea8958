"""Reply inference over one channel: each message's best antecedent, or none."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import numpy as np
import numpy.typing as npt

from bot.inference.features import CANDIDATES, FEATURES, WINDOW_SECONDS, features, prepare
from bot.inference.model import ReplyModel, load_model
from bot.inference.records import ChatMessage, InferredLink

# Messages scored at once: bounds memory (about 7 MB of features per 1,000 messages).
CHUNK = 2048


@cache
def default_model() -> ReplyModel:
    """The shipped model, loaded once (the file never changes while the bot runs)."""
    return load_model()


def best_antecedents(
    messages: Sequence[ChatMessage],
    model: ReplyModel | None = None,
    scored: npt.NDArray[np.bool_] | None = None,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """For each message, how many places back its best antecedent is (0: none), and the
    model's probability for it. With ``scored``, only the messages it marks are scored
    (the others stay candidates, and read 0 and 0.0): a message's result does not
    depend on which others are scored."""
    model = model or default_model()
    _check(model)
    n = len(messages)
    slot = np.zeros(n, np.int64)
    probability = np.zeros(n, np.float64)
    rows = np.arange(n, dtype=np.int64) if scored is None else np.flatnonzero(scored)
    if len(rows) == 0:
        return slot, probability
    stream = prepare(messages)
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        table, valid = features(stream, chunk)
        if valid.all():  # a busy channel: no need to gather the valid slots
            raw = model.raw_columns(table.reshape(len(table), -1)).reshape(valid.shape)
        else:
            raw = np.full(valid.shape, -np.inf)
            raw[valid] = model.raw_columns(table[:, valid])
        best = raw.argmax(axis=1)
        slot[chunk] = best
        probability[chunk] = 1.0 / (1.0 + np.exp(-raw[np.arange(len(chunk)), best]))
    return slot, probability


def infer_replies(
    messages: Sequence[ChatMessage], model: ReplyModel | None = None, first: int = 0
) -> list[InferredLink]:
    """One link per message from ``first`` on without an explicit target, in order: its
    best antecedent among the candidates, or none; ``messages`` is one channel or
    thread in time order, and those before ``first`` are context only. Only the
    messages that get a link are scored."""
    wanted = np.zeros(len(messages), np.bool_)
    wanted[first:] = [not m.explicit_target for m in messages[first:]]
    slot, probability = best_antecedents(messages, model, wanted)
    links = []
    for i in np.flatnonzero(wanted).tolist():
        message = messages[i]
        back = int(slot[i])
        target = messages[i - back] if back else None
        links.append(
            InferredLink(
                message_id=message.message_id,
                author_id=message.author_id,
                target_message_id=target.message_id if target else None,
                target_author_id=target.author_id if target else None,
                score=float(probability[i]),
            )
        )
    return links


def _check(model: ReplyModel) -> None:
    """The model must have been trained on the features this code computes."""
    if model.features != FEATURES:
        raise ValueError(f"model {model.version} expects other features than this code computes")
    if model.candidates != CANDIDATES or model.window_seconds != WINDOW_SECONDS:
        raise ValueError(f"model {model.version} expects another candidate window")
