"""Questions on DICOM beyond Storage: transfer syntaxes, associations, Query/Retrieve, worklist
and MPPS, storage commitment and character sets.

Most parameters are a seed ("qr-matching-123"), from which the question's values are drawn:
AE titles with a typo, query values, compression methods, counts, patient names. The rest
name a table row ("ts-uid-1-2-4-50" for 1.2.840.10008.1.2.4.50). Answers are computed, not
looked up: negotiation results from the proposed and accepted lists, whether a name fits a
character set from Python's codecs, how a name looks when its bytes are read in the wrong
character set. Each family of options (transfer syntaxes of one compression family, the
statuses of one service) supplies the distractors, so none is an outsider to eliminate.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from trainer.core import studies as st
from trainer.core.generators import Family, Generator, multiple_select, single_choice
from trainer.core.questions import LessonAnchor, Numeric, Question, TableExhibit, TrueFalse
from trainer.core.registry import uid_dictionary

BANK = "gen-network"
DICOM_ROOT = "1.2.840.10008."


@functools.cache
def _uid_names() -> dict[str, str]:
    """UID -> name from pydicom's dictionary (read once: it is a large module)."""
    return {uid: entry[0] for uid, entry in uid_dictionary().items()}

# --- transfer syntaxes ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Syntax:
    uid: str
    family: str  # compression family: distractors come from the same one first
    loss: str  # "lossless", "lossy" or "either"

    @property
    def name(self) -> str:
        return _uid_names()[self.uid]

    @property
    def claim(self) -> str:
        return f"{self.name} ({self.uid})"


# PS3.5 Annex A; the active transfer syntaxes an analyst meets in logs and conformance tables.
SYNTAXES = tuple(
    Syntax(DICOM_ROOT + suffix, family, loss)
    for suffix, family, loss in (
        ("1.2", "uncompressed", "lossless"),
        ("1.2.1", "uncompressed", "lossless"),
        ("1.2.1.99", "uncompressed", "lossless"),
        ("1.2.4.50", "JPEG", "lossy"),
        ("1.2.4.51", "JPEG", "lossy"),
        ("1.2.4.57", "JPEG", "lossless"),
        ("1.2.4.70", "JPEG", "lossless"),
        ("1.2.4.80", "JPEG-LS", "lossless"),
        ("1.2.4.81", "JPEG-LS", "lossy"),
        ("1.2.4.90", "JPEG 2000", "lossless"),
        ("1.2.4.91", "JPEG 2000", "either"),
        ("1.2.4.201", "HTJ2K", "lossless"),
        ("1.2.4.203", "HTJ2K", "either"),
        ("1.2.5", "RLE", "lossless"),
        ("1.2.4.100", "video", "lossy"),
        ("1.2.4.102", "video", "lossy"),
        ("1.2.4.107", "video", "lossy"),
    )
)
_BY_UID = {syntax.uid: syntax for syntax in SYNTAXES}
IMPLICIT, EXPLICIT = _BY_UID[DICOM_ROOT + "1.2"], _BY_UID[DICOM_ROOT + "1.2.1"]
_LOSS_WORDS = {
    "lossless": "lossless: the decoded pixels equal the original ones",
    "lossy": "lossy: the decoded pixels differ from the original ones",
    "either": "lossless or lossy, as the encoder chose: only the syntax's Lossless Only "
    "sibling guarantees unchanged pixels",
}


def _syntax_parameter(parameter: str) -> Syntax | None:
    return _BY_UID.get(DICOM_ROOT + parameter.replace("-", "."))


def _syntax_id(syntax: Syntax) -> str:
    return syntax.uid.removeprefix(DICOM_ROOT).replace(".", "-")


def _syntax_siblings(syntax: Syntax, rng: random.Random, count: int) -> list[Syntax]:
    """Other syntaxes, the same compression family first."""
    same = [s for s in SYNTAXES if s.family == syntax.family and s is not syntax]
    other = [s for s in SYNTAXES if s.family != syntax.family]
    return (rng.sample(same, len(same)) + rng.sample(other, len(other)))[:count]


TS_LESSON = "transfer-syntaxes"


def _ts_identity(by_uid: bool) -> Callable[[str, str], Question | None]:
    """Name -> UID (by_uid) or UID -> name of a transfer syntax; distractors of its family."""

    def build(parameter: str, qid: str) -> Question | None:
        syntax = _syntax_parameter(parameter)
        if syntax is None:
            return None
        rng = random.Random(qid)
        wrong = _syntax_siblings(syntax, rng, 3)
        shown: Callable[[Syntax], str] = (lambda s: s.uid) if by_uid else (lambda s: s.name)
        prompt = (
            f"Which UID is the transfer syntax {syntax.name}?"
            if by_uid
            else f"A log shows transfer syntax {syntax.uid}. Which one is it?"
        )
        return single_choice(
            qid,
            rng,
            shown(syntax),
            [shown(s) for s in wrong],
            prompt=prompt,
            explanation=(
                f"{syntax.claim}. Transfer Syntax UIDs are constants under 1.2.840.10008.1.2 "
                "(PS3.6 Annex A); they appear in (0002,0010) of a file and in every proposed "
                f"presentation context. The others: {'; '.join(s.claim for s in wrong)}."
            ),
            topics=("transfer-syntaxes", "uids") if by_uid else ("transfer-syntaxes",),
            difficulty=2 if syntax.family in ("uncompressed", "JPEG") else 3,
            references=("PS3.5 Section 10", "PS3.6 Annex A"),
            lesson=LessonAnchor(id=TS_LESSON),
        )

    return build


def _ts_lossless(parameter: str, qid: str) -> Question | None:
    syntax = _syntax_parameter(parameter)
    if syntax is None:
        return None
    return TrueFalse(
        type="true_false",
        id=qid,
        prompt=(
            f"Images sent with {syntax.claim} always keep every pixel value exactly as it was."
        ),
        answer=syntax.loss == "lossless",
        explanation=(
            f"{syntax.name} is {_LOSS_WORDS[syntax.loss]} (PS3.5 Annex A). Compression of "
            "any kind touches only Pixel Data; a lossy step is recorded for good in Lossy "
            "Image Compression (0028,2110)."
        ),
        topics=("transfer-syntaxes",),
        difficulty=2,
        references=("PS3.5 Annex A", "PS3.3 C.7.6.1.1.5"),
        lesson=LessonAnchor(id=TS_LESSON, section="Compressed syntaxes"),
    )


# (0028,2114) defined terms (PS3.3 C.7.6.1.1.5) and the standard each names.
_METHODS = (
    ("ISO_10918_1", "JPEG (ISO 10918-1)"),
    ("ISO_14495_1", "JPEG-LS (ISO 14495-1)"),
    ("ISO_15444_1", "JPEG 2000 (ISO 15444-1)"),
    ("ISO_15444_15", "High-Throughput JPEG 2000 (ISO 15444-15)"),
    ("ISO_13818_2", "MPEG-2 video (ISO 13818-2)"),
    ("ISO_14496_10", "MPEG-4 AVC/H.264 (ISO 14496-10)"),
)
_IMAGE_KINDS = ("ultrasound clip", "angiography run", "CT image", "mammogram", "endoscopy video")


def _lossy_header(method: str, ratio: int) -> TableExhibit:
    """An uncompressed object's header that says it was lossy compressed once."""
    return TableExhibit(
        kind="table",
        title="Header of the object the archive holds",
        columns=("Tag", "Attribute", "Value"),
        rows=(
            ("(0002,0010)", "Transfer Syntax UID", "1.2.840.10008.1.2.1"),
            ("(0028,2110)", "Lossy Image Compression", "01"),
            ("(0028,2112)", "Lossy Image Compression Ratio", str(ratio)),
            ("(0028,2114)", "Lossy Image Compression Method", method),
        ),
    )


def _lossy_flag(parameter: str, qid: str) -> Question:
    rng = random.Random(qid)
    method, standard = rng.choice(_METHODS)
    ratio = rng.randint(5, 30)
    kind = rng.choice(_IMAGE_KINDS)
    fields = dict(
        topics=("transfer-syntaxes",),
        references=("PS3.3 C.7.6.1.1.5", "PS3.5 Annex A"),
        lesson=LessonAnchor(id=TS_LESSON, section="The lossy compression attributes"),
        exhibit=_lossy_header(method, ratio),
    )
    if rng.random() < 0.5:
        others = [name for term, name in _METHODS if term != method]
        return single_choice(
            qid,
            rng,
            standard,
            rng.sample(others, 3),
            prompt=(
                f"A {kind} arrives uncompressed (Explicit VR Little Endian), with the header "
                "below. Which compression did it go through at some point?"
            ),
            explanation=(
                f"Lossy Image Compression Method (0028,2114) {method} names {standard}, at a "
                f"ratio of about {ratio}:1. The object is uncompressed now, but the pixels "
                "still carry the losses, so (0028,2110) stays 01 (PS3.3 C.7.6.1.1.5)."
            ),
            difficulty=2,
            **fields,
        )
    return single_choice(
        qid,
        rng,
        "01: the pixels were lossy compressed at some point",
        [
            "00: the image is uncompressed now",
            "Empty: the attribute only applies to compressed transfer syntaxes",
            "The attribute must be removed when the image is decompressed",
        ],
        prompt=(
            f"The archive holds this {kind} and forwards it, decompressed, to a viewer. What "
            "must Lossy Image Compression (0028,2110) say in the object the viewer gets?"
        ),
        explanation=(
            "Once (0028,2110) is 01 it is never reset: decompressing does not bring back the "
            f"pixel values that {standard} at {ratio}:1 changed (PS3.3 C.7.6.1.1.5)."
        ),
        difficulty=2,
        **fields,
    )


# --- association negotiation ---------------------------------------------------------------------

_STORAGE = (
    st.CT,
    st.MR,
    st.ENHANCED_MR,
    st.US,
    st.DX,
    st.MG,
    st.XA,
    st.XRAY_DOSE_SR,
    st.GSPS,
    st.KO,
)
_OFFERED = (
    DICOM_ROOT + "1.2.4.90",
    DICOM_ROOT + "1.2.4.70",
    DICOM_ROOT + "1.2.4.50",
    DICOM_ROOT + "1.2.4.80",
    DICOM_ROOT + "1.2.5",
    DICOM_ROOT + "1.2.1",
    DICOM_ROOT + "1.2",
)
ASSOC_LESSON = "associations"


def _class_name(uid: str) -> str:
    return _uid_names()[uid]


def _negotiation(parameter: str, qid: str) -> Question:
    rng = random.Random(qid)
    sop = rng.choice(_STORAGE)
    proposed = rng.sample(_OFFERED, rng.randint(1, 3))
    accepted = rng.sample(_OFFERED, rng.randint(1, 3))
    supported = rng.random() > 0.2
    common = [uid for uid in accepted if uid in proposed]
    name = _class_name(sop)

    def accepted_with(uid: str) -> str:
        return f"Accepted, with {_BY_UID[uid].name}"

    not_supported = "Rejected: abstract syntax not supported (result 3)"
    no_syntax = "Rejected: transfer syntaxes not supported (result 4)"
    if not supported:
        right, why = not_supported, f"the archive does not support {name} at all"
    elif not common:
        right = no_syntax
        why = "the archive supports the SOP class, but none of the proposed transfer syntaxes"
    else:
        right = accepted_with(common[0])
        why = (
            f"the archive picks one syntax from the proposal, by its own order of "
            f"preference: {_BY_UID[common[0]].name}"
        )
    wrong = [text for text in (not_supported, no_syntax) if text != right]
    wrong += [accepted_with(uid) for uid in proposed if accepted_with(uid) != right]
    wrong += ["The whole association is rejected (A-ASSOCIATE-RJ)"]
    accepted_text = (
        "; ".join(_BY_UID[uid].name for uid in accepted) if supported else "(not supported)"
    )
    return single_choice(
        qid,
        rng,
        right,
        wrong[:3],
        prompt=(
            f"A modality proposes one presentation context for {name}. What does the archive's "
            "A-ASSOCIATE-AC answer for it?"
        ),
        exhibit=TableExhibit(
            kind="table",
            title=f"Presentation context for {name}",
            columns=("Side", "Transfer syntaxes, in order of preference"),
            rows=(
                ("Modality proposes", "; ".join(_BY_UID[uid].name for uid in proposed)),
                ("Archive accepts", accepted_text),
            ),
        ),
        explanation=(
            f"Each context is answered on its own (PS3.8 Section 9.3.3): {why}. A rejected "
            "context loses only that SOP class; the association itself stays open for the "
            "others, and only an A-ASSOCIATE-RJ would refuse it as a whole."
        ),
        topics=("associations", "transfer-syntaxes"),
        difficulty=2,
        references=("PS3.8 Section 9.3.3", "PS3.7 Annex D"),
        lesson=LessonAnchor(id=ASSOC_LESSON, section="Opening an association"),
    )


_STATIONS = ("CT", "MR", "US", "DX", "MG", "XA", "NM", "PET")
_DEVICES = (
    "A CT scanner",
    "An MR scanner",
    "An ultrasound machine",
    "A mammography unit",
    "An angiography system",
    "A PET/CT scanner",
)
_ARCHIVES = ("PACS_MAIN", "VNA01", "ARCHIVE", "PACS_STORE", "IMGSRV1")


def _ae_title(rng: random.Random) -> str:
    place = rng.choice(("ROOM", "SCAN", "LAB", "WARD"))
    return f"{rng.choice(_STATIONS)}_{place}{rng.randint(1, 9)}"


def _typo(rng: random.Random, title: str) -> str:
    """The title with one character dropped, doubled or swapped: a typical typing error."""
    index = rng.randrange(1, len(title) - 1)
    kind = rng.choice(("drop", "double", "swap"))
    if kind == "drop":
        return title[:index] + title[index + 1 :]
    if kind == "double":
        return title[:index] + title[index] + title[index:]
    swapped = title[:index] + title[index + 1] + title[index] + title[index + 2 :]
    return swapped if swapped != title else title[:index] + title[index + 1 :]


_REJECTIONS = {
    "called": "Rejected permanent, service user: called AE title not recognized",
    "calling": "Rejected permanent, service user: calling AE title not recognized",
    "limit": "Rejected transient, service provider: local limit exceeded",
    "context": "Accepted, but the presentation context is rejected: abstract syntax not supported",
}


def _rejection(parameter: str, qid: str) -> Question:
    rng = random.Random(qid)
    caller, archive = _ae_title(rng), rng.choice(_ARCHIVES)
    case = rng.choice(tuple(_REJECTIONS))
    if case == "called":
        setting = (
            f"The modality {caller} is set to call {_typo(rng, archive)}; the archive's AE title "
            f"is {archive} and it checks the called AE title."
        )
    elif case == "calling":
        setting = (
            f"The archive {archive} accepts only the peers in its AE table, which lists the "
            f"modality as {_typo(rng, caller)}; the modality calls as {caller}."
        )
    elif case == "limit":
        setting = (
            f"The archive {archive} accepts at most {rng.randint(4, 16)} associations at once and "
            f"all are in use when {caller} calls."
        )
    else:
        setting = (
            f"{caller} and {archive} know each other's AE titles, but {archive} is not "
            f"configured for {_class_name(rng.choice((st.ENHANCED_MR, st.BREAST_TOMO, st.KO)))}, "
            "the only SOP class proposed."
        )
    return single_choice(
        qid,
        rng,
        _REJECTIONS[case],
        [text for key, text in _REJECTIONS.items() if key != case],
        prompt=f"{setting} What does the modality's log most likely show?",
        explanation=(
            "A-ASSOCIATE-RJ gives a result, a source and a reason (PS3.8 Section 9.3.4): a "
            "called AE title the archive does not answer to, or a calling AE title it does "
            "not know, is rejected permanently by the service user; a full association table "
            "is a transient rejection by the service provider, worth retrying later. An "
            "unsupported SOP class does not refuse the association: only its presentation "
            "context is rejected (PS3.8 Section 9.3.3)."
        ),
        topics=("associations",),
        difficulty=2,
        references=("PS3.8 Section 9.3.4", "PS3.8 Section 9.3.3"),
        lesson=LessonAnchor(id=ASSOC_LESSON, section="When the association is refused"),
    )


def _valid_ae(parameter: str, qid: str) -> Question:
    rng = random.Random(qid)
    base = _ae_title(rng)
    case = rng.choice(("ok", "sixteen", "lower", "space", "long", "backslash"))
    title, valid, why = {
        "ok": (base, True, "it is within 16 characters of the default repertoire"),
        "sixteen": ((base + "_ABCDEFGHIJKLMNOP")[:16], True, "16 characters is the maximum"),
        "lower": (base.lower(), True, "lower case is allowed; titles are compared exactly"),
        "space": (base.replace("_", " "), True, "a space inside the title is allowed"),
        "long": (
            (base + "_ARCHIVE_GATEWAY")[:17 + rng.randint(0, 3)],
            False,
            "it is longer than 16 characters",
        ),
        "backslash": (base.replace("_", "\\"), False, "the backslash is not allowed in AE"),
    }[case]
    return TrueFalse(
        type="true_false",
        id=qid,
        prompt=f"`{title}` ({len(title)} characters) is a valid AE title.",
        answer=valid,
        explanation=(
            f"{'Valid' if valid else 'Not valid'}: {why}. An AE title (VR AE, PS3.5 Section 6.2) "
            "has at most 16 characters of the default repertoire, no backslash or control "
            "characters, and its leading and trailing spaces are not significant."
        ),
        topics=("associations",),
        difficulty=2,
        references=("PS3.5 Section 6.2",),
        lesson=LessonAnchor(id=ASSOC_LESSON, section="Application entities and AE titles"),
    )


# --- Query/Retrieve ------------------------------------------------------------------------------

QR_LESSON = "query-retrieve"
_MATCHING = ("Single value", "List of UID", "Universal", "Wild card", "Range")


def _query_value(rng: random.Random) -> tuple[str, str, str]:
    """(attribute, value as written in the query, matching type)."""
    family = rng.choice(("GARCIA", "MUELLER", "NGUYEN", "KOWALSKI", "OKAFOR", "TANAKA"))
    day = rng.randint(1, 28)
    kind = rng.choice(_MATCHING)
    if kind == "Single value":
        return rng.choice(
            (
                ("Patient ID (0010,0020)", str(rng.randint(1000000, 9999999))),
                ("Accession Number (0008,0050)", f"A{rng.randint(1000000, 9999999)}"),
                ("Modality (0008,0060)", rng.choice(("CT", "MR", "US", "SR"))),
                ("Study Date (0008,0020)", f"2025{rng.randint(1, 12):02d}{day:02d}"),
            )
        ) + (kind,)
    if kind == "List of UID":
        uids = "\\".join(f"{st.UID_ROOT}{rng.randint(10, 999)}.{n}" for n in range(1, 3))
        return "Study Instance UID (0020,000D)", uids, kind
    if kind == "Universal":
        attribute = rng.choice(("Patient's Name (0010,0010)", "Study Description (0008,1030)"))
        return attribute, "", kind
    if kind == "Wild card":
        return (
            rng.choice(
                (
                    ("Patient's Name (0010,0010)", f"{family[:rng.randint(2, 4)]}*"),
                    ("Patient's Name (0010,0010)", f"{family[0]}?{family[2:]}*"),
                    ("Study Description (0008,1030)", f"*{rng.choice(('CHEST', 'KNEE'))}*"),
                )
            )
            + (kind,)
        )
    month = rng.randint(1, 12)
    start, end = f"2025{month:02d}{day:02d}", f"2025{month:02d}{min(28, day + 7):02d}"
    value = rng.choice((f"{start}-{end}", f"{start}-", f"-{end}"))
    return "Study Date (0008,0020)", value, kind


def _qr_matching(parameter: str, qid: str) -> Question:
    rng = random.Random(qid)
    attribute, value, kind = _query_value(rng)
    shown = f"`{value}`" if value else "empty (zero length)"
    return single_choice(
        qid,
        rng,
        kind,
        rng.sample([m for m in _MATCHING if m != kind], 3),
        prompt=(
            f"A study-level C-FIND carries {attribute} with the value {shown}. Which kind of "
            "matching does the archive apply to it?"
        ),
        explanation=(
            f"{kind} matching (PS3.4 C.2.2.2). An empty key matches everything and asks for "
            "the value back (universal); * and ? in text are wild cards; a hyphen in a date "
            "or time is a range, open at either end; a backslash separates a list of UIDs; "
            "any other value must match exactly (single value; person names may be matched "
            "ignoring case and accents, as the conformance statement says)."
        ),
        topics=("query-retrieve",),
        difficulty=2,
        references=("PS3.4 C.2.2.2",),
        lesson=LessonAnchor(id=QR_LESSON, section="Matching"),
    )


def _qr_rows(parameter: str, qid: str) -> Question | None:
    rng = random.Random(qid)
    studies = st.generate_studies(int(parameter), rng.randint(5, 6))
    dates = sorted(study.date for study in studies)
    start, end = sorted(rng.sample(dates, 2))
    matches = [s for s in studies if start <= s.date <= end]
    if not 1 <= len(matches) < len(studies):
        return None

    def label(study: st.Study) -> str:
        return f"{study.accession_number} ({study.patient.name})"

    return multiple_select(
        qid,
        rng,
        [label(s) for s in matches],
        [label(s) for s in studies if s not in matches],
        prompt=(
            f"A C-FIND at STUDY level asks for Study Date (0008,0020) `{start}-{end}`. Which of "
            "these studies does the archive return? Select all that apply."
        ),
        explanation=(
            f"A range includes both ends (PS3.4 C.2.2.2.5): every study dated from {start} to "
            f"{end}, inclusive, matches: {', '.join(label(s) for s in matches)}."
        ),
        topics=("query-retrieve",),
        difficulty=2,
        references=("PS3.4 C.2.2.2.5", "PS3.4 C.6.1"),
        lesson=LessonAnchor(id=QR_LESSON, section="Matching"),
        exhibit=TableExhibit(
            kind="table",
            title="The archive's studies",
            columns=("Acc#", "Name", "Description", "Study Date"),
            rows=tuple(
                (s.accession_number, s.patient.name, s.description, s.date) for s in studies
            ),
        ),
    )


# (service, status, meaning): DIMSE statuses an analyst reads in logs (PS3.4 Annex B and C).
STATUSES = (
    ("C-FIND", "0xFF00", "Pending: a match is returned and more may follow"),
    ("C-FIND", "0xFF01", "Pending: a match, but some optional keys are not supported"),
    ("C-FIND", "0xA700", "Refused: out of resources"),
    ("C-FIND", "0xA900", "Failed: the identifier does not match the SOP class"),
    ("C-FIND", "0xFE00", "Cancelled after a C-CANCEL request"),
    ("C-FIND", "0x0000", "Success: all matches have been returned"),
    ("C-MOVE", "0xA801", "Refused: move destination unknown"),
    ("C-MOVE", "0xA701", "Refused: out of resources, unable to calculate the number of matches"),
    ("C-MOVE", "0xA702", "Refused: out of resources, unable to perform sub-operations"),
    ("C-MOVE", "0xB000", "Warning: sub-operations complete, one or more failures"),
    ("C-MOVE", "0xFF00", "Pending: sub-operations are continuing"),
    ("C-STORE", "0xA700", "Refused: out of resources"),
    ("C-STORE", "0xA900", "Error: the data set does not match the SOP class"),
    ("C-STORE", "0xC000", "Error: cannot understand"),
    ("C-STORE", "0xB000", "Warning: coercion of data elements"),
    ("C-STORE", "0xB007", "Warning: the data set does not match the SOP class"),
    ("C-STORE", "0xB006", "Warning: elements discarded"),
)
_STATUS_REFERENCES = {"C-FIND": "PS3.4 C.4.1.1.4", "C-MOVE": "PS3.4 C.4.2.1.5"}


def _status(parameter: str, qid: str) -> Question | None:
    if not parameter.isdigit() or int(parameter) >= len(STATUSES):
        return None
    service, code, meaning = STATUSES[int(parameter)]
    rng = random.Random(qid)
    same = [m for s, c, m in STATUSES if s == service and m != meaning]
    reference = _STATUS_REFERENCES.get(service, "PS3.4 B.2.3")
    return single_choice(
        qid,
        rng,
        meaning,
        rng.sample(same, 3),
        prompt=f"A {service} response in a log carries status {code}. What does it mean?",
        explanation=(
            f"{code} on a {service} response: {meaning} ({reference}). Statuses 0xFFxx are "
            "pending, 0xBxxx warnings, 0xAxxx and 0xCxxx failures, 0x0000 success; the "
            "service decides the exact meaning (PS3.7 Annex C)."
        ),
        topics=("query-retrieve",) if service != "C-STORE" else ("associations",),
        difficulty=3,
        references=(reference, "PS3.7 Annex C"),
        lesson=LessonAnchor(id=QR_LESSON if service != "C-STORE" else ASSOC_LESSON),
    )


# --- worklist and MPPS ---------------------------------------------------------------------------

MWL_LESSON = "worklist-mpps"
_FROM_WORKLIST = (
    "Patient's Name (0010,0010)",
    "Patient ID (0010,0020)",
    "Patient's Birth Date (0010,0030)",
    "Accession Number (0008,0050)",
    "Study Instance UID (0020,000D)",
    "Requested Procedure ID (0040,1001)",
    "Scheduled Procedure Step ID (0040,0009)",
)
_FROM_MODALITY = (
    "SOP Instance UID (0008,0018)",
    "Series Instance UID (0020,000E)",
    "Number of Frames (0028,0008)",
    "Series Number (0020,0011)",
    "Content Date (0008,0023)",
)


def _mwl_supplies(parameter: str, qid: str) -> Question:
    rng = random.Random(qid)
    right = rng.sample(_FROM_WORKLIST, rng.randint(2, 4))
    wrong = rng.sample(_FROM_MODALITY, rng.randint(2, 3))
    return multiple_select(
        qid,
        rng,
        right,
        wrong,
        prompt=(
            "Which of these attributes does a modality normally copy from the Modality "
            "Worklist into the images it acquires? Select all that apply."
        ),
        explanation=(
            "The worklist (PS3.4 Annex K) supplies the order's data: patient demographics, "
            "Accession Number, Requested Procedure and Scheduled Procedure Step IDs, and often "
            "the Study Instance UID. The modality itself creates what only exists once it "
            "acquires: SOP Instance and Series Instance UIDs, series numbers, frames, content "
            f"dates. Here: {'; '.join(right)} come from the worklist."
        ),
        topics=("worklist-mpps",),
        difficulty=2,
        references=("PS3.4 Annex K", "PS3.4 K.6"),
        lesson=LessonAnchor(id=MWL_LESSON, section="What the worklist supplies"),
    )


_MPPS_EVENTS = {
    "start": ("The technologist starts the examination.", "N-CREATE with status IN PROGRESS"),
    "finish": ("The technologist ends the examination as planned.", "N-SET with status COMPLETED"),
    "abandon": (
        "The patient feels unwell and the examination is abandoned after two series.",
        "N-SET with status DISCONTINUED",
    ),
    "after-final": (
        "The MPPS was sent as COMPLETED; the technologist then notices a series is missing "
        "from it.",
        "Nothing can change that MPPS: COMPLETED is final",
    ),
}


def _mpps(parameter: str, qid: str) -> Question:
    rng = random.Random(qid)
    event = rng.choice(tuple(_MPPS_EVENTS))
    text, right = _MPPS_EVENTS[event]
    wrong = [answer for key, (_, answer) in _MPPS_EVENTS.items() if key != event]
    wrong.append("N-ACTION with status COMPLETED")
    device = rng.choice(_DEVICES)
    accession = f"A{rng.randint(1000000, 9999999)}"
    return single_choice(
        qid,
        rng,
        right,
        rng.sample(wrong, 3),
        prompt=(
            f"{device} reports MPPS for accession {accession}. {text} What does it send?"
        ),
        explanation=(
            "MPPS (PS3.4 Annex F): N-CREATE creates the performed procedure step, IN "
            "PROGRESS; N-SET updates it and ends it as COMPLETED or DISCONTINUED. Both end "
            "states are final: the SCP refuses later changes, so a correction needs a new "
            "performed procedure step (PS3.4 F.7.2)."
        ),
        topics=("worklist-mpps",),
        difficulty=2,
        references=("PS3.4 Annex F", "PS3.7 Section 10"),
        lesson=LessonAnchor(id=MWL_LESSON, section="MPPS: reporting what was done"),
    )


# --- storage commitment --------------------------------------------------------------------------


def _commitment(parameter: str, qid: str) -> Question:
    rng = random.Random(qid)
    total = rng.randint(40, 900)
    failed = rng.randint(1, 6)
    device = rng.choice(_DEVICES)
    return Numeric(
        type="numeric",
        id=qid,
        prompt=(
            f"{device} asks for storage commitment of the {total} instances of an exam."
            f" The archive's N-EVENT-REPORT has Event Type ID 2 and lists {failed} "
            "instances in the Failed SOP Sequence (0008,1198), reason 0112H (no such object "
            "instance). How many instances may the modality delete from its disk?"
        ),
        answer=total - failed,
        tolerance=0,
        unit="instances",
        explanation=(
            f"{total} - {failed} = {total - failed}: only instances the archive lists as "
            "committed may go, and only when the modality's own policy says so. The failed "
            "ones never reached this archive: the modality keeps them, sends them again with "
            "C-STORE, and asks for commitment again with a new Transaction UID (PS3.4 "
            "J.3.3.1)."
        ),
        topics=("storage-commitment",),
        difficulty=2,
        references=("PS3.4 J.3.3", "PS3.7 Section 10.1.1"),
        lesson=LessonAnchor(id="storage-commitment", section="When may the modality delete?"),
    )


# --- character sets ------------------------------------------------------------------------------

CHARSET_LESSON = "character-sets"
CHARSETS = (
    ("ISO_IR 100", "Latin-1: Western European letters such as ü, é, ø"),
    ("ISO_IR 101", "Latin-2: Central European letters such as ł, ř, ő"),
    ("ISO_IR 144", "Cyrillic"),
    ("ISO_IR 126", "Greek"),
    ("ISO_IR 127", "Arabic"),
    ("ISO_IR 138", "Hebrew"),
    ("ISO_IR 148", "Latin-5: Turkish letters such as ı, ş, ğ"),
    ("ISO_IR 166", "Thai"),
    ("ISO_IR 13", "Japanese katakana"),
    ("ISO_IR 192", "Unicode in UTF-8: every script"),
    ("GB18030", "Chinese"),
)
# Names a hospital meets, as the RIS holds them (PN: family^given).
NAMES = (
    "Müller^Jürgen",
    "García^José",
    "Søndergaard^Søren",
    "Dvořák^Antonín",
    "Kowalczyk^Łucja",
    "Yılmaz^Ayşe",
    "Παπαδόπουλος^Νίκος",
    "Иванова^Анна",
    "Nguyễn^Thị",
    "Lefèvre^Chloé",
)
_CODEC_TERMS = ("ISO_IR 100", "ISO_IR 101", "ISO_IR 144", "ISO_IR 126", "ISO_IR 148", "ISO_IR 192")


@functools.cache
def _codec(term: str) -> str:
    from pydicom.charset import python_encoding

    return python_encoding[term]


def _encodes(term: str, text: str) -> bool:
    try:
        text.encode(_codec(term))
    except UnicodeEncodeError:
        return False
    return True


def _charset_term(parameter: str, qid: str) -> Question | None:
    if not parameter.isdigit() or int(parameter) >= len(CHARSETS):
        return None
    term, script = CHARSETS[int(parameter)]
    rng = random.Random(qid)
    return single_choice(
        qid,
        rng,
        script,
        rng.sample([s for t, s in CHARSETS if t != term], 3),
        prompt=f"Specific Character Set (0008,0005) is `{term}`. Which text can the object hold?",
        explanation=(
            f"{term} is {script} (PS3.3 C.12.1.1.2). Without (0008,0005) only the default "
            "repertoire, basic ASCII, is allowed (PS3.5 Section 6.1)."
        ),
        topics=("character-sets",),
        difficulty=2 if term in ("ISO_IR 100", "ISO_IR 192") else 3,
        references=("PS3.3 C.12.1.1.2", "PS3.5 Section 6.1"),
        lesson=LessonAnchor(id=CHARSET_LESSON, section="The default and the defined terms"),
    )


def _charset_fits(parameter: str, qid: str) -> Question | None:
    rng = random.Random(qid)
    name = rng.choice(NAMES)
    right = [term for term in _CODEC_TERMS if _encodes(term, name)]
    wrong = [term for term in _CODEC_TERMS if term not in right]
    if not wrong:
        return None
    return multiple_select(
        qid,
        rng,
        right,
        wrong,
        prompt=(
            f"The RIS holds the patient's name as `{name}`. With which Specific Character Set "
            "(0008,0005) values can a worklist send it unchanged? Select all that apply."
        ),
        explanation=(
            f"{', '.join(right)} can encode every letter of {name}; "
            f"{', '.join(wrong)} cannot, so a system using them replaces or drops letters "
            "(PS3.3 C.12.1.1.2). ISO_IR 192, UTF-8, encodes every script."
        ),
        topics=("character-sets",),
        difficulty=3,
        references=("PS3.3 C.12.1.1.2", "PS3.5 Section 6.1"),
        lesson=LessonAnchor(id=CHARSET_LESSON, section="What garbled names look like"),
    )


_GARBLING = {
    "utf8-as-latin1": "UTF-8 bytes were read as Latin-1 (ISO_IR 100), or as unlabelled text",
    "latin1-as-utf8": "Latin-1 bytes were read as UTF-8: they were labelled ISO_IR 192",
    "replaced": "A system could not encode the letters in its character set and replaced them",
    "fonts": "The viewer lacks a font for these letters",
}


def _garbled(name: str, case: str) -> str:
    if case == "utf8-as-latin1":
        return name.encode("utf-8").decode("latin-1")
    if case == "latin1-as-utf8":
        return name.encode("latin-1").decode("utf-8", errors="replace")
    return name.encode("ascii", errors="replace").decode("ascii")


def _garbled_name(parameter: str, qid: str) -> Question | None:
    rng = random.Random(qid)
    latin1 = [name for name in NAMES if _encodes("ISO_IR 100", name) and not name.isascii()]
    name = rng.choice(latin1)
    case = rng.choice(("utf8-as-latin1", "latin1-as-utf8", "replaced"))
    shown = _garbled(name, case)
    if not shown.isprintable():
        return None  # a C1 control or soft hyphen would be invisible: not a fair exhibit
    return single_choice(
        qid,
        rng,
        _GARBLING[case],
        [text for key, text in _GARBLING.items() if key != case],
        prompt=(
            f"The RIS has the patient as `{name}`; the PACS study list shows `{shown}`. What "
            "most likely happened on the way?"
        ),
        explanation=(
            "The look of the damage names the cause (PS3.5 Section 6.1): two characters for "
            "one accented letter (Ã¼ for ü) is UTF-8 read as a single-byte set; a replacement "
            "mark (�) is a single-byte letter read as UTF-8; a question mark is a letter that "
            "could not be encoded and was replaced. A missing font shows boxes, not other "
            "letters. Check (0008,0005) and the raw bytes of (0010,0010) in the header."
        ),
        topics=("character-sets",),
        difficulty=2,
        references=("PS3.5 Section 6.1", "PS3.3 C.12.1.1.2"),
        lesson=LessonAnchor(id=CHARSET_LESSON, section="What garbled names look like"),
    )


# --- the family ----------------------------------------------------------------------------------


def _seed(rng: random.Random) -> str:
    return str(rng.randrange(1, 10**9))


def _row(table: Sequence[object]) -> Callable[[random.Random], str]:
    return lambda rng: str(rng.randrange(len(table)))


def _a_syntax(rng: random.Random) -> str:
    return _syntax_id(rng.choice(SYNTAXES))


def _gen(
    name: str,
    topics: tuple[str, ...],
    draw: Callable[[random.Random], str],
    build: Callable[[str, str], Question | None],
    count: int,
) -> Generator:
    return Generator(name, BANK, frozenset(topics), draw, build, count)


_TS = ("transfer-syntaxes",)
GENERATORS: tuple[Generator, ...] = (
    _gen("ts-uid", ("transfer-syntaxes", "uids"), _a_syntax, _ts_identity(by_uid=True), 6),
    _gen("ts-name", _TS, _a_syntax, _ts_identity(by_uid=False), 6),
    _gen("ts-lossless", _TS, _a_syntax, _ts_lossless, 6),
    _gen("lossy-flag", _TS, _seed, _lossy_flag, 5),
    _gen("negotiation", ("associations", "transfer-syntaxes"), _seed, _negotiation, 6),
    _gen("rejection", ("associations",), _seed, _rejection, 6),
    _gen("ae-title", ("associations",), _seed, _valid_ae, 4),
    _gen("qr-matching", ("query-retrieve",), _seed, _qr_matching, 6),
    _gen("qr-rows", ("query-retrieve",), _seed, _qr_rows, 4),
    _gen("status", ("query-retrieve", "associations"), _row(STATUSES), _status, 6),
    _gen("mwl-supplies", ("worklist-mpps",), _seed, _mwl_supplies, 4),
    _gen("mpps", ("worklist-mpps",), _seed, _mpps, 4),
    _gen("commitment", ("storage-commitment",), _seed, _commitment, 4),
    _gen("charset-term", ("character-sets",), _row(CHARSETS), _charset_term, 5),
    _gen("charset-fits", ("character-sets",), _seed, _charset_fits, 4),
    _gen("garbled-name", ("character-sets",), _seed, _garbled_name, 4),
)
FAMILY = Family(
    "network", "Networking, encoding and workflow (generated)", BANK, GENERATORS, order=3
)
