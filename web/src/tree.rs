//! The decoded tree of one exchange, flattened in pre-order for a virtualised, collapsible view.
//!
//! Roots: the request and response bodies, the HTTP headers of both messages, the Autodiscover
//! body, and the exchange's expert info. Every node has a *path* (`q.0.3` = request root, child 0,
//! its child 3) used in deep links (`#e=12&f=q.0.3`).

use crate::model::{Diag, Exchange, Node};

/// One node of the flattened tree.
#[derive(Clone, Debug, PartialEq)]
pub struct Flat {
    /// The text shown (`Name: value`).
    pub display: String,
    /// The field's name (`UserDn`); empty for synthetic nodes (headers, expert info).
    pub name: String,
    /// The filter key (`mapihttp.execute.flags`), if any.
    pub abbrev: Option<String>,
    /// Byte span: source id, offset, length (None for synthetic nodes such as headers).
    pub source: Option<u32>,
    pub offset: usize,
    pub length: usize,
    pub depth: usize,
    pub parent: Option<usize>,
    /// One past the last node of this node's subtree.
    pub end: usize,
    pub path: String,
    /// Severity class for diagnostic nodes.
    pub severity: Option<String>,
}

impl Flat {
    pub fn has_children(&self, me: usize) -> bool {
        self.end > me + 1
    }
}

/// The flattened tree with its expansion state.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Tree {
    pub nodes: Vec<Flat>,
    pub expanded: Vec<bool>,
    /// Nodes currently shown (ancestors expanded), in order.
    pub visible: Vec<usize>,
}

fn push_node(out: &mut Vec<Flat>, n: &Node, depth: usize, parent: Option<usize>, path: String) {
    let me = out.len();
    let display = n.display.clone().unwrap_or_else(|| n.name.clone());
    out.push(Flat {
        display,
        name: n.name.clone(),
        abbrev: n.abbrev.clone(),
        source: n.source,
        offset: n.offset.unwrap_or(0),
        length: n.length.unwrap_or(0),
        depth,
        parent,
        end: me + 1,
        path: path.clone(),
        severity: None,
    });
    for (k, c) in n.children.iter().enumerate() {
        push_node(out, c, depth + 1, Some(me), format!("{path}.{k}"));
    }
    let end = out.len();
    if let Some(f) = out.get_mut(me) {
        f.end = end;
    }
}

fn synthetic(out: &mut Vec<Flat>, display: String, depth: usize, parent: Option<usize>, path: String) -> usize {
    let me = out.len();
    out.push(Flat { display, name: String::new(), abbrev: None, source: None, offset: 0, length: 0, depth, parent, end: me + 1, path, severity: None });
    me
}

fn close(out: &mut [Flat], me: usize, end: usize) {
    if let Some(f) = out.get_mut(me) {
        f.end = end;
    }
}

fn headers(out: &mut Vec<Flat>, title: &str, path: &str, list: &[(String, String)]) {
    let me = synthetic(out, format!("{title} ({} headers)", list.len()), 0, None, path.to_string());
    for (k, (n, v)) in list.iter().enumerate() {
        synthetic(out, format!("{n}: {v}"), 1, Some(me), format!("{path}.{k}"));
    }
    let end = out.len();
    close(out, me, end);
}

fn diags(out: &mut Vec<Flat>, list: &[Diag]) {
    let me = synthetic(out, format!("Expert info ({} diagnostics)", list.len()), 0, None, "x".into());
    for (k, d) in list.iter().enumerate() {
        let i = synthetic(out, format!("[{}] {}", d.severity, d.message), 1, Some(me), format!("x.{k}"));
        if let Some(f) = out.get_mut(i) {
            f.severity = Some(d.severity.clone());
            f.source = d.source;
            f.offset = d.offset.unwrap_or(0);
            f.length = d.length.unwrap_or(0);
        }
    }
    let end = out.len();
    close(out, me, end);
}

impl Tree {
    /// "Copy value": the node's displayed value, without its `Name: ` prefix (the whole text for a
    /// structure that shows no value).
    pub fn value_text(&self, i: usize) -> String {
        let Some(n) = self.nodes.get(i) else { return String::new() };
        if !n.name.is_empty() {
            if let Some(v) = n.display.strip_prefix(n.name.as_str()).and_then(|r| r.strip_prefix(": ")) {
                return v.to_string();
            }
            return n.display.clone();
        }
        match n.display.split_once(": ") {
            Some((_, v)) if n.severity.is_none() => v.to_string(),
            _ => n.display.clone(),
        }
    }

    /// "Copy subtree as text": the node and everything below it, one `Name: value` line each,
    /// children indented by four spaces (as `mapiscope read -V` prints trees).
    pub fn subtree_text(&self, i: usize) -> String {
        let Some(root) = self.nodes.get(i) else { return String::new() };
        let mut out = String::new();
        for n in self.nodes.get(i..root.end).unwrap_or(&[]) {
            for _ in root.depth..n.depth {
                out.push_str("    ");
            }
            out.push_str(&n.display);
            out.push('\n');
        }
        out
    }

    /// Builds the tree of an exchange; the roots and their children start expanded.
    pub fn from_exchange(x: &Exchange) -> Tree {
        let mut nodes = Vec::new();
        if let Some(h) = &x.request_headers {
            headers(&mut nodes, "HTTP request headers", "hq", h);
        }
        if let Some(n) = &x.request {
            push_node(&mut nodes, n, 0, None, "q".into());
        }
        if let Some(h) = &x.response_headers {
            headers(&mut nodes, "HTTP response headers", "hs", h);
        }
        if let Some(n) = &x.response {
            push_node(&mut nodes, n, 0, None, "s".into());
        }
        if let Some(n) = &x.autodiscover {
            push_node(&mut nodes, n, 0, None, "a".into());
        }
        if !x.diagnostics.is_empty() {
            diags(&mut nodes, &x.diagnostics);
        }
        let expanded = nodes.iter().map(|n| n.depth < 2 && !n.path.starts_with('h')).collect();
        let mut t = Tree { nodes, expanded, visible: Vec::new() };
        t.refresh();
        t
    }

    /// Recomputes the visible list from the expansion state.
    pub fn refresh(&mut self) {
        self.visible.clear();
        let mut i = 0;
        while let Some(n) = self.nodes.get(i) {
            self.visible.push(i);
            if self.expanded.get(i).copied().unwrap_or(false) {
                i += 1;
            } else {
                i = n.end.max(i + 1);
            }
        }
    }

    pub fn set_expanded(&mut self, i: usize, on: bool) {
        if let Some(e) = self.expanded.get_mut(i) {
            *e = on;
        }
        self.refresh();
    }

    pub fn set_all(&mut self, on: bool) {
        for e in &mut self.expanded {
            *e = on;
        }
        self.refresh();
    }

    /// Expands every ancestor of `i` so that it is visible.
    pub fn reveal(&mut self, i: usize) {
        let mut p = self.nodes.get(i).and_then(|n| n.parent);
        while let Some(k) = p {
            if let Some(e) = self.expanded.get_mut(k) {
                *e = true;
            }
            p = self.nodes.get(k).and_then(|n| n.parent);
        }
        self.refresh();
    }

    /// The deepest node whose span in `source` covers `offset` (the smallest span on ties).
    pub fn node_at(&self, source: u32, offset: usize) -> Option<usize> {
        let mut best: Option<(usize, usize, usize)> = None; // (depth, length, index)
        for (i, n) in self.nodes.iter().enumerate() {
            if n.source != Some(source) || n.severity.is_some() || n.length == 0 {
                continue;
            }
            if offset < n.offset || offset - n.offset >= n.length {
                continue;
            }
            let better = match best {
                None => true,
                Some((d, l, _)) => n.depth > d || (n.depth == d && n.length < l),
            };
            if better {
                best = Some((n.depth, n.length, i));
            }
        }
        best.map(|(_, _, i)| i)
    }

    pub fn by_path(&self, path: &str) -> Option<usize> {
        self.nodes.iter().position(|n| n.path == path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(name: &str, src: u32, off: usize, len: usize, children: Vec<Node>) -> Node {
        Node { name: name.into(), display: Some(format!("{name}: x")), source: Some(src), offset: Some(off), length: Some(len), children, ..Node::default() }
    }

    fn sample() -> Exchange {
        let req = node("Req", 0, 0, 20, vec![
            node("A", 0, 0, 4, vec![]),
            node("B", 0, 4, 16, vec![node("Payload", 1, 0, 10, vec![node("Inner", 1, 2, 3, vec![])])]),
        ]);
        Exchange {
            request: Some(req),
            request_headers: Some(vec![("Host".into(), "x".into())]),
            diagnostics: vec![Diag { severity: "warning".into(), message: "m".into(), source: Some(1), offset: Some(2), length: Some(1) }],
            ..Exchange::default()
        }
    }

    #[test]
    fn flattens_with_paths_and_subtree_ends() {
        let t = Tree::from_exchange(&sample());
        let paths: Vec<&str> = t.nodes.iter().map(|n| n.path.as_str()).collect();
        assert_eq!(paths, ["hq", "hq.0", "q", "q.0", "q.1", "q.1.0", "q.1.0.0", "x", "x.0"]);
        assert_eq!(t.nodes[2].end, 7);
        assert_eq!(t.nodes[4].end, 7);
        assert_eq!(t.nodes[1].display, "Host: x");
        assert_eq!(t.nodes[2].display, "Req: x");
        // Headers collapsed, depth < 2 of the body expanded: q, q.0, q.1 shown; q.1.0 shown (child of an expanded depth-1 node) but not its child.
        let shown: Vec<&str> = t.visible.iter().map(|&i| t.nodes[i].path.as_str()).collect();
        assert_eq!(shown, ["hq", "q", "q.0", "q.1", "q.1.0", "x", "x.0"]);
    }

    #[test]
    fn byte_lookup_finds_the_deepest_field() {
        let t = Tree::from_exchange(&sample());
        assert_eq!(t.node_at(0, 2).map(|i| t.nodes[i].path.as_str()), Some("q.0"));
        assert_eq!(t.node_at(0, 19).map(|i| t.nodes[i].path.as_str()), Some("q.1"));
        assert_eq!(t.node_at(1, 3).map(|i| t.nodes[i].path.as_str()), Some("q.1.0.0"));
        assert_eq!(t.node_at(1, 9).map(|i| t.nodes[i].path.as_str()), Some("q.1.0"));
        assert_eq!(t.node_at(0, 20), None);
        assert_eq!(t.node_at(7, 0), None);
    }

    #[test]
    fn copies_values_and_subtrees() {
        let mut x = sample();
        if let Some(r) = x.request.as_mut() {
            r.children[0].display = Some("A: 0x01 (one)".into());
        }
        let t = Tree::from_exchange(&x);
        let a = t.nodes.iter().position(|n| n.name == "A").unwrap();
        assert_eq!(t.value_text(a), "0x01 (one)");
        let root = t.nodes.iter().position(|n| n.path == "q").unwrap();
        assert_eq!(t.value_text(root), "x");
        let text = t.subtree_text(root);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "Req: x");
        assert_eq!(lines[3], "        Payload: x");
        assert_eq!(lines[1], "    A: 0x01 (one)");
        assert!(lines.iter().skip(1).all(|l| l.starts_with("    ")), "{text}");
        assert_eq!(lines.len(), t.nodes[root].end - root);
        let diag = t.nodes.iter().position(|n| n.severity.is_some()).unwrap();
        assert_eq!(t.value_text(diag), "[warning] m");
    }

    #[test]
    fn collapse_expand_and_reveal() {
        let mut t = Tree::from_exchange(&sample());
        let q = t.by_path("q").unwrap();
        t.set_expanded(q, false);
        assert_eq!(t.visible.len(), 4); // hq, q, x, x.0
        let inner = t.by_path("q.1.0.0").unwrap();
        t.reveal(inner);
        assert!(t.visible.contains(&inner));
        t.set_all(false);
        assert_eq!(t.visible.len(), 3);
        t.set_all(true);
        assert_eq!(t.visible.len(), t.nodes.len());
    }
}
