import type { PageEntry } from "../areas/page";
import { useConsole } from "../context";

/** A page the person's roles do not open: say so and who may open it, rather than silently showing another. */
export function NotYourRole({ entry }: { entry: PageEntry }) {
  const { words } = useConsole();
  const roles = (entry.roles ?? []).map((role) => words.t(`role.${role}` as `role.${"employee"}`));
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{words.t(entry.title)}</h1>
      <p class="problem" role="alert" data-not-your-role="">
        {words.t("nav.not_your_role", { roles: roles.join(", ") })}
      </p>
      <p>
        <a href="#/feed">{words.t("nav.back_to_feed")}</a>
      </p>
    </section>
  );
}
