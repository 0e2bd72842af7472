//! Address book property values and rows, [MS-OXCMAPIHTTP] 2.2.1:
//!
//! - 2.2.1.1 AddressBookPropertyValue: `HasValue` (1 byte, TRUE is 0xFF) — present only when the type
//!   is PtypString, PtypString8, PtypBinary or any PtypMultiple type — then the value unless HasValue
//!   is FALSE. Fixed-size types carry no HasValue byte.
//! - 2.2.1.2 AddressBookTaggedPropertyValue: PropertyType (2), PropertyId (2), PropertyValue.
//! - 2.2.1.3 AddressBookPropertyValueList: PropertyValueCount (4), PropertyValues.
//! - 2.2.1.4 AddressBookTypedPropertyValue: PropertyType (2), PropertyValue.
//! - 2.2.1.5 AddressBookFlaggedPropertyValue: Flag (1: 0x0 value, 0x1 no value, 0xA PtypErrorCode
//!   value), PropertyValue unless Flag is 0x1.
//! - 2.2.1.6 AddressBookFlaggedPropertyValueWithType: PropertyType (2), Flag (1), PropertyValue.
//! - 2.2.1.7 AddressBookPropertyRow: Flags (1: 0x0 standard, 0x1 flagged), ValueArray typed by the
//!   Columns of the same response (PtypUnspecified columns carry their own type).
//!
//! Value encodings ([MS-OXCDATA] 2.11.1): COUNTs are 32 bits wide in MAPI/HTTP bodies
//! ([MS-OXCDATA] 2.11.1.1: binary byte counts and multiple-value counts), PtypBoolean is 1 byte.
//!
//! Where the specification is silent and implementations agree: inside a PtypMultipleString,
//! PtypMultipleString8 or PtypMultipleBinary address book value every element is preceded by its own
//! presence byte (0xFF present, 0x00 null) — gromox writes and reads it, Microsoft's MAPI Inspector
//! reads it for PtypMultipleString ("real MapiHttp traffic adds the magic byte FF"), and Microsoft's
//! protocol test suite skips it before each PtypMultipleBinary element. Some Exchange responses
//! repeat the 0xFF HasValue of a PtypBinary (the test suite skips a second 0xFF, MAPI Inspector reads
//! two); that form is accepted only when the single-byte reading cannot fit the body.
//!
//! Binary values that are complete address book entry ids ([MS-OXNSPI] 2.2.9.2/2.2.9.3) are decoded
//! as a sub-tree.
//!
//! Nothing is formatted while decoding a row: a column or tagged value node has the property tag as
//! its value and [`ab_summary`] builds `PidTagDisplayName (0x3001001F, PtypString) = "Alice"` from
//! its children when displayed (a caller's field without that summarizer gets the text while
//! decoding; a structure that stops midway shows the tag alone, as before).

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use super::entryid;
use crate::props::{self, *};
use super::structs::{has, large_tag_array, sized_group_idx};
use crate::build::{Builder, Cur, R};
use crate::display::{filetime_string, guid_string, hex_string, str8_string, utf16_string};
use crate::oxcdata::view::{is, View};
use crate::tree::{Disp, Dissection, Field, NameTable, Node, Severity, Value};

/// How variable-size values are framed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// [MS-OXCMAPIHTTP] 2.2.1.1 AddressBookPropertyValue: HasValue bytes.
    Ab,
    /// [MS-OXCDATA] 2.11.2.1 PropertyValue with MAPI/HTTP (32-bit) COUNTs and no HasValue bytes
    /// (restriction comparands, [MS-OXCDATA] 2.12).
    Plain,
}

/// [MS-OXCMAPIHTTP] 2.2.1.7 AddressBookPropertyRow Flags.
pub static ROW_FLAGS: NameTable = &[(0x00, "Standard"), (0x01, "Flagged")];

/// [MS-OXCMAPIHTTP] 2.2.1.5 AddressBookFlaggedPropertyValue Flag.
pub static FLAG_VALUES: NameTable = &[(0x00, "Present"), (0x01, "Absent"), (0x0A, "Error")];

crate::fields! {
    HAS_VALUE: Bool = "mapihttp.nspi.hasvalue", "HasValue", "[MS-OXCMAPIHTTP] 2.2.1.1 a Boolean (TRUE is 0xFF) that specifies whether the PropertyValue follows; present only for string, binary and multiple-valued types";
    V_I16: I16 = "mapihttp.nspi.value.integer16", "PropertyValue", "[MS-OXCDATA] 2.11.1 PtypInteger16 value";
    V_I32: I32 = "mapihttp.nspi.value.integer32", "PropertyValue", "[MS-OXCDATA] 2.11.1 PtypInteger32 value";
    V_F32: F32 = "mapihttp.nspi.value.floating32", "PropertyValue", "[MS-OXCDATA] 2.11.1 PtypFloating32 value";
    V_F64: F64 = "mapihttp.nspi.value.floating64", "PropertyValue", "[MS-OXCDATA] 2.11.1 PtypFloating64 value";
    V_CURRENCY: I64 = "mapihttp.nspi.value.currency", "PropertyValue", "[MS-OXCDATA] 2.11.1 PtypCurrency value (scaled by 10 000)";
    V_FLOATING_TIME: F64 = "mapihttp.nspi.value.floatingtime", "PropertyValue", "[MS-OXCDATA] 2.11.1 PtypFloatingTime value (days since 1899-12-30)";
    V_ERROR: U32 [Disp::Lookup(crate::errors::name)] = "mapihttp.nspi.value.errorcode", "PropertyValue", "[MS-OXCDATA] 2.11.1 PtypErrorCode value ([MS-OXCDATA] 2.4)";
    V_BOOL: Bool = "mapihttp.nspi.value.boolean", "PropertyValue", "[MS-OXCDATA] 2.11.1 PtypBoolean value (1 byte)";
    V_I64: I64 = "mapihttp.nspi.value.integer64", "PropertyValue", "[MS-OXCDATA] 2.11.1 PtypInteger64 value";
    V_STRING8: Str8 = "mapihttp.nspi.value.string8", "PropertyValue", "[MS-OXCDATA] 2.11.1 PtypString8 value (8-bit, null-terminated; code page from CodePage)";
    V_STRING: Utf16 = "mapihttp.nspi.value.string", "PropertyValue", "[MS-OXCDATA] 2.11.1 PtypString value (UTF-16LE, null-terminated)";
    V_TIME: FileTime = "mapihttp.nspi.value.time", "PropertyValue", "[MS-OXCDATA] 2.11.1 PtypTime value (FILETIME)";
    V_GUID: Guid = "mapihttp.nspi.value.guid", "PropertyValue", "[MS-OXCDATA] 2.11.1 PtypGuid value";
    V_BINARY: Bytes = "mapihttp.nspi.value.binary", "PropertyValue", "[MS-OXCDATA] 2.11.1 PtypBinary value bytes";
    V_OBJECT: Bytes = "mapihttp.nspi.value.object", "PropertyValue", "[MS-OXCDATA] 2.11.1 PtypObject value, read as a counted binary";
    V_SERVER_ID: Bytes = "mapihttp.nspi.value.serverid", "PropertyValue", "[MS-OXCDATA] 2.11.1 PtypServerId value bytes";
    V_SERVER_ID_COUNT: U16 [Disp::Unit("bytes")] = "mapihttp.nspi.value.serveridcount", "Count", "[MS-OXCDATA] 2.11.1 the 16-bit COUNT of a PtypServerId value";
    V_COUNT: U32 = "mapihttp.nspi.value.count", "Count", "[MS-OXCDATA] 2.11.1.1 COUNT (32 bits in MAPI/HTTP): bytes of a PtypBinary, values of a PtypMultiple type";
    V_MULTIPLE: None = "mapihttp.nspi.value.multiple", "PropertyValue", "[MS-OXCDATA] 2.11.1 a multiple-valued property value: COUNT then the values";
    V_RESTRICTION: None = "mapihttp.nspi.value.restriction", "PropertyValue", "[MS-OXCDATA] 2.11.1 PtypRestriction value ([MS-OXCDATA] 2.12)";
    AB_VALUE: U32 [Disp::Hex] {ab_summary} = "mapihttp.nspi.addressbookpropertyvalue", "AddressBookPropertyValue", "[MS-OXCMAPIHTTP] 2.2.1.1 a property value of a row, typed by its column";
    AB_TAGGED: U32 [Disp::Hex] {ab_summary} = "mapihttp.nspi.addressbooktaggedpropertyvalue", "AddressBookTaggedPropertyValue", "[MS-OXCMAPIHTTP] 2.2.1.2 a property tag and an AddressBookPropertyValue";
    AB_TYPED: U32 [Disp::Hex] {ab_summary} = "mapihttp.nspi.addressbooktypedpropertyvalue", "AddressBookTypedPropertyValue", "[MS-OXCMAPIHTTP] 2.2.1.4 a property type and an AddressBookPropertyValue (PtypUnspecified columns of a standard row)";
    AB_FLAGGED: U32 [Disp::Hex] {ab_summary} = "mapihttp.nspi.addressbookflaggedpropertyvalue", "AddressBookFlaggedPropertyValue", "[MS-OXCMAPIHTTP] 2.2.1.5 a flag and an optional AddressBookPropertyValue (flagged rows)";
    AB_FLAGGED_TYPED: U32 [Disp::Hex] {ab_summary} = "mapihttp.nspi.addressbookflaggedpropertyvaluewithtype", "AddressBookFlaggedPropertyValueWithType", "[MS-OXCMAPIHTTP] 2.2.1.6 a property type, a flag and an optional AddressBookPropertyValue (PtypUnspecified columns of a flagged row)";
    FLAG: U8 [Disp::Names(FLAG_VALUES)] = "mapihttp.nspi.flag", "Flag", "[MS-OXCMAPIHTTP] 2.2.1.5 0x0: PropertyValue has the column's type; 0x1: no PropertyValue; 0xA: PropertyValue is a PtypErrorCode saying why the value is missing";
    ROW: None = "mapihttp.nspi.addressbookpropertyrow", "AddressBookPropertyRow", "[MS-OXCMAPIHTTP] 2.2.1.7 one row: Flags and a ValueArray matching the Columns";
    ROW_FLAGS_F: U8 [Disp::Names(ROW_FLAGS)] = "mapihttp.nspi.row.flags", "Flags", "[MS-OXCMAPIHTTP] 2.2.1.7 0x0: every value present (AddressBookPropertyValue/TypedPropertyValue); 0x1: flagged values";
    VALUE_ARRAY: None = "mapihttp.nspi.row.valuearray", "ValueArray", "[MS-OXCMAPIHTTP] 2.2.1.7 one value per column";
    ROW_COUNT: U32 = "mapihttp.nspi.rowcount", "RowCount", "[MS-OXCMAPIHTTP] 2.2.5 the number of structures in the RowData field";
    ROW_DATA: None = "mapihttp.nspi.rowdata", "RowData", "[MS-OXCMAPIHTTP] 2.2.5 an array of AddressBookPropertyRow structures";
    HAS_COLUMNS_AND_ROWS: Bool = "mapihttp.nspi.hascolumnsandrows", "HasColumnsAndRows", "[MS-OXCMAPIHTTP] 2.2.5.5.2/2.2.5.12.2/2.2.5.16.2 a Boolean that specifies whether the Columns, RowCount and RowData fields are present";
    HAS_PROPERTY_VALUES: Bool = "mapihttp.nspi.haspropertyvalues", "HasPropertyValues", "[MS-OXCMAPIHTTP] 2.2.5.7.2/2.2.5.11.1 a Boolean that specifies whether the PropertyValues field is present";
    PROPERTY_VALUES: None = "mapihttp.nspi.propertyvalues", "PropertyValues", "[MS-OXCMAPIHTTP] 2.2.1.3 an AddressBookPropertyValueList";
    PROPERTY_VALUE_COUNT: U32 = "mapihttp.nspi.propertyvaluecount", "PropertyValueCount", "[MS-OXCMAPIHTTP] 2.2.1.3 the number of structures in the PropertyValues field";
    VALUE_LIST: None = "mapihttp.nspi.addressbookpropertyvaluelist", "AddressBookPropertyValueList", "[MS-OXCMAPIHTTP] 2.2.1.3 a list of AddressBookTaggedPropertyValue structures";
}

/// Shortens a string for a summary line.
fn quote(s: &str) -> String {
    let mut out = String::from("\"");
    for (i, ch) in s.chars().enumerate() {
        if i == 60 {
            out.push('…');
            break;
        }
        out.push(if (ch as u32) < 0x20 { '.' } else { ch });
    }
    out.push('"');
    out
}

fn bytes_summary(b: &[u8]) -> String {
    if b.len() <= 16 {
        format!("{} ({} bytes)", hex_string(b), b.len())
    } else {
        format!("{}… ({} bytes)", hex_string(b.get(..16).unwrap_or(&[])), b.len())
    }
}

/// Reads a property value of type `ptype` (no tag): in [`Mode::Ab`] the HasValue byte first when the
/// type has one. Nothing is formatted: the enclosing node's summary ([`ab_summary`]) is built from
/// these nodes when shown.
pub fn value(b: &mut Builder<'_>, c: &mut Cur<'_>, ptype: u16, mode: Mode) -> R<()> {
    let t = base_type(ptype);
    let variable = t == PTYP_STRING8 || t == PTYP_STRING || t == PTYP_BINARY || t & MULTIPLE != 0;
    let mut after_marker = false;
    if mode == Mode::Ab && variable {
        let raw = c.peek_u8();
        if !has(b, c, &HAS_VALUE)? {
            return Ok(());
        }
        if raw != Some(0xFF) {
            b.diag(Severity::Note, "HasValue TRUE is 0xFF; another non-zero value was read as TRUE", c.src(), c.pos().saturating_sub(1), 1);
        }
        after_marker = true;
    }
    if t & MULTIPLE != 0 {
        multiple(b, c, t, mode)
    } else {
        single(b, c, t, after_marker)
    }
}

/// The type a value of column type `ptype` is encoded with: a multiple-value instance column
/// carries one value of the base type.
fn base_type(ptype: u16) -> u16 {
    if ptype & MULTIPLE_INSTANCE != 0 {
        ptype & !(MULTIPLE_INSTANCE | MULTIPLE)
    } else {
        ptype
    }
}

/// A single value of a non-multiple type.
fn single(b: &mut Builder<'_>, c: &mut Cur<'_>, t: u16, after_marker: bool) -> R<()> {
    match t {
        PTYP_NULL => Ok(()),
        PTYP_INTEGER16 => b.i16(c, &V_I16).map(drop),
        PTYP_INTEGER32 => b.i32(c, &V_I32).map(drop),
        PTYP_FLOATING32 => b.f32(c, &V_F32).map(drop),
        PTYP_FLOATING64 => b.f64(c, &V_F64).map(drop),
        PTYP_CURRENCY => b.i64(c, &V_CURRENCY).map(drop),
        PTYP_FLOATING_TIME => b.f64(c, &V_FLOATING_TIME).map(drop),
        PTYP_ERROR_CODE => b.u32(c, &V_ERROR).map(drop),
        PTYP_BOOLEAN => {
            let raw = c.peek_u8();
            b.bool8(c, &V_BOOL)?;
            if raw.is_some_and(|x| x > 1) {
                b.diag(Severity::Note, "PtypBoolean is restricted to 1 or 0", c.src(), c.pos().saturating_sub(1), 1);
            }
            Ok(())
        }
        PTYP_INTEGER64 => b.i64(c, &V_I64).map(drop),
        PTYP_STRING8 => b.str8z(c, &V_STRING8).map(drop),
        PTYP_STRING => crate::oxcdata::values::utf16z(b, c, &V_STRING),
        PTYP_TIME => b.u64(c, &V_TIME).map(drop),
        PTYP_GUID => b.guid(c, &V_GUID).map(drop),
        PTYP_BINARY => binary(b, c, after_marker),
        PTYP_OBJECT => {
            let n = b.u32(c, &V_COUNT)? as usize;
            b.bytes(c, &V_OBJECT, n).map(drop)
        }
        PTYP_SERVER_ID => {
            let n = b.u16(c, &V_SERVER_ID_COUNT)? as usize;
            b.bytes(c, &V_SERVER_ID, n).map(drop)
        }
        PTYP_RESTRICTION => b.group(c, &V_RESTRICTION, |b, c| super::restriction::restriction(b, c)),
        PTYP_RULE_ACTION => b.fail(c, "PtypRuleAction values ([MS-OXORULE] 2.2.5) are not decoded here"),
        PTYP_UNSPECIFIED => b.fail(c, "a PtypUnspecified value has no encoding of its own"),
        other => b.fail(c, format!("unknown property type 0x{other:04X}: the value's length cannot be known")),
    }
}

/// PtypBinary: COUNT (32 bits) and the bytes; entry ids are decoded as a sub-tree.
fn binary(b: &mut Builder<'_>, c: &mut Cur<'_>, after_marker: bool) -> R<()> {
    if after_marker && c.peek_u8() == Some(0xFF) {
        // A repeated 0xFF HasValue, accepted only when the count read at the 0xFF cannot fit.
        let left = c.left();
        let at = |o: usize| c.rest().get(o..o + 4).and_then(|w| w.try_into().ok()).map(u32::from_le_bytes);
        let one = at(0).is_none_or(|n| n as usize > left.saturating_sub(4));
        let two = at(1).is_some_and(|n| (n as usize) <= left.saturating_sub(5));
        if one && two {
            b.diag_at(c, Severity::Note, "second 0xFF HasValue byte before a PtypBinary value (Exchange)", 1);
            b.bool8(c, &HAS_VALUE)?;
        }
    }
    let n = b.u32(c, &V_COUNT)? as usize;
    if n > c.left() {
        return b.fail(c, format!("binary Count {} exceeds the {} bytes left", n, c.left()));
    }
    let data = c.rest().get(..n).unwrap_or(&[]);
    match entryid::sniff(data) {
        Some(kind) => sized_group_idx(b, c, &V_BINARY, n, |b, c, idx| {
            b.set_value(idx, Value::Bytes);
            entryid::entry_id(b, c, kind).map(drop)
        }),
        None => b.bytes(c, &V_BINARY, n).map(drop),
    }
}

/// A PtypMultiple value: COUNT then the values (in Ab mode each string/binary element has its own
/// presence byte).
fn multiple(b: &mut Builder<'_>, c: &mut Cur<'_>, t: u16, mode: Mode) -> R<()> {
    let base = t & !MULTIPLE;
    let marked = mode == Mode::Ab && (base == PTYP_STRING8 || base == PTYP_STRING || base == PTYP_BINARY);
    let min = if marked {
        1
    } else {
        match base {
            PTYP_STRING8 => 1,
            PTYP_STRING => 2,
            PTYP_BINARY => 4,
            PTYP_INTEGER16 | PTYP_INTEGER32 | PTYP_FLOATING32 | PTYP_FLOATING64 | PTYP_CURRENCY | PTYP_FLOATING_TIME
            | PTYP_INTEGER64 | PTYP_TIME | PTYP_GUID => fixed_size(base).unwrap_or(1),
            _ => return b.fail(c, format!("unknown multiple-valued property type 0x{t:04X}")),
        }
    };
    b.group(c, &V_MULTIPLE, |b, c| {
        let n = b.u32(c, &V_COUNT)?;
        let n = b.check_count(c, &V_COUNT, n.into(), min)?;
        for _ in 0..n {
            if marked && !has(b, c, &HAS_VALUE)? {
                continue;
            }
            single(b, c, base, false)?;
        }
        Ok(())
    })
}

/// Opens a structure node of `f` whose value, once complete, is `tag` (the summary
/// `tag = value` is built by [`ab_summary`] when shown; a caller's field without a summarizer gets
/// it now). While incomplete the node shows `label` (computed only then).
fn tag_node<'a, 'x>(
    b: &mut Builder<'a>,
    c: &mut Cur<'x>,
    f: &'static Field,
    label: Option<u32>,
    body: impl FnOnce(&mut Builder<'a>, &mut Cur<'x>) -> R<u32>,
) -> R<()> {
    let start = c.pos();
    let idx = group_open(b, c, f, start)?;
    let r = body(b, c);
    b.close(idx, c.pos().saturating_sub(start));
    match r {
        Ok(tag) => {
            b.set_value(idx, Value::UInt(tag.into()));
            if f.summary.is_none() {
                let s = ab_text(&View::live(b, c), idx, tag);
                b.set_value(idx, Value::Text(s.into()));
            }
            Ok(())
        }
        Err(e) => {
            if let Some(tag) = label {
                b.set_value(idx, Value::Text(tag_text(tag).into()));
            }
            Err(e)
        }
    }
}

fn group_open(b: &mut Builder<'_>, c: &Cur<'_>, f: &'static Field, start: usize) -> R<u32> {
    b.open(f, c.src(), start)
}

/// [MS-OXCMAPIHTTP] 2.2.1.2 AddressBookTaggedPropertyValue (or, in [`Mode::Plain`], an
/// [MS-OXCDATA] 2.11.4 TaggedPropertyValue) as a structure node of field `f`.
pub fn tagged(b: &mut Builder<'_>, c: &mut Cur<'_>, f: &'static Field, mode: Mode) -> R<()> {
    let peek = c.peek_u32();
    tag_node(b, c, f, peek, |b, c| {
        let tag = props::tag_parts(b, c)?;
        value(b, c, (tag & 0xFFFF) as u16, mode)?;
        Ok(tag)
    })
}

/// [MS-OXCMAPIHTTP] 2.2.1.3 AddressBookPropertyValueList as a structure node of field `f`.
pub fn value_list(b: &mut Builder<'_>, c: &mut Cur<'_>, f: &'static Field) -> R<()> {
    b.group(c, f, |b, c| {
        let n = b.u32(c, &PROPERTY_VALUE_COUNT)?;
        let n = b.check_count(c, &PROPERTY_VALUE_COUNT, n.into(), 4)?;
        for _ in 0..n {
            tagged(b, c, &AB_TAGGED, Mode::Ab)?;
        }
        Ok(())
    })
}

/// HasPropertyValues and, when set, PropertyValues.
pub fn opt_property_values(b: &mut Builder<'_>, c: &mut Cur<'_>) -> R<()> {
    if has(b, c, &HAS_PROPERTY_VALUES)? {
        value_list(b, c, &PROPERTY_VALUES)?;
    }
    Ok(())
}

/// The flag and optional value of an AddressBookFlaggedPropertyValue(WithType).
fn flagged_value(b: &mut Builder<'_>, c: &mut Cur<'_>, ptype: u16) -> R<()> {
    let flag = b.u8(c, &FLAG)?;
    match flag {
        0x00 => value(b, c, ptype, Mode::Ab),
        0x01 => Ok(()),
        0x0A => value(b, c, PTYP_ERROR_CODE, Mode::Ab),
        other => b.fail(c, format!("unknown AddressBookFlaggedPropertyValue Flag 0x{other:02X}")),
    }
}

/// One column value of a row: a node whose value is the column's tag.
fn column(b: &mut Builder<'_>, c: &mut Cur<'_>, col: u32, flagged: bool) -> R<()> {
    let ptype = (col & 0xFFFF) as u16;
    let unspecified = ptype == PTYP_UNSPECIFIED;
    if !flagged && !unspecified && ptype == PTYP_NULL {
        // No bytes and nothing to show: no node (every node consumes input).
        return Ok(());
    }
    let f = match (flagged, unspecified) {
        (false, false) => &AB_VALUE,
        (false, true) => &AB_TYPED,
        (true, false) => &AB_FLAGGED,
        (true, true) => &AB_FLAGGED_TYPED,
    };
    tag_node(b, c, f, Some(col), |b, c| {
        let t = if unspecified { b.u16(c, &PROPERTY_TYPE)? } else { ptype };
        if flagged {
            flagged_value(b, c, t)?;
        } else {
            value(b, c, t, Mode::Ab)?;
        }
        Ok(col)
    })
}

// ----- display-time summaries ----------------------------------------------------------------

/// Summarizer of the address book value nodes (whose value is the property tag):
/// `PidTagDisplayName (0x3001001F, PtypString) = "Alice"`.
pub fn ab_summary(d: &Dissection<'_>, i: u32) -> Option<String> {
    match d.node(i)?.value {
        Value::UInt(tag) => Some(ab_text(&View::Done(d), i, tag as u32)),
        _ => None,
    }
}

/// `tag = value` of a row column or tagged value node from its children: the tag's PropertyType
/// and PropertyId (tagged values), the column's PropertyType (PtypUnspecified columns) and Flag
/// (flagged rows), then the value's nodes.
fn ab_text(v: &View<'_>, i: u32, tag: u32) -> String {
    let kids: Vec<(u32, &Node)> = v.children(i).collect();
    let tagged = kids.iter().any(|(_, n)| is(n, &PROPERTY_ID));
    let mut s = tag_text(tag);
    s.push_str(" = ");
    let mut ptype = (tag & 0xFFFF) as u16;
    let mut rest: &[(u32, &Node)] = &kids;
    while let Some(((_, n), more)) = rest.split_first() {
        if tagged && (is(n, &PROPERTY_TYPE) || is(n, &PROPERTY_ID)) {
            // The tag's own parts.
        } else if is(n, &PROPERTY_TYPE) {
            ptype = uint(n) as u16;
            s.push_str(&type_text(ptype));
            s.push(' ');
        } else if is(n, &FLAG) {
            match uint(n) {
                0x01 => {
                    s.push_str("(absent)");
                    return s;
                }
                0x0A => {
                    s.push_str("error ");
                    ptype = PTYP_ERROR_CODE;
                }
                _ => {}
            }
        } else {
            break;
        }
        rest = more;
    }
    s.push_str(&value_text(v, rest, ptype));
    s
}

fn uint(n: &Node) -> u64 {
    match n.value {
        Value::UInt(v) => v,
        _ => 0,
    }
}

/// The summary of a value of type `ptype` read as the nodes `nodes`.
fn value_text(v: &View<'_>, nodes: &[(u32, &Node)], ptype: u16) -> String {
    let t = base_type(ptype);
    let find = |f: &'static Field| nodes.iter().find(|(_, n)| is(n, f));
    if let Some((_, n)) = nodes.first() {
        if is(n, &HAS_VALUE) && n.value == Value::Bool(false) {
            return String::from("(no value)");
        }
    }
    if t & MULTIPLE != 0 {
        let n = find(&V_MULTIPLE).and_then(|(j, _)| v.child_uint(*j, &V_COUNT)).unwrap_or(0);
        return format!("{n} values");
    }
    let num = |f: &'static Field| find(f).map(|(_, n)| &n.value);
    match t {
        PTYP_NULL => String::from("(null)"),
        PTYP_INTEGER16 => int_text(num(&V_I16)),
        PTYP_INTEGER32 => int_text(num(&V_I32)),
        PTYP_INTEGER64 => int_text(num(&V_I64)),
        PTYP_FLOATING32 => match num(&V_F32) {
            Some(Value::Float(x)) => format!("{}", *x as f32),
            _ => String::new(),
        },
        PTYP_FLOATING64 => match num(&V_F64) {
            Some(Value::Float(x)) => format!("{x}"),
            _ => String::new(),
        },
        PTYP_CURRENCY => match num(&V_CURRENCY) {
            Some(Value::Int(x)) => format!("{}.{:04}", x / 10_000, (x % 10_000).unsigned_abs()),
            _ => String::new(),
        },
        PTYP_FLOATING_TIME => match num(&V_FLOATING_TIME) {
            Some(Value::Float(x)) => format!("{x} days"),
            _ => String::new(),
        },
        PTYP_ERROR_CODE => match num(&V_ERROR) {
            Some(Value::UInt(x)) => {
                let x = *x as u32;
                crate::errors::name(x.into()).map_or_else(|| format!("0x{x:08X}"), |n| format!("{n} (0x{x:08X})"))
            }
            _ => String::new(),
        },
        PTYP_BOOLEAN => match num(&V_BOOL) {
            Some(Value::Bool(x)) => String::from(if *x { "True" } else { "False" }),
            _ => String::new(),
        },
        PTYP_STRING8 => find(&V_STRING8).map(|(_, n)| quote(&str8_string(v.bytes(n)))).unwrap_or_default(),
        PTYP_STRING => find(&V_STRING).map(|(_, n)| quote(&utf16_string(v.bytes(n)))).unwrap_or_default(),
        PTYP_TIME => match num(&V_TIME) {
            Some(Value::UInt(x)) => filetime_string(*x),
            _ => String::new(),
        },
        PTYP_GUID => find(&V_GUID).map(|(_, n)| guid_string(v.bytes(n))).unwrap_or_default(),
        PTYP_BINARY => match find(&V_BINARY) {
            // An entry id: the sub-tree's summary.
            Some((j, n)) if n.end > j.saturating_add(1) => entryid::text(v, j.saturating_add(1)),
            Some((_, n)) => bytes_summary(v.bytes(n)),
            None => String::new(),
        },
        PTYP_OBJECT => find(&V_OBJECT).map(|(_, n)| bytes_summary(v.bytes(n))).unwrap_or_default(),
        PTYP_SERVER_ID => find(&V_SERVER_ID).map(|(_, n)| bytes_summary(v.bytes(n))).unwrap_or_default(),
        PTYP_RESTRICTION => String::from("(restriction)"),
        _ => String::new(),
    }
}

fn int_text(v: Option<&Value>) -> String {
    match v {
        Some(Value::Int(x)) => format!("{x}"),
        _ => String::new(),
    }
}

/// [MS-OXCMAPIHTTP] 2.2.1.7 AddressBookPropertyRow, typed by `columns`.
pub fn row(b: &mut Builder<'_>, c: &mut Cur<'_>, columns: &[u32]) -> R<()> {
    b.group(c, &ROW, |b, c| {
        let flags = b.u8(c, &ROW_FLAGS_F)?;
        let flagged = match flags {
            0x00 => false,
            0x01 => true,
            other => return b.fail(c, format!("unknown AddressBookPropertyRow Flags 0x{other:02X}")),
        };
        if columns.is_empty() {
            return Ok(());
        }
        b.group(c, &VALUE_ARRAY, |b, c| {
            for &col in columns {
                column(b, c, col, flagged)?;
            }
            Ok(())
        })
    })
}

/// RowCount and RowData (rows typed by `columns`).
pub fn rows(b: &mut Builder<'_>, c: &mut Cur<'_>, columns: &[u32]) -> R<()> {
    let n = b.u32(c, &ROW_COUNT)?;
    let n = b.check_count(c, &ROW_COUNT, n.into(), 1)?;
    b.group(c, &ROW_DATA, |b, c| {
        for _ in 0..n {
            row(b, c, columns)?;
        }
        Ok(())
    })
}

/// A "has columns and rows" Boolean `has_f` and, when set, the columns (LargePropertyTagArray of
/// field `cols_f`), RowCount and RowData.
pub fn opt_columns_and_rows(b: &mut Builder<'_>, c: &mut Cur<'_>, has_f: &'static Field, cols_f: &'static Field) -> R<()> {
    if has(b, c, has_f)? {
        let cols = large_tag_array(b, c, cols_f)?;
        rows(b, c, &cols)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::display::display_line;
    use alloc::vec;

    /// A caller's field without a summarizer (its summaries are formatted while decoding).
    #[allow(dead_code)]
    mod caller {
        crate::fields! {
            T_TAGGED: Text = "mapihttp.test.nspi.tagged", "AddressBookTaggedPropertyValue", "test tagged value field without a summarizer";
        }
    }
    use caller::T_TAGGED;

    fn utf16z(s: &str) -> Vec<u8> {
        s.encode_utf16().chain([0]).flat_map(u16::to_le_bytes).collect()
    }

    #[test]
    fn rows_format_nothing_while_decoding() {
        // A standard row (string, integer, absent string) and a flagged row (absent, error, value).
        let cols = [0x3001_001F, 0x0FFE_0003, 0x39FE_001F];
        let mut data = vec![0x00, 0xFF];
        data.extend(utf16z("Alice"));
        data.extend(6u32.to_le_bytes());
        data.push(0x00);
        data.extend([0x01, 0x01, 0x0A]);
        data.extend(0x8004_010Fu32.to_le_bytes());
        data.extend([0x00, 0xFF]);
        data.extend(utf16z("b@c"));
        let mut b = Builder::new();
        let src = b.add_source("t", &data);
        let mut c = Cur::new(&data, src);
        row(&mut b, &mut c, &cols).unwrap();
        row(&mut b, &mut c, &cols).unwrap();
        assert!(c.is_empty());
        let d = b.finish();
        assert!(d.nodes.iter().all(|n| !matches!(n.value, Value::Text(_))), "text formatted while decoding");
        let lines: Vec<String> = d.nodes.iter().map(|n| display_line(&d, n)).collect();
        let want = [
            format!("AddressBookPropertyValue: {} = \"Alice\"", tag_text(0x3001_001F)),
            format!("AddressBookPropertyValue: {} = 6", tag_text(0x0FFE_0003)),
            format!("AddressBookPropertyValue: {} = (no value)", tag_text(0x39FE_001F)),
            format!("AddressBookFlaggedPropertyValue: {} = (absent)", tag_text(0x3001_001F)),
            format!("AddressBookFlaggedPropertyValue: {} = error NotFound (0x8004010F)", tag_text(0x0FFE_0003)),
            format!("AddressBookFlaggedPropertyValue: {} = \"b@c\"", tag_text(0x39FE_001F)),
        ];
        for w in &want {
            assert!(lines.contains(w), "missing {w:?} in\n{}", lines.join("\n"));
        }
    }

    #[test]
    fn entry_ids_are_summarized_when_shown() {
        let uid = [0xD1, 0xC2, 0xB3, 0xA4, 0xF5, 0xE6, 0x07, 0x18, 0x29, 0x3A, 0x4B, 0x5C, 0x6D, 0x7E, 0x8F, 0x90];
        let mut eid = vec![0x87, 0, 0, 0];
        eid.extend(uid);
        eid.extend(1u32.to_le_bytes());
        eid.extend(0u32.to_le_bytes());
        eid.extend(0x1234u32.to_le_bytes());
        let mut data = vec![0x00, 0xFF];
        data.extend(32u32.to_le_bytes());
        data.extend(eid);
        let mut b = Builder::new();
        let src = b.add_source("t", &data);
        let mut c = Cur::new(&data, src);
        row(&mut b, &mut c, &[0x0FFF_0102]).unwrap();
        assert!(c.is_empty());
        let d = b.finish();
        assert!(d.nodes.iter().all(|n| !matches!(n.value, Value::Text(_))), "text formatted while decoding");
        let lines: Vec<String> = d.nodes.iter().map(|n| display_line(&d, n)).collect();
        let s = "DT_MAILUSER, MId 0x00001234, server {A4B3C2D1-E6F5-1807-293A-4B5C6D7E8F90}";
        for w in [format!("AddressBookPropertyValue: {} = {s}", tag_text(0x0FFF_0102)), format!("EphemeralEntryID: {s}")] {
            assert!(lines.contains(&w), "missing {w:?} in\n{}", lines.join("\n"));
        }
    }

    #[test]
    fn callers_fields_get_the_same_text_while_decoding() {
        let mut data = 0x3001_001Fu32.to_le_bytes().to_vec();
        data.push(0xFF);
        data.extend(utf16z("Zoë"));
        for (f, lazy) in [(&AB_TAGGED, true), (&T_TAGGED, false)] {
            let mut b = Builder::new();
            let src = b.add_source("t", &data);
            let mut c = Cur::new(&data, src);
            tagged(&mut b, &mut c, f, Mode::Ab).unwrap();
            let d = b.finish();
            let n = d.nodes.first().unwrap();
            assert_eq!(matches!(n.value, Value::UInt(0x3001_001F)), lazy);
            assert_eq!(display_line(&d, n), format!("AddressBookTaggedPropertyValue: {} = \"Zoë\"", tag_text(0x3001_001F)));
        }
        // Cut inside the value: the tag alone.
        let cut = data.get(..8).unwrap();
        let mut b = Builder::new();
        let src = b.add_source("t", cut);
        let mut c = Cur::new(cut, src);
        assert!(tagged(&mut b, &mut c, &AB_TAGGED, Mode::Ab).is_err());
        let d = b.finish();
        assert_eq!(display_line(&d, d.nodes.first().unwrap()), format!("AddressBookTaggedPropertyValue: {}", tag_text(0x3001_001F)));
    }
}
