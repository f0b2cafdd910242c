"""Questions as an IMS QTI 2.1 content package: a zip with imsmanifest.xml (IMS CP 1.1),
one assessmentItem file per question and an assessmentTest that lists them in order.

Interactions: choiceInteraction (single choice, select-all, true/false), matchInteraction,
orderInteraction, textEntryInteraction (short answer: a case-insensitive mapping of every
accepted answer; numeric: equal within the tolerance). Each item scores 1 for a right
answer and shows the explanation and references as modal feedback. The files validate
against the IMS XSDs (imsqti_v2p1.xsd, imscp_v1p1.xsd); the tests check it.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from xml.etree import ElementTree as ET

from trainer.core.interchange.html import feedback_html, prompt_html
from trainer.core.interchange.moodle_export import number_text
from trainer.core.questions import (
    LETTERS,
    Matching,
    MultipleSelect,
    Numeric,
    Ordering,
    Question,
    ShortAnswer,
    SingleChoice,
    TrueFalse,
)

QTI = "http://www.imsglobal.org/xsd/imsqti_v2p1"
CP = "http://www.imsglobal.org/xsd/imscp_v1p1"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
QTI_LOCATION = f"{QTI} http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1.xsd"
CP_LOCATION = f"{CP} http://www.imsglobal.org/xsd/imscp_v1p1.xsd"
MANIFEST = "imsmanifest.xml"
TEST_FILE = "assessmentTest.xml"
ITEM_DIR = "items"
RESPONSE = "RESPONSE"


def _q(tag: str) -> str:
    return f"{{{QTI}}}{tag}"


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, _q(tag), attrs)
    if text is not None:
        element.text = text
    return element


def _fragment(parent: ET.Element, html: str) -> None:
    """Append an XHTML fragment (as html.py writes it) in the QTI namespace."""
    wrapper = ET.fromstring(f'<div xmlns="{QTI}">{html}</div>')
    parent.extend(list(wrapper))


def identifier(text: str) -> str:
    """A QTI identifier (an XML NCName) from a full question id: "q-uids.uid-root"."""
    return "q-" + re.sub(r"[^A-Za-z0-9_.-]", ".", text)


def _declare(
    item: ET.Element, cardinality: str, base_type: str, values: Sequence[str]
) -> ET.Element:
    declaration = _sub(item, "responseDeclaration", identifier=RESPONSE,
                       cardinality=cardinality, baseType=base_type)
    correct = _sub(declaration, "correctResponse")
    for value in values:
        _sub(correct, "value", value)
    return declaration


def _simple_choices(parent: ET.Element, texts: Sequence[str], ids: Sequence[str],
                    pinned: Sequence[bool]) -> None:
    for text, choice_id, fixed in zip(texts, ids, pinned):
        _sub(parent, "simpleChoice", text, identifier=choice_id, fixed=str(fixed).lower())


def _choices(item: ET.Element, question: SingleChoice | MultipleSelect) -> ET.Element:
    single = isinstance(question, SingleChoice)
    right = [question.answer] if isinstance(question, SingleChoice) else list(question.answer)
    _declare(item, "single" if single else "multiple", "identifier", right)
    body = _body(item, question)
    interaction = _sub(body, "choiceInteraction", responseIdentifier=RESPONSE,
                       shuffle=str(question.shuffle).lower(), maxChoices="1" if single else "0")
    _simple_choices(interaction, [c.text for c in question.choices], LETTERS,
                    [c.pinned for c in question.choices])
    return body


def _true_false(item: ET.Element, question: TrueFalse) -> ET.Element:
    _declare(item, "single", "identifier", [str(question.answer).lower()])
    body = _body(item, question)
    interaction = _sub(body, "choiceInteraction", responseIdentifier=RESPONSE, shuffle="false",
                       maxChoices="1")
    _simple_choices(interaction, ["True", "False"], ["true", "false"], [True, True])
    return body


def _matching(item: ET.Element, question: Matching) -> ET.Element:
    count = len(question.pairs)
    _declare(item, "multiple", "directedPair", [f"L{n} R{n}" for n in range(1, count + 1)])
    body = _body(item, question)
    interaction = _sub(body, "matchInteraction", responseIdentifier=RESPONSE, shuffle="true",
                       maxAssociations=str(count))
    for side, texts in (("L", [p.left for p in question.pairs]),
                        ("R", [p.right for p in question.pairs])):
        match_set = _sub(interaction, "simpleMatchSet")
        for number, text in enumerate(texts, 1):
            _sub(match_set, "simpleAssociableChoice", text, identifier=f"{side}{number}",
                 matchMax="1")
    return body


def _ordering(item: ET.Element, question: Ordering) -> ET.Element:
    ids = [f"I{n}" for n in range(1, len(question.items) + 1)]
    _declare(item, "ordered", "identifier", ids)
    body = _body(item, question)
    interaction = _sub(body, "orderInteraction", responseIdentifier=RESPONSE, shuffle="true")
    _simple_choices(interaction, question.items, ids, [False] * len(ids))
    return body


def _short(item: ET.Element, question: ShortAnswer) -> ET.Element:
    declaration = _declare(item, "single", "string", [question.answers[0]])
    mapping = ET.SubElement(declaration, _q("mapping"), defaultValue="0", upperBound="1")
    for answer in question.answers:
        _sub(mapping, "mapEntry", mapKey=answer, mappedValue="1", caseSensitive="false")
    body = _body(item, question)
    line = _sub(body, "p")
    _sub(line, "textEntryInteraction", responseIdentifier=RESPONSE, expectedLength="30")
    return body


def _numeric(item: ET.Element, question: Numeric) -> ET.Element:
    _declare(item, "single", "float", [number_text(question.answer)])
    body = _body(item, question)
    line = _sub(body, "p")
    entry = _sub(line, "textEntryInteraction", responseIdentifier=RESPONSE, expectedLength="10")
    if question.unit:
        entry.tail = f" {question.unit}"
    return body


# One entry per question type: its response declaration and interaction.
WRITERS: dict[str, Callable[..., ET.Element]] = {
    "single_choice": _choices,
    "multiple_select": _choices,
    "true_false": _true_false,
    "matching": _matching,
    "ordering": _ordering,
    "short_answer": _short,
    "numeric": _numeric,
}


def _body(item: ET.Element, question: Question) -> ET.Element:
    """The outcomes (declared before the body, as the schema orders them), then the body."""
    score = _sub(item, "outcomeDeclaration", identifier="SCORE", cardinality="single",
                 baseType="float")
    _sub(_sub(score, "defaultValue"), "value", "0")
    _sub(item, "outcomeDeclaration", identifier="FEEDBACK", cardinality="single",
         baseType="identifier")
    body = _sub(item, "itemBody")
    _fragment(body, prompt_html(question, border=False))
    return body


def _condition(question: Question) -> ET.Element:
    """True when the response is right: matched, mapped to 1, or within the tolerance."""
    if isinstance(question, ShortAnswer):
        gte = ET.Element(_q("gte"))
        _sub(gte, "mapResponse", identifier=RESPONSE)
        _sub(gte, "baseValue", "1", baseType="float")
        return gte
    if isinstance(question, Numeric):
        tolerance = number_text(question.tolerance)
        equal = ET.Element(_q("equal"), {"toleranceMode": "absolute",
                                         "tolerance": f"{tolerance} {tolerance}"}
                           if question.tolerance else {"toleranceMode": "exact"})
    else:
        equal = ET.Element(_q("match"))
    _sub(equal, "variable", identifier=RESPONSE)
    _sub(equal, "correct", identifier=RESPONSE)
    return equal


def _processing(item: ET.Element, question: Question) -> None:
    processing = _sub(item, "responseProcessing")
    condition = _sub(processing, "responseCondition")
    right = _sub(condition, "responseIf")
    right.append(_condition(question))
    score = _sub(right, "setOutcomeValue", identifier="SCORE")
    _sub(score, "baseValue", "1", baseType="float")
    feedback = _sub(processing, "setOutcomeValue", identifier="FEEDBACK")
    _sub(feedback, "baseValue", "EXPLANATION", baseType="identifier")
    modal = _sub(item, "modalFeedback", outcomeIdentifier="FEEDBACK", identifier="EXPLANATION",
                 showHide="show")
    _fragment(modal, feedback_html(question))


def item_xml(question: Question) -> bytes:
    ET.register_namespace("", QTI)
    ET.register_namespace("xsi", XSI)
    item = ET.Element(_q("assessmentItem"), {
        f"{{{XSI}}}schemaLocation": QTI_LOCATION,
        "identifier": identifier(question.full_id),
        "title": question.full_id,
        "adaptive": "false",
        "timeDependent": "false",
    })
    WRITERS[question.type](item, question)
    _processing(item, question)
    return ET.tostring(item, encoding="utf-8", xml_declaration=True)


def test_xml(questions: Sequence[Question], title: str, hrefs: Sequence[str]) -> bytes:
    test = ET.Element(_q("assessmentTest"), {
        f"{{{XSI}}}schemaLocation": QTI_LOCATION, "identifier": "pacs-trainer-test",
        "title": title,
    })
    part = _sub(test, "testPart", identifier="part-1", navigationMode="nonlinear",
                submissionMode="simultaneous")
    section = _sub(part, "assessmentSection", identifier="section-1", title=title,
                   visible="true")
    for question, href in zip(questions, hrefs):
        _sub(section, "assessmentItemRef", identifier=identifier(question.full_id), href=href)
    return ET.tostring(test, encoding="utf-8", xml_declaration=True)


def manifest_xml(questions: Sequence[Question], hrefs: Sequence[str]) -> bytes:
    ET.register_namespace("", CP)

    def cp(tag: str) -> str:
        return f"{{{CP}}}{tag}"

    manifest = ET.Element(cp("manifest"), {
        f"{{{XSI}}}schemaLocation": CP_LOCATION, "identifier": "pacs-trainer-package",
    })
    metadata = ET.SubElement(manifest, cp("metadata"))
    ET.SubElement(metadata, cp("schema")).text = "QTIv2.1 Package"
    ET.SubElement(metadata, cp("schemaversion")).text = "1.0.0"
    ET.SubElement(manifest, cp("organizations"))
    resources = ET.SubElement(manifest, cp("resources"))
    test = ET.SubElement(resources, cp("resource"), identifier="resource-test",
                         type="imsqti_test_xmlv2p1", href=TEST_FILE)
    ET.SubElement(test, cp("file"), href=TEST_FILE)
    for question in questions:
        ET.SubElement(test, cp("dependency"),
                      identifierref=f"resource-{identifier(question.full_id)}")
    for question, href in zip(questions, hrefs):
        resource = ET.SubElement(resources, cp("resource"),
                                 identifier=f"resource-{identifier(question.full_id)}",
                                 type="imsqti_item_xmlv2p1", href=href)
        ET.SubElement(resource, cp("file"), href=href)
    return ET.tostring(manifest, encoding="utf-8", xml_declaration=True)


def write_qti(questions: Sequence[Question], path: Path, title: str) -> None:
    """The content package as a zip: manifest, test, one file per item."""
    hrefs = [f"{ITEM_DIR}/{identifier(q.full_id)}.xml" for q in questions]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr(MANIFEST, manifest_xml(questions, hrefs))
        package.writestr(TEST_FILE, test_xml(questions, title, hrefs))
        for question, href in zip(questions, hrefs):
            package.writestr(href, item_xml(question))
