// The session: the tokens live in this module's memory only (never localStorage, sessionStorage or a cookie),
// so a reload signs the person out. How tokens are obtained is the sign-in's business: the prod build signs in
// with OIDC (./oidc.ts: authorization code with PKCE against the stack's user pool, renewed silently with the
// refresh token it keeps in memory too); the dev build has the local stack's dev sign-in (./dev.ts).
import { useEffect, useState } from "preact/hooks";

export interface Session {
  accessToken: string;
  /** The OIDC ID token: sent once, to POST /v1/me/link, when the account is not linked yet. */
  idToken?: string;
  expiresAt: number; // epoch ms
}

let current: Session | null = null;
const listeners = new Set<() => void>();
const endings = new Set<() => void>();
const farewells = new Set<() => void>();

export function session(): Session | null {
  if (current && current.expiresAt <= Date.now()) current = null;
  return current;
}

export function signedIn(next: Session): void {
  current = next;
  listeners.forEach((listener) => listener());
}

/** Forget the tokens, e.g. on sign-out or when the API answers 401 (the page the person was on is kept in the
 * location hash, so signing in again returns them there). */
export function signOut(): void {
  current = null;
  endings.forEach((ending) => ending());
  listeners.forEach((listener) => listener());
}

/** The person signs out (the navigation's button): back to the sign-in page at the root, the tokens
 * forgotten (signOut), then the sign-in method ends its own session too (OIDC: the issuer's hosted sign-in,
 * so the next person at this browser is asked again; the dev sign-in page has none). A 401 only calls
 * signOut, which keeps the page to return to. */
export function leave(): void {
  history.replaceState(null, "", "/");
  dispatchEvent(new HashChangeEvent("hashchange")); // replaceState tells no one: the page follows the hash
  signOut();
  farewells.forEach((farewell) => farewell());
}

/** What a sign-in method does when the person signs out on purpose (OIDC: the issuer's end-session). */
export function onLeave(farewell: () => void): void {
  farewells.add(farewell);
}

/** What a sign-in method does when the session ends (OIDC forgets its refresh token). */
export function onSignOut(ending: () => void): void {
  endings.add(ending);
}

export function useSession(): Session | null {
  const [, setVersion] = useState(0);
  useEffect(() => {
    const listener = () => setVersion((version) => version + 1);
    listeners.add(listener);
    return () => void listeners.delete(listener);
  }, []);
  return session();
}
