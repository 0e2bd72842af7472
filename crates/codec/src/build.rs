//! Building a dissection: a cursor over one source and a builder that records nodes and diagnostics.
//!
//! Every read goes through [`Builder`]: it parses with nom, records a node with the exact span, and on
//! truncation records an error diagnostic at the cut and returns [`Stop`]. Parsers propagate `Stop`
//! with `?`, so the tree built so far stays and the diagnostic says where decoding stopped.
//! Structures are opened with [`Builder::group`], which always closes the node (also on `Stop`), so
//! partial structures keep a correct span.

use alloc::borrow::Cow;
use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use nom::number::complete::{le_i16, le_i32, le_i64, le_u16, le_u32, le_u64, le_u8};
use nom::IResult;

use crate::tree::{Diagnostic, Dissection, Field, Node, Severity, Source, SourceId, Value};

/// Decoding of the current structure stopped; the reason is already recorded as a diagnostic.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stop;

/// Result of a decoding step.
pub type R<T> = Result<T, Stop>;

/// Maximum nesting of structures (restrictions, entry ids, rule actions inside each other).
/// Real traffic nests a few levels; the cap keeps hostile input from exhausting the stack.
pub const MAX_DEPTH: usize = 48;

/// Maximum number of nodes one dissection records. Every node consumes at least one input byte or
/// is bounded by a parent that does, so this is only reached by huge inputs; past it the decoder
/// stops with an error rather than using unbounded memory.
pub const MAX_NODES: usize = 8 * 1024 * 1024;
/// Most nodes [`Builder::reserve_nodes`] reserves ahead (3 MiB of nodes).
pub const MAX_RESERVED_NODES: usize = 1 << 16;

/// A read position in one source, limited to a window (`pos..limit`).
#[derive(Clone, Debug)]
pub struct Cur<'x> {
    data: &'x [u8],
    pos: usize,
    limit: usize,
    src: SourceId,
}

impl<'x> Cur<'x> {
    /// A cursor over all of `data`, which is source `src`.
    pub fn new(data: &'x [u8], src: SourceId) -> Self {
        Cur { data, pos: 0, limit: data.len(), src }
    }

    /// Current offset in the source.
    pub fn pos(&self) -> usize {
        self.pos
    }

    /// The source id.
    pub fn src(&self) -> SourceId {
        self.src
    }

    /// Bytes left in the window.
    pub fn left(&self) -> usize {
        self.limit.saturating_sub(self.pos)
    }

    /// True when the window is consumed.
    pub fn is_empty(&self) -> bool {
        self.left() == 0
    }

    /// The unread bytes of the window.
    pub fn rest(&self) -> &'x [u8] {
        self.data.get(self.pos..self.limit).unwrap_or(&[])
    }

    /// The whole source buffer.
    pub fn source_data(&self) -> &'x [u8] {
        self.data
    }

    /// The end of the window.
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// Peeks the next byte.
    pub fn peek_u8(&self) -> Option<u8> {
        self.rest().first().copied()
    }

    /// Peeks a little-endian u16 without consuming.
    pub fn peek_u16(&self) -> Option<u16> {
        le_u16::<_, nom::error::Error<&[u8]>>(self.rest()).ok().map(|(_, v)| v)
    }

    /// Peeks a little-endian u32 without consuming.
    pub fn peek_u32(&self) -> Option<u32> {
        le_u32::<_, nom::error::Error<&[u8]>>(self.rest()).ok().map(|(_, v)| v)
    }

    /// Advances by `n` bytes (clamped to the window).
    pub fn advance(&mut self, n: usize) {
        self.pos = self.pos.saturating_add(n).min(self.limit);
    }

    /// A cursor over the next `n` bytes (clamped to the window); this cursor is not advanced.
    pub fn window(&self, n: usize) -> Cur<'x> {
        Cur { data: self.data, pos: self.pos, limit: self.pos.saturating_add(n).min(self.limit), src: self.src }
    }

    /// A cursor over the same source starting at absolute offset `at`, limited to this window's end.
    pub fn at(&self, at: usize) -> Cur<'x> {
        Cur { data: self.data, pos: at.min(self.limit), limit: self.limit, src: self.src }
    }

    /// Moves to the end of `inner` (a window taken from this cursor).
    pub fn sync(&mut self, inner: &Cur<'x>) {
        self.pos = inner.pos.max(self.pos).min(self.limit);
    }

    /// Runs a nom parser on the rest of the window; on success advances and returns the output with
    /// the start offset and length consumed.
    pub fn nom<T>(&mut self, p: impl FnOnce(&'x [u8]) -> IResult<&'x [u8], T>) -> Option<(T, usize, usize)> {
        let rest = self.rest();
        match p(rest) {
            Ok((after, v)) => {
                let used = rest.len().saturating_sub(after.len());
                let start = self.pos;
                self.advance(used);
                Some((v, start, used))
            }
            Err(_) => None,
        }
    }
}

/// Records nodes and diagnostics for one dissection.
pub struct Builder<'a> {
    nodes: Vec<Node>,
    roots: Vec<u32>,
    diagnostics: Vec<Diagnostic>,
    sources: Vec<Source<'a>>,
    depth: usize,
    /// Set once the node cap was hit, to report it once.
    capped: bool,
    /// Labels of the named-property ids (0x8000 and above) known to the session, for tag display.
    named: BTreeMap<u16, Box<str>>,
    /// Lean decoding: texts that only serve display are not built ([`Builder::set_lean`]).
    lean: bool,
}

impl Default for Builder<'_> {
    fn default() -> Self {
        Self::new()
    }
}

impl<'a> Builder<'a> {
    /// An empty builder.
    pub fn new() -> Self {
        Builder {
            nodes: Vec::new(),
            roots: Vec::new(),
            diagnostics: Vec::new(),
            sources: Vec::new(),
            depth: 0,
            capped: false,
            named: BTreeMap::new(),
            lean: false,
        }
    }

    /// Lean decoding, for callers that read the structure and values of the tree but never display
    /// it (a capture's exchange list wants the ROP ids): decoders skip texts built only for display
    /// (property tags keep their numeric value instead of their name text). Off by default.
    pub fn set_lean(&mut self, lean: bool) {
        self.lean = lean;
    }

    /// Whether decoding is lean ([`Builder::set_lean`]).
    pub fn is_lean(&self) -> bool {
        self.lean
    }

    /// Adds a borrowed source (an HTTP body) and returns its id.
    pub fn add_source(&mut self, name: impl Into<Cow<'static, str>>, data: &'a [u8]) -> SourceId {
        self.sources.push(Source { name: name.into(), data: Cow::Borrowed(data) });
        (self.sources.len() - 1) as SourceId
    }

    /// Reserves a source id for a derived payload whose bytes are stored later with [`Builder::fill_source`].
    pub fn reserve_source(&mut self, name: impl Into<Cow<'static, str>>) -> SourceId {
        self.sources.push(Source { name: name.into(), data: Cow::Borrowed(&[]) });
        (self.sources.len() - 1) as SourceId
    }

    /// Stores the bytes of a reserved source.
    pub fn fill_source(&mut self, id: SourceId, data: Vec<u8>) {
        if let Some(s) = self.sources.get_mut(id as usize) {
            s.data = Cow::Owned(data);
        }
    }

    /// The label of a named-property id learned in this session (see [`crate::props::tag_text_in`]).
    pub fn named_label(&self, id: u16) -> Option<&str> {
        self.named.get(&id).map(|s| &**s)
    }

    /// Records the label of a named-property id, for the tags displayed from now on.
    pub fn learn_named(&mut self, id: u16, label: Box<str>) {
        self.named.insert(id, label);
    }

    /// Number of sources so far.
    pub fn source_count(&self) -> usize {
        self.sources.len()
    }

    /// Reserves room for about `n` nodes (bounded by [`MAX_RESERVED_NODES`]), so that the node
    /// arena of a large body is not grown by repeated doubling.
    pub fn reserve_nodes(&mut self, n: usize) {
        self.nodes.reserve(n.min(MAX_RESERVED_NODES));
    }

    /// Finishes the dissection (an arena reserved far beyond its use gives the memory back).
    pub fn finish(mut self) -> Dissection<'a> {
        if self.nodes.capacity() > 2 * self.nodes.len() + 64 {
            self.nodes.shrink_to_fit();
        }
        Dissection { nodes: self.nodes, roots: self.roots, diagnostics: self.diagnostics, sources: self.sources, named: self.named }
    }

    /// Nodes recorded so far.
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    /// Diagnostics recorded so far.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// Current nesting depth.
    pub fn depth(&self) -> usize {
        self.depth
    }

    // ----- diagnostics -------------------------------------------------------------------------

    /// Records a diagnostic over a span.
    pub fn diag(&mut self, severity: Severity, message: impl Into<String>, src: SourceId, offset: usize, length: usize) {
        self.diagnostics.push(Diagnostic {
            severity,
            message: message.into(),
            source: src,
            offset: clamp32(offset),
            length: clamp32(length),
        });
    }

    /// Records a diagnostic at the cursor position covering `length` bytes.
    pub fn diag_at(&mut self, c: &Cur<'_>, severity: Severity, message: impl Into<String>, length: usize) {
        self.diag(severity, message, c.src, c.pos, length);
    }

    /// Records an error at the cursor covering the rest of the window and returns `Stop`.
    pub fn fail<T>(&mut self, c: &Cur<'_>, message: impl Into<String>) -> R<T> {
        self.diag(Severity::Error, message, c.src, c.pos, c.left());
        Err(Stop)
    }

    fn truncated<T>(&mut self, c: &Cur<'_>, f: &'static Field, need: usize) -> R<T> {
        let msg = format!("truncated: {} needs {} bytes, {} left", f.name, need, c.left());
        self.diag(Severity::Error, msg, c.src, c.pos, c.left());
        Err(Stop)
    }

    // ----- nodes -------------------------------------------------------------------------------

    /// Records a leaf node. Returns its index.
    pub fn push(&mut self, f: &'static Field, value: Value, src: SourceId, offset: usize, length: usize) -> R<u32> {
        if self.nodes.len() >= MAX_NODES {
            if !self.capped {
                self.capped = true;
                self.diag(Severity::Error, format!("more than {MAX_NODES} fields: decoding stopped"), src, offset, length);
            }
            return Err(Stop);
        }
        let idx = self.nodes.len() as u32;
        if self.depth == 0 {
            self.roots.push(idx);
        }
        self.nodes.push(Node {
            field: f,
            value,
            source: src,
            offset: clamp32(offset),
            length: clamp32(length),
            end: idx + 1,
        });
        Ok(idx)
    }

    /// Records a leaf node over the next `n` bytes of the cursor with the given value, consuming them.
    pub fn leaf(&mut self, c: &mut Cur<'_>, f: &'static Field, n: usize, value: Value) -> R<u32> {
        if c.left() < n {
            return self.truncated(c, f, n);
        }
        let i = self.push(f, value, c.src, c.pos, n)?;
        c.advance(n);
        Ok(i)
    }

    /// Opens a structure node at the cursor, runs `body`, and closes it (span and children), also when
    /// `body` stops. The structure's value is `Value::None` unless `body` sets it with [`Builder::set_value`].
    pub fn group<'x, T>(
        &mut self,
        c: &mut Cur<'x>,
        f: &'static Field,
        body: impl FnOnce(&mut Self, &mut Cur<'x>) -> R<T>,
    ) -> R<T> {
        self.group_idx(c, f, |b, c, _| body(b, c))
    }

    /// Like [`Builder::group`], but `body` also gets the index of the structure node (to set its value).
    pub fn group_idx<'x, T>(
        &mut self,
        c: &mut Cur<'x>,
        f: &'static Field,
        body: impl FnOnce(&mut Self, &mut Cur<'x>, u32) -> R<T>,
    ) -> R<T> {
        let start = c.pos;
        let idx = self.open(f, c.src, start)?;
        let r = body(self, c, idx);
        self.close(idx, c.pos.saturating_sub(start));
        r
    }

    /// Like [`Builder::group`], but the structure is exactly `len` bytes: `body` sees only that window
    /// (so it cannot read past the structure) and the cursor moves past all `len` bytes afterwards.
    /// Bytes `body` leaves unread are reported as a warning.
    pub fn group_sized<'x, T>(
        &mut self,
        c: &mut Cur<'x>,
        f: &'static Field,
        len: usize,
        body: impl FnOnce(&mut Self, &mut Cur<'x>) -> R<T>,
    ) -> R<T> {
        self.group_sized_idx(c, f, len, |b, c, _| body(b, c))
    }

    /// Like [`Builder::group_sized`], but `body` also gets the index of the structure node.
    pub fn group_sized_idx<'x, T>(
        &mut self,
        c: &mut Cur<'x>,
        f: &'static Field,
        len: usize,
        body: impl FnOnce(&mut Self, &mut Cur<'x>, u32) -> R<T>,
    ) -> R<T> {
        if c.left() < len {
            return self.truncated(c, f, len);
        }
        let start = c.pos;
        let idx = self.open(f, c.src, start)?;
        let mut inner = c.window(len);
        let r = body(self, &mut inner, idx);
        if r.is_ok() && !inner.is_empty() {
            let left = inner.left();
            self.diag(Severity::Warning, format!("{} has {} unread bytes", f.name, left), inner.src, inner.pos, left);
        }
        c.advance(len);
        self.close(idx, len);
        r
    }

    /// Opens a structure node; pair with [`Builder::close`]. Prefer [`Builder::group`].
    pub fn open(&mut self, f: &'static Field, src: SourceId, offset: usize) -> R<u32> {
        if self.depth >= MAX_DEPTH {
            self.diag(Severity::Error, format!("{}: nesting deeper than {MAX_DEPTH} levels", f.name), src, offset, 0);
            return Err(Stop);
        }
        let idx = self.push(f, Value::None, src, offset, 0)?;
        self.depth += 1;
        Ok(idx)
    }

    /// Closes a structure opened with [`Builder::open`]: sets its length and its subtree end.
    pub fn close(&mut self, idx: u32, length: usize) {
        self.depth = self.depth.saturating_sub(1);
        let end = self.nodes.len() as u32;
        if let Some(n) = self.nodes.get_mut(idx as usize) {
            n.length = clamp32(length);
            n.end = end;
        }
    }

    /// Sets the value of a node (e.g. a structure's summary, or a count learned after its children).
    pub fn set_value(&mut self, idx: u32, value: Value) {
        if let Some(n) = self.nodes.get_mut(idx as usize) {
            n.value = value;
        }
    }

    /// Attaches a computed value to the last node pushed.
    pub fn last_node(&self) -> Option<u32> {
        self.nodes.len().checked_sub(1).map(|i| i as u32)
    }

    // ----- primitive reads ---------------------------------------------------------------------

    fn num<'x, T>(
        &mut self,
        c: &mut Cur<'x>,
        f: &'static Field,
        width: usize,
        p: fn(&'x [u8]) -> IResult<&'x [u8], T>,
        v: fn(T) -> Value,
    ) -> R<T>
    where
        T: Copy,
    {
        match c.nom(p) {
            Some((x, start, used)) => {
                self.push(f, v(x), c.src, start, used)?;
                Ok(x)
            }
            None => self.truncated(c, f, width),
        }
    }

    /// Reads a u8 field.
    pub fn u8(&mut self, c: &mut Cur<'_>, f: &'static Field) -> R<u8> {
        self.num(c, f, 1, le_u8, |x| Value::UInt(x.into()))
    }

    /// Reads a little-endian u16 field.
    pub fn u16(&mut self, c: &mut Cur<'_>, f: &'static Field) -> R<u16> {
        self.num(c, f, 2, le_u16, |x| Value::UInt(x.into()))
    }

    /// Reads a little-endian u32 field.
    pub fn u32(&mut self, c: &mut Cur<'_>, f: &'static Field) -> R<u32> {
        self.num(c, f, 4, le_u32, |x| Value::UInt(x.into()))
    }

    /// Reads a little-endian u64 field.
    pub fn u64(&mut self, c: &mut Cur<'_>, f: &'static Field) -> R<u64> {
        self.num(c, f, 8, le_u64, Value::UInt)
    }

    /// Reads a little-endian i16 field.
    pub fn i16(&mut self, c: &mut Cur<'_>, f: &'static Field) -> R<i16> {
        self.num(c, f, 2, le_i16, |x| Value::Int(x.into()))
    }

    /// Reads a little-endian i32 field.
    pub fn i32(&mut self, c: &mut Cur<'_>, f: &'static Field) -> R<i32> {
        self.num(c, f, 4, le_i32, |x| Value::Int(x.into()))
    }

    /// Reads a little-endian i64 field.
    pub fn i64(&mut self, c: &mut Cur<'_>, f: &'static Field) -> R<i64> {
        self.num(c, f, 8, le_i64, Value::Int)
    }

    /// Reads a one-byte boolean (any non-zero value is true, as the specifications' BOOLEAN fields
    /// are read by servers).
    pub fn bool8(&mut self, c: &mut Cur<'_>, f: &'static Field) -> R<bool> {
        let (x, start, used) = match c.nom(le_u8) {
            Some(v) => v,
            None => return self.truncated(c, f, 1),
        };
        self.push(f, Value::Bool(x != 0), c.src, start, used)?;
        Ok(x != 0)
    }

    /// Reads a little-endian IEEE single.
    pub fn f32(&mut self, c: &mut Cur<'_>, f: &'static Field) -> R<f32> {
        self.num(c, f, 4, nom::number::complete::le_f32, |x| Value::Float(x.into()))
    }

    /// Reads a little-endian IEEE double.
    pub fn f64(&mut self, c: &mut Cur<'_>, f: &'static Field) -> R<f64> {
        self.num(c, f, 8, nom::number::complete::le_f64, Value::Float)
    }

    /// Reads `n` raw bytes as a bytes field.
    pub fn bytes<'x>(&mut self, c: &mut Cur<'x>, f: &'static Field, n: usize) -> R<&'x [u8]> {
        if c.left() < n {
            return self.truncated(c, f, n);
        }
        let start = c.pos;
        let data = c.rest().get(..n).unwrap_or(&[]);
        self.push(f, Value::Bytes, c.src, start, n)?;
        c.advance(n);
        Ok(data)
    }

    /// Reads a 16-byte GUID.
    pub fn guid<'x>(&mut self, c: &mut Cur<'x>, f: &'static Field) -> R<[u8; 16]> {
        if c.left() < 16 {
            return self.truncated(c, f, 16);
        }
        let mut g = [0u8; 16];
        g.copy_from_slice(c.rest().get(..16).unwrap_or(&[0; 16]));
        self.push(f, Value::Guid, c.src, c.pos, 16)?;
        c.advance(16);
        Ok(g)
    }

    /// Reads a NUL-terminated 8-bit string (the span includes the NUL). A missing terminator is an error.
    pub fn str8z<'x>(&mut self, c: &mut Cur<'x>, f: &'static Field) -> R<&'x [u8]> {
        let rest = c.rest();
        match memchr0(rest) {
            Some(i) => {
                let s = rest.get(..i).unwrap_or(&[]);
                self.push(f, Value::Str8, c.src, c.pos, i + 1)?;
                c.advance(i + 1);
                Ok(s)
            }
            None => {
                let len = rest.len();
                // Show what is there, then stop.
                let _ = self.push(f, Value::Str8, c.src, c.pos, len);
                let msg = format!("truncated: {} has no NUL terminator in the {} bytes left", f.name, len);
                self.diag(Severity::Error, msg, c.src, c.pos, len);
                c.advance(len);
                Err(Stop)
            }
        }
    }

    /// Reads a NUL-terminated UTF-16LE string (the span includes the two-byte NUL).
    pub fn utf16z<'x>(&mut self, c: &mut Cur<'x>, f: &'static Field) -> R<&'x [u8]> {
        let rest = c.rest();
        match find_utf16_nul(rest) {
            Some(i) => {
                let s = rest.get(..i).unwrap_or(&[]);
                self.push(f, Value::Utf16, c.src, c.pos, i + 2)?;
                c.advance(i + 2);
                Ok(s)
            }
            None => {
                let len = rest.len();
                let _ = self.push(f, Value::Utf16, c.src, c.pos, len);
                let msg = format!("truncated: {} has no UTF-16 NUL terminator in the {} bytes left", f.name, len);
                self.diag(Severity::Error, msg, c.src, c.pos, len);
                c.advance(len);
                Err(Stop)
            }
        }
    }

    /// Reads a counted 8-bit string of exactly `n` bytes (a trailing NUL, if any, is inside the span).
    pub fn str8n<'x>(&mut self, c: &mut Cur<'x>, f: &'static Field, n: usize) -> R<&'x [u8]> {
        if c.left() < n {
            return self.truncated(c, f, n);
        }
        let s = c.rest().get(..n).unwrap_or(&[]);
        self.push(f, Value::Str8, c.src, c.pos, n)?;
        c.advance(n);
        Ok(s)
    }

    /// Reads a counted UTF-16LE string of exactly `n` bytes.
    pub fn utf16n<'x>(&mut self, c: &mut Cur<'x>, f: &'static Field, n: usize) -> R<&'x [u8]> {
        if c.left() < n {
            return self.truncated(c, f, n);
        }
        let s = c.rest().get(..n).unwrap_or(&[]);
        self.push(f, Value::Utf16, c.src, c.pos, n)?;
        c.advance(n);
        Ok(s)
    }

    /// Checks that `count` elements of at least `min_size` bytes each can fit in what is left; records
    /// an error naming the count field otherwise. Call before looping over (or allocating for) a count.
    pub fn check_count(&mut self, c: &Cur<'_>, f: &'static Field, count: u64, min_size: usize) -> R<usize> {
        let need = count.saturating_mul(min_size as u64);
        if need > c.left() as u64 {
            let msg = format!(
                "{} {} needs at least {} bytes, only {} left",
                f.name,
                count,
                need,
                c.left()
            );
            self.diag(Severity::Error, msg, c.src, c.pos, c.left());
            return Err(Stop);
        }
        Ok(count as usize)
    }

    /// Records the rest of the window as a bytes field (if any) and consumes it.
    pub fn rest_bytes(&mut self, c: &mut Cur<'_>, f: &'static Field) -> R<()> {
        let n = c.left();
        if n > 0 {
            self.bytes(c, f, n)?;
        }
        Ok(())
    }
}

fn clamp32(v: usize) -> u32 {
    u32::try_from(v).unwrap_or(u32::MAX)
}

/// Position of the first NUL byte.
pub fn memchr0(b: &[u8]) -> Option<usize> {
    b.iter().position(|&x| x == 0)
}

/// Position of the first UTF-16 NUL code unit (at an even offset).
pub fn find_utf16_nul(b: &[u8]) -> Option<usize> {
    b.chunks_exact(2).position(|w| w == [0, 0]).map(|i| i * 2)
}
