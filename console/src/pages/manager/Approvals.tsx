import { useEffect, useState } from "preact/hooks";
import { type ApiProblem, api, problem, type Schemas } from "../../api/client";
import { useConsole } from "../../context";
import { Problem } from "../Problem";

type Pending = Schemas["PendingApproval"];
const MAX_NAMES = 50; // a page of the queue: GET /v1/people takes at most 50 ids
type Outcome = { id: string; key: "manager.approvals.approved" | "manager.approvals.rejected"; item: string };

/** The caller's approval queue and the requesters' names (two API calls): approve, or reject with a reason the
 * requester is told. */
export function Approvals() {
  const { words } = useConsole();
  const [queue, setQueue] = useState<Pending[] | null>(null);
  const [failure, setFailure] = useState<ApiProblem | "network" | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);

  const [names, setNames] = useState<Record<string, string>>({});

  useEffect(() => {
    api
      .GET("/v1/approvals", { params: { query: { limit: MAX_NAMES } } })
      .then(async ({ data, error }) => {
        if (!data) return setFailure(problem(error));
        setQueue(data.items);
        // the requesters' names instead of their ids (an id stays shown if the lookup fails)
        const ids = [...new Set(data.items.map((entry) => entry.employee_id))];
        if (ids.length === 0) return;
        const found = await api.GET("/v1/people", { params: { query: { ids: ids.join(",") } } });
        setNames(Object.fromEntries((found.data?.items ?? []).map((person) => [person.id, person.name])));
      })
      .catch(() => setFailure((before) => before ?? "network"));
  }, []);

  const decided = (entry: Pending, key: Outcome["key"]) => {
    setQueue((items) => (items ?? []).filter((item) => item.id !== entry.id));
    setOutcome({ id: entry.id, key, item: entry.item_name });
    setFailure(null);
  };

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{words.t("manager.approvals.title")}</h1>
      <Problem problem={failure} />
      {outcome && (
        <p class="done" role="status" data-decided={outcome.id}>
          {words.t(outcome.key, { item: outcome.item })}
        </p>
      )}
      {queue === null && failure === null && <p>{words.t("app.loading")}</p>}
      {queue?.length === 0 && <p>{words.t("manager.approvals.empty")}</p>}
      <ul class="feed">
        {queue?.map((entry) => (
          <Request
            key={entry.id}
            entry={entry}
            requester={names[entry.employee_id] ?? entry.employee_id}
            onDone={decided}
            onRefused={setFailure}
          />
        ))}
      </ul>
    </section>
  );
}

function Request(props: {
  entry: Pending;
  requester: string;
  onDone(entry: Pending, key: Outcome["key"]): void;
  onRefused(failure: ApiProblem | "network"): void;
}) {
  const { entry, requester, onDone, onRefused } = props;
  const { words } = useConsole();
  const [rejecting, setRejecting] = useState(false);
  const [reason, setReason] = useState("");
  const [busy, setBusy] = useState(false);
  const [missing, setMissing] = useState(false);
  const path = { params: { path: { redemption_id: entry.id } } };

  const decide = async (approve: boolean) => {
    if (!approve && !reason.trim()) {
      setMissing(true);
      return;
    }
    setBusy(true);
    try {
      const { data, error } = approve
        ? await api.POST("/v1/redemptions/{redemption_id}/approve", { ...path, body: {} })
        : await api.POST("/v1/redemptions/{redemption_id}/reject", {
            ...path,
            body: { reason: reason.trim() },
          });
      if (data) onDone(entry, approve ? "manager.approvals.approved" : "manager.approvals.rejected");
      else onRefused(problem(error) ?? "network");
    } catch {
      onRefused("network");
    } finally {
      setBusy(false);
    }
  };

  const reasonId = `reason-${entry.id}`;
  return (
    <li class="card" data-approval={entry.id}>
      <p class="message">{entry.item_name}</p>
      <p class="meta">
        <span>{words.t("manager.approvals.requested_by", { employee: requester })}</span>
        <span class="points">{words.t("manager.approvals.points", { count: entry.points })}</span>
        <span>{words.money(entry.denomination, entry.currency)}</span>
        <span class="when">{words.dateTime(entry.created_at)}</span>
      </p>
      {rejecting && (
        <div class="form">
          <label for={reasonId}>{words.t("manager.approvals.reason")}</label>
          <textarea
            id={reasonId}
            maxLength={500}
            value={reason}
            aria-invalid={missing}
            onInput={(event) => {
              setReason(event.currentTarget.value);
              setMissing(false);
            }}
          />
          {missing && (
            <p class="problem" role="alert">
              {words.t("manager.approvals.need_reason")}
            </p>
          )}
        </div>
      )}
      <div class="actions">
        {!rejecting && (
          <button type="button" class="approve" disabled={busy} onClick={() => decide(true)}>
            {words.t("manager.approvals.approve")}
          </button>
        )}
        {rejecting ? (
          <button type="button" class="reject" disabled={busy} onClick={() => decide(false)}>
            {words.t("manager.approvals.confirm_reject")}
          </button>
        ) : (
          <button type="button" class="secondary reject" disabled={busy} onClick={() => setRejecting(true)}>
            {words.t("manager.approvals.reject")}
          </button>
        )}
      </div>
    </li>
  );
}
