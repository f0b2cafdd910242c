"""`pacs-trainer study list|export|import`: synthetic study lists, as a table or as DICOM files.

`export` writes the synthetic studies as DICOM Part 10 files (one folder per patient, study and
series); `import` reads a folder of DICOM files back into a study list, headers only, listing
the files it had to skip and why. File names and values from a folder reach the terminal with
their control and invisible characters written out (`\\x1b`, `\\u202e`).
"""

from __future__ import annotations

import argparse
import json

from trainer.commands import DEFAULT_SEED, SEED_NOTE, error, format_table, positive_int
from trainer.core.studies import DEFAULT_POLICY, PROCEDURES, CountPolicy, Study

COUNTS_NOTE = "; ".join(f"{p.value} = {p.title}: {p.basis}" for p in CountPolicy)



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
    _add_list(actions, common)
    _add_export(actions, common)
    _add_import(actions, common)


def _add_list(actions: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
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
        default=DEFAULT_POLICY.value,
        help=f"what Imgs counts (default {DEFAULT_POLICY.value}): {COUNTS_NOTE}",
    )
    listing.add_argument(
        "--json",
        action="store_true",
        help="print JSON: every study with its series, instances and count under each policy",
    )
    listing.set_defaults(func=run)


def _add_export(actions: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    exporting = actions.add_parser(
        "export",
        parents=[common],
        help="write synthetic studies as DICOM files",
        description=(
            "Write every instance of the synthetic studies as a DICOM Part 10 file: images "
            "with small real pixel data placed in the patient as their series descriptions "
            "say, presentation states, key object selections and structured reports (dose "
            "reports with one irradiation event per acquisition) that reference the study's "
            "images. Files go to "
            "DIR/<Patient ID>/<Accession Number>/<series number>_<modality>/IMnnnnn.dcm. "
            "Every study has UIDs, Patient ID and Accession Number of its own, whatever the "
            "template, seed or count, so exports can be stored together in one PACS."
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
    exporting.set_defaults(func=run_export)


def _add_import(actions: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    importing = actions.add_parser(
        "import",
        parents=[common],
        help="read a folder of DICOM files as a study list",
        description=(
            "Read every file under DIR (headers only, no pixel data) as a PACS would take it, "
            "group the instances into patients, studies and series, and print the study list "
            "with its count under each policy. A data set without a Part 10 file header is "
            "read and said so; files that are not DICOM, are damaged, lack a SOP Class UID or "
            "are not instances of a study are listed with the reason, and FIFOs, sockets and "
            "devices are skipped without being opened. Two files with one SOP Instance UID "
            "are both listed, the later one named as a duplicate."
        ),
        epilog=f"Counts: {COUNTS_NOTE}.",
    )
    importing.add_argument("folder", metavar="DIR", help="the folder to read, with subfolders")
    importing.add_argument(
        "--json",
        action="store_true",
        help="print JSON: studies with series and instances (their files), skipped files and "
        "remarks",
    )
    importing.set_defaults(func=run_import)


def run(args: argparse.Namespace) -> int:
    from trainer.core.studies import WORKLIST_COLUMNS, generate_studies, worklist_rows

    seed = DEFAULT_SEED if args.seed is None else args.seed
    studies = generate_studies(seed, args.count)
    if args.json:
        print(json.dumps([study.to_dict() for study in studies], indent=2))
        return 0
    policy = CountPolicy(args.policy)
    print(f"Study list, seed {seed}. Imgs: {policy.title} ({policy.basis}).")
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
    from trainer.core.sanitize import escape_controls

    root = Path(args.folder)
    if root.exists() and not root.is_dir():  # as study export says it
        error(f"{escape_controls(str(root))} is a file, not a folder")
        return 1
    if not root.is_dir():
        error(f"no such folder: {escape_controls(str(root))}")
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
                    "remarks": [remark.to_dict() for remark in result.remarks],
                },
                indent=2,
            )
        )
        return 0
    print(f"Study list from {escape_controls(str(root))}. {result.summary()}.")
    if result.studies:
        print(f"Counts: {COUNTS_NOTE}.")
        print()
        print(_import_table(result.studies))
    for title, files in (("Skipped", result.skipped), ("Remarks on", result.remarks)):
        if files:
            print()
            print(f"{title} {len(files)} file{'' if len(files) == 1 else 's'}:")
            for skip in files:
                where = escape_controls(str(skip.path.relative_to(root)))
                print(f"  {where}: {skip.kind}: {skip.reason}")
    return 0


def _import_table(studies: tuple[Study, ...]) -> str:
    from trainer.core.studies import COUNT_COLUMNS, worklist_cells

    rows = []
    for study in studies:
        cells = worklist_cells(study, DEFAULT_POLICY)  # with the browser's Pix, All and Frm
        rows.append(tuple(cells[column] for column in (*IMPORT_COLUMNS, *COUNT_COLUMNS)))
    return format_table((*IMPORT_COLUMNS, "Pixel", "All", "Frames"), rows)
