"""Which builder writes which SOP class, and the data sets of a series' instances.

A series' data set is built once; only what differs between its instances (UIDs, number,
plane, frames, irradiation event) is set per instance, which keeps export close to the cost of
pydicom's own writer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import PurePosixPath

from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import UID, ExplicitVRLittleEndian

from trainer.core import studies as st
from trainer.core.dicom_io import dose, enhanced, images, presentation, reports
from trainer.core.dicom_io.common import (
    IMPLEMENTATION_NAME,
    IMPLEMENTATION_UID,
    general_equipment,
    general_series,
    general_study,
    is_multi_frame,
    patient_module,
)
from trainer.core.dicom_io.paths import instance_path
from trainer.core.studies import Instance, Series, Study

Builder = Callable[[Dataset, Study, Series], None]

BUILDERS: dict[str, Builder] = {
    st.CR: images.cr,
    st.DX: images.dx,
    st.MG: images.mg,
    st.CT: images.ct,
    st.ENHANCED_CT: enhanced.enhanced_ct,
    st.US_MULTIFRAME: images.us,
    st.MR: images.mr,
    st.ENHANCED_MR: enhanced.enhanced_mr,
    st.US: images.us,
    st.GSPS: presentation.gsps,
    st.XA: images.xa,
    st.BREAST_TOMO: enhanced.breast_tomo,
    st.NM: images.nm,
    st.COMPREHENSIVE_SR: reports.echo_measurements,
    st.MAMMO_CAD_SR: reports.mammo_cad,
    st.KO: reports.key_objects,
    st.XRAY_DOSE_SR: dose.xray_dose,
    st.RADIOPHARM_DOSE_SR: dose.radiopharmaceutical_dose,
    st.PET: images.pet,
}
# What each frame of a multi-frame instance needs of its own.
PER_FRAME: dict[str, Callable[[Dataset, Series, int], None]] = {
    st.NM: images.nm_frames,
    st.ENHANCED_CT: enhanced.frame_items,
    st.ENHANCED_MR: enhanced.frame_items,
    st.BREAST_TOMO: enhanced.tomo_frames,
}
# Single-frame images whose plane changes from one instance to the next.
STACKS = frozenset({st.CT, st.MR, st.PET})
# X-ray images that name the exposure that made them.
EXPOSED = frozenset({st.CR, st.DX, st.MG, st.CT, st.XA})


def iter_datasets(study: Study) -> Iterator[tuple[PurePosixPath, Dataset]]:
    """(relative path, dataset) for every instance of `study`.

    One dataset per series is reused and changed in place for each instance: write or copy it
    before asking for the next one.
    """
    for series in study.series:
        dataset = series_dataset(study, series)
        frame = dataset.get("PixelData")
        for instance in series.instances:
            set_instance(dataset, study, series, instance, frame)
            yield instance_path(study, series, instance.instance_number), dataset


def build_dataset(study: Study, series: Series, number: int) -> Dataset:
    """A fresh dataset for instance `number` (1-based) of `series`, e.g. to show its header."""
    dataset = series_dataset(study, series)
    instance = series.instances[number - 1]
    set_instance(dataset, study, series, instance, dataset.get("PixelData"))
    return dataset


def series_dataset(study: Study, series: Series) -> Dataset:
    """Everything the instances of a series share, file meta included."""
    builder = BUILDERS.get(series.sop_class_uid)
    if builder is None:
        raise ValueError(f"no DICOM writer for SOP class {series.sop_class_uid}")
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.MediaStorageSOPClassUID = UID(series.sop_class_uid)
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta.ImplementationClassUID = UID(IMPLEMENTATION_UID)
    ds.file_meta.ImplementationVersionName = IMPLEMENTATION_NAME
    ds.SOPClassUID = series.sop_class_uid
    patient_module(ds, study)
    general_study(ds, study)
    general_series(ds, study, series)
    general_equipment(ds)
    builder(ds, study, series)
    return ds


def set_instance(
    ds: Dataset, study: Study, series: Series, instance: Instance, frame: bytes | None
) -> None:
    """What differs between the instances of a series: UIDs, number, plane, frames, exposure."""
    ds.SOPInstanceUID = instance.sop_instance_uid
    ds.file_meta.MediaStorageSOPInstanceUID = UID(instance.sop_instance_uid)
    ds.InstanceNumber = instance.instance_number
    if series.sop_class_uid in STACKS:
        images.set_plane(ds, series, instance.instance_number - 1)
    if series.sop_class_uid in EXPOSED:
        images.set_event(ds, study, series, instance)
    if frame is not None and is_multi_frame(series.sop_class_uid):
        ds.NumberOfFrames = instance.number_of_frames
        ds.PixelData = frame * instance.number_of_frames
        per_frame = PER_FRAME.get(series.sop_class_uid)
        if per_frame is not None:
            per_frame(ds, series, instance.number_of_frames)
