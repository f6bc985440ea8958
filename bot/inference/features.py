"""Pairwise features of (message, candidate antecedent), computed for a whole stream at once.

Every message ``i`` has ``CANDIDATES + 1`` slots: slot 0 stands for "no link" (the
message starts something or continues its author's turn), slot ``k`` for the message
``k`` places before it. A slot is valid when that message exists and is at most
``WINDOW_SECONDS`` older. Everything is computed over arrays of shape ``(n, slots)``:
there is no Python loop over candidates, only over messages for the text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from bot.inference.records import ChatMessage
from bot.inference.text import WORD, NameIndex, name_key

# The candidates: the last 50 messages of the channel, none older than 60 minutes.
CANDIDATES = 50
WINDOW_SECONDS = 3600.0
# How many following messages of the same author count ("spoke 3+ times since").
_CHAIN = 3
# "The candidate author's previous links": how often the two addressed each other in
# this many messages before.
_INTERACTION_WINDOW = 4 * CANDIDATES
# Word rarity counts a stream as at least this long (see _overlap).
_RARITY_FLOOR = 1000
# A sentinel for "the author has not spoken in the window".
_FAR = CANDIDATES + 1

FEATURES: tuple[str, ...] = (
    "is_self",
    "distance",
    "minutes",
    "same_author",
    "addresses_candidate_author",
    "names_candidate_author",
    "addresses_other",
    "candidate_addresses_author",
    "candidate_names_author",
    "candidate_addresses_other",
    "candidate_author_spoke_since",
    "author_spoke_since",
    "candidate_after_author_last",
    "author_last_to_candidate",
    "author_last_addressed_candidate_author",
    "author_last_followed_candidate_author",
    "candidate_author_latest_addressed_author",
    "same_addressee",
    "interactions",
    "candidate_is_question",
    "question_then_answer",
    "overlap",
    "overlap_share",
    "overlap_rank",
    "candidate_words",
    "candidate_gap_minutes",
    "candidate_author_last_distance",
    "is_question",
    "addresses_anyone",
    "names_anyone",
    "words",
    "gap_minutes",
    "author_last_distance",
    "author_last_minutes",
)

# The features measured on a continuous scale (minutes, word overlap); every other one
# is a whole number by construction, which the model bins with a lookup instead of a
# search.
REAL_FEATURES = frozenset(
    {
        "minutes",
        "overlap",
        "overlap_share",
        "candidate_gap_minutes",
        "gap_minutes",
        "author_last_minutes",
    }
)
INTEGER_FEATURES = frozenset(FEATURES) - REAL_FEATURES

Float = npt.NDArray[np.float32]
Int = npt.NDArray[np.int64]
Bool = npt.NDArray[np.bool_]
_WORDS = WORD.findall


@dataclass(slots=True)
class Stream:
    """Per-message arrays of one channel, prepared once; features are cut from it."""

    time: npt.NDArray[np.float64]
    author: Int
    authors: int
    question: Bool
    n_words: Int
    # (n, width) whom each message addresses (opening name or explicit target) and
    # whom it names anywhere, smallest first, -1 filling the rest of the row.
    addressed: Int
    named: Int
    # The first person each message addresses, or -1.
    addressee: Int
    # Each message's previous message by the same author (-1 when none), the next one
    # (n when none).
    previous_own: Int
    next_own: Int
    # Sorted keys pair * n + message for each message that addresses someone.
    interactions: Int
    # (n, slots) weighted word overlap with each candidate; each message's own weight.
    overlap: Float
    weight: Float


def _chain(start: Int, step: Int, times: int) -> list[Int]:
    """start, step[start], step[step[start]], ... (times values), clipped into step."""
    out = [start]
    for _ in range(times - 1):
        out.append(step[np.clip(out[-1], 0, len(step) - 1)])
    return out


def prepare(messages: Sequence[ChatMessage]) -> Stream:
    """The arrays features are computed from; text is read here, once per message."""
    n = len(messages)
    index: dict[int, int] = {}
    names: dict[int, set[str]] = {}
    for message in messages:
        index.setdefault(message.author_id, len(index))
        names.setdefault(index[message.author_id], set()).update(message.names)
    authors = max(len(index), 1)
    people = NameIndex(names.items())
    author_list = [index[m.author_id] for m in messages]
    author = np.array(author_list, np.int64)
    time = np.fromiter((m.time for m in messages), np.float64, n)
    question = np.fromiter((m.is_question for m in messages), np.bool_, n)

    addressed: list[tuple[int, int]] = []
    named: list[tuple[int, int]] = []
    n_words: list[int] = []
    n_distinct: list[int] = []
    token_hash: list[int] = []
    opening = people.opening
    mentions = people.named
    for i, (message, me) in enumerate(zip(messages, author_list, strict=True)):
        lowered = message.text.lower()
        text_words = _WORDS(lowered)
        distinct = set(text_words)
        n_words.append(len(text_words))
        targets = opening(lowered)
        if message.addressed_ids:
            targets = targets | {index[a] for a in message.addressed_ids if a in index}
        if targets:
            addressed.extend((i, a) for a in targets if a != me)
        keyed = distinct
        if "'" in lowered or "\u2019" in lowered:
            keyed = {name_key(word) for word in distinct}
        mentioned = mentions(keyed)
        if mentioned:
            named.extend((i, a) for a in mentioned if a != me)
        # Python's string hash is stable within a process: enough to tell words apart.
        token_hash.extend(map(hash, distinct))
        n_distinct.append(len(distinct))
    _, token = np.unique(np.array(token_hash, np.int64), return_inverse=True)
    token_message = np.repeat(np.arange(n, dtype=np.int64), n_distinct)

    order = np.lexsort((np.arange(n), author))
    previous_own = np.full(n, -1, np.int64)
    next_own = np.full(n, n, np.int64)
    same = author[order[1:]] == author[order[:-1]]
    previous_own[order[1:][same]] = order[:-1][same]
    next_own[order[:-1][same]] = order[1:][same]

    pair_events = [
        (min(a, int(author[i])) * authors + max(a, int(author[i]))) * n + i for i, a in addressed
    ]
    overlap, weight = _overlap(n, token_message, token.reshape(-1))
    addressed_table = _table(n, addressed)
    return Stream(
        time=time,
        author=author,
        authors=authors,
        question=question,
        n_words=np.array(n_words, np.int64),
        addressed=addressed_table,
        named=_table(n, named),
        addressee=addressed_table[:, 0],
        previous_own=previous_own,
        next_own=next_own,
        interactions=np.sort(np.array(pair_events, np.int64)),
        overlap=overlap,
        weight=weight,
    )


def _overlap(n: int, message: Int, token: Int) -> tuple[Float, Float]:
    """Shared words with each candidate, each word weighted by its rarity in the stream."""
    slots = CANDIDATES + 1
    overlap: npt.NDArray[np.float64] = np.zeros(n * slots, np.float64)
    if len(token) == 0:
        return overlap.reshape(n, slots).astype(np.float32), np.zeros(n, np.float32)
    counts = np.bincount(token)
    # A word's weight is its rarity in the stream, as if the stream held at least a
    # thousand messages: in a short one every word is rare, and weights would not
    # mean what they meant in training.
    rarity = np.log((max(n, _RARITY_FLOOR) + 1.0) / counts)[token]
    weight = np.bincount(message, weights=rarity, minlength=n)
    order = np.lexsort((message, token))
    message, token, rarity = message[order], token[order], rarity[order]
    # Within one word the messages are in order: lag l pairs each use with the l-th
    # one before it; once no such pair is near enough, none further back is either.
    keys: list[Int] = []
    weights: list[npt.NDArray[np.float64]] = []
    for lag in range(1, len(token)):
        near = (token[lag:] == token[:-lag]) & (message[lag:] - message[:-lag] <= CANDIDATES)
        if not near.any():
            break
        later = message[lag:][near]
        keys.append(later * slots + (later - message[:-lag][near]))
        weights.append(rarity[lag:][near])
    if keys:
        overlap = np.bincount(
            np.concatenate(keys), weights=np.concatenate(weights), minlength=n * slots
        ).astype(np.float64)
    return overlap.reshape(n, slots).astype(np.float32), weight.astype(np.float32)


def _table(n: int, pairs: list[tuple[int, int]]) -> Int:
    """(n, width) people per message from (message, person) pairs, -1 where none."""
    if not pairs:
        return np.full((n, 1), -1, np.int64)
    # Sorted, without repeats; each person's place in its message's row is its rank there.
    found = np.unique(np.array(pairs, np.int64), axis=0)
    message, person = found[:, 0], found[:, 1]
    starts = np.flatnonzero(np.r_[True, message[1:] != message[:-1]])
    place = np.arange(len(message)) - np.repeat(starts, np.diff(np.r_[starts, len(message)]))
    table = np.full((n, int(place.max()) + 1), -1, np.int64)
    table[message, place] = person
    return table


def _member(table: Int, rows: Int, person: Int) -> Bool:
    """Whether ``person`` is in row ``rows`` of a people table (arrays of one shape)."""
    found: Bool = table[rows, 0] == person
    for column in range(1, table.shape[1]):
        found |= table[rows, column] == person
    return found


def _rank(values: Float) -> Int:
    """For each value, how many in its row are larger."""
    order = np.argsort(-values, axis=1, kind="stable")
    ordered = np.take_along_axis(values, order, axis=1)
    starts = np.ones(values.shape, np.bool_)
    starts[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    position = np.arange(values.shape[1])
    first = np.maximum.accumulate(np.where(starts, position, 0), axis=1)
    rank = np.empty(values.shape, np.int64)
    np.put_along_axis(rank, order, first, axis=1)
    return rank


def features(stream: Stream, rows: Int) -> tuple[Float, Bool]:
    """Features of the messages ``rows`` (indices into the stream, which holds every
    message as a candidate), one feature after the other (shape
    ``(len(FEATURES), len(rows), slots)``, so that each feature is contiguous), and
    which slots are valid. A row's features depend only on the stream, never on which
    other rows are computed with it."""
    s = stream
    n = len(s.time)
    slots = CANDIDATES + 1
    i = np.asarray(rows, np.int64)[:, None]
    k = np.arange(slots, dtype=np.int64)[None, :]
    j_raw = i - k
    j = np.maximum(j_raw, 0)
    seconds = s.time[i] - s.time[j]
    valid = (j_raw >= 0) & (seconds <= WINDOW_SECONDS)
    candidate = valid & (k > 0)
    a = s.author[i]
    b = s.author[j]
    keys = s.authors

    addresses_b = _member(s.addressed, i, b) & candidate
    names_b = _member(s.named, i, b) & candidate
    addresses_any = s.addressee[i] >= 0
    b_addresses_a = _member(s.addressed, j, a) & candidate
    b_names_a = _member(s.named, j, a) & candidate
    b_addresses_any = s.addressee[j] >= 0

    # How often each author spoke between the candidate and the message (capped).
    b_since = sum(
        ((nxt < i) for nxt in _chain(s.next_own[j], s.next_own, _CHAIN)), np.zeros_like(j)
    )
    own = _chain(s.previous_own[i[:, 0]], s.previous_own, _CHAIN)
    a_since = sum(((prev[:, None] > j) for prev in own), np.zeros_like(j))
    last = own[0][:, None]
    has_last = (last >= 0) & (s.time[i] - s.time[np.maximum(last, 0)] <= WINDOW_SECONDS)
    # Turn-taking: B spoke first after A's last message (A, B, A).
    after_last = has_last & (last < j) & (s.previous_own[j] < last)
    last_to_candidate = np.where(has_last, j - last, _FAR)
    last_addressed_b = has_last & _member(s.addressed, np.maximum(last, 0), b)
    # The author last spoke right after the candidate's author (was answering them).
    before_last = np.maximum(last - 1, 0)
    last_followed_b = has_last & (last >= 1) & (s.author[before_last] == b)
    # The candidate author's latest message before this one addressed this author.
    latest_b = j
    for later in _chain(s.next_own[j], s.next_own, _CHAIN):
        latest_b = np.where(later < i, later, latest_b)
    latest_b_addressed_a = _member(s.addressed, latest_b, a)
    same_addressee = addresses_any & (s.addressee[i] == s.addressee[j]) & (s.addressee[i] != b)

    low = np.minimum(a, b)
    high = np.maximum(a, b)
    pair = (low * keys + high) * n
    if len(s.interactions):
        interactions = np.searchsorted(s.interactions, pair + i) - np.searchsorted(
            s.interactions, pair + np.maximum(i - _INTERACTION_WINDOW, 0)
        )
    else:
        interactions = np.zeros_like(j)

    overlap = np.where(candidate, s.overlap[i[:, 0]], 0.0)
    own_weight = s.weight[i]
    share = overlap / np.maximum(own_weight, 1e-6)
    # Rank 0 for the candidate sharing most (ties share the better rank): how many
    # candidates share more, which is where the value's run starts in descending order.
    rank = _rank(overlap)

    gap = (s.time[i] - s.time[np.maximum(i - 1, 0)]) / 60.0
    gap = np.where(i > 0, gap, WINDOW_SECONDS / 60.0)
    candidate_gap = (s.time[j] - s.time[np.maximum(j - 1, 0)]) / 60.0
    a_last_distance = np.where(has_last, i - last, _FAR)
    a_last_minutes = np.where(
        has_last, (s.time[i] - s.time[np.maximum(last, 0)]) / 60.0, WINDOW_SECONDS / 60.0
    )
    # How long since the candidate's author spoke before it (newcomers ask, others answer).
    b_last = s.previous_own[j]
    b_last_distance = np.where(
        (b_last >= 0) & (s.time[j] - s.time[np.maximum(b_last, 0)] <= WINDOW_SECONDS),
        np.minimum(j - b_last, _FAR),
        _FAR,
    )
    is_self = np.broadcast_to(k == 0, j.shape)

    def pairwise(values: npt.ArrayLike) -> _Pairwise:
        # Pair features mean nothing in the "no link" slot (and invalid ones): zero there
        # (done as the table is filled, see below).
        return _Pairwise(values)

    def whole(values: npt.ArrayLike) -> npt.ArrayLike:
        return values

    columns = {
        "is_self": whole(is_self),
        "distance": pairwise(k),
        "minutes": pairwise(seconds / 60.0),
        "same_author": pairwise(a == b),
        "addresses_candidate_author": pairwise(addresses_b),
        "names_candidate_author": pairwise(names_b),
        "addresses_other": pairwise(addresses_any & ~addresses_b),
        "candidate_addresses_author": pairwise(b_addresses_a),
        "candidate_names_author": pairwise(b_names_a),
        "candidate_addresses_other": pairwise(b_addresses_any & ~b_addresses_a),
        "candidate_author_spoke_since": pairwise(b_since),
        "author_spoke_since": pairwise(a_since),
        "candidate_after_author_last": pairwise(after_last),
        "author_last_to_candidate": pairwise(last_to_candidate),
        "author_last_addressed_candidate_author": pairwise(last_addressed_b),
        "author_last_followed_candidate_author": pairwise(last_followed_b),
        "candidate_author_latest_addressed_author": pairwise(latest_b_addressed_a),
        "same_addressee": pairwise(same_addressee),
        "interactions": pairwise(interactions),
        "candidate_is_question": pairwise(s.question[j]),
        "question_then_answer": pairwise(s.question[j] & ~s.question[i]),
        "overlap": pairwise(overlap),
        "overlap_share": pairwise(share),
        "overlap_rank": pairwise(rank),
        "candidate_words": pairwise(s.n_words[j]),
        "candidate_gap_minutes": pairwise(candidate_gap),
        "candidate_author_last_distance": pairwise(b_last_distance),
        "is_question": whole(s.question[i]),
        "addresses_anyone": whole(addresses_any),
        "names_anyone": whole((s.named[i[:, 0], 0] >= 0)[:, None]),
        "words": whole(s.n_words[i]),
        "gap_minutes": whole(gap),
        "author_last_distance": whole(a_last_distance),
        "author_last_minutes": whole(a_last_minutes),
    }
    table = np.empty((len(FEATURES), *j.shape), np.float32)
    for column, name in enumerate(FEATURES):
        values = columns[name]
        if isinstance(values, _Pairwise):
            # Zeroed straight into the table: no float32 copy of each feature first
            # (the product of a value with 1 or 0 is that value or zero, as before).
            np.multiply(values.values, candidate, out=table[column], casting="unsafe")
        else:
            table[column] = values
    return table, valid


@dataclass(frozen=True, slots=True)
class _Pairwise:
    """A feature of (message, candidate) pairs, zero where there is no candidate."""

    values: npt.ArrayLike
