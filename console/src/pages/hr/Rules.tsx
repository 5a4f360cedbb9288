import { useState } from "preact/hooks";
import { api, type Schemas } from "../../api/client";
import { useConsole } from "../../context";
import { Problem } from "../Problem";
import { call, succeeded, useLoad } from "./call";

type Rule = Schemas["MilestoneRule"];
const TYPES: readonly Schemas["RuleType"][] = ["work_anniversary", "birthday", "days_after_start", "hris_event"];

/** The rule as the API takes it back (PUT): the stored rule without what the API keeps itself. */
function specOf(rule: Rule): Schemas["RuleSpec"] {
  const { id: _id, created_at: _c, updated_at: _u, history: _h, version: _v, ...spec } = rule;
  return spec;
}

/** Milestone rules (one call); turning one on or off, deleting one, adding one: one call each. */
export function Rules() {
  const { words } = useConsole();
  const { data, setData, failure, setFailure } = useLoad(() =>
    api.GET("/v1/milestone-rules", { params: { query: { limit: 100 } } }),
  );
  const rules = data?.items ?? [];
  const blank = { name: "", type: "birthday" as Schemas["RuleType"], points: "", message: "", budget: "", days: "", event: "" };
  const [draft, setDraft] = useState(blank);
  const [invalid, setInvalid] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);

  const keep = (items: Rule[]) => setData((before) => before && { ...before, items });

  async function toggle(rule: Rule) {
    setDone(null);
    setFailure(null);
    const saved = await call(
      api.PUT("/v1/milestone-rules/{rule_id}", {
        params: { path: { rule_id: rule.id } },
        body: { ...specOf(rule), enabled: !rule.enabled },
      }),
      setFailure,
    );
    if (saved) keep(rules.map((r) => (r.id === saved.id ? saved : r)));
  }

  async function remove(rule: Rule) {
    setDone(null);
    setFailure(null);
    const request = api.DELETE("/v1/milestone-rules/{rule_id}", { params: { path: { rule_id: rule.id } } });
    if (!(await succeeded(request, setFailure))) return;
    keep(rules.filter((r) => r.id !== rule.id));
    setDone(words.t("hr.rules.deleted", { rule: rule.name }));
  }

  async function create(event: Event) {
    event.preventDefault();
    setDone(null);
    setFailure(null);
    if (!draft.name.trim() || !draft.message.trim()) return setInvalid(words.t("hr.rules.need_name"));
    if (!/^\d{1,7}$/.test(draft.points.trim())) return setInvalid(words.t("hr.rules.bad_points"));
    if (draft.type === "days_after_start" && !/^[1-9]\d{0,3}$/.test(draft.days.trim())) {
      return setInvalid(words.t("hr.rules.bad_days"));
    }
    if (draft.type === "hris_event" && !draft.event.trim()) return setInvalid(words.t("hr.rules.need_event"));
    setInvalid(null);
    const made = await call(
      api.POST("/v1/milestone-rules", {
        body: {
          name: draft.name.trim(),
          type: draft.type,
          points: Number(draft.points),
          message: draft.message.trim(),
          budget_id: draft.budget.trim() || null,
          days_after_start: draft.type === "days_after_start" ? Number(draft.days) : null,
          event_name: draft.type === "hris_event" ? draft.event.trim() : null,
          announce: true,
          dm: true,
          enabled: true,
        },
      }),
      setFailure,
    );
    if (!made) return;
    keep([...rules, made]);
    setDone(words.t("hr.rules.created", { rule: made.name }));
    setDraft(blank);
  }

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{words.t("hr.rules.title")}</h1>
      <Problem problem={failure} />
      {invalid && (
        <p class="problem" role="alert">
          {invalid}
        </p>
      )}
      {done && (
        <p class="done" role="status">
          {done}
        </p>
      )}
      {!data && failure === null && <p>{words.t("app.loading")}</p>}
      {data && (
        <div class="card table-scroll" tabIndex={0} role="region" aria-label={words.t("hr.rules.title")}>
          <table class="board" data-table="rules">
            <thead>
              <tr>
                <th scope="col">{words.t("hr.rules.name")}</th>
                <th scope="col">{words.t("hr.rules.type")}</th>
                <th scope="col">{words.t("hr.rules.points")}</th>
                <th scope="col">{words.t("hr.rules.actions")}</th>
              </tr>
            </thead>
            <tbody>
              {rules.map((rule) => (
                <tr key={rule.id} data-rule={rule.id}>
                  <th scope="row" dir="auto">
                    {rule.name}
                  </th>
                  <td>{words.t(`hr.rules.type_${rule.type}`)}</td>
                  <td>{words.number(rule.points ?? 0)}</td>
                  <td class="actions">
                    <button
                      type="button"
                      class="link"
                      aria-pressed={rule.enabled !== false}
                      aria-label={words.t("hr.rules.enabled_rule", { rule: rule.name })}
                      onClick={() => void toggle(rule)}
                    >
                      {words.t("hr.rules.enabled")}
                    </button>
                    <button
                      type="button"
                      class="link"
                      aria-label={words.t("hr.rules.delete_rule", { rule: rule.name })}
                      onClick={() => void remove(rule)}
                    >
                      {words.t("hr.rules.delete")}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {data && (
        <form class="form card" onSubmit={create} noValidate data-form="new-rule">
          <h2>{words.t("hr.rules.new")}</h2>
          <label for="rule-name">{words.t("hr.rules.name")}</label>
          <input id="rule-name" dir="auto" maxLength={120} value={draft.name} onInput={(e) => setDraft({ ...draft, name: e.currentTarget.value })} />
          <label for="rule-type">{words.t("hr.rules.type")}</label>
          <select
            id="rule-type"
            value={draft.type}
            onChange={(e) => setDraft({ ...draft, type: e.currentTarget.value as Schemas["RuleType"] })}
          >
            {TYPES.map((type) => (
              <option key={type} value={type}>
                {words.t(`hr.rules.type_${type}`)}
              </option>
            ))}
          </select>
          {draft.type === "days_after_start" && (
            <>
              <label for="rule-days">{words.t("hr.rules.days")}</label>
              <input id="rule-days" inputMode="numeric" value={draft.days} onInput={(e) => setDraft({ ...draft, days: e.currentTarget.value })} />
            </>
          )}
          {draft.type === "hris_event" && (
            <>
              <label for="rule-event">{words.t("hr.rules.event")}</label>
              <input id="rule-event" dir="ltr" value={draft.event} onInput={(e) => setDraft({ ...draft, event: e.currentTarget.value })} />
            </>
          )}
          <label for="rule-points">{words.t("hr.rules.points")}</label>
          <input id="rule-points" inputMode="numeric" value={draft.points} onInput={(e) => setDraft({ ...draft, points: e.currentTarget.value })} />
          <label for="rule-budget">{words.t("hr.rules.budget")}</label>
          <input id="rule-budget" dir="ltr" value={draft.budget} onInput={(e) => setDraft({ ...draft, budget: e.currentTarget.value })} />
          <label for="rule-message">{words.t("hr.rules.message")}</label>
          <textarea
            id="rule-message"
            dir="auto"
            rows={3}
            maxLength={1000}
            value={draft.message}
            onInput={(e) => setDraft({ ...draft, message: e.currentTarget.value })}
          />
          <button type="submit">{words.t("hr.rules.create")}</button>
        </form>
      )}
    </section>
  );
}
