"""Property tests for the reading of X's limit headers (issue 10 items 2 and 11): whatever a
header holds, reading it never raises, and a stored reset is never further ahead than X's
longest window plus a margin."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from botx_cli.x.api import MAX_RESET_AHEAD, limits_from_headers, parse_reset

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=timezone.utc)
HEADER_VALUES = st.one_of(
    st.text(max_size=30),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["1e999", "-1e999", "nan", "inf", "1.79e12", "0x10", " 12 ", "", "١٢٣"]),
)
# the machine is shared: a slow draw is load, not a slow strategy
LENIENT = settings(deadline=None, max_examples=300, suppress_health_check=[HealthCheck.too_slow])
NAMES = [
    f"{prefix}{part}"
    for prefix in ("x-rate-limit-", "x-user-limit-24hour-", "x-app-limit-24hour-")
    for part in ("limit", "remaining", "reset")
]


@LENIENT
@given(st.dictionaries(st.sampled_from(NAMES), HEADER_VALUES))
def test_any_header_values_read_without_raising_and_resets_stay_bounded(headers: dict[str, str]) -> None:
    for info in limits_from_headers("POST /2/tweets", headers, NOW):
        assert info.reset_at is None or info.reset_at <= NOW + MAX_RESET_AHEAD
        assert info.limit is None or isinstance(info.limit, int)


@LENIENT
@given(st.integers(min_value=int(NOW.timestamp()), max_value=int((NOW + timedelta(hours=24)).timestamp())))
def test_a_plausible_reset_is_kept_as_is_in_seconds_or_milliseconds(epoch: int) -> None:
    expected = datetime.fromtimestamp(epoch, timezone.utc)
    assert parse_reset(str(epoch), NOW) == (expected, None)
    assert parse_reset(str(epoch * 1000), NOW) == (expected, None)


def test_far_resets_are_capped_with_a_note_and_garbage_is_unknown() -> None:
    capped, note = parse_reset(str(int(datetime(2090, 1, 1, tzinfo=timezone.utc).timestamp())), NOW)
    assert capped == NOW + MAX_RESET_AHEAD and note and "2090" in note
    assert parse_reset("1e999", NOW)[0] == NOW + MAX_RESET_AHEAD
    for garbage in ("soon", "nan", "", "-5", None):
        assert parse_reset(garbage, NOW) == (None, None)
