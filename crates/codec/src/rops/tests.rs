//! Tests of the ROP dispatch: pairing of responses with requests, unasked ROPs, unknown RopIds,
//! RopBufferTooSmall, the completeness of the decoder table, and the stream family.

use alloc::vec::Vec;

use super::testutil::{execute_request, execute_response, lines, problems};
use crate::tree::Severity;
use crate::{decode_exchange, decode_exchange_in, decode_request, RequestType, Session};

#[test]
fn every_rop_has_its_decoders() {
    let mut missing = Vec::new();
    for (r, req, resp) in super::table() {
        let want_req = !super::UNASKED.contains(&r.id);
        let want_resp = r.id != 0x01;
        if req != want_req || resp != want_resp {
            missing.push(alloc::format!("{} (0x{:02X}): request {req}, response {resp}", r.name, r.id));
        }
    }
    assert!(missing.is_empty(), "ROPs without the expected decoders:\n{}", missing.join("\n"));
}

#[test]
fn no_rop_registered_twice() {
    let mut ids: Vec<u8> = super::FAMILIES.iter().flat_map(|f| f.iter().map(|d| d.id)).collect();
    let n = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), n, "a RopId has rows in two families");
    assert!(ids.iter().all(|&id| super::rop_name(id).is_some()), "a decoder row has an id outside [MS-OXCROPS] 2.2.2");
}

/// Responses pair with requests in order, skipping RopRelease; RopBackoff comes unasked.
#[test]
fn responses_pair_in_order() {
    // RopRelease(idx 0); RopOpenStream(in 0, out 1, PidTagBody, ReadOnly); RopReadStream(idx 1, 0x100)
    let req = [
        &[0x01, 0x00, 0x00][..],
        &[0x2B, 0x00, 0x00, 0x01, 0x1F, 0x00, 0x00, 0x10, 0x00],
        &[0x2C, 0x00, 0x01, 0x00, 0x01],
    ]
    .concat();
    // RopOpenStream success (StreamSize 5); RopBackoff (logon 0, 1000 ms, no ROPs, no data);
    // RopReadStream success with 5 bytes.
    let resp = [
        &[0x2B, 0x01, 0, 0, 0, 0, 5, 0, 0, 0][..],
        &[0xF9, 0x00, 0xE8, 0x03, 0, 0, 0x00, 0x00, 0x00],
        &[0x2C, 0x01, 0, 0, 0, 0, 5, 0, b'h', b'e', b'l', b'l', b'o'],
    ]
    .concat();
    let req = execute_request(&req, &[0x100, 0xFFFF_FFFF]);
    let resp = execute_response(&resp, &[0x100, 0x200]);
    let mut session = Session::default();
    let (d, _) = decode_exchange_in(&mut session, RequestType::Execute, Some(&req), Some(&resp));
    assert!(problems(&d).is_empty(), "{:?}", d.diagnostics);
    assert_eq!(lines(&d, "mapihttp.rop.request_index"), ["Request: 1", "Request: 2"]);
    assert_eq!(lines(&d, "mapihttp.rop.openstream.streamsize"), ["StreamSize: 5 bytes"]);
    assert_eq!(lines(&d, "mapihttp.rop.readstream.data"), ["Data: 68656c6c6f"]);
    assert_eq!(lines(&d, "mapihttp.rop.backoff.duration"), ["Duration: 1000 ms"]);
    // The stream handle learned from the response's handle table.
    assert_eq!(session.objects.get(&0x200), Some(&super::context::ObjectKind::Stream));
}

/// A response ROP that answers no request is flagged; decoding goes on.
#[test]
fn unmatched_response_is_flagged() {
    let req = execute_request(&[0x5E, 0x00, 0x00], &[0x10]);
    let resp = execute_response(&[0x5D, 0x00, 0, 0, 0, 0], &[0x10]);
    let (d, _) = decode_exchange(RequestType::Execute, Some(&req), Some(&resp));
    assert_eq!(problems(&d), ["RopCommitStream does not answer any remaining request ROP"]);
}

/// An unknown RopId stops the list with an error at its offset; the handle table is still decoded.
#[test]
fn unknown_rop_id_stops_the_list() {
    let body = execute_request(&[0x01, 0x00, 0x00, 0x00, 0x01, 0x02], &[7]);
    let d = decode_request(RequestType::Execute, &body);
    let errs: Vec<(&str, u32, u32)> =
        d.diagnostics.iter().filter(|x| x.severity == Severity::Error).map(|x| (x.message.as_str(), x.offset, x.length)).collect();
    // Flags 4 + RopBufferSize 4 + RPC_HEADER_EXT 8 + RopSize 2 + RopRelease 3 = offset 21.
    assert_eq!(errs, [("unknown RopId 0x00: the rest of the ROP list cannot be decoded", 21, 3)]);
    assert_eq!(lines(&d, "mapihttp.rop.undecoded"), ["Undecoded ROP bytes: 000102"]);
    assert_eq!(lines(&d, "mapihttp.rop.serverobjecthandle"), ["ServerObjectHandle: 0x00000007"]);
}

/// A response-only ROP in a request stops the list.
#[test]
fn response_only_rop_in_request() {
    let body = execute_request(&[0xFF, 0x00, 0x00], &[]);
    let d = decode_request(RequestType::Execute, &body);
    assert_eq!(problems(&d), ["RopBufferTooSmall appears only in response buffers: the rest of the ROP list cannot be decoded"]);
}

/// RopBufferTooSmall's RequestBuffers are decoded as the request ROPs they are.
#[test]
fn buffer_too_small_decodes_request_buffers() {
    let req = execute_request(&[0x2C, 0x00, 0x00, 0x00, 0x10, 0x5E, 0x00, 0x00], &[0x10]);
    // SizeNeeded 0x2000; RequestBuffers = both requests again.
    let resp = execute_response(&[0xFF, 0x00, 0x20, 0x2C, 0x00, 0x00, 0x00, 0x10, 0x5E, 0x00, 0x00], &[0x10]);
    let (d, _) = decode_exchange(RequestType::Execute, Some(&req), Some(&resp));
    assert!(problems(&d).is_empty(), "{:?}", d.diagnostics);
    assert_eq!(lines(&d, "mapihttp.rop.buffertoosmall.sizeneeded"), ["SizeNeeded: 8192 bytes"]);
    // Two RopReadStream nodes: the request, and its copy inside RequestBuffers.
    assert_eq!(lines(&d, "mapihttp.rop.readstream.bytecount").len(), 2);
    assert_eq!(lines(&d, "mapihttp.rop.getstreamsize").len(), 2);
}

/// Stream ROPs: every request and response layout, including the 0xBABE and 0x503 forms.
#[test]
fn stream_family() {
    let req = [
        &[0x2C, 0x00, 0x00, 0xBE, 0xBA, 0x00, 0x00, 0x01, 0x00][..], // ReadStream 0xBABE + MaximumByteCount 65536
        &[0x2D, 0x00, 0x00, 0x02, 0x00, 0xAA, 0xBB],                 // WriteStream 2 bytes
        &[0xA3, 0x00, 0x00, 0x01, 0x00, 0xCC],                       // WriteStreamExtended 1 byte
        &[0x5D, 0x00, 0x00],                                         // CommitStream
        &[0x5E, 0x00, 0x00],                                         // GetStreamSize
        &[0x2F, 0x00, 0x00, 0x10, 0, 0, 0, 0, 0, 0, 0],             // SetStreamSize 16
        &[0x2E, 0x00, 0x00, 0x01, 0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], // SeekStream Current -2
        &[0x3A, 0x00, 0x00, 0x01, 0x00, 0x01, 0, 0, 0, 0, 0, 0],    // CopyToStream 256 bytes
        &[0x5B, 0x00, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0x10, 0, 0, 0, 0, 0, 0, 0, 0x01, 0, 0, 0], // LockRegionStream
        &[0x5C, 0x00, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0x10, 0, 0, 0, 0, 0, 0, 0, 0x01, 0, 0, 0], // UnlockRegionStream
        &[0x90, 0x00, 0x00, 0x01, 0x00, 0xDD],                       // WriteAndCommitStream
        &[0x3B, 0x00, 0x00, 0x02],                                   // CloneStream
    ]
    .concat();
    let resp = [
        &[0x2C, 0x00, 0, 0, 0, 0, 0x00, 0x00][..],
        &[0x2D, 0x00, 0, 0, 0, 0, 0x02, 0x00],
        &[0xA3, 0x00, 0, 0, 0, 0, 0x01, 0, 0, 0],
        &[0x5D, 0x00, 0, 0, 0, 0],
        &[0x5E, 0x00, 0, 0, 0, 0, 0x10, 0, 0, 0],
        &[0x2F, 0x00, 0, 0, 0, 0],
        &[0x2E, 0x00, 0, 0, 0, 0, 0x0E, 0, 0, 0, 0, 0, 0, 0],
        &[0x3A, 0x00, 0x03, 0x05, 0, 0, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], // 0x503 form
        &[0x5B, 0x00, 0, 0, 0, 0],
        &[0x5C, 0x00, 0, 0, 0, 0],
        &[0x90, 0x00, 0, 0, 0, 0, 0x01, 0x00],
        &[0x3B, 0x02, 0, 0, 0, 0],
    ]
    .concat();
    let req = execute_request(&req, &[0x10, 0x11, 0xFFFF_FFFF]);
    let resp = execute_response(&resp, &[0x10, 0x11, 0x12]);
    let mut session = Session::default();
    let (d, _) = decode_exchange_in(&mut session, RequestType::Execute, Some(&req), Some(&resp));
    let errs: Vec<&str> = d.diagnostics.iter().filter(|x| x.severity > Severity::Note).map(|x| x.message.as_str()).collect();
    assert!(errs.is_empty(), "{:?}", d.diagnostics);
    assert_eq!(lines(&d, "mapihttp.rop.readstream.bytecount"), ["ByteCount: 0xBABE (use MaximumByteCount)"]);
    assert_eq!(lines(&d, "mapihttp.rop.readstream.maximumbytecount"), ["MaximumByteCount: 65536 bytes"]);
    assert_eq!(lines(&d, "mapihttp.rop.writestream.data"), ["Data: aabb"]);
    assert_eq!(lines(&d, "mapihttp.rop.writestreamextended.writtensize"), ["WrittenSize: 1 bytes"]);
    assert_eq!(lines(&d, "mapihttp.rop.getstreamsize.streamsize"), ["StreamSize: 16 bytes"]);
    assert_eq!(lines(&d, "mapihttp.rop.seekstream.origin"), ["Origin: Current (0x01)"]);
    assert_eq!(lines(&d, "mapihttp.rop.seekstream.offset"), ["Offset: -2"]);
    assert_eq!(lines(&d, "mapihttp.rop.seekstream.newposition"), ["NewPosition: 14"]);
    assert_eq!(lines(&d, "mapihttp.rop.copytostream.desthandleindex_null"), ["DestHandleIndex: 1"]);
    assert_eq!(lines(&d, "mapihttp.rop.lockregionstream.lockflags"), ["LockFlags: 0x00000001 (LOCK_EXCLUSIVE)", "LockFlags: 0x00000001 (LOCK_EXCLUSIVE)"]);
    assert_eq!(lines(&d, "mapihttp.rop.writeandcommitstream.writtensize"), ["WrittenSize: 1 bytes"]);
    assert_eq!(lines(&d, "mapihttp.rop.request_index").len(), 12, "every response paired");
    assert_eq!(session.objects.get(&0x12), Some(&super::context::ObjectKind::Stream), "RopCloneStream output");
    // Truncation sweep over both bodies.
    for body in [&req, &resp] {
        for cut in 0..body.len() {
            let (d, _) = if core::ptr::eq(body, &req) {
                decode_exchange(RequestType::Execute, Some(&body[..cut]), None)
            } else {
                decode_exchange(RequestType::Execute, None, Some(&body[..cut]))
            };
            assert!(d.diagnostics.iter().any(|x| x.severity >= Severity::Warning && x.offset as usize <= cut), "cut {cut}");
        }
    }
}
