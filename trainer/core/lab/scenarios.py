"""Lab scenarios: a ticket to work, as data. YAML files in lab/, read with the banks' loader.

A scenario gives the ticket, the modality that sends (its AE titles and the synthetic study it
sends, perhaps JPEG 2000-encoded or with a vendor's private series), the PACS (one, or a PACS
and a VNA side by side) and their conformance, the configuration changes the learner may make,
which of them solve the ticket, and the diagnostic questions, written like bank questions and
graded, stored and reviewed like them (their ids read "lab-<scenario>/<question>"). A bad file
is reported as `file:line:col: path: message` and skipped; the others load.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from trainer.core.banks import BankError, load_model_files
from trainer.core.lab import names
from trainer.core.lab.conformance import Conformance, check_ae_title
from trainer.core.questions import Id, PlainText, Question, in_bank
from trainer.core.studies import PROCEDURES, CountPolicy
from trainer.core.yaml_source import Limits, quote

BANK_PREFIX = "lab-"
Goal = Literal["all-stored", "explained"]


def _one_syntax_group(text: str) -> str:
    names.transfer_syntaxes([text])
    return text


def _one_syntax(text: str) -> str:
    if not names.is_transfer_syntax(text):
        raise ValueError(f"{quote(text)} is not a transfer syntax UID in the DICOM registry")
    return text


def _private(text: str) -> str:
    if not names.is_uid(text) or text.startswith("1.2.840.10008."):
        raise ValueError(f"{quote(text)} is not a private (non-DICOM-root) UID")
    return text


def _template(key: str) -> str:
    keys = [procedure.key for procedure in PROCEDURES]
    if key not in keys:
        raise ValueError(f"{quote(key)} is not a study template (one of {', '.join(keys)})")
    return key


AeTitle = Annotated[str, AfterValidator(check_ae_title)]
StorageClass = Annotated[str, AfterValidator(names.storage_class)]
SyntaxGroup = Annotated[str, AfterValidator(_one_syntax_group)]
SyntaxUid = Annotated[str, AfterValidator(_one_syntax)]
PrivateUid = Annotated[str, AfterValidator(_private)]
Template = Annotated[str, AfterValidator(_template)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PacsSpec(_Model):
    """A PACS's configuration: its conformance statement in a few fields."""

    name: Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9 -]{0,15}$")] = "PACS"
    ae_title: AeTitle = "PACS"
    check_called_ae: bool = True
    storage: Literal["all"] | tuple[StorageClass, ...] = Field(
        "all", description='"all" (every active Storage SOP class) or a list'
    )
    refuses: tuple[StorageClass, ...] = Field((), description="taken out of `storage`")
    transfer_syntaxes: tuple[SyntaxGroup, ...] = Field(("uncompressed",), min_length=1)
    count: Literal["pixel", "all", "frames"] = "pixel"

    def conformance(self) -> Conformance:
        classes = (
            names.active_storage_classes() if self.storage == "all" else tuple(self.storage)
        )
        return Conformance(
            name=self.name,
            ae_title=self.ae_title,
            check_called_ae=self.check_called_ae,
            storage=frozenset(classes) - frozenset(self.refuses),
            transfer_syntaxes=names.transfer_syntaxes(self.transfer_syntaxes),
            count=CountPolicy(self.count),
        )


class ModalitySpec(_Model):
    """The sender: its own AE title, the AE title it calls, and what it sends."""

    ae_title: AeTitle
    calls: AeTitle | None = Field(None, description="default: each PACS's own AE title")
    template: Template
    seed: int = Field(1, ge=0, strict=True)
    transfer_syntax: SyntaxUid | None = Field(None, description="encode its images so")
    private_class: PrivateUid | None = None
    private_count: int = Field(0, ge=0, le=20, strict=True)
    private_description: PlainText = "Vendor private data"


class Change(_Model):
    """A configuration change the learner may make, on a PACS or on the modality."""

    id: Id
    label: PlainText
    pacs: str | None = Field(None, description="the PACS it changes (default: the first)")
    add_storage: tuple[StorageClass, ...] = ()
    add_transfer_syntaxes: tuple[SyntaxGroup, ...] = ()
    check_called_ae: bool | None = None
    modality_calls: AeTitle | None = None
    modality_uncompressed: bool = Field(False, description="the modality stops compressing")
    note: PlainText = Field(description="what the change means, shown once it is made")


class Scenario(_Model):
    id: Id
    title: PlainText
    summary: PlainText
    ticket: PlainText
    modality: ModalitySpec
    pacs: tuple[PacsSpec, ...] = Field(min_length=1, max_length=2)
    changes: tuple[Change, ...] = ()
    solved_by: tuple[Id, ...] = Field((), description="changes that each solve the ticket")
    goal: Goal = Field(description="all-stored: every instance reaches every PACS; "
                                   "explained: answering the questions closes the ticket")
    questions: tuple[Question, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        pacs_names = [spec.name for spec in self.pacs]
        if len(set(pacs_names)) != len(pacs_names):
            raise ValueError("two PACS have the same name")
        change_ids = [change.id for change in self.changes]
        if len(set(change_ids)) != len(change_ids):
            raise ValueError("two changes have the same id")
        for change in self.changes:
            if change.pacs is not None and change.pacs not in pacs_names:
                raise ValueError(f"change {quote(change.id)} names no PACS of this scenario")
        for solved in self.solved_by:
            if solved not in change_ids:
                raise ValueError(f"solved_by names {quote(solved)}, which is not a change")
        if self.goal == "all-stored" and not self.solved_by:
            raise ValueError('goal "all-stored" needs solved_by: the changes that solve it')
        question_ids = [question.id for question in self.questions]
        if len(set(question_ids)) != len(question_ids):
            raise ValueError("two questions have the same id")
        for question in self.questions:
            in_bank(question, self.bank)
        return self

    @property
    def bank(self) -> str:
        return BANK_PREFIX + self.id

    def change(self, change_id: str) -> Change:
        return next(change for change in self.changes if change.id == change_id)


@dataclass(frozen=True)
class ScenarioCatalog:
    scenarios: tuple[Scenario, ...]
    errors: tuple[BankError, ...]

    def get(self, scenario_id: str) -> Scenario | None:
        return next((s for s in self.scenarios if s.id == scenario_id), None)


def load_scenarios(folders: Iterable[Path], limits: Limits = Limits()) -> ScenarioCatalog:
    """Every scenario file in the folders; a bad one is reported, the others load."""
    found, errors = load_model_files(folders, Scenario, kind="scenario", limits=limits,
                                     missing_ok=True)
    return ScenarioCatalog(tuple(found), tuple(errors))


@cache
def shipped() -> ScenarioCatalog:
    from trainer.core.paths import lab_dir

    return load_scenarios([lab_dir()])


def find_question(full_id: str) -> Question | None:
    """A shipped scenario's question by its full id, for review cards and mistake lists."""
    bank, _, question_id = full_id.partition("/")
    if not bank.startswith(BANK_PREFIX):
        return None
    scenario = shipped().get(bank.removeprefix(BANK_PREFIX))
    if scenario is None:
        return None
    return next((q for q in scenario.questions if q.id == question_id), None)
