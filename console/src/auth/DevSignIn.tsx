import { useEffect, useState } from "preact/hooks";
import type { Words } from "../i18n";
import { type DemoPerson, demoPeople, devSignIn } from "./dev";

/** Dev builds only: pick a demo person of the local stack and get a dev token for them. */
export function DevSignIn({ words }: { words: Words }) {
  const [people, setPeople] = useState<DemoPerson[] | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    demoPeople()
      .then(setPeople)
      .catch(() => setFailed(true));
  }, []);
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{words.t("signin.title")}</h1>
      <p>{words.t("signin.dev_intro")}</p>
      {failed && (
        <p class="problem" role="alert">
          {words.t("error.network")}
        </p>
      )}
      <ul class="people">
        {people?.map((person) => (
          <li key={person.id} class="card">
            <button
              type="button"
              data-employee={person.id}
              onClick={() => devSignIn(person.id).catch(() => setFailed(true))}
            >
              {words.t("signin.as", { name: person.name })}
            </button>
            <span class="roles">
              {person.roles.map((role) => words.t(`role.${role}` as `role.${"employee"}`)).join(", ")}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
