// Every person's pages (no role needed), in the navigation's order.
import { Feed } from "../pages/Feed";
import { Give } from "../pages/Give";
import { Achievements } from "../pages/employee/Achievements";
import { Catalogue } from "../pages/employee/Catalogue";
import { Leaderboard } from "../pages/employee/Leaderboard";
import { Rewards } from "../pages/employee/Rewards";
import { Profile } from "../pages/Profile";
import { Wallet } from "../pages/Wallet";
import type { Pages } from "./page";

export const pages = {
  feed: { title: "nav.feed", Page: Feed },
  give: { title: "nav.give", Page: Give },
  wallet: { title: "nav.wallet", Page: Wallet },
  catalogue: { title: "employee.catalogue.title", Page: Catalogue },
  rewards: { title: "employee.rewards.title", Page: Rewards },
  achievements: { title: "employee.achievements.title", Page: Achievements },
  leaderboard: { title: "employee.leaderboard.title", Page: Leaderboard },
  profile: { title: "nav.profile", Page: Profile },
} satisfies Pages;
