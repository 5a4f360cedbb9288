import { useEffect, useLayoutEffect, useState } from "preact/hooks";
import { api, problem, type Schemas } from "./api/client";
import { DevSignIn } from "./auth/DevSignIn";
import { OidcSignIn } from "./auth/OidcSignIn";
import { leave, useSession } from "./auth/session";
import { ConsoleContext } from "./context";
import { pages as deskPages } from "./areas/desk";
import { pages as employeePages } from "./areas/employee";
import { pages as financePages } from "./areas/finance";
import { pages as hrPages } from "./areas/hr";
import { pages as managerPages } from "./areas/manager";
import { mayOpen, type PageEntry, type Pages, type Role } from "./areas/page";
import { browserLocale, isLocale, type MessageKey, words as wordsFor } from "./i18n";
import { DESK_ROLE, deskAccount } from "./pages/desk/account";
import { NotYourRole } from "./pages/NotYourRole";

// The navigation's groups, one per area (its pages in the area module's order); a group shows only when the
// person's roles open one of its pages.
const GROUPS: readonly { title: MessageKey; pages: Pages }[] = [
  { title: "nav.group.employee", pages: employeePages },
  { title: "nav.group.manager", pages: managerPages },
  { title: "nav.group.finance", pages: financePages },
  { title: "nav.group.desk", pages: deskPages },
  { title: "nav.group.hr", pages: hrPages },
];
// Pages by location hash (#/feed): a static host serves one index.html, and the hash survives a sign-in.
const PAGES: Pages = Object.assign({}, ...GROUPS.map((group) => group.pages));
type PageName = string;
const FIRST_PAGE: PageName = "feed";
const entry = (name: PageName): PageEntry => PAGES[name] ?? employeePages.feed;

const pageFromHash = (): PageName => {
  const name = location.hash.replace(/^#\/?/, "");
  return name in PAGES ? name : FIRST_PAGE;
};

export function App() {
  const current = useSession();
  const [me, setMe] = useState<Schemas["OwnRecord"] | null>(null);
  const [page, setPage] = useState<PageName>(pageFromHash);
  const [failed, setFailed] = useState(false);
  const [menuOpen, setMenuOpen] = useState(false);

  useEffect(() => {
    const onHash = () => {
      setPage(pageFromHash());
      setMenuOpen(false);
    };
    addEventListener("hashchange", onHash);
    return () => removeEventListener("hashchange", onHash);
  }, []);

  useEffect(() => {
    setMe(null);
    setFailed(false);
    if (!current) return;
    loadMe(current.accessToken, current.idToken)
      .then((record) => (record ? setMe(record) : setFailed(true)))
      .catch(() => setFailed(true));
  }, [current !== null]); // a silent renewal's new token keeps the person (and the page) as they are

  // the pages this person's roles open; a page they may not open says so (never a silent switch)
  const roles: readonly string[] = me?.roles ?? [];
  // a desk account opens only the pages naming its role (not every person's pages: it is no person)
  const deskOnly = roles.includes(DESK_ROLE);
  const opens = (name: PageName) =>
    deskOnly ? (entry(name).roles ?? []).includes(DESK_ROLE as Role) : mayOpen(entry(name), roles);
  const groups = GROUPS.map((group) => ({
    title: group.title,
    names: Object.keys(group.pages).filter(opens),
  })).filter((group) => group.names.length > 0);
  const shown = deskOnly && !opens(page) ? "desk" : page;
  const allowed = opens(shown);
  const words = wordsFor(me && isLocale(me.locale) ? me.locale : browserLocale());
  useLayoutEffect(() => {
    document.documentElement.lang = words.locale;
    document.documentElement.dir = words.dir;
    document.title = `${words.t(entry(shown).title)} · ${words.t("app.name")}`;
  }, [words.locale, shown]);

  let main;
  if (!current) {
    main = __DEV_SIGNIN__ ? <DevSignIn words={words} /> : <OidcSignIn words={words} />;
  } else if (failed) {
    main = (
      <p class="problem" role="alert">
        {words.t("error.network")}
      </p>
    );
  } else if (!me) {
    main = <p>{words.t("app.loading")}</p>;
  } else {
    const { Page } = entry(shown);
    main = allowed ? <Page /> : <NotYourRole entry={entry(shown)} />;
  }

  return (
    <ConsoleContext.Provider value={{ words, me: me ?? ({} as Schemas["OwnRecord"]), setMe }}>
      <a class="skip" href="#main" onClick={skipToMain}>
        {words.t("app.skip")}
      </a>
      <header class="bar">
        <span class="brand">{words.t("app.name")}</span>
        {me && (
          <nav aria-label={words.t("nav.label")} class={menuOpen ? "open" : undefined}>
            <button
              type="button"
              class="menu"
              aria-expanded={menuOpen}
              aria-controls="nav-groups"
              onClick={() => setMenuOpen(!menuOpen)}
            >
              {words.t("nav.menu")}
            </button>
            <ul id="nav-groups" class="groups">
              {groups.map((group) => (
                <li key={group.title}>
                  {groups.length > 1 && <span class="group">{words.t(group.title)}</span>}
                  <ul>
                    {group.names.map((name) => (
                      <li key={name}>
                        <a href={`#/${name}`} aria-current={name === shown ? "page" : undefined}>
                          {words.t(entry(name).title)}
                        </a>
                      </li>
                    ))}
                  </ul>
                </li>
              ))}
              <li>
                <button type="button" class="link" data-action="sign-out" onClick={leave}>
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

/** The person's record; an account not linked to its directory entry yet (403 not_in_directory) is linked
 * first, once, by sending the ID token to POST /v1/me/link (README "Sign-in"). */
async function loadMe(accessToken: string, idToken: string | undefined): Promise<Schemas["OwnRecord"] | null> {
  const { data, error, response } = await api.GET("/v1/me");
  if (data) return data;
  if (response.status !== 403) return null;
  // no directory record: a desk account (voucher_desk group) opens the desk pages only
  const desk = deskAccount(accessToken);
  if (desk) return desk;
  if (!idToken || problem(error)?.code !== "not_in_directory") return null;
  const linked = await api.POST("/v1/me/link", { headers: { authorization: `Bearer ${idToken}` } });
  if (linked.error) return null;
  return (await api.GET("/v1/me")).data ?? null;
}

/** The skip link focuses the main region without changing the hash (the hash is the page). */
function skipToMain(event: Event) {
  event.preventDefault();
  document.getElementById("main")?.focus();
}
