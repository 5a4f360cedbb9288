// The prod build's sign-in: OIDC authorization code with PKCE (oidc-client-ts) against the issuer named by
// /config.json, which the deploy step writes beside the assets from the stack's ConsoleConfig output
// ({"authority", "client_id", "metadata"?, "scope"?}). Tokens (and the refresh token that renews them
// silently) stay in memory; only the PKCE verifier and state of a sign-in under way wait in sessionStorage
// for the issuer's redirect back. The sign-in returns to the page (location hash) the person was on; signing
// out ends the issuer's session too (its end-session endpoint, Cognito's /logout).
import { InMemoryWebStorage, type User, UserManager, WebStorageStateStore } from "oidc-client-ts";
import { onLeave, onSignOut, signedIn, signOut } from "./session";

export interface ConsoleConfig {
  authority: string;
  client_id: string;
  scope?: string;
  metadata?: Record<string, string>;
}

let manager: UserManager | null = null;

function use(user: User): void {
  signedIn({
    accessToken: user.access_token,
    idToken: user.id_token,
    expiresAt: (user.expires_at ?? 0) * 1000,
  });
}

/** Reads /config.json and completes a sign-in the issuer just redirected back from; false without a config. */
export async function startOidc(): Promise<boolean> {
  const response = await fetch("/config.json", { cache: "no-store" });
  if (!response.ok) return false;
  const config = (await response.json()) as ConsoleConfig;
  const home = `${location.origin}/`;
  manager = new UserManager({
    authority: config.authority,
    client_id: config.client_id,
    metadata: config.metadata,
    redirect_uri: home,
    post_logout_redirect_uri: home,
    response_type: "code",
    scope: config.scope ?? "openid email profile",
    userStore: new WebStorageStateStore({ store: new InMemoryWebStorage() }),
    stateStore: new WebStorageStateStore({ store: sessionStorage }),
    automaticSilentRenew: true, // with the refresh token, where the issuer gives one
    monitorSession: false,
  });
  manager.events.addUserLoaded(use); // a silent renewal's new tokens
  manager.events.addSilentRenewError(() => signOut());
  onSignOut(() => void manager?.removeUser());
  onLeave(() => {
    // Cognito's /logout (the ConsoleConfig output's end_session_endpoint): it ends the hosted sign-in's
    // session and returns here, to a logout_uri among the app client's LogoutURLs. An issuer without one:
    // the tokens in memory are gone, which is all there is.
    const end = config.metadata?.end_session_endpoint;
    if (!end) return;
    const url = new URL(end);
    url.searchParams.set("client_id", config.client_id);
    url.searchParams.set("logout_uri", home);
    location.assign(url.href);
  });
  const query = new URLSearchParams(location.search);
  if (query.has("code") && query.has("state")) {
    const user = await manager.signinRedirectCallback();
    const back = typeof user.state === "string" && user.state.startsWith("#") ? user.state : "";
    history.replaceState(null, "", `/${back}`); // the code leaves the address bar and the history
    dispatchEvent(new HashChangeEvent("hashchange")); // replaceState tells no one: the page follows the hash
    use(user);
  }
  return true;
}

/** To the issuer's sign-in page; it comes back to this page (its hash travels as the OIDC state). */
export async function signIn(): Promise<void> {
  await manager?.signinRedirect({ state: location.hash });
}
