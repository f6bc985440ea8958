-- Ascolto schema, version 4: reminders to reply and to listen.

-- Where a guild's alerts go and after how long. Items (questions, newcomers' first
-- messages) that fell due up to `checked_until` were decided: announced, or answered
-- in time. Stored, so that a restart neither repeats nor loses one.
CREATE TABLE alert_settings (
    guild_id               INTEGER PRIMARY KEY,
    channel_id             INTEGER NOT NULL,
    after_minutes          INTEGER NOT NULL,
    newcomer_after_minutes INTEGER NOT NULL,
    enabled                INTEGER NOT NULL DEFAULT 1,
    checked_until          TEXT NOT NULL
);

-- A guild's quiet hours (local HH:MM, from `starts` up to `ends`): no DM then.
CREATE TABLE quiet_hours (
    guild_id INTEGER PRIMARY KEY,
    starts   TEXT NOT NULL,
    ends     TEXT NOT NULL
);

-- One message in the alerts channel, for the items that fell due together. The row
-- is claimed before the message is sent, so an alert goes out at most once.
CREATE TABLE alert_posts (
    post_id    INTEGER PRIMARY KEY,
    guild_id   INTEGER NOT NULL,
    channel_id INTEGER NOT NULL,
    message_id INTEGER,            -- NULL until posted, or when posting failed
    claimed_at TEXT NOT NULL
);

-- Every reminder sent, one row per item: a question or newcomer's first message
-- announced to the team (user_id NULL), a message owed a reply listed in a member's
-- DM ('inbox'), or a listening nudge ('listening', no message). `answered_at` is
-- when the item got answered afterwards (for a listening nudge: when the member next
-- replied or reacted), as the reminder pass saw it.
CREATE TABLE reminders (
    reminder_id INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('question', 'newcomer', 'inbox', 'listening')),
    user_id     INTEGER,
    message_id  INTEGER REFERENCES messages (message_id) ON DELETE CASCADE,
    author_id   INTEGER,
    post_id     INTEGER REFERENCES alert_posts (post_id) ON DELETE SET NULL,
    sent_at     TEXT NOT NULL,
    answered_at TEXT
);
CREATE UNIQUE INDEX reminders_alert_once ON reminders (message_id) WHERE user_id IS NULL;
CREATE INDEX reminders_open ON reminders (sent_at) WHERE answered_at IS NULL;
CREATE INDEX reminders_by_guild_time ON reminders (guild_id, sent_at);
CREATE INDEX reminders_by_member ON reminders (guild_id, user_id, sent_at);
CREATE INDEX reminders_by_post ON reminders (post_id) WHERE post_id IS NOT NULL;

-- Members who turned on the daily DM, and when the next one is due (local `hour`).
CREATE TABLE nudges (
    guild_id          INTEGER NOT NULL,
    user_id           INTEGER NOT NULL,
    hour              INTEGER NOT NULL CHECK (hour BETWEEN 0 AND 23),
    enabled           INTEGER NOT NULL DEFAULT 1,
    next_due_at       TEXT,
    last_sent_at      TEXT,
    last_listening_at TEXT,
    off_reason        TEXT,      -- set when the bot turned them off (DMs refused)
    changed_at        TEXT NOT NULL,
    PRIMARY KEY (guild_id, user_id)
) WITHOUT ROWID;
CREATE INDEX nudges_due ON nudges (next_due_at) WHERE enabled = 1;

-- Inbox items a member marked done with the button.
CREATE TABLE inbox_done (
    guild_id   INTEGER NOT NULL,
    user_id    INTEGER NOT NULL,
    message_id INTEGER NOT NULL REFERENCES messages (message_id) ON DELETE CASCADE,
    done_at    TEXT NOT NULL,
    PRIMARY KEY (user_id, message_id)
) WITHOUT ROWID;

-- What a member did lately (the listening nudge, and whether they listened after it).
CREATE INDEX interactions_by_source ON interactions (guild_id, source_id, created_at);

-- The summaries count the reminders of each day and those followed within 24 hours.
ALTER TABLE daily_summaries ADD COLUMN reminders_sent INTEGER NOT NULL DEFAULT 0;
ALTER TABLE daily_summaries ADD COLUMN reminders_followed INTEGER NOT NULL DEFAULT 0;
