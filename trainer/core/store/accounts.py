"""Who may open a classroom store: learners and instructors, passphrases, cohorts, join codes.

A passphrase is kept only as a salted scrypt hash (`scrypt$n$r$p$salt$hash`, base64), checked
in constant time. A learner signs in with a name and a passphrase; the first sign-in of a name
sets its passphrase. A new name needs a cohort's join code (issued by an instructor), unless
the server allows open sign-up. Only after `sign_in` succeeds does the app open that learner's
`Store`, which then reaches that learner's rows only.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import unicodedata
from dataclasses import dataclass

from trainer.core.clock import Clock, SystemClock
from trainer.core.store.base import Database, migrate
from trainer.core.store.records import StoreError
from trainer.core.store.schema import DEFAULT_LEARNER

ROLES = ("learner", "instructor")
MIN_PASSPHRASE = 8
MAX_NAME = 40
# scrypt at n=2**14, r=8 (16 MiB, ~50 ms): the cost OWASP lists as the minimum for scrypt.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
JOIN_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud in class


class SignInRefused(StoreError):
    """The name, passphrase or join code was not accepted; the message says what to do."""


class NotAnInstructor(PermissionError):
    """Only an instructor may read a cohort's records."""


@dataclass(frozen=True)
class Learner:
    id: int
    name: str
    role: str
    cohort: str | None

    @property
    def is_instructor(self) -> bool:
        return self.role == "instructor"


def hash_passphrase(passphrase: str, *, salt: bytes | None = None) -> str:
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.scrypt(
        passphrase.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32
    )
    salt_text, digest_text = (base64.b64encode(part).decode() for part in (salt, digest))
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt_text}${digest_text}"


def passphrase_matches(stored: str, passphrase: str) -> bool:
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        if kind != "scrypt":
            return False
        expected = base64.b64decode(digest)
        given = hashlib.scrypt(
            passphrase.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p),
            dklen=len(expected),
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(given, expected)


def clean_name(name: str) -> str:
    """A learner's name as kept: trimmed, NFC, printable, at most MAX_NAME characters."""
    name = unicodedata.normalize("NFC", name.strip())
    if not name:
        raise SignInRefused("type your name")
    if len(name) > MAX_NAME:
        raise SignInRefused(f"a name has at most {MAX_NAME} characters")
    if any(unicodedata.category(ch).startswith("C") for ch in name):
        raise SignInRefused("a name cannot hold control characters")
    if name.casefold() == DEFAULT_LEARNER:  # an embedded store's own learner, not a person
        raise SignInRefused(f"the name {name!r} is taken by the store itself; choose another")
    return name


def check_passphrase(passphrase: str) -> None:
    if len(passphrase) < MIN_PASSPHRASE:
        raise SignInRefused(f"a passphrase has at least {MIN_PASSPHRASE} characters")


def new_join_code() -> str:
    return "-".join(
        "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(4)) for _ in range(2)
    )


class Accounts:
    """Sign-in and the classroom's roster, on a store's database."""

    def __init__(self, db: Database, clock: Clock | None = None) -> None:
        self._db = db
        self.clock = clock or SystemClock()
        try:
            migrate(db)
            db.after_migration()
        except BaseException:
            db.close()
            raise

    def _now(self) -> str:
        return self.clock.now().isoformat()

    def close(self) -> None:
        self._db.close()

    def learner(self, name: str) -> Learner | None:
        with self._db.read_errors("read the classroom's learners"):
            row = self._db.execute(
                "SELECT l.id, l.name, l.role, c.name FROM learners l LEFT JOIN cohorts c "
                "ON c.id = l.cohort_id WHERE l.name = ?",
                (name,),
            ).fetchone()
        return Learner(int(row[0]), row[1], row[2], row[3]) if row else None

    def sign_in(
        self, name: str, passphrase: str, *, join_code: str = "", open_sign_up: bool = False
    ) -> Learner:
        """The learner, once the passphrase is right; a first sign-in sets it. A new name
        needs a cohort's join code unless sign-up is open. Raises SignInRefused."""
        name = clean_name(name)
        code = join_code.strip().upper()
        with self._db.transaction("sign you in"):
            row = self._db.execute(
                "SELECT passphrase FROM learners WHERE name = ?", (name,)
            ).fetchone()
            if row is not None and row[0] is not None:
                if not passphrase_matches(row[0], passphrase):
                    raise SignInRefused(f"wrong passphrase for {name}")
                if code:
                    self._join(name, code)
            else:
                check_passphrase(passphrase)
                cohort = self._cohort_id(code) if code else None
                if row is None and cohort is None and not open_sign_up:
                    raise SignInRefused(
                        "new here? Type the join code your instructor gave the class"
                    )
                # Two first sign-ins of one name at once: the second finds it taken.
                taken = not self._db.execute(
                    "INSERT INTO learners(name, role, passphrase, cohort_id, created_at) "
                    "VALUES (?, 'learner', ?, ?, ?) ON CONFLICT(name) DO UPDATE SET "
                    "passphrase = excluded.passphrase, "
                    "cohort_id = coalesce(excluded.cohort_id, learners.cohort_id) "
                    "WHERE learners.passphrase IS NULL",
                    (name, hash_passphrase(passphrase), cohort, self._now()),
                ).rowcount
                if taken:
                    raise SignInRefused(f"{name} has just been taken; sign in again")
        found = self.learner(name)
        assert found is not None
        return found

    def _cohort_id(self, code: str) -> int:
        row = self._db.execute(
            "SELECT id FROM cohorts WHERE join_code = ?", (code,)
        ).fetchone()
        if row is None:
            raise SignInRefused(
                f"no cohort has the join code {code}; check it with your instructor"
            )
        return int(row[0])

    def _join(self, name: str, code: str) -> None:
        self._db.execute(
            "UPDATE learners SET cohort_id = ? WHERE name = ?", (self._cohort_id(code), name)
        )

    def create_cohort(self, name: str) -> str:
        """A new cohort (or a fresh join code for an existing one); returns its join code."""
        name = clean_name(name)
        code = new_join_code()
        with self._db.transaction("create the cohort"):
            self._db.execute(
                "INSERT INTO cohorts(name, join_code, created_at) VALUES (?, ?, ?) "
                "ON CONFLICT(name) DO UPDATE SET join_code = excluded.join_code",
                (name, code, self._now()),
            )
        return code

    def cohorts(self) -> list[tuple[str, str | None, int]]:
        """(name, join code, learners) of every cohort."""
        with self._db.read_errors("read the cohorts"):
            rows = self._db.execute(
                "SELECT c.name, c.join_code, count(l.id) FROM cohorts c LEFT JOIN learners l "
                "ON l.cohort_id = c.id GROUP BY c.id, c.name, c.join_code ORDER BY c.name"
            ).fetchall()
        return [(r[0], r[1], int(r[2])) for r in rows]

    def set_instructor(self, name: str, passphrase: str, cohort: str | None = None) -> Learner:
        """Make (or promote) an instructor with this passphrase, in a cohort if named."""
        name = clean_name(name)
        check_passphrase(passphrase)
        with self._db.transaction("add the instructor"):
            cohort_id = None
            if cohort is not None:
                row = self._db.execute(
                    "SELECT id FROM cohorts WHERE name = ?", (cohort,)
                ).fetchone()
                if row is None:
                    raise SignInRefused(f"there is no cohort {cohort!r}")
                cohort_id = int(row[0])
            self._db.execute(
                "INSERT INTO learners(name, role, passphrase, cohort_id, created_at) "
                "VALUES (?, 'instructor', ?, ?, ?) ON CONFLICT(name) DO UPDATE SET "
                "role = 'instructor', passphrase = excluded.passphrase, "
                "cohort_id = coalesce(excluded.cohort_id, learners.cohort_id)",
                (name, hash_passphrase(passphrase), cohort_id, self._now()),
            )
        found = self.learner(name)
        assert found is not None
        return found

