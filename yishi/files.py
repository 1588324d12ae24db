"""Write output files all at once: a reader never sees half a file, a failure leaves none."""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Mapping
from pathlib import Path

_BINARY = getattr(os, "O_BINARY", 0)  # Windows only


def write_atomically(files: Mapping[Path, bytes]) -> list[Path]:
    """Write every file, or none of them; raises OSError after cleaning up.

    Each file is written beside its destination, flushed to disk and renamed into place. It
    gets the mode a plain ``open()`` of a new file gives (0o666 less the umask), not
    ``mkstemp``'s 0600, so colleagues who share the output folder can read it.
    """
    staged: list[tuple[Path, Path]] = []
    try:
        for final, data in files.items():
            final.parent.mkdir(parents=True, exist_ok=True)
            staged.append((_write_beside(final, data), final))
        for part, final in staged:
            os.replace(part, final)
    except OSError:
        for part, _final in staged:
            with contextlib.suppress(OSError):
                part.unlink()
        raise
    for directory in {final.parent for final in files}:
        _sync_directory(directory)
    return list(files)


def write_file_atomically(path: Path, data: bytes) -> Path:
    """Write one file all at once (see ``write_atomically``)."""
    return write_atomically({path: data})[0]


def _write_beside(final: Path, data: bytes) -> Path:
    while True:
        part = final.with_name(f".{final.name}.{secrets.token_hex(4)}.part")
        try:
            # 0o666 here lets the kernel apply the umask, exactly as open() would.
            handle = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _BINARY, 0o666)
            break
        except FileExistsError:
            continue
    try:
        with os.fdopen(handle, "wb") as sink:
            sink.write(data)
            sink.flush()
            os.fsync(sink.fileno())
    except OSError:
        part.unlink(missing_ok=True)
        raise
    return part


def _sync_directory(directory: Path) -> None:
    # The rename itself reaches the disk only when the directory does; best effort.
    with contextlib.suppress(OSError):
        handle = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(handle)
        finally:
            os.close(handle)
