import { useEffect, useState } from "preact/hooks";
import { api, type Schemas } from "../../api/client";
import { useConsole } from "../../context";
import { Problem } from "../Problem";
import { call, type Failure } from "./call";

const POLL_MS = 1000;
const EMPLOYEE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** A person's data at their request: export it whole (the job, polled until its download link is ready) or
 * erase them for good (a reason, and a confirmation first). No call until HR acts. */
export function PersonData() {
  const { words } = useConsole();
  const [person, setPerson] = useState("");
  const [reason, setReason] = useState("");
  const [sure, setSure] = useState(false);
  const [job, setJob] = useState<Schemas["ExportView"] | null>(null);
  const [link, setLink] = useState<string | null>(null);
  const [erased, setErased] = useState<Schemas["Erasure"] | null>(null);
  const [invalid, setInvalid] = useState<string | null>(null);
  const [failure, setFailure] = useState<Failure>(null);

  const running = job !== null && (job.status === "queued" || job.status === "running");
  useEffect(() => {
    if (!job || !running) return;
    const timer = setTimeout(
      () => void call(api.GET("/v1/exports/{export_id}", { params: { path: { export_id: job.id } } }), setFailure).then((next) => next && setJob(next)),
      POLL_MS,
    );
    return () => clearTimeout(timer);
  }, [job]);
  useEffect(() => {
    if (job?.status !== "done") return;
    const request = api.GET("/v1/exports/{export_id}/download", {
      params: { path: { export_id: job.id }, query: { redirect: false } },
    });
    void call(request, setFailure).then((data) => data && setLink((data as Schemas["DownloadLink"]).url));
  }, [job?.status]);

  const start = () => {
    setFailure(null);
    setErased(null);
    setJob(null);
    setLink(null);
    const id = person.trim();
    setInvalid(EMPLOYEE_ID.test(id) ? null : words.t("hr.people.need_id"));
    return EMPLOYEE_ID.test(id) ? id : null;
  };

  async function exportData() {
    const id = start();
    if (!id) return;
    const queued = await call(api.POST("/v1/employees/{employee_id}/exports", { params: { path: { employee_id: id } } }), setFailure);
    if (queued) setJob(queued);
  }

  async function erase(event: Event) {
    event.preventDefault();
    const id = start();
    if (!id) return;
    if (!reason.trim() || !sure) return setInvalid(words.t("hr.people.need_reason"));
    const done = await call(
      api.POST("/v1/employees/{employee_id}/erasure", {
        params: { path: { employee_id: id } },
        body: { reason: reason.trim() },
      }),
      setFailure,
    );
    if (!done) return;
    setErased(done);
    setReason("");
    setSure(false);
  }

  return (
    <form class="form card" onSubmit={erase} noValidate data-form="person-data">
      <h2>{words.t("hr.people.title")}</h2>
      <label for="person-id">{words.t("hr.directory.id")}</label>
      <input id="person-id" dir="ltr" value={person} onInput={(e) => setPerson(e.currentTarget.value)} />
      <button type="button" data-action="export" disabled={running} onClick={() => void exportData()}>
        {words.t("hr.people.export")}
      </button>
      {job && (
        <p role="status" data-export={job.status}>
          {link ? (
            <a href={link} download>
              {words.t("hr.people.download")}
            </a>
          ) : (
            words.t(job.status === "failed" ? "hr.people.export_failed" : "hr.people.exporting")
          )}
        </p>
      )}
      <label for="erase-reason">{words.t("hr.people.reason")}</label>
      <input
        id="erase-reason"
        dir="auto"
        maxLength={500}
        value={reason}
        onInput={(e) => setReason(e.currentTarget.value)}
      />
      <label class="choice" for="erase-sure">
        <input id="erase-sure" type="checkbox" checked={sure} onChange={(e) => setSure(e.currentTarget.checked)} />
        {words.t("hr.people.sure")}
      </label>
      <button type="submit" data-action="erase">
        {words.t("hr.people.erase")}
      </button>
      {invalid && (
        <p class="problem" role="alert">
          {invalid}
        </p>
      )}
      <Problem problem={failure} />
      {erased && (
        <p class="done" role="status">
          {words.t("hr.people.erased", { id: erased.employee_id, points: erased.points_expired })}
        </p>
      )}
    </form>
  );
}
