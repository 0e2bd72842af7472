//! End-to-end tests of the `mapiscope` binary: output forms, the JSON contract, exit codes.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_mapiscope"))
}

fn sample(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/samples").join(name)
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("run mapiscope")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("utf-8 stdout")
}

#[test]
fn decode_text_tree() {
    let req = sample("connect.request.bin");
    let resp = sample("connect.response.bin");
    let o = run(&["decode", "--type", "Connect", "--request", req.to_str().unwrap(), "--response", resp.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&o.stderr));
    let s = stdout(&o);
    assert!(s.contains("Connect Request Type Request Body\n"), "{s}");
    assert!(s.contains("    UserDn: \"/o=Contoso/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=alice\"\n"), "{s}");
    assert!(s.contains("    DefaultCodePage: Western European (Windows) (0x000004E4)\n"), "{s}");
    assert!(s.contains("    X-ResponseCode: Success (0)\n"), "{s}");
    assert!(s.contains("        DisplayName: \"Alice Example\"\n"), "{s}");
}

#[test]
fn decode_hex_dumps_every_source() {
    let req = sample("connect.request.bin");
    let o = run(&["decode", "--type", "connect", "--request", req.to_str().unwrap(), "--hex"]);
    assert_eq!(o.status.code(), Some(0));
    let s = stdout(&o);
    assert!(s.contains("Source 0: request body (121 bytes)\n00000000  2f 6f 3d 43"), "{s}");
}

#[test]
fn decode_json_contract() {
    let req = sample("connect.request.bin");
    let resp = sample("connect.response.bin");
    let o = run(&["decode", "--type", "Connect", "--request", req.to_str().unwrap(), "--response", resp.to_str().unwrap(), "--json"]);
    assert_eq!(o.status.code(), Some(0));
    let s = stdout(&o);
    assert!(s.starts_with("{\"request\":{\"name\":\"Connect Request Type Request Body\",\"abbrev\":\"mapihttp.connect.request\","), "{s}");
    assert!(s.contains("{\"name\":\"UserDn\",\"abbrev\":\"mapihttp.connect.userdn\",\"display\":\"UserDn: \\\"/o=Contoso/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=alice\\\"\",\"value\":\"/o=Contoso/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=alice\",\"source\":0,\"offset\":0,\"length\":85,\"children\":[]}"), "{s}");
    assert!(s.contains("\"name\":\"DefaultCodePage\",\"abbrev\":\"mapihttp.connect.defaultcodepage\",\"display\":\"DefaultCodePage: Western European (Windows) (0x000004E4)\",\"value\":1252,\"source\":0,\"offset\":89,\"length\":4"), "{s}");
    assert!(s.contains(",\"response\":{\"name\":\"Response\",\"abbrev\":\"mapihttp.response\""), "{s}");
    assert!(s.contains("\"sources\":[{\"id\":0,\"name\":\"request body\",\"length\":121},{\"id\":1,\"name\":\"response body\",\"length\":225}]"), "{s}");
    assert!(s.ends_with("}\n"));
}

#[test]
fn decode_from_stdin_and_diagnostics_exit_zero() {
    let mut child = bin()
        .args(["decode", "--type", "Execute", "--request", "-", "--json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn");
    child.stdin.take().unwrap().write_all(&[3, 0, 0, 0, 0xFF, 0xFF]).unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(0));
    let s = stdout(&o);
    assert!(s.contains("\"response\":null"), "{s}");
    assert!(s.contains("{\"severity\":\"error\",\"message\":\"truncated: RopBufferSize needs 4 bytes, 2 left\",\"source\":0,\"offset\":4,\"length\":2}"), "{s}");
}

#[test]
fn exit_codes() {
    assert_eq!(run(&[]).status.code(), Some(2));
    assert_eq!(run(&["frobnicate"]).status.code(), Some(2));
    assert_eq!(run(&["decode", "--request", "x"]).status.code(), Some(2), "missing --type");
    assert_eq!(run(&["decode", "--type", "Nope", "--request", "x"]).status.code(), Some(2));
    assert_eq!(run(&["decode", "--type", "Bind"]).status.code(), Some(2), "no input");
    let o = run(&["decode", "--type", "Bind", "--request", "/nonexistent/file"]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(err.lines().count(), 1, "one-line reason: {err}");
    assert!(err.contains("/nonexistent/file"));
}

#[test]
fn fields_lists_registry() {
    let o = run(&["fields"]);
    assert_eq!(o.status.code(), Some(0));
    let s = stdout(&o);
    let line = s.lines().find(|l| l.starts_with("mapihttp.connect.userdn\t")).expect("userdn listed");
    assert_eq!(line.split('\t').nth(1), Some("UserDn"));
    assert_eq!(line.split('\t').nth(2), Some("string8"));
    assert!(s.lines().all(|l| l.split('\t').count() == 4), "four tab-separated columns");
}
