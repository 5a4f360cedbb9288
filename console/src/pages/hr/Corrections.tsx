import { useState } from "preact/hooks";
import { api, type Schemas } from "../../api/client";
import { useConsole } from "../../context";
import { Problem } from "../Problem";
import { call, type Failure, onceKey, useLoad } from "./call";

type Award = Schemas["AwardView"];
type Given = Schemas["GivenAward"];
type State = "in_delivery" | "delivered" | "used" | "expired" | "cancelled" | "failed" | "taken_back";

/** What became of an item given from a budget, in one word. */
function stateOf(award: Given): State {
  if (award.correction_id) return "taken_back";
  const voucher = award.voucher_status;
  if (voucher === "redeemed" || award.status === "redeemed") return "used";
  if (voucher === "expired" || award.status === "expired") return "expired";
  if (voucher === "cancelled" || award.status === "cancelled" || award.status === "rejected") return "cancelled";
  if (award.status === "failed") return "failed";
  return award.status === "fulfilled" ? "delivered" : "in_delivery";
}

/** Paid awards (a milestone rule's, a season's, a campaign's payment) and a "Reverse" action on each: points
 * taken back by a correction, with the reason the trail keeps. Beside them, the items given from a budget
 * (POST /v1/awards), each taken back whole by the same correction. Two calls to load, one to correct. */
export function Corrections() {
  const { words } = useConsole();
  const { data, setData, failure } = useLoad(() =>
    api.GET("/v1/milestones/awards", { params: { query: { status: "paid", limit: 50 } } }),
  );
  const given = useLoad(() => api.GET("/v1/awards", { params: { query: { limit: 50 } } }));
  const [chosen, setChosen] = useState<Award | null>(null);
  const [item, setItem] = useState<Given | null>(null);
  const [points, setPoints] = useState("");
  const [reason, setReason] = useState("");
  const [invalid, setInvalid] = useState<string | null>(null);
  const [refused, setRefused] = useState<Failure>(null);
  const [done, setDone] = useState<string | null>(null);
  const awards = data?.items ?? [];
  const givenAwards = given.data?.items ?? [];

  function choose(award: Award) {
    setChosen(award);
    setItem(null);
    setPoints("");
    setReason("");
    setInvalid(null);
    setRefused(null);
    setDone(null);
  }

  function chooseItem(award: Given) {
    setItem(award);
    setChosen(null);
    setReason("");
    setInvalid(null);
    setRefused(null);
    setDone(null);
  }

  async function takeBack(event: Event) {
    event.preventDefault();
    if (!item) return;
    setRefused(null);
    setDone(null);
    if (!reason.trim()) return setInvalid(words.t("hr.corrections.need_reason"));
    setInvalid(null);
    const made = await call(
      api.POST("/v1/corrections", {
        body: { award_id: item.id, reason: reason.trim() },
        params: { header: { "idempotency-key": onceKey() } },
      }),
      setRefused,
    );
    if (!made) return;
    const taken = { ...item, correction_id: made.id, corrected_at: made.at };
    given.setData({ ...given.data!, items: givenAwards.map((award) => (award.id === item.id ? taken : award)) });
    setItem(null);
    setDone(
      words.t("hr.corrections.done_item", {
        item: item.item_name,
        person: item.employee_name,
        points: words.number(made.budget_points ?? item.points),
      }),
    );
  }

  async function reverse(event: Event) {
    event.preventDefault();
    if (!chosen) return;
    setRefused(null);
    setDone(null);
    const amount = points.trim() === "" ? null : Number(points.trim());
    if (!reason.trim() || (amount !== null && !(Number.isInteger(amount) && amount >= 1))) {
      return setInvalid(words.t("hr.corrections.need"));
    }
    setInvalid(null);
    const made = await call(
      api.POST("/v1/corrections", {
        body: { award_id: chosen.id, points: amount, reason: reason.trim() },
        params: { header: { "idempotency-key": onceKey() } },
      }),
      setRefused,
    );
    if (!made) return;
    const taken = Object.values(made.reversed).reduce((sum, n) => sum + n, 0);
    const corrected = { ...chosen, corrected_points: (chosen.corrected_points ?? 0) + taken };
    setData({ ...data!, items: awards.map((award) => (award.id === chosen.id ? corrected : award)) });
    setChosen(null);
    setDone(words.t("hr.corrections.done", { points: words.number(taken), person: chosen.employee_name }));
  }

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{words.t("hr.corrections.title")}</h1>
      <Problem problem={failure} />
      {done && (
        <p class="done" role="status">
          {done}
        </p>
      )}
      {!data && failure === null && <p>{words.t("app.loading")}</p>}
      {data && awards.length === 0 && <p>{words.t("hr.corrections.none")}</p>}
      {awards.length > 0 && (
        <div class="card table-scroll" tabIndex={0} role="region" aria-label={words.t("hr.corrections.title")}>
          <table class="board" data-table="awards">
            <thead>
              <tr>
                <th scope="col">{words.t("hr.corrections.person")}</th>
                <th scope="col">{words.t("hr.corrections.award")}</th>
                <th scope="col">{words.t("hr.corrections.points")}</th>
                <th scope="col">{words.t("hr.corrections.corrected")}</th>
                <th scope="col">{words.t("hr.corrections.action")}</th>
              </tr>
            </thead>
            <tbody>
              {awards.map((award) => (
                <tr key={award.id} data-award={award.id}>
                  <th scope="row" dir="auto">
                    {award.employee_name}
                  </th>
                  <td dir="auto">{award.rule_name}</td>
                  <td>{words.number(award.points)}</td>
                  <td data-corrected={award.corrected_points ?? 0}>{words.number(award.corrected_points ?? 0)}</td>
                  <td>
                    <button
                      type="button"
                      data-reverse={award.id}
                      disabled={(award.corrected_points ?? 0) >= award.points}
                      onClick={() => choose(award)}
                    >
                      {words.t("hr.corrections.reverse")}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {chosen && (
        <form class="form card" onSubmit={reverse} noValidate data-form="correct">
          <h2 dir="auto">{words.t("hr.corrections.form", { award: chosen.rule_name, person: chosen.employee_name })}</h2>
          <label for="correct-points">{words.t("hr.corrections.how_many")}</label>
          <input id="correct-points" inputMode="numeric" value={points} onInput={(e) => setPoints(e.currentTarget.value)} />
          <label for="correct-reason">{words.t("hr.corrections.reason")}</label>
          <input id="correct-reason" dir="auto" maxLength={500} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
          <button type="submit">{words.t("hr.corrections.submit")}</button>
          {invalid && (
            <p class="problem" role="alert">
              {invalid}
            </p>
          )}
          <Problem problem={refused} />
        </form>
      )}
      <h2 id="given-title">{words.t("hr.corrections.given_title")}</h2>
      <Problem problem={given.failure} />
      {!given.data && given.failure === null && <p>{words.t("app.loading")}</p>}
      {given.data && givenAwards.length === 0 && <p>{words.t("hr.corrections.given_none")}</p>}
      {givenAwards.length > 0 && (
        <div class="card table-scroll" tabIndex={0} role="region" aria-labelledby="given-title">
          <table class="board" data-table="given">
            <thead>
              <tr>
                <th scope="col">{words.t("hr.corrections.person")}</th>
                <th scope="col">{words.t("hr.corrections.item")}</th>
                <th scope="col">{words.t("hr.corrections.budget_points")}</th>
                <th scope="col">{words.t("hr.corrections.state")}</th>
                <th scope="col">{words.t("hr.corrections.action")}</th>
              </tr>
            </thead>
            <tbody>
              {givenAwards.map((award) => (
                <tr key={award.id} data-given={award.id}>
                  <th scope="row" dir="auto">
                    {award.employee_name}
                  </th>
                  <td dir="auto">{award.item_name}</td>
                  <td>{words.number(award.points)}</td>
                  <td data-state={stateOf(award)}>{words.t(`hr.corrections.state_${stateOf(award)}`)}</td>
                  <td>
                    <button type="button" data-take-back={award.id} onClick={() => chooseItem(award)}>
                      {words.t("hr.corrections.reverse")}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {item && (
        <form class="form card" onSubmit={takeBack} noValidate data-form="take-back">
          <h2 dir="auto">{words.t("hr.corrections.form_item", { item: item.item_name, person: item.employee_name })}</h2>
          <p class="hint">{words.t("hr.corrections.whole_item")}</p>
          <label for="take-back-reason">{words.t("hr.corrections.reason")}</label>
          <input id="take-back-reason" dir="auto" maxLength={500} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
          <button type="submit">{words.t("hr.corrections.submit_item")}</button>
          {invalid && (
            <p class="problem" role="alert">
              {invalid}
            </p>
          )}
          <Problem problem={refused} />
        </form>
      )}
    </section>
  );
}
