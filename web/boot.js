// Starts the Yew UI (wasm-bindgen --target web output, next to this file).
import init from "./mapiscope_web.js";

init({ module_or_path: new URL("./mapiscope_web_bg.wasm", import.meta.url) }).catch((e) => {
  document.body.textContent = "mapiscope could not start: " + (e && e.message ? e.message : e);
});
