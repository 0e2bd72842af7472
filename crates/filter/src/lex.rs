//! Tokens of the display-filter language, with their byte spans in the filter text.

use crate::FilterError;

/// A token kind.
#[derive(Clone, Debug, PartialEq)]
pub enum Tok {
    /// `(`
    LParen,
    /// `)`
    RParen,
    /// `{`
    LBrace,
    /// `}`
    RBrace,
    /// `,`
    Comma,
    /// `..` (a range inside `in {…}`)
    DotDot,
    /// `[` (slices are not supported; the parser says so)
    LBracket,
    /// `]`
    RBracket,
    /// `&&` or `and`
    And,
    /// `||` or `or`
    Or,
    /// `^^` or `xor`
    Xor,
    /// `!` or `not`
    Not,
    /// A comparison operator.
    Cmp(CmpOp),
    /// `&` (bitwise and test)
    BitAnd,
    /// `contains`
    Contains,
    /// `matches` or `~`
    Matches,
    /// `in`
    In,
    /// A bare word: a field key, a number, a value name, a byte string (`aa:bb:cc`), true/false.
    Word(String),
    /// A quoted string, escapes resolved.
    Str(String),
}

/// Comparison operators with Wireshark's occurrence semantics.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CmpOp {
    /// `==`, `eq`, `any_eq`: some occurrence is equal.
    Eq,
    /// `!=`, `ne`, `all_ne`: the field occurs and no occurrence is equal (Wireshark ≥ 3.6: the same
    /// as `!(a == b)` when the field is present).
    AllNe,
    /// `===`, `all_eq`: the field occurs and every occurrence is equal.
    AllEq,
    /// `!==`, `~=`, `any_ne`: some occurrence is not equal.
    AnyNe,
    /// `<`, `lt`
    Lt,
    /// `<=`, `le`
    Le,
    /// `>`, `gt`
    Gt,
    /// `>=`, `ge`
    Ge,
}

/// A token with its span.
#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    /// What it is.
    pub tok: Tok,
    /// Byte offset of its first character.
    pub start: usize,
    /// Byte offset one past its last character.
    pub end: usize,
}

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | ':' | '-' | '$')
}

/// Splits a filter into tokens.
pub fn lex(text: &str) -> Result<Vec<Token>, FilterError> {
    let mut out = Vec::new();
    let mut it = text.char_indices().peekable();
    while let Some(&(start, c)) = it.peek() {
        if c.is_whitespace() {
            it.next();
            continue;
        }
        let rest = text.get(start..).unwrap_or("");
        let two = |s: &str| rest.starts_with(s);
        let (tok, len) = if two("===") {
            (Tok::Cmp(CmpOp::AllEq), 3)
        } else if two("!==") {
            (Tok::Cmp(CmpOp::AnyNe), 3)
        } else if two("==") {
            (Tok::Cmp(CmpOp::Eq), 2)
        } else if two("!=") {
            (Tok::Cmp(CmpOp::AllNe), 2)
        } else if two("~=") {
            (Tok::Cmp(CmpOp::AnyNe), 2)
        } else if two("<=") {
            (Tok::Cmp(CmpOp::Le), 2)
        } else if two(">=") {
            (Tok::Cmp(CmpOp::Ge), 2)
        } else if two("&&") {
            (Tok::And, 2)
        } else if two("||") {
            (Tok::Or, 2)
        } else if two("^^") {
            (Tok::Xor, 2)
        } else if two("..") {
            (Tok::DotDot, 2)
        } else {
            match c {
                '(' => (Tok::LParen, 1),
                ')' => (Tok::RParen, 1),
                '{' => (Tok::LBrace, 1),
                '}' => (Tok::RBrace, 1),
                '[' => (Tok::LBracket, 1),
                ']' => (Tok::RBracket, 1),
                ',' => (Tok::Comma, 1),
                '<' => (Tok::Cmp(CmpOp::Lt), 1),
                '>' => (Tok::Cmp(CmpOp::Gt), 1),
                '!' => (Tok::Not, 1),
                '~' => (Tok::Matches, 1),
                '&' => (Tok::BitAnd, 1),
                '=' => {
                    return Err(FilterError::new(start, start + 1, "\"=\" is not an operator").with_suggestion("=="));
                }
                '|' => {
                    return Err(FilterError::new(start, start + 1, "\"|\" is not an operator").with_suggestion("||"));
                }
                '"' => {
                    let (s, end) = string(text, start, false)?;
                    out.push(Token { tok: Tok::Str(s), start, end });
                    while it.peek().is_some_and(|&(i, _)| i < end) {
                        it.next();
                    }
                    continue;
                }
                'r' | 'R' if rest.get(1..2) == Some("\"") => {
                    let (s, end) = string(text, start + 1, true)?;
                    out.push(Token { tok: Tok::Str(s), start, end });
                    while it.peek().is_some_and(|&(i, _)| i < end) {
                        it.next();
                    }
                    continue;
                }
                c if is_word_char(c) => {
                    let mut end = start;
                    for (i, ch) in rest.char_indices() {
                        // A word stops before `..` (a range) and at any other character.
                        if !is_word_char(ch) || rest.get(i..).is_some_and(|r| r.starts_with("..")) {
                            break;
                        }
                        end = start + i + ch.len_utf8();
                    }
                    let word = text.get(start..end).unwrap_or("");
                    let tok = match word.to_ascii_lowercase().as_str() {
                        "and" => Tok::And,
                        "or" => Tok::Or,
                        "xor" => Tok::Xor,
                        "not" => Tok::Not,
                        "eq" | "any_eq" => Tok::Cmp(CmpOp::Eq),
                        "ne" | "all_ne" => Tok::Cmp(CmpOp::AllNe),
                        "all_eq" => Tok::Cmp(CmpOp::AllEq),
                        "any_ne" => Tok::Cmp(CmpOp::AnyNe),
                        "lt" => Tok::Cmp(CmpOp::Lt),
                        "le" => Tok::Cmp(CmpOp::Le),
                        "gt" => Tok::Cmp(CmpOp::Gt),
                        "ge" => Tok::Cmp(CmpOp::Ge),
                        "contains" => Tok::Contains,
                        "matches" => Tok::Matches,
                        "in" => Tok::In,
                        "bitand" | "bitwise_and" => Tok::BitAnd,
                        _ => Tok::Word(word.to_string()),
                    };
                    (tok, end - start)
                }
                other => {
                    let end = start + other.len_utf8();
                    return Err(FilterError::new(start, end, format!("unexpected character {other:?}")));
                }
            }
        };
        out.push(Token { tok, start, end: start + len });
        while it.peek().is_some_and(|&(i, _)| i < start + len) {
            it.next();
        }
    }
    Ok(out)
}

/// Reads a string starting at the quote at `quote`; returns the text and the offset after the
/// closing quote. Escapes (not in raw strings): `\\ \" \' \n \r \t \0 \a \b \f \v \xHH \NNN` (octal)
/// `\uXXXX \UXXXXXXXX`.
fn string(text: &str, quote: usize, raw: bool) -> Result<(String, usize), FilterError> {
    let body = text.get(quote + 1..).unwrap_or("");
    let mut out = String::new();
    let mut chars = body.char_indices();
    let at = |i: usize| quote + 1 + i;
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Ok((out, at(i) + 1)),
            '\\' if raw => {
                // A raw string keeps backslashes; \" still does not end it.
                out.push('\\');
                if let Some((_, n)) = chars.clone().next() {
                    if n == '"' {
                        chars.next();
                        out.push('"');
                    }
                }
            }
            '\\' => {
                let Some((j, e)) = chars.next() else {
                    return Err(FilterError::new(at(i), at(i) + 1, "unterminated escape at the end of the string"));
                };
                let simple = match e {
                    '\\' => Some('\\'),
                    '"' => Some('"'),
                    '\'' => Some('\''),
                    'n' => Some('\n'),
                    'r' => Some('\r'),
                    't' => Some('\t'),
                    'a' => Some('\u{7}'),
                    'b' => Some('\u{8}'),
                    'f' => Some('\u{c}'),
                    'v' => Some('\u{b}'),
                    _ => None,
                };
                if let Some(s) = simple {
                    out.push(s);
                    continue;
                }
                let (digits, radix, max) = match e {
                    'x' => (2, 16, 2),
                    'u' => (4, 16, 4),
                    'U' => (8, 16, 8),
                    '0'..='7' => (3, 8, 3),
                    _ => {
                        return Err(FilterError::new(at(i), at(j) + e.len_utf8(), format!("unknown escape \\{e}")));
                    }
                };
                let mut v: u32 = if radix == 8 { e.to_digit(8).unwrap_or(0) } else { 0 };
                let mut n = usize::from(radix == 8);
                let mut end = at(j) + e.len_utf8();
                while n < max {
                    let Some((k, d)) = chars.clone().next() else { break };
                    let Some(dv) = d.to_digit(radix) else { break };
                    chars.next();
                    v = v.saturating_mul(radix).saturating_add(dv);
                    n += 1;
                    end = at(k) + 1;
                }
                if radix == 16 && n < digits {
                    return Err(FilterError::new(at(i), end, format!("\\{e} needs {digits} hex digits")));
                }
                match char::from_u32(v) {
                    Some(ch) => out.push(ch),
                    None => return Err(FilterError::new(at(i), end, format!("\\{e} escape {v:#x} is not a character"))),
                }
            }
            c => out.push(c),
        }
    }
    Err(FilterError::new(quote, text.len(), "unterminated string: a closing \" is missing"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<Tok> {
        lex(s).unwrap().into_iter().map(|t| t.tok).collect()
    }

    #[test]
    fn operators_and_words() {
        assert_eq!(
            toks("a==1 && b!=2 || !c ~= d === e !== f"),
            vec![
                Tok::Word("a".into()),
                Tok::Cmp(CmpOp::Eq),
                Tok::Word("1".into()),
                Tok::And,
                Tok::Word("b".into()),
                Tok::Cmp(CmpOp::AllNe),
                Tok::Word("2".into()),
                Tok::Or,
                Tok::Not,
                Tok::Word("c".into()),
                Tok::Cmp(CmpOp::AnyNe),
                Tok::Word("d".into()),
                Tok::Cmp(CmpOp::AllEq),
                Tok::Word("e".into()),
                Tok::Cmp(CmpOp::AnyNe),
                Tok::Word("f".into()),
            ]
        );
        assert_eq!(toks("x in {1..5, 7}"), vec![
            Tok::Word("x".into()),
            Tok::In,
            Tok::LBrace,
            Tok::Word("1".into()),
            Tok::DotDot,
            Tok::Word("5".into()),
            Tok::Comma,
            Tok::Word("7".into()),
            Tok::RBrace
        ]);
        assert_eq!(toks("a eq b AND c Or not d"), vec![
            Tok::Word("a".into()),
            Tok::Cmp(CmpOp::Eq),
            Tok::Word("b".into()),
            Tok::And,
            Tok::Word("c".into()),
            Tok::Or,
            Tok::Not,
            Tok::Word("d".into())
        ]);
        assert_eq!(toks("b == aa:bb:cc"), vec![Tok::Word("b".into()), Tok::Cmp(CmpOp::Eq), Tok::Word("aa:bb:cc".into())]);
        assert_eq!(toks("x ~ \"a\""), vec![Tok::Word("x".into()), Tok::Matches, Tok::Str("a".into())]);
    }

    #[test]
    fn strings_and_escapes() {
        assert_eq!(toks(r#""a\"b\\c\n\x41\101\u00e9""#), vec![Tok::Str("a\"b\\c\nAAé".into())]);
        assert_eq!(toks(r#"r"a\.b""#), vec![Tok::Str("a\\.b".into())]);
        let e = lex("x == \"abc").unwrap_err();
        assert_eq!((e.start, e.end), (5, 9));
        let e = lex(r#"x == "\q""#).unwrap_err();
        assert_eq!(e.start, 6);
        let e = lex(r#""\x4""#).unwrap_err();
        assert!(e.message.contains("2 hex digits"), "{}", e.message);
    }

    #[test]
    fn bad_characters_have_positions() {
        let e = lex("a = 1").unwrap_err();
        assert_eq!((e.start, e.end, e.suggestion.as_deref()), (2, 3, Some("==")));
        let e = lex("a == 1 # b").unwrap_err();
        assert_eq!(e.start, 7);
        let e = lex("é").unwrap_err();
        assert_eq!((e.start, e.end), (0, 2));
    }
}
