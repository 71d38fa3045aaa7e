"""Writes of the ratings capability: ingest (API, pages, files), the rectification cases, and
what they lean on (directory lookups, contact encryption, working-day deadlines)."""
