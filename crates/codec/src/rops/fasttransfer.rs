//! [MS-OXCROPS] 2.2.12 Fast Transfer ROPs, semantics in [MS-OXCFXICS] 2.2.3.1:
//! RopFastTransferDestinationConfigure (0x53, 2.2.12.1), RopFastTransferDestinationPutBuffer (0x54,
//! 2.2.12.2), RopFastTransferDestinationPutBufferExtended (0x9D, 2.2.12.3),
//! RopFastTransferSourceGetBuffer (0x4E, 2.2.12.4), RopFastTransferSourceCopyFolder (0x4C, 2.2.12.5),
//! RopFastTransferSourceCopyMessages (0x4B, 2.2.12.6), RopFastTransferSourceCopyTo (0x4D, 2.2.12.7),
//! RopFastTransferSourceCopyProperties (0x69, 2.2.12.8), RopTellVersion (0x86, 2.2.12.9).
//!
//! The FastTransfer stream carried in TransferBuffer (download) and TransferData (upload) is shown as
//! bytes here: it is one logical stream per FastTransfer context, split at arbitrary points across
//! many ROPs ([MS-OXCFXICS] 2.2.4.1), so it is decoded by a reassembling layer, not per ROP.
//!
//! Context: the Copy* ROPs, RopFastTransferDestinationConfigure (and, in `ics`,
//! RopSynchronizationGetTransferState) create a FastTransfer context at their OutputHandleIndex; a
//! successful response records it in the session.
//!
//! Layout notes:
//! - RopFastTransferSourceGetBuffer response: [MS-OXCROPS] 2.2.12.4.2 has one response layout whose
//!   TransferStatus, InProgressCount, TotalStepCount, Reserved and TransferBufferSize are present
//!   whatever the ReturnValue; TransferBuffer is present unless ReturnValue is 0x00000480
//!   (ecServerBusy), BackoffTime only then ([MS-OXCFXICS] 3.3.5.9.1). [MS-OXCFXICS] 2.2.3.1.1.5.2
//!   agrees: TransferStatus Error "the ReturnValue field … contains a code for that error". Exchange's
//!   own serializer (Microsoft.Exchange.RpcClientAccess.Parser FastTransferSourceGetBufferData) writes
//!   the status fields for success, failure and busy alike, BackoffTime right after
//!   TransferBufferSize (the buffer is empty then), and so does Microsoft's protocol test suite. Two
//!   implementations disagree: OpenChange (libmapiserver) and Microsoft's MAPI Inspector read a failure
//!   as the header only, plus BackoffTime for 0x480. This decoder follows the specification and
//!   Exchange.
//! - RopFastTransferDestinationPutBuffer(Extended) responses carry their status fields and
//!   BufferUsedSize whatever the ReturnValue ([MS-OXCFXICS] 2.2.3.1.2.2.2 / 2.2.3.1.2.3.2: BufferUsedSize
//!   "can be equal to or less than TransferDataSize on failure"); the Extended form has 32-bit
//!   InProgressCount and TotalStepCount.
//! - Reserved (1 byte) is named IsMoveUser in Exchange's serializer; the specification says it is 0
//!   when sent and ignored on receipt.
//! - SendOptions ForUpload (0x03) is the combination of Unicode and UseCpid, so a value of 0x03 shows
//!   all three names.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use super::context::{ObjectKind, Rop};
use super::{req_in, req_in_out, resp_in, resp_out, Decoder};
use crate::build::{Builder, Cur, Stop, R};
use crate::tree::{Disp, Field, NameTable, Severity, Value};

/// ReturnValue ecServerBusy ([MS-OXCDATA] 2.4): RopFastTransferSourceGetBuffer adds BackoffTime.
pub const EC_SERVER_BUSY: u32 = 0x0000_0480;

/// SendOptions of the FastTransfer source ROPs and RopSynchronizationConfigure ([MS-OXCFXICS]
/// 2.2.3.1.1.1.1). ForUpload (0x03) is Unicode | UseCpid.
pub static SEND_OPTIONS: NameTable = &[
    (0x01, "Unicode"),
    (0x02, "UseCpid"),
    (0x03, "ForUpload"),
    (0x04, "RecoverMode"),
    (0x08, "ForceUnicode"),
    (0x10, "PartialItem"),
    (0x20, "Reserved1"),
    (0x40, "Reserved2"),
];
/// CopyFlags of RopFastTransferSourceCopyTo ([MS-OXCFXICS] 2.2.3.1.1.1.1), 32 bits.
pub static COPY_TO_FLAGS: NameTable = &[
    (0x0000_0001, "Move"),
    (0x0000_0002, "Unused1"),
    (0x0000_0004, "Unused2"),
    (0x0000_0008, "Unused3"),
    (0x0000_0200, "Unused4"),
    (0x0000_0400, "Unused5"),
    (0x0000_2000, "BestBody"),
];
/// CopyFlags of RopFastTransferSourceCopyProperties ([MS-OXCFXICS] 2.2.3.1.1.2.1).
pub static COPY_PROPERTIES_FLAGS: NameTable = &[(0x01, "Move"), (0x02, "Unused1"), (0x04, "Unused2"), (0x08, "Unused3")];
/// CopyFlags of RopFastTransferSourceCopyMessages ([MS-OXCFXICS] 2.2.3.1.1.3.1).
pub static COPY_MESSAGES_FLAGS: NameTable =
    &[(0x01, "Move"), (0x02, "Unused1"), (0x04, "Unused2"), (0x08, "Unused3"), (0x10, "BestBody"), (0x20, "SendEntryId")];
/// CopyFlags of RopFastTransferSourceCopyFolder ([MS-OXCFXICS] 2.2.3.1.1.4.1).
pub static COPY_FOLDER_FLAGS: NameTable =
    &[(0x01, "Move"), (0x02, "Unused1"), (0x04, "Unused2"), (0x08, "Unused3"), (0x10, "CopySubfolders")];
/// CopyFlags of RopFastTransferDestinationConfigure ([MS-OXCFXICS] 2.2.3.1.2.1.1).
pub static DESTINATION_COPY_FLAGS: NameTable = &[(0x01, "Move")];
/// SourceOperation of RopFastTransferDestinationConfigure ([MS-OXCFXICS] 2.2.3.1.2.1.1): which
/// download ROP produced the stream being uploaded.
pub static SOURCE_OPERATIONS: NameTable =
    &[(0x01, "CopyTo"), (0x02, "CopyProperties"), (0x03, "CopyMessages"), (0x04, "CopyFolder")];
/// TransferStatus ([MS-OXCFXICS] 2.2.3.1.1.5.2).
pub static TRANSFER_STATUS: NameTable = &[(0x0000, "Error"), (0x0001, "Partial"), (0x0002, "NoRoom"), (0x0003, "Done")];
/// The BufferSize sentinel of RopFastTransferSourceGetBuffer ([MS-OXCFXICS] 2.2.3.1.1.5.1).
pub static BUFFER_SIZE_NAMES: NameTable = &[(0xBABE, "use MaximumBufferSize")];

crate::fields! {
    DC_SOURCE_OPERATION: U8 [Disp::Names(SOURCE_OPERATIONS)] = "mapihttp.rop.fasttransferdestinationconfigure.sourceoperation", "SourceOperation", "[MS-OXCROPS] 2.2.12.1.1, [MS-OXCFXICS] 2.2.3.1.2.1.1 the download ROP whose FastTransfer stream is uploaded";
    DC_COPY_FLAGS: U8 [Disp::Flags(DESTINATION_COPY_FLAGS)] = "mapihttp.rop.fasttransferdestinationconfigure.copyflags", "CopyFlags", "[MS-OXCROPS] 2.2.12.1.1, [MS-OXCFXICS] 2.2.3.1.2.1.1 Move: the upload is part of a move";

    PB_TRANSFER_DATA_SIZE: U16 [Disp::Unit("bytes")] = "mapihttp.rop.fasttransferdestinationputbuffer.transferdatasize", "TransferDataSize", "[MS-OXCROPS] 2.2.12.2.1 the size of TransferData";
    PB_TRANSFER_DATA: Bytes = "mapihttp.rop.fasttransferdestinationputbuffer.transferdata", "TransferData", "[MS-OXCROPS] 2.2.12.2.1 a portion of the FastTransfer stream to upload ([MS-OXCFXICS] 2.2.4)";
    PB_TRANSFER_STATUS: U16 [Disp::Names(TRANSFER_STATUS)] = "mapihttp.rop.fasttransferdestinationputbuffer.transferstatus", "TransferStatus", "[MS-OXCROPS] 2.2.12.2.2, [MS-OXCFXICS] 2.2.3.1.2.2.2 the status of the upload (clients ignore it)";
    PB_IN_PROGRESS_COUNT: U16 = "mapihttp.rop.fasttransferdestinationputbuffer.inprogresscount", "InProgressCount", "[MS-OXCROPS] 2.2.12.2.2 the number of steps completed in the current operation";
    PB_TOTAL_STEP_COUNT: U16 = "mapihttp.rop.fasttransferdestinationputbuffer.totalstepcount", "TotalStepCount", "[MS-OXCROPS] 2.2.12.2.2 the approximate total number of steps of the current operation";
    PB_RESERVED: U8 [Disp::Hex] = "mapihttp.rop.fasttransferdestinationputbuffer.reserved", "Reserved", "[MS-OXCROPS] 2.2.12.2.2 reserved, 0x00";
    PB_BUFFER_USED_SIZE: U16 [Disp::Unit("bytes")] = "mapihttp.rop.fasttransferdestinationputbuffer.bufferusedsize", "BufferUsedSize", "[MS-OXCROPS] 2.2.12.2.2, [MS-OXCFXICS] 2.2.3.1.2.2.2 how many bytes of TransferData were processed";

    PBX_TRANSFER_DATA_SIZE: U16 [Disp::Unit("bytes")] = "mapihttp.rop.fasttransferdestinationputbufferextended.transferdatasize", "TransferDataSize", "[MS-OXCROPS] 2.2.12.3.1 the size of TransferData";
    PBX_TRANSFER_DATA: Bytes = "mapihttp.rop.fasttransferdestinationputbufferextended.transferdata", "TransferData", "[MS-OXCROPS] 2.2.12.3.1 a portion of the FastTransfer stream to upload ([MS-OXCFXICS] 2.2.4)";
    PBX_TRANSFER_STATUS: U16 [Disp::Names(TRANSFER_STATUS)] = "mapihttp.rop.fasttransferdestinationputbufferextended.transferstatus", "TransferStatus", "[MS-OXCROPS] 2.2.12.3.2, [MS-OXCFXICS] 2.2.3.1.2.3.2 the status of the upload (clients ignore it)";
    PBX_IN_PROGRESS_COUNT: U32 = "mapihttp.rop.fasttransferdestinationputbufferextended.inprogresscount", "InProgressCount", "[MS-OXCROPS] 2.2.12.3.2 the number of steps completed in the current operation (32 bits in this ROP)";
    PBX_TOTAL_STEP_COUNT: U32 = "mapihttp.rop.fasttransferdestinationputbufferextended.totalstepcount", "TotalStepCount", "[MS-OXCROPS] 2.2.12.3.2 the approximate total number of steps of the current operation (32 bits in this ROP)";
    PBX_RESERVED: U8 [Disp::Hex] = "mapihttp.rop.fasttransferdestinationputbufferextended.reserved", "Reserved", "[MS-OXCROPS] 2.2.12.3.2 reserved, 0x00";
    PBX_BUFFER_USED_SIZE: U16 [Disp::Unit("bytes")] = "mapihttp.rop.fasttransferdestinationputbufferextended.bufferusedsize", "BufferUsedSize", "[MS-OXCROPS] 2.2.12.3.2, [MS-OXCFXICS] 2.2.3.1.2.3.2 how many bytes of TransferData were processed";

    GB_BUFFER_SIZE: U16 [Disp::HexNamed(BUFFER_SIZE_NAMES)] = "mapihttp.rop.fasttransfersourcegetbuffer.buffersize", "BufferSize", "[MS-OXCROPS] 2.2.12.4.1, [MS-OXCFXICS] 2.2.3.1.1.5.1 the maximum size of TransferBuffer (0xBABE: the server chooses, up to MaximumBufferSize)";
    GB_MAXIMUM_BUFFER_SIZE: U16 [Disp::Unit("bytes")] = "mapihttp.rop.fasttransfersourcegetbuffer.maximumbuffersize", "MaximumBufferSize", "[MS-OXCROPS] 2.2.12.4.1, [MS-OXCFXICS] 2.2.3.1.1.5.1 the size limit when the server chooses the buffer size, present only when BufferSize is 0xBABE";
    GB_TRANSFER_STATUS: U16 [Disp::Names(TRANSFER_STATUS)] = "mapihttp.rop.fasttransfersourcegetbuffer.transferstatus", "TransferStatus", "[MS-OXCROPS] 2.2.12.4.2, [MS-OXCFXICS] 2.2.3.1.1.5.2 the status of the download after this buffer";
    GB_IN_PROGRESS_COUNT: U16 = "mapihttp.rop.fasttransfersourcegetbuffer.inprogresscount", "InProgressCount", "[MS-OXCROPS] 2.2.12.4.2 the number of steps completed in the current operation";
    GB_TOTAL_STEP_COUNT: U16 = "mapihttp.rop.fasttransfersourcegetbuffer.totalstepcount", "TotalStepCount", "[MS-OXCROPS] 2.2.12.4.2 the approximate total number of steps of the current operation";
    GB_RESERVED: U8 [Disp::Hex] = "mapihttp.rop.fasttransfersourcegetbuffer.reserved", "Reserved", "[MS-OXCROPS] 2.2.12.4.2 reserved, 0x00 when sent and ignored on receipt";
    GB_TRANSFER_BUFFER_SIZE: U16 [Disp::Unit("bytes")] = "mapihttp.rop.fasttransfersourcegetbuffer.transferbuffersize", "TransferBufferSize", "[MS-OXCROPS] 2.2.12.4.2 the size of TransferBuffer";
    GB_TRANSFER_BUFFER: Bytes = "mapihttp.rop.fasttransfersourcegetbuffer.transferbuffer", "TransferBuffer", "[MS-OXCROPS] 2.2.12.4.2 the next portion of the FastTransfer stream ([MS-OXCFXICS] 2.2.4), absent when ReturnValue is 0x00000480";
    GB_BACKOFF_TIME: U32 [Disp::Unit("ms")] = "mapihttp.rop.fasttransfersourcegetbuffer.backofftime", "BackoffTime", "[MS-OXCROPS] 2.2.12.4.2, [MS-OXCFXICS] 3.3.5.9.1 how long to wait before retrying, present only when ReturnValue is 0x00000480 (ecServerBusy)";

    CF_COPY_FLAGS: U8 [Disp::Flags(COPY_FOLDER_FLAGS)] = "mapihttp.rop.fasttransfersourcecopyfolder.copyflags", "CopyFlags", "[MS-OXCROPS] 2.2.12.5.1, [MS-OXCFXICS] 2.2.3.1.1.4.1 how the folder is copied";
    CF_SEND_OPTIONS: U8 [Disp::Flags(SEND_OPTIONS)] = "mapihttp.rop.fasttransfersourcecopyfolder.sendoptions", "SendOptions", "[MS-OXCROPS] 2.2.12.5.1, [MS-OXCFXICS] 2.2.3.1.1.1.1 how the FastTransfer stream is encoded";

    CM_MESSAGE_ID_COUNT: U16 = "mapihttp.rop.fasttransfersourcecopymessages.messageidcount", "MessageIdCount", "[MS-OXCROPS] 2.2.12.6.1 the number of identifiers in MessageIds";
    CM_MESSAGE_IDS: None = "mapihttp.rop.fasttransfersourcecopymessages.messageids", "MessageIds", "[MS-OXCROPS] 2.2.12.6.1 the messages to copy";
    CM_MESSAGE_ID: U64 [Disp::Fid] = "mapihttp.rop.fasttransfersourcecopymessages.messageid", "MessageId", "[MS-OXCROPS] 2.2.12.6.1 a message to copy ([MS-OXCDATA] 2.2.1.2)";
    CM_COPY_FLAGS: U8 [Disp::Flags(COPY_MESSAGES_FLAGS)] = "mapihttp.rop.fasttransfersourcecopymessages.copyflags", "CopyFlags", "[MS-OXCROPS] 2.2.12.6.1, [MS-OXCFXICS] 2.2.3.1.1.3.1 how the messages are copied";
    CM_SEND_OPTIONS: U8 [Disp::Flags(SEND_OPTIONS)] = "mapihttp.rop.fasttransfersourcecopymessages.sendoptions", "SendOptions", "[MS-OXCROPS] 2.2.12.6.1, [MS-OXCFXICS] 2.2.3.1.1.1.1 how the FastTransfer stream is encoded";

    CT_LEVEL: U8 = "mapihttp.rop.fasttransfersourcecopyto.level", "Level", "[MS-OXCROPS] 2.2.12.7.1, [MS-OXCFXICS] 2.2.3.1.1.1.1 0x00: descendant subobjects are copied too; nonzero: they are not";
    CT_COPY_FLAGS: U32 [Disp::Flags(COPY_TO_FLAGS)] = "mapihttp.rop.fasttransfersourcecopyto.copyflags", "CopyFlags", "[MS-OXCROPS] 2.2.12.7.1, [MS-OXCFXICS] 2.2.3.1.1.1.1 how the object is copied (32 bits in this ROP)";
    CT_SEND_OPTIONS: U8 [Disp::Flags(SEND_OPTIONS)] = "mapihttp.rop.fasttransfersourcecopyto.sendoptions", "SendOptions", "[MS-OXCROPS] 2.2.12.7.1, [MS-OXCFXICS] 2.2.3.1.1.1.1 how the FastTransfer stream is encoded";
    CT_TAG_COUNT: U16 = "mapihttp.rop.fasttransfersourcecopyto.propertytagcount", "PropertyTagCount", "[MS-OXCROPS] 2.2.12.7.1 the number of property tags";
    CT_TAGS: None = "mapihttp.rop.fasttransfersourcecopyto.propertytags", "PropertyTags", "[MS-OXCROPS] 2.2.12.7.1 the properties and subobjects to exclude from the copy";
    CT_TAG: Text = "mapihttp.rop.fasttransfersourcecopyto.propertytag", "PropertyTag", "[MS-OXCROPS] 2.2.12.7.1 a property to exclude ([MS-OXCDATA] 2.9)";

    CP_LEVEL: U8 = "mapihttp.rop.fasttransfersourcecopyproperties.level", "Level", "[MS-OXCROPS] 2.2.12.8.1, [MS-OXCFXICS] 2.2.3.1.1.2.1 0x00: descendant subobjects listed in PropertyTags are copied too; nonzero: no subobjects";
    CP_COPY_FLAGS: U8 [Disp::Flags(COPY_PROPERTIES_FLAGS)] = "mapihttp.rop.fasttransfersourcecopyproperties.copyflags", "CopyFlags", "[MS-OXCROPS] 2.2.12.8.1, [MS-OXCFXICS] 2.2.3.1.1.2.1 how the properties are copied";
    CP_SEND_OPTIONS: U8 [Disp::Flags(SEND_OPTIONS)] = "mapihttp.rop.fasttransfersourcecopyproperties.sendoptions", "SendOptions", "[MS-OXCROPS] 2.2.12.8.1, [MS-OXCFXICS] 2.2.3.1.1.1.1 how the FastTransfer stream is encoded";
    CP_TAG_COUNT: U16 = "mapihttp.rop.fasttransfersourcecopyproperties.propertytagcount", "PropertyTagCount", "[MS-OXCROPS] 2.2.12.8.1 the number of property tags";
    CP_TAGS: None = "mapihttp.rop.fasttransfersourcecopyproperties.propertytags", "PropertyTags", "[MS-OXCROPS] 2.2.12.8.1 the properties and subobjects to include in the copy";
    CP_TAG: Text = "mapihttp.rop.fasttransfersourcecopyproperties.propertytag", "PropertyTag", "[MS-OXCROPS] 2.2.12.8.1 a property to copy ([MS-OXCDATA] 2.9)";

    TV_VERSION: None = "mapihttp.rop.tellversion.version", "Version", "[MS-OXCROPS] 2.2.12.9.1, [MS-OXCFXICS] 2.2.3.1.1.6 three 16-bit integers: the version of the other server of a server-to-client-to-server upload ([MS-OXCRPC] version format)";
    TV_VERSION_PART: U16 = "mapihttp.rop.tellversion.version.part", "Version", "[MS-OXCROPS] 2.2.12.9.1 one of the three 16-bit integers of Version";
}

/// The decoders of this family, one row per ROP.
pub static DECODERS: &[Decoder] = &[
    crate::rop!(0x53, Some(destination_configure_req), Some(created_fast_transfer_resp)),
    crate::rop!(0x54, Some(put_buffer_req), Some(put_buffer_resp)),
    crate::rop!(0x9D, Some(put_buffer_ext_req), Some(put_buffer_ext_resp)),
    crate::rop!(0x4E, Some(get_buffer_req), Some(get_buffer_resp)),
    crate::rop!(0x4C, Some(copy_folder_req), Some(created_fast_transfer_resp)),
    crate::rop!(0x4B, Some(copy_messages_req), Some(created_fast_transfer_resp)),
    crate::rop!(0x4D, Some(copy_to_req), Some(created_fast_transfer_resp)),
    crate::rop!(0x69, Some(copy_properties_req), Some(created_fast_transfer_resp)),
    crate::rop!(0x86, Some(tell_version_req), Some(header_only_resp)),
];

// ----- helpers shared with `ics` --------------------------------------------------------------

/// A u16 count field, then a structure node `list` holding that many PropertyTags (`tag` nodes);
/// returns the tags.
pub(super) fn tag_list(b: &mut Builder<'_>, c: &mut Cur<'_>, count: &'static Field, list: &'static Field, tag: &'static Field) -> R<Vec<u32>> {
    let n = b.u16(c, count)?;
    let n = b.check_count(c, count, n.into(), 4)?;
    if n == 0 {
        return Ok(Vec::new());
    }
    b.group(c, list, |b, c| {
        let mut tags = Vec::with_capacity(n);
        for _ in 0..n {
            tags.push(crate::props::property_tag(b, c, tag)?);
        }
        Ok(tags)
    })
}

/// A u16 count field, then a structure node `list` holding that many TaggedPropertyValues
/// ([MS-OXCDATA] 2.11.4).
pub(super) fn tagged_list(b: &mut Builder<'_>, c: &mut Cur<'_>, count: &'static Field, list: &'static Field) -> R<()> {
    let n = b.u16(c, count)?;
    // A TaggedPropertyValue is at least its 4-byte PropertyTag.
    let n = b.check_count(c, count, n.into(), 4)?;
    if n == 0 {
        return Ok(());
    }
    b.group(c, list, |b, c| {
        for _ in 0..n {
            crate::oxcdata::tagged_property_value(b, c)?;
        }
        Ok(())
    })
}

/// `n` bytes of field `data` (nothing for 0); fewer bytes left is a truncation error.
pub(super) fn sized_bytes(b: &mut Builder<'_>, c: &mut Cur<'_>, data: &'static Field, n: usize) -> R<()> {
    if n == 0 {
        return Ok(());
    }
    b.bytes(c, data, n).map(|_| ())
}

/// Runs `body` over a window of the next `n` bytes (the extent given by size field `size`), then
/// moves past them. Fewer than `n` bytes left is an error naming the size field (recorded first, at
/// the window's start); what is there is still decoded. Bytes `body` leaves unread are a warning.
pub(super) fn sized_window<'x>(
    b: &mut Builder<'_>,
    c: &mut Cur<'x>,
    size: &'static Field,
    n: usize,
    body: impl FnOnce(&mut Builder<'_>, &mut Cur<'x>) -> R<()>,
) -> R<()> {
    let avail = c.left();
    let short = n > avail;
    if short {
        b.diag_at(c, Severity::Error, format!("truncated: {} {n} exceeds the {avail} bytes left", size.name), avail);
    }
    let mut inner = c.window(n);
    let r = body(b, &mut inner);
    if r.is_ok() && !short && !inner.is_empty() {
        let left = inner.left();
        b.diag_at(&inner, Severity::Warning, format!("{left} bytes of {} {n} left unread", size.name), left);
    }
    c.advance(n);
    r?;
    if short {
        return Err(Stop);
    }
    Ok(())
}

/// Records the object created at the request's OutputHandleIndex.
pub(super) fn record_created(x: &mut Rop<'_>, kind: ObjectKind) {
    if let Some(i) = x.info.output_index {
        x.created(i, kind);
    }
}

// ----- decoders ----------------------------------------------------------------------------------

/// Responses that are InputHandleIndex + ReturnValue only (RopTellVersion, 2.2.12.9.2).
fn header_only_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    resp_in(b, c, x).map(|_| ())
}

/// OutputHandleIndex + ReturnValue of the ROPs that create a FastTransfer context
/// (2.2.12.1.2, 2.2.12.5.2–2.2.12.8.2); success records the context.
fn created_fast_transfer_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    if resp_out(b, c, x)? == 0 {
        record_created(x, ObjectKind::FastTransfer);
    }
    Ok(())
}

/// 2.2.12.1.1: SourceOperation, CopyFlags.
fn destination_configure_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in_out(b, c, x)?;
    b.u8(c, &DC_SOURCE_OPERATION)?;
    b.u8(c, &DC_COPY_FLAGS)?;
    Ok(())
}

/// 2.2.12.2.1: TransferDataSize, TransferData. `info.values[0]` keeps TransferDataSize for the
/// response's BufferUsedSize.
fn put_buffer_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in(b, c, x)?;
    let n = b.u16(c, &PB_TRANSFER_DATA_SIZE)?;
    x.info.values.push(n.into());
    sized_bytes(b, c, &PB_TRANSFER_DATA, n.into())
}

/// 2.2.3.1.2.3.1 / 2.2.12.3.1: as RopFastTransferDestinationPutBuffer.
fn put_buffer_ext_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in(b, c, x)?;
    let n = b.u16(c, &PBX_TRANSFER_DATA_SIZE)?;
    x.info.values.push(n.into());
    sized_bytes(b, c, &PBX_TRANSFER_DATA, n.into())
}

/// A note when a successful upload did not consume all of TransferData ([MS-OXCFXICS] 2.2.3.1.2.2.2:
/// BufferUsedSize SHOULD equal TransferDataSize on success).
fn check_used(b: &mut Builder<'_>, c: &Cur<'_>, x: &Rop<'_>, rv: u32, used: u16) {
    if let (0, Some(&sent)) = (rv, x.info.values.first()) {
        if u64::from(used) != sent {
            let msg = format!("BufferUsedSize {used} differs from the request's TransferDataSize {sent}");
            b.diag(Severity::Note, msg, c.src(), c.pos().saturating_sub(2), 2);
        }
    }
}

/// 2.2.12.2.2: InputHandleIndex, ReturnValue, TransferStatus, InProgressCount, TotalStepCount,
/// Reserved, BufferUsedSize (one layout whatever the ReturnValue).
fn put_buffer_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    let rv = resp_in(b, c, x)?;
    b.u16(c, &PB_TRANSFER_STATUS)?;
    b.u16(c, &PB_IN_PROGRESS_COUNT)?;
    b.u16(c, &PB_TOTAL_STEP_COUNT)?;
    b.u8(c, &PB_RESERVED)?;
    let used = b.u16(c, &PB_BUFFER_USED_SIZE)?;
    check_used(b, c, x, rv, used);
    Ok(())
}

/// 2.2.12.3.2: as RopFastTransferDestinationPutBuffer with 32-bit InProgressCount and TotalStepCount.
fn put_buffer_ext_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    let rv = resp_in(b, c, x)?;
    b.u16(c, &PBX_TRANSFER_STATUS)?;
    b.u32(c, &PBX_IN_PROGRESS_COUNT)?;
    b.u32(c, &PBX_TOTAL_STEP_COUNT)?;
    b.u8(c, &PBX_RESERVED)?;
    let used = b.u16(c, &PBX_BUFFER_USED_SIZE)?;
    check_used(b, c, x, rv, used);
    Ok(())
}

/// 2.2.12.4.1: BufferSize, and MaximumBufferSize when BufferSize is 0xBABE.
fn get_buffer_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in(b, c, x)?;
    if b.u16(c, &GB_BUFFER_SIZE)? == 0xBABE {
        b.u16(c, &GB_MAXIMUM_BUFFER_SIZE)?;
    }
    Ok(())
}

/// 2.2.12.4.2: InputHandleIndex, ReturnValue, TransferStatus, InProgressCount, TotalStepCount,
/// Reserved, TransferBufferSize, then BackoffTime when ReturnValue is 0x00000480, else TransferBuffer
/// (see the module notes for the failure layout).
fn get_buffer_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    let rv = resp_in(b, c, x)?;
    b.u16(c, &GB_TRANSFER_STATUS)?;
    b.u16(c, &GB_IN_PROGRESS_COUNT)?;
    b.u16(c, &GB_TOTAL_STEP_COUNT)?;
    b.u8(c, &GB_RESERVED)?;
    let size = usize::from(b.u16(c, &GB_TRANSFER_BUFFER_SIZE)?);
    if rv == EC_SERVER_BUSY {
        let ms = b.u32(c, &GB_BACKOFF_TIME)?;
        b.diag(Severity::Note, format!("server busy: the client waits {ms} ms before retrying"), c.src(), c.pos().saturating_sub(4), 4);
        if size > 0 {
            let msg = format!("TransferBufferSize {size} with ReturnValue 0x00000480: the specification has no TransferBuffer then");
            b.diag_at(c, Severity::Note, msg, size);
        }
    }
    sized_bytes(b, c, &GB_TRANSFER_BUFFER, size)
}

/// 2.2.12.5.1: CopyFlags, SendOptions.
fn copy_folder_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in_out(b, c, x)?;
    b.u8(c, &CF_COPY_FLAGS)?;
    b.u8(c, &CF_SEND_OPTIONS)?;
    Ok(())
}

/// 2.2.12.6.1: MessageIdCount, MessageIds, CopyFlags, SendOptions.
fn copy_messages_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in_out(b, c, x)?;
    let n = b.u16(c, &CM_MESSAGE_ID_COUNT)?;
    let n = b.check_count(c, &CM_MESSAGE_ID_COUNT, n.into(), 8)?;
    if n > 0 {
        b.group(c, &CM_MESSAGE_IDS, |b, c| {
            for _ in 0..n {
                crate::oxcdata::folder_id(b, c, &CM_MESSAGE_ID)?;
            }
            Ok(())
        })?;
    }
    b.u8(c, &CM_COPY_FLAGS)?;
    b.u8(c, &CM_SEND_OPTIONS)?;
    Ok(())
}

/// 2.2.12.7.1: Level, CopyFlags (u32), SendOptions, PropertyTagCount, PropertyTags (excluded).
fn copy_to_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in_out(b, c, x)?;
    b.u8(c, &CT_LEVEL)?;
    b.u32(c, &CT_COPY_FLAGS)?;
    b.u8(c, &CT_SEND_OPTIONS)?;
    x.info.tags = tag_list(b, c, &CT_TAG_COUNT, &CT_TAGS, &CT_TAG)?;
    Ok(())
}

/// 2.2.12.8.1: Level, CopyFlags (u8), SendOptions, PropertyTagCount, PropertyTags (included).
fn copy_properties_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in_out(b, c, x)?;
    b.u8(c, &CP_LEVEL)?;
    b.u8(c, &CP_COPY_FLAGS)?;
    b.u8(c, &CP_SEND_OPTIONS)?;
    x.info.tags = tag_list(b, c, &CP_TAG_COUNT, &CP_TAGS, &CP_TAG)?;
    Ok(())
}

/// 2.2.12.9.1: Version, three u16 (shown `a.b.c` in decimal; the words are kept as sent).
fn tell_version_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in(b, c, x)?;
    let idx = b.nodes().len() as u32;
    b.group(c, &TV_VERSION, |b, c| {
        let mut parts: Vec<u16> = Vec::with_capacity(3);
        for _ in 0..3 {
            parts.push(b.u16(c, &TV_VERSION_PART)?);
        }
        let text: Vec<String> = parts.iter().map(|p| format!("{p}")).collect();
        b.set_value(idx, Value::Text(text.join(".").into()));
        Ok(())
    })
}

#[cfg(test)]
pub(super) mod tests {
    #[allow(unused_imports)]
    pub(crate) use crate::rops::testutil::{execute_request, execute_response};
    use alloc::string::String;
    use alloc::vec::Vec;

    use crate::display::display_line;
    use crate::rops::context::ObjectKind;
    use crate::tree::{Dissection, Severity};
    use crate::{decode_exchange, decode_exchange_in, RequestType, Session};

    /// Offset of the first ROP in an Execute request body built by [`execute_request`]:
    /// Flags 4 + RopBufferSize 4 + RPC_HEADER_EXT 8 + RopSize 2.
    pub const REQ_ROPS_AT: usize = 18;
    /// Offset of the first ROP in an Execute response body built by [`execute_response`]:
    /// StatusCode 4 + ErrorCode 4 + Flags 4 + RopBufferSize 4 + RPC_HEADER_EXT 8 + RopSize 2.
    pub const RESP_ROPS_AT: usize = 26;

    /// Decodes one Execute (request ROPs with handle table `rh`, response ROPs with `sh`) in session `s`.
    pub fn exec(s: &mut Session, req: &[u8], rh: &[u32], resp: &[u8], sh: &[u32]) -> Dissection<'static> {
        let (q, r) = (execute_request(req, rh), execute_response(resp, sh));
        decode_exchange_in(s, RequestType::Execute, Some(&q), Some(&r)).0.into_owned()
    }

    /// Decodes an Execute request alone.
    pub fn req_only(rops: &[u8], handles: &[u32]) -> Dissection<'static> {
        let q = execute_request(rops, handles);
        crate::decode_request(RequestType::Execute, &q).into_owned()
    }

    /// Decodes an Execute response alone.
    pub fn resp_only(rops: &[u8], handles: &[u32]) -> Dissection<'static> {
        let r = execute_response(rops, handles);
        crate::decode_response(RequestType::Execute, &r).into_owned()
    }

    pub fn lines(d: &Dissection<'_>, key: &str) -> Vec<String> {
        d.find_all(key).map(|(_, n)| display_line(d, n)).collect()
    }

    pub fn problems<'d>(d: &'d Dissection<'_>) -> Vec<&'d str> {
        d.diagnostics.iter().filter(|x| x.severity >= Severity::Warning).map(|x| x.message.as_str()).collect()
    }

    pub fn notes<'d>(d: &'d Dissection<'_>) -> Vec<&'d str> {
        // The envelope's note about a body without meta-tags is not about the ROPs.
        d.diagnostics
            .iter()
            .filter(|x| x.severity == Severity::Note && !x.message.starts_with("no meta-tags"))
            .map(|x| x.message.as_str())
            .collect()
    }

    /// Every strict prefix (at least the RopId) of each single-ROP vector, wrapped in a consistent
    /// Execute body, decodes without panic and reports an error at or before the cut; the whole
    /// vector decodes without errors or warnings.
    pub fn sweep(requests: &[&[u8]], responses: &[&[u8]], handles: &[u32]) {
        for (rops, is_req) in requests.iter().map(|r| (r, true)).chain(responses.iter().map(|r| (r, false))) {
            let base = if is_req { REQ_ROPS_AT } else { RESP_ROPS_AT };
            let wrap = |r: &[u8], h: &[u32]| if is_req { execute_request(r, h) } else { execute_response(r, h) };
            let full = wrap(rops, handles);
            let (d, _) = if is_req {
                decode_exchange(RequestType::Execute, Some(&full), None)
            } else {
                decode_exchange(RequestType::Execute, None, Some(&full))
            };
            assert!(problems(&d).is_empty(), "vector {rops:02x?}: {:?}", d.diagnostics);
            for cut in 1..rops.len() {
                let body = wrap(&rops[..cut], handles);
                let (d, _) = if is_req {
                    decode_exchange(RequestType::Execute, Some(&body), None)
                } else {
                    decode_exchange(RequestType::Execute, None, Some(&body))
                };
                let at = base + cut;
                assert!(
                    d.diagnostics.iter().any(|x| x.severity == Severity::Error && x.offset as usize <= at),
                    "vector {rops:02x?} cut at {cut}: {:?}",
                    d.diagnostics
                );
            }
            // Raw prefixes of the whole body never panic and report something.
            for cut in 1..full.len() {
                let (d, _) = if is_req {
                    decode_exchange(RequestType::Execute, Some(&full[..cut]), None)
                } else {
                    decode_exchange(RequestType::Execute, None, Some(&full[..cut]))
                };
                assert!(d.diagnostics.iter().any(|x| x.severity == Severity::Error), "body cut at {cut}");
            }
        }
    }

    // Request vectors (hand-built against [MS-OXCROPS] 2.2.12.x.1).
    /// RopFastTransferDestinationConfigure: logon 0, in 0, out 1, SourceOperation CopyFolder, CopyFlags Move.
    const DC_REQ: &[u8] = &[0x53, 0x00, 0x00, 0x01, 0x04, 0x01];
    /// RopFastTransferDestinationPutBuffer: in 1, TransferDataSize 4, TransferData 03 00 09 40 (StartTopFld).
    const PB_REQ: &[u8] = &[0x54, 0x00, 0x01, 0x04, 0x00, 0x03, 0x00, 0x09, 0x40];
    /// RopFastTransferDestinationPutBufferExtended: in 1, TransferDataSize 2, TransferData 0B 40.
    const PBX_REQ: &[u8] = &[0x9D, 0x00, 0x01, 0x02, 0x00, 0x0B, 0x40];
    /// RopFastTransferSourceGetBuffer: in 1, BufferSize 0xBABE, MaximumBufferSize 0x8000.
    const GB_REQ_BABE: &[u8] = &[0x4E, 0x00, 0x01, 0xBE, 0xBA, 0x00, 0x80];
    /// RopFastTransferSourceGetBuffer: in 1, BufferSize 15480 (0x3C78), no MaximumBufferSize.
    const GB_REQ_PLAIN: &[u8] = &[0x4E, 0x00, 0x01, 0x78, 0x3C];
    /// RopFastTransferSourceCopyFolder: in 0, out 1, CopyFlags Move|CopySubfolders, SendOptions Unicode|UseCpid.
    const CF_REQ: &[u8] = &[0x4C, 0x00, 0x00, 0x01, 0x11, 0x03];
    /// RopFastTransferSourceCopyMessages: in 0, out 1, 2 MessageIds, CopyFlags BestBody|SendEntryId, SendOptions Unicode.
    const CM_REQ: &[u8] = &[
        0x4B, 0x00, 0x00, 0x01, 0x02, 0x00, //
        0x01, 0x00, 0x00, 0x00, 0x0E, 0x8E, 0xDF, 0x36, //
        0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x42, //
        0x30, 0x01,
    ];
    /// RopFastTransferSourceCopyTo: in 0, out 1, Level 0, CopyFlags BestBody, SendOptions ForceUnicode,
    /// excluded PidTagMessageAttachments (0x0E13000D).
    const CT_REQ: &[u8] =
        &[0x4D, 0x00, 0x00, 0x01, 0x00, 0x00, 0x20, 0x00, 0x00, 0x08, 0x01, 0x00, 0x0D, 0x00, 0x13, 0x0E];
    /// RopFastTransferSourceCopyProperties: in 0, out 1, Level 1, CopyFlags Move, SendOptions
    /// RecoverMode|Unicode, PidTagSubject (0x0037001F) and PidTagBody (0x1000001F).
    const CP_REQ: &[u8] = &[
        0x69, 0x00, 0x00, 0x01, 0x01, 0x01, 0x05, 0x02, 0x00, 0x1F, 0x00, 0x37, 0x00, 0x1F, 0x00, 0x00, 0x10,
    ];
    /// RopTellVersion: in 1, Version 15.1.2044 (0x000F 0x0001 0x07FC).
    const TV_REQ: &[u8] = &[0x86, 0x00, 0x01, 0x0F, 0x00, 0x01, 0x00, 0xFC, 0x07];

    // Response vectors ([MS-OXCROPS] 2.2.12.x.2).
    const DC_RESP: &[u8] = &[0x53, 0x01, 0, 0, 0, 0];
    /// TransferStatus Partial, InProgressCount 1, TotalStepCount 2, Reserved 0, BufferUsedSize 4.
    const PB_RESP: &[u8] = &[0x54, 0x01, 0, 0, 0, 0, 0x01, 0x00, 0x01, 0x00, 0x02, 0x00, 0x00, 0x04, 0x00];
    /// TransferStatus Done, InProgressCount 0x10000, TotalStepCount 0x20000, Reserved 0, BufferUsedSize 2.
    const PBX_RESP: &[u8] =
        &[0x9D, 0x01, 0, 0, 0, 0, 0x03, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x02, 0x00];
    /// Success: TransferStatus Done, 3 of 3 steps, Reserved 0, 4-byte TransferBuffer (EndFolder marker).
    const GB_RESP: &[u8] = &[
        0x4E, 0x01, 0, 0, 0, 0, 0x03, 0x00, 0x03, 0x00, 0x03, 0x00, 0x00, 0x04, 0x00, 0x03, 0x00, 0x0B, 0x40,
    ];
    /// ReturnValue 0x00000480 ecServerBusy: status fields (Error, 0, 0, 0, TransferBufferSize 0), BackoffTime 2000 ms.
    const GB_RESP_BUSY: &[u8] = &[
        0x4E, 0x01, 0x80, 0x04, 0, 0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xD0, 0x07, 0x00, 0x00,
    ];
    /// ReturnValue 0x80004005 (failure): status Error, no data.
    const GB_RESP_FAIL: &[u8] =
        &[0x4E, 0x01, 0x05, 0x40, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00];
    const CF_RESP: &[u8] = &[0x4C, 0x01, 0, 0, 0, 0];
    const CM_RESP: &[u8] = &[0x4B, 0x01, 0, 0, 0, 0];
    const CT_RESP: &[u8] = &[0x4D, 0x01, 0, 0, 0, 0];
    const CP_RESP: &[u8] = &[0x69, 0x01, 0, 0, 0, 0];
    /// Failure (0x80070057 InvalidParameter): header only.
    const CP_RESP_FAIL: &[u8] = &[0x69, 0x01, 0x57, 0x00, 0x07, 0x80];
    const TV_RESP: &[u8] = &[0x86, 0x01, 0, 0, 0, 0];

    #[test]
    fn destination_configure() {
        let mut s = Session::default();
        let (rq, rs) = (execute_request(DC_REQ, &[0x100, 0xFFFF_FFFF]), execute_response(DC_RESP, &[0x100, 0x200]));
        let (d, _) = decode_exchange_in(&mut s, RequestType::Execute, Some(&rq), Some(&rs));
        assert!(problems(&d).is_empty(), "{:?}", d.diagnostics);
        assert_eq!(lines(&d, "mapihttp.rop.fasttransferdestinationconfigure.sourceoperation"), ["SourceOperation: CopyFolder (0x04)"]);
        assert_eq!(lines(&d, "mapihttp.rop.fasttransferdestinationconfigure.copyflags"), ["CopyFlags: 0x01 (Move)"]);
        assert_eq!(lines(&d, "mapihttp.rop.outputhandleindex"), ["OutputHandleIndex: 1", "OutputHandleIndex: 1"]);
        assert_eq!(s.objects.get(&0x200), Some(&ObjectKind::FastTransfer));
    }

    #[test]
    fn put_buffers() {
        let req = [PB_REQ, PBX_REQ].concat();
        let resp = [PB_RESP, PBX_RESP].concat();
        let d = exec(&mut Session::default(), &req, &[0x100, 0x200], &resp, &[0x100, 0x200]);
        assert!(problems(&d).is_empty(), "{:?}", d.diagnostics);
        assert_eq!(lines(&d, "mapihttp.rop.fasttransferdestinationputbuffer.transferdatasize"), ["TransferDataSize: 4 bytes"]);
        assert_eq!(lines(&d, "mapihttp.rop.fasttransferdestinationputbuffer.transferdata"), ["TransferData: 03000940"]);
        assert_eq!(lines(&d, "mapihttp.rop.fasttransferdestinationputbuffer.transferstatus"), ["TransferStatus: Partial (0x0001)"]);
        assert_eq!(lines(&d, "mapihttp.rop.fasttransferdestinationputbuffer.inprogresscount"), ["InProgressCount: 1"]);
        assert_eq!(lines(&d, "mapihttp.rop.fasttransferdestinationputbuffer.totalstepcount"), ["TotalStepCount: 2"]);
        assert_eq!(lines(&d, "mapihttp.rop.fasttransferdestinationputbuffer.reserved"), ["Reserved: 0x00"]);
        assert_eq!(lines(&d, "mapihttp.rop.fasttransferdestinationputbuffer.bufferusedsize"), ["BufferUsedSize: 4 bytes"]);
        assert_eq!(lines(&d, "mapihttp.rop.fasttransferdestinationputbufferextended.transferdata"), ["TransferData: 0b40"]);
        assert_eq!(lines(&d, "mapihttp.rop.fasttransferdestinationputbufferextended.transferstatus"), ["TransferStatus: Done (0x0003)"]);
        assert_eq!(lines(&d, "mapihttp.rop.fasttransferdestinationputbufferextended.inprogresscount"), ["InProgressCount: 65536"]);
        assert_eq!(lines(&d, "mapihttp.rop.fasttransferdestinationputbufferextended.totalstepcount"), ["TotalStepCount: 131072"]);
        assert_eq!(lines(&d, "mapihttp.rop.fasttransferdestinationputbufferextended.bufferusedsize"), ["BufferUsedSize: 2 bytes"]);
        assert!(notes(&d).is_empty(), "{:?}", d.diagnostics);
        assert_eq!(lines(&d, "mapihttp.rop.request_index"), ["Request: 0", "Request: 1"]);
    }

    /// A successful upload that used fewer bytes than were sent is noted.
    #[test]
    fn put_buffer_used_size_note() {
        let mut resp = PB_RESP.to_vec();
        resp[13] = 0x03; // BufferUsedSize 3 of 4
        let d = exec(&mut Session::default(), PB_REQ, &[0x100, 0x200], &resp, &[0x100, 0x200]);
        assert!(problems(&d).is_empty(), "{:?}", d.diagnostics);
        assert_eq!(notes(&d), ["BufferUsedSize 3 differs from the request's TransferDataSize 4"]);
    }

    /// The 0xBABE sentinel adds MaximumBufferSize; other sizes do not.
    #[test]
    fn get_buffer_babe_sentinel() {
        let req = [GB_REQ_BABE, GB_REQ_PLAIN].concat();
        let resp = [GB_RESP, GB_RESP].concat();
        let d = exec(&mut Session::default(), &req, &[0x100, 0x200], &resp, &[0x100, 0x200]);
        assert!(problems(&d).is_empty(), "{:?}", d.diagnostics);
        assert_eq!(
            lines(&d, "mapihttp.rop.fasttransfersourcegetbuffer.buffersize"),
            ["BufferSize: 0xBABE (use MaximumBufferSize)", "BufferSize: 0x3C78"]
        );
        assert_eq!(lines(&d, "mapihttp.rop.fasttransfersourcegetbuffer.maximumbuffersize"), ["MaximumBufferSize: 32768 bytes"]);
        assert_eq!(lines(&d, "mapihttp.rop.fasttransfersourcegetbuffer.transferstatus"), ["TransferStatus: Done (0x0003)"; 2]);
        assert_eq!(lines(&d, "mapihttp.rop.fasttransfersourcegetbuffer.inprogresscount"), ["InProgressCount: 3"; 2]);
        assert_eq!(lines(&d, "mapihttp.rop.fasttransfersourcegetbuffer.totalstepcount"), ["TotalStepCount: 3"; 2]);
        assert_eq!(lines(&d, "mapihttp.rop.fasttransfersourcegetbuffer.transferbuffersize"), ["TransferBufferSize: 4 bytes"; 2]);
        assert_eq!(lines(&d, "mapihttp.rop.fasttransfersourcegetbuffer.transferbuffer"), ["TransferBuffer: 03000b40"; 2]);
        assert!(d.find("mapihttp.rop.fasttransfersourcegetbuffer.backofftime").is_none());
    }

    /// ReturnValue 0x480 ecServerBusy: the status fields, then BackoffTime, no TransferBuffer.
    #[test]
    fn get_buffer_server_busy() {
        let d = exec(&mut Session::default(), GB_REQ_BABE, &[0x100], GB_RESP_BUSY, &[0x100]);
        assert!(problems(&d).is_empty(), "{:?}", d.diagnostics);
        assert_eq!(lines(&d, "mapihttp.rop.returnvalue"), ["ReturnValue: ServerBusy (0x00000480)"]);
        assert_eq!(lines(&d, "mapihttp.rop.fasttransfersourcegetbuffer.transferstatus"), ["TransferStatus: Error (0x0000)"]);
        assert_eq!(lines(&d, "mapihttp.rop.fasttransfersourcegetbuffer.transferbuffersize"), ["TransferBufferSize: 0 bytes"]);
        assert_eq!(lines(&d, "mapihttp.rop.fasttransfersourcegetbuffer.backofftime"), ["BackoffTime: 2000 ms"]);
        assert!(d.find("mapihttp.rop.fasttransfersourcegetbuffer.transferbuffer").is_none());
        let n = notes(&d);
        assert!(n.contains(&"server busy: the client waits 2000 ms before retrying"), "{n:?}");
        let rop = d.find_all("mapihttp.rop.fasttransfersourcegetbuffer").last().unwrap().1;
        assert_eq!(rop.length as usize, GB_RESP_BUSY.len());
    }

    /// Another failure keeps the status fields (TransferStatus Error) and has no BackoffTime.
    #[test]
    fn get_buffer_failure() {
        let d = exec(&mut Session::default(), GB_REQ_PLAIN, &[0x100], GB_RESP_FAIL, &[0x100]);
        assert!(problems(&d).is_empty(), "{:?}", d.diagnostics);
        assert_eq!(lines(&d, "mapihttp.rop.fasttransfersourcegetbuffer.transferstatus"), ["TransferStatus: Error (0x0000)"]);
        assert!(d.find("mapihttp.rop.fasttransfersourcegetbuffer.backofftime").is_none());
        assert!(notes(&d).iter().any(|m| m.starts_with("ROP failed: ReturnValue 0x80004005")), "{:?}", d.diagnostics);
    }

    #[test]
    fn source_copy_rops_create_contexts() {
        let req = [CF_REQ, CM_REQ, CT_REQ, CP_REQ].concat();
        let resp = [CF_RESP, CM_RESP, CT_RESP, CP_RESP].concat();
        let mut s = Session::default();
        let d = exec(&mut s, &req, &[0x100, 0xFFFF_FFFF], &resp, &[0x100, 0x201]);
        assert!(problems(&d).is_empty(), "{:?}", d.diagnostics);
        assert_eq!(lines(&d, "mapihttp.rop.fasttransfersourcecopyfolder.copyflags"), ["CopyFlags: 0x11 (Move, CopySubfolders)"]);
        assert_eq!(lines(&d, "mapihttp.rop.fasttransfersourcecopyfolder.sendoptions"), ["SendOptions: 0x03 (Unicode, UseCpid, ForUpload)"]);
        assert_eq!(lines(&d, "mapihttp.rop.fasttransfersourcecopymessages.messageidcount"), ["MessageIdCount: 2"]);
        assert_eq!(
            lines(&d, "mapihttp.rop.fasttransfersourcecopymessages.messageid"),
            ["MessageId: 0001-00000E8EDF36", "MessageId: 0001-000000000042"]
        );
        assert_eq!(lines(&d, "mapihttp.rop.fasttransfersourcecopymessages.copyflags"), ["CopyFlags: 0x30 (BestBody, SendEntryId)"]);
        assert_eq!(lines(&d, "mapihttp.rop.fasttransfersourcecopymessages.sendoptions"), ["SendOptions: 0x01 (Unicode)"]);
        assert_eq!(lines(&d, "mapihttp.rop.fasttransfersourcecopyto.level"), ["Level: 0"]);
        assert_eq!(lines(&d, "mapihttp.rop.fasttransfersourcecopyto.copyflags"), ["CopyFlags: 0x00002000 (BestBody)"]);
        assert_eq!(lines(&d, "mapihttp.rop.fasttransfersourcecopyto.sendoptions"), ["SendOptions: 0x08 (ForceUnicode)"]);
        assert_eq!(lines(&d, "mapihttp.rop.fasttransfersourcecopyto.propertytagcount"), ["PropertyTagCount: 1"]);
        assert_eq!(lines(&d, "mapihttp.rop.fasttransfersourcecopyto.propertytag"), ["PropertyTag: PidTagMessageAttachments (0x0E13000D, PtypObject)"]);
        assert_eq!(lines(&d, "mapihttp.rop.fasttransfersourcecopyproperties.level"), ["Level: 1"]);
        assert_eq!(lines(&d, "mapihttp.rop.fasttransfersourcecopyproperties.copyflags"), ["CopyFlags: 0x01 (Move)"]);
        assert_eq!(lines(&d, "mapihttp.rop.fasttransfersourcecopyproperties.sendoptions"), ["SendOptions: 0x05 (Unicode, RecoverMode)"]);
        assert_eq!(
            lines(&d, "mapihttp.rop.fasttransfersourcecopyproperties.propertytag"),
            ["PropertyTag: PidTagSubject (0x0037001F, PtypString)", "PropertyTag: PidTagBody (0x1000001F, PtypString)"]
        );
        assert_eq!(lines(&d, "mapihttp.rop.request_index"), ["Request: 0", "Request: 1", "Request: 2", "Request: 3"]);
        assert_eq!(s.objects.get(&0x201), Some(&ObjectKind::FastTransfer));
    }

    /// A failed Copy* response is the header only and records nothing.
    #[test]
    fn failed_copy_records_nothing() {
        let mut s = Session::default();
        let d = exec(&mut s, CP_REQ, &[0x100, 0xFFFF_FFFF], CP_RESP_FAIL, &[0x100, 0x200]);
        assert!(problems(&d).is_empty(), "{:?}", d.diagnostics);
        assert_eq!(lines(&d, "mapihttp.rop.returnvalue"), ["ReturnValue: InvalidParameter (0x80070057)"]);
        assert!(!s.objects.contains_key(&0x200));
    }

    #[test]
    fn tell_version() {
        let d = exec(&mut Session::default(), TV_REQ, &[0x100, 0x200], TV_RESP, &[0x100, 0x200]);
        assert!(problems(&d).is_empty(), "{:?}", d.diagnostics);
        assert_eq!(lines(&d, "mapihttp.rop.tellversion.version"), ["Version: 15.1.2044"]);
        assert_eq!(lines(&d, "mapihttp.rop.tellversion.version.part"), ["Version: 15", "Version: 1", "Version: 2044"]);
        assert_eq!(lines(&d, "mapihttp.rop.inputhandleindex"), ["InputHandleIndex: 1", "InputHandleIndex: 1"]);
    }

    /// GetBuffer then later responses across Executes: the context created by a Copy* ROP in one
    /// Execute is known when the next Execute reads from it.
    #[test]
    fn context_across_executes() {
        let mut s = Session::default();
        let _ = exec(&mut s, CT_REQ, &[0x100, 0xFFFF_FFFF], CT_RESP, &[0x100, 0x300]);
        assert_eq!(s.objects.get(&0x300), Some(&ObjectKind::FastTransfer));
        let d = exec(&mut s, GB_REQ_BABE, &[0x100, 0x300], GB_RESP, &[0x100, 0x300]);
        assert!(problems(&d).is_empty(), "{:?}", d.diagnostics);
        assert_eq!(s.objects.get(&0x300), Some(&ObjectKind::FastTransfer));
    }

    /// Hostile counts and sizes allocate nothing large and are errors.
    #[test]
    fn hostile_counts() {
        // MessageIdCount 0xFFFF with 2 bytes after it.
        let d = req_only(&[0x4B, 0x00, 0x00, 0x01, 0xFF, 0xFF, 0x00, 0x00], &[]);
        assert!(d.diagnostics.iter().any(|x| x.severity == Severity::Error && x.message.starts_with("MessageIdCount 65535 needs")), "{:?}", d.diagnostics);
        // PropertyTagCount 0xFFFF.
        let d = req_only(&[0x4D, 0x00, 0x00, 0x01, 0x00, 0, 0, 0, 0, 0x00, 0xFF, 0xFF, 0x1F, 0x00], &[]);
        assert!(d.diagnostics.iter().any(|x| x.severity == Severity::Error && x.message.starts_with("PropertyTagCount 65535 needs")), "{:?}", d.diagnostics);
        // TransferDataSize 0xFFFF with 2 bytes of data.
        let d = req_only(&[0x54, 0x00, 0x00, 0xFF, 0xFF, 0x01, 0x02], &[]);
        assert!(d.diagnostics.iter().any(|x| x.severity == Severity::Error && x.message.contains("TransferData needs 65535 bytes")), "{:?}", d.diagnostics);
        // TransferBufferSize 0xFFFF in a response.
        let d = resp_only(&[0x4E, 0x00, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0xAA], &[]);
        assert!(d.diagnostics.iter().any(|x| x.severity == Severity::Error && x.message.contains("TransferBuffer needs 65535 bytes")), "{:?}", d.diagnostics);
    }

    #[test]
    fn truncation_sweep() {
        sweep(
            &[DC_REQ, PB_REQ, PBX_REQ, GB_REQ_BABE, GB_REQ_PLAIN, CF_REQ, CM_REQ, CT_REQ, CP_REQ, TV_REQ],
            &[DC_RESP, PB_RESP, PBX_RESP, GB_RESP, GB_RESP_BUSY, GB_RESP_FAIL, CF_RESP, CM_RESP, CT_RESP, CP_RESP, CP_RESP_FAIL, TV_RESP],
            &[0x100, 0x200],
        );
    }
}
