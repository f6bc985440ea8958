-- Ascolto schema, version 8: one board per guild in the alerts channel.
--
-- `alert_posts` becomes the history of the messages in the alerts channel that claim
-- something waits. Before version 8 every claim posted its own message (one row each,
-- `board` 0); from now on each guild has one board message, edited in place (`board`
-- 1), and a new row only when a fresh board is posted (the old one far up the channel,
-- deleted by someone, or the alerts moved to another channel). At most one row per
-- guild is live (`retired_at` NULL, with a `message_id`): the pass retires every other
-- one, editing its message to a short "moved" text first, so that at most one message
-- in the channel claims that something waits. `shown` is a signature of what the board
-- shows, so that the message is edited only when that changes.
--
-- Claims no longer create a row here: the reminders they write (user_id NULL) keep
-- `post_id` NULL; the rows of older versions keep theirs.

ALTER TABLE alert_posts ADD COLUMN board INTEGER NOT NULL DEFAULT 0;
ALTER TABLE alert_posts ADD COLUMN shown TEXT;
ALTER TABLE alert_posts ADD COLUMN retired_at TEXT;

-- A claim whose message never went out has nothing to retire.
UPDATE alert_posts SET retired_at = claimed_at WHERE message_id IS NULL;

CREATE INDEX alert_posts_live ON alert_posts (guild_id) WHERE retired_at IS NULL;
