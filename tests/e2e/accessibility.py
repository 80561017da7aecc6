"""axe-core checks for the browser tests: no serious or critical violations."""

from __future__ import annotations

from typing import Any

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

BLOCKING_IMPACTS = {"serious", "critical"}

_axe = Axe()


def describe(violations: list[dict[str, Any]]) -> str:
    """A readable report: rule, impact, what it means, and where on the page."""
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}\n"
            f"  {violation['helpUrl']}"
        )
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            summary = (node.get("failureSummary") or "").replace("\n", "\n      ")
            lines.append(f"    at {target}\n      {node['html'][:200]}\n      {summary}")
    return "\n".join(lines)


def assert_accessible(page: Page, where: str) -> None:
    """Run axe-core on the current page; fail on serious or critical violations."""
    results = _axe.run(page)
    blocking = [v for v in results.response["violations"] if v["impact"] in BLOCKING_IMPACTS]
    assert not blocking, (
        f"axe-core found {len(blocking)} serious/critical accessibility violation(s) "
        f"on {where} ({page.url}):\n{describe(blocking)}"
    )
