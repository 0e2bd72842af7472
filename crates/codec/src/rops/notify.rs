//! [MS-OXCROPS] 2.2.14 Notification ROPs, with the structures of [MS-OXCNOTIF] 2.2.1:
//! RopRegisterNotification (0x29, 2.2.14.1), RopNotify (0x2A, 2.2.14.2, response only; NotificationData
//! [MS-OXCNOTIF] 2.2.1.4.1.2) and RopPending (0x6E, 2.2.14.3, response only).
//!
//! NotificationData: the low 12 bits of NotificationFlags are the NotificationType enumeration
//! (NewMail 0x0002, ObjectCreated 0x0004, ObjectDeleted 0x0008, ObjectModified 0x0010, ObjectMoved
//! 0x0020, ObjectCopied 0x0040, SearchCompleted 0x0080, TableModified 0x0100, and 0x0400 — "Extended"
//! in older versions, now reserved and ignored by clients); the high 4 bits say which fields follow:
//! T 0x1000 TotalMessageCount, U 0x2000 UnreadMessageCount, S 0x4000 the event is in a search folder,
//! M 0x8000 the object is a message (else a folder). Field presence:
//!
//! ```text
//! TableEventType                 TableModified
//! TableRowFolderID               TableEventType 3, 4, 5 (TableRowAdded, -Deleted, -Modified)
//! TableRowMessageID, -Instance   the same, and M
//! InsertAfterTableRowFolderID    TableEventType 3, 5
//! InsertAfterTableRowID, -Inst.  TableEventType 3, 5, and M
//! TableRowDataSize, TableRowData TableEventType 3, 5: a PropertyRow over the table's columns
//! FolderId                       NotificationType not TableModified or 0x0400
//! MessageId                      the same, and M
//! ParentFolderId                 ObjectCreated/-Deleted/-Moved/-Copied, and S and M both set or both clear
//! OldFolderId                    ObjectMoved/-Copied
//! OldMessageId                   ObjectMoved/-Copied, and M
//! OldParentFolderId              ObjectMoved/-Copied, and not M
//! TagCount, Tags                 ObjectCreated/-Modified (no Tags when TagCount is 0 or 0xFFFF)
//! TotalMessageCount              T;  UnreadMessageCount: U
//! MessageFlags, UnicodeFlag, MessageClass   NewMail (MessageClass 8-bit if UnicodeFlag is 0, else UTF-16)
//! ```
//!
//! Implementations disagree in places; this decoder follows the specification text as quoted by
//! Microsoft's protocol test suite (MS-OXCNOTIF requirements R140–R162) and gromox's encoder:
//! - InsertAfterTableRowFolderID does not depend on M (gromox sends it for hierarchy tables);
//!   Microsoft's MAPI Inspector reads it only with M.
//! - OldParentFolderId is present for folders (M clear); MAPI Inspector reads it for messages.
//! - TagCount follows ObjectCreated and ObjectModified; MAPI Inspector reads it for ObjectDeleted.
//!
//! TableRowData is decoded over the columns recorded for the table whose handle is
//! NotificationHandle (its latest successful RopSetColumns, `Session::columns`); without them it is
//! shown as bytes (TableRowDataSize still delimits it) with a Note.
//!
//! RopRegisterNotification request: NotificationTypes is one byte, followed by a Reserved byte and
//! WantWholeStore, then FolderId and MessageId when WantWholeStore is zero (Microsoft's test suite
//! and gromox; MAPI Inspector reads a two-byte NotificationTypes and Reserved only for 0x0400 — the
//! bytes agree whenever NotificationTypes fits in one byte).

use alloc::format;

use super::context::{ObjectKind, Rop};
use super::{req_in_out, resp_out, Decoder, LOGON_ID};
use crate::build::{Builder, Cur, Stop, R};
use crate::oxcdata;
use crate::props::property_tag;
use crate::tree::{Disp, NameTable, Severity};

/// [MS-OXCNOTIF] 2.2.1.4.1.2 NotificationFlags: the NotificationType values and the T/U/S/M flags.
pub static NOTIFICATION_FLAGS: NameTable = &[
    (0x0002, "NewMail"),
    (0x0004, "ObjectCreated"),
    (0x0008, "ObjectDeleted"),
    (0x0010, "ObjectModified"),
    (0x0020, "ObjectMoved"),
    (0x0040, "ObjectCopied"),
    (0x0080, "SearchCompleted"),
    (0x0100, "TableModified"),
    (0x0400, "Extended"),
    (0x1000, "T"),
    (0x2000, "U"),
    (0x4000, "S"),
    (0x8000, "M"),
];

/// [MS-OXCNOTIF] 2.2.1.2.1 NotificationTypes of RopRegisterNotification (one byte).
pub static NOTIFICATION_TYPES: NameTable = &[
    (0x02, "NewMail"),
    (0x04, "ObjectCreated"),
    (0x08, "ObjectDeleted"),
    (0x10, "ObjectModified"),
    (0x20, "ObjectMoved"),
    (0x40, "ObjectCopied"),
    (0x80, "SearchCompleted"),
];

/// [MS-OXCNOTIF] 2.2.1.4.1.2 TableEventType.
pub static TABLE_EVENT_TYPES: NameTable = &[
    (0x0001, "TableChanged"),
    (0x0003, "TableRowAdded"),
    (0x0004, "TableRowDeleted"),
    (0x0005, "TableRowModified"),
    (0x0007, "TableRestrictionChanged"),
];

/// [MS-OXCMSG] 2.2.1.6 PidTagMessageFlags bits (MessageFlags of a NewMail notification).
pub static MESSAGE_FLAGS: NameTable = &[
    (0x0000_0001, "mfRead"),
    (0x0000_0002, "mfUnmodified"),
    (0x0000_0004, "mfSubmitted"),
    (0x0000_0008, "mfUnsent"),
    (0x0000_0010, "mfHasAttach"),
    (0x0000_0020, "mfFromMe"),
    (0x0000_0040, "mfFAI"),
    (0x0000_0080, "mfResend"),
    (0x0000_0100, "mfNotifyRead"),
    (0x0000_0200, "mfNotifyUnread"),
    (0x0000_0400, "mfEverRead"),
    (0x0000_2000, "mfInternet"),
    (0x0000_8000, "mfUntrusted"),
];

crate::fields! {
    RN_TYPES: U8 [Disp::Flags(NOTIFICATION_TYPES)] = "mapihttp.rop.registernotification.notificationtypes", "NotificationTypes", "[MS-OXCROPS] 2.2.14.1.1 the events to subscribe to ([MS-OXCNOTIF] 2.2.1.2.1)";
    RN_RESERVED: U8 [Disp::Hex] = "mapihttp.rop.registernotification.reserved", "Reserved", "[MS-OXCROPS] 2.2.14.1.1 reserved, 0x00";
    RN_WHOLE_STORE: Bool = "mapihttp.rop.registernotification.wantwholestore", "WantWholeStore", "[MS-OXCROPS] 2.2.14.1.1 TRUE: the subscription covers the whole mailbox; FALSE: FolderId and MessageId follow";
    RN_FOLDER_ID: U64 [Disp::Fid] = "mapihttp.rop.registernotification.folderid", "FolderId", "[MS-OXCROPS] 2.2.14.1.1 the folder to watch (present when WantWholeStore is FALSE)";
    RN_MESSAGE_ID: U64 [Disp::Fid] = "mapihttp.rop.registernotification.messageid", "MessageId", "[MS-OXCROPS] 2.2.14.1.1 the message to watch (present when WantWholeStore is FALSE; 0 for the folder itself)";

    NOTIFICATION_HANDLE: U32 [Disp::Hex] = "mapihttp.rop.notify.notificationhandle", "NotificationHandle", "[MS-OXCROPS] 2.2.14.2.1 the Server object handle of the subscription or table the notification is for";
    NOTIFICATION_DATA: None = "mapihttp.rop.notify.notificationdata", "NotificationData", "[MS-OXCNOTIF] 2.2.1.4.1.2 the details of the event";
    N_FLAGS: U16 [Disp::Flags(NOTIFICATION_FLAGS)] = "mapihttp.rop.notify.notificationflags", "NotificationFlags", "[MS-OXCNOTIF] 2.2.1.4.1.2 NotificationType (low 12 bits) and the T, U, S, M flags saying which fields follow";
    N_TABLE_EVENT: U16 [Disp::Names(TABLE_EVENT_TYPES)] = "mapihttp.rop.notify.tableeventtype", "TableEventType", "[MS-OXCNOTIF] 2.2.1.4.1.2 the kind of TableModified event";
    N_ROW_FID: U64 [Disp::Fid] = "mapihttp.rop.notify.tablerowfolderid", "TableRowFolderID", "[MS-OXCNOTIF] 2.2.1.4.1.2 the Folder ID of the row's item";
    N_ROW_MID: U64 [Disp::Fid] = "mapihttp.rop.notify.tablerowmessageid", "TableRowMessageID", "[MS-OXCNOTIF] 2.2.1.4.1.2 the Message ID of the row's item (M)";
    N_ROW_INSTANCE: U32 = "mapihttp.rop.notify.tablerowinstance", "TableRowInstance", "[MS-OXCNOTIF] 2.2.1.4.1.2 the instance of the row (M)";
    N_AFTER_FID: U64 [Disp::Fid] = "mapihttp.rop.notify.insertaftertablerowfolderid", "InsertAfterTableRowFolderID", "[MS-OXCNOTIF] 2.2.1.4.1.2 the Folder ID of the row the added or modified row follows (0: first row)";
    N_AFTER_MID: U64 [Disp::Fid] = "mapihttp.rop.notify.insertaftertablerowid", "InsertAfterTableRowID", "[MS-OXCNOTIF] 2.2.1.4.1.2 the Message ID of the row the added or modified row follows (M)";
    N_AFTER_INSTANCE: U32 = "mapihttp.rop.notify.insertaftertablerowinstance", "InsertAfterTableRowInstance", "[MS-OXCNOTIF] 2.2.1.4.1.2 the instance of the row the added or modified row follows (M)";
    N_ROW_DATA_SIZE: U16 [Disp::Unit("bytes")] = "mapihttp.rop.notify.tablerowdatasize", "TableRowDataSize", "[MS-OXCNOTIF] 2.2.1.4.1.2 the size of TableRowData";
    N_ROW_DATA: None = "mapihttp.rop.notify.tablerowdata", "TableRowData", "[MS-OXCNOTIF] 2.2.1.4.1.2 the added or modified row: a PropertyRow ([MS-OXCDATA] 2.8.1) over the table's columns";
    N_ROW_BYTES: Bytes = "mapihttp.rop.notify.tablerowdata_bytes", "TableRowData", "[MS-OXCNOTIF] 2.2.1.4.1.2 the added or modified row, as bytes because the table's columns are unknown";
    N_FOLDER_ID: U64 [Disp::Fid] = "mapihttp.rop.notify.folderid", "FolderId", "[MS-OXCNOTIF] 2.2.1.4.1.2 the Folder ID of the item the event is about";
    N_MESSAGE_ID: U64 [Disp::Fid] = "mapihttp.rop.notify.messageid", "MessageId", "[MS-OXCNOTIF] 2.2.1.4.1.2 the Message ID of the item the event is about (M)";
    N_PARENT_ID: U64 [Disp::Fid] = "mapihttp.rop.notify.parentfolderid", "ParentFolderId", "[MS-OXCNOTIF] 2.2.1.4.1.2 the Folder ID of the item's parent folder";
    N_OLD_FID: U64 [Disp::Fid] = "mapihttp.rop.notify.oldfolderid", "OldFolderId", "[MS-OXCNOTIF] 2.2.1.4.1.2 the old Folder ID of the moved or copied item";
    N_OLD_MID: U64 [Disp::Fid] = "mapihttp.rop.notify.oldmessageid", "OldMessageId", "[MS-OXCNOTIF] 2.2.1.4.1.2 the old Message ID of the moved or copied message (M)";
    N_OLD_PARENT: U64 [Disp::Fid] = "mapihttp.rop.notify.oldparentfolderid", "OldParentFolderId", "[MS-OXCNOTIF] 2.2.1.4.1.2 the old parent Folder ID of the moved or copied folder";
    N_TAG_COUNT: U16 = "mapihttp.rop.notify.tagcount", "TagCount", "[MS-OXCNOTIF] 2.2.1.4.1.2 the number of Tags (0 or 0xFFFF: no Tags follow)";
    N_TAGS: None = "mapihttp.rop.notify.tags", "Tags", "[MS-OXCNOTIF] 2.2.1.4.1.2 the properties of the created or modified object";
    N_TAG: Text = "mapihttp.rop.notify.tag", "PropertyTag", "[MS-OXCNOTIF] 2.2.1.4.1.2 one property tag ([MS-OXCDATA] 2.9)";
    N_TOTAL: U32 = "mapihttp.rop.notify.totalmessagecount", "TotalMessageCount", "[MS-OXCNOTIF] 2.2.1.4.1.2 the number of items in the folder (T)";
    N_UNREAD: U32 = "mapihttp.rop.notify.unreadmessagecount", "UnreadMessageCount", "[MS-OXCNOTIF] 2.2.1.4.1.2 the number of unread items in the folder (U)";
    N_MESSAGE_FLAGS: U32 [Disp::Flags(MESSAGE_FLAGS)] = "mapihttp.rop.notify.messageflags", "MessageFlags", "[MS-OXCNOTIF] 2.2.1.4.1.2 the message flags of the new mail ([MS-OXCMSG] 2.2.1.6)";
    N_UNICODE: Bool = "mapihttp.rop.notify.unicodeflag", "UnicodeFlag", "[MS-OXCNOTIF] 2.2.1.4.1.2 TRUE: MessageClass is UTF-16; FALSE: 8-bit";
    N_CLASS8: Str8 = "mapihttp.rop.notify.messageclass", "MessageClass", "[MS-OXCNOTIF] 2.2.1.4.1.2 the message class of the new mail, NUL-terminated";
    N_CLASS16: Utf16 = "mapihttp.rop.notify.messageclass_unicode", "MessageClass", "[MS-OXCNOTIF] 2.2.1.4.1.2 the message class of the new mail, UTF-16, NUL-terminated";
    N_UNDECODED: Bytes = "mapihttp.rop.notify.undecoded", "Undecoded NotificationData", "[MS-OXCNOTIF] 2.2.1.4.1.2 the rest of a NotificationData whose type is not defined, so its fields cannot be located";

    SESSION_INDEX: U16 = "mapihttp.rop.pending.sessionindex", "SessionIndex", "[MS-OXCROPS] 2.2.14.3.1 the session with pending notifications ([MS-OXCNOTIF] 2.2.1.3.4)";
}

/// The decoders of this family, one row per ROP.
pub static DECODERS: &[Decoder] = &[
    crate::rop!(0x29, Some(register_notification_req), Some(register_notification_resp)),
    crate::rop!(0x2A, None, Some(notify_resp)),
    crate::rop!(0x6E, None, Some(pending_resp)),
];

const NEW_MAIL: u16 = 0x0002;
const OBJECT_CREATED: u16 = 0x0004;
const OBJECT_DELETED: u16 = 0x0008;
const OBJECT_MODIFIED: u16 = 0x0010;
const OBJECT_MOVED: u16 = 0x0020;
const OBJECT_COPIED: u16 = 0x0040;
const SEARCH_COMPLETED: u16 = 0x0080;
const TABLE_MODIFIED: u16 = 0x0100;
const EXTENDED: u16 = 0x0400;
const FLAG_T: u16 = 0x1000;
const FLAG_U: u16 = 0x2000;
const FLAG_S: u16 = 0x4000;
const FLAG_M: u16 = 0x8000;

/// 2.2.14.1.1: LogonId, InputHandleIndex, OutputHandleIndex, NotificationTypes, Reserved,
/// WantWholeStore, and FolderId + MessageId when WantWholeStore is FALSE.
fn register_notification_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in_out(b, c, x)?;
    b.u8(c, &RN_TYPES)?;
    if b.u8(c, &RN_RESERVED)? != 0 {
        b.diag(Severity::Warning, "Reserved is not 0x00", c.src(), c.pos().saturating_sub(1), 1);
    }
    if !b.bool8(c, &RN_WHOLE_STORE)? {
        oxcdata::folder_id(b, c, &RN_FOLDER_ID)?;
        oxcdata::folder_id(b, c, &RN_MESSAGE_ID)?;
    }
    Ok(())
}

/// 2.2.14.1.2: OutputHandleIndex, ReturnValue; success creates a notification subscription.
fn register_notification_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    if resp_out(b, c, x)? == 0 {
        if let Some(i) = x.info.output_index {
            x.created(i, ObjectKind::Notification);
        }
    }
    Ok(())
}

/// 2.2.14.3.1: SessionIndex.
fn pending_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, _x: &mut Rop<'_>) -> R<()> {
    b.u16(c, &SESSION_INDEX)?;
    Ok(())
}

/// 2.2.14.2.1: NotificationHandle, LogonId, NotificationData.
fn notify_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    let handle = b.u32(c, &NOTIFICATION_HANDLE)?;
    b.u8(c, &LOGON_ID)?;
    b.group(c, &NOTIFICATION_DATA, |b, c| notification_data(b, c, x, handle))
}

/// Records an error and shows the rest of the window as undecoded NotificationData.
fn undecodable(b: &mut Builder<'_>, c: &mut Cur<'_>, msg: alloc::string::String) -> R<()> {
    let n = c.left();
    b.diag_at(c, Severity::Error, msg, n);
    let _ = b.rest_bytes(c, &N_UNDECODED);
    Err(Stop)
}

/// [MS-OXCNOTIF] 2.2.1.4.1.2 NotificationData (field presence in the module docs).
fn notification_data(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &Rop<'_>, handle: u32) -> R<()> {
    let at = c.pos();
    let flags = b.u16(c, &N_FLAGS)?;
    let ty = flags & 0x0FFF;
    let m = flags & FLAG_M != 0;
    let s = flags & FLAG_S != 0;
    match ty {
        NEW_MAIL | OBJECT_CREATED | OBJECT_DELETED | OBJECT_MODIFIED | OBJECT_MOVED | OBJECT_COPIED | SEARCH_COMPLETED
        | TABLE_MODIFIED => {}
        EXTENDED => {
            let msg = "NotificationType 0x0400 is reserved ([MS-OXCNOTIF] 2.2.1.4.1.2): not used by servers, ignored by clients";
            b.diag(Severity::Note, msg, c.src(), at, 2);
        }
        _ => {
            let msg = format!(
                "NotificationType 0x{ty:03X} is not defined in [MS-OXCNOTIF] 2.2.1.4.1.2: the fields of this NotificationData \
                 (and any ROP responses after it) cannot be located"
            );
            return undecodable(b, c, msg);
        }
    }
    if ty == TABLE_MODIFIED {
        table_modified(b, c, x, handle, m)?;
    }
    if ty != TABLE_MODIFIED && ty != EXTENDED {
        oxcdata::folder_id(b, c, &N_FOLDER_ID)?;
        if m {
            oxcdata::folder_id(b, c, &N_MESSAGE_ID)?;
        }
    }
    let moved = matches!(ty, OBJECT_MOVED | OBJECT_COPIED);
    if matches!(ty, OBJECT_CREATED | OBJECT_DELETED | OBJECT_MOVED | OBJECT_COPIED) && s == m {
        oxcdata::folder_id(b, c, &N_PARENT_ID)?;
    }
    if moved {
        oxcdata::folder_id(b, c, &N_OLD_FID)?;
        if m {
            oxcdata::folder_id(b, c, &N_OLD_MID)?;
        } else {
            oxcdata::folder_id(b, c, &N_OLD_PARENT)?;
        }
    }
    if matches!(ty, OBJECT_CREATED | OBJECT_MODIFIED) {
        let n = b.u16(c, &N_TAG_COUNT)?;
        if n != 0 && n != 0xFFFF {
            let n = b.check_count(c, &N_TAG_COUNT, n.into(), 4)?;
            b.group(c, &N_TAGS, |b, c| {
                for _ in 0..n {
                    property_tag(b, c, &N_TAG)?;
                }
                Ok(())
            })?;
        }
    }
    if flags & FLAG_T != 0 {
        b.u32(c, &N_TOTAL)?;
    }
    if flags & FLAG_U != 0 {
        b.u32(c, &N_UNREAD)?;
    }
    if ty == NEW_MAIL {
        b.u32(c, &N_MESSAGE_FLAGS)?;
        if b.bool8(c, &N_UNICODE)? {
            b.utf16z(c, &N_CLASS16)?;
        } else {
            b.str8z(c, &N_CLASS8)?;
        }
    }
    Ok(())
}

/// The TableModified part: TableEventType and the row fields.
fn table_modified(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &Rop<'_>, handle: u32, m: bool) -> R<()> {
    let ev = b.u16(c, &N_TABLE_EVENT)?;
    match ev {
        0x0001 | 0x0007 => return Ok(()),
        0x0003..=0x0005 => {}
        _ => {
            let msg = format!(
                "TableEventType 0x{ev:04X} is not defined in [MS-OXCNOTIF] 2.2.1.4.1.2: the fields of this NotificationData \
                 (and any ROP responses after it) cannot be located"
            );
            return undecodable(b, c, msg);
        }
    }
    oxcdata::folder_id(b, c, &N_ROW_FID)?;
    if m {
        oxcdata::folder_id(b, c, &N_ROW_MID)?;
        b.u32(c, &N_ROW_INSTANCE)?;
    }
    if ev == 0x0004 {
        return Ok(());
    }
    oxcdata::folder_id(b, c, &N_AFTER_FID)?;
    if m {
        oxcdata::folder_id(b, c, &N_AFTER_MID)?;
        b.u32(c, &N_AFTER_INSTANCE)?;
    }
    let size = usize::from(b.u16(c, &N_ROW_DATA_SIZE)?);
    match x.ctx.session.columns.get(&handle).filter(|cols| !cols.is_empty()) {
        Some(cols) => {
            let cols = cols.clone();
            b.group_sized(c, &N_ROW_DATA, size, |b, c| oxcdata::property_row(b, c, &cols))
        }
        None => {
            if c.left() >= size {
                let msg = format!(
                    "columns unknown: no RopSetColumns seen for this table (handle 0x{handle:08X}); TableRowData is shown as bytes"
                );
                b.diag_at(c, Severity::Note, msg, size);
            }
            b.bytes(c, &N_ROW_BYTES, size).map(|_| ())
        }
    }
}

#[cfg(test)]
mod tests {
    use alloc::string::String;
    use alloc::vec;
    use alloc::vec::Vec;

    use crate::display::display_line;
    use crate::rops::context::ObjectKind;
    use crate::tree::{Dissection, Severity};
    use crate::{decode_exchange_in, decode_request, RequestType, Session};

    fn h(s: &str) -> Vec<u8> {
        let digits: Vec<u8> = s.bytes().filter(u8::is_ascii_hexdigit).collect();
        digits
            .chunks(2)
            .map(|p| u8::from_str_radix(core::str::from_utf8(p).unwrap(), 16).unwrap())
            .collect()
    }

    fn payload(rops: &[u8], handles: &[u32]) -> Vec<u8> {
        let mut p = ((rops.len() + 2) as u16).to_le_bytes().to_vec();
        p.extend_from_slice(rops);
        for x in handles {
            p.extend_from_slice(&x.to_le_bytes());
        }
        p
    }

    fn ext(body: &mut Vec<u8>, p: &[u8]) {
        for v in [0u16, 4, p.len() as u16, p.len() as u16] {
            body.extend_from_slice(&v.to_le_bytes());
        }
        body.extend_from_slice(p);
    }

    /// Offset of the first ROP byte in a body built by [`req`] / [`resp`].
    const REQ_ROPS_AT: usize = 18;
    const RESP_ROPS_AT: usize = 26;

    fn req(rops: &[u8], handles: &[u32]) -> Vec<u8> {
        let p = payload(rops, handles);
        let mut body = 3u32.to_le_bytes().to_vec();
        body.extend_from_slice(&((p.len() + 8) as u32).to_le_bytes());
        ext(&mut body, &p);
        body.extend_from_slice(&0x40000u32.to_le_bytes());
        body.extend_from_slice(&0u32.to_le_bytes());
        body
    }

    fn resp(rops: &[u8], handles: &[u32]) -> Vec<u8> {
        let p = payload(rops, handles);
        let mut body = vec![0u8; 12];
        body.extend_from_slice(&((p.len() + 8) as u32).to_le_bytes());
        ext(&mut body, &p);
        body.extend_from_slice(&0u32.to_le_bytes());
        body
    }

    fn lines(d: &Dissection<'_>, key: &str) -> Vec<String> {
        d.find_all(key).map(|(_, n)| display_line(d, n)).collect()
    }

    fn problems(d: &Dissection<'_>) -> Vec<String> {
        d.diagnostics.iter().filter(|x| x.severity >= Severity::Warning).map(|x| x.message.clone()).collect()
    }

    fn notes(d: &Dissection<'_>) -> Vec<String> {
        d.diagnostics
            .iter()
            .filter(|x| x.severity == Severity::Note && !x.message.starts_with("no meta-tags"))
            .map(|x| x.message.clone())
            .collect()
    }

    fn response_only(s: &mut Session, rops: &[u8]) -> Dissection<'static> {
        let body = resp(rops, &[0x10]);
        decode_exchange_in(s, RequestType::Execute, None, Some(&body)).0.into_owned()
    }

    /// A session that knows the columns (PidTagSubject) of table handle 0x55.
    fn table_session() -> Session {
        let mut s = Session::default();
        s.columns.insert(0x55, vec![0x0037_001F]);
        s
    }

    const FID: &str = "01 00 00 00 0E 8E DF 36";
    const MID: &str = "01 00 00 00 00 00 12 34";
    const FID2: &str = "01 00 00 00 00 00 00 22";

    /// RopNotify header (handle 0x55, LogonId 0) + NotificationData.
    fn notify(data: &str) -> Vec<u8> {
        [h("2A 55 00 00 00 00"), h(data)].concat()
    }

    struct Case {
        name: &'static str,
        data: String,
        /// (key, display line) pairs that must appear.
        expect: Vec<(&'static str, &'static str)>,
        /// Keys that must not appear.
        absent: &'static [&'static str],
        /// Decode with table columns for handle 0x55.
        columns: bool,
    }

    fn cases() -> Vec<Case> {
        let j = |parts: &[&str]| parts.join(" ");
        vec![
            Case {
                name: "NewMail, 8-bit class",
                data: j(&["02 80", FID, MID, "11 00 00 00 00", "49 50 4D 2E 4E 6F 74 65 00"]),
                expect: vec![
                    ("mapihttp.rop.notify.notificationflags", "NotificationFlags: 0x8002 (NewMail, M)"),
                    ("mapihttp.rop.notify.folderid", "FolderId: 0001-00000E8EDF36"),
                    ("mapihttp.rop.notify.messageid", "MessageId: 0001-000000001234"),
                    ("mapihttp.rop.notify.messageflags", "MessageFlags: 0x00000011 (mfRead, mfHasAttach)"),
                    ("mapihttp.rop.notify.unicodeflag", "UnicodeFlag: False"),
                    ("mapihttp.rop.notify.messageclass", "MessageClass: \"IPM.Note\""),
                ],
                absent: &["mapihttp.rop.notify.parentfolderid", "mapihttp.rop.notify.tagcount"],
                columns: false,
            },
            Case {
                name: "NewMail, UTF-16 class, total and unread counts",
                data: j(&["02 B0", FID, MID, "0A 00 00 00", "03 00 00 00", "00 00 00 00 01", "49 00 50 00 4D 00 00 00"]),
                expect: vec![
                    ("mapihttp.rop.notify.notificationflags", "NotificationFlags: 0xB002 (NewMail, T, U, M)"),
                    ("mapihttp.rop.notify.totalmessagecount", "TotalMessageCount: 10"),
                    ("mapihttp.rop.notify.unreadmessagecount", "UnreadMessageCount: 3"),
                    ("mapihttp.rop.notify.messageflags", "MessageFlags: 0x00000000"),
                    ("mapihttp.rop.notify.unicodeflag", "UnicodeFlag: True"),
                    ("mapihttp.rop.notify.messageclass_unicode", "MessageClass: \"IPM\""),
                ],
                absent: &[],
                columns: false,
            },
            Case {
                name: "ObjectCreated folder with tags",
                data: j(&["04 00", FID, FID2, "02 00 1F 00 01 30 03 00 02 36"]),
                expect: vec![
                    ("mapihttp.rop.notify.notificationflags", "NotificationFlags: 0x0004 (ObjectCreated)"),
                    ("mapihttp.rop.notify.folderid", "FolderId: 0001-00000E8EDF36"),
                    ("mapihttp.rop.notify.parentfolderid", "ParentFolderId: 0001-000000000022"),
                    ("mapihttp.rop.notify.tagcount", "TagCount: 2"),
                    ("mapihttp.rop.notify.tag", "PropertyTag: PidTagDisplayName (0x3001001F, PtypString)"),
                ],
                absent: &["mapihttp.rop.notify.messageid", "mapihttp.rop.notify.oldfolderid"],
                columns: false,
            },
            Case {
                name: "ObjectModified message, all properties",
                data: j(&["10 80", FID, MID, "FF FF"]),
                expect: vec![
                    ("mapihttp.rop.notify.notificationflags", "NotificationFlags: 0x8010 (ObjectModified, M)"),
                    ("mapihttp.rop.notify.tagcount", "TagCount: 65535"),
                ],
                absent: &["mapihttp.rop.notify.tags", "mapihttp.rop.notify.parentfolderid"],
                columns: false,
            },
            Case {
                name: "ObjectMoved message",
                data: j(&["20 80", FID, MID, FID2, "01 00 00 00 00 00 00 99"]),
                expect: vec![
                    ("mapihttp.rop.notify.notificationflags", "NotificationFlags: 0x8020 (ObjectMoved, M)"),
                    ("mapihttp.rop.notify.oldfolderid", "OldFolderId: 0001-000000000022"),
                    ("mapihttp.rop.notify.oldmessageid", "OldMessageId: 0001-000000000099"),
                ],
                absent: &["mapihttp.rop.notify.parentfolderid", "mapihttp.rop.notify.oldparentfolderid", "mapihttp.rop.notify.tagcount"],
                columns: false,
            },
            Case {
                name: "ObjectCopied folder",
                data: j(&["40 00", FID, FID2, "01 00 00 00 00 00 00 33", "01 00 00 00 00 00 00 44"]),
                expect: vec![
                    ("mapihttp.rop.notify.notificationflags", "NotificationFlags: 0x0040 (ObjectCopied)"),
                    ("mapihttp.rop.notify.parentfolderid", "ParentFolderId: 0001-000000000022"),
                    ("mapihttp.rop.notify.oldfolderid", "OldFolderId: 0001-000000000033"),
                    ("mapihttp.rop.notify.oldparentfolderid", "OldParentFolderId: 0001-000000000044"),
                ],
                absent: &["mapihttp.rop.notify.oldmessageid"],
                columns: false,
            },
            Case {
                name: "ObjectDeleted message in a search folder",
                data: j(&["08 C0", FID, MID, FID2]),
                expect: vec![
                    ("mapihttp.rop.notify.notificationflags", "NotificationFlags: 0xC008 (ObjectDeleted, S, M)"),
                    ("mapihttp.rop.notify.parentfolderid", "ParentFolderId: 0001-000000000022"),
                ],
                absent: &["mapihttp.rop.notify.tagcount"],
                columns: false,
            },
            Case {
                name: "ObjectDeleted message outside a search folder",
                data: j(&["08 80", FID, MID]),
                expect: vec![("mapihttp.rop.notify.messageid", "MessageId: 0001-000000001234")],
                absent: &["mapihttp.rop.notify.parentfolderid"],
                columns: false,
            },
            Case {
                name: "SearchCompleted",
                data: j(&["80 00", FID]),
                expect: vec![("mapihttp.rop.notify.notificationflags", "NotificationFlags: 0x0080 (SearchCompleted)")],
                absent: &["mapihttp.rop.notify.parentfolderid", "mapihttp.rop.notify.messageid"],
                columns: false,
            },
            Case {
                name: "TableChanged",
                data: String::from("00 01 01 00"),
                expect: vec![
                    ("mapihttp.rop.notify.notificationflags", "NotificationFlags: 0x0100 (TableModified)"),
                    ("mapihttp.rop.notify.tableeventtype", "TableEventType: TableChanged (0x0001)"),
                ],
                absent: &["mapihttp.rop.notify.folderid", "mapihttp.rop.notify.tablerowfolderid"],
                columns: false,
            },
            Case {
                name: "TableRowAdded, message row with the table's columns",
                data: j(&["00 81 03 00", FID, MID, "01 00 00 00", FID, "01 00 00 00 00 00 12 33", "01 00 00 00", "05 00", "00 41 00 00 00"]),
                expect: vec![
                    ("mapihttp.rop.notify.tableeventtype", "TableEventType: TableRowAdded (0x0003)"),
                    ("mapihttp.rop.notify.tablerowfolderid", "TableRowFolderID: 0001-00000E8EDF36"),
                    ("mapihttp.rop.notify.tablerowmessageid", "TableRowMessageID: 0001-000000001234"),
                    ("mapihttp.rop.notify.tablerowinstance", "TableRowInstance: 1"),
                    ("mapihttp.rop.notify.insertaftertablerowfolderid", "InsertAfterTableRowFolderID: 0001-00000E8EDF36"),
                    ("mapihttp.rop.notify.insertaftertablerowid", "InsertAfterTableRowID: 0001-000000001233"),
                    ("mapihttp.rop.notify.insertaftertablerowinstance", "InsertAfterTableRowInstance: 1"),
                    ("mapihttp.rop.notify.tablerowdatasize", "TableRowDataSize: 5 bytes"),
                    ("mapihttp.rop.notify.tablerowdata", "TableRowData"),
                    ("mapihttp.oxcdata.propertyvalue", "PropertyValue: \"A\""),
                ],
                absent: &["mapihttp.rop.notify.folderid", "mapihttp.rop.notify.tablerowdata_bytes"],
                columns: true,
            },
            Case {
                name: "TableRowDeleted, folder row",
                data: j(&["00 01 04 00", FID]),
                expect: vec![
                    ("mapihttp.rop.notify.tableeventtype", "TableEventType: TableRowDeleted (0x0004)"),
                    ("mapihttp.rop.notify.tablerowfolderid", "TableRowFolderID: 0001-00000E8EDF36"),
                ],
                absent: &["mapihttp.rop.notify.tablerowmessageid", "mapihttp.rop.notify.insertaftertablerowfolderid"],
                columns: false,
            },
            Case {
                name: "TableRowModified, folder row, first row",
                data: j(&["00 01 05 00", FID, "00 00 00 00 00 00 00 00", "05 00", "00 41 00 00 00"]),
                expect: vec![
                    ("mapihttp.rop.notify.tableeventtype", "TableEventType: TableRowModified (0x0005)"),
                    ("mapihttp.rop.notify.insertaftertablerowfolderid", "InsertAfterTableRowFolderID: 0000-000000000000"),
                    ("mapihttp.oxcdata.propertyvalue", "PropertyValue: \"A\""),
                ],
                absent: &["mapihttp.rop.notify.insertaftertablerowid", "mapihttp.rop.notify.tablerowinstance"],
                columns: true,
            },
            Case {
                name: "TableRestrictionChanged with counts",
                data: String::from("00 31 07 00 05 00 00 00 02 00 00 00"),
                expect: vec![
                    ("mapihttp.rop.notify.tableeventtype", "TableEventType: TableRestrictionChanged (0x0007)"),
                    ("mapihttp.rop.notify.totalmessagecount", "TotalMessageCount: 5"),
                    ("mapihttp.rop.notify.unreadmessagecount", "UnreadMessageCount: 2"),
                ],
                absent: &["mapihttp.rop.notify.tablerowfolderid"],
                columns: false,
            },
        ]
    }

    /// Every notification type, decoded from a response with no request (RopNotify comes unasked).
    #[test]
    fn every_notification_type() {
        for k in cases() {
            let mut s = if k.columns { table_session() } else { Session::default() };
            let d = response_only(&mut s, &notify(&k.data));
            assert!(problems(&d).is_empty() && notes(&d).is_empty(), "{}: {:?}", k.name, d.diagnostics);
            assert_eq!(lines(&d, "mapihttp.rop.notify.notificationhandle"), ["NotificationHandle: 0x00000055"], "{}", k.name);
            assert_eq!(lines(&d, "mapihttp.rop.logonid"), ["LogonId: 0"], "{}", k.name);
            for (key, want) in &k.expect {
                assert!(lines(&d, key).iter().any(|l| l == want), "{}: no {want:?} in {:?}", k.name, lines(&d, key));
            }
            for key in k.absent {
                assert!(d.find(key).is_none(), "{}: unexpected {key}", k.name);
            }
            // The NotificationData node covers exactly the data.
            let (_, n) = d.find("mapihttp.rop.notify.notificationdata").unwrap();
            assert_eq!(n.length as usize, h(&k.data).len(), "{}", k.name);
        }
    }

    /// A TableModified row without the table's columns: bytes (delimited by TableRowDataSize) and a
    /// Note; the next ROP is still decoded.
    #[test]
    fn table_row_without_columns() {
        let data = ["00 01 05 00", FID, FID2, "05 00", "00 41 00 00 00"].join(" ");
        let rops = [notify(&data), h("6E 07 00")].concat();
        let d = response_only(&mut Session::default(), &rops);
        assert!(problems(&d).is_empty(), "{:?}", d.diagnostics);
        assert_eq!(notes(&d), ["columns unknown: no RopSetColumns seen for this table (handle 0x00000055); TableRowData is shown as bytes"]);
        assert_eq!(lines(&d, "mapihttp.rop.notify.tablerowdata_bytes"), ["TableRowData: 0041000000"]);
        assert_eq!(lines(&d, "mapihttp.rop.pending.sessionindex"), ["SessionIndex: 7"]);
    }

    /// The columns come from a RopSetColumns on the table whose handle the notification names.
    #[test]
    fn table_row_with_columns_from_set_columns() {
        let mut s = Session::default();
        let rq = req(&h("12 00 01 00 01 00 1F 00 37 00"), &[0x10, 0x55]);
        let rs = resp(&h("12 01 00 00 00 00 00"), &[0x10, 0x55]);
        decode_exchange_in(&mut s, RequestType::Execute, Some(&rq), Some(&rs));
        let data = ["00 01 03 00", FID, FID2, "07 00", "00 48 00 69 00 00 00"].join(" ");
        let d = response_only(&mut s, &notify(&data));
        assert!(problems(&d).is_empty() && notes(&d).is_empty(), "{:?}", d.diagnostics);
        assert_eq!(lines(&d, "mapihttp.oxcdata.propertyvalue"), ["PropertyValue: \"Hi\""]);
    }

    /// RopRegisterNotification both ways; success records a notification subscription.
    #[test]
    fn register_notification() {
        let mut s = Session::default();
        let rq = req(&h("29 00 00 01 06 00 01"), &[0x10, 0xFFFF_FFFF]);
        let rs = resp(&h("29 01 00 00 00 00"), &[0x10, 0x77]);
        let d = decode_exchange_in(&mut s, RequestType::Execute, Some(&rq), Some(&rs)).0;
        assert!(problems(&d).is_empty() && notes(&d).is_empty(), "{:?}", d.diagnostics);
        assert_eq!(lines(&d, "mapihttp.rop.registernotification.notificationtypes"), ["NotificationTypes: 0x06 (NewMail, ObjectCreated)"]);
        assert_eq!(lines(&d, "mapihttp.rop.registernotification.reserved"), ["Reserved: 0x00"]);
        assert_eq!(lines(&d, "mapihttp.rop.registernotification.wantwholestore"), ["WantWholeStore: True"]);
        assert!(d.find("mapihttp.rop.registernotification.folderid").is_none());
        assert_eq!(lines(&d, "mapihttp.rop.outputhandleindex"), ["OutputHandleIndex: 1", "OutputHandleIndex: 1"]);
        assert_eq!(s.objects.get(&0x77), Some(&ObjectKind::Notification));

        let body = req(&h(&["29 00 00 01 FE 00 00", FID, "00 00 00 00 00 00 00 00"].join(" ")), &[0x10, 0xFFFF_FFFF]);
        let d = decode_request(RequestType::Execute, &body);
        assert!(d.diagnostics.is_empty(), "{:?}", d.diagnostics);
        assert_eq!(
            lines(&d, "mapihttp.rop.registernotification.notificationtypes"),
            ["NotificationTypes: 0xFE (NewMail, ObjectCreated, ObjectDeleted, ObjectModified, ObjectMoved, ObjectCopied, SearchCompleted)"]
        );
        assert_eq!(lines(&d, "mapihttp.rop.registernotification.folderid"), ["FolderId: 0001-00000E8EDF36"]);
        assert_eq!(lines(&d, "mapihttp.rop.registernotification.messageid"), ["MessageId: 0000-000000000000"]);

        // Failure: no subscription.
        let mut s = Session::default();
        let rs = resp(&h("29 01 02 01 04 80"), &[0x10, 0x78]);
        let d = decode_exchange_in(&mut s, RequestType::Execute, Some(&rq), Some(&rs)).0;
        assert!(problems(&d).is_empty(), "{:?}", d.diagnostics);
        assert_eq!(notes(&d), ["ROP failed: ReturnValue 0x80040102 (NotSupported)"]);
        assert!(s.objects.is_empty());
        // A non-zero Reserved byte is flagged.
        let body = req(&h("29 00 00 01 02 01 01"), &[0x10, 0xFFFF_FFFF]);
        let d = decode_request(RequestType::Execute, &body);
        assert_eq!(problems(&d), ["Reserved is not 0x00"]);
    }

    /// RopNotify and RopPending come unasked after the answered ROPs, without warnings.
    #[test]
    fn notify_and_pending_after_answers() {
        let rq = req(&h("38 00 00"), &[0x10]);
        let rops = [h("38 00 00 00 00 00 00"), notify(&["80 00", FID].join(" ")), h("6E 01 00")].concat();
        let rs = resp(&rops, &[0x10]);
        let d = decode_exchange_in(&mut Session::default(), RequestType::Execute, Some(&rq), Some(&rs)).0;
        assert!(problems(&d).is_empty() && notes(&d).is_empty(), "{:?}", d.diagnostics);
        assert_eq!(lines(&d, "mapihttp.rop.request_index"), ["Request: 0"]);
        assert_eq!(lines(&d, "mapihttp.rop.pending.sessionindex"), ["SessionIndex: 1"]);
        assert!(d.find("mapihttp.rop.notify").is_some());
    }

    /// 0x0400 is reserved: a Note, no fields. Undefined types and table events stop with an error.
    #[test]
    fn reserved_and_undefined_types() {
        let d = response_only(&mut Session::default(), &notify("00 04"));
        assert!(problems(&d).is_empty(), "{:?}", d.diagnostics);
        assert_eq!(notes(&d).len(), 1);
        assert!(notes(&d)[0].starts_with("NotificationType 0x0400 is reserved"));
        assert!(d.find("mapihttp.rop.notify.folderid").is_none());

        for (data, msg) in [
            ("00 02 01 02 03", "NotificationType 0x200 is not defined"),
            ("06 00 01 02", "NotificationType 0x006 is not defined"),
            ("00 01 02 00 AA", "TableEventType 0x0002 is not defined"),
        ] {
            let rops = [notify(data), h("6E 01 00")].concat();
            let d = response_only(&mut Session::default(), &rops);
            let errors: Vec<_> = d.diagnostics.iter().filter(|x| x.severity == Severity::Error).collect();
            assert_eq!(errors.len(), 1, "{data}: {:?}", d.diagnostics);
            assert!(errors[0].message.starts_with(msg), "{data}: {:?}", errors[0]);
            assert!(d.find("mapihttp.rop.notify.undecoded").is_some());
            assert!(d.find("mapihttp.rop.pending").is_none());
        }
    }

    /// Every strict prefix of every vector reports an Error at or before the cut.
    #[test]
    fn truncation_sweep() {
        let mut vectors: Vec<(Vec<u8>, bool)> = cases().into_iter().map(|k| (notify(&k.data), k.columns)).collect();
        vectors.push((h("6E 01 00"), false));
        vectors.push((h("29 01 00 00 00 00"), false));
        for (rops, columns) in &vectors {
            for cut in 1..rops.len() {
                let mut s = if *columns { table_session() } else { Session::default() };
                let d = response_only(&mut s, rops.get(..cut).unwrap());
                let at = (RESP_ROPS_AT + cut) as u32;
                assert!(
                    d.diagnostics.iter().any(|x| x.severity == Severity::Error && x.offset <= at),
                    "{rops:02x?} cut at {cut}: {:?}",
                    d.diagnostics
                );
            }
        }
        for rops in [h("29 00 00 01 06 00 01"), h(&["29 00 00 01 10 00 00", FID, MID].join(" "))] {
            for cut in 1..rops.len() {
                let d = decode_request(RequestType::Execute, &req(rops.get(..cut).unwrap(), &[0x10, 0xFFFF_FFFF])).into_owned();
                let at = (REQ_ROPS_AT + cut) as u32;
                assert!(
                    d.diagnostics.iter().any(|x| x.severity == Severity::Error && x.offset <= at),
                    "{rops:02x?} cut at {cut}: {:?}",
                    d.diagnostics
                );
            }
        }
    }

    /// Huge counts and sizes stop with an error and allocate nothing large.
    #[test]
    fn hostile_counts() {
        for (data, what) in [
            (["04 00", FID, FID2, "FE FF 1F 00 01 30"].join(" "), "TagCount"),
            (["00 01 03 00", FID, FID2, "FF FF 00 41"].join(" "), "TableRowData"),
        ] {
            for mut s in [Session::default(), table_session()] {
                let d = response_only(&mut s, &notify(&data));
                assert!(
                    d.diagnostics.iter().any(|x| x.severity == Severity::Error && x.message.contains(what)),
                    "{data}: {:?}",
                    d.diagnostics
                );
                assert!(d.nodes.len() < 64);
            }
        }
    }

    /// Random bytes after each RopId of the family, as request and response (with and without known
    /// columns): no panic, every node and diagnostic span inside its source, bounded node counts.
    #[test]
    fn random_bodies_keep_spans_in_bounds() {
        let mut seed = 0x2545_F491u32;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            seed
        };
        for id in [0x29, 0x2A, 0x6E] {
            for round in 0..300 {
                let len = (next() % 48) as usize;
                let mut rops = vec![id];
                rops.extend((0..len).map(|_| next() as u8));
                let mut s = Session::default();
                if round % 2 == 0 {
                    for hv in [0x10u32, 0x11, 0x55] {
                        s.columns.insert(hv, vec![0x0037_001F, 0x0E08_0003, 0x0FFF_0102]);
                    }
                }
                for d in [decode_request(RequestType::Execute, &req(&rops, &[0x10, 0x11])).into_owned(), response_only(&mut s, &rops)] {
                    for n in &d.nodes {
                        let src = d.sources.get(usize::from(n.source)).unwrap();
                        assert!((n.offset + n.length) as usize <= src.data.len(), "{rops:02x?}: {} out of bounds", n.field.key);
                    }
                    for x in &d.diagnostics {
                        let src = d.sources.get(usize::from(x.source)).unwrap();
                        assert!((x.offset + x.length) as usize <= src.data.len(), "{rops:02x?}: {x:?}");
                    }
                    assert!(d.nodes.len() < 400, "{rops:02x?}: {} nodes", d.nodes.len());
                }
            }
        }
    }
}
