import { useState } from "preact/hooks";
import { type ApiProblem, api, problem } from "../api/client";
import { useConsole } from "../context";
import { isLocale, LOCALES, type Locale } from "../i18n";
import { Problem } from "./Problem";

/** The person's own record and language: no call to show (App loaded it), one to change the language. */
export function Profile() {
  const { words, me, setMe } = useConsole();
  const [locale, setLocale] = useState<Locale>(isLocale(me.locale) ? me.locale : words.locale);
  const [failure, setFailure] = useState<ApiProblem | "network" | null>(null);
  const [saved, setSaved] = useState(false);

  async function save(event: Event) {
    event.preventDefault();
    setSaved(false);
    setFailure(null);
    try {
      const { data, error } = await api.PATCH("/v1/me", { body: { locale } });
      if (data) {
        setMe({ ...me, locale: data.locale ?? null });
        setSaved(true);
      } else {
        setFailure(problem(error));
      }
    } catch {
      setFailure("network");
    }
  }

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{words.t("profile.title")}</h1>
      <dl class="card record">
        <dt>{words.t("profile.name")}</dt>
        <dd dir="auto">{me.name}</dd>
        <dt>{words.t("profile.email")}</dt>
        <dd dir="ltr">{me.email}</dd>
        {me.department && (
          <>
            <dt>{words.t("profile.department")}</dt>
            <dd dir="auto">{me.department}</dd>
          </>
        )}
      </dl>
      <form class="form card" onSubmit={save}>
        <label for="locale">{words.t("profile.language")}</label>
        <select id="locale" value={locale} onChange={(e) => setLocale(e.currentTarget.value as Locale)}>
          {LOCALES.map((code) => (
            <option key={code} value={code} lang={code}>
              {words.t(`language.${code}`)}
            </option>
          ))}
        </select>
        <Problem problem={failure} />
        {saved && (
          <p class="done" role="status">
            {words.t("profile.saved")}
          </p>
        )}
        <button type="submit">{words.t("profile.save")}</button>
      </form>
    </section>
  );
}
