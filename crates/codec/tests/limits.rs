//! Resource limits of the codec, each proved by measurement: a counting global allocator
//! (`peakmem-alloc`, the system allocator with a peak counter) records the most bytes held at once
//! while one input is decoded, the dissection it returns included.
//!
//! - Counts and sizes from the input never drive allocation beyond what the remaining bytes can hold:
//!   every count-bearing field of every golden exchange set to 0xFFFF / 0xFFFFFFFF, every ROP request
//!   and response decoder fed 0xFF runs, every request type fed shifted 0xFF runs — each decode stays
//!   within a small multiple of its input (`bound`).
//! - LZ77 ([MS-OXCRPC] 3.1.4.1.1.2): a unit's output is bounded by its SizeActual, and a RopBuffer of
//!   many tiny units that each claim 64 KB is a decompression bomb, reported, its output bounded by
//!   [`mapiscope_codec::rpc::ext::MAX_BUFFER_OUTPUT`].
//! - Nesting: restrictions (NotRestriction chains, AndRestriction chains, restriction comparands),
//!   rule actions carrying restrictions carrying rule actions — capped with a diagnostic; entry ids do
//!   not nest beyond one level (a Contact Address EntryID inside another is shown as bytes).
//!
//! The tests of this binary take one lock, so the global counter sees one decode at a time.

mod common;

use std::alloc::System;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use mapiscope_codec::rpc::ext::{xor_magic, COMPRESSED, LAST, MAX_BUFFER_OUTPUT, XOR_MAGIC};
use mapiscope_codec::rpc::lz77;
use mapiscope_codec::{decode_exchange, decode_request, decode_response, Dissection, RequestType, Severity};
use peakmem_alloc::{PeakMemAlloc, PeakMemAllocTrait, INSTRUMENTED_SYSTEM};

#[global_allocator]
static GLOBAL: &PeakMemAlloc<System> = &INSTRUMENTED_SYSTEM;

static LOCK: Mutex<()> = Mutex::new(());

fn lock() -> MutexGuard<'static, ()> {
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

/// Runs `f` and returns its result with the peak of bytes allocated (and not yet freed) meanwhile,
/// counted from the start of `f`; the result is still alive at the peak, so it is included.
fn peak<T>(f: impl FnOnce() -> T) -> (T, usize) {
    GLOBAL.reset_peak_memory();
    let r = f();
    (r, GLOBAL.get_peak_memory())
}

/// The most a decode of `len` input bytes may hold: the tree has at most a few nodes per input byte
/// (every node consumes input or is bounded by a parent that does; nesting is capped), each node a
/// few dozen bytes, so 256 bytes per input byte; plus one decompressed 64 KB unit and the fixed
/// costs of a dissection. A count used to reserve memory (4 billion × anything) is far beyond.
fn bound(len: usize) -> usize {
    256 * len + 256 * 1024
}

/// Node-count and time checks shared by every case.
fn check(what: &str, d: &Dissection<'_>, len: usize, used: usize, took: Duration) {
    assert!(used <= bound(len), "{what}: {used} bytes allocated for a {len}-byte input (bound {})", bound(len));
    assert!(d.nodes.len() <= 8 * len + 64, "{what}: {} nodes from {len} bytes", d.nodes.len());
    assert!(took < Duration::from_secs(2), "{what}: took {took:?}");
}

/// Sets `width` bytes at `at` to 0xFF.
fn with_ff(body: &[u8], at: usize, width: usize) -> Vec<u8> {
    let mut v = body.to_vec();
    for b in v.iter_mut().skip(at).take(width) {
        *b = 0xFF;
    }
    v
}

#[test]
fn huge_counts_in_golden_exchanges_allocate_within_the_input() {
    let _g = lock();
    let mut worst = (0.0f64, String::new());
    let mut cases = 0usize;
    for v in common::vectors() {
        for (is_req, body) in [(true, v.request.as_deref()), (false, v.response.as_deref())] {
            let Some(body) = body else { continue };
            // Every offset for small bodies; a stride keeping the sweep quick for big ones.
            let stride = (body.len() / 600).max(1);
            for at in (0..body.len()).step_by(stride) {
                for width in [2usize, 4] {
                    let m = with_ff(body, at, width);
                    let t0 = Instant::now();
                    let (d, used) = peak(|| if is_req { decode_request(v.ty, &m) } else { decode_response(v.ty, &m) });
                    let what = format!("{} {} 0xFF×{width} at {at}", v.stem, if is_req { "request" } else { "response" });
                    check(&what, &d, m.len(), used, t0.elapsed());
                    let ratio = used as f64 / m.len() as f64;
                    if ratio > worst.0 {
                        worst = (ratio, what);
                    }
                    cases += 1;
                }
            }
        }
    }
    assert!(cases > 5_000, "only {cases} cases");
    println!("{cases} mutated bodies; worst: {:.1} bytes allocated per input byte ({})", worst.0, worst.1);
}

/// An Execute request body around one RopBuffer ([MS-OXCMAPIHTTP] 2.2.4.2.1).
fn execute_request(rop_buffer: &[u8]) -> Vec<u8> {
    let mut v = Vec::new();
    v.extend_from_slice(&3u32.to_le_bytes());
    v.extend_from_slice(&(rop_buffer.len() as u32).to_le_bytes());
    v.extend_from_slice(rop_buffer);
    v.extend_from_slice(&0x40000u32.to_le_bytes());
    v.extend_from_slice(&0u32.to_le_bytes());
    v
}

/// An Execute success response body around one RopBuffer ([MS-OXCMAPIHTTP] 2.2.4.2.2).
fn execute_response(rop_buffer: &[u8]) -> Vec<u8> {
    let mut v = b"PROCESSING\r\nDONE\r\nX-ResponseCode: 0\r\n\r\n".to_vec();
    for x in [0u32, 0, 0, rop_buffer.len() as u32] {
        v.extend_from_slice(&x.to_le_bytes());
    }
    v.extend_from_slice(rop_buffer);
    v.extend_from_slice(&0u32.to_le_bytes());
    v
}

/// One RPC_HEADER_EXT unit ([MS-OXCRPC] 2.2.2.1) with explicit Size/SizeActual.
fn unit(flags: u16, actual: u16, payload: &[u8]) -> Vec<u8> {
    let mut v = Vec::new();
    for x in [0u16, flags, payload.len() as u16, actual] {
        v.extend_from_slice(&x.to_le_bytes());
    }
    v.extend_from_slice(payload);
    v
}

/// A ROP buffer payload ([MS-OXCROPS] 2.2.1): RopSize, the ROPs, a handle table.
fn rop_payload(rops: &[u8], handles: &[u32]) -> Vec<u8> {
    let mut v = ((rops.len() + 2) as u16).to_le_bytes().to_vec();
    v.extend_from_slice(rops);
    for h in handles {
        v.extend_from_slice(&h.to_le_bytes());
    }
    v
}

#[test]
fn every_rop_decoder_bounds_counts_by_the_bytes_left() {
    let _g = lock();
    let mut decoded = 0;
    for id in 0u8..=255 {
        if mapiscope_codec::rops::decoder(id).is_none() {
            continue;
        }
        // A request: RopId, LogonId 0, InputHandleIndex 0, then 0xFF bytes (huge counts, sizes and
        // indexes wherever the decoder reads one); a response: RopId, index 0, ReturnValue 0, 0xFF bytes.
        for fill in [0xFFu8, 0x7F] {
            for tail in [8usize, 40, 200] {
                let mut req = vec![id, 0, 0];
                req.extend(std::iter::repeat_n(fill, tail));
                let mut resp = vec![id, 0, 0, 0, 0, 0];
                resp.extend(std::iter::repeat_n(fill, tail));
                let req = execute_request(&unit(LAST, (tail as u16) + 5 + 8, &rop_payload(&req, &[1, 2])));
                let resp = execute_response(&unit(LAST, (tail as u16) + 8 + 8, &rop_payload(&resp, &[1, 2])));
                let t0 = Instant::now();
                let ((d, _), used) = peak(|| decode_exchange(RequestType::Execute, Some(&req), Some(&resp)));
                check(&format!("RopId 0x{id:02X} fill {fill:02X}×{tail}"), &d, req.len() + resp.len(), used, t0.elapsed());
                decoded += 1;
            }
        }
    }
    assert!(decoded >= 130 * 6, "only {decoded} ROP cases");
}

#[test]
fn every_request_type_bounds_shifted_huge_counts() {
    let _g = lock();
    for t in RequestType::ALL {
        for zeros in 0..48 {
            let mut body = vec![0u8; zeros];
            body.extend(std::iter::repeat_n(0xFFu8, 64 - zeros.min(63)));
            let mut resp = b"PROCESSING\r\nDONE\r\n\r\n".to_vec();
            resp.extend_from_slice(&body);
            let t0 = Instant::now();
            let ((d, _), used) = peak(|| decode_exchange(t, Some(&body), Some(&resp)));
            check(&format!("{t} with {zeros} zero bytes then 0xFF"), &d, body.len() + resp.len(), used, t0.elapsed());
        }
    }
}

/// LZ77 data that expands to 65,535 zero bytes from a few bytes, as our compressor writes it.
fn bomb_payload() -> Vec<u8> {
    lz77::compress(&vec![0u8; 0xFFFF])
}

#[test]
fn lz77_output_is_bounded_by_size_actual() {
    let _g = lock();
    let packed = bomb_payload();
    assert!(packed.len() < 64, "the compressor packs 64 KB of zeros into {} bytes", packed.len());
    // SizeActual 1,000 for data that decompresses to 65,535 bytes: 1,000 bytes come out, reported.
    let body = execute_request(&unit(LAST | COMPRESSED, 1000, &packed));
    let (d, used) = peak(|| decode_request(RequestType::Execute, &body));
    let derived = d.sources.iter().find(|s| s.name.contains("decompressed")).map(|s| s.data.len());
    assert_eq!(derived, Some(1000));
    assert!(
        d.diagnostics.iter().any(|g| g.message.contains("more than SizeActual")),
        "no diagnostic: {:?}",
        d.diagnostics.iter().map(|g| &g.message).collect::<Vec<_>>()
    );
    assert!(used < bound(body.len()), "{used} bytes");
    // With XorMagic too the output is the same size.
    let mut obf = packed.clone();
    xor_magic(&mut obf);
    let body = execute_request(&unit(LAST | COMPRESSED | XOR_MAGIC, 1000, &obf));
    let d = decode_request(RequestType::Execute, &body);
    let derived: Vec<usize> = d.sources.iter().skip(1).map(|s| s.data.len()).collect();
    assert_eq!(derived, vec![packed.len(), 1000], "de-obfuscated then decompressed sources");
}

#[test]
fn a_decompression_bomb_is_bounded_and_reported() {
    let _g = lock();
    let packed = bomb_payload();
    // 4,000 units of about 30 bytes, each claiming (and producing) 65,535 bytes: 262 MB unbounded.
    let one = unit(COMPRESSED, 0xFFFF, &packed);
    let mut buf = Vec::new();
    let units = if cfg!(debug_assertions) { 600 } else { 4000 };
    for i in 0..units {
        if i + 1 == units {
            buf.extend_from_slice(&unit(COMPRESSED | LAST, 0xFFFF, &packed));
        } else {
            buf.extend_from_slice(&one);
        }
    }
    let body = execute_request(&buf);
    let t0 = Instant::now();
    let (d, used) = peak(|| decode_request(RequestType::Execute, &body));
    let took = t0.elapsed();
    let total: usize = d.sources.iter().skip(1).map(|s| s.data.len()).sum();
    assert!(total <= MAX_BUFFER_OUTPUT, "{total} bytes decompressed");
    assert!(total >= MAX_BUFFER_OUTPUT - 0xFFFF, "decompression stopped early: {total}");
    assert!(
        d.diagnostics.iter().any(|g| g.severity == Severity::Error && g.message.contains("decompression bomb")),
        "no bomb diagnostic: {:?}",
        d.diagnostics.iter().map(|g| &g.message).take(5).collect::<Vec<_>>()
    );
    // The output budget, the tree of the input and a few units in flight.
    assert!(used <= MAX_BUFFER_OUTPUT + bound(body.len()), "{used} bytes for a {}-byte bomb", body.len());
    assert!(took < Duration::from_secs(5), "took {took:?}");
}

#[test]
fn failing_units_do_not_keep_their_size_actual_reservation() {
    let _g = lock();
    // 3,000 units of 12 bytes, each claiming 65,535 bytes and failing at once (a bitmask, then
    // nothing): what each one produced is kept, not what it claimed.
    let mut buf = Vec::new();
    for i in 0..3000 {
        let flags = if i == 2999 { COMPRESSED | LAST } else { COMPRESSED };
        buf.extend_from_slice(&unit(flags, 0xFFFF, &[0, 0, 0, 0]));
    }
    let body = execute_request(&buf);
    let (d, used) = peak(|| decode_request(RequestType::Execute, &body));
    assert!(d.diagnostics.iter().any(|g| g.message.contains("LZ77 decompression failed")));
    assert!(used <= bound(body.len()), "{used} bytes for {} bytes of failing units", body.len());
}

fn w32(v: &mut Vec<u8>, x: u32) {
    v.extend_from_slice(&x.to_le_bytes());
}

/// A RopRestrict request ([MS-OXCROPS] 2.2.5.3.1) carrying `restriction`, in an Execute request.
fn restrict(restriction: &[u8]) -> Vec<u8> {
    let mut rop = vec![0x14, 0, 0, 0];
    rop.extend_from_slice(&(restriction.len() as u16).to_le_bytes());
    rop.extend_from_slice(restriction);
    let payload = rop_payload(&rop, &[1]);
    execute_request(&unit(LAST, payload.len() as u16, &payload))
}

/// ExistRestriction on a tag ([MS-OXCDATA] 2.12.10).
fn exist(tag: u32) -> Vec<u8> {
    let mut v = vec![0x08];
    w32(&mut v, tag);
    v
}

fn assert_nesting_capped(what: &str, body: &[u8]) {
    let t0 = Instant::now();
    let (d, used) = peak(|| decode_request(RequestType::Execute, body));
    assert!(
        d.diagnostics.iter().any(|g| g.severity == Severity::Error && g.message.contains("nesting deeper than")),
        "{what}: no nesting diagnostic: {:?}",
        d.diagnostics.iter().map(|g| &g.message).collect::<Vec<_>>()
    );
    check(what, &d, body.len(), used, t0.elapsed());
    assert!(d.nodes.len() < 2_000, "{what}: {} nodes", d.nodes.len());
}

#[test]
fn nesting_is_capped_with_a_diagnostic() {
    let _g = lock();
    // 10,000 nested NotRestrictions.
    let mut r = vec![0x02u8; 10_000];
    r.extend_from_slice(&exist(0x0E1D_001F));
    assert_nesting_capped("NotRestriction ×10000", &restrict(&r));
    // 10,000 single-element AndRestrictions.
    let mut r = Vec::new();
    for _ in 0..10_000 {
        r.extend_from_slice(&[0x00, 0x01, 0x00]);
    }
    r.extend_from_slice(&exist(0x0E1D_001F));
    assert_nesting_capped("AndRestriction ×10000", &restrict(&r));
    // Restrictions nested through PtypRestriction (0x00FD) comparands of PropertyRestrictions.
    let mut r = Vec::new();
    for _ in 0..4_000 {
        r.extend_from_slice(&[4, 4]);
        w32(&mut r, 0x0001_00FD);
        w32(&mut r, 0x0001_00FD);
    }
    r.extend_from_slice(&exist(0x0E1D_001F));
    assert_nesting_capped("PtypRestriction comparands ×4000", &restrict(&r));
    // PtypRuleAction (0x00FE) comparands whose OP_TAG action tags a PtypRestriction value holding
    // the next level ([MS-OXORULE] 2.2.5).
    let mut inner = exist(0x0E1D_001F);
    for _ in 0..200 {
        let mut data = Vec::new();
        w32(&mut data, 0x0002_00FD);
        data.extend_from_slice(&inner);
        let mut block = ((9 + data.len()) as u16).to_le_bytes().to_vec();
        block.push(0x09);
        w32(&mut block, 0);
        w32(&mut block, 0);
        block.extend_from_slice(&data);
        let mut next = vec![4, 4];
        w32(&mut next, 0x0001_00FE);
        w32(&mut next, 0x0001_00FE);
        next.extend_from_slice(&1u16.to_le_bytes());
        next.extend_from_slice(&block);
        if next.len() > 60_000 {
            break;
        }
        inner = next;
    }
    assert_nesting_capped("rule actions and restrictions", &restrict(&inner));
}

#[test]
fn entry_ids_nest_one_level_at_most() {
    let _g = lock();
    // Contact Address EntryIDs ([MS-OXCDATA] 2.2.5.3) wrapped 500 deep in a PtypBinary value of
    // RopSetProperties: the outer one is decoded, the one inside it is shown as bytes.
    const CONTACT_UID: [u8; 16] = [0xFE, 0x42, 0xAA, 0x0A, 0x18, 0xC7, 0x1A, 0x10, 0xE8, 0x85, 0x0B, 0x65, 0x1C, 0x24, 0x00, 0x00];
    let mut eid = vec![0u8; 40];
    for _ in 0..500 {
        let mut next = vec![0, 0, 0, 0];
        next.extend_from_slice(&CONTACT_UID);
        for x in [3u32, 0, 0, eid.len() as u32] {
            w32(&mut next, x);
        }
        next.extend_from_slice(&eid);
        if next.len() > 30_000 {
            break;
        }
        eid = next;
    }
    let mut value = Vec::new();
    w32(&mut value, 0x0FFF_0102);
    value.extend_from_slice(&(eid.len() as u16).to_le_bytes());
    value.extend_from_slice(&eid);
    let mut rop = vec![0x0A, 0, 0];
    rop.extend_from_slice(&((value.len() + 2) as u16).to_le_bytes());
    rop.extend_from_slice(&1u16.to_le_bytes());
    rop.extend_from_slice(&value);
    let payload = rop_payload(&rop, &[1]);
    let body = execute_request(&unit(LAST, payload.len() as u16, &payload));
    let t0 = Instant::now();
    let (d, used) = peak(|| decode_request(RequestType::Execute, &body));
    check("nested Contact Address EntryIDs", &d, body.len(), used, t0.elapsed());
    let contacts = d.nodes.iter().filter(|n| n.field.key == "mapihttp.oxcdata.contactaddressentryid").count();
    assert_eq!(contacts, 1, "Contact Address EntryIDs decoded as structures");
    assert!(d.nodes.iter().any(|n| n.field.key == "mapihttp.oxcdata.entryid.contact.entryidbytes"), "the inner one is bytes");
    assert!(d.nodes.len() < 100, "{} nodes", d.nodes.len());
}
