"""Generated questions on associations, transfer syntaxes, Query/Retrieve, worklist, storage
commitment and character sets are sound for any seed. The oracles recompute each answer from
the question's own text or exhibit (or from pydicom's dictionary and Python's codecs), so a
generator that mislabels an answer fails here."""

from __future__ import annotations

import random
import re

from hypothesis import given, settings
from hypothesis import strategies as strat
from pydicom._uid_dict import UID_dictionary
from test_generators import check_sound, chosen, generator_of  # noqa: E402

from trainer.core.generators import network_questions as nq
from trainer.core.generators import sample
from trainer.core.questions import (
    LETTERS,
    MultipleSelect,
    Numeric,
    Question,
    SingleChoice,
    TableExhibit,
    TrueFalse,
)

SEEDS = strat.integers(min_value=0, max_value=2**63)
TS_BY_NAME = {UID_dictionary[s.uid][0]: s for s in nq.SYNTAXES}


def loss_from_name(name: str) -> str:
    """What the official name says about loss, independent of the curated table."""
    if "Lossy" in name:
        return "lossy"
    if "Lossless" in name or "Little Endian" in name:
        return "lossless"
    if name in ("JPEG 2000 Image Compression", "High-Throughput JPEG 2000 Image Compression"):
        return "either"
    return "lossy"


def test_the_syntax_table_agrees_with_pydicom():
    for syntax in nq.SYNTAXES:
        name, kind, _, retired, _ = UID_dictionary[syntax.uid]
        assert kind == "Transfer Syntax" and not retired, syntax.uid
        assert syntax.loss == loss_from_name(name), name


def rows(question: Question) -> dict[str, str]:
    assert isinstance(question.exhibit, TableExhibit)
    return {row[0]: row[-1] for row in question.exhibit.rows}


def check_answer(question: Question) -> None:
    generator, parameter = generator_of(question, nq.GENERATORS)
    kind = generator.name
    if kind in ("ts-uid", "ts-name"):
        (right,), wrong = chosen(question)
        syntax = nq._syntax_parameter(parameter)
        assert right == (syntax.uid if kind == "ts-uid" else syntax.name)
        # The key's compression family is never the odd one out.
        family = [s for s in nq.SYNTAXES if s.family == syntax.family]
        options = [nq._BY_UID.get(text) or TS_BY_NAME[text] for text in wrong]
        if len(family) > 1:
            assert any(o.family == syntax.family for o in options), question.id
    elif kind == "ts-lossless":
        assert isinstance(question, TrueFalse)
        name = re.search(r"sent with (.+) \(1\.2", question.prompt).group(1)
        assert question.answer is (loss_from_name(name) == "lossless")
    elif kind == "lossy-flag":
        (right,), _ = chosen(question)
        method = rows(question)["(0028,2114)"]
        if "Which compression" in question.prompt:
            standard = dict(nq._METHODS)[method]
            assert right == standard
        else:
            assert right.startswith("01")
    elif kind == "negotiation":
        (right,), _ = chosen(question)
        table = rows(question)
        proposed = table["Modality proposes"].split("; ")
        if table["Archive accepts"] == "(not supported)":
            assert "result 3" in right
        else:
            common = [n for n in table["Archive accepts"].split("; ") if n in proposed]
            assert right == (f"Accepted, with {common[0]}" if common else right)
            assert common or "result 4" in right
    elif kind == "rejection":
        (right,), _ = chosen(question)
        prompt = question.prompt
        if "is set to call" in prompt:
            assert "called AE title" in right
        elif "AE table" in prompt:
            assert "calling AE title" in right
        elif "associations at once" in prompt:
            assert "local limit exceeded" in right and "transient" in right
        else:
            assert "presentation context is rejected" in right
    elif kind == "ae-title":
        title = re.search(r"`(.*)`", question.prompt).group(1)
        assert question.answer is (len(title) <= 16 and "\\" not in title)
    elif kind == "qr-matching":
        (right,), _ = chosen(question)
        value = re.search(r"value `(.*)`", question.prompt)
        text = value.group(1) if value else ""
        expected = (
            "Universal" if not text
            else "List of UID" if "\\" in text
            else "Wild card" if set("*?") & set(text)
            else "Range" if "-" in text
            else "Single value"
        )
        assert right == expected
    elif kind == "qr-rows":
        right, _ = chosen(question)
        start, end = re.search(r"`(\d*)-(\d*)`", question.prompt).groups()
        exhibit = question.exhibit
        matching = {f"{r[0]} ({r[1]})" for r in exhibit.rows if start <= r[3] <= end}
        assert set(right) == matching
    elif kind == "status":
        (right,), _ = chosen(question)
        service, code = re.search(r"A (C-\w+) response .* status (0x\w+)", question.prompt).groups()
        assert (service, code, right) in nq.STATUSES
    elif kind == "mwl-supplies":
        right, wrong = chosen(question)
        assert set(right) <= set(nq._FROM_WORKLIST) and set(wrong) <= set(nq._FROM_MODALITY)
    elif kind == "mpps":
        (right,), _ = chosen(question)
        if "starts" in question.prompt:
            assert right.startswith("N-CREATE") and "IN PROGRESS" in right
        elif "abandoned" in question.prompt:
            assert right == "N-SET with status DISCONTINUED"
        elif "sent as COMPLETED" in question.prompt:
            assert "final" in right
        else:
            assert right == "N-SET with status COMPLETED"
    elif kind == "commitment":
        assert isinstance(question, Numeric)
        found = re.search(r"the (\d+) instances.* lists (\d+) ", question.prompt)
        total, failed = map(int, found.groups())
        assert question.answer == total - failed
    elif kind == "charset-term":
        (right,), _ = chosen(question)
        term = re.search(r"`(.*)`", question.prompt).group(1)
        assert (term, right) in nq.CHARSETS
    elif kind == "charset-fits":
        right, wrong = chosen(question)
        name = re.search(r"`(.*)`", question.prompt).group(1)
        from pydicom.charset import python_encoding

        def fits(term: str) -> bool:
            try:
                name.encode(python_encoding[term])
            except UnicodeEncodeError:
                return False
            return True

        assert all(fits(term) for term in right) and not any(fits(term) for term in wrong)
        assert "ISO_IR 192" in right
    elif kind == "garbled-name":
        (right,), _ = chosen(question)
        original, shown = re.findall(r"`(.*?)`", question.prompt)
        if shown == original.encode("utf-8").decode("latin-1"):
            assert right.startswith("UTF-8 bytes were read as Latin-1")
        elif "\ufffd" in shown:
            assert right.startswith("Latin-1 bytes were read as UTF-8")
        else:
            assert "?" in shown and "replaced" in right
    else:
        raise AssertionError(f"unchecked generator {kind}")


@settings(max_examples=30, deadline=None)
@given(seed=SEEDS)
def test_network_questions_are_sound_for_any_seed(seed: int):
    questions = sample(nq.GENERATORS, random.Random(seed), 24)
    assert len(questions) == 24
    for question in questions:
        check_sound(question, nq.GENERATORS)
        check_answer(question)


def test_every_network_generator_is_exercised_and_varied():
    questions = sample(nq.GENERATORS, random.Random(0), 400)
    made = {generator_of(q, nq.GENERATORS)[0].name for q in questions}
    assert made == {generator.name for generator in nq.GENERATORS}
    for generator in nq.GENERATORS:
        seen = {
            (q.prompt, tuple(sorted(c.text for c in getattr(q, "choices", ()))))
            for q in questions
            if q.id.startswith(generator.name + "-")
        }
        assert len(seen) >= 5, generator.name


def test_the_new_topics_each_have_generated_questions():
    for topic in ("associations", "transfer-syntaxes", "query-retrieve", "worklist-mpps",
                  "storage-commitment", "character-sets"):
        assert sample(nq.GENERATORS, random.Random(3), 5, topic), topic


def test_choice_questions_have_a_single_letter_key_or_several():
    for question in sample(nq.GENERATORS, random.Random(9), 120):
        if isinstance(question, SingleChoice):
            assert question.answer in LETTERS[: len(question.choices)]
        if isinstance(question, MultipleSelect):
            assert 1 <= len(question.answer) < len(question.choices)
