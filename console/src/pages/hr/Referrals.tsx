import { api, type Schemas } from "../../api/client";
import { useConsole } from "../../context";
import type { MessageKey } from "../../i18n";
import { Input, useDraft } from "./fields";
import { ListPage, useList } from "./ListPage";

type Referral = Schemas["Referral"];
type Row = Referral & { id: string; name: string };
const EMPLOYEE_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

const rowOf = (referral: Referral): Row => ({ ...referral, id: referral.hire_id, name: referral.hire_id });

/** Referred hires, newest first, each part paid, waiting for its day or forfeited (one call, then a page more
 * at a time); reporting a hire (one call): the referral rules pay the referrer. */
export function Referrals() {
  const { words } = useConsole();
  const list = useList<Row>(async (cursor) => {
    const { data, error } = await api.GET("/v1/referrals", { params: { query: { limit: 50, cursor } } });
    return { data: data && { items: data.items.map(rowOf), next_cursor: data.next_cursor }, error };
  });
  const form = useDraft({ hire: "", referrer: "", day: "" });
  const d = form.draft;

  function part(p: Referral["parts"][number]): string {
    const points = words.number(p.points);
    if (p.status === "scheduled") return words.t("hr.referrals.part_scheduled", { points, day: words.date(p.due_on) });
    if (p.status === "forfeited")
      return words.t("hr.referrals.part_forfeited", {
        points,
        reason: words.t(`hr.referrals.reason_${p.reason ?? "rule_deleted"}` as MessageKey),
      });
    return words.t("hr.referrals.part_awarded", { points });
  }

  async function report(event: Event) {
    event.preventDefault();
    const referrer = d.referrer.trim();
    const byEmail = referrer.includes("@");
    const why: MessageKey | null =
      !EMPLOYEE_ID.test(d.hire.trim()) || !referrer || (!byEmail && !EMPLOYEE_ID.test(referrer)) || !DAY.test(d.day)
        ? "hr.referrals.need_fields"
        : null;
    const made = await list.keep(
      why && words.t(why),
      async () => {
        const { data, error } = await api.POST("/v1/referrals", {
          body: {
            hire_id: d.hire.trim(),
            hired_on: d.day,
            ...(byEmail ? { referrer_email: referrer } : { referrer_id: referrer }),
          },
        });
        return { data: data && rowOf(data.referral), error };
      },
      (row) => words.t("hr.referrals.recorded", { hire: row.hire_id, referrer: row.referrer_id }),
    );
    if (made) form.reset();
  }

  return (
    <ListPage
      list={list}
      title="hr.referrals.title"
      table="referrals"
      empty="hr.referrals.none"
      columns={["hr.referrals.hire", "hr.referrals.referrer", "hr.referrals.hired_on", "hr.referrals.parts"]}
      rowKey="referral"
      cells={(row) => (
        <>
          <td>{row.referrer_id}</td>
          <td>{words.date(row.hired_on)}</td>
          <td>{row.parts.map(part).join(" · ")}</td>
        </>
      )}
    >
      <form class="form card" onSubmit={report} noValidate data-form="new-referral">
        <h2>{words.t("hr.referrals.new")}</h2>
        <Input id="referral-hire" label="hr.referrals.hire" {...form.text("hire")} />
        <Input id="referral-referrer" label="hr.referrals.referrer" hint="hr.referrals.referrer_hint" {...form.text("referrer")} />
        <Input id="referral-day" label="hr.referrals.hired_on" type="date" {...form.text("day")} />
        <button type="submit">{words.t("hr.referrals.create")}</button>
      </form>
    </ListPage>
  );
}
