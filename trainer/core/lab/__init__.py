"""The PACS lab: DICOM networking a learner can watch, against an embedded PACS or a real one.

Pure code, no Textual: `conformance` (what a PACS accepts), `names` (UIDs as people read them),
`transcript` (what happened on the wire, as lines), `archive` (the embedded PACS's folder and
SQLite index), `pacs` (the embedded PACS, a pynetdicom SCP), `scu` (the learner's echo, send and
find), `outgoing` (studies and folders to send) and `scenarios` (the tickets a learner works).
`pacs`, `scu` and `outgoing` import pynetdicom or pydicom: import them only when needed.
"""
