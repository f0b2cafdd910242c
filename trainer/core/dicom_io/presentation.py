"""Grayscale Softcopy Presentation State (PS3.3 A.33.1): how a viewer shows a study's images,
a text annotation and a CT window here, referencing the images it applies to."""

from __future__ import annotations

from pydicom.dataset import Dataset

from trainer.core.dicom_io.common import item
from trainer.core.dicom_io.pixels import SINGLE_FRAME_SIZE
from trainer.core.studies import Instance, Series, Study


def sop_reference(instance: Instance) -> Dataset:
    return item(
        ReferencedSOPClassUID=instance.sop_class_uid,
        ReferencedSOPInstanceUID=instance.sop_instance_uid,
    )


def gsps(ds: Dataset, study: Study, series: Series) -> None:
    """A presentation state with a text annotation and a CT window for one image series."""
    target = next(s for s in study.series if s.has_pixel_data and s.instance_count > 2)
    del ds.ContentDate, ds.ContentTime  # a presentation state has its creation date instead
    ds.PresentationCreationDate = study.date
    ds.PresentationCreationTime = study.time
    ds.ContentLabel = "ANNOTATIONS"
    ds.ContentDescription = "Lesion measurement"
    ds.ContentCreatorName = "READER^Demo"
    ds.ReferencedSeriesSequence = [
        item(
            SeriesInstanceUID=target.series_instance_uid,
            ReferencedImageSequence=[sop_reference(i) for i in target.instances[:20]],
        )
    ]
    ds.DisplayedAreaSelectionSequence = [
        item(
            DisplayedAreaTopLeftHandCorner=[1, 1],
            DisplayedAreaBottomRightHandCorner=[SINGLE_FRAME_SIZE, SINGLE_FRAME_SIZE],
            PresentationSizeMode="SCALE TO FIT",
            PresentationPixelAspectRatio=[1, 1],
        )
    ]
    ds.GraphicAnnotationSequence = [
        item(
            GraphicLayer="ANNOTATION",
            TextObjectSequence=[
                item(
                    BoundingBoxAnnotationUnits="PIXEL",
                    UnformattedTextValue="Lesion 12 mm",
                    BoundingBoxTopLeftHandCorner=[4.0, 4.0],
                    BoundingBoxBottomRightHandCorner=[40.0, 12.0],
                    BoundingBoxTextHorizontalJustification="LEFT",
                )
            ],
        )
    ]
    ds.GraphicLayerSequence = [item(GraphicLayer="ANNOTATION", GraphicLayerOrder=1)]
    ds.ImageRotation = 0
    ds.ImageHorizontalFlip = "N"
    ds.SoftcopyVOILUTSequence = [item(WindowCenter=40, WindowWidth=400)]
    ds.PresentationLUTShape = "IDENTITY"
    ds.RescaleIntercept = -1024
    ds.RescaleSlope = 1
    ds.RescaleType = "HU"
