"""The SOP overlay agrees with dicom3tools' IOD definitions wherever dicom3tools knows the IOD.

For each active Storage class, dciodvfy checks small data sets of that class: one carrying the
overlay's Modality with Pixel Data and Number of Frames, one with neither, one with a foreign
Modality (OT), and one for each further value the overlay allows. What dciodvfy says about
those attributes must match the overlay's modality, modality_rule, has_pixel_data and
multi_frame. Where dicom3tools 2022 does not check a rule of PS3.3, the exception below names
the section; a new disagreement fails. Skips without dciodvfy, fails under CI.
"""

from __future__ import annotations

import subprocess
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path

import pytest
from pydicom import dcmwrite
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian
from testkit import external_tool

from trainer.core.registry import VARIES, SopClass, load_registry

ROOT = "1.2.840.10008.5.1.4.1.1."
FOREIGN = "OT"

# PS3.3 fixes these values by an IOD content constraint, which dciodvfy 2022 does not check.
FIXED_BY_IOD_CONSTRAINT = {
    ROOT + "9.1.1": "A.34.3.4",
    ROOT + "9.1.2": "A.34.4.4",
    ROOT + "9.1.3": "A.34.5.4",
    ROOT + "9.2.1": "A.34.6.4",
    ROOT + "9.3.1": "A.34.7.4",
    ROOT + "9.4.1": "A.34.2.4",
    ROOT + "13.1.1": "A.53.3.1",
}
# dciodvfy 2022 checks the XA/XRF Series Module's value XA, but PS3.3 A.48.3.1 requires RF.
OWN_VALUE_REFUSED = {ROOT + "12.2.1": "A.48.3.1"}
# Pixel Data (7FE0,0010) is 1C here because Float and Double Float Pixel Data may replace it
# (PS3.3 C.7.6.3, A.75.3); one of the three is always present, so the overlay says yes.
PIXEL_DATA_ALTERNATIVES = {ROOT + "30"}
# dciodvfy 2022 dies of a floating-point exception on a whole-slide image without pixel data,
# so whether its Pixel Data and frames are required cannot be asked that way.
CRASHES_WITHOUT_PIXELS = {ROOT + "77.1.6"}


def dataset(sop: SopClass, modality: str | None, pixels: bool, frames: bool) -> Dataset:
    ds = Dataset()
    ds.SOPClassUID = sop.uid
    ds.SOPInstanceUID = "1.2.826.0.1.3680043.8.498.1.1"
    ds.StudyInstanceUID = "1.2.826.0.1.3680043.8.498.1"
    ds.SeriesInstanceUID = "1.2.826.0.1.3680043.8.498.1.2"
    if modality is not None:
        ds.Modality = modality
    if pixels:
        ds.Rows = ds.Columns = 2
        ds.BitsAllocated = ds.BitsStored = 8
        ds.HighBit = 7
        ds.SamplesPerPixel = 1
        ds.PhotometricInterpretation = "MONOCHROME2"
        ds.PixelRepresentation = 0
        ds.PixelData = b"\0" * (8 if frames else 4)
    if frames:
        ds.NumberOfFrames = 2
        ds.FrameIncrementPointer = 0x00181063  # Frame Time
        ds.FrameTime = 33.3
    ds.file_meta = FileMetaDataset()
    ds.file_meta.MediaStorageSOPClassUID = sop.uid
    ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    return ds


KEYS = ("Modality", "PixelData", "Pixel Data", "NumberOfFrames", "Number of Frames", "Not found")


def findings(folder: Path, name: str, ds: Dataset) -> list[str] | None:
    """dciodvfy's lines about Modality, Pixel Data, Number of Frames and the IOD itself;
    None when dciodvfy crashed."""
    path = folder / f"{name}.dcm"
    dcmwrite(path, ds, enforce_file_format=True)
    tool = external_tool("dciodvfy", "dicom3tools")
    result = subprocess.run([tool, str(path)], capture_output=True, text=True, check=False)
    if result.returncode < 0 or result.returncode > 128:
        return None
    lines = (result.stdout + result.stderr).splitlines()
    return [line for line in lines if any(key in line for key in KEYS)]


def modality_refused(lines: list[str]) -> bool:
    return any(line.startswith("Error") and "<Modality>" in line for line in lines)


def not_in_iod(lines: list[str], name: str) -> bool:
    return any("not present in standard DICOM IOD" in line and name in line for line in lines)


def missing(lines: list[str], keyword: str) -> bool:
    return any("Missing attribute" in line and f"<{keyword}>" in line for line in lines)


@cache
def verdicts(folder: Path) -> dict[str, dict[str, object]]:
    """What dciodvfy says of each active Storage class it knows."""
    classes = [sop for sop in load_registry() if sop.is_storage and not sop.retired]

    def judge(sop: SopClass) -> tuple[str, dict[str, object] | None]:
        own = sop.modality if sop.modality not in (None, VARIES) else None
        pixels, frames = sop.pixel_data != "no", sop.frames != "no"

        def check(suffix: str, modality: str | None, with_pixels: bool, with_frames: bool):
            ds = dataset(sop, modality, with_pixels, with_frames)
            return findings(folder, f"{sop.uid.replace('.', '_')}_{suffix}", ds)

        full = check("full", own or FOREIGN, True, True)
        foreign = check("ot", FOREIGN, pixels, frames)
        assert full is not None and foreign is not None, f"dciodvfy crashed on {sop.uid}"
        if any("Information Object Not found" in line for line in full):
            return sop.uid, None
        bare = check("bare", own or FOREIGN, False, False)
        also = [
            value
            for value in sop.other_modalities
            if modality_refused(check(value, value, pixels, frames) or [])
        ]

        def presence(name: str, keyword: str) -> str | None:
            if not_in_iod(full, name):
                return "no"
            if bare is None:
                return None
            return "yes" if missing(bare, keyword) else "conditional"

        return sop.uid, {
            "own refused": own is not None and modality_refused(full),
            "foreign refused": modality_refused(foreign),
            "also refused": also,
            "pixel_data": presence("Pixel Data", "PixelData"),
            "frames": presence("Number of Frames", "NumberOfFrames"),
        }

    with ThreadPoolExecutor(max_workers=2) as pool:
        return {uid: verdict for uid, verdict in pool.map(judge, classes) if verdict}


@pytest.fixture(scope="module")
def known(tmp_path_factory) -> dict[str, dict[str, object]]:
    return verdicts(tmp_path_factory.mktemp("overlay-iods"))


def registry_class(uid: str) -> SopClass:
    sop = load_registry().by_uid(uid)
    assert sop is not None
    return sop


@pytest.mark.slow
def test_dicom3tools_knows_most_of_the_overlay(known):
    assert len(known) >= 100


@pytest.mark.slow
def test_the_overlay_modality_is_one_the_iod_accepts(known):
    wrong = [
        f"{uid} {registry_class(uid).name}: dciodvfy refuses its Modality"
        for uid, verdict in known.items()
        if verdict["own refused"] and uid not in OWN_VALUE_REFUSED
    ]
    wrong += [
        f"{uid}: dciodvfy refuses the further value(s) {verdict['also refused']}"
        for uid, verdict in known.items()
        if verdict["also refused"]
    ]
    assert wrong == []
    for uid in OWN_VALUE_REFUSED:  # the exception is still needed, or it goes
        assert known[uid]["own refused"], f"dciodvfy now accepts {uid}: drop the exception"


@pytest.mark.slow
def test_fixed_modalities_are_the_ones_the_iod_enumerates(known):
    wrong = []
    for uid, verdict in known.items():
        sop = registry_class(uid)
        if sop.modality in (None, VARIES):
            continue
        enumerated = verdict["foreign refused"] or uid in FIXED_BY_IOD_CONSTRAINT
        if enumerated != (sop.modality_rule == "fixed") and sop.modality_rule is not None:
            wrong.append(f"{uid} {sop.name}: overlay says {sop.modality_rule}")
        if enumerated and sop.modality_rule is None:
            wrong.append(f"{uid} {sop.name}: the IOD fixes Modality; say so in modality_rule")
    assert wrong == []
    for uid in FIXED_BY_IOD_CONSTRAINT:
        assert not known[uid]["foreign refused"], f"dciodvfy now checks {uid}: drop the exception"


@pytest.mark.slow
@pytest.mark.parametrize("field", ["pixel_data", "frames"])
def test_pixel_data_and_frames_follow_the_iod_modules(known, field):
    wrong = []
    for uid, verdict in known.items():
        sop = registry_class(uid)
        curated = getattr(sop, field)
        if field == "pixel_data" and uid in PIXEL_DATA_ALTERNATIVES:
            assert (curated, verdict[field]) == ("yes", "conditional"), uid
            continue
        if verdict[field] is None:
            assert uid in CRASHES_WITHOUT_PIXELS, f"dciodvfy crashed on {uid}"
            continue
        if curated != verdict[field]:
            wrong.append(f"{uid} {sop.name}: overlay {curated}, the IOD {verdict[field]}")
    assert wrong == []
