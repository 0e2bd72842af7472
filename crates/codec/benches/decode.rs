//! Codec throughput: decodes each workload repeatedly for about a second and prints MB/s.
//! Run with `cargo bench -p mapiscope-codec --bench decode`; results also go to
//! `target/bench-codec.json`.

use std::hint::black_box;
use std::time::{Duration, Instant};

#[path = "../tests/common/mod.rs"]
mod common;

use mapiscope_codec::{decode_exchange, RequestType};

struct Workload {
    name: String,
    ty: RequestType,
    request: Option<Vec<u8>>,
    response: Option<Vec<u8>>,
}

fn workloads() -> Vec<Workload> {
    let mut w: Vec<Workload> = Vec::new();
    // All golden vectors together, as one mixed workload per vector.
    for v in common::vectors() {
        w.push(Workload { name: format!("golden/{}", v.stem), ty: v.ty, request: v.request, response: v.response });
    }
    w.extend(large_execute());
    w.extend(contents_table_execute());
    w
}

fn push_u16(v: &mut Vec<u8>, x: u16) {
    v.extend_from_slice(&x.to_le_bytes());
}
fn push_u32(v: &mut Vec<u8>, x: u32) {
    v.extend_from_slice(&x.to_le_bytes());
}
fn push_utf16z(v: &mut Vec<u8>, s: &str) {
    for u in s.encode_utf16() {
        push_u16(v, u);
    }
    push_u16(v, 0);
}

/// RPC_HEADER_EXT units (each at most 32 KiB of payload), compressed + obfuscated when asked.
fn units(payloads: &[Vec<u8>], compressed: bool) -> Vec<u8> {
    use mapiscope_codec::rpc::lz77::compress;
    let mut rb = Vec::new();
    for (i, p) in payloads.iter().enumerate() {
        let last = if i + 1 == payloads.len() { 4u16 } else { 0 };
        let (flags, body) = if compressed { (1 | 2 | last, compress(p).into_iter().map(|b| b ^ 0xA5).collect()) } else { (last, p.clone()) };
        push_u16(&mut rb, 0);
        push_u16(&mut rb, flags);
        push_u16(&mut rb, body.len() as u16);
        push_u16(&mut rb, p.len() as u16);
        rb.extend_from_slice(&body);
    }
    rb
}

/// An Outlook-like contents-table read: SetColumns (10 columns) + QueryRows, answered by packed
/// ROP output buffers full of rows (strings, ids, times, binaries), as decoded with full context.
fn contents_table_execute() -> Vec<Workload> {
    const COLUMNS: [u32; 10] = [
        0x0037001F, 0x0C1A001F, 0x0E060040, 0x0E080003, 0x0E070003, 0x674A0014, 0x0FFF0102, 0x001A001F, 0x0E1B000B, 0x10800003,
    ];
    // Request: RopSetColumns (table at index 0) + RopQueryRows, repeated per unit.
    let mut req_rops = vec![0x12, 0x00, 0x00, 0x00];
    push_u16(&mut req_rops, COLUMNS.len() as u16);
    for c in COLUMNS {
        push_u32(&mut req_rops, c);
    }
    req_rops.extend_from_slice(&[0x15, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01]);
    let mut req_payload = Vec::new();
    push_u16(&mut req_payload, (req_rops.len() + 2) as u16);
    req_payload.extend_from_slice(&req_rops);
    push_u32(&mut req_payload, 0x1234);
    let mut rng = common::Rng(11);
    // Response units: SetColumns response in the first, then QueryRows responses filling ~30 KiB each.
    let mut payloads = Vec::new();
    for unit in 0..8 {
        let mut rops = Vec::new();
        if unit == 0 {
            rops.extend_from_slice(&[0x12, 0x00, 0, 0, 0, 0, 0x00]);
        }
        let mut rows = Vec::new();
        let mut count = 0u16;
        while rows.len() < 29_000 {
            rows.push(0x00);
            push_utf16z(&mut rows, &format!("Re: Quarterly report {} draft", rng.below(1000)));
            push_utf16z(&mut rows, "Alice Example");
            rows.extend_from_slice(&(0x01DC_5F5B_5E3C_8000u64 + rng.below(1 << 40)).to_le_bytes());
            push_u32(&mut rows, rng.below(100_000) as u32);
            push_u32(&mut rows, 0x11);
            rows.extend_from_slice(&[0x01, 0x00, 0x00, 0x00, 0x0E, 0x8E]);
            push_u16(&mut rows, rng.below(65536) as u16);
            push_u16(&mut rows, 70);
            rows.extend((0..70).map(|i| (i * 7) as u8));
            push_utf16z(&mut rows, "IPM.Note");
            rows.push(u8::from(rng.below(2) == 1));
            push_u32(&mut rows, 0xFFFF_FFFF);
            count += 1;
        }
        rops.extend_from_slice(&[0x15, 0x00, 0, 0, 0, 0, 0x01]);
        push_u16(&mut rops, count);
        rops.extend_from_slice(&rows);
        let mut p = Vec::new();
        push_u16(&mut p, (rops.len() + 2) as u16);
        p.extend_from_slice(&rops);
        push_u32(&mut p, 0x1234);
        payloads.push(p);
    }
    let mut out = Vec::new();
    for (name, compressed) in [("execute/contents-table-rows-compressed", true), ("execute/contents-table-rows-plain", false)] {
        let rb = units(core::slice::from_ref(&req_payload), false);
        let mut req = 3u32.to_le_bytes().to_vec();
        push_u32(&mut req, rb.len() as u32);
        req.extend_from_slice(&rb);
        push_u32(&mut req, 0x40000);
        push_u32(&mut req, 0);
        let rb = units(&payloads, compressed);
        let mut resp = b"PROCESSING\r\nDONE\r\nX-ResponseCode: 0\r\n\r\n".to_vec();
        resp.extend_from_slice(&[0; 12]);
        push_u32(&mut resp, rb.len() as u32);
        resp.extend_from_slice(&rb);
        push_u32(&mut resp, 0);
        out.push(Workload { name: name.to_string(), ty: RequestType::Execute, request: Some(req), response: Some(resp) });
    }
    out
}

/// An Execute exchange with `units` packed 32 KiB-ish RopBuffer units, each a ROP output buffer,
/// compressed and obfuscated as Exchange sends them (plus a plain variant).
fn large_execute() -> Vec<Workload> {
    use mapiscope_codec::rpc::lz77::compress;
    let mut rng = common::Rng(7);
    // A ROP-like payload: repeated RopQueryRows-style rows with strings and ids (compressible ~3x).
    let mut rops = Vec::new();
    while rops.len() < 30_000 {
        rops.extend_from_slice(&[0x15, 0x01, 0, 0, 0, 0, 0x02, 0x10, 0x00]);
        for _ in 0..16 {
            rops.extend_from_slice(&(rng.next() as u32 & 0x00FF_FFFF).to_le_bytes());
            rops.extend_from_slice("Inbox item subject ".encode_utf16().flat_map(|u| u.to_le_bytes()).collect::<Vec<u8>>().as_slice());
        }
    }
    let mut payload = Vec::new();
    payload.extend_from_slice(&((rops.len() + 2) as u16).to_le_bytes());
    payload.extend_from_slice(&rops);
    payload.extend_from_slice(&[0x23, 0x01, 0, 0]);
    let mut out = Vec::new();
    for (name, compressed) in [("execute/8x32KiB-compressed-xor", true), ("execute/8x32KiB-plain", false)] {
        let mut rb = Vec::new();
        for i in 0..8 {
            let last = if i == 7 { 4u16 } else { 0 };
            let (flags, body) = if compressed {
                (1 | 2 | last, compress(&payload).into_iter().map(|b| b ^ 0xA5).collect::<Vec<u8>>())
            } else {
                (last, payload.clone())
            };
            rb.extend_from_slice(&0u16.to_le_bytes());
            rb.extend_from_slice(&flags.to_le_bytes());
            rb.extend_from_slice(&(body.len() as u16).to_le_bytes());
            rb.extend_from_slice(&(payload.len() as u16).to_le_bytes());
            rb.extend_from_slice(&body);
        }
        let mut resp = b"PROCESSING\r\nDONE\r\nX-ResponseCode: 0\r\n\r\n".to_vec();
        resp.extend_from_slice(&[0; 12]);
        resp.extend_from_slice(&(rb.len() as u32).to_le_bytes());
        resp.extend_from_slice(&rb);
        resp.extend_from_slice(&[0; 4]);
        out.push(Workload { name: name.to_string(), ty: RequestType::Execute, request: None, response: Some(resp) });
    }
    out
}

fn main() {
    let filter: Option<String> = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let mut rows = Vec::new();
    let mut total_bytes = 0u64;
    let mut total_time = Duration::ZERO;
    for wl in workloads() {
        if let Some(f) = &filter {
            if !wl.name.contains(f.as_str()) {
                continue;
            }
        }
        let bytes = (wl.request.as_ref().map_or(0, |b| b.len()) + wl.response.as_ref().map_or(0, |b| b.len())) as u64;
        let mut iters = 0u64;
        let mut nodes = 0usize;
        let start = Instant::now();
        while start.elapsed() < Duration::from_millis(200) || iters < 10 {
            let (d, _) = decode_exchange(wl.ty, wl.request.as_deref(), wl.response.as_deref());
            nodes = d.nodes.len();
            black_box(d);
            iters += 1;
        }
        let el = start.elapsed();
        let mbps = (bytes * iters) as f64 / el.as_secs_f64() / 1e6;
        total_bytes += bytes * iters;
        total_time += el;
        rows.push((wl.name, bytes, nodes, mbps));
    }
    println!("{:<60} {:>9} {:>7} {:>10}", "workload", "bytes", "nodes", "MB/s");
    for (n, b, nodes, m) in &rows {
        println!("{n:<60} {b:>9} {nodes:>7} {m:>10.1}");
    }
    let overall = total_bytes as f64 / total_time.as_secs_f64().max(1e-9) / 1e6;
    println!("{:<60} {:>9} {:>7} {:>10.1}", "overall", "", "", overall);
    let mut json = String::from("{\"codec\":[");
    for (i, (n, b, nodes, m)) in rows.iter().enumerate() {
        if i > 0 {
            json.push(',');
        }
        json.push_str(&format!("{{\"workload\":\"{n}\",\"bytes\":{b},\"nodes\":{nodes},\"mb_per_s\":{m:.1}}}"));
    }
    let layers = if filter.is_none() { layers() } else { Vec::new() };
    if !layers.is_empty() {
        println!();
        println!("{:<60} {:>9} {:>7} {:>10}", "layer (all Execute workloads)", "bytes", "", "MB/s");
        for (n, b, m) in &layers {
            println!("{n:<60} {b:>9} {:>7} {m:>10.1}", "");
        }
        println!("{:<60} {:>9} {:>7} {:>10.1}", "full tree (every workload, as above)", "", "", overall);
    }
    json.push_str("],\"layers\":[");
    for (i, (n, b, m)) in layers.iter().enumerate() {
        if i > 0 {
            json.push(',');
        }
        json.push_str(&format!("{{\"layer\":\"{n}\",\"bytes\":{b},\"mb_per_s\":{m:.1}}}"));
    }
    json.push_str(&format!("],\"overall_mb_per_s\":{overall:.1}}}\n"));
    let target = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/bench-codec.json");
    let _ = std::fs::write(target, json);
}

// ----- per layer --------------------------------------------------------------------------------

/// Runs `f` over `inputs` for about 200 ms and returns MB/s of input bytes.
fn rate<T>(inputs: &[T], size: impl Fn(&T) -> usize, mut f: impl FnMut(&T)) -> (u64, f64) {
    let bytes: u64 = inputs.iter().map(|x| size(x) as u64).sum();
    let start = Instant::now();
    let mut rounds = 0u64;
    while start.elapsed() < Duration::from_millis(200) || rounds < 3 {
        for x in inputs {
            f(x);
        }
        rounds += 1;
    }
    (bytes, (bytes * rounds) as f64 / start.elapsed().as_secs_f64() / 1e6)
}

/// The plain (de-obfuscated, decompressed) payloads of one Execute: request units, response units.
type PayloadPair = (Vec<Vec<u8>>, Vec<Vec<u8>>);

fn le32(b: &[u8], at: usize) -> Option<usize> {
    b.get(at..at + 4).map(|w| u32::from_le_bytes([w[0], w[1], w[2], w[3]]) as usize)
}

/// The MB/s of each layer over the Execute workloads ([MS-OXCMAPIHTTP] 2.2.4.2): the envelope (the
/// response bodies with an empty RopBuffer: meta-tags, additional headers, StatusCode … AuxiliaryBuffer),
/// the RPC_HEADER_EXT chains with XOR and LZ77 (payloads undone but not parsed), the ROP buffers
/// (RopSize, RopsList, handle table of every plain payload, request and response of an Execute in one
/// context).
fn layers() -> Vec<(String, u64, f64)> {
    use mapiscope_codec::build::{Builder, Cur};
    use mapiscope_codec::rops::context::Context;
    use mapiscope_codec::rpc::ext::{extended_buffer, BufferKind};
    use mapiscope_codec::rpc::{lz77, rop, Direction};
    let mut envelopes = Vec::new();
    let mut buffers: Vec<(Direction, Vec<u8>)> = Vec::new();
    let mut payloads: Vec<PayloadPair> = Vec::new();
    let plain = |rb: &[u8]| -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        let mut at = 0;
        while let Some(h) = rb.get(at..at + 8) {
            let flags = u16::from_le_bytes([h[2], h[3]]);
            let size = usize::from(u16::from_le_bytes([h[4], h[5]]));
            let actual = usize::from(u16::from_le_bytes([h[6], h[7]]));
            let Some(mut p) = rb.get(at + 8..at + 8 + size).map(<[u8]>::to_vec) else { break };
            if flags & 2 != 0 {
                p.iter_mut().for_each(|b| *b ^= 0xA5);
            }
            if flags & 1 != 0 {
                let mut o = Vec::new();
                let _ = lz77::decompress(&p, actual, &mut o);
                p = o;
            }
            out.push(p);
            at += 8 + size;
        }
        out
    };
    for wl in workloads().into_iter().filter(|w| w.ty == RequestType::Execute) {
        let req_rb = wl.request.as_deref().and_then(|r| le32(r, 4).and_then(|n| r.get(8..8 + n)).map(<[u8]>::to_vec));
        let mut resp_rb = None;
        if let Some(r) = wl.response.as_deref() {
            let text = r.windows(4).position(|w| w == b"\r\n\r\n").map_or(0, |i| i + 4);
            if let Some(n) = le32(r, text + 12) {
                if let (Some(head), Some(rb), Some(tail)) = (r.get(..text + 12), r.get(text + 16..text + 16 + n), r.get(text + 16 + n..)) {
                    let mut e = head.to_vec();
                    e.extend_from_slice(&0u32.to_le_bytes());
                    e.extend_from_slice(tail);
                    envelopes.push(e);
                    resp_rb = Some(rb.to_vec());
                }
            }
        }
        let pq = req_rb.as_deref().map(plain).unwrap_or_default();
        let pr = resp_rb.as_deref().map(plain).unwrap_or_default();
        payloads.push((pq, pr));
        if let Some(rb) = req_rb {
            buffers.push((Direction::Request, rb));
        }
        if let Some(rb) = resp_rb {
            buffers.push((Direction::Response, rb));
        }
    }
    let mut out = Vec::new();
    let (b, m) = rate(&envelopes, Vec::len, |e| {
        black_box(mapiscope_codec::decode_response(RequestType::Execute, e));
    });
    out.push(("envelope (meta-tags, headers, fixed fields, aux)".to_string(), b, m));
    let (b, m) = rate(&buffers, |x| x.1.len(), |(dir, rb)| {
        let mut bd = Builder::new();
        let src = bd.add_source("RopBuffer", rb);
        let mut c = Cur::new(rb, src);
        let _ = extended_buffer(&mut bd, &mut c, BufferKind::RopBuffer(*dir), |_, c, _| {
            let n = c.left();
            c.advance(n);
            Ok(())
        });
        black_box(bd.finish());
    });
    out.push(("RPC_HEADER_EXT + XOR + LZ77 (wire bytes)".to_string(), b, m));
    let size = |x: &PayloadPair| x.0.iter().chain(&x.1).map(Vec::len).sum::<usize>();
    let (b, m) = rate(&payloads, size, |(pq, pr)| {
        let mut ctx = Context::default();
        let mut bd = Builder::new();
        for (dir, list) in [(Direction::Request, pq), (Direction::Response, pr)] {
            for p in list {
                let src = bd.add_source("payload", p);
                let _ = rop::rop_buffer_payload(&mut bd, &mut Cur::new(p, src), dir, &mut ctx);
            }
        }
        black_box(bd.finish());
    });
    out.push(("ROP buffers (decompressed payload bytes)".to_string(), b, m));
    out
}
