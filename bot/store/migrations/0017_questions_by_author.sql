-- Ascolto schema, version 17: each member's questions, by time.
--
-- The reminder pass reads a guild's open newcomers' questions once: those of the
-- members who joined lately. It read every message of each such member through
-- `messages_by_author` (a row of `messages` for each, to see whether it asks), or, in a
-- guild where many joined lately, the week's questions of everyone with their author's
-- join. This index gives each member's questions alone: one range per member who joined
-- lately (reminder benchmark, dense guild of 50,000 members and 80,640 questions a week,
-- 12,352 of them joined lately: about 440 instead of 620 ms of CPU; 7.5 instead of
-- 13.7 ms on the 1M-message store with 392 joined lately of 10,000).
--
-- Partial, as `messages_questions`: only questions (about one message in eight) are in
-- it, so a message that does not ask costs nothing more to write.
CREATE INDEX IF NOT EXISTS questions_by_author
    ON messages (guild_id, author_id, created_at) WHERE is_question = 1;
