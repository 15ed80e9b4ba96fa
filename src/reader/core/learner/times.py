"""Moments as the learner's files store them: UTC, ISO 8601 text; and the dates a learner
types (`--since 2026-03-01`)."""

from __future__ import annotations

from datetime import date, datetime, timezone

from reader.core.errors import ReaderError


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def stamp(moment: datetime) -> str:
    # One fixed-width format, so stored times also sort and compare as text.
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# What an unreadable stored time is read as: the word stays usable (listed, exported,
# studied: a card due then is due now) instead of stopping every command that reads it.
UNKNOWN_TIME = datetime(1970, 1, 1, tzinfo=timezone.utc)


def parse_stamp(text: str) -> datetime:
    # fromisoformat is ~20x faster than strptime (a study queue parses thousands of stamps).
    try:
        moment = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)
    except ValueError:  # a row edited by hand, or by another tool
        return UNKNOWN_TIME
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)


def parse_since(text: str) -> datetime:
    """A `--since` value: an ISO date (local midnight) or date-time; naive means local time."""
    value = text.strip()
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            return datetime(day.year, day.month, day.day).astimezone(timezone.utc)
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        if moment.tzinfo is None:
            moment = moment.astimezone()  # naive: the learner's local time
        return moment.astimezone(timezone.utc)
    except (ValueError, OverflowError):  # OverflowError: year 1 or 9999 moved across UTC
        raise ReaderError(
            f"cannot read the date {text!r}: use YYYY-MM-DD or YYYY-MM-DDTHH:MM "
            "(between years 1 and 9999)"
        ) from None
