// What the HR pages share: one API call with its failure kept for <Problem>, and how a report's figures read.
import { useEffect, useState } from "preact/hooks";
import { type ApiProblem, problem } from "../../api/client";
import type { Words } from "../../i18n";

export type Failure = ApiProblem | "network" | null;

/** The call's data, or null with the failure set (the API's refusal, or no answer at all). */
export async function call<T>(
  request: Promise<{ data?: T; error?: unknown }>,
  setFailure: (failure: Failure) => void,
): Promise<T | null> {
  try {
    const { data, error } = await request;
    if (data !== undefined) return data;
    setFailure(problem(error));
  } catch {
    setFailure("network");
  }
  return null;
}

/** A period's id as people read it: 2026-11 as a month of their language; weeks, quarters, years as they are. */
export function periodLabel(words: Words, id: string): string {
  const month = /^(\d{4})-(\d{2})$/.exec(id);
  if (!month) return id;
  const date = new Date(Date.UTC(Number(month[1]), Number(month[2]) - 1, 1));
  return new Intl.DateTimeFormat(words.locale, { month: "short", year: "numeric", timeZone: "UTC" }).format(date);
}

/** A share or rate (a decimal like "0.4167") as a percentage of the person's language. */
export function percent(words: Words, value: number): string {
  return new Intl.NumberFormat(words.locale, { style: "percent", maximumFractionDigits: 1 }).format(value);
}

/** Whether a call that answers no body (204) succeeded; if not, the failure is set. */
export async function succeeded(
  request: Promise<{ error?: unknown; response: Response }>,
  setFailure: (failure: Failure) => void,
): Promise<boolean> {
  try {
    const { error, response } = await request;
    if (response.ok) return true;
    setFailure(problem(error));
  } catch {
    setFailure("network");
  }
  return false;
}

/** A page's one load: its data (null while it loads or when it failed), the failure, and setters for the page's
 * own changes (a new row, a row changed) so that an edit costs one call, never a reload. */
export function useLoad<T>(request: () => Promise<{ data?: T; error?: unknown }>) {
  const [data, setData] = useState<T | null>(null);
  const [failure, setFailure] = useState<Failure>(null);
  useEffect(() => void call(request(), setFailure).then(setData), []);
  return { data, setData, failure, setFailure };
}

/** An idempotency key for one submission of a form that moves points. */
export const onceKey = () => crypto.randomUUID();
