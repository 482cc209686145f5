"""Numbered, append-only schema migrations, applied on every open.

Never edit or reorder an entry once it has shipped: add a new one. PRAGMA user_version
holds how many have been applied, so a warm open costs one pragma read.
"""

from __future__ import annotations

MIGRATIONS: list[tuple[str, str]] = [
    (
        "001_initial",
        """
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
    """,
    ),
    (
        "002_stats",
        """
    -- Engagement snapshots over time (botx metrics), and the latest one per post so
    -- `botx stats` joins one row per post instead of searching the history.
    CREATE TABLE metric_snapshots (
        id INTEGER PRIMARY KEY,
        tweet_id TEXT NOT NULL,
        account TEXT NOT NULL,
        fetched_at TEXT NOT NULL,
        source TEXT NOT NULL,          -- public | non_public (owner-only fields were given)
        impressions INTEGER,
        likes INTEGER,
        retweets INTEGER,
        replies INTEGER,
        quotes INTEGER,
        bookmarks INTEGER,
        url_clicks INTEGER,            -- NULL when X gave public metrics only
        profile_clicks INTEGER
    );
    CREATE INDEX metric_snapshots_tweet ON metric_snapshots(tweet_id, fetched_at);
    CREATE TABLE metrics_latest (
        tweet_id TEXT PRIMARY KEY,
        account TEXT NOT NULL,
        post_created_at TEXT NOT NULL, -- attempts.created_at of the post: stats' period filter
        fetched_at TEXT NOT NULL,
        source TEXT NOT NULL,
        impressions INTEGER NOT NULL DEFAULT 0,
        likes INTEGER NOT NULL DEFAULT 0,
        engagements INTEGER NOT NULL DEFAULT 0,  -- likes + retweets + replies + quotes + bookmarks
        url_clicks INTEGER,
        profile_clicks INTEGER
    ) WITHOUT ROWID;
    CREATE INDEX metrics_latest_post ON metrics_latest(post_created_at, account, impressions, likes, engagements);

    -- Webhook alerts: the same (kind, key) is sent at most once per repeat interval.
    CREATE TABLE alerts (
        kind TEXT NOT NULL,            -- credentials | failures | budget | trends_down
        key TEXT NOT NULL,             -- account name, or '' / 'all'
        last_sent_at TEXT NOT NULL,
        sent INTEGER NOT NULL DEFAULT 0,
        suppressed INTEGER NOT NULL DEFAULT 0,
        delivered INTEGER,             -- NULL while sending, 1 ok, 0 failed
        last_error TEXT,
        message TEXT,
        PRIMARY KEY (kind, key)
    );

    -- Posts returned per call: the daily read budget of `botx metrics` counts these.
    ALTER TABLE api_calls ADD COLUMN items INTEGER NOT NULL DEFAULT 0;

    -- Covering indexes for `botx stats`: a period is one index range, never a table scan.
    CREATE INDEX api_calls_at_cost ON api_calls(at, account, cost_usd);
    CREATE INDEX runs_started_cover ON runs(started_at, command, account, status, reason);
    CREATE INDEX attempts_created_cover ON attempts(created_at, status, account, tweet_id);
    """,
    ),
    (
        "003_content",
        """
    -- TF-IDF similarity of each domain tag to each (angle, offer) plan and to cached trends,
    -- computed off the post path (botx_cli/affinity.py) so `botx post` never imports sklearn.
    CREATE TABLE affinities (
        config_hash TEXT NOT NULL,     -- hash of the config parts the scores depend on
        kind TEXT NOT NULL,            -- plan | trend | claim (one run computes, see affinity.py)
        key TEXT NOT NULL,             -- plan: angle || x'1f' || offer item; trend: casefolded hashtag
        domain_tag TEXT NOT NULL,
        score REAL NOT NULL,           -- cosine similarity, 0..1
        computed_at TEXT NOT NULL,
        PRIMARY KEY (config_hash, kind, key, domain_tag)
    ) WITHOUT ROWID;
    """,
    ),
    (
        "004_trends",
        """
    -- One row per trend refresh: its start is the cache's age (a refresh whose sources all
    -- failed still counts, so cron runs do not retry dead sources every slot), and claiming
    -- a row under the write lock keeps concurrent runs from refreshing together.
    CREATE TABLE trend_refreshes (
        id INTEGER PRIMARY KEY,
        started_at TEXT NOT NULL,
        finished_at TEXT,              -- NULL while running (or if the run died)
        trigger TEXT NOT NULL,         -- cli | post
        duration_ms INTEGER,
        kept INTEGER,
        rejected INTEGER,
        sources_ok TEXT,               -- JSON arrays of source config names
        sources_failed TEXT,
        sources_skipped TEXT,          -- circuit open: still cooling off
        error TEXT                     -- an unexpected failure of the refresh itself
    );
    CREATE INDEX trend_refreshes_started ON trend_refreshes(started_at);
    ALTER TABLE trends ADD COLUMN refresh_id INTEGER;
    CREATE INDEX trends_refresh_score ON trends(refresh_id, score);
    -- What cleaning dropped and why, for `botx trends -v`.
    CREATE TABLE trend_rejects (
        id INTEGER PRIMARY KEY,
        refresh_id INTEGER NOT NULL,
        name TEXT NOT NULL,
        source TEXT NOT NULL,
        rank INTEGER,
        reason TEXT NOT NULL
    );
    CREATE INDEX trend_rejects_refresh ON trend_rejects(refresh_id);
    ALTER TABLE trend_sources ADD COLUMN last_count INTEGER;
    ALTER TABLE trend_sources ADD COLUMN last_duration_ms INTEGER;
    """,
    ),
    (
        "005_drafts",
        """
    -- The review queue ([review] require_approval, botx_cli/drafts.py): drafts composed like
    -- previews, approved by a person, posted by `botx post` oldest first. A draft is bound to
    -- its attempt before the API call ('sending') and then follows that attempt's outcome.
    CREATE TABLE drafts (
        id INTEGER PRIMARY KEY,
        account TEXT NOT NULL,
        status TEXT NOT NULL,          -- pending | approved | rejected | sending | posted | unknown | expired | invalid
        text TEXT NOT NULL,
        text_norm TEXT NOT NULL,
        hashtags TEXT NOT NULL,        -- JSON array of '#Tag'
        trend TEXT,                    -- the trend or calendar tag it was composed around
        trend_day TEXT,                -- a calendar tag's local day (YYYY-MM-DD); NULL for cached trends
        angle TEXT,
        offer TEXT,
        strategy TEXT,                 -- template | llm | edited
        slot TEXT,                     -- the slot it was composed for (local time)
        weighted_length INTEGER NOT NULL,
        checks TEXT NOT NULL,          -- JSON {check: bool} of its last validation
        notes TEXT,                    -- JSON {check: note}
        reason TEXT,                   -- why expired, invalid or back in the queue
        attempt_id INTEGER REFERENCES attempts(id),
        tweet_id TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        approved_at TEXT
    );
    CREATE INDEX drafts_queue ON drafts(account, status, id);
    CREATE INDEX drafts_status ON drafts(status, id);
    """,
    ),
    (
        "006_media_experiments",
        """
    -- Generated images (botx_cli/media.py): one row per image made for an attempt, or per
    -- failure (the tweet then went out text-only). every_n counts posts since the last
    -- 'attached' row of the account.
    CREATE TABLE media (
        id INTEGER PRIMARY KEY,
        attempt_id INTEGER,            -- the post it was made for
        account TEXT NOT NULL,
        created_at TEXT NOT NULL,
        status TEXT NOT NULL,          -- uploaded | attached | failed
        stage TEXT NOT NULL,           -- skip | generate | upload | attach: where it stopped
        media_id TEXT,                 -- X's id once uploaded
        model TEXT,
        prompt TEXT,
        error TEXT
    );
    CREATE INDEX media_account ON media(account, status, attempt_id);
    CREATE INDEX media_attempt ON media(attempt_id);
    -- The [compose.llm] prompt variant that wrote a post's copy (botx_cli/experiments.py).
    ALTER TABLE attempts ADD COLUMN variant TEXT;
    """,
    ),
    (
        "007_trend_judgement",
        """
    -- What the trend judgement found at refresh time (botx_cli/trends/: relate.py, safety.py,
    -- llm_judge.py), stored with the trend so a warm `botx post` reads it and imports nothing.
    ALTER TABLE trends ADD COLUMN display TEXT;        -- the name as a source wrote it ("Mystics vs Fever")
    ALTER TABLE trends ADD COLUMN context TEXT;        -- JSON [[title, snippet, publication], ...]: its headlines
    ALTER TABLE trends ADD COLUMN matched TEXT;        -- JSON ["Nvidia", "keynote (headline)"]: why relevant
    ALTER TABLE trends ADD COLUMN reason TEXT;         -- one line: why it is relevant or not
    ALTER TABLE trends ADD COLUMN llm_verdict TEXT;    -- JSON {"safe", "related", "why"} when a model judged it
    ALTER TABLE trend_refreshes ADD COLUMN judge TEXT; -- what the model judge did in that refresh
    -- The model's verdicts by trend and headlines: a trend still trending at the next refresh
    -- is not asked about again.
    CREATE TABLE trend_verdicts (
        key TEXT PRIMARY KEY,          -- hash of model, product, hashtag and headline titles
        verdict TEXT NOT NULL,         -- JSON {"safe", "related", "why"}
        judged_at TEXT NOT NULL
    );
    CREATE INDEX trend_verdicts_judged ON trend_verdicts(judged_at);
    """,
    ),
    (
        "008_lost_answers_and_limit_notes",
        """
    -- A lost answer (timeout, reset, no id) stays 'unknown', holding its slot and counting
    -- toward cap and gap, until the account's timeline shows the tweet ('posted') or `checks`
    -- reads did not ('not_posted', final).
    ALTER TABLE attempts ADD COLUMN checks INTEGER NOT NULL DEFAULT 0;
    -- Why a stored block is not X's own reset: a capped header, a 429 naming none, or
    -- pay-per-use credits exhausted (kind 'credits').
    ALTER TABLE rate_limits ADD COLUMN note TEXT;
    -- A run whose answer was lost is updated when its tweet turns up on the timeline.
    CREATE INDEX runs_attempt ON runs(attempt_id);
    """,
    ),
    (
        "009_post_kind",
        """
    -- The kind of post composition chose (offer | proof | question: [compose.kinds] spreads them
    -- per account); NULL for manual texts, drafts and posts made before it was recorded.
    ALTER TABLE attempts ADD COLUMN post_kind TEXT;
    """,
    ),
]
