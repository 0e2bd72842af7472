//! [MS-OXCROPS] 2.2.1 ROP input and output buffers: the payload of each RopBuffer extended buffer.
//!
//! ```text
//! RopSize                  u16: the size of RopSize itself plus RopsList
//! RopsList                 RopSize - 2 bytes: ROP requests (input) or ROP responses (output)
//! ServerObjectHandleTable  the rest of the payload: u32 Server object handles
//! ```
//!
//! RopsList carries no per-ROP length, so each ROP has to be decoded to find the next one; that
//! happens in [`rops_list`] (for now it records the list as bytes). The handle table is located by
//! RopSize alone, so it is decoded even when the ROPs are not. A handle of 0xFFFFFFFF marks a slot
//! with no Server object yet (the client reserves it for a handle the server returns).

use alloc::format;

use crate::build::{Builder, Cur, Stop, R};
use crate::rops::context::Context;
use crate::rpc::Direction;
use crate::tree::{Disp, Severity};

/// Named handle values: ordinary handles print as plain hex, only the all-ones value gets a name.
pub static HANDLE_NAMES: crate::tree::NameTable = &[(0xFFFF_FFFF, "no Server object")];

crate::fields! {
    ROP_SIZE: U16 [Disp::Unit("bytes")] = "mapihttp.rop.ropsize", "RopSize", "[MS-OXCROPS] 2.2.1 the size of both this field and the RopsList field";
    ROPS_LIST: None = "mapihttp.rop.ropslist", "RopsList", "[MS-OXCROPS] 2.2.1 the ROP request buffers (input) or ROP response buffers (output), RopSize - 2 bytes";
    HANDLE_TABLE: None = "mapihttp.rop.serverobjecthandletable", "ServerObjectHandleTable", "[MS-OXCROPS] 2.2.1 the Server object handles the ROPs refer to by index: the rest of the buffer";
    HANDLE: U32 [Disp::HexNamed(HANDLE_NAMES)] = "mapihttp.rop.serverobjecthandle", "ServerObjectHandle", "[MS-OXCROPS] 2.2.1 one Server object handle (0xFFFFFFFF: no Server object)";
    HANDLE_TABLE_EXTRA: Bytes = "mapihttp.rop.serverobjecthandletable.extra", "Extra bytes", "[MS-OXCROPS] 2.2.1 bytes after the last whole handle: the table is not a multiple of 4 bytes";
}

/// Decodes a ROP input buffer (request) or ROP output buffer (response) filling the window of `c`.
pub fn rop_buffer_payload(b: &mut Builder<'_>, c: &mut Cur<'_>, dir: Direction, ctx: &mut Context) -> R<()> {
    let start = c.pos();
    let total = c.left();
    let rop_size = usize::from(b.u16(c, &ROP_SIZE)?);
    if rop_size < 2 {
        let msg = format!("RopSize {rop_size} is less than 2: it counts its own 2 bytes plus RopsList");
        b.diag(Severity::Error, msg, c.src(), start, 2);
        return Err(Stop);
    }
    let list_len = rop_size - 2;
    // The ROPs refer to handles by index, and the table follows the RopsList: read it first.
    let handles: alloc::vec::Vec<u32> = c
        .rest()
        .get(list_len..)
        .unwrap_or(&[])
        .chunks_exact(4)
        .map(|w| u32::from_le_bytes([w.first().copied().unwrap_or(0), w.get(1).copied().unwrap_or(0), w.get(2).copied().unwrap_or(0), w.get(3).copied().unwrap_or(0)]))
        .collect();
    match dir {
        Direction::Request => ctx.exec.request_handles = handles,
        Direction::Response => ctx.exec.response_handles = handles,
    }
    if rop_size > total {
        let msg = format!("RopSize {rop_size} exceeds the {total}-byte payload");
        b.diag(Severity::Error, msg, c.src(), start, 2);
        let n = c.left();
        let _ = b.group_sized(c, &ROPS_LIST, n, |b, c| crate::rops::rops_list(b, c, dir, ctx));
        return Err(Stop);
    }
    let r = b.group_sized(c, &ROPS_LIST, list_len, |b, c| crate::rops::rops_list(b, c, dir, ctx));
    server_object_handle_table(b, c)?;
    r
}

fn server_object_handle_table(b: &mut Builder<'_>, c: &mut Cur<'_>) -> R<()> {
    let rest = c.left();
    b.group_sized(c, &HANDLE_TABLE, rest, |b, c| {
        if !rest.is_multiple_of(4) {
            let msg = format!("ServerObjectHandleTable is {rest} bytes, not a multiple of 4");
            b.diag(Severity::Warning, msg, c.src(), c.pos(), rest);
        }
        for _ in 0..rest / 4 {
            b.u32(c, &HANDLE)?;
        }
        if !c.is_empty() {
            let n = c.left();
            b.bytes(c, &HANDLE_TABLE_EXTRA, n)?;
        }
        Ok(())
    })
}
