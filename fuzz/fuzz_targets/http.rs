//! The HTTP/1.1 message layer (`http::parse_requests` / `parse_responses`: Content-Length, chunked
//! with trailers, gzip/deflate, 100-continue, resynchronisation): the first two bytes split the input
//! into a client stream and a server stream; the server stream is parsed with the methods of the
//! requests found. Checks that message ranges lie inside the stream.
#![no_main]

#[path = "common/mod.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use mapiscope_capture::http;

fuzz_target!(|data: &[u8]| {
    let Some((head, rest)) = data.split_at_checked(2) else { return };
    let split = (u16::from_le_bytes([head[0], head[1]]) as usize).min(rest.len());
    let (client, server) = rest.split_at(split);
    let limits = common::limits();
    let (reqs, _) = http::parse_requests(client, &limits);
    let methods: Vec<String> = reqs.iter().map(|r| r.request.method.clone()).collect();
    for r in &reqs {
        assert!(r.start <= r.end && r.end <= client.len(), "request range outside the stream");
        assert!(r.request.body.len() <= limits.max_body, "request body beyond max_body");
    }
    let (resps, _) = http::parse_responses(server, &limits, &methods);
    for r in &resps {
        assert!(r.start <= r.end && r.end <= server.len(), "response range outside the stream");
        assert!(r.response.body.len() <= limits.max_body, "response body beyond max_body");
        assert!(r.chunk_ends.iter().all(|&e| e <= server.len()), "chunk end outside the stream");
    }
});
