//! The data the worker sends, typed: the `crates/wasm` JSON contract (`Capture.list`, `exchange`,
//! `sessions`, `diagnostics`, `summary`; `Node` and `Diag` as `mapiscope decode --json` writes them).
//! Every field is optional or defaulted, so a newer worker adding fields never breaks the viewer.

//!
//! The worker's JSON strings are parsed by the browser (`JSON.parse`) and read through
//! [`Json`](crate::bridge::Json): no JSON parser or serde code in the UI wasm.

use crate::bridge::Json;

fn opt_u32<J: Json>(j: &J, k: &str) -> Option<u32> {
    j.f(k).map(|v| v as u32)
}

fn opt_usize<J: Json>(j: &J, k: &str) -> Option<usize> {
    j.f(k).map(|v| v as usize)
}

/// A list of objects, each read by `read`.
pub fn list<J: Json, T>(j: &J, read: fn(&J) -> T) -> Vec<T> {
    j.items().iter().map(read).collect()
}

/// One line of the exchange list (`Capture.list`).
#[derive(Clone, Debug, Default, PartialEq)]
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
    pub pending: Option<u32>,
    pub duration: Option<f64>,
    pub summary: Option<String>,
    pub rops: Vec<String>,
    pub severity: Option<String>,
    pub diagnostics: u32,
}

impl Row {
    pub fn read<J: Json>(j: &J) -> Row {
        Row {
            index: j.u("index") as usize,
            time: j.f("time"),
            session: opt_u32(j, "session"),
            endpoint: j.s("endpoint"),
            request_type: j.s("request_type"),
            kind: j.s("kind"),
            method: j.s("method"),
            uri: j.s("uri"),
            status: opt_u32(j, "status"),
            response_code: opt_u32(j, "response_code"),
            response_code_name: j.s("response_code_name"),
            pending: opt_u32(j, "pending"),
            duration: j.f("duration"),
            summary: j.s("summary"),
            rops: j.list("rops").iter().filter_map(Json::text).collect(),
            severity: j.s("severity"),
            diagnostics: j.u("diagnostics") as u32,
        }
    }
}

/// A decoded field (`Node` of the JSON contract).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Node {
    pub name: String,
    pub abbrev: Option<String>,
    pub display: Option<String>,
    pub source: Option<u32>,
    pub offset: Option<usize>,
    pub length: Option<usize>,
    pub children: Vec<Node>,
}

impl Node {
    pub fn read<J: Json>(j: &J) -> Node {
        Node {
            name: j.s("name").unwrap_or_default(),
            abbrev: j.s("abbrev"),
            display: j.s("display"),
            source: opt_u32(j, "source"),
            offset: opt_usize(j, "offset"),
            length: opt_usize(j, "length"),
            children: list(&j.field("children"), Node::read),
        }
    }

    /// The node under key `k`, when it is an object with a name (None for `null` or missing).
    fn read_opt<J: Json>(j: &J, k: &str) -> Option<Node> {
        let n = j.field(k);
        n.s("name").map(|_| Node::read(&n))
    }
}

/// A diagnostic (expert info item).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Diag {
    pub severity: String,
    pub message: String,
    pub source: Option<u32>,
    pub offset: Option<usize>,
    pub length: Option<usize>,
}

impl Diag {
    pub fn read<J: Json>(j: &J) -> Diag {
        Diag {
            severity: j.s("severity").unwrap_or_default(),
            message: j.s("message").unwrap_or_default(),
            source: opt_u32(j, "source"),
            offset: opt_usize(j, "offset"),
            length: opt_usize(j, "length"),
        }
    }
}

/// A byte source of an exchange (an HTTP body or a derived payload).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SourceInfo {
    pub id: u32,
    pub name: String,
    pub length: usize,
}

/// `Capture.exchange(index)`.
#[derive(Clone, Debug, Default, PartialEq)]
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

fn headers<J: Json>(j: &J, k: &str) -> Option<Vec<(String, String)>> {
    let h = j.field(k);
    h.is_array().then(|| {
        h.items()
            .iter()
            .map(|p| {
                let kv = p.items();
                (kv.first().and_then(Json::text).unwrap_or_default(), kv.get(1).and_then(Json::text).unwrap_or_default())
            })
            .collect()
    })
}

impl Exchange {
    pub fn read<J: Json>(j: &J) -> Exchange {
        Exchange {
            index: j.u("index") as usize,
            request: Node::read_opt(j, "request"),
            response: Node::read_opt(j, "response"),
            diagnostics: list(&j.field("diagnostics"), Diag::read),
            sources: list(&j.field("sources"), |s| SourceInfo {
                id: s.u("id") as u32,
                name: s.s("name").unwrap_or_default(),
                length: s.u("length") as usize,
            }),
            request_headers: headers(j, "request_headers"),
            response_headers: headers(j, "response_headers"),
            autodiscover: Node::read_opt(j, "autodiscover"),
        }
    }
}

/// A MAPI/HTTP session (`Capture.sessions`, as `mapiscope read --json` writes it).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Session {
    pub index: u32,
    pub endpoint: Option<String>,
    pub key: String,
    pub user: Option<String>,
    pub first_time: Option<f64>,
    pub last_time: Option<f64>,
    pub requests: u32,
    /// The number of gaps in the X-RequestId counters.
    pub request_id_gaps: u32,
    pub reconnects: u32,
    pub context_not_found: u32,
    pub pending: u32,
    pub errors: u32,
}

impl Session {
    pub fn read<J: Json>(j: &J) -> Session {
        Session {
            index: j.u("index") as u32,
            endpoint: j.s("endpoint"),
            key: j.s("key").unwrap_or_default(),
            user: j.s("user"),
            first_time: j.f("first_time"),
            last_time: j.f("last_time"),
            requests: j.u("requests") as u32,
            request_id_gaps: j.list("request_id_gaps").len() as u32,
            reconnects: j.u("reconnects") as u32,
            context_not_found: j.u("context_not_found") as u32,
            pending: j.u("pending") as u32,
            errors: j.u("errors") as u32,
        }
    }
}

/// `Capture.summary()`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Summary {
    pub format: String,
    pub packets: u64,
    pub tls_connections: u64,
    pub exchanges: u64,
    pub sessions: u64,
}

impl Summary {
    pub fn read<J: Json>(j: &J) -> Summary {
        Summary {
            format: j.s("format").unwrap_or_default(),
            packets: j.u("packets"),
            tls_connections: j.u("tls_connections"),
            exchanges: j.u("exchanges"),
            sessions: j.u("sessions"),
        }
    }
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

/// A filter key (`filterFields()`), for completion.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FieldInfo {
    pub key: String,
    pub name: String,
    pub ty: String,
    pub description: String,
}

impl FieldInfo {
    pub fn read<J: crate::bridge::Json>(j: &J) -> FieldInfo {
        FieldInfo {
            key: j.s("key").unwrap_or_default(),
            name: j.s("name").unwrap_or_default(),
            ty: j.s("type").unwrap_or_default(),
            description: j.s("description").unwrap_or_default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> serde_json::Value {
        serde_json::from_str(s).unwrap()
    }

    #[test]
    fn reads_rows_exchanges_and_sessions() {
        let r = Row::read(&v(r#"{"index":3,"time":1.5,"session":null,"endpoint":"emsmdb","request_type":"Execute","status":200,"response_code":0,"duration":0.25,"rops":["RopLogon","RopRelease"],"severity":"warning","diagnostics":2,"new_field":{"x":1}}"#));
        assert_eq!((r.index, r.time, r.session, r.status, r.response_code, r.diagnostics), (3, Some(1.5), None, Some(200), Some(0), 2));
        assert_eq!(r.rops, ["RopLogon", "RopRelease"]);
        assert_eq!(r.request_type.as_deref(), Some("Execute"));
        let x = Exchange::read(&v(r#"{"index":1,"request":{"name":"Req","abbrev":"a.b","display":"Req","value":null,"source":0,"offset":0,"length":4,
            "children":[{"name":"C","abbrev":null,"display":"C: 1","value":1,"source":0,"offset":0,"length":1,"children":[]}]},
            "response":null,"diagnostics":[{"severity":"note","message":"m","source":null,"offset":null,"length":null}],
            "sources":[{"id":0,"name":"request body","length":4}],"request_headers":[["Host","x"],["X-RequestType","Execute"]],"response_headers":[]}"#));
        let q = x.request.unwrap();
        assert_eq!((q.name.as_str(), q.abbrev.as_deref(), q.length), ("Req", Some("a.b"), Some(4)));
        assert_eq!(q.children[0].display.as_deref(), Some("C: 1"));
        assert_eq!(q.children[0].abbrev, None);
        assert!(x.response.is_none() && x.autodiscover.is_none());
        assert_eq!(x.diagnostics[0].message, "m");
        assert_eq!(x.sources[0], SourceInfo { id: 0, name: "request body".into(), length: 4 });
        assert_eq!(x.request_headers.unwrap()[1], ("X-RequestType".to_string(), "Execute".to_string()));
        assert_eq!(x.response_headers, Some(vec![]));
        let s = Session::read(&v(r#"{"index":2,"key":"k","requests":14,"request_id_gaps":[[3,5],[9,10]],"reconnects":1,"errors":1}"#));
        assert_eq!((s.index, s.requests, s.request_id_gaps, s.reconnects, s.errors), (2, 14, 2, 1, 1));
        assert_eq!(list(&v(r#"[{"format":"pcapng","packets":9}]"#), Summary::read)[0].packets, 9);
    }
}
