//! [MS-OXNSPI] 2.2.9.2 EphemeralEntryID and 2.2.9.3 PermanentEntryID: the address book entry ids
//! carried by ModLinkAtt EntryIds and by binary property values (PidTagEntryId and friends).
//!
//! ```text
//! EphemeralEntryID (32 bytes): ID Type 0x87, R1 R2 R3 (0), ProviderUID (server GUID from Bind),
//!                              R4 (1), Display Type, MId
//! PermanentEntryID (28 + DN):  ID Type 0x00, R1 R2 R3 (0), ProviderUID GUID_NSPI
//!                              {C840A7DC-42C0-1A10-B4B9-08002B2FE182}, R4 (1), Display Type,
//!                              Distinguished Name (null-terminated 8-bit string)
//! ```
//! The PermanentEntryID layout is also the [MS-OXCDATA] 2.2.5.2 Address Book EntryID (Flags = ID Type
//! and R1–R3, Version = R4, Type = Display Type, X500DN = Distinguished Name).
//!
//! ModLinkAtt EntryIds ([MS-OXCMAPIHTTP] 2.2.5.10.1): the specification describes "an array of entry
//! IDs, each of which is either an EphemeralEntryID structure or a PermanentEntryID structure", but
//! implementations disagree on the framing: Microsoft's protocol test suite (Interop-TestSuites,
//! MS-OXCMAPIHTTP adapter) and gromox's server send/read each entry id as a counted binary (a u32
//! byte count, the [MS-OXNSPI] 2.2.2.3 Binary_r `cb`, then the bytes), while the current MAPI
//! Inspector and older gromox read the entry ids back to back without a count. Both are decoded:
//! an element starting with an entry id header (`87 00 00 00` not followed by another header, or
//! `00 00 00 00`) is read bare, anything else as `cb` + entry id.

use alloc::format;
use alloc::string::String;

use super::structs::{group_idx, sized_group_idx, DISPLAY_TYPES};
use crate::build::{Builder, Cur, R};
use crate::display::{guid_string, str8_string};
use crate::oxcdata::view::View;
use crate::tree::{Disp, Dissection, NameTable, Severity, Value};

/// GUID_NSPI, the ProviderUID of every PermanentEntryID ({C840A7DC-42C0-1A10-B4B9-08002B2FE182} in
/// wire order; [MS-OXNSPI] 2.2.9.3, also PidTagMappingSignature [MS-OXOABK] 2.2.3.32).
pub const GUID_NSPI: [u8; 16] = [0xDC, 0xA7, 0x40, 0xC8, 0xC0, 0x42, 0x10, 0x1A, 0xB4, 0xB9, 0x08, 0x00, 0x2B, 0x2F, 0xE1, 0x82];

/// ID Type values ([MS-OXNSPI] 2.2.9.2/2.2.9.3).
pub static ID_TYPES: NameTable = &[(0x00, "PermanentEntryID"), (0x87, "EphemeralEntryID")];

/// The two address book entry id forms.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// [MS-OXNSPI] 2.2.9.2, 32 bytes.
    Ephemeral,
    /// [MS-OXNSPI] 2.2.9.3, 28 bytes + DN.
    Permanent,
}

crate::fields! {
    EPHEMERAL: Bytes {entry_id_summary} = "mapihttp.nspi.ephemeralentryid", "EphemeralEntryID", "[MS-OXNSPI] 2.2.9.2 an Ephemeral Entry ID: identifies an address book object for the lifetime of the NSPI session";
    PERMANENT: Bytes {entry_id_summary} = "mapihttp.nspi.permanententryid", "PermanentEntryID", "[MS-OXNSPI] 2.2.9.3 a Permanent Entry ID: identifies an address book object by its DN";
    ID_TYPE: U8 [Disp::Names(ID_TYPES)] = "mapihttp.nspi.entryid.idtype", "ID Type", "[MS-OXNSPI] 2.2.9.2/2.2.9.3 0x87 for an Ephemeral Entry ID, 0x00 for a Permanent Entry ID";
    R1: U8 [Disp::Hex] = "mapihttp.nspi.entryid.r1", "R1", "[MS-OXNSPI] 2.2.9.2/2.2.9.3 reserved, 0x00";
    R2: U8 [Disp::Hex] = "mapihttp.nspi.entryid.r2", "R2", "[MS-OXNSPI] 2.2.9.2/2.2.9.3 reserved, 0x00";
    R3: U8 [Disp::Hex] = "mapihttp.nspi.entryid.r3", "R3", "[MS-OXNSPI] 2.2.9.2/2.2.9.3 reserved, 0x00";
    PROVIDER_UID: Guid = "mapihttp.nspi.entryid.provideruid", "ProviderUID", "[MS-OXNSPI] 2.2.9.2/2.2.9.3 the server GUID (ephemeral) or GUID_NSPI (permanent)";
    R4: U32 [Disp::Hex] = "mapihttp.nspi.entryid.r4", "R4", "[MS-OXNSPI] 2.2.9.2/2.2.9.3 reserved, 0x00000001";
    DISPLAY_TYPE: U32 [Disp::Names(DISPLAY_TYPES)] = "mapihttp.nspi.entryid.displaytype", "Display Type", "[MS-OXNSPI] 2.2.9.2/2.2.9.3 the display type of the object ([MS-OXNSPI] 2.2.1.3)";
    MID: U32 [Disp::Hex] = "mapihttp.nspi.entryid.mid", "MId", "[MS-OXNSPI] 2.2.9.2 the Minimal Entry ID of the object";
    DN: Str8 = "mapihttp.nspi.entryid.dn", "Distinguished Name", "[MS-OXNSPI] 2.2.9.3 the DN of the object ([MS-OXOABK] 2.2.1.1), null-terminated";
    ENTRY_ID_COUNT: U32 = "mapihttp.modlinkatt.entryidcount", "EntryIdCount", "[MS-OXCMAPIHTTP] 2.2.5.10.1 the number of structures in the EntryIds field";
    ENTRY_IDS: None = "mapihttp.modlinkatt.entryids", "EntryIds", "[MS-OXCMAPIHTTP] 2.2.5.10.1 the entry ids to add to or delete from the property, each an EphemeralEntryID or a PermanentEntryID";
    ENTRY_ID_CB: U32 [Disp::Unit("bytes")] = "mapihttp.modlinkatt.cb", "cb", "[MS-OXNSPI] 2.2.2.3 Binary_r cb: the size of the entry id that follows (ModLinkAtt sends entry ids as counted binaries)";
    ENTRY_ID_RAW: Bytes = "mapihttp.modlinkatt.entryid", "EntryId", "[MS-OXCMAPIHTTP] 2.2.5.10.1 an entry id that is neither an EphemeralEntryID nor a PermanentEntryID";
}

/// True when `h` (at least 4 bytes) starts like an entry id: ID Type 0x87 or 0x00 and R1–R3 zero.
fn header(h: &[u8]) -> Option<Kind> {
    match h.get(..4)? {
        [0x87, 0, 0, 0] => Some(Kind::Ephemeral),
        [0, 0, 0, 0] => Some(Kind::Permanent),
        _ => None,
    }
}

/// Recognises a complete address book entry id: an ephemeral one is exactly 32 bytes with R4 = 1;
/// a permanent one carries GUID_NSPI and ends with the DN's terminating NUL.
pub fn sniff(bytes: &[u8]) -> Option<Kind> {
    match header(bytes)? {
        Kind::Ephemeral => (bytes.len() == 32 && bytes.get(20..24) == Some(&[1, 0, 0, 0])).then_some(Kind::Ephemeral),
        Kind::Permanent => (bytes.len() >= 29
            && bytes.get(4..20) == Some(&GUID_NSPI[..])
            && bytes.last() == Some(&0))
        .then_some(Kind::Permanent),
    }
}

/// Decodes an entry id of `kind` at the cursor as a structure node. For a permanent entry id the DN
/// runs to its NUL (inside the cursor's window). A complete entry id node has its bytes as the value
/// and [`entry_id_summary`] shows it (`DT_MAILUSER, MId 0x00001234, server {…}`) when displayed.
pub fn entry_id(b: &mut Builder<'_>, c: &mut Cur<'_>, kind: Kind) -> R<()> {
    let f = match kind {
        Kind::Ephemeral => &EPHEMERAL,
        Kind::Permanent => &PERMANENT,
    };
    group_idx(b, c, f, |b, c, idx| {
        fields(b, c, kind)?;
        b.set_value(idx, Value::Bytes);
        Ok(())
    })
}

/// Summarizer of the entry id nodes: [`text`].
pub fn entry_id_summary(d: &Dissection<'_>, i: u32) -> Option<String> {
    match d.node(i)?.value {
        Value::Bytes => Some(text(&View::Done(d), i)),
        _ => None,
    }
}

/// The summary of a complete entry id node, from its children: `DT_MAILUSER, MId 0x00001234, server
/// {…}` (ephemeral) or `DT_MAILUSER, /o=…` (permanent).
pub fn text(v: &View<'_>, i: u32) -> String {
    let dt = v.child_uint(i, &DISPLAY_TYPE).unwrap_or(0);
    let dt_name = crate::tree::lookup(DISPLAY_TYPES, dt).map_or_else(|| format!("display type 0x{dt:08X}"), String::from);
    match (v.child_uint(i, &MID), v.child(i, &DN)) {
        (Some(mid), _) => {
            let uid = v.child(i, &PROVIDER_UID).map_or(&[][..], |n| v.bytes(n));
            format!("{dt_name}, MId 0x{mid:08X}, server {}", guid_string(uid))
        }
        (None, Some(dn)) => format!("{dt_name}, {}", str8_string(v.bytes(dn))),
        (None, None) => dt_name,
    }
}

fn fields(b: &mut Builder<'_>, c: &mut Cur<'_>, kind: Kind) -> R<()> {
    let start = c.pos();
    b.u8(c, &ID_TYPE)?;
    b.u8(c, &R1)?;
    b.u8(c, &R2)?;
    b.u8(c, &R3)?;
    let uid = b.guid(c, &PROVIDER_UID)?;
    let r4 = b.u32(c, &R4)?;
    if r4 != 1 {
        b.diag(Severity::Note, format!("R4 should be 0x00000001, got 0x{r4:08X}"), c.src(), c.pos().saturating_sub(4), 4);
    }
    b.u32(c, &DISPLAY_TYPE)?;
    match kind {
        Kind::Ephemeral => b.u32(c, &MID).map(drop),
        Kind::Permanent => {
            if uid != GUID_NSPI {
                b.diag(Severity::Note, "ProviderUID of a PermanentEntryID should be GUID_NSPI", c.src(), start.saturating_add(4), 16);
            }
            b.str8z(c, &DN).map(drop)
        }
    }
}

/// ModLinkAtt EntryIdCount and EntryIds (see the module documentation for the framing).
pub fn entry_ids(b: &mut Builder<'_>, c: &mut Cur<'_>) -> R<()> {
    let n = b.u32(c, &ENTRY_ID_COUNT)?;
    let n = b.check_count(c, &ENTRY_ID_COUNT, n.into(), 4)?;
    b.group(c, &ENTRY_IDS, |b, c| {
        for _ in 0..n {
            one_entry_id(b, c)?;
        }
        Ok(())
    })
}

fn one_entry_id(b: &mut Builder<'_>, c: &mut Cur<'_>) -> R<()> {
    let rest = c.rest();
    let bare = match header(rest) {
        Some(Kind::Permanent) => Some(Kind::Permanent),
        // 87 00 00 00 is also cb = 135: counted when a header follows the count.
        Some(Kind::Ephemeral) if rest.get(4..).and_then(header).is_none() => Some(Kind::Ephemeral),
        _ => None,
    };
    if let Some(kind) = bare {
        b.diag_at(c, Severity::Note, "entry id without a byte count (bare EphemeralEntryID/PermanentEntryID)", 4);
        entry_id(b, c, kind)?;
        return Ok(());
    }
    let cb = b.u32(c, &ENTRY_ID_CB)? as usize;
    if cb > c.left() {
        return b.fail(c, format!("cb {} exceeds the {} bytes left", cb, c.left()));
    }
    let bytes = c.rest().get(..cb).unwrap_or(&[]);
    match header(bytes) {
        Some(kind) => {
            let f = match kind {
                Kind::Ephemeral => &EPHEMERAL,
                Kind::Permanent => &PERMANENT,
            };
            sized_group_idx(b, c, f, cb, |b, c, idx| {
                fields(b, c, kind)?;
                b.set_value(idx, Value::Bytes);
                Ok(())
            })
        }
        None => {
            b.diag_at(c, Severity::Warning, "entry id is neither an EphemeralEntryID nor a PermanentEntryID", cb);
            b.bytes(c, &ENTRY_ID_RAW, cb).map(|_| ())
        }
    }
}
