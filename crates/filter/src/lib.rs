//! # mapiscope-filter
//!
//! Wireshark-style display filters over mapiscope's MAPI/HTTP exchanges, field extraction for
//! exports (`-T fields -e KEY`), and capture statistics (`mapiscope stats`). One engine for the CLI
//! and the web viewer: it builds for `wasm32-unknown-unknown` (its dependencies are the codec, the
//! capture crate and `regex-lite`).
//!
//! ```
//! use mapiscope_filter::Filter;
//! let f = Filter::compile("mapihttp.rop.id == RopQueryRows && mapihttp.response_code == 0").unwrap();
//! assert!(f.needs_dissection());
//! let e = Filter::compile("mapihttp.rop.querrows").unwrap_err();
//! assert_eq!(e.suggestion.as_deref(), Some("mapihttp.rop.queryrows"));
//! assert_eq!((e.start, e.end), (0, 21));
//! ```
//!
//! ## The language ([`compile`] has the details)
//! - Field presence: `mapihttp.rop.queryrows` (the exchange has a node with that key).
//! - Comparisons `== != === !== ~= < <= > >=` and `eq ne all_eq any_ne lt le gt ge`, `contains`,
//!   `matches` / `~` (regular expression, case-insensitive unless `(?-i)`), `in {a b c}`,
//!   `in {1..5, 9}`, `not in {…}`, `field & mask` (bit test), `count(field)`, `len(field)`.
//! - `&&`/`and`, `||`/`or`, `^^`/`xor`, `!`/`not`, parentheses; `not` binds tightest, then `and`,
//!   `xor`, `or`.
//! - Literals: numbers in decimal, hex (`0x15`), octal (`017`, `0o17`) and binary (`0b101`), with a
//!   sign; floats; `"strings"` with C escapes and raw `r"strings"`; `true`/`false`; byte strings
//!   `aa:bb:cc` (also `aa-bb-cc`, `aabbcc`); GUIDs with or without braces or quotes; value names of the field
//!   (`RopQueryRows`, `ContextNotFound`, `NotFound`), compared ignoring case, spaces and punctuation.
//! - Occurrences (Wireshark's semantics): a field that occurs several times in an exchange matches
//!   `==`, `<`, `contains`, `matches`, `in` if any occurrence does; `!=` means "present, and no
//!   occurrence is equal" (Wireshark ≥ 3.6 `!=`, `all_ne`); `!==`/`~=`/`any_ne` is "some occurrence
//!   differs"; `===`/`all_eq` is "present, and every occurrence is equal". A test on a field the
//!   exchange does not have is false (so `!(a == 1)` is true there while `a != 1` is false).
//!
//! - A literal is read in the type of the field it is compared with; fields whose occurrences have
//!   several kinds of value (a PropertyValue is an integer, a string or bytes) compare each
//!   occurrence with the reading of its own kind ([`value::Lit`]).
//!
//! ## For the web viewer
//! [`Filter::compile`] (errors carry byte spans and a suggestion: colour the bar, show the caret),
//! [`fields::all`] (completion of keys), [`value::filter_for_node`] ("Apply as filter" on a tree
//! node), [`Extractor`] (CSV of chosen fields), [`stats::Stats`] (the Statistics view).
//!
//! ## Fields
//! Every key of `mapiscope fields`: the codec's registry, the Autodiscover fields and the
//! exchange-level fields of [`fields`] (`mapihttp.request_type`, `mapihttp.endpoint`,
//! `mapihttp.session`, `mapihttp.exchange.*`, `mapihttp.expert.*`).

#![forbid(unsafe_code)]
#![cfg_attr(not(test), deny(clippy::indexing_slicing, clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod compile;
pub mod eval;
pub mod extract;
pub mod fields;
pub mod lex;
pub mod stats;
pub mod value;

pub use compile::compile;
pub use eval::Filter;
pub use extract::Extractor;

/// A filter that does not compile: what is wrong and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FilterError {
    /// Byte offset in the filter text where the mistake starts.
    pub start: usize,
    /// Byte offset one past its end (`start` for a position, e.g. the end of the text).
    pub end: usize,
    /// What is wrong, in a sentence.
    pub message: String,
    /// A replacement to propose (the closest filter key, value name or operator).
    pub suggestion: Option<String>,
}

impl FilterError {
    /// An error over `start..end`.
    pub fn new(start: usize, end: usize, message: impl Into<String>) -> Self {
        FilterError { start, end, message: message.into(), suggestion: None }
    }

    /// Adds a suggestion.
    pub fn with_suggestion(mut self, s: impl Into<String>) -> Self {
        self.suggestion = Some(s.into());
        self
    }

    /// The message with its suggestion: `unknown field "x" (did you mean "y"?)`.
    pub fn headline(&self) -> String {
        match &self.suggestion {
            Some(s) => format!("{} (did you mean \"{s}\"?)", self.message),
            None => self.message.clone(),
        }
    }

    /// Three lines for a terminal: the headline with the byte offset, the filter, and a caret line
    /// under the mistake (columns counted in terminal cells: [`display_width`]).
    pub fn render(&self, text: &str) -> String {
        let cells = |s: &str| s.chars().map(display_width).sum::<usize>();
        let col = text.get(..self.start).map_or(0, cells);
        let width = text.get(self.start..self.end).map_or(0, cells).max(1);
        let shown: String = text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
        let mut carets = String::from("^");
        for _ in 1..width {
            carets.push('~');
        }
        format!("filter error at offset {}: {}\n    {}\n    {}{}", self.start, self.headline(), shown, " ".repeat(col), carets)
    }
}

/// The terminal cells a character takes in a monospace font: 0 for combining marks, zero-width
/// joiners and variation selectors, 2 for East Asian wide and fullwidth characters and emoji
/// (Unicode UAX #11 W/F ranges, simplified), else 1. Control characters are shown as one space.
pub fn display_width(c: char) -> usize {
    let u = u32::from(c);
    let zero = matches!(u, 0x0300..=0x036F | 0x0483..=0x0489 | 0x0591..=0x05BD | 0x0610..=0x061A | 0x064B..=0x065F
        | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x200B..=0x200F | 0x20D0..=0x20FF | 0xFE00..=0xFE0F | 0xFE20..=0xFE2F
        | 0xE0100..=0xE01EF);
    let wide = matches!(u, 0x1100..=0x115F | 0x231A..=0x231B | 0x2329..=0x232A | 0x23E9..=0x23EC | 0x25FD..=0x25FE
        | 0x2614..=0x2615 | 0x2648..=0x2653 | 0x26AA..=0x26AB | 0x26BD..=0x26BE | 0x26F5 | 0x26FA | 0x26FD | 0x2705
        | 0x2728 | 0x274C | 0x2753..=0x2755 | 0x2757 | 0x2795..=0x2797 | 0x27B0 | 0x27BF | 0x2B50 | 0x2B55
        | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xA000..=0xA4CF | 0xA960..=0xA97F
        | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE10..=0xFE19 | 0xFE30..=0xFE6F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6
        | 0x1F300..=0x1F64F | 0x1F680..=0x1F6FF | 0x1F900..=0x1F9FF | 0x1FA70..=0x1FAFF | 0x20000..=0x2FFFD
        | 0x30000..=0x3FFFD);
    if zero {
        0
    } else if wide {
        2
    } else {
        1
    }
}

impl std::fmt::Display for FilterError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} (at offset {})", self.headline(), self.start)
    }
}

impl std::error::Error for FilterError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn render_points_at_the_mistake() {
        let e = FilterError::new(5, 8, "unknown field \"abc\"").with_suggestion("abd");
        let r = e.render("x == abc");
        assert_eq!(r, "filter error at offset 5: unknown field \"abc\" (did you mean \"abd\"?)\n    x == abc\n         ^~~");
        // Columns count characters, not bytes.
        let e = FilterError::new(4, 5, "x");
        assert!(e.render("é = b").ends_with("\n       ^"), "{}", e.render("é = b"));
        // Wide characters take two cells, combining marks none: the caret stays under the mistake.
        let t = "\"日本\" == x";
        let e = FilterError::new(t.find('x').unwrap(), t.len(), "x");
        assert!(e.render(t).ends_with(&format!("\n    {}^", " ".repeat(10))), "{}", e.render(t));
        let t = "e\u{301} 🙂 y";
        let e = FilterError::new(t.find('y').unwrap(), t.len(), "y");
        assert!(e.render(t).ends_with(&format!("\n    {}^", " ".repeat(5))), "{}", e.render(t));
    }
}
