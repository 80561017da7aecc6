from meldpunt.common.events import declare

INBOX_REPORT_REPLIED = declare(
    "inbox_report.replied", "The reporter added text or photos to a report through their link"
)
