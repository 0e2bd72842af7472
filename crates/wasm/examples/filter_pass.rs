//! Times the viewer's tree filter and statistics passes natively:
//! `cargo run --release -p mapiscope-wasm --example filter_pass -- FILE`.
use mapiscope_wasm::Capture;

fn main() {
    let Some(file) = std::env::args().nth(1) else {
        eprintln!("usage: filter_pass FILE");
        std::process::exit(2);
    };
    let bytes = std::fs::read(&file).unwrap_or_default();
    let mb = bytes.len() as f64 / 1e6;
    let t = std::time::Instant::now();
    let Ok(mut c) = Capture::open_with(bytes, &mut |_, _| {}) else {
        eprintln!("cannot read {file}");
        std::process::exit(1);
    };
    let open = t.elapsed().as_secs_f64();
    let Ok(f) = mapiscope_filter::Filter::compile("mapihttp.rop.id == RopQueryRows && mapihttp.rop.returnvalue == 0") else { return };
    let t = std::time::Instant::now();
    let mut n = 0;
    let len = c.inner().len();
    for s in (0..len).step_by(500) {
        n += c.match_range(&f, s, s + 500).len();
    }
    let filter = t.elapsed().as_secs_f64();
    println!("{mb:.1} MB, {len} exchanges: open {open:.2} s ({:.0} MB/s), tree filter {filter:.2} s ({:.0} MB/s, {n} matches)", mb / open, mb / filter);
}
