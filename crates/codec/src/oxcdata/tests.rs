//! Tests of the [MS-OXCDATA] ROP-buffer structures: the specification examples ([MS-OXCPRPT]
//! RopSetProperties, [MS-OXORULE] 4.2.2 rules-table row, [MS-OXODLGT] 4.1.1 Folder EntryID,
//! [MS-OXCFOLD] 4.5.1 FID display), hand-built vectors for every property type, rows, restrictions,
//! sort orders, property names, recipient rows, typed strings, entry ids and rule actions, truncation
//! sweeps over all of them, hostile counts and hostile nesting.

use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

use super::*;
use crate::build::{Builder, Cur, R};
use crate::display::display_line;
use crate::props::*;
use crate::tree::{Dissection, Severity};

crate::fields! {
    T_COUNT: U16 = "mapihttp.test.oxcdata.count", "PropertyValueCount", "test count field";
    T_TAG: Text = "mapihttp.test.oxcdata.tag", "PropertyTags", "test tag field";
    T_FID: U64 [crate::tree::Disp::Fid] = "mapihttp.test.oxcdata.fid", "FolderId", "test FID field";
    T_SUBJECT_PREFIX: Text = "mapihttp.test.oxcdata.subjectprefix", "SubjectPrefix", "test TypedString field";
    T_LTID: Text = "mapihttp.test.oxcdata.ltid", "LongTermId", "test LongTermID field";
}

/// Little-endian byte builder.
#[derive(Clone, Default)]
struct W(Vec<u8>);

impl W {
    fn new() -> Self {
        W(Vec::new())
    }
    fn u8(mut self, v: u8) -> Self {
        self.0.push(v);
        self
    }
    fn u16(mut self, v: u16) -> Self {
        self.0.extend_from_slice(&v.to_le_bytes());
        self
    }
    fn u32(mut self, v: u32) -> Self {
        self.0.extend_from_slice(&v.to_le_bytes());
        self
    }
    fn u64(mut self, v: u64) -> Self {
        self.0.extend_from_slice(&v.to_le_bytes());
        self
    }
    fn raw(mut self, b: &[u8]) -> Self {
        self.0.extend_from_slice(b);
        self
    }
    fn s8(self, s: &str) -> Self {
        self.raw(s.as_bytes()).u8(0)
    }
    fn s16(mut self, s: &str) -> Self {
        for u in s.encode_utf16() {
            self.0.extend_from_slice(&u.to_le_bytes());
        }
        self.u16(0)
    }
    /// A u16-counted binary.
    fn bin(self, b: &[u8]) -> Self {
        self.u16(b.len() as u16).raw(b)
    }
}

/// Parses a hex dump ("0A 00 …", offsets and dashes allowed when separated by spaces).
fn hex(s: &str) -> Vec<u8> {
    s.split_whitespace()
        .filter(|t| !t.ends_with(':'))
        .flat_map(|t| t.split('-'))
        .filter(|t| !t.is_empty())
        .map(|t| u8::from_str_radix(t, 16).unwrap())
        .collect()
}

type Dec = fn(&mut Builder<'_>, &mut Cur<'_>) -> R<()>;

/// Runs a decoder over `data`; returns the dissection and the bytes consumed.
fn run(data: &[u8], f: Dec) -> (Dissection<'_>, usize) {
    let mut b = Builder::new();
    let src = b.add_source("test", data);
    let mut c = Cur::new(data, src);
    let _ = f(&mut b, &mut c);
    let used = c.pos();
    (b.finish(), used)
}

fn lines(d: &Dissection<'_>) -> Vec<String> {
    d.nodes.iter().map(|n| display_line(d, n)).collect()
}

/// Replaces every `<0xXXXXXXXX>` with the property tag's display ([`crate::props::tag_text`]), so
/// the expectations do not depend on the PidTag catalogue.
fn tags(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find("<0x") {
        out.push_str(&rest[..i]);
        let end = rest[i..].find('>').map(|e| i + e).unwrap();
        let v = u32::from_str_radix(&rest[i + 3..end], 16).unwrap();
        out.push_str(&tag_text(v));
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

#[track_caller]
fn has(d: &Dissection<'_>, line: &str) {
    let line = &tags(line);
    let l = lines(d);
    assert!(l.iter().any(|x| x == line), "missing line {line:?} in:\n{}", l.join("\n"));
}

#[track_caller]
fn clean(d: &Dissection<'_>, used: usize, len: usize) {
    let bad: Vec<_> = d.diagnostics.iter().filter(|x| x.severity >= Severity::Warning).collect();
    assert!(bad.is_empty(), "unexpected diagnostics {bad:?}\n{}", lines(d).join("\n"));
    assert_eq!(used, len, "consumed {used} of {len} bytes\n{}", lines(d).join("\n"));
}

#[track_caller]
fn error_with(d: &Dissection<'_>, text: &str) {
    assert!(
        d.diagnostics.iter().any(|x| x.severity == Severity::Error && x.message.contains(text)),
        "no error containing {text:?}: {:?}",
        d.diagnostics
    );
}

/// Every strict prefix decodes without panic and reports an error at or before the cut.
#[track_caller]
fn sweep(name: &str, data: &[u8], f: Dec) {
    for cut in 0..data.len() {
        let prefix = data.get(..cut).unwrap();
        let (d, _) = run(prefix, f);
        assert!(
            d.diagnostics.iter().any(|x| x.severity == Severity::Error && x.offset as usize <= cut),
            "{name}: prefix of {cut}/{} bytes has no error at or before the cut: {:?}",
            data.len(),
            d.diagnostics
        );
        for n in &d.nodes {
            assert!(n.offset as usize + n.length as usize <= cut, "{name}: node {} beyond the cut", n.field.name);
        }
    }
}

/// All vectors of this file, for the sweep.
fn vectors() -> Vec<(&'static str, Vec<u8>, Dec)> {
    let mut v: Vec<(&'static str, Vec<u8>, Dec)> = vec![
        ("set properties", set_properties_values(), |b, c| tagged_values_u16(b, c, &T_COUNT)),
        ("rules row", rules_row(), |b, c| property_row(b, c, &RULE_COLUMNS)),
        ("folder entry id", W::new().bin(&folder_eid()).0, |b, c| property_value(b, c, PTYP_BINARY, &PROPERTY_VALUE)),
        ("flagged row", flagged_row(), |b, c| property_row(b, c, &FLAGGED_COLUMNS)),
        ("typed row", typed_row(), |b, c| property_row(b, c, &TYPED_COLUMNS)),
        ("restrictions", all_restrictions(), restriction),
        ("sort orders", sort_orders(), sort_order_set),
        ("name id", name_id(), |b, c| property_name(b, c).map(|_| ())),
        ("name string", name_string(), |b, c| property_name(b, c).map(|_| ())),
        ("name none", name_none(), |b, c| property_name(b, c).map(|_| ())),
        ("recipient x500", recipient_x500(), |b, c| recipient_row(b, c, &RECIPIENT_COLUMNS)),
        ("recipient smtp", recipient_smtp(), |b, c| recipient_row(b, c, &RECIPIENT_COLUMNS)),
        ("recipient pdl", recipient_pdl(), |b, c| recipient_row(b, c, &RECIPIENT_COLUMNS)),
        ("recipient notype", recipient_notype(), |b, c| recipient_row(b, c, &RECIPIENT_COLUMNS)),
        ("rule actions", W::new().u16(0x00FE).raw(&all_actions()).0, typed_property_value),
        ("entry ids", entry_ids_mv(), |b, c| property_value(b, c, 0x1102, &PROPERTY_VALUE)),
        ("long term id", ltid(), |b, c| long_term_id(b, c, &T_LTID)),
        ("problems", problems(), property_problems),
        ("tags", W::new().u16(2).u32(0x3001_001F).u32(0x0E08_0003).0, |b, c| property_tags_u16(b, c, &T_COUNT, &T_TAG).map(|_| ())),
        ("typed string 8", W::new().u8(2).s8("RE: ").0, |b, c| typed_string(b, c, &T_SUBJECT_PREFIX)),
        ("typed string 16", W::new().u8(4).s16("RE: ").0, |b, c| typed_string(b, c, &T_SUBJECT_PREFIX)),
        ("fid", fid_bytes(), |b, c| folder_id(b, c, &T_FID).map(|_| ())),
    ];
    for (ty, bytes) in single_values() {
        // A TypedPropertyValue carries the type, so one decoder covers every type.
        v.push(("single value", W::new().u16(ty).raw(&bytes).0, typed_property_value));
    }
    for (ty, bytes) in multiple_values() {
        v.push(("multiple value", W::new().u16(ty).raw(&bytes).0, typed_property_value));
    }
    v
}

// ----- specification examples ---------------------------------------------------------------------

/// [MS-OXCPRPT] 4.x Setting properties: the complete RopSetProperties request buffer (41 bytes).
const SET_PROPERTIES: &str = "0A 00 00 24 00 02 00 1F 00 3D 00 00 00 1F 00 1D 0E 48 00 65 00 6C 00 6C 00 6F 00 20 00 57 00 6F 00 72 00 6C 00 64 00 00 00";

/// PropertyValueCount and PropertyValues of that request (after RopId, LogonId, InputHandleIndex and
/// PropertyValueSize).
fn set_properties_values() -> Vec<u8> {
    hex(SET_PROPERTIES).split_off(5)
}

#[test]
fn spec_set_properties() {
    let all = hex(SET_PROPERTIES);
    assert_eq!(all.len(), 41);
    // PropertyValueSize 0x0024 covers PropertyValueCount and PropertyValues.
    assert_eq!(u16::from_le_bytes([all[3], all[4]]) as usize, all.len() - 5);
    let data = set_properties_values();
    let (d, used) = run(&data, |b, c| tagged_values_u16(b, c, &T_COUNT));
    clean(&d, used, data.len());
    has(&d, "PropertyValueCount: 2");
    has(&d, "TaggedPropertyValue: <0x003D001F> = \"\"");
    has(&d, "TaggedPropertyValue: <0x0E1D001F> = \"Hello World\"");
    has(&d, "PropertyValue: \"Hello World\"");
    assert_eq!(d.find_all("mapihttp.oxcdata.taggedpropertyvalue").count(), 2);
    assert!(T_COUNT.key.starts_with("mapihttp.") && FIELDS.len() == 5);
}

/// [MS-OXORULE] 4.2.1: the RopSetColumns of the example: PidTagRuleId, PidTagRuleProviderData,
/// PidTagRuleName.
const RULE_COLUMNS: [u32; 3] = [0x6674_0014, 0x6684_0102, 0x6682_001F];

/// [MS-OXORULE] 4.2.2: the RopQueryRows response (56 bytes); the row starts at offset 9.
const RULES_QUERY_ROWS: &str = "15 01 00 00 00 00 02 01-00 00 01 00 00 00 01 3f
    f8 56 10 00 01 00 00 00-01 00 00 00 55 55 55 55 d1 44 e3 40 50 00 72 00-6f 00 6a 00 65 00 63 00
    74 00 20 00 58 00 00 00";

fn rules_row() -> Vec<u8> {
    hex(RULES_QUERY_ROWS).split_off(9)
}

#[test]
fn spec_rules_table_row() {
    let all = hex(RULES_QUERY_ROWS);
    assert_eq!(all.len(), 56);
    let data = rules_row();
    let (d, used) = run(&data, |b, c| property_row(b, c, &RULE_COLUMNS));
    clean(&d, used, data.len());
    has(&d, "Flag: StandardPropertyRow (0x00)");
    // "Property 1: 0x56F83F0100000001" in the specification.
    let (_, n) = d.find("mapihttp.oxcdata.propertyvalue").unwrap();
    assert_eq!(n.value, crate::tree::Value::Int(0x56F8_3F01_0000_0001));
    has(&d, "Count: 16 bytes");
    has(&d, "Value: 010000000100000055555555d144e340");
    has(&d, "PropertyValue: \"Project X\"");
    has(&d, "PropertyValue: <0x6682001F> = \"Project X\"");
    assert_eq!(d.find_all("mapihttp.oxcdata.row.propertyvalue").count(), 3);
}

/// [MS-OXODLGT] 4.1.1: PidTagIpmAppointmentEntryId, a 46-byte Folder EntryID.
fn folder_eid() -> Vec<u8> {
    hex("00 00 00 00 C3 E1 78 57-96 52 CE 46 A3 53 B3 E0
         7F 9B 97 BC 01 00 8B 8D-B1 82 AF 2E D0 48 93 47
         07 ED 54 48 84 0F 00 17-4E A8 9C 98 00 00")
}

#[test]
fn spec_folder_entry_id() {
    let eid = folder_eid();
    assert_eq!(eid.len(), 46);
    assert_eq!(entryid::sniff(&eid), Some(entryid::Kind::Folder));
    let data = W::new().bin(&eid).0;
    let (d, used) = run(&data, |b, c| property_value(b, c, PTYP_BINARY, &PROPERTY_VALUE));
    clean(&d, used, data.len());
    has(&d, "Count: 46 bytes");
    has(&d, "Flags: 0x00000000");
    has(&d, "Provider UID: {5778E1C3-5296-46CE-A353-B3E07F9B97BC}");
    has(&d, "FolderType: PrivateFolder (0x0001)");
    has(&d, "DatabaseGuid: {82B18D8B-2EAF-48D0-9347-07ED5448840F}");
    has(&d, "GlobalCounter: 00174ea89c98");
    has(&d, "Pad: 0x0000");
    let (_, n) = d.find("mapihttp.oxcdata.folderentryid").unwrap();
    assert_eq!((n.offset, n.length), (2, 46));
}

/// [MS-OXCFOLD] 4.5.1 RopMoveFolder request: the FolderId at offset 6.
fn fid_bytes() -> Vec<u8> {
    hex("35 00 01 02 01 01 01 00 00 00 0E 8E DF 36").split_off(6)
}

#[test]
fn spec_fid_display() {
    let data = fid_bytes();
    let mut b = Builder::new();
    let src = b.add_source("t", &data);
    let mut c = Cur::new(&data, src);
    let v = folder_id(&mut b, &mut c, &T_FID).unwrap();
    assert_eq!(v, u64::from_le_bytes([0x01, 0x00, 0x00, 0x00, 0x0E, 0x8E, 0xDF, 0x36]));
    let d = b.finish();
    has(&d, "FolderId: 0001-00000E8EDF36");
}

// ----- property values ------------------------------------------------------------------------------

const PS_MAPI: [u8; 16] = [0x28, 0x03, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46];
const PSETID_COMMON: [u8; 16] = [0x08, 0x20, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00, 0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46];
const PS_PUBLIC_STRINGS: [u8; 16] = [0x29, 0x03, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46];
const EPOCH: u64 = 116_444_736_000_000_000;

/// (type, value bytes) for every single-valued type with an encoding.
fn single_values() -> Vec<(u16, Vec<u8>)> {
    vec![
        (PTYP_INTEGER16, W::new().u16(0xFFFE).0),
        (PTYP_INTEGER32, W::new().u32(42).0),
        (PTYP_FLOATING32, 1.5f32.to_le_bytes().to_vec()),
        (PTYP_FLOATING64, 2.25f64.to_le_bytes().to_vec()),
        (PTYP_CURRENCY, (-123_456_789i64).to_le_bytes().to_vec()),
        (PTYP_FLOATING_TIME, 39_462.5f64.to_le_bytes().to_vec()),
        (PTYP_ERROR_CODE, W::new().u32(0x8004_010F).0),
        (PTYP_BOOLEAN, vec![1]),
        (PTYP_INTEGER64, W::new().u64(0x1_0000_0000).0),
        (PTYP_STRING8, W::new().s8("abc").0),
        (PTYP_STRING, W::new().s16("Hi").0),
        (PTYP_TIME, W::new().u64(EPOCH).0),
        (PTYP_GUID, PS_MAPI.to_vec()),
        (PTYP_SERVER_ID, W::new().u16(21).u8(1).u64(0x36DF_8E0E_0000_0001).u64(0).u32(0).0),
        (PTYP_RESTRICTION, W::new().u8(8).u32(0x0E1D_001F).0),
        (PTYP_RULE_ACTION, W::new().u16(1).u16(9).u8(0x0B).u32(0).u32(0).0),
        (PTYP_BINARY, W::new().bin(&[1, 2, 3]).0),
        (0x301F, W::new().s16("one").0),
    ]
}

#[test]
fn every_single_type() {
    let expect = [
        "PropertyValue: -2",
        "PropertyValue: 42",
        "PropertyValue: 1.5",
        "PropertyValue: 2.25",
        "PropertyValue: -12345.6789",
        "PropertyValue: 2008-01-15 12:00:00 (39462.5 days)",
        "Value: NotFound (0x8004010F)",
        "PropertyValue: True",
        "PropertyValue: 4294967296",
        "PropertyValue: \"abc\"",
        "PropertyValue: \"Hi\"",
        "Value: 1970-01-01 00:00:00.0000000 UTC",
        "PropertyValue: {00020328-0000-0000-C000-000000000046}",
        "folder ID: 0001-00000E8EDF36",
        "ExistRestriction: <0x0E1D001F>",
        "ActionType: OP_MARK_AS_READ (0x0B)",
        "Value: 010203",
        "PropertyValue: \"one\"",
    ];
    for ((ty, bytes), want) in single_values().into_iter().zip(expect) {
        let mut b = Builder::new();
        let src = b.add_source("t", &bytes);
        let mut c = Cur::new(&bytes, src);
        property_value(&mut b, &mut c, ty, &PROPERTY_VALUE).unwrap();
        assert!(c.is_empty(), "type 0x{ty:04X} left bytes");
        let d = b.finish();
        assert!(d.diagnostics.is_empty(), "type 0x{ty:04X}: {:?}", d.diagnostics);
        has(&d, want);
    }
}

#[test]
fn special_single_values() {
    // PtypNull: no bytes.
    let (d, used) = run(&[], |b, c| property_value(b, c, PTYP_NULL, &PROPERTY_VALUE));
    assert_eq!(used, 0);
    has(&d, "PropertyValue: (null)");
    // PtypErrorCode parent shows the name too; PtypTime parent the date.
    let data = W::new().u32(0x8004_0102).0;
    let (d, _) = run(&data, |b, c| property_value(b, c, PTYP_ERROR_CODE, &PROPERTY_VALUE));
    has(&d, "PropertyValue: NotSupported (0x80040102)");
    // A client-defined server id.
    let data = W::new().u16(3).u8(0).raw(&[0xAA, 0xBB]).0;
    let (d, used) = run(&data, |b, c| property_value(b, c, PTYP_SERVER_ID, &PROPERTY_VALUE));
    clean(&d, used, data.len());
    has(&d, "Ours: client-defined value (0x00)");
    has(&d, "ClientData: aabb");
    // A server id with the wrong Count for Ours 0x01 is a warning; 5 bytes are read.
    let data = W::new().u16(5).u8(1).u32(7).0;
    let (d, _) = run(&data, |b, c| property_value(b, c, PTYP_SERVER_ID, &PROPERTY_VALUE));
    assert!(d.diagnostics.iter().any(|x| x.message.contains("21 bytes")));
    // PtypObject is read as a counted binary, with a note.
    let data = W::new().bin(&[0xAA, 0xBB]).0;
    let (d, used) = run(&data, |b, c| property_value(b, c, PTYP_OBJECT, &PROPERTY_VALUE));
    assert_eq!(used, 4);
    has(&d, "Value: aabb");
    assert!(d.diagnostics.iter().any(|x| x.severity == Severity::Note && x.message.contains("PtypObject")));
    // A boolean other than 0/1 is a note.
    let (d, _) = run(&[2], |b, c| property_value(b, c, PTYP_BOOLEAN, &PROPERTY_VALUE));
    has(&d, "PropertyValue: True");
    assert!(d.diagnostics.iter().any(|x| x.severity == Severity::Note));
    // A zero-length binary.
    let data = W::new().u16(0).0;
    let (d, used) = run(&data, |b, c| property_value(b, c, PTYP_BINARY, &PROPERTY_VALUE));
    clean(&d, used, 2);
    has(&d, "PropertyValue: (0 bytes)");
    // Positive currency.
    let data = 15_000i64.to_le_bytes();
    let (d, _) = run(&data, |b, c| property_value(b, c, PTYP_CURRENCY, &PROPERTY_VALUE));
    has(&d, "PropertyValue: 1.5000");
}

#[test]
fn unknown_and_unspecified_types() {
    let data = [1u8, 2, 3, 4];
    let (d, _) = run(&data, |b, c| property_value(b, c, PTYP_UNSPECIFIED, &PROPERTY_VALUE));
    error_with(&d, "PtypUnspecified");
    let (d, _) = run(&data, |b, c| property_value(b, c, 0x0009, &PROPERTY_VALUE));
    error_with(&d, "unknown property type 0x0009");
    let (d, _) = run(&data, |b, c| property_value(b, c, 0x100B, &PROPERTY_VALUE));
    error_with(&d, "0x100B");
    // A TypedPropertyValue of type PtypUnspecified.
    let data = W::new().u16(0).u32(1).0;
    let (d, _) = run(&data, typed_property_value);
    error_with(&d, "PtypUnspecified");
}

/// (type, value bytes) for every multiple-valued type.
fn multiple_values() -> Vec<(u16, Vec<u8>)> {
    vec![
        (0x1002, W::new().u32(2).u16(1).u16(0xFFFF).0),
        (0x1003, W::new().u32(2).u32(7).u32(8).0),
        (0x1004, W::new().u32(1).raw(&0.5f32.to_le_bytes()).0),
        (0x1005, W::new().u32(1).raw(&(-1.25f64).to_le_bytes()).0),
        (0x1006, W::new().u32(1).u64(25_000).0),
        (0x1007, W::new().u32(1).raw(&2.0f64.to_le_bytes()).0),
        (0x1014, W::new().u32(1).u64(5).0),
        (0x101E, W::new().u32(2).s8("a").s8("bc").0),
        (0x101F, W::new().u32(2).s16("x").s16("").0),
        (0x1040, W::new().u32(1).u64(EPOCH).0),
        (0x1048, W::new().u32(1).raw(&PSETID_COMMON).0),
        (0x1102, W::new().u32(2).bin(&[9, 9]).bin(&[]).0),
    ]
}

#[test]
fn every_multiple_type() {
    let expect: [&[&str]; 12] = [
        &["PropertyValue: 2 values: 1, -1", "Count: 2", "Value: -1"],
        &["PropertyValue: 2 values: 7, 8", "Value: 8"],
        &["Value: 0.5"],
        &["Value: -1.25"],
        &["Value: 2.5000"],
        &["Value: 1900-01-01 00:00:00 (2 days)"],
        &["Value: 5"],
        &["Value: \"a\"", "Value: \"bc\"", "PropertyValue: 2 values: \"a\", \"bc\""],
        &["Value: \"x\"", "Value: \"\""],
        &["Value: 1970-01-01 00:00:00.0000000 UTC"],
        &["Value: {00062008-0000-0000-C000-000000000046}"],
        &["Value: 0909", "Value: (0 bytes)", "PropertyValue: 2 values: 0909 (2 bytes), (0 bytes)"],
    ];
    for ((ty, bytes), want) in multiple_values().into_iter().zip(expect) {
        let mut b = Builder::new();
        let src = b.add_source("t", &bytes);
        let mut c = Cur::new(&bytes, src);
        property_value(&mut b, &mut c, ty, &PROPERTY_VALUE).unwrap();
        assert!(c.is_empty(), "type 0x{ty:04X} left bytes");
        let d = b.finish();
        assert!(d.diagnostics.is_empty(), "type 0x{ty:04X}: {:?}", d.diagnostics);
        for w in want {
            has(&d, w);
        }
    }
    // Five values: the summary shows four.
    let data = W::new().u32(5).u16(1).u16(2).u16(3).u16(4).u16(5).0;
    let (d, _) = run(&data, |b, c| property_value(b, c, 0x1002, &PROPERTY_VALUE));
    has(&d, "PropertyValue: 5 values: 1, 2, 3, 4, …");
}

// ----- rows -----------------------------------------------------------------------------------------

const FLAGGED_COLUMNS: [u32; 4] = [0x3001_001F, 0x0E08_0003, 0x0037_0000, 0x0E1D_001F];

/// A FlaggedPropertyRow: a present string, a missing integer, an error for a PtypUnspecified column,
/// and a present value for another string.
fn flagged_row() -> Vec<u8> {
    W::new()
        .u8(1)
        .u8(0)
        .s16("Bob")
        .u8(1)
        .u16(PTYP_STRING)
        .u8(0x0A)
        .u32(0x8004_010F)
        .u8(0)
        .s16("Hi")
        .0
}

#[test]
fn flagged_row_with_missing_and_error_values() {
    let data = flagged_row();
    let (d, used) = run(&data, |b, c| property_row(b, c, &FLAGGED_COLUMNS));
    clean(&d, used, data.len());
    has(&d, "Flag: FlaggedPropertyRow (0x01)");
    has(&d, "FlaggedPropertyValue: <0x3001001F> = \"Bob\"");
    has(&d, "FlaggedPropertyValue: <0x0E080003> = (no value)");
    has(&d, "Flag: no PropertyValue (0x01)");
    has(&d, "FlaggedPropertyValueWithType: <0x00370000> = PtypString error NotFound (0x8004010F)");
    has(&d, "Flag: PropertyValue is a PtypErrorCode (0x0A)");
    has(&d, "Value: NotFound (0x8004010F)");
    assert_eq!(d.find_all("mapihttp.oxcdata.flaggedpropertyvalue").count(), 3);
    // An unknown flag is an error.
    let data = W::new().u8(1).u8(5).0;
    let (d, _) = run(&data, |b, c| property_row(b, c, &FLAGGED_COLUMNS));
    error_with(&d, "Flag 0x05");
    // So is an unknown row flag.
    let (d, _) = run(&[7], |b, c| property_row(b, c, &FLAGGED_COLUMNS));
    error_with(&d, "PropertyRow Flag 0x07");
}

const TYPED_COLUMNS: [u32; 4] = [0x0037_0000, 0x0FFF_0001, 0x0E1D_001E, 0x8005_3003];

/// A StandardPropertyRow with a PtypUnspecified column, a PtypNull column (no bytes), an 8-bit
/// string and a multivalue-instance column.
fn typed_row() -> Vec<u8> {
    W::new().u8(0).u16(PTYP_INTEGER32).u32(5).s8("subj").u32(77).0
}

#[test]
fn standard_row_with_typed_null_and_mvi_columns() {
    let data = typed_row();
    let (d, used) = run(&data, |b, c| property_row(b, c, &TYPED_COLUMNS));
    clean(&d, used, data.len());
    has(&d, "TypedPropertyValue: <0x00370000> = PtypInteger32 5");
    has(&d, "PropertyType: PtypInteger32 (0x0003)");
    has(&d, "PropertyValue: <0x0E1D001E> = \"subj\"");
    has(&d, "PropertyValue: 77");
    // The PtypNull column has no node.
    assert_eq!(d.find_all("mapihttp.oxcdata.row.propertyvalue").count(), 2);
}

// ----- restrictions and sort orders -----------------------------------------------------------------

fn exist(tag: u32) -> W {
    W::new().u8(8).u32(tag)
}

/// An AndRestriction over one of every other restriction type (all 12 types).
fn all_restrictions() -> Vec<u8> {
    let parts: Vec<Vec<u8>> = vec![
        W::new().u8(1).u16(1).raw(&exist(0x0E1D_001F).0).0,
        W::new().u8(2).raw(&exist(0x0E1D_001F).0).0,
        W::new().u8(3).u16(1).u16(1).u32(0x0037_001F).u32(0x0037_001F).s16("abc").0,
        W::new().u8(4).u8(4).u32(0x0E08_0003).u32(0x0E08_0003).u32(100).0,
        W::new().u8(5).u8(2).u32(0x0E06_0040).u32(0x0039_0040).0,
        W::new().u8(6).u8(1).u32(0x0E07_0003).u32(1).0,
        W::new().u8(7).u8(1).u32(0x1000_001F).u32(1000).0,
        exist(0x0E1D_001F).0,
        W::new().u8(9).u32(0x0E12_000D).raw(&exist(0x3003_001F).0).0,
        W::new().u8(0x0A).u8(1).u32(0x3001_001F).s16("c").u8(1).raw(&exist(0x0E1D_001F).0).0,
        W::new().u8(0x0B).u32(5).raw(&exist(0x0E1D_001F).0).0,
    ];
    let mut w = W::new().u8(0).u16(parts.len() as u16);
    for p in parts {
        w = w.raw(&p);
    }
    w.0
}

#[test]
fn all_restriction_types_nested() {
    let data = all_restrictions();
    let (d, used) = run(&data, restriction);
    clean(&d, used, data.len());
    for name in [
        "AndRestriction",
        "OrRestriction",
        "NotRestriction",
        "ContentRestriction",
        "PropertyRestriction",
        "ComparePropertiesRestriction",
        "BitMaskRestriction",
        "SizeRestriction",
        "ExistRestriction",
        "SubObjectRestriction",
        "CommentRestriction",
        "CountRestriction",
    ] {
        assert!(d.nodes.iter().any(|n| n.field.name == name), "no {name}");
    }
    has(&d, "RestrictCount: 11");
    has(&d, "FuzzyLevelLow: FL_SUBSTRING (0x0001)");
    has(&d, "FuzzyLevelHigh: 0x0001 (FL_IGNORECASE)");
    has(&d, "RelOp: RELOP_EQ (0x04)");
    has(&d, "PropertyRestriction: <0x0E080003> RELOP_EQ 100");
    has(&d, "ContentRestriction: <0x0037001F> FL_SUBSTRING 0x0001 (FL_IGNORECASE) \"abc\"");
    has(&d, "BitmapRelOp: BMR_NEZ (0x01)");
    has(&d, "Mask: 0x00000001");
    has(&d, "Size: 1000 bytes");
    has(&d, "TaggedValuesCount: 1");
    has(&d, "RestrictionPresent: True");
    has(&d, "Count: 5");
    has(&d, "SubObjectRestriction: <0x0E12000D>: ExistRestriction(<0x3003001F>)");
    // An unknown type is an error.
    let (d, _) = run(&[0x0C, 0, 0], restriction);
    error_with(&d, "unknown RestrictType 0x0C");
    // A comparand with another tag is a note, not an error.
    let data = W::new().u8(4).u8(4).u32(0x0E08_0003).u32(0x0E07_0003).u32(1).0;
    let (d, used) = run(&data, restriction);
    clean(&d, used, data.len());
    assert!(d.diagnostics.iter().any(|x| x.severity == Severity::Note && x.message.contains("differs")));
}

fn sort_orders() -> Vec<u8> {
    W::new()
        .u16(3)
        .u16(1)
        .u16(1)
        .u16(0x301F)
        .u16(0x8001)
        .u8(0)
        .u16(0x0040)
        .u16(0x0E06)
        .u8(4)
        .u16(0x0040)
        .u16(0x0E06)
        .u8(1)
        .0
}

#[test]
fn sort_order_set_with_categories() {
    let data = sort_orders();
    let (d, used) = run(&data, sort_order_set);
    clean(&d, used, data.len());
    has(&d, "SortOrderCount: 3");
    has(&d, "CategorizedCount: 1");
    has(&d, "ExpandedCount: 1");
    has(&d, "PropertyType: PtypMultipleString | MultivalueInstance (0x301F)");
    has(&d, "Order: MaximumCategory (0x04)");
    has(&d, "SortOrder: <0x0E060040> Descending");
    has(&d, "SortOrder: <0x8001301F> Ascending (category)");
    // Inconsistent counts are warnings.
    let data = W::new().u16(1).u16(2).u16(3).u16(3).u16(0x3001).u8(0).0;
    let (d, _) = run(&data, sort_order_set);
    assert_eq!(d.diagnostics.iter().filter(|x| x.severity == Severity::Warning).count(), 2);
}

// ----- property names -------------------------------------------------------------------------------

fn name_id() -> Vec<u8> {
    W::new().u8(0).raw(&PSETID_COMMON).u32(0x8501).0
}

fn name_string() -> Vec<u8> {
    W::new().u8(1).raw(&PS_PUBLIC_STRINGS).u8(10).s16("Keys").0
}

fn name_none() -> Vec<u8> {
    W::new().u8(0xFF).raw(&PS_MAPI).0
}

#[test]
fn property_names() {
    let data = name_id();
    let mut b = Builder::new();
    let src = b.add_source("t", &data);
    let mut c = Cur::new(&data, src);
    let pn = property_name(&mut b, &mut c).unwrap();
    assert_eq!(pn, PropertyName { guid: PSETID_COMMON, kind: 0, lid: 0x8501, name: String::new() });
    let d = b.finish();
    let lid_name = crate::props::named_lid_name(&PSETID_COMMON, 0x8501).map_or(String::new(), |n| alloc::format!(" ({n})"));
    has(&d, &alloc::format!("PropertyName: PSETID_Common LID 0x00008501{lid_name}"));
    has(&d, "Kind: MNID_ID (0x00)");
    has(&d, "LID: 0x00008501");

    let data = name_string();
    let mut b = Builder::new();
    let src = b.add_source("t", &data);
    let mut c = Cur::new(&data, src);
    let pn = property_name(&mut b, &mut c).unwrap();
    assert!(c.is_empty());
    assert_eq!((pn.kind, pn.name.as_str(), pn.guid), (1, "Keys", PS_PUBLIC_STRINGS));
    let d = b.finish();
    assert!(d.diagnostics.is_empty(), "{:?}", d.diagnostics);
    let keys = crate::props::named_string_name(&PS_PUBLIC_STRINGS, "Keys").map_or(String::new(), |n| alloc::format!(" ({n})"));
    has(&d, &alloc::format!("PropertyName: PS_PUBLIC_STRINGS \"Keys\"{keys}"));
    has(&d, "NameSize: 10 bytes");
    has(&d, "Name: \"Keys\"");

    let data = name_none();
    let (d, used) = run(&data, |b, c| property_name(b, c).map(|_| ()));
    clean(&d, used, data.len());
    has(&d, "PropertyName: PS_MAPI (no name)");

    let data = W::new().u8(2).raw(&PS_MAPI).0;
    let (d, _) = run(&data, |b, c| property_name(b, c).map(|_| ()));
    error_with(&d, "Kind 0x02");
}

// ----- recipient rows -------------------------------------------------------------------------------

/// PidTagRecipientType, PidTagSendRichInfo, PidTagRecipientDisplayName.
const RECIPIENT_COLUMNS: [u32; 3] = [0x0C15_0003, 0x3A40_000B, 0x5FF6_001F];

fn recipient_x500() -> Vec<u8> {
    W::new().u16(0x0211).u8(0).u8(0).s8("/o=Contoso/cn=bob").s16("Bob").u16(2).u8(0).u32(1).u8(1).0
}

fn recipient_smtp() -> Vec<u8> {
    W::new().u16(0x003B).s8("bob@contoso.com").s8("Bob").s8("Bob").u16(3).u8(0).u32(2).u8(0).s16("Bob").0
}

fn ab_eid() -> Vec<u8> {
    W::new().u32(0).raw(&entryid::AB_UID).u32(1).u32(5).s8("/o=Contoso/cn=list").0
}

fn recipient_pdl() -> Vec<u8> {
    W::new().u16(0x0216).bin(&ab_eid()).bin(&[0xAB, 0xCD]).s16("List").u16(0).u8(0).0
}

fn recipient_notype() -> Vec<u8> {
    W::new().u16(0x8008).s8("X400").s8("c=US;a=;p=Contoso").u16(1).u8(0).u32(1).0
}

#[test]
fn recipient_rows() {
    let data = recipient_x500();
    let (d, used) = run(&data, |b, c| recipient_row(b, c, &RECIPIENT_COLUMNS));
    clean(&d, used, data.len());
    has(&d, "RecipientFlags: 0x0211 (D, U, 0x1)");
    has(&d, "Type: X500DN (0x01)");
    has(&d, "AddressPrefixUsed: 0");
    has(&d, "DisplayType: messaging user (0x00)");
    has(&d, "X500DN: \"/o=Contoso/cn=bob\"");
    has(&d, "DisplayName: \"Bob\"");
    has(&d, "RecipientColumnCount: 2");
    has(&d, "RecipientRow: X500DN \"Bob\" </o=Contoso/cn=bob>");
    has(&d, "PropertyValue: <0x3A40000B> = True");
    // The Type bit field is a child of RecipientFlags.
    let (fi, _) = d.find("mapihttp.oxcdata.recipientrow.recipientflags").unwrap();
    assert_eq!(d.children(fi).count(), 1);

    let data = recipient_smtp();
    let (d, used) = run(&data, |b, c| recipient_row(b, c, &RECIPIENT_COLUMNS));
    clean(&d, used, data.len());
    has(&d, "RecipientFlags: 0x003B (E, D, T, 0x3)");
    has(&d, "Type: SMTP (0x03)");
    has(&d, "EmailAddress: \"bob@contoso.com\"");
    has(&d, "TransmittableDisplayName: \"Bob\"");
    has(&d, "PropertyValue: <0x5FF6001F> = \"Bob\"");

    let data = recipient_pdl();
    let (d, used) = run(&data, |b, c| recipient_row(b, c, &RECIPIENT_COLUMNS));
    clean(&d, used, data.len());
    has(&d, "Type: PersonalDistributionList1 (0x06)");
    has(&d, "EntryIdSize: 47 bytes");
    has(&d, "Address Book EntryID: private distribution list, \"/o=Contoso/cn=list\"");
    has(&d, "SearchKey: abcd");
    has(&d, "DisplayName: \"List\"");

    let data = recipient_notype();
    let (d, used) = run(&data, |b, c| recipient_row(b, c, &RECIPIENT_COLUMNS));
    clean(&d, used, data.len());
    has(&d, "Type: NoType (0x00)");
    has(&d, "AddressType: \"X400\"");
    has(&d, "RecipientRow: NoType \"\" <X400:c=US;a=;p=Contoso>");

    // More columns than known is an error.
    let data = W::new().u16(0x0003).u16(4).u8(0).0;
    let (d, _) = run(&data, |b, c| recipient_row(b, c, &RECIPIENT_COLUMNS));
    error_with(&d, "RecipientColumnCount 4 exceeds the 3 known");
}

// ----- typed strings, ids, problems -----------------------------------------------------------------

#[test]
fn typed_strings() {
    let cases: [(Vec<u8>, &str); 5] = [
        (vec![0], "SubjectPrefix: (no string)"),
        (vec![1], "SubjectPrefix: \"\""),
        (W::new().u8(2).s8("RE: ").0, "SubjectPrefix: \"RE: \""),
        (W::new().u8(3).s8("FW: ").0, "SubjectPrefix: \"FW: \""),
        (W::new().u8(4).s16("AW: ").0, "SubjectPrefix: \"AW: \""),
    ];
    for (data, want) in cases {
        let (d, used) = run(&data, |b, c| typed_string(b, c, &T_SUBJECT_PREFIX));
        clean(&d, used, data.len());
        has(&d, want);
    }
    let (d, _) = run(&[3, b'a', 0], |b, c| typed_string(b, c, &T_SUBJECT_PREFIX));
    has(&d, "StringType: ReducedUnicodeString (0x03)");
    let (d, _) = run(&[5, 0], |b, c| typed_string(b, c, &T_SUBJECT_PREFIX));
    error_with(&d, "StringType 0x05");
}

fn ltid() -> Vec<u8> {
    W::new().raw(&PS_MAPI).raw(&[0, 0, 0, 0, 0x0E, 0x8E]).u16(0).0
}

#[test]
fn long_term_ids_and_problems() {
    let data = ltid();
    let (d, used) = run(&data, |b, c| long_term_id(b, c, &T_LTID));
    clean(&d, used, data.len());
    has(&d, "LongTermId: {00020328-0000-0000-C000-000000000046}-000000000E8E");
    has(&d, "GlobalCounter: 000000000e8e");

    let data = problems();
    let (d, used) = run(&data, property_problems);
    clean(&d, used, data.len());
    has(&d, "PropertyProblemCount: 2");
    has(&d, "PropertyProblem: #0 <0x0E1D001F>: NotSupported (0x80040102)");
    has(&d, "ErrorCode: NotFound (0x8004010F)");
    // No problems: no PropertyProblems node.
    let (d, _) = run(&[0, 0], property_problems);
    assert!(d.find("mapihttp.oxcdata.propertyproblems").is_none());

    let data = W::new().u16(2).u32(0x3001_001F).u32(0x0E08_0003).0;
    let mut b = Builder::new();
    let src = b.add_source("t", &data);
    let mut c = Cur::new(&data, src);
    let tags = property_tags_u16(&mut b, &mut c, &T_COUNT, &T_TAG).unwrap();
    assert_eq!(tags, vec![0x3001_001F, 0x0E08_0003]);
    has(&b.finish(), "PropertyTags: <0x0E080003>");
}

fn problems() -> Vec<u8> {
    W::new().u16(2).u16(0).u32(0x0E1D_001F).u32(0x8004_0102).u16(1).u32(0x3001_001F).u32(0x8004_010F).0
}

// ----- entry ids ------------------------------------------------------------------------------------

fn message_eid() -> Vec<u8> {
    W::new().u32(0).raw(&PS_MAPI).u16(7).raw(&PSETID_COMMON).raw(&[0, 0, 0, 0, 0, 1]).u16(0).raw(&PSETID_COMMON).raw(&[0, 0, 0, 0, 0, 2]).u16(0).0
}

fn store_eid() -> Vec<u8> {
    W::new()
        .u32(0)
        .raw(&entryid::STORE_UID)
        .u8(0)
        .u8(0)
        .raw(b"EMSMDB.DLL\0\0\0\0")
        .u32(0)
        .raw(&entryid::WRAPPED_PRIVATE_UID)
        .u32(0x0C)
        .s8("SERVER")
        .s8("/o=Contoso/cn=bob")
        .0
}

fn one_off_eid() -> Vec<u8> {
    W::new().u32(0).raw(&entryid::ONE_OFF_UID).u16(0).u16(0x8001).s16("Bob").s16("SMTP").s16("bob@contoso.com").0
}

fn contact_eid() -> Vec<u8> {
    let m = message_eid();
    W::new().u32(0).raw(&entryid::CONTACT_UID).u32(3).u32(4).u32(1).u32(m.len() as u32).raw(&m).0
}

fn ephemeral_eid() -> Vec<u8> {
    W::new().u32(0x87).raw(&PS_MAPI).u32(1).u32(0).u32(0x1234).0
}

/// A PtypMultipleBinary value of one entry id of every kind and a plain binary.
fn entry_ids_mv() -> Vec<u8> {
    let all = [folder_eid(), message_eid(), store_eid(), one_off_eid(), ab_eid(), contact_eid(), ephemeral_eid(), vec![1, 2, 3]];
    let mut w = W::new().u32(all.len() as u32);
    for e in &all {
        w = w.bin(e);
    }
    w.0
}

#[test]
fn entry_ids_in_binary_values() {
    assert_eq!(message_eid().len(), 70);
    assert_eq!(entryid::sniff(&message_eid()), Some(entryid::Kind::Message));
    assert_eq!(entryid::sniff(&store_eid()), Some(entryid::Kind::StoreObject));
    assert_eq!(entryid::sniff(&one_off_eid()), Some(entryid::Kind::OneOff));
    assert_eq!(entryid::sniff(&ab_eid()), Some(entryid::Kind::AddressBook));
    assert_eq!(entryid::sniff(&contact_eid()), Some(entryid::Kind::ContactAddress));
    assert_eq!(entryid::sniff(&ephemeral_eid()), Some(entryid::Kind::Ephemeral));
    assert_eq!(entryid::sniff(&[0u8; 46]), None);
    assert_eq!(entryid::sniff(&[1, 2, 3]), None);
    let data = entry_ids_mv();
    let (d, used) = run(&data, |b, c| property_value(b, c, 0x1102, &PROPERTY_VALUE));
    clean(&d, used, data.len());
    has(&d, "MessageType: PrivateMessage (0x0007)");
    has(&d, "MessageGlobalCounter: 000000000002");
    has(&d, "DLLFileName: \"EMSMDB.DLL\"");
    has(&d, "WrappedType: mailbox store (0x0000000C)");
    has(&d, "Store Object EntryID: mailbox store on \"SERVER\", \"/o=Contoso/cn=bob\"");
    has(&d, "Flags: 0x8001 (M, U)");
    has(&d, "One-Off EntryID: \"Bob\" <SMTP:bob@contoso.com>");
    has(&d, "Type: contact (0x00000004)");
    has(&d, "Index: 1");
    has(&d, "ID Type: EphemeralEntryID (0x87)");
    has(&d, "MId: 0x00001234");
    has(&d, "Value: 010203");
    // The Message EntryID inside the Contact Address EntryID is a sub-tree too.
    assert_eq!(d.find_all("mapihttp.oxcdata.messageentryid").count(), 2);
}

// ----- rule actions ---------------------------------------------------------------------------------

fn block(t: u8, flavor: u32, data: &[u8]) -> Vec<u8> {
    W::new().u16(9 + data.len() as u16).u8(t).u32(flavor).u32(0).raw(data).0
}

/// A RuleAction with an ActionBlock of every action type.
fn all_actions() -> Vec<u8> {
    let server_eid = W::new().u8(1).u64(0x36DF_8E0E_0000_0001).u64(0).u32(0).0;
    let here = W::new().u8(1).bin(&[0]).bin(&server_eid).0;
    let there = W::new().u8(0).bin(&store_eid()).bin(&folder_eid()).0;
    let reply = W::new().u64(0x36DF_8E0E_0000_0001).u64(0x0100_0000_0000_0001).raw(&PS_MAPI).0;
    let rcpt16 = W::new().u8(1).u16(2).u32(0x3001_001F).s16("Bob").u32(0x0C15_0003).u32(1).0;
    let rcpt32 = W::new().u8(1).u32(1).u32(0x3003_001F).s16("eve@contoso.com").0;
    let blocks = [
        block(0x01, 0, &here),
        block(0x02, 0, &there),
        block(0x03, 1, &reply),
        block(0x04, 2, &reply),
        block(0x05, 0, &[1, 2, 3]),
        block(0x06, 0, &W::new().u32(0x0D).0),
        block(0x07, 3, &W::new().u16(1).raw(&rcpt16).0),
        block(0x08, 0, &W::new().u16(1).raw(&rcpt32).0),
        block(0x09, 0, &W::new().u32(0x1090_0003).u32(2).0),
        block(0x0A, 0, &[]),
        block(0x0B, 0, &[]),
    ];
    let mut w = W::new().u16(blocks.len() as u16);
    for b in blocks {
        w = w.raw(&b);
    }
    w.0
}

#[test]
fn rule_action_of_every_type() {
    let data = all_actions();
    let (d, used) = run(&data, |b, c| property_value(b, c, PTYP_RULE_ACTION, &PROPERTY_VALUE));
    clean(&d, used, data.len());
    has(&d, "NoOfActions: 11");
    for t in ["OP_MOVE", "OP_COPY", "OP_REPLY", "OP_OOF_REPLY", "OP_DEFER_ACTION", "OP_BOUNCE", "OP_FORWARD", "OP_DELEGATE", "OP_TAG", "OP_DELETE", "OP_MARK_AS_READ"] {
        assert!(lines(&d).iter().any(|l| l.starts_with("ActionType: ") && l.contains(t)), "no {t}");
    }
    has(&d, "ActionBlock: OP_MOVE to folder 0001-00000E8EDF36");
    has(&d, "FolderInThisStore: True");
    has(&d, "FolderId: 0001-00000E8EDF36");
    has(&d, "FolderType: PrivateFolder (0x0001)");
    has(&d, "WrappedType: mailbox store (0x0000000C)");
    has(&d, "ActionFlavor: 0x00000001 (NS)");
    has(&d, "ActionFlavor: 0x00000002 (ST)");
    has(&d, "ReplyTemplateFID: 0001-00000E8EDF36");
    has(&d, "ReplyTemplateGUID: {00020328-0000-0000-C000-000000000046}");
    has(&d, "DeferredActionData: 010203");
    has(&d, "BounceCode: message too large (0x0000000D)");
    has(&d, "ActionFlavor: 0x00000003 (PR, NC)");
    has(&d, "RecipientCount: 1");
    has(&d, "NoOfProperties: 2");
    has(&d, "RecipientBlockData: \"Bob\"");
    has(&d, "RecipientBlockData: \"eve@contoso.com\"");
    has(&d, "ActionBlock: OP_TAG <0x10900003> = 2");
    assert!(d.diagnostics.iter().any(|x| x.severity == Severity::Note && x.message.contains("NoOfProperties read as 4 bytes")));
    // An ActionLength past the end, and an unknown action type.
    let data = W::new().u16(1).u16(50).raw(&[1; 12]).0;
    let (d, _) = run(&data, |b, c| property_value(b, c, PTYP_RULE_ACTION, &PROPERTY_VALUE));
    error_with(&d, "ActionLength 50");
    let data = W::new().u16(1).raw(&block(0x0C, 0, &[7])).0;
    let (d, used) = run(&data, |b, c| property_value(b, c, PTYP_RULE_ACTION, &PROPERTY_VALUE));
    assert_eq!(used, data.len());
    assert!(d.diagnostics.iter().any(|x| x.severity == Severity::Warning && x.message.contains("0x0C")));
    // Data longer than the action needs is a warning (unread bytes), and decoding goes on.
    let data = W::new().u16(2).raw(&block(0x0A, 0, &[1, 2])).raw(&block(0x0B, 0, &[])).0;
    let (d, used) = run(&data, |b, c| property_value(b, c, PTYP_RULE_ACTION, &PROPERTY_VALUE));
    assert_eq!(used, data.len());
    assert!(d.diagnostics.iter().any(|x| x.message.contains("unread")));
    has(&d, "ActionBlock: OP_MARK_AS_READ");
}

// ----- robustness -----------------------------------------------------------------------------------

#[test]
fn truncation_sweeps() {
    for (name, data, f) in vectors() {
        let (d, used) = run(&data, f);
        assert_eq!(used, data.len(), "{name}: full vector not consumed\n{}", lines(&d).join("\n"));
        assert!(d.worst() < Some(Severity::Warning), "{name}: {:?}", d.diagnostics);
        sweep(name, &data, f);
    }
}

#[test]
fn hostile_counts() {
    let mut tail = vec![0u8; 16];
    // A PtypMultipleInteger32 with 0xFFFFFFFF values in a 20-byte buffer.
    let data = W::new().u32(0xFFFF_FFFF).raw(&tail).0;
    assert_eq!(data.len(), 20);
    let (d, _) = run(&data, |b, c| property_value(b, c, 0x1003, &PROPERTY_VALUE));
    error_with(&d, "Count 4294967295 needs");
    assert!(d.nodes.len() < 8);
    for ty in [0x1002u16, 0x1006, 0x101E, 0x101F, 0x1040, 0x1048, 0x1102] {
        let mut b = Builder::new();
        let src = b.add_source("t", &data);
        let mut c = Cur::new(&data, src);
        assert!(property_value(&mut b, &mut c, ty, &PROPERTY_VALUE).is_err());
        let d = b.finish();
        error_with(&d, "Count 4294967295 needs");
        assert!(d.nodes.len() < 8);
    }
    let cases: [(Vec<u8>, Dec, &str); 10] = [
        (W::new().u16(0xFFFF).raw(&[1, 2, 3]).0, |b, c| property_value(b, c, PTYP_BINARY, &PROPERTY_VALUE), "Count 65535 exceeds"),
        (W::new().u16(0xFFFF).raw(&[1, 2, 3]).0, |b, c| property_value(b, c, PTYP_SERVER_ID, &PROPERTY_VALUE), "Count 65535 exceeds"),
        (W::new().u8(0).u16(0xFFFF).u8(8).0, restriction, "RestrictCount 65535 needs"),
        (W::new().u8(0x0A).u8(0xFF).u32(0).0, restriction, "TaggedValuesCount 255 needs"),
        (W::new().u16(0xFFFF).u32(0).0, |b, c| property_tags_u16(b, c, &T_COUNT, &T_TAG).map(|_| ()), "PropertyValueCount 65535 needs"),
        (W::new().u16(0xFFFF).u32(0).0, |b, c| tagged_values_u16(b, c, &T_COUNT), "PropertyValueCount 65535 needs"),
        (W::new().u16(0xFFFF).u16(0).u16(0).u32(0).0, sort_order_set, "SortOrderCount 65535 needs"),
        (W::new().u16(0xFFFF).u32(0).0, property_problems, "PropertyProblemCount 65535 needs"),
        (W::new().u16(0xFFFF).raw(&[0; 12]).0, |b, c| property_value(b, c, PTYP_RULE_ACTION, &PROPERTY_VALUE), "NoOfActions 65535 needs"),
        (W::new().u16(1).raw(&block(0x07, 0, &W::new().u16(0xFFFF).u8(0).0)).0, |b, c| property_value(b, c, PTYP_RULE_ACTION, &PROPERTY_VALUE), "RecipientCount 65535 needs"),
    ];
    for (data, f, msg) in cases {
        let (d, _) = run(&data, f);
        error_with(&d, msg);
        assert!(d.nodes.len() < 20, "{msg}: {} nodes", d.nodes.len());
    }
    // A recipient block claiming 0x7FFF properties.
    tail.clear();
    let data = W::new().u16(1).raw(&block(0x07, 0, &W::new().u16(1).u8(0).u16(0x7FFF).u32(0x3001_001F).0)).0;
    let (d, _) = run(&data, |b, c| property_value(b, c, PTYP_RULE_ACTION, &PROPERTY_VALUE));
    error_with(&d, "NoOfProperties 32767 needs");
}

#[test]
fn hostile_nesting_is_capped() {
    // 10 000 nested NotRestrictions.
    let mut data = vec![0x02u8; 10_000];
    data.extend_from_slice(&exist(0x0E1D_001F).0);
    let (d, _) = run(&data, restriction);
    error_with(&d, "nesting deeper than");
    assert!(d.nodes.len() < 200);
    // 10 000 nested single-element AndRestrictions.
    let mut data = Vec::new();
    for _ in 0..10_000 {
        data.extend_from_slice(&[0x00, 0x01, 0x00]);
    }
    data.extend_from_slice(&exist(0x0E1D_001F).0);
    let (d, _) = run(&data, restriction);
    error_with(&d, "nesting deeper than");
    // Restrictions nested through PtypRestriction comparands.
    let mut data = Vec::new();
    for _ in 0..5_000 {
        data.extend_from_slice(&W::new().u8(4).u8(4).u32(0x0001_00FD).u32(0x0001_00FD).0);
    }
    data.extend_from_slice(&exist(0x0E1D_001F).0);
    let (d, _) = run(&data, restriction);
    error_with(&d, "nesting deeper than");
    // Rule actions tagging restrictions tagging rule actions…
    let mut inner = exist(0x0E1D_001F).0;
    for _ in 0..200 {
        let tag = W::new().u32(0x0001_00FE).raw(&W::new().u16(1).raw(&block(0x09, 0, &W::new().u32(0x0002_00FD).raw(&inner).0)).0).0;
        inner = W::new().u8(4).u8(4).u32(0x0001_00FE).raw(&tag).0;
        if inner.len() > 60_000 {
            break;
        }
    }
    let (d, _) = run(&inner, restriction);
    error_with(&d, "nesting deeper than");
}


// ----- display-time summaries -------------------------------------------------------------------

/// A caller's field without a summarizer (its summaries are formatted while decoding).
#[allow(dead_code)]
mod caller {
    crate::fields! {
        T_TAGGED: Text = "mapihttp.test.oxcdata.tagged", "TaggedPropertyValue", "test tagged value field without a summarizer";
    }
}
use caller::T_TAGGED;

/// The summary of every single-valued type inside a parent (`tag = summary`), as the decoder used to
/// format it while decoding.
fn single_summaries() -> [&'static str; 18] {
    [
        "-2",
        "42",
        "1.5",
        "2.25",
        "-12345.6789",
        "2008-01-15 12:00:00 (39462.5 days)",
        "NotFound (0x8004010F)",
        "True",
        "4294967296",
        "\"abc\"",
        "\"Hi\"",
        "1970-01-01 00:00:00.0000000 UTC",
        "{00020328-0000-0000-C000-000000000046}",
        "folder 0001-00000E8EDF36, message 0000-000000000000, instance 0",
        "ExistRestriction(<0x0E1D001F>)",
        "1 actions: OP_MARK_AS_READ",
        "010203 (3 bytes)",
        "\"one\"",
    ]
}

#[test]
fn summaries_are_built_at_display_time() {
    for ((ty, bytes), want) in single_values().into_iter().zip(single_summaries()) {
        let tag = 0x6000_0000 | u32::from(ty);
        let data = W::new().u32(tag).raw(&bytes).0;
        // A summarized field keeps the tag as its value; a caller's field without a summarizer gets
        // the same text while decoding; tagged_summary returns it too.
        for (f, lazy) in [(&TAGGED_PROPERTY_VALUE, true), (&T_TAGGED, false)] {
            let mut b = Builder::new();
            let src = b.add_source("t", &data);
            let mut c = Cur::new(&data, src);
            let (got_tag, text) = values::tagged_summary(&mut b, &mut c, f).unwrap();
            assert_eq!(got_tag, tag);
            let d = b.finish();
            let line = format!("TaggedPropertyValue: <0x{tag:08X}> = {want}");
            has(&d, &line);
            assert_eq!(format!("TaggedPropertyValue: {text}"), tags(&line), "type 0x{ty:04X}");
            let n = &d.nodes[0];
            assert_eq!(matches!(n.value, crate::tree::Value::UInt(t) if t == u64::from(tag)), lazy, "type 0x{ty:04X}: {:?}", n.value);
        }
        // The same value as a row column.
        let cols = [tag];
        let data = W::new().u8(0).raw(&bytes).0;
        let mut b = Builder::new();
        let src = b.add_source("t", &data);
        let mut c = Cur::new(&data, src);
        property_row(&mut b, &mut c, &cols).unwrap();
        let d = b.finish();
        has(&d, "PropertyRow: 1 columns");
        has(&d, &format!("PropertyValue: <0x{tag:08X}> = {want}"));
        // property_value_summary formats the same text while decoding.
        let mut b = Builder::new();
        let src = b.add_source("t", &bytes);
        let mut c = Cur::new(&bytes, src);
        let s = property_value_summary(&mut b, &mut c, ty, &PROPERTY_VALUE).unwrap();
        assert_eq!(s, tags(want), "type 0x{ty:04X}");
    }
}

#[test]
fn rows_format_nothing_while_decoding() {
    // String, time, message entry id, multiple integers, boolean, 64-bit id: no node carries text.
    const COLS: [u32; 6] = [0x0037_001F, 0x0E06_0040, 0x0FFF_0102, 0x6000_1003, 0x0E1B_000B, 0x674A_0014];
    let eid = message_eid();
    let data = W::new().u8(0).s16("Hello").u64(EPOCH).bin(&eid).u32(2).u32(7).u32(8).u8(1).raw(&fid_bytes()).0;
    let (d, used) = run(&data, |b, c| property_row(b, c, &COLS));
    clean(&d, used, data.len());
    let text: Vec<_> = d.nodes.iter().filter(|n| matches!(n.value, crate::tree::Value::Text(_))).map(|n| n.field.key).collect();
    assert!(text.is_empty(), "formatted while decoding: {text:?}");
    has(&d, "PropertyValue: <0x0037001F> = \"Hello\"");
    has(&d, "PropertyValue: <0x0E060040> = 1970-01-01 00:00:00.0000000 UTC");
    has(&d, "PropertyValue: <0x60001003> = 2 values: 7, 8");
    has(&d, "PropertyValue: <0x0E1B000B> = True");
    let l = lines(&d);
    assert!(l.iter().any(|x| x.starts_with(&tags("PropertyValue: <0x0FFF0102> = Message EntryID: "))), "{}", l.join("\n"));
    assert!(l.iter().any(|x| x.starts_with("Message EntryID: ")), "{}", l.join("\n"));
}

#[test]
fn id_properties_show_folder_and_message_ids() {
    let id = u64::from_le_bytes([0x01, 0x00, 0x00, 0x00, 0x0E, 0x8E, 0xDF, 0x34]);
    let raw = format!("PropertyValue: {}", id as i64);
    // PidTagMid, PidTagChangeNumber, PidTagFolderId, PidTagParentFolderId, PidTagInstID; then a
    // PtypInteger64 that is not an id, and a PtypUnspecified PidTagFolderId column.
    const COLS: [u32; 7] = [0x674A_0014, 0x67A4_0014, 0x6748_0014, 0x6749_0014, 0x674D_0014, 0x0E08_0014, 0x6748_0000];
    let mut w = W::new().u8(0);
    for _ in 0..5 {
        w = w.u64(id);
    }
    let data = w.u64(123).u16(PTYP_INTEGER64).u64(id).0;
    let (d, used) = run(&data, |b, c| property_row(b, c, &COLS));
    clean(&d, used, data.len());
    for tag in COLS.iter().take(5) {
        has(&d, &format!("PropertyValue: <0x{tag:08X}> = 0001-00000E8EDF34"));
    }
    has(&d, "PropertyValue: <0x0E080014> = 123");
    has(&d, "TypedPropertyValue: <0x67480000> = PtypInteger64 0001-00000E8EDF34");
    // The value leaves keep the number; the column node keeps the tag.
    assert_eq!(lines(&d).iter().filter(|l| **l == raw).count(), 6);
    let (_, col) = d.find("mapihttp.oxcdata.row.propertyvalue").unwrap();
    assert_eq!(col.value, crate::tree::Value::UInt(0x674A_0014));
    // A flagged row and a tagged value show the id too.
    let data = W::new().u8(1).u8(0).u64(id).u8(1).u8(0).u64(123).u16(PTYP_INTEGER64).u8(0).u64(id).0;
    const FCOLS: [u32; 4] = [0x674A_0014, 0x6749_0014, 0x0E08_0014, 0x6748_0000];
    let (d, used) = run(&data, |b, c| property_row(b, c, &FCOLS));
    clean(&d, used, data.len());
    has(&d, "FlaggedPropertyValue: <0x674A0014> = 0001-00000E8EDF34");
    has(&d, "FlaggedPropertyValue: <0x67490014> = (no value)");
    has(&d, "FlaggedPropertyValue: <0x0E080014> = 123");
    has(&d, "FlaggedPropertyValueWithType: <0x67480000> = PtypInteger64 0001-00000E8EDF34");
    let data = W::new().u32(0x67A4_0014).u64(id).0;
    let (d, _) = run(&data, |b, c| tagged_property_value(b, c).map(drop));
    has(&d, "TaggedPropertyValue: <0x67A40014> = 0001-00000E8EDF34");
    has(&d, &raw);
}

#[test]
fn named_labels_are_the_dissections() {
    // A named-property id learned before the row is shown with its label (from Dissection::named).
    let data = W::new().u8(0).u8(1).0;
    let mut b = Builder::new();
    b.learn_named(0x8503, "PidLidReminderSet".into());
    let src = b.add_source("t", &data);
    let mut c = Cur::new(&data, src);
    property_row(&mut b, &mut c, &[0x8503_000B]).unwrap();
    let d = b.finish();
    let want = "PropertyValue: PidLidReminderSet (0x8503000B, PtypBoolean, named property id 0x8503) = True";
    assert!(lines(&d).iter().any(|l| l == want), "{}", lines(&d).join("\n"));
    assert_eq!(crate::props::tag_text_d(&d, 0x8503_000B), "PidLidReminderSet (0x8503000B, PtypBoolean, named property id 0x8503)");
    assert_eq!(crate::props::tag_text_d(&d, 0x8504_000B), tag_text(0x8504_000B));
}

#[test]
fn incomplete_structures_keep_their_labels() {
    // A column whose value is cut shows only the tag; an entry id cut inside its window shows its
    // name; a cut tagged value shows the tag it peeked.
    let data = W::new().u8(0).raw(&[b'H', 0, b'i']).0;
    let (d, _) = run(&data, |b, c| property_row(b, c, &[0x0037_001F]));
    has(&d, "PropertyValue: <0x0037001F>");
    has(&d, "PropertyRow: 1 columns");
    let data = W::new().u32(0x0037_001F).u16(0x41).0;
    let (d, _) = run(&data, |b, c| tagged_property_value(b, c).map(drop));
    has(&d, "TaggedPropertyValue: <0x0037001F>");
    // A Store Object EntryID whose ServerShortname has no NUL inside the binary's 63 bytes.
    let mut dll = b"emsmdb.dll".to_vec();
    dll.resize(14, 0);
    let eid = W::new()
        .u32(0)
        .raw(&entryid::STORE_UID)
        .u8(0)
        .u8(0)
        .raw(&dll)
        .u32(0)
        .raw(&entryid::WRAPPED_PRIVATE_UID)
        .u32(0x0C)
        .raw(b"SRV")
        .0;
    let data = W::new().bin(&eid).0;
    let (d, _) = run(&data, |b, c| property_value(b, c, PTYP_BINARY, &PROPERTY_VALUE));
    error_with(&d, "no NUL terminator");
    let l = lines(&d);
    assert_eq!(l.first().map(String::as_str), Some("PropertyValue"), "{}", l.join("\n"));
    assert!(l.iter().any(|x| x == "Store Object EntryID: Store Object EntryID"), "{}", l.join("\n"));
}
