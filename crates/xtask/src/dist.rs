//! `cargo xtask dist` / `serve` (being written).
pub fn dist(_args: &[String]) -> Result<(), String> {
    Err("not built yet".into())
}
pub fn serve(_args: &[String]) -> Result<(), String> {
    Err("not built yet".into())
}
