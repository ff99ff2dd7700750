// The commander's STOP/COMPSTAT dashboard: one precinct (or all in scope) and one month, from the analytics API.

import { api, clear, config, el, showError, t, url } from "./common.js";

const form = document.getElementById("command-form");
const error = document.getElementById("command-error");
const isSpanish = (config.language || "es").startsWith("es");
const WINDOWS = [
  ["last_7_days", "Last 7 days"],
  ["last_28_days", "Last 28 days"],
  ["year_to_date", "Year to date"],
];
const HOTSPOTS_SHOWN = 10;

function query(extra = {}) {
  const params = new URLSearchParams();
  if (form.elements.precinct.value) params.set("precinct", form.elements.precinct.value);
  params.set("month", form.elements.month.value);
  for (const [key, value] of Object.entries(extra)) params.set(key, value);
  return params.toString();
}

function number(value, digits = 0) {
  if (value === null || value === undefined) return "—";
  return new Intl.NumberFormat(config.language, { maximumFractionDigits: digits, minimumFractionDigits: digits }).format(value);
}

function percent(value) {
  return value === null || value === undefined ? "—" : `${number(value * 100, 1)} %`;
}

function table(caption, headers, rows) {
  return el(
    "table",
    { className: "data-table" },
    el("caption", { text: caption }),
    el("thead", {}, el("tr", {}, ...headers.map((header) => el("th", { scope: "col", text: header })))),
    el("tbody", {}, ...rows.map((cells) => el("tr", {}, ...cells.map((cell, index) => (index === 0 ? el("th", { scope: "row" }, cell) : el("td", {}, cell)))))),
  );
}

function changeCell(window) {
  const text = `${number(window.current)} (${window.prior}) ${window.percent_change === null ? t("n/a") : `${number(window.percent_change, 0)} %`}`;
  const cell = el("span", { className: window.is_signal ? "signal" : "", title: `z = ${number(window.wheeler_z, 2)}`, text });
  if (window.is_signal) cell.append(el("span", { className: "visually-hidden", text: ` ${t("signal")}` }));
  return cell;
}

function countsTable(caption, rows) {
  const headers = [t("Category"), ...WINDOWS.map(([, label]) => t(label))];
  const body = rows
    .filter((row) => WINDOWS.some(([key]) => row.windows[key].current || row.windows[key].prior))
    .map((row) => [isSpanish ? row.label_es : row.label_en, ...WINDOWS.map(([key]) => changeCell(row.windows[key]))]);
  return table(caption, headers, body.length ? body : [[t("No incidents in these windows."), "", "", ""]]);
}

function responseTable(times) {
  const rows = [
    ["to_acknowledge", t("To acknowledge")],
    ["to_contact", t("To contact")],
    ["to_on_scene", t("To on scene")],
    ["to_close", t("To close")],
  ].map(([key, label]) => {
    const item = times[key];
    const minutes = (seconds) => (seconds === null || seconds === undefined ? "—" : number(seconds / 60, 1));
    return [label, number(item.count), minutes(item.median_seconds), minutes(item.p90_seconds)];
  });
  return table(t("Response times (minutes), last 28 days"), [t("Step"), t("Alerts"), t("Median"), t("90th percentile")], rows);
}

function darkFigureSection(report) {
  const node = el("div");
  node.append(
    el("p", {}, t("ENUSC non-reporting: {value} ({year}). Pilot baseline {baseline}, goal {goal}.", {
      value: percent(report.enusc_baseline.non_reporting),
      year: report.enusc_baseline.year,
      baseline: percent(report.pilot_baseline),
      goal: percent(report.goal),
    })),
  );
  for (const preset of report.presets) {
    const rows = preset.rows.map((row) => [
      `${row.precinct_name || t("all my precincts")} · ${row.group === "all" ? t("All") : row.group}`,
      number(row.n1),
      number(row.n2),
      number(row.m),
      `${number(row.n_hat)} [${number(row.n_hat_low)}–${number(row.n_hat_high)}]`,
      `${percent(row.dark_figure)} [${percent(row.dark_figure_low)}–${percent(row.dark_figure_high)}]`,
    ]);
    node.append(
      table(
        t("Preset {preset}: within {m} m and {h} h", { preset: preset.preset, m: preset.max_distance_m, h: preset.max_hours }),
        [t("Precinct and group"), t("Formal reports (n1)"), t("Alerts (n2)"), t("Linked (m)"), t("Estimated total N (95% CI)"), t("Dark figure (95% CI)")],
        rows,
      ),
    );
    const warnings = new Set(preset.rows.flatMap((row) => row.warnings || []));
    if (warnings.size) node.append(el("ul", { className: "warnings" }, ...[...warnings].map((warning) => el("li", { text: warning }))));
  }
  return node;
}

function hotspotsTable(collection) {
  const cells = collection.features
    .map((feature) => feature.properties)
    .filter((cell) => cell.bin > 0)
    .sort((a, b) => b.z - a.z)
    .slice(0, HOTSPOTS_SHOWN);
  const rows = cells.map((cell) => [cell.cell, number(cell.formal), number(cell.informal), number(cell.z, 2), number(cell.p_fdr, 4), t("{n}% confidence", { n: { 1: 90, 2: 95, 3: 99 }[cell.bin] })]);
  return table(
    t("Hot cells (Getis-Ord Gi*, FDR-corrected), hottest first"),
    [t("H3 cell"), t("Formal"), t("Informal"), t("z"), t("p (FDR)"), t("Confidence")],
    rows.length ? rows : [[t("No significant hot cells this month."), "", "", "", "", ""]],
  );
}

function adoptionTable(adoption) {
  const names = Object.fromEntries(config.precincts.map((precinct) => [precinct.code, precinct.name]));
  const rows = adoption.rows.map((row) => [
    row.label === "Total" ? t("Total") : names[row.label] || row.label,
    number(row.registered),
    number(row.population),
    number(row.target),
    number(row.missing),
    `${number(row.compliance_percent, 1)} %`,
  ]);
  return table(
    t("Registered addresses against the 10% goal ({start} to {end})", adoption.period),
    [t("Precinct"), t("Registered"), t("Population"), t("Target (10%)"), t("Missing"), t("Compliance")],
    rows,
  );
}

function csvLinks() {
  const links = [
    [`${url("stop_pack")}?${query({ format: "csv", table: "counts" })}`, t("STOP counts (CSV)")],
    [`${url("stop_pack")}?${query({ format: "csv", table: "response_times" })}`, t("Response times (CSV)")],
    [`${url("dark_figure")}?${query({ format: "csv" })}`, t("Dark figure (CSV)")],
    [`${url("stop_pack")}?${query({ format: "csv", table: "adoption" })}`, t("Adoption (CSV)")],
    [`${url("hotspots")}?${query()}`, t("Hotspots (GeoJSON)")],
    [`${url("stop_pack_page")}?${query()}`, t("Printable STOP pack")],
  ];
  const list = document.getElementById("downloads");
  clear(list);
  for (const [href, label] of links) list.append(el("li", {}, el("a", { href, text: label })));
}

async function load() {
  error.hidden = true;
  const status = document.getElementById("command-status");
  status.textContent = t("Loading…");
  document.getElementById("map-frame").src = `${url("map")}?${query()}`;
  csvLinks();
  const sections = ["stop-tables", "response-table", "dark-figure", "hotspots-table", "adoption-table"].map((id) => clear(document.getElementById(id)));
  try {
    const [{ body: pack }, { body: hotspots }] = await Promise.all([api(`${url("stop_pack")}?${query()}`), api(`${url("hotspots")}?${query()}`)]);
    const [stop, response, dark, hot, adoption] = sections;
    document.getElementById("command-heading").textContent = t("STOP pack: {area}, {month}", { area: pack.area.name || t("all my precincts"), month: pack.month });
    stop.append(countsTable(t("Formal reports: current (same dates last year) and change"), pack.formal), countsTable(t("Neighbor alerts: current (same dates last year) and change"), pack.informal));
    response.append(responseTable(pack.response_times));
    dark.append(darkFigureSection(pack.dark_figure));
    hot.append(hotspotsTable(hotspots));
    adoption.append(adoptionTable(pack.adoption));
    status.textContent = t("Up to date: figures until {date}.", { date: pack.end_date });
  } catch (failure) {
    status.textContent = "";
    showError(error, failure);
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const address = new URL(window.location.href);
  address.search = query();
  window.history.replaceState(null, "", address);
  load();
});
load();
