import { useState } from "preact/hooks";
import { type ApiProblem, api, problem, type Schemas } from "../api/client";
import { useConsole } from "../context";
import type { MessageKey } from "../i18n";
import { PeoplePicker, type Person } from "./employee/PeoplePicker";
import { Problem } from "./Problem";

// The API's limits (GiveKudos in the OpenAPI document): the form says why before sending what it would refuse.
const MAX_RECIPIENTS = 20;
const MAX_VALUES = 5;
const MAX_MESSAGE = 1000;

const list = (text: string) =>
  text
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean);

/** Give kudos to one or more people, picked by name (PeoplePicker): no API call to open, one to send. */
export function Give() {
  const { words } = useConsole();
  const [recipients, setRecipients] = useState<Person[]>([]);
  const [points, setPoints] = useState("10");
  const [split, setSplit] = useState<Schemas["SplitMode"]>("each");
  const [message, setMessage] = useState("");
  const [values, setValues] = useState("");
  const [visibility, setVisibility] = useState<Schemas["Visibility"]>("public");
  const [invalid, setInvalid] = useState<{ key: MessageKey; max?: number } | null>(null);
  const [failure, setFailure] = useState<ApiProblem | "network" | null>(null);
  const [sent, setSent] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  function check(): { key: MessageKey; max?: number } | null {
    const ids = recipients.map((person) => person.id);
    if (ids.length === 0) return { key: "give.need_recipient" };
    if (ids.length > MAX_RECIPIENTS) return { key: "give.too_many_recipients", max: MAX_RECIPIENTS };
    if (!/^[1-9][0-9]*$/.test(points.trim())) return { key: "give.bad_points" };
    if (!message.trim()) return { key: "give.need_message" };
    if (list(values).length > MAX_VALUES) return { key: "give.too_many_values", max: MAX_VALUES };
    return null;
  }

  async function submit(event: Event) {
    event.preventDefault();
    setSent(null);
    setFailure(null);
    const wrong = check();
    setInvalid(wrong);
    if (wrong) return;
    setBusy(true);
    try {
      const { data, error } = await api.POST("/v1/recognitions", {
        params: { header: { "idempotency-key": crypto.randomUUID() } },
        body: {
          recipient_ids: recipients.map((person) => person.id),
          points: Number(points),
          split,
          message,
          values: list(values),
          visibility,
        },
      });
      if (data) {
        const named = new Map(recipients.map((person) => [person.id, person.name]));
        setSent(data.recipient_ids.map((id) => named.get(id) ?? id).join(", "));
        setRecipients([]);
        setMessage("");
        setValues("");
      } else {
        setFailure(problem(error));
      }
    } catch {
      setFailure("network");
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{words.t("give.title")}</h1>
      <form class="form card" onSubmit={submit} noValidate>
        <label for="recipients">{words.t("give.recipients")}</label>
        <PeoplePicker
          id="recipients"
          picked={recipients}
          onChange={setRecipients}
          max={MAX_RECIPIENTS}
          describedBy="recipients-hint"
        />
        <p id="recipients-hint" class="hint">
          {words.t("give.recipients_hint")}
        </p>
        <label for="points">{words.t("give.points")}</label>
        <input
          id="points"
          name="points"
          inputMode="numeric"
          value={points}
          onInput={(e) => setPoints(e.currentTarget.value)}
        />
        <fieldset>
          <legend>{words.t("give.split")}</legend>
          {(["each", "split"] as const).map((mode) => (
            <label key={mode} class="choice">
              <input
                type="radio"
                name="split"
                value={mode}
                checked={split === mode}
                onChange={() => setSplit(mode)}
              />
              {words.t(mode === "each" ? "give.split_each" : "give.split_split")}
            </label>
          ))}
        </fieldset>
        <label for="message">{words.t("give.message")}</label>
        <textarea
          id="message"
          name="message"
          dir="auto"
          rows={4}
          maxLength={MAX_MESSAGE}
          value={message}
          onInput={(e) => setMessage(e.currentTarget.value)}
        />
        <label for="values">{words.t("give.values")}</label>
        <input
          id="values"
          name="values"
          dir="auto"
          value={values}
          aria-describedby="values-hint"
          onInput={(e) => setValues(e.currentTarget.value)}
        />
        <p id="values-hint" class="hint">
          {words.t("give.values_hint")}
        </p>
        <fieldset>
          <legend>{words.t("give.visibility")}</legend>
          {(["public", "private"] as const).map((choice) => (
            <label key={choice} class="choice">
              <input
                type="radio"
                name="visibility"
                value={choice}
                checked={visibility === choice}
                onChange={() => setVisibility(choice)}
              />
              {words.t(choice === "public" ? "give.public" : "give.private")}
            </label>
          ))}
        </fieldset>
        {invalid && (
          <p class="problem" role="alert">
            {words.t(invalid.key, invalid.max ? { max: invalid.max } : {})}
          </p>
        )}
        <Problem problem={failure} />
        {sent && (
          <p class="done" role="status">
            {words.t("give.sent", { recipients: sent })}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {words.t("give.submit")}
        </button>
      </form>
    </section>
  );
}
