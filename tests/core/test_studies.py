"""Synthetic studies look like real ones, count the way PACS and VNAs do, and never vary by run."""

from __future__ import annotations

import json
import random
import re
from datetime import date

import pytest
from pydicom._uid_dict import UID_dictionary
from pydicom.uid import UID

from trainer.core import studies as st
from trainer.core.studies import (
    PROCEDURES,
    CountPolicy,
    Study,
    generate_studies,
    make_study,
)

BY_KEY = {procedure.key: procedure for procedure in PROCEDURES}

# The Storage classes the templates use, as PS3.6 names them (checked against pydicom).
TEMPLATE_CLASSES = {
    st.CR: "Computed Radiography Image Storage",
    st.DX: "Digital X-Ray Image Storage - For Presentation",
    st.MG: "Digital Mammography X-Ray Image Storage - For Presentation",
    st.CT: "CT Image Storage",
    st.ENHANCED_CT: "Enhanced CT Image Storage",
    st.US_MULTIFRAME: "Ultrasound Multi-frame Image Storage",
    st.MR: "MR Image Storage",
    st.ENHANCED_MR: "Enhanced MR Image Storage",
    st.US: "Ultrasound Image Storage",
    st.GSPS: "Grayscale Softcopy Presentation State Storage",
    st.XA: "X-Ray Angiographic Image Storage",
    st.BREAST_TOMO: "Breast Tomosynthesis Image Storage",
    st.NM: "Nuclear Medicine Image Storage",
    st.COMPREHENSIVE_SR: "Comprehensive SR Storage",
    st.MAMMO_CAD_SR: "Mammography CAD SR Storage",
    st.KO: "Key Object Selection Document Storage",
    st.XRAY_DOSE_SR: "X-Ray Radiation Dose SR Storage",
    st.RADIOPHARM_DOSE_SR: "Radiopharmaceutical Radiation Dose SR Storage",
    st.ENHANCED_XRAY_DOSE_SR: "Enhanced X-Ray Radiation Dose SR Storage",
    st.PET: "Positron Emission Tomography Image Storage",
}
NO_PIXELS = {"PR", "SR", "KO"}


def studies_of(key: str, count: int = 30) -> list[Study]:
    """Many studies of one procedure, so optional series show up both ways."""
    rng = random.Random(key)
    return [
        make_study(rng, BY_KEY[key], f"test|{key}|{n}", (str(1000000 + n), f"A{n}"))
        for n in range(count)
    ]


def classes(study: Study) -> list[str]:
    return [TEMPLATE_CLASSES[series.sop_class_uid] for series in study.series]


def test_every_template_class_is_the_active_storage_class_pydicom_names():
    used = {series.sop_class_uid for procedure in PROCEDURES for series in procedure.series}
    assert used == set(TEMPLATE_CLASSES)
    for uid, name in TEMPLATE_CLASSES.items():
        assert UID_dictionary[uid][0] == name
        assert UID_dictionary[uid][3] == "", f"{name} is retired"


def test_at_least_twelve_procedures_including_the_required_ones():
    assert len(PROCEDURES) >= 12
    assert len(BY_KEY) == len(PROCEDURES)
    assert {
        "xr-chest",
        "ct-chest-abdomen",
        "echo",
        "mr-brain",
        "mg-screening",
        "mg-tomo",
        "nm-bone",
        "pet-ct",
        "xa-coronary",
    } <= set(BY_KEY)


def test_chest_xray_is_pa_and_lateral_with_an_optional_dose_report():
    made = studies_of("xr-chest")
    for study in made:
        assert classes(study)[:2] == [TEMPLATE_CLASSES[st.DX]] * 2
        assert [s.description for s in study.series[:2]] == ["PA", "LAT"]
    with_dose = [s for s in made if len(s.series) == 3]
    assert with_dose and len(with_dose) < len(made)
    assert all(classes(s)[2] == "X-Ray Radiation Dose SR Storage" for s in with_dose)
    assert all(s.modalities == ("DX", "SR") for s in with_dose)


def test_ct_chest_abdomen_has_a_dose_report_and_a_presentation_state():
    for study in studies_of("ct-chest-abdomen", 5):
        assert study.modalities == ("CT", "PR", "SR")
        assert "X-Ray Radiation Dose SR Storage" in classes(study)
        assert "Grayscale Softcopy Presentation State Storage" in classes(study)
        assert study.count(CountPolicy.PIXEL_DATA) > 400


def test_echo_is_multi_frame_ultrasound_with_a_comprehensive_sr():
    for study in studies_of("echo", 5):
        assert study.modalities == ("US", "SR")
        clips = study.series[0]
        assert classes(study)[0] == "Ultrasound Multi-frame Image Storage"
        assert min(clips.frames) > 1
        assert classes(study)[-1] == "Comprehensive SR Storage"
        assert study.count(CountPolicy.FRAMES) > study.count(CountPolicy.ALL_INSTANCES)


def test_mri_brain_has_key_images_and_xa_an_enhanced_dose_report():
    assert all(s.modalities == ("MR", "KO") for s in studies_of("mr-brain", 5))
    for study in studies_of("xa-coronary", 5):
        assert study.modalities == ("XA", "SR")
        assert classes(study)[-1] == "Enhanced X-Ray Radiation Dose SR Storage"


def test_screening_mammography_is_four_views_and_cad_for_women():
    for study in studies_of("mg-screening"):
        assert classes(study) == [TEMPLATE_CLASSES[st.MG]] * 4 + ["Mammography CAD SR Storage"]
        assert study.patient.sex == "F"
        assert study.count(CountPolicy.PIXEL_DATA) == 4
        assert study.count(CountPolicy.ALL_INSTANCES) == 5


def test_tomosynthesis_nm_and_pet_ct_make_up():
    for study in studies_of("mg-tomo", 5):
        assert classes(study).count("Breast Tomosynthesis Image Storage") == 4
        assert study.patient.sex == "F"
    for study in studies_of("nm-bone", 5):
        assert study.modalities[0] == "NM"
        assert study.series[0].frames == (2,)  # anterior and posterior in one instance
    for study in studies_of("pet-ct", 5):
        assert study.modalities[:2] == ("CT", "PT")


def test_the_dx_example_of_the_facts_counts_two_in_a_pacs_and_three_in_a_vna():
    study = next(s for s in studies_of("xr-chest") if len(s.series) == 3)
    assert study.count(CountPolicy.PIXEL_DATA) == 2
    assert study.count(CountPolicy.ALL_INSTANCES) == 3
    assert study.count(CountPolicy.FRAMES) == 2


@pytest.mark.parametrize("key", sorted(BY_KEY))
def test_counts_agree_with_the_instances(key: str):
    for study in studies_of(key, 3):
        instances = [i for series in study.series for i in series.instances]
        assert study.count(CountPolicy.ALL_INSTANCES) == len(instances)
        assert study.count(CountPolicy.PIXEL_DATA) == sum(i.has_pixel_data for i in instances)
        assert study.count(CountPolicy.FRAMES) == sum(i.number_of_frames for i in instances)
        for instance in instances:
            assert instance.has_pixel_data == (instance.number_of_frames > 0)


@pytest.mark.parametrize("key", sorted(BY_KEY))
def test_modalities_in_study_are_the_series_modalities(key: str):
    for study in studies_of(key, 3):
        assert set(study.modalities) == {series.modality for series in study.series}
        images = [m for m in study.modalities if m not in NO_PIXELS]
        assert list(study.modalities[: len(images)]) == images  # PR/SR/KO after the images
        for series in study.series:
            assert series.has_pixel_data == (series.modality not in NO_PIXELS)
            assert bool(series.body_part) == series.has_pixel_data


def test_patients_are_realistic():
    for study in generate_studies(3, 60):
        patient = study.patient
        assert re.fullmatch(r"[A-Z]+\^[A-Z][a-z]+", patient.name)
        assert patient.sex in {"M", "F", "O"}
        assert re.fullmatch(r"\d{7}", patient.patient_id)
        birth = date(
            int(patient.birth_date[:4]), int(patient.birth_date[4:6]), int(patient.birth_date[6:])
        )
        day = date(int(study.date[:4]), int(study.date[4:6]), int(study.date[6:]))
        assert 17 <= (day - birth).days // 365 <= 91
        assert re.fullmatch(r"\d{6}", study.time)


def test_uids_are_valid_unique_and_nested():
    made = generate_studies(11, 30)
    uids = []
    for study in made:
        uids.append(study.study_instance_uid)
        for series in study.series:
            assert series.series_instance_uid.startswith(study.study_instance_uid + ".")
            uids.append(series.series_instance_uid)
            uids += [instance.sop_instance_uid for instance in series.instances]
    assert len(set(uids)) == len(uids)
    assert all(UID(uid).is_valid for uid in uids)
    assert all(uid.startswith(st.UID_ROOT) for uid in uids)


def test_a_list_is_varied_newest_first_with_unique_ids():
    made = generate_studies(5, len(PROCEDURES))
    assert {study.procedure for study in made} == set(BY_KEY)
    assert [s.date + s.time for s in made] == sorted((s.date + s.time for s in made), reverse=True)
    assert len({s.accession_number for s in made}) == len(made)
    assert len({s.patient.patient_id for s in made}) == len(made)


def test_same_seed_same_list_byte_for_byte_and_other_seeds_differ():
    def dump(seed: int) -> str:
        return json.dumps([study.to_dict() for study in generate_studies(seed, 8)])

    assert dump(42) == dump(42)
    assert dump(42) != dump(43)


def test_to_dict_has_what_a_dicom_writer_and_the_cli_need():
    data = generate_studies(1, 1)[0].to_dict()
    assert set(data["counts"]) == {"pixel", "all", "frames"}
    assert set(data["patient"]) == {"name", "patient_id", "birth_date", "sex"}
    series = data["series"][0]
    assert {"series_instance_uid", "series_number", "modality", "body_part", "description"} <= set(
        series
    )
    assert {"sop_class_uid", "sop_instance_uid", "number_of_frames", "has_pixel_data"} <= set(
        series["instances"][0]
    )
    assert data["counts"]["all"] == sum(len(s["instances"]) for s in data["series"])


def test_worklist_row_has_the_study_list_columns_and_the_chosen_count():
    study = next(s for s in studies_of("xr-chest") if len(s.series) == 3)
    cells = st.worklist_cells(study, CountPolicy.ALL_INSTANCES)
    assert list(cells) == list(st.WORKLIST_COLUMNS)
    assert cells["Mods"] == "DX, SR"
    assert cells["Imgs"] == "3"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", cells["DOB"]) and re.fullmatch(
        r"\d{4}-\d{2}-\d{2}", cells["Date"]
    )
    row = st.worklist_rows([study], CountPolicy.PIXEL_DATA, ("Acc#", "Imgs"))[0]
    assert row == (study.accession_number, "2")


def test_policies_have_human_names():
    assert [p.title for p in CountPolicy] == [
        "instances with pixel data",
        "all instances",
        "frames",
    ]
    assert (
        "PACS" in CountPolicy.PIXEL_DATA.typical_of
        and "VNA" in CountPolicy.ALL_INSTANCES.typical_of
    )
