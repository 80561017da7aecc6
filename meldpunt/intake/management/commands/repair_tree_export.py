"""``manage.py repair_tree_export CODE PATH``: write a question tree to a file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from meldpunt.intake.models import QuestionTree
from meldpunt.intake.repair_tree_io import repair_tree_export_json, repair_tree_export_xlsx


class Command(BaseCommand):
    help = (
        "Export the repair question tree CODE to PATH: an Excel workbook when PATH ends "
        "in .xlsx, else JSON in the exchange format (content/FORMAT.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help="The tree's code.")
        parser.add_argument("path", type=Path, help="Where to write; '-' for standard output.")

    def handle(self, *args: Any, code: str, path: Path, **options: Any) -> None:
        tree = QuestionTree.objects.filter(code=code).first()
        if tree is None:
            known = ", ".join(QuestionTree.objects.values_list("code", flat=True)) or "none"
            raise CommandError(f"No tree with code {code!r} (known: {known}).")
        if path.suffix.lower() == ".xlsx":
            path.write_bytes(repair_tree_export_xlsx(tree=tree))
        else:
            text = json.dumps(repair_tree_export_json(tree=tree), ensure_ascii=False, indent=2)
            if str(path) == "-":
                self.stdout.write(text)
                return
            path.write_text(text + "\n", encoding="utf-8")
        self.stdout.write(f"Exported tree {tree.code!r} to {path}")
