"""What reply inference reads from the store, and the rows it writes there."""

from __future__ import annotations

from bot.clock import to_db_time
from bot.events import MessageKind
from bot.store.inferred import InferredRow, Place, Stretch
from tests.helpers import query
from tests.store.history import GENERAL, GUILD, RANDOM, History, at

GENERAL_PLACE = Place(GUILD, GENERAL, thread=False)
ALICE, BOB, CAROL = 1, 2, 3


async def test_context_reads_a_channel_in_time_order_with_names_and_targets(history: History):
    question = history.post(ALICE, "2026-03-02 10:00", "how do I restart the printer?")
    plain = history.post(BOB, "2026-03-02 10:01", "try the switch on the back")
    replied = history.post(CAROL, "2026-03-02 10:02", "or unplug it", reply_to=question)
    mentioned = history.post(BOB, "2026-03-02 10:03", "ask <@3>", mentions=(CAROL,))
    history.post(ALICE, "2026-03-02 10:04", "elsewhere", channel=RANDOM)
    history.post(ALICE, "2026-03-02 10:05", "", kind=MessageKind.SYSTEM)
    gone = history.post(ALICE, "2026-03-02 10:06", "oops")
    history.delete(gone, "2026-03-02 10:07")
    thread = history.thread_id("2026-03-02 10:08")
    history.post(BOB, "2026-03-02 10:09", "in a thread", thread=thread)
    queries = history.store.inferred

    found = await queries.stretch(GENERAL_PLACE, to_db_time(at("2026-03-02 10:00")), 0, "9999", 100)

    assert [m.chat.message_id for m in found] == [question, plain, replied, mentioned]
    first = found[0].chat
    assert first.author_id == ALICE
    assert first.names == ("member 1",)
    assert first.text == "how do I restart the printer?"
    assert first.is_question
    assert first.time == at("2026-03-02 10:00").timestamp()
    assert [m.chat.explicit_target for m in found] == [False, False, True, True]
    assert [m.chat.addressed_ids for m in found] == [(), (), (ALICE,), (CAROL,)]
    assert found[0].created_at == to_db_time(at("2026-03-02 10:00"))
    in_thread = await queries.stretch(Place(GUILD, thread, True), "0000", 0, "9999", 100)
    assert [(m.chat.text, m.chat.explicit_target) for m in in_thread] == [("in a thread", True)]


async def test_context_before_a_point_is_the_last_messages_in_time_order(history: History):
    ids = [history.post(ALICE, f"2026-03-02 10:0{minute}", f"line {minute}") for minute in range(6)]
    last = await history.store.inferred.places_of([ids[4]])

    _, created_at = last[ids[4]]
    before = await history.store.inferred.before(GENERAL_PLACE, created_at, ids[4], 3)

    assert [m.chat.message_id for m in before] == ids[1:4]


async def test_replacing_a_stretch_writes_its_rows_and_says_which_changed(
    history: History, tmp_path
):
    question = history.post(ALICE, "2026-03-02 10:00", "how?")
    answer = history.post(BOB, "2026-03-02 10:01", "so")
    other = history.post(CAROL, "2026-03-02 10:02", "and so")
    when = {
        m: to_db_time(at(f"2026-03-02 10:0{i}")) for i, m in enumerate((question, answer, other))
    }
    stretch = Stretch(GENERAL_PLACE, when[question], when[other])

    def row(message: int, target: int, target_id: int, source: int) -> InferredRow:
        return InferredRow(message, target, target_id, 0.9, "v1", source, when[message])

    first = await history.store.inferred.replace(stretch, [row(answer, question, ALICE, BOB)])
    again = await history.store.inferred.replace(stretch, [row(answer, question, ALICE, BOB)])
    moved = await history.store.inferred.replace(
        stretch, [row(answer, question, ALICE, BOB), row(other, answer, BOB, CAROL)]
    )

    assert first == {when[answer]}
    assert again == set()
    assert moved == {when[other]}
    rows = query(
        history.store.path,
        "SELECT guild_id, message_id, target_message_id, target_id, source_id, channel_id "
        "FROM inferred_replies ORDER BY message_id",
    )
    assert rows == [
        (GUILD, answer, question, ALICE, BOB, GENERAL),
        (GUILD, other, answer, BOB, CAROL, GENERAL),
    ]
    assert await history.store.inferred.count(GUILD) == 2


async def test_inference_is_on_until_a_manager_turns_it_off(history: History):
    inferred = history.store.inferred
    assert await inferred.enabled(GUILD)

    await inferred.set_enabled(GUILD, False, "2026-03-02T10:00:00.000Z")
    off = await inferred.enabled(GUILD)
    await inferred.set_enabled(GUILD, True, "2026-03-02T11:00:00.000Z")

    assert off is False
    assert await inferred.enabled(GUILD)


async def test_retention_keeps_the_rows_as_it_keeps_interactions(history: History):
    question = history.post(ALICE, "2026-03-02 10:00", "how?")
    answer = history.post(BOB, "2026-03-02 10:01", "so")
    created = to_db_time(at("2026-03-02 10:01"))
    stretch = Stretch(GENERAL_PLACE, "0000", "9999")
    await history.store.inferred.replace(
        stretch, [InferredRow(answer, question, ALICE, 0.9, "v1", BOB, created)]
    )

    await history.store.retention.erase_content_before("2027-01-01T00:00:00.000Z")

    assert await history.store.inferred.count(GUILD) == 1
