//! [MS-OXCRPC] extended buffers: RPC_HEADER_EXT framing, XOR obfuscation, LZ77 compression, and the
//! ROP input/output buffer framing of [MS-OXCROPS] 2.2.1 that the payloads carry.

pub mod aux;

use crate::build::{Builder, Cur, R};

/// The protocol's maximum response RopBuffer size (pcbOut, [MS-OXCRPC] 3.1.4.2: 0x40000).
pub const MAX_ROP_OUT: u32 = 0x40000;

/// Which way a ROP buffer travels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// Client to server: ROP input buffer.
    Request,
    /// Server to client: ROP output buffer.
    Response,
}

/// The field groups of this module (every file that declares fields), for the registry.
pub static FIELD_GROUPS: &[&[&crate::tree::Field]] = &[FIELDS, aux::FIELDS];

crate::fields! {
    ROP_BUFFER_BYTES: Bytes = "mapihttp.rpc.ropbuffer_bytes", "RopBuffer bytes", "Placeholder until extended buffers are decoded";
}

/// Decodes an Execute RopBuffer (the whole window of `c`).
pub fn rop_buffer(b: &mut Builder<'_>, c: &mut Cur<'_>, _dir: Direction) -> R<()> {
    b.rest_bytes(c, &ROP_BUFFER_BYTES)
}
