"""Hand-checked SLA clock cases: calendar edges, holidays, pauses, zones, daylight-saving days."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings, strategies as st

from app.domain import sla

UTC = dt.UTC


def t(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


OFFICE = sla.Calendar.from_dict({"name": "office", "zone": "UTC", "days": ["mon", "tue", "wed", "thu", "fri"],
                                 "hours": "09:00-17:00"})


def test_around_the_clock_is_wall_time() -> None:
    assert sla.clock_minutes(sla.TWENTY_FOUR_SEVEN, t("2026-11-27T10:00"), t("2026-11-27T14:00")) == 240


def test_business_hours_skip_the_weekend() -> None:
    # Fri 2026-11-27 16:00 -> Mon 2026-11-30 10:00: 1 h on Friday + 1 h on Monday.
    assert sla.clock_minutes(OFFICE, t("2026-11-27T16:00"), t("2026-11-30T10:00")) == 120


def test_calendar_edges_are_exact() -> None:
    assert sla.clock_minutes(OFFICE, t("2026-11-30T08:00"), t("2026-11-30T09:00")) == 0
    assert sla.clock_minutes(OFFICE, t("2026-11-30T17:00"), t("2026-12-01T09:00")) == 0
    assert sla.clock_minutes(OFFICE, t("2026-11-30T09:00"), t("2026-11-30T17:00")) == 480
    assert sla.clock_minutes(OFFICE, t("2026-11-30T16:59"), t("2026-12-01T09:01")) == 2


def test_holidays_are_skipped() -> None:
    cal = sla.Calendar.from_dict({**OFFICE.to_dict(), "holidays": ["2026-11-30"]})
    # Fri 16:00 -> Tue 10:00 with Monday a holiday: 1 h Friday + 1 h Tuesday.
    assert sla.clock_minutes(cal, t("2026-11-27T16:00"), t("2026-12-01T10:00")) == 120


def test_a_hold_pauses_the_clock() -> None:
    hold = [(t("2026-11-27T11:00"), t("2026-11-27T12:30"))]
    assert sla.clock_minutes(sla.TWENTY_FOUR_SEVEN, t("2026-11-27T10:00"), t("2026-11-27T14:00"), hold) == 150


def test_a_hold_outside_hours_is_not_counted_twice() -> None:
    # Fri 16:00 open, on hold Fri 16:30 -> Mon 09:30, resolved Mon 10:00: 30 + 30 minutes.
    hold = [(t("2026-11-27T16:30"), t("2026-11-30T09:30"))]
    assert sla.clock_minutes(OFFICE, t("2026-11-27T16:00"), t("2026-11-30T10:00"), hold) == 60


def test_overlapping_holds_merge() -> None:
    holds = [(t("2026-11-27T11:00"), t("2026-11-27T12:00")), (t("2026-11-27T11:30"), t("2026-11-27T12:30"))]
    assert sla.clock_minutes(sla.TWENTY_FOUR_SEVEN, t("2026-11-27T10:00"), t("2026-11-27T14:00"), holds) == 150


def test_business_hours_in_another_zone() -> None:
    manila = sla.Calendar.from_dict({"name": "manila", "zone": "Asia/Manila", "days": ["mon", "tue", "wed", "thu",
                                                                                        "fri"], "hours": "08:00-17:00"})
    # Mon 08:30 -> 09:30 Manila (UTC+8) is 00:30Z -> 01:30Z.
    assert sla.clock_minutes(manila, t("2026-11-30T00:30"), t("2026-11-30T01:30")) == 60
    # Mon 17:30 Manila -> Tue 08:30 Manila: only the half hour Tuesday morning.
    assert sla.clock_minutes(manila, t("2026-11-30T09:30"), t("2026-12-01T00:30")) == 30
    # Sunday 23:30Z is already Monday 07:30 in Manila: the clock starts at 08:00 local (00:00Z).
    assert sla.clock_minutes(manila, t("2026-11-29T23:30"), t("2026-11-30T01:00")) == 60


def test_spring_forward_day_moves_the_window_in_utc() -> None:
    ny = sla.Calendar.from_dict({"name": "ny", "zone": "America/New_York", "hours": "08:00-18:00"})
    # Sat 2026-03-07 08:00 EST is 13:00Z; Sun 2026-03-08 08:00 EDT is 12:00Z.
    assert sla.clock_minutes(ny, t("2026-03-07T12:30"), t("2026-03-07T13:30")) == 30
    assert sla.clock_minutes(ny, t("2026-03-08T11:30"), t("2026-03-08T12:30")) == 30
    # Sat 12:00 EST -> Mon 12:00 EDT: 6 h + 10 h + 4 h, though 47 h passed on the wall clock.
    assert sla.clock_minutes(ny, t("2026-03-07T17:00"), t("2026-03-09T16:00")) == 1200
    assert sla.elapsed_minutes(t("2026-03-07T17:00"), t("2026-03-09T16:00")) == 47 * 60


def test_daylight_saving_days_have_their_wall_clock_length() -> None:
    ny_all_day = sla.Calendar.from_dict({"name": "ny", "zone": "America/New_York", "hours": "00:00-24:00"})
    # Midnight to midnight on 2026-03-08 in New York lasts 23 hours.
    assert sla.clock_minutes(ny_all_day, t("2026-03-08T05:00"), t("2026-03-09T04:00")) == 23 * 60
    london = sla.Calendar.from_dict({"name": "uk", "zone": "Europe/London", "days": ["sun"]})
    # Sunday 2026-10-25 in London lasts 25 hours (clocks go back); Saturday and Monday do not count.
    assert sla.clock_minutes(london, t("2026-10-24T12:00"), t("2026-10-26T12:00")) == 25 * 60


def test_night_shift_belongs_to_the_day_it_starts() -> None:
    nights = sla.Calendar.from_dict({"name": "nights", "days": ["mon", "tue", "wed", "thu", "fri"],
                                     "hours": "22:00-06:00"})
    assert sla.clock_minutes(nights, t("2026-11-27T23:00"), t("2026-11-28T05:00")) == 360  # Fri night
    assert sla.clock_minutes(nights, t("2026-11-28T23:00"), t("2026-11-29T05:00")) == 0  # Sat night


@pytest.mark.parametrize("data, field", [
    ({"name": "x", "zone": "Mars/Base"}, "zone"),
    ({"name": "x", "days": ["funday"]}, "days"),
    ({"name": "x", "hours": "9 to 5"}, "hours"),
    ({"name": "x", "holidays": ["25/12/2026"]}, "holidays"),
])
def test_bad_calendars_name_the_field(data: dict, field: str) -> None:
    with pytest.raises(sla.PolicyError, match=field):
        sla.Calendar.from_dict(data)


def test_policies_round_trip_and_choose_per_client() -> None:
    p = sla.SlaPolicies.from_dict({
        "calendars": [OFFICE.to_dict()],
        "clients": {"Acme": {"calendar": "office", "targets": {"P1": [10, 120]}}},
    })
    assert p.calendar_for("Acme").name == "office"
    assert p.calendar_for("Other").name == "24x7"
    assert p.target_for("Acme", 1) == sla.Target(10, 120)
    assert p.target_for("Acme", 2) == sla.DEFAULT_TARGETS[2]
    assert sla.SlaPolicies.from_dict(p.to_dict()) == p
    with pytest.raises(sla.PolicyError, match=r"clients.Acme.calendar"):
        sla.SlaPolicies.from_dict({"clients": {"Acme": {"calendar": "nope"}}})
    with pytest.raises(sla.PolicyError, match="P7"):
        sla.SlaPolicies.from_dict({"default_targets": {"P7": [1, 2]}})
    with pytest.raises(sla.PolicyError, match=r"default_targets.P2: the response target \(300 min\) cannot be longer"):
        sla.SlaPolicies.from_dict({"default_targets": {"P2": [300, 10]}})


_moments = st.datetimes(min_value=dt.datetime(2026, 1, 1), max_value=dt.datetime(2026, 12, 31),
                        timezones=st.just(UTC))
_calendars = st.sampled_from([
    sla.TWENTY_FOUR_SEVEN, OFFICE,
    sla.Calendar.from_dict({"name": "ny", "zone": "America/New_York", "hours": "08:00-18:00",
                            "holidays": ["2026-07-04"]}),
    sla.Calendar.from_dict({"name": "nights", "zone": "Europe/London", "days": ["mon", "fri", "sat"],
                            "hours": "22:00-06:00"}),
])


@settings(max_examples=150, deadline=None)
@given(_calendars, _moments, _moments, _moments, st.lists(st.tuples(_moments, _moments), max_size=3))
def test_clock_is_additive_and_bounded(cal: sla.Calendar, a: dt.datetime, b: dt.datetime, c: dt.datetime,
                                       holds: list) -> None:
    a, b, c = sorted((a, b, c))
    spans = [(min(s, e), max(s, e)) for s, e in holds]
    whole = sla.clock_minutes(cal, a, c, spans)
    assert 0 <= whole <= sla.elapsed_minutes(a, c) + 1e-9
    assert abs(whole - sla.clock_minutes(cal, a, b, spans) - sla.clock_minutes(cal, b, c, spans)) < 1e-6
    assert whole <= sla.clock_minutes(cal, a, c) + 1e-9  # holds only ever take time away
