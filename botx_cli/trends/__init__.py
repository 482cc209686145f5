"""Trend candidates: sources (sources/: one module per source, the registry, fetching), cleaning, safety,
relevance, occasions, scoring, the circuit breaker, the refresh, the cache (its tables are
store/trends.py), listing and the model judge.

May import: kernel, config, store, schedule, x, llm, notify.

Importing this package costs nothing: it re-exports nothing, so `botx post` with a warm cache
loads only the submodules it uses (bs4, xml and the parsers' helpers load inside the parsers). Each
source's parser is its module's `parse` (sources/google_rss.py, ...).
"""
