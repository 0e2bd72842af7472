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

use alloc::format;
use alloc::string::String;

use super::entryid;
use crate::props::{self, *};
use super::structs::{group_idx, has, large_tag_array, sized_group_idx};
use crate::build::{Builder, Cur, R};
use crate::display::{filetime_string, guid_string, hex_string, str8_string, utf16_string};
use crate::tree::{Disp, Field, NameTable, Severity, Value};

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
    AB_VALUE: Text = "mapihttp.nspi.addressbookpropertyvalue", "AddressBookPropertyValue", "[MS-OXCMAPIHTTP] 2.2.1.1 a property value of a row, typed by its column";
    AB_TAGGED: Text = "mapihttp.nspi.addressbooktaggedpropertyvalue", "AddressBookTaggedPropertyValue", "[MS-OXCMAPIHTTP] 2.2.1.2 a property tag and an AddressBookPropertyValue";
    AB_TYPED: Text = "mapihttp.nspi.addressbooktypedpropertyvalue", "AddressBookTypedPropertyValue", "[MS-OXCMAPIHTTP] 2.2.1.4 a property type and an AddressBookPropertyValue (PtypUnspecified columns of a standard row)";
    AB_FLAGGED: Text = "mapihttp.nspi.addressbookflaggedpropertyvalue", "AddressBookFlaggedPropertyValue", "[MS-OXCMAPIHTTP] 2.2.1.5 a flag and an optional AddressBookPropertyValue (flagged rows)";
    AB_FLAGGED_TYPED: Text = "mapihttp.nspi.addressbookflaggedpropertyvaluewithtype", "AddressBookFlaggedPropertyValueWithType", "[MS-OXCMAPIHTTP] 2.2.1.6 a property type, a flag and an optional AddressBookPropertyValue (PtypUnspecified columns of a flagged row)";
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
/// type has one. Returns a one-line summary of the value.
pub fn value(b: &mut Builder<'_>, c: &mut Cur<'_>, ptype: u16, mode: Mode) -> R<String> {
    let mut t = ptype;
    if t & MULTIPLE_INSTANCE != 0 {
        // A multiple-value instance column carries one value of the base type.
        t &= !(MULTIPLE_INSTANCE | MULTIPLE);
    }
    let variable = t == PTYP_STRING8 || t == PTYP_STRING || t == PTYP_BINARY || t & MULTIPLE != 0;
    let mut after_marker = false;
    if mode == Mode::Ab && variable {
        let raw = c.peek_u8();
        if !has(b, c, &HAS_VALUE)? {
            return Ok(String::from("(no value)"));
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

/// A single value of a non-multiple type.
fn single(b: &mut Builder<'_>, c: &mut Cur<'_>, t: u16, after_marker: bool) -> R<String> {
    Ok(match t {
        PTYP_NULL => String::from("(null)"),
        PTYP_INTEGER16 => format!("{}", b.i16(c, &V_I16)?),
        PTYP_INTEGER32 => format!("{}", b.i32(c, &V_I32)?),
        PTYP_FLOATING32 => format!("{}", b.f32(c, &V_F32)?),
        PTYP_FLOATING64 => format!("{}", b.f64(c, &V_F64)?),
        PTYP_CURRENCY => {
            let v = b.i64(c, &V_CURRENCY)?;
            format!("{}.{:04}", v / 10_000, (v % 10_000).unsigned_abs())
        }
        PTYP_FLOATING_TIME => format!("{} days", b.f64(c, &V_FLOATING_TIME)?),
        PTYP_ERROR_CODE => {
            let v = b.u32(c, &V_ERROR)?;
            crate::errors::name(v.into()).map_or_else(|| format!("0x{v:08X}"), |n| format!("{n} (0x{v:08X})"))
        }
        PTYP_BOOLEAN => {
            let raw = c.peek_u8();
            let v = b.bool8(c, &V_BOOL)?;
            if raw.is_some_and(|x| x > 1) {
                b.diag(Severity::Note, "PtypBoolean is restricted to 1 or 0", c.src(), c.pos().saturating_sub(1), 1);
            }
            String::from(if v { "True" } else { "False" })
        }
        PTYP_INTEGER64 => format!("{}", b.i64(c, &V_I64)?),
        PTYP_STRING8 => quote(&str8_string(b.str8z(c, &V_STRING8)?)),
        PTYP_STRING => quote(&utf16_string(b.utf16z(c, &V_STRING)?)),
        PTYP_TIME => filetime_string(b.u64(c, &V_TIME)?),
        PTYP_GUID => guid_string(&b.guid(c, &V_GUID)?),
        PTYP_BINARY => binary(b, c, after_marker)?,
        PTYP_OBJECT => {
            let n = b.u32(c, &V_COUNT)? as usize;
            bytes_summary(b.bytes(c, &V_OBJECT, n)?)
        }
        PTYP_SERVER_ID => {
            let n = b.u16(c, &V_SERVER_ID_COUNT)? as usize;
            bytes_summary(b.bytes(c, &V_SERVER_ID, n)?)
        }
        PTYP_RESTRICTION => {
            b.group(c, &V_RESTRICTION, |b, c| super::restriction::restriction(b, c))?;
            String::from("(restriction)")
        }
        PTYP_RULE_ACTION => return b.fail(c, "PtypRuleAction values ([MS-OXORULE] 2.2.5) are not decoded here"),
        PTYP_UNSPECIFIED => return b.fail(c, "a PtypUnspecified value has no encoding of its own"),
        other => return b.fail(c, format!("unknown property type 0x{other:04X}: the value's length cannot be known")),
    })
}

/// PtypBinary: COUNT (32 bits) and the bytes; entry ids are decoded as a sub-tree.
fn binary(b: &mut Builder<'_>, c: &mut Cur<'_>, after_marker: bool) -> R<String> {
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
            entryid::entry_id(b, c, kind)
        }),
        None => Ok(bytes_summary(b.bytes(c, &V_BINARY, n)?)),
    }
}

/// A PtypMultiple value: COUNT then the values (in Ab mode each string/binary element has its own
/// presence byte).
fn multiple(b: &mut Builder<'_>, c: &mut Cur<'_>, t: u16, mode: Mode) -> R<String> {
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
        Ok(format!("{n} values"))
    })
}

/// Reads a value typed by `tag` as a structure node of `f` whose value is the tag and value summary.
fn typed_node(b: &mut Builder<'_>, c: &mut Cur<'_>, f: &'static Field, tag: u32, mode: Mode) -> R<()> {
    group_idx(b, c, f, |b, c, idx| {
        b.set_value(idx, Value::Text(tag_text(tag).into()));
        let s = value(b, c, (tag & 0xFFFF) as u16, mode)?;
        b.set_value(idx, Value::Text(format!("{} = {}", tag_text(tag), s).into()));
        Ok(())
    })
}

/// [MS-OXCMAPIHTTP] 2.2.1.2 AddressBookTaggedPropertyValue (or, in [`Mode::Plain`], an
/// [MS-OXCDATA] 2.11.4 TaggedPropertyValue) as a structure node of field `f`.
pub fn tagged(b: &mut Builder<'_>, c: &mut Cur<'_>, f: &'static Field, mode: Mode) -> R<()> {
    group_idx(b, c, f, |b, c, idx| {
        if let Some(tag) = c.peek_u32() {
            b.set_value(idx, Value::Text(tag_text(tag).into()));
        }
        let tag = props::tag_parts(b, c)?;
        let s = value(b, c, (tag & 0xFFFF) as u16, mode)?;
        b.set_value(idx, Value::Text(format!("{} = {}", tag_text(tag), s).into()));
        Ok(())
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
fn flagged_value(b: &mut Builder<'_>, c: &mut Cur<'_>, ptype: u16) -> R<String> {
    let flag = b.u8(c, &FLAG)?;
    match flag {
        0x00 => value(b, c, ptype, Mode::Ab),
        0x01 => Ok(String::from("(absent)")),
        0x0A => value(b, c, PTYP_ERROR_CODE, Mode::Ab).map(|s| format!("error {s}")),
        other => b.fail(c, format!("unknown AddressBookFlaggedPropertyValue Flag 0x{other:02X}")),
    }
}

/// One column value of a row.
fn column(b: &mut Builder<'_>, c: &mut Cur<'_>, col: u32, flagged: bool) -> R<()> {
    let ptype = (col & 0xFFFF) as u16;
    let label = tag_text(col);
    match (flagged, ptype == PTYP_UNSPECIFIED) {
        (false, false) => {
            if ptype == PTYP_NULL {
                // No bytes and nothing to show: no node (every node consumes input).
                return Ok(());
            }
            typed_node(b, c, &AB_VALUE, col, Mode::Ab)
        }
        (false, true) => group_idx(b, c, &AB_TYPED, |b, c, idx| {
            b.set_value(idx, Value::Text(label.clone().into()));
            let t = b.u16(c, &PROPERTY_TYPE)?;
            let s = value(b, c, t, Mode::Ab)?;
            b.set_value(idx, Value::Text(format!("{label} = {} {s}", type_text(t)).into()));
            Ok(())
        }),
        (true, false) => group_idx(b, c, &AB_FLAGGED, |b, c, idx| {
            b.set_value(idx, Value::Text(label.clone().into()));
            let s = flagged_value(b, c, ptype)?;
            b.set_value(idx, Value::Text(format!("{label} = {s}").into()));
            Ok(())
        }),
        (true, true) => group_idx(b, c, &AB_FLAGGED_TYPED, |b, c, idx| {
            b.set_value(idx, Value::Text(label.clone().into()));
            let t = b.u16(c, &PROPERTY_TYPE)?;
            let s = flagged_value(b, c, t)?;
            b.set_value(idx, Value::Text(format!("{label} = {} {s}", type_text(t)).into()));
            Ok(())
        }),
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
