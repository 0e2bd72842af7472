//! A small read-only XML 1.0 tree for the Autodiscover bodies and the SAZ session metadata: elements
//! with their byte ranges, attributes (with ranges), text (CDATA included) and namespaces
//! (Namespaces in XML 1.0). Document type declarations are refused (no entity expansion, so no
//! entity bombs); only the predefined and character references are decoded (XML 1.0 4.6, 4.1).
//! Line ends are normalised (2.11) and attribute values whitespace-normalised (3.3.3).
//! The node count is bounded by the caller.

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;

/// Why a document was not read: a message and the byte offset of the mistake.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// What is wrong.
    pub message: &'static str,
    /// Byte offset in the text.
    pub at: usize,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at byte {}", self.message, self.at)
    }
}

const NONE: u32 = u32::MAX;

struct NodeData<'i> {
    element: bool,
    /// Local name (elements).
    name: &'i str,
    /// Namespace URI (elements).
    ns: Option<Cow<'i, str>>,
    /// Text (text nodes).
    text: String,
    range: Range<usize>,
    attrs: Range<usize>,
    first_child: u32,
    last_child: u32,
    next: u32,
}

struct AttrData<'i> {
    name: &'i str,
    /// The attribute has a namespace prefix.
    prefixed: bool,
    value: Cow<'i, str>,
    range: Range<usize>,
}

/// A parsed document; node 0 is the (unnamed) root holding the root element.
pub struct Document<'i> {
    nodes: Vec<NodeData<'i>>,
    attrs: Vec<AttrData<'i>>,
}

/// A node of a [`Document`].
#[derive(Clone, Copy)]
pub struct Node<'a, 'i> {
    doc: &'a Document<'i>,
    id: u32,
}

/// An attribute of an element.
#[derive(Clone, Copy)]
pub struct Attribute<'a, 'i> {
    a: &'a AttrData<'i>,
}

impl<'a> Attribute<'a, '_> {
    /// Local name.
    pub fn name(&self) -> &'a str {
        self.a.name
    }
    /// Decoded value.
    pub fn value(&self) -> &'a str {
        &self.a.value
    }
    /// Bytes from the name to the closing quote.
    pub fn range(&self) -> Range<usize> {
        self.a.range.clone()
    }
}

/// An element's name: local part and namespace URI.
pub struct TagName<'a> {
    name: &'a str,
    ns: Option<&'a str>,
}

impl<'a> TagName<'a> {
    /// Local name.
    pub fn name(&self) -> &'a str {
        self.name
    }
    /// Namespace URI, if any.
    pub fn namespace(&self) -> Option<&'a str> {
        self.ns
    }
}

impl<'a, 'i> Node<'a, 'i> {
    fn data(&self) -> &'a NodeData<'i> {
        // Ids come from the document itself; the fallback is never used.
        self.doc.nodes.get(self.id as usize).unwrap_or(&self.doc.nodes[0])
    }
    /// An element (not text, not the root).
    pub fn is_element(&self) -> bool {
        self.data().element
    }
    /// A text node.
    pub fn is_text(&self) -> bool {
        self.id != 0 && !self.data().element
    }
    /// The text of a text node.
    pub fn text(&self) -> Option<&'a str> {
        self.is_text().then(|| self.data().text.as_str())
    }
    /// The element's name.
    pub fn tag_name(&self) -> TagName<'a> {
        let d = self.data();
        TagName { name: d.name, ns: d.ns.as_deref() }
    }
    /// Bytes of the node: an element from `<` to the end of its end tag.
    pub fn range(&self) -> Range<usize> {
        self.data().range.clone()
    }
    /// The attributes (namespace declarations excluded).
    pub fn attributes(&self) -> impl Iterator<Item = Attribute<'a, 'i>> + 'a {
        self.doc.attrs.get(self.data().attrs.clone()).unwrap_or(&[]).iter().map(|a| Attribute { a })
    }
    /// The unprefixed attribute `name`.
    pub fn attribute_node(&self, name: &str) -> Option<Attribute<'a, 'i>> {
        self.attributes().find(|a| !a.a.prefixed && a.name() == name)
    }
    /// The value of the unprefixed attribute `name`.
    pub fn attribute(&self, name: &str) -> Option<&'a str> {
        self.attribute_node(name).map(|a| a.value())
    }
    /// The children in document order.
    pub fn children(&self) -> impl Iterator<Item = Node<'a, 'i>> + 'a {
        let doc = self.doc;
        let mut next = self.data().first_child;
        std::iter::from_fn(move || {
            let id = next;
            let d = doc.nodes.get(id as usize)?;
            next = d.next;
            Some(Node { doc, id })
        })
    }
    /// This node and every node under it, in document order.
    pub fn descendants(&self) -> impl Iterator<Item = Node<'a, 'i>> + 'a {
        let doc = self.doc;
        let mut stack = vec![self.id];
        std::iter::from_fn(move || {
            let id = stack.pop()?;
            let node = Node { doc, id };
            let kids: Vec<u32> = node.children().map(|c| c.id).collect();
            stack.extend(kids.into_iter().rev());
            Some(node)
        })
    }
}

impl<'i> Document<'i> {
    /// The document root (parent of the root element).
    pub fn root(&self) -> Node<'_, 'i> {
        Node { doc: self, id: 0 }
    }
    /// The root element.
    pub fn root_element(&self) -> Node<'_, 'i> {
        self.root().children().find(|n| n.is_element()).unwrap_or(self.root())
    }
    /// Every node in document order.
    pub fn descendants(&self) -> impl Iterator<Item = Node<'_, 'i>> + '_ {
        self.root().descendants()
    }

    /// Parses `text` with at most `nodes_limit` nodes.
    pub fn parse(text: &'i str, nodes_limit: usize) -> Result<Document<'i>, Error> {
        Parser { s: text, pos: 0, doc: Document { nodes: Vec::new(), attrs: Vec::new() }, open: Vec::new(), scopes: Vec::new(), limit: nodes_limit }.run()
    }
}

struct Parser<'i> {
    s: &'i str,
    pos: usize,
    doc: Document<'i>,
    /// Open elements: (node id, qualified name, namespace scopes before it).
    open: Vec<(u32, &'i str, usize)>,
    /// In-scope namespace declarations: (prefix, URI); "" is the default namespace.
    scopes: Vec<(&'i str, Cow<'i, str>)>,
    limit: usize,
}

fn err<T>(message: &'static str, at: usize) -> Result<T, Error> {
    Err(Error { message, at })
}

fn is_name_end(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n' | b'/' | b'>' | b'=')
}

impl<'i> Parser<'i> {
    fn rest(&self) -> &'i str {
        self.s.get(self.pos..).unwrap_or("")
    }

    fn skip_ws(&mut self) {
        let r = self.rest();
        self.pos += r.len() - r.trim_start_matches([' ', '\t', '\r', '\n']).len();
    }

    /// Moves past `end`, returning the text before it.
    fn until(&mut self, end: &str, what: &'static str) -> Result<&'i str, Error> {
        let r = self.rest();
        let Some(i) = r.find(end) else { return err(what, self.pos) };
        self.pos += i + end.len();
        Ok(r.get(..i).unwrap_or(""))
    }

    fn name(&mut self) -> Result<&'i str, Error> {
        let r = self.rest();
        let n = r.bytes().position(is_name_end).unwrap_or(r.len());
        if n == 0 {
            return err("a name was expected", self.pos);
        }
        self.pos += n;
        Ok(r.get(..n).unwrap_or(""))
    }

    fn add(&mut self, n: NodeData<'i>) -> Result<u32, Error> {
        if self.doc.nodes.len() >= self.limit {
            return err("too many nodes", self.pos);
        }
        let id = u32::try_from(self.doc.nodes.len()).map_err(|_| Error { message: "too many nodes", at: self.pos })?;
        let parent = self.open.last().map_or(0, |o| o.0);
        self.doc.nodes.push(n);
        if id != 0 {
            let last = self.doc.nodes.get(parent as usize).map_or(NONE, |p| p.last_child);
            if let Some(prev) = self.doc.nodes.get_mut(last as usize) {
                prev.next = id;
            } else if let Some(p) = self.doc.nodes.get_mut(parent as usize) {
                p.first_child = id;
            }
            if let Some(p) = self.doc.nodes.get_mut(parent as usize) {
                p.last_child = id;
            }
        }
        Ok(id)
    }

    fn text(&mut self, text: Cow<'i, str>, at: usize) -> Result<(), Error> {
        if self.open.is_empty() {
            if text.trim_matches([' ', '\t', '\r', '\n']).is_empty() {
                return Ok(());
            }
            return err("text outside the root element", at);
        }
        // Adjacent text and CDATA form one text node.
        let parent = self.open.last().map_or(0, |o| o.0);
        let last = self.doc.nodes.get(parent as usize).map_or(NONE, |p| p.last_child);
        if let Some(prev) = self.doc.nodes.get_mut(last as usize).filter(|p| !p.element) {
            prev.text.push_str(&text);
            prev.range.end = self.pos;
            return Ok(());
        }
        let node = NodeData { element: false, name: "", ns: None, text: text.into_owned(), range: at..self.pos, attrs: 0..0, first_child: NONE, last_child: NONE, next: NONE };
        self.add(node).map(|_| ())
    }

    fn run(mut self) -> Result<Document<'i>, Error> {
        let root = NodeData { element: false, name: "", ns: None, text: String::new(), range: 0..self.s.len(), attrs: 0..0, first_child: NONE, last_child: NONE, next: NONE };
        self.add(root)?;
        let mut seen_root = false;
        while self.pos < self.s.len() {
            let at = self.pos;
            let r = self.rest();
            if r.starts_with("<?") {
                self.until("?>", "unclosed processing instruction")?;
            } else if r.starts_with("<!--") {
                self.pos += 4;
                self.until("-->", "unclosed comment")?;
            } else if r.starts_with("<![CDATA[") {
                self.pos += 9;
                let t = self.until("]]>", "unclosed CDATA section")?;
                if self.open.is_empty() {
                    return err("CDATA outside the root element", at);
                }
                self.text(normalize_newlines(t), at)?;
            } else if r.starts_with("<!") {
                return err("document type declarations are not allowed", at);
            } else if r.starts_with("</") {
                self.pos += 2;
                let name = self.name()?;
                self.skip_ws();
                if !self.rest().starts_with('>') {
                    return err("'>' expected", self.pos);
                }
                self.pos += 1;
                let Some((id, open, scopes)) = self.open.pop() else { return err("end tag without a start tag", at) };
                if open != name {
                    return err("end tag does not match the start tag", at);
                }
                self.scopes.truncate(scopes);
                if let Some(n) = self.doc.nodes.get_mut(id as usize) {
                    n.range.end = self.pos;
                }
            } else if r.starts_with('<') {
                if seen_root && self.open.is_empty() {
                    return err("a second root element", at);
                }
                seen_root = true;
                self.start_tag(at)?;
            } else {
                let end = r.find('<').unwrap_or(r.len());
                self.pos += end;
                let raw = r.get(..end).unwrap_or("");
                let t = decode(raw, at, false)?;
                self.text(t, at)?;
            }
        }
        if let Some(&(id, ..)) = self.open.last() {
            let at = self.doc.nodes.get(id as usize).map_or(0, |n| n.range.start);
            return err("unclosed element", at);
        }
        if !seen_root {
            return err("no root element", 0);
        }
        Ok(self.doc)
    }

    fn start_tag(&mut self, at: usize) -> Result<(), Error> {
        self.pos += 1;
        let qname = self.name()?;
        let scopes = self.scopes.len();
        let first_attr = self.doc.attrs.len();
        let mut raw_attrs: Vec<(&'i str, Cow<'i, str>, Range<usize>)> = Vec::new();
        let empty = loop {
            let before = self.pos;
            self.skip_ws();
            let r = self.rest();
            if r.starts_with("/>") {
                self.pos += 2;
                break true;
            }
            if r.starts_with('>') {
                self.pos += 1;
                break false;
            }
            if r.is_empty() {
                return err("unclosed start tag", at);
            }
            if self.pos == before {
                return err("whitespace expected between attributes", self.pos);
            }
            let a_at = self.pos;
            let name = self.name()?;
            self.skip_ws();
            if !self.rest().starts_with('=') {
                return err("'=' expected", self.pos);
            }
            self.pos += 1;
            self.skip_ws();
            let q = match self.rest().as_bytes().first() {
                Some(b'"') => "\"",
                Some(b'\'') => "'",
                _ => return err("a quoted attribute value was expected", self.pos),
            };
            self.pos += 1;
            let v_at = self.pos;
            let raw = self.until(q, "unclosed attribute value")?;
            if raw.contains('<') {
                return err("'<' in an attribute value", v_at);
            }
            if raw_attrs.iter().any(|(n, ..)| *n == name) {
                return err("duplicate attribute", a_at);
            }
            raw_attrs.push((name, decode(raw, v_at, true)?, a_at..self.pos));
        };
        // Namespace declarations first (they apply to the element and its attributes).
        for (name, value, _) in &raw_attrs {
            if *name == "xmlns" {
                self.scopes.push(("", value.clone()));
            } else if let Some(p) = name.strip_prefix("xmlns:") {
                self.scopes.push((p, value.clone()));
            }
        }
        let (prefix, local) = match qname.split_once(':') {
            Some((p, l)) => (p, l),
            None => ("", qname),
        };
        let ns = match self.scopes.iter().rev().find(|(p, _)| *p == prefix) {
            Some((_, uri)) if !uri.is_empty() => Some(uri.clone()),
            Some(_) if prefix.is_empty() => None,
            None if prefix.is_empty() => None,
            _ if prefix == "xml" => Some(Cow::Borrowed("http://www.w3.org/XML/1998/namespace")),
            _ => return err("unknown namespace prefix", at),
        };
        for (name, value, range) in raw_attrs {
            if name == "xmlns" || name.starts_with("xmlns:") {
                continue;
            }
            let (prefixed, local) = match name.split_once(':') {
                Some((p, l)) => {
                    if p != "xml" && !self.scopes.iter().any(|(q, _)| *q == p) {
                        return err("unknown namespace prefix", range.start);
                    }
                    (true, l)
                }
                None => (false, name),
            };
            self.doc.attrs.push(AttrData { name: local, prefixed, value, range });
        }
        let node = NodeData {
            element: true,
            name: local,
            ns,
            text: String::new(),
            range: at..self.pos,
            attrs: first_attr..self.doc.attrs.len(),
            first_child: NONE,
            last_child: NONE,
            next: NONE,
        };
        let id = self.add(node)?;
        if empty {
            self.scopes.truncate(scopes);
        } else {
            self.open.push((id, qname, scopes));
        }
        Ok(())
    }
}

/// `\r\n` and lone `\r` as `\n` (XML 1.0 2.11).
fn normalize_newlines(s: &str) -> Cow<'_, str> {
    if s.contains('\r') {
        Cow::Owned(s.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        Cow::Borrowed(s)
    }
}

/// Decodes character and predefined entity references; in attribute values, whitespace characters
/// become spaces (XML 1.0 3.3.3).
fn decode(raw: &str, at: usize, attribute: bool) -> Result<Cow<'_, str>, Error> {
    let raw = normalize_newlines(raw);
    let whitespace = attribute && raw.contains(['\t', '\n']);
    if !whitespace && !raw.contains('&') {
        return Ok(raw);
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest: &str = &raw;
    while let Some(i) = rest.find(['&', '\t', '\n']) {
        out.push_str(rest.get(..i).unwrap_or(""));
        let tail = rest.get(i..).unwrap_or("");
        if !tail.starts_with('&') {
            out.push(if attribute { ' ' } else { tail.chars().next().unwrap_or(' ') });
            rest = tail.get(1..).unwrap_or("");
            continue;
        }
        let Some(end) = tail.find(';') else { return err("unterminated reference", at) };
        let name = tail.get(1..end).unwrap_or("");
        let c = match name {
            "lt" => '<',
            "gt" => '>',
            "amp" => '&',
            "apos" => '\'',
            "quot" => '"',
            _ => {
                let code = if let Some(h) = name.strip_prefix("#x") {
                    u32::from_str_radix(h, 16).ok()
                } else if let Some(d) = name.strip_prefix('#') {
                    d.parse().ok()
                } else {
                    return err("unknown entity reference", at);
                };
                match code.and_then(char::from_u32) {
                    Some(c) if c != '\0' => c,
                    _ => return err("invalid character reference", at),
                }
            }
        };
        out.push(c);
        rest = tail.get(end + 1..).unwrap_or("");
    }
    out.push_str(rest);
    Ok(Cow::Owned(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    const AD: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<!-- comment -->
<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006">
  <Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a">
    <User><DisplayName> Ann &amp; Bob &#x263A; </DisplayName></User>
    <Account><Protocol Type="mapiHttp" Version='1'><MailStore><InternalUrl><![CDATA[https://a/?x=1&y]]>&lt;z</InternalUrl></MailStore></Protocol></Account>
    <a:Empty xmlns:a="urn:x" a:k="1" k="v&#9;w"/>
  </Response>
</Autodiscover>"#;

    #[test]
    fn tree_ranges_text_attributes_namespaces() {
        let d = Document::parse(AD, 1000).unwrap();
        let root = d.root_element();
        assert_eq!(root.tag_name().name(), "Autodiscover");
        assert_eq!(root.tag_name().namespace(), Some("http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006"));
        assert_eq!(&AD[root.range()][..13], "<Autodiscover");
        assert!(AD[root.range()].ends_with("</Autodiscover>"));
        let resp = root.children().find(|c| c.is_element()).unwrap();
        assert_eq!(resp.tag_name().namespace(), Some("http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a"));
        let names: Vec<&str> = resp.children().filter(|c| c.is_element()).map(|c| c.tag_name().name()).collect();
        assert_eq!(names, ["User", "Account", "Empty"]);
        let dn = d.descendants().find(|n| n.tag_name().name() == "DisplayName").unwrap();
        assert_eq!(dn.children().next().unwrap().text(), Some(" Ann & Bob \u{263A} "));
        assert_eq!(&AD[dn.range()], "<DisplayName> Ann &amp; Bob &#x263A; </DisplayName>");
        let p = d.descendants().find(|n| n.tag_name().name() == "Protocol").unwrap();
        let t = p.attribute_node("Type").unwrap();
        assert_eq!((t.value(), &AD[t.range()]), ("mapiHttp", "Type=\"mapiHttp\""));
        assert_eq!(p.attribute("Version"), Some("1"));
        let url = d.descendants().find(|n| n.tag_name().name() == "InternalUrl").unwrap();
        let texts: Vec<&str> = url.children().filter_map(|c| c.text()).collect();
        assert_eq!(texts, ["https://a/?x=1&y<z"]);
        let e = d.descendants().find(|n| n.tag_name().name() == "Empty").unwrap();
        assert_eq!(e.tag_name().namespace(), Some("urn:x"));
        // A character reference to a tab is kept; a literal one becomes a space (XML 1.0 3.3.3).
        assert_eq!(e.attribute("k"), Some("v\tw"));
        assert_eq!(Document::parse("<a k=\"x\ty\"/>", 10).unwrap().root_element().attribute("k"), Some("x y"));
        assert_eq!(e.attributes().map(|a| a.name()).collect::<Vec<_>>(), ["k", "k"]);
        assert!(AD[e.range()].ends_with("/>"));
        assert_eq!(d.descendants().filter(|n| n.is_element()).count(), 9);
    }

    #[test]
    fn malformed_documents_are_refused() {
        for (doc, msg) in [
            ("<a><b></a>", "end tag does not match the start tag"),
            ("<a>", "unclosed element"),
            ("<!DOCTYPE a [<!ENTITY x 'y'>]><a/>", "document type declarations are not allowed"),
            ("<a>&bomb;</a>", "unknown entity reference"),
            ("<a x='1' x='2'/>", "duplicate attribute"),
            ("<p:a/>", "unknown namespace prefix"),
            ("<a/><b/>", "a second root element"),
            ("", "no root element"),
            ("text", "text outside the root element"),
            ("<a x=1/>", "a quoted attribute value was expected"),
            ("<a>&#0;</a>", "invalid character reference"),
            ("<a", "unclosed start tag"),
        ] {
            assert_eq!(Document::parse(doc, 100).err().map(|e| e.message), Some(msg), "{doc}");
        }
        let many = format!("<a>{}</a>", "<b/>".repeat(200));
        assert_eq!(Document::parse(&many, 100).err().map(|e| e.message), Some("too many nodes"));
        assert_eq!(Document::parse("<a>\r\n</a>", 10).unwrap().root_element().children().next().unwrap().text(), Some("\n"));
        assert_eq!(Document::parse("<a/>", 10).unwrap().descendants().count(), 2);
    }

    /// Every prefix and many one-byte changes of a real document: never a panic, and what parses
    /// has ranges inside the text.
    #[test]
    fn truncations_and_mutations_never_panic() {
        let mut checked = 0;
        for n in 0..=AD.len() {
            let _ = Document::parse(&AD[..n], 1000);
        }
        for i in 0..AD.len() {
            for c in [b'<', b'>', b'&', b'"', b'\'', b'/', b'=', b':', b';', b'#', b'x', b' ', b'!', b'?', b'['] {
                let mut m = AD.as_bytes().to_vec();
                m[i] = c;
                let m = String::from_utf8(m).unwrap();
                if let Ok(d) = Document::parse(&m, 1000) {
                    for node in d.descendants() {
                        assert!(node.range().end <= m.len() && node.range().start <= node.range().end);
                        node.attributes().for_each(|a| assert!(a.range().end <= m.len()));
                    }
                    checked += 1;
                }
            }
        }
        assert!(checked > 1000, "{checked}");
    }
}
