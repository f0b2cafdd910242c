"""`pacs-trainer registry`: find SOP classes by text, modality or category; a table or JSON."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from trainer.commands import error, format_table

if TYPE_CHECKING:
    from trainer.core.registry import SopClass

NAME_WIDTH = 46  # keeps a row within ~115 columns; longer names end in an ellipsis
ELLIPSIS = "…"


def add_parser(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "registry",
        parents=[common],
        help="list and search SOP classes",
        description=(
            "List the SOP classes of the DICOM standard (as pydicom carries it), with the "
            "Modality value and category of each Storage class. Retired classes are hidden "
            "unless --include-retired is given."
        ),
    )
    parser.add_argument(
        "query",
        nargs="?",
        default="",
        metavar="QUERY",
        help="text to find in the name, keyword or UID (case-insensitive)",
    )
    parser.add_argument(
        "--modality", metavar="M", help="only classes whose Modality is M, e.g. CT, SR, KO"
    )
    parser.add_argument(
        "--category", metavar="C", help="only classes in category C, e.g. waveform, image"
    )
    parser.add_argument("--storage", action="store_true", help="only Storage SOP classes")
    parser.add_argument(
        "--common",
        action="store_true",
        help="only the classes a PACS analyst meets at work (image, PR/SR/KO, network)",
    )
    parser.add_argument(
        "--include-retired", action="store_true", help="include retired SOP classes"
    )
    parser.add_argument(
        "--json", action="store_true", help="print a JSON array instead of a table"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from trainer.core.registry import CATEGORIES, load_registry

    category = args.category.strip().lower() if args.category is not None else None
    if category is not None and category not in CATEGORIES:
        error(f"unknown category {args.category!r}; choose from: {', '.join(CATEGORIES)}")
        return 2
    registry = load_registry()

    def find(include_retired: bool) -> list[SopClass]:
        return registry.filter(
            args.query,
            modality=args.modality.strip() if args.modality is not None else None,
            category=category,
            storage=args.storage,
            include_retired=include_retired,
            common=args.common,
        )

    matches = find(args.include_retired)
    if not matches:
        message = f"no SOP class matches {_describe(args)}"
        if not args.include_retired and find(include_retired=True):
            message += "; retired ones do: add --include-retired"
        error(message)
        return 1
    if args.json:
        print(json.dumps([sop.to_dict() for sop in matches], indent=2))
    else:
        print(render_table(matches))
    return 0


def _describe(args: argparse.Namespace) -> str:
    """The search in words, so a no-match message says what was asked."""
    filters = [
        f"modality {args.modality}" if args.modality else "",
        f"category {args.category}" if args.category else "",
        "storage only" if args.storage else "",
        "common only" if args.common else "",
    ]
    said = ", ".join(part for part in filters if part)
    if args.query:
        return f"{args.query!r}" + (f" ({said})" if said else "")
    return said or "the filters"


def render_table(classes: list[SopClass]) -> str:
    """Aligned plain-text columns UID, NAME, MODALITY, CATEGORY; '-' where a value is absent."""
    rows = [
        (sop.uid, _clip(sop.name or "(unnamed)"), sop.modality or "-", sop.category or "-")
        for sop in classes
    ]
    return format_table(("UID", "NAME", "MODALITY", "CATEGORY"), rows)


def _clip(name: str) -> str:
    return name if len(name) <= NAME_WIDTH else name[: NAME_WIDTH - 1] + ELLIPSIS
