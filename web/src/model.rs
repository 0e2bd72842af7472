//! The data the worker sends, typed: the `crates/wasm` JSON contract (`Capture.list`, `exchange`,
//! `sessions`, `diagnostics`, `summary`; `Node` and `Diag` as `mapiscope decode --json` writes them).
//! Every field is optional or defaulted, so a newer worker adding fields never breaks the viewer.

use serde::de::IgnoredAny;
use serde::Deserialize;

/// One line of the exchange list (`Capture.list`).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct Row {
    pub index: usize,
    pub time: Option<f64>,
    pub session: Option<u32>,
    pub endpoint: Option<String>,
    pub request_type: Option<String>,
    pub kind: Option<String>,
    pub method: Option<String>,
    pub uri: Option<String>,
    pub status: Option<u32>,
    pub response_code: Option<u32>,
    pub response_code_name: Option<String>,
    pub elapsed_ms: Option<f64>,
    pub pending: Option<u32>,
    pub duration: Option<f64>,
    pub summary: Option<String>,
    pub rops: Vec<String>,
    pub severity: Option<String>,
    pub diagnostics: u32,
}

/// A decoded field (`Node` of the JSON contract).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct Node {
    pub name: String,
    pub abbrev: Option<String>,
    pub display: Option<String>,
    #[allow(dead_code)]
    pub value: Option<IgnoredAny>,
    pub source: Option<u32>,
    pub offset: Option<usize>,
    pub length: Option<usize>,
    pub children: Vec<Node>,
}

/// A diagnostic (expert info item).
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct Diag {
    pub severity: String,
    pub message: String,
    pub source: Option<u32>,
    pub offset: Option<usize>,
    pub length: Option<usize>,
}

/// A byte source of an exchange (an HTTP body or a derived payload).
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct SourceInfo {
    pub id: u32,
    pub name: String,
    pub length: usize,
}

/// `Capture.exchange(index)`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct Exchange {
    pub index: usize,
    pub request: Option<Node>,
    pub response: Option<Node>,
    pub diagnostics: Vec<Diag>,
    pub sources: Vec<SourceInfo>,
    pub request_headers: Option<Vec<(String, String)>>,
    pub response_headers: Option<Vec<(String, String)>>,
    pub autodiscover: Option<Node>,
}

/// A MAPI/HTTP session (`Capture.sessions`, as `mapiscope read --json` writes it).
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct Session {
    pub index: u32,
    pub endpoint: Option<String>,
    pub key: String,
    pub user: Option<String>,
    pub client_info: Option<String>,
    pub cookies: Vec<String>,
    pub first_time: Option<f64>,
    pub last_time: Option<f64>,
    pub requests: u32,
    pub request_id_gaps: Vec<(u64, u64)>,
    pub reconnects: u32,
    pub context_not_found: u32,
    pub pending: u32,
    pub server_time_ms: Option<f64>,
    pub response_time: Option<f64>,
    pub errors: u32,
}

/// `Capture.summary()`.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct Summary {
    pub format: String,
    pub packets: u64,
    pub tls_connections: u64,
    pub exchanges: u64,
    pub sessions: u64,
}

/// Severity rank for sorting and colouring: error > warning > note > chat.
pub fn severity_rank(s: Option<&str>) -> u8 {
    match s {
        Some("error") => 4,
        Some("warning") => 3,
        Some("note") => 2,
        Some("chat") => 1,
        _ => 0,
    }
}

/// The 24 X-RequestType tokens of [MS-OXCMAPIHTTP] 2.2.2.1.3 (for a pasted bare body, whose type
/// nothing in the body says).
pub const REQUEST_TYPES: [&str; 24] = [
    "Connect", "Execute", "Disconnect", "NotificationWait", "PING", "Bind", "Unbind", "CompareMIds",
    "DNToMId", "GetMatches", "GetPropList", "GetProps", "GetSpecialTable", "GetTemplateInfo",
    "ModLinkAtt", "ModProps", "QueryRows", "QueryColumns", "ResolveNames", "ResortRestriction",
    "SeekEntries", "UpdateStat", "GetMailboxUrl", "GetAddressBookUrl",
];
