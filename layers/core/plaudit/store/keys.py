"""Every key format of the domain table, in one place.

PK            SK                                  what
EMP#<id>      PROFILE                             employee (GSI1: EMPLOYEES / <name>#<id>)
EMP#<id>      WALLET                              points and allowance balances
EMP#<id>      LEDGER#<at>#<txn>#<n>               one posting on the person's accounts
EMP#<id>      CAP#<recipient>                     points this person gave <recipient> in the current period
EMAIL#<email> ALIAS                               email -> employee id (uniqueness)
SLACK#<user>  ALIAS                               Slack user id -> employee id (uniqueness)
ORG           SETTINGS                            organisation settings
BUDGET#<id>   BUDGET                              budget and its balance (GSI1: BUDGETS / <id>)
BUDGET#<id>   LEDGER#<at>#<txn>#<n>               one posting on the budget's account
TXN#<id>      TXN                                 ledger transaction (all its postings) (GSI1:
                                                  TXNS#<YYYY-MM-DD> / <at>#<txn id>: a day for exports)
RECOG#<id>    RECOG                               a kudos (a reaction's, once taken back: with undone_at)
RECOG#<id>    ADDON#<adder>                       an add-on to it
FEED#<scope>  <created_at>#<recognition id>       feed index, written by the projection
RULE#<id>     RULE                                milestone rule, deleted: deleted_at set (GSI1: RULES / <id>)
MDAY#anniversary#<MM-DD>  <offset key>#<emp id>   day index: active people whose start date has this month-day
MDAY#birthday#<MM-DD>     <offset key>#<emp id>   day index: active people born on this month-day
START#<YYYY-MM-DD>        <offset key>#<emp id>   day index: active people who started on this date
                          (each day-index entry also on GSI1: MIDX#<kind>#<MM> / <MM-DD>#<emp id>, or
                          MIDX#start#<YYYY-MM> / <YYYY-MM-DD>#<emp id>: a month of them in one query)
AWARD#<id>    AWARD                               milestone award (GSI1: AWARDS / <created_at>#<id>)
REMIND#<award id>  REMIND                         manager reminder of an award ahead (once per award)
PENDING#<budget id>  <created_at>#<award id>      award waiting for its budget to be topped up
ORG           MILESTONE_RUN                       watermark: the instant the scheduled run processed up to
REFERRAL#<hire id>  REFERRAL                      a referred hire (GSI1: REFERRALS / <at>#<hire id>)
REFERRALS_DUE  <YYYY-MM-DD>#<hire id>#<rule id>   a referral's later part, waiting for its day
(offset key = the person's UTC offset in minutes + 1440, four digits: UTC+09:00 -> "1980")
STOCK#<item id>  COUNT                     codes in stock for a code_stock item, and its low-stock threshold
STOCK#<item id>  AVAIL#<uploaded at>#<hash>  an uploaded code not claimed yet (encrypted)
STOCK#<item id>  ALERT#<at>#<left>         stock_alert for HR: fewer codes left than the threshold
                                           (GSI1: STOCK_ALERTS / <at>#<item id>)
STOCKCODE#<hash>  STOCKCODE                a code ever uploaded (de-duplication by keyed hash)
STOCK_CLAIM#<redemption id>  CLAIM         the stock code a redemption claimed (a retry claims it again)
SANDBOX_ORDER#<reference>  ORDER|ATTEMPTS  the sandbox rewards provider's order for an external reference
SANDBOX_ORDER_ID#<order id>  POINTER       the sandbox order id -> its external reference
DEACTIVATIONS <expires YYYY-MM-DD>#<employee id>  a leaver's points to expire on that day (policy expire)
EMP#<id>      DEACTIVATION                        where the person's pending expiry marker is (reactivation)
LEAVING       <effective instant>#<employee id>   a termination that takes effect later (deactivates then)
ERASURES_DUE  <YYYY-MM-DD>#<employee id>          a leaver to erase on that day (settings.erasure)
EMP#<id>      ERASE_DUE                           where the person's erasure marker is (reactivation)
ORG           RETENTION                           the retention run's checkpoint: the next ledger day (and
                                                  page) whose kudos messages it blanks (settings.retention)
EMP#<id>      LEAVING                             where the person's scheduled termination is
VOUCHER#<id>  VOUCHER                           voucher, code encrypted (GSI1: VOUCHERS#<employee id> /
                                                  <issued_at>#<voucher id>)
CODE#<hash>   CODE                              voucher code (keyed hash) -> voucher id (uniqueness of codes)
VOUCHER_EXPIRY#<YYYY-MM-DD>  <voucher id>       live voucher expiring that day (gone once redeemed or expired)
VOUCHER_REMIND#<voucher id>  VOUCHER_REMIND     voucher_reminder for its owner, 7 days before expiry (once)
EMP#<id>      POINTS_REMIND#<YYYY-MM>             points_reminder: some of the person's points expire that
                                                  month (settings.points_expiry_months), told 30 days ahead
ORG           POINTS_EXPIRY#<YYYY-MM-DD>          the day's points-expiry run finished (it runs once a day)
PASS#<sha256 of token or code>  PASS            an instant perk's pass, under each of its two secrets (TTL
                                                  expires_at; status issued -> used once)
VOUCHER_TRIES#<caller>  <window start>          failed code checks in a 10-minute window (TTL expires_at)
ITEM#<id>     ITEM                                catalogue item (GSI1: CATALOG, or CATALOG#INACTIVE once
                                                  deactivated / <category>#<casefolded name>#<id>)
SLACKPOST#<kind>#<id>  <purpose>#<ts>        a message the bot posted about a kudos, award, voucher or
                                                  redemption: its channel and ts (to chat.update or redact it)
DIRECT_AWARDS  <created_at>#<rid>                 a direct item award (a redemption a budget paid): HR's list
                                                  (GSI1: DIRECT_AWARDS#<budget id> / <created_at>#<rid>)
INFLIGHT#<status>  <since>#<redemption id>       redemption approved or fulfilling since then (the re-queue
                                                  sweep; gone when it moves on)
AGG#<scope>#<period>  COUNTER                   insights counter of a scope (org, dept:<d>, country:<c>,
                                                  team:<manager>, person:<id>, value:<slug>) in a period
BOARD#<side>#<scope>#<period>  <employee id>      a person's row on a leaderboard (side: received|given;
                                                  indexes BoardPoints / BoardKudos: PK, board_points|kudos)
ROW#<family>#<group>  <sort>                      an insights row read as a range: spend#<YYYY-MM> /
                                                  <employee>#<country>#<manager>#<department> (what a
                                                  person received that month), expiring#<scope> /
                                                  <YYYY-MM-DD> (live vouchers expiring that day)
AGGMEMBER#<scope>#<period>#<role>  <employee id>  the person gave (role giver) or received (receiver) in
                                                  that scope and period: unique givers/receivers, once
AGGSRC#<source>  AGGSRC                           the projection batch that counted a source (a kudos, an
                                                  add-on, a reaction taken back); TTL expires_at
AGGBATCH#<id>  AGGBATCH                           a projection batch's journal: its sources, its counter
                                                  updates in chunks, the chunks applied; TTL expires_at
REPLAY#<id>   REPLAY                              the first response to a request with an Idempotency-Key,
                                                  and its request's fingerprint; <id>: what the key derived
ORG           SEASONS                             every season (one item: the projection reads it per batch)
SEASON#<id>   STANDINGS                           a season's frozen standings (written once, when it ends)
AUDIT         <seq, 12 digits>                    the administrative trail's entry <seq> (hash-chained)
EXPORT#<id>   EXPORT                              an export job: what, whose, its status and progress, its
                                                  file (S3 object exports/<id>.csv, or .zip for a person's
                                                  data); TTL expires_at. Once done, until its file is
                                                  deleted: GSI1: EXPORT_FILES / <file expires at>#<id>
CAMPAIGN#<id>  CAMPAIGN                          a campaign: its budget, status and progress counters
CAMPAIGN#<id>  CHUNK#<nnnn>                      a campaign's people, 100 a chunk (one queue message each),
                                                  and once processed, each one's outcome
EMP#<id>      AUDIT#<seq, 12 digits>              personal values of entry <seq>'s diff about the person
                                                  (outside the chain: erasure deletes it)
EMP#<id>      ERASURE                             the person's erasure: when, by whom, why, what it expired
                                                  (what erasing again answers)
EMP#<id>      TIER                                the person's status tier as last recomputed, the tiers
                                                  ever reached and the moves up announced (tier_status)
DIGEST#<week>  <manager id>                      a manager's weekly digest of that ISO week (once; TTL
                                                  expires_at); SK DONE: every manager's was written
HEADCOUNT     <scope>                             active people (bots aside) in a scope now: org, dept:<d>,
                                                  country:<c>, team:<manager id> (the directory keeps it)
TEAM#<manager id>  <employee id>                  an active person reporting to the manager (the directory)


BADGE#<id>    BADGE                               badge definition (GSI1: BADGES / <id>)
EMP#<id>      BADGE#<badge id>#<window>           a badge the person earned (window: a period id, y<years>
                                                  or once): exactly once, attribute_not_exists
EMP#<id>      STREAK                              weekly giving streak (GSI1: STREAKS#<last week> / <emp id>:
                                                  who may be nudged before it breaks)
NUDGE#<ISO week>  <employee id>                   streak nudge sent that week (once); TTL expires_at
EMP#<id>      NOTIFICATION#<notice id>            a notice sent to the person (a Slack DM, an email): what
                                                  about, never its text; the id derives from the stream
                                                  record and the notice (a redelivery overwrites it); TTL
                                                  expires_at (settings.retention.notification_days)

DESK#<id>     DESK                                a voucher desk: vendor, locations (GSI1: DESKS / <id>)
DESKACCOUNT#<subject>  DESK                       a desk account (a user pool `sub`) -> its desk
                                                  (GSI1: DESKACCOUNTS#<desk id> / <subject>)
"""

from datetime import UTC, date, datetime

Key = tuple[str, str]

EMPLOYEE_INDEX = "GSI1"
EMPLOYEES_PARTITION = "EMPLOYEES"


def iso(at: datetime) -> str:
    """UTC, millisecond precision, lexically sortable."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z"


def employee(employee_id: str) -> Key:
    return f"EMP#{employee_id}", "PROFILE"


def employee_sort(name: str, employee_id: str) -> str:
    return f"{name.casefold()}#{employee_id}"


NAME_WORDS_PARTITION = "NAMEWORDS"


def name_word(word: str, employee_id: str) -> Key:
    """The people picker's entry of one word of an active person's name (in search form)."""
    return NAME_WORDS_PARTITION, f"{word}#{employee_id}"


NOTIFICATION_PREFIX = "NOTIFICATION#"


def notification(employee_id: str, notice_id: str) -> Key:
    return f"EMP#{employee_id}", f"{NOTIFICATION_PREFIX}{notice_id}"


def wallet(employee_id: str) -> Key:
    return f"EMP#{employee_id}", "WALLET"


def ledger_line(employee_id: str, at: datetime, txn_id: str, index: int) -> Key:
    return f"EMP#{employee_id}", f"LEDGER#{iso(at)}#{txn_id}#{index:03d}"


LEDGER_PREFIX = "LEDGER#"


def recipient_cap(giver_id: str, recipient_id: str) -> Key:
    return f"EMP#{giver_id}", f"CAP#{recipient_id}"


def email_alias(email: str) -> Key:
    return f"EMAIL#{email.lower()}", "ALIAS"


def slack_alias(slack_user_id: str) -> Key:
    return f"SLACK#{slack_user_id}", "ALIAS"


def subject_alias(subject: str) -> Key:
    """The identity provider's subject (a Cognito `sub`) -> the person it signs in as."""
    return f"SUBJECT#{subject}", "ALIAS"


def account(employee_id: str) -> Key:
    """On the directory entry: the identity provider's subject the person is linked to."""
    return f"EMP#{employee_id}", "ACCOUNT"


SETTINGS: Key = ("ORG", "SETTINGS")


def first_response(derived_id: str) -> Key:
    return f"REPLAY#{derived_id}", "REPLAY"


BUDGET_INDEX = "GSI1"
BUDGETS_PARTITION = "BUDGETS"


def budget(budget_id: str) -> Key:
    return f"BUDGET#{budget_id}", "BUDGET"


def budget_ledger_line(budget_id: str, at: datetime, txn_id: str, index: int) -> Key:
    return f"BUDGET#{budget_id}", f"LEDGER#{iso(at)}#{txn_id}#{index:03d}"


def transaction(txn_id: str) -> Key:
    return f"TXN#{txn_id}", "TXN"


LEDGER_DAY_INDEX = "GSI1"


def ledger_day(day: date) -> str:
    """The GSI1 partition of the transactions of one UTC day (exports read a period day by day)."""
    return f"TXNS#{day.isoformat()}"


def ledger_day_sort(at: datetime, txn_id: str) -> str:
    return f"{iso(at)}#{txn_id}"


def recognition(recognition_id: str) -> Key:
    return f"RECOG#{recognition_id}", "RECOG"


def add_on(recognition_id: str, adder_id: str) -> Key:
    return f"RECOG#{recognition_id}", f"ADDON#{adder_id}"


CORRECTION_PREFIX = "CORRECTION#"


def correction(source_partition: str, number: int) -> Key:
    """The `number`th correction (from 1) of an award or a kudos, in the source's own partition (one Query
    reads the source with its corrections; two corrections that read the same history cannot both take
    the next number)."""
    return source_partition, f"{CORRECTION_PREFIX}{number:04d}"


def feed_partition(scope: str, value: str = "") -> str:
    """scope is all, giver, recipient or value."""
    return f"FEED#{scope}#{value}" if value else f"FEED#{scope}"


def feed_entry(partition: str, created_at: datetime, recognition_id: str) -> Key:
    return partition, f"{iso(created_at)}#{recognition_id}"


DEACTIVATIONS_PARTITION = "DEACTIVATIONS"


def deactivation_marker(expires_on: str, employee_id: str) -> Key:
    """expires_on: YYYY-MM-DD, so a range query reads exactly the markers due by a day."""
    return DEACTIVATIONS_PARTITION, f"{expires_on}#{employee_id}"


def deactivation_pointer(employee_id: str) -> Key:
    return f"EMP#{employee_id}", "DEACTIVATION"


ERASURES_DUE_PARTITION = "ERASURES_DUE"


def erasure_due(on: str, employee_id: str) -> Key:
    """on: YYYY-MM-DD, so a range query reads exactly the erasures due by a day."""
    return ERASURES_DUE_PARTITION, f"{on}#{employee_id}"


def erasure_due_pointer(employee_id: str) -> Key:
    return f"EMP#{employee_id}", "ERASE_DUE"


RETENTION_CHECKPOINT: Key = ("ORG", "RETENTION")


STOCK_ALERTS_PARTITION = "STOCK_ALERTS"
STOCK_CODE_PREFIX = "AVAIL#"


def stock_count(item_id: str) -> Key:
    return f"STOCK#{item_id}", "COUNT"


def stock_partition(item_id: str) -> str:
    return f"STOCK#{item_id}"


def stock_code(item_id: str, uploaded_at: datetime, code_hash: str) -> Key:
    return stock_partition(item_id), f"{STOCK_CODE_PREFIX}{iso(uploaded_at)}#{code_hash}"


def stock_alert(item_id: str, at: datetime, remaining: int) -> Key:
    return stock_partition(item_id), f"ALERT#{iso(at)}#{remaining:06d}"


def stock_code_seen(code_hash: str) -> Key:
    return f"STOCKCODE#{code_hash}", "STOCKCODE"


def stock_claim(redemption_id: str) -> Key:
    return f"STOCK_CLAIM#{redemption_id}", "CLAIM"


def sandbox_order(external_reference: str) -> Key:
    return f"SANDBOX_ORDER#{external_reference}", "ORDER"


def sandbox_attempts(external_reference: str) -> Key:
    return f"SANDBOX_ORDER#{external_reference}", "ATTEMPTS"


def sandbox_order_pointer(order_id: str) -> Key:
    return f"SANDBOX_ORDER_ID#{order_id}", "POINTER"


LEAVING_PARTITION = "LEAVING"


def leaving(effective_at: datetime, employee_id: str) -> Key:
    return LEAVING_PARTITION, f"{iso(effective_at)}#{employee_id}"


def leaving_pointer(employee_id: str) -> Key:
    return f"EMP#{employee_id}", "LEAVING"


VOUCHER_INDEX = "GSI1"


def voucher(voucher_id: str) -> Key:
    return f"VOUCHER#{voucher_id}", "VOUCHER"


def vouchers_partition(employee_id: str) -> str:
    return f"VOUCHERS#{employee_id}"


def voucher_code(code_hash: str) -> Key:
    return f"CODE#{code_hash}", "CODE"


def voucher_expiry_partition(day: date) -> str:
    return f"VOUCHER_EXPIRY#{day.isoformat()}"


def voucher_expiry(day: date, voucher_id: str) -> Key:
    return voucher_expiry_partition(day), voucher_id


def points_reminder(employee_id: str, month: str) -> Key:
    return f"EMP#{employee_id}", f"POINTS_REMIND#{month}"


def points_expiry_run(day: date) -> Key:
    return "ORG", f"POINTS_EXPIRY#{day.isoformat()}"


def ledger_lines_since(employee_id: str, since: datetime) -> tuple[str, str]:
    """The person's partition and the first ledger-line sort key at or after `since`."""
    return f"EMP#{employee_id}", f"{LEDGER_PREFIX}{iso(since)}"


def voucher_reminder(voucher_id: str) -> Key:
    return f"VOUCHER_REMIND#{voucher_id}", "VOUCHER_REMIND"


def instant_pass(secret_hash: str) -> Key:
    return f"PASS#{secret_hash}", "PASS"


def voucher_tries(caller: str, window_start: datetime) -> Key:
    return f"VOUCHER_TRIES#{caller}", iso(window_start)


RULE_INDEX = "GSI1"
RULES_PARTITION = "RULES"
AWARD_INDEX = "GSI1"
AWARDS_PARTITION = "AWARDS"
MILESTONE_RUN: Key = ("ORG", "MILESTONE_RUN")


def milestone_rule(rule_id: str) -> Key:
    return f"RULE#{rule_id}", "RULE"


def month_day_partition(kind: str, month_day: str) -> str:
    """kind is anniversary or birthday."""
    return f"MDAY#{kind}#{month_day}"


def start_partition(day: date) -> str:
    return f"START#{day.isoformat()}"


def day_index_sort(offset_key: str, employee_id: str) -> str:
    return f"{offset_key}#{employee_id}"


DAY_INDEX_MONTHS = "GSI1"


def month_index(kind: str, day: str, employee_id: str) -> tuple[str, str]:
    """GSI1 keys of a day-index entry: its month's partition, sorted by its day. `day` is MM-DD
    (anniversary, birthday) or YYYY-MM-DD (start)."""
    return f"MIDX#{kind}#{day[:-3]}", f"{day}#{employee_id}"


def month_index_range(kind: str, first: str, last: str) -> tuple[str, str, str]:
    """The GSI1 partition and sort-key bounds of the entries of days `first` to `last` (one month)."""
    return f"MIDX#{kind}#{first[:-3]}", f"{first}#", f"{last}#\uffff"


def award(award_id: str) -> Key:
    return f"AWARD#{award_id}", "AWARD"


def award_sort(created_at: datetime, award_id: str) -> str:
    return f"{iso(created_at)}#{award_id}"


def reminder(award_id: str) -> Key:
    return f"REMIND#{award_id}", "REMIND"


def pending_award(budget_id: str, created_at: datetime, award_id: str) -> Key:
    return f"PENDING#{budget_id}", f"{iso(created_at)}#{award_id}"


def pending_partition(budget_id: str) -> str:
    return f"PENDING#{budget_id}"


REFERRAL_INDEX = "GSI1"
REFERRALS_PARTITION = "REFERRALS"
REFERRALS_DUE_PARTITION = "REFERRALS_DUE"


def referral(hire_id: str) -> Key:
    return f"REFERRAL#{hire_id}", "REFERRAL"


def referral_sort(recorded_at: datetime, hire_id: str) -> str:
    return f"{iso(recorded_at)}#{hire_id}"


def referral_due(due_on: date, hire_id: str, rule_id: str) -> Key:
    """A referral's later part, waiting for its day (sorted by it)."""
    return REFERRALS_DUE_PARTITION, f"{due_on.isoformat()}#{hire_id}#{rule_id}"


def referral_due_through(day: date) -> str:
    """The highest sort key of the parts due on or before `day`."""
    return f"{day.isoformat()}#\uffff"


CATALOG_INDEX = "GSI1"
CATALOG_PARTITION = "CATALOG"
INACTIVE_CATALOG_PARTITION = "CATALOG#INACTIVE"


def catalog_item(item_id: str) -> Key:
    return f"ITEM#{item_id}", "ITEM"


def catalog_sort(category: str, name: str, item_id: str) -> str:
    return f"{category}#{name.casefold()}#{item_id}"


REDEMPTION_INDEX = "GSI1"
APPROVALS_DUE_PARTITION = "APPROVALS_DUE"


def redemption(redemption_id: str) -> Key:
    return f"REDEMPTION#{redemption_id}", "REDEMPTION"


def redemptions_partition(employee_id: str) -> str:
    return f"REDEMPTIONS#{employee_id}"


def approvals_partition(approver_id: str) -> str:
    return f"APPROVALS#{approver_id}"


def approval_entry(approver_id: str, created_at: datetime, redemption_id: str) -> Key:
    return approvals_partition(approver_id), f"{iso(created_at)}#{redemption_id}"


DIRECT_AWARDS_PARTITION = "DIRECT_AWARDS"


def direct_award_entry(created_at: datetime, redemption_id: str) -> Key:
    return DIRECT_AWARDS_PARTITION, f"{iso(created_at)}#{redemption_id}"


def budget_awards_partition(budget_id: str) -> str:
    """GSI1: the direct awards one budget paid."""
    return f"{DIRECT_AWARDS_PARTITION}#{budget_id}"


def inflight_partition(status: str) -> str:
    return f"INFLIGHT#{status}"


def inflight_entry(status: str, since: datetime, redemption_id: str) -> Key:
    return inflight_partition(status), f"{iso(since)}#{redemption_id}"


def redeemed_count(employee_id: str, item_id: str, period_id: str) -> Key:
    return f"EMP#{employee_id}", f"REDEEMED#{item_id}#{period_id}"


def slack_post(kind: str, subject_id: str, purpose: str, ts: str) -> Key:
    return slack_posts_partition(kind, subject_id), f"{purpose}#{ts}"


def slack_posts_partition(kind: str, subject_id: str) -> str:
    return f"SLACKPOST#{kind}#{subject_id}"


BOARD_POINTS_INDEX = "BoardPoints"
BOARD_KUDOS_INDEX = "BoardKudos"
COUNTER_PREFIX = "AGG#"


def insight_counter(scope: str, period: str) -> Key:
    return f"{COUNTER_PREFIX}{scope}#{period}", "COUNTER"


def board_partition(side: str, scope: str, period: str) -> str:
    return f"BOARD#{side}#{scope}#{period}"


def board_row(side: str, scope: str, period: str, employee_id: str) -> Key:
    return board_partition(side, scope, period), employee_id


def insight_row_partition(family: str, group: str) -> str:
    return f"ROW#{family}#{group}"


def insight_row(family: str, group: str, sort: str) -> Key:
    return insight_row_partition(family, group), sort


def insight_member(scope: str, period: str, role: str, employee_id: str) -> Key:
    return f"AGGMEMBER#{scope}#{period}#{role}", employee_id


def insight_source(source_id: str) -> Key:
    return f"AGGSRC#{source_id}", "AGGSRC"


def insight_batch(batch_id: str) -> Key:
    return f"AGGBATCH#{batch_id}", "AGGBATCH"


SEASONS: Key = ("ORG", "SEASONS")


def season_standings(season_id: str) -> Key:
    return f"SEASON#{season_id}", "STANDINGS"


AUDIT_PARTITION = "AUDIT"


def audit_entry(at: datetime, entry_id: str) -> Key:
    """An entry sorts by when it was written (then its id): the trail reads newest first by key alone."""
    return AUDIT_PARTITION, audit_entry_sort(at, entry_id)


def audit_entry_sort(at: datetime, entry_id: str = "") -> str:
    return f"E#{iso(at)}#{entry_id}"


def audit_head() -> Key:
    """The chain's head: the seq and hash of the newest linked entry."""
    return "AUDITHEAD", "AUDITHEAD"


def audit_person_index(employee_id: str) -> str:
    """GSI1PK of the entries whose diff held the person's personal values (found again on erasure)."""
    return f"AUDITPERSON#{employee_id}"


def erasure(employee_id: str) -> Key:
    return f"EMP#{employee_id}", "ERASURE"


def tier_status(employee_id: str) -> Key:
    return f"EMP#{employee_id}", "TIER"


def export_job(job_id: str) -> Key:
    return f"EXPORT#{job_id}", "EXPORT"


EXPORT_FILE_INDEX = "GSI1"
EXPORT_FILES_PARTITION = "EXPORT_FILES"


def export_file_sort(expires_at: datetime, job_id: str) -> str:
    """GSI1SK of a done job whose file is kept: its file's end first, so the files due are one range."""
    return f"{iso(expires_at)}#{job_id}"


def export_files_through(at: datetime) -> str:
    """The highest GSI1SK of the files whose end is at or before `at`."""
    return f"{iso(at)}#~"


def export_object(job_id: str, extension: str = "csv") -> str:
    """The S3 object key of an export's file (the bucket's lifecycle rule expires the `exports/` prefix):
    a CSV, or a person's zip archive."""
    return f"exports/{job_id}.{extension}"


def campaign(campaign_id: str) -> Key:
    return f"CAMPAIGN#{campaign_id}", "CAMPAIGN"


def campaign_chunk(campaign_id: str, chunk: int) -> Key:
    return f"CAMPAIGN#{campaign_id}", f"CHUNK#{chunk:04d}"


HEADCOUNT_PARTITION = "HEADCOUNT"
DIGESTS_DONE = "DONE"


def manager_digest(week: str, manager_id: str) -> Key:
    return f"DIGEST#{week}", manager_id


def headcount(scope: str) -> Key:
    return HEADCOUNT_PARTITION, scope


def team_partition(manager_id: str) -> str:
    return f"TEAM#{manager_id}"


def team_member(manager_id: str, employee_id: str) -> Key:
    return team_partition(manager_id), employee_id


BADGE_INDEX = "GSI1"
BADGES_PARTITION = "BADGES"
EARNED_BADGE_PREFIX = "BADGE#"
STREAK_INDEX = "GSI1"


def badge(badge_id: str) -> Key:
    return f"BADGE#{badge_id}", "BADGE"


def earned_badge(employee_id: str, badge_id: str, window: str) -> Key:
    return f"EMP#{employee_id}", f"{EARNED_BADGE_PREFIX}{badge_id}#{window}"


def streak(employee_id: str) -> Key:
    return f"EMP#{employee_id}", "STREAK"


def streaks_partition(last_week: str) -> str:
    return f"STREAKS#{last_week}"


def streak_nudge(week: str, employee_id: str) -> Key:
    return f"NUDGE#{week}", employee_id


def as_attrs(key: Key) -> dict[str, dict[str, str]]:
    return {"PK": {"S": key[0]}, "SK": {"S": key[1]}}


DESK_INDEX = "GSI1"
DESKS_PARTITION = "DESKS"


def desk(desk_id: str) -> Key:
    return f"DESK#{desk_id}", "DESK"


def desk_account(subject: str) -> Key:
    return f"DESKACCOUNT#{subject}", "DESK"


def desk_accounts_partition(desk_id: str) -> str:
    """GSI1: the accounts tied to a desk."""
    return f"DESKACCOUNTS#{desk_id}"
