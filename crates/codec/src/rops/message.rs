//! [MS-OXCROPS] 2.2.6 Message ROPs, with the semantics of [MS-OXCMSG] 2.2.3: RopOpenMessage (0x03),
//! RopCreateMessage (0x06), RopSaveChangesMessage (0x0C), RopRemoveAllRecipients (0x0D),
//! RopModifyRecipients (0x0E), RopReadRecipients (0x0F), RopReloadCachedInformation (0x10),
//! RopSetMessageReadFlag (0x11), RopGetMessageStatus (0x1F), RopSetMessageStatus (0x20),
//! RopGetAttachmentTable (0x21), RopOpenAttachment (0x22), RopCreateAttachment (0x23),
//! RopDeleteAttachment (0x24), RopSaveChangesAttachment (0x25), RopOpenEmbeddedMessage (0x46),
//! RopGetValidAttachments (0x52), RopSetReadFlags (0x66).
//!
//! Context:
//! - RopOpenMessage, RopReloadCachedInformation and RopOpenEmbeddedMessage responses are
//!   self-describing: they carry the message's RecipientColumns before the OpenRecipientRows
//!   (2.2.6.1.2.1). Their successful responses remember those columns for the message's handle value
//!   (`Session::recipient_columns`), because RopReadRecipients rows (2.2.6.6.2.1) are RecipientRows
//!   ([MS-OXCDATA] 2.8.3) over them without carrying them. Every ReadRecipientRow is size-prefixed, so
//!   without the columns each RecipientRow is shown as bytes (with one Note) and the ROP list goes on.
//! - RopModifyRecipients requests carry their own RecipientColumns.
//! - RopSetMessageReadFlag's request ClientData (24 bytes, a LongTermID per [MS-OXCMSG] 2.2.3.11.1) is
//!   present only when the logon of its LogonId is not private (public folders), known from that
//!   logon's RopLogon. When the logon is unknown and bytes follow, ClientData and whatever follows
//!   cannot be told apart: they are shown as bytes to the end of the RopsList with a Note.
//! - Created objects are recorded from successful responses: Message (RopOpenMessage,
//!   RopCreateMessage, RopOpenEmbeddedMessage), Attachment (RopOpenAttachment, RopCreateAttachment),
//!   Table (RopGetAttachmentTable).
//!
//! Spec notes:
//! - [MS-OXCMSG] 4.8.1 shows SaveFlags 0x0A as "KeepOpenReadWrite" while the 2.2.3.3.1 table defines
//!   only 0x01, 0x02 and 0x04; 0x08 is MAPI_DEFERRED_ERRORS of IMAPIProp::SaveChanges (MAPI reference)
//!   and is shown with that name.
//! - The RecipientType byte of OpenRecipientRow, ReadRecipientRow and ModifyRecipientRow is a type
//!   (0x01 Primary, 0x02 Cc, 0x03 Bcc) OR-ed with resend flags ([MS-OXCMSG] 2.2.3.1.2); the flag
//!   values 0x10 and 0x80 are the high bits of PidTagRecipientType ([MS-OXOMSG] 2.2.3.1: 0x10000000
//!   needs delivery, 0x80000000 no delivery needed; MAPI_P1 / MAPI_SUBMITTED), as Microsoft's MAPI
//!   Inspector splits the byte.
//! - RopGetValidAttachments' response index is decoded as InputHandleIndex (the request has no
//!   OutputHandleIndex); Microsoft's MAPI Inspector labels it OutputHandleIndex.
//! - ReadRecipients' RowCount and OpenMessage's RowCount are 1 byte (as in gromox and MAPI Inspector).

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use super::context::{ObjectKind, Rop};
use super::{req_in, req_in_out, resp_in, resp_out, Decoder, INPUT_HANDLE_INDEX, LOGON_ID};
use crate::build::{Builder, Cur, R};
use crate::oxcdata;
use crate::props::property_tag;
use crate::tree::{Disp, Field, NameTable, Severity};

/// [MS-OXCMSG] 2.2.3.1.1 OpenModeFlags of RopOpenMessage (OpenSoftDeleted combines with the others).
pub static OPEN_MESSAGE_MODES: NameTable = &[
    (0x00, "ReadOnly"),
    (0x01, "ReadWrite"),
    (0x03, "BestAccess"),
    (0x04, "OpenSoftDeleted"),
    (0x05, "ReadWrite, OpenSoftDeleted"),
    (0x07, "BestAccess, OpenSoftDeleted"),
];

/// [MS-OXCMSG] 2.2.3.16.1 OpenModeFlags of RopOpenEmbeddedMessage.
pub static OPEN_EMBEDDED_MODES: NameTable = &[(0x00, "ReadOnly"), (0x01, "ReadWrite"), (0x02, "Create")];

/// [MS-OXCMSG] 2.2.3.12.1 OpenAttachmentFlags.
pub static OPEN_ATTACHMENT_MODES: NameTable = &[(0x00, "ReadOnly"), (0x01, "ReadWrite"), (0x03, "BestAccess")];

/// [MS-OXCMSG] 2.2.3.3.1 SaveFlags, and MAPI_DEFERRED_ERRORS 0x08 (see the module notes).
pub static SAVE_FLAGS: NameTable =
    &[(0x01, "KeepOpenReadOnly"), (0x02, "KeepOpenReadWrite"), (0x04, "ForceSave"), (0x08, "MAPI_DEFERRED_ERRORS")];

/// [MS-OXCMSG] 2.2.3.10.1 ReadFlags (rfDefault is 0x00).
pub static READ_FLAGS: NameTable = &[
    (0x01, "rfSuppressReceipt"),
    (0x04, "rfClearReadFlag"),
    (0x0A, "rfReserved"),
    (0x10, "rfGenerateReceiptOnly"),
    (0x20, "rfClearNotifyRead"),
    (0x40, "rfClearNotifyUnread"),
];

/// [MS-OXCMSG] 2.2.1.8 PidTagMessageStatus flags.
pub static MESSAGE_STATUS_FLAGS: NameTable =
    &[(0x0000_0800, "msInConflict"), (0x0000_1000, "msRemoteDownload"), (0x0000_2000, "msRemoteDelete")];

/// [MS-OXCMSG] 2.2.3.17.1 TableFlags of RopGetAttachmentTable.
pub static ATTACHMENT_TABLE_FLAGS: NameTable = &[(0x00, "Standard"), (0x40, "Unicode")];

/// [MS-OXCMSG] 2.2.3.1.1 the special CodePageId value.
pub static CODE_PAGE_IDS: NameTable = &[(0x0FFF, "code page of the logon")];

/// [MS-OXCMSG] 2.2.3.1.2 RecipientType: a type OR-ed with resend flags (see the module notes).
pub static RECIPIENT_TYPES: NameTable = &[
    (0x00, "no type"),
    (0x01, "Primary"),
    (0x02, "Cc"),
    (0x03, "Bcc"),
    (0x10, "P1"),
    (0x11, "Primary, P1"),
    (0x12, "Cc, P1"),
    (0x13, "Bcc, P1"),
    (0x80, "Submitted"),
    (0x81, "Primary, Submitted"),
    (0x82, "Cc, Submitted"),
    (0x83, "Bcc, Submitted"),
    (0x90, "P1, Submitted"),
    (0x91, "Primary, P1, Submitted"),
    (0x92, "Cc, P1, Submitted"),
    (0x93, "Bcc, P1, Submitted"),
];


crate::fields! {
    // RopOpenMessage 2.2.6.1
    OM_CODE_PAGE: U16 [Disp::HexNamed(CODE_PAGE_IDS)] = "mapihttp.rop.openmessage.codepageid", "CodePageId", "[MS-OXCROPS] 2.2.6.1.1 the code page of the message's non-Unicode strings; 0x0FFF: the logon's code page ([MS-OXCMSG] 2.2.3.1.1)";
    OM_FOLDER_ID: U64 [Disp::Fid] = "mapihttp.rop.openmessage.folderid", "FolderId", "[MS-OXCROPS] 2.2.6.1.1 the folder the message is opened from ([MS-OXCDATA] 2.2.1.1)";
    OM_OPEN_MODE: U8 [Disp::Names(OPEN_MESSAGE_MODES)] = "mapihttp.rop.openmessage.openmodeflags", "OpenModeFlags", "[MS-OXCROPS] 2.2.6.1.1 ReadOnly 0x00, ReadWrite 0x01, BestAccess 0x03, OpenSoftDeleted 0x04 ([MS-OXCMSG] 2.2.3.1.1)";
    OM_MESSAGE_ID: U64 [Disp::Fid] = "mapihttp.rop.openmessage.messageid", "MessageId", "[MS-OXCROPS] 2.2.6.1.1 the message to open ([MS-OXCDATA] 2.2.1.2)";
    OM_HAS_NAMED: Bool = "mapihttp.rop.openmessage.hasnamedproperties", "HasNamedProperties", "[MS-OXCROPS] 2.2.6.1.2 whether the message has named properties ([MS-OXCMSG] 2.2.3.1.2)";
    OM_PREFIX: Text = "mapihttp.rop.openmessage.subjectprefix", "SubjectPrefix", "[MS-OXCROPS] 2.2.6.1.2 PidTagSubjectPrefix as a TypedString ([MS-OXCDATA] 2.11.7)";
    OM_SUBJECT: Text = "mapihttp.rop.openmessage.normalizedsubject", "NormalizedSubject", "[MS-OXCROPS] 2.2.6.1.2 PidTagNormalizedSubject as a TypedString ([MS-OXCDATA] 2.11.7)";
    OM_RECIPIENT_COUNT: U16 = "mapihttp.rop.openmessage.recipientcount", "RecipientCount", "[MS-OXCROPS] 2.2.6.1.2 the number of recipients of the message";
    OM_COLUMN_COUNT: U16 = "mapihttp.rop.openmessage.columncount", "ColumnCount", "[MS-OXCROPS] 2.2.6.1.2 the number of RecipientColumns";
    OM_COLUMNS: None = "mapihttp.rop.openmessage.recipientcolumns", "RecipientColumns", "[MS-OXCROPS] 2.2.6.1.2 the property tags the RecipientRows (and later RopReadRecipients rows) have values for";
    OM_COLUMN: Text = "mapihttp.rop.openmessage.recipientcolumn", "PropertyTag", "[MS-OXCROPS] 2.2.6.1.2 one recipient column ([MS-OXCDATA] 2.9)";
    OM_ROW_COUNT: U8 = "mapihttp.rop.openmessage.rowcount", "RowCount", "[MS-OXCROPS] 2.2.6.1.2 the number of RecipientRows (at most RecipientCount)";
    OM_ROWS: None = "mapihttp.rop.openmessage.recipientrows", "RecipientRows", "[MS-OXCROPS] 2.2.6.1.2 OpenRecipientRows (2.2.6.1.2.1)";

    // OpenRecipientRow 2.2.6.1.2.1 (RopOpenMessage, RopReloadCachedInformation, RopOpenEmbeddedMessage)
    ORR: None = "mapihttp.rop.openrecipientrow", "OpenRecipientRow", "[MS-OXCROPS] 2.2.6.1.2.1 one recipient of an opened message";
    ORR_TYPE: U8 [Disp::Names(RECIPIENT_TYPES)] = "mapihttp.rop.openrecipientrow.recipienttype", "RecipientType", "[MS-OXCMSG] 2.2.3.1.2 the type of recipient: 0x01 Primary, 0x02 Cc, 0x03 Bcc, OR-ed with the resend flags 0x10 P1 (deliver again) and 0x80 Submitted (already received)";
    ORR_CODE_PAGE: U16 = "mapihttp.rop.openrecipientrow.codepageid", "CodePageId", "[MS-OXCROPS] 2.2.6.1.2.1 the code page of the recipient";
    ORR_RESERVED: U16 [Disp::Hex] = "mapihttp.rop.openrecipientrow.reserved", "Reserved", "[MS-OXCROPS] 2.2.6.1.2.1 reserved, 0x0000";
    ORR_SIZE: U16 [Disp::Unit("bytes")] = "mapihttp.rop.openrecipientrow.recipientrowsize", "RecipientRowSize", "[MS-OXCROPS] 2.2.6.1.2.1 the size of RecipientRow";

    // RopCreateMessage 2.2.6.2
    CM_CODE_PAGE: U16 [Disp::HexNamed(CODE_PAGE_IDS)] = "mapihttp.rop.createmessage.codepageid", "CodePageId", "[MS-OXCROPS] 2.2.6.2.1 the code page of the message; 0x0FFF: the logon's code page";
    CM_FOLDER_ID: U64 [Disp::Fid] = "mapihttp.rop.createmessage.folderid", "FolderId", "[MS-OXCROPS] 2.2.6.2.1 the parent folder ([MS-OXCDATA] 2.2.1.1)";
    CM_ASSOCIATED: Bool = "mapihttp.rop.createmessage.associatedflag", "AssociatedFlag", "[MS-OXCROPS] 2.2.6.2.1 whether the message is a folder associated information (FAI) message";
    CM_HAS_MID: Bool = "mapihttp.rop.createmessage.hasmessageid", "HasMessageId", "[MS-OXCROPS] 2.2.6.2.2 whether MessageId is present";
    CM_MESSAGE_ID: U64 [Disp::Fid] = "mapihttp.rop.createmessage.messageid", "MessageId", "[MS-OXCROPS] 2.2.6.2.2 the id of the created message ([MS-OXCDATA] 2.2.1.2)";

    // RopSaveChangesMessage 2.2.6.3
    SCM_RESPONSE_INDEX: U8 = "mapihttp.rop.savechangesmessage.responsehandleindex", "ResponseHandleIndex", "[MS-OXCROPS] 2.2.6.3.1/2.2.6.3.2 the handle index referenced in the response: the containing folder, or the embedded message ([MS-OXCMSG] 2.2.3.3)";
    SCM_SAVE_FLAGS: U8 [Disp::Flags(SAVE_FLAGS)] = "mapihttp.rop.savechangesmessage.saveflags", "SaveFlags", "[MS-OXCROPS] 2.2.6.3.1 KeepOpenReadOnly 0x01, KeepOpenReadWrite 0x02, ForceSave 0x04 ([MS-OXCMSG] 2.2.3.3.1)";
    SCM_MESSAGE_ID: U64 [Disp::Fid] = "mapihttp.rop.savechangesmessage.messageid", "MessageId", "[MS-OXCROPS] 2.2.6.3.2 the id of the saved message ([MS-OXCDATA] 2.2.1.2)";

    // RopRemoveAllRecipients 2.2.6.4
    RAR_RESERVED: U32 [Disp::Hex] = "mapihttp.rop.removeallrecipients.reserved", "Reserved", "[MS-OXCROPS] 2.2.6.4.1 reserved";

    // RopModifyRecipients 2.2.6.5
    MR_COLUMN_COUNT: U16 = "mapihttp.rop.modifyrecipients.columncount", "ColumnCount", "[MS-OXCROPS] 2.2.6.5.1 the number of RecipientColumns";
    MR_COLUMNS: None = "mapihttp.rop.modifyrecipients.recipientcolumns", "RecipientColumns", "[MS-OXCROPS] 2.2.6.5.1 the property tags the RecipientRows have values for";
    MR_COLUMN: Text = "mapihttp.rop.modifyrecipients.recipientcolumn", "PropertyTag", "[MS-OXCROPS] 2.2.6.5.1 one recipient column ([MS-OXCDATA] 2.9)";
    MR_ROW_COUNT: U16 = "mapihttp.rop.modifyrecipients.rowcount", "RowCount", "[MS-OXCROPS] 2.2.6.5.1 the number of RecipientRows";
    MR_ROWS: None = "mapihttp.rop.modifyrecipients.recipientrows", "RecipientRows", "[MS-OXCROPS] 2.2.6.5.1 ModifyRecipientRows (2.2.6.5.1.1)";
    MR_ROW: None = "mapihttp.rop.modifyrecipients.modifyrecipientrow", "ModifyRecipientRow", "[MS-OXCROPS] 2.2.6.5.1.1 one recipient to add, change or (RecipientRowSize 0) remove";
    MR_ROW_ID: U32 = "mapihttp.rop.modifyrecipients.rowid", "RowId", "[MS-OXCROPS] 2.2.6.5.1.1 the id of the recipient";
    MR_TYPE: U8 [Disp::Names(RECIPIENT_TYPES)] = "mapihttp.rop.modifyrecipients.recipienttype", "RecipientType", "[MS-OXCMSG] 2.2.3.1.2 the type of recipient: 0x01 Primary, 0x02 Cc, 0x03 Bcc, OR-ed with the resend flags 0x10 P1 (deliver again) and 0x80 Submitted (already received)";
    MR_SIZE: U16 [Disp::Unit("bytes")] = "mapihttp.rop.modifyrecipients.recipientrowsize", "RecipientRowSize", "[MS-OXCROPS] 2.2.6.5.1.1 the size of RecipientRow (0: the recipient is removed)";

    // RopReadRecipients 2.2.6.6
    RR_ROW_ID: U32 = "mapihttp.rop.readrecipients.rowid", "RowId", "[MS-OXCROPS] 2.2.6.6.1/2.2.6.6.2.1 request: the first recipient to read (0: all); row: the id of the recipient";
    RR_RESERVED: U16 [Disp::Hex] = "mapihttp.rop.readrecipients.reserved", "Reserved", "[MS-OXCROPS] 2.2.6.6.1/2.2.6.6.2.1 reserved, 0x0000";
    RR_ROW_COUNT: U8 = "mapihttp.rop.readrecipients.rowcount", "RowCount", "[MS-OXCROPS] 2.2.6.6.2 the number of RecipientRows";
    RR_ROWS: None = "mapihttp.rop.readrecipients.recipientrows", "RecipientRows", "[MS-OXCROPS] 2.2.6.6.2 ReadRecipientRows (2.2.6.6.2.1)";
    RR_ROW: None = "mapihttp.rop.readrecipients.readrecipientrow", "ReadRecipientRow", "[MS-OXCROPS] 2.2.6.6.2.1 one recipient";
    RR_TYPE: U8 [Disp::Names(RECIPIENT_TYPES)] = "mapihttp.rop.readrecipients.recipienttype", "RecipientType", "[MS-OXCMSG] 2.2.3.1.2 the type of recipient: 0x01 Primary, 0x02 Cc, 0x03 Bcc, OR-ed with the resend flags 0x10 P1 (deliver again) and 0x80 Submitted (already received)";
    RR_CODE_PAGE: U16 = "mapihttp.rop.readrecipients.codepageid", "CodePageId", "[MS-OXCROPS] 2.2.6.6.2.1 the code page of the recipient";
    RR_SIZE: U16 [Disp::Unit("bytes")] = "mapihttp.rop.readrecipients.recipientrowsize", "RecipientRowSize", "[MS-OXCROPS] 2.2.6.6.2.1 the size of RecipientRow";
    RR_ROW_BYTES: Bytes = "mapihttp.rop.readrecipients.recipientrow_bytes", "RecipientRow", "[MS-OXCROPS] 2.2.6.6.2.1 the RecipientRow ([MS-OXCDATA] 2.8.3) as bytes, because the message's recipient columns are unknown";

    // RopReloadCachedInformation 2.2.6.7
    RCI_RESERVED: U16 [Disp::Hex] = "mapihttp.rop.reloadcachedinformation.reserved", "Reserved", "[MS-OXCROPS] 2.2.6.7.1 reserved, 0x0000";
    RCI_HAS_NAMED: Bool = "mapihttp.rop.reloadcachedinformation.hasnamedproperties", "HasNamedProperties", "[MS-OXCROPS] 2.2.6.7.2 whether the message has named properties";
    RCI_PREFIX: Text = "mapihttp.rop.reloadcachedinformation.subjectprefix", "SubjectPrefix", "[MS-OXCROPS] 2.2.6.7.2 PidTagSubjectPrefix as a TypedString ([MS-OXCDATA] 2.11.7)";
    RCI_SUBJECT: Text = "mapihttp.rop.reloadcachedinformation.normalizedsubject", "NormalizedSubject", "[MS-OXCROPS] 2.2.6.7.2 PidTagNormalizedSubject as a TypedString ([MS-OXCDATA] 2.11.7)";
    RCI_RECIPIENT_COUNT: U16 = "mapihttp.rop.reloadcachedinformation.recipientcount", "RecipientCount", "[MS-OXCROPS] 2.2.6.7.2 the number of recipients of the message";
    RCI_COLUMN_COUNT: U16 = "mapihttp.rop.reloadcachedinformation.columncount", "ColumnCount", "[MS-OXCROPS] 2.2.6.7.2 the number of RecipientColumns";
    RCI_COLUMNS: None = "mapihttp.rop.reloadcachedinformation.recipientcolumns", "RecipientColumns", "[MS-OXCROPS] 2.2.6.7.2 the property tags the RecipientRows (and later RopReadRecipients rows) have values for";
    RCI_COLUMN: Text = "mapihttp.rop.reloadcachedinformation.recipientcolumn", "PropertyTag", "[MS-OXCROPS] 2.2.6.7.2 one recipient column ([MS-OXCDATA] 2.9)";
    RCI_ROW_COUNT: U8 = "mapihttp.rop.reloadcachedinformation.rowcount", "RowCount", "[MS-OXCROPS] 2.2.6.7.2 the number of RecipientRows";
    RCI_ROWS: None = "mapihttp.rop.reloadcachedinformation.recipientrows", "RecipientRows", "[MS-OXCROPS] 2.2.6.7.2 OpenRecipientRows (2.2.6.1.2.1)";

    // RopSetMessageStatus 2.2.6.8, RopGetMessageStatus 2.2.6.9
    SMS_MESSAGE_ID: U64 [Disp::Fid] = "mapihttp.rop.setmessagestatus.messageid", "MessageId", "[MS-OXCROPS] 2.2.6.8.1 the message whose status is changed ([MS-OXCDATA] 2.2.1.2)";
    SMS_FLAGS: U32 [Disp::Flags(MESSAGE_STATUS_FLAGS)] = "mapihttp.rop.setmessagestatus.messagestatusflags", "MessageStatusFlags", "[MS-OXCROPS] 2.2.6.8.1/2.2.6.8.2 request: the status flags to set; response: the status before the change ([MS-OXCMSG] 2.2.1.8)";
    SMS_MASK: U32 [Disp::Flags(MESSAGE_STATUS_FLAGS)] = "mapihttp.rop.setmessagestatus.messagestatusmask", "MessageStatusMask", "[MS-OXCROPS] 2.2.6.8.1 which status bits are changed ([MS-OXCMSG] 3.2.5.8)";
    GMS_MESSAGE_ID: U64 [Disp::Fid] = "mapihttp.rop.getmessagestatus.messageid", "MessageId", "[MS-OXCROPS] 2.2.6.9.1 the message whose status is read ([MS-OXCDATA] 2.2.1.2)";
    GMS_FLAGS: U32 [Disp::Flags(MESSAGE_STATUS_FLAGS)] = "mapihttp.rop.getmessagestatus.messagestatusflags", "MessageStatusFlags", "[MS-OXCROPS] 2.2.6.9.2 the status of the message ([MS-OXCMSG] 2.2.1.8)";

    // RopSetReadFlags 2.2.6.10
    SRF_ASYNC: Bool = "mapihttp.rop.setreadflags.wantasynchronous", "WantAsynchronous", "[MS-OXCROPS] 2.2.6.10.1 whether the server may process the ROP asynchronously (RopProgress)";
    SRF_READ_FLAGS: U8 [Disp::Flags(READ_FLAGS)] = "mapihttp.rop.setreadflags.readflags", "ReadFlags", "[MS-OXCROPS] 2.2.6.10.1 how the read state changes; 0x00 rfDefault ([MS-OXCMSG] 2.2.3.10.1)";
    SRF_MID_COUNT: U16 = "mapihttp.rop.setreadflags.messageidcount", "MessageIdCount", "[MS-OXCROPS] 2.2.6.10.1 the number of MessageIds";
    SRF_MIDS: None = "mapihttp.rop.setreadflags.messageids", "MessageIds", "[MS-OXCROPS] 2.2.6.10.1 the messages whose read state changes";
    SRF_MID: U64 [Disp::Fid] = "mapihttp.rop.setreadflags.messageid", "MessageId", "[MS-OXCROPS] 2.2.6.10.1 one message ([MS-OXCDATA] 2.2.1.2)";
    SRF_PARTIAL: Bool = "mapihttp.rop.setreadflags.partialcompletion", "PartialCompletion", "[MS-OXCROPS] 2.2.6.10.2 whether some of the messages could not be changed";

    // RopSetMessageReadFlag 2.2.6.11
    SMRF_RESPONSE_INDEX: U8 = "mapihttp.rop.setmessagereadflag.responsehandleindex", "ResponseHandleIndex", "[MS-OXCROPS] 2.2.6.11.1/2.2.6.11.2 the handle index referenced in the response (a folder, [MS-OXCMSG] 2.2.3.11)";
    SMRF_READ_FLAGS: U8 [Disp::Flags(READ_FLAGS)] = "mapihttp.rop.setmessagereadflag.readflags", "ReadFlags", "[MS-OXCROPS] 2.2.6.11.1 how the read state changes; 0x00 rfDefault ([MS-OXCMSG] 2.2.3.10.1)";
    SMRF_CLIENT_DATA: Text = "mapihttp.rop.setmessagereadflag.clientdata", "ClientData", "[MS-OXCROPS] 2.2.6.11.1/2.2.6.11.2 a LongTermID of the message, present in public folder logons ([MS-OXCMSG] 2.2.3.11.1)";
    SMRF_CLIENT_DATA_BYTES: Bytes = "mapihttp.rop.setmessagereadflag.clientdata_bytes", "ClientData", "[MS-OXCROPS] 2.2.6.11.1 ClientData (if the logon is not private) and any ROPs after it, as bytes: the logon's kind is unknown";
    SMRF_CHANGED: Bool = "mapihttp.rop.setmessagereadflag.readstatuschanged", "ReadStatusChanged", "[MS-OXCROPS] 2.2.6.11.2 whether the read status of a public folder message changed (LogonId and ClientData follow)";
    SMRF_LOGON_ID: U8 = "mapihttp.rop.setmessagereadflag.logonid", "LogonId", "[MS-OXCROPS] 2.2.6.11.2 the logon of the request, present when ReadStatusChanged is nonzero";

    // RopOpenAttachment 2.2.6.12, RopCreateAttachment 2.2.6.13, RopDeleteAttachment 2.2.6.14
    OA_FLAGS: U8 [Disp::Names(OPEN_ATTACHMENT_MODES)] = "mapihttp.rop.openattachment.openattachmentflags", "OpenAttachmentFlags", "[MS-OXCROPS] 2.2.6.12.1 ReadOnly 0x00, ReadWrite 0x01, BestAccess 0x03 ([MS-OXCMSG] 2.2.3.12.1)";
    OA_ATTACHMENT_ID: U32 = "mapihttp.rop.openattachment.attachmentid", "AttachmentID", "[MS-OXCROPS] 2.2.6.12.1 the attachment to open (PidTagAttachNumber)";
    CA_ATTACHMENT_ID: U32 = "mapihttp.rop.createattachment.attachmentid", "AttachmentID", "[MS-OXCROPS] 2.2.6.13.2 the id of the created attachment";
    DA_ATTACHMENT_ID: U32 = "mapihttp.rop.deleteattachment.attachmentid", "AttachmentID", "[MS-OXCROPS] 2.2.6.14.1 the attachment to delete";

    // RopSaveChangesAttachment 2.2.6.15
    SCA_RESPONSE_INDEX: U8 = "mapihttp.rop.savechangesattachment.responsehandleindex", "ResponseHandleIndex", "[MS-OXCROPS] 2.2.6.15.1/2.2.6.15.2 the handle index referenced in the response (the message, [MS-OXCMSG] 2.2.3.15)";
    SCA_SAVE_FLAGS: U8 [Disp::Flags(SAVE_FLAGS)] = "mapihttp.rop.savechangesattachment.saveflags", "SaveFlags", "[MS-OXCROPS] 2.2.6.15.1 as RopSaveChangesMessage's SaveFlags ([MS-OXCMSG] 2.2.3.15.1, 2.2.3.3.1)";

    // RopOpenEmbeddedMessage 2.2.6.16
    OEM_CODE_PAGE: U16 [Disp::HexNamed(CODE_PAGE_IDS)] = "mapihttp.rop.openembeddedmessage.codepageid", "CodePageId", "[MS-OXCROPS] 2.2.6.16.1 the code page of the message's non-Unicode strings ([MS-OXCMSG] 2.2.3.16.1)";
    OEM_OPEN_MODE: U8 [Disp::Names(OPEN_EMBEDDED_MODES)] = "mapihttp.rop.openembeddedmessage.openmodeflags", "OpenModeFlags", "[MS-OXCROPS] 2.2.6.16.1 ReadOnly 0x00, ReadWrite 0x01, Create 0x02 ([MS-OXCMSG] 2.2.3.16.1)";
    OEM_RESERVED: U8 [Disp::Hex] = "mapihttp.rop.openembeddedmessage.reserved", "Reserved", "[MS-OXCROPS] 2.2.6.16.2 reserved, 0x00";
    OEM_MESSAGE_ID: U64 [Disp::Fid] = "mapihttp.rop.openembeddedmessage.messageid", "MessageId", "[MS-OXCROPS] 2.2.6.16.2 the id of the embedded message ([MS-OXCDATA] 2.2.1.2)";
    OEM_HAS_NAMED: Bool = "mapihttp.rop.openembeddedmessage.hasnamedproperties", "HasNamedProperties", "[MS-OXCROPS] 2.2.6.16.2 whether the message has named properties";
    OEM_PREFIX: Text = "mapihttp.rop.openembeddedmessage.subjectprefix", "SubjectPrefix", "[MS-OXCROPS] 2.2.6.16.2 PidTagSubjectPrefix as a TypedString ([MS-OXCDATA] 2.11.7)";
    OEM_SUBJECT: Text = "mapihttp.rop.openembeddedmessage.normalizedsubject", "NormalizedSubject", "[MS-OXCROPS] 2.2.6.16.2 PidTagNormalizedSubject as a TypedString ([MS-OXCDATA] 2.11.7)";
    OEM_RECIPIENT_COUNT: U16 = "mapihttp.rop.openembeddedmessage.recipientcount", "RecipientCount", "[MS-OXCROPS] 2.2.6.16.2 the number of recipients of the message";
    OEM_COLUMN_COUNT: U16 = "mapihttp.rop.openembeddedmessage.columncount", "ColumnCount", "[MS-OXCROPS] 2.2.6.16.2 the number of RecipientColumns";
    OEM_COLUMNS: None = "mapihttp.rop.openembeddedmessage.recipientcolumns", "RecipientColumns", "[MS-OXCROPS] 2.2.6.16.2 the property tags the RecipientRows (and later RopReadRecipients rows) have values for";
    OEM_COLUMN: Text = "mapihttp.rop.openembeddedmessage.recipientcolumn", "PropertyTag", "[MS-OXCROPS] 2.2.6.16.2 one recipient column ([MS-OXCDATA] 2.9)";
    OEM_ROW_COUNT: U8 = "mapihttp.rop.openembeddedmessage.rowcount", "RowCount", "[MS-OXCROPS] 2.2.6.16.2 the number of RecipientRows";
    OEM_ROWS: None = "mapihttp.rop.openembeddedmessage.recipientrows", "RecipientRows", "[MS-OXCROPS] 2.2.6.16.2 OpenRecipientRows (2.2.6.1.2.1)";

    // RopGetAttachmentTable 2.2.6.17, RopGetValidAttachments 2.2.6.18
    GAT_FLAGS: U8 [Disp::Names(ATTACHMENT_TABLE_FLAGS)] = "mapihttp.rop.getattachmenttable.tableflags", "TableFlags", "[MS-OXCROPS] 2.2.6.17.1 Standard 0x00, Unicode 0x40 (string columns in Unicode) ([MS-OXCMSG] 2.2.3.17.1)";
    GVA_COUNT: U16 = "mapihttp.rop.getvalidattachments.attachmentidcount", "AttachmentIdCount", "[MS-OXCROPS] 2.2.6.18.2 the number of AttachmentIds";
    GVA_IDS: None = "mapihttp.rop.getvalidattachments.attachmentidarray", "AttachmentIdArray", "[MS-OXCROPS] 2.2.6.18.2 the ids of the saved attachments of the message";
    GVA_ID: U32 = "mapihttp.rop.getvalidattachments.attachmentid", "AttachmentId", "[MS-OXCROPS] 2.2.6.18.2 one attachment id";
}

/// The decoders of this family, one row per ROP.
pub static DECODERS: &[Decoder] = &[
    crate::rop!(0x03, Some(open_message_req), Some(open_message_resp)),
    crate::rop!(0x06, Some(create_message_req), Some(create_message_resp)),
    crate::rop!(0x0C, Some(save_changes_message_req), Some(save_changes_message_resp)),
    crate::rop!(0x0D, Some(remove_all_recipients_req), Some(header_only_resp)),
    crate::rop!(0x0E, Some(modify_recipients_req), Some(header_only_resp)),
    crate::rop!(0x0F, Some(read_recipients_req), Some(read_recipients_resp)),
    crate::rop!(0x10, Some(reload_cached_information_req), Some(reload_cached_information_resp)),
    crate::rop!(0x11, Some(set_message_read_flag_req), Some(set_message_read_flag_resp)),
    crate::rop!(0x1F, Some(get_message_status_req), Some(get_message_status_resp)),
    crate::rop!(0x20, Some(set_message_status_req), Some(set_message_status_resp)),
    crate::rop!(0x21, Some(get_attachment_table_req), Some(get_attachment_table_resp)),
    crate::rop!(0x22, Some(open_attachment_req), Some(open_attachment_resp)),
    crate::rop!(0x23, Some(req_in_out), Some(create_attachment_resp)),
    crate::rop!(0x24, Some(delete_attachment_req), Some(header_only_resp)),
    crate::rop!(0x25, Some(save_changes_attachment_req), Some(save_changes_attachment_resp)),
    crate::rop!(0x46, Some(open_embedded_message_req), Some(open_embedded_message_resp)),
    crate::rop!(0x52, Some(req_in), Some(get_valid_attachments_resp)),
    crate::rop!(0x66, Some(set_read_flags_req), Some(set_read_flags_resp)),
];

/// Minimum size of an OpenRecipientRow: RecipientType, CodePageId, Reserved, RecipientRowSize.
const OPEN_ROW_MIN: usize = 7;
/// Minimum size of a ReadRecipientRow: RowId and the OpenRecipientRow fields.
const READ_ROW_MIN: usize = 11;
/// Minimum size of a ModifyRecipientRow: RowId, RecipientType, RecipientRowSize.
const MODIFY_ROW_MIN: usize = 7;

// ----- shared pieces -----------------------------------------------------------------------

/// Responses that are the handle index and ReturnValue only (RopRemoveAllRecipients,
/// RopModifyRecipients, RopDeleteAttachment).
fn header_only_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    resp_in(b, c, x).map(|_| ())
}

/// A response handle index read as field `f`, checked against the request's `want` when paired.
fn resp_index(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &Rop<'_>, f: &'static Field, want: Option<u8>) -> R<u8> {
    let got = b.u8(c, f)?;
    if let (true, Some(w)) = (x.paired, want) {
        if w != got {
            let msg = format!("handle index {got} differs from the request's {w}");
            b.diag(Severity::Warning, msg, c.src(), c.pos().saturating_sub(1), 1);
        }
    }
    Ok(got)
}

/// The ResponseHandleIndex a request stored in its info (`values[0]`).
fn stored_response_index(x: &Rop<'_>) -> Option<u8> {
    x.info.values.first().and_then(|&v| u8::try_from(v).ok())
}

/// A reserved u16 with a Note when it is not zero.
fn reserved_u16(b: &mut Builder<'_>, c: &mut Cur<'_>, f: &'static Field) -> R<()> {
    if b.u16(c, f)? != 0 {
        b.diag(Severity::Note, format!("{} should be 0x0000", f.name), c.src(), c.pos().saturating_sub(2), 2);
    }
    Ok(())
}

/// A u16 count and that many PropertyTags grouped under `group`; returns the tags.
fn tag_array(
    b: &mut Builder<'_>,
    c: &mut Cur<'_>,
    count: &'static Field,
    group: &'static Field,
    tag: &'static Field,
) -> R<Vec<u32>> {
    let n = b.u16(c, count)?;
    let n = b.check_count(c, count, n.into(), 4)?;
    let mut tags = Vec::with_capacity(n);
    if n > 0 {
        b.group(c, group, |b, c| {
            for _ in 0..n {
                tags.push(property_tag(b, c, tag)?);
            }
            Ok(())
        })?;
    }
    Ok(tags)
}

/// How a RecipientRow is shown: decoded over the recipient columns, or as bytes (field) when the
/// columns are unknown.
enum RowLayout<'a> {
    Columns(&'a [u32]),
    Bytes(&'static Field),
}

/// A RecipientRow of exactly `n` bytes ([MS-OXCDATA] 2.8.3). The size bounds the row, so a malformed
/// row does not stop the rows after it (its error is already recorded).
fn sized_recipient_row(b: &mut Builder<'_>, c: &mut Cur<'_>, n: usize, layout: RowLayout<'_>) -> R<()> {
    if n == 0 {
        return Ok(());
    }
    if c.left() < n {
        return b.fail(c, format!("truncated: RecipientRow needs {n} bytes, {} left", c.left()));
    }
    let mut w = c.window(n);
    match layout {
        RowLayout::Columns(cols) => {
            if oxcdata::recipient_row(b, &mut w, cols).is_ok() && !w.is_empty() {
                let left = w.left();
                b.diag(Severity::Warning, format!("RecipientRow has {left} unread bytes"), w.src(), w.pos(), left);
            }
        }
        RowLayout::Bytes(f) => {
            b.bytes(&mut w, f, n)?;
        }
    }
    c.advance(n);
    Ok(())
}

/// [MS-OXCROPS] 2.2.6.1.2.1 OpenRecipientRow over the message's recipient columns.
fn open_recipient_row(b: &mut Builder<'_>, c: &mut Cur<'_>, cols: &[u32]) -> R<()> {
    b.group(c, &ORR, |b, c| {
        b.u8(c, &ORR_TYPE)?;
        b.u16(c, &ORR_CODE_PAGE)?;
        reserved_u16(b, c, &ORR_RESERVED)?;
        let n = usize::from(b.u16(c, &ORR_SIZE)?);
        sized_recipient_row(b, c, n, RowLayout::Columns(cols))
    })
}

/// The fields of the message information that RopOpenMessage, RopReloadCachedInformation and
/// RopOpenEmbeddedMessage responses share.
struct MessageFields {
    has_named: &'static Field,
    prefix: &'static Field,
    subject: &'static Field,
    recipient_count: &'static Field,
    column_count: &'static Field,
    columns: &'static Field,
    column: &'static Field,
    row_count: &'static Field,
    rows: &'static Field,
}

const OM_FIELDS: MessageFields = MessageFields {
    has_named: &OM_HAS_NAMED,
    prefix: &OM_PREFIX,
    subject: &OM_SUBJECT,
    recipient_count: &OM_RECIPIENT_COUNT,
    column_count: &OM_COLUMN_COUNT,
    columns: &OM_COLUMNS,
    column: &OM_COLUMN,
    row_count: &OM_ROW_COUNT,
    rows: &OM_ROWS,
};

const RCI_FIELDS: MessageFields = MessageFields {
    has_named: &RCI_HAS_NAMED,
    prefix: &RCI_PREFIX,
    subject: &RCI_SUBJECT,
    recipient_count: &RCI_RECIPIENT_COUNT,
    column_count: &RCI_COLUMN_COUNT,
    columns: &RCI_COLUMNS,
    column: &RCI_COLUMN,
    row_count: &RCI_ROW_COUNT,
    rows: &RCI_ROWS,
};

const OEM_FIELDS: MessageFields = MessageFields {
    has_named: &OEM_HAS_NAMED,
    prefix: &OEM_PREFIX,
    subject: &OEM_SUBJECT,
    recipient_count: &OEM_RECIPIENT_COUNT,
    column_count: &OEM_COLUMN_COUNT,
    columns: &OEM_COLUMNS,
    column: &OEM_COLUMN,
    row_count: &OEM_ROW_COUNT,
    rows: &OEM_ROWS,
};

/// HasNamedProperties, SubjectPrefix, NormalizedSubject, RecipientCount, ColumnCount,
/// RecipientColumns, RowCount, RecipientRows. The columns are remembered for the message's handle
/// value `handle` as soon as they are read.
fn message_information(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>, f: &MessageFields, handle: Option<u32>) -> R<()> {
    b.bool8(c, f.has_named)?;
    oxcdata::typed_string(b, c, f.prefix)?;
    oxcdata::typed_string(b, c, f.subject)?;
    let recipients = b.u16(c, f.recipient_count)?;
    let cols = tag_array(b, c, f.column_count, f.columns, f.column)?;
    if let Some(h) = handle {
        x.ctx.session.recipient_columns.insert(h, cols.clone());
    }
    let rows = b.u8(c, f.row_count)?;
    if u16::from(rows) > recipients {
        let msg = format!("RowCount {rows} exceeds RecipientCount {recipients}");
        b.diag(Severity::Warning, msg, c.src(), c.pos().saturating_sub(1), 1);
    }
    let n = b.check_count(c, f.row_count, rows.into(), OPEN_ROW_MIN)?;
    if n > 0 {
        b.group(c, f.rows, |b, c| {
            for _ in 0..n {
                open_recipient_row(b, c, &cols)?;
            }
            Ok(())
        })?;
    }
    Ok(())
}

/// The handle value at `index`: the response's handle table, else the request's.
fn handle_value(x: &Rop<'_>, index: u8) -> Option<u32> {
    x.handle(index)
        .or_else(|| x.ctx.exec.request_handles.get(usize::from(index)).copied().filter(|&h| h != 0xFFFF_FFFF))
}

// ----- RopOpenMessage 2.2.6.1 --------------------------------------------------------------

/// 2.2.6.1.1: LogonId, InputHandleIndex, OutputHandleIndex, CodePageId, FolderId, OpenModeFlags,
/// MessageId.
fn open_message_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in_out(b, c, x)?;
    b.u16(c, &OM_CODE_PAGE)?;
    oxcdata::folder_id(b, c, &OM_FOLDER_ID)?;
    b.u8(c, &OM_OPEN_MODE)?;
    oxcdata::folder_id(b, c, &OM_MESSAGE_ID)?;
    Ok(())
}

/// 2.2.6.1.2 / 2.2.6.1.3: OutputHandleIndex, ReturnValue, and on success the message information.
fn open_message_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    let wire = c.peek_u8();
    if resp_out(b, c, x)? != 0 {
        return Ok(());
    }
    let idx = x.info.output_index.or(wire);
    if let Some(i) = idx {
        x.created(i, ObjectKind::Message);
    }
    let handle = idx.and_then(|i| x.handle(i));
    message_information(b, c, x, &OM_FIELDS, handle)
}

// ----- RopCreateMessage 2.2.6.2 ------------------------------------------------------------

/// 2.2.6.2.1: LogonId, InputHandleIndex, OutputHandleIndex, CodePageId, FolderId, AssociatedFlag.
fn create_message_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in_out(b, c, x)?;
    b.u16(c, &CM_CODE_PAGE)?;
    oxcdata::folder_id(b, c, &CM_FOLDER_ID)?;
    b.bool8(c, &CM_ASSOCIATED)?;
    Ok(())
}

/// 2.2.6.2.2 / 2.2.6.2.3: OutputHandleIndex, ReturnValue, and on success HasMessageId and MessageId
/// when HasMessageId is nonzero.
fn create_message_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    let wire = c.peek_u8();
    if resp_out(b, c, x)? != 0 {
        return Ok(());
    }
    if let Some(i) = x.info.output_index.or(wire) {
        x.created(i, ObjectKind::Message);
    }
    if b.bool8(c, &CM_HAS_MID)? {
        oxcdata::folder_id(b, c, &CM_MESSAGE_ID)?;
    }
    Ok(())
}

// ----- RopSaveChangesMessage 2.2.6.3 -------------------------------------------------------

/// 2.2.6.3.1: LogonId, ResponseHandleIndex, InputHandleIndex, SaveFlags.
fn save_changes_message_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    x.info.logon_id = Some(b.u8(c, &LOGON_ID)?);
    let r = b.u8(c, &SCM_RESPONSE_INDEX)?;
    x.info.values = alloc::vec![u64::from(r)];
    x.info.input_index = Some(b.u8(c, &INPUT_HANDLE_INDEX)?);
    b.u8(c, &SCM_SAVE_FLAGS)?;
    Ok(())
}

/// 2.2.6.3.2 / 2.2.6.3.3: ResponseHandleIndex, ReturnValue, and on success InputHandleIndex and
/// MessageId.
fn save_changes_message_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    let want = stored_response_index(x);
    resp_index(b, c, x, &SCM_RESPONSE_INDEX, want)?;
    if super::return_value(b, c)? != 0 {
        return Ok(());
    }
    let want = x.info.input_index;
    resp_index(b, c, x, &INPUT_HANDLE_INDEX, want)?;
    oxcdata::folder_id(b, c, &SCM_MESSAGE_ID)?;
    Ok(())
}

// ----- RopRemoveAllRecipients 2.2.6.4, RopModifyRecipients 2.2.6.5 -------------------------

/// 2.2.6.4.1: LogonId, InputHandleIndex, Reserved (4 bytes).
fn remove_all_recipients_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in(b, c, x)?;
    b.u32(c, &RAR_RESERVED)?;
    Ok(())
}

/// 2.2.6.5.1: ColumnCount, RecipientColumns, RowCount, RecipientRows (ModifyRecipientRow: RowId,
/// RecipientType, RecipientRowSize, RecipientRow over the request's own columns).
fn modify_recipients_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in(b, c, x)?;
    let cols = tag_array(b, c, &MR_COLUMN_COUNT, &MR_COLUMNS, &MR_COLUMN)?;
    let rows = b.u16(c, &MR_ROW_COUNT)?;
    let n = b.check_count(c, &MR_ROW_COUNT, rows.into(), MODIFY_ROW_MIN)?;
    if n > 0 {
        b.group(c, &MR_ROWS, |b, c| {
            for _ in 0..n {
                b.group(c, &MR_ROW, |b, c| {
                    b.u32(c, &MR_ROW_ID)?;
                    b.u8(c, &MR_TYPE)?;
                    let size = usize::from(b.u16(c, &MR_SIZE)?);
                    sized_recipient_row(b, c, size, RowLayout::Columns(&cols))
                })?;
            }
            Ok(())
        })?;
    }
    Ok(())
}

// ----- RopReadRecipients 2.2.6.6 -----------------------------------------------------------

/// 2.2.6.6.1: LogonId, InputHandleIndex, RowId, Reserved.
fn read_recipients_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in(b, c, x)?;
    b.u32(c, &RR_ROW_ID)?;
    reserved_u16(b, c, &RR_RESERVED)
}

/// 2.2.6.6.2 / 2.2.6.6.3: InputHandleIndex, ReturnValue, and on success RowCount and
/// ReadRecipientRows, whose RecipientRows are laid out by the message's remembered recipient
/// columns (module docs).
fn read_recipients_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    let wire = c.peek_u8();
    if resp_in(b, c, x)? != 0 {
        return Ok(());
    }
    let idx = if x.paired { x.info.input_index.or(wire) } else { wire };
    let handle = idx.and_then(|i| handle_value(x, i));
    let cols = handle.and_then(|h| x.ctx.session.recipient_columns.get(&h).cloned());
    let rows = b.u8(c, &RR_ROW_COUNT)?;
    let n = b.check_count(c, &RR_ROW_COUNT, rows.into(), READ_ROW_MIN)?;
    if n == 0 {
        return Ok(());
    }
    if cols.is_none() {
        let which = match (idx, handle) {
            (Some(i), Some(h)) => format!("InputHandleIndex {i}, handle 0x{h:08X}"),
            (Some(i), None) => format!("InputHandleIndex {i}"),
            _ => String::from("handle unknown"),
        };
        let msg = format!(
            "recipient columns unknown: no RopOpenMessage, RopReloadCachedInformation or RopOpenEmbeddedMessage \
             response seen for this message ({which}); each RecipientRow is shown as bytes"
        );
        b.diag_at(c, Severity::Note, msg, 0);
    }
    b.group(c, &RR_ROWS, |b, c| {
        for _ in 0..n {
            b.group(c, &RR_ROW, |b, c| {
                b.u32(c, &RR_ROW_ID)?;
                b.u8(c, &RR_TYPE)?;
                b.u16(c, &RR_CODE_PAGE)?;
                reserved_u16(b, c, &RR_RESERVED)?;
                let size = usize::from(b.u16(c, &RR_SIZE)?);
                let layout = match cols.as_deref() {
                    Some(cols) => RowLayout::Columns(cols),
                    None => RowLayout::Bytes(&RR_ROW_BYTES),
                };
                sized_recipient_row(b, c, size, layout)
            })?;
        }
        Ok(())
    })
}

// ----- RopReloadCachedInformation 2.2.6.7 --------------------------------------------------

/// 2.2.6.7.1: LogonId, InputHandleIndex, Reserved.
fn reload_cached_information_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in(b, c, x)?;
    reserved_u16(b, c, &RCI_RESERVED)
}

/// 2.2.6.7.2 / 2.2.6.7.3: InputHandleIndex, ReturnValue, and on success the message information
/// (as RopOpenMessage's); the columns are remembered for the message at InputHandleIndex.
fn reload_cached_information_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    let wire = c.peek_u8();
    if resp_in(b, c, x)? != 0 {
        return Ok(());
    }
    let idx = if x.paired { x.info.input_index.or(wire) } else { wire };
    let handle = idx.and_then(|i| handle_value(x, i));
    message_information(b, c, x, &RCI_FIELDS, handle)
}

// ----- RopSetMessageStatus 2.2.6.8, RopGetMessageStatus 2.2.6.9 -----------------------------

/// 2.2.6.8.1: LogonId, InputHandleIndex, MessageId, MessageStatusFlags, MessageStatusMask.
fn set_message_status_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in(b, c, x)?;
    oxcdata::folder_id(b, c, &SMS_MESSAGE_ID)?;
    b.u32(c, &SMS_FLAGS)?;
    b.u32(c, &SMS_MASK)?;
    Ok(())
}

/// 2.2.6.8.2 / 2.2.6.8.3: InputHandleIndex, ReturnValue, and on success MessageStatusFlags.
fn set_message_status_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    if resp_in(b, c, x)? == 0 {
        b.u32(c, &SMS_FLAGS)?;
    }
    Ok(())
}

/// 2.2.6.9.1: LogonId, InputHandleIndex, MessageId.
fn get_message_status_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in(b, c, x)?;
    oxcdata::folder_id(b, c, &GMS_MESSAGE_ID)?;
    Ok(())
}

/// 2.2.6.9.2 / 2.2.6.9.3: InputHandleIndex, ReturnValue, and on success MessageStatusFlags.
fn get_message_status_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    if resp_in(b, c, x)? == 0 {
        b.u32(c, &GMS_FLAGS)?;
    }
    Ok(())
}

// ----- RopSetReadFlags 2.2.6.10 ------------------------------------------------------------

/// 2.2.6.10.1: LogonId, InputHandleIndex, WantAsynchronous, ReadFlags, MessageIdCount, MessageIds.
fn set_read_flags_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in(b, c, x)?;
    b.bool8(c, &SRF_ASYNC)?;
    b.u8(c, &SRF_READ_FLAGS)?;
    let count = b.u16(c, &SRF_MID_COUNT)?;
    let n = b.check_count(c, &SRF_MID_COUNT, count.into(), 8)?;
    if n > 0 {
        b.group(c, &SRF_MIDS, |b, c| {
            for _ in 0..n {
                oxcdata::folder_id(b, c, &SRF_MID)?;
            }
            Ok(())
        })?;
    }
    Ok(())
}

/// 2.2.6.10.2: InputHandleIndex, ReturnValue, PartialCompletion (one response form).
fn set_read_flags_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    resp_in(b, c, x)?;
    b.bool8(c, &SRF_PARTIAL)?;
    Ok(())
}

// ----- RopSetMessageReadFlag 2.2.6.11 ------------------------------------------------------

/// 2.2.6.11.1: LogonId, ResponseHandleIndex, InputHandleIndex, ReadFlags, and ClientData when the
/// logon is not private (module docs).
fn set_message_read_flag_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    let logon = b.u8(c, &LOGON_ID)?;
    x.info.logon_id = Some(logon);
    let r = b.u8(c, &SMRF_RESPONSE_INDEX)?;
    x.info.values = alloc::vec![u64::from(r)];
    x.info.input_index = Some(b.u8(c, &INPUT_HANDLE_INDEX)?);
    b.u8(c, &SMRF_READ_FLAGS)?;
    match x.logon_private(logon) {
        Some(true) => Ok(()),
        Some(false) => oxcdata::long_term_id(b, c, &SMRF_CLIENT_DATA),
        None if c.is_empty() => Ok(()),
        None => {
            let n = c.left();
            let msg = format!(
                "logon kind unknown: no RopLogon seen for LogonId {logon}; ClientData (24 bytes, present only \
                 for a public folders logon) cannot be told apart from the ROPs after it, so the rest of the \
                 RopsList ({n} bytes) is shown as bytes"
            );
            b.diag_at(c, Severity::Note, msg, n);
            b.rest_bytes(c, &SMRF_CLIENT_DATA_BYTES)
        }
    }
}

/// 2.2.6.11.2 / 2.2.6.11.3: ResponseHandleIndex, ReturnValue, and on success ReadStatusChanged, then
/// LogonId and ClientData when ReadStatusChanged is nonzero.
fn set_message_read_flag_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    let want = stored_response_index(x);
    resp_index(b, c, x, &SMRF_RESPONSE_INDEX, want)?;
    if super::return_value(b, c)? != 0 {
        return Ok(());
    }
    if b.bool8(c, &SMRF_CHANGED)? {
        b.u8(c, &SMRF_LOGON_ID)?;
        oxcdata::long_term_id(b, c, &SMRF_CLIENT_DATA)?;
    }
    Ok(())
}

// ----- Attachments 2.2.6.12 – 2.2.6.18 ------------------------------------------------------

/// 2.2.6.12.1: LogonId, InputHandleIndex, OutputHandleIndex, OpenAttachmentFlags, AttachmentID.
fn open_attachment_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in_out(b, c, x)?;
    b.u8(c, &OA_FLAGS)?;
    b.u32(c, &OA_ATTACHMENT_ID)?;
    Ok(())
}

/// 2.2.6.12.2: OutputHandleIndex, ReturnValue.
fn open_attachment_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    created_resp(b, c, x, ObjectKind::Attachment).map(|_| ())
}

/// OutputHandleIndex, ReturnValue; records the object created on success. Returns ReturnValue.
fn created_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>, kind: ObjectKind) -> R<u32> {
    let wire = c.peek_u8();
    let rv = resp_out(b, c, x)?;
    if rv == 0 {
        if let Some(i) = x.info.output_index.or(wire) {
            x.created(i, kind);
        }
    }
    Ok(rv)
}

/// 2.2.6.13.2 / 2.2.6.13.3: OutputHandleIndex, ReturnValue, and on success AttachmentID.
fn create_attachment_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    if created_resp(b, c, x, ObjectKind::Attachment)? == 0 {
        b.u32(c, &CA_ATTACHMENT_ID)?;
    }
    Ok(())
}

/// 2.2.6.14.1: LogonId, InputHandleIndex, AttachmentID.
fn delete_attachment_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in(b, c, x)?;
    b.u32(c, &DA_ATTACHMENT_ID)?;
    Ok(())
}

/// 2.2.6.15.1: LogonId, ResponseHandleIndex, InputHandleIndex, SaveFlags.
fn save_changes_attachment_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    x.info.logon_id = Some(b.u8(c, &LOGON_ID)?);
    let r = b.u8(c, &SCA_RESPONSE_INDEX)?;
    x.info.values = alloc::vec![u64::from(r)];
    x.info.input_index = Some(b.u8(c, &INPUT_HANDLE_INDEX)?);
    b.u8(c, &SCA_SAVE_FLAGS)?;
    Ok(())
}

/// 2.2.6.15.2: ResponseHandleIndex, ReturnValue.
fn save_changes_attachment_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    let want = stored_response_index(x);
    resp_index(b, c, x, &SCA_RESPONSE_INDEX, want)?;
    super::return_value(b, c).map(|_| ())
}

/// 2.2.6.16.1: LogonId, InputHandleIndex, OutputHandleIndex, CodePageId, OpenModeFlags.
fn open_embedded_message_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in_out(b, c, x)?;
    b.u16(c, &OEM_CODE_PAGE)?;
    b.u8(c, &OEM_OPEN_MODE)?;
    Ok(())
}

/// 2.2.6.16.2 / 2.2.6.16.3: OutputHandleIndex, ReturnValue, and on success Reserved, MessageId and
/// the message information (as RopOpenMessage's).
fn open_embedded_message_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    let wire = c.peek_u8();
    if created_resp(b, c, x, ObjectKind::Message)? != 0 {
        return Ok(());
    }
    if b.u8(c, &OEM_RESERVED)? != 0 {
        b.diag(Severity::Note, "Reserved should be 0x00", c.src(), c.pos().saturating_sub(1), 1);
    }
    oxcdata::folder_id(b, c, &OEM_MESSAGE_ID)?;
    let handle = x.info.output_index.or(wire).and_then(|i| x.handle(i));
    message_information(b, c, x, &OEM_FIELDS, handle)
}

/// 2.2.6.17.1: LogonId, InputHandleIndex, OutputHandleIndex, TableFlags.
fn get_attachment_table_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in_out(b, c, x)?;
    b.u8(c, &GAT_FLAGS)?;
    Ok(())
}

/// 2.2.6.17.2: OutputHandleIndex, ReturnValue.
fn get_attachment_table_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    created_resp(b, c, x, ObjectKind::Table).map(|_| ())
}

/// 2.2.6.18.2 / 2.2.6.18.3: InputHandleIndex, ReturnValue, and on success AttachmentIdCount and
/// AttachmentIdArray.
fn get_valid_attachments_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    if resp_in(b, c, x)? != 0 {
        return Ok(());
    }
    let count = b.u16(c, &GVA_COUNT)?;
    let n = b.check_count(c, &GVA_COUNT, count.into(), 4)?;
    if n > 0 {
        b.group(c, &GVA_IDS, |b, c| {
            for _ in 0..n {
                b.u32(c, &GVA_ID)?;
            }
            Ok(())
        })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[allow(unused_imports)]
    use crate::rops::testutil::{REQ_PREFIX, RESP_PREFIX, execute_request, execute_response, ext, rop_buffer, utf16z};
    use alloc::string::String;
    use alloc::vec;
    use alloc::vec::Vec;

    use super::super::context::ObjectKind;
    use crate::display::display_line;
    use crate::tree::{Dissection, Severity};
    use crate::{decode_exchange, decode_exchange_in, RequestType, Session};

    /// Bytes from a hex string with optional spaces.
    fn hex(s: &str) -> Vec<u8> {
        let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        (0..s.len() / 2).map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap()).collect()
    }

    fn lines(d: &Dissection<'_>, key: &str) -> Vec<String> {
        d.find_all(key).map(|(_, n)| display_line(d, n)).collect()
    }

    fn problems(d: &Dissection<'_>) -> Vec<String> {
        d.diagnostics.iter().filter(|x| x.severity >= Severity::Warning).map(|x| x.message.clone()).collect()
    }

    /// Notes, without the envelope's "no meta-tags" Note of a bare response body.
    fn notes(d: &Dissection<'_>) -> Vec<String> {
        d.diagnostics
            .iter()
            .filter(|x| x.severity == Severity::Note && !x.message.starts_with("no meta-tags"))
            .map(|x| x.message.clone())
            .collect()
    }

    const MID: &str = "01 00 00 00 0E 8E DF 36"; // 0001-00000E8EDF36, [MS-OXCFOLD] 4.5.1
    const FID: &str = "01 00 00 00 0E 91 52 12"; // 0001-00000E915212, [MS-OXCFOLD] 4.1.2

    /// PidTagRecipientType (PtypInteger32) and PidTagSmtpAddress (PtypString).
    const COLUMNS: [u32; 2] = [0x0C15_0003, 0x39FE_001F];

    /// A RecipientRow ([MS-OXCDATA] 2.8.3): SMTP with EmailAddress and DisplayName in UTF-16, and
    /// both recipient columns (standard PropertyRow).
    fn recipient_row() -> Vec<u8> {
        let mut r = hex("1B 02"); // E | D | Type SMTP, U (little-endian word 0x021B)
        r.extend(utf16z("a@b.c"));
        r.extend(utf16z("Al"));
        r.extend(hex("02 00 00 01 00 00 00")); // RecipientColumnCount 2, Flag 0, PidTagRecipientType 1
        r.extend(utf16z("a@b.c"));
        r
    }

    /// The message information of RopOpenMessage / RopReloadCachedInformation with one recipient.
    fn message_information() -> Vec<u8> {
        let mut v = hex("01"); // HasNamedProperties
        v.extend(hex("04"));
        v.extend(utf16z("RE: ")); // SubjectPrefix, UTF-16
        v.extend(hex("02"));
        v.extend(b"Hi\0"); // NormalizedSubject, 8-bit
        v.extend(hex("01 00 02 00")); // RecipientCount 1, ColumnCount 2
        for c in COLUMNS {
            v.extend(c.to_le_bytes());
        }
        let row = recipient_row();
        v.extend(hex("01 01 E4 04 00 00")); // RowCount 1; Primary, code page 1252, Reserved
        v.extend((row.len() as u16).to_le_bytes());
        v.extend(row);
        v
    }

    /// [MS-OXCMSG] 4.8.1 RopSaveChangesMessage request `0c 00 00 01 0a`, with a synthesized success
    /// response.
    #[test]
    fn save_changes_message_spec_vector() {
        let req = execute_request(&hex("0c 00 00 01 0a"), &[0x100, 0x200]);
        let resp = execute_response(&[hex("0C 00 00000000 01"), hex(MID)].concat(), &[0x100, 0x200]);
        let (d, _) = decode_exchange(RequestType::Execute, Some(&req), Some(&resp));
        assert!(problems(&d).is_empty(), "{:?}", d.diagnostics);
        assert_eq!(lines(&d, "mapihttp.rop.logonid"), ["LogonId: 0"]);
        assert_eq!(lines(&d, "mapihttp.rop.savechangesmessage.responsehandleindex"), ["ResponseHandleIndex: 0", "ResponseHandleIndex: 0"]);
        assert_eq!(lines(&d, "mapihttp.rop.inputhandleindex"), ["InputHandleIndex: 1", "InputHandleIndex: 1"]);
        // The spec names 0x0A "KeepOpenReadWrite"; 0x08 is MAPI_DEFERRED_ERRORS (module notes).
        assert_eq!(lines(&d, "mapihttp.rop.savechangesmessage.saveflags"), ["SaveFlags: 0x0A (KeepOpenReadWrite, MAPI_DEFERRED_ERRORS)"]);
        assert_eq!(lines(&d, "mapihttp.rop.savechangesmessage.messageid"), ["MessageId: 0001-00000E8EDF36"]);
        assert_eq!(lines(&d, "mapihttp.rop.request_index"), ["Request: 0"]);
    }

    /// RopOpenMessage learns the recipient columns; RopReadRecipients in a later Execute decodes its
    /// rows with them.
    #[test]
    fn open_message_then_read_recipients() {
        let mut session = Session::default();
        let req = execute_request(&[hex("03 00 00 01 FF 0F"), hex(FID), hex("03"), hex(MID)].concat(), &[0x100, 0xFFFF_FFFF]);
        let resp = execute_response(&[hex("03 01 00000000"), message_information()].concat(), &[0x100, 0x200]);
        let (d, _) = decode_exchange_in(&mut session, RequestType::Execute, Some(&req), Some(&resp));
        assert!(problems(&d).is_empty(), "{:?}", d.diagnostics);
        assert_eq!(lines(&d, "mapihttp.rop.openmessage.codepageid"), ["CodePageId: 0x0FFF (code page of the logon)"]);
        assert_eq!(lines(&d, "mapihttp.rop.openmessage.folderid"), ["FolderId: 0001-00000E915212"]);
        assert_eq!(lines(&d, "mapihttp.rop.openmessage.openmodeflags"), ["OpenModeFlags: BestAccess (0x03)"]);
        assert_eq!(lines(&d, "mapihttp.rop.openmessage.messageid"), ["MessageId: 0001-00000E8EDF36"]);
        assert_eq!(lines(&d, "mapihttp.rop.openmessage.hasnamedproperties"), ["HasNamedProperties: True"]);
        assert_eq!(lines(&d, "mapihttp.rop.openmessage.subjectprefix"), ["SubjectPrefix: \"RE: \""]);
        assert_eq!(lines(&d, "mapihttp.rop.openmessage.normalizedsubject"), ["NormalizedSubject: \"Hi\""]);
        assert_eq!(lines(&d, "mapihttp.rop.openmessage.recipientcount"), ["RecipientCount: 1"]);
        assert_eq!(lines(&d, "mapihttp.rop.openmessage.columncount"), ["ColumnCount: 2"]);
        assert_eq!(lines(&d, "mapihttp.rop.openmessage.recipientcolumn").len(), 2);
        assert_eq!(lines(&d, "mapihttp.rop.openmessage.rowcount"), ["RowCount: 1"]);
        assert_eq!(lines(&d, "mapihttp.rop.openrecipientrow.recipienttype"), ["RecipientType: Primary (0x01)"]);
        assert_eq!(lines(&d, "mapihttp.rop.openrecipientrow.codepageid"), ["CodePageId: 1252"]);
        assert_eq!(lines(&d, "mapihttp.rop.openrecipientrow.recipientrowsize"), [alloc::format!("RecipientRowSize: {} bytes", recipient_row().len())]);
        assert_eq!(lines(&d, "mapihttp.oxcdata.recipientrow.emailaddress"), ["EmailAddress: \"a@b.c\""]);
        assert_eq!(lines(&d, "mapihttp.oxcdata.recipientrow.displayname"), ["DisplayName: \"Al\""]);
        assert_eq!(lines(&d, "mapihttp.oxcdata.recipientrow.type"), ["Type: SMTP (0x03)"]);
        assert!(d.find("mapihttp.oxcdata.recipientrow.recipientproperties").is_some());
        assert_eq!(session.objects.get(&0x200), Some(&ObjectKind::Message));
        assert_eq!(session.recipient_columns.get(&0x200).map(Vec::as_slice), Some(&COLUMNS[..]));

        // Next Execute: RopReadRecipients on the message, then RopGetMessageStatus.
        let mut row = hex("05000000 02 E4 04 00 00"); // RowId 5, Cc, 1252, Reserved
        row.extend((recipient_row().len() as u16).to_le_bytes());
        row.extend(recipient_row());
        let req = execute_request(&[hex("0F 00 01 00000000 0000 1F 00 00"), hex(MID)].concat(), &[0x100, 0x200]);
        let resp = execute_response(&[hex("0F 01 00000000 01"), row, hex("1F 00 00000000 00100000")].concat(), &[0x100, 0x200]);
        let (d, _) = decode_exchange_in(&mut session, RequestType::Execute, Some(&req), Some(&resp));
        assert!(problems(&d).is_empty(), "{:?}", d.diagnostics);
        assert!(notes(&d).is_empty(), "{:?}", d.diagnostics);
        assert_eq!(lines(&d, "mapihttp.rop.readrecipients.rowid"), ["RowId: 0", "RowId: 5"]);
        assert_eq!(lines(&d, "mapihttp.rop.readrecipients.rowcount"), ["RowCount: 1"]);
        assert_eq!(lines(&d, "mapihttp.rop.readrecipients.recipienttype"), ["RecipientType: Cc (0x02)"]);
        assert_eq!(lines(&d, "mapihttp.oxcdata.recipientrow.emailaddress"), ["EmailAddress: \"a@b.c\""]);
        assert!(d.find("mapihttp.rop.readrecipients.recipientrow_bytes").is_none());
        assert_eq!(lines(&d, "mapihttp.rop.getmessagestatus.messagestatusflags"), ["MessageStatusFlags: 0x00001000 (msRemoteDownload)"]);
    }

    /// Without the message's recipient columns every RecipientRow is bytes with one Note, and the
    /// ROPs after it are still decoded.
    #[test]
    fn read_recipients_without_columns() {
        let mut rows = hex("02");
        for id in [0u32, 1] {
            rows.extend(id.to_le_bytes());
            rows.extend(hex("01 E4 04 00 00 03 00 AA BB CC"));
        }
        let req = execute_request(&[hex("0F 00 01 00000000 0000 1F 00 00"), hex(MID)].concat(), &[0x100, 0x200]);
        let resp = execute_response(&[hex("0F 01 00000000"), rows, hex("1F 00 00000000 00000000")].concat(), &[0x100, 0x200]);
        let (d, _) = decode_exchange(RequestType::Execute, Some(&req), Some(&resp));
        assert!(problems(&d).is_empty(), "{:?}", d.diagnostics);
        let n = notes(&d);
        assert_eq!(n.len(), 1, "{n:?}");
        assert!(n[0].starts_with("recipient columns unknown"), "{n:?}");
        assert!(n[0].contains("InputHandleIndex 1, handle 0x00000200"), "{n:?}");
        assert_eq!(lines(&d, "mapihttp.rop.readrecipients.recipientrow_bytes"), ["RecipientRow: aabbcc", "RecipientRow: aabbcc"]);
        assert_eq!(lines(&d, "mapihttp.rop.getmessagestatus.messagestatusflags"), ["MessageStatusFlags: 0x00000000"]);
    }

    /// The other message ROPs of one Execute, request and response, with their values and the
    /// objects they create; then a truncation sweep over both bodies and over the ROP lists.
    #[test]
    fn message_family() {
        let modify_row = {
            let mut r = hex("1B 02");
            r.extend(utf16z("a@b.c"));
            r.extend(utf16z("Al"));
            r.extend(hex("01 00 00 01 00 00 00")); // one column: PidTagRecipientType 1
            r
        };
        let req_rops: Vec<Vec<u8>> = vec![
            [hex("06 00 00 02 E4 04"), hex(FID), hex("01")].concat(),        // CreateMessage → 2, FAI
            hex("0D 00 02 00000000"),                                         // RemoveAllRecipients
            [hex("0E 00 02 01 00 03 00 15 0C 02 00 00000000 01"), (modify_row.len() as u16).to_le_bytes().to_vec(), modify_row.clone(), hex("01000000 02 00 00")].concat(),
            hex("10 00 02 0000"),                                             // ReloadCachedInformation
            [hex("20 00 00"), hex(MID), hex("00100000 00300000")].concat(), // SetMessageStatus
            [hex("66 00 00 01 05 02 00"), hex(MID), hex(FID)].concat(),       // SetReadFlags
            hex("22 00 02 03 01 07000000"),                                   // OpenAttachment → 3
            hex("23 00 02 04"),                                               // CreateAttachment → 4
            hex("24 00 02 07000000"),                                         // DeleteAttachment
            hex("25 00 02 04 02"),                                            // SaveChangesAttachment
            hex("46 00 03 05 E4 04 02"),                                      // OpenEmbeddedMessage → 5
            hex("21 00 02 06 40"),                                            // GetAttachmentTable → 6
            hex("52 00 02"),                                                  // GetValidAttachments
        ];
        let resp_rops: Vec<Vec<u8>> = vec![
            [hex("06 02 00000000 01"), hex(MID)].concat(),
            hex("0D 02 00000000"),
            hex("0E 02 00000000"),
            hex("10 02 00000000 00 00 01 0000 0100 03 00 15 0C 00"),
            hex("20 00 00000000 00080000"),
            hex("66 00 00000000 00"),
            hex("22 03 00000000"),
            hex("23 04 00000000 07000000"),
            hex("24 02 00000000"),
            hex("25 02 00000000"),
            [hex("46 05 00000000 00"), hex(MID), hex("00 00 01 0000 0000 00")].concat(),
            hex("21 06 00000000"),
            hex("52 02 00000000 0200 07000000 08000000"),
        ];
        let req_list = req_rops.concat();
        let resp_list = resp_rops.concat();
        let req_handles = [0x100, 0x110, 0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFF];
        let resp_handles = [0x100, 0x110, 0x200, 0x300, 0x400, 0x500, 0x600];
        let req = execute_request(&req_list, &req_handles);
        let resp = execute_response(&resp_list, &resp_handles);
        let mut session = Session::default();
        let (d, _) = decode_exchange_in(&mut session, RequestType::Execute, Some(&req), Some(&resp));
        assert!(problems(&d).is_empty(), "{:?}", d.diagnostics);
        assert_eq!(lines(&d, "mapihttp.rop.request_index").len(), 13, "every response paired");
        assert_eq!(lines(&d, "mapihttp.rop.createmessage.codepageid"), ["CodePageId: 0x04E4"]);
        assert_eq!(lines(&d, "mapihttp.rop.createmessage.associatedflag"), ["AssociatedFlag: True"]);
        assert_eq!(lines(&d, "mapihttp.rop.createmessage.hasmessageid"), ["HasMessageId: True"]);
        assert_eq!(lines(&d, "mapihttp.rop.createmessage.messageid"), ["MessageId: 0001-00000E8EDF36"]);
        assert_eq!(lines(&d, "mapihttp.rop.removeallrecipients.reserved"), ["Reserved: 0x00000000"]);
        assert_eq!(lines(&d, "mapihttp.rop.modifyrecipients.columncount"), ["ColumnCount: 1"]);
        assert_eq!(lines(&d, "mapihttp.rop.modifyrecipients.rowcount"), ["RowCount: 2"]);
        assert_eq!(lines(&d, "mapihttp.rop.modifyrecipients.rowid"), ["RowId: 0", "RowId: 1"]);
        assert_eq!(lines(&d, "mapihttp.rop.modifyrecipients.recipienttype"), ["RecipientType: Primary (0x01)", "RecipientType: Cc (0x02)"]);
        assert_eq!(lines(&d, "mapihttp.rop.modifyrecipients.recipientrowsize"), [alloc::format!("RecipientRowSize: {} bytes", modify_row.len()), String::from("RecipientRowSize: 0 bytes")]);
        assert_eq!(d.find_all("mapihttp.oxcdata.recipientrow").count(), 1, "the removed recipient has no row");
        assert_eq!(lines(&d, "mapihttp.rop.reloadcachedinformation.hasnamedproperties"), ["HasNamedProperties: False"]);
        assert_eq!(lines(&d, "mapihttp.rop.reloadcachedinformation.rowcount"), ["RowCount: 0"]);
        assert_eq!(lines(&d, "mapihttp.rop.setmessagestatus.messagestatusflags"), ["MessageStatusFlags: 0x00001000 (msRemoteDownload)", "MessageStatusFlags: 0x00000800 (msInConflict)"]);
        assert_eq!(lines(&d, "mapihttp.rop.setmessagestatus.messagestatusmask"), ["MessageStatusMask: 0x00003000 (msRemoteDownload, msRemoteDelete)"]);
        assert_eq!(lines(&d, "mapihttp.rop.setreadflags.wantasynchronous"), ["WantAsynchronous: True"]);
        assert_eq!(lines(&d, "mapihttp.rop.setreadflags.readflags"), ["ReadFlags: 0x05 (rfSuppressReceipt, rfClearReadFlag)"]);
        assert_eq!(lines(&d, "mapihttp.rop.setreadflags.messageid"), ["MessageId: 0001-00000E8EDF36", "MessageId: 0001-00000E915212"]);
        assert_eq!(lines(&d, "mapihttp.rop.setreadflags.partialcompletion"), ["PartialCompletion: False"]);
        assert_eq!(lines(&d, "mapihttp.rop.openattachment.openattachmentflags"), ["OpenAttachmentFlags: ReadWrite (0x01)"]);
        assert_eq!(lines(&d, "mapihttp.rop.openattachment.attachmentid"), ["AttachmentID: 7"]);
        assert_eq!(lines(&d, "mapihttp.rop.createattachment.attachmentid"), ["AttachmentID: 7"]);
        assert_eq!(lines(&d, "mapihttp.rop.deleteattachment.attachmentid"), ["AttachmentID: 7"]);
        assert_eq!(lines(&d, "mapihttp.rop.savechangesattachment.saveflags"), ["SaveFlags: 0x02 (KeepOpenReadWrite)"]);
        assert_eq!(lines(&d, "mapihttp.rop.savechangesattachment.responsehandleindex"), ["ResponseHandleIndex: 2", "ResponseHandleIndex: 2"]);
        assert_eq!(lines(&d, "mapihttp.rop.openembeddedmessage.codepageid"), ["CodePageId: 0x04E4"]);
        assert_eq!(lines(&d, "mapihttp.rop.openembeddedmessage.openmodeflags"), ["OpenModeFlags: Create (0x02)"]);
        assert_eq!(lines(&d, "mapihttp.rop.openembeddedmessage.messageid"), ["MessageId: 0001-00000E8EDF36"]);
        assert_eq!(lines(&d, "mapihttp.rop.openembeddedmessage.subjectprefix"), ["SubjectPrefix: (no string)"]);
        assert_eq!(lines(&d, "mapihttp.rop.openembeddedmessage.normalizedsubject"), ["NormalizedSubject: \"\""]);
        assert_eq!(lines(&d, "mapihttp.rop.getattachmenttable.tableflags"), ["TableFlags: Unicode (0x40)"]);
        assert_eq!(lines(&d, "mapihttp.rop.getvalidattachments.attachmentidcount"), ["AttachmentIdCount: 2"]);
        assert_eq!(lines(&d, "mapihttp.rop.getvalidattachments.attachmentid"), ["AttachmentId: 7", "AttachmentId: 8"]);
        // Objects created, and the recipient columns of RopReloadCachedInformation.
        assert_eq!(session.objects.get(&0x200), Some(&ObjectKind::Message));
        assert_eq!(session.objects.get(&0x300), Some(&ObjectKind::Attachment));
        assert_eq!(session.objects.get(&0x400), Some(&ObjectKind::Attachment));
        assert_eq!(session.objects.get(&0x500), Some(&ObjectKind::Message));
        assert_eq!(session.objects.get(&0x600), Some(&ObjectKind::Table));
        assert_eq!(session.recipient_columns.get(&0x200).map(Vec::as_slice), Some(&[0x0C15_0003u32][..]));
        assert_eq!(session.recipient_columns.get(&0x500).map(Vec::as_slice), Some(&[][..]));

        sweep(&req_rops, &req_handles, true, &Session::default());
        sweep(&resp_rops, &resp_handles, false, &Session::default());
    }

    /// The truncation sweep over the vectors of the other tests (with the context they need).
    #[test]
    fn sweep_other_vectors() {
        let none = Session::default();
        let handles = [0x100, 0x200];
        sweep(&[hex("0c 00 00 01 0a")], &handles, true, &none);
        sweep(&[[hex("0C 00 00000000 01"), hex(MID)].concat(), hex("0C 00 09010480")], &handles, false, &none);
        sweep(&[[hex("03 00 00 01 FF 0F"), hex(FID), hex("03"), hex(MID)].concat()], &handles, true, &none);
        sweep(&[[hex("03 01 00000000"), message_information()].concat(), hex("03 01 0F010480")], &handles, false, &none);
        let mut with_columns = Session::default();
        with_columns.recipient_columns.insert(0x200, COLUMNS.to_vec());
        let mut row = hex("0F 01 00000000 01 05000000 02 E4 04 00 00");
        row.extend((recipient_row().len() as u16).to_le_bytes());
        row.extend(recipient_row());
        sweep(&[hex("0F 00 01 00000000 0000")], &handles, true, &with_columns);
        sweep(&[row.clone(), hex("1F 00 00000000 00100000")], &handles, false, &with_columns);
        sweep(&[row, hex("1F 00 00000000 00100000")], &handles, false, &none);
        let ltid = "C3E1785796 52CE46A353B3E07F9B97BC 000000000001 0000";
        let mut logons = Session::default();
        logons.logons.insert(0, 0x01);
        logons.logons.insert(1, 0x00);
        sweep(&[hex("11 00 00 01 01"), [hex("11 01 00 01 00"), hex(ltid)].concat()], &handles, true, &logons);
        sweep(&[hex("11 00 00000000 00"), [hex("11 00 00000000 01 01"), hex(ltid)].concat()], &handles, false, &logons);
    }

    /// Truncation sweep: every prefix of the whole body, and every prefix of the RopsList in a
    /// well-formed frame, decodes without panic; a cut inside a ROP reports an Error at or before the
    /// cut.
    fn sweep(rops: &[Vec<u8>], handles: &[u32], request: bool, session: &Session) {
        let list = rops.concat();
        let frame = |r: &[u8]| if request { execute_request(r, handles) } else { execute_response(r, handles) };
        let decode = |body: &[u8], min: Severity| {
            let mut s = session.clone();
            let (d, _) = if request {
                decode_exchange_in(&mut s, RequestType::Execute, Some(body), None)
            } else {
                decode_exchange_in(&mut s, RequestType::Execute, None, Some(body))
            };
            d.diagnostics.iter().filter(|x| x.severity >= min).map(|x| x.offset as usize).collect::<Vec<_>>()
        };
        // Whole bodies: an empty response body is only a Warning of the envelope layer.
        let body = frame(&list);
        for cut in 0..body.len() {
            let min = if cut == 0 { Severity::Warning } else { Severity::Error };
            let errs = decode(&body[..cut], min);
            assert!(errs.iter().any(|&o| o <= cut), "body cut {cut}: {errs:?}");
        }
        let mut bounds = vec![0usize];
        for r in rops {
            bounds.push(bounds.last().unwrap() + r.len());
        }
        let prefix = if request { REQ_PREFIX } else { RESP_PREFIX };
        for cut in 0..list.len() {
            let errs = decode(&frame(&list[..cut]), Severity::Error);
            if !bounds.contains(&cut) {
                assert!(errs.iter().any(|&o| o <= prefix + cut), "ROP list cut {cut}: {errs:?}");
            }
        }
    }

    /// RopSetMessageReadFlag's ClientData follows the logon kind: absent for a private logon,
    /// a LongTermID for public folders, bytes with a Note when the logon is unknown.
    #[test]
    fn set_message_read_flag_by_logon_kind() {
        let ltid = "C3E1785796 52CE46A353B3E07F9B97BC 000000000001 0000";
        // Private logon 0: no ClientData.
        let mut session = Session::default();
        session.logons.insert(0, 0x01);
        let req = execute_request(&hex("11 00 00 01 01"), &[0x100, 0x200]);
        let resp = execute_response(&hex("11 00 00000000 00"), &[0x100, 0x200]);
        let (d, _) = decode_exchange_in(&mut session, RequestType::Execute, Some(&req), Some(&resp));
        assert!(problems(&d).is_empty() && notes(&d).is_empty(), "{:?}", d.diagnostics);
        assert_eq!(lines(&d, "mapihttp.rop.setmessagereadflag.readflags"), ["ReadFlags: 0x01 (rfSuppressReceipt)"]);
        assert_eq!(lines(&d, "mapihttp.rop.setmessagereadflag.readstatuschanged"), ["ReadStatusChanged: False"]);
        assert!(d.find("mapihttp.rop.setmessagereadflag.clientdata").is_none());

        // Public folders logon 1: ClientData in the request, and echoed in the response.
        session.logons.insert(1, 0x00);
        let req = execute_request(&[hex("11 01 00 01 00"), hex(ltid)].concat(), &[0x100, 0x200]);
        let resp = execute_response(&[hex("11 00 00000000 01 01"), hex(ltid)].concat(), &[0x100, 0x200]);
        let (d, _) = decode_exchange_in(&mut session, RequestType::Execute, Some(&req), Some(&resp));
        assert!(problems(&d).is_empty() && notes(&d).is_empty(), "{:?}", d.diagnostics);
        assert_eq!(d.find_all("mapihttp.rop.setmessagereadflag.clientdata").count(), 2);
        assert_eq!(lines(&d, "mapihttp.rop.setmessagereadflag.readstatuschanged"), ["ReadStatusChanged: True"]);
        assert_eq!(lines(&d, "mapihttp.rop.setmessagereadflag.logonid"), ["LogonId: 1"]);

        // Unknown logon 7 with bytes after ReadFlags: the rest is bytes with a Note.
        let req = execute_request(&[hex("11 07 00 01 00"), hex(ltid)].concat(), &[0x100, 0x200]);
        let (d, _) = decode_exchange(RequestType::Execute, Some(&req), None);
        assert!(problems(&d).is_empty(), "{:?}", d.diagnostics);
        let n = notes(&d);
        assert!(n.len() == 1 && n[0].starts_with("logon kind unknown: no RopLogon seen for LogonId 7"), "{n:?}");
        assert_eq!(lines(&d, "mapihttp.rop.setmessagereadflag.clientdata_bytes").len(), 1);
        // Unknown logon with nothing after ReadFlags: nothing to decide, no Note.
        let req = execute_request(&hex("11 07 00 01 00"), &[0x100, 0x200]);
        let (d, _) = decode_exchange(RequestType::Execute, Some(&req), None);
        assert!(d.diagnostics.is_empty(), "{:?}", d.diagnostics);
    }

    /// Failure responses: handle index and ReturnValue only (a Note names the error), and the ROPs
    /// after them still decode.
    #[test]
    fn failure_responses() {
        let req = execute_request(
            &[hex("03 00 00 01 FF 0F"), hex(FID), hex("00"), hex(MID), hex("0C 00 00 01 02 0F 00 01 00000000 0000 52 00 01")].concat(),
            &[0x100, 0xFFFF_FFFF],
        );
        let resp = execute_response(&hex("03 01 0F010480 0C 00 09010480 0F 01 0F010480 52 01 0F010480"), &[0x100, 0xFFFF_FFFF]);
        let mut session = Session::default();
        let (d, _) = decode_exchange_in(&mut session, RequestType::Execute, Some(&req), Some(&resp));
        assert!(problems(&d).is_empty(), "{:?}", d.diagnostics);
        assert_eq!(notes(&d).len(), 4, "{:?}", d.diagnostics);
        assert_eq!(lines(&d, "mapihttp.rop.request_index"), ["Request: 0", "Request: 1", "Request: 2", "Request: 3"]);
        assert!(d.find("mapihttp.rop.openmessage.hasnamedproperties").is_none());
        assert!(d.find("mapihttp.rop.savechangesmessage.messageid").is_none());
        assert!(session.objects.is_empty(), "a failed RopOpenMessage creates no object");
    }

    /// Hostile counts allocate nothing large and end in an Error diagnostic.
    #[test]
    fn hostile_counts() {
        let cases: [(&str, bool); 5] = [
            ("0E 00 00 FF FF 03 00 15 0C", true),   // ModifyRecipients ColumnCount 0xFFFF
            ("0E 00 00 00 00 FF FF 00 00", true),   // ModifyRecipients RowCount 0xFFFF
            ("66 00 00 00 00 FF FF 01 02", true),   // SetReadFlags MessageIdCount 0xFFFF
            ("52 00 00000000 FF FF 01 00 00 00", false), // GetValidAttachments AttachmentIdCount 0xFFFF
            ("0F 00 00000000 FF 00 00 00 00", false),    // ReadRecipients RowCount 255
        ];
        for (rops, request) in cases {
            let body = if request { execute_request(&hex(rops), &[0x100]) } else { execute_response(&hex(rops), &[0x100]) };
            let (d, _) = if request {
                decode_exchange(RequestType::Execute, Some(&body), None)
            } else {
                decode_exchange(RequestType::Execute, None, Some(&body))
            };
            assert!(d.diagnostics.iter().any(|x| x.severity == Severity::Error), "{rops}: {:?}", d.diagnostics);
            assert!(d.nodes.len() < 64, "{rops}: {} nodes", d.nodes.len());
        }
    }

    /// RowCount above RecipientCount is out of specification ([MS-OXCMSG] 2.2.3.1.2): a Warning.
    #[test]
    fn warn_when_row_count_exceeds_recipient_count() {
        // RecipientCount 0, RowCount 1.
        let mut info = hex("00 00 00 0000 0100 03 00 15 0C 01 01 E4 04 00 00 00 00");
        info.splice(0..0, hex("03 01 00000000"));
        let body = execute_response(&info, &[0x100, 0x200]);
        let (d, _) = decode_exchange(RequestType::Execute, None, Some(&body));
        assert_eq!(problems(&d), ["RowCount 1 exceeds RecipientCount 0"]);
        assert_eq!(lines(&d, "mapihttp.rop.openrecipientrow.recipientrowsize"), ["RecipientRowSize: 0 bytes"]);
    }
}
