"""Package list for setuptools; everything else is in pyproject.toml.

``resources/`` (icons, themes) stays a top-level folder in the repository and is
installed as the package ``app_resources``, which pyproject.toml alone cannot map.
"""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["app", "app.*"]), "app_resources"],
    package_dir={"app_resources": "resources"},
)
