// The local stack's dev sign-in (dev builds only: imported behind __DEV_SIGNIN__). The stack lists its demo
// people and mints a dev token for one of them: GET /_local/dev/people, POST /_local/dev/token.
import { signedIn } from "./session";

export interface DemoPerson {
  id: string;
  name: string;
  roles: string[];
}

export async function demoPeople(): Promise<DemoPerson[]> {
  const response = await fetch("/_local/dev/people");
  if (!response.ok) throw new Error(`dev people: ${response.status}`);
  return ((await response.json()) as { people: DemoPerson[] }).people;
}

export async function devSignIn(employeeId: string): Promise<void> {
  const response = await fetch("/_local/dev/token", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ employee_id: employeeId }),
  });
  if (!response.ok) throw new Error(`dev token: ${response.status}`);
  const token = (await response.json()) as { access_token: string; expires_in: number };
  signedIn({ accessToken: token.access_token, expiresAt: Date.now() + token.expires_in * 1000 });
}
