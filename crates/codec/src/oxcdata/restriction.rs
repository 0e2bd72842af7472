//! [MS-OXCDATA] 2.12 restrictions and 2.13 sort orders as ROP buffers encode them (RopRestrict,
//! RopFindRow, RopCreateSearchFolder… and PtypRestriction values).
//!
//! RestrictType (1 byte) selects the structure: 2.12.1 AndRestriction / 2.12.2 OrRestriction
//! (RestrictCount, Restricts), 2.12.3 NotRestriction (Restriction), 2.12.4 ContentRestriction
//! (FuzzyLevelLow, FuzzyLevelHigh, PropertyTag, TaggedValue), 2.12.5 PropertyRestriction (RelOp,
//! PropTag, TaggedValue), 2.12.6 ComparePropertiesRestriction (RelOp, PropTag1, PropTag2), 2.12.7
//! BitMaskRestriction (BitmapRelOp, PropTag, Mask), 2.12.8 SizeRestriction (RelOp, PropTag, Size),
//! 2.12.9 ExistRestriction (PropTag), 2.12.10 SubObjectRestriction (Subobject, Restriction), 2.12.11
//! CommentRestriction (TaggedValuesCount u8, TaggedValues, RestrictionPresent, Restriction) and
//! 2.12.12 CountRestriction (Count u32, SubRestriction).
//!
//! RestrictCount is a COUNT: 16 bits in ROP buffers (32 bits in extended rules and MAPI/HTTP address
//! book bodies, see [`crate::nspi::restriction`]). TaggedValue is a 2.11.4 TaggedPropertyValue with
//! ROP-buffer COUNTs; no presence byte precedes it in ROP buffers.
//!
//! Nesting is capped by the builder's structure depth ([`crate::build::MAX_DEPTH`]): every level
//! opens structure nodes before recursing, so hostile nesting stops with an error, not a stack
//! overflow.
//!
//! 2.13.1 SortOrder: PropertyType (2), PropertyId (2), Order (1: 0x00 Ascending, 0x01 Descending,
//! 0x04 MaximumCategory); 2.13.2 SortOrderSet: SortOrderCount, CategorizedCount, ExpandedCount (2
//! each), SortOrders. A SortOrder's PropertyType may carry the MultivalueInstance bit (0x2000).

use alloc::format;
use alloc::string::String;

use super::values::{grp, summary, tagged_summary};
use crate::build::{Builder, Cur, R};
use crate::nspi::restriction::{BITMAP_REL_OPS, FUZZY_LEVEL_HIGH, FUZZY_LEVEL_LOW, REL_OPS, RESTRICT_TYPES};
use crate::props::{self, tag_text_in, PROPERTY_TAG};
use crate::tree::{lookup, Disp, Field, NameTable, Severity};

/// [MS-OXCDATA] 2.13.1 SortOrder Order.
pub static ORDERS: NameTable = &[(0x00, "Ascending"), (0x01, "Descending"), (0x04, "MaximumCategory")];

/// Names of the PtypMultiple types with the MultivalueInstance bit (0x2000), as used in column sets
/// and sort orders ([MS-OXCDATA] 2.11.1.3).
static MVI_TYPES: NameTable = &[
    (0x3002, "PtypMultipleInteger16 | MultivalueInstance"),
    (0x3003, "PtypMultipleInteger32 | MultivalueInstance"),
    (0x3004, "PtypMultipleFloating32 | MultivalueInstance"),
    (0x3005, "PtypMultipleFloating64 | MultivalueInstance"),
    (0x3006, "PtypMultipleCurrency | MultivalueInstance"),
    (0x3007, "PtypMultipleFloatingTime | MultivalueInstance"),
    (0x3014, "PtypMultipleInteger64 | MultivalueInstance"),
    (0x301E, "PtypMultipleString8 | MultivalueInstance"),
    (0x301F, "PtypMultipleString | MultivalueInstance"),
    (0x3040, "PtypMultipleTime | MultivalueInstance"),
    (0x3048, "PtypMultipleGuid | MultivalueInstance"),
    (0x3102, "PtypMultipleBinary | MultivalueInstance"),
];

/// A property type name, including the MultivalueInstance forms.
pub fn type_name_mvi(v: u64) -> Option<&'static str> {
    props::type_name(v).or_else(|| lookup(MVI_TYPES, v))
}

crate::fields! {
    AND: Text = "mapihttp.oxcdata.restriction.and", "AndRestriction", "[MS-OXCDATA] 2.12.1 satisfied when every restriction in Restricts is";
    OR: Text = "mapihttp.oxcdata.restriction.or", "OrRestriction", "[MS-OXCDATA] 2.12.2 satisfied when any restriction in Restricts is";
    NOT: Text = "mapihttp.oxcdata.restriction.not", "NotRestriction", "[MS-OXCDATA] 2.12.3 satisfied when Restriction is not";
    CONTENT: Text = "mapihttp.oxcdata.restriction.content", "ContentRestriction", "[MS-OXCDATA] 2.12.4 a string or binary content comparison";
    PROPERTY: Text = "mapihttp.oxcdata.restriction.property", "PropertyRestriction", "[MS-OXCDATA] 2.12.5 compares a property with a value";
    COMPARE: Text = "mapihttp.oxcdata.restriction.compareproperties", "ComparePropertiesRestriction", "[MS-OXCDATA] 2.12.6 compares two properties";
    BITMASK: Text = "mapihttp.oxcdata.restriction.bitmask", "BitMaskRestriction", "[MS-OXCDATA] 2.12.7 tests bits of a property";
    SIZE: Text = "mapihttp.oxcdata.restriction.size", "SizeRestriction", "[MS-OXCDATA] 2.12.8 compares the size of a property";
    EXIST: Text = "mapihttp.oxcdata.restriction.exist", "ExistRestriction", "[MS-OXCDATA] 2.12.9 tests that a property exists";
    SUB_OBJECT: Text = "mapihttp.oxcdata.restriction.subobject", "SubObjectRestriction", "[MS-OXCDATA] 2.12.10 applies Restriction to a message's recipients or attachments";
    COMMENT: Text = "mapihttp.oxcdata.restriction.comment", "CommentRestriction", "[MS-OXCDATA] 2.12.11 annotates a restriction with property values";
    COUNT_R: Text = "mapihttp.oxcdata.restriction.count", "CountRestriction", "[MS-OXCDATA] 2.12.12 limits the number of matches of SubRestriction";
    RESTRICT_TYPE: U8 [Disp::Names(RESTRICT_TYPES)] = "mapihttp.oxcdata.restriction.restricttype", "RestrictType", "[MS-OXCDATA] 2.12 the type of the restriction";
    RESTRICT_COUNT: U16 = "mapihttp.oxcdata.restriction.restrictcount", "RestrictCount", "[MS-OXCDATA] 2.12.1/2.12.2 COUNT (16 bits in ROP buffers) of structures in Restricts";
    RESTRICTS: None = "mapihttp.oxcdata.restriction.restricts", "Restricts", "[MS-OXCDATA] 2.12.1/2.12.2 the restrictions combined";
    RESTRICTION: None = "mapihttp.oxcdata.restriction.restriction", "Restriction", "[MS-OXCDATA] 2.12.3/2.12.10/2.12.11 the restriction applied";
    SUB_RESTRICTION: None = "mapihttp.oxcdata.restriction.subrestriction", "SubRestriction", "[MS-OXCDATA] 2.12.12 the restriction whose matches are counted";
    FUZZY_LOW: U16 [Disp::Names(FUZZY_LEVEL_LOW)] = "mapihttp.oxcdata.restriction.fuzzylevellow", "FuzzyLevelLow", "[MS-OXCDATA] 2.12.4 how the strings are matched: FL_FULLSTRING, FL_SUBSTRING, FL_PREFIX";
    FUZZY_HIGH: U16 [Disp::Flags(FUZZY_LEVEL_HIGH)] = "mapihttp.oxcdata.restriction.fuzzylevelhigh", "FuzzyLevelHigh", "[MS-OXCDATA] 2.12.4 comparison options: FL_IGNORECASE, FL_IGNORENONSPACE, FL_LOOSE";
    REL_OP: U8 [Disp::Names(REL_OPS)] = "mapihttp.oxcdata.restriction.relop", "RelOp", "[MS-OXCDATA] 2.12.5 the relational operator";
    PROP_TAG: U32 [Disp::Hex] {props::tag_summary} = "mapihttp.oxcdata.restriction.proptag", "PropTag", "[MS-OXCDATA] 2.12 the property tag the restriction tests";
    PROP_TAG1: U32 [Disp::Hex] {props::tag_summary} = "mapihttp.oxcdata.restriction.proptag1", "PropTag1", "[MS-OXCDATA] 2.12.6 the first property compared";
    PROP_TAG2: U32 [Disp::Hex] {props::tag_summary} = "mapihttp.oxcdata.restriction.proptag2", "PropTag2", "[MS-OXCDATA] 2.12.6 the second property compared";
    TAGGED_VALUE: U32 [Disp::Hex] {super::values::entry_summary} = "mapihttp.oxcdata.restriction.taggedvalue", "TaggedValue", "[MS-OXCDATA] 2.12.4/2.12.5 a TaggedPropertyValue: the comparand";
    BITMAP_REL_OP: U8 [Disp::Names(BITMAP_REL_OPS)] = "mapihttp.oxcdata.restriction.bitmaprelop", "BitmapRelOp", "[MS-OXCDATA] 2.12.7 whether the masked bits are zero (BMR_EQZ) or non-zero (BMR_NEZ)";
    MASK: U32 [Disp::Hex] = "mapihttp.oxcdata.restriction.mask", "Mask", "[MS-OXCDATA] 2.12.7 the bit mask";
    SIZE_F: U32 [Disp::Unit("bytes")] = "mapihttp.oxcdata.restriction.sizevalue", "Size", "[MS-OXCDATA] 2.12.8 the size compared with";
    SUBOBJECT: U32 [Disp::Hex] {props::tag_summary} = "mapihttp.oxcdata.restriction.subobjecttag", "Subobject", "[MS-OXCDATA] 2.12.10 PidTagMessageRecipients or PidTagMessageAttachments";
    TAGGED_VALUES_COUNT: U8 = "mapihttp.oxcdata.restriction.taggedvaluescount", "TaggedValuesCount", "[MS-OXCDATA] 2.12.11 the number of structures in TaggedValues";
    TAGGED_VALUES: None = "mapihttp.oxcdata.restriction.taggedvalues", "TaggedValues", "[MS-OXCDATA] 2.12.11 TaggedPropertyValue structures";
    TAGGED_VALUES_ELEMENT: U32 [Disp::Hex] {super::values::entry_summary} = "mapihttp.oxcdata.restriction.taggedvalues.element", "TaggedPropertyValue", "[MS-OXCDATA] 2.12.11 one TaggedPropertyValue of TaggedValues";
    RESTRICTION_PRESENT: Bool = "mapihttp.oxcdata.restriction.restrictionpresent", "RestrictionPresent", "[MS-OXCDATA] 2.12.11 whether Restriction follows";
    COUNT: U32 = "mapihttp.oxcdata.restriction.countvalue", "Count", "[MS-OXCDATA] 2.12.12 the number of matches to return";
    SORT_ORDER_COUNT: U16 = "mapihttp.oxcdata.sortorderset.sortordercount", "SortOrderCount", "[MS-OXCDATA] 2.13.2 the number of SortOrder structures in SortOrders";
    CATEGORIZED_COUNT: U16 = "mapihttp.oxcdata.sortorderset.categorizedcount", "CategorizedCount", "[MS-OXCDATA] 2.13.2 how many of the first SortOrders are category columns (0 for a standard sort)";
    EXPANDED_COUNT: U16 = "mapihttp.oxcdata.sortorderset.expandedcount", "ExpandedCount", "[MS-OXCDATA] 2.13.2 how many categories start expanded (at most CategorizedCount)";
    SORT_ORDERS: None = "mapihttp.oxcdata.sortorderset.sortorders", "SortOrders", "[MS-OXCDATA] 2.13.2 the SortOrder structures, category columns first";
    SORT_ORDER: Text = "mapihttp.oxcdata.sortorder", "SortOrder", "[MS-OXCDATA] 2.13.1 a column to sort or categorize by, and the direction";
    SORT_PROPERTY_TYPE: U16 [Disp::Lookup(type_name_mvi)] = "mapihttp.oxcdata.sortorder.propertytype", "PropertyType", "[MS-OXCDATA] 2.13.1 the property type of the column; may have the MultivalueInstance bit 0x2000";
    SORT_PROPERTY_ID: U16 [Disp::Hex] = "mapihttp.oxcdata.sortorder.propertyid", "PropertyId", "[MS-OXCDATA] 2.13.1 the property id of the column";
    ORDER: U8 [Disp::Names(ORDERS)] = "mapihttp.oxcdata.sortorder.order", "Order", "[MS-OXCDATA] 2.13.1 Ascending 0x00, Descending 0x01, MaximumCategory 0x04 (the group's maximum sorts the category)";
}

/// A restriction as a structure node named after its type.
pub fn restriction(b: &mut Builder<'_>, c: &mut Cur<'_>) -> R<()> {
    restriction_summary(b, c).map(|_| ())
}

/// Like [`restriction`], returning a one-line summary.
pub fn restriction_summary(b: &mut Builder<'_>, c: &mut Cur<'_>) -> R<String> {
    let rt = match c.peek_u8() {
        Some(v) => v,
        None => {
            b.u8(c, &RESTRICT_TYPE)?;
            return Ok(String::new());
        }
    };
    let f: &'static Field = match rt {
        0x00 => &AND,
        0x01 => &OR,
        0x02 => &NOT,
        0x03 => &CONTENT,
        0x04 => &PROPERTY,
        0x05 => &COMPARE,
        0x06 => &BITMASK,
        0x07 => &SIZE,
        0x08 => &EXIST,
        0x09 => &SUB_OBJECT,
        0x0A => &COMMENT,
        0x0B => &COUNT_R,
        other => {
            b.u8(c, &RESTRICT_TYPE)?;
            return b.fail(c, format!("unknown RestrictType 0x{other:02X}"));
        }
    };
    grp(b, c, f, |b, c, idx| {
        b.u8(c, &RESTRICT_TYPE)?;
        let s = body(b, c, rt)?;
        summary(b, idx, &s);
        Ok(format!("{}({s})", f.name))
    })
}

fn name(t: NameTable, v: u64) -> String {
    lookup(t, v).map_or_else(|| format!("0x{v:X}"), String::from)
}

/// A nested restriction inside a structure node of field `f`.
fn nested(b: &mut Builder<'_>, c: &mut Cur<'_>, f: &'static Field) -> R<String> {
    b.group(c, f, restriction_summary)
}

fn body(b: &mut Builder<'_>, c: &mut Cur<'_>, rt: u8) -> R<String> {
    Ok(match rt {
        0x00 | 0x01 => {
            let n = b.u16(c, &RESTRICT_COUNT)?;
            let n = b.check_count(c, &RESTRICT_COUNT, n.into(), 1)?;
            b.group(c, &RESTRICTS, |b, c| {
                for _ in 0..n {
                    restriction(b, c)?;
                }
                Ok(())
            })?;
            format!("{n} restrictions")
        }
        0x02 => nested(b, c, &RESTRICTION)?,
        0x03 => {
            let lo = b.u16(c, &FUZZY_LOW)?;
            let hi = b.u16(c, &FUZZY_HIGH)?;
            let tag = props::property_tag(b, c, &PROPERTY_TAG)?;
            let (vt, v) = tagged_summary(b, c, &TAGGED_VALUE)?;
            same_tag(b, c, tag, vt);
            let hi_s = if hi == 0 { String::new() } else { crate::display::flags_string(FUZZY_LEVEL_HIGH, hi.into(), 4) };
            format!("{} {} {hi_s} {}", tag_text_in(b, tag), name(FUZZY_LEVEL_LOW, lo.into()), value_part(&v))
        }
        0x04 => {
            let op = b.u8(c, &REL_OP)?;
            let tag = props::property_tag(b, c, &PROP_TAG)?;
            let (vt, v) = tagged_summary(b, c, &TAGGED_VALUE)?;
            same_tag(b, c, tag, vt);
            format!("{} {} {}", tag_text_in(b, tag), name(REL_OPS, op.into()), value_part(&v))
        }
        0x05 => {
            let op = b.u8(c, &REL_OP)?;
            let t1 = props::property_tag(b, c, &PROP_TAG1)?;
            let t2 = props::property_tag(b, c, &PROP_TAG2)?;
            format!("{} {} {}", tag_text_in(b, t1), name(REL_OPS, op.into()), tag_text_in(b, t2))
        }
        0x06 => {
            let op = b.u8(c, &BITMAP_REL_OP)?;
            let tag = props::property_tag(b, c, &PROP_TAG)?;
            let m = b.u32(c, &MASK)?;
            format!("{} & 0x{m:08X} {}", tag_text_in(b, tag), name(BITMAP_REL_OPS, op.into()))
        }
        0x07 => {
            let op = b.u8(c, &REL_OP)?;
            let tag = props::property_tag(b, c, &PROP_TAG)?;
            let n = b.u32(c, &SIZE_F)?;
            format!("size of {} {} {n}", tag_text_in(b, tag), name(REL_OPS, op.into()))
        }
        0x08 => {
            let tag = props::property_tag(b, c, &PROP_TAG)?;
            tag_text_in(b, tag)
        }
        0x09 => {
            let tag = props::property_tag(b, c, &SUBOBJECT)?;
            let s = nested(b, c, &RESTRICTION)?;
            format!("{}: {s}", tag_text_in(b, tag))
        }
        0x0A => {
            let n = b.u8(c, &TAGGED_VALUES_COUNT)?;
            let n = b.check_count(c, &TAGGED_VALUES_COUNT, n.into(), 4)?;
            b.group(c, &TAGGED_VALUES, |b, c| {
                for _ in 0..n {
                    tagged_summary(b, c, &TAGGED_VALUES_ELEMENT)?;
                }
                Ok(())
            })?;
            let raw = c.peek_u8();
            if b.bool8(c, &RESTRICTION_PRESENT)? {
                if raw.is_some_and(|x| x != 1) {
                    b.diag(Severity::Note, "RestrictionPresent should be 0x00 or 0x01", c.src(), c.pos().saturating_sub(1), 1);
                }
                format!("{n} values: {}", nested(b, c, &RESTRICTION)?)
            } else {
                format!("{n} values")
            }
        }
        _ => {
            let n = b.u32(c, &COUNT)?;
            format!("at most {n}: {}", nested(b, c, &SUB_RESTRICTION)?)
        }
    })
}

/// The value part of a "tag = value" summary.
fn value_part(s: &str) -> &str {
    s.split_once(" = ").map_or(s, |(_, v)| v)
}

/// Notes a TaggedValue whose property tag differs from the restriction's (the specification
/// requires the same property; the server compares the value's type only with a multivalued
/// column's base type).
fn same_tag(b: &mut Builder<'_>, c: &Cur<'_>, tag: u32, value_tag: u32) {
    let base = |t: u32| t & !0x3000;
    if base(tag) != base(value_tag) {
        b.diag_at(
            c,
            Severity::Note,
            format!("TaggedValue tag 0x{value_tag:08X} differs from the restriction's property tag 0x{tag:08X}"),
            0,
        );
    }
}

/// [MS-OXCDATA] 2.13.2 SortOrderSet: the three counts and SortOrders.
pub fn sort_order_set(b: &mut Builder<'_>, c: &mut Cur<'_>) -> R<()> {
    let n = b.u16(c, &SORT_ORDER_COUNT)?;
    let cat = b.u16(c, &CATEGORIZED_COUNT)?;
    if cat > n {
        b.diag(Severity::Warning, format!("CategorizedCount {cat} exceeds SortOrderCount {n}"), c.src(), c.pos().saturating_sub(2), 2);
    }
    let exp = b.u16(c, &EXPANDED_COUNT)?;
    if exp > cat {
        b.diag(Severity::Warning, format!("ExpandedCount {exp} exceeds CategorizedCount {cat}"), c.src(), c.pos().saturating_sub(2), 2);
    }
    let n = b.check_count(c, &SORT_ORDER_COUNT, n.into(), 5)?;
    if n == 0 {
        return Ok(());
    }
    b.group(c, &SORT_ORDERS, |b, c| {
        for i in 0..n {
            grp(b, c, &SORT_ORDER, |b, c, idx| {
                let t = b.u16(c, &SORT_PROPERTY_TYPE)?;
                let id = b.u16(c, &SORT_PROPERTY_ID)?;
                let o = b.u8(c, &ORDER)?;
                let tag = u32::from(t) | (u32::from(id) << 16);
                let mut s = format!("{} {}", tag_text_in(b, tag), name(ORDERS, o.into()));
                if i < usize::from(cat) {
                    s.push_str(" (category)");
                }
                summary(b, idx, &s);
                Ok(())
            })?;
        }
        Ok(())
    })
}
