"""Where the shipped content lives and where a learner's data goes.

Content sits at the repository root (lessons/, question_bank/) in a checkout; a wheel carries it
as trainer/_content/. Data goes to the platform's user data dir unless overridden.
"""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent
APP_NAME = "pacs-trainer"
DATA_ENV = "PACS_TRAINER_HOME"


def content_root() -> Path:
    """The folder holding lessons/ and question_bank/, installed or in a checkout."""
    installed = _PACKAGE / "_content"
    if (installed / "lessons").is_dir():
        return installed
    return _PACKAGE.parent


def lessons_dir() -> Path:
    return content_root() / "lessons"


def question_bank_dir() -> Path:
    return content_root() / "question_bank"


def lab_dir() -> Path:
    """The PACS lab's scenarios."""
    return content_root() / "lab"


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The learner's data folder: --data-dir, else $PACS_TRAINER_HOME, else the platform's."""
    if override:
        return Path(override).expanduser()
    env = os.environ.get(DATA_ENV)
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False)
