"""The live board: hints before the board is read, small batches at once, storms read apart and
finished with what came meanwhile, short ids in step, state folders that go and come back, and
the face's own writes. Every test works on a real board in a temp folder."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest
from support.clock import at
from support.odd_board import odd_board

from pulseboard.core.actions import create_task, move_task
from pulseboard.core.board import STATES, Board, Task
from pulseboard.core.ids import ALPHABET
from pulseboard.core.live import INLINE_HINTS, LiveBoard, Loaded, Step, read_board
from pulseboard.core.read_ahead import FORK_FROM, ReadAhead, _child_states
from pulseboard.core.snapshot import Snapshot


def fresh(board: Board) -> dict[str, list[str]]:
    """What a fresh scan of the disk shows, column by column."""
    return shown(Snapshot(board.tasks()))


def shown(snap: Snapshot) -> dict[str, list[str]]:
    return {s: [f"{t.name}:{t.title}" for t in snap.column(s)] for s in STATES}


def installed(board: Board) -> LiveBoard:
    live = LiveBoard(board)
    assert live.install(live.load()) == Step()
    return live


def id_bits(task_id: str) -> Callable[[int], int]:
    """A randbits for create_task that makes exactly this id."""
    n = sum(ALPHABET.index(c) << (5 * i) for i, c in enumerate(task_id))
    return lambda _bits: n


def hand_files(board: Board, count: int, state: str = "open") -> list[str]:
    """Task files written by hand (as a git checkout would), returned as hint paths."""
    paths = []
    for i in range(count):
        path = board.root / state / f"checked-out-{i}.md"
        path.write_text(f"# Checked out {i}\n")
        paths.append(str(path))
    return paths


def settled(board: Board) -> None:
    """State folders last changed a minute ago: a read's stamps of them are sure."""
    past = at(0).timestamp() - 60
    for state in STATES:
        os.utime(board.root / state, (past, past))


# -- the first read, started ahead ---------------------------------------------------------------


def test_read_ahead_hands_its_read_to_the_first_load_only(board: Board) -> None:
    first = create_task(board, "Read ahead", now=at(0))
    ahead = ReadAhead(board)
    ahead.result()  # the read has ended ...
    live = LiveBoard(board, ahead)
    assert live.read_ahead
    later = create_task(board, "Made after the read", now=at(1))
    live.install(live.load())  # ... so the first load is what it read
    assert [t.id for t in live.snapshot] == [first.id] and later.id not in live.shorts
    assert not live.read_ahead
    live.unload()
    live.install(live.load())  # a reload reads the disk again
    assert shown(live.snapshot) == fresh(board)


class FailingBoard(Board):
    def tasks(self, states: Iterable[str] = STATES) -> list[Task]:
        raise OSError("the disk is on fire")


def test_read_ahead_failure_is_raised_by_load(board: Board) -> None:
    live = LiveBoard(board, ReadAhead(FailingBoard(board.root)))
    try:
        live.load()
    except OSError as exc:
        assert str(exc) == "the disk is on fire"
    else:
        raise AssertionError("load hid the read's failure")


def same_read(one: Loaded, other: Loaded) -> bool:
    return (
        all(list(one.snapshot.column(s)) == list(other.snapshot.column(s)) for s in STATES)
        and one.stamps == other.stamps
        and [one.shorts.short(i) for i in sorted(one.snapshot.ids())]
        == [other.shorts.short(i) for i in sorted(other.snapshot.ids())]
    )


@pytest.mark.parametrize(("fork", "in_memory"), [(True, True), (True, False), (False, False)])
def test_read_ahead_reads_what_a_read_here_reads(
    board: Board, tmp_path: Path, fork: bool, in_memory: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Shared with a child process (writing to a file in memory, or to a pipe where the system has
    none) or all here: the same board, odd files, dates from file times, links and accents included."""
    if not in_memory:
        monkeypatch.delattr(os, "memfd_create", raising=False)
    odd_board(board, tmp_path)
    settled(board)
    assert same_read(ReadAhead(board, fork=fork).result(), read_board(board))
    assert same_read(ReadAhead(board, fork=fork).result(), read_board(board))  # the caches now warm


def test_the_child_reads_a_middling_board_whole_and_a_little_over_half_of_a_big_one() -> None:
    """This process imports and sets up the app meanwhile: the child's share ends both together."""

    def sizes(open_: int, doing: int, done: int, blocked: int, total: int) -> dict[str, int]:
        return {"open": open_ * total // 100, "doing": doing * total // 100, "done": done * total // 100,
                "blocked": blocked * total // 100}  # fmt: skip

    middling, big = 800_000, 8_000_000  # the folders' sizes at ~10,000 and ~100,000 files
    assert _child_states(sizes(20, 1, 70, 9, middling)) == STATES
    assert _child_states(sizes(20, 1, 70, 9, big)) == ("done",)
    assert _child_states(sizes(25, 25, 25, 25, big)) == ("open", "doing")
    assert _child_states(sizes(60, 30, 5, 5, big)) == ("open",)
    assert _child_states(sizes(30, 0, 40, 30, big)) == ("open", "blocked")  # the fewer folders of two as near


def test_a_small_board_is_read_in_this_process_a_big_one_shared_with_a_child(board: Board) -> None:
    """A process is worth it only for a big board (its folders' sizes as the system gives them)."""
    create_task(board, "Small")
    assert sum(os.stat(board.root / state).st_size for state in STATES) < FORK_FROM
    forks: list[int] = []
    real_fork = os.fork

    def counted() -> int:
        forks.append(1)
        return real_fork()

    os.fork = counted  # type: ignore[assignment]
    try:
        ReadAhead(board).result()
        assert forks == []
        for n in range(1200):  # long names fill the folder's blocks sooner
            (board.root / "done" / f"{n:04d}-{'x' * 100}.md").write_text(f"# Done {n}\n")
        assert sum(os.stat(board.root / state).st_size for state in STATES) >= FORK_FROM
        assert len(ReadAhead(board).result().snapshot.column("done")) == 1200
        assert forks == [1]
    finally:
        os.fork = real_fork


class FailingChild(Board):
    """A board that can't be read in the child process (whichever folders it takes)."""

    def tasks(self, states: Iterable[str] = STATES, *, save: bool = True) -> list[Task]:
        if os.environ.get("PULSE_TEST_CHILD_FAILS") == str(os.getppid()):
            raise OSError("the child's disk is on fire")
        return super().tasks(states, save=save)


def test_a_failed_child_leaves_the_read_to_this_process(
    board: Board, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    odd_board(board, tmp_path)
    monkeypatch.setenv("PULSE_TEST_CHILD_FAILS", str(os.getpid()))  # true in the child alone
    assert same_read(ReadAhead(FailingChild(board.root), fork=True).result(), read_board(board))


# -- the watcher set up after the read -----------------------------------------------------------


def test_watching_rereads_folders_changed_after_the_read(board: Board) -> None:
    create_task(board, "Before", now=at(0))
    settled(board)
    live = installed(board)
    unseen = hand_files(board, 1)  # before the watcher was set up: no hint will ever name it
    step = live.watching(frozenset())
    assert step.read and step.paths == {str(board.root / "open")}
    done = live.finish(live.read(step.paths))
    assert done.changes.states == {"open"}
    assert shown(live.snapshot) == fresh(board) and len(unseen) == 1


def test_watching_leaves_folders_unchanged_since_the_read(board: Board) -> None:
    create_task(board, "Before", now=at(0))
    settled(board)
    live = installed(board)
    assert live.watching(frozenset()) == Step()


def test_watching_before_install_is_looked_at_by_install(board: Board) -> None:
    settled(board)
    live = LiveBoard(board)
    loaded = live.load()
    assert live.watching(frozenset()) == Step()  # nothing shown yet: the install looks
    hand_files(board, 1, state="doing")
    step = live.install(loaded)
    assert step.read and step.paths == {str(board.root / "doing")}
    live.finish(live.read(step.paths))
    assert shown(live.snapshot) == fresh(board)


def test_a_folder_just_changed_is_read_again_when_watching(board: Board) -> None:
    """A folder's time is kept in ticks: one changed just before the read may change again
    with the same time, so it is read again, changed or not."""
    create_task(board, "Just now", now=at(0))
    live = installed(board)
    step = live.watching(frozenset())
    assert step.read and str(board.root / "open") in step.paths


def test_a_folder_hint_is_read_off_the_ui_thread(board: Board) -> None:
    live = installed(board)
    step = live.hint({str(board.root / "done")})
    assert step.read and step.paths == {str(board.root / "done")}


# -- hints before the board is read --------------------------------------------------------------


def test_hint_before_install_is_followed_by_install(board: Board) -> None:
    create_task(board, "Already there", now=at(0))
    live = LiveBoard(board)
    tasks = live.load()  # read (off the UI thread) ...
    late = create_task(board, "Written while the board was read", now=at(1))
    assert live.hint({str(late.path)}) == Step()  # ... a hint comes before the read is shown
    assert len(live.snapshot) == 0
    step = live.install(tasks)
    assert live.loaded and not step.read
    assert step.changes.states == {"open"} and step.changes.ids_added == {late.id}
    assert shown(live.snapshot) == fresh(board)
    assert late.id in live.shorts


def test_none_hinted_before_install_asks_for_a_read_after_install(board: Board) -> None:
    live = LiveBoard(board)
    tasks = live.load()
    late = create_task(board, "Written while the board was read", now=at(1))
    assert live.hint({str(late.path)}) == Step()
    assert live.hint(None) == Step()  # anything may have changed: swallows the path hinted before
    step = live.install(tasks)
    assert step.read and step.paths is None
    assert len(live.snapshot) == 0  # nothing shown until the read is finished
    done = live.finish(live.read(step.paths))
    assert not done.read and done.changes.full_rescan
    assert done.changes.states == {"open"} and done.changes.ids_added == {late.id}
    assert shown(live.snapshot) == fresh(board)


def test_install_with_nothing_waiting_changes_nothing_more(board: Board) -> None:
    create_task(board, "One", now=at(0))
    live = LiveBoard(board)
    step = live.install(live.load())
    assert step == Step() and not step.changes
    assert shown(live.snapshot) == fresh(board)


# -- small batches, at once ----------------------------------------------------------------------


def test_small_batch_is_applied_inline_naming_the_states(board: Board) -> None:
    task = create_task(board, "Moves", now=at(0))
    live = installed(board)
    moved = move_task(board, task.id, "doing", now=at(1)).task  # another process moves it
    step = live.hint({str(moved.path), str(task.path)})
    assert not step.read and step.notices == []
    assert step.changes.states == {"open", "doing"}
    assert not step.changes.ids_added and not step.changes.ids_removed  # a move keeps the id
    assert {e.kind for e in step.changes.events} == {"added", "removed"}
    assert live.snapshot.get("doing", moved.name) == moved
    assert shown(live.snapshot) == fresh(board)


def test_exactly_inline_hints_paths_are_still_applied_inline(board: Board) -> None:
    live = installed(board)
    paths = hand_files(board, INLINE_HINTS)
    step = live.hint(set(paths))
    assert not step.read and step.changes.states == {"open"}
    assert len(step.changes.ids_added) == INLINE_HINTS
    assert shown(live.snapshot) == fresh(board)


def test_ignored_paths_change_nothing(board: Board) -> None:
    live = installed(board)
    (board.root / "open" / "notes.txt").write_text("not a task")
    step = live.hint({str(board.root / "open" / "notes.txt")})
    assert step == Step() and not step.changes


# -- storms: read apart, finished with what came meanwhile ----------------------------------------


def test_more_than_inline_hints_asks_for_a_read(board: Board) -> None:
    live = installed(board)
    paths = set(hand_files(board, INLINE_HINTS + 1))
    step = live.hint(paths)
    assert step.read and step.paths == paths and not step.changes
    assert len(live.snapshot) == 0  # nothing changes until finish
    done = live.finish(live.read(step.paths))
    assert not done.read and done.changes.states == {"open"}
    assert len(done.changes.ids_added) == INLINE_HINTS + 1
    assert shown(live.snapshot) == fresh(board)


def test_none_asks_for_a_full_read(board: Board) -> None:
    create_task(board, "One", now=at(0))
    live = installed(board)
    create_task(board, "Two", now=at(1))
    step = live.hint(None)
    assert step.read and step.paths is None
    done = live.finish(live.read(None))
    assert done.changes.full_rescan and done.changes.states == {"open"}
    assert shown(live.snapshot) == fresh(board)


def test_hints_during_a_read_are_followed_by_finish_with_merged_changes(board: Board) -> None:
    task = create_task(board, "Finished by another process", now=at(0))
    live = installed(board)
    step = live.hint(set(hand_files(board, INLINE_HINTS + 1)))
    assert step.read
    plan = live.read(step.paths)  # off the UI thread; meanwhile another pulse finishes a task
    moved = move_task(board, task.id, "done", now=at(1)).task
    assert live.hint({str(moved.path), str(task.path)}) == Step()  # waits for the read
    assert live.snapshot.get("open", task.name) is not None  # not followed yet
    done = live.finish(plan)
    assert not done.read
    assert done.changes.states == {"open", "done"}
    assert len(done.changes.ids_added) == INLINE_HINTS + 1 and task.id not in done.changes.ids_removed
    assert live.snapshot.get("done", moved.name) == moved and live.snapshot.get("open", task.name) is None
    assert shown(live.snapshot) == fresh(board)


def test_a_storm_during_a_read_asks_for_a_second_read(board: Board) -> None:
    live = installed(board)
    first = set(hand_files(board, INLINE_HINTS + 1))
    step = live.hint(first)
    plan = live.read(step.paths)
    second = set(hand_files(board, INLINE_HINTS + 1, state="blocked"))  # a second storm meanwhile
    assert live.hint(second) == Step()
    done = live.finish(plan)
    assert done.changes.states == {"open"}  # the first read is shown at once ...
    assert done.read and done.paths == second  # ... and the second storm is read apart
    assert live.snapshot.count("blocked") == 0
    again = live.finish(live.read(done.paths))
    assert not again.read and again.changes.states == {"blocked"}
    assert shown(live.snapshot) == fresh(board)


def test_small_hints_during_a_read_add_up_to_a_second_read(board: Board) -> None:
    """Hints that come in small batches during a read are one batch for finish: past
    INLINE_HINTS in all, they are read apart too."""
    live = installed(board)
    step = live.hint(set(hand_files(board, INLINE_HINTS + 1)))
    plan = live.read(step.paths)
    blocked = hand_files(board, INLINE_HINTS + 1, state="blocked")
    for path in blocked:
        assert live.hint({path}) == Step()
    done = live.finish(plan)
    assert done.read and done.paths == set(blocked)


def test_none_during_a_read_asks_for_a_full_read_after_finish(board: Board) -> None:
    live = installed(board)
    step = live.hint(set(hand_files(board, INLINE_HINTS + 1)))
    plan = live.read(step.paths)
    assert live.hint({str(board.root / "open" / "x.md")}) == Step()
    assert live.hint(None) == Step()
    done = live.finish(plan)
    assert done.read and done.paths is None


def test_follow_now_does_the_reading_at_once(board: Board) -> None:
    live = installed(board)
    paths = set(hand_files(board, INLINE_HINTS + 1))
    step = live.follow_now(paths)
    assert not step.read and step.changes.states == {"open"}
    assert len(step.changes.ids_added) == INLINE_HINTS + 1
    assert shown(live.snapshot) == fresh(board)
    create_task(board, "Then one more", now=at(1))
    everything = live.follow_now(None)
    assert not everything.read and everything.changes.full_rescan
    assert everything.changes.states == {"open"} and len(everything.changes.ids_added) == 1
    assert shown(live.snapshot) == fresh(board)


def test_follow_now_small_batch_is_like_hint(board: Board) -> None:
    live = installed(board)
    task = create_task(board, "One", now=at(0))
    step = live.follow_now({str(task.path)})
    assert not step.read and step.changes.states == {"open"} and step.changes.ids_added == {task.id}


def test_read_failed_lets_the_next_hint_be_followed(board: Board) -> None:
    live = installed(board)
    step = live.hint(set(hand_files(board, INLINE_HINTS + 1)))
    assert step.read
    task = create_task(board, "After the failure", now=at(1))
    assert live.hint({str(task.path)}) == Step()  # still reading: waits
    live.read_failed()  # the read off the UI thread raised: anything may have changed
    followed = live.hint({str(task.path)})
    assert followed.read and followed.paths is None  # so the next hint rereads everything
    done = live.finish(live.read(followed.paths))
    assert len(done.changes.ids_added) == INLINE_HINTS + 2
    assert live.snapshot.get("open", task.name) == task
    assert shown(live.snapshot) == fresh(board)


def test_hints_that_waited_during_a_failed_read_are_not_lost(board: Board) -> None:
    live = installed(board)
    step = live.hint(set(hand_files(board, INLINE_HINTS + 1)))
    assert step.read
    during = create_task(board, "Hinted while the read ran", now=at(1))
    assert live.hint({str(during.path)}) == Step()
    live.read_failed()
    after = create_task(board, "Hinted after the failure", now=at(2))
    live.follow_now({str(after.path)})
    assert live.snapshot.get("open", during.name) == during


# -- short ids -----------------------------------------------------------------------------------


def test_short_ids_follow_adds_and_removes(board: Board) -> None:
    first = create_task(board, "First", now=at(0), randbits=id_bits("7kq2m9xw4d"))
    live = installed(board)
    assert live.shorts.short(first.id) == "7kq2"
    other = create_task(board, "Unrelated", now=at(1), randbits=id_bits("x3c8v1b2n4"))
    live.hint({str(other.path)})
    assert live.shorts.short(other.id) == "x3c8" and live.shorts.short(first.id) == "7kq2"
    other.path.unlink()
    step = live.hint({str(other.path)})
    assert step.changes.ids_removed == {other.id}
    assert other.id not in live.shorts and first.id in live.shorts


def test_a_new_id_sharing_a_prefix_lengthens_both_shorts(board: Board) -> None:
    first = create_task(board, "First", now=at(0), randbits=id_bits("7kq2m9xw4d"))
    live = installed(board)
    assert live.shorts.short(first.id) == "7kq2"
    twin = create_task(board, "Twin", now=at(1), randbits=id_bits("7kq2a1b2c3"))
    assert twin.id == "7kq2a1b2c3"
    live.hint({str(twin.path)})
    assert live.shorts.short(first.id) == "7kq2m" and live.shorts.short(twin.id) == "7kq2a"
    twin.path.unlink()
    live.hint({str(twin.path)})
    assert live.shorts.short(first.id) == "7kq2"  # shorter again once the twin is gone


def test_short_ids_follow_a_storm(board: Board) -> None:
    first = create_task(board, "First", now=at(0), randbits=id_bits("7kq2m9xw4d"))
    live = installed(board)
    twin = create_task(board, "Twin", now=at(1), randbits=id_bits("7kq2a1b2c3"))
    live.follow_now({str(twin.path), *hand_files(board, INLINE_HINTS + 1)})
    assert live.shorts.short(first.id) == "7kq2m" and live.shorts.short(twin.id) == "7kq2a"
    first.path.unlink()
    live.follow_now(None)
    assert first.id not in live.shorts and live.shorts.short(twin.id) == "7kq2"


def test_a_move_keeps_the_short_id(board: Board) -> None:
    task = create_task(board, "Moves", now=at(0))
    live = installed(board)
    moved = move_task(board, task.id, "blocked", reason="waits", now=at(1)).task
    live.hint({str(task.path)})  # the removal seen first, the arrival later
    assert task.id not in live.shorts
    live.hint({str(moved.path)})
    assert task.id in live.shorts


# -- state folders that go and come back ----------------------------------------------------------


def test_state_folder_gone_is_told_once_and_back_is_told(board: Board) -> None:
    create_task(board, "Somewhere", now=at(0))
    live = installed(board)
    saved = board.root.parent / "saved-blocked"
    shutil.move(board.root / "blocked", saved)
    step = live.follow_now({str(board.root / "blocked")})
    assert step.notices == ["blocked/ is gone; its column says so until it is back."]
    task = create_task(board, "Later", now=at(1))
    assert live.hint({str(task.path)}).notices == []  # told once
    assert live.follow_now({str(board.root / "blocked")}).notices == []
    shutil.move(saved, board.root / "blocked")
    assert live.follow_now({str(board.root / "blocked")}).notices == ["blocked/ is back."]
    assert live.follow_now({str(board.root / "blocked")}).notices == []


def test_state_folder_gone_with_tasks_empties_its_column(board: Board) -> None:
    task = create_task(board, "Was in doing", now=at(0))
    moved = move_task(board, task.id, "doing", now=at(1)).task
    live = installed(board)
    saved = board.root.parent / "saved-doing"
    shutil.move(board.root / "doing", saved)
    step = live.follow_now(None)
    assert step.notices == ["doing/ is gone; its column says so until it is back."]
    assert step.changes.states == {"doing"} and live.snapshot.count("doing") == 0
    assert step.changes.ids_removed == {task.id} and task.id not in live.shorts
    shutil.move(saved, board.root / "doing")
    back = live.follow_now(None)
    assert back.notices == ["doing/ is back."]
    assert live.snapshot.get("doing", moved.name) == moved and task.id in live.shorts


def test_two_folders_gone_at_once_are_each_told(board: Board) -> None:
    live = installed(board)
    shutil.rmtree(board.root / "open")
    shutil.rmtree(board.root / "done")
    step = live.follow_now({str(board.root / "open"), str(board.root / "done")})
    assert step.notices == [
        "open/ is gone; its column says so until it is back.",
        "done/ is gone; its column says so until it is back.",
    ]


def test_whole_board_gone_tells_no_folder_notice(board: Board) -> None:
    create_task(board, "One", now=at(0))
    live = installed(board)
    shutil.rmtree(board.root)
    step = live.follow_now({str(board.root)})
    assert step.notices == [] and len(live.snapshot) == 0


# -- the face's own writes -----------------------------------------------------------------------


def test_put_shows_a_write_at_once_and_its_echo_changes_nothing(board: Board) -> None:
    live = installed(board)
    task = create_task(board, "Made by the face", now=at(0))
    live.put(task)
    assert live.snapshot.get("open", task.name) == task and task.id in live.shorts
    echo = live.hint({str(task.path)})
    assert not echo.changes and echo.changes.events == []


def test_remove_and_put_for_an_own_move(board: Board) -> None:
    task = create_task(board, "Moved by the face", now=at(0))
    live = installed(board)
    moved = move_task(board, task.id, "doing", now=at(1)).task
    live.remove(task)
    live.put(moved)
    assert live.snapshot.get("open", task.name) is None and live.snapshot.get("doing", moved.name) == moved
    assert task.id in live.shorts
    before = shown(live.snapshot)
    echo = live.hint({str(task.path), str(moved.path)})
    assert not echo.changes and shown(live.snapshot) == before == fresh(board)


def test_remove_drops_the_short_id_only_with_the_last_copy(board: Board) -> None:
    task = create_task(board, "Copied", now=at(0))
    copy = board.root / "done" / task.name
    shutil.copyfile(task.path, copy)
    live = installed(board)
    assert len(live.snapshot.with_id(task.id)) == 2
    live.remove(task)
    assert task.id in live.shorts and live.snapshot.get("open", task.name) is None
    live.remove(live.snapshot.get("done", task.name))
    assert task.id not in live.shorts and len(live.snapshot) == 0


def test_resync_rereads_an_edit(board: Board) -> None:
    task = create_task(board, "Before", now=at(0))
    live = installed(board)
    task.path.write_text(task.path.read_text().replace("title: Before", "title: After"))
    live.resync(task)
    assert live.snapshot.get("open", task.name).title == "After"
    assert shown(live.snapshot) == fresh(board)


def test_resync_finds_a_task_moved_by_hand(board: Board) -> None:
    task = create_task(board, "Moved by mv", now=at(0))
    live = installed(board)
    os.rename(task.path, board.root / "blocked" / task.name)
    live.resync(task)
    assert live.snapshot.get("open", task.name) is None
    assert live.snapshot.get("blocked", task.name).id == task.id and task.id in live.shorts
    assert shown(live.snapshot) == fresh(board)


def test_resync_of_a_deleted_task_takes_it_off(board: Board) -> None:
    task = create_task(board, "Deleted", now=at(0))
    live = installed(board)
    task.path.unlink()
    live.resync(task)
    assert len(live.snapshot) == 0 and task.id not in live.shorts


def test_resync_with_an_older_copy_of_the_task_leaves_no_ghost(board: Board) -> None:
    task = create_task(board, "Moved, then deleted", now=at(0))
    live = installed(board)
    moved = move_task(board, task.id, "doing", now=at(1)).task
    live.hint({str(task.path), str(moved.path)})  # the board now holds it in doing/
    moved.path.unlink()
    live.resync(task)  # the face still held the open/ copy it showed before
    assert shown(live.snapshot) == fresh(board)


def test_current_is_the_task_as_held_now(board: Board) -> None:
    task = create_task(board, "Old title", now=at(0))
    live = installed(board)
    assert live.current(task) == task
    task.path.write_text(task.path.read_text().replace("title: Old title", "title: New title"))
    live.hint({str(task.path)})
    assert live.current(task).title == "New title"  # same file, newer contents
    moved = move_task(board, task.id, "doing", now=at(1)).task
    live.hint({str(task.path), str(moved.path)})
    assert live.current(task) == moved  # the file moved: any copy of the task
    moved.path.unlink()
    live.hint({str(moved.path)})
    assert live.current(task) is None


# -- unload and install again --------------------------------------------------------------------


def test_unload_then_install_reads_the_board_again(board: Board) -> None:
    gone = create_task(board, "Goes while unloaded", now=at(0))
    live = installed(board)
    live.unload()
    assert not live.loaded
    gone.path.unlink()
    tasks = live.load()
    late = create_task(board, "Comes during the reload", now=at(1))
    assert live.hint({str(late.path)}) == Step()  # waits for the install
    step = live.install(tasks)
    assert live.loaded and step.changes.ids_added == {late.id}
    assert gone.id not in live.shorts and late.id in live.shorts
    assert shown(live.snapshot) == fresh(board)
    follow = create_task(board, "After", now=at(2))
    assert live.hint({str(follow.path)}).changes.ids_added == {follow.id}


def test_unload_drops_hints_that_waited_for_a_read(board: Board) -> None:
    live = installed(board)
    step = live.hint(set(hand_files(board, INLINE_HINTS + 1)))
    assert step.read
    assert live.hint(None) == Step()  # waits for the read ...
    live.unload()  # ... but the board is read again anyway
    step = live.install(live.load())
    assert step == Step()
    assert shown(live.snapshot) == fresh(board)
