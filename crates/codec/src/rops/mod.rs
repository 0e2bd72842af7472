//! [MS-OXCROPS] Remote operations: the ROP request and response buffers inside a RopsList.
//!
//! Table-driven: [`ids::ROP_NAMES`] (generated from `data/rops.tsv`) names all 132 RopIds; each
//! family module (one per [MS-OXCROPS] 2.2.x section) lists its decoders in a `DECODERS` slice —
//! one row per ROP with its request and response decoder — so adding or fixing a ROP is local.
//! `mapiscope rops` prints the combined table.
//!
//! A RopsList has no per-ROP lengths: each ROP must be parsed completely to find the next. An
//! unknown RopId (or a ROP that cannot be parsed) stops the list; the rest is shown as bytes with an
//! error diagnostic at its offset ([MS-OXCROPS] 2.2.1, 3.2.5.1).
//!
//! Responses are paired with the request ROPs of the same Execute in order ([MS-OXCROPS] 3.2.5.2):
//! RopRelease has no response; RopNotify, RopPending, RopBackoff and RopBufferTooSmall come unasked.

pub mod context;
pub mod ids;

pub mod fasttransfer;
pub mod folder;
pub mod ics;
pub mod message;
pub mod notify;
pub mod other;
pub mod permission;
pub mod property;
pub mod rule;
pub mod store;
pub mod stream;
pub mod table;
pub mod transport;

#[cfg(test)]
mod tests;
#[cfg(test)]
pub(crate) mod testutil;

use alloc::format;

use crate::build::{Builder, Cur, Stop, R};
use crate::rpc::Direction;
use crate::tree::{Disp, Field, Severity};
use context::{Context, RequestInfo, Rop};

/// One row of the generated RopId table.
#[derive(Debug)]
pub struct RopName {
    /// The RopId.
    pub id: u8,
    /// The ROP's name as [MS-OXCROPS] 2.2.2 spells it.
    pub name: &'static str,
    /// The [MS-OXCROPS] section defining its buffers.
    pub section: &'static str,
    /// The registered field of the ROP's node (`mapihttp.rop.queryrows`).
    pub field: &'static Field,
}

/// Decodes the part of a ROP buffer after RopId.
pub type RopFn = fn(&mut Builder<'_>, &mut Cur<'_>, &mut Rop<'_>) -> R<()>;

/// One row of a family's decoder table.
pub struct Decoder {
    /// The RopId.
    pub id: u8,
    /// The request buffer decoder (None for ROPs that only appear in responses).
    pub request: Option<RopFn>,
    /// The response buffer decoder (None for RopRelease, which has no response).
    pub response: Option<RopFn>,
}

/// Every family's decoders.
pub static FAMILIES: &[&[Decoder]] = &[
    store::DECODERS,
    folder::DECODERS,
    table::DECODERS,
    message::DECODERS,
    transport::DECODERS,
    property::DECODERS,
    stream::DECODERS,
    permission::DECODERS,
    rule::DECODERS,
    fasttransfer::DECODERS,
    ics::DECODERS,
    notify::DECODERS,
    other::DECODERS,
];

/// The field groups of this module, for the registry.
pub static FIELD_GROUPS: &[&[&Field]] = &[
    FIELDS,
    ids::FIELDS,
    store::FIELDS,
    folder::FIELDS,
    table::FIELDS,
    message::FIELDS,
    transport::FIELDS,
    property::FIELDS,
    stream::FIELDS,
    permission::FIELDS,
    rule::FIELDS,
    fasttransfer::FIELDS,
    ics::FIELDS,
    notify::FIELDS,
    other::FIELDS,
];

/// The name row of a RopId.
pub fn rop_name(id: u8) -> Option<&'static RopName> {
    ids::ROP_NAMES.binary_search_by_key(&id, |r| r.id).ok().and_then(|i| ids::ROP_NAMES.get(i))
}

/// The decoder row of a RopId.
pub fn decoder(id: u8) -> Option<&'static Decoder> {
    FAMILIES.iter().flat_map(|f| f.iter()).find(|d| d.id == id)
}

fn rop_id_name(v: u64) -> Option<&'static str> {
    u8::try_from(v).ok().and_then(rop_name).map(|r| r.name)
}

/// RopIds that appear only in responses, unasked.
pub const UNASKED: [u8; 4] = [0x2A, 0x6E, 0xF9, 0xFF];

crate::fields! {
    ROP_ID: U8 [Disp::Lookup(rop_id_name)] = "mapihttp.rop.id", "RopId", "[MS-OXCROPS] 2.2.2 the type of ROP";
    LOGON_ID: U8 = "mapihttp.rop.logonid", "LogonId", "[MS-OXCROPS] 2.2.3 the logon this operation works on (the LogonId of a RopLogon)";
    INPUT_HANDLE_INDEX: U8 = "mapihttp.rop.inputhandleindex", "InputHandleIndex", "[MS-OXCROPS] 2.2.1 index in the Server object handle table of the handle of the input Server object";
    OUTPUT_HANDLE_INDEX: U8 = "mapihttp.rop.outputhandleindex", "OutputHandleIndex", "[MS-OXCROPS] 2.2.1 index in the Server object handle table where the handle of the output Server object is stored";
    RETURN_VALUE: U32 [Disp::Lookup(crate::errors::name)] = "mapihttp.rop.returnvalue", "ReturnValue", "[MS-OXCROPS] 2.2.1 the status of the ROP ([MS-OXCDATA] 2.4)";
    UNDECODED: Bytes = "mapihttp.rop.undecoded", "Undecoded ROP bytes", "[MS-OXCROPS] 2.2.1 the rest of a RopsList after a ROP that could not be decoded: ROPs carry no length, so nothing after it can be located";
    REQUEST_REF: U32 = "mapihttp.rop.request_index", "Request", "Which request ROP of the same Execute this response answers (0-based position in the request RopsList)";
}

// ----- header helpers for the family decoders ------------------------------------------------

/// `LogonId, InputHandleIndex` of most request buffers.
pub fn req_in(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    x.info.logon_id = Some(b.u8(c, &LOGON_ID)?);
    x.info.input_index = Some(b.u8(c, &INPUT_HANDLE_INDEX)?);
    Ok(())
}

/// `LogonId, InputHandleIndex, OutputHandleIndex` of request buffers that create an object.
pub fn req_in_out(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in(b, c, x)?;
    x.info.output_index = Some(b.u8(c, &OUTPUT_HANDLE_INDEX)?);
    Ok(())
}

/// `InputHandleIndex, ReturnValue` of most response buffers; returns ReturnValue.
pub fn resp_in(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<u32> {
    let idx = b.u8(c, &INPUT_HANDLE_INDEX)?;
    check_index(b, c, x, x.info.input_index, idx);
    return_value(b, c)
}

/// `OutputHandleIndex, ReturnValue` of responses of ROPs that create an object; returns ReturnValue.
pub fn resp_out(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<u32> {
    let idx = b.u8(c, &OUTPUT_HANDLE_INDEX)?;
    check_index(b, c, x, x.info.output_index, idx);
    return_value(b, c)
}

/// ReturnValue, with a note when it is not success.
pub fn return_value(b: &mut Builder<'_>, c: &mut Cur<'_>) -> R<u32> {
    let rv = b.u32(c, &RETURN_VALUE)?;
    if rv != 0 {
        let name = crate::errors::name(rv.into()).unwrap_or("unknown error");
        b.diag(Severity::Note, format!("ROP failed: ReturnValue 0x{rv:08X} ({name})"), c.src(), c.pos().saturating_sub(4), 4);
    }
    Ok(rv)
}

fn check_index(b: &mut Builder<'_>, c: &Cur<'_>, x: &Rop<'_>, want: Option<u8>, got: u8) {
    if let (true, Some(w)) = (x.paired, want) {
        if w != got {
            let msg = format!("handle index {got} differs from the request's {w}");
            b.diag(Severity::Warning, msg, c.src(), c.pos().saturating_sub(1), 1);
        }
    }
}

// ----- the RopsList --------------------------------------------------------------------------

/// Decodes a RopsList (the whole window of `c`). The handle table of the same buffer must already be
/// in `ctx.exec` (request_handles or response_handles).
pub fn rops_list(b: &mut Builder<'_>, c: &mut Cur<'_>, dir: Direction, ctx: &mut Context) -> R<()> {
    if dir == Direction::Request {
        ctx.exec.have_request = true;
    }
    while !c.is_empty() {
        let start = c.pos();
        let id = c.peek_u8().unwrap_or(0);
        let Some(name) = rop_name(id) else {
            let msg = format!("unknown RopId 0x{id:02X}: the rest of the ROP list cannot be decoded");
            return rest_undecoded(b, c, msg);
        };
        let Some(dec) = decoder(id) else {
            let msg = format!("{} (0x{id:02X}) has no decoder: the rest of the ROP list cannot be decoded", name.name);
            return rest_undecoded(b, c, msg);
        };
        let f = match dir {
            Direction::Request => dec.request,
            Direction::Response => dec.response,
        };
        let Some(f) = f else {
            let msg = match dir {
                Direction::Request => format!("{} appears only in response buffers: the rest of the ROP list cannot be decoded", name.name),
                Direction::Response => format!("{} has no response buffer: the rest of the ROP list cannot be decoded", name.name),
            };
            return rest_undecoded(b, c, msg);
        };
        // Pair a response with its request.
        let (info, paired, req_index) = match dir {
            Direction::Request => (RequestInfo { rop_id: id, ..RequestInfo::default() }, false, None),
            Direction::Response => pair(ctx, id),
        };
        let mut x = Rop { dir, ctx: &mut *ctx, info, paired };
        let r = b.group(c, name.field, |b, c| {
            b.u8(c, &ROP_ID)?;
            if let Some(i) = req_index {
                let p = c.pos();
                let _ = b.push(&REQUEST_REF, crate::tree::Value::UInt(i as u64), c.src(), p, 0);
            }
            f(b, c, &mut x)
        });
        let info = x.info;
        if dir == Direction::Request {
            ctx.exec.requests.push(info);
        }
        if r.is_err() {
            if !c.is_empty() {
                let msg = format!("{} at offset {start} could not be decoded: the rest of the ROP list cannot be located", name.name);
                return rest_undecoded(b, c, msg);
            }
            return Err(Stop);
        }
        if dir == Direction::Response && !paired && !UNASKED.contains(&id) && ctx.exec.have_request {
            b.diag(Severity::Warning, format!("{} does not answer any remaining request ROP", name.name), c.src(), start, c.pos() - start);
        }
    }
    Ok(())
}

/// Finds the request a response ROP `id` answers: the next request in order, skipping ROPs that
/// have no response (RopRelease). Unasked ROPs pair with nothing.
fn pair(ctx: &mut Context, id: u8) -> (RequestInfo, bool, Option<usize>) {
    let unpaired = (RequestInfo { rop_id: id, ..RequestInfo::default() }, false, None);
    if UNASKED.contains(&id) {
        return unpaired;
    }
    let mut i = ctx.exec.next;
    while let Some(r) = ctx.exec.requests.get(i) {
        if r.rop_id == id {
            ctx.exec.next = i + 1;
            return (r.clone(), true, Some(i));
        }
        if decoder(r.rop_id).is_some_and(|d| d.response.is_none()) {
            i += 1;
            continue;
        }
        break;
    }
    unpaired
}

fn rest_undecoded(b: &mut Builder<'_>, c: &mut Cur<'_>, msg: alloc::string::String) -> R<()> {
    let n = c.left();
    b.diag_at(c, Severity::Error, msg, n);
    let _ = b.bytes(c, &UNDECODED, n);
    Err(Stop)
}

/// One line per ROP for `mapiscope rops`: id, name, section, request and response decoder presence.
pub fn table() -> impl Iterator<Item = (&'static RopName, bool, bool)> {
    ids::ROP_NAMES.iter().map(|n| {
        let d = decoder(n.id);
        (n, d.is_some_and(|d| d.request.is_some()), d.is_some_and(|d| d.response.is_some()))
    })
}

/// Registers the families' decoders for a RopId in a family's `DECODERS` slice.
#[macro_export]
macro_rules! rop {
    ($id:expr, $req:expr, $resp:expr) => {
        $crate::rops::Decoder { id: $id, request: $req, response: $resp }
    };
}
