//! [MS-OXCDATA] 2.12 restrictions as the address book endpoint encodes them (the GetMatches Filter,
//! [MS-OXCMAPIHTTP] 2.2.5.5.1, and PtypRestriction values).
//!
//! RestrictType (1 byte) selects the structure: 2.12.1 AndRestriction and 2.12.2 OrRestriction
//! (RestrictCount, Restricts), 2.12.3 NotRestriction (Restriction), 2.12.4 ContentRestriction
//! (FuzzyLevelLow, FuzzyLevelHigh, PropertyTag, TaggedValue), 2.12.5 PropertyRestriction (RelOp,
//! PropTag, TaggedValue), 2.12.6 ComparePropertiesRestriction (RelOp, PropTag1, PropTag2), 2.12.7
//! BitMaskRestriction (BitmapRelOp, PropTag, Mask), 2.12.8 SizeRestriction (RelOp, PropTag, Size),
//! 2.12.9 ExistRestriction (PropTag), 2.12.10 SubObjectRestriction (Subobject, Restriction), 2.12.11
//! CommentRestriction (TaggedValuesCount, TaggedValues, RestrictionPresent, Restriction) and 2.12.12
//! CountRestriction (Count, SubRestriction).
//!
//! RestrictCount is a COUNT: 32 bits wide in MAPI/HTTP bodies ([MS-OXCDATA] 2.11.1.1; Microsoft's
//! MAPI Inspector and gromox agree). TaggedValue is a [MS-OXCDATA] 2.11.4 TaggedPropertyValue with
//! 32-bit COUNTs. gromox additionally reads a 0xFF/0x00 presence byte before the TaggedValue of a
//! Property or Content restriction (and address book value framing inside it); the specification
//! and MAPI Inspector do not. A comparand starting with 0xFF is read that way (no property type has
//! 0xFF as its low byte, so a plain TaggedValue never starts with it).
//!
//! Nesting is capped by the builder's structure depth ([`crate::build::MAX_DEPTH`]): each level opens
//! a structure node, and every restriction consumes at least its RestrictType byte.

use alloc::format;

use crate::props::{self, PROPERTY_TAG};
use super::values::{self, Mode, HAS_VALUE};
use crate::build::{Builder, Cur, R};
use crate::tree::{Disp, Field, NameTable, Severity};

/// [MS-OXCDATA] 2.12 RestrictType values.
pub static RESTRICT_TYPES: NameTable = &[
    (0x00, "AndRestriction"),
    (0x01, "OrRestriction"),
    (0x02, "NotRestriction"),
    (0x03, "ContentRestriction"),
    (0x04, "PropertyRestriction"),
    (0x05, "ComparePropertiesRestriction"),
    (0x06, "BitMaskRestriction"),
    (0x07, "SizeRestriction"),
    (0x08, "ExistRestriction"),
    (0x09, "SubObjectRestriction"),
    (0x0A, "CommentRestriction"),
    (0x0B, "CountRestriction"),
];

/// [MS-OXCDATA] 2.12.5 relational operators.
pub static REL_OPS: NameTable = &[
    (0x00, "RELOP_LT"),
    (0x01, "RELOP_LE"),
    (0x02, "RELOP_GT"),
    (0x03, "RELOP_GE"),
    (0x04, "RELOP_EQ"),
    (0x05, "RELOP_NE"),
    (0x06, "RELOP_RE"),
    (0x64, "RELOP_MEMBER_OF_DL"),
];

/// [MS-OXCDATA] 2.12.4 FuzzyLevelLow.
pub static FUZZY_LEVEL_LOW: NameTable = &[(0x0000, "FL_FULLSTRING"), (0x0001, "FL_SUBSTRING"), (0x0002, "FL_PREFIX")];

/// [MS-OXCDATA] 2.12.4 FuzzyLevelHigh flags.
pub static FUZZY_LEVEL_HIGH: NameTable = &[(0x0001, "FL_IGNORECASE"), (0x0002, "FL_IGNORENONSPACE"), (0x0004, "FL_LOOSE")];

/// [MS-OXCDATA] 2.12.7 BitmapRelOp.
pub static BITMAP_REL_OPS: NameTable = &[(0x00, "BMR_EQZ"), (0x01, "BMR_NEZ")];

crate::fields! {
    AND: None = "mapihttp.nspi.restriction.and", "AndRestriction", "[MS-OXCDATA] 2.12.1 satisfied when every restriction in Restricts is";
    OR: None = "mapihttp.nspi.restriction.or", "OrRestriction", "[MS-OXCDATA] 2.12.2 satisfied when any restriction in Restricts is";
    NOT: None = "mapihttp.nspi.restriction.not", "NotRestriction", "[MS-OXCDATA] 2.12.3 satisfied when Restriction is not";
    CONTENT: None = "mapihttp.nspi.restriction.content", "ContentRestriction", "[MS-OXCDATA] 2.12.4 a string or binary comparison";
    PROPERTY: None = "mapihttp.nspi.restriction.property", "PropertyRestriction", "[MS-OXCDATA] 2.12.5 compares a property with a value";
    COMPARE: None = "mapihttp.nspi.restriction.compareproperties", "ComparePropertiesRestriction", "[MS-OXCDATA] 2.12.6 compares two properties";
    BITMASK: None = "mapihttp.nspi.restriction.bitmask", "BitMaskRestriction", "[MS-OXCDATA] 2.12.7 tests bits of a property";
    SIZE: None = "mapihttp.nspi.restriction.size", "SizeRestriction", "[MS-OXCDATA] 2.12.8 compares the size of a property";
    EXIST: None = "mapihttp.nspi.restriction.exist", "ExistRestriction", "[MS-OXCDATA] 2.12.9 tests that a property exists";
    SUB_OBJECT: None = "mapihttp.nspi.restriction.subobject", "SubObjectRestriction", "[MS-OXCDATA] 2.12.10 applies Restriction to a message's recipients or attachments";
    COMMENT: None = "mapihttp.nspi.restriction.comment", "CommentRestriction", "[MS-OXCDATA] 2.12.11 annotates a restriction with property values";
    COUNT_R: None = "mapihttp.nspi.restriction.count", "CountRestriction", "[MS-OXCDATA] 2.12.12 limits the number of matches of SubRestriction";
    RESTRICT_TYPE: U8 [Disp::Names(RESTRICT_TYPES)] = "mapihttp.nspi.restriction.restricttype", "RestrictType", "[MS-OXCDATA] 2.12 the type of the restriction";
    RESTRICT_COUNT: U32 = "mapihttp.nspi.restriction.restrictcount", "RestrictCount", "[MS-OXCDATA] 2.12.1/2.12.2 COUNT (32 bits in MAPI/HTTP) of structures in Restricts";
    RESTRICTS: None = "mapihttp.nspi.restriction.restricts", "Restricts", "[MS-OXCDATA] 2.12.1/2.12.2 the restrictions combined";
    RESTRICTION: None = "mapihttp.nspi.restriction.restriction", "Restriction", "[MS-OXCDATA] 2.12.3/2.12.10/2.12.11 the restriction applied";
    SUB_RESTRICTION: None = "mapihttp.nspi.restriction.subrestriction", "SubRestriction", "[MS-OXCDATA] 2.12.12 the restriction whose matches are counted";
    FUZZY_LOW: U16 [Disp::Names(FUZZY_LEVEL_LOW)] = "mapihttp.nspi.restriction.fuzzylevellow", "FuzzyLevelLow", "[MS-OXCDATA] 2.12.4 how the strings are matched";
    FUZZY_HIGH: U16 [Disp::Flags(FUZZY_LEVEL_HIGH)] = "mapihttp.nspi.restriction.fuzzylevelhigh", "FuzzyLevelHigh", "[MS-OXCDATA] 2.12.4 comparison options";
    REL_OP: U8 [Disp::Names(REL_OPS)] = "mapihttp.nspi.restriction.relop", "RelOp", "[MS-OXCDATA] 2.12.5 the relational operator";
    PROP_TAG: Text = "mapihttp.nspi.restriction.proptag", "PropTag", "[MS-OXCDATA] 2.12 the property tag the restriction tests";
    PROP_TAG1: Text = "mapihttp.nspi.restriction.proptag1", "PropTag1", "[MS-OXCDATA] 2.12.6 the first property compared";
    PROP_TAG2: Text = "mapihttp.nspi.restriction.proptag2", "PropTag2", "[MS-OXCDATA] 2.12.6 the second property compared";
    TAGGED_VALUE: Text = "mapihttp.nspi.restriction.taggedvalue", "TaggedValue", "[MS-OXCDATA] 2.11.4 a TaggedPropertyValue: the comparand";
    BITMAP_REL_OP: U8 [Disp::Names(BITMAP_REL_OPS)] = "mapihttp.nspi.restriction.bitmaprelop", "BitmapRelOp", "[MS-OXCDATA] 2.12.7 whether the masked bits are zero or non-zero";
    MASK: U32 [Disp::Hex] = "mapihttp.nspi.restriction.mask", "Mask", "[MS-OXCDATA] 2.12.7 the bit mask";
    SIZE_F: U32 [Disp::Unit("bytes")] = "mapihttp.nspi.restriction.sizevalue", "Size", "[MS-OXCDATA] 2.12.8 the size compared with";
    SUBOBJECT: Text = "mapihttp.nspi.restriction.subobjecttag", "Subobject", "[MS-OXCDATA] 2.12.10 PidTagMessageRecipients or PidTagMessageAttachments";
    TAGGED_VALUES_COUNT: U8 = "mapihttp.nspi.restriction.taggedvaluescount", "TaggedValuesCount", "[MS-OXCDATA] 2.12.11 the number of structures in TaggedValues";
    TAGGED_VALUES: None = "mapihttp.nspi.restriction.taggedvalues", "TaggedValues", "[MS-OXCDATA] 2.12.11 TaggedPropertyValue structures";
    RESTRICTION_PRESENT: Bool = "mapihttp.nspi.restriction.restrictionpresent", "RestrictionPresent", "[MS-OXCDATA] 2.12.11 whether Restriction follows";
    COUNT: U32 = "mapihttp.nspi.restriction.countvalue", "Count", "[MS-OXCDATA] 2.12.12 the number of matches to return";
}

/// A restriction as a structure node named after its type.
pub fn restriction(b: &mut Builder<'_>, c: &mut Cur<'_>) -> R<()> {
    let rt = match c.peek_u8() {
        Some(v) => v,
        None => {
            b.u8(c, &RESTRICT_TYPE)?;
            return Ok(());
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
    b.group(c, f, |b, c| {
        b.u8(c, &RESTRICT_TYPE)?;
        match rt {
            0x00 | 0x01 => {
                let n = b.u32(c, &RESTRICT_COUNT)?;
                let n = b.check_count(c, &RESTRICT_COUNT, n.into(), 1)?;
                b.group(c, &RESTRICTS, |b, c| {
                    for _ in 0..n {
                        restriction(b, c)?;
                    }
                    Ok(())
                })
            }
            0x02 => b.group(c, &RESTRICTION, restriction),
            0x03 => {
                b.u16(c, &FUZZY_LOW)?;
                b.u16(c, &FUZZY_HIGH)?;
                props::property_tag(b, c, &PROPERTY_TAG)?;
                comparand(b, c)
            }
            0x04 => {
                b.u8(c, &REL_OP)?;
                props::property_tag(b, c, &PROP_TAG)?;
                comparand(b, c)
            }
            0x05 => {
                b.u8(c, &REL_OP)?;
                props::property_tag(b, c, &PROP_TAG1)?;
                props::property_tag(b, c, &PROP_TAG2).map(|_| ())
            }
            0x06 => {
                b.u8(c, &BITMAP_REL_OP)?;
                props::property_tag(b, c, &PROP_TAG)?;
                b.u32(c, &MASK).map(|_| ())
            }
            0x07 => {
                b.u8(c, &REL_OP)?;
                props::property_tag(b, c, &PROP_TAG)?;
                b.u32(c, &SIZE_F).map(|_| ())
            }
            0x08 => props::property_tag(b, c, &PROP_TAG).map(|_| ()),
            0x09 => {
                props::property_tag(b, c, &SUBOBJECT)?;
                b.group(c, &RESTRICTION, restriction)
            }
            0x0A => {
                let n = b.u8(c, &TAGGED_VALUES_COUNT)?;
                let n = b.check_count(c, &TAGGED_VALUES_COUNT, n.into(), 4)?;
                b.group(c, &TAGGED_VALUES, |b, c| {
                    for _ in 0..n {
                        values::tagged(b, c, &TAGGED_VALUE, Mode::Plain)?;
                    }
                    Ok(())
                })?;
                if b.bool8(c, &RESTRICTION_PRESENT)? {
                    b.group(c, &RESTRICTION, restriction)?;
                }
                Ok(())
            }
            _ => {
                b.u32(c, &COUNT)?;
                b.group(c, &SUB_RESTRICTION, restriction)
            }
        }
    })
}

/// The TaggedValue of a Property or Content restriction (see the module documentation).
fn comparand(b: &mut Builder<'_>, c: &mut Cur<'_>) -> R<()> {
    if c.peek_u8() == Some(0xFF) {
        b.diag_at(c, Severity::Note, "presence byte before TaggedValue (address book value framing, as gromox reads it)", 1);
        b.bool8(c, &HAS_VALUE)?;
        return values::tagged(b, c, &TAGGED_VALUE, Mode::Ab);
    }
    values::tagged(b, c, &TAGGED_VALUE, Mode::Plain)
}
