"""The SOP class registry agrees with pydicom and carries the curated facts lessons rely on."""

from __future__ import annotations

import json

import pytest
from pydicom._uid_dict import UID_dictionary
from pydicom.sr.codedict import codes

from trainer.core.registry import (
    CATEGORIES,
    EXTRA_MODALITIES,
    UNKNOWN_SERVICE,
    VARIES,
    is_storage_name,
    load_registry,
    read_overlay,
    uid_key,
)

PYDICOM_SOP_CLASSES = {
    uid: entry for uid, entry in UID_dictionary.items() if entry[1] == "SOP Class"
}
CID33 = {getattr(codes.cid33, keyword).value for keyword in codes.cid33.dir()}
ROOT = "1.2.840.10008.5.1.4.1.1"

# DICOM-FACTS.md, objectives 4 and 5: SOP class UID -> Modality (0008,0060).
FACTS_MODALITIES = {
    f"{ROOT}.1": "CR",  # CR Image Storage
    f"{ROOT}.1.1": "DX",  # DX For Presentation
    f"{ROOT}.1.2": "MG",  # MG For Presentation
    f"{ROOT}.2": "CT",  # CT Image Storage
    f"{ROOT}.2.1": "CT",  # Enhanced CT
    f"{ROOT}.3.1": "US",  # US Multi-frame
    f"{ROOT}.4": "MR",  # MR Image Storage
    f"{ROOT}.4.1": "MR",  # Enhanced MR
    f"{ROOT}.12.1": "XA",  # XA
    f"{ROOT}.20": "NM",  # NM
    f"{ROOT}.128": "PT",  # PET
    f"{ROOT}.130": "PT",  # Enhanced PET
    f"{ROOT}.11.1": "PR",  # GSPS
    f"{ROOT}.11.2": "PR",  # Color Softcopy PS
    f"{ROOT}.88.11": "SR",  # Basic Text SR
    f"{ROOT}.88.22": "SR",  # Enhanced SR
    f"{ROOT}.88.33": "SR",  # Comprehensive SR
    f"{ROOT}.88.50": "SR",  # Mammography CAD SR
    f"{ROOT}.88.67": "SR",  # X-Ray Radiation Dose SR (RDSR)
    f"{ROOT}.88.68": "SR",  # Radiopharmaceutical Radiation Dose SR
    f"{ROOT}.88.76": "SR",  # Enhanced X-Ray Radiation Dose SR
    f"{ROOT}.88.59": "KO",  # Key Object Selection Document
}

# Second-generation RT classes whose Modality the overlay has not verified against PS3.3.
UNVERIFIED_MODALITY = {f"{ROOT}.481.21", f"{ROOT}.481.22", f"{ROOT}.481.25"}


@pytest.fixture(scope="module")
def registry():
    return load_registry()


def by_keyword(registry, keyword: str):
    """The class with this pydicom keyword (tests name classes the way pydicom does)."""
    return next((sop for sop in registry if sop.keyword == keyword), None)


@pytest.fixture(scope="module")
def overlay():
    return read_overlay()


def _active_storage(registry):
    return [sop for sop in registry if sop.is_storage and not sop.retired]


def _names(classes) -> str:
    return ", ".join(f"{sop.name} ({sop.uid})" for sop in classes)


def test_lists_exactly_pydicoms_sop_classes(registry):
    assert len(registry) == len(PYDICOM_SOP_CLASSES) == 304
    assert {sop.uid for sop in registry} == set(PYDICOM_SOP_CLASSES)


def test_name_keyword_and_retired_flag_are_pydicoms(registry):
    for sop in registry:
        name, _type, _info, retired, keyword = PYDICOM_SOP_CLASSES[sop.uid]
        assert (sop.name, sop.keyword, sop.retired) == (name, keyword, retired == "Retired")


def test_reads_like_ps36_ordered_by_uid_components(registry):
    uids = [sop.uid for sop in registry]
    assert uids == sorted(uids, key=uid_key)
    # Numeric, not text: .1.1 sorts before .1.10, .2 before .11
    assert uids.index(f"{ROOT}.2") < uids.index(f"{ROOT}.11.1")


def test_the_storage_name_rule_matches_the_facts_count(registry):
    assert len(_active_storage(registry)) == 184
    assert not is_storage_name("Storage Commitment Push Model SOP Class")
    assert not is_storage_name("Media Storage Directory Storage")


def test_every_active_storage_class_has_an_overlay_row(registry, overlay):
    missing = [sop for sop in _active_storage(registry) if sop.uid not in overlay]
    assert not missing, f"add overlay rows to sop_classes.csv for: {_names(missing)}"


def test_every_overlay_row_is_an_active_storage_class_with_pydicoms_name(registry, overlay):
    for uid, row in overlay.items():
        sop = registry.by_uid(uid)
        assert sop is not None, f"overlay UID {uid} is not in pydicom's UID dictionary"
        assert sop.is_storage and not sop.retired, f"overlay row for {sop.name} ({uid})"
        assert row.name == sop.name, f"overlay name for {uid} differs from pydicom's"


def test_curated_modalities_are_cid33_values_or_varies(registry):
    allowed = CID33 | EXTRA_MODALITIES | {VARIES}
    wrong = [sop for sop in registry if sop.modality is not None and sop.modality not in allowed]
    assert not wrong, f"not in CID 33: {[(sop.name, sop.modality) for sop in wrong]}"


def test_extra_modalities_are_only_what_cid33_lacks_and_are_used(registry):
    assert not EXTRA_MODALITIES & CID33, "pydicom's CID 33 now has these; drop them from EXTRA"
    assert EXTRA_MODALITIES <= {sop.modality for sop in registry}


def test_modality_is_missing_only_where_the_standard_gives_none(registry):
    """No Modality: non-patient objects, classes defined outside PS3.3 (PS3.6 info column)."""
    unexplained = [
        sop
        for sop in _active_storage(registry)
        if sop.modality is None
        and sop.service_class == "Storage"
        and not PYDICOM_SOP_CLASSES[sop.uid][2]
        and sop.uid not in UNVERIFIED_MODALITY
    ]
    assert not unexplained, f"curate a modality for: {_names(unexplained)}"


@pytest.mark.parametrize(("uid", "modality"), sorted(FACTS_MODALITIES.items()))
def test_classes_in_the_facts_file_carry_its_modality(registry, uid, modality):
    assert registry.by_uid(uid).modality == modality


def test_open_modalities_say_varies_rather_than_guess(registry):
    for keyword in ("SecondaryCaptureImageStorage", "EncapsulatedPDFStorage", "RawDataStorage"):
        assert by_keyword(registry, keyword).modality == VARIES


def test_pr_sr_ko_objects_carry_no_pixel_data(registry):
    objects = [sop for sop in registry if sop.modality in {"PR", "SR", "KO"}]
    assert len(objects) > 30
    for sop in objects:
        assert sop.has_pixel_data is False, sop.name
        assert sop.multi_frame is False, sop.name


def test_categories_come_from_the_fixed_vocabulary(registry):
    for sop in _active_storage(registry):
        assert sop.category in CATEGORIES, sop.name
    assert set(registry.categories()) <= set(CATEGORIES)


def test_image_categories_agree_with_pixel_data_and_frames(registry):
    """A "multi-frame image" is always multi-frame; an "image" may be (XA: single or cine)."""
    for sop in registry:
        if sop.category in {"image", "multi-frame image"}:
            assert sop.pixel_data == "yes", sop.name
            expected = {"multi-frame image": {"yes"}, "image": {"no", "conditional"}}
            assert sop.frames in expected[sop.category], sop.name


def test_pixel_data_and_frames_are_curated_except_outside_ps33(registry):
    uncurated = [
        sop
        for sop in _active_storage(registry)
        if (sop.has_pixel_data is None or sop.multi_frame is None)
        and not PYDICOM_SOP_CLASSES[sop.uid][2]
    ]
    assert not uncurated, f"curate has_pixel_data/multi_frame for: {_names(uncurated)}"


@pytest.mark.parametrize(
    ("keyword", "pixel", "frames"),
    [
        ("CTImageStorage", True, False),
        ("EnhancedMRImageStorage", True, True),
        ("NuclearMedicineImageStorage", True, True),
        ("XRayAngiographicImageStorage", True, True),
        ("ParametricMapStorage", True, True),  # Float Pixel Data counts as pixel data
        ("SegmentationStorage", True, True),
        ("EncapsulatedPDFStorage", False, False),
        ("TwelveLeadECGWaveformStorage", False, False),
        ("RawDataStorage", False, False),
    ],
)
def test_pixel_data_and_multi_frame_examples(registry, keyword, pixel, frames):
    sop = by_keyword(registry, keyword)
    assert (sop.has_pixel_data, sop.multi_frame) == (pixel, frames)


@pytest.mark.parametrize(
    ("keyword", "service"),
    [
        ("Verification", "Verification"),
        ("StudyRootQueryRetrieveInformationModelFind", "Query/Retrieve"),
        ("PatientRootQueryRetrieveInformationModelMove", "Query/Retrieve"),
        ("StudyRootQueryRetrieveInformationModelGet", "Query/Retrieve"),
        ("ModalityWorklistInformationModelFind", "Basic Worklist Management"),
        ("ModalityPerformedProcedureStep", "Modality Performed Procedure Step"),
        ("StorageCommitmentPushModel", "Storage Commitment"),
        ("MediaStorageDirectoryStorage", "Media Storage"),
        ("UnifiedProcedureStepPush", "Unified Procedure Step"),
        ("InstanceAvailabilityNotification", "Instance Availability Notification"),
        ("BasicFilmSession", "Print Management"),
        ("HangingProtocolInformationModelFind", "Hanging Protocol Query/Retrieve"),
        ("CTImageStorage", "Storage"),
        ("HangingProtocolStorage", "Non-Patient Object Storage"),
        ("ColorPaletteStorage", "Non-Patient Object Storage"),
        ("StandaloneOverlayStorage", "Storage"),  # retired, no overlay row
    ],
)
def test_service_classes(registry, keyword, service):
    assert by_keyword(registry, keyword).service_class == service


def test_every_named_sop_class_gets_a_service_class_from_the_rules(registry):
    unmatched = [sop for sop in registry if sop.name and sop.service_class == UNKNOWN_SERVICE]
    assert not unmatched, f"add a service class rule for: {_names(unmatched)}"


def test_storage_classes_use_a_storage_service_class(registry):
    for sop in registry:
        if sop.is_storage:
            assert sop.service_class in {"Storage", "Non-Patient Object Storage"}, sop.name


def test_non_storage_and_retired_storage_classes_have_no_curated_fields(registry):
    for sop in registry:
        if not sop.is_storage or sop.retired:
            curated = (sop.modality, sop.category, sop.has_pixel_data, sop.multi_frame)
            assert curated == (None, None, None, None), sop.name


def test_media_storage_directory_is_not_a_storage_class(registry):
    assert not by_keyword(registry, "MediaStorageDirectoryStorage").is_storage
    assert by_keyword(registry, "UltrasoundImageStorageRetired").is_storage


def test_lookup_by_uid_and_keyword(registry):
    ct = registry.by_uid("1.2.840.10008.5.1.4.1.1.2")
    assert ct.name == "CT Image Storage"
    assert registry.by_keyword(" CTImageStorage ") is ct
    assert registry.by_keyword("NoSuchClass") is None
    assert registry.by_uid(" 1.2.840.10008.1.1 ").name == "Verification SOP Class"
    assert registry.by_uid("1.2.3") is None


def test_search_matches_name_keyword_or_uid_ignoring_case(registry):
    assert by_keyword(registry, "CTImageStorage") in registry.search("ct image storage")
    assert [sop.name for sop in registry.search("keyobjectselection")] == [
        "Key Object Selection Document Storage"
    ]
    assert [sop.uid for sop in registry.search("5.1.4.1.1.88.59")] == [f"{ROOT}.88.59"]
    assert registry.search("no such thing") == []


def test_filter_by_modality_is_case_insensitive(registry):
    ko = registry.filter(modality="ko")
    assert [sop.uid for sop in ko] == [f"{ROOT}.88.59"]
    assert registry.filter(modality="CT") == registry.filter(modality="ct")


def test_filter_by_category(registry):
    waveforms = registry.filter(category="waveform")
    assert by_keyword(registry, "TwelveLeadECGWaveformStorage") in waveforms
    assert all(sop.category == "waveform" for sop in waveforms)
    with pytest.raises(ValueError, match="unknown category 'pictures'"):
        registry.filter(category="pictures")


def test_filter_hides_retired_unless_asked(registry):
    assert all(not sop.retired for sop in registry.filter("Ultrasound"))
    with_retired = registry.filter("Ultrasound", include_retired=True)
    assert any(sop.retired for sop in with_retired)


def test_filter_storage_only(registry):
    storage = registry.filter(storage=True)
    assert len(storage) == 184
    assert by_keyword(registry, "Verification") not in storage


def test_filter_combines_query_and_criteria(registry):
    result = registry.filter("enhanced", modality="PT", category="multi-frame image")
    assert [sop.name for sop in result] == [
        "Legacy Converted Enhanced PET Image Storage",  # .128.1 sorts before .130
        "Enhanced PET Image Storage",
    ]


def test_modalities_are_sorted_values_without_varies(registry):
    modalities = registry.modalities()
    assert modalities == sorted(modalities)
    assert {"CT", "MR", "PR", "SR", "KO", "SEG", "RTPLAN"} <= set(modalities)
    assert VARIES not in modalities


def test_to_dict_is_json_ready_with_the_documented_keys(registry):
    data = by_keyword(registry, "KeyObjectSelectionDocumentStorage").to_dict()
    assert list(data) == [
        "uid", "name", "keyword", "retired", "modality", "modality_rule", "other_modalities",
        "category", "pixel_data", "frames", "common", "service_class",
        "has_pixel_data", "multi_frame", "is_storage",
    ]
    assert json.loads(json.dumps(data)) == data
    assert data["is_storage"] is True


def test_load_registry_is_built_once():
    assert load_registry() is load_registry()


OVERLAY_HEADER = (
    "uid,name,modality,modality_rule,also,category,has_pixel_data,multi_frame,common,"
    "service_class,note\n"
)


def test_a_bad_value_in_the_overlay_names_the_line_and_column(tmp_path):
    path = tmp_path / "overlay.csv"
    path.write_text(
        "# comment\n"
        + OVERLAY_HEADER
        + "1.2.3,X,CT,convention,,image,yes,conditional,yes,Storage,\n"
        "1.2.4,Y,CT,fixed,,image,maybe,no,no,Storage,\n",
        encoding="utf-8",
    )
    message = r"overlay\.csv:4: has_pixel_data: expected yes, no, conditional or empty, got 'maybe'"
    with pytest.raises(ValueError, match=message):
        read_overlay(path)


def test_overlay_values_are_read_with_their_rules(tmp_path):
    path = tmp_path / "overlay.csv"
    path.write_text(
        OVERLAY_HEADER + "1.2.3,X,US,fixed,IVUS,multi-frame image,conditional,yes,yes,Storage,\n",
        encoding="utf-8",
    )
    row = read_overlay(path)["1.2.3"]
    assert (row.modality, row.modality_rule, row.other_modalities) == ("US", "fixed", ("IVUS",))
    assert (row.pixel_data, row.frames, row.common) == ("conditional", "yes", True)


def test_a_short_overlay_row_names_the_line(tmp_path):
    path = tmp_path / "overlay.csv"
    path.write_text(OVERLAY_HEADER + "1.2.3,X,CT,image,yes\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"overlay\.csv:2: expected 11 columns, got 5"):
        read_overlay(path)
