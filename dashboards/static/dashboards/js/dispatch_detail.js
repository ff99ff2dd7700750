// The selected alert in the dispatch console: reporter, photos, timeline, duplicates and the next steps.
// The legal next steps come from config.transitions, rendered from the server's TRANSITIONS table.

import { api, categoryLabel, clear, config, el, formatAge, formatTime, showError, statusLabel, t, timelineList, url } from "./common.js";

const panel = document.getElementById("detail");
let shownId = null;
let loading = 0;

export function showDetailPlaceholder() {
  clear(panel);
  panel.append(
    el("h2", { id: "detail-heading", text: t("Alert detail") }),
    el("p", { className: "muted", text: t("Select an alert in the list or on the map.") }),
  );
}

function metres(a, b) {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return Math.round(2 * 6371000 * Math.asin(Math.sqrt(h)));
}

function section(title, ...children) {
  return el("section", { className: "detail-section" }, el("h3", { text: title }), ...children);
}

function definition(term, ...value) {
  return [el("dt", { text: term }), el("dd", {}, ...value)];
}

function photoFigure(alert, photo, { onChanged, refresh }) {
  const figure = el(
    "figure",
    { className: "photo" },
    el(
      "a",
      { href: photo.url, target: "_blank", rel: "noopener" },
      el("img", { src: photo.thumbnail_url, alt: t("Photo {n} of alert #{id}", { n: photo.id, id: alert.id }), loading: "lazy" }),
    ),
  );
  const caption = el("figcaption", {}, photo.is_approved ? t("Visible to the community") : t("Not yet visible to the community"));
  if (!photo.is_approved) {
    caption.append(
      el("button", {
        type: "button",
        className: "button-small",
        text: t("Approve for the community"),
        onclick: async (event) => {
          event.currentTarget.disabled = true;
          try {
            await api(url("photo_approve", { alert_id: alert.id, photo_id: photo.id }), { method: "POST" });
            refresh();
          } catch (error) {
            event.currentTarget.disabled = false;
            showError(document.getElementById("detail-error"), error);
          }
        },
      }),
    );
  }
  figure.append(caption);
  return figure;
}

function stepForm(alert, { onChanged, refresh }) {
  const next = config.transitions[alert.status] || [];
  if (!next.length) return el("p", { className: "muted", text: t("This alert is closed.") });
  const noteId = `step-note-${alert.id}`;
  const photoId = `step-photo-${alert.id}`;
  const note = el("textarea", { id: noteId, rows: "2", maxlength: "2000" });
  const photo = el("input", { id: photoId, type: "file", accept: "image/*", capture: "environment" });
  const buttons = el("div", { className: "step-buttons", role: "group", "aria-label": t("Next step") });
  for (const status of next) {
    buttons.append(
      el("button", {
        type: "button",
        className: `button step-button step-button-${status}`,
        dataset: { status },
        text: statusLabel(status),
        onclick: async () => {
          for (const button of buttons.querySelectorAll("button")) button.disabled = true;
          const form = new FormData();
          form.append("status", status);
          form.append("note", note.value.trim());
          if (photo.files[0]) form.append("photos", photo.files[0]);
          try {
            const { body } = await api(url("alert_steps", { alert_id: alert.id }), { method: "POST", form });
            onChanged(body);
            refresh();
          } catch (error) {
            for (const button of buttons.querySelectorAll("button")) button.disabled = false;
            showError(document.getElementById("detail-error"), error);
          }
        },
      }),
    );
  }
  return el(
    "div",
    { className: "step-form" },
    el("div", { className: "field" }, el("label", { for: noteId, text: t("Note for the timeline (optional)") }), note),
    el("div", { className: "field" }, el("label", { for: photoId, text: t("On-scene photo (optional)") }), photo),
    buttons,
  );
}

function duplicatesList(alert, duplicates, { onChanged, onSelect, refresh }) {
  if (!duplicates.length) return el("p", { className: "muted", text: t("No open alerts of the same agency nearby.") });
  const list = el("ul", { className: "duplicates" });
  for (const other of duplicates) {
    const merge = async (duplicateId, intoId, button) => {
      button.disabled = true;
      try {
        const { body } = await api(url("alert_merge", { alert_id: duplicateId }), { method: "POST", json: { into: intoId } });
        onChanged(body);
        refresh();
      } catch (error) {
        button.disabled = false;
        showError(document.getElementById("detail-error"), error);
      }
    };
    const canMerge = !config.closed_statuses.includes(other.status) && !config.closed_statuses.includes(alert.status);
    list.append(
      el(
        "li",
        { dataset: { alertId: other.id } },
        el("button", { type: "button", className: "link-button", text: `#${other.id} ${categoryLabel(other.category)}`, onclick: () => onSelect(other.id) }),
        el("span", {
          className: "muted",
          text: ` · ${statusLabel(other.status)} · ${formatAge(other.created_at)} · ${t("{m} m away", { m: metres(alert.location, other.location) })}`,
        }),
        other.description ? el("p", { className: "note", text: other.description }) : null,
        canMerge
          ? el("button", {
              type: "button",
              className: "button-small merge-button",
              text: t("Merge #{other} into this alert", { other: other.id }),
              onclick: (event) => merge(other.id, alert.id, event.currentTarget),
            })
          : null,
      ),
    );
  }
  return list;
}

function informationList(alert, { refresh }) {
  if (!alert.information.length) return el("p", { className: "muted", text: t("Nothing added by neighbors yet.") });
  const list = el("ul", { className: "information" });
  for (const info of alert.information) {
    list.append(
      el(
        "li",
        { className: info.is_hidden ? "is-hidden" : "" },
        el("p", { text: info.text }),
        el("span", { className: "muted", text: `${info.author ? info.author.name : ""} · ${formatTime(info.created_at)}` }),
        info.is_hidden
          ? el("span", { className: "badge", text: t("Hidden") })
          : el("button", {
              type: "button",
              className: "button-small",
              text: t("Hide"),
              onclick: async () => {
                await api(url("information_hide", { alert_id: alert.id, information_id: info.id }), { method: "POST" });
                refresh();
              },
            }),
      ),
    );
  }
  return list;
}

function responseTimes(times) {
  const minutes = (seconds) => (seconds === null || seconds === undefined ? "—" : t("{n} min", { n: Math.round(seconds / 6) / 10 }));
  return el(
    "dl",
    { className: "facts" },
    ...definition(t("To acknowledge"), minutes(times.to_acknowledge)),
    ...definition(t("To contact"), minutes(times.to_contact)),
    ...definition(t("To on scene"), minutes(times.to_on_scene)),
    ...definition(t("To close"), minutes(times.to_close)),
  );
}

// Load and show one alert. ``quiet`` re-renders after a live event without moving keyboard focus.
export async function renderDetail(alertId, { onChanged, onSelect, quiet = false }) {
  const ticket = ++loading;
  let alert;
  try {
    ({ body: alert } = await api(url("alert_detail", { alert_id: alertId })));
  } catch (error) {
    if (ticket !== loading) return;
    clear(panel);
    const message = el("p", { className: "error", role: "alert" });
    showError(message, error);
    panel.append(el("h2", { id: "detail-heading", text: t("Alert detail") }), message);
    return;
  }
  if (ticket !== loading) return;
  const isSameAlert = shownId === alertId;
  shownId = alertId;
  const refresh = () => renderDetail(alertId, { onChanged, onSelect, quiet: true });
  const handlers = { onChanged, onSelect, refresh };
  const reporter = alert.reporter || {};
  const flags = [];
  if (alert.is_overlap) flags.push(t("The point is claimed by two precincts: confirm the precinct."));
  if (alert.is_gap) flags.push(t("The point lies between precinct boundaries: confirm the precinct."));
  if (alert.merged_into) flags.push(t("Merged into alert #{id}.", { id: alert.merged_into }));

  const heading = el("h2", { id: "detail-heading", tabindex: "-1", text: `#${alert.id} ${categoryLabel(alert.category)}` });
  // Keep a note being typed when a live update redraws the panel.
  const draft = isSameAlert && panel.querySelector(".step-form textarea") ? panel.querySelector(".step-form textarea").value : "";
  clear(panel);
  const parts = [
    heading,
    el("p", {}, el("span", { className: `badge status-${alert.status}`, text: statusLabel(alert.status) }), " ", alert.precinct.name),
    ...flags.map((flag) => el("p", { className: "notice", text: flag })),
    el("p", { id: "detail-error", className: "error", role: "alert", hidden: true }),
    el(
      "dl",
      { className: "facts" },
      ...definition(t("Reported"), `${formatTime(alert.created_at, { withDate: true })} (${formatAge(alert.created_at)})`),
      ...definition(
        t("Location"),
        `${alert.location.lat.toFixed(5)}, ${alert.location.lon.toFixed(5)} (±${Math.round(alert.accuracy_meters)} m)`,
      ),
      ...definition(t("Reporter"), reporter.name || "—"),
      ...definition(t("Phone"), reporter.phone ? el("a", { href: `tel:${reporter.phone}`, text: reporter.phone }) : "—"),
    ),
    section(t("Description"), el("p", { className: "description", text: alert.description || t("No description.") })),
    alert.photos.length
      ? section(t("Photos"), el("div", { className: "photos" }, ...alert.photos.map((photo) => photoFigure(alert, photo, handlers))))
      : null,
    section(t("Next step"), stepForm(alert, handlers)),
    section(t("Timeline"), timelineList(alert)),
    section(t("Possible duplicates"), duplicatesList(alert, alert.possible_duplicates || [], handlers)),
    section(t("Added by neighbors"), informationList(alert, handlers)),
    alert.response_times ? section(t("Response times"), responseTimes(alert.response_times)) : null,
  ];
  panel.append(...parts.filter(Boolean));
  const note = panel.querySelector(".step-form textarea");
  if (note && draft) note.value = draft;
  onChanged(alert);
  if (!quiet && !isSameAlert) heading.focus();
}
