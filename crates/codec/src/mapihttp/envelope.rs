//! [MS-OXCMAPIHTTP] 2.2.7 meta-tags and 2.2.2.2 additional headers: the text that starts every
//! response body before the binary body.
//!
//! ```text
//! PROCESSING\r\n            sent at once
//! PENDING\r\n               zero or more keep-alives, one per X-PendingPeriod
//! DONE\r\n                  processing finished
//! X-ResponseCode: 0\r\n     additional headers
//! X-ElapsedTime: 12\r\n
//! X-StartTime: ...\r\n
//! \r\n                      empty line: the binary body follows
//! ```
//!
//! Real servers also answer without meta-tags (a failure with an HTML page, or a body pasted without
//! its text prefix). A body that is not a meta-tag prefix is sniffed: text is shown as text with a
//! diagnostic; anything else is decoded as a bare binary body with a note.

use alloc::boxed::Box;
use alloc::format;
use alloc::string::String;

use crate::build::{Builder, Cur, R};
use crate::mapihttp::{binary_response, fields as F, RequestType};
use crate::tree::{Severity, Value};

/// The meta-tags of 2.2.7.
pub const META_TAGS: [&str; 3] = ["PROCESSING", "PENDING", "DONE"];

/// What the text prefix said, for callers that summarise exchanges.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Envelope {
    /// Number of PENDING keep-alives.
    pub pending: u32,
    /// Whether PROCESSING was seen.
    pub processing: bool,
    /// Whether DONE was seen.
    pub done: bool,
    /// X-ResponseCode from the additional headers, if present and numeric.
    pub response_code: Option<u32>,
    /// X-ElapsedTime in ms, if present.
    pub elapsed_ms: Option<u32>,
    /// Offset of the binary body in the response body, if one was found.
    pub body_offset: Option<usize>,
}

/// Splits one CRLF (or bare LF) terminated line off the front of `b`: (line without EOL, total length).
fn line(b: &[u8]) -> Option<(&[u8], usize)> {
    let nl = b.iter().position(|&x| x == b'\n')?;
    let text = b.get(..nl)?;
    let text = text.strip_suffix(b"\r").unwrap_or(text);
    Some((text, nl + 1))
}

fn is_meta_tag(l: &[u8]) -> bool {
    META_TAGS.iter().any(|t| t.as_bytes() == l)
}

/// True when `b` looks like text (an HTML or plain-text error body) rather than a binary body.
pub fn looks_like_text(b: &[u8]) -> bool {
    let sample = b.get(..b.len().min(512)).unwrap_or(b);
    if sample.is_empty() {
        return false;
    }
    let printable = sample.iter().filter(|&&x| x == b'\r' || x == b'\n' || x == b'\t' || (0x20..0x7F).contains(&x) || x >= 0x80).count();
    let first = sample.first().copied().unwrap_or(0);
    printable * 100 >= sample.len() * 97 && (first == b'<' || first.is_ascii_alphabetic() || first == b'{')
}

/// Decodes a whole response body: meta-tags, additional headers, then the binary body of `t`.
pub fn response_body(b: &mut Builder<'_>, c: &mut Cur<'_>, t: RequestType, ctx: &mut crate::rops::context::Context) -> Envelope {
    let mut env = Envelope::default();
    let starts_with_tag = line(c.rest()).is_some_and(|(l, _)| is_meta_tag(l))
        || META_TAGS.iter().any(|t| c.rest().starts_with(t.as_bytes()));
    if !starts_with_tag {
        if looks_like_text(c.rest()) {
            b.diag_at(
                c,
                Severity::Warning,
                "response body is text, not a MAPI/HTTP body (no PROCESSING/PENDING/DONE meta-tags)",
                c.left(),
            );
            let n = c.left();
            let _ = b.str8n(c, &F::TEXT_BODY, n);
            return env;
        }
        if c.is_empty() {
            b.diag_at(c, Severity::Warning, "empty response body: no meta-tags", 0);
            return env;
        }
        b.diag_at(c, Severity::Note, "no meta-tags: decoding the bytes as the binary response body", 0);
        env.body_offset = Some(c.pos());
        binary_response(b, c, t, ctx);
        return env;
    }
    let _ = b.group(c, &F::META_TAGS, |b, c| meta_tags(b, c, &mut env));
    if env.done {
        let _ = b.group(c, &F::ADDITIONAL_HEADERS, |b, c| additional_headers(b, c, &mut env));
    }
    if let Some(code) = env.response_code {
        if code != 0 {
            let name = crate::tree::lookup(F::RESPONSE_CODES, code.into()).unwrap_or("unknown");
            b.diag(
                Severity::Warning,
                format!("X-ResponseCode {code} ({name}): the body is not the request type's body"),
                c.src(),
                c.pos(),
                c.left(),
            );
            if !c.is_empty() {
                let n = c.left();
                if looks_like_text(c.rest()) {
                    let _ = b.str8n(c, &F::TEXT_BODY, n);
                } else {
                    let _ = b.bytes(c, &F::UNDECODED, n);
                }
            }
            return env;
        }
    }
    if !env.done {
        // Still in progress when the capture ended.
        if !c.is_empty() {
            b.diag_at(c, Severity::Error, "bytes after the meta-tags without a DONE meta-tag", c.left());
            let n = c.left();
            let _ = b.bytes(c, &F::UNDECODED, n);
        } else {
            b.diag_at(c, Severity::Error, "truncated: response ends before the DONE meta-tag", 0);
        }
        return env;
    }
    if t == RequestType::Ping && c.is_empty() {
        return env;
    }
    if env.body_offset.is_none() {
        return env;
    }
    let _ = b.group(c, &F::BINARY_BODY, |b, c| {
        binary_response(b, c, t, ctx);
        Ok(())
    });
    env
}

fn meta_tags(b: &mut Builder<'_>, c: &mut Cur<'_>, env: &mut Envelope) -> R<()> {
    while let Some((l, used)) = line(c.rest()) {
        if !is_meta_tag(l) {
            break;
        }
        let tag = core::str::from_utf8(l).unwrap_or("");
        match tag {
            "PROCESSING" => {
                if env.processing || env.pending > 0 {
                    b.diag_at(c, Severity::Warning, "PROCESSING is not the first meta-tag", used);
                }
                env.processing = true;
            }
            "PENDING" => env.pending = env.pending.saturating_add(1),
            _ => env.done = true,
        }
        b.leaf(c, &F::META_TAG, used, Value::Text(Box::from(tag)))?;
        if env.done {
            break;
        }
    }
    if !env.done && !c.is_empty() && line(c.rest()).is_none() {
        // A meta-tag cut by the end of the capture.
        let n = c.left();
        b.diag_at(c, Severity::Error, "truncated: meta-tag line has no CRLF", n);
        return Err(crate::build::Stop);
    }
    Ok(())
}

fn additional_headers(b: &mut Builder<'_>, c: &mut Cur<'_>, env: &mut Envelope) -> R<()> {
    loop {
        let Some((l, used)) = line(c.rest()) else {
            let n = c.left();
            b.diag_at(c, Severity::Error, "truncated: additional headers are not ended by an empty line", n);
            return Err(crate::build::Stop);
        };
        if l.is_empty() {
            // The empty line: include it in the structure and start the binary body after it.
            c.advance(used);
            env.body_offset = Some(c.pos());
            return Ok(());
        }
        let text = String::from_utf8_lossy(l);
        let (name, value) = match text.split_once(':') {
            Some((n, v)) => (n.trim(), v.trim()),
            None => {
                b.diag_at(c, Severity::Warning, format!("additional header line without a colon: {text:?}"), used);
                ("", text.trim())
            }
        };
        // The headers a user filters on get typed fields; any other line is a generic Header.
        let typed: Option<(&'static crate::tree::Field, Value)> = if name.eq_ignore_ascii_case("X-ResponseCode") {
            match value.parse::<u32>() {
                Ok(v) => {
                    env.response_code = Some(v);
                    Some((&F::RESPONSE_CODE, Value::UInt(v.into())))
                }
                Err(_) => {
                    b.diag_at(c, Severity::Warning, format!("X-ResponseCode is not a number: {value:?}"), used);
                    None
                }
            }
        } else if name.eq_ignore_ascii_case("X-ElapsedTime") {
            value.parse::<u32>().ok().map(|v| {
                env.elapsed_ms = Some(v);
                (&F::ELAPSED_TIME, Value::UInt(v.into()))
            })
        } else if name.eq_ignore_ascii_case("X-StartTime") {
            Some((&F::START_TIME, Value::Text(Box::from(value))))
        } else {
            None
        };
        match typed {
            Some((f, v)) => b.leaf(c, f, used, v)?,
            None => b.leaf(c, &F::HEADER, used, Value::Text(Box::from(text.trim())))?,
        };
    }
}
