-- Ascolto schema, version 10: the daily summary's figures with inferred replies
-- (docs/metrics.md, "Inferred replies"). The explicit fields stay as they are; these
-- count every inferred reply as a reply. NULL on days computed before this version:
-- unknown until the day is computed again, never zero.
ALTER TABLE daily_summaries ADD COLUMN inferred_replies INTEGER;
ALTER TABLE daily_summaries ADD COLUMN listening_ratio_inferred REAL;
ALTER TABLE daily_summaries ADD COLUMN questions_answered_inferred INTEGER;
ALTER TABLE daily_summaries ADD COLUMN response_rate_inferred REAL;
ALTER TABLE daily_summaries ADD COLUMN new_connections_inferred INTEGER;
