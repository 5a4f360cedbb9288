// The console's words: one JSON catalogue per language (messages/*.json, checked for completeness beside the
// backend's .po catalogues by tests/unit/test_console_catalogues.py). A message is a string with {name}
// placeholders, or for counted things an object of CLDR plural forms chosen with Intl.PluralRules.
// Numbers, dates and money are formatted with the browser's Intl in the person's language.
import ar from "./messages/ar.json";
import en from "./messages/en.json";
import fr from "./messages/fr.json";
import it from "./messages/it.json";

export const LOCALES = ["en", "it", "fr", "ar"] as const;
export type Locale = (typeof LOCALES)[number];
export type MessageKey = keyof typeof en;
type Message = string | Partial<Record<Intl.LDMLPluralRule, string>>;

const CATALOGUES: Record<Locale, Record<string, Message>> = { en, it, fr, ar };
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
}

export function words(locale: Locale): Words {
  const catalogue = CATALOGUES[locale];
  const numbers = new Intl.NumberFormat(locale);
  const plurals = new Intl.PluralRules(locale);
  const dates = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" });
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
  };
}
