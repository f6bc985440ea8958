-- Ascolto schema, version 11: where the reminder pass's search for answers resumes.
--
-- Every check looks for responses to the announced items only among what was written
-- since the previous check, instead of asking again of every open item (one row, no row
-- meaning "look at everything": the first check after this version, or after inference
-- is turned on or off). The invariant: every response stored with a time before
-- `checked_until` was seen by a check. A write of something older than that (an
-- import, an edit that adds a mention, a reply inferred a minute after its message)
-- moves it back in the same transaction (bot/store/answers_checked.py).
CREATE TABLE answers_checked (
    id            INTEGER PRIMARY KEY CHECK (id = 1),  -- one row
    checked_until TEXT NOT NULL
);
