"""DCE timestamps: the forms exporters write, read as aware UTC times."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.dce.format import FormatError, parse_time


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("2024-05-01T12:00:00Z", datetime(2024, 5, 1, 12, tzinfo=UTC), id="Z"),
        pytest.param(
            "2024-05-01T12:00:00.1234567+02:00",
            datetime(2024, 5, 1, 10, 0, 0, 123456, tzinfo=UTC),
            id="7-digits-cut-to-microseconds",
        ),
        pytest.param(
            "2024-05-01T12:00:00.5+0200",
            datetime(2024, 5, 1, 10, 0, 0, 500000, tzinfo=UTC),
            id="offset-without-colon",
        ),
        pytest.param(
            "2024-05-01T12:00:00.000-05:30",
            datetime(2024, 5, 1, 17, 30, tzinfo=UTC),
            id="negative-half-hour-offset",
        ),
        pytest.param("2024-05-01T12:00:00", datetime(2024, 5, 1, 12, tzinfo=UTC), id="no-offset"),
    ],
)
def test_exported_times_become_utc(text: str, expected: datetime) -> None:
    parsed = parse_time(text, "timestamp")

    assert parsed == expected
    assert parsed.tzinfo is UTC


@pytest.mark.parametrize("value", ["not a time", "", None, 1714564800])
def test_anything_else_is_a_format_error_naming_the_field(value: object) -> None:
    with pytest.raises(FormatError, match=r"^timestampEdited .* is not an ISO-8601 time$"):
        parse_time(value, "timestampEdited")
