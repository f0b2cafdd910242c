"""What a PACS accepts, as its conformance statement would say: the lab's PACS configuration.

One frozen value holds the AE title, whether the called AE title is checked, the Storage SOP
classes and transfer syntaxes accepted as SCP, and how the PACS's own study list counts
"images". The embedded PACS is built from it, scenarios change it, and `statement` renders it
as the SCP table of a conformance statement (PS3.2 Annex A), so the learner can read the row
that explains a refusal.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property

from trainer.core.lab import names
from trainer.core.studies import CountPolicy

DEFAULT_AE_TITLE = "PACS"
MAX_AE_LENGTH = 16


def check_ae_title(text: str) -> str:
    """An AE title as PS3.5 Table 6.2-1 allows it (AE: 16 characters at most, no backslash or
    control characters, not only spaces), stripped; ValueError saying what is wrong."""
    title = text.strip()
    if not title:
        raise ValueError("an AE title must not be empty")
    if len(title) > MAX_AE_LENGTH:
        raise ValueError(f"AE title {title!r} is {len(title)} characters; at most 16")
    if "\\" in title or not title.isprintable() or not title.isascii():
        raise ValueError(f"AE title {title!r} may hold only printable ASCII, no backslash")
    return title


@dataclass(frozen=True)
class Conformance:
    """A PACS's configuration. `storage` None means every active Storage SOP class."""

    name: str = "PACS"  # what the lab calls it: "PACS", "VNA"
    ae_title: str = DEFAULT_AE_TITLE
    check_called_ae: bool = True
    storage: frozenset[str] | None = None
    transfer_syntaxes: tuple[str, ...] = names.UNCOMPRESSED
    count: CountPolicy = CountPolicy.PIXEL_DATA

    def __post_init__(self) -> None:
        check_ae_title(self.ae_title)
        if not self.transfer_syntaxes:
            raise ValueError("a PACS must accept at least one transfer syntax")

    @cached_property
    def storage_classes(self) -> tuple[str, ...]:
        """The Storage SOP classes accepted, standard ones in UID order, then private ones."""
        active = names.active_storage_classes()
        if self.storage is None:
            return active
        standard = tuple(uid for uid in active if uid in self.storage)
        return standard + tuple(sorted(self.storage - set(standard)))

    def accepts(self, sop_class_uid: str) -> bool:
        return sop_class_uid in self.storage_classes

    def changed(self, **changes: object) -> Conformance:
        return replace(self, **changes)  # type: ignore[arg-type]

    def with_storage(self, add: tuple[str, ...] = (), remove: tuple[str, ...] = ()) -> Conformance:
        classes = set(self.storage_classes) | set(add)
        return replace(self, storage=frozenset(classes - set(remove)))

    def summary(self) -> str:
        """One line: AE title, called-AE check, how many classes, which transfer syntaxes."""
        check = "checks the called AE title" if self.check_called_ae else "any called AE title"
        syntaxes = ", ".join(names.uid_name(uid) for uid in self.transfer_syntaxes)
        return (
            f"{self.name}: AE title {self.ae_title}, {check}; "
            f"{len(self.storage_classes)} Storage SOP classes; {syntaxes}; "
            f"study list counts {self.count.title}"
        )

    def statement(self) -> list[tuple[str, str, str, str]]:
        """The SCP table of the conformance statement: (SOP class, UID, role, transfer
        syntaxes), Verification and Query/Retrieve first, as statements list them."""
        syntaxes = ", ".join(names.uid_name(uid) for uid in self.transfer_syntaxes)
        plain = ", ".join(names.uid_name(uid) for uid in names.UNCOMPRESSED)
        rows = [
            (names.uid_name(names.VERIFICATION), names.VERIFICATION, "SCP", plain),
            (names.uid_name(names.STUDY_ROOT_FIND), names.STUDY_ROOT_FIND, "SCP", plain),
            (names.uid_name(names.STUDY_ROOT_GET), names.STUDY_ROOT_GET, "SCP", plain),
        ]
        rows += [(names.uid_name(uid), uid, "SCP", syntaxes) for uid in self.storage_classes]
        return rows
