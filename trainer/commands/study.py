"""`pacs-trainer study list|export|import`: synthetic study lists, as a table or as DICOM files.

`export` writes the synthetic studies as DICOM Part 10 files (one folder per patient, study and
series); `import` reads a folder of DICOM files back into a study list, headers only, listing
the files it had to skip and why.
"""

from __future__ import annotations

import argparse
import json

from trainer.commands import DEFAULT_SEED, SEED_NOTE, error, format_table, positive_int
from trainer.core.studies import PROCEDURES, CountPolicy


def add_parser(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "study",
        parents=[common],
        help="synthetic study lists; export them as DICOM files, import DICOM folders",
        description=(
            "Synthetic patients and studies with a realistic make-up, for practice; write "
            "them as DICOM files, or read a folder of DICOM files as a study list."
        ),
    )
    actions = parser.add_subparsers(dest="study_action", metavar="ACTION", required=True)
    listing = actions.add_parser(
        "list",
        parents=[common],
        help="print a synthetic study list",
        description=(
            "Print a study list as a PACS worklist shows it: Patient Name, Patient ID, date "
            "of birth, Accession Number, Study Description, Modalities in Study, Study Date "
            "and an image count (Imgs) under the chosen policy."
        ),
        epilog=SEED_NOTE,
    )
    listing.add_argument(
        "--count", type=positive_int, default=10, metavar="K", help="how many studies (default 10)"
    )
    listing.add_argument(
        "--policy",
        choices=[policy.value for policy in CountPolicy],
        default=CountPolicy.PIXEL_DATA.value,
        help=(
            "what Imgs counts: pixel = instances with pixel data (typical of a legacy PACS, "
            "the default), all = all instances (typical of a VNA), frames = frames"
        ),
    )
    listing.add_argument(
        "--json",
        action="store_true",
        help="print JSON: every study with its series, instances and count under each policy",
    )
    exporting = actions.add_parser(
        "export",
        parents=[common],
        help="write synthetic studies as DICOM files",
        description=(
            "Write every instance of the synthetic studies as a DICOM Part 10 file: images "
            "with small real pixel data, presentation states, key object selections and "
            "structured reports that reference the study's images. Files go to "
            "DIR/<Patient ID>/<Accession Number>/<series number>_<modality>/IMnnnnn.dcm."
        ),
        epilog=SEED_NOTE + " The same seed writes the same files, UIDs included.",
    )
    exporting.add_argument("--out", required=True, metavar="DIR", help="folder to write into")
    exporting.add_argument(
        "--template",
        choices=[procedure.key for procedure in PROCEDURES],
        metavar="T",
        help="only studies of this procedure template: "
        + ", ".join(procedure.key for procedure in PROCEDURES),
    )
    exporting.add_argument(
        "--count",
        type=positive_int,
        metavar="K",
        help="how many studies (default 10, the list `study list` shows; 1 with --template)",
    )
    importing = actions.add_parser(
        "import",
        parents=[common],
        help="read a folder of DICOM files as a study list",
        description=(
            "Read every file under DIR (headers only, no pixel data), group the instances "
            "into patients, studies and series, and print the study list with its count "
            "under each policy. Files that are not DICOM, are damaged, repeat an instance or "
            "are not instances of a study are listed with the reason."
        ),
    )
    importing.add_argument("folder", metavar="DIR", help="the folder to read, with subfolders")
    importing.add_argument(
        "--json",
        action="store_true",
        help="print JSON: studies with series and instances (their files), and skipped files",
    )
    listing.set_defaults(func=run)
    exporting.set_defaults(func=run_export)
    importing.set_defaults(func=run_import)


def run(args: argparse.Namespace) -> int:
    from trainer.core.studies import WORKLIST_COLUMNS, generate_studies, worklist_rows

    seed = DEFAULT_SEED if args.seed is None else args.seed
    studies = generate_studies(seed, args.count)
    if args.json:
        print(json.dumps([study.to_dict() for study in studies], indent=2))
        return 0
    policy = CountPolicy(args.policy)
    print(f"Study list, seed {seed}. Imgs: {policy.title} ({policy.typical_of}).")
    print()
    print(format_table(WORKLIST_COLUMNS, worklist_rows(studies, policy)))
    return 0


def run_export(args: argparse.Namespace) -> int:
    from pathlib import Path

    from trainer.core.dicom_io import export_studies
    from trainer.core.studies import generate_studies

    seed = DEFAULT_SEED if args.seed is None else args.seed
    procedures = PROCEDURES
    if args.template:
        procedures = tuple(p for p in PROCEDURES if p.key == args.template)
    count = args.count or (1 if args.template else 10)
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        error(f"{out} is a file, not a folder")
        return 1
    try:
        summary = export_studies(generate_studies(seed, count, procedures), out)
    except OSError as exc:
        error(f"cannot write to {out}: {exc.strerror or exc}")
        return 1
    print(summary.line())
    return 0


IMPORT_COLUMNS = ("Name", "ID", "DOB", "Acc#", "Description", "Mods", "Date")


def run_import(args: argparse.Namespace) -> int:
    from pathlib import Path

    from trainer.core.dicom_import import import_folder
    from trainer.core.sanitize import strip_controls
    from trainer.core.studies import worklist_cells

    root = Path(args.folder)
    if not root.is_dir():
        error(f"no such folder: {root}")
        return 1
    result = import_folder(root)
    if args.json:
        print(
            json.dumps(
                {
                    "root": str(root),
                    "summary": result.summary(),
                    "studies": [result.study_dict(study) for study in result.studies],
                    "skipped": [skip.to_dict() for skip in result.skipped],
                },
                indent=2,
            )
        )
        return 0
    print(f"Study list from {strip_controls(str(root))}. {result.summary()}.")
    if result.studies:
        print(
            "Counts: Pixel = instances with pixel data (typical of a legacy PACS), "
            "All = all instances (typical of a VNA), Frames = frames."
        )
        print()
        rows = []
        for study in result.studies:
            cells = worklist_cells(study, CountPolicy.PIXEL_DATA)
            for column in ("DOB", "Date"):
                cells[column] = cells[column] if len(cells[column]) == 10 else ""
            counts = [str(study.count(policy)) for policy in CountPolicy]
            rows.append((*(cells[column] for column in IMPORT_COLUMNS), *counts))
        print(format_table((*IMPORT_COLUMNS, "Pixel", "All", "Frames"), rows))
    if result.skipped:
        print()
        print(f"Skipped {len(result.skipped)} files:")
        for skip in result.skipped:
            where = strip_controls(str(skip.path.relative_to(root)))
            print(f"  {where}: {skip.kind}: {skip.reason}")
    return 0
