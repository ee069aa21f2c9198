"""Safe file-system primitives: renames that never overwrite, atomic writes, atomic appends.

Every write pulse makes to a user's tasks folder goes through this module.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import os
import secrets
import sys
from pathlib import Path

_AT_FDCWD = -100
_LINUX_FLAGS = {"noreplace": 1, "exchange": 2}  # renameat2: RENAME_NOREPLACE, RENAME_EXCHANGE
_MACOS_FLAGS = {"noreplace": 0x4, "exchange": 0x2}  # renamex_np: RENAME_EXCL, RENAME_SWAP

TEMP_SUFFIX = ".pulse-tmp"


def temp_path(folder: Path) -> Path:
    """A fresh temp file name in folder: short (whatever the target's length) and a dotfile."""
    return folder / f".{secrets.token_hex(6)}{TEMP_SUFFIX}"


def _load_libc() -> ctypes.CDLL | None:
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
    except OSError:
        return None


_libc = _load_libc()


def _native_rename(src: bytes, dst: bytes, mode: str) -> bool:
    """Try the kernel's no-overwrite rename or atomic exchange; False when this system has none."""
    if _libc is None:
        return False
    if sys.platform.startswith("linux") and hasattr(_libc, "renameat2"):
        result = _libc.renameat2(_AT_FDCWD, src, _AT_FDCWD, dst, _LINUX_FLAGS[mode])
    elif sys.platform == "darwin" and hasattr(_libc, "renamex_np"):
        result = _libc.renamex_np(src, dst, _MACOS_FLAGS[mode])
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


def _write_temp(folder: Path, data: bytes, durable: bool) -> Path:
    """A new temp file in folder holding data (flushed to disk when durable)."""
    tmp = temp_path(folder)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        os.write(fd, data)
        if durable:
            os.fsync(fd)
    except BaseException:
        os.close(fd)
        os.unlink(tmp)
        raise
    os.close(fd)
    return tmp


def write_new(path: Path, data: bytes) -> None:
    """Create path holding data, complete or not at all; FileExistsError if it exists."""
    tmp = _write_temp(path.parent, data, durable=True)
    try:
        rename_noreplace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def atomic_write(path: Path, data: bytes, *, expect_inode: int | None = None, durable: bool = True) -> None:
    """Replace path's content with data via a temp file, keeping its permissions.

    Where the kernel can exchange two names atomically, the new content is swapped in only if
    path still exists, so a write never resurrects a task another process has just moved away.
    With expect_inode, refuse (FileNotFoundError) if path is no longer that file. durable=False
    skips the fsync, for data that is safe to lose (a cache).
    """
    tmp = _write_temp(path.parent, data, durable)
    try:
        try:
            st = os.stat(path)
        except FileNotFoundError:
            st = None
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
    """Append one line with a single O_APPEND write, so concurrent writers never interleave."""
    data = (line.rstrip("\n") + "\n").encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, data)
    finally:
        os.close(fd)
