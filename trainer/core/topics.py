"""The topic tags shared by lessons, questions and exam blueprints.

One vocabulary keeps "practise this topic", mastery by topic and blueprint draws consistent.
"""

TOPICS: dict[str, str] = {
    "dicom-basics": "DICOM basics",
    "information-model": "Patient/Study/Series/Instance model",
    "sop-classes": "SOP class = IOD + DIMSE service group",
    "dimse": "DIMSE services (C- and N-)",
    "service-classes": "Service classes, SCU and SCP roles",
    "uids": "SOP Class UID vs SOP Instance UID",
    "file-meta": "Part 10 files and the file meta",
    "image-sop-classes": "Common image SOP classes",
    "enhanced-multiframe": "Enhanced and multi-frame classes",
    "pr-sr-ko": "Presentation states, SR and KO",
    "modality-attribute": "The Modality attribute (0008,0060)",
    "study-lists": "Reading a study list",
    "image-counts": "Image counts: PACS vs VNA",
    "conformance": "Conformance statements and negotiation",
    "private-sop-classes": "Private SOP classes",
}


def topic_title(topic: str) -> str:
    """The human title of a topic tag, or the tag itself when it is not a known one."""
    return TOPICS.get(topic, topic)
