//! `mapiscope read -Y/-T/-e/-E` and `mapiscope stats` end to end on the committed demo captures,
//! with counts read independently (the exchange list of `mapiscope read`, the HAR file's body sizes).

use std::path::PathBuf;
use std::process::{Command, Output};

fn sample(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/samples").join(name).to_string_lossy().into_owned()
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mapiscope")).args(args).output().expect("run mapiscope")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("utf-8 stdout")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The No. column of the packet list.
fn listed(o: &Output) -> Vec<usize> {
    stdout(o)
        .lines()
        .skip(1)
        .take_while(|l| !l.is_empty())
        .filter_map(|l| l.split_whitespace().next()?.parse().ok())
        .collect()
}

#[test]
fn display_filter_keeps_matching_exchanges() {
    for name in ["outlook.pcapng", "outlook.har"] {
        let f = sample(name);
        let all = run(&["read", &f]);
        assert_eq!(all.status.code(), Some(0));
        // Independent reading of the unfiltered list: the Execute rows.
        let executes: Vec<usize> = stdout(&all)
            .lines()
            .filter(|l| l.split_whitespace().nth(4) == Some("Execute"))
            .filter_map(|l| l.split_whitespace().next()?.parse().ok())
            .collect();
        assert_eq!(executes.len(), 18, "{name}");
        let o = run(&["read", &f, "-Y", "mapihttp.request_type == \"Execute\""]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert_eq!(listed(&o), executes, "{name}");
        assert!(stdout(&o).contains("\n18 exchanges, 4 sessions"), "{}", stdout(&o));
        // Rows whose summary names RopQueryRows.
        let queryrows: Vec<usize> = stdout(&all)
            .lines()
            .filter(|l| l.contains("RopQueryRows"))
            .filter_map(|l| l.split_whitespace().next()?.parse().ok())
            .collect();
        assert_eq!(queryrows, [5, 6, 17, 23, 31]);
        assert_eq!(listed(&run(&["read", &f, "-Y", "mapihttp.rop.queryrows"])), queryrows);
        assert_eq!(listed(&run(&["read", &f, "-Y", "mapihttp.rop.id == RopQueryRows"])), queryrows);
        // The row with rc=10.
        let rc10: Vec<usize> =
            stdout(&all).lines().filter(|l| l.contains("/rc=10")).filter_map(|l| l.split_whitespace().next()?.parse().ok()).collect();
        assert_eq!(rc10, [28]);
        assert_eq!(listed(&run(&["read", &f, "--display-filter", "mapihttp.response_code == ContextNotFound"])), rc10);
    }
}

#[test]
fn bad_filter_exits_2_with_a_caret() {
    let f = sample("outlook.pcapng");
    let o = run(&["read", &f, "-Y", "mapihttp.request_type == Execute && mapihttp.rop.querrows"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stdout(&o).is_empty());
    let e = stderr(&o);
    assert!(e.contains("filter error at offset 36: unknown field \"mapihttp.rop.querrows\" (did you mean \"mapihttp.rop.queryrows\"?)"), "{e}");
    assert!(e.contains("\n    mapihttp.request_type == Execute && mapihttp.rop.querrows\n                                        ^~~~~~~~~~~~~~~~~~~~~\n"), "{e}");
    let o = run(&["read", &f, "-Y", "(mapihttp.session == 1"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("this \"(\" is never closed"), "{}", stderr(&o));
    let o = run(&["read", &f, "-Y"]);
    assert_eq!(o.status.code(), Some(2));
    let o = run(&["read", &f, "-T", "xml"]);
    assert_eq!(o.status.code(), Some(2));
    let o = run(&["read", &f, "-T", "fields"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("-T fields needs at least one -e KEY"));
    let o = run(&["read", &f, "-e", "mapihttp.session"]);
    assert_eq!(o.status.code(), Some(2));
    let o = run(&["read", &f, "-T", "fields", "-e", "mapihttp.sesion"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("did you mean \"mapihttp.session\"?"), "{}", stderr(&o));
    let o = run(&["read", &f, "-T", "fields", "-e", "mapihttp.session", "-E", "header=maybe"]);
    assert_eq!(o.status.code(), Some(2));
    let o = run(&["stats", &f, "-Y", "mapihttp.session =="]);
    assert_eq!(o.status.code(), Some(2));
    let o = run(&["read", "/nonexistent/capture.pcap", "-Y", "mapihttp.session"]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn fields_output_like_tshark() {
    let f = sample("outlook.pcapng");
    let o = run(&[
        "read", &f, "-Y", "mapihttp.session == 0 && mapihttp.request_type == Execute", "-T", "fields", "-e", "mapihttp.exchange.number", "-e",
        "mapihttp.request_type", "-e", "mapihttp.rop.id", "-e", "mapihttp.response_code", "-E", "header=y",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let s = stdout(&o);
    let lines: Vec<&str> = s.lines().collect();
    assert_eq!(lines[0], "mapihttp.exchange.number\tmapihttp.request_type\tmapihttp.rop.id\tmapihttp.response_code");
    // Exchange 4: RopGetPropertyIdsFromNames (0x56) in the request and in the response.
    assert_eq!(lines[2], "4\tExecute\t0x56,0x56\t0");
    assert_eq!(lines.len(), 1 + 9, "session 0 has 9 Executes: {s}");
    let o = run(&[
        "read", &f, "-Y", "mapihttp.exchange.number == 4", "-T", "fields", "-e", "mapihttp.rop.id", "-e", "mapihttp.request_type", "-E",
        "separator=,", "-E", "occurrence=f", "-E", "quote=d",
    ]);
    assert_eq!(stdout(&o), "\"0x56\",\"Execute\"\n");
    let o = run(&["read", &f, "-Y", "mapihttp.exchange.number == 4", "-T", "fields", "-e", "mapihttp.rop.id", "-E", "aggregator=/s"]);
    assert_eq!(stdout(&o), "0x56 0x56\n");
}

#[test]
fn json_jsonl_and_text_outputs() {
    let f = sample("outlook.pcapng");
    let o = run(&["read", &f, "-Y", "mapihttp.request_type == Bind", "-T", "jsonl"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let s = stdout(&o);
    let lines: Vec<&str> = s.lines().collect();
    assert_eq!(lines.len(), 2);
    assert!(lines[0].starts_with("{\"index\":9,") && lines[0].ends_with('}'), "{}", lines[0]);
    assert!(lines[1].starts_with("{\"index\":17,"), "{}", lines[1]);
    assert!(lines[0].contains("\"request\":{\"name\":\"Bind Request Type Request Body\""));
    let j = stdout(&run(&["read", &f, "-Y", "mapihttp.request_type == Bind", "-T", "json"]));
    let j2 = stdout(&run(&["read", &f, "-Y", "mapihttp.request_type == Bind", "--json"]));
    assert_eq!(j, j2);
    assert!(j.starts_with("{\"exchanges\":[{\"index\":9,"), "{j}");
    assert_eq!(j.matches("\"request_type\":\"Bind\"").count(), 2);
    assert!(j.contains("],\"sessions\":[{\"index\":0,"));
    let t = stdout(&run(&["read", &f, "-Y", "mapihttp.exchange.number == 10", "-T", "text"]));
    let v = stdout(&run(&["read", &f, "-Y", "mapihttp.exchange.number == 10", "-V"]));
    assert_eq!(t, v);
    assert!(t.contains("Bind Request Type Request Body"), "{t}");
    let o = run(&["read", &f, "-T", "jsonl", "--json"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn stats_text_and_json() {
    let f = sample("outlook.har");
    let o = run(&["stats", &f]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let s = stdout(&o);
    let row = |first: &str| s.lines().find(|l| l.split_whitespace().next() == Some(first)).unwrap_or_else(|| panic!("no row {first}: {s}")).to_string();
    let cols = |first: &str| row(first).split_whitespace().map(String::from).collect::<Vec<_>>();
    // Request types: 18 Executes, one failed (X-ResponseCode 10); 4 NotificationWait.
    assert_eq!(cols("Execute")[1..3], ["18", "1"]);
    assert_eq!(cols("NotificationWait")[1..3], ["4", "0"]);
    // NotificationWait entries' "time" in the HAR: 37413.318, 28001.455, 21081.566, 22001.295 ms.
    assert_eq!(cols("NotificationWait")[3..], ["21081.566", "27124.409", "22001.295", "37413.318", "37413.318"]);
    assert_eq!(cols("RopQueryRows")[1], "5");
    assert_eq!(cols("RopRelease")[1], "7");
    assert!(s.contains("\n10    Context Not Found          1\n"), "{s}");
    // HTTP body bytes, summed independently from the HAR (request postData, response content).
    assert!(s.contains("autodiscover          2            762           3616   4378\n"), "{s}");
    assert!(s.contains("emsmdb               27           4271          19986  24257\n"), "{s}");
    assert!(s.contains("nspi                  8           1004          29009  30013\n"), "{s}");
    let o = run(&["stats", &f, "--json", "-Y", "mapihttp.endpoint == nspi"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let j = stdout(&o);
    assert!(j.starts_with("{\"exchanges\":8,\"request_types\":[{\"name\":\"Bind\",\"count\":2,\"errors\":0,"), "{j}");
    assert!(j.contains("\"rops\":[]"), "{j}");
    assert!(j.contains("\"response_codes\":[{\"code\":0,\"name\":\"Success\",\"count\":8}]"), "{j}");
    assert!(j.contains("\"bytes\":[{\"endpoint\":\"nspi\",\"exchanges\":8,\"request\":1004,\"response\":29009}]"), "{j}");
    assert!(j.contains("\"sessions\":[{\"index\":1,"), "{j}");
    assert!(!j.contains("{\"index\":0,"), "only the nspi sessions: {j}");
    assert!(j.ends_with("}\n"));
}
