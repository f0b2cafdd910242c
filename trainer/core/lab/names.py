"""UIDs as a PACS analyst reads them: a name first, the UID after, from pydicom's dictionary.

SOP class names come from the registry; transfer syntaxes from pydicom's UID dictionary; the
few private SOP classes the lab shows are named here, with whose they are. Transfer syntaxes
can be written by a short group name ("uncompressed", "jpeg2000") in configurations.
"""

from __future__ import annotations

from collections.abc import Iterable

from trainer.core.registry import load_registry, uid_dictionary

IMPLICIT_LE = "1.2.840.10008.1.2"
EXPLICIT_LE = "1.2.840.10008.1.2.1"
JPEG2000_LOSSLESS = "1.2.840.10008.1.2.4.90"
VERIFICATION = "1.2.840.10008.1.1"
STUDY_ROOT_FIND = "1.2.840.10008.5.1.4.1.2.2.1"
STUDY_ROOT_GET = "1.2.840.10008.5.1.4.1.2.2.3"

# Groups of transfer syntaxes (PS3.5 Section 10, PS3.6 Annex A) that a configuration may name.
TRANSFER_SYNTAX_GROUPS: dict[str, tuple[str, ...]] = {
    "uncompressed": (EXPLICIT_LE, IMPLICIT_LE),
    "deflated": ("1.2.840.10008.1.2.1.99",),
    "jpeg-baseline": ("1.2.840.10008.1.2.4.50",),
    "jpeg-lossless": ("1.2.840.10008.1.2.4.70", "1.2.840.10008.1.2.4.57"),
    "jpeg-ls": ("1.2.840.10008.1.2.4.80", "1.2.840.10008.1.2.4.81"),
    "jpeg2000": (JPEG2000_LOSSLESS, "1.2.840.10008.1.2.4.91"),
    "rle": ("1.2.840.10008.1.2.5",),
}
UNCOMPRESSED = TRANSFER_SYNTAX_GROUPS["uncompressed"]

# Private SOP classes the lab uses, by UID: the vendor's own, absent from the standard.
PRIVATE_SOP_CLASSES: dict[str, str] = {
    "1.3.12.2.1107.5.9.1": "Siemens CSA Non-Image Storage",
}


def is_transfer_syntax(uid: str) -> bool:
    entry = uid_dictionary().get(uid)
    return entry is not None and entry[1] == "Transfer Syntax"


def uid_name(uid: str) -> str:
    """The name of a SOP class or transfer syntax, or what kind of UID it is if unnamed."""
    sop = load_registry().by_uid(uid)
    if sop is not None and sop.name:
        return sop.name
    entry = uid_dictionary().get(uid)
    if entry is not None and entry[0]:
        return entry[0]
    if uid in PRIVATE_SOP_CLASSES:
        return f"{PRIVATE_SOP_CLASSES[uid]} (private)"
    if uid.startswith("1.2.840.10008."):
        return "a UID unknown to this version of the standard"
    return "a private UID (not in the DICOM standard)"


def named(uid: str) -> str:
    """"CT Image Storage (1.2.840.10008.5.1.4.1.1.2)"."""
    return f"{uid_name(uid)} ({uid})"


def transfer_syntaxes(items: Iterable[str]) -> tuple[str, ...]:
    """Group names and transfer syntax UIDs -> UIDs, in order, each once; ValueError if an
    item is neither."""
    found: dict[str, None] = {}
    for item in items:
        text = item.strip()
        if text in TRANSFER_SYNTAX_GROUPS:
            found.update(dict.fromkeys(TRANSFER_SYNTAX_GROUPS[text]))
        elif is_transfer_syntax(text):
            found[text] = None
        else:
            groups = ", ".join(TRANSFER_SYNTAX_GROUPS)
            raise ValueError(
                f"{text!r} is not a transfer syntax UID or one of the groups {groups}"
            )
    return tuple(found)


def storage_class(text: str) -> str:
    """A Storage SOP class given by UID, keyword or exact name -> its UID; private UIDs of
    PRIVATE_SOP_CLASSES and any other well-formed non-DICOM UID are allowed too."""
    registry = load_registry()
    text = text.strip()
    sop = registry.by_uid(text) or registry.by_keyword(text)
    if sop is None:
        sop = next((s for s in registry if s.name.casefold() == text.casefold()), None)
    if sop is not None:
        if not sop.is_storage:
            raise ValueError(f"{sop.name} ({sop.uid}) is not a Storage SOP class")
        return sop.uid
    if is_uid(text) and not text.startswith("1.2.840.10008."):
        return text  # a private SOP class: allowed, as a vendor's conformance statement lists
    raise ValueError(f"{text!r} is not a Storage SOP class (name, keyword or UID)")


def is_uid(text: str) -> bool:
    """A well-formed UID: digits and dots, no leading zeros, at most 64 characters (PS3.5 9.1)."""
    parts = text.split(".")
    return (
        0 < len(text) <= 64
        and len(parts) > 1
        and all(part.isdigit() and (part == "0" or not part.startswith("0")) for part in parts)
    )


def active_storage_classes() -> tuple[str, ...]:
    """Every active Storage SOP class in the registry, in UID order."""
    return tuple(s.uid for s in load_registry() if s.is_storage and not s.retired)
