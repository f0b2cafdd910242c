"""A content root for snapshots that shipped content can grow past without changing them.

A snapshot of the whole shipped course changes whenever an author adds a lesson, a topic or a
generator. This root holds four named shipped lessons and their banks, only the topics those
lessons teach, and a quick check that draws from the banks alone, so a new lesson, topic or
generator leaves every snapshot as it was; editing one of these lessons still shows.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from trainer.core.paths import content_root
from trainer.core.topics import TOPICS_FILE, load_topics

LESSONS = ("01-dicom-basics.md", "02-sop-classes.md", "03-uids.md", "04-image-sop-classes.md")
BANKS = ("dicom-basics.yaml", "sop-classes.yaml", "uids.yaml", "image-sop-classes.yaml")
QUICK_CHECK = """\
id: quick-check
title: Quick check
description: Twenty bank questions over the first four lessons.
questions: 20
time_limit_minutes: 15
pass_mark: 70
navigation: free
shuffle: true
feedback: end
partial_credit: false
draws:
  - topics: [dicom-basics, information-model, sop-classes, dimse, service-classes]
    sources: [banks]
    weight: 2
  - topics: [uids, file-meta, image-sop-classes, enhanced-multiframe, modality-attribute]
    sources: [banks]
    weight: 2
"""


def frozen_content(root: Path, source: Path | None = None) -> Path:
    """Write the snapshot content root at `root`, taken from `source` (the shipped content
    root unless a test grows a copy of it), and return it."""
    source = source or content_root()
    lessons, banks = root / "lessons", root / "question_bank"
    (banks / "exams").mkdir(parents=True)
    lessons.mkdir()
    for name in LESSONS:
        shutil.copy(source / "lessons" / name, lessons)
    for name in BANKS:
        shutil.copy(source / "question_bank" / name, banks)
    taught = {name[3:-3] for name in LESSONS}
    topics = {
        topic.id: {"title": topic.title, "lesson": topic.lesson}
        for topic in load_topics(source / "lessons" / TOPICS_FILE).topics.values()
        if topic.lesson in taught
    }
    (lessons / TOPICS_FILE).write_text(yaml.safe_dump(topics, sort_keys=False), "utf-8")
    (banks / "exams" / "quick-check.yaml").write_text(QUICK_CHECK, "utf-8")
    return root
