import { createContext } from "preact";
import { useContext } from "preact/hooks";
import type { Schemas } from "./api/client";
import { type Words, words } from "./i18n";

export interface Console {
  words: Words;
  me: Schemas["OwnRecord"];
  /** The person's own record changed (e.g. their language): show it everywhere. */
  setMe(me: Schemas["OwnRecord"]): void;
}

export const ConsoleContext = createContext<Console>({
  words: words("en"),
  me: { id: "", email: "", name: "" } as Schemas["OwnRecord"],
  setMe: () => undefined,
});

export const useConsole = () => useContext(ConsoleContext);
