//! Evaluation: a compiled [`Filter`] against one exchange. The exchange's dissection is scanned once
//! to index the nodes of the fields the filter names (key → node list), then the program runs over
//! those occurrences and the exchange-level values.

use std::cmp::Ordering;
use std::collections::HashMap;

use mapiscope_capture::mapi::MapiExchange;
use mapiscope_codec::{Dissection, Field};

use crate::fields::{exchange_values, Source};
use crate::lex::CmpOp;
use crate::value::{node_val, Lit, Val};
use crate::FilterError;

/// A field the program reads, with where its occurrences come from.
#[derive(Debug)]
pub(crate) struct Slot {
    pub field: &'static Field,
    pub source: Source,
}

/// A node of the compiled program.
#[derive(Debug)]
pub(crate) enum Node {
    True,
    And(Vec<Node>),
    Or(Vec<Node>),
    Xor(Box<Node>, Box<Node>),
    Not(Box<Node>),
    Test(Test),
}

/// One test: what it reads and how it judges it.
#[derive(Debug)]
pub(crate) struct Test {
    pub lhs: Lhs,
    pub op: TestOp,
}

/// The left side of a test.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Lhs {
    /// The occurrences of a field.
    Field(usize),
    /// `count(field)`: how many times it occurs (one value, present even when 0).
    Count(usize),
    /// `len(field)`: the byte length of each string or bytes occurrence.
    Len(usize),
}

#[derive(Debug)]
pub(crate) enum TestOp {
    Exists,
    Cmp(CmpOp, Lit),
    CmpField(CmpOp, usize),
    Contains(Val<'static>),
    Matches(Box<regex_lite::Regex>),
    BitAnd(i128),
    /// Items (a value, or an inclusive range) and whether the test is `not in`.
    In(Vec<(Lit, Option<Lit>)>, bool),
}

/// Finds the slot of a node's field: linear over a few slots, a map over many.
pub(crate) struct SlotIndex {
    small: Vec<(usize, usize)>,
    map: Option<HashMap<usize, usize>>,
}

impl SlotIndex {
    pub(crate) fn new(slots: &[Slot]) -> Self {
        let small: Vec<(usize, usize)> = slots
            .iter()
            .enumerate()
            .filter(|(_, s)| matches!(s.source, Source::Nodes | Source::NodesOr(_)))
            .map(|(i, s)| (s.field as *const Field as usize, i))
            .collect();
        let map = (small.len() > 8).then(|| small.iter().copied().collect());
        SlotIndex { small, map }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.small.is_empty()
    }

    /// The node indices of each slot's field in `d` (one pass over the nodes).
    pub(crate) fn gather(&self, slots: usize, d: Option<&Dissection<'_>>) -> Vec<Vec<u32>> {
        let mut out: Vec<Vec<u32>> = (0..slots).map(|_| Vec::new()).collect();
        let Some(d) = d else { return out };
        if self.small.is_empty() {
            return out;
        }
        if let ([(only, slot)], None) = (self.small.as_slice(), &self.map) {
            // One field (the usual filter): a tight comparison loop.
            if let Some(list) = out.get_mut(*slot) {
                list.extend(d.nodes.iter().enumerate().filter(|(_, n)| n.field as *const Field as usize == *only).map(|(i, _)| i as u32));
            }
            return out;
        }
        for (i, n) in d.nodes.iter().enumerate() {
            let p = n.field as *const Field as usize;
            let hit = match &self.map {
                Some(m) => m.get(&p).copied(),
                None => self.small.iter().find(|(q, _)| *q == p).map(|(_, s)| *s),
            };
            if let Some(list) = hit.and_then(|s| out.get_mut(s)) {
                list.push(i as u32);
            }
        }
        out
    }
}

/// A compiled display filter.
pub struct Filter {
    text: String,
    pub(crate) root: Option<Node>,
    pub(crate) slots: Vec<Slot>,
    index: SlotIndex,
}

impl std::fmt::Debug for Filter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Filter").field("text", &self.text).field("root", &self.root).finish()
    }
}

/// What a test reads: the exchange (if any) and a dissection (the exchange's, or a lone one).
struct Subject<'a, 'd> {
    x: Option<&'a MapiExchange>,
    d: Option<&'a Dissection<'d>>,
    nodes: Vec<Vec<u32>>,
}

impl Filter {
    pub(crate) fn new(text: &str, root: Option<Node>, slots: Vec<Slot>) -> Filter {
        let index = SlotIndex::new(&slots);
        Filter { text: text.to_string(), root, slots, index }
    }

    /// Compiles a filter (see [`crate::compile()`]).
    pub fn compile(text: &str) -> Result<Filter, FilterError> {
        crate::compile::compile(text)
    }

    /// The filter text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Whether the filter is empty and matches everything.
    pub fn is_empty(&self) -> bool {
        self.root.is_none()
    }

    /// Whether the filter reads nodes of a dissection (else exchange-level values are enough and the
    /// capture's index mode will do). `mapihttp.response_code` and `mapihttp.elapsed_time` fall back
    /// to the exchange's values and do not need a tree.
    pub fn needs_dissection(&self) -> bool {
        self.slots.iter().any(|s| s.source.needs_tree())
    }

    /// The keys of the fields the filter reads.
    pub fn keys(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.slots.iter().map(|s| s.field.key)
    }

    /// Whether an exchange matches.
    pub fn matches(&self, x: &MapiExchange) -> bool {
        self.run(Some(x), x.dissection.as_ref())
    }

    /// Whether a dissection without an exchange (`mapiscope decode`) matches: exchange-level fields
    /// are absent.
    pub fn matches_dissection(&self, d: &Dissection<'_>) -> bool {
        self.run(None, Some(d))
    }

    fn run(&self, x: Option<&MapiExchange>, d: Option<&Dissection<'_>>) -> bool {
        let Some(root) = &self.root else { return true };
        let nodes = if self.index.is_empty() { Vec::new() } else { self.index.gather(self.slots.len(), d) };
        let s = Subject { x, d, nodes };
        self.eval(root, &s)
    }

    fn eval(&self, n: &Node, s: &Subject<'_, '_>) -> bool {
        match n {
            Node::True => true,
            Node::And(v) => v.iter().all(|c| self.eval(c, s)),
            Node::Or(v) => v.iter().any(|c| self.eval(c, s)),
            Node::Xor(a, b) => self.eval(a, s) != self.eval(b, s),
            Node::Not(a) => !self.eval(a, s),
            Node::Test(t) => self.test(t, s),
        }
    }

    /// The values of a slot in the subject.
    fn values<'a>(&self, slot: usize, s: &Subject<'a, '_>) -> Vec<Val<'a>> {
        let Some(sl) = self.slots.get(slot) else { return Vec::new() };
        let from_nodes = |s: &Subject<'a, '_>| -> Vec<Val<'a>> {
            let (Some(d), Some(list)) = (s.d, s.nodes.get(slot)) else { return Vec::new() };
            list.iter().filter_map(|&i| d.node(i).and_then(|n| node_val(d, n))).collect()
        };
        let from_exchange = |e, s: &Subject<'a, '_>| -> Vec<Val<'a>> {
            let mut out = Vec::new();
            if let Some(x) = s.x {
                exchange_values(x, e, &mut out);
            }
            out.into_iter().map(Val::from).collect()
        };
        match sl.source {
            Source::Nodes => from_nodes(s),
            Source::Exchange(e) => from_exchange(e, s),
            Source::NodesOr(e) => {
                if s.nodes.get(slot).is_some_and(|l| !l.is_empty()) {
                    from_nodes(s)
                } else {
                    from_exchange(e, s)
                }
            }
        }
    }

    /// How many times a slot's field occurs.
    fn count(&self, slot: usize, s: &Subject<'_, '_>) -> usize {
        let Some(sl) = self.slots.get(slot) else { return 0 };
        let nodes = s.nodes.get(slot).map_or(0, Vec::len);
        match sl.source {
            Source::Nodes => nodes,
            Source::Exchange(_) => self.values(slot, s).len(),
            Source::NodesOr(_) => {
                if nodes > 0 {
                    nodes
                } else {
                    self.values(slot, s).len()
                }
            }
        }
    }

    fn lhs_values<'a>(&self, lhs: Lhs, s: &Subject<'a, '_>) -> Vec<Val<'a>> {
        match lhs {
            Lhs::Field(k) => self.values(k, s),
            Lhs::Count(k) => vec![Val::Int(self.count(k, s) as i128)],
            Lhs::Len(k) => self.values(k, s).iter().filter_map(Val::byte_len).map(|n| Val::Int(n as i128)).collect(),
        }
    }

    fn test(&self, t: &Test, s: &Subject<'_, '_>) -> bool {
        if let (TestOp::Exists, Lhs::Field(k)) = (&t.op, t.lhs) {
            return self.count(k, s) > 0;
        }
        let vals = self.lhs_values(t.lhs, s);
        match &t.op {
            TestOp::Exists => !vals.is_empty(),
            TestOp::Cmp(op, c) => quantify_lit(*op, &vals, c),
            TestOp::CmpField(op, k) => {
                let other = self.values(*k, s);
                quantify(*op, &vals, &other)
            }
            TestOp::Contains(c) => vals.iter().any(|v| contains(v, c)),
            TestOp::Matches(re) => vals.iter().any(|v| re.is_match(&v.text())),
            TestOp::BitAnd(m) => vals.iter().any(|v| matches!(v, Val::Int(x) if x & m != 0)),
            TestOp::In(items, negated) => {
                let hit = |v: &Val<'_>| {
                    items.iter().any(|(lo, hi)| match hi {
                        None => v.compare(lo.for_val(v)) == Some(Ordering::Equal),
                        Some(hi) => {
                            matches!(v.compare(lo.for_val(v)), Some(Ordering::Greater | Ordering::Equal))
                                && matches!(v.compare(hi.for_val(v)), Some(Ordering::Less | Ordering::Equal))
                        }
                    })
                };
                if *negated {
                    !vals.is_empty() && !vals.iter().any(hit)
                } else {
                    vals.iter().any(hit)
                }
            }
        }
    }
}

/// Applies a comparison with Wireshark's occurrence quantifiers over every pair of values.
fn quantify(op: CmpOp, a: &[Val<'_>], b: &[Val<'_>]) -> bool {
    let eq = |x: &Val<'_>, y: &Val<'_>| x.compare(y) == Some(Ordering::Equal);
    let pairs = || a.iter().flat_map(|x| b.iter().map(move |y| (x, y)));
    match op {
        CmpOp::Eq => pairs().any(|(x, y)| eq(x, y)),
        CmpOp::AllNe => !a.is_empty() && !b.is_empty() && !pairs().any(|(x, y)| eq(x, y)),
        CmpOp::AllEq => !a.is_empty() && !b.is_empty() && pairs().all(|(x, y)| eq(x, y)),
        CmpOp::AnyNe => pairs().any(|(x, y)| !eq(x, y)),
        CmpOp::Lt => pairs().any(|(x, y)| x.compare(y) == Some(Ordering::Less)),
        CmpOp::Le => pairs().any(|(x, y)| matches!(x.compare(y), Some(Ordering::Less | Ordering::Equal))),
        CmpOp::Gt => pairs().any(|(x, y)| x.compare(y) == Some(Ordering::Greater)),
        CmpOp::Ge => pairs().any(|(x, y)| matches!(x.compare(y), Some(Ordering::Greater | Ordering::Equal))),
    }
}

/// [`quantify`] against a literal, each occurrence compared with the literal's reading of its kind.
fn quantify_lit(op: CmpOp, a: &[Val<'_>], lit: &Lit) -> bool {
    let cmp = |x: &Val<'_>| x.compare(lit.for_val(x));
    let eq = |x: &Val<'_>| cmp(x) == Some(Ordering::Equal);
    match op {
        CmpOp::Eq => a.iter().any(eq),
        CmpOp::AllNe => !a.is_empty() && !a.iter().any(eq),
        CmpOp::AllEq => !a.is_empty() && a.iter().all(eq),
        CmpOp::AnyNe => a.iter().any(|x| !eq(x)),
        CmpOp::Lt => a.iter().any(|x| cmp(x) == Some(Ordering::Less)),
        CmpOp::Le => a.iter().any(|x| matches!(cmp(x), Some(Ordering::Less | Ordering::Equal))),
        CmpOp::Gt => a.iter().any(|x| cmp(x) == Some(Ordering::Greater)),
        CmpOp::Ge => a.iter().any(|x| matches!(cmp(x), Some(Ordering::Greater | Ordering::Equal))),
    }
}

fn contains(v: &Val<'_>, c: &Val<'_>) -> bool {
    match (v, c) {
        (Val::Str(s), _) => s.contains(c.text().as_ref()),
        (Val::Bytes(b), _) => match c.bytes() {
            Some([]) => true,
            Some(n) => b.windows(n.len()).any(|w| w == n),
            None => false,
        },
        _ => false,
    }
}
