//! [MS-OXCROPS] 2.2.13 Incremental Change Synchronization ROPs, semantics in [MS-OXCFXICS] 2.2.3.2:
//! RopSynchronizationConfigure (0x70, 2.2.13.1), RopSynchronizationImportMessageChange (0x72,
//! 2.2.13.2), RopSynchronizationImportReadStateChanges (0x80, 2.2.13.3),
//! RopSynchronizationImportHierarchyChange (0x73, 2.2.13.4), RopSynchronizationImportDeletes (0x74,
//! 2.2.13.5), RopSynchronizationImportMessageMove (0x78, 2.2.13.6), RopSynchronizationOpenCollector
//! (0x7E, 2.2.13.7), RopSynchronizationGetTransferState (0x82, 2.2.13.8),
//! RopSynchronizationUploadStateStreamBegin / Continue / End (0x75 / 0x76 / 0x77, 2.2.13.9–2.2.13.11),
//! RopSetLocalReplicaMidsetDeleted (0x93, 2.2.13.12), RopGetLocalReplicaIds (0x7F, 2.2.13.13).
//!
//! The ICS state uploaded by RopSynchronizationUploadStateStreamContinue (StreamData: an IDSET or
//! CNSET, [MS-OXCFXICS] 2.2.2.4) is shown as bytes, like the FastTransfer stream of the `fasttransfer`
//! family: a value is split across ROPs and is decoded by a reassembling layer.
//!
//! Context (recorded on success, at the request's OutputHandleIndex):
//! - RopSynchronizationConfigure: a synchronization download context; RopSynchronizationOpenCollector:
//!   a synchronization upload context (collector) — both `ObjectKind::Synchronization`.
//! - RopSynchronizationGetTransferState: a FastTransfer download context for the ICS state.
//! - RopSynchronizationImportMessageChange: the Message object being imported ([MS-OXCFXICS]
//!   2.2.3.2.4.2: the client then sets its properties and saves it).
//!
//! RopSynchronizationImportHierarchyChange and RopSynchronizationImportMessageMove create no object
//! (their responses carry a FolderId / MessageId only).
//!
//! Layout notes:
//! - RestrictionData of RopSynchronizationConfigure is a [MS-OXCDATA] 2.12 restriction (16-bit counts,
//!   as in all ROP buffers) of exactly RestrictionDataSize bytes (0: no restriction).
//! - The identifiers of RopSynchronizationImportMessageMove (SourceFolderId, SourceMessageId,
//!   DestinationMessageId, ChangeNumber) and MessageReadState.MessageId are XIDs ([MS-OXCFXICS] 2.2.2.2:
//!   NamespaceGuid + a LocalId of 1 to 8 bytes, the PidTagSourceKey / PidTagChangeKey format);
//!   PredecessorChangeList is a PCL ([MS-OXCFXICS] 2.2.2.3): SizedXid structures (XidSize u8 + XID).
//!   A size outside 17..=24 is shown as bytes with a note.
//! - RopSynchronizationImportDeletes' flags byte is ImportDeleteFlags in [MS-OXCFXICS] 2.2.3.2.4.5.1
//!   (Hierarchy 0x01, HardDelete 0x02); Microsoft's protocol test suite still calls it IsHierarchy.
//! - The success responses of RopSynchronizationImportMessageChange and
//!   RopSynchronizationImportMessageMove carry a MessageId that "MUST be set to 0" (2.2.13.2.2,
//!   2.2.13.6.2); a failure is the header only.
//! - MAPI Inspector misspells two SynchronizationFlags (NoForeignIdentifies, BesBody); the names here
//!   are the specification's (NoForeignIdentifiers, BestBody), as OpenChange and gromox spell them.

use alloc::format;

use super::context::{ObjectKind, Rop};
use super::fasttransfer::{record_created, sized_bytes, sized_window, tag_list, tagged_list, SEND_OPTIONS};
use super::{req_in, req_in_out, resp_in, resp_out, Decoder};
use crate::build::{Builder, Cur, R};
use crate::display::{guid_string, hex_string};
use crate::tree::{Disp, Field, NameTable, Severity, Value};

/// SynchronizationType ([MS-OXCFXICS] 2.2.3.2.1.1.1).
pub static SYNCHRONIZATION_TYPES: NameTable = &[(0x01, "Contents"), (0x02, "Hierarchy")];
/// SynchronizationFlags ([MS-OXCFXICS] 2.2.3.2.1.1.1).
pub static SYNCHRONIZATION_FLAGS: NameTable = &[
    (0x0001, "Unicode"),
    (0x0002, "NoDeletions"),
    (0x0004, "IgnoreNoLongerInScope"),
    (0x0008, "ReadState"),
    (0x0010, "FAI"),
    (0x0020, "Normal"),
    (0x0080, "OnlySpecifiedProperties"),
    (0x0100, "NoForeignIdentifiers"),
    (0x1000, "Reserved"),
    (0x2000, "BestBody"),
    (0x4000, "IgnoreSpecifiedOnFAI"),
    (0x8000, "Progress"),
];
/// SynchronizationExtraFlags ([MS-OXCFXICS] 2.2.3.2.1.1.1).
pub static SYNCHRONIZATION_EXTRA_FLAGS: NameTable =
    &[(0x0000_0001, "Eid"), (0x0000_0002, "MessageSize"), (0x0000_0004, "CN"), (0x0000_0008, "OrderByDeliveryTime")];
/// ImportFlag of RopSynchronizationImportMessageChange ([MS-OXCFXICS] 2.2.3.2.4.2.1).
pub static IMPORT_FLAGS: NameTable = &[(0x10, "Associated"), (0x40, "FailOnConflict")];
/// ImportDeleteFlags of RopSynchronizationImportDeletes ([MS-OXCFXICS] 2.2.3.2.4.5.1).
pub static IMPORT_DELETE_FLAGS: NameTable = &[(0x01, "Hierarchy"), (0x02, "HardDelete")];
/// The ICS state properties RopSynchronizationUploadStateStreamBegin uploads ([MS-OXCFXICS] 2.2.1.1,
/// 2.2.3.2.2.1.1). MetaTagIdsetGiven is listed as PtypInteger32 (0x40170003) but carries an IDSET;
/// clients also send it as PtypBinary (0x40170102).
pub static STATE_PROPERTIES: NameTable = &[
    (0x4017_0003, "MetaTagIdsetGiven"),
    (0x4017_0102, "MetaTagIdsetGiven"),
    (0x6796_0102, "MetaTagCnsetSeen"),
    (0x67D2_0102, "MetaTagCnsetRead"),
    (0x67DA_0102, "MetaTagCnsetSeenFAI"),
];

crate::fields! {
    SC_SYNCHRONIZATION_TYPE: U8 [Disp::Names(SYNCHRONIZATION_TYPES)] = "mapihttp.rop.synchronizationconfigure.synchronizationtype", "SynchronizationType", "[MS-OXCROPS] 2.2.13.1.1, [MS-OXCFXICS] 2.2.3.2.1.1.1 contents (messages) or hierarchy (folders) synchronization";
    SC_SEND_OPTIONS: U8 [Disp::Flags(SEND_OPTIONS)] = "mapihttp.rop.synchronizationconfigure.sendoptions", "SendOptions", "[MS-OXCROPS] 2.2.13.1.1, [MS-OXCFXICS] 2.2.3.1.1.1.1 how the FastTransfer stream is encoded";
    SC_SYNCHRONIZATION_FLAGS: U16 [Disp::Flags(SYNCHRONIZATION_FLAGS)] = "mapihttp.rop.synchronizationconfigure.synchronizationflags", "SynchronizationFlags", "[MS-OXCROPS] 2.2.13.1.1, [MS-OXCFXICS] 2.2.3.2.1.1.1 what the synchronization downloads and how";
    SC_RESTRICTION_DATA_SIZE: U16 [Disp::Unit("bytes")] = "mapihttp.rop.synchronizationconfigure.restrictiondatasize", "RestrictionDataSize", "[MS-OXCROPS] 2.2.13.1.1 the size of RestrictionData (0: no restriction)";
    SC_RESTRICTION_DATA: None = "mapihttp.rop.synchronizationconfigure.restrictiondata", "RestrictionData", "[MS-OXCROPS] 2.2.13.1.1 a restriction ([MS-OXCDATA] 2.12) limiting the messages synchronized";
    SC_SYNCHRONIZATION_EXTRA_FLAGS: U32 [Disp::Flags(SYNCHRONIZATION_EXTRA_FLAGS)] = "mapihttp.rop.synchronizationconfigure.synchronizationextraflags", "SynchronizationExtraFlags", "[MS-OXCROPS] 2.2.13.1.1, [MS-OXCFXICS] 2.2.3.2.1.1.1 extra properties in message and folder change headers, and ordering";
    SC_TAG_COUNT: U16 = "mapihttp.rop.synchronizationconfigure.propertytagcount", "PropertyTagCount", "[MS-OXCROPS] 2.2.13.1.1 the number of property tags";
    SC_TAGS: None = "mapihttp.rop.synchronizationconfigure.propertytags", "PropertyTags", "[MS-OXCROPS] 2.2.13.1.1, [MS-OXCFXICS] 2.2.3.2.1.1.1 properties to exclude (or, with OnlySpecifiedProperties, to include)";
    SC_TAG: Text = "mapihttp.rop.synchronizationconfigure.propertytag", "PropertyTag", "[MS-OXCROPS] 2.2.13.1.1 a property tag ([MS-OXCDATA] 2.9)";

    IMC_IMPORT_FLAG: U8 [Disp::Flags(IMPORT_FLAGS)] = "mapihttp.rop.synchronizationimportmessagechange.importflag", "ImportFlag", "[MS-OXCROPS] 2.2.13.2.1, [MS-OXCFXICS] 2.2.3.2.4.2.1 FAI message, conflict handling";
    IMC_VALUE_COUNT: U16 = "mapihttp.rop.synchronizationimportmessagechange.propertyvaluecount", "PropertyValueCount", "[MS-OXCROPS] 2.2.13.2.1 the number of TaggedPropertyValue structures";
    IMC_VALUES: None = "mapihttp.rop.synchronizationimportmessagechange.propertyvalues", "PropertyValues", "[MS-OXCROPS] 2.2.13.2.1, [MS-OXCFXICS] 2.2.3.2.4.2.1 the message's identifying properties (source key, last modification time, change key, predecessor change list)";
    IMC_MESSAGE_ID: U64 [Disp::Fid] = "mapihttp.rop.synchronizationimportmessagechange.messageid", "MessageId", "[MS-OXCROPS] 2.2.13.2.2 an identifier, 0 (MUST be set to 0x0000000000000000)";

    IRSC_SIZE: U16 [Disp::Unit("bytes")] = "mapihttp.rop.synchronizationimportreadstatechanges.messagereadstatesize", "MessageReadStateSize", "[MS-OXCROPS] 2.2.13.3.1 the size of MessageReadStates";
    IRSC_STATES: None = "mapihttp.rop.synchronizationimportreadstatechanges.messagereadstates", "MessageReadStates", "[MS-OXCROPS] 2.2.13.3.1 the read state changes, MessageReadState structures";
    IRSC_STATE: None = "mapihttp.rop.synchronizationimportreadstatechanges.messagereadstate", "MessageReadState", "[MS-OXCROPS] 2.2.13.3.1.1 one message and its new read state";
    IRSC_MESSAGE_ID_SIZE: U16 [Disp::Unit("bytes")] = "mapihttp.rop.synchronizationimportreadstatechanges.messageidsize", "MessageIdSize", "[MS-OXCROPS] 2.2.13.3.1.1 the size of MessageId";
    IRSC_MESSAGE_ID: Text = "mapihttp.rop.synchronizationimportreadstatechanges.messageid", "MessageId", "[MS-OXCROPS] 2.2.13.3.1.1 the message, an XID ([MS-OXCFXICS] 2.2.2.2)";
    IRSC_MARK_AS_READ: Bool = "mapihttp.rop.synchronizationimportreadstatechanges.markasread", "MarkAsRead", "[MS-OXCROPS] 2.2.13.3.1.1 whether the message becomes read (else unread)";

    IHC_HIERARCHY_VALUE_COUNT: U16 = "mapihttp.rop.synchronizationimporthierarchychange.hierarchyvaluecount", "HierarchyValueCount", "[MS-OXCROPS] 2.2.13.4.1 the number of TaggedPropertyValue structures in HierarchyValues";
    IHC_HIERARCHY_VALUES: None = "mapihttp.rop.synchronizationimporthierarchychange.hierarchyvalues", "HierarchyValues", "[MS-OXCROPS] 2.2.13.4.1, [MS-OXCFXICS] 2.2.3.2.4.3.1 the folder's hierarchy properties (parent source key, source key, last modification time, change key, predecessor change list, display name)";
    IHC_VALUE_COUNT: U16 = "mapihttp.rop.synchronizationimporthierarchychange.propertyvaluecount", "PropertyValueCount", "[MS-OXCROPS] 2.2.13.4.1 the number of TaggedPropertyValue structures in PropertyValues";
    IHC_VALUES: None = "mapihttp.rop.synchronizationimporthierarchychange.propertyvalues", "PropertyValues", "[MS-OXCROPS] 2.2.13.4.1 other properties of the folder";
    IHC_FOLDER_ID: U64 [Disp::Fid] = "mapihttp.rop.synchronizationimporthierarchychange.folderid", "FolderId", "[MS-OXCROPS] 2.2.13.4.2 the folder that was created or changed ([MS-OXCDATA] 2.2.1.1)";

    ID_IMPORT_DELETE_FLAGS: U8 [Disp::Flags(IMPORT_DELETE_FLAGS)] = "mapihttp.rop.synchronizationimportdeletes.importdeleteflags", "ImportDeleteFlags", "[MS-OXCROPS] 2.2.13.5.1, [MS-OXCFXICS] 2.2.3.2.4.5.1 folder (Hierarchy) or message deletions, hard deletion";
    ID_VALUE_COUNT: U16 = "mapihttp.rop.synchronizationimportdeletes.propertyvaluecount", "PropertyValueCount", "[MS-OXCROPS] 2.2.13.5.1 the number of TaggedPropertyValue structures";
    ID_VALUES: None = "mapihttp.rop.synchronizationimportdeletes.propertyvalues", "PropertyValues", "[MS-OXCROPS] 2.2.13.5.1, [MS-OXCFXICS] 2.2.3.2.4.5.1 the source keys of the deleted objects (one PtypMultipleBinary value)";

    IMM_SOURCE_FOLDER_ID_SIZE: U32 [Disp::Unit("bytes")] = "mapihttp.rop.synchronizationimportmessagemove.sourcefolderidsize", "SourceFolderIdSize", "[MS-OXCROPS] 2.2.13.6.1 the size of SourceFolderId";
    IMM_SOURCE_FOLDER_ID: Text = "mapihttp.rop.synchronizationimportmessagemove.sourcefolderid", "SourceFolderId", "[MS-OXCROPS] 2.2.13.6.1 the parent folder of the source message, an XID ([MS-OXCFXICS] 2.2.2.2)";
    IMM_SOURCE_MESSAGE_ID_SIZE: U32 [Disp::Unit("bytes")] = "mapihttp.rop.synchronizationimportmessagemove.sourcemessageidsize", "SourceMessageIdSize", "[MS-OXCROPS] 2.2.13.6.1 the size of SourceMessageId";
    IMM_SOURCE_MESSAGE_ID: Text = "mapihttp.rop.synchronizationimportmessagemove.sourcemessageid", "SourceMessageId", "[MS-OXCROPS] 2.2.13.6.1 the source message, an XID";
    IMM_PCL_SIZE: U32 [Disp::Unit("bytes")] = "mapihttp.rop.synchronizationimportmessagemove.predecessorchangelistsize", "PredecessorChangeListSize", "[MS-OXCROPS] 2.2.13.6.1 the size of PredecessorChangeList";
    IMM_PCL: None = "mapihttp.rop.synchronizationimportmessagemove.predecessorchangelist", "PredecessorChangeList", "[MS-OXCROPS] 2.2.13.6.1 the predecessor change list of the moved message, a PCL ([MS-OXCFXICS] 2.2.2.3)";
    IMM_DESTINATION_MESSAGE_ID_SIZE: U32 [Disp::Unit("bytes")] = "mapihttp.rop.synchronizationimportmessagemove.destinationmessageidsize", "DestinationMessageIdSize", "[MS-OXCROPS] 2.2.13.6.1 the size of DestinationMessageId";
    IMM_DESTINATION_MESSAGE_ID: Text = "mapihttp.rop.synchronizationimportmessagemove.destinationmessageid", "DestinationMessageId", "[MS-OXCROPS] 2.2.13.6.1 the message in the destination folder, an XID";
    IMM_CHANGE_NUMBER_SIZE: U32 [Disp::Unit("bytes")] = "mapihttp.rop.synchronizationimportmessagemove.changenumbersize", "ChangeNumberSize", "[MS-OXCROPS] 2.2.13.6.1 the size of ChangeNumber";
    IMM_CHANGE_NUMBER: Text = "mapihttp.rop.synchronizationimportmessagemove.changenumber", "ChangeNumber", "[MS-OXCROPS] 2.2.13.6.1 the change number of the move, an XID";
    IMM_MESSAGE_ID: U64 [Disp::Fid] = "mapihttp.rop.synchronizationimportmessagemove.messageid", "MessageId", "[MS-OXCROPS] 2.2.13.6.2 an identifier, 0 (MUST be set to 0x0000000000000000)";

    OC_IS_CONTENTS_COLLECTOR: Bool = "mapihttp.rop.synchronizationopencollector.iscontentscollector", "IsContentsCollector", "[MS-OXCROPS] 2.2.13.7.1 whether the collector uploads contents (messages) or hierarchy (folders)";

    USB_STATE_PROPERTY: U32 [Disp::HexNamed(STATE_PROPERTIES)] = "mapihttp.rop.synchronizationuploadstatestreambegin.stateproperty", "StateProperty", "[MS-OXCROPS] 2.2.13.9.1, [MS-OXCFXICS] 2.2.3.2.2.1.1 the property tag of the ICS state property uploaded";
    USB_TRANSFER_BUFFER_SIZE: U32 [Disp::Unit("bytes")] = "mapihttp.rop.synchronizationuploadstatestreambegin.transferbuffersize", "TransferBufferSize", "[MS-OXCROPS] 2.2.13.9.1 the size of the state property value to be uploaded";

    USC_STREAM_DATA_SIZE: U32 [Disp::Unit("bytes")] = "mapihttp.rop.synchronizationuploadstatestreamcontinue.streamdatasize", "StreamDataSize", "[MS-OXCROPS] 2.2.13.10.1 the size of StreamData";
    USC_STREAM_DATA: Bytes = "mapihttp.rop.synchronizationuploadstatestreamcontinue.streamdata", "StreamData", "[MS-OXCROPS] 2.2.13.10.1 a portion of the state property value (an IDSET or CNSET, [MS-OXCFXICS] 2.2.2.4)";

    SLRMD_DATA_SIZE: U16 [Disp::Unit("bytes")] = "mapihttp.rop.setlocalreplicamidsetdeleted.datasize", "DataSize", "[MS-OXCROPS] 2.2.13.12.1 the size of LongTermIdRangeCount and LongTermIdRanges";
    SLRMD_RANGE_COUNT: U32 = "mapihttp.rop.setlocalreplicamidsetdeleted.longtermidrangecount", "LongTermIdRangeCount", "[MS-OXCROPS] 2.2.13.12.1 the number of LongTermIdRange structures";
    SLRMD_RANGES: None = "mapihttp.rop.setlocalreplicamidsetdeleted.longtermidranges", "LongTermIdRanges", "[MS-OXCROPS] 2.2.13.12.1 the ranges of message ids deleted from the local replica";
    SLRMD_RANGE: None = "mapihttp.rop.setlocalreplicamidsetdeleted.longtermidrange", "LongTermIdRange", "[MS-OXCROPS] 2.2.13.12.1.1 one range of message ids";
    SLRMD_MIN: Text = "mapihttp.rop.setlocalreplicamidsetdeleted.minlongtermid", "MinLongTermId", "[MS-OXCROPS] 2.2.13.12.1.1 the first id of the range, a LongTermID ([MS-OXCDATA] 2.2.1.3.1)";
    SLRMD_MAX: Text = "mapihttp.rop.setlocalreplicamidsetdeleted.maxlongtermid", "MaxLongTermId", "[MS-OXCROPS] 2.2.13.12.1.1 the last id of the range, a LongTermID ([MS-OXCDATA] 2.2.1.3.1)";

    GLRI_ID_COUNT: U32 = "mapihttp.rop.getlocalreplicaids.idcount", "IdCount", "[MS-OXCROPS] 2.2.13.13.1 the number of ids to reserve";
    GLRI_REPL_GUID: Guid = "mapihttp.rop.getlocalreplicaids.replguid", "ReplGuid", "[MS-OXCROPS] 2.2.13.13.2 the REPLGUID of the local replica";
    GLRI_GLOBAL_COUNT: U64 [Disp::Hex] = "mapihttp.rop.getlocalreplicaids.globalcount", "GlobalCount", "[MS-OXCROPS] 2.2.13.13.2 the first value of the reserved range, a 6-byte big-endian GLOBCNT";

    XID_NAMESPACE_GUID: Guid = "mapihttp.rop.ics.xid.namespaceguid", "NamespaceGuid", "[MS-OXCFXICS] 2.2.2.2 the namespace (a REPLGUID) of an XID";
    XID_LOCAL_ID: Bytes = "mapihttp.rop.ics.xid.localid", "LocalId", "[MS-OXCFXICS] 2.2.2.2 the id within the namespace (1 to 8 bytes)";
    XID_BYTES: Bytes = "mapihttp.rop.ics.xid.bytes", "XID", "[MS-OXCFXICS] 2.2.2.2 identifier bytes whose size does not fit an XID (17 to 24 bytes)";
    SIZED_XID: Text = "mapihttp.rop.ics.sizedxid", "SizedXid", "[MS-OXCFXICS] 2.2.2.3 one element of a PCL: XidSize and XID";
    SIZED_XID_SIZE: U8 [Disp::Unit("bytes")] = "mapihttp.rop.ics.sizedxid.xidsize", "XidSize", "[MS-OXCFXICS] 2.2.2.3 the size of the XID that follows";
    SIZED_XID_XID: Text = "mapihttp.rop.ics.sizedxid.xid", "XID", "[MS-OXCFXICS] 2.2.2.2 a change key: NamespaceGuid + LocalId";
}

/// The decoders of this family, one row per ROP.
pub static DECODERS: &[Decoder] = &[
    crate::rop!(0x70, Some(configure_req), Some(created_synchronization_resp)),
    crate::rop!(0x72, Some(import_message_change_req), Some(import_message_change_resp)),
    crate::rop!(0x80, Some(import_read_state_changes_req), Some(header_only_resp)),
    crate::rop!(0x73, Some(import_hierarchy_change_req), Some(import_hierarchy_change_resp)),
    crate::rop!(0x74, Some(import_deletes_req), Some(header_only_resp)),
    crate::rop!(0x78, Some(import_message_move_req), Some(import_message_move_resp)),
    crate::rop!(0x7E, Some(open_collector_req), Some(created_synchronization_resp)),
    crate::rop!(0x82, Some(req_in_out), Some(get_transfer_state_resp)),
    crate::rop!(0x75, Some(upload_state_begin_req), Some(header_only_resp)),
    crate::rop!(0x76, Some(upload_state_continue_req), Some(header_only_resp)),
    crate::rop!(0x77, Some(req_in), Some(header_only_resp)),
    crate::rop!(0x93, Some(set_local_replica_midset_deleted_req), Some(header_only_resp)),
    crate::rop!(0x7F, Some(get_local_replica_ids_req), Some(get_local_replica_ids_resp)),
];

/// An XID ([MS-OXCFXICS] 2.2.2.2) of `n` bytes as node `f`, whose value is `{NamespaceGuid}-LOCALID`.
/// Sizes outside 17..=24 cannot be an XID: the bytes are shown with a note. Nothing for `n == 0`.
fn xid(b: &mut Builder<'_>, c: &mut Cur<'_>, f: &'static Field, n: usize) -> R<()> {
    if n == 0 {
        return Ok(());
    }
    let idx = b.nodes().len() as u32;
    b.group_sized(c, f, n, |b, c| {
        if (17..=24).contains(&n) {
            let g = b.guid(c, &XID_NAMESPACE_GUID)?;
            let local = b.bytes(c, &XID_LOCAL_ID, n - 16)?;
            let text = format!("{}-{}", guid_string(&g), hex_string(local).to_uppercase());
            b.set_value(idx, Value::Text(text.into()));
        } else {
            let msg = format!("{} of {n} bytes is not an XID (16-byte NamespaceGuid and a 1- to 8-byte LocalId)", f.name);
            b.diag_at(c, Severity::Note, msg, n);
            b.bytes(c, &XID_BYTES, n)?;
        }
        Ok(())
    })
}

/// A u32 size field, then an XID of that size.
fn sized_xid_u32(b: &mut Builder<'_>, c: &mut Cur<'_>, size: &'static Field, f: &'static Field) -> R<()> {
    let n = b.u32(c, size)?;
    xid(b, c, f, usize::try_from(n).unwrap_or(usize::MAX))
}

/// InputHandleIndex + ReturnValue responses (2.2.13.3.2, 2.2.13.5.2, 2.2.13.9.2–2.2.13.12.2).
fn header_only_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    resp_in(b, c, x).map(|_| ())
}

/// OutputHandleIndex + ReturnValue of RopSynchronizationConfigure (2.2.13.1.2) and
/// RopSynchronizationOpenCollector (2.2.13.7.2); success records the synchronization context.
fn created_synchronization_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    if resp_out(b, c, x)? == 0 {
        record_created(x, ObjectKind::Synchronization);
    }
    Ok(())
}

/// 2.2.13.1.1: SynchronizationType, SendOptions, SynchronizationFlags, RestrictionDataSize,
/// RestrictionData, SynchronizationExtraFlags, PropertyTagCount, PropertyTags.
fn configure_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in_out(b, c, x)?;
    b.u8(c, &SC_SYNCHRONIZATION_TYPE)?;
    b.u8(c, &SC_SEND_OPTIONS)?;
    b.u16(c, &SC_SYNCHRONIZATION_FLAGS)?;
    let n = usize::from(b.u16(c, &SC_RESTRICTION_DATA_SIZE)?);
    if n > 0 {
        sized_window(b, c, &SC_RESTRICTION_DATA_SIZE, n, |b, c| {
            b.group(c, &SC_RESTRICTION_DATA, |b, c| crate::oxcdata::restriction(b, c))
        })?;
    }
    b.u32(c, &SC_SYNCHRONIZATION_EXTRA_FLAGS)?;
    x.info.tags = tag_list(b, c, &SC_TAG_COUNT, &SC_TAGS, &SC_TAG)?;
    Ok(())
}

/// 2.2.13.2.1: ImportFlag, PropertyValueCount, PropertyValues.
fn import_message_change_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in_out(b, c, x)?;
    b.u8(c, &IMC_IMPORT_FLAG)?;
    tagged_list(b, c, &IMC_VALUE_COUNT, &IMC_VALUES)
}

/// 2.2.13.2.2 / 2.2.13.2.3: OutputHandleIndex, ReturnValue, and MessageId on success; the Message
/// object is recorded.
fn import_message_change_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    if resp_out(b, c, x)? == 0 {
        crate::oxcdata::folder_id(b, c, &IMC_MESSAGE_ID)?;
        record_created(x, ObjectKind::Message);
    }
    Ok(())
}

/// 2.2.13.3.1: MessageReadStateSize, MessageReadStates (MessageIdSize, MessageId, MarkAsRead each).
fn import_read_state_changes_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in(b, c, x)?;
    let n = usize::from(b.u16(c, &IRSC_SIZE)?);
    if n == 0 {
        return Ok(());
    }
    sized_window(b, c, &IRSC_SIZE, n, |b, c| {
        b.group(c, &IRSC_STATES, |b, c| {
            // Every MessageReadState consumes at least its 3 fixed bytes or stops.
            while !c.is_empty() {
                b.group(c, &IRSC_STATE, |b, c| {
                    let id = usize::from(b.u16(c, &IRSC_MESSAGE_ID_SIZE)?);
                    xid(b, c, &IRSC_MESSAGE_ID, id)?;
                    b.bool8(c, &IRSC_MARK_AS_READ)?;
                    Ok(())
                })?;
            }
            Ok(())
        })
    })
}

/// 2.2.13.4.1: HierarchyValueCount, HierarchyValues, PropertyValueCount, PropertyValues.
fn import_hierarchy_change_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in(b, c, x)?;
    tagged_list(b, c, &IHC_HIERARCHY_VALUE_COUNT, &IHC_HIERARCHY_VALUES)?;
    tagged_list(b, c, &IHC_VALUE_COUNT, &IHC_VALUES)
}

/// 2.2.13.4.2 / 2.2.13.4.3: InputHandleIndex, ReturnValue, and FolderId on success.
fn import_hierarchy_change_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    if resp_in(b, c, x)? == 0 {
        crate::oxcdata::folder_id(b, c, &IHC_FOLDER_ID)?;
    }
    Ok(())
}

/// 2.2.13.5.1: ImportDeleteFlags, PropertyValueCount, PropertyValues.
fn import_deletes_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in(b, c, x)?;
    b.u8(c, &ID_IMPORT_DELETE_FLAGS)?;
    tagged_list(b, c, &ID_VALUE_COUNT, &ID_VALUES)
}

/// 2.2.13.6.1: five u32-sized fields: SourceFolderId, SourceMessageId, PredecessorChangeList,
/// DestinationMessageId, ChangeNumber.
fn import_message_move_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in(b, c, x)?;
    sized_xid_u32(b, c, &IMM_SOURCE_FOLDER_ID_SIZE, &IMM_SOURCE_FOLDER_ID)?;
    sized_xid_u32(b, c, &IMM_SOURCE_MESSAGE_ID_SIZE, &IMM_SOURCE_MESSAGE_ID)?;
    let n = b.u32(c, &IMM_PCL_SIZE)?;
    let n = usize::try_from(n).unwrap_or(usize::MAX);
    if n > 0 {
        b.group_sized(c, &IMM_PCL, n, |b, c| {
            // Every SizedXid consumes at least its XidSize byte or stops.
            while !c.is_empty() {
                let idx = b.nodes().len() as u32;
                b.group(c, &SIZED_XID, |b, c| {
                    let size = usize::from(b.u8(c, &SIZED_XID_SIZE)?);
                    let at = b.nodes().len() as u32;
                    xid(b, c, &SIZED_XID_XID, size)?;
                    if let Some(Value::Text(t)) = b.nodes().get(at as usize).map(|n| n.value.clone()) {
                        b.set_value(idx, Value::Text(t));
                    }
                    Ok(())
                })?;
            }
            Ok(())
        })?;
    }
    sized_xid_u32(b, c, &IMM_DESTINATION_MESSAGE_ID_SIZE, &IMM_DESTINATION_MESSAGE_ID)?;
    sized_xid_u32(b, c, &IMM_CHANGE_NUMBER_SIZE, &IMM_CHANGE_NUMBER)
}

/// 2.2.13.6.2 / 2.2.13.6.3: InputHandleIndex, ReturnValue, and MessageId on success.
fn import_message_move_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    if resp_in(b, c, x)? == 0 {
        crate::oxcdata::folder_id(b, c, &IMM_MESSAGE_ID)?;
    }
    Ok(())
}

/// 2.2.13.7.1: IsContentsCollector.
fn open_collector_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in_out(b, c, x)?;
    b.bool8(c, &OC_IS_CONTENTS_COLLECTOR)?;
    Ok(())
}

/// 2.2.13.8.2: OutputHandleIndex, ReturnValue; success records the FastTransfer download context
/// that streams the ICS state.
fn get_transfer_state_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    if resp_out(b, c, x)? == 0 {
        record_created(x, ObjectKind::FastTransfer);
    }
    Ok(())
}

/// 2.2.13.9.1: StateProperty, TransferBufferSize.
fn upload_state_begin_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in(b, c, x)?;
    b.u32(c, &USB_STATE_PROPERTY)?;
    b.u32(c, &USB_TRANSFER_BUFFER_SIZE)?;
    Ok(())
}

/// 2.2.13.10.1: StreamDataSize, StreamData.
fn upload_state_continue_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in(b, c, x)?;
    let n = b.u32(c, &USC_STREAM_DATA_SIZE)?;
    sized_bytes(b, c, &USC_STREAM_DATA, usize::try_from(n).unwrap_or(usize::MAX))
}

/// 2.2.13.12.1: DataSize, then LongTermIdRangeCount and LongTermIdRanges within DataSize bytes.
fn set_local_replica_midset_deleted_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in(b, c, x)?;
    let size = usize::from(b.u16(c, &SLRMD_DATA_SIZE)?);
    sized_window(b, c, &SLRMD_DATA_SIZE, size, |b, c| {
        let n = b.u32(c, &SLRMD_RANGE_COUNT)?;
        let n = b.check_count(c, &SLRMD_RANGE_COUNT, n.into(), 48)?;
        if n == 0 {
            return Ok(());
        }
        b.group(c, &SLRMD_RANGES, |b, c| {
            for _ in 0..n {
                b.group(c, &SLRMD_RANGE, |b, c| {
                    crate::oxcdata::long_term_id(b, c, &SLRMD_MIN)?;
                    crate::oxcdata::long_term_id(b, c, &SLRMD_MAX)
                })?;
            }
            Ok(())
        })
    })
}

/// 2.2.13.13.1: IdCount.
fn get_local_replica_ids_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in(b, c, x)?;
    b.u32(c, &GLRI_ID_COUNT)?;
    Ok(())
}

/// 2.2.13.13.2 / 2.2.13.13.3: InputHandleIndex, ReturnValue, and on success ReplGuid and GlobalCount
/// (6 bytes, big-endian like every GLOBCNT).
fn get_local_replica_ids_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    if resp_in(b, c, x)? == 0 {
        b.guid(c, &GLRI_REPL_GUID)?;
        let v = c.rest().iter().take(6).fold(0u64, |a, &x| (a << 8) | u64::from(x));
        b.leaf(c, &GLRI_GLOBAL_COUNT, 6, Value::UInt(v))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use alloc::vec;
    use alloc::vec::Vec;

    use super::super::fasttransfer::tests::{exec, lines, notes, problems, req_only, resp_only, sweep};
    use crate::rops::context::ObjectKind;
    use crate::tree::Severity;
    use crate::Session;

    /// 16 bytes of a NamespaceGuid {00112233-4455-6677-8899-AABBCCDDEEFF} in wire order.
    const GUID: [u8; 16] = [0x33, 0x22, 0x11, 0x00, 0x55, 0x44, 0x77, 0x66, 0x88, 0x99, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xFF];

    fn xid22(local: [u8; 6]) -> Vec<u8> {
        [&GUID[..], &local[..]].concat()
    }

    /// RopSynchronizationConfigure: in 0, out 1, Contents, SendOptions Unicode, SynchronizationFlags
    /// Unicode|FAI|Normal|NoForeignIdentifiers (0x0131), RestrictionDataSize 5 = ExistRestriction on
    /// PidTagSubject, SynchronizationExtraFlags Eid|CN|OrderByDeliveryTime (0x0D), one tag
    /// (PidTagMessageSize 0x0E080003).
    const SC_REQ: &[u8] = &[
        0x70, 0x00, 0x00, 0x01, 0x01, 0x01, 0x31, 0x01, 0x05, 0x00, 0x08, 0x1F, 0x00, 0x37, 0x00, 0x0D, 0x00, 0x00,
        0x00, 0x01, 0x00, 0x03, 0x00, 0x08, 0x0E,
    ];
    /// RopSynchronizationConfigure without restriction and tags: Hierarchy, SendOptions 0,
    /// SynchronizationFlags Progress (0x8000), no extra flags.
    const SC_REQ_PLAIN: &[u8] = &[0x70, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x80, 0x00, 0x00, 0, 0, 0, 0, 0x00, 0x00];
    const SC_RESP: &[u8] = &[0x70, 0x01, 0, 0, 0, 0];
    /// RopSynchronizationImportMessageChange: in 1, out 2, ImportFlag Associated|FailOnConflict,
    /// one value PidTagSourceKey (0x65E00102) = 3 bytes.
    const IMC_REQ: &[u8] = &[0x72, 0x00, 0x01, 0x02, 0x50, 0x01, 0x00, 0x02, 0x01, 0xE0, 0x65, 0x03, 0x00, 0xAA, 0xBB, 0xCC];
    const IMC_RESP: &[u8] = &[0x72, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    /// Failure (0x80040802 SyncConflict): header only.
    const IMC_RESP_FAIL: &[u8] = &[0x72, 0x02, 0x02, 0x08, 0x04, 0x80];
    /// RopSynchronizationImportHierarchyChange: in 1, one hierarchy value PidTagDisplayName
    /// (0x3001001F) "A", no other values.
    const IHC_REQ: &[u8] = &[0x73, 0x00, 0x01, 0x01, 0x00, 0x1F, 0x00, 0x01, 0x30, 0x41, 0x00, 0x00, 0x00, 0x00, 0x00];
    const IHC_RESP: &[u8] = &[0x73, 0x01, 0, 0, 0, 0, 0x01, 0x00, 0x00, 0x00, 0x0E, 0x8E, 0xDF, 0x36];
    /// RopSynchronizationImportDeletes: in 1, ImportDeleteFlags Hierarchy|HardDelete, one
    /// PtypMultipleBinary value (0x00000102 | 0x1000 → tag 0x65E01102) with one 2-byte binary.
    const ID_REQ: &[u8] =
        &[0x74, 0x00, 0x01, 0x03, 0x01, 0x00, 0x02, 0x11, 0xE0, 0x65, 0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01, 0x02];
    const ID_RESP: &[u8] = &[0x74, 0x01, 0, 0, 0, 0];
    /// RopSynchronizationOpenCollector: in 0, out 1, IsContentsCollector TRUE.
    const OC_REQ: &[u8] = &[0x7E, 0x00, 0x00, 0x01, 0x01];
    const OC_RESP: &[u8] = &[0x7E, 0x01, 0, 0, 0, 0];
    /// RopSynchronizationGetTransferState: in 1, out 2.
    const GTS_REQ: &[u8] = &[0x82, 0x00, 0x01, 0x02];
    const GTS_RESP: &[u8] = &[0x82, 0x02, 0, 0, 0, 0];
    /// RopSynchronizationUploadStateStreamBegin: in 1, MetaTagCnsetSeen, 100 bytes.
    const USB_REQ: &[u8] = &[0x75, 0x00, 0x01, 0x02, 0x01, 0x96, 0x67, 0x64, 0x00, 0x00, 0x00];
    const USB_RESP: &[u8] = &[0x75, 0x01, 0, 0, 0, 0];
    /// RopSynchronizationUploadStateStreamContinue: in 1, 3 bytes of IDSET.
    const USC_REQ: &[u8] = &[0x76, 0x00, 0x01, 0x03, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00];
    const USC_RESP: &[u8] = &[0x76, 0x01, 0, 0, 0, 0];
    const USE_REQ: &[u8] = &[0x77, 0x00, 0x01];
    const USE_RESP: &[u8] = &[0x77, 0x01, 0, 0, 0, 0];
    /// RopGetLocalReplicaIds: in 0, IdCount 1000.
    const GLRI_REQ: &[u8] = &[0x7F, 0x00, 0x00, 0xE8, 0x03, 0x00, 0x00];
    /// Success: ReplGuid, GlobalCount 00 00 00 00 12 34.
    const GLRI_RESP: &[u8] = &[
        0x7F, 0x00, 0, 0, 0, 0, 0x33, 0x22, 0x11, 0x00, 0x55, 0x44, 0x77, 0x66, 0x88, 0x99, 0xAA, 0xBB, 0xCC, 0xDD,
        0xEE, 0xFF, 0x00, 0x00, 0x00, 0x00, 0x12, 0x34,
    ];
    /// Failure (0x80040102 NoSupport … any error): header only.
    const GLRI_RESP_FAIL: &[u8] = &[0x7F, 0x00, 0x02, 0x01, 0x04, 0x80];

    fn import_read_state_req() -> Vec<u8> {
        // Two MessageReadStates: a 22-byte XID marked read, a 2-byte id (not an XID) marked unread.
        let mut states = Vec::new();
        states.extend_from_slice(&22u16.to_le_bytes());
        states.extend_from_slice(&xid22([0, 0, 0, 0, 0x01, 0x23]));
        states.push(0x01);
        states.extend_from_slice(&2u16.to_le_bytes());
        states.extend_from_slice(&[0xAB, 0xCD]);
        states.push(0x00);
        let mut r = vec![0x80, 0x00, 0x01];
        r.extend_from_slice(&(states.len() as u16).to_le_bytes());
        r.extend_from_slice(&states);
        r
    }
    const IRSC_RESP: &[u8] = &[0x80, 0x01, 0, 0, 0, 0];

    fn import_message_move_req() -> Vec<u8> {
        let mut r = vec![0x78, 0x00, 0x01];
        let folder = xid22([0, 0, 0, 0, 0, 0x05]);
        let message = xid22([0, 0, 0, 0, 0, 0x42]);
        // PCL: one SizedXid with a 22-byte XID, one with a 20-byte XID.
        let mut pcl = vec![22u8];
        pcl.extend_from_slice(&xid22([0, 0, 0, 0, 0x10, 0x00]));
        pcl.push(20);
        pcl.extend_from_slice(&GUID);
        pcl.extend_from_slice(&[0, 0, 0x10, 0x01]);
        let dest = xid22([0, 0, 0, 0, 0, 0x43]);
        let cn = xid22([0, 0, 0, 0, 0x20, 0x00]);
        for part in [&folder, &message, &pcl, &dest, &cn] {
            r.extend_from_slice(&(part.len() as u32).to_le_bytes());
            r.extend_from_slice(part);
        }
        r
    }
    const IMM_RESP: &[u8] = &[0x78, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    const IMM_RESP_FAIL: &[u8] = &[0x78, 0x01, 0x05, 0x40, 0x00, 0x80];

    fn midset_deleted_req() -> Vec<u8> {
        let ltid = |counter: u8| -> Vec<u8> { [&GUID[..], &[0, 0, 0, 0, 0, counter], &[0, 0]].concat() };
        let mut data = 1u32.to_le_bytes().to_vec();
        data.extend_from_slice(&ltid(0x10));
        data.extend_from_slice(&ltid(0x20));
        let mut r = vec![0x93, 0x00, 0x01];
        r.extend_from_slice(&(data.len() as u16).to_le_bytes());
        r.extend_from_slice(&data);
        r
    }
    const SLRMD_RESP: &[u8] = &[0x93, 0x01, 0, 0, 0, 0];

    #[test]
    fn configure_records_synchronization_context() {
        let mut s = Session::default();
        let d = exec(&mut s, SC_REQ, &[0x100, 0xFFFF_FFFF], SC_RESP, &[0x100, 0x400]);
        assert!(problems(&d).is_empty(), "{:?}", d.diagnostics);
        assert_eq!(lines(&d, "mapihttp.rop.synchronizationconfigure.synchronizationtype"), ["SynchronizationType: Contents (0x01)"]);
        assert_eq!(lines(&d, "mapihttp.rop.synchronizationconfigure.sendoptions"), ["SendOptions: 0x01 (Unicode)"]);
        assert_eq!(
            lines(&d, "mapihttp.rop.synchronizationconfigure.synchronizationflags"),
            ["SynchronizationFlags: 0x0131 (Unicode, FAI, Normal, NoForeignIdentifiers)"]
        );
        assert_eq!(lines(&d, "mapihttp.rop.synchronizationconfigure.restrictiondatasize"), ["RestrictionDataSize: 5 bytes"]);
        let (_, rd) = d.find("mapihttp.rop.synchronizationconfigure.restrictiondata").unwrap();
        assert_eq!(rd.length, 5);
        assert_eq!(d.find_all("mapihttp.oxcdata.restriction.exist").count(), 1);
        assert_eq!(lines(&d, "mapihttp.oxcdata.restriction.proptag"), ["PropTag: PidTagSubject (0x0037001F, PtypString)"]);
        assert_eq!(
            lines(&d, "mapihttp.rop.synchronizationconfigure.synchronizationextraflags"),
            ["SynchronizationExtraFlags: 0x0000000D (Eid, CN, OrderByDeliveryTime)"]
        );
        assert_eq!(lines(&d, "mapihttp.rop.synchronizationconfigure.propertytag"), ["PropertyTag: PidTagMessageSize (0x0E080003, PtypInteger32)"]);
        assert_eq!(s.objects.get(&0x400), Some(&ObjectKind::Synchronization));
    }

    #[test]
    fn configure_without_restriction() {
        let d = exec(&mut Session::default(), SC_REQ_PLAIN, &[0x100], SC_RESP, &[0x100, 0x400]);
        assert!(problems(&d).is_empty(), "{:?}", d.diagnostics);
        assert_eq!(lines(&d, "mapihttp.rop.synchronizationconfigure.synchronizationtype"), ["SynchronizationType: Hierarchy (0x02)"]);
        assert_eq!(lines(&d, "mapihttp.rop.synchronizationconfigure.synchronizationflags"), ["SynchronizationFlags: 0x8000 (Progress)"]);
        assert_eq!(lines(&d, "mapihttp.rop.synchronizationconfigure.sendoptions"), ["SendOptions: 0x00"]);
        assert!(d.find("mapihttp.rop.synchronizationconfigure.restrictiondata").is_none());
        assert_eq!(lines(&d, "mapihttp.rop.synchronizationconfigure.propertytagcount"), ["PropertyTagCount: 0"]);
    }

    /// A restriction that does not fill RestrictionDataSize leaves a warning; one that overruns it
    /// is cut at the window.
    #[test]
    fn restriction_window() {
        let mut req = SC_REQ.to_vec();
        req[8] = 0x06; // RestrictionDataSize 6: one byte too many, the restriction ends at 5.
        req.insert(15, 0xEE);
        let d = req_only(&req, &[0x100]);
        assert_eq!(problems(&d), ["1 bytes of RestrictionDataSize 6 left unread"]);
        let mut req = SC_REQ.to_vec();
        req[8] = 0x04; // RestrictionDataSize 4: the ExistRestriction's PropTag is cut.
        let d = req_only(&req, &[0x100]);
        assert!(d.diagnostics.iter().any(|x| x.severity == Severity::Error), "{:?}", d.diagnostics);
    }

    #[test]
    fn import_message_change() {
        let mut s = Session::default();
        let d = exec(&mut s, IMC_REQ, &[0x100, 0x400, 0xFFFF_FFFF], IMC_RESP, &[0x100, 0x400, 0x500]);
        assert!(problems(&d).is_empty(), "{:?}", d.diagnostics);
        assert_eq!(lines(&d, "mapihttp.rop.synchronizationimportmessagechange.importflag"), ["ImportFlag: 0x50 (Associated, FailOnConflict)"]);
        assert_eq!(lines(&d, "mapihttp.rop.synchronizationimportmessagechange.propertyvaluecount"), ["PropertyValueCount: 1"]);
        let values: Vec<_> = lines(&d, "mapihttp.oxcdata.taggedpropertyvalue");
        assert_eq!(values.len(), 1);
        assert!(values[0].contains("0x65E00102"), "{values:?}");
        assert_eq!(lines(&d, "mapihttp.rop.synchronizationimportmessagechange.messageid"), ["MessageId: 0000-000000000000"]);
        assert_eq!(s.objects.get(&0x500), Some(&ObjectKind::Message));
        // A failure is the header only and creates nothing.
        let mut s = Session::default();
        let d = exec(&mut s, IMC_REQ, &[0x100, 0x400, 0xFFFF_FFFF], IMC_RESP_FAIL, &[0x100, 0x400, 0x500]);
        assert!(problems(&d).is_empty(), "{:?}", d.diagnostics);
        assert!(d.find("mapihttp.rop.synchronizationimportmessagechange.messageid").is_none());
        assert!(!s.objects.contains_key(&0x500));
    }

    #[test]
    fn import_read_state_changes() {
        let req = import_read_state_req();
        let d = exec(&mut Session::default(), &req, &[0x100, 0x400], IRSC_RESP, &[0x100, 0x400]);
        assert!(problems(&d).is_empty(), "{:?}", d.diagnostics);
        assert_eq!(lines(&d, "mapihttp.rop.synchronizationimportreadstatechanges.messagereadstatesize"), ["MessageReadStateSize: 30 bytes"]);
        assert_eq!(d.find_all("mapihttp.rop.synchronizationimportreadstatechanges.messagereadstate").count(), 2);
        assert_eq!(
            lines(&d, "mapihttp.rop.synchronizationimportreadstatechanges.messageidsize"),
            ["MessageIdSize: 22 bytes", "MessageIdSize: 2 bytes"]
        );
        assert_eq!(
            lines(&d, "mapihttp.rop.synchronizationimportreadstatechanges.messageid"),
            ["MessageId: {00112233-4455-6677-8899-AABBCCDDEEFF}-000000000123", "MessageId"]
        );
        assert_eq!(lines(&d, "mapihttp.rop.ics.xid.bytes"), ["XID: abcd"]);
        assert_eq!(
            lines(&d, "mapihttp.rop.synchronizationimportreadstatechanges.markasread"),
            ["MarkAsRead: True", "MarkAsRead: False"]
        );
        assert_eq!(notes(&d), ["MessageId of 2 bytes is not an XID (16-byte NamespaceGuid and a 1- to 8-byte LocalId)"]);
    }

    #[test]
    fn import_hierarchy_change() {
        let d = exec(&mut Session::default(), IHC_REQ, &[0x100, 0x400], IHC_RESP, &[0x100, 0x400]);
        assert!(problems(&d).is_empty(), "{:?}", d.diagnostics);
        assert_eq!(lines(&d, "mapihttp.rop.synchronizationimporthierarchychange.hierarchyvaluecount"), ["HierarchyValueCount: 1"]);
        assert_eq!(lines(&d, "mapihttp.rop.synchronizationimporthierarchychange.propertyvaluecount"), ["PropertyValueCount: 0"]);
        assert_eq!(d.find_all("mapihttp.rop.synchronizationimporthierarchychange.hierarchyvalues").count(), 1);
        assert!(d.find("mapihttp.rop.synchronizationimporthierarchychange.propertyvalues").is_none());
        let v = lines(&d, "mapihttp.oxcdata.taggedpropertyvalue");
        assert!(v.len() == 1 && v[0].contains("\"A\""), "{v:?}");
        assert_eq!(lines(&d, "mapihttp.rop.synchronizationimporthierarchychange.folderid"), ["FolderId: 0001-00000E8EDF36"]);
    }

    #[test]
    fn import_deletes() {
        let d = exec(&mut Session::default(), ID_REQ, &[0x100, 0x400], ID_RESP, &[0x100, 0x400]);
        assert!(problems(&d).is_empty(), "{:?}", d.diagnostics);
        assert_eq!(lines(&d, "mapihttp.rop.synchronizationimportdeletes.importdeleteflags"), ["ImportDeleteFlags: 0x03 (Hierarchy, HardDelete)"]);
        assert_eq!(lines(&d, "mapihttp.rop.synchronizationimportdeletes.propertyvaluecount"), ["PropertyValueCount: 1"]);
        assert_eq!(d.find_all("mapihttp.oxcdata.taggedpropertyvalue").count(), 1);
    }

    #[test]
    fn import_message_move() {
        let req = import_message_move_req();
        let d = exec(&mut Session::default(), &req, &[0x100, 0x400], IMM_RESP, &[0x100, 0x400]);
        assert!(problems(&d).is_empty(), "{:?}", d.diagnostics);
        assert!(notes(&d).is_empty(), "{:?}", d.diagnostics);
        assert_eq!(lines(&d, "mapihttp.rop.synchronizationimportmessagemove.sourcefolderidsize"), ["SourceFolderIdSize: 22 bytes"]);
        assert_eq!(
            lines(&d, "mapihttp.rop.synchronizationimportmessagemove.sourcefolderid"),
            ["SourceFolderId: {00112233-4455-6677-8899-AABBCCDDEEFF}-000000000005"]
        );
        assert_eq!(
            lines(&d, "mapihttp.rop.synchronizationimportmessagemove.sourcemessageid"),
            ["SourceMessageId: {00112233-4455-6677-8899-AABBCCDDEEFF}-000000000042"]
        );
        assert_eq!(lines(&d, "mapihttp.rop.synchronizationimportmessagemove.predecessorchangelistsize"), ["PredecessorChangeListSize: 44 bytes"]);
        assert_eq!(lines(&d, "mapihttp.rop.ics.sizedxid.xidsize"), ["XidSize: 22 bytes", "XidSize: 20 bytes"]);
        assert_eq!(
            lines(&d, "mapihttp.rop.ics.sizedxid"),
            [
                "SizedXid: {00112233-4455-6677-8899-AABBCCDDEEFF}-000000001000",
                "SizedXid: {00112233-4455-6677-8899-AABBCCDDEEFF}-00001001"
            ]
        );
        assert_eq!(lines(&d, "mapihttp.rop.ics.xid.localid")[3], "LocalId: 00001001");
        assert_eq!(
            lines(&d, "mapihttp.rop.synchronizationimportmessagemove.destinationmessageid"),
            ["DestinationMessageId: {00112233-4455-6677-8899-AABBCCDDEEFF}-000000000043"]
        );
        assert_eq!(
            lines(&d, "mapihttp.rop.synchronizationimportmessagemove.changenumber"),
            ["ChangeNumber: {00112233-4455-6677-8899-AABBCCDDEEFF}-000000002000"]
        );
        assert_eq!(lines(&d, "mapihttp.rop.synchronizationimportmessagemove.messageid"), ["MessageId: 0000-000000000000"]);
        let d = exec(&mut Session::default(), &req, &[0x100, 0x400], IMM_RESP_FAIL, &[0x100, 0x400]);
        assert!(problems(&d).is_empty(), "{:?}", d.diagnostics);
        assert!(d.find("mapihttp.rop.synchronizationimportmessagemove.messageid").is_none());
    }

    #[test]
    fn collector_and_transfer_state() {
        let mut s = Session::default();
        let req = [OC_REQ, GTS_REQ].concat();
        let resp = [OC_RESP, GTS_RESP].concat();
        let d = exec(&mut s, &req, &[0x100, 0xFFFF_FFFF, 0xFFFF_FFFF], &resp, &[0x100, 0x401, 0x402]);
        assert!(problems(&d).is_empty(), "{:?}", d.diagnostics);
        assert_eq!(lines(&d, "mapihttp.rop.synchronizationopencollector.iscontentscollector"), ["IsContentsCollector: True"]);
        assert_eq!(lines(&d, "mapihttp.rop.request_index"), ["Request: 0", "Request: 1"]);
        assert_eq!(s.objects.get(&0x401), Some(&ObjectKind::Synchronization));
        assert_eq!(s.objects.get(&0x402), Some(&ObjectKind::FastTransfer));
    }

    #[test]
    fn upload_state_stream() {
        let req = [USB_REQ, USC_REQ, USE_REQ].concat();
        let resp = [USB_RESP, USC_RESP, USE_RESP].concat();
        let d = exec(&mut Session::default(), &req, &[0x100, 0x400], &resp, &[0x100, 0x400]);
        assert!(problems(&d).is_empty(), "{:?}", d.diagnostics);
        assert_eq!(lines(&d, "mapihttp.rop.synchronizationuploadstatestreambegin.stateproperty"), ["StateProperty: 0x67960102 (MetaTagCnsetSeen)"]);
        assert_eq!(lines(&d, "mapihttp.rop.synchronizationuploadstatestreambegin.transferbuffersize"), ["TransferBufferSize: 100 bytes"]);
        assert_eq!(lines(&d, "mapihttp.rop.synchronizationuploadstatestreamcontinue.streamdatasize"), ["StreamDataSize: 3 bytes"]);
        assert_eq!(lines(&d, "mapihttp.rop.synchronizationuploadstatestreamcontinue.streamdata"), ["StreamData: 010000"]);
        assert_eq!(d.find_all("mapihttp.rop.synchronizationuploadstatestreamend").count(), 2);
        assert_eq!(lines(&d, "mapihttp.rop.request_index"), ["Request: 0", "Request: 1", "Request: 2"]);
    }

    #[test]
    fn local_replica_ids() {
        let req = midset_deleted_req();
        let rq = [&req[..], GLRI_REQ].concat();
        let rs = [SLRMD_RESP, GLRI_RESP].concat();
        let d = exec(&mut Session::default(), &rq, &[0x100, 0x400], &rs, &[0x100, 0x400]);
        assert!(problems(&d).is_empty(), "{:?}", d.diagnostics);
        assert_eq!(lines(&d, "mapihttp.rop.setlocalreplicamidsetdeleted.datasize"), ["DataSize: 52 bytes"]);
        assert_eq!(lines(&d, "mapihttp.rop.setlocalreplicamidsetdeleted.longtermidrangecount"), ["LongTermIdRangeCount: 1"]);
        assert_eq!(
            lines(&d, "mapihttp.rop.setlocalreplicamidsetdeleted.minlongtermid"),
            ["MinLongTermId: {00112233-4455-6677-8899-AABBCCDDEEFF}-000000000010"]
        );
        assert_eq!(
            lines(&d, "mapihttp.rop.setlocalreplicamidsetdeleted.maxlongtermid"),
            ["MaxLongTermId: {00112233-4455-6677-8899-AABBCCDDEEFF}-000000000020"]
        );
        assert_eq!(lines(&d, "mapihttp.rop.getlocalreplicaids.idcount"), ["IdCount: 1000"]);
        assert_eq!(lines(&d, "mapihttp.rop.getlocalreplicaids.replguid"), ["ReplGuid: {00112233-4455-6677-8899-AABBCCDDEEFF}"]);
        assert_eq!(lines(&d, "mapihttp.rop.getlocalreplicaids.globalcount"), ["GlobalCount: 0x0000000000001234"]);
        let d = exec(&mut Session::default(), GLRI_REQ, &[0x100], GLRI_RESP_FAIL, &[0x100]);
        assert!(problems(&d).is_empty(), "{:?}", d.diagnostics);
        assert!(d.find("mapihttp.rop.getlocalreplicaids.replguid").is_none());
    }

    /// Hostile counts and sizes allocate nothing large and are errors.
    #[test]
    fn hostile_counts() {
        let err = |d: &crate::tree::Dissection<'_>, what: &str| {
            assert!(d.diagnostics.iter().any(|x| x.severity == Severity::Error && x.message.contains(what)), "{what}: {:?}", d.diagnostics);
        };
        // LongTermIdRangeCount 0xFFFFFFFF in a 4-byte DataSize window.
        let d = req_only(&[0x93, 0x00, 0x01, 0x04, 0x00, 0xFF, 0xFF, 0xFF, 0xFF], &[]);
        err(&d, "LongTermIdRangeCount 4294967295 needs");
        // DataSize 0xFFFF with 4 bytes after it.
        let d = req_only(&[0x93, 0x00, 0x01, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00], &[]);
        err(&d, "DataSize 65535 exceeds");
        // SourceFolderIdSize 0xFFFFFFFF.
        let d = req_only(&[0x78, 0x00, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x01], &[]);
        err(&d, "SourceFolderId needs 4294967295 bytes");
        // PredecessorChangeListSize 0xFFFFFFFF.
        let d = req_only(&[0x78, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0x16], &[]);
        err(&d, "PredecessorChangeList needs 4294967295 bytes");
        // StreamDataSize 0xFFFFFFFF.
        let d = req_only(&[0x76, 0x00, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0x00], &[]);
        err(&d, "StreamData needs 4294967295 bytes");
        // PropertyValueCount 0xFFFF.
        let d = req_only(&[0x74, 0x00, 0x01, 0x00, 0xFF, 0xFF, 0x00], &[]);
        err(&d, "PropertyValueCount 65535 needs");
        // MessageReadStateSize 0xFFFF.
        let d = req_only(&[0x80, 0x00, 0x01, 0xFF, 0xFF, 0x02, 0x00], &[]);
        err(&d, "MessageReadStateSize 65535 exceeds");
        // PropertyTagCount 0xFFFF in RopSynchronizationConfigure.
        let d = req_only(&[0x70, 0x00, 0x00, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0, 0, 0, 0, 0xFF, 0xFF, 0x00], &[]);
        err(&d, "PropertyTagCount 65535 needs");
        // A truncated GlobalCount in a response.
        let d = resp_only(&GLRI_RESP[..25], &[]);
        err(&d, "GlobalCount needs 6 bytes");
    }

    #[test]
    fn truncation_sweep() {
        let irsc = import_read_state_req();
        let imm = import_message_move_req();
        let slrmd = midset_deleted_req();
        sweep(
            &[SC_REQ, SC_REQ_PLAIN, IMC_REQ, &irsc, IHC_REQ, ID_REQ, &imm, OC_REQ, GTS_REQ, USB_REQ, USC_REQ, USE_REQ, &slrmd, GLRI_REQ],
            &[
                SC_RESP, IMC_RESP, IMC_RESP_FAIL, IRSC_RESP, IHC_RESP, ID_RESP, IMM_RESP, IMM_RESP_FAIL, OC_RESP, GTS_RESP, USB_RESP,
                USC_RESP, USE_RESP, SLRMD_RESP, GLRI_RESP, GLRI_RESP_FAIL,
            ],
            &[0x100, 0x400],
        );
    }
}
