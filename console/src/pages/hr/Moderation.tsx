import { useState } from "preact/hooks";
import { api, type Schemas } from "../../api/client";
import { useConsole } from "../../context";
import { Problem } from "../Problem";
import { call, type Failure } from "./call";

/** Hide a kudos that broke the rules, its points kept or reversed, with the reason the trail keeps: no call to
 * load, one to hide. */
export function Moderation() {
  const { words } = useConsole();
  const [kudos, setKudos] = useState("");
  const [reason, setReason] = useState("");
  const [points, setPoints] = useState<Schemas["HiddenPoints"]>("keep");
  const [invalid, setInvalid] = useState<string | null>(null);
  const [failure, setFailure] = useState<Failure>(null);
  const [hidden, setHidden] = useState<string | null>(null);

  async function hide(event: Event) {
    event.preventDefault();
    setHidden(null);
    setFailure(null);
    if (!kudos.trim() || !reason.trim()) return setInvalid(words.t("hr.moderation.need"));
    setInvalid(null);
    const done = await call(
      api.POST("/v1/recognitions/{recognition_id}/hide", {
        params: { path: { recognition_id: kudos.trim() } },
        body: { reason: reason.trim(), points },
      }),
      setFailure,
    );
    if (done) setHidden(kudos.trim());
  }

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{words.t("hr.moderation.title")}</h1>
      <form class="form card" onSubmit={hide} noValidate data-form="hide">
        <label for="kudos-id">{words.t("hr.moderation.kudos")}</label>
        <input id="kudos-id" dir="ltr" value={kudos} onInput={(e) => setKudos(e.currentTarget.value)} />
        <label for="hide-reason">{words.t("hr.moderation.reason")}</label>
        <input id="hide-reason" dir="auto" maxLength={500} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
        <fieldset>
          <legend>{words.t("hr.moderation.points")}</legend>
          {(["keep", "reverse"] as const).map((choice) => (
            <label key={choice} class="choice">
              <input
                type="radio"
                name="hide-points"
                value={choice}
                checked={points === choice}
                onChange={() => setPoints(choice)}
              />
              {words.t(`hr.moderation.points_${choice}`)}
            </label>
          ))}
        </fieldset>
        <button type="submit">{words.t("hr.moderation.hide")}</button>
        {invalid && (
          <p class="problem" role="alert">
            {invalid}
          </p>
        )}
        <Problem problem={failure} />
        {hidden && (
          <p class="done" role="status">
            {words.t("hr.moderation.hidden", { kudos: hidden })}
          </p>
        )}
      </form>
    </section>
  );
}
