"""What reply inference reads (one message) and what it returns (one link)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ChatMessage:
    """One message of a channel or thread, as much as inference needs to know of it."""

    message_id: int
    author_id: int
    # The author's names as others would type them: display name, username.
    names: tuple[str, ...]
    # Seconds since any fixed origin (a POSIX timestamp will do); only differences count.
    time: float
    text: str
    is_question: bool = False
    # A Reply, a thread reply or a mention says whom the message is for: it is not
    # inferred, but it is context (whom it addresses) for the messages after it.
    explicit_target: bool = False
    # The authors it explicitly addresses (the replied-to author, the mentioned members).
    addressed_ids: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class InferredLink:
    """The best antecedent of one message: another message's id, or None (no link)."""

    message_id: int
    author_id: int
    # None when the message starts something or continues its author's own turn.
    target_message_id: int | None
    target_author_id: int | None
    # The model's probability that this is the message's antecedent (for None: that the
    # message links to nothing).
    score: float

    @property
    def is_reply(self) -> bool:
        """Whether it links to another member's message (what Ascolto counts)."""
        return self.target_author_id is not None and self.target_author_id != self.author_id
