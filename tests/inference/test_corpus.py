"""The corpus reader and the link scores, on a tiny hand-made sample."""

from __future__ import annotations

from pathlib import Path

from bot.inference.corpus import read_folder
from bot.inference.evaluation import link_scores

LOG = """\
[23:58] <alice> anyone know how to mount a usb disk?
=== bob joined the channel
[23:59] <bob> alice: sudo mount /dev/sdb1 /mnt
[00:01]  * alice tries it
[00:02] <alice> bob: thanks, works
"""
ANNOTATION = """\
0 0 -
1 1 -
0 2 -
2 3 -
2 4 -
3 4 -
"""


def write_sample(folder: Path) -> None:
    (folder / "2010-01-01_23.ascii.txt").write_text(LOG, encoding="utf-8")
    (folder / "2010-01-01_23.annotation.txt").write_text(ANNOTATION, encoding="utf-8")
    # A log without its annotation is not a sample.
    (folder / "2010-01-02_00.ascii.txt").write_text(LOG, encoding="utf-8")


def test_the_reader_keeps_chat_lines_and_their_numbers(tmp_path: Path) -> None:
    write_sample(tmp_path)

    [sample] = read_folder(tmp_path)

    assert sample.name == "2010-01-01_23"
    assert [m.message_id for m in sample.messages] == [0, 2, 3, 4]
    assert [m.text for m in sample.messages][1:3] == [
        "alice: sudo mount /dev/sdb1 /mnt",
        "tries it",
    ]
    assert sample.system_lines == {1}
    assert sample.messages[0].is_question
    assert (
        sample.messages[0].author_id == sample.messages[2].author_id != sample.messages[1].author_id
    )
    assert sample.gold == {0: {0}, 1: {1}, 2: {0}, 3: {2}, 4: {2, 3}}


def test_the_clock_runs_on_past_midnight(tmp_path: Path) -> None:
    write_sample(tmp_path)

    [sample] = read_folder(tmp_path)

    times = [m.time for m in sample.messages]
    assert times == sorted(times)
    assert times[2] - times[1] == 120


def test_link_scores_count_every_pair_self_links_included() -> None:
    gold = {0: {0}, 2: {0}, 4: {2, 3}}
    predicted = {0: {0}, 2: {1}, 4: {3}}

    scores = link_scores(gold, predicted)

    assert (scores.predicted, scores.gold, scores.correct) == (3, 4, 2)
    assert scores.precision == 2 / 3
    assert scores.recall == 0.5
    assert round(scores.f1, 4) == round(2 * (2 / 3) * 0.5 / (2 / 3 + 0.5), 4)
