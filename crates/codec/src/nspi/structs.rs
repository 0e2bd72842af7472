//! Shared address book structures: [MS-OXNSPI] 2.2.8 STAT, 2.2.9.1 MinimalEntryID arrays,
//! [MS-OXCMAPIHTTP] 2.2.1.8 LargePropertyTagArray, the optional-field ("Has…") booleans, string
//! arrays, and the [MS-OXNSPI] 2.2.1 constant tables (flags, display types, sort types).

use alloc::format;
use alloc::vec::Vec;

use crate::props;
use crate::build::{Builder, Cur, R};
use crate::tree::{Disp, Field, NameTable, Severity};

/// [MS-OXNSPI] 2.2.1 table sort orders, for STAT SortType.
pub static SORT_TYPES: NameTable = &[
    (0x0000_0000, "SortTypeDisplayName"),
    (0x0000_0003, "SortTypePhoneticDisplayName"),
    (0x0000_03E8, "SortTypeDisplayName_RO"),
    (0x0000_03E9, "SortTypeDisplayName_W"),
];

/// [MS-OXNSPI] 2.2.1.3 display type values (also [MS-OXOABK] 2.2.3.11 PidTagDisplayType).
pub static DISPLAY_TYPES: NameTable = &[
    (0x0000_0000, "DT_MAILUSER"),
    (0x0000_0001, "DT_DISTLIST"),
    (0x0000_0002, "DT_FORUM"),
    (0x0000_0003, "DT_AGENT"),
    (0x0000_0004, "DT_ORGANIZATION"),
    (0x0000_0005, "DT_PRIVATE_DISTLIST"),
    (0x0000_0006, "DT_REMOTE_MAILUSER"),
    (0x0000_0100, "DT_CONTAINER"),
    (0x0000_0101, "DT_TEMPLATE"),
    (0x0000_0102, "DT_ADDRESS_TEMPLATE"),
    (0x0000_0200, "DT_SEARCH"),
];

/// [MS-OXNSPI] 2.2.1 NspiBind flags.
pub static BIND_FLAGS: NameTable = &[(0x0000_0020, "fAnonymousLogin")];

/// [MS-OXNSPI] 2.2.1 retrieve property flags (GetProps, QueryRows, GetMatches, GetPropList, SeekEntries).
pub static RETRIEVE_FLAGS: NameTable = &[(0x0000_0001, "fSkipObjects"), (0x0000_0002, "fEphID")];

/// [MS-OXNSPI] 2.2.1 NspiGetSpecialTable flags.
pub static SPECIAL_TABLE_FLAGS: NameTable =
    &[(0x0000_0002, "NspiAddressCreationTemplates"), (0x0000_0004, "NspiUnicodeStrings")];

/// [MS-OXNSPI] 2.2.1 NspiQueryColumns flag.
pub static QUERY_COLUMNS_FLAGS: NameTable = &[(0x8000_0000, "NspiUnicodeProptypes")];

/// [MS-OXNSPI] 2.2.1 NspiModLinkAtt flag.
pub static MOD_LINK_ATT_FLAGS: NameTable = &[(0x0000_0001, "fDelete")];

/// [MS-OXNSPI] 2.2.1 / 3.1.4.1.18 NspiGetTemplateInfo flags (the server honours TI_TEMPLATE,
/// TI_SCRIPT and TI_EMT; TI_HELPFILE_NAME and TI_HELPFILE_CONTENTS are from [MS-NSPI]).
pub static TEMPLATE_INFO_FLAGS: NameTable = &[
    (0x0000_0001, "TI_TEMPLATE"),
    (0x0000_0004, "TI_SCRIPT"),
    (0x0000_0010, "TI_EMT"),
    (0x0000_0020, "TI_HELPFILE_NAME"),
    (0x0000_0040, "TI_HELPFILE_CONTENTS"),
];

/// [MS-OXNSPI] 2.2.8 positioning Minimal Entry IDs.
pub static MID_POSITIONS: crate::tree::NameTable = &[(0, "MID_BEGINNING_OF_TABLE"), (1, "MID_CURRENT"), (2, "MID_END_OF_TABLE")];
/// [MS-OXNSPI] 2.2.9 ambiguous name resolution Minimal Entry IDs (ResolveNames, DNToMId results).
pub static MID_RESOLUTION: crate::tree::NameTable = &[(0, "MID_UNRESOLVED"), (1, "MID_AMBIGUOUS"), (2, "MID_RESOLVED")];

crate::fields! {
    HAS_STATE: Bool = "mapihttp.nspi.hasstate", "HasState", "[MS-OXCMAPIHTTP] 2.2.5 a Boolean (TRUE is 0xFF) that specifies whether the State field is present";
    STATE: None = "mapihttp.nspi.state", "State", "[MS-OXNSPI] 2.2.8 a STAT structure: the position and options in an address book container (36 bytes)";
    STAT_SORT_TYPE: U32 [Disp::Names(SORT_TYPES)] = "mapihttp.nspi.stat.sorttype", "SortType", "[MS-OXNSPI] 2.2.8 the sort order of the table ([MS-OXNSPI] 2.2.1 table sort orders)";
    STAT_CONTAINER_ID: U32 [Disp::Hex] = "mapihttp.nspi.stat.containerid", "ContainerID", "[MS-OXNSPI] 2.2.8 the Minimal Entry ID of the address book container (0 is the Global Address List)";
    STAT_CURRENT_REC: U32 [Disp::HexNamed(MID_POSITIONS)] = "mapihttp.nspi.stat.currentrec", "CurrentRec", "[MS-OXNSPI] 2.2.8 the Minimal Entry ID of the current row; MID_BEGINNING_OF_TABLE 0x0, MID_CURRENT 0x1, MID_END_OF_TABLE 0x2 are positions";
    STAT_DELTA: I32 = "mapihttp.nspi.stat.delta", "Delta", "[MS-OXNSPI] 2.2.8 the movement within the table relative to CurrentRec";
    STAT_NUM_POS: U32 = "mapihttp.nspi.stat.numpos", "NumPos", "[MS-OXNSPI] 2.2.8 the approximate fractional position of the current row (numerator)";
    STAT_TOTAL_RECS: U32 = "mapihttp.nspi.stat.totalrecs", "TotalRecs", "[MS-OXNSPI] 2.2.8 the approximate number of rows in the table (denominator of NumPos)";
    STAT_CODE_PAGE: U32 [Disp::Names(crate::mapihttp::emsmdb::CODE_PAGES)] = "mapihttp.nspi.stat.codepage", "CodePage", "[MS-OXNSPI] 2.2.8 the code page the client uses for 8-bit strings; CP_WINUNICODE (1200) asks for Unicode";
    STAT_TEMPLATE_LOCALE: U32 [Disp::Hex] = "mapihttp.nspi.stat.templatelocale", "TemplateLocale", "[MS-OXNSPI] 2.2.8 the LCID for templates";
    STAT_SORT_LOCALE: U32 [Disp::Hex] = "mapihttp.nspi.stat.sortlocale", "SortLocale", "[MS-OXNSPI] 2.2.8 the LCID for sorting";
    RESERVED: U32 [Disp::Hex] = "mapihttp.nspi.reserved", "Reserved", "[MS-OXCMAPIHTTP] 2.2.5 reserved: the client sets 0 and the server ignores it";
    CODE_PAGE: U32 [Disp::Names(crate::mapihttp::emsmdb::CODE_PAGES)] = "mapihttp.nspi.codepage", "CodePage", "[MS-OXCMAPIHTTP] 2.2.5 the code page of 8-bit string values (requested, or used by the server)";
    HAS_MINIMAL_IDS: Bool = "mapihttp.nspi.hasminimalids", "HasMinimalIds", "[MS-OXCMAPIHTTP] 2.2.5 a Boolean that specifies whether the MinimalIdCount and MinimalIds fields are present";
    MINIMAL_ID_COUNT: U32 = "mapihttp.nspi.minimalidcount", "MinimalIdCount", "[MS-OXCMAPIHTTP] 2.2.5 the number of structures in the MinimalIds field";
    MINIMAL_IDS: U32 [Disp::HexNamed(MID_RESOLUTION)] = "mapihttp.nspi.minimalids", "MinimalIds", "[MS-OXCMAPIHTTP] 2.2.5 a MinimalEntryID ([MS-OXNSPI] 2.2.9.1); in ResolveNames and DNToMId responses MID_UNRESOLVED 0x0 and MID_AMBIGUOUS 0x1 mark names that did not resolve to one object";
    EXPLICIT_TABLE_COUNT: U32 = "mapihttp.nspi.explicittablecount", "ExplicitTableCount", "[MS-OXCMAPIHTTP] 2.2.5.12/2.2.5.16 the number of structures in the ExplicitTable field";
    EXPLICIT_TABLE: U32 [Disp::Hex] = "mapihttp.nspi.explicittable", "ExplicitTable", "[MS-OXCMAPIHTTP] 2.2.5.12/2.2.5.16 a MinimalEntryID of the Explicit Table ([MS-OXNSPI] 2.2.9.1)";
    HAS_COLUMNS: Bool = "mapihttp.nspi.hascolumns", "HasColumns", "[MS-OXCMAPIHTTP] 2.2.5 a Boolean that specifies whether the Columns field is present";
    COLUMNS: None = "mapihttp.nspi.columns", "Columns", "[MS-OXCMAPIHTTP] 2.2.1.8 a LargePropertyTagArray: the columns requested, or used by the rows returned";
    HAS_PROPERTY_TAGS: Bool = "mapihttp.nspi.haspropertytags", "HasPropertyTags", "[MS-OXCMAPIHTTP] 2.2.5 a Boolean that specifies whether the PropertyTags field is present";
    PROPERTY_TAGS: None = "mapihttp.nspi.propertytags", "PropertyTags", "[MS-OXCMAPIHTTP] 2.2.1.8 a LargePropertyTagArray of property tags";
    PROPERTY_TAG_COUNT: U32 = "mapihttp.nspi.propertytagcount", "PropertyTagCount", "[MS-OXCMAPIHTTP] 2.2.1.8 the number of structures in the PropertyTags field";
    TAG_ELEMENT: U32 [Disp::Hex] {crate::props::tag_summary} = "mapihttp.nspi.propertytag", "PropertyTags", "[MS-OXCMAPIHTTP] 2.2.1.8 one PropertyTag ([MS-OXCDATA] 2.9) of a LargePropertyTagArray";
    NAME_COUNT: U32 = "mapihttp.nspi.namecount", "NameCount", "[MS-OXCMAPIHTTP] 2.2.5.4/2.2.5.14 the number of strings in the NameValues field";
    NAME_VALUE8: Str8 = "mapihttp.dntomid.namevalues", "NameValues", "[MS-OXCMAPIHTTP] 2.2.5.4 a null-terminated ASCII string: a distinguished name (DN) to map to a Minimal Entry ID";
    NAME_VALUE16: Utf16 = "mapihttp.resolvenames.namevalues", "NameValues", "[MS-OXCMAPIHTTP] 2.2.5.14 a null-terminated Unicode string to resolve (ambiguous name resolution)";
}

/// Warns (as a note) when a Reserved field is not zero.
pub fn reserved(b: &mut Builder<'_>, c: &mut Cur<'_>) -> R<()> {
    let v = b.u32(c, &RESERVED)?;
    if v != 0 {
        b.diag(Severity::Note, format!("Reserved should be 0, got 0x{v:08X}"), c.src(), c.pos().saturating_sub(4), 4);
    }
    Ok(())
}

/// Reads a "Has…" Boolean (TRUE is 0xFF on the wire, any non-zero value counts as present).
pub fn has(b: &mut Builder<'_>, c: &mut Cur<'_>, f: &'static Field) -> R<bool> {
    b.bool8(c, f)
}

/// [MS-OXNSPI] 2.2.8 STAT (36 bytes) as a structure node.
pub fn stat(b: &mut Builder<'_>, c: &mut Cur<'_>) -> R<()> {
    b.group(c, &STATE, |b, c| {
        b.u32(c, &STAT_SORT_TYPE)?;
        b.u32(c, &STAT_CONTAINER_ID)?;
        b.u32(c, &STAT_CURRENT_REC)?;
        b.i32(c, &STAT_DELTA)?;
        b.u32(c, &STAT_NUM_POS)?;
        b.u32(c, &STAT_TOTAL_RECS)?;
        b.u32(c, &STAT_CODE_PAGE)?;
        b.u32(c, &STAT_TEMPLATE_LOCALE)?;
        b.u32(c, &STAT_SORT_LOCALE)?;
        Ok(())
    })
}

/// HasState and, when set, State.
pub fn opt_state(b: &mut Builder<'_>, c: &mut Cur<'_>) -> R<()> {
    if has(b, c, &HAS_STATE)? {
        stat(b, c)?;
    }
    Ok(())
}

/// A count (u32) followed by that many MinimalEntryIDs, each a leaf of `elem`.
pub fn mid_array(b: &mut Builder<'_>, c: &mut Cur<'_>, count_f: &'static Field, elem: &'static Field) -> R<()> {
    let n = b.u32(c, count_f)?;
    let n = b.check_count(c, count_f, n.into(), 4)?;
    for _ in 0..n {
        b.u32(c, elem)?;
    }
    Ok(())
}

/// HasMinimalIds and, when set, MinimalIdCount and MinimalIds.
pub fn opt_minimal_ids(b: &mut Builder<'_>, c: &mut Cur<'_>) -> R<()> {
    if has(b, c, &HAS_MINIMAL_IDS)? {
        mid_array(b, c, &MINIMAL_ID_COUNT, &MINIMAL_IDS)?;
    }
    Ok(())
}

/// [MS-OXCMAPIHTTP] 2.2.1.8 LargePropertyTagArray as a structure node of field `f`: PropertyTagCount
/// then PropertyTags. Returns the tags (bounded by the input: the count is checked first).
pub fn large_tag_array(b: &mut Builder<'_>, c: &mut Cur<'_>, f: &'static Field) -> R<Vec<u32>> {
    b.group(c, f, |b, c| {
        let n = b.u32(c, &PROPERTY_TAG_COUNT)?;
        let n = b.check_count(c, &PROPERTY_TAG_COUNT, n.into(), 4)?;
        let mut tags = Vec::with_capacity(n);
        for _ in 0..n {
            tags.push(props::property_tag(b, c, &TAG_ELEMENT)?);
        }
        Ok(tags)
    })
}

/// NameCount and NameValues: `n` null-terminated strings, 8-bit (DNToMId) or UTF-16 (ResolveNames).
pub fn name_values(b: &mut Builder<'_>, c: &mut Cur<'_>, unicode: bool) -> R<()> {
    let n = b.u32(c, &NAME_COUNT)?;
    let n = b.check_count(c, &NAME_COUNT, n.into(), if unicode { 2 } else { 1 })?;
    for _ in 0..n {
        if unicode {
            b.utf16z(c, &NAME_VALUE16)?;
        } else {
            b.str8z(c, &NAME_VALUE8)?;
        }
    }
    Ok(())
}

/// Like [`Builder::group`], but `body` also gets the index of the structure node (to set a summary
/// value with [`Builder::set_value`]).
pub fn group_idx<'a, 'x, T>(
    b: &mut Builder<'a>,
    c: &mut Cur<'x>,
    f: &'static Field,
    body: impl FnOnce(&mut Builder<'a>, &mut Cur<'x>, u32) -> R<T>,
) -> R<T> {
    b.group_idx(c, f, body)
}

/// Like [`Builder::group_sized`] (the structure is exactly `len` bytes, `body` sees only them, unread
/// bytes are a warning), but `body` also gets the index of the structure node.
pub fn sized_group_idx<'a, 'x, T>(
    b: &mut Builder<'a>,
    c: &mut Cur<'x>,
    f: &'static Field,
    len: usize,
    body: impl FnOnce(&mut Builder<'a>, &mut Cur<'x>, u32) -> R<T>,
) -> R<T> {
    b.group_sized_idx(c, f, len, body)
}
