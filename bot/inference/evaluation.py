"""Link precision, recall and F1 as Kummerfeld et al. (2019) count them (their Table 3)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.inference.corpus import CorpusSample
from bot.inference.infer import best_antecedents
from bot.inference.model import ReplyModel


@dataclass(frozen=True, slots=True)
class LinkScores:
    """Counts of predicted, gold and shared links, and the ratios they give."""

    predicted: int
    gold: int
    correct: int

    @property
    def precision(self) -> float:
        """Correct links over predicted links."""
        return self.correct / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        """Correct links over gold links."""
        return self.correct / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        """The harmonic mean of precision and recall."""
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0

    def __add__(self, other: LinkScores) -> LinkScores:
        return LinkScores(
            self.predicted + other.predicted, self.gold + other.gold, self.correct + other.correct
        )


def link_scores(gold: dict[int, set[int]], predicted: dict[int, set[int]]) -> LinkScores:
    """Score the annotated messages: every (antecedent, message) pair, self-links included."""
    n_predicted = n_gold = n_correct = 0
    for message, antecedents in gold.items():
        guessed = predicted.get(message, set())
        n_gold += len(antecedents)
        n_predicted += len(guessed)
        n_correct += len(antecedents & guessed)
    return LinkScores(n_predicted, n_gold, n_correct)


@dataclass(frozen=True, slots=True)
class Guess:
    """One annotated message's predicted antecedent and the model's probability for it."""

    line: int
    antecedent: int
    score: float
    # Whether the antecedent is another author's message (what Ascolto would count).
    between_authors: bool


def corpus_guesses(sample: CorpusSample, model: ReplyModel | None = None) -> list[Guess]:
    """The model's guess for every annotated line (system lines start conversations)."""
    slot, probability = best_antecedents(sample.messages, model)
    guesses = [Guess(line, line, 1.0, False) for line in sample.system_lines if line in sample.gold]
    for i, message in enumerate(sample.messages):
        if message.message_id not in sample.gold:
            continue
        target = sample.messages[i - int(slot[i])]
        guesses.append(
            Guess(
                line=message.message_id,
                antecedent=target.message_id,
                score=float(probability[i]),
                between_authors=target.author_id != message.author_id,
            )
        )
    return guesses


def previous_message_guesses(sample: CorpusSample) -> list[Guess]:
    """The baseline: every message responds to the message before it (the first to itself)."""
    guesses = [Guess(line, line, 1.0, False) for line in sample.system_lines if line in sample.gold]
    for before, message in zip([None, *sample.messages], sample.messages, strict=False):
        if message.message_id in sample.gold:
            target = before or message
            guesses.append(
                Guess(
                    message.message_id,
                    target.message_id,
                    1.0,
                    target.author_id != message.author_id,
                )
            )
    return guesses


def guess_scores(sample: CorpusSample, guesses: list[Guess]) -> LinkScores:
    """Link scores of one sample's guesses."""
    return link_scores(sample.gold, {guess.line: {guess.antecedent} for guess in guesses})


def between_authors_at(
    samples: list[CorpusSample], guesses: list[list[Guess]], threshold: float
) -> tuple[float, float]:
    """Precision and recall of links between different authors scored at least ``threshold``."""
    kept = correct = gold = 0
    for sample, found in zip(samples, guesses, strict=True):
        authors = {m.message_id: m.author_id for m in sample.messages}
        for line, antecedents in sample.gold.items():
            gold += sum(
                1
                for a in antecedents
                if a in authors and line in authors and authors[a] != authors[line]
            )
        for guess in found:
            if guess.between_authors and guess.score >= threshold:
                kept += 1
                correct += guess.antecedent in sample.gold.get(guess.line, set())
    return (correct / kept if kept else 1.0), (correct / gold if gold else 0.0)


def total_scores(samples: list[CorpusSample], guesses: list[list[Guess]]) -> LinkScores:
    """Link scores over several samples, counted together (as the paper does)."""
    total = LinkScores(0, 0, 0)
    for sample, found in zip(samples, guesses, strict=True):
        total = total + guess_scores(sample, found)
    return total
