"""Where s2sad keeps what it writes to disk, one directory per kind of thing.

``cache_dir("source")`` is ``<root>/source``, made if it is not there. The root is
``$S2SAD_CACHE_DIR`` when set, else ``$XDG_CACHE_HOME/s2sad``, else ``~/.cache/s2sad``.
Setting ``S2SAD_CACHE_DIR`` to ``""``, ``"0"`` or ``"off"`` turns the disk off (``None``),
and so does a directory that cannot be made:

>>> import os, tempfile
>>> root = tempfile.mkdtemp()
>>> os.environ["S2SAD_CACHE_DIR"], saved = root, os.environ.get("S2SAD_CACHE_DIR")
>>> cache_dir("source") == pathlib.Path(root) / "source"
True
>>> os.environ["S2SAD_CACHE_DIR"] = "off"
>>> cache_dir("source") is None
True
>>> os.environ["S2SAD_CACHE_DIR"] = saved if saved is not None else root
"""

from __future__ import annotations

import os
import pathlib

OFF = ("", "0", "off")


def cache_dir(kind: str) -> pathlib.Path | None:
    """``<root>/<kind>``, created; ``None`` when the disk cache is off or cannot be made."""
    root = os.environ.get("S2SAD_CACHE_DIR")
    if root is not None:
        if root.strip().lower() in OFF:
            return None
        base = pathlib.Path(root).expanduser()
    elif os.environ.get("XDG_CACHE_HOME"):
        base = pathlib.Path(os.environ["XDG_CACHE_HOME"]).expanduser() / "s2sad"
    else:
        base = pathlib.Path.home() / ".cache" / "s2sad"
    path = base / kind
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return path if os.access(path, os.W_OK | os.X_OK) else None
