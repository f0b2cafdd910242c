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


def template_classes() -> set[str]:
    return {series.sop_class_uid for procedure in PROCEDURES for series in procedure.series}


def test_every_template_class_is_the_active_storage_class_pydicom_names():
    assert template_classes() == set(TEMPLATE_CLASSES)
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


def test_ct_chest_abdomen_has_a_dose_report_and_sometimes_a_presentation_state():
    made = studies_of("ct-chest-abdomen", 12)
    for study in made:
        assert study.modalities in (("CT", "SR"), ("CT", "PR", "SR"))
        assert "X-Ray Radiation Dose SR Storage" in classes(study)
        assert study.count(CountPolicy.PIXEL_DATA) > 400
    assert {len(s.modalities) for s in made} == {2, 3}  # GSPS in some studies, not all


def test_echo_is_multi_frame_ultrasound_with_a_comprehensive_sr():
    for study in studies_of("echo", 5):
        assert study.modalities == ("US", "SR")
        clips = study.series[0]
        assert classes(study)[0] == "Ultrasound Multi-frame Image Storage"
        assert min(clips.frames) > 1
        assert classes(study)[-1] == "Comprehensive SR Storage"
        assert study.count(CountPolicy.FRAMES) > study.count(CountPolicy.ALL_INSTANCES)


def test_mri_brain_has_key_images_in_some_studies():
    made = studies_of("mr-brain", 12)
    assert {s.modalities for s in made} == {("MR",), ("MR", "KO")}


def test_xa_carries_the_xray_dose_sr_cath_labs_write():
    """Angiography systems write X-Ray Radiation Dose SR (.88.67, TID 10001)."""
    for study in studies_of("xa-coronary", 10):
        assert study.modalities == ("XA", "SR")
        assert classes(study)[-1] == "X-Ray Radiation Dose SR Storage"


def test_screening_mammography_is_four_views_for_women_with_a_cad_or_dose_report():
    made = studies_of("mg-screening", 40)
    kinds = set()
    for study in made:
        assert classes(study)[:4] == [TEMPLATE_CLASSES[st.MG]] * 4
        assert study.patient.sex == "F"
        assert study.count(CountPolicy.PIXEL_DATA) == 4
        kinds.add(tuple(classes(study)[4:]))
    # CAD alone, a dose report alone, both, or neither: as sites differ.
    assert kinds == {
        ("Mammography CAD SR Storage",),
        ("X-Ray Radiation Dose SR Storage",),
        ("Mammography CAD SR Storage", "X-Ray Radiation Dose SR Storage"),
        (),
    }


def test_pr_sr_and_ko_series_are_numbered_as_different_vendors_do():
    firsts = set()
    for key in BY_KEY:
        for study in studies_of(key, 10):
            images = {s.series_number for s in study.series if s.has_pixel_data}
            others = [s.series_number for s in study.series if not s.has_pixel_data]
            assert images == set(range(1, len(images) + 1))
            assert not images & set(others) and len(set(others)) == len(others)
            if others:
                firsts.add(others[0])
    assert {990, 999, 501, 9001} <= firsts and firsts & {2, 3, 4, 5, 6}


def test_tomosynthesis_nm_and_pet_ct_make_up():
    for study in studies_of("mg-tomo", 5):
        assert classes(study).count("Breast Tomosynthesis Image Storage") == 4
        assert study.patient.sex == "F"
    for study in studies_of("nm-bone", 5):
        assert study.modalities[0] == "NM"
        assert study.series[0].frames == (2,)  # anterior and posterior in one instance
    for study in studies_of("pet-ct", 5):
        assert study.modalities[:2] == ("CT", "PT")
        series = {s.description: s for s in study.series}
        pet, ct = series["PET AC"].geometry, series["CTAC 3mm"].geometry
        assert (pet.plane, pet.thickness) == (ct.plane, ct.thickness) == ("axial", 3)


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
            # Image and presentation series carry Body Part Examined; SR and KO series do not.
            assert bool(series.body_part) == (series.modality not in ("SR", "KO"))


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
    assert list(cells) == [*st.WORKLIST_COLUMNS, *st.COUNT_COLUMNS]
    assert set(st.BROWSER_COLUMNS) <= set(cells)
    assert cells["Mods"] == "DX, SR"
    assert cells["Imgs"] == "3"
    # PA + lateral + dose report: 2 with pixel data, 3 instances, 2 frames, side by side.
    assert (cells["Pix"], cells["All"], cells["Frm"]) == ("2", "3", "2")
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", cells["DOB"]) and re.fullmatch(
        r"\d{4}-\d{2}-\d{2}", cells["Date"]
    )
    row = st.worklist_rows([study], CountPolicy.PIXEL_DATA, ("Acc#", "Imgs"))[0]
    assert row == (study.accession_number, "2")


def test_policies_say_which_count_is_the_standards():
    assert [p.title for p in CountPolicy] == [
        "instances with pixel data",
        "all instances",
        "frames",
    ]
    assert "(0020,1208)" in CountPolicy.ALL_INSTANCES.basis
    assert "as a PACS returns it" in CountPolicy.ALL_INSTANCES.basis
    for policy in (CountPolicy.PIXEL_DATA, CountPolicy.FRAMES):
        assert "product's choice" in policy.basis
    assert st.DEFAULT_POLICY is CountPolicy.ALL_INSTANCES


def test_odd_dates_are_shown_as_they_are():
    assert st.display_date("20250301") == "2025-03-01"
    assert st.display_date("2025.03.01") == "2025.03.01"
    assert st.display_date("") == ""


# --- geometry follows the description -------------------------------------------------------

_PLANE_WORDS = {"Ax": "axial", "Sag": "sagittal", "Cor": "coronal"}


@pytest.mark.parametrize("key", sorted(BY_KEY))
def test_each_templates_geometry_matches_its_series_descriptions(key: str):
    for template in BY_KEY[key].series:
        geometry, words = template.geometry, template.description.split()
        if words[0] in _PLANE_WORDS:
            assert geometry.plane == _PLANE_WORDS[words[0]], template.description
        if words[0] in ("Topogram", "Localizer"):
            assert geometry.plane == "localizer", template.description
        stated = re.search(r"(\d+(?:\.\d+)?)mm", template.description)
        if stated:
            assert geometry.thickness == float(stated.group(1)), template.description
        if geometry.plane in ("axial", "sagittal", "coronal"):
            assert geometry.thickness > 0, template.description


# --- every study its own UIDs ---------------------------------------------------------------


def _identifiers(study: Study) -> set[str]:
    series = [s.series_instance_uid for s in study.series]
    instances = [i.sop_instance_uid for s in study.series for i in s.instances]
    return {
        study.study_instance_uid,
        *series,
        *instances,
        "patient:" + study.patient.patient_id,
        "accession:" + study.accession_number,
    }


def test_no_two_templates_seeds_or_places_share_an_identifier():
    """Exported one template at a time with one seed, studies stored together stay apart."""
    made = [
        generate_studies(seed, 2, (procedure,))
        for procedure in PROCEDURES
        for seed in (1, 2)
    ]
    made.append(generate_studies(1, len(PROCEDURES)))  # the default list of the same seed
    seen: dict[str, str] = {}
    for studies in made:
        for study in studies:
            for identifier in _identifiers(study):
                owner = f"{study.procedure}/{study.study_instance_uid}"
                assert seen.setdefault(identifier, owner) == owner, identifier


def test_a_study_is_reproducible_from_template_seed_and_place():
    procedure = BY_KEY["cr-knee"]
    alone = generate_studies(4, 1, (procedure,))[0]
    assert generate_studies(4, 1, (procedure,))[0] == alone
    assert alone in generate_studies(4, 3, (procedure,))  # a longer list starts the same


# --- the templates are data -----------------------------------------------------------------


def test_a_mistake_in_the_templates_is_located(tmp_path):
    path = tmp_path / "procedures.yaml"
    path.write_text(
        "- key: x\n  description: X\n  body_part: KNEE\n  series:\n"
        "    - {class: NoSuchStorage, description: Knee}\n"
    )
    with pytest.raises(st.TemplateError, match=r"procedures.yaml:5:\d+: 'NoSuchStorage' is not"):
        st.load_procedures(path)
    path.write_text(
        "- key: x\n  description: X\n  body_part: KNEE\n  series:\n"
        "    - {class: CTImageStorage, description: Ax, plane: diagonal}\n"
    )
    with pytest.raises(st.TemplateError, match=r":5:\d+: plane is one of"):
        st.load_procedures(path)
