"""The schedule: a beat at start, every interval and soon after each change (one for a burst,
never two at once), figures with the beats at their pace, and no work while keys are pressed.
Time is a fake clock the tests set."""

from __future__ import annotations

import pytest

from pulseboard.core.schedule import BEAT, FIGURES, Schedule


class Clock:
    """A monotonic clock that stands still until a test moves it."""

    def __init__(self, now: float = 100.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


def run(schedule: Schedule, clock: Clock, job: str, took: float = 0.0) -> None:
    """Begin a job now, let it take `took` seconds, and end it."""
    schedule.began(job)
    clock.now += took
    schedule.ended(job)


def test_nothing_is_wanted_before_start(clock: Clock) -> None:
    schedule = Schedule(10, pace=4, clock=clock)
    assert schedule.due() == [] and schedule.wait() is None
    clock.now += 1000
    assert schedule.due() == [] and schedule.wait() is None


def test_start_makes_a_beat_due_at_once(clock: Clock) -> None:
    schedule = Schedule(10, clock=clock)
    schedule.start()
    assert schedule.due() == [BEAT] and schedule.wait() == 0


def test_with_a_delay_after_change_the_first_beat_leaves_the_screen_time_to_paint(clock: Clock) -> None:
    schedule = Schedule(10, after_change=0.15, clock=clock)
    schedule.start()
    assert schedule.due() == [] and schedule.wait() == pytest.approx(0.15)
    clock.now += 0.15
    assert schedule.due() == [BEAT]


def test_next_beat_is_an_interval_after_the_last_ended(clock: Clock) -> None:
    schedule = Schedule(10, clock=clock)
    schedule.start()
    run(schedule, clock, BEAT, took=2)  # ends at 102
    assert schedule.due() == [] and schedule.wait() == 10
    clock.now = 111.5
    assert schedule.due() == [] and schedule.wait() == pytest.approx(0.5)
    clock.now = 112
    assert schedule.due() == [BEAT]


def test_wait_is_zero_not_negative_when_overdue(clock: Clock) -> None:
    schedule = Schedule(10, clock=clock)
    schedule.start()
    clock.now += 30
    assert schedule.wait() == 0 and schedule.due() == [BEAT]


def test_a_change_brings_the_beat_to_after_change(clock: Clock) -> None:
    schedule = Schedule(10, after_change=0.5, clock=clock)
    schedule.start()
    run(schedule, clock, BEAT)  # the next at 110
    clock.now = 103
    schedule.changed()
    assert schedule.due() == [] and schedule.wait() == pytest.approx(0.5)
    clock.now = 103.5
    assert schedule.due() == [BEAT]
    run(schedule, clock, BEAT)
    assert schedule.wait() == pytest.approx(10)  # the interval starts again from this beat


def test_a_change_never_puts_a_due_beat_later(clock: Clock) -> None:
    schedule = Schedule(10, after_change=5, clock=clock)
    schedule.start()
    run(schedule, clock, BEAT)  # the next at 110
    clock.now = 108
    schedule.changed()  # after_change would say 113
    assert schedule.wait() == pytest.approx(2)


def test_a_burst_of_changes_makes_one_beat(clock: Clock) -> None:
    schedule = Schedule(10, after_change=1, clock=clock)
    schedule.start()
    run(schedule, clock, BEAT)
    for step in range(4):
        clock.now = 102 + step * 0.25
        schedule.changed()
    assert schedule.wait() == pytest.approx(0.25)  # one second after the burst's first change
    clock.now = 103
    assert schedule.due() == [BEAT]
    run(schedule, clock, BEAT, took=0.2)
    assert schedule.due() == [] and schedule.wait() == pytest.approx(10)  # no second beat for it


def test_a_change_during_a_beat_makes_one_beat_right_after_it(clock: Clock) -> None:
    schedule = Schedule(10, after_change=1, clock=clock)
    schedule.start()
    schedule.began(BEAT)
    clock.now += 0.5
    schedule.changed()  # would be due at 101.5, but the beat runs
    clock.now += 3
    assert schedule.due() == []  # never two beats at once
    schedule.ended(BEAT)
    assert schedule.due() == [BEAT]  # the change's beat comes as soon as the beat ends
    run(schedule, clock, BEAT)
    assert schedule.due() == [] and schedule.wait() == pytest.approx(10)


def test_a_change_late_in_a_beat_waits_after_change_past_its_end(clock: Clock) -> None:
    schedule = Schedule(10, after_change=2, clock=clock)
    schedule.start()
    schedule.began(BEAT)
    clock.now += 3
    schedule.changed()  # due at 105
    clock.now += 1
    schedule.ended(BEAT)  # ends at 104
    assert schedule.due() == [] and schedule.wait() == pytest.approx(1)


def test_key_presses_delay_work_until_idle(clock: Clock) -> None:
    schedule = Schedule(10, idle=2, clock=clock)
    schedule.start()
    schedule.key_pressed()
    assert schedule.due() == [] and schedule.wait() == pytest.approx(2)
    clock.now += 1.5
    schedule.key_pressed()  # typing goes on: the idle time counts from this key
    clock.now += 1.5
    assert schedule.due() == [] and schedule.wait() == pytest.approx(0.5)
    clock.now += 0.5
    assert schedule.due() == [BEAT]


def test_key_presses_do_not_delay_a_beat_already_later_than_idle(clock: Clock) -> None:
    schedule = Schedule(10, idle=2, clock=clock)
    schedule.start()
    run(schedule, clock, BEAT)  # the next at 110
    clock.now = 103
    schedule.key_pressed()
    assert schedule.wait() == pytest.approx(7)


def test_key_presses_delay_the_figures_too(clock: Clock) -> None:
    schedule = Schedule(10, idle=2, pace=4, clock=clock)
    schedule.start()
    schedule.began(BEAT)
    schedule.key_pressed()
    assert schedule.due() == [] and schedule.wait() == pytest.approx(2)
    clock.now += 2
    assert schedule.due() == [FIGURES]


def test_no_figures_without_a_pace(clock: Clock) -> None:
    schedule = Schedule(10, clock=clock)
    schedule.start()
    schedule.began(BEAT)
    assert schedule.due() == []
    schedule.ended(BEAT)
    for _ in range(3):
        clock.now += 10
        assert schedule.due() == [BEAT]
        run(schedule, clock, BEAT)
    assert FIGURES not in schedule.due()


def test_figures_come_with_a_beat_when_paced(clock: Clock) -> None:
    schedule = Schedule(10, pace=4, clock=clock)
    assert schedule.due() == []
    schedule.start()
    assert schedule.due() == [BEAT]  # figures are wanted only once a beat begins
    schedule.began(BEAT)
    assert schedule.due() == [FIGURES]
    schedule.ended(BEAT)
    assert schedule.due() == [FIGURES]
    run(schedule, clock, FIGURES)
    assert schedule.due() == []


def test_figures_keep_their_pace(clock: Clock) -> None:
    schedule = Schedule(1, pace=4, clock=clock)
    schedule.start()
    run(schedule, clock, BEAT)  # beat at 100: figures wanted
    run(schedule, clock, FIGURES, took=0.5)  # 100 to 100.5: the next not before 102.5
    clock.now = 101.5
    assert schedule.due() == [BEAT]
    schedule.began(BEAT)  # figures wanted again
    assert schedule.due() == [] and schedule.wait() == pytest.approx(1)
    schedule.ended(BEAT)
    clock.now = 102.4
    assert FIGURES not in schedule.due()
    clock.now = 102.5
    assert FIGURES in schedule.due()


def test_figures_pace_follows_how_long_they_last_took(clock: Clock) -> None:
    schedule = Schedule(1, pace=4, clock=clock)
    schedule.start()
    run(schedule, clock, BEAT)
    run(schedule, clock, FIGURES, took=2)  # ends 102: not before 110
    clock.now = 103
    run(schedule, clock, BEAT)  # figures wanted again
    clock.now = 109.75
    assert FIGURES not in schedule.due()
    clock.now = 110
    assert FIGURES in schedule.due()
    run(schedule, clock, FIGURES, took=0.25)  # ends 110.25: not before 111.25
    run(schedule, clock, BEAT)
    assert FIGURES not in schedule.due()
    clock.now = 111
    assert FIGURES not in schedule.due()
    clock.now = 111.25
    assert FIGURES in schedule.due()  # a quick run brings the next figures sooner


def test_figures_never_run_twice_at_once(clock: Clock) -> None:
    schedule = Schedule(1, pace=4, clock=clock)
    schedule.start()
    run(schedule, clock, BEAT)
    schedule.began(FIGURES)  # slow figures
    clock.now += 1
    assert schedule.due() == [BEAT]
    run(schedule, clock, BEAT)  # wants the figures again while they run
    assert schedule.due() == []
    clock.now += 1
    schedule.ended(FIGURES)  # took 2s: the next not before 8s from now
    clock.now += 7.75
    assert FIGURES not in schedule.due()
    clock.now += 0.25
    assert FIGURES in schedule.due()


def test_wait_is_until_the_earliest_job(clock: Clock) -> None:
    schedule = Schedule(10, pace=2, clock=clock)
    schedule.start()
    run(schedule, clock, BEAT)  # figures wanted now
    run(schedule, clock, FIGURES, took=3)  # ends 103: the next not before 109
    schedule.changed()
    run(schedule, clock, BEAT)  # the next beat at 113; figures wanted again
    assert schedule.wait() == pytest.approx(6)  # the figures at 109 come before the beat at 113
    clock.now = 109
    assert schedule.due() == [FIGURES] and schedule.wait() == 0
    run(schedule, clock, FIGURES)
    assert schedule.wait() == pytest.approx(4)  # now only the beat is wanted, at 113
    clock.now = 113
    assert schedule.due() == [BEAT] and schedule.wait() == 0
