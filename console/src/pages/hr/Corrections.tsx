import { useState } from "preact/hooks";
import { api, type Schemas } from "../../api/client";
import { useConsole } from "../../context";
import { Problem } from "../Problem";
import { call, type Failure, onceKey, useLoad } from "./call";

type Award = Schemas["AwardView"];

/** Paid awards (a milestone rule's, a season's, a campaign's payment) and a "Reverse" action on each: points
 * taken back by a correction, with the reason the trail keeps. One call to load, one to correct. */
export function Corrections() {
  const { words } = useConsole();
  const { data, setData, failure } = useLoad(() =>
    api.GET("/v1/milestones/awards", { params: { query: { status: "paid", limit: 50 } } }),
  );
  const [chosen, setChosen] = useState<Award | null>(null);
  const [points, setPoints] = useState("");
  const [reason, setReason] = useState("");
  const [invalid, setInvalid] = useState<string | null>(null);
  const [refused, setRefused] = useState<Failure>(null);
  const [done, setDone] = useState<string | null>(null);
  const awards = data?.items ?? [];

  function choose(award: Award) {
    setChosen(award);
    setPoints("");
    setReason("");
    setInvalid(null);
    setRefused(null);
    setDone(null);
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
    </section>
  );
}
