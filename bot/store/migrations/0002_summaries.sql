-- Ascolto schema, version 2: connections, daily summaries, digests and timers.

-- The network: one row per pair of members {a < b} that ever interacted, with the
-- time of their first interaction. Kept exact by triggers on interactions, so that
-- every way of writing or deleting interactions (gateway, opt-outs, imports) agrees.
CREATE TABLE connections (
    guild_id INTEGER NOT NULL,
    a        INTEGER NOT NULL,
    b        INTEGER NOT NULL,
    first_at TEXT NOT NULL,
    PRIMARY KEY (guild_id, a, b)
) WITHOUT ROWID;
CREATE INDEX connections_by_first ON connections (guild_id, first_at);

-- Pair look-ups for the triggers below (and per-member queries by source).
DROP INDEX interactions_by_source;
CREATE INDEX interactions_by_pair ON interactions (guild_id, source_id, target_id, created_at);

INSERT INTO connections (guild_id, a, b, first_at)
SELECT guild_id, min(source_id, target_id), max(source_id, target_id), min(created_at)
FROM interactions
GROUP BY guild_id, min(source_id, target_id), max(source_id, target_id);

CREATE TRIGGER connections_after_insert AFTER INSERT ON interactions
BEGIN
    INSERT INTO connections (guild_id, a, b, first_at)
    VALUES (NEW.guild_id, min(NEW.source_id, NEW.target_id), max(NEW.source_id, NEW.target_id),
            NEW.created_at)
    ON CONFLICT (guild_id, a, b) DO UPDATE SET first_at = min(first_at, excluded.first_at);
END;

CREATE TRIGGER connections_after_delete AFTER DELETE ON interactions
BEGIN
    DELETE FROM connections
    WHERE guild_id = OLD.guild_id
      AND a = min(OLD.source_id, OLD.target_id) AND b = max(OLD.source_id, OLD.target_id)
      AND NOT EXISTS (
          SELECT 1 FROM interactions
          WHERE guild_id = OLD.guild_id
            AND ((source_id = OLD.source_id AND target_id = OLD.target_id)
              OR (source_id = OLD.target_id AND target_id = OLD.source_id)));
    UPDATE connections SET first_at = (
        SELECT min(created_at) FROM interactions
        WHERE guild_id = OLD.guild_id
          AND ((source_id = OLD.source_id AND target_id = OLD.target_id)
            OR (source_id = OLD.target_id AND target_id = OLD.source_id)))
    WHERE guild_id = OLD.guild_id
      AND a = min(OLD.source_id, OLD.target_id) AND b = max(OLD.source_id, OLD.target_id);
END;

-- One summary per guild per day (docs/metrics.md); recomputing a day replaces its row.
CREATE TABLE daily_summaries (
    guild_id                       INTEGER NOT NULL,
    day                            TEXT NOT NULL,   -- YYYY-MM-DD in the guild's time zone
    timezone                       TEXT NOT NULL,
    computed_at                    TEXT NOT NULL,
    messages                       INTEGER NOT NULL,
    active_members                 INTEGER NOT NULL,
    new_members                    INTEGER NOT NULL,
    conversation_starters          INTEGER NOT NULL,
    replies                        INTEGER NOT NULL,
    reactions                      INTEGER NOT NULL,
    listening_ratio                REAL,
    questions                      INTEGER NOT NULL,
    questions_answered             INTEGER NOT NULL,
    unanswered_questions           INTEGER NOT NULL,
    response_rate                  REAL,
    median_first_response_seconds  REAL,
    active_connections             INTEGER NOT NULL,
    new_connections                INTEGER NOT NULL,
    reciprocal_connections         INTEGER NOT NULL,
    network_size                   INTEGER NOT NULL,
    network_growth_7d              INTEGER NOT NULL,
    newcomer_first_messages        INTEGER NOT NULL,
    newcomers_answered             INTEGER NOT NULL,
    top_connectors                 TEXT NOT NULL,   -- JSON lists, as in docs/metrics.md
    broadcasters                   TEXT NOT NULL,
    top_conversations              TEXT NOT NULL,
    PRIMARY KEY (guild_id, day)
) WITHOUT ROWID;

-- A manager's digest set-up: where, at what local time, and who may see names.
CREATE TABLE digest_settings (
    guild_id     INTEGER PRIMARY KEY,
    channel_id   INTEGER NOT NULL,
    post_time    TEXT NOT NULL,             -- HH:MM, local
    timezone     TEXT NOT NULL,
    show_people  INTEGER NOT NULL DEFAULT 0,  -- per-person lists in the channel digest
    enabled      INTEGER NOT NULL DEFAULT 1
);

-- Each digest is posted once: the row is claimed before the message is sent.
CREATE TABLE digest_posts (
    guild_id   INTEGER NOT NULL,
    day        TEXT NOT NULL,
    claimed_at TEXT NOT NULL,
    channel_id INTEGER,
    message_id INTEGER,
    PRIMARY KEY (guild_id, day)
) WITHOUT ROWID;

-- Timers are rows, not sleeps: one dispatcher wakes for the earliest due one.
CREATE TABLE timers (
    timer_id   INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL,
    guild_id   INTEGER,
    due_at     TEXT NOT NULL,
    payload    TEXT NOT NULL DEFAULT '{}',  -- JSON
    created_at TEXT NOT NULL
);
CREATE INDEX timers_by_due ON timers (due_at);
CREATE UNIQUE INDEX timers_one_per_kind_and_guild ON timers (kind, guild_id);
