"""The dashboard's longer statements (bot/store/dashboard.py runs them): a range's
figures by member, its pairs, what waits now, the connections export's rows. Composed at
import time from constants only, never from input.
"""

from __future__ import annotations

from bot.store.alert_sql import waiting
from bot.store.newcomers import first_message
from bot.store.responses import (
    COUNTED_INFERRED,
)

# A range's counted messages by author, through the index by time.
MESSAGES_BY_AUTHOR = """
SELECT author_id, count(*) FROM messages
WHERE guild_id = :guild_id AND created_at >= :start AND created_at < :end
  AND kind = 'message' AND deleted = 0
GROUP BY author_id
"""

# Per member, from one read of the range's interactions: their listening messages and
# reactions (as the daily rollup counts them) and the members they interacted with,
# either way. Grouped by pair first, so each pair counts once as a connection.
LINKS_BY_MEMBER = """
WITH pairs AS MATERIALIZED (
    SELECT source_id, target_id, sum(kind IN ('reply', 'thread_reply')) AS replies,
           sum(kind = 'reaction') AS reactions
    FROM interactions
    WHERE guild_id = :guild_id AND created_at >= :start AND created_at < :end
    GROUP BY source_id, target_id
)
SELECT member, sum(replies), sum(reactions), count(DISTINCT other) FROM (
    SELECT source_id AS member, target_id AS other, replies, reactions FROM pairs
    UNION ALL
    SELECT target_id, source_id, 0, 0 FROM pairs
)
GROUP BY member
"""

# Whether the daily rollup (bot/store/activity.py) holds every day of the range: its
# days inside the range, how many, and where the first starts and the last ends. The
# rows of a guild are consecutive days of one time zone, so as many as the range's days
# from its start to its end are exactly the range.
ROLLED_UP = """
SELECT count(*), min(start_at), max(end_at) FROM activity_days
WHERE guild_id = :guild_id AND start_at >= :start AND end_at <= :end
"""

# A range's counted messages, listening messages and reactions by member, from the
# rollup of its days: the sums of MESSAGES_BY_AUTHOR and LINKS_BY_MEMBER, without
# reading a message or an interaction.
ROLLUP_BY_MEMBER = """
SELECT user_id, sum(messages), sum(replies), sum(reactions) FROM member_days
WHERE guild_id = :guild_id AND day IN (
    SELECT day FROM activity_days
    WHERE guild_id = :guild_id AND start_at >= :start AND end_at <= :end)
GROUP BY user_id
"""

# Per member, the members they interacted with in the range, either way: each unordered
# pair once, counted for both its members (once for a member with themselves).
CONNECTIONS_BY_MEMBER = """
WITH pairs AS MATERIALIZED (
    SELECT min(source_id, target_id) AS a, max(source_id, target_id) AS b
    FROM interactions
    WHERE guild_id = :guild_id AND created_at >= :start AND created_at < :end
    GROUP BY 1, 2
)
SELECT member, count(*) FROM (
    SELECT a AS member FROM pairs
    UNION ALL
    SELECT b FROM pairs WHERE b != a
)
GROUP BY member
"""

INFERRED_BY_SOURCE = f"""
SELECT ir.source_id, ir.target_id, count(*)
FROM inferred_replies ir JOIN messages r ON r.message_id = ir.message_id
WHERE ir.guild_id = :guild_id AND ir.created_at >= :start AND ir.created_at < :end
  AND {COUNTED_INFERRED}
GROUP BY ir.source_id, ir.target_id
"""  # noqa: S608 (composed from bot/store/responses.py only)

# Every member who did not opt out, with their join and first counted message: the
# one kept in member_firsts, or computed afresh for a member marked since.
MEMBERS = f"""
SELECT mb.user_id, mb.display_name, mb.joined_at,
       CASE WHEN d.user_id IS NULL THEN f.created_at
            ELSE (SELECT created_at FROM messages
                  WHERE message_id = {first_message(":guild_id", "mb.user_id")}) END
FROM members mb
LEFT JOIN member_firsts f ON f.guild_id = mb.guild_id AND f.user_id = mb.user_id
LEFT JOIN member_firsts_dirty d ON d.guild_id = mb.guild_id AND d.user_id = mb.user_id
WHERE mb.guild_id = :guild_id AND mb.opted_out = 0
"""  # noqa: S608 (composed from bot/store/newcomers.py only)


# What waits now, as /unanswered lists it (its definition, bot/store/alerts.py), of the
# members who did not opt out: the oldest :listed of each kind, and how many of each.
WAITING = f"""
SELECT w.item, w.message_id, w.author_id, w.display_name, w.channel_id, w.thread_id,
       w.created_at, substr(m.content, 1, 200), w.total
FROM (
    SELECT v.*, mb.display_name,
           row_number() OVER (PARTITION BY v.item ORDER BY v.created_at, v.message_id) AS n,
           count(*) OVER (PARTITION BY v.item) AS total
    FROM ({
    waiting(
        ":deadline",
        "q.item, q.message_id, q.author_id, q.channel_id, q.thread_id, q.created_at",
        kept=True,
    )
}) v
    JOIN members mb ON mb.guild_id = :guild_id AND mb.user_id = v.author_id
         AND mb.opted_out = 0
) w
CROSS JOIN messages m ON m.message_id = w.message_id
WHERE w.n <= :listed
ORDER BY w.created_at, w.message_id
"""  # noqa: S608 (composed from bot/store/alert_sql.py only)

# A range's directed pairs as the connections export has them (bot/store/exports.py), in
# pair order; the names are read apart, once (a join per pair costs more than the pairs).
CONNECTION_ROWS = """
SELECT source_id, target_id, sum(kind = 'reply'), sum(kind = 'thread_reply'),
       sum(kind = 'mention'), sum(kind = 'reaction'), count(*), min(created_at),
       max(created_at)
FROM interactions
WHERE guild_id = :guild_id AND created_at >= :start AND created_at < :end
GROUP BY source_id, target_id
ORDER BY source_id, target_id
"""

ALL_NAMES = "SELECT user_id, display_name FROM members WHERE guild_id = ?"


# The network of a range, drawn with its :limit most connected members (ties by id):
# its links, each unordered pair once, made by interactions (with how many) or, with
# :inferred, only by inferred replies; without the members who opted out. Returns the
# kept members (0, member, their links, everyone linked), then the links between them
# (1, a, b, interactions or inferred replies, whether only inferred): a few thousand
# rows, where the pairs of a busy week are about 100,000.
NETWORK = f"""
WITH explicit AS MATERIALIZED (
    SELECT min(source_id, target_id) AS a, max(source_id, target_id) AS b, count(*) AS n
    FROM interactions
    WHERE guild_id = :guild_id AND created_at >= :start AND created_at < :end
    GROUP BY 1, 2
),
implied AS MATERIALIZED (
    SELECT min(ir.source_id, ir.target_id) AS a, max(ir.source_id, ir.target_id) AS b,
           count(*) AS n
    FROM inferred_replies ir JOIN messages r ON r.message_id = ir.message_id
    WHERE :inferred AND ir.guild_id = :guild_id
      AND ir.created_at >= :start AND ir.created_at < :end
      AND {COUNTED_INFERRED}
    GROUP BY 1, 2
),
gone AS MATERIALIZED (
    SELECT user_id FROM members WHERE guild_id = :guild_id AND opted_out = 1
),
links AS MATERIALIZED (
    SELECT a, b, n, 0 AS inferred FROM explicit
    WHERE a NOT IN gone AND b NOT IN gone
    UNION ALL
    SELECT a, b, n, 1 FROM implied
    WHERE a NOT IN gone AND b NOT IN gone
      AND NOT EXISTS (SELECT 1 FROM explicit e WHERE e.a = implied.a AND e.b = implied.b)
),
degree AS MATERIALIZED (
    SELECT member, count(*) AS links FROM (
        SELECT a AS member FROM links UNION ALL SELECT b FROM links
    )
    GROUP BY member
),
top AS MATERIALIZED (
    SELECT member, links FROM degree ORDER BY links DESC, member LIMIT :limit
)
SELECT 0, member, links, (SELECT count(*) FROM degree), 0 FROM top
UNION ALL
SELECT 1, a, b, n, inferred FROM links
WHERE a IN (SELECT member FROM top) AND b IN (SELECT member FROM top)
"""  # noqa: S608 (composed from bot/store/responses.py only)
