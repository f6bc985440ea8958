-- Ascolto schema, version 3: per-member daily activity, kept for the summaries.
--
-- A rollup of one guild's local day: each active member's counted messages, listening
-- messages (replies and thread replies) and reaction interactions, and the size of the
-- network at the day's end. The broadcaster list sums seven of these days instead of
-- re-reading a week of messages, and the network size of a day is the day before's
-- plus the day's new connections instead of a count over the guild's history.
--
-- It is a cache, never a source: a day's rows exist only while they agree with the
-- messages, interactions and connections. Any change at a time T (a message or an
-- interaction written or deleted, a message turned into one that does not count)
-- drops the rollups of every day that ends after T, and the next summary that needs
-- them computes them again. So opt-outs, deletions, exclusions and imports need no
-- code of their own here.
CREATE TABLE activity_days (
    guild_id     INTEGER NOT NULL,
    day          TEXT NOT NULL,     -- YYYY-MM-DD in `timezone`
    timezone     TEXT NOT NULL,     -- one time zone per guild: another one drops them all
    start_at     TEXT NOT NULL,     -- the day in UTC store time, [start_at, end_at)
    end_at       TEXT NOT NULL,
    network_size INTEGER NOT NULL,  -- connections whose first interaction is before end_at
    PRIMARY KEY (guild_id, day)
) WITHOUT ROWID;
CREATE INDEX activity_days_by_end ON activity_days (guild_id, end_at);

CREATE TABLE member_days (
    guild_id  INTEGER NOT NULL,
    day       TEXT NOT NULL,
    user_id   INTEGER NOT NULL,
    messages  INTEGER NOT NULL,
    replies   INTEGER NOT NULL,
    reactions INTEGER NOT NULL,
    PRIMARY KEY (guild_id, day, user_id),
    FOREIGN KEY (guild_id, day) REFERENCES activity_days (guild_id, day) ON DELETE CASCADE
) WITHOUT ROWID;

-- The triggers first check, through one index probe, whether the time is before the
-- end of the guild's latest stored day: false for every live message, which is newer.

CREATE TRIGGER activity_days_stale_on_message_insert AFTER INSERT ON messages
WHEN NEW.created_at < (SELECT max(end_at) FROM activity_days WHERE guild_id = NEW.guild_id)
BEGIN
    DELETE FROM activity_days WHERE guild_id = NEW.guild_id AND end_at > NEW.created_at;
END;

CREATE TRIGGER activity_days_stale_on_message_change AFTER UPDATE OF kind, deleted ON messages
WHEN (OLD.kind IS NOT NEW.kind OR OLD.deleted IS NOT NEW.deleted)
 AND OLD.created_at < (SELECT max(end_at) FROM activity_days WHERE guild_id = OLD.guild_id)
BEGIN
    DELETE FROM activity_days WHERE guild_id = OLD.guild_id AND end_at > OLD.created_at;
END;

CREATE TRIGGER activity_days_stale_on_message_delete AFTER DELETE ON messages
WHEN OLD.created_at < (SELECT max(end_at) FROM activity_days WHERE guild_id = OLD.guild_id)
BEGIN
    DELETE FROM activity_days WHERE guild_id = OLD.guild_id AND end_at > OLD.created_at;
END;

CREATE TRIGGER activity_days_stale_on_interaction_insert AFTER INSERT ON interactions
WHEN NEW.created_at < (SELECT max(end_at) FROM activity_days WHERE guild_id = NEW.guild_id)
BEGIN
    DELETE FROM activity_days WHERE guild_id = NEW.guild_id AND end_at > NEW.created_at;
END;

CREATE TRIGGER activity_days_stale_on_interaction_delete AFTER DELETE ON interactions
WHEN OLD.created_at < (SELECT max(end_at) FROM activity_days WHERE guild_id = OLD.guild_id)
BEGIN
    DELETE FROM activity_days WHERE guild_id = OLD.guild_id AND end_at > OLD.created_at;
END;

-- The interactions that can answer a question (docs/metrics.md, rule c: a mention of the
-- asker in the same channel or thread within a day), found by asker and place
-- without reading the reactions they receive.
CREATE INDEX interactions_answering ON interactions
    (guild_id, target_id, channel_id, created_at, source_id, message_id)
    WHERE kind IN ('mention', 'reply', 'thread_reply');

-- The day's questions, without reading the day's other messages.
CREATE INDEX messages_questions ON messages (guild_id, created_at) WHERE is_question = 1;
