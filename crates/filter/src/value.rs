//! Values as the filter sees them: one occurrence of a field, typed by its class; literals converted
//! to a field's class; value names resolved through the field's display tables; the text of an
//! occurrence for exports.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use mapiscope_codec::display;
use mapiscope_codec::{Disp, Dissection, Field, Node, Ty, Value};

use crate::fields::ExValue;

/// What kind of value a field holds, for typing literals and choosing comparisons.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    /// Integers (all widths, signed or not, FILETIMEs, enums, flags).
    Int,
    /// Floating point.
    Float,
    /// Boolean.
    Bool,
    /// Text (8-bit and UTF-16 strings, decoder text).
    Str,
    /// Raw bytes.
    Bytes,
    /// A GUID: compared as its 16 wire bytes.
    Guid,
    /// A structure: no value; comparisons use the bytes of its span (like a Wireshark protocol).
    Struct,
}

impl Class {
    /// The class of a field type.
    pub fn of(ty: Ty) -> Class {
        match ty {
            Ty::U8 | Ty::U16 | Ty::U32 | Ty::U64 | Ty::I16 | Ty::I32 | Ty::I64 | Ty::FileTime => Class::Int,
            Ty::F32 | Ty::F64 => Class::Float,
            Ty::Bool => Class::Bool,
            Ty::Str8 | Ty::Utf16 | Ty::Text => Class::Str,
            Ty::Bytes => Class::Bytes,
            Ty::Guid => Class::Guid,
            Ty::None => Class::Struct,
        }
    }

    /// Whether `contains` and `matches` apply.
    pub fn is_textual(self) -> bool {
        matches!(self, Class::Str | Class::Bytes | Class::Struct | Class::Guid)
    }
}

/// One value: an occurrence or a literal.
#[derive(Clone, Debug, PartialEq)]
pub enum Val<'a> {
    /// An integer (wide enough for every u64 and i64).
    Int(i128),
    /// A number with a fraction.
    Float(f64),
    /// A boolean.
    Bool(bool),
    /// Text.
    Str(Cow<'a, str>),
    /// Bytes (also GUIDs and structure spans).
    Bytes(Cow<'a, [u8]>),
}

impl Val<'_> {
    /// Detaches the value from the data it borrows.
    pub fn into_owned(self) -> Val<'static> {
        match self {
            Val::Int(v) => Val::Int(v),
            Val::Float(v) => Val::Float(v),
            Val::Bool(v) => Val::Bool(v),
            Val::Str(s) => Val::Str(Cow::Owned(s.into_owned())),
            Val::Bytes(b) => Val::Bytes(Cow::Owned(b.into_owned())),
        }
    }

    /// Orders two values of compatible kinds (integers and floats compare as numbers); `None` when
    /// they cannot be compared.
    pub fn compare(&self, other: &Val<'_>) -> Option<Ordering> {
        match (self, other) {
            (Val::Int(a), Val::Int(b)) => Some(a.cmp(b)),
            (Val::Int(a), Val::Float(b)) => (*a as f64).partial_cmp(b),
            (Val::Float(a), Val::Int(b)) => a.partial_cmp(&(*b as f64)),
            (Val::Float(a), Val::Float(b)) => a.partial_cmp(b),
            (Val::Bool(a), Val::Bool(b)) => Some(a.cmp(b)),
            (Val::Str(a), Val::Str(b)) => Some(a.as_ref().cmp(b.as_ref())),
            (Val::Bytes(a), Val::Bytes(b)) => Some(a.as_ref().cmp(b.as_ref())),
            (Val::Bytes(a), Val::Str(b)) => Some(a.as_ref().cmp(b.as_bytes())),
            (Val::Str(a), Val::Bytes(b)) => Some(a.as_bytes().cmp(b.as_ref())),
            _ => None,
        }
    }

    /// The text `contains` and `matches` look at.
    pub fn text(&self) -> Cow<'_, str> {
        match self {
            Val::Str(s) => Cow::Borrowed(s.as_ref()),
            Val::Bytes(b) => String::from_utf8_lossy(b),
            Val::Int(v) => Cow::Owned(v.to_string()),
            Val::Float(v) => Cow::Owned(v.to_string()),
            Val::Bool(v) => Cow::Borrowed(if *v { "True" } else { "False" }),
        }
    }

    /// The bytes `contains` looks at for byte fields.
    pub fn bytes(&self) -> Option<&[u8]> {
        match self {
            Val::Bytes(b) => Some(b),
            Val::Str(s) => Some(s.as_bytes()),
            _ => None,
        }
    }

    /// The length `len()` reports: bytes of a string or byte value.
    pub fn byte_len(&self) -> Option<usize> {
        match self {
            Val::Bytes(b) => Some(b.len()),
            Val::Str(s) => Some(s.len()),
            _ => None,
        }
    }
}

impl<'a> From<ExValue<'a>> for Val<'a> {
    fn from(v: ExValue<'a>) -> Self {
        match v {
            ExValue::Int(i) => Val::Int(i),
            ExValue::Float(f) => Val::Float(f),
            ExValue::Bool(b) => Val::Bool(b),
            ExValue::Str(s) => Val::Str(s),
        }
    }
}

/// A literal of a filter: its value in the class of the field, and the same text read as other
/// kinds of value. Some fields hold values of several kinds (a PropertyValue is an integer, a string
/// or bytes depending on its property type): an occurrence is compared with the reading of its own
/// kind.
#[derive(Clone, Debug, PartialEq)]
pub struct Lit {
    /// The value in the field's class.
    pub main: Val<'static>,
    /// Other readings of the same text (integer, number, boolean, string, bytes), kinds not `main`'s.
    pub alts: Vec<Val<'static>>,
}

fn kind(v: &Val<'_>) -> u8 {
    match v {
        Val::Int(_) | Val::Float(_) => 0,
        Val::Bool(_) => 1,
        Val::Str(_) | Val::Bytes(_) => 2,
    }
}

impl Lit {
    /// A literal with other readings of `text`.
    pub fn new(main: Val<'static>, text: &str, quoted: bool) -> Lit {
        let mut alts = Vec::new();
        let k = kind(&main);
        if k != 0 {
            if let Some(i) = parse_int(text) {
                alts.push(Val::Int(i));
            } else if let Some(f) = text.parse::<f64>().ok().filter(|f| f.is_finite()) {
                alts.push(Val::Float(f));
            }
        }
        if k != 1 {
            match text.to_ascii_lowercase().as_str() {
                "true" => alts.push(Val::Bool(true)),
                "false" => alts.push(Val::Bool(false)),
                _ => {}
            }
        }
        if k != 2 {
            let bytes = if quoted { None } else { parse_guid(text).or_else(|| parse_bytes(text)) };
            alts.push(match bytes {
                Some(b) => Val::Bytes(Cow::Owned(b)),
                None => Val::Str(Cow::Owned(text.to_string())),
            });
        }
        Lit { main, alts }
    }

    /// The reading to compare `v` with: the main value when its kind fits, else an alternate that
    /// does.
    pub fn for_val(&self, v: &Val<'_>) -> &Val<'static> {
        let k = kind(v);
        if kind(&self.main) == k {
            return &self.main;
        }
        self.alts.iter().find(|a| kind(a) == k).unwrap_or(&self.main)
    }
}

/// The value of a node (`None` for a structure of a non-structure class, or a node whose value was
/// not read).
pub fn node_val<'a>(d: &'a Dissection<'_>, n: &'a Node) -> Option<Val<'a>> {
    Some(match &n.value {
        Value::None => {
            if n.field.ty == Ty::None {
                Val::Bytes(Cow::Borrowed(d.bytes_of(n)))
            } else {
                return None;
            }
        }
        Value::UInt(v) => Val::Int(i128::from(*v)),
        Value::Int(v) => Val::Int(i128::from(*v)),
        Value::Bool(b) => Val::Bool(*b),
        Value::Float(f) => Val::Float(*f),
        Value::Bytes | Value::Guid => Val::Bytes(Cow::Borrowed(d.bytes_of(n))),
        Value::Str8 => Val::Str(Cow::Owned(display::str8_string(d.bytes_of(n)))),
        Value::Utf16 => Val::Str(Cow::Owned(display::utf16_string(d.bytes_of(n)))),
        Value::Text(t) => Val::Str(Cow::Borrowed(t)),
    })
}

/// The text of a node for `-T fields` (like tshark: integers in the field's base without names,
/// strings unquoted, bytes as hex, structures empty).
pub fn node_text(d: &Dissection<'_>, n: &Node) -> String {
    let f = n.field;
    match &n.value {
        Value::None => String::new(),
        Value::UInt(v) => uint_text(f, *v),
        Value::Int(v) => match f.disp {
            Disp::Hex | Disp::HexNamed(_) | Disp::Names(_) | Disp::Lookup(_) | Disp::Flags(_) => uint_text(f, *v as u64 & mask(f.ty)),
            _ => v.to_string(),
        },
        Value::Bool(b) => String::from(if *b { "True" } else { "False" }),
        Value::Float(x) => x.to_string(),
        Value::Bytes => display::hex_string(d.bytes_of(n)),
        Value::Str8 => display::str8_string(d.bytes_of(n)),
        Value::Utf16 => display::utf16_string(d.bytes_of(n)),
        Value::Guid => display::guid_string(d.bytes_of(n)),
        Value::Text(t) => t.to_string(),
    }
}

fn mask(ty: Ty) -> u64 {
    match ty {
        Ty::I16 => 0xFFFF,
        Ty::I32 => 0xFFFF_FFFF,
        _ => u64::MAX,
    }
}

fn uint_text(f: &Field, v: u64) -> String {
    if f.ty == Ty::FileTime {
        return display::filetime_string(v);
    }
    let w = match f.ty {
        Ty::U8 => 2,
        Ty::U16 | Ty::I16 => 4,
        Ty::U64 | Ty::I64 => 16,
        _ => 8,
    };
    match f.disp {
        Disp::Hex | Disp::HexNamed(_) | Disp::Names(_) | Disp::Lookup(_) | Disp::Flags(_) => format!("0x{v:0w$X}"),
        Disp::Fid => display::fid_string(v),
        Disp::Dec | Disp::NamesDec(_) | Disp::Unit(_) => v.to_string(),
    }
}

/// A filter that selects a node's field with its value, for the web viewer's "Apply as filter" and
/// "Copy as filter": `key == value` written so that it compiles back to the same value (integers in
/// hex or decimal as the field shows them, strings quoted and escaped, bytes as `aa:bb`, GUIDs
/// quoted); presence only for structures, empty strings and byte values over 64 bytes.
pub fn filter_for_node(d: &Dissection<'_>, n: &Node) -> String {
    let f = n.field;
    let key = f.key;
    match &n.value {
        Value::None => key.to_string(),
        Value::UInt(v) => match f.disp {
            Disp::Dec | Disp::NamesDec(_) | Disp::Unit(_) => format!("{key} == {v}"),
            _ => format!("{key} == 0x{v:X}"),
        },
        Value::Int(v) => format!("{key} == {v}"),
        Value::Bool(b) => format!("{key} == {b}"),
        Value::Float(x) if x.is_finite() => format!("{key} == {x:?}"),
        Value::Float(_) => key.to_string(),
        Value::Bytes => {
            let b = d.bytes_of(n);
            if b.is_empty() || b.len() > 64 {
                key.to_string()
            } else {
                let hex: Vec<String> = b.iter().map(|x| format!("{x:02x}")).collect();
                format!("{key} == {}", hex.join(":"))
            }
        }
        Value::Guid => format!("{key} == \"{}\"", display::guid_string(d.bytes_of(n))),
        Value::Str8 | Value::Utf16 | Value::Text(_) => {
            let text = match &n.value {
                Value::Str8 => display::str8_string(d.bytes_of(n)),
                Value::Utf16 => display::utf16_string(d.bytes_of(n)),
                Value::Text(t) => t.to_string(),
                _ => String::new(),
            };
            if text.is_empty() {
                return key.to_string();
            }
            let mut q = String::with_capacity(text.len() + 2);
            for c in text.chars() {
                match c {
                    '"' => q.push_str("\\\""),
                    '\\' => q.push_str("\\\\"),
                    c if (c as u32) < 0x20 || c == '\u{7f}' => q.push_str(&format!("\\x{:02x}", c as u32)),
                    c => q.push(c),
                }
            }
            format!("{key} == \"{q}\"")
        }
    }
}

/// The text of an exchange-level value for exports.
pub fn ex_text(v: &ExValue<'_>) -> String {
    match v {
        ExValue::Int(i) => i.to_string(),
        ExValue::Float(f) => f.to_string(),
        ExValue::Bool(b) => String::from(if *b { "True" } else { "False" }),
        ExValue::Str(s) => s.to_string(),
    }
}

/// `Context Not Found` → `contextnotfound`: names compare ignoring case, spaces and punctuation.
pub fn normalize(s: &str) -> String {
    s.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// (value, name) pairs of a display table.
type Names = Vec<(u64, &'static str)>;

/// The value names of a field's display: (value, name) pairs. Lookup functions are probed over
/// 0..=0xFFFF and the error code table (every lookup the codec registers is covered by these).
pub fn names_of(disp: &Disp) -> Vec<(u64, &'static str)> {
    match disp {
        Disp::Names(t) | Disp::NamesDec(t) | Disp::HexNamed(t) | Disp::Flags(t) => t.to_vec(),
        Disp::Lookup(f) => {
            // Probing 65,536 values is worth caching: once per lookup function.
            static CACHE: OnceLock<Mutex<HashMap<usize, Names>>> = OnceLock::new();
            let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
            let key = *f as usize;
            if let Some(v) = cache.lock().ok().and_then(|m| m.get(&key).cloned()) {
                return v;
            }
            let mut v: Vec<(u64, &'static str)> = (0..=0xFFFFu64).filter_map(|x| f(x).map(|n| (x, n))).collect();
            for &(x, _) in mapiscope_codec::errors::ERROR_CODES {
                if x > 0xFFFF {
                    if let Some(n) = f(x) {
                        v.push((x, n));
                    }
                }
            }
            if let Ok(mut m) = cache.lock() {
                m.insert(key, v.clone());
            }
            v
        }
        _ => Vec::new(),
    }
}

/// Resolves a value name of a field. `Err` carries the closest name to propose.
pub fn resolve_name(disp: &Disp, name: &str) -> Result<u64, Option<&'static str>> {
    let want = normalize(name);
    let names = names_of(disp);
    if names.is_empty() {
        return Err(None);
    }
    if let Some(&(v, _)) = names.iter().find(|(_, n)| normalize(n) == want) {
        return Ok(v);
    }
    let limit = (want.chars().count() / 3).max(1);
    let best = names
        .iter()
        .map(|&(_, n)| (crate::fields::edit_distance(&want, &normalize(n)), n))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, n)| n);
    Err(best)
}

/// Parses an integer literal: optional sign, then decimal, `0x` hex, `0b` binary, `0o` or leading-0
/// octal.
pub fn parse_int(s: &str) -> Option<i128> {
    let (neg, body) = match s.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    if body.is_empty() || body.len() > 130 {
        return None;
    }
    let lower = body.to_ascii_lowercase();
    let (digits, radix) = if let Some(h) = lower.strip_prefix("0x") {
        (h, 16)
    } else if let Some(b) = lower.strip_prefix("0b") {
        (b, 2)
    } else if let Some(o) = lower.strip_prefix("0o") {
        (o, 8)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (lower.get(1..).unwrap_or(""), 8)
    } else {
        (lower.as_str(), 10)
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let v = i128::from_str_radix(digits, radix).ok()?;
    Some(if neg { -v } else { v })
}

/// Parses a byte string: `aa:bb:cc`, `aa-bb-cc`, `aa.bb.cc` (one or two hex digits per byte) or an
/// even run of hex digits `aabbcc`.
pub fn parse_bytes(s: &str) -> Option<Vec<u8>> {
    if s.contains([':', '-', '.']) {
        s.split([':', '-', '.'])
            .map(|p| if (1..=2).contains(&p.len()) { u8::from_str_radix(p, 16).ok() } else { None })
            .collect()
    } else {
        let digits = s.strip_prefix("0x").unwrap_or(s);
        if digits.is_empty() || !digits.len().is_multiple_of(2) {
            return None;
        }
        (0..digits.len() / 2).map(|i| digits.get(2 * i..2 * i + 2).and_then(|p| u8::from_str_radix(p, 16).ok())).collect()
    }
}

/// Parses a GUID `{C840A7DC-42C0-1A10-B4B9-08002B2FE182}` (braces optional) into its 16 wire bytes
/// (Data1..Data3 little-endian, [MS-DTYP] 2.3.4.2).
pub fn parse_guid(s: &str) -> Option<Vec<u8>> {
    let t = s.trim().trim_start_matches('{').trim_end_matches('}');
    let parts: Vec<&str> = t.split('-').collect();
    let lens = [8usize, 4, 4, 4, 12];
    if parts.len() != 5 || parts.iter().zip(lens).any(|(p, l)| p.len() != l || !p.chars().all(|c| c.is_ascii_hexdigit())) {
        return None;
    }
    let hex: String = parts.concat();
    let b: Vec<u8> = (0..16).map(|i| hex.get(2 * i..2 * i + 2).and_then(|p| u8::from_str_radix(p, 16).ok())).collect::<Option<_>>()?;
    let g = |i: usize| b.get(i).copied().unwrap_or(0);
    let mut out = vec![g(3), g(2), g(1), g(0), g(5), g(4), g(7), g(6)];
    out.extend(b.get(8..16).unwrap_or(&[]));
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers() {
        assert_eq!(parse_int("21"), Some(21));
        assert_eq!(parse_int("0x15"), Some(21));
        assert_eq!(parse_int("0X15"), Some(21));
        assert_eq!(parse_int("025"), Some(21));
        assert_eq!(parse_int("0o25"), Some(21));
        assert_eq!(parse_int("0b10101"), Some(21));
        assert_eq!(parse_int("-21"), Some(-21));
        assert_eq!(parse_int("0"), Some(0));
        assert_eq!(parse_int("18446744073709551615"), Some(u64::MAX.into()));
        assert_eq!(parse_int("09"), None);
        assert_eq!(parse_int("0x"), None);
        assert_eq!(parse_int("abc"), None);
        assert_eq!(parse_int("-"), None);
        assert_eq!(parse_int(&"9".repeat(200)), None);
    }

    #[test]
    fn bytes_and_guids() {
        assert_eq!(parse_bytes("aa:bb:0c"), Some(vec![0xAA, 0xBB, 0x0C]));
        assert_eq!(parse_bytes("a-b"), Some(vec![0x0A, 0x0B]));
        assert_eq!(parse_bytes("aabb"), Some(vec![0xAA, 0xBB]));
        assert_eq!(parse_bytes("aab"), None);
        assert_eq!(parse_bytes("aa::bb"), None);
        assert_eq!(
            parse_guid("{C840A7DC-42C0-1A10-B4B9-08002B2FE182}"),
            Some(vec![0xDC, 0xA7, 0x40, 0xC8, 0xC0, 0x42, 0x10, 0x1A, 0xB4, 0xB9, 0x08, 0x00, 0x2B, 0x2F, 0xE1, 0x82])
        );
        assert_eq!(parse_guid("C840A7DC-42C0-1A10-B4B9-08002B2FE18"), None);
    }

    #[test]
    fn names_resolve_through_every_table_kind() {
        use mapiscope_codec::registry::by_key;
        let rop = by_key("mapihttp.rop.id").unwrap();
        assert_eq!(resolve_name(&rop.disp, "RopQueryRows"), Ok(0x15));
        assert_eq!(resolve_name(&rop.disp, "ropqueryrows"), Ok(0x15));
        assert_eq!(resolve_name(&rop.disp, "RopQueryRow"), Err(Some("RopQueryRows")));
        let rc = by_key("mapihttp.response_code").unwrap();
        assert_eq!(resolve_name(&rc.disp, "ContextNotFound"), Ok(10));
        assert_eq!(resolve_name(&rc.disp, "Context Not Found"), Ok(10));
        let rv = by_key("mapihttp.rop.returnvalue").unwrap();
        assert_eq!(resolve_name(&rv.disp, "LogonFailed"), Ok(0x8004_0111));
        assert_eq!(resolve_name(&rv.disp, "Success"), Ok(0));
        let flags = by_key("mapihttp.rpc.header.flags").unwrap();
        assert_eq!(resolve_name(&flags.disp, "Compressed"), Ok(1));
        assert_eq!(resolve_name(&Disp::Dec, "x"), Err(None));
    }

    #[test]
    fn comparisons_across_kinds() {
        assert_eq!(Val::Int(3).compare(&Val::Float(2.5)), Some(Ordering::Greater));
        assert_eq!(Val::Str("a".into()).compare(&Val::Str("b".into())), Some(Ordering::Less));
        assert_eq!(Val::Bytes(Cow::Borrowed(b"ab")).compare(&Val::Str("ab".into())), Some(Ordering::Equal));
        assert_eq!(Val::Int(1).compare(&Val::Str("1".into())), None);
        assert_eq!(Val::Float(f64::NAN).compare(&Val::Int(1)), None);
    }
}
