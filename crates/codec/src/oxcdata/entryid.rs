//! EntryIDs carried in PtypBinary values ([MS-OXCDATA] 2.2.4 and 2.2.5), recognised by their length
//! and ProviderUID and decoded as sub-trees:
//!
//! ```text
//! 2.2.4.1 Folder EntryID (46):   Flags 4, Provider UID 16, FolderType 2, DatabaseGuid 16,
//!                                GlobalCounter 6, Pad 2
//! 2.2.4.2 Message EntryID (70):  Flags 4, Provider UID 16, MessageType 2, FolderDatabaseGuid 16,
//!                                FolderGlobalCounter 6, Pad 2, MessageDatabaseGuid 16,
//!                                MessageGlobalCounter 6, Pad 2
//! 2.2.4.3 Store Object EntryID:  Flags 4, ProviderUID 16 (38A1BB1005E5101AA1BB08002B2A56C2),
//!                                Version 1, Flag 1, DLLFileName 14 ("emsmdb.dll"), WrappedFlags 4,
//!                                WrappedProvider UID 16, WrappedType 4, ServerShortname, MailboxDN
//! 2.2.5.1 One-Off EntryID:       Flags 4, ProviderUID 16 (812B1FA4BEA310199D6E00DD010F5402),
//!                                Version 2, flags 2 (M 0x0001, L 0x1000, U 0x8000 = Unicode strings),
//!                                DisplayName, AddressType, EmailAddress
//! 2.2.5.2 Address Book EntryID:  Flags 4, ProviderUID 16 (DCA740C8C042101AB4B908002B2FE182),
//!                                Version 4, Type 4, X500DN
//! 2.2.5.3 Contact Address EntryID: Flags 4, ProviderUID 16 (FE42AA0A18C71A10E8850B651C240000),
//!                                Version 4, Type 4, Index 4, EntryIdCount 4, EntryIdBytes
//! ```
//! The Address Book EntryID has the layout of the [MS-OXNSPI] 2.2.9.3 PermanentEntryID; the 32-byte
//! [MS-OXNSPI] 2.2.9.2 EphemeralEntryID (ID type 0x87) is decoded by [`crate::nspi::entryid`].
//! The One-Off flag bits are those of the 2.2.5.1 bit diagram read as a little-endian word (MAPI's
//! MAPI_ONE_OFF_UNICODE 0x8000 and MAPI_ONE_OFF_NO_RICH_INFO 0x0001 agree).
//! Folder/message GlobalCounters are shown as their 6 big-endian bytes.

use alloc::format;
use alloc::string::String;

use super::values::{grp_sized, quote};
use super::view::{cut, is, View};
use crate::build::{Builder, Cur, R};
use crate::display::{guid_string, hex_string, str8_string, utf16_string};
use crate::tree::{lookup, Disp, Dissection, Field, NameTable, Severity, Value};

/// ProviderUID of a Store Object EntryID (wire order).
pub const STORE_UID: [u8; 16] = [0x38, 0xA1, 0xBB, 0x10, 0x05, 0xE5, 0x10, 0x1A, 0xA1, 0xBB, 0x08, 0x00, 0x2B, 0x2A, 0x56, 0xC2];
/// ProviderUID of a One-Off EntryID (MAPI_ONE_OFF_UID).
pub const ONE_OFF_UID: [u8; 16] = [0x81, 0x2B, 0x1F, 0xA4, 0xBE, 0xA3, 0x10, 0x19, 0x9D, 0x6E, 0x00, 0xDD, 0x01, 0x0F, 0x54, 0x02];
/// ProviderUID of an Address Book EntryID (GUID_NSPI).
pub const AB_UID: [u8; 16] = crate::nspi::entryid::GUID_NSPI;
/// ProviderUID of a Contact Address EntryID.
pub const CONTACT_UID: [u8; 16] = [0xFE, 0x42, 0xAA, 0x0A, 0x18, 0xC7, 0x1A, 0x10, 0xE8, 0x85, 0x0B, 0x65, 0x1C, 0x24, 0x00, 0x00];
/// Provider UID of folders and messages in the public folder store.
pub const PUBLIC_UID: [u8; 16] = [0x1A, 0x44, 0x73, 0x90, 0xAA, 0x66, 0x11, 0xCD, 0x9B, 0xC8, 0x00, 0xAA, 0x00, 0x2F, 0xC4, 0x5A];
/// WrappedProvider UID of a mailbox store.
pub const WRAPPED_PRIVATE_UID: [u8; 16] = [0x1B, 0x55, 0xFA, 0x20, 0xAA, 0x66, 0x11, 0xCD, 0x9B, 0xC8, 0x00, 0xAA, 0x00, 0x2F, 0xC4, 0x5A];
/// WrappedProvider UID of the public folder store.
pub const WRAPPED_PUBLIC_UID: [u8; 16] = [0x1C, 0x83, 0x02, 0x10, 0xAA, 0x66, 0x11, 0xCD, 0x9B, 0xC8, 0x00, 0xAA, 0x00, 0x2F, 0xC4, 0x5A];

/// [MS-OXCDATA] 2.2.4 Store object types (FolderType, MessageType).
pub static STORE_OBJECT_TYPES: NameTable = &[
    (0x0001, "PrivateFolder"),
    (0x0003, "PublicFolder"),
    (0x0005, "MappedPublicFolder"),
    (0x0007, "PrivateMessage"),
    (0x0009, "PublicMessage"),
    (0x000B, "MappedPublicMessage"),
    (0x000C, "PublicNewsgroupFolder"),
];

/// [MS-OXCDATA] 2.2.4.3 WrappedType.
pub static WRAPPED_TYPES: NameTable = &[(0x0000_0006, "public folder store"), (0x0000_000C, "mailbox store")];

/// [MS-OXCDATA] 2.2.5.2 Address Book EntryID Type.
pub static AB_TYPES: NameTable = &[
    (0x0000_0000, "local mail user"),
    (0x0000_0001, "distribution list"),
    (0x0000_0002, "bulletin board or public folder"),
    (0x0000_0003, "automated mailbox"),
    (0x0000_0004, "organizational mailbox"),
    (0x0000_0005, "private distribution list"),
    (0x0000_0006, "remote mail user"),
    (0x0000_0100, "container"),
    (0x0000_0101, "template"),
    (0x0000_0102, "one-off user"),
    (0x0000_0200, "search"),
];

/// [MS-OXCDATA] 2.2.5.3 Contact Address EntryID Type.
pub static CONTACT_TYPES: NameTable = &[(0x0000_0004, "contact"), (0x0000_0005, "personal distribution list")];

/// [MS-OXCDATA] 2.2.5.1 One-Off EntryID flag bits (as a little-endian word).
pub static ONE_OFF_FLAGS: NameTable = &[(0x0001, "M"), (0x1000, "L"), (0x8000, "U")];

/// The entry id forms recognised in binary values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// [MS-OXCDATA] 2.2.4.1, 46 bytes.
    Folder,
    /// [MS-OXCDATA] 2.2.4.2, 70 bytes.
    Message,
    /// [MS-OXCDATA] 2.2.4.3.
    StoreObject,
    /// [MS-OXCDATA] 2.2.5.1.
    OneOff,
    /// [MS-OXCDATA] 2.2.5.2.
    AddressBook,
    /// [MS-OXCDATA] 2.2.5.3.
    ContactAddress,
    /// [MS-OXNSPI] 2.2.9.2 EphemeralEntryID.
    Ephemeral,
}

crate::fields! {
    FOLDER_ENTRY_ID: Bytes {entry_id_summary} = "mapihttp.oxcdata.folderentryid", "Folder EntryID", "[MS-OXCDATA] 2.2.4.1 identifies a folder independently of a logon (46 bytes)";
    MESSAGE_ENTRY_ID: Bytes {entry_id_summary} = "mapihttp.oxcdata.messageentryid", "Message EntryID", "[MS-OXCDATA] 2.2.4.2 identifies a message independently of a logon (70 bytes)";
    STORE_ENTRY_ID: Bytes {entry_id_summary} = "mapihttp.oxcdata.storeobjectentryid", "Store Object EntryID", "[MS-OXCDATA] 2.2.4.3 identifies a mailbox or public folder store";
    ONE_OFF_ENTRY_ID: Bytes {entry_id_summary} = "mapihttp.oxcdata.oneoffentryid", "One-Off EntryID", "[MS-OXCDATA] 2.2.5.1 a recipient that is not in the directory: all its information is in the EntryID";
    AB_ENTRY_ID: Bytes {entry_id_summary} = "mapihttp.oxcdata.addressbookentryid", "Address Book EntryID", "[MS-OXCDATA] 2.2.5.2 a directory object identified by its X500 DN";
    CONTACT_ENTRY_ID: Bytes {entry_id_summary} = "mapihttp.oxcdata.contactaddressentryid", "Contact Address EntryID", "[MS-OXCDATA] 2.2.5.3 a recipient stored in a Contact object";
    EID_FLAGS: U32 [Disp::Hex] = "mapihttp.oxcdata.entryid.flags", "Flags", "[MS-OXCDATA] 2.2.4/2.2.5 0x00000000 in every EntryID stored in a property value (long-term EntryID)";
    EID_PROVIDER_UID: Guid = "mapihttp.oxcdata.entryid.provideruid", "Provider UID", "[MS-OXCDATA] 2.2.4/2.2.5 identifies the provider that created the EntryID (mailbox: MailboxGuid from RopLogon)";
    FOLDER_TYPE: U16 [Disp::Names(STORE_OBJECT_TYPES)] = "mapihttp.oxcdata.entryid.foldertype", "FolderType", "[MS-OXCDATA] 2.2.4.1 the store object type of the folder";
    MESSAGE_TYPE: U16 [Disp::Names(STORE_OBJECT_TYPES)] = "mapihttp.oxcdata.entryid.messagetype", "MessageType", "[MS-OXCDATA] 2.2.4.2 the store object type of the message";
    DATABASE_GUID: Guid = "mapihttp.oxcdata.entryid.databaseguid", "DatabaseGuid", "[MS-OXCDATA] 2.2.4.1 the GUID that the folder's ReplicaId maps to";
    GLOBAL_COUNTER: Bytes = "mapihttp.oxcdata.entryid.globalcounter", "GlobalCounter", "[MS-OXCDATA] 2.2.4.1 the folder's 6-byte counter (big-endian)";
    FOLDER_DATABASE_GUID: Guid = "mapihttp.oxcdata.entryid.folderdatabaseguid", "FolderDatabaseGuid", "[MS-OXCDATA] 2.2.4.2 the GUID of the parent folder's ReplicaId";
    FOLDER_GLOBAL_COUNTER: Bytes = "mapihttp.oxcdata.entryid.folderglobalcounter", "FolderGlobalCounter", "[MS-OXCDATA] 2.2.4.2 the parent folder's 6-byte counter (big-endian)";
    MESSAGE_DATABASE_GUID: Guid = "mapihttp.oxcdata.entryid.messagedatabaseguid", "MessageDatabaseGuid", "[MS-OXCDATA] 2.2.4.2 the GUID of the message's ReplicaId";
    MESSAGE_GLOBAL_COUNTER: Bytes = "mapihttp.oxcdata.entryid.messageglobalcounter", "MessageGlobalCounter", "[MS-OXCDATA] 2.2.4.2 the message's 6-byte counter (big-endian)";
    EID_PAD: U16 [Disp::Hex] = "mapihttp.oxcdata.entryid.pad", "Pad", "[MS-OXCDATA] 2.2.4.1/2.2.4.2 padding, zero";
    STORE_VERSION: U8 = "mapihttp.oxcdata.entryid.store.version", "Version", "[MS-OXCDATA] 2.2.4.3 zero";
    STORE_FLAG: U8 = "mapihttp.oxcdata.entryid.store.flag", "Flag", "[MS-OXCDATA] 2.2.4.3 zero";
    DLL_FILE_NAME: Str8 = "mapihttp.oxcdata.entryid.store.dllfilename", "DLLFileName", "[MS-OXCDATA] 2.2.4.3 \"emsmdb.dll\" padded with NULs to 14 bytes";
    WRAPPED_FLAGS: U32 [Disp::Hex] = "mapihttp.oxcdata.entryid.store.wrappedflags", "WrappedFlags", "[MS-OXCDATA] 2.2.4.3 zero";
    WRAPPED_PROVIDER_UID: Guid = "mapihttp.oxcdata.entryid.store.wrappedprovideruid", "WrappedProvider UID", "[MS-OXCDATA] 2.2.4.3 1B55FA20AA6611CD9BC800AA002FC45A for a mailbox store, 1C830210AA6611CD9BC800AA002FC45A for the public folder store";
    WRAPPED_TYPE: U32 [Disp::Names(WRAPPED_TYPES)] = "mapihttp.oxcdata.entryid.store.wrappedtype", "WrappedType", "[MS-OXCDATA] 2.2.4.3 0x0000000C mailbox store, 0x00000006 public folder store";
    SERVER_SHORTNAME: Str8 = "mapihttp.oxcdata.entryid.store.servershortname", "ServerShortname", "[MS-OXCDATA] 2.2.4.3 the NetBIOS name of the server";
    MAILBOX_DN: Str8 = "mapihttp.oxcdata.entryid.store.mailboxdn", "MailboxDN", "[MS-OXCDATA] 2.2.4.3 the X500 DN of the mailbox (mailbox stores)";
    ONE_OFF_VERSION: U16 = "mapihttp.oxcdata.entryid.oneoff.version", "Version", "[MS-OXCDATA] 2.2.5.1 zero";
    ONE_OFF_FLAGS_F: U16 [Disp::Flags(ONE_OFF_FLAGS)] = "mapihttp.oxcdata.entryid.oneoff.flags", "Flags", "[MS-OXCDATA] 2.2.5.1 MAE (0x0060) and Format (0x001E) encodings, M 0x0001 (send as MIME, no rich text), L 0x1000 (do not look up), U 0x8000 (strings are UTF-16)";
    ONE_OFF_DISPLAY_NAME8: Str8 = "mapihttp.oxcdata.entryid.oneoff.displayname8", "DisplayName", "[MS-OXCDATA] 2.2.5.1 the recipient's display name (8-bit)";
    ONE_OFF_DISPLAY_NAME: Utf16 = "mapihttp.oxcdata.entryid.oneoff.displayname", "DisplayName", "[MS-OXCDATA] 2.2.5.1 the recipient's display name (UTF-16)";
    ONE_OFF_ADDRESS_TYPE8: Str8 = "mapihttp.oxcdata.entryid.oneoff.addresstype8", "AddressType", "[MS-OXCDATA] 2.2.5.1 the address type, e.g. SMTP (8-bit)";
    ONE_OFF_ADDRESS_TYPE: Utf16 = "mapihttp.oxcdata.entryid.oneoff.addresstype", "AddressType", "[MS-OXCDATA] 2.2.5.1 the address type, e.g. SMTP (UTF-16)";
    ONE_OFF_EMAIL8: Str8 = "mapihttp.oxcdata.entryid.oneoff.emailaddress8", "EmailAddress", "[MS-OXCDATA] 2.2.5.1 the address (8-bit)";
    ONE_OFF_EMAIL: Utf16 = "mapihttp.oxcdata.entryid.oneoff.emailaddress", "EmailAddress", "[MS-OXCDATA] 2.2.5.1 the address (UTF-16)";
    AB_VERSION: U32 = "mapihttp.oxcdata.entryid.ab.version", "Version", "[MS-OXCDATA] 2.2.5.2 0x00000001";
    AB_TYPE: U32 [Disp::Names(AB_TYPES)] = "mapihttp.oxcdata.entryid.ab.type", "Type", "[MS-OXCDATA] 2.2.5.2 the kind of directory object";
    X500DN: Str8 = "mapihttp.oxcdata.entryid.ab.x500dn", "X500DN", "[MS-OXCDATA] 2.2.5.2 the X500 DN of the directory object, NUL-terminated";
    CONTACT_VERSION: U32 = "mapihttp.oxcdata.entryid.contact.version", "Version", "[MS-OXCDATA] 2.2.5.3 0x00000003";
    CONTACT_TYPE: U32 [Disp::Names(CONTACT_TYPES)] = "mapihttp.oxcdata.entryid.contact.type", "Type", "[MS-OXCDATA] 2.2.5.3 0x00000004 contact, 0x00000005 personal distribution list";
    CONTACT_INDEX: U32 = "mapihttp.oxcdata.entryid.contact.index", "Index", "[MS-OXCDATA] 2.2.5.3 which of the contact's electronic addresses is meant";
    CONTACT_EID_COUNT: U32 [Disp::Unit("bytes")] = "mapihttp.oxcdata.entryid.contact.entryidcount", "EntryIdCount", "[MS-OXCDATA] 2.2.5.3 the size of EntryIdBytes";
    CONTACT_EID_BYTES: Bytes = "mapihttp.oxcdata.entryid.contact.entryidbytes", "EntryIdBytes", "[MS-OXCDATA] 2.2.5.3 the EntryID of the Contact object";
}

/// Recognises an entry id by length, flags and provider UID.
pub fn sniff(b: &[u8]) -> Option<Kind> {
    if crate::nspi::entryid::sniff(b) == Some(crate::nspi::entryid::Kind::Ephemeral) {
        return Some(Kind::Ephemeral);
    }
    if b.get(..4) != Some(&[0, 0, 0, 0][..]) {
        return None;
    }
    let uid = b.get(4..20)?;
    let u16_at = |o: usize| b.get(o..o + 2).map(|w| u16::from_le_bytes([w.first().copied().unwrap_or(0), w.get(1).copied().unwrap_or(0)]));
    if uid == STORE_UID {
        return (b.len() > 4 + 16 + 1 + 1 + 14 + 4 + 16 + 4).then_some(Kind::StoreObject);
    }
    if uid == ONE_OFF_UID {
        return (b.len() >= 4 + 16 + 2 + 2 + 3).then_some(Kind::OneOff);
    }
    if uid == AB_UID {
        return (b.len() >= 29 && b.last() == Some(&0)).then_some(Kind::AddressBook);
    }
    if uid == CONTACT_UID {
        return (b.len() >= 36).then_some(Kind::ContactAddress);
    }
    match b.len() {
        46 if matches!(u16_at(20), Some(1 | 3 | 5 | 0x0C)) && u16_at(44) == Some(0) => Some(Kind::Folder),
        70 if matches!(u16_at(20), Some(7 | 9 | 0x0B)) && u16_at(44) == Some(0) && u16_at(68) == Some(0) => Some(Kind::Message),
        _ => None,
    }
}

/// Decodes the `n`-byte entry id of `kind` at the cursor as a structure. A complete entry id node
/// has its bytes as the value and [`entry_id_summary`] shows it; an incomplete one shows its name.
pub fn entry_id(b: &mut Builder<'_>, c: &mut Cur<'_>, kind: Kind, n: usize) -> R<()> {
    let f: &'static Field = match kind {
        Kind::Folder => &FOLDER_ENTRY_ID,
        Kind::Message => &MESSAGE_ENTRY_ID,
        Kind::StoreObject => &STORE_ENTRY_ID,
        Kind::OneOff => &ONE_OFF_ENTRY_ID,
        Kind::AddressBook => &AB_ENTRY_ID,
        Kind::ContactAddress => &CONTACT_ENTRY_ID,
        Kind::Ephemeral => {
            // [MS-OXNSPI] 2.2.9.2, decoded by the address book module inside the value's window.
            if c.left() < n {
                let msg = format!("truncated: EphemeralEntryID needs {} bytes, {} left", n, c.left());
                return b.fail(c, msg);
            }
            let mut w = c.window(n);
            let r = crate::nspi::entryid::entry_id(b, &mut w, crate::nspi::entryid::Kind::Ephemeral);
            c.advance(n);
            return r.map(drop);
        }
    };
    grp_sized(b, c, f, n, |b, c, idx| {
        let r = match kind {
            Kind::Folder => folder(b, c),
            Kind::Message => message(b, c),
            Kind::StoreObject => store(b, c),
            Kind::OneOff => one_off(b, c),
            Kind::AddressBook => address_book(b, c),
            _ => contact(b, c),
        };
        b.set_value(idx, if r.is_ok() { Value::Bytes } else { Value::Text(f.name.into()) });
        r
    })
}

/// Like [`entry_id`], returning the summary `Folder EntryID: …` (formatted now).
pub fn entry_id_text(b: &mut Builder<'_>, c: &mut Cur<'_>, kind: Kind, n: usize) -> R<String> {
    let idx = b.nodes().len() as u32;
    entry_id(b, c, kind, n)?;
    Ok(text(&View::live(b, c), idx))
}

/// The summary of the entry id node `i` as its container shows it: `Folder EntryID: …`.
pub(crate) fn text(v: &View<'_>, i: u32) -> String {
    let Some(n) = v.node(i) else { return String::new() };
    if is(n, &crate::nspi::entryid::EPHEMERAL) {
        return format!("EphemeralEntryID: {}", crate::nspi::entryid::text(v, i));
    }
    format!("{}: {}", n.field.name, body_text(v, i))
}

/// Summarizer of the entry id nodes: `PrivateFolder, store {…}, {…}-00000000ABCD`.
pub fn entry_id_summary(d: &Dissection<'_>, i: u32) -> Option<String> {
    match d.node(i)?.value {
        Value::Bytes => Some(cut(body_text(&View::Done(d), i))),
        _ => None,
    }
}

/// The summary of a complete entry id node, from its children.
fn body_text(v: &View<'_>, i: u32) -> String {
    let Some(n) = v.node(i) else { return String::new() };
    if let Value::Text(t) = &n.value {
        return String::from(&**t);
    }
    let g = |f: &'static Field| v.child(i, f).map_or(&[][..], |n| v.bytes(n));
    let u = |f: &'static Field| v.child_uint(i, f).unwrap_or(0);
    let f = n.field;
    if core::ptr::eq(f, &FOLDER_ENTRY_ID) {
        let gc = hex_string(g(&GLOBAL_COUNTER)).to_uppercase();
        format!("{}, {}, {}-{gc}", store_type(u(&FOLDER_TYPE) as u16), provider(g(&EID_PROVIDER_UID)), guid_string(g(&DATABASE_GUID)))
    } else if core::ptr::eq(f, &MESSAGE_ENTRY_ID) {
        let fgc = hex_string(g(&FOLDER_GLOBAL_COUNTER)).to_uppercase();
        let mgc = hex_string(g(&MESSAGE_GLOBAL_COUNTER)).to_uppercase();
        format!("{}, {}, folder {fgc}, message {mgc}", store_type(u(&MESSAGE_TYPE) as u16), provider(g(&EID_PROVIDER_UID)))
    } else if core::ptr::eq(f, &STORE_ENTRY_ID) {
        let w = g(&WRAPPED_PROVIDER_UID);
        let kind = if w == WRAPPED_PUBLIC_UID || u(&WRAPPED_TYPE) == 6 { "public folder store" } else { "mailbox store" };
        let server = quote(&str8_string(g(&SERVER_SHORTNAME)));
        match v.child(i, &MAILBOX_DN) {
            Some(dn) => format!("{kind} on {server}, {}", quote(&str8_string(v.bytes(dn)))),
            None => format!("{kind} on {server}"),
        }
    } else if core::ptr::eq(f, &ONE_OFF_ENTRY_ID) {
        let s = |f16: &'static Field, f8: &'static Field| match (v.child(i, f16), v.child(i, f8)) {
            (Some(n), _) => utf16_string(v.bytes(n)),
            (None, Some(n)) => str8_string(v.bytes(n)),
            (None, None) => String::new(),
        };
        let name = s(&ONE_OFF_DISPLAY_NAME, &ONE_OFF_DISPLAY_NAME8);
        let atype = s(&ONE_OFF_ADDRESS_TYPE, &ONE_OFF_ADDRESS_TYPE8);
        let addr = s(&ONE_OFF_EMAIL, &ONE_OFF_EMAIL8);
        format!("{} <{atype}:{addr}>", quote(&name))
    } else if core::ptr::eq(f, &AB_ENTRY_ID) {
        let t = u(&AB_TYPE);
        let tn = lookup(AB_TYPES, t).map_or_else(|| format!("type 0x{t:08X}"), String::from);
        format!("{tn}, {}", quote(&str8_string(g(&X500DN))))
    } else {
        let t = u(&CONTACT_TYPE);
        let tn = lookup(CONTACT_TYPES, t).map_or_else(|| format!("type 0x{t:08X}"), String::from);
        let inner = match v.children(i).skip_while(|(_, n)| !is(n, &CONTACT_EID_COUNT)).nth(1) {
            Some((_, n)) if is(n, &CONTACT_EID_BYTES) => super::values::bytes_summary(v.bytes(n)),
            Some((j, _)) => text(v, j),
            None => String::new(),
        };
        format!("{tn}, index {}, {inner}", u(&CONTACT_INDEX))
    }
}
fn flags(b: &mut Builder<'_>, c: &mut Cur<'_>) -> R<()> {
    let v = b.u32(c, &EID_FLAGS)?;
    if v != 0 {
        b.diag(Severity::Note, format!("Flags should be 0x00000000, got 0x{v:08X}"), c.src(), c.pos().saturating_sub(4), 4);
    }
    Ok(())
}

fn pad(b: &mut Builder<'_>, c: &mut Cur<'_>) -> R<()> {
    let v = b.u16(c, &EID_PAD)?;
    if v != 0 {
        b.diag(Severity::Note, format!("Pad should be 0x0000, got 0x{v:04X}"), c.src(), c.pos().saturating_sub(2), 2);
    }
    Ok(())
}

fn store_type(v: u16) -> String {
    lookup(STORE_OBJECT_TYPES, v.into()).map_or_else(|| format!("type 0x{v:04X}"), String::from)
}

fn provider(uid: &[u8]) -> String {
    if uid == PUBLIC_UID {
        String::from("public store")
    } else {
        format!("store {}", guid_string(uid))
    }
}

fn folder(b: &mut Builder<'_>, c: &mut Cur<'_>) -> R<()> {
    flags(b, c)?;
    b.guid(c, &EID_PROVIDER_UID)?;
    b.u16(c, &FOLDER_TYPE)?;
    b.guid(c, &DATABASE_GUID)?;
    b.bytes(c, &GLOBAL_COUNTER, 6)?;
    pad(b, c)
}

fn message(b: &mut Builder<'_>, c: &mut Cur<'_>) -> R<()> {
    flags(b, c)?;
    b.guid(c, &EID_PROVIDER_UID)?;
    b.u16(c, &MESSAGE_TYPE)?;
    b.guid(c, &FOLDER_DATABASE_GUID)?;
    b.bytes(c, &FOLDER_GLOBAL_COUNTER, 6)?;
    pad(b, c)?;
    b.guid(c, &MESSAGE_DATABASE_GUID)?;
    b.bytes(c, &MESSAGE_GLOBAL_COUNTER, 6)?;
    pad(b, c)
}

fn store(b: &mut Builder<'_>, c: &mut Cur<'_>) -> R<()> {
    flags(b, c)?;
    b.guid(c, &EID_PROVIDER_UID)?;
    b.u8(c, &STORE_VERSION)?;
    b.u8(c, &STORE_FLAG)?;
    b.str8n(c, &DLL_FILE_NAME, 14)?;
    b.u32(c, &WRAPPED_FLAGS)?;
    b.guid(c, &WRAPPED_PROVIDER_UID)?;
    b.u32(c, &WRAPPED_TYPE)?;
    b.str8z(c, &SERVER_SHORTNAME)?;
    if c.is_empty() {
        return Ok(());
    }
    b.str8z(c, &MAILBOX_DN).map(drop)
}

fn one_off(b: &mut Builder<'_>, c: &mut Cur<'_>) -> R<()> {
    flags(b, c)?;
    b.guid(c, &EID_PROVIDER_UID)?;
    b.u16(c, &ONE_OFF_VERSION)?;
    let fl = b.u16(c, &ONE_OFF_FLAGS_F)?;
    if fl & 0x8000 != 0 {
        b.utf16z(c, &ONE_OFF_DISPLAY_NAME)?;
        b.utf16z(c, &ONE_OFF_ADDRESS_TYPE)?;
        b.utf16z(c, &ONE_OFF_EMAIL)?;
    } else {
        b.str8z(c, &ONE_OFF_DISPLAY_NAME8)?;
        b.str8z(c, &ONE_OFF_ADDRESS_TYPE8)?;
        b.str8z(c, &ONE_OFF_EMAIL8)?;
    }
    Ok(())
}

fn address_book(b: &mut Builder<'_>, c: &mut Cur<'_>) -> R<()> {
    flags(b, c)?;
    b.guid(c, &EID_PROVIDER_UID)?;
    let v = b.u32(c, &AB_VERSION)?;
    if v != 1 {
        b.diag(Severity::Note, format!("Version should be 0x00000001, got 0x{v:08X}"), c.src(), c.pos().saturating_sub(4), 4);
    }
    b.u32(c, &AB_TYPE)?;
    b.str8z(c, &X500DN).map(drop)
}

fn contact(b: &mut Builder<'_>, c: &mut Cur<'_>) -> R<()> {
    flags(b, c)?;
    b.guid(c, &EID_PROVIDER_UID)?;
    let v = b.u32(c, &CONTACT_VERSION)?;
    if v != 3 {
        b.diag(Severity::Note, format!("Version should be 0x00000003, got 0x{v:08X}"), c.src(), c.pos().saturating_sub(4), 4);
    }
    b.u32(c, &CONTACT_TYPE)?;
    b.u32(c, &CONTACT_INDEX)?;
    let n = b.u32(c, &CONTACT_EID_COUNT)? as usize;
    if n > c.left() {
        return b.fail(c, format!("EntryIdCount {} exceeds the {} bytes left", n, c.left()));
    }
    let data = c.rest().get(..n).unwrap_or(&[]);
    match sniff(data) {
        Some(k) if k != Kind::ContactAddress => entry_id(b, c, k, n),
        _ => b.bytes(c, &CONTACT_EID_BYTES, n).map(drop),
    }
}
