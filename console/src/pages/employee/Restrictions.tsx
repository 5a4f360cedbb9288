import type { Schemas } from "../../api/client";
import { useConsole } from "../../context";

/** What limits where and when an item or voucher can be used, as a list (nothing when it has no limits). */
export function Restrictions({ restrictions }: { restrictions?: Schemas["Restrictions-Output"] }) {
  const { words } = useConsole();
  if (!restrictions) return null;
  const { minimum_purchase, excluded_categories, locations, vendors, blackouts, per_person } = restrictions;
  const lines: string[] = [];
  if (minimum_purchase) lines.push(words.t("employee.limits.minimum", { amount: minimum_purchase }));
  if (locations?.length) lines.push(words.t("employee.limits.locations", { list: locations.join(", ") }));
  if (vendors?.length) lines.push(words.t("employee.limits.vendors", { list: vendors.join(", ") }));
  if (excluded_categories?.length)
    lines.push(words.t("employee.limits.excluded", { list: excluded_categories.join(", ") }));
  for (const blackout of blackouts ?? [])
    lines.push(words.t("employee.limits.blackout", { start: words.date(blackout.start), end: words.date(blackout.end) }));
  if (per_person) lines.push(words.t(`employee.limits.per_${per_person.period}`, { count: per_person.count }));
  if (restrictions.expires_after_days)
    lines.push(words.t("employee.limits.expires_after", { count: restrictions.expires_after_days }));
  if (lines.length === 0) return null;
  return (
    <ul class="limits" aria-label={words.t("employee.limits.title")}>
      {lines.map((line) => (
        <li key={line} dir="auto">
          {line}
        </li>
      ))}
    </ul>
  );
}
