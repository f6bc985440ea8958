-- Ascolto schema, version 15: a day's connection, conversation and broadcaster figures,
-- kept with its rollup.
--
-- A day's summary spent most of its time on three statements (bot/store/day_figures.py):
-- the day's connections and top connectors (a read of every interaction of the day), its
-- top conversations (every reply of the day walked up to its root) and its broadcasters
-- (a week of member_days summed per member). Their results are a handful of rows per
-- day; they are kept here, computed by those statements only:
--
-- * the bot's flush computes the connections and conversations of a day once it has
--   ended, when it rolls the day up (bot/store/activity.py, `roll_up_ended_day`), and
--   its broadcasters by the rule of the latest summary when the day's week is rolled
--   up, so that the next morning's summary reads them;
-- * a summary that finds them missing computes them and keeps them, with the
--   broadcasters of its rule (another rule computes those again).
--
-- Like member_days, they are a cache of the day's rollup in `activity_days`, never a
-- source: the rows go with it (foreign keys, ON DELETE CASCADE) whenever a write, an
-- edit, a deletion, an opt-out or another time zone makes the day stale, and a day's
-- broadcasters depend on the six days before it, whose staleness drops the day too.
-- No name is kept: the summary reads the members' current names.
CREATE TABLE IF NOT EXISTS day_figures (
    guild_id     INTEGER NOT NULL,
    day          TEXT NOT NULL,
    -- The broadcaster rule of the rows in day_broadcasters; NULL when none are kept.
    min_messages INTEGER,
    max_ratio    REAL,
    PRIMARY KEY (guild_id, day),
    FOREIGN KEY (guild_id, day) REFERENCES activity_days (guild_id, day) ON DELETE CASCADE
) WITHOUT ROWID;

-- The rows of each statement, in its order (`position` from 0).
CREATE TABLE IF NOT EXISTS day_connections (
    guild_id    INTEGER NOT NULL,
    day         TEXT NOT NULL,
    position    INTEGER NOT NULL,
    active      INTEGER NOT NULL,
    reciprocal  INTEGER NOT NULL,
    member      INTEGER,  -- NULL on the one row of a day without connections
    connections INTEGER,
    PRIMARY KEY (guild_id, day, position),
    FOREIGN KEY (guild_id, day) REFERENCES day_figures (guild_id, day) ON DELETE CASCADE
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS day_conversations (
    guild_id     INTEGER NOT NULL,
    day          TEXT NOT NULL,
    position     INTEGER NOT NULL,
    channel_id   INTEGER NOT NULL,
    message_id   INTEGER NOT NULL,
    messages     INTEGER NOT NULL,
    participants INTEGER NOT NULL,
    PRIMARY KEY (guild_id, day, position),
    FOREIGN KEY (guild_id, day) REFERENCES day_figures (guild_id, day) ON DELETE CASCADE
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS day_broadcasters (
    guild_id  INTEGER NOT NULL,
    day       TEXT NOT NULL,
    position  INTEGER NOT NULL,
    member    INTEGER NOT NULL,
    messages  INTEGER NOT NULL,
    listening INTEGER NOT NULL,
    activity  INTEGER NOT NULL,
    PRIMARY KEY (guild_id, day, position),
    FOREIGN KEY (guild_id, day) REFERENCES day_figures (guild_id, day) ON DELETE CASCADE
) WITHOUT ROWID;

-- A member forgotten: their messages and interactions go, which drops every day they
-- appear in; and no kept row may name them even for a moment.
CREATE TRIGGER IF NOT EXISTS day_figures_on_opt_out AFTER UPDATE OF opted_out ON members
WHEN NEW.opted_out = 1
BEGIN
    DELETE FROM day_figures WHERE guild_id = NEW.guild_id AND day IN (
        SELECT day FROM day_connections WHERE guild_id = NEW.guild_id AND member = NEW.user_id
        UNION
        SELECT day FROM day_broadcasters WHERE guild_id = NEW.guild_id AND member = NEW.user_id);
END;
