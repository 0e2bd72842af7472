//! Read access to a subtree for display-time summaries ([`crate::tree::Summarizer`]).
//!
//! Property values, rows and entry ids keep raw values in their nodes; their summary lines
//! (`PidTagSubject (0x0037001F, PtypString) = "Hello"`) are built from the node and its children
//! when displayed. The same text functions also run while decoding, over the nodes built so far,
//! where a decoder needs a summary for its own label (restrictions, rule actions) or a caller's
//! field has no summarizer: [`View`] is either a finished [`Dissection`] or a [`Builder`] with the
//! source the subtree was read from.

use alloc::string::String;

use crate::build::{Builder, Cur};
use crate::tree::{Dissection, Field, Node, SourceId, Value};

/// A finished dissection, or the nodes a builder has so far plus the bytes of one source.
#[derive(Clone, Copy)]
pub enum View<'v> {
    /// A finished dissection (display time).
    Done(&'v Dissection<'v>),
    /// A builder while decoding; spans are read from `data`, which is source `src`.
    Live {
        /// The builder.
        b: &'v Builder<'v>,
        /// The source the subtree was read from.
        src: SourceId,
        /// That source's bytes.
        data: &'v [u8],
    },
}

impl<'v> View<'v> {
    /// A view of the builder's nodes, with the cursor's source for the bytes.
    pub fn live(b: &'v Builder<'v>, c: &Cur<'v>) -> Self {
        View::Live { b, src: c.src(), data: c.source_data() }
    }

    /// All nodes.
    pub fn nodes(&self) -> &'v [Node] {
        match *self {
            View::Done(d) => &d.nodes,
            View::Live { b, .. } => b.nodes(),
        }
    }

    /// The node at `i`.
    pub fn node(&self, i: u32) -> Option<&'v Node> {
        self.nodes().get(i as usize)
    }

    /// The bytes of a node's span (empty when out of range).
    pub fn bytes(&self, n: &Node) -> &'v [u8] {
        match *self {
            View::Done(d) => d.span_bytes(n.source, n.offset, n.length),
            View::Live { src, data, .. } => {
                if n.source != src {
                    return &[];
                }
                let start = n.offset as usize;
                data.get(start..start.saturating_add(n.length as usize)).unwrap_or(&[])
            }
        }
    }

    /// The label of a named-property id known to the dissection (or, while decoding, so far).
    pub fn named(&self, id: u16) -> Option<&'v str> {
        match *self {
            View::Done(d) => d.named.get(&id).map(|s| &**s),
            View::Live { b, .. } => b.named_label(id),
        }
    }

    /// The children of node `i`, with their indices.
    pub fn children(&self, i: u32) -> Kids<'v> {
        let nodes = self.nodes();
        let end = nodes.get(i as usize).map_or(i, |n| n.end);
        Kids { nodes, next: i.saturating_add(1), end }
    }

    /// The first child of node `i` with field `f`.
    pub fn child(&self, i: u32, f: &'static Field) -> Option<&'v Node> {
        self.children(i).map(|(_, n)| n).find(|n| core::ptr::eq(n.field, f))
    }

    /// The value of the first child of node `i` with field `f`, as an unsigned integer.
    pub fn child_uint(&self, i: u32, f: &'static Field) -> Option<u64> {
        match self.child(i, f)?.value {
            Value::UInt(v) => Some(v),
            _ => None,
        }
    }
}

/// Iterator over the children of a node: `(index, node)`.
pub struct Kids<'v> {
    nodes: &'v [Node],
    next: u32,
    end: u32,
}

impl<'v> Iterator for Kids<'v> {
    type Item = (u32, &'v Node);
    fn next(&mut self) -> Option<(u32, &'v Node)> {
        if self.next >= self.end {
            return None;
        }
        let i = self.next;
        let n = self.nodes.get(i as usize)?;
        self.next = n.end.max(i.saturating_add(1));
        Some((i, n))
    }
}

/// True when `n` is a node of field `f`.
pub fn is(n: &Node, f: &'static Field) -> bool {
    core::ptr::eq(n.field, f)
}

/// Cuts a summary line at 240 characters (summaries of nested structures repeat their children's).
pub fn cut(s: String) -> String {
    match s.char_indices().nth(240) {
        Some((i, _)) => {
            let mut t = String::from(s.get(..i).unwrap_or(&s));
            t.push('…');
            t
        }
        None => s,
    }
}
