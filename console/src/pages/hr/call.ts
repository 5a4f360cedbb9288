// What the HR pages share: one API call with its failure kept for <Problem>, and how a report's figures read.
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
