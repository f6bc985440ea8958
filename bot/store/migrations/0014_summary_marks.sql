-- Ascolto schema, version 14: stored summaries know when a write has changed their day.
--
-- A stored daily summary is kept until something changes what it was computed from
-- (bot/store/dirty_days.py reads these tables; bot/summaries.py computes the days again).
-- Writes dated in the past mark the UTC range they changed, per guild:
--
-- * `summary_marks`: [from_at, to_at) whole UTC hours, `to_at` = '9999-12-31...' when
--   every later instant may change (a pair's first interaction gone or moved: the
--   network's size of every later day). `seq` orders marks: it is the value of
--   `summary_mark_counter` when the mark was last set, and the counter never goes back,
--   even when old marks are pruned. (An order, not a clock: a trigger cannot read the
--   bot's clock, which is simulated in tests.) The same range marked again keeps one row.
-- * `summary_seen`: for a stored summary, the counter read before it was computed
--   (`seen`: every mark up to it was committed before, so the summary includes it) and
--   the UTC range its figures read (`reads_from`, `reads_to`: its day, the week before
--   it, and the 25 hours after it; bot/analysis/days.py, `reads_window`).
--
-- A summary is dirty when a mark with `seq` above its `seen` overlaps the range it reads,
-- or when its `seen` is -1: a mark newer than what it read was pruned while it was being
-- computed. A mark that no stored summary needs any more is pruned.
-- A summary stored before this version has no `summary_seen` row: it counts as `seen` 0,
-- reading from 8 days before its day to 3 days after it (every time zone included).
--
-- Who marks: the rare paths, by the triggers below (a message deleted, edited or turned
-- into one that does not count, an interaction, a join, an inferred reply or a reminder
-- deleted: opt-outs, exclusions and deletions all go through them), and the writers of
-- late-dated rows in their own code (a mention added by an edit, `ascolto import`, the
-- inferred replies written by reply inference or `ascolto infer`). Inserting live
-- messages, reactions or interactions marks nothing: a live message, reaction or reply
-- is dated now, and changes older days only through responses, which the summaries of
-- recent days wait for (bot/analysis/days.py, `settled`). No trigger on an insert.
CREATE TABLE IF NOT EXISTS summary_mark_counter (
    n      INTEGER NOT NULL,  -- the latest mark's `seq`
    pruned INTEGER NOT NULL   -- the largest `seq` pruned (bot/store/dirty_days.py)
);
INSERT INTO summary_mark_counter (n, pruned)
SELECT 0, 0 WHERE NOT EXISTS (SELECT 1 FROM summary_mark_counter);

CREATE TABLE IF NOT EXISTS summary_marks (
    guild_id INTEGER NOT NULL,
    from_at  TEXT NOT NULL,
    to_at    TEXT NOT NULL,
    seq      INTEGER NOT NULL,
    PRIMARY KEY (guild_id, from_at, to_at)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS summary_seen (
    guild_id   INTEGER NOT NULL,
    day        TEXT NOT NULL,
    timezone   TEXT NOT NULL,
    seen       INTEGER NOT NULL,
    reads_from TEXT NOT NULL,
    reads_to   TEXT NOT NULL,
    PRIMARY KEY (guild_id, day)
) WITHOUT ROWID;

-- A message that starts or stops counting, changes its question flag or is edited: its
-- own time; what it replied to or was threaded under (a question it may have answered,
-- however old); when it was its author's first message that counts, the next one (a
-- newcomer's first message may move); and an inferred reply of its: the question it may
-- have answered, and every later time (the pair's first link may move).
CREATE TRIGGER IF NOT EXISTS summary_marks_on_message_change
AFTER UPDATE OF kind, deleted, is_question, edited_at ON messages
WHEN OLD.kind IS NOT NEW.kind OR OLD.deleted IS NOT NEW.deleted
  OR OLD.is_question IS NOT NEW.is_question OR OLD.edited_at IS NOT NEW.edited_at
BEGIN
    UPDATE summary_mark_counter SET n = n + 1;
    INSERT INTO summary_marks (guild_id, from_at, to_at, seq)
    SELECT m.guild_id, strftime('%Y-%m-%dT%H:00:00.000Z', m.created_at),
           strftime('%Y-%m-%dT%H:00:00.000Z', m.created_at, '+1 hour'),
           (SELECT n FROM summary_mark_counter)
    FROM messages m
    WHERE m.message_id = OLD.message_id
       OR ((OLD.kind IS NOT NEW.kind OR OLD.deleted IS NOT NEW.deleted)
           AND m.message_id IN (OLD.reply_to_message_id, OLD.thread_id))
    ON CONFLICT (guild_id, from_at, to_at) DO UPDATE SET seq = excluded.seq;
    INSERT INTO summary_marks (guild_id, from_at, to_at, seq)
    SELECT OLD.guild_id, strftime('%Y-%m-%dT%H:00:00.000Z', later.at),
           strftime('%Y-%m-%dT%H:00:00.000Z', later.at, '+1 hour'),
           (SELECT n FROM summary_mark_counter)
    FROM (SELECT (SELECT created_at FROM messages
                  WHERE guild_id = OLD.guild_id AND author_id = OLD.author_id
                    AND created_at > OLD.created_at AND kind = 'message' AND deleted = 0
                  ORDER BY created_at LIMIT 1) AS at
          WHERE (OLD.kind IS NOT NEW.kind OR OLD.deleted IS NOT NEW.deleted)
            AND NOT EXISTS (SELECT 1 FROM messages
                            WHERE guild_id = OLD.guild_id AND author_id = OLD.author_id
                              AND created_at < OLD.created_at
                              AND kind = 'message' AND deleted = 0)) AS later
    WHERE later.at IS NOT NULL
    ON CONFLICT (guild_id, from_at, to_at) DO UPDATE SET seq = excluded.seq;
    INSERT INTO summary_marks (guild_id, from_at, to_at, seq)
    SELECT OLD.guild_id, strftime('%Y-%m-%dT%H:00:00.000Z', OLD.created_at),
           '9999-12-31T00:00:00.000Z', (SELECT n FROM summary_mark_counter)
    WHERE EXISTS (SELECT 1 FROM inferred_replies WHERE message_id = OLD.message_id)
    ON CONFLICT (guild_id, from_at, to_at) DO UPDATE SET seq = excluded.seq;
    INSERT INTO summary_marks (guild_id, from_at, to_at, seq)
    SELECT t.guild_id, strftime('%Y-%m-%dT%H:00:00.000Z', t.created_at),
           strftime('%Y-%m-%dT%H:00:00.000Z', t.created_at, '+1 hour'),
           (SELECT n FROM summary_mark_counter)
    FROM inferred_replies ir JOIN messages t ON t.message_id = ir.target_message_id
    WHERE ir.message_id = OLD.message_id
    ON CONFLICT (guild_id, from_at, to_at) DO UPDATE SET seq = excluded.seq;
END;

-- A message deleted for good (an opt-out, a channel's exclusion): the same, except the
-- inferred replies, which go with it and mark by their own trigger.
CREATE TRIGGER IF NOT EXISTS summary_marks_on_message_delete AFTER DELETE ON messages
BEGIN
    UPDATE summary_mark_counter SET n = n + 1;
    INSERT INTO summary_marks (guild_id, from_at, to_at, seq)
    VALUES (OLD.guild_id, strftime('%Y-%m-%dT%H:00:00.000Z', OLD.created_at),
            strftime('%Y-%m-%dT%H:00:00.000Z', OLD.created_at, '+1 hour'),
            (SELECT n FROM summary_mark_counter))
    ON CONFLICT (guild_id, from_at, to_at) DO UPDATE SET seq = excluded.seq;
    INSERT INTO summary_marks (guild_id, from_at, to_at, seq)
    SELECT m.guild_id, strftime('%Y-%m-%dT%H:00:00.000Z', m.created_at),
           strftime('%Y-%m-%dT%H:00:00.000Z', m.created_at, '+1 hour'),
           (SELECT n FROM summary_mark_counter)
    FROM messages m
    WHERE m.message_id IN (OLD.reply_to_message_id, OLD.thread_id)
    ON CONFLICT (guild_id, from_at, to_at) DO UPDATE SET seq = excluded.seq;
    INSERT INTO summary_marks (guild_id, from_at, to_at, seq)
    SELECT OLD.guild_id, strftime('%Y-%m-%dT%H:00:00.000Z', later.at),
           strftime('%Y-%m-%dT%H:00:00.000Z', later.at, '+1 hour'),
           (SELECT n FROM summary_mark_counter)
    FROM (SELECT (SELECT created_at FROM messages
                  WHERE guild_id = OLD.guild_id AND author_id = OLD.author_id
                    AND created_at > OLD.created_at AND kind = 'message' AND deleted = 0
                  ORDER BY created_at LIMIT 1) AS at
          WHERE OLD.kind = 'message' AND OLD.deleted = 0
            AND NOT EXISTS (SELECT 1 FROM messages
                            WHERE guild_id = OLD.guild_id AND author_id = OLD.author_id
                              AND created_at < OLD.created_at
                              AND kind = 'message' AND deleted = 0)) AS later
    WHERE later.at IS NOT NULL
    ON CONFLICT (guild_id, from_at, to_at) DO UPDATE SET seq = excluded.seq;
END;

-- An interaction removed: its own time; when it was its pair's first, up to the pair's
-- new first interaction, or every later time when none is left (the network's size).
-- One direction at a time: each is a probe of the index by pair (an OR of the two lets
-- SQLite read the guild's interactions by time instead).
CREATE TRIGGER IF NOT EXISTS summary_marks_on_interaction_delete AFTER DELETE ON interactions
BEGIN
    UPDATE summary_mark_counter SET n = n + 1;
    INSERT INTO summary_marks (guild_id, from_at, to_at, seq)
    SELECT OLD.guild_id, strftime('%Y-%m-%dT%H:00:00.000Z', OLD.created_at),
           CASE WHEN pair.first_at IS NULL THEN '9999-12-31T00:00:00.000Z'
                ELSE strftime('%Y-%m-%dT%H:00:00.000Z', max(pair.first_at, OLD.created_at),
                              '+1 hour') END,
           (SELECT n FROM summary_mark_counter)
    FROM (SELECT coalesce(min(one_way, other_way), one_way, other_way) AS first_at
          FROM (SELECT (SELECT min(created_at) FROM interactions
                        WHERE guild_id = OLD.guild_id AND source_id = OLD.source_id
                          AND target_id = OLD.target_id) AS one_way,
                       (SELECT min(created_at) FROM interactions
                        WHERE guild_id = OLD.guild_id AND source_id = OLD.target_id
                          AND target_id = OLD.source_id) AS other_way)) AS pair
    WHERE true
    ON CONFLICT (guild_id, from_at, to_at) DO UPDATE SET seq = excluded.seq;
END;

-- A join forgotten (an opt-out): the new members of its day, the newcomers after it.
CREATE TRIGGER IF NOT EXISTS summary_marks_on_member_event_delete AFTER DELETE ON member_events
BEGIN
    UPDATE summary_mark_counter SET n = n + 1;
    INSERT INTO summary_marks (guild_id, from_at, to_at, seq)
    VALUES (OLD.guild_id, strftime('%Y-%m-%dT%H:00:00.000Z', OLD.at),
            strftime('%Y-%m-%dT%H:00:00.000Z', OLD.at, '+1 hour'),
            (SELECT n FROM summary_mark_counter))
    ON CONFLICT (guild_id, from_at, to_at) DO UPDATE SET seq = excluded.seq;
END;

-- A member's join time learnt (or forgotten) after their first message was stored:
-- whether that message was a newcomer's.
CREATE TRIGGER IF NOT EXISTS summary_marks_on_join_known AFTER UPDATE OF joined_at ON members
WHEN OLD.joined_at IS NOT NEW.joined_at
BEGIN
    UPDATE summary_mark_counter SET n = n + 1;
    INSERT INTO summary_marks (guild_id, from_at, to_at, seq)
    SELECT OLD.guild_id, strftime('%Y-%m-%dT%H:00:00.000Z', first.at),
           strftime('%Y-%m-%dT%H:00:00.000Z', first.at, '+1 hour'),
           (SELECT n FROM summary_mark_counter)
    FROM (SELECT (SELECT created_at FROM messages
                  WHERE guild_id = OLD.guild_id AND author_id = OLD.user_id
                    AND kind = 'message' AND deleted = 0
                  ORDER BY created_at LIMIT 1) AS at) AS first
    WHERE first.at IS NOT NULL
    ON CONFLICT (guild_id, from_at, to_at) DO UPDATE SET seq = excluded.seq;
END;

-- An inferred reply removed (replaced by a new inference, an opt-out, a deletion): the
-- question it may have answered, and every time from its own (the pair's first link).
CREATE TRIGGER IF NOT EXISTS summary_marks_on_inferred_delete AFTER DELETE ON inferred_replies
BEGIN
    UPDATE summary_mark_counter SET n = n + 1;
    INSERT INTO summary_marks (guild_id, from_at, to_at, seq)
    VALUES (OLD.guild_id, strftime('%Y-%m-%dT%H:00:00.000Z', OLD.created_at),
            '9999-12-31T00:00:00.000Z', (SELECT n FROM summary_mark_counter))
    ON CONFLICT (guild_id, from_at, to_at) DO UPDATE SET seq = excluded.seq;
    INSERT INTO summary_marks (guild_id, from_at, to_at, seq)
    SELECT t.guild_id, strftime('%Y-%m-%dT%H:00:00.000Z', t.created_at),
           strftime('%Y-%m-%dT%H:00:00.000Z', t.created_at, '+1 hour'),
           (SELECT n FROM summary_mark_counter)
    FROM messages t WHERE t.message_id = OLD.target_message_id
    ON CONFLICT (guild_id, from_at, to_at) DO UPDATE SET seq = excluded.seq;
END;

-- A reminder forgotten (sent to a member who opted out, or about a deleted message).
CREATE TRIGGER IF NOT EXISTS summary_marks_on_reminder_delete AFTER DELETE ON reminders
BEGIN
    UPDATE summary_mark_counter SET n = n + 1;
    INSERT INTO summary_marks (guild_id, from_at, to_at, seq)
    VALUES (OLD.guild_id, strftime('%Y-%m-%dT%H:00:00.000Z', OLD.sent_at),
            strftime('%Y-%m-%dT%H:00:00.000Z', OLD.sent_at, '+1 hour'),
            (SELECT n FROM summary_mark_counter))
    ON CONFLICT (guild_id, from_at, to_at) DO UPDATE SET seq = excluded.seq;
END;
