"""Questions from the SOP class registry: UIDs, modalities, pixel data, retirement, services.

Each parameter is a SOP Class UID written with hyphens and without the DICOM root
("5-1-4-1-1-2" for 1.2.840.10008.5.1.4.1.1.2), or a DIMSE task ("modality-sends-3").

Most questions are about the classes a PACS analyst meets (the registry's `common` flag); one
in ten is about another class, and carries only the topic specialised-sop-classes, so exam
blueprints leave such trivia out unless they ask for that topic. Distractors are the key's
siblings, most alike first: the same Modality and category, then the same Modality or the same
category (at least one of each where the registry has one), then the same service class or
UID neighbours. So the key cannot be found from the options' Modality or category alone.
A distractor is never a second right answer: retired classes never stand in for active ones,
and classes whose Modality is unknown or "varies" are left out of modality questions.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from trainer.core.generators import Family, Generator, single_choice
from trainer.core.questions import LessonAnchor, Question, TrueFalse
from trainer.core.registry import VARIES, Registry, SopClass, load_registry

BANK = "gen-registry"
DICOM_ROOT = "1.2.840.10008."
SPECIALISED = "specialised-sop-classes"
RARE_SHARE = 0.1  # how often a generator asks about a class outside everyday work

_IMAGES = ("image", "multi-frame image")
_NON_IMAGES = ("presentation state", "structured report", "key object selection")
_MODALITY_CATEGORIES = (*_IMAGES, *_NON_IMAGES, "segmentation", "waveform")
_PIXEL_CATEGORIES = (*_IMAGES, *_NON_IMAGES, "waveform", "encapsulated document")
# The topic of the network service classes a lesson of its own teaches.
_SERVICE_TOPICS = {
    "Query/Retrieve": "query-retrieve",
    "Basic Worklist Management": "worklist-mpps",
    "Modality Performed Procedure Step": "worklist-mpps",
    "Storage Commitment": "storage-commitment",
}

# PS3.4 annex of each service class asked about, and what the class is for.
SERVICE_CLASSES: dict[str, tuple[str, str]] = {
    "Verification": ("A", "checks that two DICOM applications can talk to each other (C-ECHO)"),
    "Storage": ("B", "transfers composite objects such as images and reports (C-STORE)"),
    "Query/Retrieve": ("C", "finds stored objects and retrieves them (C-FIND, C-MOVE, C-GET)"),
    "Modality Performed Procedure Step": (
        "F",
        "lets a modality report that a procedure step started, completed or was discontinued",
    ),
    "Print Management": ("H", "prints images on film through a DICOM printer"),
    "Media Storage": ("I", "stores objects on interchange media such as a CD with a DICOMDIR"),
    "Storage Commitment": ("J", "asks an archive to take over safekeeping of objects"),
    "Basic Worklist Management": ("K", "gives modalities their scheduled procedures"),
    "Application Event Logging": (
        "P",
        "lets an application send event records, such as procedural or substance "
        "administration events, to a logging application (N-ACTION)",
    ),
    "Relevant Patient Information Query": ("Q", "queries clinical information about a patient"),
    "Instance Availability Notification": ("R", "announces that instances are available"),
    "Media Creation Management": ("S", "asks a media creator to write objects to media"),
    "Unified Procedure Step": ("CC", "manages worklist items and reports their progress"),
    "RT Machine Verification": ("DD", "checks radiotherapy treatment parameters on the machine"),
    "Non-Patient Object Storage": (
        "GG",
        "stores objects that belong to no patient, such as hanging protocols",
    ),
}
# Service classes close enough that one must not be a distractor for another.
_CLOSE_SERVICES = (
    {"Storage", "Non-Patient Object Storage", "Media Storage"},
    {"Basic Worklist Management", "Unified Procedure Step", "Modality Performed Procedure Step"},
    {"Verification", "RT Machine Verification"},
)


@dataclass(frozen=True)
class Task:
    text: str  # with {who}: one of `who`
    who: tuple[str, ...]
    service: str
    explanation: str
    references: tuple[str, ...]
    lesson: str = "sop-classes"
    topic: str = "service-classes"


DIMSE_C = ("C-STORE", "C-FIND", "C-MOVE", "C-GET", "C-ECHO")
DIMSE_N = ("N-CREATE", "N-SET", "N-GET", "N-ACTION", "N-EVENT-REPORT", "N-DELETE")
_MODALITIES = (
    "A CT scanner",
    "An MR scanner",
    "An ultrasound machine",
    "A mammography unit",
    "A PET/CT scanner",
    "An angiography system",
    "A digital radiography room",
)
TASKS: dict[str, Task] = {
    "modality-sends": Task(
        "{who} sends its images to the PACS.",
        _MODALITIES,
        "C-STORE",
        "Sending objects is C-STORE, the service of the Storage SOP classes: the modality is "
        "the SCU, the PACS the SCP (PS3.4 Annex B).",
        ("PS3.7 Section 9", "PS3.4 Annex B"),
    ),
    "pacs-forwards": Task(
        "The PACS forwards a finished study to {who}.",
        ("the VNA", "the dose monitoring system", "an AI server", "the teaching file system"),
        "C-STORE",
        "Forwarding is storing again: the PACS acts as a Storage SCU and sends each object "
        "with C-STORE to the receiver, the Storage SCP (PS3.4 Annex B).",
        ("PS3.7 Section 9", "PS3.4 Annex B"),
    ),
    "find-priors": Task(
        "{who} searches the PACS for a patient's earlier studies.",
        ("A reading workstation", "A web viewer", "The reporting system", "A 3D workstation"),
        "C-FIND",
        "Searching is C-FIND with a Query/Retrieve information model such as Study Root "
        "Query/Retrieve Information Model - FIND (1.2.840.10008.5.1.4.1.2.2.1); it returns "
        "matches, not the images.",
        ("PS3.7 Section 9", "PS3.4 Annex C"),
        "query-retrieve",
        "query-retrieve",
    ),
    "query-worklist": Task(
        "{who} asks the RIS for today's scheduled procedures (Modality Worklist).",
        _MODALITIES,
        "C-FIND",
        "The Modality Worklist is queried with C-FIND, using Modality Worklist Information "
        "Model - FIND (1.2.840.10008.5.1.4.31) of the Basic Worklist Management service.",
        ("PS3.7 Section 9", "PS3.4 Annex K"),
        "worklist-mpps",
        "worklist-mpps",
    ),
    "move-to-workstation": Task(
        "A viewer asks the PACS to send a prior study to {who}, named by its AE title.",
        ("a reading workstation", "a 3D workstation", "the surgical planning system"),
        "C-MOVE",
        "C-MOVE names a destination AE title; the PACS opens its own association to that "
        "destination and sends the objects as C-STORE sub-operations.",
        ("PS3.7 Section 9", "PS3.4 Annex C"),
        "query-retrieve",
        "query-retrieve",
    ),
    "get-same-association": Task(
        "{who} retrieves a study over the association it opened, without the PACS opening "
        "a connection back.",
        ("A viewer behind a firewall", "A laptop viewer at home", "A web gateway"),
        "C-GET",
        "With C-GET the objects come back on the same association as C-STORE "
        "sub-operations, so the PACS needs no route back to the requester.",
        ("PS3.7 Section 9", "PS3.4 Annex C"),
        "query-retrieve",
        "query-retrieve",
    ),
    "test-connection": Task(
        "An analyst checks that {who} answers DICOM at all (a 'DICOM ping').",
        ("a new MR scanner", "the VNA", "a DICOM printer", "the dose monitoring system"),
        "C-ECHO",
        "C-ECHO is the service of the Verification SOP Class (1.2.840.10008.1.1); it tests "
        "that the called AE accepts this calling AE for Verification, and nothing else.",
        ("PS3.7 Section 9", "PS3.4 Annex A"),
    ),
    "mpps-start": Task(
        "{who} tells the RIS that the examination has started (MPPS IN PROGRESS).",
        _MODALITIES,
        "N-CREATE",
        "The modality creates the Modality Performed Procedure Step with N-CREATE, status "
        "IN PROGRESS; later N-SET messages update and close it (PS3.4 Annex F).",
        ("PS3.7 Section 10", "PS3.4 Annex F"),
        "worklist-mpps",
        "worklist-mpps",
    ),
    "mpps-complete": Task(
        "{who} reports that the examination is COMPLETED (MPPS).",
        _MODALITIES,
        "N-SET",
        "Completing (or discontinuing) a performed procedure step changes the instance the "
        "modality created: N-SET with status COMPLETED or DISCONTINUED (PS3.4 Annex F).",
        ("PS3.7 Section 10", "PS3.4 Annex F"),
        "worklist-mpps",
        "worklist-mpps",
    ),
    "commit-request": Task(
        "{who} asks the archive to take responsibility for the images it has sent (Storage "
        "Commitment).",
        _MODALITIES,
        "N-ACTION",
        "The Storage Commitment request is an N-ACTION listing the SOP Class and SOP Instance "
        "UIDs of the objects (PS3.4 Annex J).",
        ("PS3.7 Section 10", "PS3.4 Annex J"),
        "storage-commitment",
        "storage-commitment",
    ),
    "commit-result": Task(
        "The archive tells {who} which of its objects are now safely stored (Storage "
        "Commitment result).",
        ("a CT scanner", "an MR scanner", "an ultrasound machine", "a mammography unit"),
        "N-EVENT-REPORT",
        "The archive reports the commitment result with N-EVENT-REPORT: event type 1 when "
        "every instance is committed, 2 when some failed (PS3.4 Annex J).",
        ("PS3.7 Section 10", "PS3.4 Annex J"),
        "storage-commitment",
        "storage-commitment",
    ),
    "printer-status": Task(
        "{who} asks a DICOM film printer whether it is ready and has film.",
        ("A CT console", "A reading workstation", "A PACS print server"),
        "N-GET",
        "The printer's status is read from the Printer SOP Class with N-GET (PS3.4 Annex H); "
        "N-EVENT-REPORT is how the printer reports a change on its own.",
        ("PS3.7 Section 10", "PS3.4 Annex H"),
    ),
}


def _task_parameter(parameter: str) -> tuple[Task, str] | None:
    """'modality-sends-3' -> (task, who); a bare task key is its first wording."""
    if parameter in TASKS:
        return TASKS[parameter], TASKS[parameter].who[0]
    key, _, number = parameter.rpartition("-")
    found = TASKS.get(key)
    if found is None or not number.isdigit() or int(number) >= len(found.who):
        return None
    return found, found.who[int(number)]


def _draw_task(rng: random.Random) -> str:
    key = rng.choice(list(TASKS))
    return f"{key}-{rng.randrange(len(TASKS[key].who))}"


# Parametric Map may carry Float or Double Float Pixel Data instead of Pixel Data (7FE0,0010),
# so "does it carry pixel data?" has no single honest answer for it.
_FLOAT_PIXEL_CLASSES = frozenset({"1.2.840.10008.5.1.4.1.1.30"})


def _same_everywhere(sop: SopClass) -> str:
    """Storage classes have objects; services such as Verification only have the class."""
    if sop.is_storage:
        return "the same in every object of the class."
    return "the same wherever the class is used."


def uid_parameter(uid: str) -> str:
    """A SOP Class UID as it appears in a question id: '5-1-4-1-1-2'."""
    return uid.removeprefix(DICOM_ROOT).replace(".", "-")


def _uid(parameter: str) -> str:
    return DICOM_ROOT + parameter.replace("-", ".")


def claim(sop: SopClass) -> str:
    """How a question names a class: 'CT Image Storage (1.2.840.10008.5.1.4.1.1.2)'."""
    return f"{sop.name} ({sop.uid})"


def _joined(items: Iterable[str]) -> str:
    return "; ".join(items)


def _area_topic(sop: SopClass) -> str:
    if sop.category in _IMAGES:
        return "image-sop-classes"
    if sop.category in _NON_IMAGES:
        return "pr-sr-ko"
    return _SERVICE_TOPICS.get(sop.service_class, "sop-classes")


def _topics(sop: SopClass, *first: str) -> tuple[str, ...]:
    """The topics of a question about `sop`: the usual ones for an everyday class; only
    specialised-sop-classes for another, so blueprints keep it out of their default draws."""
    if not sop.common:
        return (SPECIALISED,)
    return tuple(dict.fromkeys((*first, _area_topic(sop))))


def _lesson(sop: SopClass, lesson: str) -> LessonAnchor | None:
    """The "study this" link: no lesson teaches the specialised classes one by one."""
    return LessonAnchor(id=lesson) if sop.common else None


def _area_lesson(sop: SopClass) -> str:
    topic = _area_topic(sop)
    return topic if topic in ("image-sop-classes", "pr-sr-ko") else "sop-classes"


def _definite_modality(sop: SopClass) -> bool:
    return bool(sop.modality) and sop.modality != VARIES


class _Pools:
    """The registry sliced the ways the generators ask; built once."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self.active = [sop for sop in registry if not sop.retired and sop.name]
        self.retired = [sop for sop in registry if sop.retired and sop.name]
        self.position = {sop.uid: index for index, sop in enumerate(self.active)}
        self.modality_subjects = [
            sop
            for sop in self.active
            if sop.is_storage and _definite_modality(sop) and sop.category in _MODALITY_CATEGORIES
        ]
        self.modality_uids = {sop.uid for sop in self.modality_subjects}
        self.pixel_subjects = [
            sop
            for sop in self.active
            if sop.is_storage
            and sop.pixel_data in ("yes", "no")
            and sop.category in _PIXEL_CATEGORIES
            and sop.uid not in _FLOAT_PIXEL_CLASSES
        ]
        self.pixel_uids = {sop.uid for sop in self.pixel_subjects}
        self.by_service = _group(self.active, lambda sop: sop.service_class)
        self.asked_services = sorted(name for name in self.by_service if name in SERVICE_CLASSES)
        self.by_modality = _group(
            (sop for sop in self.active if _definite_modality(sop)), lambda sop: sop.modality
        )
        # For distractors, "varies" (Secondary Capture, PDF ...) is a kind of Modality too.
        self.by_any_modality = _group(self.active, lambda sop: sop.modality)
        self.by_category = _group(self.active, lambda sop: sop.category)
        self.category_modalities = {
            category: sorted(
                {sop.modality or "" for sop in members if sop.uid in self.modality_uids}
            )
            for category, members in self.by_category.items()
        }
        self.by_name = _group(registry, lambda sop: sop.name)
        self.modalities = set(registry.modalities())
        self.common_modalities = sorted(
            {sop.modality or "" for sop in self.modality_subjects if sop.common}
        )
        # Classes of the same kind (images, or PR/SR/KO), for distractors beyond the category.
        self.kin = {
            family: [sop for sop in self.active if sop.category in family]
            for family in (_IMAGES, _NON_IMAGES)
        }
        self.common_kin = {family: [s for s in kin if s.common] for family, kin in self.kin.items()}

    def same_name(self, sop: SopClass) -> list[SopClass]:
        return [other for other in self.by_name[sop.name] if other.uid != sop.uid]

    def siblings(
        self, sop: SopClass, rng: random.Random, count: int, keep: Callable[[SopClass], bool]
    ) -> list[SopClass]:
        """`count` active classes like `sop`, most alike first (see the module docstring).
        Names differ from each other and from sop's."""
        modality = self.by_any_modality.get(sop.modality or "", [])
        category = self.by_category.get(sop.category or "", []) if sop.category else []
        both = [other for other in modality if other.category == sop.category]

        family = next((f for f in (_IMAGES, _NON_IMAGES) if sop.category in f), None)
        kin = self.kin[family] if family else []
        common_kin = self.common_kin[family] if family else []

        def tiers() -> Iterator[list[SopClass]]:
            yield _shuffled(rng, both)
            yield _shuffled(rng, modality)
            yield _shuffled(rng, category)
            # Then classes of the same kind (images, or PR/SR/KO), everyday ones first.
            yield _shuffled(rng, common_kin)
            yield _shuffled(rng, kin)
            yield _shuffled(rng, self.by_service[sop.service_class])
            here = self.position.get(sop.uid, 0)
            near = self.active[max(0, here - 12) : here + 13]
            yield sorted(near, key=lambda other: abs(self.position[other.uid] - here))
            yield _shuffled(rng, self.active, len(self.active))

        chosen: list[SopClass] = []
        names = {sop.name}
        for tier in tiers():
            for other in tier:
                if other.name not in names and keep(other):
                    chosen.append(other)
                    names.add(other.name)
                    if len(chosen) == count:
                        break
            if len(chosen) == count:
                break
        # The key must share its Modality with one option and its category with one, where the
        # registry has such a class: otherwise the odd one out gives it away.
        for pool, same in ((modality, "modality"), (category, "category")):
            if chosen and not any(getattr(o, same) == getattr(sop, same) for o in chosen):
                mixed = _shuffled(rng, pool, len(pool))
                spare = [o for o in sorted(mixed, key=lambda o: not o.common)
                         if o.name not in names and keep(o)]
                if spare:
                    names.discard(chosen[-1].name)
                    chosen[-1] = spare[0]
                    names.add(spare[0].name)
        return chosen


def _shuffled(rng: random.Random, classes: list[SopClass], most: int = 8) -> list[SopClass]:
    """Up to `most` of `classes` in random order: enough to find three distractors."""
    return rng.sample(classes, min(len(classes), most))


def _group(
    classes: Iterable[SopClass], key: Callable[[SopClass], str | None]
) -> dict[str, list[SopClass]]:
    groups: dict[str, list[SopClass]] = {}
    for sop in classes:
        value = key(sop)
        if value is not None:
            groups.setdefault(value, []).append(sop)
    return groups


@functools.cache
def _pools() -> _Pools:
    return _Pools(load_registry())


def _subject(parameter: str) -> SopClass | None:
    return _pools().registry.by_uid(_uid(parameter))


def _rng(qid: str) -> random.Random:
    return random.Random(qid)


# --- builders ---------------------------------------------------------------------------


def _name_to_uid(parameter: str, qid: str) -> Question | None:
    sop = _subject(parameter)
    if sop is None or sop.retired or not sop.name:
        return None
    rng = _rng(qid)
    wrong = _pools().siblings(sop, rng, 3, keep=lambda other: True)
    instance = (
        " What each object gets new is its SOP Instance UID (0008,0018)." if sop.is_storage else ""
    )
    return single_choice(
        qid,
        rng,
        sop.uid,
        [other.uid for other in wrong],
        prompt=f"What is the SOP Class UID of {sop.name}?",
        explanation=(
            f"Right answer: {claim(sop)}. A SOP Class UID is a constant published in PS3.6 "
            "Annex A and is "
            f"{_same_everywhere(sop)}{instance} The other choices: "
            f"{_joined(claim(other) for other in wrong)}."
        ),
        topics=_topics(sop, "uids"),
        difficulty=2 if sop.category in (*_IMAGES, *_NON_IMAGES) else 3,
        references=("PS3.6 Annex A", "PS3.4 Annex B" if sop.is_storage else "PS3.4"),
        lesson=_lesson(sop, "uids"),
    )


def _uid_to_name(parameter: str, qid: str) -> Question | None:
    sop = _subject(parameter)
    if sop is None or sop.retired or not sop.name:
        return None
    rng = _rng(qid)
    wrong = _pools().siblings(sop, rng, 3, keep=lambda other: True)
    return single_choice(
        qid,
        rng,
        sop.name,
        [other.name for other in wrong],
        prompt=f"Which SOP class has the SOP Class UID {sop.uid}?",
        explanation=(
            f"It is {claim(sop)}, as listed in PS3.6 Annex A. The other choices: "
            f"{_joined(claim(other) for other in wrong)}."
        ),
        topics=_topics(sop, "uids"),
        difficulty=2 if sop.category in (*_IMAGES, *_NON_IMAGES) else 3,
        references=("PS3.6 Annex A",),
        lesson=_lesson(sop, "uids"),
    )


def _modality_rule_text(sop: SopClass) -> str:
    """Why instances carry the value: the IOD fixes it, or it is the convention."""
    value = sop.modality
    if sop.modality_rule == "fixed":
        text = f"PS3.3 requires Modality {value} for this IOD"
    elif sop.modality_rule == "convention":
        text = (
            f"the IOD leaves Modality open and {value} is the value equipment writes, by "
            "convention"
        )
    else:
        text = f"{value} is the value these instances carry"
    if sop.other_modalities:
        text += f"; the IOD also allows {', '.join(sop.other_modalities)}"
    return text


def _modality_of(parameter: str, qid: str) -> Question | None:
    sop = _subject(parameter)
    pools = _pools()
    if sop is None or sop.uid not in pools.modality_uids or not sop.modality or not sop.category:
        return None
    rng = _rng(qid)
    allowed = {sop.modality, *sop.other_modalities}
    same_category = pools.category_modalities[sop.category]
    everyday = [m for m in pools.common_modalities if m in pools.modalities]
    candidates = rng.sample(same_category, len(same_category)) + rng.sample(everyday, len(everyday))
    wrong = list(dict.fromkeys(m for m in candidates if m not in allowed))[:3]
    sharing = [
        other
        for other in pools.by_modality[sop.modality]
        if other.uid in pools.modality_uids and other.uid != sop.uid
    ]
    shared = (
        f" Other classes carry {sop.modality} too, e.g. {claim(rng.choice(sharing))}: a "
        "Modality value is not a SOP class."
        if sharing
        else ""
    )
    usually = "" if sop.modality_rule == "fixed" else " normally"
    return single_choice(
        qid,
        rng,
        sop.modality,
        wrong,
        prompt=f"Which Modality (0008,0060) value do instances of {claim(sop)}{usually} carry?",
        explanation=(
            f"Instances of {claim(sop)} carry Modality {sop.modality}: "
            f"{_modality_rule_text(sop)} (PS3.3).{shared}"
        ),
        topics=_topics(sop, "modality-attribute"),
        difficulty=1 if sop.common else 2,
        references=("PS3.3 C.7.3.1", "PS3.16 CID 33"),
        lesson=_lesson(sop, _area_lesson(sop)),
    )


def _class_for_modality(parameter: str, qid: str) -> Question | None:
    sop = _subject(parameter)
    pools = _pools()
    if sop is None or sop.uid not in pools.modality_uids:
        return None
    rng = _rng(qid)

    def other_value(other: SopClass) -> bool:
        values = {other.modality, *other.other_modalities}
        return other.uid in pools.modality_uids and sop.modality not in values

    wrong = pools.siblings(sop, rng, 3, keep=other_value)
    return single_choice(
        qid,
        rng,
        sop.name,
        [other.name for other in wrong],
        prompt=f"Instances of which SOP class carry Modality (0008,0060) {sop.modality}?",
        explanation=(
            f"{claim(sop)} carries {sop.modality}: {_modality_rule_text(sop)}. The others "
            "carry another value: "
            f"{_joined(f'{claim(other)} carries {other.modality}' for other in wrong)}."
        ),
        topics=_topics(sop, "modality-attribute"),
        difficulty=1 if sop.common else 2,
        references=("PS3.3 C.7.3.1", "PS3.6 Annex A"),
        lesson=_lesson(sop, _area_lesson(sop)),
    )


_WHY_NO_PIXELS = {
    "presentation state": "A presentation state stores how to show referenced images (window "
    "level, annotations, shutters); the pixels stay in those images.",
    "structured report": "A structured report holds coded content and text, such as "
    "measurements or a dose report, and refers to images rather than containing them.",
    "key object selection": "A Key Object Selection document lists references to the key "
    "images of a study; the images stay where they are.",
    "waveform": "A waveform object holds sampled signals in the Waveform Sequence (5400,0100), "
    "not an image.",
    "encapsulated document": "An encapsulated document carries its file (PDF, CDA, STL ...) "
    "in Encapsulated Document (0042,0011), not an image.",
}


def _pixel_data(parameter: str, qid: str) -> Question | None:
    sop = _subject(parameter)
    pools = _pools()
    if sop is None or sop.uid not in pools.pixel_uids:
        return None
    if sop.pixel_data == "yes":
        frames = {
            "yes": " An instance holds one or more frames in the same object.",
            "conditional": " An instance can hold a single frame or a multi-frame run.",
        }.get(sop.frames or "", "")
        why = (
            f"{claim(sop)} is an image IOD: its instances carry the pixels a viewer shows.{frames}"
        )
    else:
        why = (
            f"{claim(sop)} carries no Pixel Data (7FE0,0010). "
            f"{_WHY_NO_PIXELS[sop.category or 'structured report']}"
        )
    first = "image-counts" if sop.pixel_data == "no" else _area_topic(sop)
    return TrueFalse(
        type="true_false",
        id=qid,
        prompt=f"An instance of {claim(sop)} carries pixel data.",
        answer=sop.pixel_data == "yes",
        explanation=(
            f"{why} A system that counts only objects with pixel data leaves objects without "
            "it out of its image count."
        ),
        topics=_topics(sop, first, "image-counts"),
        difficulty=2,
        references=("PS3.3 Annex A", "PS3.3 C.7.6.3"),
        lesson=_lesson(sop, _area_lesson(sop) if sop.pixel_data == "yes" else "pr-sr-ko"),
    )


def _retired(parameter: str, qid: str) -> Question | None:
    sop = _subject(parameter)
    if sop is None or not sop.name:
        return None
    twins = _pools().same_name(sop)
    if sop.retired:
        text = f"PS3.6 Annex A marks {claim(sop)} as retired: " + (
            "new equipment should not create it, though an archive can still hold old "
            "objects of it."
            if sop.is_storage
            else "new systems should not use it, though an old one may still offer it."
        )
        twin = next((other for other in twins if not other.retired), None)
        if twin:
            text += f" The active class of the same name is {claim(twin)}."
    else:
        text = f"{claim(sop)} is active in PS3.6 Annex A."
        twin = next((other for other in twins if other.retired), None)
        if twin:
            text += f" Careful: an older, retired class has the same name: {claim(twin)}."
    return TrueFalse(
        type="true_false",
        id=qid,
        prompt=f"{claim(sop)} is a retired SOP class.",
        answer=sop.retired,
        explanation=text,
        topics=_topics(sop, "sop-classes"),
        difficulty=3 if twins else 2,
        references=("PS3.6 Annex A",),
        lesson=_lesson(sop, "sop-classes"),
    )


def _service_class(parameter: str, qid: str) -> Question | None:
    sop = _subject(parameter)
    if sop is None or sop.retired or sop.service_class not in SERVICE_CLASSES:
        return None
    rng = _rng(qid)
    close = set().union(*(group for group in _CLOSE_SERVICES if sop.service_class in group))
    others = [name for name in SERVICE_CLASSES if name != sop.service_class and name not in close]
    wrong = [f"{name} Service Class" for name in rng.sample(others, 3)]
    annex, purpose = SERVICE_CLASSES[sop.service_class]
    return single_choice(
        qid,
        rng,
        f"{sop.service_class} Service Class",
        wrong,
        prompt=f"To which PS3.4 service class does {claim(sop)} belong?",
        explanation=(
            f"{claim(sop)} belongs to the {sop.service_class} Service Class (PS3.4 Annex "
            f"{annex}), which {purpose}. A service class groups related SOP classes."
        ),
        topics=_topics(sop, "service-classes"),
        difficulty=1 if sop.service_class in ("Storage", "Verification", "Query/Retrieve") else 2,
        references=(f"PS3.4 Annex {annex}",),
        lesson=_lesson(sop, "sop-classes"),
    )


def _dimse_task(parameter: str, qid: str) -> Question | None:
    found = _task_parameter(parameter)
    if found is None:
        return None
    task, who = found
    rng = _rng(qid)
    family = DIMSE_C if task.service in DIMSE_C else DIMSE_N
    wrong = rng.sample([service for service in family if service != task.service], 3)
    return single_choice(
        qid,
        rng,
        task.service,
        wrong,
        prompt=f"{task.text.format(who=who)} Which DIMSE service does it use?",
        explanation=task.explanation,
        topics=tuple(dict.fromkeys(("dimse", task.topic))),
        difficulty=1 if task.service in ("C-STORE", "C-ECHO") else 2,
        references=task.references,
        lesson=LessonAnchor(id=task.lesson),
    )


# --- drawing parameters -----------------------------------------------------------------


@functools.cache
def _split(pick: Callable[[_Pools], list[SopClass]]) -> tuple[list[SopClass], list[SopClass]]:
    """The subjects `pick` gives, everyday ones and the others (worked out once per pick)."""
    subjects = pick(_pools())
    return [s for s in subjects if s.common], [s for s in subjects if not s.common]


def _choose(rng: random.Random, common: list[SopClass], rare: list[SopClass]) -> str:
    """An everyday class nine times in ten, else another one."""
    source = rare if rare and (rng.random() < RARE_SHARE or not common) else common
    return uid_parameter(rng.choice(source).uid)


def _mostly_common(
    pick: Callable[[_Pools], list[SopClass]],
) -> Callable[[random.Random], str]:
    """A subject from `pick`: an everyday class nine times in ten, else another one."""
    return lambda rng: _choose(rng, *_split(pick))


def _either(*picks: Callable[[_Pools], list[SopClass]]) -> Callable[[random.Random], str]:
    """Pick one of the pools first, so rare answers (retired, pixel-free ...) come up more
    often than their share of the registry; within it, mostly everyday classes."""
    draws = [_mostly_common(pick) for pick in picks]
    return lambda rng: rng.choice(draws)(rng)


@functools.cache
def _service_subjects() -> dict[str, tuple[list[SopClass], list[SopClass]]]:
    pools = _pools()
    return {
        service: (
            [s for s in pools.by_service[service] if s.common],
            [s for s in pools.by_service[service] if not s.common],
        )
        for service in pools.asked_services
    }


def _draw_service_subject(rng: random.Random) -> str:
    """A service class first (an everyday one nine times in ten), then a class of it."""
    subjects = _service_subjects()
    everyday = [service for service, (common, _) in subjects.items() if common]
    services = list(subjects) if rng.random() < RARE_SHARE else everyday
    return _choose(rng, *subjects[rng.choice(services)])


def _gen(
    name: str,
    topics: Iterable[str],
    draw: Callable[[random.Random], str],
    build: Callable[[str, str], Question | None],
    count: int,
) -> Generator:
    """A generator of questions about SOP classes: everyday ones, or specialised ones."""
    return Generator(name, BANK, frozenset({*topics, SPECIALISED}), draw, build, count)


_AREAS = ("image-sop-classes", "pr-sr-ko", "sop-classes", *_SERVICE_TOPICS.values())
GENERATORS: tuple[Generator, ...] = (
    _gen("name-to-uid", ("uids", *_AREAS), _mostly_common(lambda p: p.active), _name_to_uid, 22),
    _gen("uid-to-name", ("uids", *_AREAS), _mostly_common(lambda p: p.active), _uid_to_name, 22),
    _gen(
        "modality-of",
        ("modality-attribute", *_AREAS),
        _mostly_common(lambda p: p.modality_subjects),
        _modality_of,
        18,
    ),
    _gen(
        "class-for-modality",
        ("modality-attribute", *_AREAS),
        _mostly_common(lambda p: p.modality_subjects),
        _class_for_modality,
        18,
    ),
    _gen(
        "pixel-data",
        ("image-counts", *_AREAS),
        _either(
            lambda p: [s for s in p.pixel_subjects if s.pixel_data == "yes"],
            lambda p: [s for s in p.pixel_subjects if s.pixel_data == "no"],
        ),
        _pixel_data,
        18,
    ),
    _gen(
        "retired",
        ("sop-classes",),
        _either(lambda p: p.retired, lambda p: p.active),
        _retired,
        12,
    ),
    _gen("service-class", ("service-classes", *_AREAS), _draw_service_subject, _service_class, 16),
    Generator(
        "dimse-task",
        BANK,
        frozenset({"dimse", *(task.topic for task in TASKS.values())}),
        _draw_task,
        _dimse_task,
        24,
    ),
)
FAMILY = Family("registry", "SOP registry (generated)", BANK, GENERATORS, order=1)
