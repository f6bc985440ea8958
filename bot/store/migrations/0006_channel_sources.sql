-- Ascolto schema, version 6: what imported history recorded, so that a number its
-- source could not know is shown as unknown instead of as zero.

-- One row per export file imported (the same file again adds nothing): the channel or
-- thread it holds, the stretch of time from its first to its last message, and
-- whether the exporter that wrote it recorded replies, mention lists and the users of
-- reactions (1) or not (0). The rule that decides is in bot/dce/reader.py and
-- docs/data.md. Messages the live bot recorded have no row: they carry all three.
-- A stretch, not a flag on the channel, because one channel can hold an old export's
-- years and then the live bot's days.
CREATE TABLE channel_sources (
    guild_id      INTEGER NOT NULL,
    channel_id    INTEGER NOT NULL,  -- the channel, or the thread (messages' thread_id)
    first_at      TEXT NOT NULL,
    last_at       TEXT NOT NULL,
    reply_data    INTEGER NOT NULL CHECK (reply_data IN (0, 1)),
    mention_data  INTEGER NOT NULL CHECK (mention_data IN (0, 1)),
    reaction_data INTEGER NOT NULL CHECK (reaction_data IN (0, 1)),
    PRIMARY KEY (guild_id, channel_id, first_at, last_at,
                 reply_data, mention_data, reaction_data)
) WITHOUT ROWID;
