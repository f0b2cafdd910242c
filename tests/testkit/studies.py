"""Synthetic studies for tests: every optional series present, or shrunk to a few instances
where the count does not matter (a small export with every SOP class stays quick)."""

from __future__ import annotations

import random
from dataclasses import replace

from trainer.core import studies as st

BY_KEY = {procedure.key: procedure for procedure in st.PROCEDURES}


def shrunk(procedure: st.Procedure, most: int = 3) -> st.Procedure:
    """The template with at most `most` instances a series and frames an instance."""

    def cap(span: tuple[int, int]) -> tuple[int, int]:
        return min(span[0], most), min(span[1], most)

    series = tuple(replace(s, instances=cap(s.instances), frames=cap(s.frames))
                   for s in procedure.series)
    return replace(procedure, series=series)


def full_study(key: str, *, small: bool = False, sop_class: str | None = None) -> st.Study:
    """A study of template `key` with every optional series present (and one of class
    `sop_class`, for a class a template uses only now and then)."""
    procedure = shrunk(BY_KEY[key]) if small else BY_KEY[key]
    for n in range(5000):
        study = st.make_study(random.Random(n), procedure, f"test|{key}|{n}", ("1234567", "A1"))
        classes = {series.sop_class_uid for series in study.series}
        if len(study.series) == len(procedure.series) and (sop_class in classes or not sop_class):
            return study
    raise AssertionError(f"no full study of {key}")
