//! [MS-OXCDATA] data structures as they are encoded in ROP buffers ([MS-OXCROPS] 2.2), for the ROP
//! decoders to build on:
//!
//! - `values`: 2.11.2.1 PropertyValue of every 2.11.1 type (ROP-buffer COUNT widths of 2.11.1.1),
//!   2.11.3 TypedPropertyValue, 2.11.4 TaggedPropertyValue, 2.11.5/2.11.6 FlaggedPropertyValue(WithType),
//!   2.8.1 PropertyRow, 2.7 PropertyProblem, 2.11.7 TypedString, 2.2.1 Folder/Message ID, LongTermID.
//! - `restriction`: 2.12 restrictions (all 12 types, 16-bit RestrictCount) and 2.13 sort orders.
//! - `recipient`: 2.8.3 RecipientRow and 2.6.1 PropertyName.
//! - `entryid`: 2.2.4 / 2.2.5 EntryIDs recognised inside binary values.
//! - `rule`: [MS-OXORULE] 2.2.5 RuleAction (PtypRuleAction values of standard rules).
//!
//! Property tags are shown with [`crate::props`]. Every count read from the input is checked
//! against the bytes left before it drives a loop; nesting (restrictions in values in rule actions…)
//! is capped by the builder's depth limit because every level opens a structure node first.

use alloc::vec::Vec;

use crate::build::{Builder, Cur, R};
use crate::tree::Field;

pub mod entryid;
pub mod recipient;
pub mod restriction;
pub mod rule;
pub mod values;
pub mod view;

pub use recipient::PropertyName;
pub use values::{PROPERTY_VALUE, TAGGED_PROPERTY_VALUE, TYPED_PROPERTY_VALUE};

#[cfg(test)]
mod tests;

/// The field groups of this module (one per file that declares fields), for the registry.
pub static FIELD_GROUPS: &[&[&crate::tree::Field]] =
    &[values::FIELDS, restriction::FIELDS, recipient::FIELDS, entryid::FIELDS, rule::FIELDS];

/// [MS-OXCDATA] 2.11.2.1 PropertyValue of type `ty` (type low 12 bits + MV 0x1000; the
/// MultivalueInstance bit 0x2000 means a single base-type value), as one node named by `f` with the
/// value or with children for multiple and structured values. ROP-buffer COUNTs ([MS-OXCDATA]
/// 2.11.1.1): PtypBinary / PtypServerId / PtypObject byte counts are u16, PtypMultiple value counts
/// u32, each binary of a PtypMultipleBinary has a u16 count. Strings are NUL-terminated without a
/// length, PtypBoolean is 1 byte, PtypTime a FILETIME, PtypErrorCode named, PtypServerId the
/// 2.11.1.4 structure, PtypRestriction a 2.12 restriction, PtypRuleAction an [MS-OXORULE] 2.2.5
/// RuleAction; binary values that are entry ids are decoded as sub-trees. PtypUnspecified and unknown
/// types are errors (their length cannot be known).
///
/// Nothing is formatted while decoding: `f` should have the summarizer
/// [`values::value_summary`] (declare it `Text {crate::oxcdata::values::value_summary}`), which shows
/// structured values (`3 values: 1, 2, 3`) at display time; leaves show their own value.
pub fn property_value(b: &mut Builder<'_>, c: &mut Cur<'_>, ty: u16, f: &'static Field) -> R<()> {
    values::value(b, c, ty, f)
}

/// Like [`property_value`], returning a one-line summary of the value (for a caller's own labels);
/// the summary is formatted now, from the nodes just decoded.
pub fn property_value_summary(b: &mut Builder<'_>, c: &mut Cur<'_>, ty: u16, f: &'static Field) -> R<alloc::string::String> {
    let idx = b.nodes().len() as u32;
    values::value(b, c, ty, f)?;
    Ok(values::value_text(&view::View::live(b, c), idx))
}

/// [MS-OXCDATA] 2.11.3 TypedPropertyValue: PropertyType u16 + PropertyValue, as a
/// "TypedPropertyValue" node.
pub fn typed_property_value(b: &mut Builder<'_>, c: &mut Cur<'_>) -> R<()> {
    values::typed(b, c, &values::TYPED_PROPERTY_VALUE)
}

/// [MS-OXCDATA] 2.11.4 TaggedPropertyValue: PropertyTag u32 + PropertyValue, as a
/// "TaggedPropertyValue" node; returns the tag.
pub fn tagged_property_value(b: &mut Builder<'_>, c: &mut Cur<'_>) -> R<u32> {
    values::tagged(b, c, &values::TAGGED_PROPERTY_VALUE)
}

/// [MS-OXCDATA] 2.8.1 PropertyRow over `columns`: Flag 0x00 StandardPropertyRow (PropertyValue per
/// column, TypedPropertyValue for PtypUnspecified columns) or 0x01 FlaggedPropertyRow
/// (2.11.5 FlaggedPropertyValue / 2.11.6 FlaggedPropertyValueWithType). One node "PropertyRow" with
/// the Flag and one child per column, labelled with the column's tag (PtypNull columns of a standard
/// row have no bytes and no node).
pub fn property_row(b: &mut Builder<'_>, c: &mut Cur<'_>, columns: &[u32]) -> R<()> {
    values::property_row_f(b, c, columns, &values::PROPERTY_ROW)
}

/// A u16 count followed by that many PropertyTags (the common `PropertyTagCount` + `PropertyTags`
/// pair of ROP requests); returns the tags. `count` and `tag` are the caller's registered fields
/// (`tag` a [`crate::tree::Ty::Text`] field, shown with [`crate::props::tag_text`]).
pub fn property_tags_u16(b: &mut Builder<'_>, c: &mut Cur<'_>, count: &'static Field, tag: &'static Field) -> R<Vec<u32>> {
    values::tags_u16(b, c, count, tag)
}

/// A u16 count (the caller's field `count`) + that many TaggedPropertyValues (RopSetProperties etc.).
pub fn tagged_values_u16(b: &mut Builder<'_>, c: &mut Cur<'_>, count: &'static Field) -> R<()> {
    values::tagged_values_u16(b, c, count)
}

/// [MS-OXCDATA] 2.7 PropertyProblem array with its u16 PropertyProblemCount.
pub fn property_problems(b: &mut Builder<'_>, c: &mut Cur<'_>) -> R<()> {
    values::property_problems(b, c)
}

/// [MS-OXCDATA] 2.12 Restriction (all 12 types; RestrictCount u16 in ROP buffers; nesting capped
/// through the builder's depth limit), as a node named after the restriction type.
pub fn restriction(b: &mut Builder<'_>, c: &mut Cur<'_>) -> R<()> {
    restriction::restriction(b, c)
}

/// [MS-OXCDATA] 2.13.2 SortOrderSet: SortOrderCount u16, CategorizedCount u16, ExpandedCount u16,
/// and a "SortOrders" node of 2.13.1 SortOrder (PropertyType u16, PropertyId u16, Order u8).
pub fn sort_order_set(b: &mut Builder<'_>, c: &mut Cur<'_>) -> R<()> {
    restriction::sort_order_set(b, c)
}

/// [MS-OXCDATA] 2.6.1 PropertyName: Kind u8 (0 MNID_ID → LID u32; 1 MNID_STRING → NameSize u8 +
/// Name UTF-16; 0xFF none), GUID. Returns what was read so callers can learn named-property mappings.
pub fn property_name(b: &mut Builder<'_>, c: &mut Cur<'_>) -> R<PropertyName> {
    recipient::property_name(b, c)
}

/// [MS-OXCDATA] 2.8.3.2 RecipientRow over the recipient `columns` (RecipientFlags and the optional
/// parts, then RecipientColumnCount u16 and a PropertyRow over the first RecipientColumnCount
/// columns; more than `columns.len()` is an error).
pub fn recipient_row(b: &mut Builder<'_>, c: &mut Cur<'_>, columns: &[u32]) -> R<()> {
    recipient::recipient_row(b, c, columns)
}

/// [MS-OXCDATA] 2.11.7 TypedString ([MS-OXCROPS] RopOpenMessage SubjectPrefix etc.): StringType u8
/// (0 none, 1 empty, 2 8-bit, 3 reduced Unicode sent as 8-bit, 4 UTF-16) + the string, as node `f`.
pub fn typed_string(b: &mut Builder<'_>, c: &mut Cur<'_>, f: &'static Field) -> R<()> {
    values::typed_string(b, c, f)
}

/// [MS-OXCDATA] 2.2.1.1 Folder ID / 2.2.1.2 Message ID: 8 bytes (ReplicaId, GlobalCounter) read as
/// field `f` (which should be a U64 field with [`crate::tree::Disp::Fid`], shown
/// `0001-00000E8EDF36`); returns the raw little-endian u64.
pub fn folder_id(b: &mut Builder<'_>, c: &mut Cur<'_>, f: &'static Field) -> R<u64> {
    b.u64(c, f)
}

/// [MS-OXCDATA] 2.2.1.3.1 LongTermID (DatabaseGuid 16, GlobalCounter 6, Pad u16) as a structure node `f`.
pub fn long_term_id(b: &mut Builder<'_>, c: &mut Cur<'_>, f: &'static Field) -> R<()> {
    values::long_term_id(b, c, f)
}
