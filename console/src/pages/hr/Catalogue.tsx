import { useState } from "preact/hooks";
import { api, type Schemas } from "../../api/client";
import { useConsole } from "../../context";
import { Problem } from "../Problem";
import { call, succeeded, useLoad } from "./call";

type Item = Schemas["CatalogItemView"];

/** Every active item of the catalogue (one call: HR sees every active one, offered or not); deactivating an item, and uploading codes for a
 * code-stock item as CSV (one call each). */
export function Catalogue() {
  const { words } = useConsole();
  const { data, setData, failure, setFailure } = useLoad(() =>
    api.GET("/v1/catalog/items", { params: { query: { limit: 100 } } }),
  );
  const items = data?.items ?? [];
  const stocked = items.filter((item) => item.fulfilment === "code_stock" && item.active);
  const [target, setTarget] = useState("");
  const [codes, setCodes] = useState("");
  const [invalid, setInvalid] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);

  const replace = (item: Item) =>
    setData((before) => before && { ...before, items: before.items.map((i) => (i.id === item.id ? item : i)) });

  async function deactivate(item: Item) {
    setDone(null);
    setFailure(null);
    const request = api.DELETE("/v1/catalog/items/{item_id}", { params: { path: { item_id: item.id } } });
    if (!(await succeeded(request, setFailure))) return;
    replace({ ...item, active: false });
    setDone(words.t("hr.catalogue.deactivated", { item: item.name }));
  }

  async function readFile(event: Event) {
    const file = (event.currentTarget as HTMLInputElement).files?.[0];
    if (file) setCodes(await file.text());
  }

  async function upload(event: Event) {
    event.preventDefault();
    setDone(null);
    setFailure(null);
    const item = stocked.find((i) => i.id === (target || stocked[0]?.id));
    if (!item || !codes.trim()) return setInvalid(words.t("hr.catalogue.need_codes"));
    setInvalid(null);
    const stock = await call(
      api.POST("/v1/catalog/items/{item_id}/codes", {
        params: { path: { item_id: item.id } },
        body: codes,
        bodySerializer: (text: string) => text,
        headers: { "content-type": "text/csv" },
      }),
      setFailure,
    );
    if (!stock) return;
    setDone(
      words.t("hr.catalogue.uploaded", {
        item: item.name,
        added: stock.added,
        duplicates: stock.duplicates,
        available: stock.available,
      }),
    );
    setCodes("");
  }

  const price = (item: Item) =>
    item.min_points == null
      ? words.t("hr.chart.none")
      : item.min_points === item.max_points || item.max_points == null
        ? words.number(item.min_points)
        : words.t("hr.catalogue.range", { min: item.min_points, max: item.max_points });

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{words.t("hr.catalogue.title")}</h1>
      <Problem problem={failure} />
      {invalid && (
        <p class="problem" role="alert">
          {invalid}
        </p>
      )}
      {done && (
        <p class="done" role="status">
          {done}
        </p>
      )}
      {!data && failure === null && <p>{words.t("app.loading")}</p>}
      {data && (
        <div class="card table-scroll" tabIndex={0} role="region" aria-label={words.t("hr.catalogue.title")}>
          <table class="board" data-table="catalogue">
            <thead>
              <tr>
                <th scope="col">{words.t("hr.catalogue.item")}</th>
                <th scope="col">{words.t("hr.catalogue.fulfilment")}</th>
                <th scope="col">{words.t("hr.catalogue.points")}</th>
                <th scope="col">{words.t("hr.catalogue.status")}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((item) => (
                <tr key={item.id} data-item={item.id}>
                  <th scope="row" dir="auto">
                    {item.name}
                  </th>
                  <td>{words.t(`hr.catalogue.fulfilment_${item.fulfilment}`)}</td>
                  <td>{price(item)}</td>
                  <td>
                    {item.active ? (
                      <button
                        type="button"
                        class="link"
                        aria-label={words.t("hr.catalogue.deactivate_item", { item: item.name })}
                        onClick={() => void deactivate(item)}
                      >
                        {words.t("hr.catalogue.deactivate")}
                      </button>
                    ) : (
                      words.t("hr.catalogue.inactive")
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {stocked.length > 0 && (
        <form class="form card" onSubmit={upload} noValidate data-form="codes">
          <h2>{words.t("hr.catalogue.upload")}</h2>
          <label for="codes-item">{words.t("hr.catalogue.item")}</label>
          <select id="codes-item" value={target} onChange={(e) => setTarget(e.currentTarget.value)}>
            {stocked.map((item) => (
              <option key={item.id} value={item.id}>
                {item.name}
              </option>
            ))}
          </select>
          <label for="codes-file">{words.t("hr.catalogue.file")}</label>
          <input id="codes-file" type="file" accept=".csv,text/csv,text/plain" onChange={(e) => void readFile(e)} />
          <label for="codes">{words.t("hr.catalogue.codes")}</label>
          <textarea
            id="codes"
            dir="ltr"
            rows={5}
            value={codes}
            aria-describedby="codes-hint"
            onInput={(e) => setCodes(e.currentTarget.value)}
          />
          <p id="codes-hint" class="hint">
            {words.t("hr.catalogue.codes_hint")}
          </p>
          <button type="submit">{words.t("hr.catalogue.upload")}</button>
        </form>
      )}
    </section>
  );
}
