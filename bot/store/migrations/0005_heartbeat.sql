-- Ascolto schema, version 5: the running bot's sign of life, for `ascolto health`.
CREATE TABLE heartbeat (
    id            INTEGER PRIMARY KEY CHECK (id = 1),  -- one row
    at            TEXT NOT NULL,       -- when the bot last wrote it (at least every minute)
    state         TEXT NOT NULL CHECK (state IN ('connected', 'reconnecting', 'stopped')),
    last_flush_at TEXT,                -- the last time queued writes were committed
    pid           INTEGER
);
