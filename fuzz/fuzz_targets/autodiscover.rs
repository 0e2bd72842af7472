//! The Autodiscover POX decoder: the first two bytes split the input into the request body and the
//! response body (XML); the request carries an X-MapiHttpCapability header.
#![no_main]

#[path = "common/mod.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use mapiscope_capture::autodiscover;
use mapiscope_capture::{HttpRequest, HttpResponse};

fuzz_target!(|data: &[u8]| {
    let Some((head, rest)) = data.split_at_checked(2) else { return };
    let split = (u16::from_le_bytes([head[0], head[1]]) as usize).min(rest.len());
    let (req, resp) = rest.split_at(split);
    let request = HttpRequest {
        method: "POST".into(),
        uri: "/autodiscover/autodiscover.xml".into(),
        headers: vec![("X-MapiHttpCapability".into(), "1".into()), ("Content-Type".into(), "text/xml".into())],
        body: req.to_vec(),
        time: None,
    };
    let response = HttpResponse {
        status: 200,
        headers: vec![("Content-Type".into(), "text/xml; charset=utf-8".into())],
        body: resp.to_vec(),
        complete: true,
        ..Default::default()
    };
    let d = autodiscover::decode(Some(&request), Some(&response));
    common::check(&d.dissection);
    let _ = d.info.summary();
});
