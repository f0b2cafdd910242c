"""Questions about a synthetic study list: counts, missing images, likely objects, support.

The parameter is the seed of the study list (4-6 studies), so "count-all-123" always shows the
same list and asks the same thing. Each question carries the list, or the series of one study
in it, as its table exhibit. Inferences from Modalities in Study are phrased "most likely"; why
systems count differently is phrased with "typically" and "can": vendors differ (DICOM-FACTS.md
objectives 6 and 7).
"""

from __future__ import annotations

import functools
import random
from collections.abc import Callable, Sequence

from trainer.core import studies as st
from trainer.core.generators import Generator, multiple_select, single_choice
from trainer.core.generators.registry_questions import claim
from trainer.core.questions import LessonAnchor, Numeric, Question, TableExhibit
from trainer.core.registry import SopClass, load_registry
from trainer.core.studies import CountPolicy, Study

BANK = "gen-studies"
LIST_COLUMNS = st.LIST_COLUMNS  # the study browser's columns, defined once
NO_PIXELS = ("PR", "SR", "KO")
SIMPLIFIED_ECHO_SR = "1.2.840.10008.5.1.4.1.1.88.72"  # Simplified Adult Echo SR Storage


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
        rows=tuple(st.worklist_rows(studies, policy, LIST_COLUMNS)),
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
        f"The same study counts {pixel} as instances with pixel data (typical of a legacy "
        f"PACS), {every} as all instances (typical of a VNA) and {frames} as frames."
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
        columns = ("Ser#", "Mod", "Description", "Objs")
        if policy is CountPolicy.FRAMES:
            columns += ("Frames",)
        return Numeric(
            type="numeric",
            id=qid,
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
    others = _without_pixels(study)
    kinds = [series.modality for series in others]
    if other == "VNA":
        right = (
            "The VNA also counts objects without pixel data "
            f"(here {_objects(theirs - shown, kinds)}); "
            "the PACS counts only instances with pixel data."
        )
        why = (
            f"Both systems hold the same {theirs} instances, among them "
            f"{_objects(theirs - shown, kinds)}, {_which_carry(theirs - shown)} no pixel data. "
            "Some PACS count "
            "only instances with pixel data; a VNA often counts every stored instance, "
            "as Number of Study Related Instances (0020,1208) does."
        )
    else:
        right = (
            "The viewer counts every frame of the multi-frame images; the PACS counts image "
            "instances."
        )
        why = (
            "The study holds multi-frame images. A PACS typically counts instances; counting "
            "frames, each multi-frame instance adds its Number of Frames (0028,0008), so a "
            "frame count can be far larger for the same images."
        )
    series_count = len(study.series)
    candidates = [
        (
            (
                f"The {other} gave the objects new SOP Class UIDs when it received them, so it "
                "counts some objects twice."
            ),
            theirs != 2 * shown,
        ),
        (f"The {other} counts series, not instances.", series_count != theirs),
        ("The PACS counts series, not instances.", series_count != shown),
        (
            (
                f"The {' and '.join(dict.fromkeys(kinds))} objects carry pixel data that the PACS "
                "cannot decompress."
            ),
            bool(others),
        ),
        (
            "The VNA counts every frame of the multi-frame images.",
            other == "VNA" and study.count(CountPolicy.FRAMES) != theirs,
        ),
        (
            "The viewer counts every stored instance, PR, SR and KO objects included.",
            other == "viewer" and study.count(CountPolicy.ALL_INSTANCES) != theirs,
        ),
    ]
    wrong = [text for text, fits in candidates if fits]
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
            f"{why} SOP Class UIDs are constants and never change when a study is copied. "
            "Explain the difference to users before they report missing images."
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


# --- the most likely SOP class of a row's PR, SR or KO ----------------------------------------

# (image modalities of the row, the PR/SR/KO asked about) -> why, the likely class, and
# distractors that cannot be that object: another Modality value, or an SR that does not
# fit the study. Dose reports that could also fit are never offered as distractors.
_LIKELY: dict[tuple[tuple[str, ...], str], tuple[str, str, tuple[str, ...]]] = {
    (("CT",), "SR"): (
        "On a CT study, an SR is most often the scanner's radiation dose report",
        st.XRAY_DOSE_SR,
        (st.MAMMO_CAD_SR, st.RADIOPHARM_DOSE_SR, SIMPLIFIED_ECHO_SR, st.KO, st.GSPS),
    ),
    (("CT",), "PR"): (
        (
            "On a CT study, a PR is most often a presentation state saved with annotations or "
            "window settings (PR is not PET, which is PT)"
        ),
        st.GSPS,
        (st.PET, st.KO, st.XRAY_DOSE_SR, st.MAMMO_CAD_SR),
    ),
    (("US",), "SR"): (
        "On an ultrasound study, an SR most often holds the measurements",
        st.COMPREHENSIVE_SR,
        (st.XRAY_DOSE_SR, st.MAMMO_CAD_SR, st.RADIOPHARM_DOSE_SR, st.KO, st.GSPS),
    ),
    (("MR",), "KO"): (
        "On an MR study, a KO flags the key images someone selected",
        st.KO,
        (st.GSPS, st.COMPREHENSIVE_SR, st.ENHANCED_MR, st.XRAY_DOSE_SR),
    ),
    (("MG",), "SR"): (
        (
            "On a screening mammography study, an SR is often the CAD (computer-aided detection) "
            "result"
        ),
        st.MAMMO_CAD_SR,
        (st.RADIOPHARM_DOSE_SR, SIMPLIFIED_ECHO_SR, st.KO, st.GSPS),
    ),
    (("NM",), "SR"): (
        "On a nuclear medicine study, an SR is probably the radiopharmaceutical dose report",
        st.RADIOPHARM_DOSE_SR,
        (st.XRAY_DOSE_SR, st.MAMMO_CAD_SR, st.KO, st.GSPS),
    ),
    (("XA",), "SR"): (
        (
            "On an angiography study, an SR is most likely the X-ray dose report; of these "
            "choices that is the enhanced form, which some newer systems write (many still "
            "send X-Ray Radiation Dose SR Storage, .88.67)"
        ),
        st.ENHANCED_XRAY_DOSE_SR,
        (st.RADIOPHARM_DOSE_SR, st.MAMMO_CAD_SR, st.KO, st.GSPS),
    ),
    (("DX",), "SR"): (
        "On a radiography study, an SR is most often the X-ray dose report",
        st.XRAY_DOSE_SR,
        (st.MAMMO_CAD_SR, st.RADIOPHARM_DOSE_SR, SIMPLIFIED_ECHO_SR, st.KO),
    ),
}


def _likely_keys(study: Study) -> list[tuple[tuple[str, ...], str]]:
    images = tuple(m for m in study.modalities if m not in NO_PIXELS)
    keys = []
    for modality in study.modalities:
        key = (images, modality)
        uids = {s.sop_class_uid for s in study.series if s.modality == modality}
        if key in _LIKELY and uids == {_LIKELY[key][1]}:
            keys.append(key)
    return keys


def _likely_class(parameter: str, qid: str) -> Question | None:
    rng, studies = _list(qid, parameter)
    options = [(study, key) for study in studies for key in _likely_keys(study)]
    if not options:
        return None
    study, key = rng.choice(options)
    why, answer_uid, distractors = _LIKELY[key]
    answer = _sop(answer_uid)
    wrong = [_sop(uid) for uid in rng.sample(distractors, 3)]
    images, asked = key
    policy = rng.choice(list(CountPolicy))
    misfits = "; ".join(
        f"{claim(sop)} does not fit a {'/'.join(images)} study"
        if sop.modality == asked
        else f"{claim(sop)} has Modality {sop.modality}, not {asked}"
        for sop in wrong
    )
    return single_choice(
        qid,
        rng,
        answer.name,
        [sop.name for sop in wrong],
        prompt=(
            f"In the study list, {_where(study)} shows Modalities {', '.join(study.modalities)}. "
            f"What is its {asked} object most likely?"
        ),
        explanation=(
            f"{why}: {claim(answer)}. It is an inference, not a certainty: Modalities in Study "
            f"(0008,0061) lists Modality values, and many SOP classes share {asked}. The other "
            f"choices: {misfits}."
        ),
        topics=("study-lists", "pr-sr-ko"),
        difficulty=2,
        references=("PS3.3 C.7.3.1", "PS3.16 CID 33"),
        lesson=LessonAnchor(id="study-lists"),
        exhibit=_worklist(studies, policy),
    )


# --- the SOP classes a PACS must support to accept a study --------------------------------------


@functools.cache
def _storage_by_modality() -> dict[str, tuple[SopClass, ...]]:
    found: dict[str, list[SopClass]] = {}
    for sop in load_registry():
        if sop.is_storage and not sop.retired and sop.modality:
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


# --- the row whose Modalities in Study does not match its series ------------------------------


def _ordered(study: Study, modalities: set[str]) -> str:
    """Modalities as the list shows them: images in series order, then PR/SR/KO."""
    images = [
        s.modality for s in study.series if s.modality in modalities and s.modality not in NO_PIXELS
    ]
    return ", ".join([*dict.fromkeys(images), *sorted(modalities & set(NO_PIXELS))])


def _inconsistent_row(parameter: str, qid: str) -> Question | None:
    rng, studies = _list(qid, parameter)
    study = rng.choice(studies)
    actual = set(study.modalities)
    changes = [("drop", m) for m in study.modalities if len(actual) > 1]
    changes += [("add", m) for m in NO_PIXELS if m not in actual]
    change, modality = rng.choice(changes)
    mods = _ordered(study, actual - {modality} if change == "drop" else actual | {modality})
    problem = f"{modality} is missing" if change == "drop" else f"no series has Modality {modality}"

    def row(s: Study) -> tuple[str, ...]:
        listed = mods if s is study else ", ".join(s.modalities)
        series = " ".join(x.modality for x in s.series)
        return (s.patient.name, s.accession_number, s.description, listed, series)

    label = {s.accession_number: f"{s.accession_number} ({s.patient.name})" for s in studies}
    series_text = " ".join(x.modality for x in study.series)
    return single_choice(
        qid,
        rng,
        label[study.accession_number],
        [label[s.accession_number] for s in studies if s is not study],
        prompt=(
            "Modalities in Study should list the Modality of every series of the study. In "
            "which row does it not match the study's series?"
        ),
        explanation=(
            "Modalities in Study (0008,0061) lists the distinct Modality (0008,0060) values "
            f"of a study's series. For {study.accession_number} the series are {series_text}, "
            f"but the list shows {mods}: {problem}. A mismatch like this can arise when an "
            "object arrives after the study was indexed, or a series is deleted without the "
            "study record being updated. The other rows match their series."
        ),
        topics=("study-lists", "modality-attribute"),
        difficulty=2,
        references=("PS3.4 Annex C", "PS3.3 C.7.3.1"),
        lesson=LessonAnchor(id="study-lists"),
        exhibit=TableExhibit(
            kind="table",
            title="Study list with the modality of each series",
            columns=("Name", "Acc#", "Description", "Mods", "Series"),
            rows=tuple(row(s) for s in studies),
        ),
    )


def _draw(rng: random.Random) -> str:
    return str(rng.randrange(1, 10**9))


def _gen(
    name: str, topics: tuple[str, ...], build: Callable[[str, str], Question | None]
) -> Generator:
    return Generator(name, BANK, frozenset(topics), _draw, build)


_COUNT_TOPICS = ("image-counts", "study-lists")
GENERATORS: tuple[Generator, ...] = (
    *(_gen(f"count-{policy.value}", _COUNT_TOPICS, _count(policy)) for policy in CountPolicy),
    _gen("count-difference", _COUNT_TOPICS, _count_difference),
    _gen("not-displayed", ("pr-sr-ko", "image-counts"), _not_displayed),
    _gen("likely-class", ("study-lists", "pr-sr-ko"), _likely_class),
    _gen("must-support", ("conformance", "image-sop-classes"), _must_support),
    _gen("inconsistent-row", ("study-lists", "modality-attribute"), _inconsistent_row),
)
