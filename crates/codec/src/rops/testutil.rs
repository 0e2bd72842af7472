//! Test helpers shared by the ROP family tests: Execute bodies around ROP bytes, display lines,
//! diagnostics.

use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

use crate::display::display_line;
use crate::tree::{Dissection, Severity};

/// UTF-16LE bytes of `s` with the terminating NUL.
pub fn utf16z(s: &str) -> Vec<u8> {
    let mut v: Vec<u8> = s.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
    v.extend_from_slice(&[0, 0]);
    v
}

/// ROP buffer payload: RopSize, RopsList, handle table.
pub fn rop_buffer(rops: &[u8], handles: &[u32]) -> Vec<u8> {
    let mut p = ((rops.len() + 2) as u16).to_le_bytes().to_vec();
    p.extend_from_slice(rops);
    for h in handles {
        p.extend_from_slice(&h.to_le_bytes());
    }
    p
}

/// RPC_HEADER_EXT (Version 0, Flags Last) and the payload.
pub fn ext(body: &mut Vec<u8>, payload: &[u8]) {
    body.extend_from_slice(&0u16.to_le_bytes());
    body.extend_from_slice(&4u16.to_le_bytes());
    body.extend_from_slice(&(payload.len() as u16).to_le_bytes());
    body.extend_from_slice(&(payload.len() as u16).to_le_bytes());
    body.extend_from_slice(payload);
}

/// Bytes of an Execute request body before the RopsList.
pub const REQ_PREFIX: usize = 4 + 4 + 8 + 2;
/// Bytes of an Execute response body before the RopsList.
pub const RESP_PREFIX: usize = 12 + 4 + 8 + 2;

/// An Execute request body (Flags 3, MaxRopOut 0x40000, no auxiliary buffer).
pub fn execute_request(rops: &[u8], handles: &[u32]) -> Vec<u8> {
    let payload = rop_buffer(rops, handles);
    let mut body = 3u32.to_le_bytes().to_vec();
    body.extend_from_slice(&((payload.len() + 8) as u32).to_le_bytes());
    ext(&mut body, &payload);
    body.extend_from_slice(&0x40000u32.to_le_bytes());
    body.extend_from_slice(&0u32.to_le_bytes());
    body
}

/// An Execute success response body (no meta-tags, no auxiliary buffer).
pub fn execute_response(rops: &[u8], handles: &[u32]) -> Vec<u8> {
    let payload = rop_buffer(rops, handles);
    let mut body = vec![0u8; 12];
    body.extend_from_slice(&((payload.len() + 8) as u32).to_le_bytes());
    ext(&mut body, &payload);
    body.extend_from_slice(&0u32.to_le_bytes());
    body
}

/// The display lines of every node with filter key `key`.
pub fn lines(d: &Dissection<'_>, key: &str) -> Vec<String> {
    d.find_all(key).map(|(_, n)| display_line(d, n)).collect()
}

/// Messages of the warnings and errors.
pub fn problems(d: &Dissection<'_>) -> Vec<String> {
    d.diagnostics.iter().filter(|x| x.severity >= Severity::Warning).map(|x| x.message.clone()).collect()
}
