-- Ascolto schema, version 7: consent holds in the file itself.
--
-- Every row that records a member's activity is dropped (RAISE(IGNORE): the statement
-- skips that row, nothing else is undone) while the member's `opted_out` is set or
-- while its channel is excluded, at the moment the row is written. Whoever writes it
-- (the bot's batched flush, an import in another process) and whatever it read
-- earlier, a write can never bring back what a member asked to be forgotten: an
-- opt-out that commits between two transactions is seen by the second one.
-- Each guard is one or two primary-key probes.

CREATE TRIGGER messages_consent BEFORE INSERT ON messages
WHEN EXISTS (SELECT 1 FROM members
             WHERE guild_id = NEW.guild_id AND user_id = NEW.author_id AND opted_out = 1)
  OR EXISTS (SELECT 1 FROM excluded_channels
             WHERE guild_id = NEW.guild_id AND channel_id = NEW.channel_id)
  OR (NEW.thread_id IS NOT NULL
      AND EXISTS (SELECT 1 FROM excluded_channels
                  WHERE guild_id = NEW.guild_id AND channel_id = NEW.thread_id))
BEGIN
    SELECT RAISE(IGNORE);
END;

-- An interaction's channel is the channel or the thread: a thread is excluded with
-- its parent (channels.parent_id). A reply or a mention stands on its own message
-- (written just before it): when that message was dropped, so is what it implied.
CREATE TRIGGER interactions_consent BEFORE INSERT ON interactions
WHEN EXISTS (SELECT 1 FROM members
             WHERE guild_id = NEW.guild_id AND user_id IN (NEW.source_id, NEW.target_id)
               AND opted_out = 1)
  OR (NEW.kind != 'reaction'
      AND NOT EXISTS (SELECT 1 FROM messages WHERE message_id = NEW.message_id))
  OR (NEW.channel_id IS NOT NULL
      AND EXISTS (SELECT 1 FROM excluded_channels
                  WHERE guild_id = NEW.guild_id
                    AND channel_id IN (NEW.channel_id,
                                       (SELECT parent_id FROM channels
                                        WHERE channel_id = NEW.channel_id))))
BEGIN
    SELECT RAISE(IGNORE);
END;

CREATE TRIGGER reactions_consent BEFORE INSERT ON reactions
WHEN EXISTS (SELECT 1 FROM members
             WHERE guild_id = NEW.guild_id AND user_id = NEW.user_id AND opted_out = 1)
BEGIN
    SELECT RAISE(IGNORE);
END;

CREATE TRIGGER message_mentions_consent BEFORE INSERT ON message_mentions
WHEN EXISTS (SELECT 1 FROM messages JOIN members
                 ON members.guild_id = messages.guild_id AND members.user_id = NEW.user_id
             WHERE messages.message_id = NEW.message_id AND members.opted_out = 1)
BEGIN
    SELECT RAISE(IGNORE);
END;

CREATE TRIGGER member_events_consent BEFORE INSERT ON member_events
WHEN EXISTS (SELECT 1 FROM members
             WHERE guild_id = NEW.guild_id AND user_id = NEW.user_id AND opted_out = 1)
BEGIN
    SELECT RAISE(IGNORE);
END;

-- A member who opted out keeps a row that says so, and nothing else: no name, no
-- join or leave. Opting in (opted_out back to 0) is the way out.
CREATE TRIGGER members_consent BEFORE UPDATE ON members
WHEN OLD.opted_out = 1 AND NEW.opted_out = 1
 AND (NEW.display_name IS NOT NULL OR NEW.joined_at IS NOT NULL OR NEW.left_at IS NOT NULL)
BEGIN
    SELECT RAISE(IGNORE);
END;
