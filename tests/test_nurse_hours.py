"""The nurses' opening hours and their deployment settings."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.config import ConfigError, load_deployment
from bot.nurse.hours import HoursError, OpeningHours, format_opening

LONDON = ZoneInfo("Europe/London")
WEEKDAYS = OpeningHours.parse("mon-fri 09:00-17:00; sat 10:00-12:00", "Europe/London")


def at(year: int, month: int, day: int, hour: int, minute: int = 0) -> float:
    return dt.datetime(year, month, day, hour, minute, tzinfo=LONDON).timestamp()


@pytest.mark.parametrize(
    "when, open_now",
    [
        (at(2026, 12, 4, 9, 0), True),  # Friday, opening minute
        (at(2026, 12, 4, 16, 59), True),
        (at(2026, 12, 4, 17, 0), False),  # closing minute
        (at(2026, 12, 5, 11, 0), True),  # Saturday morning
        (at(2026, 12, 6, 11, 0), False),  # Sunday
    ],
)
def test_is_open(when: float, open_now: bool) -> None:
    assert WEEKDAYS.is_open(when) is open_now


def test_the_next_opening_after_hours_is_the_next_span() -> None:
    friday_evening = at(2026, 12, 4, 18, 30)
    assert WEEKDAYS.next_opening(friday_evening) == dt.datetime(2026, 12, 5, 10, 0, tzinfo=LONDON)
    saturday_noon = at(2026, 12, 5, 12, 0)
    assert WEEKDAYS.next_opening(saturday_noon) == dt.datetime(2026, 12, 7, 9, 0, tzinfo=LONDON)
    early_monday = at(2026, 12, 7, 6, 0)
    assert WEEKDAYS.next_opening(early_monday) == dt.datetime(2026, 12, 7, 9, 0, tzinfo=LONDON)


def test_wall_clock_hours_hold_across_summer_time() -> None:
    # The clocks go forward on Sunday 29 March 2026: Monday still opens at 09:00 local time.
    sunday = at(2026, 3, 29, 12, 0)
    opening = WEEKDAYS.next_opening(sunday)
    assert (opening.hour, opening.utcoffset()) == (9, dt.timedelta(hours=1))


def test_day_ranges_wrap_and_always_is_always() -> None:
    weekend = OpeningHours.parse("fri-mon 20:00-24:00", "UTC")
    assert [bool(day) for day in weekend.spans] == [True, False, False, False, True, True, True]
    always = OpeningHours.parse("always", "Asia/Riyadh")
    assert always.is_open(at(2026, 12, 6, 3, 0))


@pytest.mark.parametrize(
    "hours, zone, says",
    [
        ("mon-fry 09:00-17:00", "UTC", "unknown day 'fry'"),
        ("mon 17:00-09:00", "UTC", "must start before it ends"),
        ("mon 9-17", "UTC", "write it like 09:00-17:00"),
        ("", "UTC", "no opening hours given"),
        ("weekdays", "UTC", "write it like 'mon-fri 09:00-17:00'"),
        ("mon 09:00-17:00", "Mars/Olympus", "unknown time zone 'Mars/Olympus'"),
    ],
)
def test_bad_hours_say_what_to_write(hours: str, zone: str, says: str) -> None:
    with pytest.raises(HoursError, match=says):
        OpeningHours.parse(hours, zone)


def test_the_opening_is_shown_in_the_persons_language_with_the_zone() -> None:
    monday = dt.datetime(2026, 12, 7, 9, 0, tzinfo=LONDON)
    assert format_opening(monday, "en") == "Mon, Dec 7 9:00\u202fAM (Greenwich Mean Time)"
    assert format_opening(monday, "de") == "Mo., 7. Dez. 09:00 (Mittlere Greenwich-Zeit)"


def test_deployment_settings_come_from_the_file_and_the_environment(tmp_path: Path) -> None:
    path = tmp_path / "deployment.yaml"
    path.write_text('nurse_group: "-1001234567890"\nnurse_hours: "daily 08:00-20:00"\n')
    deployment = load_deployment(path, {"TIMEZONE": "Europe/Warsaw"})
    assert deployment.nurse_desk and deployment.placeholders()["nurse_desk"] is True
    assert (deployment.nurse_hours, deployment.timezone) == (
        "daily 08:00-20:00",
        "Europe/Warsaw",
    )
    assert not load_deployment(None, {}).placeholders()["nurse_desk"]


@pytest.mark.parametrize(
    "env, says",
    [
        ({"NURSE_GROUP": "@nurses"}, "nurse_group must be the id of a Telegram supergroup"),
        ({"NURSE_GROUP": "-1001", "NURSE_HOURS": "sometimes"}, "nurse_hours / nurse_closed"),
        ({"NURSE_GROUP": "-1001", "TIMEZONE": "London"}, "unknown time zone"),
    ],
)
def test_a_bad_nurse_setting_stops_the_start(env: dict[str, str], says: str) -> None:
    with pytest.raises(ConfigError, match=says):
        load_deployment(None, env)


def test_bad_hours_do_not_matter_without_a_nurses_group() -> None:
    assert not load_deployment(None, {"NURSE_HOURS": "sometimes"}).nurse_desk


# -- closed days and public holidays -------------------------------------------------------


def test_closed_dates_and_ranges_move_the_next_opening() -> None:
    hours = OpeningHours.parse(
        "mon-fri 09:00-17:00", "Europe/London", closed="2026-12-07, 2026-12-09..2026-12-11"
    )
    assert not hours.is_open(at(2026, 12, 7, 10))  # a Monday, closed
    assert hours.is_open(at(2026, 12, 8, 10))
    opens = hours.next_opening(at(2026, 12, 8, 18))  # Tuesday evening: Wed-Fri closed
    assert opens == dt.datetime(2026, 12, 14, 9, 0, tzinfo=LONDON)


def test_public_holidays_close_the_desk() -> None:
    hours = OpeningHours.parse("mon-fri 09:00-17:00", "Europe/London", holidays="GB-ENG")
    assert hours.is_closed(dt.date(2026, 12, 25)) and not hours.is_open(at(2026, 12, 25, 10))
    # Christmas Eve after hours: Christmas Day (Friday), the weekend, then Boxing Day moved
    # to Monday 28th; the nurses are back on Tuesday.
    opens = hours.next_opening(at(2026, 12, 24, 18))
    assert opens == dt.datetime(2026, 12, 29, 9, 0, tzinfo=LONDON)
    # Holidays differ by region: 2 January is a bank holiday in Scotland, not in England.
    scotland = OpeningHours.parse("mon-fri 09:00-17:00", "Europe/London", holidays="gb-sct")
    assert scotland.is_closed(dt.date(2026, 1, 2)) and not hours.is_closed(dt.date(2026, 1, 2))


@pytest.mark.parametrize(
    "closed, holidays, says",
    [
        ("25/12/2026", "", "write dates like 2026-12-25"),
        ("2026-02-30", "", "not a real date"),
        ("2026-12-31..2026-12-01", "", "ends before it starts"),
        ("2026-01-01..2026-06-30", "", "remove nurse_group"),
        ("", "XX", "no public holiday calendar for 'XX'"),
        ("", "GB-ZZZ", "no public holiday calendar for 'GB-ZZZ'"),
    ],
)
def test_bad_closed_days_say_what_to_write(closed: str, holidays: str, says: str) -> None:
    with pytest.raises(HoursError, match=says):
        OpeningHours.parse("mon-fri 09:00-17:00", "Europe/London", closed, holidays)


def test_closed_days_come_from_the_deployment_and_a_bad_one_stops_the_start() -> None:
    env = {"NURSE_GROUP": "-1001", "NURSE_HOLIDAYS": "FR", "NURSE_CLOSED": "2026-08-03"}
    hours = load_deployment(None, env).opening_hours()
    assert hours.is_closed(dt.date(2026, 7, 14)) and hours.is_closed(dt.date(2026, 8, 3))
    with pytest.raises(ConfigError, match="nurse_closed / nurse_holidays"):
        load_deployment(None, {**env, "NURSE_HOLIDAYS": "Narnia"})
