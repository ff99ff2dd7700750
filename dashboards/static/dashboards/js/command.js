// The commander's STOP/COMPSTAT dashboard: one precinct (or all in scope) and one month, from the analytics API.
// The pack and its PDF are computed in Celery: the API answers 202 with a status URL, which we poll.
/* global Chart */

import { api, apiHeaders, clear, config, el, gettext_noop, showError, t, url } from "./common.js";

const form = document.getElementById("command-form");
const error = document.getElementById("command-error");
const isSpanish = (config.language || "es").startsWith("es");
const WINDOWS = [
  ["last_7_days", gettext_noop("Last 7 days")],
  ["last_28_days", gettext_noop("Last 28 days")],
  ["year_to_date", gettext_noop("Year to date")],
];
const HOTSPOTS_SHOWN = 10;
const POLL_MS = 700;
const CURRENT_COLOUR = "#0b3d2e";
const PRIOR_COLOUR = "#9aa5a0";
const STEP_LABELS = {
  counts: gettext_noop("Counting by category"),
  trends: gettext_noop("Weekly trends"),
  response_times: gettext_noop("Response times"),
  dark_figure: gettext_noop("Dark figure"),
  adoption: gettext_noop("Adoption"),
  maps: gettext_noop("Drawing the maps"),
  layout: gettext_noop("Laying out the pages"),
  pdf: gettext_noop("Writing the PDF"),
  done: gettext_noop("Done"),
};
let charts = [];

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function showJob(prefix, job) {
  const box = document.getElementById(`${prefix}-progress`);
  box.hidden = false;
  document.getElementById(`${prefix}-progress-bar`).value = job.progress;
  const step = STEP_LABELS[job.step] ? t(STEP_LABELS[job.step]) : job.status === "pending" ? t("Waiting for a worker") : "";
  document.getElementById(`${prefix}-progress-text`).textContent = `${job.progress} % ${step}`;
}

// Poll a job until it is no longer pending or running; a failed job becomes an error.
async function jobFinished(job, onProgress) {
  onProgress(job);
  while (job.status === "pending" || job.status === "running") {
    await sleep(POLL_MS);
    job = (await api(job.status_url)).body;
    onProgress(job);
  }
  if (job.status === "failed") throw new Error(job.error || t("The computation failed."));
  return job;
}

// GET an analytics resource that may answer 202: wait for its job, then fetch the finished result.
async function computed(address, onProgress) {
  let response = await api(address);
  while (response.status === 202) {
    await jobFinished(response.body, onProgress);
    response = await api(address);
  }
  return response.body;
}

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
  const hasTruth = report.presets.some((preset) => preset.rows.some((row) => row.synthetic_truth));
  if (hasTruth) {
    node.append(
      el("p", { className: "synthetic-note", text: t("Synthetic demo data: the last three columns show the truth the data were made from.") }),
    );
  }
  for (const preset of report.presets) {
    const rows = preset.rows.map((row) => {
      const notEstimable = () => el("span", { className: "not-estimable", title: row.not_estimable_reason, text: t("not estimable") });
      const cells = [
        `${row.precinct_name || t("all my precincts")} · ${row.group === "all" ? t("All") : row.group}`,
        number(row.n1),
        number(row.n2),
        number(row.m),
        row.estimable ? `${number(row.n_hat)} [${number(row.n_hat_low)}–${number(row.n_hat_high)}]` : notEstimable(),
        row.estimable ? `${percent(row.dark_figure)} [${percent(row.dark_figure_low)}–${percent(row.dark_figure_high)}]` : notEstimable(),
      ];
      if (hasTruth) {
        const truth = row.synthetic_truth;
        const covered = !truth || truth.interval_covers_true_n === null ? "—" : truth.interval_covers_true_n ? t("yes") : t("no");
        cells.push(truth ? number(truth.true_n) : "—", truth ? percent(truth.true_dark_figure) : "—", covered);
      }
      return cells;
    });
    const headers = [t("Precinct and group"), t("Formal reports (n1)"), t("Alerts (n2)"), t("Linked (m)"), t("Estimated total N (95% CI)"), t("Dark figure (95% CI)")];
    if (hasTruth) headers.push(t("Synthetic: true N"), t("Synthetic: true dark figure"), t("Interval covers true N"));
    node.append(
      table(t("Preset {preset}: within {m} m and {h} h", { preset: preset.preset, m: preset.max_distance_m, h: preset.max_hours }), headers, rows),
    );
    const warnings = new Set(preset.rows.flatMap((row) => [row.not_estimable_reason, ...(row.warnings || [])].filter(Boolean)));
    if (warnings.size) node.append(el("ul", { className: "warnings" }, ...[...warnings].map((warning) => el("li", { text: warning }))));
  }
  return node;
}

function trendChart(series, weeks, source) {
  const label = isSpanish ? series.label_es : series.label_en;
  const sum = (values) => values.reduce((total, value) => total + value, 0);
  const summary = t("{label}: {current} in the last 52 weeks, {prior} in the same weeks a year earlier", { label, current: sum(series.current), prior: sum(series.prior) });
  const canvas = el("canvas", { role: "img", "aria-label": summary });
  const figure = el("figure", { className: "trend-chart", dataset: { source, code: series.code } }, el("figcaption", { text: summary }), el("div", { className: "trend-canvas" }, canvas));
  charts.push(
    new Chart(canvas, {
      type: "line",
      data: {
        labels: weeks,
        datasets: [
          { label: t("Last 52 weeks"), data: series.current, borderColor: CURRENT_COLOUR, backgroundColor: CURRENT_COLOUR, borderWidth: 2, pointRadius: 0, tension: 0.2 },
          { label: t("A year earlier"), data: series.prior, borderColor: PRIOR_COLOUR, backgroundColor: PRIOR_COLOUR, borderWidth: 1.5, borderDash: [5, 4], pointRadius: 0, tension: 0.2 },
        ],
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        interaction: { mode: "index", intersect: false },
        plugins: { legend: { display: false } },
        scales: { x: { ticks: { maxTicksLimit: 5, maxRotation: 0 } }, y: { beginAtZero: true, ticks: { precision: 0 } } },
      },
    }),
  );
  return figure;
}

function trendsSection(trends) {
  for (const chart of charts) chart.destroy();
  charts = [];
  const node = el("div");
  for (const [source, title] of [
    ["formal", t("Formal reports per week")],
    ["informal", t("Neighbor alerts per week")],
  ]) {
    // The total first: it is what the meeting reads before the categories.
    const ordered = [...trends[source]].sort((a, b) => (b.code === "total") - (a.code === "total"));
    node.append(el("h3", { text: title }), el("div", { className: "trend-grid" }, ...ordered.map((series) => trendChart(series, trends.weeks, source))));
  }
  return node;
}

function hotspotsTable(collection) {
  const cells = collection.features
    .map((feature) => feature.properties)
    .filter((cell) => cell.bin > 0)
    .sort((a, b) => b.z - a.z)
    .slice(0, HOTSPOTS_SHOWN);
  // xgettext:no-javascript-format (the "% c" here is text, not a printf directive)
  const confidence = (cell) => t("{n}% confidence", { n: { 1: 90, 2: 95, 3: 99 }[cell.bin] });
  const rows = cells.map((cell) => [cell.cell, number(cell.formal), number(cell.informal), number(cell.z, 2), number(cell.p_fdr, 4), confidence(cell)]);
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

let loading = 0;

async function load() {
  const generation = ++loading;
  error.hidden = true;
  const status = document.getElementById("command-status");
  status.textContent = t("Loading…");
  document.getElementById("map-frame").src = `${url("map")}?${query()}`;
  csvLinks();
  resetPdf();
  const sections = ["stop-tables", "trends", "response-table", "dark-figure", "hotspots-table", "adoption-table"].map((id) => clear(document.getElementById(id)));
  const progress = document.getElementById("pack-progress");
  try {
    const [pack, { body: hotspots }] = await Promise.all([
      computed(`${url("stop_pack")}?${query()}`, (job) => generation === loading && showJob("pack", job)),
      api(`${url("hotspots")}?${query()}`),
    ]);
    if (generation !== loading) return;
    progress.hidden = true;
    const [stop, trends, response, dark, hot, adoption] = sections;
    const month = pack.is_month_complete ? pack.month : t("{month} (so far)", { month: pack.month });
    document.getElementById("command-heading").textContent = t("STOP pack: {area}, {month}", { area: pack.area.name || t("all my precincts"), month });
    stop.append(countsTable(t("Formal reports: current (same dates last year) and change"), pack.formal), countsTable(t("Neighbor alerts: current (same dates last year) and change"), pack.informal));
    trends.append(trendsSection(pack.trends));
    response.append(responseTable(pack.response_times));
    dark.append(darkFigureSection(pack.dark_figure));
    hot.append(hotspotsTable(hotspots));
    adoption.append(adoptionTable(pack.adoption));
    status.textContent = t("Up to date: figures until {date}.", { date: pack.end_date });
  } catch (failure) {
    progress.hidden = true;
    status.textContent = "";
    showError(error, failure);
  }
}

function resetPdf() {
  for (const id of ["pdf-progress", "pdf-ready", "pdf-error"]) document.getElementById(id).hidden = true;
  document.getElementById("pdf-button").disabled = false;
}

// The printed pack: ask for it, show the build's progress, then offer the file (the same URL answers 200 with it).
async function buildPdf() {
  const button = document.getElementById("pdf-button");
  const failure = document.getElementById("pdf-error");
  const address = `${url("stop_pack_pdf")}?${query()}`;
  button.disabled = true;
  failure.hidden = true;
  try {
    const response = await fetch(address, { credentials: "same-origin", headers: apiHeaders() });
    if (response.status === 202) {
      await jobFinished(await response.json(), (job) => showJob("pdf", job));
    } else if (response.ok) {
      await response.body.cancel();
    } else {
      const body = await response.json().catch(() => null);
      throw new Error((body && body.error && body.error.message) || t("The server refused the request ({status}).", { status: response.status }));
    }
    const link = document.getElementById("pdf-link");
    link.href = address;
    link.setAttribute("download", `stop-${form.elements.precinct.value || "all"}-${form.elements.month.value}.pdf`);
    document.getElementById("pdf-progress").hidden = true;
    document.getElementById("pdf-ready").hidden = false;
    link.focus();
  } catch (problem) {
    document.getElementById("pdf-progress").hidden = true;
    showError(failure, problem);
  } finally {
    button.disabled = false;
  }
}

document.getElementById("pdf-button").addEventListener("click", buildPdf);

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const address = new URL(window.location.href);
  address.search = query();
  window.history.replaceState(null, "", address);
  load();
});
load();
