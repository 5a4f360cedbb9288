import { useEffect, useLayoutEffect, useState } from "preact/hooks";
import { api, type Schemas } from "./api/client";
import { DevSignIn } from "./auth/DevSignIn";
import { signOut, useSession } from "./auth/session";
import { ConsoleContext } from "./context";
import { browserLocale, isLocale, type MessageKey, words as wordsFor } from "./i18n";
import { Feed } from "./pages/Feed";
import { Give } from "./pages/Give";
import { Profile } from "./pages/Profile";
import { Wallet } from "./pages/Wallet";

// Pages by location hash (#/feed): a static host serves one index.html, and the hash survives a sign-in.
const PAGES = {
  feed: { title: "nav.feed", Page: Feed },
  give: { title: "nav.give", Page: Give },
  wallet: { title: "nav.wallet", Page: Wallet },
  profile: { title: "nav.profile", Page: Profile },
} as const satisfies Record<string, { title: MessageKey; Page: () => unknown }>;
type PageName = keyof typeof PAGES;

const pageFromHash = (): PageName => {
  const name = location.hash.replace(/^#\/?/, "");
  return name in PAGES ? (name as PageName) : "feed";
};

export function App() {
  const current = useSession();
  const [me, setMe] = useState<Schemas["OwnRecord"] | null>(null);
  const [page, setPage] = useState<PageName>(pageFromHash);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    const onHash = () => setPage(pageFromHash());
    addEventListener("hashchange", onHash);
    return () => removeEventListener("hashchange", onHash);
  }, []);

  useEffect(() => {
    setMe(null);
    setFailed(false);
    if (!current) return;
    api
      .GET("/v1/me")
      .then(({ data }) => (data ? setMe(data) : setFailed(true)))
      .catch(() => setFailed(true));
  }, [current?.accessToken]);

  const words = wordsFor(me && isLocale(me.locale) ? me.locale : browserLocale());
  useLayoutEffect(() => {
    document.documentElement.lang = words.locale;
    document.documentElement.dir = words.dir;
    document.title = `${words.t(PAGES[page].title)} · ${words.t("app.name")}`;
  }, [words.locale, page]);

  let main;
  if (!current) {
    main = __DEV_SIGNIN__ ? <DevSignIn words={words} /> : <p>{words.t("signin.required")}</p>;
  } else if (failed) {
    main = (
      <p class="problem" role="alert">
        {words.t("error.network")}
      </p>
    );
  } else if (!me) {
    main = <p>{words.t("app.loading")}</p>;
  } else {
    const { Page } = PAGES[page];
    main = <Page />;
  }

  return (
    <ConsoleContext.Provider value={{ words, me: me ?? ({} as Schemas["OwnRecord"]), setMe }}>
      <a class="skip" href="#main" onClick={skipToMain}>
        {words.t("app.skip")}
      </a>
      <header class="bar">
        <span class="brand">{words.t("app.name")}</span>
        {me && (
          <nav aria-label={words.t("nav.label")}>
            <ul>
              {(Object.keys(PAGES) as PageName[]).map((name) => (
                <li key={name}>
                  <a href={`#/${name}`} aria-current={name === page ? "page" : undefined}>
                    {words.t(PAGES[name].title)}
                  </a>
                </li>
              ))}
              <li>
                <button type="button" class="link" onClick={signOut}>
                  {words.t("nav.sign_out")}
                </button>
              </li>
            </ul>
          </nav>
        )}
      </header>
      <main id="main" tabIndex={-1}>
        {main}
      </main>
    </ConsoleContext.Provider>
  );
}

/** The skip link focuses the main region without changing the hash (the hash is the page). */
function skipToMain(event: Event) {
  event.preventDefault();
  document.getElementById("main")?.focus();
}
