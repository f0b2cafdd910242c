"""pacs-trainer: learn DICOM SOP classes and how they show up in a PACS."""

__version__ = "0.1.0"
