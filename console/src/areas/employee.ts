// Every person's pages (no role needed), in the navigation's order.
import { Feed } from "../pages/Feed";
import { Give } from "../pages/Give";
import { Profile } from "../pages/Profile";
import { Wallet } from "../pages/Wallet";
import type { Pages } from "./page";

export const pages = {
  feed: { title: "nav.feed", Page: Feed },
  give: { title: "nav.give", Page: Give },
  wallet: { title: "nav.wallet", Page: Wallet },
  profile: { title: "nav.profile", Page: Profile },
} satisfies Pages;
