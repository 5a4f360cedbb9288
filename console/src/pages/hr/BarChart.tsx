import { useConsole } from "../../context";

// A bar chart drawn as inline SVG by the console itself (no chart library: a few bars need ~60 lines, a library
// would add tens of KB to the first load), with its table alternative beside it. In a right-to-left language
// the categories run from the right, as the reader reads them.

export interface Series {
  /** The series' name, as the legend and the table's column header say it. */
  name: string;
  values: readonly (number | null)[];
}

interface Props {
  id: string;
  title: string;
  /** What each group of bars is about (a period, a budget), in reading order. */
  categories: readonly string[];
  series: readonly Series[];
  /** A value as people read it (a number, a percentage). */
  format: (value: number) => string;
}

const WIDTH = 600;
const HEIGHT = 220;
const AXIS = 28; // room for the category labels under the bars
const COLOURS = ["#0b5cad", "#c05600", "#1d6b35"];

export function BarChart({ id, title, categories, series, format }: Props) {
  const { words } = useConsole();
  const rtl = words.dir === "rtl";
  const top = Math.max(0, ...series.flatMap((s) => s.values.map((v) => v ?? 0)));
  const slot = WIDTH / Math.max(1, categories.length);
  const bar = (slot * 0.7) / Math.max(1, series.length);
  const height = (value: number) => (top > 0 ? ((HEIGHT - AXIS - 8) * value) / top : 0);
  const x = (category: number, index: number) => {
    const start = category * slot + slot * 0.15 + index * bar;
    return rtl ? WIDTH - start - bar : start;
  };
  const centre = (category: number) => (rtl ? WIDTH - (category + 0.5) * slot : (category + 0.5) * slot);
  const empty = (value: number | null) => (value === null ? words.t("hr.chart.none") : format(value));

  return (
    <figure class="card chart" aria-labelledby={`${id}-title`}>
      <figcaption id={`${id}-title`}>{title}</figcaption>
      <ul class="legend">
        {series.map((s, index) => (
          <li key={s.name}>
            <span class={`swatch swatch-${index % COLOURS.length}`} />
            {s.name}
          </li>
        ))}
      </ul>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-labelledby={`${id}-title`} data-chart={id}>
        <line x1={0} x2={WIDTH} y1={HEIGHT - AXIS} y2={HEIGHT - AXIS} stroke="#4a5360" />
        {categories.map((category, c) => (
          <g key={category}>
            {series.map((s, index) => {
              const value = s.values[c] ?? 0;
              return (
                <rect
                  key={s.name}
                  x={x(c, index)}
                  y={HEIGHT - AXIS - height(value)}
                  width={bar}
                  height={height(value)}
                  fill={COLOURS[index % COLOURS.length]}
                >
                  <title>{`${category} · ${s.name}: ${empty(s.values[c] ?? null)}`}</title>
                </rect>
              );
            })}
            <text x={centre(c)} y={HEIGHT - 8} text-anchor="middle" font-size="14" fill="#1b1f24">
              {category}
            </text>
          </g>
        ))}
      </svg>
      <div class="table-scroll" tabIndex={0} role="region" aria-label={words.t("hr.chart.table", { chart: title })}>
        <table class="board">
          <caption class="hint">{words.t("hr.chart.table", { chart: title })}</caption>
          <thead>
            <tr>
              <th scope="col">{words.t("hr.chart.category")}</th>
              {series.map((s) => (
                <th key={s.name} scope="col">
                  {s.name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {categories.map((category, c) => (
              <tr key={category}>
                <th scope="row">{category}</th>
                {series.map((s) => (
                  <td key={s.name}>{empty(s.values[c] ?? null)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}
