//! [MS-OXCDATA] 2.11.1 Property Data Types and 2.9 PropertyTag Structure: the property type names and
//! the property tag display shared by the address book (NSPI) and ROP decoders.
//!
//! A property tag is a little-endian u32 whose low word is the property type and whose high word is
//! the property id; on the wire that is PropertyType (2 bytes) then PropertyId (2 bytes). Ids at or
//! above 0x8000 are named-property ids ([MS-OXCDATA] 2.6, [MS-OXPROPS] 1.3.2): their meaning is a
//! per-mailbox mapping, so they are shown as "named property id".
//!
//! The PidTag name catalogue is a later piece of work: [`tag_name`] is the plug-in point (it returns
//! `None` for now) and [`tag_text`] already uses it.

use alloc::format;
use alloc::string::String;

use crate::build::{Builder, Cur, R};
use crate::tree::{Disp, Field, NameTable, Value};

/// PtypUnspecified: any type; a server returns the actual type ([MS-OXCDATA] 2.11.1).
pub const PTYP_UNSPECIFIED: u16 = 0x0000;
/// PtypNull: a placeholder without value bytes.
pub const PTYP_NULL: u16 = 0x0001;
/// PtypInteger16: 2 bytes.
pub const PTYP_INTEGER16: u16 = 0x0002;
/// PtypInteger32: 4 bytes.
pub const PTYP_INTEGER32: u16 = 0x0003;
/// PtypFloating32: 4-byte IEEE float.
pub const PTYP_FLOATING32: u16 = 0x0004;
/// PtypFloating64: 8-byte IEEE double.
pub const PTYP_FLOATING64: u16 = 0x0005;
/// PtypCurrency: 8-byte signed integer scaled by 10 000.
pub const PTYP_CURRENCY: u16 = 0x0006;
/// PtypFloatingTime: 8-byte double, days since 1899-12-30.
pub const PTYP_FLOATING_TIME: u16 = 0x0007;
/// PtypErrorCode: 4-byte error code ([MS-OXCDATA] 2.4).
pub const PTYP_ERROR_CODE: u16 = 0x000A;
/// PtypBoolean: 1 byte (restricted to 1 or 0).
pub const PTYP_BOOLEAN: u16 = 0x000B;
/// PtypObject / PtypEmbeddedTable: an object (0x000D).
pub const PTYP_OBJECT: u16 = 0x000D;
/// PtypInteger64: 8 bytes.
pub const PTYP_INTEGER64: u16 = 0x0014;
/// PtypString8: 8-bit string in an external code page, NUL-terminated.
pub const PTYP_STRING8: u16 = 0x001E;
/// PtypString: UTF-16LE string, NUL-terminated.
pub const PTYP_STRING: u16 = 0x001F;
/// PtypTime: 8-byte FILETIME.
pub const PTYP_TIME: u16 = 0x0040;
/// PtypGuid: 16-byte GUID.
pub const PTYP_GUID: u16 = 0x0048;
/// PtypServerId: 16-bit COUNT followed by a server id structure.
pub const PTYP_SERVER_ID: u16 = 0x00FB;
/// PtypRestriction: a restriction ([MS-OXCDATA] 2.12).
pub const PTYP_RESTRICTION: u16 = 0x00FD;
/// PtypRuleAction: a rule action ([MS-OXORULE] 2.2.5).
pub const PTYP_RULE_ACTION: u16 = 0x00FE;
/// PtypBinary: COUNT followed by that many bytes.
pub const PTYP_BINARY: u16 = 0x0102;
/// The multiple-value bit of a property type (PtypMultipleX = PtypX | 0x1000).
pub const MULTIPLE: u16 = 0x1000;
/// The multiple-value instance bit (MVI_FLAG), used in column sets to expand a multi-valued column
/// into one row per value; the row then carries a single value of the base type.
pub const MULTIPLE_INSTANCE: u16 = 0x2000;

/// [MS-OXCDATA] 2.11.1 property types, names as the specification spells them, sorted by value.
/// 0x000D is listed as "PtypObject or PtypEmbeddedTable" in the specification; it is shown as PtypObject.
pub static PROPERTY_TYPES: NameTable = &[
    (0x0000, "PtypUnspecified"),
    (0x0001, "PtypNull"),
    (0x0002, "PtypInteger16"),
    (0x0003, "PtypInteger32"),
    (0x0004, "PtypFloating32"),
    (0x0005, "PtypFloating64"),
    (0x0006, "PtypCurrency"),
    (0x0007, "PtypFloatingTime"),
    (0x000A, "PtypErrorCode"),
    (0x000B, "PtypBoolean"),
    (0x000D, "PtypObject"),
    (0x0014, "PtypInteger64"),
    (0x001E, "PtypString8"),
    (0x001F, "PtypString"),
    (0x0040, "PtypTime"),
    (0x0048, "PtypGuid"),
    (0x00FB, "PtypServerId"),
    (0x00FD, "PtypRestriction"),
    (0x00FE, "PtypRuleAction"),
    (0x0102, "PtypBinary"),
    (0x1002, "PtypMultipleInteger16"),
    (0x1003, "PtypMultipleInteger32"),
    (0x1004, "PtypMultipleFloating32"),
    (0x1005, "PtypMultipleFloating64"),
    (0x1006, "PtypMultipleCurrency"),
    (0x1007, "PtypMultipleFloatingTime"),
    (0x1014, "PtypMultipleInteger64"),
    (0x101E, "PtypMultipleString8"),
    (0x101F, "PtypMultipleString"),
    (0x1040, "PtypMultipleTime"),
    (0x1048, "PtypMultipleGuid"),
    (0x1102, "PtypMultipleBinary"),
];

/// The specification name of a property type, if it is one of [MS-OXCDATA] 2.11.1.
pub fn type_name(v: u64) -> Option<&'static str> {
    crate::tree::lookup(PROPERTY_TYPES, v)
}

/// The PidTag name of a property tag. The catalogue ([MS-OXPROPS]) is not generated yet: this is the
/// plug-in point and returns `None` for now.
pub fn tag_name(_tag: u32) -> Option<&'static str> {
    None
}

/// The size in bytes of a value of a fixed-size property type, `None` for variable-size types.
pub fn fixed_size(ptype: u16) -> Option<usize> {
    match ptype {
        PTYP_NULL => Some(0),
        PTYP_BOOLEAN => Some(1),
        PTYP_INTEGER16 => Some(2),
        PTYP_INTEGER32 | PTYP_FLOATING32 | PTYP_ERROR_CODE => Some(4),
        PTYP_FLOATING64 | PTYP_CURRENCY | PTYP_FLOATING_TIME | PTYP_INTEGER64 | PTYP_TIME => Some(8),
        PTYP_GUID => Some(16),
        _ => None,
    }
}

/// Text for a property type: its name, or `0xNNNN` when unknown.
pub fn type_text(ptype: u16) -> String {
    match type_name(ptype.into()) {
        Some(n) => String::from(n),
        None => format!("type 0x{ptype:04X}"),
    }
}

/// The display of a property tag: `0x3001001F (PtypString, id 0x3001)`; named-property ids
/// (>= 0x8000) as `0x8005001F (PtypString, named property id 0x8005)`; with a catalogue name
/// `0x3001001F (PidTagDisplayName, PtypString)`.
pub fn tag_text(tag: u32) -> String {
    let ptype = (tag & 0xFFFF) as u16;
    let id = (tag >> 16) as u16;
    let t = type_text(ptype);
    if let Some(name) = tag_name(tag) {
        format!("0x{tag:08X} ({name}, {t})")
    } else if id >= 0x8000 {
        format!("0x{tag:08X} ({t}, named property id 0x{id:04X})")
    } else {
        format!("0x{tag:08X} ({t}, id 0x{id:04X})")
    }
}

crate::fields! {
    PROPERTY_TAG: Text = "mapihttp.prop.tag", "PropertyTag", "[MS-OXCDATA] 2.9 a property tag: PropertyType in the low word, PropertyId in the high word";
    PROPERTY_TYPE: U16 [Disp::Lookup(type_name)] = "mapihttp.prop.type", "PropertyType", "[MS-OXCDATA] 2.9/2.11.1 the data type of the property value";
    PROPERTY_ID: U16 [Disp::Hex] = "mapihttp.prop.id", "PropertyId", "[MS-OXCDATA] 2.9 the property identifier; 0x8000 and above are named-property ids ([MS-OXCDATA] 2.6)";
}

/// Reads PropertyType and PropertyId as two leaves (the inside of a PropertyTag). Returns the tag.
pub fn tag_parts(b: &mut Builder<'_>, c: &mut Cur<'_>) -> R<u32> {
    let t = b.u16(c, &PROPERTY_TYPE)?;
    let id = b.u16(c, &PROPERTY_ID)?;
    Ok(u32::from(t) | (u32::from(id) << 16))
}

/// Reads a 4-byte property tag as a structure node of field `f` (a [`crate::tree::Ty::Text`] field)
/// whose value is [`tag_text`], with PropertyType and PropertyId children.
pub fn property_tag(b: &mut Builder<'_>, c: &mut Cur<'_>, f: &'static Field) -> R<u32> {
    let start = c.pos();
    let idx = b.open(f, c.src(), start)?;
    if let Some(tag) = c.peek_u32() {
        b.set_value(idx, Value::Text(tag_text(tag).into()));
    }
    let r = tag_parts(b, c);
    b.close(idx, c.pos().saturating_sub(start));
    r
}

/// The field groups of this module, for the registry.
pub static FIELD_GROUPS: &[&[&crate::tree::Field]] = &[FIELDS];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_table_sorted_and_complete() {
        for w in PROPERTY_TYPES.windows(2) {
            if let [a, b] = w {
                assert!(a.0 < b.0, "PROPERTY_TYPES not sorted at {:#x}", b.0);
            }
        }
        assert_eq!(PROPERTY_TYPES.len(), 32);
        assert_eq!(type_name(0x001F), Some("PtypString"));
        assert_eq!(type_name(0x001E), Some("PtypString8"));
        assert_eq!(type_name(0x1102), Some("PtypMultipleBinary"));
        assert_eq!(type_name(0x000A), Some("PtypErrorCode"));
        assert_eq!(type_name(0x00FB), Some("PtypServerId"));
        assert_eq!(type_name(0x00FD), Some("PtypRestriction"));
        assert_eq!(type_name(0x00FE), Some("PtypRuleAction"));
        assert_eq!(type_name(0x000D), Some("PtypObject"));
        assert_eq!(type_name(0x0000), Some("PtypUnspecified"));
        assert_eq!(type_name(0x0001), Some("PtypNull"));
        assert_eq!(type_name(0x0008), None);
        // Every multiple type is its base type with the 0x1000 bit.
        for &(v, n) in PROPERTY_TYPES.iter().filter(|e| e.0 & 0x1000 != 0) {
            let base = type_name(v & !0x1000).unwrap();
            assert_eq!(n.strip_prefix("PtypMultiple").unwrap(), base.strip_prefix("Ptyp").unwrap());
        }
    }

    #[test]
    fn tag_display() {
        assert_eq!(tag_text(0x3001_001F), "0x3001001F (PtypString, id 0x3001)");
        assert_eq!(tag_text(0x8005_0003), "0x80050003 (PtypInteger32, named property id 0x8005)");
        assert_eq!(tag_text(0x0FFF_0102), "0x0FFF0102 (PtypBinary, id 0x0FFF)");
        assert_eq!(tag_text(0x1234_0009), "0x12340009 (type 0x0009, id 0x1234)");
        assert_eq!(tag_name(0x3001_001F), None);
    }

    #[test]
    fn fixed_sizes() {
        assert_eq!(fixed_size(PTYP_BOOLEAN), Some(1));
        assert_eq!(fixed_size(PTYP_TIME), Some(8));
        assert_eq!(fixed_size(PTYP_GUID), Some(16));
        assert_eq!(fixed_size(PTYP_STRING), None);
        assert_eq!(fixed_size(PTYP_BINARY), None);
    }
}
