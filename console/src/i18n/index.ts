// The console's words: JSON catalogues per area and language (messages/<area>/<language>.json: core for the
// frame and first pages, then one area per role's pages, so each area's words live beside each other), merged
// here and checked for completeness beside the backend's .po catalogues by tests/unit/test_console_catalogues.py
// (every key in every language, no key in two areas). A message is a string with {name} placeholders, or for
// counted things an object of CLDR plural forms chosen with Intl.PluralRules. Numbers, dates and money are
// formatted with the browser's Intl in the person's language.
import core from "./messages/core";
import desk from "./messages/desk";
import employee from "./messages/employee";
import finance from "./messages/finance";
import hr from "./messages/hr";
import manager from "./messages/manager";

export const LOCALES = ["en", "it", "fr", "ar"] as const;
export type Locale = (typeof LOCALES)[number];
const AREAS = [core, employee, manager, finance, desk, hr];
type English = typeof core.en &
  typeof employee.en &
  typeof manager.en &
  typeof finance.en &
  typeof desk.en &
  typeof hr.en;
export type MessageKey = keyof English;
type Message = string | Partial<Record<Intl.LDMLPluralRule, string>>;
type Catalogue = Record<string, Message>;

const merged = (locale: Locale): Catalogue =>
  Object.assign({}, ...AREAS.map((area) => area[locale] as Catalogue)) as Catalogue;
const CATALOGUES = Object.fromEntries(LOCALES.map((locale) => [locale, merged(locale)])) as Record<
  Locale,
  Catalogue
>;
const en = CATALOGUES.en as Record<MessageKey, Message>;
const RTL: ReadonlySet<Locale> = new Set(["ar"]);

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (LOCALES as readonly string[]).includes(value);
}

/** The browser's first language Plaudit speaks, else English (before the person's profile is known). */
export function browserLocale(): Locale {
  for (const tag of navigator.languages ?? []) {
    const language = tag.split("-")[0];
    if (isLocale(language)) return language;
  }
  return "en";
}

export type Params = Record<string, string | number>;

export interface Words {
  locale: Locale;
  dir: "ltr" | "rtl";
  /** The message `key` with its placeholders filled; a number is formatted, and `count` picks the plural. */
  t(key: MessageKey, params?: Params): string;
  number(value: number): string;
  money(amount: string, currency: string): string;
  dateTime(iso: string): string;
  /** A calendar day (YYYY-MM-DD), shown as that day wherever the browser is. */
  date(day: string): string;
}

export function words(locale: Locale): Words {
  const catalogue = CATALOGUES[locale];
  const numbers = new Intl.NumberFormat(locale);
  const plurals = new Intl.PluralRules(locale);
  const dates = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" });
  const days = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone: "UTC" });
  const format = (value: string | number) => (typeof value === "number" ? numbers.format(value) : value);
  return {
    locale,
    dir: RTL.has(locale) ? "rtl" : "ltr",
    t(key, params = {}) {
      const message: Message = catalogue[key] ?? en[key];
      let text: string;
      if (typeof message === "string") {
        text = message;
      } else {
        const count = Number(params.count ?? 0);
        text = message[plurals.select(count)] ?? message.other ?? "";
      }
      return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
        name in params ? format(params[name] as string | number) : whole,
      );
    },
    number: (value) => numbers.format(value),
    money: (amount, currency) =>
      new Intl.NumberFormat(locale, { style: "currency", currency }).format(Number(amount)),
    dateTime: (iso) => dates.format(new Date(iso)),
    date: (day) => days.format(new Date(`${day.slice(0, 10)}T00:00:00Z`)),
  };
}
