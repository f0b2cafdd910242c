"""One set-up shared by the terminal app and every command: which folders, which store,
which content, which seed.

Before, the app and the commands each worked out the blueprint folders, the bank folders and
how to open the store, and differed in small ways. A `Context` is built once from the options
(`--data-dir`, `--seed`, `--bank-dir`, a content root for the tests) and hands out the pieces;
content is loaded on first use (pydantic and the banks cost ~0.3 s) and only once, even when
worker threads ask at the same moment.
"""

from __future__ import annotations

import os
import random
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar, cast

from trainer.core.clock import Clock, SystemClock
from trainer.core.paths import content_root as default_content_root
from trainer.core.paths import data_dir as default_data_dir
from trainer.core.store.schema import DEFAULT_LEARNER, STORE_FILE

T = TypeVar("T")

if TYPE_CHECKING:
    from trainer.core.banks import Catalog
    from trainer.core.blueprints import BlueprintCatalog
    from trainer.core.lessons import LessonCatalog
    from trainer.core.questions import Question
    from trainer.core.store import Store


@dataclass
class Context:
    data_dir: Path
    content_root: Path
    extra_bank_dirs: list[Path] = field(default_factory=list)
    clock: Clock = field(default_factory=SystemClock)
    seed: int | None = None  # --seed: the same questions on every run
    learner: str = DEFAULT_LEARNER
    _lock: threading.RLock = field(default_factory=threading.RLock, repr=False)
    _loaded: dict[str, object] = field(default_factory=dict, repr=False)
    _pools: dict[int, list[Question]] = field(default_factory=dict, repr=False)

    @classmethod
    def from_options(
        cls,
        *,
        data_dir: str | os.PathLike[str] | None = None,
        seed: int | None = None,
        bank_dirs: Iterable[str | os.PathLike[str]] = (),
        clock: Clock | None = None,
        content_root: Path | None = None,
    ) -> Context:
        return cls(
            data_dir=default_data_dir(data_dir),
            content_root=content_root or default_content_root(),
            extra_bank_dirs=[Path(folder).expanduser() for folder in bank_dirs or ()],
            clock=clock or SystemClock(),
            seed=seed,
        )

    # -- folders ----------------------------------------------------------------------------

    @property
    def lessons_dir(self) -> Path:
        return self.content_root / "lessons"

    @property
    def bank_dirs(self) -> list[Path]:
        """The shipped banks, then each --bank-dir, then the learner's banks/ if it exists;
        a folder named twice is read once."""
        folders = [self.content_root / "question_bank", *self.extra_bank_dirs]
        user = self.data_dir / "banks"
        if user.is_dir():
            folders.append(user)
        unique: dict[Path, Path] = {}
        for folder in folders:
            unique.setdefault(folder.resolve(), folder)
        return list(unique.values())

    @property
    def blueprint_dirs(self) -> list[Path]:
        """The shipped exam blueprints, then the learner's exams/ folder."""
        folders = [self.content_root / "question_bank" / "exams", self.data_dir / "exams"]
        return [folder for folder in folders if folder.is_dir()]

    # -- the store --------------------------------------------------------------------------

    @property
    def store_path(self) -> Path:
        return self.data_dir / STORE_FILE

    def has_store(self) -> bool:
        """Whether there is progress to read (read-only commands do not create a file)."""
        return self.store_path.exists()

    def open_store(self) -> Store:
        """The learner's store; raises StoreError (which fault, and what to do)."""
        from trainer.core.store import Store

        return Store(self.store_path, self.clock, learner=self.learner)

    # -- content, loaded once ---------------------------------------------------------------

    def _once(self, key: str, load: Callable[[], T]) -> T:
        with self._lock:
            if key not in self._loaded:
                self._loaded[key] = load()
            return cast(T, self._loaded[key])

    @property
    def lessons(self) -> LessonCatalog:
        from trainer.core.lessons import load_lessons

        return self._once("lessons", lambda: load_lessons(self.lessons_dir))

    @property
    def banks(self) -> Catalog:
        """Every question bank; bad ones are skipped and listed in `errors`."""
        from trainer.core.banks import load_banks

        return self._once("banks", lambda: load_banks(self.bank_dirs))

    @property
    def blueprints(self) -> BlueprintCatalog:
        from trainer.core.blueprints import load_blueprints

        return self._once("blueprints", lambda: load_blueprints(*self.blueprint_dirs))

    def question_pool(self, seed: int) -> list[Question]:
        """Bank and generated questions for a seed (the generated part depends on it)."""
        from trainer.core.pool import question_pool

        with self._lock:
            if seed not in self._pools:
                self._pools[seed] = question_pool(self.banks, seed=seed)
            return self._pools[seed]

    def quiz_seed(self) -> int:
        """--seed when given (reproducible forms), else a fresh one for each quiz."""
        return self.seed if self.seed is not None else random.randrange(1, 1_000_000)
