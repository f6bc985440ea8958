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
