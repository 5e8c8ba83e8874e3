"""A console logger that prints one line per pipeline stage message instead of Dagster's full event log."""

import logging
import sys

import dagster as dg


class _StageLines(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        meta = getattr(record, "dagster_meta", {}) or {}
        message = meta.get("orig_message") or record.getMessage()
        event = meta.get("dagster_event")
        if event is not None:
            # Failures and check results from Dagster itself; the rest is noise on a console.
            if event.event_type_value in ("STEP_FAILURE", "RUN_FAILURE", "ASSET_CHECK_EVALUATION"):
                if event.event_type_value != "ASSET_CHECK_EVALUATION" or not event.event_specific_data.evaluation.passed:
                    print(f"  ! {message}", file=sys.stderr, flush=True)
            return
        if message.startswith("[") or record.levelno >= logging.WARNING:
            print(f"  {message}", flush=True)


@dg.logger(description="One line per stage message (`[stage] …`), warnings and failures.")
def progress_logger(_init_context: dg.InitLoggerContext) -> logging.Logger:
    log = logging.getLogger("ogi.progress")
    log.setLevel(logging.INFO)
    log.propagate = False
    if not log.handlers:
        log.addHandler(_StageLines())
    return log
