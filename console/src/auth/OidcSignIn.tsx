import { useEffect, useState } from "preact/hooks";
import type { Words } from "../i18n";
import { signIn, startOidc } from "./oidc";

let started: Promise<boolean> | null = null;

/** Prod builds: a sign-in button (to the issuer, authorization code with PKCE), or why there is none. */
export function OidcSignIn({ words }: { words: Words }) {
  const [state, setState] = useState<"starting" | "ready" | "unconfigured" | "failed">("starting");
  useEffect(() => {
    started ??= startOidc();
    started.then((ready) => setState(ready ? "ready" : "unconfigured")).catch(() => setState("failed"));
  }, []);
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{words.t("signin.title")}</h1>
      {state === "starting" && <p>{words.t("app.loading")}</p>}
      {state === "unconfigured" && <p>{words.t("signin.unconfigured")}</p>}
      {state === "failed" && (
        <p class="problem" role="alert">
          {words.t("signin.failed")}
        </p>
      )}
      {state === "ready" && (
        <>
          <p>{words.t("signin.required")}</p>
          <button type="button" id="sign-in" onClick={() => void signIn().catch(() => setState("failed"))}>
            {words.t("signin.button")}
          </button>
        </>
      )}
    </section>
  );
}
