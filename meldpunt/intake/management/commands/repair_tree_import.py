"""``manage.py repair_tree_import PATH [--default] [--keep]``: load a question tree file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from meldpunt.common.actors import Actor
from meldpunt.intake.repair_tree_admin import tree_set_default
from meldpunt.intake.repair_tree_io import repair_tree_import_file


class Command(BaseCommand):
    help = (
        "Import a repair question tree from a JSON file (content/FORMAT.md) or an Excel "
        "workbook, told apart by content. The tree with the file's code is created or "
        "updated; nothing changes when the file has any problem."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="The .json or .xlsx file.")
        parser.add_argument(
            "--default", action="store_true", help="Make the tree the default tree."
        )
        parser.add_argument(
            "--keep",
            action="store_true",
            help="Keep templates, tips, causes, action codes and options the file does not name.",
        )

    def handle(self, *args: Any, path: Path, default: bool, keep: bool, **options: Any) -> None:
        try:
            content = path.read_bytes()
        except OSError as error:
            raise CommandError(f"{path}: {error.strerror}") from error
        actor = Actor.system("repair_tree_import")
        try:
            with transaction.atomic():
                tree = repair_tree_import_file(actor=actor, content=content, replace=not keep)
                if default:
                    tree_set_default(actor=actor, tree=tree)
        except ValidationError as error:
            raise CommandError("\n".join([f"{path}:", *error.messages])) from error
        nodes = tree.nodes.count()
        self.stdout.write(
            f"Imported tree {tree.code!r}: {nodes} options, revision {tree.revision}"
            + (", default tree" if default else "")
        )
