"""Safe file-system primitives: whole writes, renames that never overwrite, appends that never tear,
reads that never hang, and paths that never lead out of the board through a link.

Every write pulse makes to a user's tasks folder goes through this module. The promises:
- a write is whole or not at all: a short write on a full disk is an error, never a shorter file;
- nothing is written through a symbolic link, and a folder pulse writes into under the board is a
  real folder (a cloned repository can't point pulse outside the board);
- a read opens only regular files and never blocks (a FIFO named `x.md` is an error, not a hang).
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import os
import secrets
import stat
import sys
from pathlib import Path
from typing import BinaryIO

from pulseboard.core.errors import PulseError
from pulseboard.core.libc import libc

_AT_FDCWD = -100
_LINUX_FLAGS = {"noreplace": 1, "exchange": 2}  # renameat2: RENAME_NOREPLACE, RENAME_EXCHANGE
_MACOS_FLAGS = {"noreplace": 0x4, "exchange": 0x2}  # renamex_np: RENAME_EXCL, RENAME_SWAP
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)

TEMP_SUFFIX = ".pulse-tmp"
SMALL_FILE = 16 << 20  # pulse's own small state files (read marks, push status) are read up to this


class UnsafePathError(PulseError):
    """A place pulse would write is a link or not what it should be: refused, nothing written."""


class NotRegularError(OSError):
    """A file pulse would read is a link, a FIFO, a device or a folder: refused, nothing read."""


def temp_path(folder: Path) -> Path:
    """A fresh temp file name in folder: short (whatever the target's length) and a dotfile."""
    return folder / f".{secrets.token_hex(6)}{TEMP_SUFFIX}"


def _native_rename(src: bytes, dst: bytes, mode: str) -> bool:
    """Try the kernel's no-overwrite rename or atomic exchange; False when this system has none."""
    if libc is None:
        return False
    if sys.platform.startswith("linux") and hasattr(libc, "renameat2"):
        result = libc.renameat2(_AT_FDCWD, src, _AT_FDCWD, dst, _LINUX_FLAGS[mode])
    elif sys.platform == "darwin" and hasattr(libc, "renamex_np"):
        result = libc.renamex_np(src, dst, _MACOS_FLAGS[mode])
    else:
        return False
    if result == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
        return False  # the file system cannot do it; fall back
    raise OSError(err, os.strerror(err), os.fsdecode(src), None, os.fsdecode(dst))


def rename_noreplace(src: Path, dst: Path) -> None:
    """Rename src to dst, failing with FileExistsError if dst exists; atomic on one file system.

    Where the kernel lacks a no-overwrite rename, a hard link plus unlink gives the same
    guarantee against overwriting (the link fails if dst exists).
    """
    if _native_rename(os.fsencode(src), os.fsencode(dst), "noreplace"):
        return
    os.link(src, dst, follow_symlinks=False)
    os.unlink(src)


def write_all(fd: int, data: bytes) -> None:
    """Write every byte of data to fd, or raise: a write that stops short is never taken as done."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        if written <= 0:  # a full disk that reports no error: say what it is
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        view = view[written:]


def _write_temp(folder: Path, data: bytes, durable: bool) -> Path:
    """A new temp file in folder holding all of data (flushed to disk when durable)."""
    tmp = temp_path(folder)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o644)
    try:
        write_all(fd, data)
        if durable:
            os.fsync(fd)
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    os.close(fd)
    return tmp


def _refuse_link(path: Path) -> os.stat_result | None:
    """path's own status (None if missing); UnsafePathError if it is a link or not a regular file."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None
    if stat.S_ISLNK(st.st_mode):
        raise _link_refused(path)
    if not stat.S_ISREG(st.st_mode):
        raise UnsafePathError(f"{path} is not a regular file, so pulse wrote nothing to it.")
    return st


def _link_refused(path: Path) -> UnsafePathError:
    return UnsafePathError(
        f"{path} is a symbolic link; pulse never writes through a link, so nothing was written."
    )


def write_new(path: Path, data: bytes) -> None:
    """Create path holding data, complete or not at all; FileExistsError if it exists (a link too)."""
    tmp = _write_temp(path.parent, data, durable=True)
    try:
        rename_noreplace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def atomic_write(path: Path, data: bytes, *, expect_inode: int | None = None, durable: bool = True) -> None:
    """Replace path's content with data via a temp file, keeping its permissions.

    Refuses (UnsafePathError) if path is a link or not a regular file: the link is never
    replaced and its target never written. Where the kernel can exchange two names atomically,
    the new content is swapped in only if path still exists, so a write never resurrects a task
    another process has just moved away. With expect_inode, refuse (FileNotFoundError) if path is
    no longer that file. durable=False skips the fsync, for data that is safe to lose (a cache).
    """
    _refuse_link(path)
    tmp = _write_temp(path.parent, data, durable)
    try:
        st = _refuse_link(path)
        if expect_inode is not None and (st is None or st.st_ino != expect_inode):
            raise FileNotFoundError(errno.ENOENT, "the file moved while pulse was writing", str(path))
        if st is not None:
            os.chmod(tmp, st.st_mode & 0o7777)
        if st is not None and _native_rename(os.fsencode(tmp), os.fsencode(path), "exchange"):
            os.unlink(tmp)  # now holds the old content
        else:
            os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def append_line(path: Path, line: str) -> None:
    """Append one whole line to a regular file (made if missing), never through a link.

    One O_APPEND write, so concurrent writers never interleave. A line cut short by a full disk
    is cut off again (when no one appended after it); a line left torn by a crash is ended before
    this one, so the next line never glues onto it.
    """
    data = (line.rstrip("\n") + "\n").encode("utf-8")
    try:
        fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT | _NOFOLLOW | _NONBLOCK, 0o644)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENXIO, errno.EMLINK):
            _refuse_link(path)
        raise
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise UnsafePathError(f"{path} is not a regular file, so pulse wrote nothing to it.")
        fcntl.flock(fd, fcntl.LOCK_EX)  # appenders take turns: the last byte read is the last one written
        size = os.fstat(fd).st_size
        if size and os.pread(fd, 1, size - 1) != b"\n":
            data = b"\n" + data
        _append_whole(fd, data)
    finally:
        os.close(fd)


def _append_whole(fd: int, data: bytes) -> None:
    """Append data to an O_APPEND fd. If the disk takes only part of it, cut that part off again
    (unless another writer has appended since) and raise: the journal never keeps half a line."""
    view = memoryview(data)
    done = 0
    start = 0  # where our bytes begin, once a first write came up short
    try:
        while done < len(data):
            written = os.write(fd, view[done:])
            if written <= 0:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            if done == 0 and written < len(data):
                start = os.lseek(fd, 0, os.SEEK_END) - written
            done += written
    except OSError:
        if done and os.fstat(fd).st_size == start + done:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, start)
        raise


def safe_folder(root: Path, *parts: str, create: bool = True) -> Path:
    """root/parts as a real folder inside the board, each part made if missing (when create).

    UnsafePathError if any part is a link or a file: pulse writes nothing through it.
    """
    folder = root
    for part in parts:
        folder = folder / part
        try:
            st = os.lstat(folder)
        except FileNotFoundError:
            if not create:
                return root.joinpath(*parts)
            with contextlib.suppress(FileExistsError):
                os.mkdir(folder)
            st = os.lstat(folder)
        if stat.S_ISLNK(st.st_mode):
            raise _link_refused(folder)
        if not stat.S_ISDIR(st.st_mode):
            raise UnsafePathError(f"{folder} is not a folder, so pulse wrote nothing in it.")
    return folder


def open_regular(path: Path, *, follow: bool = False) -> BinaryIO:
    """A regular file opened for reading; never blocks on a FIFO or a device.

    NotRegularError for a link (unless follow), a FIFO, a device or a folder.
    """
    flags = os.O_RDONLY | _NONBLOCK | (0 if follow else _NOFOLLOW)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENXIO):  # a link; a socket
            raise NotRegularError(exc.errno, "is not a regular file", str(path)) from None
        raise
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise NotRegularError(errno.EINVAL, "is not a regular file", str(path))
    return os.fdopen(fd, "rb")


def read_regular(path: Path, limit: int, *, follow: bool = False) -> bytes:
    """A regular file's bytes (see open_regular); ValueError if it holds more than limit."""
    with open_regular(path, follow=follow) as handle:
        data = handle.read(limit + 1)
        if len(data) > limit:
            raise ValueError(too_large(max(len(data), os.fstat(handle.fileno()).st_size), limit))
    return data


def ensure_file(path: Path, data: bytes) -> None:
    """Create path holding data unless it exists; UnsafePathError if it is a link or not a file."""
    if _refuse_link(path) is None:
        with contextlib.suppress(FileExistsError):
            write_new(path, data)
        _refuse_link(path)


def ensure_lines(path: Path, data: bytes) -> None:
    """ensure_file, and for a file there already, the lines of data it lacks added at its end (a
    `.gitignore` from an older pulse gets the lines a newer one needs); every other byte kept."""
    ensure_file(path, data)
    with contextlib.suppress(OSError):  # the lines are a convenience: never stop a write for them
        have = read_regular(path, SMALL_FILE)
        present = set(have.splitlines())
        missing = [line for line in data.splitlines() if line and line not in present]
        if missing:
            ending = b"" if not have or have.endswith(b"\n") else b"\n"
            atomic_write(path, have + ending + b"\n".join(missing) + b"\n")


def too_large(size: int, limit: int) -> str:
    """Why a file is not read: `is too large (50.0 MB; pulse reads files up to 1 MB)`."""
    return f"is too large ({size / (1 << 20):.1f} MB; pulse reads files up to {limit / (1 << 20):g} MB)"
