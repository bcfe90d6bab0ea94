"""The Qt GUI: the only package that imports PySide6."""

import sys as _sys


def _pin_singletons() -> None:
    """Make None, True and False effectively immortal on Python < 3.12.

    The PySide6 6.12 wheels return None from void calls (``update()``,
    ``fillRect()``, ``setPen()``...), empty ``QVariant`` reads and ``emit()``
    without the reference they owe; Python 3.12+ never frees these singletons,
    but 3.11 aborts with ``none_dealloc``/``bool_dealloc`` once enough calls
    have run (a minute of painting). A reference count no session can exhaust
    restores the 3.12 behaviour. Harmless on unaffected versions.
    """
    if _sys.version_info >= (3, 12) or _sys.implementation.name != "cpython":
        return
    import ctypes

    for obj in (None, True, False):
        ctypes.c_ssize_t.from_address(id(obj)).value += 1 << 48


_pin_singletons()
