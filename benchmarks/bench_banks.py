"""Loading a question bank vs a bare `yaml.load(..., Loader=CSafeLoader)` of the same file.

Our loader parses with libyaml too, then adds what a bare load lacks: duplicate-key and tag
checks, alias and depth caps, and validation of every question. Target: at most 2.5x the bare
load for 10,000 questions; the 1k and 50k figures show the cost grows linearly. As `timeit`
does, the garbage collector is paused while timing: its passes over a large live node tree
slow both sides alike and hide the growth of the loaders themselves.
Run: python benchmarks/bench_banks.py
"""

from __future__ import annotations

import gc
import tempfile
from collections.abc import Callable
from pathlib import Path

import yaml
from harness import Figure, median_seconds

from trainer.core.banks import load_bank
from trainer.core.yaml_source import Limits

SIZES = (1_000, 10_000, 50_000)
TARGET = 2.5
LIMITS = Limits(max_bytes=64 * 1024 * 1024)  # the 50k bank is bigger than the 10 MB default

_COMMON = """    topics: [image-sop-classes, uids]
    difficulty: 2
    explanation: |
      CT Image Storage is 1.2.840.10008.5.1.4.1.1.2, a constant from the standard.
    references: ["PS3.4 Annex B", "PS3.6 Annex A"]
    lesson: {id: image-sop-classes, section: Common classes}
"""
_BODIES = (
    """    type: single_choice
    prompt: Which SOP class does a CT scanner write for question NUMBER?
    choices: [CT Image Storage, MR Image Storage, {text: None of the above, pinned: true}]
    answer: A
""",
    """    type: multiple_select
    prompt: Which of these Modality values carry no pixel data (NUMBER)?
    choices: [PR, SR, CT, KO]
    answer: [A, B, D]
""",
    """    type: true_false
    prompt: The SOP Class UID is generated per image (NUMBER).
    answer: false
""",
    """    type: matching
    prompt: Match each class to its UID (NUMBER).
    pairs:
      - {left: CT Image Storage, right: "1.2.840.10008.5.1.4.1.1.2"}
      - {left: MR Image Storage, right: "1.2.840.10008.5.1.4.1.1.4"}
""",
    """    type: ordering
    prompt: Order the information model levels (NUMBER).
    items: [Patient, Study, Series, Instance]
""",
    """    type: short_answer
    prompt: Which DIMSE-C service checks connectivity (NUMBER)?
    answers: [C-ECHO, CECHO]
""",
    """    type: numeric
    prompt: How many instances does the study hold (NUMBER)?
    answer: 3
    unit: instances
    exhibit:
      kind: table
      columns: [Patient Name, Modalities in Study, Images]
      rows:
        - [DOE^JANE, "DX, SR", 3]
""",
)


def bank_text(count: int) -> str:
    """A valid bank of `count` questions cycling through every type."""
    parts = ["id: bench\ntitle: Benchmark bank\nversion: 1\nauthor: bench\nlicense: CC0-1.0\n"]
    parts.append("questions:\n")
    for number in range(count):
        parts.append(f"  - id: q{number}\n")
        parts.append(_BODIES[number % len(_BODIES)].replace("NUMBER", str(number)))
        parts.append(_COMMON)
    return "".join(parts)


def _without_gc(fn: Callable[[], None]) -> Callable[[], None]:
    def timed() -> None:
        gc.collect()
        gc.disable()
        try:
            fn()
        finally:
            gc.enable()

    return timed


def _measure(path: Path, count: int) -> Figure:
    def ours() -> None:
        result = load_bank(path, LIMITS)
        assert result.bank is not None and len(result.bank.questions) == count, result.errors

    def bare() -> None:
        text = path.read_text(encoding="utf-8")
        yaml.load(text, Loader=yaml.CSafeLoader)

    runs = {1_000: (5, 1), 10_000: (3, 1)}.get(count, (1, 0))  # (repeat, warmup)
    return Figure(
        f"load a bank of {count:,} questions",
        median_seconds(_without_gc(ours), *runs) * 1000,
        median_seconds(_without_gc(bare), *runs) * 1000,
        "ms",
        target_ratio=TARGET if count == 10_000 else None,
    )


def figures() -> list[Figure]:
    with tempfile.TemporaryDirectory() as folder:
        results = []
        for count in SIZES:
            path = Path(folder) / f"bench-{count}.yaml"
            path.write_text(bank_text(count), encoding="utf-8")
            results.append(_measure(path, count))
        return results


if __name__ == "__main__":
    for figure in figures():
        print(figure.line())
