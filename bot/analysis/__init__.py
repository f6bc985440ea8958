"""Pure functions over messages and rows: what counts as a question, an interaction, ..."""
