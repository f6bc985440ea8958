-- Ascolto schema, version 16: the alerts board read from the reminders alone.
--
-- The board lists a guild's announced items still open, oldest first, and counts them.
-- It used to join every open reminder to its message for the message's time and
-- whether it was deleted: one random read of `messages` per open item (2,771 pages for
-- 5,000 open items on a cold cache). The reminders now keep both:
--
-- * `asked_at`, the item's message time, copied when the item is claimed (it never
--   changes: a message's time is written once);
-- * `gone`, set by the trigger below when the message is deleted on Discord.
--
-- Every other way an item leaves the board already touches the reminder itself: an
-- answer sets `answered_at`, expiry is a range of `asked_at` and `sent_at`, and a
-- message removed from the store (an opt-out's erasure, a channel's exclusion) takes
-- its reminders with it (foreign key, ON DELETE CASCADE). Content erased by retention
-- leaves the item on the board, as before.
--
-- Both are kept for the team's items only (`user_id` NULL); a DM's rows leave them
-- NULL and 0. Existing stores: they are filled from the messages here.
ALTER TABLE reminders ADD COLUMN asked_at TEXT;
ALTER TABLE reminders ADD COLUMN gone INTEGER NOT NULL DEFAULT 0;

UPDATE reminders
SET asked_at = (SELECT m.created_at FROM messages m WHERE m.message_id = reminders.message_id),
    gone = coalesce((SELECT m.deleted != 0 FROM messages m
                     WHERE m.message_id = reminders.message_id), 0)
WHERE user_id IS NULL AND message_id IS NOT NULL;

CREATE TRIGGER IF NOT EXISTS reminders_gone_on_message_deleted AFTER UPDATE OF deleted ON messages
WHEN OLD.deleted IS NOT NEW.deleted
BEGIN
    UPDATE reminders SET gone = (NEW.deleted != 0)
    WHERE message_id = NEW.message_id AND user_id IS NULL;
END;

-- The board's open items of a guild in its order, with what it reads of them.
CREATE INDEX IF NOT EXISTS reminders_board
ON reminders (guild_id, asked_at, message_id, kind, sent_at)
WHERE user_id IS NULL AND answered_at IS NULL AND gone = 0;
