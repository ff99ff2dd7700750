// The mass message composer: draw a polygon or a circle on the map (leaflet-draw), or pick a whole precinct; and the
// messages in force, each of which can be reworded (CAP Update, same area) or withdrawn (CAP Cancel).
/* global L */

import { announce, api, clear, config, el, formatTime, gettext_noop, showError, t, url } from "./common.js";

const CHOICE_LABELS = {
  Extreme: gettext_noop("Extreme"),
  Severe: gettext_noop("Severe"),
  Moderate: gettext_noop("Moderate"),
  Minor: gettext_noop("Minor"),
  Immediate: gettext_noop("Immediate"),
  Expected: gettext_noop("Expected"),
  Future: gettext_noop("Future"),
  Past: gettext_noop("Past"),
  Observed: gettext_noop("Observed"),
  Likely: gettext_noop("Likely"),
  Possible: gettext_noop("Possible"),
  Unlikely: gettext_noop("Unlikely"),
  Unknown: gettext_noop("Unknown"),
};

function fillSelect(select, values, chosen) {
  for (const value of values) {
    select.append(el("option", { value, selected: value === chosen, text: t(CHOICE_LABELS[value] || value) }));
  }
}

export function setupComposer(map) {
  const panel = document.getElementById("composer");
  const toggle = document.getElementById("composer-toggle");
  const form = document.getElementById("composer-form");
  const areaStatus = document.getElementById("composer-area");
  const error = document.getElementById("composer-error");
  if (!url("messages") || !panel) {
    if (toggle) toggle.hidden = true;
    return { refresh: () => Promise.resolve() };
  }
  const precinctSelect = form.elements.precinct;
  for (const precinct of config.precincts) precinctSelect.append(el("option", { value: precinct.id, text: precinct.name }));
  fillSelect(form.elements.severity, config.message_choices.severity, "Moderate");
  fillSelect(form.elements.urgency, config.message_choices.urgency, "Expected");

  const drawn = new L.FeatureGroup().addTo(map);
  const drawControl = new L.Control.Draw({
    position: "topright",
    draw: {
      polygon: { allowIntersection: false, showArea: false, shapeOptions: { color: "#6a1b9a" } },
      circle: { shapeOptions: { color: "#6a1b9a" } },
      polyline: false,
      rectangle: false,
      marker: false,
      circlemarker: false,
    },
    edit: { featureGroup: drawn, edit: false, remove: true },
  });
  // What the server will really use: the drawing clipped to this console's precincts.
  const reach = L.geoJSON(null, { style: { color: "#b71c1c", weight: 2, fillOpacity: 0.25 }, interactive: false }).addTo(map);
  let area = null;
  let previewed = 0;

  const targetFields = () => {
    if (form.elements.target.value === "precinct" || !area) return { target: "precinct" };
    if (area.kind === "radius") return { target: "radius", center: area.center, radius_meters: area.radius_meters };
    return { target: "polygon", area: area.area };
  };

  const describeDrawing = () => {
    if (form.elements.target.value === "precinct") return t("The whole precinct will receive it.");
    if (!area) return t("Draw a polygon or a circle on the map with the tools at its top right.");
    if (area.kind === "radius") return t("Circle of {m} m drawn.", { m: area.radius_meters });
    return t("Polygon drawn.");
  };

  const showArea = async () => {
    reach.clearLayers();
    areaStatus.textContent = describeDrawing();
    if (form.elements.target.value === "precinct" || !area) return;
    const request = ++previewed;
    try {
      const { body } = await api(url("message_preview"), {
        method: "POST",
        json: { precinct: Number(precinctSelect.value), ...targetFields() },
      });
      if (request !== previewed) return; // a newer drawing superseded this answer
      reach.addData(body.area);
      if (body.is_clipped) {
        const km2 = (value) => (value / 1e6).toFixed(2);
        areaStatus.textContent = t("Only the part inside your precincts will receive it: {part} of {whole} km² (in red).", {
          part: km2(body.square_meters),
          whole: km2(body.requested_square_meters),
        });
      }
    } catch (failure) {
      if (request === previewed) areaStatus.textContent = failure.message || String(failure);
    }
  };

  map.on(L.Draw.Event.CREATED, (event) => {
    drawn.clearLayers();
    drawn.addLayer(event.layer);
    if (event.layerType === "circle") {
      const centre = event.layer.getLatLng();
      area = { kind: "radius", center: { lat: centre.lat, lon: centre.lng }, radius_meters: Math.round(event.layer.getRadius()) };
    } else {
      area = { kind: "polygon", area: event.layer.toGeoJSON().geometry };
    }
    form.elements.target.value = "drawn";
    showArea();
  });
  map.on(L.Draw.Event.DELETED, () => {
    area = null;
    showArea();
  });
  precinctSelect.addEventListener("change", showArea);

  const open = (isOpen) => {
    panel.hidden = !isOpen;
    toggle.setAttribute("aria-expanded", String(isOpen));
    if (isOpen) {
      map.addControl(drawControl);
      showArea();
      form.elements.headline.focus();
    } else {
      map.removeControl(drawControl);
    }
  };
  const activeList = document.getElementById("messages-active");
  const editingNote = document.getElementById("composer-editing");
  const submitButton = document.getElementById("composer-submit");
  const stopEditing = document.getElementById("composer-stop-editing");
  const inScope = new Set(config.precincts.map((precinct) => precinct.id));
  let editing = null; // the message being reworded, or null when composing a new one

  const setEditing = (message) => {
    editing = message;
    const isEditing = message !== null;
    editingNote.hidden = !isEditing;
    editingNote.textContent = isEditing ? t("Editing “{headline}”: the new wording replaces it for the same area.", { headline: message.headline }) : "";
    document.getElementById("composer-target").hidden = isEditing;
    document.getElementById("composer-precinct-field").hidden = isEditing;
    stopEditing.hidden = !isEditing;
    submitButton.textContent = isEditing ? t("Update message") : t("Send message");
    if (isEditing) {
      for (const name of ["headline", "body", "instruction", "severity", "urgency"]) form.elements[name].value = message[name] || "";
      form.elements.headline.focus();
    } else {
      form.reset();
      showArea();
    }
  };

  const cancelForm = (message, item) => {
    const noteId = `cancel-note-${message.id}`;
    const failure = el("p", { className: "error", role: "alert", hidden: true });
    const cancelled = el(
      "form",
      { className: "cancel-form", novalidate: true },
      el("div", { className: "field" }, el("label", { for: noteId, text: t("Why is it withdrawn? (optional)") }), el("input", { id: noteId, name: "note", maxlength: "500" })),
      failure,
      el("button", { type: "submit", className: "button-small button-danger", text: t("Confirm withdrawal") }),
    );
    cancelled.addEventListener("submit", async (event) => {
      event.preventDefault();
      try {
        await api(url("message_cancel", { message_id: message.id }), { method: "POST", json: { note: cancelled.elements.note.value.trim() } });
        announce(t("Message withdrawn: {headline}", { headline: message.headline }));
        document.getElementById("composer-result").textContent = t("Message withdrawn: {headline}", { headline: message.headline });
        if (editing && editing.id === message.id) setEditing(null);
        await refresh();
      } catch (problem) {
        showError(failure, problem);
      }
    });
    item.append(cancelled);
    cancelled.elements.note.focus();
  };

  const refresh = async () => {
    if (!url("messages_active")) return;
    const { body } = await api(url("messages_active"));
    const mine = body.messages.filter((message) => message.status !== "cancelled" && inScope.has(message.precinct));
    clear(activeList);
    document.getElementById("active-empty").hidden = mine.length > 0;
    for (const message of mine) {
      const item = el(
        "li",
        { className: "message-active", dataset: { messageId: message.id } },
        el("strong", { text: message.headline }),
        el("p", { className: "small", text: message.body }),
        el("span", { className: "muted small", text: `${message.area_description} · ${formatTime(message.sent_at, { withDate: true })}` }),
      );
      item.append(
        el(
          "div",
          { className: "message-actions" },
          el("button", { type: "button", className: "button-small message-edit", text: t("Edit"), onclick: () => setEditing(message) }),
          el("button", {
            type: "button",
            className: "button-small message-cancel",
            text: t("Withdraw"),
            onclick: (event) => {
              event.currentTarget.disabled = true;
              cancelForm(message, item);
            },
          }),
        ),
      );
      activeList.append(item);
    }
  };

  toggle.addEventListener("click", () => {
    open(panel.hidden);
    if (!panel.hidden) refresh().catch(() => {});
  });
  document.getElementById("composer-cancel").addEventListener("click", () => open(false));
  stopEditing.addEventListener("click", () => setEditing(null));
  for (const radio of form.querySelectorAll("input[name=target]")) radio.addEventListener("change", showArea);

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.hidden = true;
    if (editing) {
      const content = {};
      for (const name of ["headline", "body", "instruction", "severity", "urgency"]) content[name] = form.elements[name].value.trim();
      submitButton.disabled = true;
      try {
        await api(url("message_update", { message_id: editing.id }), { method: "POST", json: content });
        announce(t("Message updated."));
        document.getElementById("composer-result").textContent = t("Message updated: {headline}", { headline: content.headline });
        setEditing(null);
        await refresh();
      } catch (failure) {
        showError(error, failure);
      } finally {
        submitButton.disabled = false;
      }
      return;
    }
    const target = form.elements.target.value;
    if (target === "drawn" && !area) {
      error.textContent = t("Draw the area first, or choose the whole precinct.");
      error.hidden = false;
      return;
    }
    const body = {
      precinct: Number(precinctSelect.value),
      headline: form.elements.headline.value.trim(),
      body: form.elements.body.value.trim(),
      instruction: form.elements.instruction.value.trim(),
      severity: form.elements.severity.value,
      urgency: form.elements.urgency.value,
    };
    Object.assign(body, targetFields());
    const submit = form.querySelector("button[type=submit]");
    submit.disabled = true;
    try {
      await api(url("messages"), { method: "POST", json: body });
      announce(t("Message sent."));
      document.getElementById("composer-result").textContent = t("Message sent: {headline}", { headline: body.headline });
      form.reset();
      drawn.clearLayers();
      reach.clearLayers();
      area = null;
      showArea();
      await refresh();
    } catch (failure) {
      showError(error, failure);
    } finally {
      submit.disabled = false;
    }
  });
  return { refresh };
}
