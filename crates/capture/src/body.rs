//! A bare MAPI/HTTP body pasted as hex or base64, with the request type and direction given by the
//! caller (nothing in a bare body says what it is). The result is one synthetic exchange whose
//! message carries an `X-RequestType` header and `Content-Type: application/mapi-http`, so the MAPI
//! layer classifies and decodes it like captured traffic.
//!
//! Hex is accepted with or without white space, with `0x` prefixes and `,` separators, as hex dumps
//! (`hexdump -C`, `xxd`, Wireshark's "Copy as Hex Dump": offset and ASCII columns are dropped), and
//! in the `tests/golden` vector format (`#` comments, `"…"` literal text lines). Anything that is not
//! hex is tried as base64 (standard or URL-safe alphabet, padding optional, white space ignored).

use mapiscope_codec::{RequestType, Severity};

use crate::model::{CaptureDiag, Format, HttpCapture, HttpExchange, HttpRequest, HttpResponse, Limits, ReadError};
use crate::util::{decode_base64_bounded, decode_hex_text, trim_ascii};

/// Which encoding a bare body was found to be in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BodyEncoding {
    /// Hex digits (or a hex dump).
    Hex,
    /// Base64.
    Base64,
}

/// Decodes bare body text (hex first, then base64) into at most `max` bytes.
pub fn decode_body_text(text: &[u8], max: usize) -> Result<(Vec<u8>, bool, BodyEncoding), String> {
    let t = trim_ascii(text);
    if t.is_empty() {
        return Err(String::from("the body text is empty"));
    }
    let hex_err = match decode_hex_text(t, max) {
        Ok((b, over)) if !b.is_empty() => return Ok((b, over, BodyEncoding::Hex)),
        Ok(_) => String::from("no hex digits"),
        Err(e) => e,
    };
    match decode_base64_bounded(t, max) {
        Ok((b, over)) if !b.is_empty() => Ok((b, over, BodyEncoding::Base64)),
        Ok(_) => Err(format!("neither hex ({hex_err}) nor base64 (no data)")),
        Err(e) => Err(format!("neither hex ({hex_err}) nor base64 ({e})")),
    }
}

/// Reads a bare body with the default [`Limits`].
pub fn read_bare_body(text: &[u8], request_type: RequestType, is_response: bool) -> Result<HttpCapture, ReadError> {
    read_bare_body_with(text, request_type, is_response, &Limits::default())
}

/// Reads a bare body: one synthetic exchange whose request (or response, when `is_response`) carries
/// the decoded bytes and the headers `X-RequestType` and `Content-Type: application/mapi-http`.
pub fn read_bare_body_with(
    text: &[u8],
    request_type: RequestType,
    is_response: bool,
    limits: &Limits,
) -> Result<HttpCapture, ReadError> {
    let (body, over, enc) = decode_body_text(text, limits.max_body)
        .map_err(|e| ReadError { message: format!("not a bare body in hex or base64: {e}") })?;
    let mut diagnostics = Vec::new();
    if over {
        diagnostics.push(CaptureDiag::new(
            Severity::Warning,
            format!("body longer than the {}-byte limit: cut to its first {} bytes", limits.max_body, body.len()),
        ));
    }
    let headers = vec![
        (String::from("Content-Type"), String::from("application/mapi-http")),
        (String::from("X-RequestType"), String::from(request_type.token())),
    ];
    let path = match request_type.endpoint() {
        mapiscope_codec::Endpoint::Nspi => "/mapi/nspi/",
        _ => "/mapi/emsmdb/",
    };
    let mut ex = HttpExchange { diagnostics, ..Default::default() };
    if is_response {
        ex.response = Some(HttpResponse {
            status: 200,
            reason: String::from("OK"),
            headers,
            body,
            complete: true,
            ..Default::default()
        });
    } else {
        ex.request = Some(HttpRequest { method: String::from("POST"), uri: String::from(path), headers, body, time: None });
    }
    let what = match enc {
        BodyEncoding::Hex => "hex",
        BodyEncoding::Base64 => "base64",
    };
    Ok(HttpCapture {
        format: Format::BareBody,
        exchanges: vec![ex],
        diagnostics: vec![CaptureDiag::new(
            Severity::Note,
            format!("bare {} body read from {what} as {}", if is_response { "response" } else { "request" }, request_type.token()),
        )],
        tls_connections: 0,
        packets: 1,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONNECT_REQ: &str = include_str!("../../../tests/golden/connect.Connect.req.hex");

    fn req_body(c: &HttpCapture) -> &[u8] {
        &c.exchanges[0].request.as_ref().unwrap().body
    }

    #[test]
    fn hex_variants() {
        let plain = read_bare_body(b"2f6f3d00", RequestType::Connect, false).unwrap();
        assert_eq!(req_body(&plain), b"/o=\0");
        let spaced = read_bare_body(b" 2f 6f\n3d 00 \n", RequestType::Connect, false).unwrap();
        assert_eq!(req_body(&spaced), b"/o=\0");
        let prefixed = read_bare_body(b"0x2f, 0x6f, 0x3d, 0x00", RequestType::Connect, false).unwrap();
        assert_eq!(req_body(&prefixed), b"/o=\0");
        let dump = read_bare_body(
            b"00000000  2f 6f 3d 43 6f 6e 74 6f  73 6f 00 00 00 00 00 e4  |/o=Contoso......|\n00000010  04                                                |.|\n",
            RequestType::Connect,
            false,
        )
        .unwrap();
        assert_eq!(req_body(&dump), b"/o=Contoso\0\0\0\0\0\xe4\x04");
        let c = &dump.exchanges[0];
        let req = c.request.as_ref().unwrap();
        assert_eq!(req.header("x-requesttype"), Some("Connect"));
        assert_eq!(req.header("content-type"), Some("application/mapi-http"));
        assert_eq!(req.uri, "/mapi/emsmdb/");
        assert_eq!(dump.format, Format::BareBody);
    }

    #[test]
    fn golden_vector_format() {
        let c = read_bare_body(CONNECT_REQ.as_bytes(), RequestType::Connect, false).unwrap();
        let body = req_body(&c);
        assert_eq!(body.len(), 105);
        assert!(body.ends_with(&[0xe4, 4, 0, 0, 9, 4, 0, 0, 9, 4, 0, 0, 0, 0, 0, 0]));
        assert!(body.starts_with(b"/o=Contoso/ou=Exchange Administrative Group"));
    }

    #[test]
    fn base64_response() {
        // "PROCESSING\r\nDONE\r\nX-ResponseCode: 0\r\n\r\n" + PING has no body.
        let c = read_bare_body(b"UFJPQ0VTU0lORw0KRE9ORQ0KWC1SZXNwb25zZUNvZGU6IDANCg0K", RequestType::Ping, true).unwrap();
        let resp = c.exchanges[0].response.as_ref().unwrap();
        assert_eq!(resp.body, b"PROCESSING\r\nDONE\r\nX-ResponseCode: 0\r\n\r\n");
        assert_eq!(resp.header("X-RequestType"), Some("PING"));
        assert!(c.exchanges[0].request.is_none());
        assert!(c.diagnostics[0].message.contains("from base64"), "{:?}", c.diagnostics);
    }

    #[test]
    fn nspi_path_and_errors() {
        let c = read_bare_body(b"00 00 00 00", RequestType::Bind, false).unwrap();
        assert_eq!(c.exchanges[0].request.as_ref().unwrap().uri, "/mapi/nspi/");
        let e = read_bare_body(b"this is neither!", RequestType::Bind, false).unwrap_err();
        assert!(e.message.starts_with("not a bare body in hex or base64"), "{}", e.message);
        assert!(read_bare_body(b"  \n", RequestType::Bind, false).is_err());
    }

    #[test]
    fn limit_applies() {
        let limits = Limits { max_body: 3, ..Limits::default() };
        let c = read_bare_body_with(b"01 02 03 04 05", RequestType::Execute, false, &limits).unwrap();
        assert_eq!(req_body(&c), &[1, 2, 3]);
        assert!(c.exchanges[0].diagnostics[0].message.contains("3-byte limit"));
    }
}
