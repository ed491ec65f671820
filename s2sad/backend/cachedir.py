"""Where s2sad keeps files between sessions: one directory per kind of file.

The root is ``$S2SAD_CACHE_DIR`` if set, else ``$XDG_CACHE_HOME/s2sad``, else
``~/.cache/s2sad``; ``$S2SAD_CACHE_DIR`` set to ``""``, ``"0"`` or ``"off"`` turns the
disk cache off (``None``), as does a directory that cannot be made:

>>> import os
>>> os.environ["S2SAD_CACHE_DIR"], saved = "off", os.environ.get("S2SAD_CACHE_DIR")
>>> cache_dir("numba") is None
True
>>> _ = os.environ.pop("S2SAD_CACHE_DIR") if saved is None else os.environ.update(S2SAD_CACHE_DIR=saved)
"""

from __future__ import annotations

import os
import pathlib

_OFF = ("", "0", "off")


def cache_dir(kind: str) -> pathlib.Path | None:
    """``<root>/<kind>``, created; ``None`` where there is no disk cache."""
    root = os.environ.get("S2SAD_CACHE_DIR")
    if root is not None:
        if root.strip().lower() in _OFF:
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
    return path


__all__ = ["cache_dir"]
