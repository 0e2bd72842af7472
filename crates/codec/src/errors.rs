//! Error and status code names: [MS-OXCDATA] 2.4 (with the ec* server codes), generated from
//! `data/errors.tsv` by the build script.

include!(concat!(env!("OUT_DIR"), "/tables.rs"));

/// The name of an error code, if known.
pub fn name(v: u64) -> Option<&'static str> {
    crate::tree::lookup(ERROR_CODES, v)
}
