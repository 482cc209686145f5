"""Telling the operator: webhook alerts ([notify], alerts.py) and the JSON run log ([logging],
runlog.py). Below trends and posting because both raise alerts (sources down, failed posts).

May import: kernel, config, store, schedule, x, llm.
"""
