"""Retention (settings.retention): what people wrote is kept only as long as the settings say.

A kudos and its add-ons are counted by the insights and the audit, so past `kudos_message_days` their
records stay and only their messages are blanked: the same redaction an erasure does (the kudos, its
add-ons and a kept first response; `message_redacted_at` set, so the stream has the bot's Slack posts of it
updated to say the message was removed, and forgets them). Postings never hold a message.

The run walks the ledger's day index from where it stopped (a checkpoint: the next UTC day, and the page of
it), a page of transactions at a time, and stops after PAGES_PER_RUN pages, so a long backlog (retention
switched on over years of history) is worked off over the following runs of the hourly schedule. Once
caught up, a run reads its checkpoint and the day (or days) that came due. The first run starts at the
organisation's oldest kudos. Each blanking is conditional on text being left, so a rerun changes nothing.
"""

from datetime import UTC, datetime, timedelta

from plaudit.domain.model import Model
from plaudit.store import erasures
from plaudit.store import retention as store
from plaudit.store.snapshots import load

PAGE = 100  # transactions read per page of a day
PAGES_PER_RUN = 200


class RetentionRun(Model):
    days_done: int = 0
    kudos_checked: int = 0
    messages_blanked: int = 0
    behind: bool = False  # stopped at the page bound: the next run goes on
    pages_read: int = 0


def run_due(at: datetime) -> RetentionRun:
    """Blank the messages of the kudos given before the retention cutoff (nothing when it is off)."""
    days = load(settings=True).settings().retention.kudos_message_days
    run = RetentionRun()
    if days is None:
        return run
    cutoff = (at - timedelta(days=days)).astimezone(UTC).date()  # kudos of the days before it are blanked
    mark = store.checkpoint()
    if mark is None:
        oldest = store.oldest_kudos_day()
        if oldest is None:
            return run
        mark = (oldest, None)
    day, cursor = mark
    start = mark
    while day < cutoff:
        if run.pages_read == PAGES_PER_RUN:
            run.behind = True
            break
        ids, cursor = store.kudos_of_day(day, limit=PAGE, cursor=cursor)
        run.pages_read += 1
        run.kudos_checked += len(ids)
        run.messages_blanked += erasures.redact_kudos(ids, at)
        if cursor is None:
            day += timedelta(days=1)
            run.days_done += 1
    if (day, cursor) != start:
        store.save_checkpoint(day, cursor, at)
    return run
