-- Ascolto schema, version 9: replies inferred from the flow of conversation.
--
-- One row per member message that has no reply, thread-reply or mention target of its
-- own and whose inferred antecedent (bot/inference) is another member's earlier message
-- in the same channel or thread, with a score at or above the model's threshold
-- (docs/metrics.md, "Inferred replies"). The first six columns are the documented
-- contract; `source_id`, `channel_id` and `created_at` repeat the message's author,
-- place and time so that a day's figures read this table by time, without a join.
CREATE TABLE inferred_replies (
    guild_id          INTEGER NOT NULL,
    message_id        INTEGER PRIMARY KEY
                      REFERENCES messages (message_id) ON DELETE CASCADE,
    target_message_id INTEGER NOT NULL
                      REFERENCES messages (message_id) ON DELETE CASCADE,
    target_id         INTEGER NOT NULL,   -- the author of the target message
    score             REAL NOT NULL,
    model_version     TEXT NOT NULL,
    source_id         INTEGER NOT NULL,   -- the author of the message
    channel_id        INTEGER NOT NULL,   -- where: the channel, or the thread
    created_at        TEXT NOT NULL       -- when the message was posted
);
CREATE INDEX inferred_replies_by_guild_time ON inferred_replies (guild_id, created_at);
CREATE INDEX inferred_replies_by_target ON inferred_replies (target_message_id);
CREATE INDEX inferred_replies_by_pair ON inferred_replies (guild_id, source_id, target_id);

-- Consent holds here as for interactions (schema 7): nothing is written about a member
-- who opted out, and an inferred reply stands on both of its messages.
CREATE TRIGGER inferred_replies_consent BEFORE INSERT ON inferred_replies
WHEN EXISTS (SELECT 1 FROM members
             WHERE guild_id = NEW.guild_id AND user_id IN (NEW.source_id, NEW.target_id)
               AND opted_out = 1)
  OR NOT EXISTS (SELECT 1 FROM messages WHERE message_id = NEW.message_id)
  OR NOT EXISTS (SELECT 1 FROM messages WHERE message_id = NEW.target_message_id)
BEGIN
    SELECT RAISE(IGNORE);
END;

-- A guild's choice (`/config inference on|off`); no row: on.
CREATE TABLE inference_settings (
    guild_id   INTEGER PRIMARY KEY,
    enabled    INTEGER NOT NULL,
    changed_at TEXT NOT NULL
);
