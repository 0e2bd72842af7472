//! ROP request and response buffers ([MS-OXCROPS] 2.2), as the codec's `rops::*` decoders read them.
//! Each function appends one ROP to a RopsList.

use super::enc::Enc;

/// [MS-OXCDATA] 2.6.1 PropertyName with Kind MNID_ID.
pub struct NameId {
    /// The property set GUID, wire order.
    pub guid: [u8; 16],
    /// The LID.
    pub lid: u32,
}

/// Request buffers.
pub mod req {
    use super::{Enc, NameId};

    /// 2.2.3.1.1 RopLogon.
    pub fn logon(e: &mut Enc, logon_id: u8, out: u8, logon_flags: u8, open_flags: u32, essdn: &str) {
        e.u8(0xFE).u8(logon_id).u8(out).u8(logon_flags).u32(open_flags).u32(0).u16((essdn.len() + 1) as u16).str8z(essdn);
    }
    /// 2.2.3.2.1 RopGetReceiveFolder.
    pub fn get_receive_folder(e: &mut Enc, logon_id: u8, input: u8, class: &str) {
        e.u8(0x27).u8(logon_id).u8(input).str8z(class);
    }
    /// 2.2.4.1.1 RopOpenFolder.
    pub fn open_folder(e: &mut Enc, logon_id: u8, input: u8, out: u8, fid: u64, mode: u8) {
        e.u8(0x02).u8(logon_id).u8(input).u8(out).u64(fid).u8(mode);
    }
    /// 2.2.4.13.1 RopGetHierarchyTable.
    pub fn get_hierarchy_table(e: &mut Enc, logon_id: u8, input: u8, out: u8, flags: u8) {
        e.u8(0x04).u8(logon_id).u8(input).u8(out).u8(flags);
    }
    /// 2.2.4.14.1 RopGetContentsTable.
    pub fn get_contents_table(e: &mut Enc, logon_id: u8, input: u8, out: u8, flags: u8) {
        e.u8(0x05).u8(logon_id).u8(input).u8(out).u8(flags);
    }
    /// 2.2.5.1.1 RopSetColumns.
    pub fn set_columns(e: &mut Enc, logon_id: u8, input: u8, tags: &[u32]) {
        e.u8(0x12).u8(logon_id).u8(input).u8(0x00).u16(tags.len() as u16);
        for t in tags {
            e.u32(*t);
        }
    }
    /// 2.2.5.4.1 RopQueryRows.
    pub fn query_rows(e: &mut Enc, logon_id: u8, input: u8, flags: u8, count: u16) {
        e.u8(0x15).u8(logon_id).u8(input).u8(flags).u8(0x01).u16(count);
    }
    /// 2.2.6.1.1 RopOpenMessage.
    pub fn open_message(e: &mut Enc, logon_id: u8, input: u8, out: u8, fid: u64, mid: u64) {
        e.u8(0x03).u8(logon_id).u8(input).u8(out).u16(0x0FFF).u64(fid).u8(0x03).u64(mid);
    }
    /// 2.2.8.3.1 RopGetPropertiesSpecific.
    pub fn get_properties_specific(e: &mut Enc, logon_id: u8, input: u8, tags: &[u32]) {
        e.u8(0x07).u8(logon_id).u8(input).u16(0).u16(1).u16(tags.len() as u16);
        for t in tags {
            e.u32(*t);
        }
    }
    /// 2.2.8.1.1 RopGetPropertyIdsFromNames (Flags 0x02: create).
    pub fn get_property_ids_from_names(e: &mut Enc, logon_id: u8, input: u8, names: &[NameId]) {
        e.u8(0x56).u8(logon_id).u8(input).u8(0x02).u16(names.len() as u16);
        for n in names {
            e.u8(0x00).bytes(&n.guid).u32(n.lid);
        }
    }
    /// 2.2.14.1.1 RopRegisterNotification on the whole store.
    pub fn register_notification(e: &mut Enc, logon_id: u8, input: u8, out: u8, types: u8) {
        e.u8(0x29).u8(logon_id).u8(input).u8(out).u8(types).u8(0).u8(1);
    }
    /// 2.2.15.3.1 RopRelease.
    pub fn release(e: &mut Enc, logon_id: u8, input: u8) {
        e.u8(0x01).u8(logon_id).u8(input);
    }
}

/// Response buffers.
pub mod resp {
    use super::Enc;

    /// Everything a private-mailbox RopLogon response carries ([MS-OXCROPS] 2.2.3.1.2).
    pub struct Logon {
        /// The 13 special folders, in the order of 2.2.3.1.2.
        pub folder_ids: [u64; 13],
        /// MailboxGuid.
        pub mailbox_guid: [u8; 16],
        /// ReplId and ReplGuid.
        pub repl_id: u16,
        /// ReplGuid.
        pub repl_guid: [u8; 16],
        /// LogonTime: seconds, minutes, hour, day of week, day, month, year.
        pub time: (u8, u8, u8, u8, u8, u8, u16),
        /// GwartTime (FILETIME).
        pub gwart: u64,
    }

    /// 2.2.3.1.2 RopLogon, private mailbox success.
    pub fn logon_private(e: &mut Enc, out: u8, l: &Logon) {
        e.u8(0xFE).u8(out).u32(0).u8(0x01);
        for f in l.folder_ids {
            e.u64(f);
        }
        let (s, mi, h, dow, d, mo, y) = l.time;
        e.u8(0x01).bytes(&l.mailbox_guid).u16(l.repl_id).bytes(&l.repl_guid);
        e.u8(s).u8(mi).u8(h).u8(dow).u8(d).u8(mo).u16(y).u64(l.gwart).u32(0);
    }
    /// 2.2.3.2.2 RopGetReceiveFolder.
    pub fn get_receive_folder(e: &mut Enc, input: u8, fid: u64, class: &str) {
        e.u8(0x27).u8(input).u32(0).u64(fid).str8z(class);
    }
    /// 2.2.4.1.2 RopOpenFolder (no rules, not ghosted).
    pub fn open_folder(e: &mut Enc, out: u8, has_rules: bool) {
        e.u8(0x02).u8(out).u32(0).u8(u8::from(has_rules)).u8(0);
    }
    /// 2.2.4.13.2 RopGetHierarchyTable.
    pub fn get_hierarchy_table(e: &mut Enc, out: u8, rows: u32) {
        e.u8(0x04).u8(out).u32(0).u32(rows);
    }
    /// 2.2.4.14.2 RopGetContentsTable.
    pub fn get_contents_table(e: &mut Enc, out: u8, rows: u32) {
        e.u8(0x05).u8(out).u32(0).u32(rows);
    }
    /// 2.2.5.1.2 RopSetColumns (TBLSTAT_COMPLETE).
    pub fn set_columns(e: &mut Enc, input: u8) {
        e.u8(0x12).u8(input).u32(0).u8(0x00);
    }
    /// 2.2.5.4.2 RopQueryRows: Origin (0 BOOKMARK_BEGINNING, 1 current, 2 end), the encoded rows.
    pub fn query_rows(e: &mut Enc, input: u8, origin: u8, rows: &[Vec<u8>]) {
        e.u8(0x15).u8(input).u32(0).u8(origin).u16(rows.len() as u16);
        for r in rows {
            e.bytes(r);
        }
    }
    /// One recipient of a RopOpenMessage response ([MS-OXCROPS] 2.2.6.1.2.1 OpenRecipientRow).
    pub struct Recipient {
        /// 1 To, 2 Cc, 3 Bcc.
        pub kind: u8,
        /// Display name.
        pub name: String,
        /// X500 DN.
        pub dn: String,
        /// The RecipientProperties row over the message's recipient columns.
        pub properties: Vec<u8>,
    }
    /// 2.2.6.1.2 RopOpenMessage: subject and recipients over `columns`.
    pub fn open_message(e: &mut Enc, out: u8, prefix: &str, subject: &str, columns: &[u32], recipients: &[Recipient]) {
        e.u8(0x03).u8(out).u32(0).u8(0x01);
        typed_string(e, prefix);
        typed_string(e, subject);
        e.u16(recipients.len() as u16).u16(columns.len() as u16);
        for t in columns {
            e.u32(*t);
        }
        e.u8(recipients.len() as u8);
        for r in recipients {
            // [MS-OXCDATA] 2.8.3.2 RecipientRow: X500DN type, S, D, U flags.
            let mut row = Enc::new();
            row.u16(0x0001 | 0x0010 | 0x0040 | 0x0200).u8(0).u8(0x00).str8z(&r.dn).utf16z(&r.name);
            row.u16(columns.len() as u16).bytes(&r.properties);
            let row = row.take();
            e.u8(r.kind).u16(0x0FFF).u16(0).u16(row.len() as u16).bytes(&row);
        }
    }
    /// [MS-OXCDATA] 2.11.7 TypedString: EmptyString or UnicodeString.
    fn typed_string(e: &mut Enc, s: &str) {
        if s.is_empty() {
            e.u8(0x01);
        } else {
            e.u8(0x04).utf16z(s);
        }
    }
    /// 2.2.8.3.2 RopGetPropertiesSpecific with an encoded PropertyRow.
    pub fn get_properties_specific(e: &mut Enc, input: u8, row: &[u8]) {
        e.u8(0x07).u8(input).u32(0).bytes(row);
    }
    /// 2.2.8.1.2 RopGetPropertyIdsFromNames.
    pub fn get_property_ids_from_names(e: &mut Enc, input: u8, ids: &[u16]) {
        e.u8(0x56).u8(input).u32(0).u16(ids.len() as u16);
        for i in ids {
            e.u16(*i);
        }
    }
    /// 2.2.14.1.2 RopRegisterNotification.
    pub fn register_notification(e: &mut Enc, out: u8) {
        e.u8(0x29).u8(out).u32(0);
    }
    /// 2.2.14.2.1 RopNotify: a NewMail notification ([MS-OXCNOTIF] 2.2.1.4.1.2, flags NewMail|M).
    pub fn notify_new_mail(e: &mut Enc, handle: u32, logon_id: u8, fid: u64, mid: u64, message_flags: u32, class: &str) {
        e.u8(0x2A).u32(handle).u8(logon_id).u16(0x0002 | 0x8000).u64(fid).u64(mid).u32(message_flags).u8(0x01).utf16z(class);
    }
    /// 2.2.14.2.1 RopNotify: a folder ObjectModified notification with new total and unread counts
    /// (flags ObjectModified|T|U, no tags).
    pub fn notify_folder_modified(e: &mut Enc, handle: u32, logon_id: u8, fid: u64, total: u32, unread: u32) {
        e.u8(0x2A).u32(handle).u8(logon_id).u16(0x0010 | 0x1000 | 0x2000).u64(fid).u16(0).u32(total).u32(unread);
    }
    /// 2.2.14.3.1 RopPending.
    pub fn pending(e: &mut Enc, session_index: u16) {
        e.u8(0x6E).u16(session_index);
    }
}
