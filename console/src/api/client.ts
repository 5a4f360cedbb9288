// The one way the console calls Plaudit: openapi-fetch typed by the backend's OpenAPI document (schema.d.ts is
// generated from it in the build, so an API change that breaks a page breaks `tsc`). Same origin as the API
// (the local stack in dev, CloudFront in prod): no CORS, no base URL.
import createClient, { type Middleware } from "openapi-fetch";
import { session, signOut } from "../auth/session";
import type { components, paths } from "./schema";

export type Schemas = components["schemas"];

const auth: Middleware = {
  onRequest({ request }) {
    const current = session();
    // the access token, unless the call names its own bearer (POST /v1/me/link takes the ID token)
    if (current && !request.headers.has("authorization"))
      request.headers.set("authorization", `Bearer ${current.accessToken}`);
    return request;
  },
  onResponse({ response }) {
    if (response.status === 401) signOut();
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: "" });
api.use(auth);

/** What a page shows when the API refuses: its message (already in the person's language) and its code. */
export interface ApiProblem {
  code: string;
  message: string;
}

export function problem(error: unknown): ApiProblem | null {
  if (error && typeof error === "object" && "error" in error) {
    const detail = (error as { error: unknown }).error;
    if (detail && typeof detail === "object" && "code" in detail && "message" in detail) {
      return { code: String(detail.code), message: String(detail.message) };
    }
  }
  return null;
}
