"""Exam blueprints: YAML files in question_bank/exams/ that say how an exam form is drawn.

A blueprint gives the number of scored questions, the time limit, the pass mark, and draws:
each draw selects questions by topic, bank or source and takes a count or a weight of the
questions. Files are read with the banks' loader, so errors read `file:line:col: path: message`
and a bad blueprint is skipped while the others load. Whether the questions at hand can fill a
blueprint is only known when a form is built (`trainer.core.exam.build_form`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from trainer.core.banks import BankError, load_model_files
from trainer.core.pool import Source, source_of
from trainer.core.questions import (
    QUESTION_TYPES,
    Id,
    MultipleSelect,
    Number,
    PlainText,
    Question,
    SingleChoice,
    Topic,
)
from trainer.core.yaml_source import Limits, quote

QuestionType = Literal[QUESTION_TYPES]  # type: ignore[valid-type]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Draw(_Model):
    """Questions matching every selector given (an empty selector matches all): a fixed
    `count`, or a `weight` sharing the questions the counts leave."""

    topics: tuple[Topic, ...] = Field((), description="questions with any of these topics")
    banks: tuple[Id, ...] = Field((), description="questions from these bank ids")
    sources: tuple[Source, ...] = Field(
        (), description="banks (the YAML banks), registry or studies (generated questions)"
    )
    count: int | None = Field(None, ge=1, strict=True)
    weight: Number | None = Field(None, gt=0)

    @model_validator(mode="after")
    def _count_or_weight(self) -> Draw:
        if (self.count is None) == (self.weight is None):
            raise ValueError("give a draw either a count or a weight (not both)")
        return self

    def describe(self) -> str:
        """The selectors in words, for messages: "topic image-counts; source studies"."""
        parts = [
            f"{name if len(values) == 1 else name + 's'} {', '.join(values)}"
            for name, values in (
                ("topic", self.topics), ("bank", self.banks), ("source", self.sources)
            )
            if values
        ]
        return "; ".join(parts) or "any question"

    def matches(self, question: Question) -> bool:
        return (
            (not self.topics or bool(set(self.topics).intersection(question.topics)))
            and (not self.banks or question.bank in self.banks)
            and (not self.sources or source_of(question) in self.sources)
        )


class Blueprint(_Model):
    """An exam blueprint file."""

    model_config = ConfigDict(title="pacs-trainer exam blueprint")

    id: Id = Field(description="what `pacs-trainer quiz --exam` and the history use")
    title: PlainText
    description: PlainText | None = None
    questions: int = Field(ge=1, le=500, strict=True, description="scored questions")
    time_limit_minutes: int = Field(ge=1, le=600, strict=True)
    pass_mark: Number = Field(ge=0, le=100, description="percent of the scored points")
    navigation: Literal["free", "sequential"] = Field(
        "free", description="free: any question, any order; sequential: forward only"
    )
    shuffle: bool = Field(True, description="mix the draws; false keeps them in file order")
    feedback: Literal["end"] = Field("end", description="exams give feedback only at the end")
    partial_credit: bool = Field(
        False, description="fractions for multiple_select, matching and ordering"
    )
    allowed_types: tuple[QuestionType, ...] = Field(QUESTION_TYPES, min_length=1)
    max_percent_by_type: dict[QuestionType, Number] = Field(
        {}, description="at most this percent of the scored questions, by type"
    )
    choice_count: int | None = Field(
        None, ge=2, le=8, strict=True, description="choice questions must have this many choices"
    )
    draws: tuple[Draw, ...] = Field(min_length=1)
    pilot_items: int = Field(
        0, ge=0, le=100, strict=True, description="extra unscored questions, mixed in unmarked"
    )

    @field_validator("max_percent_by_type")
    @classmethod
    def _limits_fit(cls, limits: dict[str, float], info: ValidationInfo) -> dict[str, float]:
        allowed = info.data.get("allowed_types", QUESTION_TYPES)
        for kind, percent in limits.items():
            if kind not in allowed:
                raise ValueError(f"{quote(kind)} is not in allowed_types")
            if not 0 <= percent <= 100:
                raise ValueError(f"the limit for {kind} must be a percent from 0 to 100")
        return limits

    @field_validator("draws")
    @classmethod
    def _draws_add_up(cls, draws: tuple[Draw, ...], info: ValidationInfo) -> tuple[Draw, ...]:
        questions = info.data.get("questions")
        if questions is None:
            return draws
        counted = sum(draw.count or 0 for draw in draws)
        weighted = any(draw.weight is not None for draw in draws)
        if not weighted and counted != questions:
            raise ValueError(
                f"the draw counts add up to {counted} but questions is {questions}; "
                "fix a count, or give a draw a weight to take the rest"
            )
        if weighted and counted >= questions:
            raise ValueError(
                f"the draw counts already take {counted} of the {questions} questions, "
                "leaving none for the draws with a weight"
            )
        return draws

    def draw_counts(self) -> list[int]:
        """Questions per draw: counts as given, the rest shared by weight (largest remainder)."""
        rest = self.questions - sum(draw.count or 0 for draw in self.draws)
        weights = {i: draw.weight for i, draw in enumerate(self.draws) if draw.weight is not None}
        total = sum(weights.values())
        shares = {i: rest * weight / total for i, weight in weights.items()}
        counts = {i: math.floor(share) for i, share in shares.items()}
        by_remainder = sorted(shares, key=lambda i: (-(shares[i] - counts[i]), i))
        for i in by_remainder[: rest - sum(counts.values())]:
            counts[i] += 1
        return [
            draw.count if draw.count is not None else counts[i]
            for i, draw in enumerate(self.draws)
        ]

    def type_caps(self) -> dict[str, int]:
        """The most scored questions of each limited type."""
        return {
            kind: math.floor(self.questions * percent / 100 + 1e-9)
            for kind, percent in self.max_percent_by_type.items()
        }

    def allows(self, question: Question) -> bool:
        """The question's type is allowed and, for choice questions, its choice count fits."""
        if question.type not in self.allowed_types:
            return False
        if self.choice_count is not None and isinstance(question, (SingleChoice, MultipleSelect)):
            return len(question.choices) == self.choice_count
        return True

    def snapshot(self) -> dict[str, Any]:
        """Plain data to store with an attempt, so it is graded by the rules it started with."""
        return self.model_dump(mode="json")


@dataclass(frozen=True)
class BlueprintCatalog:
    blueprints: tuple[Blueprint, ...]
    errors: tuple[BankError, ...]

    @cached_property
    def _by_id(self) -> dict[str, Blueprint]:
        return {blueprint.id: blueprint for blueprint in self.blueprints}

    def get(self, blueprint_id: str) -> Blueprint | None:
        return self._by_id.get(blueprint_id)


def load_blueprints(*folders: Path, limits: Limits = Limits()) -> BlueprintCatalog:
    """Every *.yaml/*.yml blueprint in the folders; bad files and repeated ids are errors."""
    blueprints, errors = load_model_files(folders, Blueprint, kind="blueprint", limits=limits)
    return BlueprintCatalog(tuple(blueprints), tuple(errors))
