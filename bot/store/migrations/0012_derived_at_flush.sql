-- Ascolto schema, version 12: connections and stale cached days kept per transaction.
--
-- The triggers below ran once per inserted row: with the consent guards, they made the
-- write path several times slower than plain inserts. Whoever writes messages and
-- interactions in this program (the bot's flush, `ascolto import`) now keeps the same
-- data once per transaction, at its end, set-based (bot/store/derived.py):
--
-- * `connections`: the new interactions (rowid above the largest one before the
--   transaction) upserted grouped by pair, with their earliest time;
-- * `activity_days`: per guild, the cached days ending after the earliest new
--   interaction or the earliest newly inserted message are dropped.
--
-- The tables end up exactly as the triggers left them. What stays as triggers: the
-- consent guards (schema 7: consent holds whoever writes the file), and the triggers
-- on the rare paths, deletions and edits (`connections_after_delete`,
-- `activity_days_stale_on_message_change`, `..._message_delete`,
-- `..._interaction_delete`), which keep these tables right for any deletion.
-- Nothing to fill in: the existing rows were kept by the triggers until now. A script
-- of your own that inserts interactions must now add their connections itself (the
-- statement is in bot/store/derived.py).
DROP TRIGGER IF EXISTS connections_after_insert;
DROP TRIGGER IF EXISTS activity_days_stale_on_message_insert;
DROP TRIGGER IF EXISTS activity_days_stale_on_interaction_insert;
