import type { ApiProblem } from "../api/client";
import { useConsole } from "../context";

/** An API refusal in the person's language (the API already speaks it) with its code, or a network failure. */
export function Problem({ problem }: { problem: ApiProblem | "network" | null }) {
  const { words } = useConsole();
  if (problem === null) return null;
  const text =
    problem === "network"
      ? words.t("error.network")
      : words.t("error.with_code", { message: problem.message, code: problem.code });
  return (
    <p class="problem" role="alert">
      {text}
    </p>
  );
}
