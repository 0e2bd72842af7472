//! [MS-OXCDATA] 2.11 property values as ROP buffers encode them, and the structures built from them:
//! 2.11.2.1 PropertyValue, 2.11.3 TypedPropertyValue, 2.11.4 TaggedPropertyValue, 2.11.5
//! FlaggedPropertyValue, 2.11.6 FlaggedPropertyValueWithType, 2.8.1 PropertyRow (2.8.1.1
//! StandardPropertyRow, 2.8.1.2 FlaggedPropertyRow), 2.7 PropertyProblem, 2.11.7 TypedString, 2.2.1
//! Folder ID / Message ID / LongTermID, and the common "u16 count + array" pairs of ROP requests.
//!
//! COUNT widths ([MS-OXCDATA] 2.11.1.1, and the table page 2.11.1): in ROP buffers the byte count of a
//! PtypBinary value is 16 bits wide and the value count of every PtypMultiple value 32 bits wide; each
//! PtypBinary element of a PtypMultipleBinary has its own 16-bit byte count. The PropertyValue page
//! (2.11.2.1) still calls the multiple-value count "a 16-bit integer"; 2.11.1.1, Microsoft's MAPI
//! Inspector and gromox all use 32 bits, and so does this decoder. The [MS-OXORULE] 4.2.2 example
//! confirms the 16-bit binary count (`10 00` before a 16-byte PidTagRuleProviderData).
//!
//! Strings are NUL-terminated without a length prefix; PtypBoolean is one byte. PtypServerId is a
//! 16-bit COUNT and the 2.11.1.4 structure (Ours, then folder ID, message ID and Instance when Ours is
//! 1). PtypObject (0x000D) has no defined inline encoding; like gromox it is read as a counted binary.
//! Binary values that are entry ids ([MS-OXCDATA] 2.2.4, 2.2.5) are decoded as sub-trees.
//!
//! Nothing is formatted while decoding (rows are the bulk of mailbox traffic): nodes keep raw values
//! and the summary lines are built by the fields' summarizers when displayed, from the node and its
//! children ([`super::view`]). A PropertyRow column or TaggedPropertyValue node has the property tag
//! as its value ([`entry_summary`]: `PidTagSubject (0x0037001F, PtypString) = "Hello"`; PtypInteger64
//! values of PidTagFolderId, PidTagParentFolderId, PidTagMid, PidTagInstID and PidTagChangeNumber are
//! shown as ids, `0001-00000E8EDF34`); a PropertyRow the number of columns ([`row_summary`]); a
//! structured PropertyValue (binary, time, error code, server id, multiple values) its property type
//! ([`value_summary`]); an entry id its bytes. A structure that stops midway keeps the text it had
//! before (the tag, the entry id's name), formatted only then. Restriction and rule action values,
//! TypedPropertyValue, PropertyProblem, TypedString and LongTermID (rare) still format their summary
//! while decoding; so does a caller's field that has no summarizer.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use super::view::{cut, is, View};
use crate::build::{Builder, Cur, R};
use crate::display::{filetime_string, guid_string, hex_string, str8_string, utf16_string};
use crate::props::{self, *};
use crate::tree::{Disp, Dissection, Field, NameTable, Node, Severity, Value};

/// [MS-OXCDATA] 2.8.1 PropertyRow Flag.
pub static ROW_FLAGS: NameTable = &[(0x00, "StandardPropertyRow"), (0x01, "FlaggedPropertyRow")];

/// [MS-OXCDATA] 2.11.5 FlaggedPropertyValue Flag.
pub static VALUE_FLAGS: NameTable = &[(0x00, "PropertyValue present"), (0x01, "no PropertyValue"), (0x0A, "PropertyValue is a PtypErrorCode")];

/// [MS-OXCDATA] 2.11.7 TypedString StringType.
pub static STRING_TYPES: NameTable = &[
    (0x00, "NoString"),
    (0x01, "EmptyString"),
    (0x02, "String8"),
    (0x03, "ReducedUnicodeString"),
    (0x04, "UnicodeString"),
];

/// [MS-OXCDATA] 2.11.1.4 PtypServerId Ours.
pub static OURS: NameTable = &[(0x00, "client-defined value"), (0x01, "server id")];

crate::fields! {
    PROPERTY_VALUE: Text {value_summary} = "mapihttp.oxcdata.propertyvalue", "PropertyValue", "[MS-OXCDATA] 2.11.2.1 a property value whose type is given by its context";
    TYPED_PROPERTY_VALUE: Text {entry_summary} = "mapihttp.oxcdata.typedpropertyvalue", "TypedPropertyValue", "[MS-OXCDATA] 2.11.3 PropertyType and PropertyValue (values of PtypUnspecified columns)";
    TAGGED_PROPERTY_VALUE: U32 [Disp::Hex] {entry_summary} = "mapihttp.oxcdata.taggedpropertyvalue", "TaggedPropertyValue", "[MS-OXCDATA] 2.11.4 PropertyTag and PropertyValue";
    FLAGGED_PROPERTY_VALUE: U32 [Disp::Hex] {entry_summary} = "mapihttp.oxcdata.flaggedpropertyvalue", "FlaggedPropertyValue", "[MS-OXCDATA] 2.11.5 Flag and, unless Flag is 0x1, PropertyValue (a column of a FlaggedPropertyRow)";
    FLAGGED_PROPERTY_VALUE_WITH_TYPE: U32 [Disp::Hex] {entry_summary} = "mapihttp.oxcdata.flaggedpropertyvaluewithtype", "FlaggedPropertyValueWithType", "[MS-OXCDATA] 2.11.6 PropertyType, Flag and, unless Flag is 0x1, PropertyValue (a PtypUnspecified column of a FlaggedPropertyRow)";
    ROW_COLUMN: U32 [Disp::Hex] {entry_summary} = "mapihttp.oxcdata.row.propertyvalue", "PropertyValue", "[MS-OXCDATA] 2.8.1.1 the value of one column of a StandardPropertyRow, labelled with the column's property tag";
    PROPERTY_ROW: U32 {row_summary} = "mapihttp.oxcdata.propertyrow", "PropertyRow", "[MS-OXCDATA] 2.8.1 property values without tags, one per column of the table or request";
    ROW_FLAG: U8 [Disp::Names(ROW_FLAGS)] = "mapihttp.oxcdata.propertyrow.flag", "Flag", "[MS-OXCDATA] 2.8.1 0x00: StandardPropertyRow (every value present); 0x01: FlaggedPropertyRow (each value flagged)";
    VALUE_FLAG: U8 [Disp::Names(VALUE_FLAGS)] = "mapihttp.oxcdata.flag", "Flag", "[MS-OXCDATA] 2.11.5 0x0: PropertyValue of the column's type follows; 0x1: no value; 0xA: a PtypErrorCode value saying why the value is missing";
    COUNT16: U16 [Disp::Unit("bytes")] = "mapihttp.oxcdata.value.bytecount", "Count", "[MS-OXCDATA] 2.11.1.1 COUNT of a PtypBinary, PtypServerId or PtypObject value: 16 bits in ROP buffers";
    COUNT32: U32 = "mapihttp.oxcdata.value.valuecount", "Count", "[MS-OXCDATA] 2.11.1.1 COUNT of values of a PtypMultiple value: 32 bits in ROP buffers";
    V_I16: I16 = "mapihttp.oxcdata.value.integer16", "Value", "[MS-OXCDATA] 2.11.1 a PtypInteger16 value (element of a PtypMultipleInteger16)";
    V_I32: I32 = "mapihttp.oxcdata.value.integer32", "Value", "[MS-OXCDATA] 2.11.1 a PtypInteger32 value (element of a PtypMultipleInteger32)";
    V_F32: F32 = "mapihttp.oxcdata.value.floating32", "Value", "[MS-OXCDATA] 2.11.1 a PtypFloating32 value";
    V_F64: F64 = "mapihttp.oxcdata.value.floating64", "Value", "[MS-OXCDATA] 2.11.1 a PtypFloating64 value";
    V_CURRENCY: Text = "mapihttp.oxcdata.value.currency", "Value", "[MS-OXCDATA] 2.11.1 a PtypCurrency value: a 64-bit integer scaled by 10 000";
    V_FLOATING_TIME: Text = "mapihttp.oxcdata.value.floatingtime", "Value", "[MS-OXCDATA] 2.11.1 a PtypFloatingTime value: days since 1899-12-30 as a double";
    V_ERROR: U32 [Disp::Lookup(crate::errors::name)] = "mapihttp.oxcdata.value.errorcode", "Value", "[MS-OXCDATA] 2.11.1 a PtypErrorCode value ([MS-OXCDATA] 2.4)";
    V_BOOL: Bool = "mapihttp.oxcdata.value.boolean", "Value", "[MS-OXCDATA] 2.11.1 a PtypBoolean value (1 byte in ROP buffers)";
    V_I64: I64 = "mapihttp.oxcdata.value.integer64", "Value", "[MS-OXCDATA] 2.11.1 a PtypInteger64 value";
    V_STRING8: Str8 = "mapihttp.oxcdata.value.string8", "Value", "[MS-OXCDATA] 2.11.1 a PtypString8 value: 8-bit, NUL-terminated";
    V_STRING: Utf16 = "mapihttp.oxcdata.value.string", "Value", "[MS-OXCDATA] 2.11.1 a PtypString value: UTF-16LE, NUL-terminated";
    V_TIME: FileTime = "mapihttp.oxcdata.value.time", "Value", "[MS-OXCDATA] 2.11.1 a PtypTime value: FILETIME, 100 ns intervals since 1601-01-01 UTC";
    V_GUID: Guid = "mapihttp.oxcdata.value.guid", "Value", "[MS-OXCDATA] 2.11.1 a PtypGuid value";
    V_BINARY: Bytes = "mapihttp.oxcdata.value.binary", "Value", "[MS-OXCDATA] 2.11.1 the bytes of a PtypBinary value";
    V_BINARY_ELEMENT: Text {value_summary} = "mapihttp.oxcdata.value.binaryelement", "Value", "[MS-OXCDATA] 2.11.1 one PtypBinary of a PtypMultipleBinary: a 16-bit COUNT and the bytes";
    V_RESTRICTION: Text = "mapihttp.oxcdata.value.restriction", "Value", "[MS-OXCDATA] 2.11.1 a PtypRestriction value ([MS-OXCDATA] 2.12)";
    SID_OURS: U8 [Disp::Names(OURS)] = "mapihttp.oxcdata.serverid.ours", "Ours", "[MS-OXCDATA] 2.11.1.4 0x01: the rest is folder ID, message ID and Instance; 0x00: a client-defined value";
    SID_FOLDER_ID: U64 [Disp::Fid] = "mapihttp.oxcdata.serverid.folderid", "folder ID", "[MS-OXCDATA] 2.11.1.4 a Folder ID ([MS-OXCDATA] 2.2.1.1)";
    SID_MESSAGE_ID: U64 [Disp::Fid] = "mapihttp.oxcdata.serverid.messageid", "message ID", "[MS-OXCDATA] 2.11.1.4 a Message ID ([MS-OXCDATA] 2.2.1.2) in that folder; zero when the object is a folder";
    SID_INSTANCE: U32 = "mapihttp.oxcdata.serverid.instance", "Instance", "[MS-OXCDATA] 2.11.1.4 instance number within a multivalued property (searches); zero otherwise";
    SID_CLIENT_DATA: Bytes = "mapihttp.oxcdata.serverid.clientdata", "ClientData", "[MS-OXCDATA] 2.11.1.4 a client-defined value (Ours 0x00)";
    PROPERTY_PROBLEM_COUNT: U16 = "mapihttp.oxcdata.propertyproblemcount", "PropertyProblemCount", "[MS-OXCDATA] 2.7 the number of PropertyProblem structures that follow";
    PROPERTY_PROBLEMS: None = "mapihttp.oxcdata.propertyproblems", "PropertyProblems", "[MS-OXCDATA] 2.7 the properties that could not be set, deleted or copied";
    PROPERTY_PROBLEM: Text = "mapihttp.oxcdata.propertyproblem", "PropertyProblem", "[MS-OXCDATA] 2.7 a property that failed: Index, PropertyTag, ErrorCode";
    PP_INDEX: U16 = "mapihttp.oxcdata.propertyproblem.index", "Index", "[MS-OXCDATA] 2.7 index of the property in the request's property array";
    PP_ERROR: U32 [Disp::Lookup(crate::errors::name)] = "mapihttp.oxcdata.propertyproblem.errorcode", "ErrorCode", "[MS-OXCDATA] 2.7 why the operation failed for this property ([MS-OXCDATA] 2.4)";
    STRING_TYPE: U8 [Disp::Names(STRING_TYPES)] = "mapihttp.oxcdata.typedstring.stringtype", "StringType", "[MS-OXCDATA] 2.11.7 0x00 no string, 0x01 empty, 0x02 8-bit, 0x03 reduced Unicode (8-bit), 0x04 UTF-16";
    TS_STRING8: Str8 = "mapihttp.oxcdata.typedstring.string8", "String", "[MS-OXCDATA] 2.11.7 a NUL-terminated 8-bit (or reduced Unicode) string";
    TS_STRING: Utf16 = "mapihttp.oxcdata.typedstring.string", "String", "[MS-OXCDATA] 2.11.7 a NUL-terminated UTF-16LE string";
    LTID_DATABASE_GUID: Guid = "mapihttp.oxcdata.longtermid.databaseguid", "DatabaseGuid", "[MS-OXCDATA] 2.2.1.3.1 the REPLGUID of the store (maps to a ReplicaId)";
    LTID_GLOBAL_COUNTER: Bytes = "mapihttp.oxcdata.longtermid.globalcounter", "GlobalCounter", "[MS-OXCDATA] 2.2.1.3.1 the 6-byte big-endian counter identifying the object";
    LTID_PAD: U16 [Disp::Hex] = "mapihttp.oxcdata.longtermid.pad", "Pad", "[MS-OXCDATA] 2.2.1.3.1 padding, 0x0000";
}

/// Opens a structure node whose summary value the body can set; closes it also on `Stop`.
pub(crate) fn grp<'a, 'x, T>(
    b: &mut Builder<'a>,
    c: &mut Cur<'x>,
    f: &'static Field,
    body: impl FnOnce(&mut Builder<'a>, &mut Cur<'x>, u32) -> R<T>,
) -> R<T> {
    b.group_idx(c, f, body)
}

/// Like [`grp`] for a structure of exactly `len` bytes: the body sees only that window, unread bytes
/// are a warning, and the cursor moves past all `len` bytes.
pub(crate) fn grp_sized<'a, 'x, T>(
    b: &mut Builder<'a>,
    c: &mut Cur<'x>,
    f: &'static Field,
    len: usize,
    body: impl FnOnce(&mut Builder<'a>, &mut Cur<'x>, u32) -> R<T>,
) -> R<T> {
    b.group_sized_idx(c, f, len, body)
}

/// Sets a structure node's summary text.
pub(crate) fn summary(b: &mut Builder<'_>, idx: u32, s: &str) {
    // Summaries of nested structures repeat their children's; keep them to a line.
    match s.char_indices().nth(240) {
        Some((i, _)) => b.set_value(idx, Value::Text(format!("{}…", s.get(..i).unwrap_or(s)).into())),
        None => b.set_value(idx, Value::Text(s.into())),
    }
}

/// Sets a summary computed while decoding on node `idx` of field `f`: kept whole when `f`'s
/// summarizer cuts it at display time (so callers building longer summaries see all of it), cut now
/// otherwise.
pub(crate) fn set_text(b: &mut Builder<'_>, idx: u32, f: &'static Field, s: String) {
    if f.summary.is_some() {
        b.set_value(idx, Value::Text(s.into()));
    } else {
        summary(b, idx, &s);
    }
}

/// Opens a structure node of `f`, runs `body` and closes the node (also on `Stop`). On success the
/// node gets the raw value `body` returns and its summary is built at display time by `f`'s
/// summarizer; a field without one (a caller's) gets the summary `text` computes now, from the same
/// nodes. On `Stop` the node keeps whatever `body` set.
pub(crate) fn settled<'a, 'x>(
    b: &mut Builder<'a>,
    c: &mut Cur<'x>,
    f: &'static Field,
    body: impl FnOnce(&mut Builder<'a>, &mut Cur<'x>, u32) -> R<Value>,
    text: fn(&View<'_>, u32) -> String,
) -> R<u32> {
    let start = c.pos();
    let idx = b.open(f, c.src(), start)?;
    let r = body(b, c, idx);
    b.close(idx, c.pos().saturating_sub(start));
    b.set_value(idx, r?);
    if f.summary.is_none() {
        let s = text(&View::live(b, c), idx);
        summary(b, idx, &s);
    }
    Ok(idx)
}

/// A string for a summary line: quoted, control characters replaced, cut at 60 characters.
pub(crate) fn quote(s: &str) -> String {
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

/// Bytes for a summary line.
pub(crate) fn bytes_summary(b: &[u8]) -> String {
    if b.is_empty() {
        String::from("(0 bytes)")
    } else if b.len() <= 16 {
        format!("{} ({} bytes)", hex_string(b), b.len())
    } else {
        format!("{}… ({} bytes)", hex_string(b.get(..16).unwrap_or(&[])), b.len())
    }
}

/// A PtypCurrency value as a decimal with four places.
pub fn currency_text(v: i64) -> String {
    let sign = if v < 0 { "-" } else { "" };
    let a = v.unsigned_abs();
    format!("{sign}{}.{:04}", a / 10_000, a % 10_000)
}

/// A PtypFloatingTime value (days since 1899-12-30, fraction = time of day) as a date, with the number.
pub fn floating_time_text(v: f64) -> String {
    // 3 000 000 days is about year 10 100: beyond that (and for NaN/inf) show only the number.
    if !v.is_finite() || !(-3_000_000.0..=3_000_000.0).contains(&v) {
        return format!("{v} days");
    }
    let mut days = v as i64;
    if (days as f64) > v {
        days -= 1;
    }
    let secs = (((v - days as f64) * 86_400.0) + 0.5) as i64;
    let (days, secs) = if secs >= 86_400 { (days + 1, secs - 86_400) } else { (days, secs) };
    // 1899-12-30 is 25 569 days before 1970-01-01.
    let (y, m, d) = crate::display::civil_from_days(days - 25_569);
    format!("{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02} ({v} days)", secs / 3600, (secs / 60) % 60, secs % 60)
}

/// An error code with its name.
pub(crate) fn error_text(v: u32) -> String {
    crate::errors::name(v.into()).map_or_else(|| format!("0x{v:08X}"), |n| format!("{n} (0x{v:08X})"))
}

/// The base type a value of column type `ty` is encoded with: the MultivalueInstance bit (0x2000)
/// makes a multivalued column carry one value of the base type ([MS-OXCDATA] 2.11.1.3).
pub fn value_type(ty: u16) -> u16 {
    if ty & MULTIPLE_INSTANCE != 0 {
        ty & 0x0FFF
    } else {
        ty
    }
}

/// [MS-OXCDATA] 2.11.2.1 PropertyValue of type `ty` as node `f`. Nothing is formatted: the node keeps
/// the raw value and [`value_summary`] (the summarizer `f` should have) shows it.
///
/// Integers, floats, booleans, strings and GUIDs are one leaf of `f` with the value. PtypTime and
/// PtypErrorCode are a structure `f` with one typed child (FILETIME display, error names);
/// PtypCurrency and PtypFloatingTime a leaf with the scaled / calendar text. Binary, server id,
/// restriction, rule action and multiple values are structures with children; a complete one has
/// the property type as its value (the summary is built from the children when shown), restriction
/// and rule action values their summary text.
pub fn value(b: &mut Builder<'_>, c: &mut Cur<'_>, ty: u16, f: &'static Field) -> R<()> {
    let t = value_type(ty);
    if t & MULTIPLE != 0 {
        return multiple(b, c, t, f);
    }
    match t {
        PTYP_NULL => b.push(f, Value::Text("(null)".into()), c.src(), c.pos(), 0).map(drop),
        PTYP_INTEGER16 => b.i16(c, f).map(drop),
        PTYP_INTEGER32 => b.i32(c, f).map(drop),
        PTYP_FLOATING32 => b.f32(c, f).map(drop),
        PTYP_FLOATING64 => b.f64(c, f).map(drop),
        PTYP_CURRENCY => {
            let s = c.rest().get(..8).and_then(|w| w.try_into().ok()).map(i64::from_le_bytes).map(currency_text);
            b.leaf(c, f, 8, Value::Text(s.unwrap_or_default().into())).map(drop)
        }
        PTYP_FLOATING_TIME => {
            let s = c.rest().get(..8).and_then(|w| w.try_into().ok()).map(f64::from_le_bytes).map(floating_time_text);
            b.leaf(c, f, 8, Value::Text(s.unwrap_or_default().into())).map(drop)
        }
        PTYP_ERROR_CODE => structure(b, c, f, t, |b, c| b.u32(c, &V_ERROR).map(drop)),
        PTYP_BOOLEAN => boolean(b, c, f),
        PTYP_INTEGER64 => b.i64(c, f).map(drop),
        PTYP_STRING8 => b.str8z(c, f).map(drop),
        PTYP_STRING => utf16z(b, c, f),
        PTYP_TIME => structure(b, c, f, t, |b, c| b.u64(c, &V_TIME).map(drop)),
        PTYP_GUID => b.guid(c, f).map(drop),
        PTYP_BINARY => structure(b, c, f, t, counted_bytes),
        PTYP_OBJECT => {
            b.diag_at(c, Severity::Note, "PtypObject has no inline encoding of its own; read as a counted binary (as gromox does)", 2);
            structure(b, c, f, t, counted_bytes)
        }
        PTYP_SERVER_ID => server_id(b, c, f),
        PTYP_RESTRICTION => grp(b, c, f, |b, c, idx| {
            let s = super::restriction::restriction_summary(b, c)?;
            set_text(b, idx, f, s);
            Ok(())
        }),
        PTYP_RULE_ACTION => grp(b, c, f, |b, c, idx| {
            let s = super::rule::rule_action(b, c)?;
            set_text(b, idx, f, s);
            Ok(())
        }),
        PTYP_UNSPECIFIED => b.fail(c, "a PtypUnspecified value has no encoding of its own (expected a TypedPropertyValue)"),
        other => b.fail(c, format!("unknown property type 0x{other:04X}: the value's length cannot be known")),
    }
}

/// A NUL-terminated UTF-16LE string as a leaf of `f` (the node [`Builder::utf16z`] makes, found
/// four code units at a time).
pub(crate) fn utf16z(b: &mut Builder<'_>, c: &mut Cur<'_>, f: &'static Field) -> R<()> {
    match utf16_nul(c.rest()) {
        Some(i) => b.utf16n(c, f, i + 2).map(drop),
        None => b.utf16z(c, f).map(drop),
    }
}

/// The offset of the first UTF-16 NUL code unit (at an even offset) in `b`.
fn utf16_nul(b: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0001_0001_0001_0001;
    const HIGHS: u64 = 0x8000_8000_8000_8000;
    let mut chunks = b.chunks_exact(8);
    let mut at = 0;
    for w in &mut chunks {
        let Ok(w) = <[u8; 8]>::try_from(w) else { break };
        let x = u64::from_le_bytes(w);
        // The lowest flagged lane is the first zero code unit (borrows only run upwards from it).
        let z = x.wrapping_sub(ONES) & !x & HIGHS;
        if z != 0 {
            return Some(at + (z.trailing_zeros() as usize / 16) * 2);
        }
        at += 8;
    }
    chunks.remainder().chunks_exact(2).position(|w| w == [0, 0]).map(|k| at + k * 2)
}

/// A value structure of type `t` as node `f`: complete, its value is `t` (see [`value_text`]).
fn structure<'a, 'x>(
    b: &mut Builder<'a>,
    c: &mut Cur<'x>,
    f: &'static Field,
    t: u16,
    body: impl FnOnce(&mut Builder<'a>, &mut Cur<'x>) -> R<()>,
) -> R<()> {
    settled(b, c, f, |b, c, _| body(b, c).map(|()| Value::UInt(t.into())), value_text).map(drop)
}

fn boolean(b: &mut Builder<'_>, c: &mut Cur<'_>, f: &'static Field) -> R<()> {
    let raw = c.peek_u8();
    b.bool8(c, f)?;
    if raw.is_some_and(|x| x > 1) {
        b.diag(Severity::Note, "PtypBoolean is restricted to 1 or 0", c.src(), c.pos().saturating_sub(1), 1);
    }
    Ok(())
}

/// COUNT (16 bits) then the bytes, decoded as an entry id when they are one.
fn counted_bytes(b: &mut Builder<'_>, c: &mut Cur<'_>) -> R<()> {
    let n = usize::from(b.u16(c, &COUNT16)?);
    if n > c.left() {
        return b.fail(c, format!("Count {} exceeds the {} bytes left", n, c.left()));
    }
    if n == 0 {
        return Ok(());
    }
    let data = c.rest().get(..n).unwrap_or(&[]);
    match super::entryid::sniff(data) {
        Some(kind) => super::entryid::entry_id(b, c, kind, n),
        None => b.bytes(c, &V_BINARY, n).map(drop),
    }
}

/// PtypServerId: COUNT (16 bits) and the [MS-OXCDATA] 2.11.1.4 structure.
fn server_id(b: &mut Builder<'_>, c: &mut Cur<'_>, f: &'static Field) -> R<()> {
    structure(b, c, f, PTYP_SERVER_ID, |b, c| {
        let n = usize::from(b.u16(c, &COUNT16)?);
        if n > c.left() {
            return b.fail(c, format!("Count {} exceeds the {} bytes left", n, c.left()));
        }
        let mut w = c.window(n);
        let r = server_id_body(b, &mut w, n);
        c.advance(n);
        r?;
        if !w.is_empty() {
            let left = w.left();
            b.diag(Severity::Warning, format!("PtypServerId has {left} unread bytes"), w.src(), w.pos(), left);
        }
        Ok(())
    })
}

fn server_id_body(b: &mut Builder<'_>, c: &mut Cur<'_>, n: usize) -> R<()> {
    if n == 0 {
        return Ok(());
    }
    let ours = b.u8(c, &SID_OURS)?;
    if ours == 1 {
        if n != 21 {
            b.diag(Severity::Warning, format!("PtypServerId with Ours 0x01 is 21 bytes, Count is {n}"), c.src(), c.pos().saturating_sub(1), 1);
        }
        b.u64(c, &SID_FOLDER_ID)?;
        b.u64(c, &SID_MESSAGE_ID)?;
        b.u32(c, &SID_INSTANCE)?;
    } else {
        if ours != 0 {
            b.diag(Severity::Warning, format!("Ours should be 0x00 or 0x01, got 0x{ours:02X}"), c.src(), c.pos().saturating_sub(1), 1);
        }
        b.bytes(c, &SID_CLIENT_DATA, c.left())?;
    }
    Ok(())
}

/// A PtypMultiple value: COUNT (32 bits) then the values.
fn multiple(b: &mut Builder<'_>, c: &mut Cur<'_>, t: u16, f: &'static Field) -> R<()> {
    let base = t & !MULTIPLE;
    let min = match base {
        PTYP_STRING8 => 1,
        PTYP_STRING | PTYP_INTEGER16 | PTYP_BINARY => 2,
        PTYP_INTEGER32 | PTYP_FLOATING32 => 4,
        PTYP_FLOATING64 | PTYP_CURRENCY | PTYP_FLOATING_TIME | PTYP_INTEGER64 | PTYP_TIME => 8,
        PTYP_GUID => 16,
        _ => return b.fail(c, format!("unknown multiple-valued property type 0x{t:04X}: the value's length cannot be known")),
    };
    structure(b, c, f, t, |b, c| {
        let n = b.u32(c, &COUNT32)?;
        let n = b.check_count(c, &COUNT32, n.into(), min)?;
        for _ in 0..n {
            element(b, c, base)?;
        }
        Ok(())
    })
}

/// One element of a PtypMultiple value.
fn element(b: &mut Builder<'_>, c: &mut Cur<'_>, base: u16) -> R<()> {
    match base {
        PTYP_INTEGER16 => b.i16(c, &V_I16).map(drop),
        PTYP_INTEGER32 => b.i32(c, &V_I32).map(drop),
        PTYP_FLOATING32 => b.f32(c, &V_F32).map(drop),
        PTYP_FLOATING64 => b.f64(c, &V_F64).map(drop),
        PTYP_CURRENCY => {
            let s = c.rest().get(..8).and_then(|w| w.try_into().ok()).map(i64::from_le_bytes).map(currency_text);
            b.leaf(c, &V_CURRENCY, 8, Value::Text(s.unwrap_or_default().into())).map(drop)
        }
        PTYP_FLOATING_TIME => {
            let s = c.rest().get(..8).and_then(|w| w.try_into().ok()).map(f64::from_le_bytes).map(floating_time_text);
            b.leaf(c, &V_FLOATING_TIME, 8, Value::Text(s.unwrap_or_default().into())).map(drop)
        }
        PTYP_INTEGER64 => b.i64(c, &V_I64).map(drop),
        PTYP_STRING8 => b.str8z(c, &V_STRING8).map(drop),
        PTYP_STRING => utf16z(b, c, &V_STRING),
        PTYP_TIME => b.u64(c, &V_TIME).map(drop),
        PTYP_GUID => b.guid(c, &V_GUID).map(drop),
        _ => structure(b, c, &V_BINARY_ELEMENT, PTYP_BINARY, counted_bytes),
    }
}

/// [MS-OXCDATA] 2.11.3 TypedPropertyValue as node `f`: PropertyType then PropertyValue. Not on a hot
/// path: the summary (`PtypString "Hello"`) is formatted while decoding.
pub fn typed(b: &mut Builder<'_>, c: &mut Cur<'_>, f: &'static Field) -> R<()> {
    let mut at = None;
    grp(b, c, f, |b, c, idx| {
        at = Some(idx);
        let t = b.u16(c, &PROPERTY_TYPE)?;
        set_text(b, idx, f, type_text(t));
        value(b, c, t, &PROPERTY_VALUE)
    })?;
    if let Some(idx) = at {
        let s = typed_text(&View::live(b, c), idx);
        set_text(b, idx, f, s);
    }
    Ok(())
}

/// [MS-OXCDATA] 2.11.4 TaggedPropertyValue as node `f`: PropertyTag then PropertyValue. Returns the
/// tag. The node's value is the tag; [`entry_summary`] (the summarizer `f` should have) shows
/// `PidTagSubject (0x0037001F, PtypString) = "Hello"`.
pub fn tagged(b: &mut Builder<'_>, c: &mut Cur<'_>, f: &'static Field) -> R<u32> {
    tagged_at(b, c, f).map(|(tag, _)| tag)
}

/// [`tagged`], also returning the node's index.
fn tagged_at(b: &mut Builder<'_>, c: &mut Cur<'_>, f: &'static Field) -> R<(u32, u32)> {
    let mut tag = 0;
    let idx = settled(
        b,
        c,
        f,
        |b, c, idx| {
            let peek = c.peek_u32();
            let r = props::property_tag(b, c, &PROPERTY_TAG).and_then(|t| {
                tag = t;
                value(b, c, (t & 0xFFFF) as u16, &PROPERTY_VALUE)
            });
            match r {
                Ok(()) => Ok(Value::UInt(tag.into())),
                Err(e) => {
                    if let Some(t) = peek {
                        let label = tag_text_in(b, t);
                        set_text(b, idx, f, label);
                    }
                    Err(e)
                }
            }
        },
        entry_text_of,
    )?;
    Ok((tag, idx))
}

/// Like [`tagged`], also returning the summary (formatted now, for callers' own summaries).
pub fn tagged_summary(b: &mut Builder<'_>, c: &mut Cur<'_>, f: &'static Field) -> R<(u32, String)> {
    let (tag, idx) = tagged_at(b, c, f)?;
    Ok((tag, entry_text_of(&View::live(b, c), idx)))
}

/// Flag and, depending on it, the PropertyValue of a FlaggedPropertyValue(WithType).
fn flagged_value(b: &mut Builder<'_>, c: &mut Cur<'_>, ty: u16) -> R<()> {
    match b.u8(c, &VALUE_FLAG)? {
        0x00 => value(b, c, ty, &PROPERTY_VALUE),
        0x01 => Ok(()),
        0x0A => value(b, c, PTYP_ERROR_CODE, &PROPERTY_VALUE),
        other => b.fail(c, format!("unknown FlaggedPropertyValue Flag 0x{other:02X} (0x0, 0x1 or 0xA)")),
    }
}

/// The field of a PropertyRow column: standard or flagged row, typed by the column or by itself.
fn column_field(flagged: bool, unspecified: bool) -> &'static Field {
    match (flagged, unspecified) {
        (false, false) => &ROW_COLUMN,
        (false, true) => &TYPED_PROPERTY_VALUE,
        (true, false) => &FLAGGED_PROPERTY_VALUE,
        (true, true) => &FLAGGED_PROPERTY_VALUE_WITH_TYPE,
    }
}

/// One column of a PropertyRow, as a node whose value is the column's tag (shown with the tag's
/// name and the value by [`entry_summary`]).
fn column(b: &mut Builder<'_>, c: &mut Cur<'_>, col: u32, flagged: bool) -> R<()> {
    let ptype = (col & 0xFFFF) as u16;
    let unspecified = ptype == PTYP_UNSPECIFIED;
    if !flagged && !unspecified && value_type(ptype) == PTYP_NULL {
        // A PtypNull column has no bytes in a standard row, and nothing to show (no node: every
        // node consumes input, so hostile column sets cannot multiply nodes).
        return Ok(());
    }
    let f = column_field(flagged, unspecified);
    settled(
        b,
        c,
        f,
        |b, c, idx| match column_value(b, c, ptype, flagged, unspecified) {
            Ok(()) => Ok(Value::UInt(col.into())),
            Err(e) => {
                let label = tag_text_in(b, col);
                set_text(b, idx, f, label);
                Err(e)
            }
        },
        entry_text_of,
    )
    .map(drop)
}

fn column_value(b: &mut Builder<'_>, c: &mut Cur<'_>, ptype: u16, flagged: bool, unspecified: bool) -> R<()> {
    let t = if unspecified { b.u16(c, &PROPERTY_TYPE)? } else { ptype };
    if flagged {
        flagged_value(b, c, t)
    } else {
        value(b, c, t, &PROPERTY_VALUE)
    }
}

/// [MS-OXCDATA] 2.8.1 PropertyRow over `columns` as node `f` (whose value is the number of columns,
/// shown by [`row_summary`]).
pub fn property_row_f(b: &mut Builder<'_>, c: &mut Cur<'_>, columns: &[u32], f: &'static Field) -> R<()> {
    grp(b, c, f, |b, c, idx| {
        let flagged = match b.u8(c, &ROW_FLAG)? {
            0x00 => false,
            0x01 => true,
            other => return b.fail(c, format!("unknown PropertyRow Flag 0x{other:02X} (0x00 standard, 0x01 flagged)")),
        };
        if f.summary.is_some() {
            b.set_value(idx, Value::UInt(columns.len() as u64));
        } else {
            summary(b, idx, &row_text(columns.len() as u64, flagged));
        }
        for &col in columns {
            column(b, c, col, flagged)?;
        }
        Ok(())
    })
}

// ----- display-time summaries ----------------------------------------------------------------

/// PropertyId of the properties whose PtypInteger64 values are folder or message ids
/// ([MS-OXPROPS] PidTagFolderId 2.693, PidTagParentFolderId 2.852, PidTagMid 2.782, PidTagInstID
/// 2.738, PidTagChangeNumber 2.626), shown as `0001-00000E8EDF34` in summaries.
fn id_property(tag: u32) -> bool {
    matches!(tag >> 16, 0x6748 | 0x6749 | 0x674A | 0x674D | 0x67A4)
}

fn row_text(n: u64, flagged: bool) -> String {
    format!("{n} columns{}", if flagged { ", flagged" } else { "" })
}

fn uint(n: &Node) -> Option<u64> {
    match n.value {
        Value::UInt(v) => Some(v),
        _ => None,
    }
}

/// The summary of a PropertyValue node (a leaf, or a structure whose value is its property type).
pub(crate) fn value_text(v: &View<'_>, i: u32) -> String {
    let Some(n) = v.node(i) else { return String::new() };
    match &n.value {
        Value::UInt(t) => structure_text(v, i, *t as u16),
        Value::Int(x) => format!("{x}"),
        // A 4-byte span is a PtypFloating32: shown as the single it was.
        Value::Float(x) if n.length == 4 => format!("{}", *x as f32),
        Value::Float(x) => format!("{x}"),
        Value::Bool(x) => String::from(if *x { "True" } else { "False" }),
        Value::Str8 => quote(&str8_string(v.bytes(n))),
        Value::Utf16 => quote(&utf16_string(v.bytes(n))),
        Value::Guid => guid_string(v.bytes(n)),
        Value::Bytes => bytes_summary(v.bytes(n)),
        Value::Text(t) => String::from(&**t),
        Value::None => String::new(),
    }
}

fn structure_text(v: &View<'_>, i: u32, t: u16) -> String {
    if t & MULTIPLE != 0 {
        return multiple_text(v, i);
    }
    match t {
        PTYP_ERROR_CODE => v.child_uint(i, &V_ERROR).map(|e| error_text(e as u32)).unwrap_or_default(),
        PTYP_TIME => v.child_uint(i, &V_TIME).map(filetime_string).unwrap_or_default(),
        PTYP_SERVER_ID => server_id_text(v, i),
        _ => counted_text(v, i),
    }
}

/// A COUNT and bytes: `(0 bytes)`, the bytes, or the entry id they are.
fn counted_text(v: &View<'_>, i: u32) -> String {
    match v.children(i).find(|(_, n)| !is(n, &COUNT16)) {
        None => String::from("(0 bytes)"),
        Some((_, n)) if is(n, &V_BINARY) => bytes_summary(v.bytes(n)),
        Some((j, _)) => super::entryid::text(v, j),
    }
}

fn server_id_text(v: &View<'_>, i: u32) -> String {
    if let (Some(fid), Some(mid)) = (v.child_uint(i, &SID_FOLDER_ID), v.child_uint(i, &SID_MESSAGE_ID)) {
        let inst = v.child_uint(i, &SID_INSTANCE).unwrap_or(0);
        return format!("folder {}, message {}, instance {inst}", crate::display::fid_string(fid), crate::display::fid_string(mid));
    }
    match v.child(i, &SID_CLIENT_DATA) {
        Some(n) => format!("client data {}", bytes_summary(v.bytes(n))),
        None => String::from("(empty)"),
    }
}

fn multiple_text(v: &View<'_>, i: u32) -> String {
    let n = v.child_uint(i, &COUNT32).unwrap_or(0);
    let mut s = format!("{n} values: ");
    let mut shown = 0u64;
    for (j, e) in v.children(i).filter(|(_, e)| !is(e, &COUNT32)).take(4) {
        if shown > 0 {
            s.push_str(", ");
        }
        match (is(e, &V_TIME), uint(e)) {
            (true, Some(ft)) => s.push_str(&filetime_string(ft)),
            _ => s.push_str(&value_text(v, j)),
        }
        shown += 1;
    }
    if n > shown {
        s.push_str(", …");
    }
    s
}

/// `PropertyType value` of a TypedPropertyValue node.
fn typed_text(v: &View<'_>, i: u32) -> String {
    let mut s = String::new();
    for (j, n) in v.children(i) {
        if is(n, &PROPERTY_TYPE) {
            s.push_str(&type_text(uint(n).unwrap_or(0) as u16));
        } else if is(n, &PROPERTY_VALUE) {
            s.push(' ');
            s.push_str(&value_text(v, j));
        }
    }
    s
}

/// `tag = value` of a column or tagged value node whose value is the tag (the tag's own node, the
/// column's PropertyType and Flag and the PropertyValue are its children). PtypInteger64 values of
/// the folder and message id properties are shown as ids.
pub(crate) fn entry_text(v: &View<'_>, i: u32, tag: u32) -> String {
    let mut s = tag_text_v(v, tag);
    s.push_str(" = ");
    for (j, n) in v.children(i) {
        if is(n, &PROPERTY_TYPE) {
            s.push_str(&type_text(uint(n).unwrap_or(0) as u16));
            s.push(' ');
        } else if is(n, &VALUE_FLAG) {
            match uint(n) {
                Some(0x01) => s.push_str("(no value)"),
                Some(0x0A) => s.push_str("error "),
                _ => {}
            }
        } else if is(n, &PROPERTY_VALUE) {
            match n.value {
                Value::Int(x) if n.length == 8 && id_property(tag) => s.push_str(&crate::display::fid_string(x as u64)),
                _ => s.push_str(&value_text(v, j)),
            }
        }
    }
    s
}

/// [`entry_text`] of a node whose value is the tag, or its text when it has one.
fn entry_text_of(v: &View<'_>, i: u32) -> String {
    match v.node(i).map(|n| &n.value) {
        Some(Value::UInt(tag)) => entry_text(v, i, *tag as u32),
        Some(Value::Text(t)) => String::from(&**t),
        _ => String::new(),
    }
}

/// Summarizer of PropertyValue nodes: a complete structure's summary (`3 values: 1, 2, 3`,
/// `0102… (70 bytes)`, `Folder EntryID: …`), or a text value cut to a line; leaves show their value.
pub fn value_summary(d: &Dissection<'_>, i: u32) -> Option<String> {
    match &d.node(i)?.value {
        Value::UInt(_) => Some(cut(value_text(&View::Done(d), i))),
        Value::Text(t) => Some(cut(String::from(&**t))),
        _ => None,
    }
}

/// Summarizer of PropertyRow columns and tagged values (nodes whose value is the property tag):
/// `PidTagSubject (0x0037001F, PtypString) = "Hello"`.
pub fn entry_summary(d: &Dissection<'_>, i: u32) -> Option<String> {
    match &d.node(i)?.value {
        Value::UInt(tag) => Some(cut(entry_text(&View::Done(d), i, *tag as u32))),
        Value::Text(t) => Some(cut(String::from(&**t))),
        _ => None,
    }
}

/// Summarizer of PropertyRow nodes (whose value is the number of columns): `10 columns`.
pub fn row_summary(d: &Dissection<'_>, i: u32) -> Option<String> {
    let n = uint(d.node(i)?)?;
    let flagged = View::Done(d).child_uint(i, &ROW_FLAG) == Some(1);
    Some(row_text(n, flagged))
}

/// A u16 count (field `count`) followed by that many PropertyTags (field `tag`).
pub fn tags_u16(b: &mut Builder<'_>, c: &mut Cur<'_>, count: &'static Field, tag: &'static Field) -> R<Vec<u32>> {
    let n = b.u16(c, count)?;
    let n = b.check_count(c, count, n.into(), 4)?;
    let mut tags = Vec::with_capacity(n);
    for _ in 0..n {
        tags.push(props::property_tag(b, c, tag)?);
    }
    Ok(tags)
}

/// A u16 count (field `count`) followed by that many TaggedPropertyValues.
pub fn tagged_values_u16(b: &mut Builder<'_>, c: &mut Cur<'_>, count: &'static Field) -> R<()> {
    let n = b.u16(c, count)?;
    let n = b.check_count(c, count, n.into(), 4)?;
    for _ in 0..n {
        tagged(b, c, &TAGGED_PROPERTY_VALUE)?;
    }
    Ok(())
}

/// [MS-OXCDATA] 2.7 PropertyProblemCount and PropertyProblems.
pub fn property_problems(b: &mut Builder<'_>, c: &mut Cur<'_>) -> R<()> {
    let n = b.u16(c, &PROPERTY_PROBLEM_COUNT)?;
    let n = b.check_count(c, &PROPERTY_PROBLEM_COUNT, n.into(), 10)?;
    if n == 0 {
        return Ok(());
    }
    b.group(c, &PROPERTY_PROBLEMS, |b, c| {
        for _ in 0..n {
            grp(b, c, &PROPERTY_PROBLEM, |b, c, idx| {
                let i = b.u16(c, &PP_INDEX)?;
                let tag = props::property_tag(b, c, &PROPERTY_TAG)?;
                let e = b.u32(c, &PP_ERROR)?;
                summary(b, idx, &format!("#{i} {}: {}", tag_text_in(b, tag), error_text(e)));
                Ok(())
            })?;
        }
        Ok(())
    })
}

/// [MS-OXCDATA] 2.11.7 TypedString as node `f`: StringType then the string.
pub fn typed_string(b: &mut Builder<'_>, c: &mut Cur<'_>, f: &'static Field) -> R<()> {
    grp(b, c, f, |b, c, idx| {
        let s = match b.u8(c, &STRING_TYPE)? {
            0x00 => String::from("(no string)"),
            0x01 => String::from("\"\""),
            0x02 | 0x03 => quote(&str8_string(b.str8z(c, &TS_STRING8)?)),
            0x04 => quote(&utf16_string(b.utf16z(c, &TS_STRING)?)),
            other => return b.fail(c, format!("unknown TypedString StringType 0x{other:02X}")),
        };
        summary(b, idx, &s);
        Ok(())
    })
}

/// [MS-OXCDATA] 2.2.1.3.1 LongTermID as node `f`.
pub fn long_term_id(b: &mut Builder<'_>, c: &mut Cur<'_>, f: &'static Field) -> R<()> {
    grp(b, c, f, |b, c, idx| {
        let g = b.guid(c, &LTID_DATABASE_GUID)?;
        let counter = b.bytes(c, &LTID_GLOBAL_COUNTER, 6)?;
        let s = format!("{}-{}", guid_string(&g), hex_string(counter).to_uppercase());
        summary(b, idx, &s);
        let pad = b.u16(c, &LTID_PAD)?;
        if pad != 0 {
            b.diag(Severity::Note, format!("Pad should be 0x0000, got 0x{pad:04X}"), c.src(), c.pos().saturating_sub(2), 2);
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_nul_matches_the_plain_scan() {
        // Every placement of a NUL code unit (and of odd-offset zero bytes that are not one) in
        // buffers of every length up to 40 bytes.
        for len in 0..40usize {
            for nul in 0..=len {
                let mut b: Vec<u8> = (0..len).map(|i| 0x41 + (i % 7) as u8).collect();
                if nul + 1 < len && nul % 2 == 0 {
                    b[nul] = 0;
                    b[nul + 1] = 0;
                }
                if nul % 2 == 1 && nul + 1 < len {
                    // A zero byte straddling two code units: 0x??00 0x00?? is not a NUL.
                    b[nul] = 0;
                    b[nul + 1] = 0;
                }
                assert_eq!(utf16_nul(&b), crate::build::find_utf16_nul(&b), "len {len}, at {nul}: {b:?}");
            }
        }
        assert_eq!(utf16_nul(&[0x41, 0, 0x80, 0, 0, 0x80, 0, 0]), Some(6));
        assert_eq!(utf16_nul(&[0, 0x80, 0x00, 0x80, 1, 0, 0, 0, 0, 0]), Some(6));
    }
}
