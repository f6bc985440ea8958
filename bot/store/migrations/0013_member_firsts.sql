-- Ascolto schema, version 13: each member's first counted message, kept at write time.
--
-- A newcomer's first message (docs/metrics.md) is the first message that counts of a
-- member who joined at most 7 days before it. Finding a day's newcomers used to look up
-- the first message of every member whose join is unknown (all imported history), one
-- probe of the per-author index each: thousands of random reads for every summary.
-- `member_firsts` keeps that first message per member, so that a day's newcomers are
-- a range of its index by time.
--
-- The first message is computed only by bot/store/newcomers.py's `first_message`
-- fragment (bot/store/firsts.py runs it), never here:
--
-- * whoever inserts messages (the bot's flush, `ascolto import`) refreshes, at the end
--   of its transaction, the authors whose first message the new ones may be;
-- * the rare paths that make a message stop or start counting (an edit, a deletion,
--   an opt-out, a channel's exclusion) mark its author in `member_firsts_dirty` by the
--   triggers below; the next flush refreshes them, and until then every reader
--   computes those members' first messages afresh instead of trusting the stored row.
--
-- Existing stores: every author is marked here, and the first refresh (the next flush,
-- or the next summary) fills the table.
CREATE TABLE IF NOT EXISTS member_firsts (
    guild_id   INTEGER NOT NULL,
    user_id    INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (guild_id, user_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS member_firsts_by_time ON member_firsts (guild_id, created_at);

CREATE TABLE IF NOT EXISTS member_firsts_dirty (
    guild_id INTEGER NOT NULL,
    user_id  INTEGER NOT NULL,
    PRIMARY KEY (guild_id, user_id)
) WITHOUT ROWID;

CREATE TRIGGER IF NOT EXISTS member_firsts_on_message_change AFTER UPDATE OF kind, deleted ON messages
WHEN OLD.kind IS NOT NEW.kind OR OLD.deleted IS NOT NEW.deleted
BEGIN
    INSERT OR IGNORE INTO member_firsts_dirty (guild_id, user_id)
    VALUES (OLD.guild_id, OLD.author_id);
END;

CREATE TRIGGER IF NOT EXISTS member_firsts_on_message_delete AFTER DELETE ON messages
BEGIN
    INSERT OR IGNORE INTO member_firsts_dirty (guild_id, user_id)
    VALUES (OLD.guild_id, OLD.author_id);
END;

INSERT OR IGNORE INTO member_firsts_dirty (guild_id, user_id)
SELECT DISTINCT guild_id, author_id FROM messages;

-- The first responses of the messages that ask for one (questions, members' first
-- messages), kept at write time: `first_response` and `first_reply_to_author` are
-- bot/store/responses.py's FIRST_RESPONSE and FIRST_REPLY_TO_AUTHOR with no deadline
-- (the earliest ever; a reader with a deadline keeps the value when it is not later),
-- computed by bot/store/response_rollup.py only (`first_reply_to_author` is kept up
-- to date only while the message is its author's first: only newcomers read it). A row
-- is trusted only while its message is not in `message_responses_dirty` nor its author
-- in `member_firsts_dirty`; a message without a trusted row is computed afresh by the
-- reader. Writes mark the rows they may change: the bot's flush
-- and imports mark, set-based, the messages replied to or threaded under by new
-- messages and those the new interactions may answer (the author's messages of the
-- 25 hours before); the rare paths mark by the triggers below. The flush computes the
-- marked rows again once a few hundred wait.
CREATE TABLE IF NOT EXISTS message_responses (
    message_id            INTEGER PRIMARY KEY,
    guild_id              INTEGER NOT NULL,
    author_id             INTEGER NOT NULL,
    created_at            TEXT NOT NULL,
    place                 INTEGER NOT NULL,  -- its thread, else its channel
    first_response        TEXT,
    first_reply_to_author TEXT
);
CREATE INDEX IF NOT EXISTS message_responses_by_author
    ON message_responses (guild_id, author_id, created_at);

CREATE TABLE IF NOT EXISTS message_responses_dirty (
    message_id INTEGER PRIMARY KEY,
    guild_id   INTEGER NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS message_responses_dirty_by_time
    ON message_responses_dirty (guild_id, created_at);

-- An interaction removed (a message deleted or edited, an opt-out, an exclusion): the
-- kept messages of its target that it may have answered.
CREATE TRIGGER IF NOT EXISTS message_responses_on_interaction_delete AFTER DELETE ON interactions
WHEN OLD.kind != 'reaction'
BEGIN
    INSERT OR IGNORE INTO message_responses_dirty (message_id, guild_id, created_at)
    SELECT message_id, guild_id, created_at FROM message_responses
    WHERE guild_id = OLD.guild_id AND author_id = OLD.target_id
      AND created_at <= OLD.created_at
      AND created_at >= strftime('%Y-%m-%dT%H:%M:%fZ', OLD.created_at, '-25 hours');
END;

-- A message that starts or stops counting: what it replied to or was threaded under,
-- and what its remaining interactions may have answered.
CREATE TRIGGER IF NOT EXISTS message_responses_on_message_change
AFTER UPDATE OF kind, deleted ON messages
WHEN OLD.kind IS NOT NEW.kind OR OLD.deleted IS NOT NEW.deleted
BEGIN
    INSERT OR IGNORE INTO message_responses_dirty (message_id, guild_id, created_at)
    SELECT message_id, guild_id, created_at FROM message_responses
    WHERE message_id IN (OLD.reply_to_message_id, OLD.thread_id);
    INSERT OR IGNORE INTO message_responses_dirty (message_id, guild_id, created_at)
    SELECT s.message_id, s.guild_id, s.created_at FROM interactions i
    JOIN message_responses s ON s.guild_id = i.guild_id AND s.author_id = i.target_id
     AND s.created_at <= i.created_at
     AND s.created_at >= strftime('%Y-%m-%dT%H:%M:%fZ', i.created_at, '-25 hours')
    WHERE i.message_id = OLD.message_id AND i.kind != 'reaction';
END;

CREATE TRIGGER IF NOT EXISTS message_responses_on_message_delete AFTER DELETE ON messages
BEGIN
    DELETE FROM message_responses WHERE message_id = OLD.message_id;
    INSERT OR IGNORE INTO message_responses_dirty (message_id, guild_id, created_at)
    SELECT message_id, guild_id, created_at FROM message_responses
    WHERE message_id IN (OLD.reply_to_message_id, OLD.thread_id);
END;

-- A member forgotten (`/privacy optout` and `forget` delete their messages, then mark
-- them opted out): nothing here may keep their id, not even a mark.
CREATE TRIGGER IF NOT EXISTS member_rollups_on_opt_out AFTER UPDATE OF opted_out ON members
WHEN NEW.opted_out = 1
BEGIN
    DELETE FROM member_firsts WHERE guild_id = NEW.guild_id AND user_id = NEW.user_id;
    DELETE FROM member_firsts_dirty WHERE guild_id = NEW.guild_id AND user_id = NEW.user_id;
    DELETE FROM message_responses WHERE guild_id = NEW.guild_id AND author_id = NEW.user_id;
END;


-- Existing stores: every question is marked (members' first messages are marked when
-- `member_firsts` is filled); the flushes compute them, a thousand at a time.
INSERT OR IGNORE INTO message_responses_dirty (message_id, guild_id, created_at)
SELECT message_id, guild_id, created_at FROM messages WHERE is_question = 1;
