"""Numbered, append-only schema migrations, applied on every open.

Never edit or reorder an entry once it has shipped: add a new one. PRAGMA user_version
holds how many have been applied, so a warm open costs one pragma read.
"""

from __future__ import annotations

MIGRATIONS: list[tuple[str, str]] = [
    ("001_initial", """
    CREATE TABLE attempts (
        id INTEGER PRIMARY KEY,
        account TEXT NOT NULL,
        slot_key TEXT,                 -- NULL for forced and manual posts
        kind TEXT NOT NULL,            -- slot | forced | manual
        status TEXT NOT NULL,          -- claimed | sending | posted | failed | unknown | not_posted
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        pid INTEGER,
        host TEXT,
        text TEXT,
        text_norm TEXT,
        hashtags TEXT,                 -- JSON array
        trend TEXT,
        angle TEXT,
        offer TEXT,
        strategy TEXT,
        tweet_id TEXT,
        posted_at TEXT,
        error_kind TEXT,
        error TEXT,
        http_status INTEGER
    );
    -- One post per account per slot. A definite failure (X answered an error, nothing
    -- was created) frees the slot for a retry; every other status keeps it.
    CREATE UNIQUE INDEX attempts_one_per_slot ON attempts(account, slot_key)
        WHERE slot_key IS NOT NULL AND status != 'failed';
    CREATE INDEX attempts_account_created ON attempts(account, created_at);
    CREATE INDEX attempts_created ON attempts(created_at);
    CREATE INDEX attempts_text_norm ON attempts(text_norm);
    CREATE INDEX attempts_tweet ON attempts(tweet_id);

    CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        account TEXT NOT NULL,
        command TEXT NOT NULL,
        started_at TEXT NOT NULL,
        duration_ms INTEGER,
        status TEXT NOT NULL,          -- posted | skipped | dry_run | failed
        reason TEXT,
        attempt_id INTEGER REFERENCES attempts(id),
        tweet_id TEXT
    );
    CREATE INDEX runs_account_started ON runs(account, started_at);
    CREATE INDEX runs_started ON runs(started_at);

    CREATE TABLE operator_state (
        account TEXT PRIMARY KEY,      -- '*' pauses every account
        paused_until TEXT NOT NULL,    -- '9999-12-31T23:59:59Z' = until resumed
        note TEXT,
        updated_at TEXT NOT NULL
    );

    CREATE TABLE rate_limits (
        account TEXT NOT NULL,         -- '' for app-level knowledge
        endpoint TEXT NOT NULL,        -- 'POST /2/tweets'
        kind TEXT NOT NULL,            -- window | user_24h | app_24h
        lim INTEGER,
        remaining INTEGER,
        reset_at TEXT,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (account, endpoint, kind)
    );

    CREATE TABLE api_calls (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        account TEXT,
        method TEXT NOT NULL,
        endpoint TEXT NOT NULL,
        http_status INTEGER,
        cost_usd REAL NOT NULL DEFAULT 0,
        duration_ms INTEGER
    );
    CREATE INDEX api_calls_at ON api_calls(at);

    CREATE TABLE x_users (
        account TEXT PRIMARY KEY,
        user_id TEXT NOT NULL,
        username TEXT,
        checked_at TEXT NOT NULL
    );

    CREATE TABLE trends (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        hashtag TEXT NOT NULL,
        sources TEXT NOT NULL,         -- JSON array of source config names
        rank INTEGER,
        volume INTEGER,
        relevance REAL NOT NULL DEFAULT 0,
        score REAL NOT NULL DEFAULT 0,
        category TEXT NOT NULL DEFAULT 'generic',
        published_at TEXT,
        fetched_at TEXT NOT NULL
    );
    CREATE INDEX trends_fetched ON trends(fetched_at);

    CREATE TABLE trend_sources (
        source TEXT PRIMARY KEY,
        last_ok_at TEXT,
        last_error TEXT,
        last_error_at TEXT,
        failures INTEGER NOT NULL DEFAULT 0,
        open_until TEXT                -- circuit breaker: skipped until then
    );
    """),
]
