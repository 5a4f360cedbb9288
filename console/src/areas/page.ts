// A console page: its title (the nav label and the document title) and who may open it. Each role's pages are
// listed in their own area module (employee.ts, manager.ts, finance.ts, desk.ts, hr.ts); App merges them.
import type { ComponentType } from "preact";
import type { Schemas } from "../api/client";
import type { MessageKey } from "../i18n";

export type Role = Schemas["Role"];

export interface PageEntry {
  title: MessageKey;
  Page: ComponentType;
  /** Any one of these roles opens the page; none listed: every signed-in person. */
  roles?: readonly Role[];
}

export type Pages = Record<string, PageEntry>;

export function mayOpen(entry: PageEntry, roles: readonly string[]): boolean {
  return !entry.roles || entry.roles.some((role) => roles.includes(role));
}
