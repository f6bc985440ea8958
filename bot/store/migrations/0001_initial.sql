-- Ascolto schema, version 1. Times are UTC ISO-8601 text, e.g. 2026-01-31T18:04:05.123Z.
-- Ids are Discord snowflakes stored as INTEGER.

CREATE TABLE guilds (
    guild_id      INTEGER PRIMARY KEY,
    name          TEXT,
    first_seen_at TEXT NOT NULL
);

CREATE TABLE channels (
    channel_id INTEGER PRIMARY KEY,
    guild_id   INTEGER NOT NULL,
    name       TEXT,
    kind       TEXT NOT NULL,     -- text, news, forum, voice, public_thread, private_thread, ...
    parent_id  INTEGER,           -- a thread's channel, or a channel's category
    owner_id   INTEGER,           -- who created a thread
    created_at TEXT
);
CREATE INDEX channels_by_guild ON channels (guild_id);

CREATE TABLE members (
    guild_id           INTEGER NOT NULL,
    user_id            INTEGER NOT NULL,
    display_name       TEXT,
    joined_at          TEXT,
    left_at            TEXT,
    opted_out          INTEGER NOT NULL DEFAULT 0,
    consent_changed_at TEXT,
    PRIMARY KEY (guild_id, user_id)
) WITHOUT ROWID;

CREATE TABLE member_events (
    guild_id INTEGER NOT NULL,
    user_id  INTEGER NOT NULL,
    kind     TEXT NOT NULL CHECK (kind IN ('join', 'leave')),
    at       TEXT NOT NULL
);
CREATE INDEX member_events_by_guild_time ON member_events (guild_id, at);
CREATE INDEX member_events_by_user ON member_events (guild_id, user_id);

CREATE TABLE messages (
    message_id          INTEGER PRIMARY KEY,
    guild_id            INTEGER NOT NULL,
    channel_id          INTEGER NOT NULL,   -- for a thread message: the thread's parent
    thread_id           INTEGER,            -- the thread or forum post, else NULL
    author_id           INTEGER NOT NULL,
    created_at          TEXT NOT NULL,
    kind                TEXT NOT NULL DEFAULT 'message'
                        CHECK (kind IN ('message', 'system', 'empty')),
    reply_to_message_id INTEGER,
    is_question         INTEGER NOT NULL DEFAULT 0,
    length              INTEGER NOT NULL DEFAULT 0,
    attachments         INTEGER NOT NULL DEFAULT 0,
    content             TEXT,
    edited_at           TEXT,
    deleted             INTEGER NOT NULL DEFAULT 0,
    deleted_at          TEXT
);
CREATE INDEX messages_by_guild_time ON messages (guild_id, created_at);
CREATE INDEX messages_by_author ON messages (guild_id, author_id, created_at);
CREATE INDEX messages_by_thread ON messages (thread_id, created_at) WHERE thread_id IS NOT NULL;
CREATE INDEX messages_by_reply_target ON messages (reply_to_message_id)
    WHERE reply_to_message_id IS NOT NULL;
CREATE INDEX messages_with_content ON messages (created_at) WHERE content IS NOT NULL;

CREATE TABLE message_mentions (
    message_id INTEGER NOT NULL REFERENCES messages (message_id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL,
    PRIMARY KEY (message_id, user_id)
) WITHOUT ROWID;
CREATE INDEX message_mentions_by_user ON message_mentions (user_id);

-- One row per (message, source, target): a message gives at most one interaction
-- per target, and a member's reactions on one message count once.
CREATE TABLE interactions (
    guild_id   INTEGER NOT NULL,
    source_id  INTEGER NOT NULL,
    target_id  INTEGER NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('reply', 'thread_reply', 'mention', 'reaction')),
    message_id INTEGER NOT NULL,   -- the message that replies or mentions, or the one reacted to
    channel_id INTEGER,            -- where it happened: the channel, or the thread
    created_at TEXT NOT NULL,
    UNIQUE (message_id, source_id, target_id)
);
CREATE INDEX interactions_by_guild_time ON interactions (guild_id, created_at);
CREATE INDEX interactions_by_source ON interactions (guild_id, source_id, created_at);
CREATE INDEX interactions_by_target ON interactions (guild_id, target_id, created_at);

CREATE TABLE reactions (
    guild_id   INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    user_id    INTEGER NOT NULL,
    emoji      TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (message_id, user_id, emoji)
) WITHOUT ROWID;
CREATE INDEX reactions_by_user ON reactions (guild_id, user_id);

CREATE TABLE excluded_channels (
    guild_id    INTEGER NOT NULL,
    channel_id  INTEGER NOT NULL,
    excluded_at TEXT NOT NULL,
    PRIMARY KEY (guild_id, channel_id)
) WITHOUT ROWID;
