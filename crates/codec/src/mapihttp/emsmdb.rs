//! [MS-OXCMAPIHTTP] 2.2.4 Mailbox server endpoint bodies: Connect, Execute, Disconnect,
//! NotificationWait. The fields common to all bodies (StatusCode, ErrorCode, the auxiliary buffer)
//! are read by the caller ([`crate::mapihttp`]); these functions read the type-specific middle.

use alloc::format;

use crate::build::{Builder, Cur, R};
use crate::mapihttp::RequestType;
use crate::rops::context::Context;
use crate::rpc::Direction;
use crate::tree::{Disp, Severity};

/// Connect request Flags: [MS-OXCMAPIHTTP] 2.2.4.1.1 refers to the ulFlags of EcDoConnectEx,
/// [MS-OXCRPC] 3.1.4.1, whose table gives meanings but no names; these labels describe them.
/// 0x00008000 matters only for clients older than 12.00.0000.000 when no public folders exist.
/// All other bits are reserved.
pub static CONNECT_FLAGS: crate::tree::NameTable =
    &[(0x0000_0001, "administrator privilege requested"), (0x0000_8000, "no public folders required (pre-12.0 clients)")];

/// Execute request Flags: [MS-OXCMAPIHTTP] 2.2.4.2.1 says the field is the pulFlags of EcDoRpcExt2;
/// the names are those of [MS-OXCRPC] 3.1.4.2 (0x3 = no compression, no XOR in the examples of 4.2;
/// 0x7 adds response chaining in 4.3).
pub static EXECUTE_FLAGS: crate::tree::NameTable = &[(0x1, "NoCompression"), (0x2, "NoXorMagic"), (0x4, "Chain")];

/// Well-known Windows code pages, for DefaultCodePage.
pub static CODE_PAGES: crate::tree::NameTable = &[
    (437, "OEM United States"),
    (850, "OEM Multilingual Latin 1"),
    (874, "Thai (Windows)"),
    (932, "Japanese (Shift-JIS)"),
    (936, "Chinese Simplified (GB2312)"),
    (949, "Korean"),
    (950, "Chinese Traditional (Big5)"),
    (1200, "Unicode (UTF-16LE)"),
    (1250, "Central European (Windows)"),
    (1251, "Cyrillic (Windows)"),
    (1252, "Western European (Windows)"),
    (1253, "Greek (Windows)"),
    (1254, "Turkish (Windows)"),
    (1255, "Hebrew (Windows)"),
    (1256, "Arabic (Windows)"),
    (1257, "Baltic (Windows)"),
    (1258, "Vietnamese (Windows)"),
    (20127, "US-ASCII"),
    (28591, "ISO-8859-1"),
    (65001, "UTF-8"),
];

crate::fields! {
    CONNECT_USER_DN: Str8 = "mapihttp.connect.userdn", "UserDn", "[MS-OXCMAPIHTTP] 2.2.4.1.1 the distinguished name (DN) of the user who is calling Connect";
    CONNECT_FLAGS_F: U32 [Disp::Flags(CONNECT_FLAGS)] = "mapihttp.connect.flags", "Flags", "[MS-OXCMAPIHTTP] 2.2.4.1.1 connection flags ([MS-OXCRPC] 3.1.4.1 EcDoConnectEx ulFlags)";
    CONNECT_CODE_PAGE: U32 [Disp::Names(CODE_PAGES)] = "mapihttp.connect.defaultcodepage", "DefaultCodePage", "[MS-OXCMAPIHTTP] 2.2.4.1.1 code page for 8-bit strings of this Session Context";
    CONNECT_LCID_SORT: U32 [Disp::Hex] = "mapihttp.connect.lcidsort", "LcidSort", "[MS-OXCMAPIHTTP] 2.2.4.1.1 language code identifier (LCID) for sorting";
    CONNECT_LCID_STRING: U32 [Disp::Hex] = "mapihttp.connect.lcidstring", "LcidString", "[MS-OXCMAPIHTTP] 2.2.4.1.1 language code identifier (LCID) for everything other than sorting";
    CONNECT_POLLS_MAX: U32 [Disp::Unit("ms")] = "mapihttp.connect.pollsmax", "PollsMax", "[MS-OXCMAPIHTTP] 2.2.4.1.2 longest time the client waits between polls for notifications";
    CONNECT_RETRY_COUNT: U32 = "mapihttp.connect.retrycount", "RetryCount", "[MS-OXCMAPIHTTP] 2.2.4.1.2 how many times the client retries a failed request";
    CONNECT_RETRY_DELAY: U32 [Disp::Unit("ms")] = "mapihttp.connect.retrydelay", "RetryDelay", "[MS-OXCMAPIHTTP] 2.2.4.1.2 time the client waits before retrying";
    CONNECT_DN_PREFIX: Str8 = "mapihttp.connect.dnprefix", "DnPrefix", "[MS-OXCMAPIHTTP] 2.2.4.1.2 the DN prefix for building message recipients";
    CONNECT_DISPLAY_NAME: Utf16 = "mapihttp.connect.displayname", "DisplayName", "[MS-OXCMAPIHTTP] 2.2.4.1.2 display name of the user named by UserDn";
    EXECUTE_FLAGS_F: U32 [Disp::Flags(EXECUTE_FLAGS)] = "mapihttp.execute.flags", "Flags", "[MS-OXCMAPIHTTP] 2.2.4.2.1 flags that tell the server how to build the response ROP buffer";
    EXECUTE_ROP_BUFFER_SIZE: U32 [Disp::Unit("bytes")] = "mapihttp.execute.ropbuffersize", "RopBufferSize", "[MS-OXCMAPIHTTP] 2.2.4.2 size of the RopBuffer field";
    EXECUTE_ROP_BUFFER: None = "mapihttp.execute.ropbuffer", "RopBuffer", "[MS-OXCMAPIHTTP] 2.2.4.2 the ROP request or response buffer: RPC_HEADER_EXT blocks ([MS-OXCRPC] 3.1.4.2.1)";
    EXECUTE_MAX_ROP_OUT: U32 [Disp::Unit("bytes")] = "mapihttp.execute.maxropout", "MaxRopOut", "[MS-OXCMAPIHTTP] 2.2.4.2.1 maximum size of the response RopBuffer";
    EXECUTE_RESPONSE_FLAGS: U32 [Disp::Hex] = "mapihttp.execute.responseflags", "Flags", "[MS-OXCMAPIHTTP] 2.2.4.2.2 reserved; the server sets 0";
    NOTIFICATIONWAIT_FLAGS: U32 [Disp::Hex] = "mapihttp.notificationwait.flags", "Flags", "[MS-OXCMAPIHTTP] 2.2.4.4.1 reserved; the client sets 0";
    NOTIFICATIONWAIT_EVENT_PENDING: U32 = "mapihttp.notificationwait.eventpending", "EventPending", "[MS-OXCMAPIHTTP] 2.2.4.4.2 non-zero when an event is pending: the client then sends an Execute to fetch RopNotify/RopPending";
}

/// Reads the type-specific part of a mailbox request body (everything before AuxiliaryBufferSize).
pub fn request(b: &mut Builder<'_>, c: &mut Cur<'_>, t: RequestType, ctx: &mut Context) -> R<()> {
    match t {
        RequestType::Connect => {
            b.str8z(c, &CONNECT_USER_DN)?;
            b.u32(c, &CONNECT_FLAGS_F)?;
            b.u32(c, &CONNECT_CODE_PAGE)?;
            b.u32(c, &CONNECT_LCID_SORT)?;
            b.u32(c, &CONNECT_LCID_STRING)?;
        }
        RequestType::Execute => {
            b.u32(c, &EXECUTE_FLAGS_F)?;
            rop_buffer(b, c, Direction::Request, ctx)?;
            let max = b.u32(c, &EXECUTE_MAX_ROP_OUT)?;
            if max > crate::rpc::MAX_ROP_OUT {
                b.diag(
                    Severity::Warning,
                    format!("MaxRopOut {max} exceeds the protocol maximum of {} bytes", crate::rpc::MAX_ROP_OUT),
                    c.src(),
                    c.pos().saturating_sub(4),
                    4,
                );
            }
        }
        RequestType::Disconnect => {}
        RequestType::NotificationWait => {
            let flags = b.u32(c, &NOTIFICATIONWAIT_FLAGS)?;
            if flags != 0 {
                b.diag(Severity::Note, format!("Flags is reserved and should be 0, got 0x{flags:08X}"), c.src(), c.pos().saturating_sub(4), 4);
            }
        }
        _ => {}
    }
    Ok(())
}

/// Reads the type-specific part of a mailbox success response body (between ErrorCode and
/// AuxiliaryBufferSize). `error_code` is the body's ErrorCode: an Execute that failed as a whole
/// returns no ROP responses (RopBufferSize 0, as `pcbOut` is 0 when EcDoRpcExt2 fails, [MS-OXCRPC]
/// 3.1.4.2), which is then no anomaly.
pub fn response(b: &mut Builder<'_>, c: &mut Cur<'_>, t: RequestType, ctx: &mut Context, error_code: u32) -> R<()> {
    match t {
        RequestType::Connect => {
            b.u32(c, &CONNECT_POLLS_MAX)?;
            b.u32(c, &CONNECT_RETRY_COUNT)?;
            b.u32(c, &CONNECT_RETRY_DELAY)?;
            b.str8z(c, &CONNECT_DN_PREFIX)?;
            b.utf16z(c, &CONNECT_DISPLAY_NAME)?;
        }
        RequestType::Execute => {
            b.u32(c, &EXECUTE_RESPONSE_FLAGS)?;
            if error_code != 0 && c.peek_u32() == Some(0) {
                b.u32(c, &EXECUTE_ROP_BUFFER_SIZE)?;
                b.diag_at(c, Severity::Note, format!("no ROP responses: the Execute failed with ErrorCode 0x{error_code:08X}"), 0);
            } else {
                rop_buffer(b, c, Direction::Response, ctx)?;
            }
        }
        RequestType::NotificationWait => {
            b.u32(c, &NOTIFICATIONWAIT_EVENT_PENDING)?;
        }
        _ => {}
    }
    Ok(())
}

/// RopBufferSize and RopBuffer of an Execute request or response.
fn rop_buffer(b: &mut Builder<'_>, c: &mut Cur<'_>, dir: Direction, ctx: &mut Context) -> R<()> {
    let size = b.u32(c, &EXECUTE_ROP_BUFFER_SIZE)? as usize;
    let n = if size > c.left() {
        let msg = format!("RopBufferSize {} exceeds the {} bytes left", size, c.left());
        b.diag_at(c, Severity::Error, msg, c.left());
        c.left()
    } else {
        size
    };
    let r = b.group_sized(c, &EXECUTE_ROP_BUFFER, n, |b, c| crate::rpc::rop_buffer(b, c, dir, ctx));
    if n < size {
        // The body was cut inside RopBuffer: nothing after it can be read.
        return Err(crate::build::Stop);
    }
    r
}
