"""Questions about a synthetic study list: counts, missing images, likely objects, support.

The parameter is the seed of the study list (4-6 studies), so "count-all-123" always shows the
same list and asks the same thing. Each question carries the list, or the series of one study
in it, as its table exhibit. Inferences from Modalities in Study are phrased "most likely" or
"could be"; which count a system shows is a product's choice, and explanations say so: only
Number of Study Related Instances (0020,1208) has a rule, and it counts every instance
(DICOM-FACTS.md objectives 6 and 7). Options that are SOP classes share the key's Modality and
category, so none can be ruled out from those alone.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from trainer.core import studies as st
from trainer.core.generators import Family, Generator, multiple_select, single_choice
from trainer.core.generators.registry_questions import claim
from trainer.core.questions import LessonAnchor, Numeric, Question, TableExhibit
from trainer.core.registry import SopClass, load_registry
from trainer.core.studies import CountPolicy, Study

BANK = "gen-studies"
LIST_COLUMNS = st.LIST_COLUMNS  # the study browser's columns, defined once
NO_PIXELS = ("PR", "SR", "KO")
# Storage SOP Class UIDs the distractors use (PS3.6 Annex A); a test checks them against pydicom.
SIMPLIFIED_ECHO_SR = "1.2.840.10008.5.1.4.1.1.88.72"  # Simplified Adult Echo SR Storage
MACULAR_GRID_SR = "1.2.840.10008.5.1.4.1.1.79.1"  # Macular Grid Thickness and Volume Report
SPECTACLE_SR = "1.2.840.10008.5.1.4.1.1.78.6"  # Spectacle Prescription Report Storage
COLON_CAD_SR = "1.2.840.10008.5.1.4.1.1.88.69"  # Colon CAD SR Storage
COLOR_PS = "1.2.840.10008.5.1.4.1.1.11.2"  # Color Softcopy Presentation State Storage
BLENDING_PS = "1.2.840.10008.5.1.4.1.1.11.4"  # Blending Softcopy Presentation State Storage
XA_XRF_PS = "1.2.840.10008.5.1.4.1.1.11.5"  # XA/XRF Grayscale Softcopy Presentation State
ADVANCED_BLENDING_PS = "1.2.840.10008.5.1.4.1.1.11.8"  # Advanced Blending Presentation State


def _sop(uid: str) -> SopClass:
    sop = load_registry().by_uid(uid)
    assert sop is not None, uid
    return sop


def _list(qid: str, parameter: str) -> tuple[random.Random, tuple[Study, ...]]:
    """The question's own rng and its study list, both fixed by the id."""
    rng = random.Random(qid)
    return rng, st.generate_studies(int(parameter), rng.randint(4, 6))


def _where(study: Study) -> str:
    return f"study {study.accession_number} ({study.description})"


def _worklist(studies: Sequence[Study], policy: CountPolicy) -> TableExhibit:
    return TableExhibit(
        kind="table",
        title=f"Study list (Imgs: {policy.title})",
        columns=LIST_COLUMNS,
        rows=tuple(st.worklist_rows(tuple(studies), policy, LIST_COLUMNS)),
    )


def _series_cells(series: st.Series) -> dict[str, str]:
    return {
        "Ser#": str(series.series_number),
        "Mod": series.modality,
        "Description": series.description,
        "SOP Class UID": series.sop_class_uid,
        "Objs": str(series.instance_count),
        "Frames": str(sum(series.frames)) if series.has_pixel_data else "-",
    }


def _series_table(study: Study, columns: tuple[str, ...]) -> TableExhibit:
    return TableExhibit(
        kind="table",
        title=(
            f"Series of study {study.accession_number} ({study.patient.name}, {study.description})"
        ),
        columns=columns,
        rows=tuple(tuple(_series_cells(s)[c] for c in columns) for s in study.series),
    )


def _without_pixels(study: Study) -> list[st.Series]:
    return [series for series in study.series if not series.has_pixel_data]


def _objects(count: int, modalities: Sequence[str]) -> str:
    """'1 SR object', '3 PR and SR objects'."""
    kinds = " and ".join(dict.fromkeys(modalities))
    return f"{count} {kinds} object" if count == 1 else f"{count} {kinds} objects"


def _which_carry(count: int) -> str:
    return "which carries" if count == 1 else "which carry"


def _counts_line(study: Study) -> str:
    pixel, every, frames = (study.count(policy) for policy in CountPolicy)
    return (
        f"The same study counts {pixel} as instances with pixel data, {every} as all "
        f"instances (what Number of Study Related Instances (0020,1208) reports) and {frames} "
        "as frames; which of them a product's Images column shows is that product's choice."
    )


# --- the count under a named policy -------------------------------------------------------


def _count(policy: CountPolicy) -> Callable[[str, str], Question | None]:
    def build(parameter: str, qid: str) -> Question | None:
        rng, studies = _list(qid, parameter)
        varied = [s for s in studies if len({s.count(p) for p in CountPolicy}) > 1]
        study = rng.choice(varied or studies)
        answer = study.count(policy)
        others = _without_pixels(study)
        other_count = sum(series.instance_count for series in others)
        if policy is CountPolicy.PIXEL_DATA:
            how = f"Only instances with pixel data count: {answer}."
            if others:
                how += (
                    f" Left out: {_objects(other_count, [s.modality for s in others])}, "
                    f"{_which_carry(other_count)} no pixel data."
                )
        elif policy is CountPolicy.ALL_INSTANCES:
            how = (
                f"Every stored instance counts, PR, SR and KO objects included: {answer}. "
                "Number of Study Related Instances (0020,1208) counts the same way."
            )
        else:
            how = (
                f"Each multi-frame instance adds its Number of Frames (0028,0008), a "
                f"single-frame image adds 1 and objects without pixel data add nothing: {answer}."
            )
        columns: tuple[str, ...] = ("Ser#", "Mod", "Description", "Objs")
        if policy is CountPolicy.FRAMES:
            columns += ("Frames",)
        return Numeric(
            type="numeric",
            id=qid,
            tolerance=0,
            prompt=(
                f"A system counts {policy.title}. What count does it show for {_where(study)}? "
                "The exhibit lists the study's series."
            ),
            answer=answer,
            unit="frames" if policy is CountPolicy.FRAMES else "instances",
            explanation=f"{how} {_counts_line(study)}",
            topics=("image-counts", "study-lists"),
            difficulty=2,
            references=("PS3.4 Annex C", "PS3.3 C.7.6.3", "PS3.3 C.7.6.6"),
            lesson=LessonAnchor(id="image-counts"),
            exhibit=_series_table(study, columns),
        )

    return build


# --- why two systems show different counts ------------------------------------------------


def _count_difference(parameter: str, qid: str) -> Question | None:
    rng, studies = _list(qid, parameter)
    options = [
        (study, other)
        for study in studies
        for other in ("VNA", "viewer")
        if study.count(CountPolicy.PIXEL_DATA) != study.count(_OTHER_POLICY[other])
    ]
    if not options:
        return None
    study, other = rng.choice(options)
    policy = _OTHER_POLICY[other]
    shown, theirs = study.count(CountPolicy.PIXEL_DATA), study.count(policy)
    every, frames = study.count(CountPolicy.ALL_INSTANCES), study.count(CountPolicy.FRAMES)
    others = _without_pixels(study)
    kinds = [series.modality for series in others]
    if other == "VNA":
        extra = theirs - shown
        right = (
            f"The VNA also counts the {' and '.join(dict.fromkeys(kinds))} "
            f"{'object, which has' if extra == 1 else 'objects, which have'} no pixel data."
        )
        why = (
            f"Both systems hold the same {theirs} instances, among them "
            f"{_objects(theirs - shown, kinds)}, {_which_carry(theirs - shown)} no pixel data. "
            "This PACS counts only instances with pixel data; this VNA counts every stored "
            "instance, as Number of Study Related Instances (0020,1208) does. Other products "
            "may count the other way round: ask what each screen counts."
        )
    else:
        right = "The viewer counts the frames of the multi-frame images."
        why = (
            "The study holds multi-frame images. This PACS counts instances with pixel data; "
            "counting frames, each multi-frame instance adds its Number of Frames (0028,0008), "
            "so a frame count can be far larger for the same images."
        )
    series = len(study.series)
    # Each wrong explanation is one the numbers in the exhibit rule out.
    candidates = [
        (f"The {other} counts series, not instances.", series != theirs),
        ("The PACS counts series, not instances.", series != shown),
        (f"The {other} counts every frame of the multi-frame images.", frames != theirs),
        (
            f"The {other} counts every stored instance, PR, SR and KO objects included.",
            every != theirs,
        ),
        (f"The PACS counts frames; the {other} counts instances.", frames != shown),
        (
            f"The PACS counts every stored instance; the {other} counts only images.",
            every != shown,
        ),
    ]
    wrong = [text for text, ruled_out in candidates if ruled_out]
    if len(wrong) < 3:
        return None
    columns = ("Name", "Acc#", "Description", "Mods")
    rows = tuple(
        (*row, str(s.count(CountPolicy.PIXEL_DATA)), str(s.count(policy)))
        for s, row in zip(studies, st.worklist_rows(studies, policy, columns))
    )
    return single_choice(
        qid,
        rng,
        right,
        rng.sample(wrong, 3),
        prompt=(
            f"The PACS and the {other} list the same studies. For {_where(study)} the PACS "
            f"shows {shown} and the {other} {theirs}. What most likely explains the difference?"
        ),
        explanation=(
            f"{why} The study has {series} series, {every} instances and {frames} frames, "
            "which rules out the other explanations. Explain the difference to users before "
            "they report missing images."
        ),
        topics=("image-counts", "study-lists"),
        difficulty=2,
        references=("PS3.4 Annex C", "PS3.3 C.7.6.6"),
        lesson=LessonAnchor(id="image-counts"),
        exhibit=TableExhibit(
            kind="table",
            title=f"The same studies in the PACS and the {other}",
            columns=(*columns, "PACS", other[0].upper() + other[1:]),
            rows=rows,
        ),
    )


_OTHER_POLICY = {"VNA": CountPolicy.ALL_INSTANCES, "viewer": CountPolicy.FRAMES}


# --- objects that will not display as images ------------------------------------------------

_HOW_SHOWN = {
    "PR": "a viewer applies it to the images it references",
    "SR": "a viewer shows it as a report",
    "KO": "a viewer shows it as a list of key images",
}


def _not_displayed(parameter: str, qid: str) -> Question | None:
    rng, studies = _list(qid, parameter)
    mixed = [s for s in studies if _without_pixels(s) and len(_without_pixels(s)) < len(s.series)]
    if not mixed:
        return None
    study = rng.choice(mixed)
    label = {
        s.series_number: f"Series {s.series_number}: {s.modality} {s.description}"
        for s in study.series
    }
    others = _without_pixels(study)
    details = "; ".join(
        f"series {s.series_number} holds {claim(_sop(s.sop_class_uid))}, and "
        f"{_HOW_SHOWN[s.modality]}"
        for s in others
    )
    return multiple_select(
        qid,
        rng,
        [label[s.series_number] for s in others],
        [label[s.series_number] for s in study.series if s.has_pixel_data],
        prompt=(
            f"Which series of {_where(study)} hold objects that carry no pixel data, so they "
            "do not display as images of their own? Select all that apply."
        ),
        explanation=(
            f"PR, SR and KO objects carry no Pixel Data (7FE0,0010): {details}. The other "
            "series hold images."
        ),
        topics=("pr-sr-ko", "image-counts"),
        difficulty=1,
        references=("PS3.3 C.7.3.1", "PS3.3 Annex A"),
        lesson=LessonAnchor(id="pr-sr-ko"),
        exhibit=_series_table(study, ("Ser#", "Mod", "Description", "Objs")),
    )


# --- the likely SOP classes of a row's PR or SR -----------------------------------------------


@dataclass(frozen=True)
class _Inference:
    why: str
    answers: tuple[str, ...]  # one: "most likely"; several: "could be", select all
    distractors: tuple[str, ...]  # same Modality and category, but they do not fit the study
    certainty: str = "most likely"


MAMMO_CAD = st.MAMMO_CAD_SR
# Why each distractor cannot be the object on a study of these images.
_MISFITS = {
    MAMMO_CAD: "holds CAD findings on mammograms",
    SIMPLIFIED_ECHO_SR: "holds adult echocardiography measurements from ultrasound",
    MACULAR_GRID_SR: "holds retinal thickness measurements from an ophthalmic OCT",
    SPECTACLE_SR: "holds a spectacle prescription from an eye clinic",
    COLON_CAD_SR: "holds CAD findings of a CT colonography",
    st.RADIOPHARM_DOSE_SR: "records radiopharmaceutical activity given in NM or PET",
    st.XRAY_DOSE_SR: "records the dose of X-ray equipment",
    COLOR_PS: "applies to colour images",
    BLENDING_PS: "blends two image sets, such as PET over CT",
    ADVANCED_BLENDING_PS: "blends several image sets",
    XA_XRF_PS: "applies to angiography and fluoroscopy images",
}
_EYES = (MACULAR_GRID_SR, SPECTACLE_SR)
# (image modalities of the row, the PR/SR asked about) -> the inference. An SR class that
# could also fit the study (another dose report, a generic SR, an echo SR on an echo) is
# never offered as a distractor.
_LIKELY: dict[tuple[frozenset[str], str], _Inference] = {
    (frozenset({"CT"}), "SR"): _Inference(
        "On a CT study, an SR is most often the scanner's radiation dose report",
        (st.XRAY_DOSE_SR,),
        (MAMMO_CAD, SIMPLIFIED_ECHO_SR, st.RADIOPHARM_DOSE_SR, *_EYES),
    ),
    (frozenset({"CT"}), "PR"): _Inference(
        "On a CT study, a PR is most often a presentation state saved with annotations or "
        "window settings",
        (st.GSPS,),
        (COLOR_PS, BLENDING_PS, ADVANCED_BLENDING_PS, XA_XRF_PS),
    ),
    (frozenset({"US"}), "SR"): _Inference(
        "On an ultrasound study, an SR most often holds the measurements",
        (st.COMPREHENSIVE_SR,),
        (st.XRAY_DOSE_SR, MAMMO_CAD, st.RADIOPHARM_DOSE_SR, COLON_CAD_SR, *_EYES),
    ),
    (frozenset({"DX"}), "SR"): _Inference(
        "On a radiography study, an SR is most often the X-ray dose report",
        (st.XRAY_DOSE_SR,),
        (MAMMO_CAD, SIMPLIFIED_ECHO_SR, st.RADIOPHARM_DOSE_SR, COLON_CAD_SR, *_EYES),
    ),
    (frozenset({"XA"}), "SR"): _Inference(
        "On an angiography study, an SR is most often the X-ray dose report the system "
        "writes for the procedure",
        (st.XRAY_DOSE_SR,),
        (MAMMO_CAD, SIMPLIFIED_ECHO_SR, st.RADIOPHARM_DOSE_SR, COLON_CAD_SR, *_EYES),
    ),
    (frozenset({"MG"}), "SR"): _Inference(
        "On a mammography study, an SR can be a CAD result (from a CAD server, where the "
        "site has one) or the X-ray dose report many mammography units send",
        (st.MAMMO_CAD_SR, st.XRAY_DOSE_SR),
        (SIMPLIFIED_ECHO_SR, st.RADIOPHARM_DOSE_SR, COLON_CAD_SR, *_EYES),
        "could be",
    ),
    (frozenset({"NM"}), "SR"): _Inference(
        "On a nuclear medicine study, an SR can be the radiopharmaceutical dose report, "
        "often written by the injector or hot-lab system rather than the camera; NM "
        "processing results are also stored as SR",
        (st.RADIOPHARM_DOSE_SR,),
        (MAMMO_CAD, SIMPLIFIED_ECHO_SR, COLON_CAD_SR, *_EYES),
        "could be",
    ),
    (frozenset({"CT", "PT"}), "SR"): _Inference(
        "On a PET/CT study, an SR can be the CT part's X-ray dose report or the "
        "radiopharmaceutical dose report of the tracer",
        (st.XRAY_DOSE_SR, st.RADIOPHARM_DOSE_SR),
        (MAMMO_CAD, SIMPLIFIED_ECHO_SR, COLON_CAD_SR, *_EYES),
        "could be",
    ),
}


def _likely_keys(study: Study) -> list[tuple[frozenset[str], str]]:
    images = frozenset(m for m in study.modalities if m not in NO_PIXELS)
    keys = []
    for modality in study.modalities:
        key = (images, modality)
        uids = {s.sop_class_uid for s in study.series if s.modality == modality}
        if key in _LIKELY and uids <= set(_LIKELY[key].answers):
            keys.append(key)
    return keys


def _likely_class(parameter: str, qid: str) -> Question | None:
    rng, studies = _list(qid, parameter)
    options = [(study, key) for study in studies for key in _likely_keys(study)]
    if not options:
        return None
    study, key = rng.choice(options)
    rule = _LIKELY[key]
    answers = [_sop(uid) for uid in rule.answers]
    wrong = [_sop(uid) for uid in rng.sample(rule.distractors, 4 - len(answers))]
    images, asked = "/".join(sorted(key[0])), key[1]
    misfits = "; ".join(f"{claim(sop)} {_MISFITS[sop.uid]}" for sop in wrong)
    fields = dict(
        explanation=(
            f"{rule.why}: {' or '.join(claim(sop) for sop in answers)}. It is an inference, "
            f"not a certainty: Modalities in Study (0008,0061) lists Modality values, and "
            f"many SOP classes share {asked}; the SOP Class UID of the {asked} series "
            f"settles it. The other choices do not fit a {images} study: {misfits}."
        ),
        topics=("study-lists", "pr-sr-ko"),
        difficulty=2 if len(answers) == 1 else 3,
        references=("PS3.3 C.7.3.1", "PS3.16 CID 33", "PS3.4 Annex B"),
        lesson=LessonAnchor(id="study-lists"),
        exhibit=_worklist(studies, rng.choice(list(CountPolicy))),
    )
    where = f"In the study list, {_where(study)} shows Modalities {', '.join(study.modalities)}."
    if len(answers) > 1:
        return multiple_select(
            qid,
            rng,
            [sop.name for sop in answers],
            [sop.name for sop in wrong],
            prompt=f"{where} Which of these could its {asked} objects be? Select all that apply.",
            **fields,
        )
    ask = (
        f"What is its {asked} object most likely?"
        if rule.certainty == "most likely"
        else f"Which of these could its {asked} object be?"
    )
    return single_choice(
        qid, rng, answers[0].name, [sop.name for sop in wrong], prompt=f"{where} {ask}", **fields
    )


# --- the SOP classes a PACS must support to accept a study --------------------------------------


@functools.cache
def _storage_classes() -> tuple[SopClass, ...]:
    return tuple(sop for sop in load_registry() if sop.is_storage and not sop.retired)


@functools.cache
def _storage_by_modality() -> dict[str, tuple[SopClass, ...]]:
    found: dict[str, list[SopClass]] = {}
    for sop in _storage_classes():
        if sop.modality:
            found.setdefault(sop.modality, []).append(sop)
    return {modality: tuple(classes) for modality, classes in found.items()}


def _must_support(parameter: str, qid: str) -> Question | None:
    rng, studies = _list(qid, parameter)
    study = rng.choice(studies)
    present = [_sop(uid) for uid in dict.fromkeys(s.sop_class_uid for s in study.series)]
    names = {sop.name for sop in present}
    siblings = [
        sop
        for modality in study.modalities
        for sop in _storage_by_modality().get(modality, ())
        if sop.name not in names
    ]
    wrong = rng.sample(siblings, min(len(siblings), max(2, min(3, 8 - len(present)))))
    if len(wrong) < 2:
        return None
    # One wrong choice shares a category with a right one, so categories give nothing away.
    categories = {sop.category for sop in present}
    if not any(sop.category in categories for sop in wrong):
        taken = names | {sop.name for sop in wrong}
        kin = [
            sop
            for sop in _storage_classes()
            if sop.category in categories and sop.name not in taken and sop.common
        ]
        if kin:
            wrong[-1] = rng.choice(kin)
    return multiple_select(
        qid,
        rng,
        [sop.name for sop in present],
        [sop.name for sop in wrong],
        prompt=(
            f"To store {_where(study)}, the PACS must accept every object in it. Which Storage "
            "SOP classes must it support? Select all that apply."
        ),
        explanation=(
            f"The study holds {'; '.join(claim(sop) for sop in present)}. Storage is "
            "negotiated per SOP class: each needs an accepted presentation context, and a "
            "class the PACS does not support is rejected during association negotiation, so "
            "those objects never arrive, PR, SR and KO objects included. Not in this study: "
            f"{'; '.join(claim(sop) for sop in wrong)}."
        ),
        topics=("conformance", "image-sop-classes"),
        difficulty=2,
        references=("PS3.4 Annex B", "PS3.7 Annex D"),
        lesson=LessonAnchor(id="supporting-sop-classes"),
        exhibit=_series_table(study, ("Ser#", "Mod", "Description", "SOP Class UID", "Objs")),
    )


# --- what Modalities in Study lists, read from the series' SOP classes ------------------------

# Real Modality values that a learner may confuse with the one a class carries.
_CONFUSABLE = {
    "CT": ("PT", "OT"),
    "MR": ("OT",),
    "PT": ("NM",),
    "NM": ("PT",),
    "MG": ("DX", "CR"),
    "DX": ("CR",),
    "CR": ("DX",),
    "US": ("OT",),
    "XA": ("RF",),
    "PR": ("KO", "SR"),
    "SR": ("KO", "PR"),
    "KO": ("SR", "PR"),
}


def _modalities_in_study(parameter: str, qid: str) -> Question | None:
    rng, studies = _list(qid, parameter)
    study = rng.choice(studies)
    present = list(study.modalities)
    tempting = [m for value in present for m in _CONFUSABLE.get(value, ()) if m not in present]
    wrong = rng.sample(list(dict.fromkeys(tempting)), min(3, len(dict.fromkeys(tempting))))
    if len(wrong) < 2:
        return None
    classes = {s.sop_class_uid: _sop(s.sop_class_uid) for s in study.series}
    carries = "; ".join(f"{claim(sop)} carries {sop.modality}" for sop in classes.values())
    return multiple_select(
        qid,
        rng,
        present,
        wrong,
        prompt=(
            f"The exhibit lists the series of {_where(study)} by SOP class. Which values does "
            "its Modalities in Study (0008,0061) hold? Select all that apply."
        ),
        explanation=(
            "Modalities in Study lists each distinct Modality (0008,0060) value of the "
            f"study's series once, PR, SR and KO included: {carries}. So the study lists "
            f"{', '.join(present)}."
        ),
        topics=("study-lists", "modality-attribute"),
        difficulty=2,
        references=("PS3.4 C.6.2.1", "PS3.3 C.7.3.1"),
        lesson=LessonAnchor(id="study-lists"),
        exhibit=TableExhibit(
            kind="table",
            title=f"Series of study {study.accession_number} ({study.description})",
            columns=("Ser#", "Description", "SOP class", "Objs"),
            rows=tuple(
                (
                    str(s.series_number),
                    s.description,
                    classes[s.sop_class_uid].name,
                    str(s.instance_count),
                )
                for s in study.series
            ),
        ),
    )


def _draw(rng: random.Random) -> str:
    return str(rng.randrange(1, 10**9))


def _gen(
    name: str, topics: tuple[str, ...], build: Callable[[str, str], Question | None], count: int
) -> Generator:
    return Generator(name, BANK, frozenset(topics), _draw, build, count)


_COUNT_TOPICS = ("image-counts", "study-lists")
GENERATORS: tuple[Generator, ...] = (
    *(_gen(f"count-{policy.value}", _COUNT_TOPICS, _count(policy), 8) for policy in CountPolicy),
    _gen("count-difference", _COUNT_TOPICS, _count_difference, 8),
    _gen("not-displayed", ("pr-sr-ko", "image-counts"), _not_displayed, 6),
    _gen("likely-class", ("study-lists", "pr-sr-ko"), _likely_class, 8),
    _gen("must-support", ("conformance", "image-sop-classes"), _must_support, 8),
    _gen("modalities-in-study", ("study-lists", "modality-attribute"), _modalities_in_study, 6),
)
FAMILY = Family("studies", "Study lists (generated)", BANK, GENERATORS, order=2)
