//! mapiscope web viewer: a Yew (client-side rendered) app. Decoding runs in a Web Worker
//! (`web/worker.js`, which loads the `crates/wasm` package); this crate is only the UI.

mod app;
mod bridge;
mod filter;
mod model;
mod stats;
mod tree;

fn main() {
    yew::Renderer::<app::App>::new().render();
}
