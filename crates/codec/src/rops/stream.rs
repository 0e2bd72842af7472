//! [MS-OXCROPS] 2.2.9 Stream ROPs (details in [MS-OXCPRPT] 2.2.14–2.2.26): RopOpenStream,
//! RopReadStream, RopWriteStream, RopWriteStreamExtended, RopCommitStream, RopGetStreamSize,
//! RopSetStreamSize, RopSeekStream, RopCopyToStream, RopLockRegionStream, RopUnlockRegionStream,
//! RopWriteAndCommitStream, RopCloneStream.
//!
//! The stream bytes (Data) are shown as bytes; RopOpenStream's PropertyTag says what they are
//! (PidTagRtfCompressed, PidTagAttachDataBinary, PidTagBody …).
//!
//! Layout notes: RopReadStream, RopWriteStream(Extended), RopWriteAndCommitStream and
//! RopCopyToStream have a single response form whose size fields are present whatever the
//! ReturnValue; RopCopyToStream adds DestHandleIndex when ReturnValue is 0x00000503
//! (ecDstNullObject, 2.2.9.9.3).

use super::context::{ObjectKind, Rop};
use super::{req_in, req_in_out, resp_in, resp_out, return_value, Decoder, LOGON_ID};
use crate::build::{Builder, Cur, R};
use crate::tree::Disp;

/// OpenModeFlags of RopOpenStream, [MS-OXCPRPT] 2.2.14.1.
pub static OPEN_MODES: crate::tree::NameTable = &[(0x00, "ReadOnly"), (0x01, "ReadWrite"), (0x02, "Create"), (0x03, "BestAccess")];
/// Origin of RopSeekStream, [MS-OXCPRPT] 2.2.18.1.
pub static ORIGINS: crate::tree::NameTable = &[(0x00, "Beginning"), (0x01, "Current"), (0x02, "End")];
/// LockFlags of RopLockRegionStream, [MS-OXCPRPT] 2.2.23.1 (0x00000001 = LockWrite semantics of
/// IStream::LockRegion's LOCK_EXCLUSIVE; other values as the OLE LOCKTYPE).
pub static LOCK_FLAGS: crate::tree::NameTable = &[(0x0000_0001, "LOCK_EXCLUSIVE")];
/// 0xBABE sentinel of RopReadStream ByteCount.
pub static BYTE_COUNT_NAMES: crate::tree::NameTable = &[(0xBABE, "use MaximumByteCount")];

crate::fields! {
    OPEN_PROPERTY_TAG: U32 [Disp::Hex] = "mapihttp.rop.openstream.propertytag", "PropertyTag", "[MS-OXCROPS] 2.2.9.1.1 the property whose value the stream reads or writes";
    OPEN_MODE_FLAGS: U8 [Disp::Names(OPEN_MODES)] = "mapihttp.rop.openstream.openmodeflags", "OpenModeFlags", "[MS-OXCROPS] 2.2.9.1.1 how the stream is opened ([MS-OXCPRPT] 2.2.14.1)";
    OPEN_STREAM_SIZE: U32 [Disp::Unit("bytes")] = "mapihttp.rop.openstream.streamsize", "StreamSize", "[MS-OXCROPS] 2.2.9.1.2 the number of bytes in the opened stream";
    READ_BYTE_COUNT: U16 [Disp::HexNamed(BYTE_COUNT_NAMES)] = "mapihttp.rop.readstream.bytecount", "ByteCount", "[MS-OXCROPS] 2.2.9.2.1 the maximum number of bytes to read (0xBABE: MaximumByteCount follows)";
    READ_MAX_BYTE_COUNT: U32 [Disp::Unit("bytes")] = "mapihttp.rop.readstream.maximumbytecount", "MaximumByteCount", "[MS-OXCROPS] 2.2.9.2.1 the maximum number of bytes to read, present only when ByteCount is 0xBABE";
    READ_DATA_SIZE: U16 [Disp::Unit("bytes")] = "mapihttp.rop.readstream.datasize", "DataSize", "[MS-OXCROPS] 2.2.9.2.2 the size of Data";
    READ_DATA: Bytes = "mapihttp.rop.readstream.data", "Data", "[MS-OXCROPS] 2.2.9.2.2 the bytes read from the stream";
    WRITE_DATA_SIZE: U16 [Disp::Unit("bytes")] = "mapihttp.rop.writestream.datasize", "DataSize", "[MS-OXCROPS] 2.2.9.3.1 the size of Data";
    WRITE_DATA: Bytes = "mapihttp.rop.writestream.data", "Data", "[MS-OXCROPS] 2.2.9.3.1 the bytes to write to the stream";
    WRITE_WRITTEN_SIZE: U16 [Disp::Unit("bytes")] = "mapihttp.rop.writestream.writtensize", "WrittenSize", "[MS-OXCROPS] 2.2.9.3.2 the number of bytes actually written";
    WRITEX_DATA_SIZE: U16 [Disp::Unit("bytes")] = "mapihttp.rop.writestreamextended.datasize", "DataSize", "[MS-OXCROPS] 2.2.9.4.1 the size of Data";
    WRITEX_DATA: Bytes = "mapihttp.rop.writestreamextended.data", "Data", "[MS-OXCROPS] 2.2.9.4.1 the bytes to write to the stream";
    WRITEX_WRITTEN_SIZE: U32 [Disp::Unit("bytes")] = "mapihttp.rop.writestreamextended.writtensize", "WrittenSize", "[MS-OXCROPS] 2.2.9.4.2 the number of bytes actually written";
    GET_STREAM_SIZE: U32 [Disp::Unit("bytes")] = "mapihttp.rop.getstreamsize.streamsize", "StreamSize", "[MS-OXCROPS] 2.2.9.6.2 the current size of the stream";
    SET_STREAM_SIZE: U64 [Disp::Unit("bytes")] = "mapihttp.rop.setstreamsize.streamsize", "StreamSize", "[MS-OXCROPS] 2.2.9.7.1 the new size of the stream";
    SEEK_ORIGIN: U8 [Disp::Names(ORIGINS)] = "mapihttp.rop.seekstream.origin", "Origin", "[MS-OXCROPS] 2.2.9.8.1 where the seek offset is counted from";
    SEEK_OFFSET: I64 = "mapihttp.rop.seekstream.offset", "Offset", "[MS-OXCROPS] 2.2.9.8.1 the seek offset (signed)";
    SEEK_NEW_POSITION: U64 = "mapihttp.rop.seekstream.newposition", "NewPosition", "[MS-OXCROPS] 2.2.9.8.2 the new seek pointer";
    COPY_SOURCE_HANDLE_INDEX: U8 = "mapihttp.rop.copytostream.sourcehandleindex", "SourceHandleIndex", "[MS-OXCROPS] 2.2.9.9.1 index of the source Stream object's handle";
    COPY_DEST_HANDLE_INDEX: U8 = "mapihttp.rop.copytostream.desthandleindex", "DestHandleIndex", "[MS-OXCROPS] 2.2.9.9.1 index of the destination Stream object's handle";
    COPY_DEST_HANDLE_INDEX_NULL: U32 = "mapihttp.rop.copytostream.desthandleindex_null", "DestHandleIndex", "[MS-OXCROPS] 2.2.9.9.3 the destination handle index that did not refer to an object (ReturnValue 0x00000503)";
    COPY_BYTE_COUNT: U64 [Disp::Unit("bytes")] = "mapihttp.rop.copytostream.bytecount", "ByteCount", "[MS-OXCROPS] 2.2.9.9.1 the number of bytes to copy";
    COPY_READ_BYTE_COUNT: U64 [Disp::Unit("bytes")] = "mapihttp.rop.copytostream.readbytecount", "ReadByteCount", "[MS-OXCROPS] 2.2.9.9.2 the number of bytes read from the source";
    COPY_WRITTEN_BYTE_COUNT: U64 [Disp::Unit("bytes")] = "mapihttp.rop.copytostream.writtenbytecount", "WrittenByteCount", "[MS-OXCROPS] 2.2.9.9.2 the number of bytes written to the destination";
    REGION_OFFSET: U64 = "mapihttp.rop.lockregionstream.regionoffset", "RegionOffset", "[MS-OXCROPS] 2.2.9.10.1/2.2.9.11.1 the start of the region";
    REGION_SIZE: U64 [Disp::Unit("bytes")] = "mapihttp.rop.lockregionstream.regionsize", "RegionSize", "[MS-OXCROPS] 2.2.9.10.1/2.2.9.11.1 the size of the region";
    LOCK_FLAGS_F: U32 [Disp::HexNamed(LOCK_FLAGS)] = "mapihttp.rop.lockregionstream.lockflags", "LockFlags", "[MS-OXCROPS] 2.2.9.10.1/2.2.9.11.1 how the region is locked ([MS-OXCPRPT] 2.2.23.1)";
    WAC_DATA_SIZE: U16 [Disp::Unit("bytes")] = "mapihttp.rop.writeandcommitstream.datasize", "DataSize", "[MS-OXCROPS] 2.2.9.12.1 the size of Data";
    WAC_DATA: Bytes = "mapihttp.rop.writeandcommitstream.data", "Data", "[MS-OXCROPS] 2.2.9.12.1 the bytes to write and commit";
    WAC_WRITTEN_SIZE: U16 [Disp::Unit("bytes")] = "mapihttp.rop.writeandcommitstream.writtensize", "WrittenSize", "[MS-OXCROPS] 2.2.9.12.2 the number of bytes written and committed";
}

/// The decoders of this family, one row per ROP.
pub static DECODERS: &[Decoder] = &[
    crate::rop!(0x2B, Some(open_stream_req), Some(open_stream_resp)),
    crate::rop!(0x2C, Some(read_stream_req), Some(read_stream_resp)),
    crate::rop!(0x2D, Some(write_stream_req), Some(write_stream_resp)),
    crate::rop!(0xA3, Some(write_stream_ext_req), Some(write_stream_ext_resp)),
    crate::rop!(0x5D, Some(req_in), Some(header_only_resp)),
    crate::rop!(0x5E, Some(req_in), Some(get_stream_size_resp)),
    crate::rop!(0x2F, Some(set_stream_size_req), Some(header_only_resp)),
    crate::rop!(0x2E, Some(seek_stream_req), Some(seek_stream_resp)),
    crate::rop!(0x3A, Some(copy_to_stream_req), Some(copy_to_stream_resp)),
    crate::rop!(0x5B, Some(region_req), Some(header_only_resp)),
    crate::rop!(0x5C, Some(region_req), Some(header_only_resp)),
    crate::rop!(0x90, Some(write_and_commit_req), Some(write_and_commit_resp)),
    crate::rop!(0x3B, Some(req_in_out), Some(clone_stream_resp)),
];

/// Responses that are InputHandleIndex + ReturnValue only (RopCommitStream, RopSetStreamSize,
/// RopLockRegionStream, RopUnlockRegionStream).
fn header_only_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    resp_in(b, c, x).map(|_| ())
}

fn sized_data(b: &mut Builder<'_>, c: &mut Cur<'_>, size: &'static crate::tree::Field, data: &'static crate::tree::Field) -> R<()> {
    let n = usize::from(b.u16(c, size)?);
    if n > 0 {
        b.bytes(c, data, n)?;
    }
    Ok(())
}

/// 2.2.9.1.1: LogonId, InputHandleIndex, OutputHandleIndex, PropertyTag, OpenModeFlags.
fn open_stream_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in_out(b, c, x)?;
    let tag = crate::props::property_tag(b, c, &OPEN_PROPERTY_TAG)?;
    x.info.tags.push(tag);
    b.u8(c, &OPEN_MODE_FLAGS)?;
    Ok(())
}

/// 2.2.9.1.2 / 2.2.9.1.3: OutputHandleIndex, ReturnValue, and StreamSize on success.
fn open_stream_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    if resp_out(b, c, x)? == 0 {
        b.u32(c, &OPEN_STREAM_SIZE)?;
        if let Some(i) = x.info.output_index {
            x.created(i, ObjectKind::Stream);
        }
    }
    Ok(())
}

/// 2.2.9.2.1: ByteCount, and MaximumByteCount when ByteCount is 0xBABE.
fn read_stream_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in(b, c, x)?;
    if b.u16(c, &READ_BYTE_COUNT)? == 0xBABE {
        b.u32(c, &READ_MAX_BYTE_COUNT)?;
    }
    Ok(())
}

/// 2.2.9.2.2: InputHandleIndex, ReturnValue, DataSize, Data (present whatever the ReturnValue).
fn read_stream_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    resp_in(b, c, x)?;
    sized_data(b, c, &READ_DATA_SIZE, &READ_DATA)
}

fn write_stream_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in(b, c, x)?;
    sized_data(b, c, &WRITE_DATA_SIZE, &WRITE_DATA)
}

fn write_stream_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    resp_in(b, c, x)?;
    b.u16(c, &WRITE_WRITTEN_SIZE)?;
    Ok(())
}

fn write_stream_ext_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in(b, c, x)?;
    sized_data(b, c, &WRITEX_DATA_SIZE, &WRITEX_DATA)
}

fn write_stream_ext_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    resp_in(b, c, x)?;
    b.u32(c, &WRITEX_WRITTEN_SIZE)?;
    Ok(())
}

fn get_stream_size_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    if resp_in(b, c, x)? == 0 {
        b.u32(c, &GET_STREAM_SIZE)?;
    }
    Ok(())
}

fn set_stream_size_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in(b, c, x)?;
    b.u64(c, &SET_STREAM_SIZE)?;
    Ok(())
}

fn seek_stream_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in(b, c, x)?;
    b.u8(c, &SEEK_ORIGIN)?;
    b.i64(c, &SEEK_OFFSET)?;
    Ok(())
}

fn seek_stream_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    if resp_in(b, c, x)? == 0 {
        b.u64(c, &SEEK_NEW_POSITION)?;
    }
    Ok(())
}

/// 2.2.9.9.1: LogonId, SourceHandleIndex, DestHandleIndex, ByteCount.
fn copy_to_stream_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    x.info.logon_id = Some(b.u8(c, &LOGON_ID)?);
    x.info.input_index = Some(b.u8(c, &COPY_SOURCE_HANDLE_INDEX)?);
    x.info.output_index = Some(b.u8(c, &COPY_DEST_HANDLE_INDEX)?);
    b.u64(c, &COPY_BYTE_COUNT)?;
    Ok(())
}

/// 2.2.9.9.2 / 2.2.9.9.3: SourceHandleIndex, ReturnValue, [DestHandleIndex on 0x503], ReadByteCount,
/// WrittenByteCount.
fn copy_to_stream_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, _x: &mut Rop<'_>) -> R<()> {
    b.u8(c, &COPY_SOURCE_HANDLE_INDEX)?;
    if return_value(b, c)? == 0x503 {
        b.u32(c, &COPY_DEST_HANDLE_INDEX_NULL)?;
    }
    b.u64(c, &COPY_READ_BYTE_COUNT)?;
    b.u64(c, &COPY_WRITTEN_BYTE_COUNT)?;
    Ok(())
}

/// 2.2.9.10.1 / 2.2.9.11.1: RegionOffset, RegionSize, LockFlags.
fn region_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in(b, c, x)?;
    b.u64(c, &REGION_OFFSET)?;
    b.u64(c, &REGION_SIZE)?;
    b.u32(c, &LOCK_FLAGS_F)?;
    Ok(())
}

fn write_and_commit_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in(b, c, x)?;
    sized_data(b, c, &WAC_DATA_SIZE, &WAC_DATA)
}

fn write_and_commit_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    resp_in(b, c, x)?;
    b.u16(c, &WAC_WRITTEN_SIZE)?;
    Ok(())
}

/// 2.2.9.13.2: OutputHandleIndex, ReturnValue.
fn clone_stream_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    if resp_out(b, c, x)? == 0 {
        if let Some(i) = x.info.output_index {
            x.created(i, ObjectKind::Stream);
        }
    }
    Ok(())
}
