"""Questions from the SOP class registry: UIDs, modalities, pixel data, retirement, services.

Each parameter is a SOP Class UID written with hyphens and without the DICOM root
("5-1-4-1-1-2" for 1.2.840.10008.5.1.4.1.1.2), or a task key for the DIMSE questions.
Distractors are siblings of the right answer (same modality, same category or service, UID
neighbours), never a second right answer: retired classes never stand in for active ones, and
classes whose Modality is unknown or "varies" are left out of modality questions.
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

# Categories a PACS analyst meets every day; modality and pixel questions stay among them.
_IMAGES = ("image", "multi-frame image")
_NON_IMAGES = ("presentation state", "structured report", "key object selection")
_MODALITY_CATEGORIES = (*_IMAGES, *_NON_IMAGES, "segmentation", "waveform")
_PIXEL_CATEGORIES = (*_IMAGES, *_NON_IMAGES, "waveform", "encapsulated document")
_EVERYDAY_MODALITIES = (
    "CR",
    "DX",
    "MG",
    "CT",
    "MR",
    "US",
    "NM",
    "PT",
    "XA",
    "RF",
    "PR",
    "SR",
    "KO",
)
_EVERYDAY_SERVICES = (
    "Verification",
    "Query/Retrieve",
    "Storage Commitment",
    "Basic Worklist Management",
    "Modality Performed Procedure Step",
)

# PS3.4 annex of each service class asked about, and what the class is for.
SERVICE_CLASSES: dict[str, tuple[str, str]] = {
    "Verification": ("A", "checks that two DICOM applications can talk to each other (C-ECHO)"),
    "Storage": ("B", "transfers composite objects such as images and reports (C-STORE)"),
    "Query/Retrieve": ("C", "finds stored objects and retrieves them (C-FIND, C-MOVE, C-GET)"),
    "Print Management": ("H", "prints images on film through a DICOM printer"),
    "Media Storage": ("I", "stores objects on interchange media such as a CD with a DICOMDIR"),
    "Storage Commitment": ("J", "asks an archive to take over safekeeping of objects"),
    "Basic Worklist Management": ("K", "gives modalities their scheduled procedures"),
    "Application Event Logging": ("P", "records events such as a procedure log"),
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
    {"Basic Worklist Management", "Unified Procedure Step"},
    {"Verification", "RT Machine Verification"},
)


@dataclass(frozen=True)
class Task:
    text: str
    service: str
    explanation: str
    references: tuple[str, ...]


DIMSE_C = ("C-STORE", "C-FIND", "C-MOVE", "C-GET", "C-ECHO")
TASKS: dict[str, Task] = {
    "modality-sends": Task(
        "A CT scanner sends its images to the PACS.",
        "C-STORE",
        "Sending objects is C-STORE, the service of the Storage SOP classes: the scanner is "
        "the SCU, the PACS the SCP (PS3.4 Annex B).",
        ("PS3.7 Section 9", "PS3.4 Annex B"),
    ),
    "pacs-forwards": Task(
        "The PACS forwards a finished study to the VNA.",
        "C-STORE",
        "Forwarding is storing again: the PACS acts as a Storage SCU and sends each object "
        "with C-STORE to the VNA, the Storage SCP (PS3.4 Annex B).",
        ("PS3.7 Section 9", "PS3.4 Annex B"),
    ),
    "find-priors": Task(
        "A workstation searches the PACS for a patient's earlier studies.",
        "C-FIND",
        "Searching is C-FIND with a Query/Retrieve information model such as Study Root "
        "Query/Retrieve Information Model - FIND (1.2.840.10008.5.1.4.1.2.2.1); it returns "
        "matches, not the images.",
        ("PS3.7 Section 9", "PS3.4 Annex C"),
    ),
    "query-worklist": Task(
        "A modality asks the RIS for today's scheduled procedures (Modality Worklist).",
        "C-FIND",
        "The Modality Worklist is queried with C-FIND, using Modality Worklist Information "
        "Model - FIND (1.2.840.10008.5.1.4.31) of the Basic Worklist Management service.",
        ("PS3.7 Section 9", "PS3.4 Annex K"),
    ),
    "move-to-workstation": Task(
        "A viewer asks the PACS to send a prior study to a reading workstation, named by its "
        "AE title.",
        "C-MOVE",
        "C-MOVE names a destination AE title; the PACS opens its own association to that "
        "destination and sends the objects as C-STORE sub-operations.",
        ("PS3.7 Section 9", "PS3.4 Annex C"),
    ),
    "get-same-association": Task(
        "A viewer retrieves a study over the association it asked on, without the PACS "
        "opening a connection back.",
        "C-GET",
        "With C-GET the objects come back on the same association as C-STORE "
        "sub-operations, so the PACS needs no route back to the viewer.",
        ("PS3.7 Section 9", "PS3.4 Annex C"),
    ),
    "test-connection": Task(
        "An analyst checks that a new modality's DICOM node is reachable (a 'DICOM ping').",
        "C-ECHO",
        "C-ECHO is the service of the Verification SOP Class (1.2.840.10008.1.1); it tests "
        "the association and nothing else.",
        ("PS3.7 Section 9", "PS3.4 Annex A"),
    ),
}


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
    return "sop-classes"


def _area_lesson(sop: SopClass) -> LessonAnchor:
    return LessonAnchor(id=_area_topic(sop))


def _definite_modality(sop: SopClass) -> bool:
    return bool(sop.modality) and sop.modality != VARIES


class _Pools:
    """The registry sliced the ways the generators ask; built once."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self.active = [sop for sop in registry if not sop.retired and sop.name]
        self.retired = [sop for sop in registry if sop.retired and sop.name]
        self.everyday = [
            sop
            for sop in self.active
            if sop.modality in _EVERYDAY_MODALITIES or sop.service_class in _EVERYDAY_SERVICES
        ]
        self.position = {sop.uid: index for index, sop in enumerate(self.active)}
        self.modality_subjects = [
            sop
            for sop in self.active
            if sop.is_storage and _definite_modality(sop) and sop.category in _MODALITY_CATEGORIES
        ]
        self.modality_uids = {sop.uid for sop in self.modality_subjects}
        self.everyday_modality_subjects = [
            sop for sop in self.modality_subjects if sop.modality in _EVERYDAY_MODALITIES
        ]
        pixel = [
            sop
            for sop in self.active
            if sop.is_storage
            and sop.has_pixel_data is not None
            and sop.category in _PIXEL_CATEGORIES
            and sop.uid not in _FLOAT_PIXEL_CLASSES
        ]
        self.with_pixels = [sop for sop in pixel if sop.has_pixel_data]
        self.without_pixels = [sop for sop in pixel if not sop.has_pixel_data]
        self.pixel_uids = {sop.uid for sop in pixel}
        self.by_service = _group(self.active, lambda sop: sop.service_class)
        self.asked_services = sorted(name for name in self.by_service if name in SERVICE_CLASSES)
        self.by_modality = _group(
            (sop for sop in self.active if _definite_modality(sop)), lambda sop: sop.modality
        )
        self.by_category = _group(self.active, lambda sop: sop.category)
        self.category_modalities = {
            category: sorted({sop.modality for sop in members if sop.uid in self.modality_uids})
            for category, members in self.by_category.items()
        }
        self.by_name = _group(registry, lambda sop: sop.name)
        self.modalities = set(registry.modalities())

    def same_name(self, sop: SopClass) -> list[SopClass]:
        return [other for other in self.by_name[sop.name] if other.uid != sop.uid]

    def siblings(
        self, sop: SopClass, rng: random.Random, count: int, keep: Callable[[SopClass], bool]
    ) -> list[SopClass]:
        """`count` active classes like `sop`, most alike first: same modality, same category
        (or service class), then the nearest UIDs. Names differ from each other and from sop's."""

        def tiers() -> Iterator[list[SopClass]]:
            if _definite_modality(sop):
                yield _shuffled(rng, self.by_modality[sop.modality])
            if sop.category:
                yield _shuffled(rng, self.by_category[sop.category])
            else:
                yield _shuffled(rng, self.by_service[sop.service_class])
            here = self.position.get(sop.uid, 0)
            near = self.active[max(0, here - 12) : here + 13]
            yield sorted(near, key=lambda other: abs(self.position[other.uid] - here))
            yield _shuffled(rng, self.active, len(self.active))

        names = {sop.name}
        chosen: list[SopClass] = []
        for tier in tiers():
            for other in tier:
                if other.name not in names and keep(other):
                    names.add(other.name)
                    chosen.append(other)
                    if len(chosen) == count:
                        return chosen
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
        topics=("uids", _area_topic(sop)),
        difficulty=2 if sop.category in (*_IMAGES, *_NON_IMAGES) else 3,
        references=("PS3.6 Annex A", "PS3.4 Annex B" if sop.is_storage else "PS3.4"),
        lesson=LessonAnchor(id="uids"),
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
        topics=("uids", _area_topic(sop)),
        difficulty=2 if sop.category in (*_IMAGES, *_NON_IMAGES) else 3,
        references=("PS3.6 Annex A",),
        lesson=LessonAnchor(id="uids"),
    )


def _modality_of(parameter: str, qid: str) -> Question | None:
    sop = _subject(parameter)
    pools = _pools()
    if sop is None or sop.uid not in pools.modality_uids:
        return None
    rng = _rng(qid)
    same_category = pools.category_modalities[sop.category]
    everyday = [m for m in _EVERYDAY_MODALITIES if m in pools.modalities]
    candidates = rng.sample(same_category, len(same_category)) + rng.sample(everyday, len(everyday))
    wrong = list(dict.fromkeys(m for m in candidates if m != sop.modality))[:3]
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
    return single_choice(
        qid,
        rng,
        sop.modality,
        wrong,
        prompt=f"Which Modality (0008,0060) value do instances of {claim(sop)} carry?",
        explanation=f"Instances of {claim(sop)} carry Modality {sop.modality} (PS3.3).{shared}",
        topics=("modality-attribute", _area_topic(sop)),
        difficulty=1 if sop.modality in _EVERYDAY_MODALITIES else 2,
        references=("PS3.3 C.7.3.1", "PS3.16 CID 33"),
        lesson=_area_lesson(sop),
    )


def _class_for_modality(parameter: str, qid: str) -> Question | None:
    sop = _subject(parameter)
    pools = _pools()
    if sop is None or sop.uid not in pools.modality_uids:
        return None
    rng = _rng(qid)
    wrong = pools.siblings(
        sop,
        rng,
        3,
        keep=lambda other: other.uid in pools.modality_uids and other.modality != sop.modality,
    )
    return single_choice(
        qid,
        rng,
        sop.name,
        [other.name for other in wrong],
        prompt=f"Instances of which SOP class carry Modality (0008,0060) {sop.modality}?",
        explanation=(
            f"{claim(sop)} carries {sop.modality}. The others carry another value: "
            f"{_joined(f'{claim(other)} carries {other.modality}' for other in wrong)}."
        ),
        topics=("modality-attribute", _area_topic(sop)),
        difficulty=1 if sop.modality in _EVERYDAY_MODALITIES else 2,
        references=("PS3.3 C.7.3.1", "PS3.6 Annex A"),
        lesson=_area_lesson(sop),
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
    if sop.has_pixel_data:
        frames = " An instance can hold many frames." if sop.multi_frame else ""
        why = (
            f"{claim(sop)} is an image IOD: its instances carry the pixels a viewer shows.{frames}"
        )
    else:
        why = f"{claim(sop)} carries no Pixel Data (7FE0,0010). {_WHY_NO_PIXELS[sop.category]}"
    topic = _area_topic(sop)
    return TrueFalse(
        type="true_false",
        id=qid,
        prompt=f"An instance of {claim(sop)} carries pixel data.",
        answer=bool(sop.has_pixel_data),
        explanation=(
            f"{why} A PACS that counts only objects with pixel data leaves objects without "
            "it out of its image count."
        ),
        topics=(topic, "image-counts"),
        difficulty=2,
        references=("PS3.3 Annex A", "PS3.3 C.7.6.3"),
        lesson=LessonAnchor(id=topic if topic != "sop-classes" else "image-counts"),
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
        topics=("sop-classes",),
        difficulty=3 if twins else 2,
        references=("PS3.6 Annex A",),
        lesson=LessonAnchor(id="sop-classes"),
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
        topics=("service-classes", "sop-classes"),
        difficulty=1 if sop.service_class in ("Storage", "Verification", "Query/Retrieve") else 2,
        references=(f"PS3.4 Annex {annex}",),
        lesson=LessonAnchor(id="sop-classes"),
    )


def _dimse_task(parameter: str, qid: str) -> Question | None:
    task = TASKS.get(parameter)
    if task is None:
        return None
    rng = _rng(qid)
    return single_choice(
        qid,
        rng,
        task.service,
        [service for service in DIMSE_C if service != task.service],
        prompt=f"{task.text} Which DIMSE service does it use?",
        explanation=task.explanation,
        topics=("dimse", "service-classes"),
        difficulty=1 if task.service in ("C-STORE", "C-ECHO") else 2,
        references=task.references,
        lesson=LessonAnchor(id="sop-classes"),
    )


# --- drawing parameters -----------------------------------------------------------------


def _either(*pools: Callable[[_Pools], list[SopClass]]) -> Callable[[random.Random], str]:
    """Pick a pool first, so everyday classes and rare answers (retired, pixel-free ...)
    come up more often than their share of the registry."""
    return lambda rng: uid_parameter(rng.choice(rng.choice(pools)(_pools())).uid)


def _draw_service_subject(rng: random.Random) -> str:
    pools = _pools()
    return uid_parameter(rng.choice(pools.by_service[rng.choice(pools.asked_services)]).uid)


def _gen(
    name: str,
    topics: Iterable[str],
    draw: Callable[[random.Random], str],
    build: Callable[[str, str], Question | None],
    count: int,
) -> Generator:
    return Generator(name, BANK, frozenset(topics), draw, build, count)


_AREAS = ("image-sop-classes", "pr-sr-ko", "sop-classes")
GENERATORS: tuple[Generator, ...] = (
    _gen(
        "name-to-uid",
        ("uids", *_AREAS),
        _either(lambda p: p.everyday, lambda p: p.active),
        _name_to_uid,
        22,
    ),
    _gen(
        "uid-to-name",
        ("uids", *_AREAS),
        _either(lambda p: p.everyday, lambda p: p.active),
        _uid_to_name,
        22,
    ),
    _gen(
        "modality-of",
        ("modality-attribute", *_AREAS),
        _either(lambda p: p.everyday_modality_subjects, lambda p: p.modality_subjects),
        _modality_of,
        20,
    ),
    _gen(
        "class-for-modality",
        ("modality-attribute", *_AREAS),
        _either(lambda p: p.everyday_modality_subjects, lambda p: p.modality_subjects),
        _class_for_modality,
        20,
    ),
    _gen(
        "pixel-data",
        ("image-counts", *_AREAS),
        _either(lambda p: p.with_pixels, lambda p: p.without_pixels),
        _pixel_data,
        20,
    ),
    _gen(
        "retired",
        ("sop-classes",),
        _either(lambda p: p.retired, lambda p: p.active),
        _retired,
        14,
    ),
    _gen(
        "service-class",
        ("service-classes", "sop-classes"),
        _draw_service_subject,
        _service_class,
        16,
    ),
    _gen(
        "dimse-task",
        ("dimse", "service-classes"),
        lambda rng: rng.choice(list(TASKS)),
        _dimse_task,
        7,
    ),
)
FAMILY = Family("registry", "SOP registry (generated)", BANK, GENERATORS, order=1)
