"""Hand-built conversations where a person sees at once who answers whom."""

from __future__ import annotations

from dataclasses import replace

from bot.analysis.questions import is_question
from bot.inference import ChatMessage, InferredLink, infer_replies

PEOPLE = {
    1: ("Alice Martin", "alice"),
    2: ("Bob", "bobby"),
    3: ("Carol", "carol_k"),
    4: ("Dan", "dan"),
}


# A few minutes of small talk first: in an active channel everyone has spoken lately
# (someone's first message in an hour usually starts something new, see docs/inference.md).
SMALL_TALK = (
    (1, "morning everyone", -400.0),
    (2, "hey", -380.0),
    (3, "hi all, coffee time", -350.0),
    (4, "good morning", -330.0),
)


def active(*lines: tuple[int, str, float]) -> list[ChatMessage]:
    """A channel where the four have just exchanged greetings, then the given lines."""
    greetings = channel(*SMALL_TALK)
    return [
        *(replace(m, message_id=m.message_id - 100) for m in greetings),
        *channel(*lines),
    ]


def channel(*lines: tuple[int, str, float]) -> list[ChatMessage]:
    """Messages from (author, text, seconds after the first) triples, ids from 100."""
    return [
        ChatMessage(
            message_id=100 + number,
            author_id=author,
            names=PEOPLE[author],
            time=1_700_000_000.0 + seconds,
            text=text,
            is_question=is_question(text),
        )
        for number, (author, text, seconds) in enumerate(lines)
    ]


def links(messages: list[ChatMessage]) -> dict[int, InferredLink]:
    return {link.message_id: link for link in infer_replies(messages)}


def test_an_answer_typed_without_reply_links_to_the_question() -> None:
    found = links(
        active(
            (1, "how do I change the voice channel bitrate?", 0),
            (2, "server settings, then the channel, bitrate slider", 40),
        )
    )

    assert found[101].target_message_id == 100
    assert found[101].is_reply
    assert found[100].target_message_id is None


def test_two_interleaved_conversations_stay_apart() -> None:
    found = links(
        active(
            (1, "alice here: is anyone using the docker image for postgres?", 0),
            (3, "what's the best keyboard for coding?", 20),
            (2, "alice: yes, the official postgres image works fine", 45),
            (4, "carol: mechanical keyboard, brown switches", 60),
            (1, "bob: thanks, does it keep the data when the container restarts?", 90),
            (3, "dan: thanks, are they loud?", 100),
        )
    )

    assert found[102].target_message_id == 100
    assert found[103].target_message_id == 101
    assert found[104].target_message_id == 102
    assert found[105].target_message_id == 103


def test_a_name_without_at_points_at_that_member() -> None:
    found = links(
        active(
            (2, "you can export the roles from the server settings", 0),
            (3, "lunch anyone?", 30),
            (4, "I had pizza already", 50),
            (1, "thanks bob, that worked", 80),
        )
    )

    assert found[103].target_message_id == 100
    assert found[103].target_author_id == 2


def test_a_monologue_links_to_no_one_else() -> None:
    found = links(
        channel(
            (1, "today I am rebuilding my home server", 0),
            (1, "first the backups", 60),
            (1, "then a fresh install of the system", 130),
            (1, "and finally the containers", 200),
        )
    )

    assert not any(link.is_reply for link in found.values())


def test_a_question_answered_after_three_unrelated_messages() -> None:
    found = links(
        active(
            (1, "does anyone know how to pin a message in a thread?", 0),
            (3, "dan: did you watch the match yesterday", 20),
            (4, "carol: yes what a goal", 35),
            (3, "dan: incredible second half", 50),
            (2, "alice: right click the message in the thread and choose pin", 70),
        )
    )

    assert found[104].target_message_id == 100
    assert found[104].is_reply


def test_messages_with_an_explicit_target_are_not_inferred() -> None:
    messages = channel((1, "who is hosting tonight?", 0), (2, "me", 10))
    messages[1] = ChatMessage(
        message_id=101,
        author_id=2,
        names=PEOPLE[2],
        time=messages[1].time,
        text="me",
        explicit_target=True,
        addressed_ids=(1,),
    )

    assert [link.message_id for link in infer_replies(messages)] == [100]


def test_an_empty_channel_has_no_links() -> None:
    assert infer_replies([]) == []
