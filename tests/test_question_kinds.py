"""Every question type is known to every layer: adding a type without its grading, its input,
its feedback part by part, its plain-text form, its export and import formats or its schema
entry fails here instead of failing silently later."""

from __future__ import annotations

import pytest

from trainer.commands.plain_text import PLAIN
from trainer.core.answer_rows import ROWS
from trainer.core.banks import json_schema
from trainer.core.interchange import (
    anki_export,
    gift_export,
    gift_import,
    moodle_export,
    moodle_import,
    printed_form,
    qti_export,
)
from trainer.core.questions import KINDS, QUESTION_TYPES
from trainer.ui.widgets.question_inputs import ANSWER_INPUTS

LAYERS = {
    "core kinds (grading, presentation, feedback)": KINDS,
    "feedback part by part": ROWS,
    "TUI inputs": ANSWER_INPUTS,
    "plain mode": PLAIN,
    "Moodle export": moodle_export.WRITERS,
    "Moodle import": moodle_import.READERS,
    "GIFT export": gift_export.WRITERS,
    "GIFT import": gift_import.READERS,
    "Anki export": anki_export.RENDERERS,
    "QTI export": qti_export.WRITERS,
    "printed exam form": printed_form.PRINTERS,
}


@pytest.mark.parametrize("layer", LAYERS)
def test_every_layer_handles_exactly_the_question_types(layer):
    assert set(LAYERS[layer]) == set(QUESTION_TYPES)


def test_every_kind_is_in_the_question_union_and_the_schema():
    assert set(QUESTION_TYPES) == set(KINDS)
    for name, kind in KINDS.items():
        assert kind.model.model_fields["type"].annotation.__args__ == (name,)
    schema = str(json_schema())
    for name in QUESTION_TYPES:
        assert f"'{name}'" in schema


def test_every_kind_reads_well_and_has_a_time_for_easy():
    for kind in KINDS.values():
        assert kind.name and kind.instruction and kind.quick_seconds > 0
