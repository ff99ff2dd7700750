// A short two-tone beep made with WebAudio (no sound file to ship). Browsers only allow audio after a
// user gesture, so the context is created or resumed on the first click or key press on the page.

import { t } from "./common.js";

let context = null;
let enabled = true;

function ensureContext() {
  const AudioContext = window.AudioContext || window.webkitAudioContext;
  if (!AudioContext) return null;
  if (!context) context = new AudioContext();
  if (context.state === "suspended") context.resume().catch(() => {});
  return context;
}

for (const type of ["pointerdown", "keydown"]) window.addEventListener(type, ensureContext, { once: true });

export function beep() {
  if (!enabled) return;
  const audio = ensureContext();
  if (!audio) return;
  const start = audio.currentTime;
  for (const [offset, frequency] of [[0, 880], [0.22, 660]]) {
    const oscillator = audio.createOscillator();
    const gain = audio.createGain();
    oscillator.type = "sine";
    oscillator.frequency.value = frequency;
    gain.gain.setValueAtTime(0.0001, start + offset);
    gain.gain.exponentialRampToValueAtTime(0.3, start + offset + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + 0.2);
    oscillator.connect(gain).connect(audio.destination);
    oscillator.start(start + offset);
    oscillator.stop(start + offset + 0.21);
  }
  window.dispatchEvent(new CustomEvent("vigia:beep"));
}

export function setupSoundToggle(button) {
  const show = () => {
    button.setAttribute("aria-pressed", String(enabled));
    button.textContent = enabled ? t("Sound on") : t("Sound off");
  };
  button.addEventListener("click", () => {
    enabled = !enabled;
    if (enabled) ensureContext();
    show();
  });
  show();
}
