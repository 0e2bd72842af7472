//! [MS-OXCRPC] 2.2.2.2 auxiliary buffers: AUX_HEADER and the AUX block types.

use crate::build::{Builder, Cur, R};

crate::fields! {
    AUX_BYTES: Bytes = "mapihttp.aux.bytes", "AuxiliaryBuffer bytes", "Placeholder until auxiliary buffers are decoded";
}

/// Decodes an AuxiliaryBuffer (the whole window of `c`).
pub fn auxiliary_buffer(b: &mut Builder<'_>, c: &mut Cur<'_>) -> R<()> {
    b.rest_bytes(c, &AUX_BYTES)
}
