//! The parser: filter text → a typed program. Fields are resolved against the registry and every
//! literal is converted to the class of the field it is compared with, so evaluation does no parsing
//! and a wrong filter is reported once, with its position.
//!
//! Grammar (lowest precedence first):
//! ```text
//! expr    := xor ( ("||" | "or") xor )*
//! xor     := and ( ("^^" | "xor") and )*
//! and     := unary ( ("&&" | "and") unary )*
//! unary   := ("!" | "not") unary | "(" expr ")" | test
//! test    := lhs [ cmp rhs | "contains" rhs | ("matches" | "~") rhs | "&" rhs
//!                | ["not"] "in" "{" item ( [","] item )* "}" ]
//! lhs     := FIELD | ("count" | "len") "(" FIELD ")"
//! rhs     := FIELD | literal            item := literal [".." literal]
//! ```
//! Limits: 64 KiB of text, 64 levels of nesting, 4,096 set items; a regular expression compiles to at
//! most 1 MiB.

use crate::eval::{Filter, Lhs, Node, Slot, Test, TestOp};
use crate::fields::{self, source_of};
use crate::lex::{lex, CmpOp, Tok, Token};
use crate::value::{self, Class, Lit as Literal, Val};
use crate::FilterError;
use mapiscope_codec::{Disp, Field};
use std::borrow::Cow;

/// The longest filter text accepted.
pub const MAX_LEN: usize = 64 * 1024;
/// The deepest nesting of parentheses and `not`.
pub const MAX_DEPTH: usize = 64;
/// The most items of one `in {…}` set.
pub const MAX_SET: usize = 4096;
/// The compiled-size limit of one regular expression.
pub const REGEX_SIZE: usize = 1 << 20;

/// Compiles a filter. An empty (or blank) filter matches every exchange.
pub fn compile(text: &str) -> Result<Filter, FilterError> {
    if text.len() > MAX_LEN {
        return Err(FilterError::new(MAX_LEN, text.len(), format!("the filter is longer than {MAX_LEN} bytes")));
    }
    let toks = lex(text)?;
    let mut p = Parser { toks: &toks, pos: 0, slots: Vec::new(), text_len: text.len(), depth: 0 };
    if toks.is_empty() {
        return Ok(Filter::new(text, None, Vec::new()));
    }
    let root = p.expr()?;
    if let Some(t) = p.peek() {
        let what = describe(&t.tok);
        let mut e = FilterError::new(t.start, t.end, format!("unexpected {what} after a complete expression"));
        if matches!(t.tok, Tok::Word(_) | Tok::Str(_) | Tok::LParen) {
            e = e.with_suggestion("&&");
        }
        return Err(e);
    }
    Ok(Filter::new(text, Some(root), p.slots))
}

fn describe(t: &Tok) -> String {
    match t {
        Tok::LParen => "\"(\"".into(),
        Tok::RParen => "\")\"".into(),
        Tok::LBrace => "\"{\"".into(),
        Tok::RBrace => "\"}\"".into(),
        Tok::LBracket => "\"[\"".into(),
        Tok::RBracket => "\"]\"".into(),
        Tok::Comma => "\",\"".into(),
        Tok::DotDot => "\"..\"".into(),
        Tok::And => "\"and\"".into(),
        Tok::Or => "\"or\"".into(),
        Tok::Xor => "\"xor\"".into(),
        Tok::Not => "\"not\"".into(),
        Tok::Cmp(_) => "comparison operator".into(),
        Tok::BitAnd => "\"&\"".into(),
        Tok::Contains => "\"contains\"".into(),
        Tok::Matches => "\"matches\"".into(),
        Tok::In => "\"in\"".into(),
        Tok::Word(w) => format!("\"{w}\""),
        Tok::Str(_) => "string".into(),
    }
}

struct Parser<'t> {
    toks: &'t [Token],
    pos: usize,
    slots: Vec<Slot>,
    text_len: usize,
    depth: usize,
}

/// A literal as written: a bare word or a quoted string.
enum Lit {
    Word(String),
    Str(String),
}

impl Lit {
    fn text(&self) -> &str {
        match self {
            Lit::Word(s) | Lit::Str(s) => s,
        }
    }
}

impl<'t> Parser<'t> {
    fn peek(&self) -> Option<&'t Token> {
        self.toks.get(self.pos)
    }

    fn bump(&mut self) -> Option<&'t Token> {
        let t = self.toks.get(self.pos);
        if t.is_some() {
            self.pos += 1;
        }
        t
    }

    fn eat(&mut self, want: &Tok) -> bool {
        if self.peek().is_some_and(|t| &t.tok == want) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn end_error(&self, what: &str) -> FilterError {
        FilterError::new(self.text_len, self.text_len, format!("the filter ends where {what} was expected"))
    }

    fn expr(&mut self) -> Result<Node, FilterError> {
        let mut parts = vec![self.xor()?];
        while self.eat(&Tok::Or) {
            parts.push(self.xor()?);
        }
        Ok(if parts.len() == 1 { parts.pop().unwrap_or(Node::True) } else { Node::Or(parts) })
    }

    fn xor(&mut self) -> Result<Node, FilterError> {
        let mut left = self.and()?;
        while self.eat(&Tok::Xor) {
            let right = self.and()?;
            left = Node::Xor(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Node, FilterError> {
        let mut parts = vec![self.unary()?];
        while self.eat(&Tok::And) {
            parts.push(self.unary()?);
        }
        Ok(if parts.len() == 1 { parts.pop().unwrap_or(Node::True) } else { Node::And(parts) })
    }

    fn unary(&mut self) -> Result<Node, FilterError> {
        let Some(t) = self.peek() else { return Err(self.end_error("a field or \"(\"")) };
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(FilterError::new(t.start, t.end, format!("the filter nests deeper than {MAX_DEPTH} levels")));
        }
        let r = match &t.tok {
            Tok::Not => {
                self.pos += 1;
                self.unary().map(|n| Node::Not(Box::new(n)))
            }
            Tok::LParen => {
                self.pos += 1;
                let inner = self.expr()?;
                match self.bump() {
                    Some(Token { tok: Tok::RParen, .. }) => Ok(inner),
                    Some(u) => Err(FilterError::new(u.start, u.end, format!("expected \")\" to close the \"(\" at offset {}, found {}", t.start, describe(&u.tok)))),
                    None => Err(FilterError::new(t.start, t.end, "this \"(\" is never closed").with_suggestion(")")),
                }
            }
            _ => self.test(),
        };
        self.depth -= 1;
        r
    }

    fn slot(&mut self, field: &'static Field) -> usize {
        if let Some(i) = self.slots.iter().position(|s| std::ptr::eq(s.field, field)) {
            return i;
        }
        self.slots.push(Slot { field, source: source_of(field) });
        self.slots.len() - 1
    }

    /// A field key at the current token (the `$` prefix of Wireshark's field references is accepted).
    fn field_at(&self, t: &Token) -> Result<&'static Field, FilterError> {
        match &t.tok {
            Tok::Word(w) => {
                let key = w.strip_prefix('$').unwrap_or(w);
                fields::by_key(key).ok_or_else(|| {
                    let mut e = if value::parse_int(key).is_some() || key.parse::<f64>().is_ok() {
                        FilterError::new(t.start, t.end, format!("a test starts with a field, not the value {key:?}"))
                    } else {
                        FilterError::new(t.start, t.end, format!("unknown field \"{key}\""))
                    };
                    if let Some(s) = fields::suggest(key) {
                        e = e.with_suggestion(s);
                    }
                    e
                })
            }
            other => Err(FilterError::new(t.start, t.end, format!("expected a field, found {}", describe(other)))),
        }
    }

    fn lhs(&mut self) -> Result<(Lhs, Class, &'static Field, usize, usize), FilterError> {
        let Some(t) = self.bump() else { return Err(self.end_error("a field")) };
        if let Tok::Word(w) = &t.tok {
            let func = w.to_ascii_lowercase();
            if (func == "count" || func == "len") && self.peek().is_some_and(|n| n.tok == Tok::LParen) {
                self.pos += 1;
                let Some(ft) = self.bump() else { return Err(self.end_error("a field")) };
                let field = self.field_at(ft)?;
                if func == "len" && !Class::of(field.ty).is_textual() {
                    // Wireshark's len() is the byte length of a string or bytes field.
                    return Err(FilterError::new(ft.start, ft.end, format!("len() needs a string or bytes field; {} is {}", field.key, field.ty.name())).with_suggestion(format!("count({})", field.key)));
                }
                let s = self.slot(field);
                match self.bump() {
                    Some(Token { tok: Tok::RParen, end, .. }) => {
                        let lhs = if func == "count" { Lhs::Count(s) } else { Lhs::Len(s) };
                        return Ok((lhs, Class::Int, field, t.start, *end));
                    }
                    Some(u) => return Err(FilterError::new(u.start, u.end, format!("expected \")\" after the field of {func}()"))),
                    None => return Err(self.end_error("\")\"")),
                }
            }
        }
        if matches!(t.tok, Tok::Str(_)) {
            return Err(FilterError::new(t.start, t.end, "a test starts with a field, not a string"));
        }
        let field = self.field_at(t)?;
        let s = self.slot(field);
        if self.peek().is_some_and(|n| n.tok == Tok::LBracket) {
            let b = self.peek().map_or((0, 0), |b| (b.start, b.end));
            return Err(FilterError::new(b.0, b.1, "slices (field[i:j]) and layers (field#n) are not supported"));
        }
        Ok((Lhs::Field(s), Class::of(field.ty), field, t.start, t.end))
    }

    fn literal(&mut self, what: &str) -> Result<(Lit, usize, usize), FilterError> {
        // A braced GUID `{C840A7DC-42C0-1A10-B4B9-08002B2FE182}`, as the tree and `-T fields` show
        // GUIDs, is one literal (the braces touch the GUID).
        if let (Some(Token { tok: Tok::LBrace, start, end: e1 }), Some(Token { tok: Tok::Word(w), start: s2, end: e2 }), Some(Token { tok: Tok::RBrace, start: s3, end })) =
            (self.toks.get(self.pos), self.toks.get(self.pos + 1), self.toks.get(self.pos + 2))
        {
            if e1 == s2 && e2 == s3 && w.len() == 36 && value::parse_guid(w).is_some() {
                let lit = (Lit::Word(format!("{{{w}}}")), *start, *end);
                self.pos += 3;
                return Ok(lit);
            }
        }
        match self.bump() {
            Some(Token { tok: Tok::Word(w), start, end }) => Ok((Lit::Word(w.clone()), *start, *end)),
            Some(Token { tok: Tok::Str(s), start, end }) => Ok((Lit::Str(s.clone()), *start, *end)),
            Some(t) => Err(FilterError::new(t.start, t.end, format!("expected {what}, found {}", describe(&t.tok)))),
            None => Err(self.end_error(what)),
        }
    }

    fn test(&mut self) -> Result<Node, FilterError> {
        let (lhs, class, field, lstart, lend) = self.lhs()?;
        // count() and len() give numbers: the field's value names and type do not apply.
        let func = match lhs {
            Lhs::Field(_) => None,
            Lhs::Count(_) => Some("count"),
            Lhs::Len(_) => Some("len"),
        };
        let Some(op) = self.peek() else { return Ok(Node::Test(Test { lhs, op: TestOp::Exists })) };
        let op_tok = op.tok.clone();
        let (ostart, oend) = (op.start, op.end);
        let test_op = match op_tok {
            Tok::Cmp(c) => {
                self.pos += 1;
                // A field on the right compares occurrence with occurrence.
                if let Some(Token { tok: Tok::Word(w), start, end }) = self.peek() {
                    let key = w.strip_prefix('$').unwrap_or(w);
                    if let Some(f2) = fields::by_key(key) {
                        let (start, end) = (*start, *end);
                        self.pos += 1;
                        let c2 = Class::of(f2.ty);
                        if !comparable(class, c2) {
                            return Err(FilterError::new(start, end, format!("{} ({}) cannot be compared with {} ({})", field.key, field.ty.name(), f2.key, f2.ty.name())));
                        }
                        let s2 = self.slot(f2);
                        return Ok(Node::Test(Test { lhs, op: TestOp::CmpField(c, s2) }));
                    }
                }
                if matches!(c, CmpOp::Lt | CmpOp::Le | CmpOp::Gt | CmpOp::Ge) && class == Class::Bool {
                    return Err(FilterError::new(ostart, oend, format!("{} is a boolean: only == and != apply", field.key)));
                }
                let (lit, s, e) = self.literal("a value")?;
                TestOp::Cmp(c, literal(&lit, class, field, func, s, e)?)
            }
            Tok::Contains => {
                self.pos += 1;
                if func.is_some() || !class.is_textual() {
                    return Err(FilterError::new(ostart, oend, format!("\"contains\" needs a string or bytes field; {}", what_lhs(field, func))));
                }
                let (lit, s, e) = self.literal("a string or byte string")?;
                let v = match (&lit, class) {
                    (Lit::Word(w), Class::Bytes | Class::Struct) => match value::parse_bytes(w) {
                        Some(b) => Val::Bytes(Cow::Owned(b)),
                        None => Val::Str(Cow::Owned(w.clone())),
                    },
                    _ => Val::Str(Cow::Owned(lit.text().to_string())),
                };
                let _ = (s, e);
                TestOp::Contains(v)
            }
            Tok::Matches => {
                self.pos += 1;
                if func.is_some() || !class.is_textual() {
                    return Err(FilterError::new(ostart, oend, format!("\"matches\" needs a string or bytes field; {}", what_lhs(field, func))));
                }
                let (lit, s, e) = self.literal("a regular expression in quotes")?;
                let re = regex_lite::RegexBuilder::new(lit.text())
                    .case_insensitive(true)
                    .size_limit(REGEX_SIZE)
                    .nest_limit(100)
                    .build()
                    .map_err(|err| {
                        let first = err.to_string().lines().last().unwrap_or("").trim().to_string();
                        FilterError::new(s, e, format!("invalid regular expression: {first}"))
                    })?;
                TestOp::Matches(Box::new(re))
            }
            Tok::BitAnd => {
                self.pos += 1;
                if class != Class::Int {
                    return Err(FilterError::new(ostart, oend, format!("\"&\" needs an integer field; {} is {}", field.key, field.ty.name())));
                }
                let (lit, s, e) = self.literal("a mask")?;
                match convert(&lit, class, field, func, s, e)? {
                    Val::Int(m) => TestOp::BitAnd(m),
                    _ => return Err(FilterError::new(s, e, "the mask must be an integer")),
                }
            }
            Tok::In => {
                self.pos += 1;
                TestOp::In(self.set(class, field, func)?, false)
            }
            Tok::Not if self.toks.get(self.pos + 1).is_some_and(|t| t.tok == Tok::In) => {
                self.pos += 2;
                TestOp::In(self.set(class, field, func)?, true)
            }
            Tok::Word(_) | Tok::Str(_) => {
                return Err(FilterError::new(ostart, oend, format!("expected an operator after {}", field.key)).with_suggestion("=="));
            }
            _ => return Ok(Node::Test(Test { lhs, op: TestOp::Exists })),
        };
        let _ = (lstart, lend);
        Ok(Node::Test(Test { lhs, op: test_op }))
    }

    fn set(&mut self, class: Class, field: &'static Field, func: Option<&str>) -> Result<Vec<(Literal, Option<Literal>)>, FilterError> {
        match self.bump() {
            Some(Token { tok: Tok::LBrace, .. }) => {}
            Some(t) => return Err(FilterError::new(t.start, t.end, format!("expected \"{{\" after \"in\", found {}", describe(&t.tok)))),
            None => return Err(self.end_error("\"{\"")),
        }
        let mut items = Vec::new();
        loop {
            match self.peek() {
                Some(Token { tok: Tok::RBrace, start, end }) => {
                    if items.is_empty() {
                        return Err(FilterError::new(*start, *end, "an empty set matches nothing: put values between { }"));
                    }
                    self.pos += 1;
                    return Ok(items);
                }
                Some(Token { tok: Tok::Comma, .. }) if !items.is_empty() => {
                    self.pos += 1;
                    continue;
                }
                None => return Err(self.end_error("a value or \"}\"")),
                _ => {}
            }
            let (lit, s, e) = self.literal("a value or \"}\"")?;
            let lo = literal(&lit, class, field, func, s, e)?;
            let hi = if self.eat(&Tok::DotDot) {
                let (lit2, s2, e2) = self.literal("the end of the range")?;
                if matches!(class, Class::Bool) {
                    return Err(FilterError::new(s, e2, "ranges need an ordered field (numbers, strings, bytes)"));
                }
                Some(literal(&lit2, class, field, func, s2, e2)?)
            } else {
                None
            };
            if items.len() >= MAX_SET {
                return Err(FilterError::new(s, e, format!("a set holds at most {MAX_SET} items")));
            }
            items.push((lo, hi));
        }
    }
}

/// What the left-hand side of a test is, for messages: `mapihttp.rop.id is uint8`, or
/// `count() gives a number`.
fn what_lhs(field: &Field, func: Option<&str>) -> String {
    match func {
        Some(f) => format!("{f}() gives a number"),
        None => format!("{} is {}", field.key, field.ty.name()),
    }
}

fn comparable(a: Class, b: Class) -> bool {
    use Class::*;
    matches!(
        (a, b),
        (Int | Float, Int | Float) | (Bool, Bool) | (Str, Str) | (Bytes | Guid | Struct, Bytes | Guid | Struct) | (Str, Bytes | Struct) | (Bytes | Struct, Str)
    )
}

/// A literal in the class of `field` (an integer for `count()`/`len()`: `func`), with its other
/// readings.
fn literal(lit: &Lit, class: Class, field: &'static Field, func: Option<&str>, start: usize, end: usize) -> Result<Literal, FilterError> {
    let main = convert(lit, class, field, func, start, end)?;
    Ok(Literal::new(main, lit.text(), matches!(lit, Lit::Str(_))))
}

/// Converts a literal to the class of `field`, or to an integer for `count()`/`len()` (`func`).
fn convert(lit: &Lit, class: Class, field: &'static Field, func: Option<&str>, start: usize, end: usize) -> Result<Val<'static>, FilterError> {
    let text = lit.text();
    if let Some(func) = func {
        return value::parse_int(text.trim())
            .map(Val::Int)
            .ok_or_else(|| FilterError::new(start, end, format!("{text:?} is not an integer ({func}() gives a number of {})", if func == "count" { "occurrences" } else { "bytes" })));
    }
    let bad = |what: &str| FilterError::new(start, end, format!("{text:?} is not {what} (the type of {} is {})", field.key, field.ty.name()));
    match class {
        Class::Int => {
            if let Lit::Word(w) = lit {
                if let Some(v) = value::parse_int(w) {
                    return Ok(Val::Int(v));
                }
            }
            match value::resolve_name(&field.disp, text) {
                Ok(v) => Ok(Val::Int(i128::from(v))),
                Err(sugg) => {
                    if let Some(v) = value::parse_int(text.trim()) {
                        return Ok(Val::Int(v));
                    }
                    let has_names = matches!(field.disp, Disp::Names(_) | Disp::NamesDec(_) | Disp::HexNamed(_) | Disp::Flags(_) | Disp::Lookup(_));
                    let mut e = if has_names {
                        FilterError::new(start, end, format!("{text:?} is neither a number nor a value name of {}", field.key))
                    } else if text.trim().parse::<f64>().is_ok() {
                        bad("an integer")
                    } else {
                        bad("a number")
                    };
                    if let Some(s) = sugg {
                        e = e.with_suggestion(s);
                    }
                    Err(e)
                }
            }
        }
        Class::Float => {
            if let Some(v) = value::parse_int(text) {
                return Ok(Val::Int(v));
            }
            text.parse::<f64>().ok().filter(|f| f.is_finite()).map(Val::Float).ok_or_else(|| bad("a number"))
        }
        Class::Bool => match text.to_ascii_lowercase().as_str() {
            "true" | "1" => Ok(Val::Bool(true)),
            "false" | "0" => Ok(Val::Bool(false)),
            _ => Err(bad("true or false").with_suggestion("true")),
        },
        Class::Str => Ok(Val::Str(Cow::Owned(text.to_string()))),
        Class::Bytes | Class::Struct => match lit {
            Lit::Str(s) => Ok(Val::Bytes(Cow::Owned(s.as_bytes().to_vec()))),
            Lit::Word(w) => value::parse_bytes(w).map(|b| Val::Bytes(Cow::Owned(b))).ok_or_else(|| bad("a byte string (aa:bb:cc)")),
        },
        Class::Guid => value::parse_guid(text)
            .or_else(|| value::parse_bytes(text).filter(|b| b.len() == 16))
            .map(|b| Val::Bytes(Cow::Owned(b)))
            .ok_or_else(|| bad("a GUID ({XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX})")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::{Lhs, Node, TestOp};

    /// The program as an s-expression, for checking structure and precedence.
    fn shape(text: &str) -> String {
        let f = compile(text).unwrap_or_else(|e| panic!("{text}: {}", e.render(text)));
        fn go(f: &Filter, n: &Node) -> String {
            let list = |name: &str, v: &[Node]| format!("({name} {})", v.iter().map(|c| go(f, c)).collect::<Vec<_>>().join(" "));
            match n {
                Node::True => "true".into(),
                Node::And(v) => list("and", v),
                Node::Or(v) => list("or", v),
                Node::Xor(a, b) => format!("(xor {} {})", go(f, a), go(f, b)),
                Node::Not(a) => format!("(not {})", go(f, a)),
                Node::Test(t) => {
                    let key = |k: usize| f.slots[k].field.key.trim_start_matches("mapihttp.").to_string();
                    let lhs = match t.lhs {
                        Lhs::Field(k) => key(k),
                        Lhs::Count(k) => format!("count({})", key(k)),
                        Lhs::Len(k) => format!("len({})", key(k)),
                    };
                    match &t.op {
                        TestOp::Exists => lhs,
                        TestOp::Cmp(op, v) => format!("[{lhs} {op:?} {:?}]", v.main),
                        TestOp::CmpField(op, k) => format!("[{lhs} {op:?} {}]", key(*k)),
                        TestOp::Contains(v) => format!("[{lhs} contains {v:?}]"),
                        TestOp::Matches(re) => format!("[{lhs} matches {}]", re.as_str()),
                        TestOp::BitAnd(m) => format!("[{lhs} & {m}]"),
                        TestOp::In(items, neg) => {
                            let items: Vec<_> = items.iter().map(|(lo, hi)| (lo.main.clone(), hi.as_ref().map(|h| h.main.clone()))).collect();
                            format!("[{lhs} {}in {items:?}]", if *neg { "not " } else { "" })
                        }
                    }
                }
            }
        }
        f.root.as_ref().map_or("all".into(), |r| go(&f, r))
    }

    fn err(text: &str) -> FilterError {
        match compile(text) {
            Ok(f) => panic!("{text:?} compiled: {f:?}"),
            Err(e) => e,
        }
    }

    #[test]
    fn presence_and_every_comparison_operator() {
        assert_eq!(shape("mapihttp.rop.queryrows"), "rop.queryrows");
        assert_eq!(shape(""), "all");
        assert_eq!(shape("   "), "all");
        for (op, name) in [
            ("==", "Eq"),
            ("eq", "Eq"),
            ("any_eq", "Eq"),
            ("!=", "AllNe"),
            ("ne", "AllNe"),
            ("all_ne", "AllNe"),
            ("===", "AllEq"),
            ("all_eq", "AllEq"),
            ("!==", "AnyNe"),
            ("~=", "AnyNe"),
            ("any_ne", "AnyNe"),
            ("<", "Lt"),
            ("lt", "Lt"),
            ("<=", "Le"),
            ("le", "Le"),
            (">", "Gt"),
            ("gt", "Gt"),
            (">=", "Ge"),
            ("GE", "Ge"),
        ] {
            assert_eq!(shape(&format!("mapihttp.session {op} 2")), format!("[session {name} Int(2)]"), "{op}");
        }
        assert_eq!(shape("mapihttp.exchange.uri contains \"emsmdb\""), "[exchange.uri contains Str(\"emsmdb\")]");
        assert_eq!(shape("mapihttp.exchange.uri matches \"^/mapi/\""), "[exchange.uri matches ^/mapi/]");
        assert_eq!(shape("mapihttp.exchange.uri ~ \"x\""), "[exchange.uri matches x]");
        assert_eq!(shape("mapihttp.rpc.header.flags & Compressed"), "[rpc.header.flags & 1]");
        assert_eq!(shape("mapihttp.rpc.header.flags bitand 0x4"), "[rpc.header.flags & 4]");
        assert_eq!(shape("count(mapihttp.rop.id) >= 3"), "[count(rop.id) Ge Int(3)]");
        assert_eq!(shape("len(mapihttp.connect.userdn) > 10"), "[len(connect.userdn) Gt Int(10)]");
        assert_eq!(shape("mapihttp.session == mapihttp.exchange.connection"), "[session Eq exchange.connection]");
        assert_eq!(shape("mapihttp.session == $mapihttp.exchange.connection"), "[session Eq exchange.connection]");
    }

    #[test]
    fn literals_are_typed_by_the_field() {
        assert_eq!(shape("mapihttp.rop.id == 0x15"), "[rop.id Eq Int(21)]");
        assert_eq!(shape("mapihttp.rop.id == 025"), "[rop.id Eq Int(21)]");
        assert_eq!(shape("mapihttp.rop.id == 0b10101"), "[rop.id Eq Int(21)]");
        assert_eq!(shape("mapihttp.rop.id == RopQueryRows"), "[rop.id Eq Int(21)]");
        assert_eq!(shape("mapihttp.rop.id == \"RopQueryRows\""), "[rop.id Eq Int(21)]");
        assert_eq!(shape("mapihttp.response_code == ContextNotFound"), "[response_code Eq Int(10)]");
        assert_eq!(shape("mapihttp.rop.returnvalue == LogonFailed"), "[rop.returnvalue Eq Int(2147746065)]");
        assert_eq!(shape("mapihttp.expert.severity >= warning"), "[expert.severity Ge Int(1)]");
        assert_eq!(shape("mapihttp.exchange.duration > 1.5"), "[exchange.duration Gt Float(1.5)]");
        assert_eq!(shape("mapihttp.exchange.error == true"), "[exchange.error Eq Bool(true)]");
        assert_eq!(shape("mapihttp.exchange.error == 0"), "[exchange.error Eq Bool(false)]");
        assert_eq!(shape("mapihttp.request_type == Execute"), "[request_type Eq Str(\"Execute\")]");
        assert_eq!(shape("mapihttp.request_type == \"Ex\\x65cute\""), "[request_type Eq Str(\"Execute\")]");
        assert_eq!(shape("mapihttp.rpc.payload.transmitted contains 00:ff"), "[rpc.payload.transmitted contains Bytes([0, 255])]");
        assert_eq!(shape("mapihttp.rpc.payload.transmitted == \"ab\""), "[rpc.payload.transmitted Eq Bytes([97, 98])]");
        assert_eq!(shape("mapihttp.rpc.payload.transmitted == aa-bb"), "[rpc.payload.transmitted Eq Bytes([170, 187])]");
        assert_eq!(shape("mapihttp.session == -1"), "[session Eq Int(-1)]");
    }

    #[test]
    fn sets_and_ranges() {
        assert_eq!(
            shape("mapihttp.session in {0 2..3, 5}"),
            "[session in [(Int(0), None), (Int(2), Some(Int(3))), (Int(5), None)]]"
        );
        assert_eq!(shape("mapihttp.request_type in {Execute, \"PING\"}"), "[request_type in [(Str(\"Execute\"), None), (Str(\"PING\"), None)]]");
        assert_eq!(shape("mapihttp.rop.id not in {RopRelease}"), "[rop.id not in [(Int(1), None)]]");
        assert_eq!(err("mapihttp.session in {}").start, 21);
        assert_eq!(err("mapihttp.session in 1").start, 20);
        assert_eq!(err("mapihttp.session in {1").start, 22);
        assert_eq!(err("mapihttp.exchange.error in {true..false}").start, 28);
    }

    #[test]
    fn precedence_and_grouping() {
        let a = "mapihttp.session == 1";
        let b = "mapihttp.exchange.pending";
        let c = "mapihttp.exchange.error";
        assert_eq!(shape(&format!("{a} || {b} && {c}")), "(or [session Eq Int(1)] (and exchange.pending exchange.error))");
        assert_eq!(shape(&format!("{a} and {b} or {c}")), "(or (and [session Eq Int(1)] exchange.pending) exchange.error)");
        assert_eq!(shape(&format!("({a} || {b}) && {c}")), "(and (or [session Eq Int(1)] exchange.pending) exchange.error)");
        assert_eq!(shape(&format!("!{a} && not {b}")), "(and (not [session Eq Int(1)]) (not exchange.pending))");
        assert_eq!(shape(&format!("!({a} && {b})")), "(not (and [session Eq Int(1)] exchange.pending))");
        assert_eq!(shape(&format!("{a} ^^ {b} || {c}")), "(or (xor [session Eq Int(1)] exchange.pending) exchange.error)");
        assert_eq!(shape(&format!("{a} xor {b} && {c}")), "(xor [session Eq Int(1)] (and exchange.pending exchange.error))");
        assert_eq!(shape(&format!("{a} && {b} && {c}")), "(and [session Eq Int(1)] exchange.pending exchange.error)");
        assert_eq!(shape("not not mapihttp.session"), "(not (not session))");
    }

    #[test]
    fn errors_have_positions_and_suggestions() {
        let e = err("mapihttp.rop.querrows");
        assert_eq!((e.start, e.end), (0, 21));
        assert_eq!(e.suggestion.as_deref(), Some("mapihttp.rop.queryrows"));
        let e = err("mapihttp.session == 1 && rop.queryrows");
        assert_eq!((e.start, e.end, e.suggestion.as_deref()), (25, 38, Some("mapihttp.rop.queryrows")));
        let e = err("mapihttp.rop.id == RopQueryRow");
        assert_eq!((e.start, e.end, e.suggestion.as_deref()), (19, 30, Some("RopQueryRows")));
        assert!(e.message.contains("value name"), "{}", e.message);
        let e = err("mapihttp.response_code == ContextNotFund");
        assert_eq!(e.suggestion.as_deref(), Some("Context Not Found"));
        let e = err("mapihttp.session == 1 mapihttp.session");
        assert_eq!((e.start, e.suggestion.as_deref()), (22, Some("&&")));
        let e = err("(mapihttp.session == 1");
        assert_eq!((e.start, e.end), (0, 1));
        let e = err("mapihttp.session == 1)");
        assert_eq!(e.start, 21);
        let e = err("mapihttp.session ==");
        assert_eq!(e.start, 19);
        assert!(e.message.contains("ends"), "{}", e.message);
        let e = err("mapihttp.session == abc");
        assert_eq!((e.start, e.end), (20, 23));
        let e = err("mapihttp.session contains \"a\"");
        assert_eq!((e.start, e.end), (17, 25));
        let e = err("mapihttp.exchange.uri matches \"(\"");
        assert_eq!((e.start, e.end), (30, 33));
        assert!(e.message.starts_with("invalid regular expression"), "{}", e.message);
        let e = err("mapihttp.exchange.error < true");
        assert_eq!(e.start, 24);
        let e = err("mapihttp.exchange.uri[0:2] == \"ab\"");
        assert_eq!(e.start, 21);
        let e = err("5 == mapihttp.session");
        assert_eq!(e.start, 0);
        let e = err("\"x\" == mapihttp.session");
        assert_eq!(e.start, 0);
        let e = err("mapihttp.session Execute");
        assert_eq!((e.start, e.suggestion.as_deref()), (17, Some("==")));
        let e = err("mapihttp.session == mapihttp.exchange.uri");
        assert_eq!(e.start, 20);
        let e = err("mapihttp.rpc.payload.transmitted == zz");
        assert_eq!(e.start, 36);
        let e = err("count(mapihttp.rop.id");
        assert_eq!(e.start, 21);
        let e = err("&& mapihttp.session");
        assert_eq!(e.start, 0);
    }

    #[test]
    fn limits() {
        let deep = format!("{}mapihttp.session{}", "(".repeat(MAX_DEPTH + 1), ")".repeat(MAX_DEPTH + 1));
        let e = err(&deep);
        assert!(e.message.contains("nests deeper"), "{}", e.message);
        let ok = format!("{}mapihttp.session{}", "(".repeat(MAX_DEPTH - 1), ")".repeat(MAX_DEPTH - 1));
        assert!(compile(&ok).is_ok());
        let nots = format!("{}mapihttp.session", "!".repeat(10_000));
        assert!(err(&nots).message.contains("nests deeper"));
        let long = "a".repeat(MAX_LEN + 1);
        assert_eq!(err(&long).start, MAX_LEN);
        // A long flat chain is fine: no recursion per operand.
        let chain = vec!["mapihttp.session == 1"; 2000].join(" || ");
        assert!(compile(&chain).is_ok());
        let e = err("mapihttp.exchange.uri matches \"a{1000}{1000}{1000}\"");
        assert!(e.message.starts_with("invalid regular expression"), "{}", e.message);
    }
}
