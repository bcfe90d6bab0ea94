"""The Qt GUI: the only package that imports PySide6."""

import PySide6.QtCore  # noqa: F401 - loads PySide6's import hook, which feature_hook trims

from app.ui import feature_hook

feature_hook.install()
