//! The field tree: registered fields, typed values, nodes with byte spans, diagnostics and sources.
//!
//! A dissection is a flat arena of [`Node`]s in pre-order. Each node knows the index one past its
//! last descendant (`end`), so children are walked without per-node allocation:
//! the first child of node `i` is `i + 1`, the next sibling of a child `c` is `nodes[c].end`.
//! This layout is what the CLI, the JSON writer and the web viewer all read.

use alloc::borrow::Cow;
use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;

/// Identifies a byte buffer a node's span refers to: 0 is the first HTTP body of the dissection.
pub type SourceId = u16;

/// The storage type of a field's value (what `mapiscope fields` prints as the type column).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ty {
    /// A structure or label: no value of its own, only children.
    None,
    /// Unsigned 8-bit integer.
    U8,
    /// Unsigned 16-bit integer (little-endian on the wire).
    U16,
    /// Unsigned 32-bit integer.
    U32,
    /// Unsigned 64-bit integer.
    U64,
    /// Signed 16-bit integer.
    I16,
    /// Signed 32-bit integer.
    I32,
    /// Signed 64-bit integer.
    I64,
    /// Boolean (any width on the wire).
    Bool,
    /// IEEE 754 single precision.
    F32,
    /// IEEE 754 double precision.
    F64,
    /// 8-bit string (ASCII or a Windows code page), NUL-terminated on the wire unless the span says otherwise.
    Str8,
    /// UTF-16LE string, NUL-terminated on the wire unless the span says otherwise.
    Utf16,
    /// Text derived by the decoder (HTTP header values, meta-tags).
    Text,
    /// Raw bytes.
    Bytes,
    /// A 16-byte GUID in the mixed-endian wire form.
    Guid,
    /// A FILETIME: 100 ns intervals since 1601-01-01 UTC.
    FileTime,
}

impl Ty {
    /// The name shown in `mapiscope fields`.
    pub fn name(self) -> &'static str {
        match self {
            Ty::None => "none",
            Ty::U8 => "uint8",
            Ty::U16 => "uint16",
            Ty::U32 => "uint32",
            Ty::U64 => "uint64",
            Ty::I16 => "int16",
            Ty::I32 => "int32",
            Ty::I64 => "int64",
            Ty::Bool => "bool",
            Ty::F32 => "float",
            Ty::F64 => "double",
            Ty::Str8 => "string8",
            Ty::Utf16 => "string",
            Ty::Text => "text",
            Ty::Bytes => "bytes",
            Ty::Guid => "guid",
            Ty::FileTime => "filetime",
        }
    }
}

/// A table of value names, sorted by value (checked by a test) so lookups can bisect.
pub type NameTable = &'static [(u64, &'static str)];

/// How an integer value is shown.
#[derive(Clone, Copy)]
pub enum Disp {
    /// Decimal.
    Dec,
    /// Hexadecimal, zero-padded to the type's width.
    Hex,
    /// An enumeration: the value's name from a sorted table, or "Unknown" with the number.
    Names(NameTable),
    /// An enumeration shown with its number in decimal (for values that are decimal on the wire, such
    /// as X-ResponseCode).
    NamesDec(NameTable),
    /// Hexadecimal, with a name appended only for the values in the table (special values of an
    /// otherwise numeric field: handle 0xFFFFFFFF, MID_CURRENT).
    HexNamed(NameTable),
    /// A lookup function for large or generated tables.
    Lookup(fn(u64) -> Option<&'static str>),
    /// Bit flags: the names of the set bits, with unnamed bits shown as a residual hex value.
    Flags(NameTable),
    /// A folder or message id (ReplId + big-endian GlobalCounter), shown `0001-00000E8EDF36`.
    Fid,
    /// Decimal with a unit suffix (e.g. "ms", "bytes").
    Unit(&'static str),
}

impl core::fmt::Debug for Disp {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Disp::Dec => "Dec",
            Disp::Hex => "Hex",
            Disp::Names(_) => "Names",
            Disp::NamesDec(_) => "NamesDec",
            Disp::HexNamed(_) => "HexNamed",
            Disp::Lookup(_) => "Lookup",
            Disp::Flags(_) => "Flags",
            Disp::Fid => "Fid",
            Disp::Unit(_) => "Unit",
        })
    }
}

impl Disp {
    /// The name of `v` when this is an enumeration or lookup.
    pub fn name_of(&self, v: u64) -> Option<&'static str> {
        match self {
            Disp::Names(t) | Disp::NamesDec(t) | Disp::HexNamed(t) => lookup(t, v),
            Disp::Lookup(f) => f(v),
            _ => None,
        }
    }
}

/// Bisects a sorted name table.
pub fn lookup(table: NameTable, v: u64) -> Option<&'static str> {
    table.binary_search_by_key(&v, |e| e.0).ok().and_then(|i| table.get(i)).map(|e| e.1)
}

/// Computes a node's display text at display time from the node and its subtree (e.g. a property
/// row column shown as `PidTagSubject (0x0037001F, PtypString) = "Hello"`), so decoding formats
/// nothing. Returns `None` to fall back to the node's value.
pub type Summarizer = fn(&Dissection<'_>, u32) -> Option<String>;

/// A registered field, as Wireshark's `hf_register_info`: declared once with [`fields!`](crate::fields).
#[derive(Debug)]
pub struct Field {
    /// Dotted, lowercase filter key, unique across the registry (`mapihttp.connect.userdn`).
    pub key: &'static str,
    /// The field's name as the Microsoft specification spells it (`UserDn`).
    pub name: &'static str,
    /// Storage type.
    pub ty: Ty,
    /// Display of integers.
    pub disp: Disp,
    /// One-line description, citing the specification section.
    pub desc: &'static str,
    /// Display-time summary of the node (see [`Summarizer`]); `None` shows the value.
    pub summary: Option<Summarizer>,
}

/// A node's value. Strings, bytes and GUIDs are not copied: they are read from the node's span.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// No value: a structure.
    None,
    /// An unsigned integer (also enums, flags, FILETIMEs, ids).
    UInt(u64),
    /// A signed integer.
    Int(i64),
    /// A boolean.
    Bool(bool),
    /// A floating-point number.
    Float(f64),
    /// The node's bytes.
    Bytes,
    /// The node's bytes as an 8-bit string (a trailing NUL is not part of the text).
    Str8,
    /// The node's bytes as UTF-16LE (a trailing NUL is not part of the text).
    Utf16,
    /// The node's 16 bytes as a GUID.
    Guid,
    /// Text the decoder produced.
    Text(Box<str>),
}

/// One decoded field with its byte span.
#[derive(Clone, Debug)]
pub struct Node {
    /// The registered field.
    pub field: &'static Field,
    /// The value.
    pub value: Value,
    /// Which source buffer the span is in.
    pub source: SourceId,
    /// Byte offset in the source.
    pub offset: u32,
    /// Length in bytes.
    pub length: u32,
    /// Index one past the last descendant in [`Dissection::nodes`].
    pub end: u32,
}

/// Severity of a diagnostic (Wireshark's expert info).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Informational: something worth knowing, not wrong.
    Note,
    /// Unusual or out of spec, but decodable.
    Warning,
    /// Malformed: decoding of the enclosing structure stopped here.
    Error,
}

impl Severity {
    /// Lowercase name used in JSON and text output.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A diagnostic with the span it is about.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    /// Severity.
    pub severity: Severity,
    /// What is wrong, in a sentence.
    pub message: String,
    /// Source of the span.
    pub source: SourceId,
    /// Offset of the span.
    pub offset: u32,
    /// Length of the span (0 for a position, e.g. where data ends).
    pub length: u32,
}

/// A byte buffer shown by the dissection: an HTTP body or a payload derived from one.
#[derive(Clone, Debug)]
pub struct Source<'a> {
    /// Human-readable name ("request body", "RopBuffer payload 1 (decompressed)").
    pub name: Cow<'static, str>,
    /// The bytes.
    pub data: Cow<'a, [u8]>,
}

/// The result of decoding: a node arena with roots, diagnostics, and the sources the spans refer to.
#[derive(Clone, Debug, Default)]
pub struct Dissection<'a> {
    /// All nodes in pre-order.
    pub nodes: Vec<Node>,
    /// Indices of the top-level nodes.
    pub roots: Vec<u32>,
    /// Diagnostics in the order found.
    pub diagnostics: Vec<Diagnostic>,
    /// Sources; node and diagnostic spans index into this.
    pub sources: Vec<Source<'a>>,
    /// Labels of the named-property ids known when this dissection was made (for tag display).
    pub named: alloc::collections::BTreeMap<u16, Box<str>>,
}

impl<'a> Dissection<'a> {
    /// The node at `i`.
    pub fn node(&self, i: u32) -> Option<&Node> {
        self.nodes.get(i as usize)
    }

    /// The index of a node borrowed from this dissection's arena (`None` for a node from elsewhere).
    pub fn index_of(&self, n: &Node) -> Option<u32> {
        let size = core::mem::size_of::<Node>();
        let base = self.nodes.as_ptr() as usize;
        let at = (n as *const Node as usize).checked_sub(base)?;
        let i = at / size.max(1);
        self.nodes.get(i).filter(|m| core::ptr::eq(*m, n)).map(|_| i as u32)
    }

    /// The children of node `i`.
    pub fn children(&self, i: u32) -> Children<'_> {
        let end = self.node(i).map_or(i, |n| n.end);
        Children { nodes: &self.nodes, next: i.saturating_add(1), end }
    }

    /// The bytes of a node's span (empty if the span is out of its source, which the builder prevents).
    pub fn bytes_of(&self, n: &Node) -> &[u8] {
        self.span_bytes(n.source, n.offset, n.length)
    }

    /// The bytes of a span.
    pub fn span_bytes(&self, source: SourceId, offset: u32, length: u32) -> &[u8] {
        let Some(src) = self.sources.get(source as usize) else { return &[] };
        let start = offset as usize;
        src.data.get(start..start.saturating_add(length as usize)).unwrap_or(&[])
    }

    /// Finds the first node (pre-order) with the given filter key.
    pub fn find(&self, key: &str) -> Option<(u32, &Node)> {
        self.nodes.iter().enumerate().find(|(_, n)| n.field.key == key).map(|(i, n)| (i as u32, n))
    }

    /// All nodes with the given filter key, in pre-order.
    pub fn find_all<'s>(&'s self, key: &'s str) -> impl Iterator<Item = (u32, &'s Node)> + 's {
        self.nodes.iter().enumerate().filter(move |(_, n)| n.field.key == key).map(|(i, n)| (i as u32, n))
    }

    /// The deepest node covering byte `offset` of `source` (what a click in the bytes pane selects).
    pub fn node_at(&self, source: SourceId, offset: u32) -> Option<u32> {
        let mut best: Option<u32> = None;
        for (i, n) in self.nodes.iter().enumerate() {
            if n.source == source && n.offset <= offset && offset < n.offset.saturating_add(n.length) {
                // Pre-order: a later covering node is nested deeper or is a later sibling-subtree; keep
                // the latest, which for properly nested spans is the deepest.
                best = Some(i as u32);
            }
        }
        best
    }

    /// Converts borrowed sources to owned ones, detaching the dissection from the input.
    pub fn into_owned(self) -> Dissection<'static> {
        Dissection {
            nodes: self.nodes,
            roots: self.roots,
            diagnostics: self.diagnostics,
            named: self.named,
            sources: self
                .sources
                .into_iter()
                .map(|s| Source { name: s.name, data: Cow::Owned(s.data.into_owned()) })
                .collect(),
        }
    }

    /// The worst severity among the diagnostics.
    pub fn worst(&self) -> Option<Severity> {
        self.diagnostics.iter().map(|d| d.severity).max()
    }
}

/// Iterator over the children of a node.
pub struct Children<'d> {
    nodes: &'d [Node],
    next: u32,
    end: u32,
}

impl Iterator for Children<'_> {
    type Item = u32;
    fn next(&mut self) -> Option<u32> {
        if self.next >= self.end {
            return None;
        }
        let i = self.next;
        let n = self.nodes.get(i as usize)?;
        self.next = n.end.max(i.saturating_add(1));
        Some(i)
    }
}
