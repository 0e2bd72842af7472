//! [MS-OXCROPS] 2.2.15 Other ROPs: RopBufferTooSmall (2.2.15.1), RopBackoff (2.2.15.2),
//! RopRelease (2.2.15.3).

use alloc::format;

use super::context::{Context, ExecState, Rop};
use crate::rpc::Direction;
use super::{req_in, rop_id_name, Decoder};
use crate::build::{Builder, Cur, R};
use crate::tree::{Disp, Severity};

crate::fields! {
    SIZE_NEEDED: U16 [Disp::Unit("bytes")] = "mapihttp.rop.buffertoosmall.sizeneeded", "SizeNeeded", "[MS-OXCROPS] 2.2.15.1 the size of RopBuffer the server needs to answer the remaining requests";
    REQUEST_BUFFERS: None = "mapihttp.rop.buffertoosmall.requestbuffers", "RequestBuffers", "[MS-OXCROPS] 2.2.15.1 the ROP requests the server did not process, copied from the request (the rest of the RopsList), decoded as request buffers";
    BACKOFF_LOGON_ID: U8 = "mapihttp.rop.backoff.logonid", "LogonId", "[MS-OXCROPS] 2.2.15.2 the logon the backoff applies to";
    BACKOFF_DURATION: U32 [Disp::Unit("ms")] = "mapihttp.rop.backoff.duration", "Duration", "[MS-OXCROPS] 2.2.15.2 how long the client waits before sending ROPs for this logon again";
    BACKOFF_ROP_COUNT: U8 = "mapihttp.rop.backoff.backoffropcount", "BackoffRopCount", "[MS-OXCROPS] 2.2.15.2 the number of BackoffRopData entries (0: the whole logon is backed off)";
    BACKOFF_ROP_DATA: None = "mapihttp.rop.backoff.backoffropdata", "BackoffRopData", "[MS-OXCROPS] 2.2.15.2 one backed-off ROP";
    BACKOFF_ROP_ID: U8 [Disp::Lookup(rop_id_name)] = "mapihttp.rop.backoff.ropidbackoff", "RopIdBackoff", "[MS-OXCROPS] 2.2.15.2 the RopId to back off";
    BACKOFF_ROP_DURATION: U32 [Disp::Unit("ms")] = "mapihttp.rop.backoff.ropduration", "Duration", "[MS-OXCROPS] 2.2.15.2 how long to back off this ROP";
    ADDITIONAL_DATA_SIZE: U16 [Disp::Unit("bytes")] = "mapihttp.rop.backoff.additionaldatasize", "AdditionalDataSize", "[MS-OXCROPS] 2.2.15.2 the size of AdditionalData";
    ADDITIONAL_DATA: Bytes = "mapihttp.rop.backoff.additionaldata", "AdditionalData", "[MS-OXCROPS] 2.2.15.2 additional data about the backoff";
}

/// The decoders of this family, one row per ROP.
pub static DECODERS: &[Decoder] = &[
    crate::rop!(0x01, Some(release_request), None),
    crate::rop!(0xF9, None, Some(backoff_response)),
    crate::rop!(0xFF, None, Some(buffer_too_small_response)),
];

/// 2.2.15.3.1 RopRelease request: LogonId, InputHandleIndex. The object is released; it has no response.
fn release_request(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in(b, c, x)?;
    if let Some(h) = x.info.input_index.and_then(|i| x.handle(i)) {
        x.ctx.session.objects.remove(&h);
        x.ctx.session.columns.remove(&h);
        x.ctx.session.recipient_columns.remove(&h);
    }
    Ok(())
}

/// 2.2.15.1 RopBufferTooSmall response: SizeNeeded, RequestBuffers (the unprocessed rest of the
/// request RopsList, to the end of this RopsList). The copied requests are decoded as request ROPs
/// against a scratch copy of the context, so they neither pair with responses nor change the session.
fn buffer_too_small_response(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    let need = b.u16(c, &SIZE_NEEDED)?;
    let n = c.left();
    b.diag_at(c, Severity::Note, format!("the server needs a {need}-byte RopBuffer: the requests that follow were not processed"), n);
    if n > 0 {
        let mut scratch = Context {
            session: x.ctx.session.clone(),
            exec: ExecState { request_handles: x.ctx.exec.request_handles.clone(), ..ExecState::default() },
        };
        b.group_sized(c, &REQUEST_BUFFERS, n, |b, c| super::rops_list(b, c, Direction::Request, &mut scratch))?;
    }
    Ok(())
}

/// 2.2.15.2 RopBackoff response.
fn backoff_response(b: &mut Builder<'_>, c: &mut Cur<'_>, _x: &mut Rop<'_>) -> R<()> {
    b.u8(c, &BACKOFF_LOGON_ID)?;
    b.u32(c, &BACKOFF_DURATION)?;
    let n = b.u8(c, &BACKOFF_ROP_COUNT)?;
    let n = b.check_count(c, &BACKOFF_ROP_COUNT, n.into(), 5)?;
    for _ in 0..n {
        b.group(c, &BACKOFF_ROP_DATA, |b, c| {
            b.u8(c, &BACKOFF_ROP_ID)?;
            b.u32(c, &BACKOFF_ROP_DURATION)?;
            Ok(())
        })?;
    }
    let size = usize::from(b.u16(c, &ADDITIONAL_DATA_SIZE)?);
    if size > 0 {
        b.bytes(c, &ADDITIONAL_DATA, size)?;
    }
    Ok(())
}
