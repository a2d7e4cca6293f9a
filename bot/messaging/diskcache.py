"""What GridBot derives from shipped files (triage's, zhconv's), kept between processes.

`gridbot classify` is often a whole process for a few hundred messages, and building the
engine is most of its time: the `re` module compiles every pattern in pure Python (the
dictionary's longest-match scan alone is thousands of characters), and the model file is
a megabyte of JSON. Neither changes between runs, so both are kept in the user's cache
(never the repository) in `marshal` form, the way Python keeps `.pyc` files and jieba
its prefix dictionary. An entry is used only when it was made from exactly the same
input by exactly the same interpreter; anything else (no cache directory, a stale,
foreign or damaged file) is silently rebuilt from the shipped files, so the cache can
make a start faster but never changes an answer.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import sys

# The interpreter that wrote an entry: marshal's format and compiled regex code are
# only promised to mean the same thing to the same Python.
INTERPRETER = f"{sys.implementation.cache_tag}:{sys.hexversion:x}:{marshal.version}"


def cache_dir(part: str = "triage") -> str | None:
    """The user's cache for ``part`` of GridBot (created on demand; never the repository),
    or None if there is none."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    path = os.path.join(base, "gridbot", part)
    try:
        os.makedirs(path, exist_ok=True)
    except OSError:
        return None
    return path


def load(name: str, key: object) -> object | None:
    """The value stored under ``name`` for exactly ``key``, or None."""
    folder = cache_dir()
    if folder is None:
        return None
    try:
        with open(os.path.join(folder, name), "rb") as handle:
            entry = marshal.loads(handle.read())  # marshal.load reads piece by piece
    except (OSError, EOFError, ValueError, TypeError):
        return None
    if not (isinstance(entry, tuple) and len(entry) == 3):
        return None
    interpreter, stored_key, value = entry
    if interpreter != INTERPRETER or stored_key != key:
        return None
    return value


def store(name: str, key: object, value: object) -> None:
    """Keep ``value`` under ``name`` for ``key``; a cache that cannot be written is no
    error. Written to a temporary file and renamed, so a reader never sees half."""
    folder = cache_dir()
    if folder is None:
        return
    import tempfile  # only a run that writes the cache pays for loading it

    try:
        data = marshal.dumps((INTERPRETER, key, value))
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", dir=folder)
    except (OSError, ValueError):
        return
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, os.path.join(folder, name))
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
