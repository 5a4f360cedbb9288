// The session: the access token lives in this module's memory only (never localStorage or a cookie), so a
// reload signs the person out. How a token is obtained is a `SignIn` method: the dev build has the local
// stack's dev sign-in (./dev.ts); OIDC authorization code with PKCE against the stack's Cognito user pool
// slots in as another `SignIn` with the same shape (begin: redirect to the issuer; complete: exchange the code).
import { useEffect, useState } from "preact/hooks";

export interface Session {
  accessToken: string;
  expiresAt: number; // epoch ms
}

let current: Session | null = null;
const listeners = new Set<() => void>();

export function session(): Session | null {
  if (current && current.expiresAt <= Date.now()) current = null;
  return current;
}

export function signedIn(next: Session): void {
  current = next;
  listeners.forEach((listener) => listener());
}

/** Forget the token, e.g. on sign-out or when the API answers 401 (the page the person was on is kept in the
 * location hash, so signing in again returns them there). */
export function signOut(): void {
  current = null;
  listeners.forEach((listener) => listener());
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
