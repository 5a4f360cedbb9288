// A desk account (the user pool's voucher_desk group, tied to a desk) is no person: GET /v1/me refuses it
// (no directory record). The console then opens the desk pages only. Its access token says the group (the
// claim Cognito sets, `cognito:groups`); reading it only chooses what to show — the API checks every call.
import type { Schemas } from "../../api/client";

export const DESK_ROLE = "voucher_desk";

function groups(accessToken: string): string[] {
  try {
    const payload = accessToken.split(".")[1] ?? "";
    const json = atob(payload.replace(/-/g, "+").replace(/_/g, "/"));
    const claims = JSON.parse(json) as { "cognito:groups"?: unknown };
    const found = claims["cognito:groups"];
    return Array.isArray(found) ? found.map(String) : [];
  } catch {
    return [];
  }
}

/** The desk account's stand-in for a person's record (roles: voucher_desk only), or null for anyone else. */
export function deskAccount(accessToken: string): Schemas["OwnRecord"] | null {
  if (!groups(accessToken).includes(DESK_ROLE)) return null;
  return { id: "", email: "", name: "", roles: [DESK_ROLE] } as unknown as Schemas["OwnRecord"];
}
