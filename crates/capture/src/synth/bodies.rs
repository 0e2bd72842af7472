//! MAPI/HTTP request and response bodies ([MS-OXCMAPIHTTP] 2.2.4 mailbox, 2.2.5 address book), the
//! RPC_HEADER_EXT framing of RopBuffers and auxiliary buffers ([MS-OXCRPC] 2.2.2.1, 3.1.4.2.1) and the
//! auxiliary blocks Outlook and Exchange exchange ([MS-OXCRPC] 2.2.2.2).
//!
//! Layouts follow the specifications as the codec decodes them (`mapiscope_codec::mapihttp`,
//! `nspi`, `rpc::aux`); every body built here is checked against the codec by the tests.

use super::enc::Enc;
use mapiscope_codec::rpc::{ext, lz77};

/// RPC_HEADER_EXT Flags ([MS-OXCRPC] 2.2.2.1).
pub const COMPRESSED: u16 = 0x0001;
/// XOR 0xA5 obfuscation.
pub const XOR_MAGIC: u16 = 0x0002;
/// The last RPC_HEADER_EXT of the buffer.
pub const LAST: u16 = 0x0004;

/// One RPC_HEADER_EXT and its payload. `COMPRESSED` is dropped when LZ77 does not make the payload
/// smaller (the header rule SizeActual > Size), as a real client or server does.
pub fn ext_unit(payload: &[u8], flags: u16) -> Vec<u8> {
    let mut flags = flags;
    let mut data = if flags & COMPRESSED != 0 {
        let c = lz77::compress(payload);
        if c.len() < payload.len() {
            c
        } else {
            flags &= !COMPRESSED;
            payload.to_vec()
        }
    } else {
        payload.to_vec()
    };
    if flags & XOR_MAGIC != 0 {
        ext::xor_magic(&mut data);
    }
    let mut e = Enc::new();
    e.u16(0).u16(flags).u16(data.len() as u16).u16(payload.len() as u16).bytes(&data);
    e.take()
}

/// A ROP input or output buffer ([MS-OXCROPS] 2.2.1): RopSize, RopsList, ServerObjectHandleTable.
pub fn rop_payload(rops: &[u8], handles: &[u32]) -> Vec<u8> {
    let mut e = Enc::new();
    e.u16((rops.len() + 2) as u16).bytes(rops);
    for h in handles {
        e.u32(*h);
    }
    e.take()
}

/// An auxiliary block: AUX_HEADER (Size, Version, Type) and the block.
pub fn aux_block(version: u8, ty: u8, block: &[u8]) -> Vec<u8> {
    let mut e = Enc::new();
    e.u16((block.len() + 4) as u16).u8(version).u8(ty).bytes(block);
    e.take()
}

/// AuxiliaryBufferSize and AuxiliaryBuffer (one RPC_HEADER_EXT with Last) of the blocks.
pub fn aux_tail(e: &mut Enc, blocks: &[Vec<u8>], flags: u16) {
    if blocks.is_empty() {
        e.u32(0);
        return;
    }
    let u = ext_unit(&blocks.concat(), flags | LAST);
    e.u32(u.len() as u32).bytes(&u);
}

/// Builders of the auxiliary blocks ([MS-OXCRPC] 2.2.2.2.x). String offsets count from the first
/// byte of the block's AUX_HEADER.
pub mod aux {
    use super::aux_block;
    use crate::synth::enc::{utf16z, Enc};

    /// 2.2.2.2.1 AUX_PERF_REQUESTID (version 1, type 0x01).
    pub fn perf_request_id(session_id: u16, request_id: u16) -> Vec<u8> {
        aux_block(1, 0x01, &Enc::new().u16(session_id).u16(request_id).take())
    }

    /// 2.2.2.2.3 AUX_PERF_SESSIONINFO_V2 (version 2, type 0x04).
    pub fn perf_session_info_v2(session_id: u16, guid: &[u8; 16], connection_id: u32) -> Vec<u8> {
        aux_block(2, 0x04, &Enc::new().u16(session_id).u16(0).bytes(guid).u32(connection_id).take())
    }

    /// 2.2.2.2.4 AUX_PERF_CLIENTINFO (version 1, type 0x02) with machine, user, IP, mask, adapter and MAC.
    pub fn perf_client_info(client_id: u16, machine: &str, user: &str, ip: [u8; 4], adapter: &str, mac: [u8; 6]) -> Vec<u8> {
        // Fixed part: 28 bytes after the 4-byte AUX_HEADER.
        let (m, u, a) = (utf16z(machine), utf16z(user), utf16z(adapter));
        let m_off = 32u16;
        let u_off = m_off + m.len() as u16;
        let ip_off = u_off + u.len() as u16;
        let mask_off = ip_off + 4;
        let a_off = mask_off + 4;
        let mac_off = a_off + a.len() as u16;
        let mut e = Enc::new();
        e.u32(1_000_000) // AdapterSpeed (kbit/s)
            .u16(client_id)
            .u16(m_off)
            .u16(u_off)
            .u16(4)
            .u16(ip_off)
            .u16(4)
            .u16(mask_off)
            .u16(a_off)
            .u16(6)
            .u16(mac_off)
            .u16(2) // CLIENTMODE_CACHED
            .u16(0);
        e.bytes(&m).bytes(&u).bytes(&ip).bytes(&[255, 255, 255, 0]).bytes(&a).bytes(&mac);
        aux_block(1, 0x02, &e.take())
    }

    /// 2.2.2.2.6 AUX_PERF_PROCESSINFO (version 2, type 0x0B).
    pub fn perf_process_info(process_id: u16, guid: &[u8; 16], name: &str) -> Vec<u8> {
        aux_block(2, 0x0B, &Enc::new().u16(process_id).u16(0).bytes(guid).u16(28).u16(0).bytes(&utf16z(name)).take())
    }

    /// 2.2.2.2.9 AUX_PERF_MDB_SUCCESS_V2 (version 2, type 0x07): how long the previous request took.
    pub fn perf_mdb_success_v2(process_id: u16, client_id: u16, server_id: u16, session_id: u16, request_id: u16, since_ms: u32, took_ms: u32) -> Vec<u8> {
        let mut e = Enc::new();
        e.u16(process_id).u16(client_id).u16(server_id).u16(session_id).u16(request_id).u16(0).u32(since_ms).u32(took_ms);
        aux_block(2, 0x07, &e.take())
    }

    /// 2.2.2.2.11 AUX_PERF_GC_SUCCESS_V2 (version 2, type 0x08): a previous address book request.
    pub fn perf_gc_success_v2(process_id: u16, client_id: u16, server_id: u16, session_id: u16, since_ms: u32, took_ms: u32, operation: u8) -> Vec<u8> {
        let mut e = Enc::new();
        e.u16(process_id).u16(client_id).u16(server_id).u16(session_id).u32(since_ms).u32(took_ms).u8(operation).bytes(&[0, 0, 0]);
        aux_block(2, 0x08, &e.take())
    }

    /// 2.2.2.2.5 AUX_PERF_SERVERINFO (version 1, type 0x03).
    pub fn perf_server_info(server_id: u16, server_type: u16, dn: &str, name: &str) -> Vec<u8> {
        let (d, n) = (utf16z(dn), utf16z(name));
        let d_off = 12u16;
        let n_off = d_off + d.len() as u16;
        aux_block(1, 0x03, &Enc::new().u16(server_id).u16(server_type).u16(d_off).u16(n_off).bytes(&d).bytes(&n).take())
    }

    /// 2.2.2.2.20 AUX_CLIENT_CONNECTION_INFO (version 1, type 0x4A).
    pub fn client_connection_info(guid: &[u8; 16], attempts: u32, flags: u32, context: &str) -> Vec<u8> {
        let mut e = Enc::new();
        e.bytes(guid).u16(32).u16(0).u32(attempts).u32(flags).bytes(&utf16z(context));
        aux_block(1, 0x4A, &e.take())
    }

    /// 2.2.2.2.15 AUX_CLIENT_CONTROL (version 1, type 0x0A).
    pub fn client_control(enable_flags: u32, expiry_ms: u32) -> Vec<u8> {
        aux_block(1, 0x0A, &Enc::new().u32(enable_flags).u32(expiry_ms).take())
    }

    /// 2.2.2.2.16 AUX_OSVERSIONINFO (version 1, type 0x16): the server's Windows version.
    pub fn os_version_info(major: u32, minor: u32, build: u32) -> Vec<u8> {
        let mut e = Enc::new();
        e.u32(156).u32(major).u32(minor).u32(build).bytes(&[0; 132]).u16(0).u16(0).u32(0);
        aux_block(1, 0x16, &e.take())
    }

    /// 2.2.2.2.17 AUX_EXORGINFO (version 1, type 0x17).
    pub fn ex_org_info(flags: u32) -> Vec<u8> {
        aux_block(1, 0x17, &Enc::new().u32(flags).take())
    }

    /// 2.2.2.2.21 AUX_SERVER_SESSION_INFO (version 1, type 0x4B).
    pub fn server_session_info(context: &str) -> Vec<u8> {
        aux_block(1, 0x4B, &Enc::new().u16(8).u16(0).bytes(&utf16z(context)).take())
    }

    /// 2.2.2.2.19 AUX_ENDPOINT_CAPABILITIES (version 1, type 0x48).
    pub fn endpoint_capabilities(flags: u32) -> Vec<u8> {
        aux_block(1, 0x48, &Enc::new().u32(flags).take())
    }
}

// ----- mailbox bodies ([MS-OXCMAPIHTTP] 2.2.4) ------------------------------------------------

/// 2.2.4.1.1 Connect request.
pub fn connect_request(user_dn: &str, code_page: u32, lcid: u32, aux: &[Vec<u8>]) -> Vec<u8> {
    let mut e = Enc::new();
    e.str8z(user_dn).u32(0).u32(code_page).u32(lcid).u32(lcid);
    aux_tail(&mut e, aux, 0);
    e.take()
}

/// 2.2.4.1.2 Connect success response body (after the meta-tags).
pub fn connect_response(polls_max_ms: u32, retry_count: u32, retry_delay_ms: u32, dn_prefix: &str, display_name: &str, aux: &[Vec<u8>]) -> Vec<u8> {
    let mut e = Enc::new();
    e.u32(0).u32(0).u32(polls_max_ms).u32(retry_count).u32(retry_delay_ms).str8z(dn_prefix).utf16z(display_name);
    aux_tail(&mut e, aux, COMPRESSED);
    e.take()
}

/// 2.2.4.2.1 Execute request: Flags, RopBufferSize, RopBuffer, MaxRopOut, auxiliary buffer.
pub fn execute_request(flags: u32, rop_buffer: &[u8], aux: &[Vec<u8>]) -> Vec<u8> {
    let mut e = Enc::new();
    e.u32(flags).u32(rop_buffer.len() as u32).bytes(rop_buffer).u32(0x40000);
    aux_tail(&mut e, aux, 0);
    e.take()
}

/// 2.2.4.2.2 Execute success response body.
pub fn execute_response(rop_buffer: &[u8], aux: &[Vec<u8>]) -> Vec<u8> {
    let mut e = Enc::new();
    e.u32(0).u32(0).u32(0).u32(rop_buffer.len() as u32).bytes(rop_buffer);
    aux_tail(&mut e, aux, 0);
    e.take()
}

/// 2.2.4.3.1 Disconnect request / 2.2.5.2.1 Unbind request without the Reserved field: only the
/// auxiliary buffer.
pub fn aux_only_request(aux: &[Vec<u8>]) -> Vec<u8> {
    let mut e = Enc::new();
    aux_tail(&mut e, aux, 0);
    e.take()
}

/// A success response with no type-specific fields: StatusCode, ErrorCode, auxiliary buffer
/// (Disconnect 2.2.4.3.2, Unbind 2.2.5.2.2).
pub fn empty_response() -> Vec<u8> {
    Enc::new().u32(0).u32(0).u32(0).take()
}

/// 2.2.4.4.1 NotificationWait request.
pub fn notification_wait_request(aux: &[Vec<u8>]) -> Vec<u8> {
    let mut e = Enc::new();
    e.u32(0);
    aux_tail(&mut e, aux, 0);
    e.take()
}

/// 2.2.4.4.2 NotificationWait success response.
pub fn notification_wait_response(event_pending: bool) -> Vec<u8> {
    Enc::new().u32(0).u32(0).u32(u32::from(event_pending)).u32(0).take()
}

// ----- address book bodies ([MS-OXCMAPIHTTP] 2.2.5) -------------------------------------------

/// [MS-OXNSPI] 2.2.8 STAT.
#[derive(Clone, Copy, Debug, Default)]
pub struct Stat {
    /// CurrentRec (a MId).
    pub current: u32,
    /// Delta.
    pub delta: i32,
    /// NumPos.
    pub num_pos: u32,
    /// TotalRecs.
    pub total: u32,
}

fn stat(e: &mut Enc, s: &Stat) {
    e.u32(0).u32(0).u32(s.current).i32(s.delta).u32(s.num_pos).u32(s.total).u32(1252).u32(0x409).u32(0x409);
}

fn tags(e: &mut Enc, t: &[u32]) {
    e.u32(t.len() as u32);
    for x in t {
        e.u32(*x);
    }
}

/// 2.2.5.1.1 Bind request.
pub fn bind_request(aux: &[Vec<u8>]) -> Vec<u8> {
    let mut e = Enc::new();
    e.u32(0).u8(0x01);
    stat(&mut e, &Stat::default());
    aux_tail(&mut e, aux, 0);
    e.take()
}

/// 2.2.5.1.2 Bind success response.
pub fn bind_response(server_guid: &[u8; 16]) -> Vec<u8> {
    Enc::new().u32(0).u32(0).bytes(server_guid).u32(0).take()
}

/// 2.2.5.2.1 Unbind request.
pub fn unbind_request(aux: &[Vec<u8>]) -> Vec<u8> {
    let mut e = Enc::new();
    e.u32(0);
    aux_tail(&mut e, aux, 0);
    e.take()
}

/// 2.2.5.12.1 QueryRows request (no explicit table).
pub fn query_rows_request(s: &Stat, row_count: u32, columns: &[u32], aux: &[Vec<u8>]) -> Vec<u8> {
    let mut e = Enc::new();
    e.u32(0).u8(0x01);
    stat(&mut e, s);
    e.u32(0).u32(row_count).u8(0x01);
    tags(&mut e, columns);
    aux_tail(&mut e, aux, 0);
    e.take()
}

/// 2.2.5.12.2 QueryRows success response; `rows` are encoded AddressBookPropertyRows.
pub fn query_rows_response(s: &Stat, columns: &[u32], rows: &[Vec<u8>]) -> Vec<u8> {
    let mut e = Enc::new();
    e.u32(0).u32(0).u8(0x01);
    stat(&mut e, s);
    e.u8(0x01);
    tags(&mut e, columns);
    e.u32(rows.len() as u32);
    for r in rows {
        e.bytes(r);
    }
    e.u32(0);
    e.take()
}

/// 2.2.5.14.1 ResolveNames request (UTF-16 names).
pub fn resolve_names_request(s: &Stat, columns: &[u32], names: &[&str], aux: &[Vec<u8>]) -> Vec<u8> {
    let mut e = Enc::new();
    e.u32(0).u8(0x01);
    stat(&mut e, s);
    e.u8(0x01);
    tags(&mut e, columns);
    e.u8(0x01).u32(names.len() as u32);
    for n in names {
        e.utf16z(n);
    }
    aux_tail(&mut e, aux, 0);
    e.take()
}

/// 2.2.5.14.2 ResolveNames success response: MinimalIds (one per name) and the rows of the
/// resolved ones.
pub fn resolve_names_response(mids: &[u32], columns: &[u32], rows: &[Vec<u8>]) -> Vec<u8> {
    let mut e = Enc::new();
    e.u32(0).u32(0).u32(1252).u8(0x01).u32(mids.len() as u32);
    for m in mids {
        e.u32(*m);
    }
    e.u8(0x01);
    tags(&mut e, columns);
    e.u32(rows.len() as u32);
    for r in rows {
        e.bytes(r);
    }
    e.u32(0);
    e.take()
}

// ----- property values -----------------------------------------------------------------------

/// A property value to encode in a row ([MS-OXCDATA] 2.11.1).
#[derive(Clone, Debug, PartialEq)]
pub enum Val {
    /// PtypInteger32.
    I32(i32),
    /// PtypBoolean.
    Bool(bool),
    /// PtypInteger64 (folder and message ids too).
    I64(u64),
    /// PtypTime (FILETIME).
    Time(u64),
    /// PtypString (UTF-16).
    Str(String),
    /// PtypBinary.
    Bin(Vec<u8>),
    /// No value: the column's PtypErrorCode (flagged rows only).
    Err(u32),
}

/// Where a value goes: ROP buffers (16-bit binary counts) or address book bodies (HasValue bytes,
/// 32-bit counts).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ctx {
    /// [MS-OXCDATA] 2.11.2.1 in ROP buffers.
    Rop,
    /// [MS-OXCMAPIHTTP] 2.2.1.1 AddressBookPropertyValue.
    Ab,
}

fn value(e: &mut Enc, v: &Val, ctx: Ctx) {
    match v {
        Val::I32(x) => {
            e.i32(*x);
        }
        Val::Bool(b) => {
            e.u8(u8::from(*b));
        }
        Val::I64(x) | Val::Time(x) => {
            e.u64(*x);
        }
        Val::Str(s) => {
            if ctx == Ctx::Ab {
                e.u8(0xFF);
            }
            e.utf16z(s);
        }
        Val::Bin(b) => match ctx {
            Ctx::Rop => {
                e.bin16(b);
            }
            Ctx::Ab => {
                e.u8(0xFF).bin32(b);
            }
        },
        Val::Err(code) => {
            e.u32(*code);
        }
    }
}

/// A PropertyRow ([MS-OXCDATA] 2.8.1 / [MS-OXCMAPIHTTP] 2.2.1.7): standard when every value is
/// present, else flagged (0x0 + value, 0xA + PtypErrorCode for the missing ones).
pub fn row(values: &[Val], ctx: Ctx) -> Vec<u8> {
    let mut e = Enc::new();
    let flagged = values.iter().any(|v| matches!(v, Val::Err(_)));
    e.u8(u8::from(flagged));
    for v in values {
        if flagged {
            e.u8(if matches!(v, Val::Err(_)) { 0x0A } else { 0x00 });
        }
        value(&mut e, v, ctx);
    }
    e.take()
}
