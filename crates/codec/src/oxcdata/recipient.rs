//! [MS-OXCDATA] 2.8.3 RecipientRow and 2.6.1 PropertyName.
//!
//! RecipientRow (2.8.3.2): RecipientFlags (2.8.3.1, 2 bytes, shown as a little-endian word: R 0x0080
//! another transport delivers, S 0x0040 TransmittableDisplayName same as DisplayName, T 0x0020
//! TransmittableDisplayName present, D 0x0010 DisplayName present, E 0x0008 EmailAddress present,
//! Type 0x0007, N 0x0100 no rich text, U 0x0200 strings are UTF-16, I 0x0400 SimpleDisplayName
//! present, Reserved 0x7800, O 0x8000 AddressType present), then by Type: X500DN (1) → AddressPrefixUsed
//! (1), DisplayType (1), X500DN (ASCII, NUL-terminated); PersonalDistributionList1/2 (6, 7) →
//! EntryIdSize (2), EntryID, SearchKeySize (2), SearchKey; NoType (0) with O → AddressType (ASCII);
//! then EmailAddress, DisplayName, SimpleDisplayName, TransmittableDisplayName when flagged (UTF-16 if
//! U, else 8-bit), RecipientColumnCount (2) and RecipientProperties, a PropertyRow over the first
//! RecipientColumnCount recipient columns. The bit positions are those of the 2.8.3.1 diagram read
//! in wire order; Microsoft's MAPI Inspector (RecipientFlags.cs) and gromox agree.
//!
//! PropertyName (2.6.1): Kind (1: 0x00 MNID_ID, 0x01 MNID_STRING, 0xFF no name), GUID (16), then LID
//! (4) for MNID_ID or NameSize (1) and Name (NameSize bytes of UTF-16 including the terminating NUL,
//! as gromox reads it) for MNID_STRING. Property sets and PidLid/PidName names come from the
//! [MS-OXPROPS] catalogue in [`crate::props`].

use alloc::format;
use alloc::string::String;

use super::values::{grp, property_row_f, quote, summary};
use crate::build::{Builder, Cur, R};
use crate::display::{guid_string, str8_string, utf16_string};
use crate::tree::{lookup, Disp, NameTable, Severity, Value};

/// [MS-OXCDATA] 2.8.3.1 RecipientFlags bits (little-endian word).
pub static RECIPIENT_FLAGS: NameTable = &[
    (0x0008, "E"),
    (0x0010, "D"),
    (0x0020, "T"),
    (0x0040, "S"),
    (0x0080, "R"),
    (0x0100, "N"),
    (0x0200, "U"),
    (0x0400, "I"),
    (0x8000, "O"),
];

/// [MS-OXCDATA] 2.8.3.1 RecipientFlags Type.
pub static ADDRESS_TYPES: NameTable = &[
    (0, "NoType"),
    (1, "X500DN"),
    (2, "MsMail"),
    (3, "SMTP"),
    (4, "Fax"),
    (5, "ProfessionalOfficeSystem"),
    (6, "PersonalDistributionList1"),
    (7, "PersonalDistributionList2"),
];

/// [MS-OXCDATA] 2.8.3.2 DisplayType.
pub static DISPLAY_TYPES: NameTable = &[
    (0x00, "messaging user"),
    (0x01, "distribution list"),
    (0x02, "forum"),
    (0x03, "automated agent"),
    (0x04, "address book (large group)"),
    (0x05, "private distribution list"),
    (0x06, "address book (remote user)"),
];

/// [MS-OXCDATA] 2.6.1 Kind.
pub static KINDS: NameTable = &[(0x00, "MNID_ID"), (0x01, "MNID_STRING"), (0xFF, "no name")];

crate::fields! {
    RECIPIENT_ROW: Text = "mapihttp.oxcdata.recipientrow", "RecipientRow", "[MS-OXCDATA] 2.8.3.2 one recipient: flags, standard properties, then other property values";
    RECIPIENT_FLAGS_F: U16 [Disp::Flags(RECIPIENT_FLAGS)] = "mapihttp.oxcdata.recipientrow.recipientflags", "RecipientFlags", "[MS-OXCDATA] 2.8.3.1 R 0x80 other transport, S 0x40 transmittable name = display name, T 0x20 / D 0x10 / E 0x08 / I 0x0400 / O 0x8000 field present, U 0x0200 UTF-16 strings, N 0x0100 no rich text, Type 0x07";
    RECIPIENT_TYPE: U8 [Disp::Names(ADDRESS_TYPES)] = "mapihttp.oxcdata.recipientrow.type", "Type", "[MS-OXCDATA] 2.8.3.1 the address type (low 3 bits of RecipientFlags)";
    ADDRESS_PREFIX_USED: U8 = "mapihttp.oxcdata.recipientrow.addressprefixused", "AddressPrefixUsed", "[MS-OXCDATA] 2.8.3.2 how many leading characters of X500DN are the same as the DN prefix of the logon (omitted)";
    DISPLAY_TYPE: U8 [Disp::Names(DISPLAY_TYPES)] = "mapihttp.oxcdata.recipientrow.displaytype", "DisplayType", "[MS-OXCDATA] 2.8.3.2 the kind of recipient";
    X500DN: Str8 = "mapihttp.oxcdata.recipientrow.x500dn", "X500DN", "[MS-OXCDATA] 2.8.3.2 the X500 DN of the recipient, without the first AddressPrefixUsed characters";
    ENTRY_ID_SIZE: U16 [Disp::Unit("bytes")] = "mapihttp.oxcdata.recipientrow.entryidsize", "EntryIdSize", "[MS-OXCDATA] 2.8.3.2 the size of EntryID";
    ENTRY_ID: Bytes = "mapihttp.oxcdata.recipientrow.entryid", "EntryID", "[MS-OXCDATA] 2.8.3.2 the EntryID of the personal distribution list";
    SEARCH_KEY_SIZE: U16 [Disp::Unit("bytes")] = "mapihttp.oxcdata.recipientrow.searchkeysize", "SearchKeySize", "[MS-OXCDATA] 2.8.3.2 the size of SearchKey";
    SEARCH_KEY: Bytes = "mapihttp.oxcdata.recipientrow.searchkey", "SearchKey", "[MS-OXCDATA] 2.8.3.2 the search key of the distribution list";
    ADDRESS_TYPE: Str8 = "mapihttp.oxcdata.recipientrow.addresstype", "AddressType", "[MS-OXCDATA] 2.8.3.2 the address type of a recipient with a non-standard type (O flag)";
    EMAIL_ADDRESS8: Str8 = "mapihttp.oxcdata.recipientrow.emailaddress8", "EmailAddress", "[MS-OXCDATA] 2.8.3.2 the email address (8-bit)";
    EMAIL_ADDRESS: Utf16 = "mapihttp.oxcdata.recipientrow.emailaddress", "EmailAddress", "[MS-OXCDATA] 2.8.3.2 the email address (UTF-16)";
    DISPLAY_NAME8: Str8 = "mapihttp.oxcdata.recipientrow.displayname8", "DisplayName", "[MS-OXCDATA] 2.8.3.2 the display name (8-bit)";
    DISPLAY_NAME: Utf16 = "mapihttp.oxcdata.recipientrow.displayname", "DisplayName", "[MS-OXCDATA] 2.8.3.2 the display name (UTF-16)";
    SIMPLE_DISPLAY_NAME8: Str8 = "mapihttp.oxcdata.recipientrow.simpledisplayname8", "SimpleDisplayName", "[MS-OXCDATA] 2.8.3.2 the simple display name (8-bit)";
    SIMPLE_DISPLAY_NAME: Utf16 = "mapihttp.oxcdata.recipientrow.simpledisplayname", "SimpleDisplayName", "[MS-OXCDATA] 2.8.3.2 the simple display name (UTF-16)";
    TRANSMITTABLE_DISPLAY_NAME8: Str8 = "mapihttp.oxcdata.recipientrow.transmittabledisplayname8", "TransmittableDisplayName", "[MS-OXCDATA] 2.8.3.2 the transmittable display name (8-bit)";
    TRANSMITTABLE_DISPLAY_NAME: Utf16 = "mapihttp.oxcdata.recipientrow.transmittabledisplayname", "TransmittableDisplayName", "[MS-OXCDATA] 2.8.3.2 the transmittable display name (UTF-16)";
    RECIPIENT_COLUMN_COUNT: U16 = "mapihttp.oxcdata.recipientrow.recipientcolumncount", "RecipientColumnCount", "[MS-OXCDATA] 2.8.3.2 how many of the recipient columns RecipientProperties has values for";
    RECIPIENT_PROPERTIES: U32 {super::values::row_summary} = "mapihttp.oxcdata.recipientrow.recipientproperties", "RecipientProperties", "[MS-OXCDATA] 2.8.3.2 a PropertyRow over the first RecipientColumnCount recipient columns";
    PROPERTY_NAME: Text = "mapihttp.oxcdata.propertyname", "PropertyName", "[MS-OXCDATA] 2.6.1 a named property: property set GUID and a LID or a name";
    KIND: U8 [Disp::Names(KINDS)] = "mapihttp.oxcdata.propertyname.kind", "Kind", "[MS-OXCDATA] 2.6.1 0x00 MNID_ID (LID follows), 0x01 MNID_STRING (NameSize and Name follow), 0xFF no name";
    NAME_GUID: Guid = "mapihttp.oxcdata.propertyname.guid", "GUID", "[MS-OXCDATA] 2.6.1 the property set ([MS-OXPROPS] 1.3.2)";
    LID: U32 [Disp::Hex] = "mapihttp.oxcdata.propertyname.lid", "LID", "[MS-OXCDATA] 2.6.1 the long id of the named property (MNID_ID)";
    NAME_SIZE: U8 [Disp::Unit("bytes")] = "mapihttp.oxcdata.propertyname.namesize", "NameSize", "[MS-OXCDATA] 2.6.1 the size of Name in bytes";
    NAME: Utf16 = "mapihttp.oxcdata.propertyname.name", "Name", "[MS-OXCDATA] 2.6.1 the name of the named property (MNID_STRING), UTF-16";
}

/// What a PropertyName said (for callers that learn named-property mappings).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PropertyName {
    /// The property set GUID, in wire order.
    pub guid: [u8; 16],
    /// Kind: 0x00 MNID_ID, 0x01 MNID_STRING, 0xFF no name.
    pub kind: u8,
    /// The LID (Kind 0x00).
    pub lid: u32,
    /// The name (Kind 0x01).
    pub name: String,
}

/// [MS-OXCDATA] 2.6.1 PropertyName as a structure node.
pub fn property_name(b: &mut Builder<'_>, c: &mut Cur<'_>) -> R<PropertyName> {
    grp(b, c, &PROPERTY_NAME, |b, c, idx| {
        let kind = b.u8(c, &KIND)?;
        let guid = b.guid(c, &NAME_GUID)?;
        let set = crate::props::property_set_name(&guid).map_or_else(|| guid_string(&guid), String::from);
        let mut pn = PropertyName { guid, kind, ..PropertyName::default() };
        let s = match kind {
            0x00 => {
                pn.lid = b.u32(c, &LID)?;
                match crate::props::named_lid_name(&guid, pn.lid) {
                    Some(n) => format!("{set} LID 0x{:08X} ({n})", pn.lid),
                    None => format!("{set} LID 0x{:08X}", pn.lid),
                }
            }
            0x01 => {
                let n = usize::from(b.u8(c, &NAME_SIZE)?);
                if n % 2 != 0 {
                    b.diag(Severity::Warning, format!("NameSize {n} is odd: Name is UTF-16"), c.src(), c.pos().saturating_sub(1), 1);
                }
                let raw = b.utf16n(c, &NAME, n)?;
                if raw.len() < 2 || raw.get(raw.len() - 2..) != Some(&[0, 0][..]) {
                    b.diag(Severity::Note, "Name has no terminating UTF-16 NUL within NameSize", c.src(), c.pos().saturating_sub(n), n);
                }
                pn.name = utf16_string(raw);
                match crate::props::named_string_name(&guid, &pn.name) {
                    Some(n) => format!("{set} {} ({n})", quote(&pn.name)),
                    None => format!("{set} {}", quote(&pn.name)),
                }
            }
            0xFF => format!("{set} (no name)"),
            other => return b.fail(c, format!("unknown PropertyName Kind 0x{other:02X}")),
        };
        summary(b, idx, &s);
        Ok(pn)
    })
}

/// A string of a recipient row: UTF-16 when `u`, else 8-bit.
fn rstr(b: &mut Builder<'_>, c: &mut Cur<'_>, u: bool, f16: &'static crate::tree::Field, f8: &'static crate::tree::Field) -> R<String> {
    Ok(if u { utf16_string(b.utf16z(c, f16)?) } else { str8_string(b.str8z(c, f8)?) })
}

/// [MS-OXCDATA] 2.8.3.2 RecipientRow over the recipient `columns`.
pub fn recipient_row(b: &mut Builder<'_>, c: &mut Cur<'_>, columns: &[u32]) -> R<()> {
    grp(b, c, &RECIPIENT_ROW, |b, c, idx| {
        let start = c.pos();
        let flags = recipient_flags(b, c)?;
        let ty = (flags & 0x0007) as u8;
        if flags & 0x7800 != 0 {
            b.diag(Severity::Note, "RecipientFlags Reserved bits should be 0", c.src(), start.saturating_add(1), 1);
        }
        let u = flags & 0x0200 != 0;
        let mut who = String::new();
        match ty {
            1 => {
                b.u8(c, &ADDRESS_PREFIX_USED)?;
                b.u8(c, &DISPLAY_TYPE)?;
                who = str8_string(b.str8z(c, &X500DN)?);
            }
            6 | 7 => {
                let n = usize::from(b.u16(c, &ENTRY_ID_SIZE)?);
                if n > c.left() {
                    return b.fail(c, format!("EntryIdSize {} exceeds the {} bytes left", n, c.left()));
                }
                let data = c.rest().get(..n).unwrap_or(&[]);
                match super::entryid::sniff(data) {
                    Some(k) => {
                        super::entryid::entry_id(b, c, k, n)?;
                    }
                    None => {
                        b.bytes(c, &ENTRY_ID, n)?;
                    }
                }
                let n = usize::from(b.u16(c, &SEARCH_KEY_SIZE)?);
                b.bytes(c, &SEARCH_KEY, n)?;
            }
            _ => {}
        }
        if ty == 0 && flags & 0x8000 != 0 {
            let at = str8_string(b.str8z(c, &ADDRESS_TYPE)?);
            who = format!("{at}:");
        } else if flags & 0x8000 != 0 {
            b.diag(Severity::Note, "the O flag is only meaningful with Type NoType", c.src(), start.saturating_add(1), 1);
        }
        if flags & 0x0008 != 0 {
            let e = rstr(b, c, u, &EMAIL_ADDRESS, &EMAIL_ADDRESS8)?;
            who.push_str(&e);
        }
        let mut name = String::new();
        if flags & 0x0010 != 0 {
            name = rstr(b, c, u, &DISPLAY_NAME, &DISPLAY_NAME8)?;
        }
        if flags & 0x0400 != 0 {
            rstr(b, c, u, &SIMPLE_DISPLAY_NAME, &SIMPLE_DISPLAY_NAME8)?;
        }
        if flags & 0x0020 != 0 {
            rstr(b, c, u, &TRANSMITTABLE_DISPLAY_NAME, &TRANSMITTABLE_DISPLAY_NAME8)?;
        }
        let tn = lookup(ADDRESS_TYPES, ty.into()).unwrap_or("?");
        summary(b, idx, &format!("{tn} {} <{who}>", quote(&name)));
        let n = b.u16(c, &RECIPIENT_COLUMN_COUNT)?;
        let cols = match columns.get(..usize::from(n)) {
            Some(cols) => cols,
            None => {
                let msg = format!("RecipientColumnCount {n} exceeds the {} known recipient columns", columns.len());
                return b.fail(c, msg);
            }
        };
        property_row_f(b, c, cols, &RECIPIENT_PROPERTIES)
    })
}

/// RecipientFlags as a node with the Type bit field as a child (sharing its first byte).
fn recipient_flags(b: &mut Builder<'_>, c: &mut Cur<'_>) -> R<u16> {
    let Some(flags) = c.peek_u16() else {
        // Truncated: the read records the error.
        return b.u16(c, &RECIPIENT_FLAGS_F);
    };
    let start = c.pos();
    let idx = b.open(&RECIPIENT_FLAGS_F, c.src(), start)?;
    b.set_value(idx, Value::UInt(flags.into()));
    let r = b.push(&RECIPIENT_TYPE, Value::UInt((flags & 0x0007).into()), c.src(), start, 1);
    c.advance(2);
    b.close(idx, 2);
    r.map(|_| flags)
}
