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
from trainer.core.store import is_server_url
from trainer.core.store.accounts import Learner, SignInRefused
from trainer.core.store.schema import DEFAULT_LEARNER, STORE_FILE

STORE_ENV = "PACS_TRAINER_STORE"
LEARNER_ENV = "PACS_TRAINER_LEARNER"
SERVING_ENV = "PACS_TRAINER_SERVING"  # set by `serve` for the app each browser tab runs
SIGN_UP_ENV = "PACS_TRAINER_SIGN_UP"  # "open": new names need no join code

T = TypeVar("T")

if TYPE_CHECKING:
    from trainer.core.banks import Catalog
    from trainer.core.blueprints import BlueprintCatalog
    from trainer.core.lessons import LessonCatalog
    from trainer.core.questions import Question
    from trainer.core.store import Store
    from trainer.core.store.accounts import Accounts


@dataclass
class Context:
    data_dir: Path
    content_root: Path
    extra_bank_dirs: list[Path] = field(default_factory=list)
    clock: Clock = field(default_factory=SystemClock)
    seed: int | None = None  # --seed: the same questions on every run
    learner: str = DEFAULT_LEARNER
    # --store or $PACS_TRAINER_STORE: a postgresql:// URL (a classroom) or a progress file.
    store: str | None = None
    # Serving, or a classroom store: nothing opens until a learner signs in.
    sign_in_required: bool = False
    open_sign_up: bool = False  # a new name may sign up without a join code
    signed_in: Learner | None = None
    _lock: threading.RLock = field(default_factory=threading.RLock, repr=False)
    _loaded: dict[str, object] = field(default_factory=dict, repr=False)
    _pools: dict[int, list[Question]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        from trainer.core.topics import use_topics_of

        use_topics_of(self.lessons_dir)  # the content's own topics (trainer.core.topics)

    @classmethod
    def from_options(
        cls,
        *,
        data_dir: str | os.PathLike[str] | None = None,
        seed: int | None = None,
        bank_dirs: Iterable[str | os.PathLike[str]] = (),
        clock: Clock | None = None,
        content_root: Path | None = None,
        store: str | None = None,
        learner: str | None = None,
    ) -> Context:
        env = os.environ
        target = store or env.get(STORE_ENV) or None
        learner = learner or env.get(LEARNER_ENV) or DEFAULT_LEARNER
        return cls(
            data_dir=default_data_dir(data_dir),
            content_root=content_root or default_content_root(),
            extra_bank_dirs=[Path(folder).expanduser() for folder in bank_dirs or ()],
            clock=clock or SystemClock(),
            seed=seed,
            learner=learner,
            store=target,
            # A named learner signs in on any store; the embedded default learner need not.
            sign_in_required=is_server_url(target or "") or bool(env.get(SERVING_ENV))
            or learner != DEFAULT_LEARNER,
            open_sign_up=env.get(SIGN_UP_ENV) == "open",
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

    @property
    def store_target(self) -> str | Path:
        """What the store opens: the classroom's URL, --store's file, or the data dir's."""
        if self.store is None:
            return self.store_path
        return self.store if is_server_url(self.store) else Path(self.store).expanduser()

    @property
    def store_is_server(self) -> bool:
        return isinstance(self.store_target, str)

    def kept_journal(self) -> Path:
        """Where answers wait while the classroom's server is away: one file per server and
        learner, in the data dir of the machine running the app."""
        import hashlib

        key = hashlib.sha256(f"{self.store_target}\0{self.learner}".encode()).hexdigest()[:16]
        return self.data_dir / "kept" / f"{key}.jsonl"

    def has_store(self) -> bool:
        """Whether there is progress to read (read-only commands do not create a file)."""
        target = self.store_target
        return isinstance(target, str) or target.exists()

    def open_store(self) -> Store:
        """The learner's store; raises StoreError (which fault, and what to do). Where sign-in
        is required, only the signed-in learner's."""
        from trainer.core.store import Store, open_database

        if self.sign_in_required and self.signed_in is None:
            raise SignInRefused("sign in first: this store is shared by a classroom")
        return Store(open_database(self.store_target), self.clock, learner=self.learner)

    def accounts(self) -> Accounts:
        """The roster, for signing in and for instructors' commands (close it after use)."""
        from trainer.core.store import open_database
        from trainer.core.store.accounts import Accounts

        return Accounts(open_database(self.store_target), self.clock)

    def sign_in(self, name: str, passphrase: str, join_code: str = "") -> Learner:
        """Check the learner's passphrase (a first sign-in sets it); from now on the store
        opens as this learner. Raises SignInRefused or StoreError."""
        accounts = self.accounts()
        try:
            learner = accounts.sign_in(
                name, passphrase, join_code=join_code, open_sign_up=self.open_sign_up
            )
        finally:
            accounts.close()
        self.signed_in, self.learner = learner, learner.name
        return learner

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
        from trainer.core.bank_cache import BankCache
        from trainer.core.banks import load_banks

        cache = BankCache(self.data_dir / "cache" / "banks")
        return self._once("banks", lambda: load_banks(self.bank_dirs, cache=cache))

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
