//! [MS-OXCMAPIHTTP] 2.2.5 address book server endpoint bodies and the [MS-OXNSPI] structures they use.

use crate::build::{Builder, Cur, R};
use crate::mapihttp::RequestType;

/// The field groups of this module (every file that declares fields), for the registry.
pub static FIELD_GROUPS: &[&[&crate::tree::Field]] = &[FIELDS];

crate::fields! {
    NSPI_BYTES: Bytes = "mapihttp.nspi.bytes", "Body bytes", "Placeholder until address book bodies are decoded";
}

/// Reads the type-specific part of an address book request body (before AuxiliaryBufferSize).
pub fn request(b: &mut Builder<'_>, c: &mut Cur<'_>, _t: RequestType) -> R<()> {
    b.rest_bytes(c, &NSPI_BYTES)
}

/// Reads the type-specific part of an address book success response (between ErrorCode and AuxiliaryBufferSize).
pub fn response(b: &mut Builder<'_>, c: &mut Cur<'_>, _t: RequestType) -> R<()> {
    b.rest_bytes(c, &NSPI_BYTES)
}
