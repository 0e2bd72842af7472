//! [MS-OXCROPS] 2.2.5 Table ROPs, with the semantics of [MS-OXCTABL] 2.2.2: RopSetColumns (0x12),
//! RopSortTable (0x13), RopRestrict (0x14), RopQueryRows (0x15), RopAbort (0x38), RopGetStatus
//! (0x16), RopQueryPosition (0x17), RopSeekRow (0x18), RopSeekRowBookmark (0x19),
//! RopSeekRowFractional (0x1A), RopCreateBookmark (0x1B), RopQueryColumnsAll (0x37), RopFindRow
//! (0x4F), RopFreeBookmark (0x89), RopResetTable (0x81), RopExpandRow (0x59), RopCollapseRow (0x5A),
//! RopGetCollapseState (0x6B), RopSetCollapseState (0x6C).
//!
//! Context ([MS-OXCTABL] 3.1.5, [MS-OXCDATA] 2.8.1): the rows of RopQueryRows, RopFindRow and
//! RopExpandRow are PropertyRows without tags, laid out by the columns of the table's latest
//! RopSetColumns. A RopSetColumns request records its tags for its InputHandleIndex in this Execute
//! (`ExecState::index_columns`); its successful response records them for the table's handle value
//! in the session (`Session::columns`, replacing earlier columns), so later Executes find them. A
//! row-returning request snapshots the columns in effect at its position in the request list (in
//! `RequestInfo::tags`, with `values[0] == 1` marking the snapshot), and its response uses that
//! snapshot; an unpaired response looks the columns up by handle index. RopResetTable removes the
//! columns ("after ... a RopResetTable ROP request, the client MUST send a RopSetColumns ROP request
//! before querying the table", [MS-OXCTABL] 3.1.5).
//!
//! Without columns the rows cannot be decoded, and since a RopsList carries no ROP lengths the end
//! of RowData cannot be found either: RowData is then shown as bytes up to the end of the RopsList,
//! with a Note that says so (any ROP responses after it are not decoded).
//!
//! Spec notes:
//! - Predefined bookmarks ([MS-OXCTABL] 2.2.2.1.1) are 0x00–0x02; BOOKMARK_CUSTOM 0x03 (a RopFindRow
//!   Origin that uses the Bookmark field) is not in the current table but is used by Microsoft's MAPI
//!   Inspector and gromox; it is shown with its name.
//! - RopSeekRowBookmark's RowsSought is "an unsigned integer that specifies the direction and number
//!   of rows sought" ([MS-OXCROPS] 2.2.5.9.2) while RopSeekRow's is signed (2.2.5.8.2); a direction
//!   needs a sign, so both are shown signed.
//! - RopSortTable's second count is CategoryCount in [MS-OXCROPS] 2.2.5.2.1 and [MS-OXCTABL]
//!   2.2.2.3.1 but CategorizedCount in [MS-OXCDATA] 2.13.2; the SortOrderSet is decoded by the
//!   [MS-OXCDATA] layer, with its names.
//! - Row values are never longer than 510 bytes ([MS-OXCTABL] 2.2.2.5.2); the decoder does not rely
//!   on it.
//! - Limitation: a RopSetColumns whose response fails still shapes the snapshot of a later
//!   row-returning request of the same Execute (the server would normally fail that ROP too).

use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

use super::context::Rop;
use super::{req_in, resp_in, Decoder};
use crate::build::{Builder, Cur, R};
use crate::oxcdata;
use crate::props::property_tag;
use crate::tree::{Disp, Field, NameTable, Severity};

/// [MS-OXCTABL] 2.2.2.1.3 TableStatus.
pub static TABLE_STATUS: NameTable = &[
    (0x00, "TBLSTAT_COMPLETE"),
    (0x09, "TBLSTAT_SORTING"),
    (0x0A, "TBLSTAT_SORT_ERROR"),
    (0x0B, "TBLSTAT_SETTING_COLS"),
    (0x0D, "TBLSTAT_SETCOL_ERROR"),
    (0x0E, "TBLSTAT_RESTRICTING"),
    (0x0F, "TBLSTAT_RESTRICT_ERROR"),
];

/// [MS-OXCTABL] 2.2.2.1.4 asynchronous flags (0x00: synchronous).
pub static ASYNC_FLAGS: NameTable = &[(0x01, "TBL_ASYNC")];

/// [MS-OXCTABL] 2.2.2.1.1 predefined bookmarks, and BOOKMARK_CUSTOM (see the module notes).
pub static BOOKMARKS: NameTable =
    &[(0x00, "BOOKMARK_BEGINNING"), (0x01, "BOOKMARK_CURRENT"), (0x02, "BOOKMARK_END"), (0x03, "BOOKMARK_CUSTOM")];

/// [MS-OXCTABL] 2.2.2.5.1 QueryRowsFlags: Advance 0x00, NoAdvance 0x01, EnablePackedBuffers 0x02.
pub static QUERY_ROWS_FLAGS: NameTable = &[
    (0x00, "Advance"),
    (0x01, "NoAdvance"),
    (0x02, "Advance, EnablePackedBuffers"),
    (0x03, "NoAdvance, EnablePackedBuffers"),
];

/// [MS-OXCTABL] 2.2.2.14.1 FindRowFlags: 0x00 find forwards, 0x01 find backwards.
pub static FIND_ROW_FLAGS: NameTable = &[(0x00, "Forwards"), (0x01, "Backwards")];

crate::fields! {
    SC_FLAGS: U8 [Disp::Flags(ASYNC_FLAGS)] = "mapihttp.rop.setcolumns.setcolumnsflags", "SetColumnsFlags", "[MS-OXCROPS] 2.2.5.1.1 asynchronous flags ([MS-OXCTABL] 2.2.2.1.4): TBL_ASYNC 0x01 lets the server set the columns asynchronously";
    SC_TAG_COUNT: U16 = "mapihttp.rop.setcolumns.propertytagcount", "PropertyTagCount", "[MS-OXCROPS] 2.2.5.1.1 the number of PropertyTags (at least 1, [MS-OXCTABL] 2.2.2.2.1)";
    SC_TAGS: None = "mapihttp.rop.setcolumns.propertytags", "PropertyTags", "[MS-OXCROPS] 2.2.5.1.1 the columns of the table, in the order row values are returned";
    SC_TAG: Text = "mapihttp.rop.setcolumns.propertytag", "PropertyTag", "[MS-OXCROPS] 2.2.5.1.1 one column ([MS-OXCDATA] 2.9); the MultivalueInstance bit 0x2000 asks for one row per value";
    SC_STATUS: U8 [Disp::Names(TABLE_STATUS)] = "mapihttp.rop.setcolumns.tablestatus", "TableStatus", "[MS-OXCROPS] 2.2.5.1.2 the status of the table ([MS-OXCTABL] 2.2.2.1.3)";

    ST_FLAGS: U8 [Disp::Flags(ASYNC_FLAGS)] = "mapihttp.rop.sorttable.sorttableflags", "SortTableFlags", "[MS-OXCROPS] 2.2.5.2.1 asynchronous flags ([MS-OXCTABL] 2.2.2.1.4)";
    ST_STATUS: U8 [Disp::Names(TABLE_STATUS)] = "mapihttp.rop.sorttable.tablestatus", "TableStatus", "[MS-OXCROPS] 2.2.5.2.2 the status of the table ([MS-OXCTABL] 2.2.2.1.3)";

    RS_FLAGS: U8 [Disp::Flags(ASYNC_FLAGS)] = "mapihttp.rop.restrict.restrictflags", "RestrictFlags", "[MS-OXCROPS] 2.2.5.3.1 asynchronous flags ([MS-OXCTABL] 2.2.2.1.4)";
    RS_SIZE: U16 [Disp::Unit("bytes")] = "mapihttp.rop.restrict.restrictiondatasize", "RestrictionDataSize", "[MS-OXCROPS] 2.2.5.3.1 the size of RestrictionData (0: no restriction)";
    RS_DATA: None = "mapihttp.rop.restrict.restrictiondata", "RestrictionData", "[MS-OXCROPS] 2.2.5.3.1 the restriction applied to the table ([MS-OXCDATA] 2.12)";
    RS_STATUS: U8 [Disp::Names(TABLE_STATUS)] = "mapihttp.rop.restrict.tablestatus", "TableStatus", "[MS-OXCROPS] 2.2.5.3.2 the status of the table ([MS-OXCTABL] 2.2.2.1.3)";

    QR_FLAGS: U8 [Disp::Names(QUERY_ROWS_FLAGS)] = "mapihttp.rop.queryrows.queryrowsflags", "QueryRowsFlags", "[MS-OXCROPS] 2.2.5.4.1 NoAdvance 0x01 keeps the cursor; EnablePackedBuffers 0x02 allows packed buffers ([MS-OXCTABL] 2.2.2.5.1)";
    QR_FORWARD: Bool = "mapihttp.rop.queryrows.forwardread", "ForwardRead", "[MS-OXCROPS] 2.2.5.4.1 TRUE: read the table forwards; FALSE: backwards";
    QR_ROW_COUNT: U16 = "mapihttp.rop.queryrows.rowcount", "RowCount", "[MS-OXCROPS] 2.2.5.4.1/2.2.5.4.2 request: the maximum number of rows to return; response: the number of rows in RowData";
    QR_ORIGIN: U8 [Disp::Names(BOOKMARKS)] = "mapihttp.rop.queryrows.origin", "Origin", "[MS-OXCROPS] 2.2.5.4.2 the cursor position after the read ([MS-OXCTABL] 2.2.2.1.1)";
    QR_ROW_DATA: None = "mapihttp.rop.queryrows.rowdata", "RowData", "[MS-OXCROPS] 2.2.5.4.2 the rows: PropertyRows ([MS-OXCDATA] 2.8.1) over the columns of the table's last RopSetColumns";
    QR_ROW_BYTES: Bytes = "mapihttp.rop.queryrows.rowdata_bytes", "RowData", "[MS-OXCROPS] 2.2.5.4.2 the rows, as bytes because the table's columns are unknown (the bytes run to the end of the RopsList)";

    AB_STATUS: U8 [Disp::Names(TABLE_STATUS)] = "mapihttp.rop.abort.tablestatus", "TableStatus", "[MS-OXCROPS] 2.2.5.5.2 the status of the table ([MS-OXCTABL] 2.2.2.1.3)";
    GS_STATUS: U8 [Disp::Names(TABLE_STATUS)] = "mapihttp.rop.getstatus.tablestatus", "TableStatus", "[MS-OXCROPS] 2.2.5.6.2 the status of the table ([MS-OXCTABL] 2.2.2.1.3)";

    QP_NUMERATOR: U32 = "mapihttp.rop.queryposition.numerator", "Numerator", "[MS-OXCROPS] 2.2.5.7.2 the index (0-based) of the current row";
    QP_DENOMINATOR: U32 = "mapihttp.rop.queryposition.denominator", "Denominator", "[MS-OXCROPS] 2.2.5.7.2 the total number of rows in the table";

    SR_ORIGIN: U8 [Disp::Names(BOOKMARKS)] = "mapihttp.rop.seekrow.origin", "Origin", "[MS-OXCROPS] 2.2.5.8.1 where the seek starts ([MS-OXCTABL] 2.2.2.1.1)";
    SR_ROW_COUNT: I32 = "mapihttp.rop.seekrow.rowcount", "RowCount", "[MS-OXCROPS] 2.2.5.8.1 the number of rows to seek (negative: backwards)";
    SR_WANT_MOVED: Bool = "mapihttp.rop.seekrow.wantrowmovedcount", "WantRowMovedCount", "[MS-OXCROPS] 2.2.5.8.1 whether the server returns the number of rows moved";
    SR_SOUGHT_LESS: Bool = "mapihttp.rop.seekrow.hassoughtless", "HasSoughtLess", "[MS-OXCROPS] 2.2.5.8.2 whether fewer rows were sought than requested";
    SR_ROWS_SOUGHT: I32 = "mapihttp.rop.seekrow.rowssought", "RowsSought", "[MS-OXCROPS] 2.2.5.8.2 the direction and number of rows sought";

    SB_SIZE: U16 [Disp::Unit("bytes")] = "mapihttp.rop.seekrowbookmark.bookmarksize", "BookmarkSize", "[MS-OXCROPS] 2.2.5.9.1 the size of Bookmark";
    SB_BOOKMARK: Bytes = "mapihttp.rop.seekrowbookmark.bookmark", "Bookmark", "[MS-OXCROPS] 2.2.5.9.1 a bookmark returned by RopCreateBookmark, where the seek starts";
    SB_ROW_COUNT: I32 = "mapihttp.rop.seekrowbookmark.rowcount", "RowCount", "[MS-OXCROPS] 2.2.5.9.1 the number of rows to seek (negative: backwards)";
    SB_WANT_MOVED: Bool = "mapihttp.rop.seekrowbookmark.wantrowmovedcount", "WantRowMovedCount", "[MS-OXCROPS] 2.2.5.9.1 whether the server returns the number of rows moved";
    SB_NOT_VISIBLE: Bool = "mapihttp.rop.seekrowbookmark.rownolongervisible", "RowNoLongerVisible", "[MS-OXCROPS] 2.2.5.9.2 whether the bookmarked row is no longer visible";
    SB_SOUGHT_LESS: Bool = "mapihttp.rop.seekrowbookmark.hassoughtless", "HasSoughtLess", "[MS-OXCROPS] 2.2.5.9.2 whether fewer rows were sought than requested";
    SB_ROWS_SOUGHT: I32 = "mapihttp.rop.seekrowbookmark.rowssought", "RowsSought", "[MS-OXCROPS] 2.2.5.9.2 the direction and number of rows sought (the specification says unsigned; shown signed, see the module notes)";

    SF_NUMERATOR: U32 = "mapihttp.rop.seekrowfractional.numerator", "Numerator", "[MS-OXCROPS] 2.2.5.10.1 the numerator of the fraction of the table to seek to";
    SF_DENOMINATOR: U32 = "mapihttp.rop.seekrowfractional.denominator", "Denominator", "[MS-OXCROPS] 2.2.5.10.1 the denominator of the fraction of the table to seek to";

    CB_SIZE: U16 [Disp::Unit("bytes")] = "mapihttp.rop.createbookmark.bookmarksize", "BookmarkSize", "[MS-OXCROPS] 2.2.5.11.2 the size of Bookmark";
    CB_BOOKMARK: Bytes = "mapihttp.rop.createbookmark.bookmark", "Bookmark", "[MS-OXCROPS] 2.2.5.11.2 the bookmark created at the cursor position";

    QC_TAG_COUNT: U16 = "mapihttp.rop.querycolumnsall.propertytagcount", "PropertyTagCount", "[MS-OXCROPS] 2.2.5.12.2 the number of PropertyTags";
    QC_TAGS: None = "mapihttp.rop.querycolumnsall.propertytags", "PropertyTags", "[MS-OXCROPS] 2.2.5.12.2 every column the server has for the table";
    QC_TAG: Text = "mapihttp.rop.querycolumnsall.propertytag", "PropertyTag", "[MS-OXCROPS] 2.2.5.12.2 one column ([MS-OXCDATA] 2.9)";

    FR_FLAGS: U8 [Disp::Names(FIND_ROW_FLAGS)] = "mapihttp.rop.findrow.findrowflags", "FindRowFlags", "[MS-OXCROPS] 2.2.5.13.1 0x00: find forwards; 0x01: find backwards ([MS-OXCTABL] 2.2.2.14.1)";
    FR_RS_SIZE: U16 [Disp::Unit("bytes")] = "mapihttp.rop.findrow.restrictiondatasize", "RestrictionDataSize", "[MS-OXCROPS] 2.2.5.13.1 the size of RestrictionData";
    FR_RS_DATA: None = "mapihttp.rop.findrow.restrictiondata", "RestrictionData", "[MS-OXCROPS] 2.2.5.13.1 the search criteria ([MS-OXCDATA] 2.12)";
    FR_ORIGIN: U8 [Disp::Names(BOOKMARKS)] = "mapihttp.rop.findrow.origin", "Origin", "[MS-OXCROPS] 2.2.5.13.1 where the search starts ([MS-OXCTABL] 2.2.2.1.1)";
    FR_BM_SIZE: U16 [Disp::Unit("bytes")] = "mapihttp.rop.findrow.bookmarksize", "BookmarkSize", "[MS-OXCROPS] 2.2.5.13.1 the size of Bookmark";
    FR_BOOKMARK: Bytes = "mapihttp.rop.findrow.bookmark", "Bookmark", "[MS-OXCROPS] 2.2.5.13.1 a bookmark to start the search from (custom origin)";
    FR_NOT_VISIBLE: Bool = "mapihttp.rop.findrow.rownolongervisible", "RowNoLongerVisible", "[MS-OXCROPS] 2.2.5.13.2 whether the bookmarked row is no longer visible";
    FR_HAS_ROW: Bool = "mapihttp.rop.findrow.hasrowdata", "HasRowData", "[MS-OXCROPS] 2.2.5.13.2 whether RowData is present";
    FR_ROW_DATA: None = "mapihttp.rop.findrow.rowdata", "RowData", "[MS-OXCROPS] 2.2.5.13.2 the row found: a PropertyRow ([MS-OXCDATA] 2.8.1) over the columns of the table's last RopSetColumns";
    FR_ROW_BYTES: Bytes = "mapihttp.rop.findrow.rowdata_bytes", "RowData", "[MS-OXCROPS] 2.2.5.13.2 the row found, as bytes because the table's columns are unknown (the bytes run to the end of the RopsList)";

    FB_SIZE: U16 [Disp::Unit("bytes")] = "mapihttp.rop.freebookmark.bookmarksize", "BookmarkSize", "[MS-OXCROPS] 2.2.5.14.1 the size of Bookmark";
    FB_BOOKMARK: Bytes = "mapihttp.rop.freebookmark.bookmark", "Bookmark", "[MS-OXCROPS] 2.2.5.14.1 the bookmark to free";

    ER_MAX_ROWS: U16 = "mapihttp.rop.expandrow.maxrowcount", "MaxRowCount", "[MS-OXCROPS] 2.2.5.16.1 the maximum number of expanded rows to return";
    ER_CATEGORY: U64 [Disp::Hex] = "mapihttp.rop.expandrow.categoryid", "CategoryId", "[MS-OXCROPS] 2.2.5.16.1 the category to expand (PidTagInstID of its header row, [MS-OXCTABL] 2.2.2.17.1)";
    ER_EXPANDED: U32 = "mapihttp.rop.expandrow.expandedrowcount", "ExpandedRowCount", "[MS-OXCROPS] 2.2.5.16.2 the total number of rows in the expanded category";
    ER_ROW_COUNT: U16 = "mapihttp.rop.expandrow.rowcount", "RowCount", "[MS-OXCROPS] 2.2.5.16.2 the number of rows in RowData";
    ER_ROW_DATA: None = "mapihttp.rop.expandrow.rowdata", "RowData", "[MS-OXCROPS] 2.2.5.16.2 PropertyRows ([MS-OXCDATA] 2.8.1) over the columns of the table's last RopSetColumns";
    ER_ROW_BYTES: Bytes = "mapihttp.rop.expandrow.rowdata_bytes", "RowData", "[MS-OXCROPS] 2.2.5.16.2 the rows, as bytes because the table's columns are unknown (the bytes run to the end of the RopsList)";

    CR_CATEGORY: U64 [Disp::Hex] = "mapihttp.rop.collapserow.categoryid", "CategoryId", "[MS-OXCROPS] 2.2.5.17.1 the category to collapse";
    CR_COLLAPSED: U32 = "mapihttp.rop.collapserow.collapsedrowcount", "CollapsedRowCount", "[MS-OXCROPS] 2.2.5.17.2 the number of rows in the collapsed category";

    GC_ROW_ID: U64 [Disp::Hex] = "mapihttp.rop.getcollapsestate.rowid", "RowId", "[MS-OXCROPS] 2.2.5.18.1 the row to keep as the cursor in the collapse state";
    GC_INSTANCE: U32 = "mapihttp.rop.getcollapsestate.rowinstancenumber", "RowInstanceNumber", "[MS-OXCROPS] 2.2.5.18.1 the instance number of that row";
    GC_SIZE: U16 [Disp::Unit("bytes")] = "mapihttp.rop.getcollapsestate.collapsestatesize", "CollapseStateSize", "[MS-OXCROPS] 2.2.5.18.2 the size of CollapseState";
    GC_STATE: Bytes = "mapihttp.rop.getcollapsestate.collapsestate", "CollapseState", "[MS-OXCROPS] 2.2.5.18.2 the opaque expanded/collapsed state of the categorized table";

    SCS_SIZE: U16 [Disp::Unit("bytes")] = "mapihttp.rop.setcollapsestate.collapsestatesize", "CollapseStateSize", "[MS-OXCROPS] 2.2.5.19.1 the size of CollapseState";
    SCS_STATE: Bytes = "mapihttp.rop.setcollapsestate.collapsestate", "CollapseState", "[MS-OXCROPS] 2.2.5.19.1 a collapse state returned by RopGetCollapseState";
    SCS_BM_SIZE: U16 [Disp::Unit("bytes")] = "mapihttp.rop.setcollapsestate.bookmarksize", "BookmarkSize", "[MS-OXCROPS] 2.2.5.19.2 the size of Bookmark";
    SCS_BOOKMARK: Bytes = "mapihttp.rop.setcollapsestate.bookmark", "Bookmark", "[MS-OXCROPS] 2.2.5.19.2 a bookmark to the row named in RopGetCollapseState (free it with RopFreeBookmark)";
}

/// The decoders of this family, one row per ROP.
pub static DECODERS: &[Decoder] = &[
    crate::rop!(0x12, Some(set_columns_req), Some(set_columns_resp)),
    crate::rop!(0x13, Some(sort_table_req), Some(sort_table_resp)),
    crate::rop!(0x14, Some(restrict_req), Some(restrict_resp)),
    crate::rop!(0x15, Some(query_rows_req), Some(query_rows_resp)),
    crate::rop!(0x38, Some(req_in), Some(abort_resp)),
    crate::rop!(0x16, Some(req_in), Some(get_status_resp)),
    crate::rop!(0x17, Some(req_in), Some(query_position_resp)),
    crate::rop!(0x18, Some(seek_row_req), Some(seek_row_resp)),
    crate::rop!(0x19, Some(seek_row_bookmark_req), Some(seek_row_bookmark_resp)),
    crate::rop!(0x1A, Some(seek_row_fractional_req), Some(header_only_resp)),
    crate::rop!(0x1B, Some(req_in), Some(create_bookmark_resp)),
    crate::rop!(0x37, Some(req_in), Some(query_columns_all_resp)),
    crate::rop!(0x4F, Some(find_row_req), Some(find_row_resp)),
    crate::rop!(0x89, Some(free_bookmark_req), Some(header_only_resp)),
    crate::rop!(0x81, Some(reset_table_req), Some(reset_table_resp)),
    crate::rop!(0x59, Some(expand_row_req), Some(expand_row_resp)),
    crate::rop!(0x5A, Some(collapse_row_req), Some(collapse_row_resp)),
    crate::rop!(0x6B, Some(get_collapse_state_req), Some(get_collapse_state_resp)),
    crate::rop!(0x6C, Some(set_collapse_state_req), Some(set_collapse_state_resp)),
];

/// `RequestInfo::values[0]` of a row-returning request: the columns in `tags` are a snapshot.
const COLUMNS_KNOWN: u64 = 1;

// ----- shared pieces -----------------------------------------------------------------------

/// Responses that are InputHandleIndex + ReturnValue only (RopSeekRowFractional, RopFreeBookmark).
fn header_only_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    resp_in(b, c, x).map(|_| ())
}

/// InputHandleIndex + ReturnValue. Returns the ReturnValue and the table's handle index (the
/// request's when paired, else the response's).
fn resp_in_idx(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<(u32, Option<u8>)> {
    let wire = c.peek_u8();
    let rv = resp_in(b, c, x)?;
    let idx = if x.paired { x.info.input_index.or(wire) } else { wire };
    Ok((rv, idx))
}

/// A response whose success form adds a TableStatus (RopSetColumns, RopSortTable, RopRestrict,
/// RopAbort, RopGetStatus); returns the ReturnValue.
fn table_status_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>, f: &'static Field) -> R<u32> {
    let rv = resp_in(b, c, x)?;
    if rv == 0 {
        b.u8(c, f)?;
    }
    Ok(rv)
}

/// A u16 count and that many PropertyTags grouped under `group`; returns the tags.
fn tag_array(
    b: &mut Builder<'_>,
    c: &mut Cur<'_>,
    count: &'static Field,
    group: &'static Field,
    tag: &'static Field,
) -> R<Vec<u32>> {
    let n = b.u16(c, count)?;
    let n = b.check_count(c, count, n.into(), 4)?;
    let mut tags = Vec::with_capacity(n);
    if n > 0 {
        b.group(c, group, |b, c| {
            for _ in 0..n {
                tags.push(property_tag(b, c, tag)?);
            }
            Ok(())
        })?;
    }
    Ok(tags)
}

/// A u16 size and that many bytes (bookmarks, collapse states).
fn sized_bytes(b: &mut Builder<'_>, c: &mut Cur<'_>, size: &'static Field, data: &'static Field) -> R<()> {
    let n = usize::from(b.u16(c, size)?);
    if n > 0 {
        b.bytes(c, data, n)?;
    }
    Ok(())
}

/// A u16 RestrictionDataSize and the restriction in exactly that many bytes.
fn restriction_data(b: &mut Builder<'_>, c: &mut Cur<'_>, size: &'static Field, data: &'static Field) -> R<()> {
    let n = usize::from(b.u16(c, size)?);
    if n > 0 {
        b.group_sized(c, data, n, |b, c| oxcdata::restriction(b, c))?;
    }
    Ok(())
}

/// Snapshots, in the request's info, the columns in effect for the table at this request's
/// InputHandleIndex (see the module docs).
fn snapshot_columns(x: &mut Rop<'_>) {
    let cols = x.info.input_index.and_then(|i| x.columns_at(i)).filter(|c| !c.is_empty());
    x.info.values = vec![u64::from(cols.is_some())];
    x.info.tags = cols.unwrap_or_default();
}

/// The columns a row-returning response is laid out by: the paired request's snapshot, or (for an
/// unpaired response) the columns recorded for the handle index.
fn response_columns(x: &Rop<'_>, idx: Option<u8>) -> Option<Vec<u32>> {
    if x.paired {
        if x.info.values.first() == Some(&COLUMNS_KNOWN) {
            return Some(x.info.tags.clone());
        }
        return None;
    }
    idx.and_then(|i| x.columns_at(i)).filter(|c| !c.is_empty())
}

/// Without columns: RowData as bytes to the end of the RopsList, with the Note that explains why.
fn rows_unknown(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &Rop<'_>, idx: Option<u8>, f: &'static Field) -> R<()> {
    let n = c.left();
    let table = match (idx, idx.and_then(|i| x.handle(i))) {
        (Some(i), Some(h)) => format!("InputHandleIndex {i}, handle 0x{h:08X}"),
        (Some(i), None) => format!("InputHandleIndex {i}"),
        _ => String::from("handle unknown"),
    };
    let msg = format!(
        "columns unknown: no RopSetColumns seen for this table ({table}); without the columns the row \
         boundaries are unknown, so RowData is shown as bytes to the end of the RopsList ({n} bytes) \
         and any ROP responses after it are not decoded"
    );
    b.diag_at(c, Severity::Note, msg, n);
    b.rest_bytes(c, f)
}

/// The fields of a RowCount + RowData pair.
struct RowFields {
    /// RowCount.
    count: &'static Field,
    /// RowData as PropertyRows.
    group: &'static Field,
    /// RowData as bytes (columns unknown).
    bytes: &'static Field,
}

const QR_ROWS: RowFields = RowFields { count: &QR_ROW_COUNT, group: &QR_ROW_DATA, bytes: &QR_ROW_BYTES };
const ER_ROWS: RowFields = RowFields { count: &ER_ROW_COUNT, group: &ER_ROW_DATA, bytes: &ER_ROW_BYTES };

/// `count` PropertyRows under RowData over the response's columns, or bytes with a Note.
fn rows(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &Rop<'_>, idx: Option<u8>, count: u16, f: &RowFields) -> R<()> {
    // Every PropertyRow has at least its Flag byte.
    let n = b.check_count(c, f.count, count.into(), 1)?;
    if n == 0 {
        return Ok(());
    }
    match response_columns(x, idx) {
        Some(cols) => b.group(c, f.group, |b, c| {
            for _ in 0..n {
                oxcdata::property_row(b, c, &cols)?;
            }
            Ok(())
        }),
        None => rows_unknown(b, c, x, idx, f.bytes),
    }
}

// ----- RopSetColumns 2.2.5.1 ---------------------------------------------------------------

/// 2.2.5.1.1: SetColumnsFlags, PropertyTagCount, PropertyTags. Records the columns for this
/// Execute's InputHandleIndex and in the request info (for the response).
fn set_columns_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in(b, c, x)?;
    b.u8(c, &SC_FLAGS)?;
    let at = c.pos();
    let tags = tag_array(b, c, &SC_TAG_COUNT, &SC_TAGS, &SC_TAG)?;
    if tags.is_empty() {
        let msg = "PropertyTagCount is 0: every table MUST have at least one column ([MS-OXCTABL] 2.2.2.2.1)";
        b.diag(Severity::Warning, msg, c.src(), at, 2);
    }
    if let Some(i) = x.info.input_index {
        x.ctx.exec.index_columns.insert(i, tags.clone());
    }
    x.info.tags = tags;
    Ok(())
}

/// 2.2.5.1.2 / 2.2.5.1.3: TableStatus on success. A successful response records the request's
/// columns for the table's handle value (replacing earlier columns).
fn set_columns_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    let (rv, idx) = resp_in_idx(b, c, x)?;
    if rv != 0 {
        if let (true, Some(i)) = (x.paired, idx) {
            x.ctx.exec.index_columns.remove(&i);
        }
        return Ok(());
    }
    b.u8(c, &SC_STATUS)?;
    if let (true, Some(i)) = (x.paired, idx) {
        let tags = x.info.tags.clone();
        match x.handle(i) {
            Some(h) => {
                x.ctx.session.columns.insert(h, tags.clone());
            }
            None => {
                let msg = format!("no Server object handle at index {i} of the response's handle table: the columns are kept for this Execute only");
                b.diag_at(c, Severity::Note, msg, 0);
            }
        }
        x.ctx.exec.index_columns.insert(i, tags);
    }
    Ok(())
}

// ----- RopSortTable 2.2.5.2, RopRestrict 2.2.5.3 -------------------------------------------

/// 2.2.5.2.1: SortTableFlags, then SortOrderCount, CategoryCount, ExpandedCount and SortOrders (the
/// [MS-OXCDATA] 2.13.2 SortOrderSet).
fn sort_table_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in(b, c, x)?;
    b.u8(c, &ST_FLAGS)?;
    oxcdata::sort_order_set(b, c)
}

fn sort_table_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    table_status_resp(b, c, x, &ST_STATUS).map(|_| ())
}

/// 2.2.5.3.1: RestrictFlags, RestrictionDataSize, RestrictionData.
fn restrict_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in(b, c, x)?;
    b.u8(c, &RS_FLAGS)?;
    restriction_data(b, c, &RS_SIZE, &RS_DATA)
}

fn restrict_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    table_status_resp(b, c, x, &RS_STATUS).map(|_| ())
}

// ----- RopQueryRows 2.2.5.4 ----------------------------------------------------------------

/// 2.2.5.4.1: QueryRowsFlags, ForwardRead, RowCount. `values[1]` keeps RowCount for the response.
fn query_rows_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in(b, c, x)?;
    b.u8(c, &QR_FLAGS)?;
    b.bool8(c, &QR_FORWARD)?;
    let n = b.u16(c, &QR_ROW_COUNT)?;
    snapshot_columns(x);
    x.info.values.push(n.into());
    Ok(())
}

/// 2.2.5.4.2 / 2.2.5.4.3: Origin, RowCount, RowData on success.
fn query_rows_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    let (rv, idx) = resp_in_idx(b, c, x)?;
    if rv != 0 {
        return Ok(());
    }
    b.u8(c, &QR_ORIGIN)?;
    let at = c.pos();
    let n = b.u16(c, &QR_ROW_COUNT)?;
    if let (true, Some(&asked)) = (x.paired, x.info.values.get(1)) {
        if u64::from(n) > asked {
            let msg = format!("RowCount {n} exceeds the {asked} rows requested ([MS-OXCTABL] 2.2.2.5.2)");
            b.diag(Severity::Warning, msg, c.src(), at, 2);
        }
    }
    rows(b, c, x, idx, n, &QR_ROWS)
}

// ----- status and position ROPs ------------------------------------------------------------

fn abort_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    table_status_resp(b, c, x, &AB_STATUS).map(|_| ())
}

fn get_status_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    table_status_resp(b, c, x, &GS_STATUS).map(|_| ())
}

/// 2.2.5.7.2: Numerator, Denominator on success.
fn query_position_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    if resp_in(b, c, x)? == 0 {
        b.u32(c, &QP_NUMERATOR)?;
        b.u32(c, &QP_DENOMINATOR)?;
    }
    Ok(())
}

/// 2.2.5.8.1: Origin, RowCount (signed), WantRowMovedCount.
fn seek_row_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in(b, c, x)?;
    b.u8(c, &SR_ORIGIN)?;
    b.i32(c, &SR_ROW_COUNT)?;
    b.bool8(c, &SR_WANT_MOVED)?;
    Ok(())
}

/// 2.2.5.8.2: HasSoughtLess, RowsSought on success.
fn seek_row_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    if resp_in(b, c, x)? == 0 {
        b.bool8(c, &SR_SOUGHT_LESS)?;
        b.i32(c, &SR_ROWS_SOUGHT)?;
    }
    Ok(())
}

/// 2.2.5.9.1: BookmarkSize, Bookmark, RowCount, WantRowMovedCount.
fn seek_row_bookmark_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in(b, c, x)?;
    sized_bytes(b, c, &SB_SIZE, &SB_BOOKMARK)?;
    b.i32(c, &SB_ROW_COUNT)?;
    b.bool8(c, &SB_WANT_MOVED)?;
    Ok(())
}

/// 2.2.5.9.2: RowNoLongerVisible, HasSoughtLess, RowsSought on success.
fn seek_row_bookmark_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    if resp_in(b, c, x)? == 0 {
        b.bool8(c, &SB_NOT_VISIBLE)?;
        b.bool8(c, &SB_SOUGHT_LESS)?;
        b.i32(c, &SB_ROWS_SOUGHT)?;
    }
    Ok(())
}

/// 2.2.5.10.1: Numerator, Denominator.
fn seek_row_fractional_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in(b, c, x)?;
    let at = c.pos();
    b.u32(c, &SF_NUMERATOR)?;
    if b.u32(c, &SF_DENOMINATOR)? == 0 {
        b.diag(Severity::Warning, "Denominator is 0", c.src(), at + 4, 4);
    }
    Ok(())
}

/// 2.2.5.11.2: BookmarkSize, Bookmark on success.
fn create_bookmark_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    if resp_in(b, c, x)? == 0 {
        sized_bytes(b, c, &CB_SIZE, &CB_BOOKMARK)?;
    }
    Ok(())
}

/// 2.2.5.12.2: PropertyTagCount, PropertyTags on success.
fn query_columns_all_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    if resp_in(b, c, x)? == 0 {
        tag_array(b, c, &QC_TAG_COUNT, &QC_TAGS, &QC_TAG)?;
    }
    Ok(())
}

// ----- RopFindRow 2.2.5.13, RopFreeBookmark 2.2.5.14, RopResetTable 2.2.5.15 ---------------

/// 2.2.5.13.1: FindRowFlags, RestrictionDataSize, RestrictionData, Origin, BookmarkSize, Bookmark.
fn find_row_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in(b, c, x)?;
    b.u8(c, &FR_FLAGS)?;
    restriction_data(b, c, &FR_RS_SIZE, &FR_RS_DATA)?;
    b.u8(c, &FR_ORIGIN)?;
    sized_bytes(b, c, &FR_BM_SIZE, &FR_BOOKMARK)?;
    snapshot_columns(x);
    Ok(())
}

/// 2.2.5.13.2 / 2.2.5.13.3: RowNoLongerVisible, HasRowData, RowData (if HasRowData) on success.
fn find_row_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    let (rv, idx) = resp_in_idx(b, c, x)?;
    if rv != 0 {
        return Ok(());
    }
    b.bool8(c, &FR_NOT_VISIBLE)?;
    if b.bool8(c, &FR_HAS_ROW)? {
        match response_columns(x, idx) {
            Some(cols) => b.group(c, &FR_ROW_DATA, |b, c| oxcdata::property_row(b, c, &cols))?,
            None => rows_unknown(b, c, x, idx, &FR_ROW_BYTES)?,
        }
    }
    Ok(())
}

/// 2.2.5.14.1: BookmarkSize, Bookmark.
fn free_bookmark_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in(b, c, x)?;
    sized_bytes(b, c, &FB_SIZE, &FB_BOOKMARK)
}

/// 2.2.5.15.1: header only. The table loses its columns ([MS-OXCTABL] 3.1.5): later requests of this
/// Execute on the index see none.
fn reset_table_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in(b, c, x)?;
    if let Some(i) = x.info.input_index {
        x.ctx.exec.index_columns.insert(i, Vec::new());
    }
    Ok(())
}

/// 2.2.5.15.2: header only; success forgets the columns of the table's handle.
fn reset_table_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    let (rv, idx) = resp_in_idx(b, c, x)?;
    if let (0, Some(i)) = (rv, idx) {
        if let Some(h) = x.handle(i) {
            x.ctx.session.columns.remove(&h);
        }
        x.ctx.exec.index_columns.insert(i, Vec::new());
    }
    Ok(())
}

// ----- categories 2.2.5.16 – 2.2.5.19 ------------------------------------------------------

/// 2.2.5.16.1: MaxRowCount, CategoryId. `values[1]` keeps MaxRowCount.
fn expand_row_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in(b, c, x)?;
    let n = b.u16(c, &ER_MAX_ROWS)?;
    b.u64(c, &ER_CATEGORY)?;
    snapshot_columns(x);
    x.info.values.push(n.into());
    Ok(())
}

/// 2.2.5.16.2 / 2.2.5.16.3: ExpandedRowCount, RowCount, RowData on success.
fn expand_row_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    let (rv, idx) = resp_in_idx(b, c, x)?;
    if rv != 0 {
        return Ok(());
    }
    b.u32(c, &ER_EXPANDED)?;
    let n = b.u16(c, &ER_ROW_COUNT)?;
    rows(b, c, x, idx, n, &ER_ROWS)
}

/// 2.2.5.17.1: CategoryId.
fn collapse_row_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in(b, c, x)?;
    b.u64(c, &CR_CATEGORY)?;
    Ok(())
}

/// 2.2.5.17.2: CollapsedRowCount on success.
fn collapse_row_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    if resp_in(b, c, x)? == 0 {
        b.u32(c, &CR_COLLAPSED)?;
    }
    Ok(())
}

/// 2.2.5.18.1: RowId, RowInstanceNumber.
fn get_collapse_state_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in(b, c, x)?;
    b.u64(c, &GC_ROW_ID)?;
    b.u32(c, &GC_INSTANCE)?;
    Ok(())
}

/// 2.2.5.18.2: CollapseStateSize, CollapseState on success.
fn get_collapse_state_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    if resp_in(b, c, x)? == 0 {
        sized_bytes(b, c, &GC_SIZE, &GC_STATE)?;
    }
    Ok(())
}

/// 2.2.5.19.1: CollapseStateSize, CollapseState.
fn set_collapse_state_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in(b, c, x)?;
    sized_bytes(b, c, &SCS_SIZE, &SCS_STATE)
}

/// 2.2.5.19.2: BookmarkSize, Bookmark on success.
fn set_collapse_state_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    if resp_in(b, c, x)? == 0 {
        sized_bytes(b, c, &SCS_BM_SIZE, &SCS_BOOKMARK)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use alloc::string::String;
    use alloc::vec;
    use alloc::vec::Vec;

    use crate::display::display_line;
    use crate::tree::{Dissection, Severity};
    use crate::{decode_exchange, decode_exchange_in, decode_request, decode_response, RequestType, Session};

    /// Hex with spaces or dashes, as the specifications print it.
    fn h(s: &str) -> Vec<u8> {
        let digits: Vec<u8> = s.bytes().filter(u8::is_ascii_hexdigit).collect();
        digits
            .chunks(2)
            .map(|p| u8::from_str_radix(core::str::from_utf8(p).unwrap(), 16).unwrap())
            .collect()
    }

    fn payload(rops: &[u8], handles: &[u32]) -> Vec<u8> {
        let mut p = ((rops.len() + 2) as u16).to_le_bytes().to_vec();
        p.extend_from_slice(rops);
        for x in handles {
            p.extend_from_slice(&x.to_le_bytes());
        }
        p
    }

    fn ext(body: &mut Vec<u8>, p: &[u8]) {
        body.extend_from_slice(&0u16.to_le_bytes());
        body.extend_from_slice(&4u16.to_le_bytes());
        body.extend_from_slice(&(p.len() as u16).to_le_bytes());
        body.extend_from_slice(&(p.len() as u16).to_le_bytes());
        body.extend_from_slice(p);
    }

    /// Offset of the first ROP byte in a request body built by [`req`].
    const REQ_ROPS_AT: usize = 18;
    /// Offset of the first ROP byte in a response body built by [`resp`].
    const RESP_ROPS_AT: usize = 26;

    /// An Execute request body: Flags, RopBufferSize, RPC_HEADER_EXT + ROP input buffer, MaxRopOut, aux size.
    pub(crate) fn req(rops: &[u8], handles: &[u32]) -> Vec<u8> {
        let p = payload(rops, handles);
        let mut body = 3u32.to_le_bytes().to_vec();
        body.extend_from_slice(&((p.len() + 8) as u32).to_le_bytes());
        ext(&mut body, &p);
        body.extend_from_slice(&0x40000u32.to_le_bytes());
        body.extend_from_slice(&0u32.to_le_bytes());
        body
    }

    /// An Execute success response body: StatusCode, ErrorCode, Flags, RopBufferSize, RPC_HEADER_EXT +
    /// ROP output buffer, aux size.
    pub(crate) fn resp(rops: &[u8], handles: &[u32]) -> Vec<u8> {
        let p = payload(rops, handles);
        let mut body = vec![0u8; 12];
        body.extend_from_slice(&((p.len() + 8) as u32).to_le_bytes());
        ext(&mut body, &p);
        body.extend_from_slice(&0u32.to_le_bytes());
        body
    }

    fn lines(d: &Dissection<'_>, key: &str) -> Vec<String> {
        d.find_all(key).map(|(_, n)| display_line(d, n)).collect()
    }

    fn line(d: &Dissection<'_>, key: &str) -> String {
        let (_, n) = d.find(key).unwrap_or_else(|| panic!("no {key} in {:#?}", d.nodes.iter().map(|n| n.field.key).collect::<Vec<_>>()));
        display_line(d, n)
    }

    fn problems(d: &Dissection<'_>) -> Vec<String> {
        d.diagnostics.iter().filter(|x| x.severity >= Severity::Warning).map(|x| x.message.clone()).collect()
    }

    /// The notes other than the envelope's "no meta-tags" (these test bodies have none).
    fn notes(d: &Dissection<'_>) -> Vec<String> {
        d.diagnostics
            .iter()
            .filter(|x| x.severity == Severity::Note && !x.message.starts_with("no meta-tags"))
            .map(|x| x.message.clone())
            .collect()
    }

    /// No diagnostics at all, apart from the envelope's "no meta-tags" note.
    fn clean(d: &Dissection<'_>) {
        assert!(problems(d).is_empty() && notes(d).is_empty(), "{:?}", d.diagnostics);
    }

    fn exchange(s: &mut Session, rq: &[u8], rs: &[u8]) -> Dissection<'static> {
        decode_exchange_in(s, RequestType::Execute, Some(rq), Some(rs)).0.into_owned()
    }

    fn request_only(rq: &[u8]) -> Dissection<'static> {
        decode_request(RequestType::Execute, rq).into_owned()
    }

    fn response_only(s: &mut Session, rs: &[u8]) -> Dissection<'static> {
        decode_exchange_in(s, RequestType::Execute, None, Some(rs)).0.into_owned()
    }

    // ----- spec vectors ------------------------------------------------------------------

    /// [MS-OXCTABL] 4.5.3.1: RopQueryRows request, Advance, forwards, 50 rows.
    #[test]
    fn spec_query_rows_request() {
        let body = req(&h("15 00 00 00 01 32 00"), &[0x10]);
        let d = decode_request(RequestType::Execute, &body);
        clean(&d);
        assert_eq!(line(&d, "mapihttp.rop.queryrows.queryrowsflags"), "QueryRowsFlags: Advance (0x00)");
        assert_eq!(line(&d, "mapihttp.rop.queryrows.forwardread"), "ForwardRead: True");
        assert_eq!(line(&d, "mapihttp.rop.queryrows.rowcount"), "RowCount: 50");
        assert_eq!(line(&d, "mapihttp.rop.inputhandleindex"), "InputHandleIndex: 0");
    }

    /// [MS-OXCTABL] 4.3.1 / 4.3.2: RopSortTable request (two sort orders, one category, expanded) and
    /// its response (TBLSTAT_COMPLETE).
    #[test]
    fn spec_sort_table() {
        let body = req(&h("13 00 00 00 02 00 01 00 01 00 1f 30 08 80 00 40 00 06 0e 01"), &[0x10]);
        let d = decode_request(RequestType::Execute, &body);
        assert!(problems(&d).is_empty(), "{:?}", d.diagnostics);
        assert_eq!(line(&d, "mapihttp.rop.sorttable.sorttableflags"), "SortTableFlags: 0x00");
        let orders = lines(&d, "mapihttp.oxcdata.sortorder");
        assert_eq!(orders.len(), 2, "{orders:?}");
        assert!(orders[0].contains("0x8008301F") && orders[0].contains("(category)"), "{orders:?}");
        assert!(orders[1].contains("0x0E060040"), "{orders:?}");

        let body = resp(&h("13 01 00 00 00 00 00"), &[0x10, 0x11]);
        let d = decode_response(RequestType::Execute, &body);
        clean(&d);
        assert_eq!(line(&d, "mapihttp.rop.inputhandleindex"), "InputHandleIndex: 1");
        assert_eq!(line(&d, "mapihttp.rop.returnvalue"), "ReturnValue: Success (0x00000000)");
        assert_eq!(line(&d, "mapihttp.rop.sorttable.tablestatus"), "TableStatus: TBLSTAT_COMPLETE (0x00)");
    }

    /// [MS-OXCTABL] 4.2.1: RopSetColumns request with six columns.
    #[test]
    fn spec_set_columns_request() {
        let rops = h("12 00 01 00 06 00 14 00 48 67 14 00 4a 67 14 00 4d 67 03 00 4e 67 1f 00 37 00 40 00 06 0e");
        let body = req(&rops, &[0x10, 0x11]);
        let d = decode_request(RequestType::Execute, &body);
        clean(&d);
        assert_eq!(line(&d, "mapihttp.rop.setcolumns.setcolumnsflags"), "SetColumnsFlags: 0x00");
        assert_eq!(line(&d, "mapihttp.rop.setcolumns.propertytagcount"), "PropertyTagCount: 6");
        let tags = lines(&d, "mapihttp.rop.setcolumns.propertytag");
        assert_eq!(tags.len(), 6);
        let want = [0x6748_0014u32, 0x674A_0014, 0x674D_0014, 0x674E_0003, 0x0037_001F, 0x0E06_0040];
        for (got, tag) in tags.iter().zip(want) {
            assert_eq!(*got, alloc::format!("PropertyTag: {}", crate::props::tag_text(tag)));
        }
        assert_eq!(tags[0], "PropertyTag: PidTagFolderId (0x67480014, PtypInteger64)");
        assert_eq!(tags[4], "PropertyTag: PidTagSubject (0x0037001F, PtypString)");
    }

    /// [MS-OXORULE] 4.2.1 requests (RopSetColumns, RopQueryRows; the RopGetRulesTable of the example
    /// belongs to the rule family and is left out) and the 4.2.2 responses: the 56-byte RopQueryRows
    /// response decodes with the RopSetColumns columns.
    const RULE_SET_COLUMNS: &str = "12 00 01 00 03 00 14 00 74 66 02 01 84 66 1f 00 82 66";
    const RULE_QUERY_ROWS: &str = "15 00 01 00 01 32 00";
    const RULE_SET_COLUMNS_RESP: &str = "12 01 00 00 00 00 00";
    const RULE_QUERY_ROWS_RESP: &str = "15 01 00 00 00 00 02 01 00 00 01 00 00 00 01 3f f8 56 10 00 01 00 00 00 01 00 00 00 55 55 55 55 d1 44 e3 40 50 00 72 00 6f 00 6a 00 65 00 63 00 74 00 20 00 58 00 00 00";
    /// The request handle table of the example; the response's slot 1 gets the table handle.
    const RULE_REQ_HANDLES: [u32; 2] = [0x0000_0223, 0xFFFF_FFFF];
    const RULE_RESP_HANDLES: [u32; 2] = [0x0000_0223, 0x0000_0301];

    fn assert_rule_row(d: &Dissection<'_>) {
        assert_eq!(line(d, "mapihttp.rop.queryrows.origin"), "Origin: BOOKMARK_END (0x02)");
        let counts = lines(d, "mapihttp.rop.queryrows.rowcount");
        assert_eq!(counts.last().map(String::as_str), Some("RowCount: 1"));
        assert_eq!(lines(d, "mapihttp.oxcdata.propertyrow").len(), 1);
        let cols = lines(d, "mapihttp.oxcdata.row.propertyvalue");
        assert_eq!(cols.len(), 3, "{cols:?}");
        assert!(cols[0].contains("0x66740014") && cols[0].contains("6266828155013562369"), "{cols:?}");
        assert!(cols[1].contains("0x66840102") && cols[1].contains("0100000001000000") && cols[1].contains("55555555d144e340"), "{cols:?}");
        assert!(cols[2].contains("0x6682001F") && cols[2].contains("\"Project X\""), "{cols:?}");
        assert_eq!(
            lines(d, "mapihttp.oxcdata.propertyvalue"),
            [
                "PropertyValue: 6266828155013562369",
                "PropertyValue: 010000000100000055555555d144e340 (16 bytes)",
                "PropertyValue: \"Project X\"",
            ]
        );
    }

    #[test]
    fn spec_rules_table_rows_with_set_columns_context() {
        let rq = req(&[h(RULE_SET_COLUMNS), h(RULE_QUERY_ROWS)].concat(), &RULE_REQ_HANDLES);
        let rs = resp(&[h(RULE_SET_COLUMNS_RESP), h(RULE_QUERY_ROWS_RESP)].concat(), &RULE_RESP_HANDLES);
        let mut s = Session::default();
        let d = exchange(&mut s, &rq, &rs);
        clean(&d);
        assert_eq!(line(&d, "mapihttp.rop.setcolumns.tablestatus"), "TableStatus: TBLSTAT_COMPLETE (0x00)");
        assert_rule_row(&d);
        // The successful RopSetColumns recorded the columns for the table handle of the response.
        assert_eq!(s.columns.get(&0x301), Some(&vec![0x6674_0014, 0x6684_0102, 0x6682_001F]));
    }

    /// The whole [MS-OXORULE] 4.2.1 / 4.2.2 exchange, with its RopGetRulesTable (`3f 00 00 01 40`,
    /// response `3f 01 00 00 00 00`) opening the table at index 1 in the same Execute.
    #[test]
    fn spec_rules_table_whole_exchange() {
        let rq = req(&[h("3f 00 00 01 40"), h(RULE_SET_COLUMNS), h(RULE_QUERY_ROWS)].concat(), &RULE_REQ_HANDLES);
        let rs = resp(&[h("3f 01 00 00 00 00"), h(RULE_SET_COLUMNS_RESP), h(RULE_QUERY_ROWS_RESP)].concat(), &RULE_RESP_HANDLES);
        let mut s = Session::default();
        let d = exchange(&mut s, &rq, &rs);
        clean(&d);
        assert_eq!(lines(&d, "mapihttp.rop.request_index"), ["Request: 0", "Request: 1", "Request: 2"]);
        assert_rule_row(&d);
        assert_eq!(s.columns.get(&0x301), Some(&vec![0x6674_0014, 0x6684_0102, 0x6682_001F]));
    }

    /// RopSetColumns in one Execute, RopQueryRows on the same table handle in the next.
    #[test]
    fn cross_execute_columns() {
        let mut s = Session::default();
        let rq = req(&h(RULE_SET_COLUMNS), &[0x223, 0x301]);
        let rs = resp(&h(RULE_SET_COLUMNS_RESP), &[0x223, 0x301]);
        let d = exchange(&mut s, &rq, &rs);
        clean(&d);
        let rq = req(&h(RULE_QUERY_ROWS), &[0x223, 0x301]);
        let rs = resp(&h(RULE_QUERY_ROWS_RESP), &[0x223, 0x301]);
        let d = exchange(&mut s, &rq, &rs);
        clean(&d);
        assert_rule_row(&d);
        // A response alone (its request not captured) finds the columns by handle value too.
        let d = decode_exchange_in(&mut s, RequestType::Execute, None, Some(&rs)).0;
        clean(&d);
        assert_rule_row(&d);
    }

    /// A RopQueryRows response with no RopSetColumns seen (a capture starting mid-session): RowData
    /// as bytes to the end of the RopsList, with the Note; the ROP after it is not decoded.
    #[test]
    fn mid_session_rows_without_columns() {
        let rows = h(RULE_QUERY_ROWS_RESP);
        let trailing = h("6E 00 00"); // a RopPending that cannot be located
        let rs = resp(&[rows.clone(), trailing].concat(), &[0x223, 0x301]);
        let mut s = Session::default();
        let d = decode_exchange_in(&mut s, RequestType::Execute, None, Some(&rs)).0;
        assert!(problems(&d).is_empty(), "{:?}", d.diagnostics);
        let n = notes(&d);
        assert_eq!(n.len(), 1, "{n:?}");
        assert!(n[0].starts_with("columns unknown: no RopSetColumns seen for this table (InputHandleIndex 1, handle 0x00000301)"), "{n:?}");
        assert!(n[0].contains("50 bytes"), "{n:?}");
        // RowData runs from the row's Flag byte (offset 9 of the ROP) to the end of the RopsList.
        let (_, n) = d.find("mapihttp.rop.queryrows.rowdata_bytes").unwrap();
        assert_eq!(d.bytes_of(n), &[&rows[9..], &[0x6E, 0x00, 0x00][..]].concat()[..]);
        assert_eq!(n.length, 50);
        assert!(d.find("mapihttp.rop.pending").is_none());
        // The same with the request seen but no columns for its table.
        let rq = req(&h(RULE_QUERY_ROWS), &[0x223, 0x301]);
        let rs = resp(&rows, &[0x223, 0x301]);
        let d = exchange(&mut Session::default(), &rq, &rs);
        assert!(problems(&d).is_empty(), "{:?}", d.diagnostics);
        assert!(notes(&d).iter().any(|m| m.starts_with("columns unknown: no RopSetColumns seen for this table")));
        assert!(d.find("mapihttp.oxcdata.propertyrow").is_none());
    }

    // ----- every ROP of the family -------------------------------------------------------

    /// One request/response pair: `ctx_*` ROPs come first (context), then the ROP under test.
    struct Case {
        ctx_req: &'static str,
        req: &'static str,
        ctx_resp: &'static str,
        resp: &'static str,
        expect: &'static [(&'static str, &'static str)],
    }

    /// RopSetColumns with one PtypString column (PidTagSubject 0x0037001F) on the table at index 1.
    const SUBJECT_COLUMNS: &str = "12 00 01 00 01 00 1F 00 37 00";
    const SUBJECT_COLUMNS_RESP: &str = "12 01 00 00 00 00 00";
    const HANDLES: [u32; 2] = [0x10, 0x11];

    const CASES: &[Case] = &[
        Case {
            ctx_req: "",
            req: "12 00 01 01 02 00 1F 00 01 30 03 00 F4 0F",
            ctx_resp: "",
            resp: "12 01 00 00 00 00 0B",
            expect: &[
                ("mapihttp.rop.setcolumns.setcolumnsflags", "SetColumnsFlags: 0x01 (TBL_ASYNC)"),
                ("mapihttp.rop.setcolumns.propertytagcount", "PropertyTagCount: 2"),
                ("mapihttp.rop.setcolumns.propertytag", "PropertyTag: PidTagDisplayName (0x3001001F, PtypString)"),
                ("mapihttp.rop.setcolumns.tablestatus", "TableStatus: TBLSTAT_SETTING_COLS (0x0B)"),
            ],
        },
        Case {
            ctx_req: "",
            req: "14 00 01 00 05 00 08 1F 00 37 00",
            ctx_resp: "",
            resp: "14 01 00 00 00 00 0E",
            expect: &[
                ("mapihttp.rop.restrict.restrictflags", "RestrictFlags: 0x00"),
                ("mapihttp.rop.restrict.restrictiondatasize", "RestrictionDataSize: 5 bytes"),
                ("mapihttp.rop.restrict.restrictiondata", "RestrictionData"),
                ("mapihttp.rop.restrict.tablestatus", "TableStatus: TBLSTAT_RESTRICTING (0x0E)"),
            ],
        },
        Case {
            ctx_req: "",
            req: "14 00 01 01 00 00",
            ctx_resp: "",
            resp: "14 01 00 00 00 00 00",
            expect: &[
                ("mapihttp.rop.restrict.restrictflags", "RestrictFlags: 0x01 (TBL_ASYNC)"),
                ("mapihttp.rop.restrict.restrictiondatasize", "RestrictionDataSize: 0 bytes"),
            ],
        },
        Case {
            ctx_req: SUBJECT_COLUMNS,
            req: "15 00 01 01 00 05 00",
            ctx_resp: SUBJECT_COLUMNS_RESP,
            resp: "15 01 00 00 00 00 00 02 00 00 41 00 00 00 00 42 00 00 00",
            expect: &[
                ("mapihttp.rop.queryrows.queryrowsflags", "QueryRowsFlags: NoAdvance (0x01)"),
                ("mapihttp.rop.queryrows.forwardread", "ForwardRead: False"),
                ("mapihttp.rop.queryrows.origin", "Origin: BOOKMARK_BEGINNING (0x00)"),
                ("mapihttp.oxcdata.propertyvalue", "PropertyValue: \"A\""),
            ],
        },
        Case {
            ctx_req: "",
            req: "38 00 01",
            ctx_resp: "",
            resp: "38 01 00 00 00 00 00",
            expect: &[("mapihttp.rop.abort.tablestatus", "TableStatus: TBLSTAT_COMPLETE (0x00)")],
        },
        Case {
            ctx_req: "",
            req: "16 00 01",
            ctx_resp: "",
            resp: "16 01 00 00 00 00 0A",
            expect: &[("mapihttp.rop.getstatus.tablestatus", "TableStatus: TBLSTAT_SORT_ERROR (0x0A)")],
        },
        Case {
            ctx_req: "",
            req: "17 00 01",
            ctx_resp: "",
            resp: "17 01 00 00 00 00 05 00 00 00 20 00 00 00",
            expect: &[
                ("mapihttp.rop.queryposition.numerator", "Numerator: 5"),
                ("mapihttp.rop.queryposition.denominator", "Denominator: 32"),
            ],
        },
        Case {
            ctx_req: "",
            req: "18 00 01 02 FB FF FF FF 01",
            ctx_resp: "",
            resp: "18 01 00 00 00 00 01 FD FF FF FF",
            expect: &[
                ("mapihttp.rop.seekrow.origin", "Origin: BOOKMARK_END (0x02)"),
                ("mapihttp.rop.seekrow.rowcount", "RowCount: -5"),
                ("mapihttp.rop.seekrow.wantrowmovedcount", "WantRowMovedCount: True"),
                ("mapihttp.rop.seekrow.hassoughtless", "HasSoughtLess: True"),
                ("mapihttp.rop.seekrow.rowssought", "RowsSought: -3"),
            ],
        },
        Case {
            ctx_req: "",
            req: "19 00 01 04 00 AA BB CC DD 0A 00 00 00 00",
            ctx_resp: "",
            resp: "19 01 00 00 00 00 00 01 0A 00 00 00",
            expect: &[
                ("mapihttp.rop.seekrowbookmark.bookmarksize", "BookmarkSize: 4 bytes"),
                ("mapihttp.rop.seekrowbookmark.bookmark", "Bookmark: aabbccdd"),
                ("mapihttp.rop.seekrowbookmark.rowcount", "RowCount: 10"),
                ("mapihttp.rop.seekrowbookmark.wantrowmovedcount", "WantRowMovedCount: False"),
                ("mapihttp.rop.seekrowbookmark.rownolongervisible", "RowNoLongerVisible: False"),
                ("mapihttp.rop.seekrowbookmark.hassoughtless", "HasSoughtLess: True"),
                ("mapihttp.rop.seekrowbookmark.rowssought", "RowsSought: 10"),
            ],
        },
        Case {
            ctx_req: "",
            req: "1A 00 01 01 00 00 00 02 00 00 00",
            ctx_resp: "",
            resp: "1A 01 00 00 00 00",
            expect: &[
                ("mapihttp.rop.seekrowfractional.numerator", "Numerator: 1"),
                ("mapihttp.rop.seekrowfractional.denominator", "Denominator: 2"),
                ("mapihttp.rop.returnvalue", "ReturnValue: Success (0x00000000)"),
            ],
        },
        Case {
            ctx_req: "",
            req: "1B 00 01",
            ctx_resp: "",
            resp: "1B 01 00 00 00 00 04 00 01 02 03 04",
            expect: &[
                ("mapihttp.rop.createbookmark.bookmarksize", "BookmarkSize: 4 bytes"),
                ("mapihttp.rop.createbookmark.bookmark", "Bookmark: 01020304"),
            ],
        },
        Case {
            ctx_req: "",
            req: "37 00 01",
            ctx_resp: "",
            resp: "37 01 00 00 00 00 02 00 1F 00 01 30 03 00 F4 0F",
            expect: &[
                ("mapihttp.rop.querycolumnsall.propertytagcount", "PropertyTagCount: 2"),
                ("mapihttp.rop.querycolumnsall.propertytag", "PropertyTag: PidTagDisplayName (0x3001001F, PtypString)"),
            ],
        },
        Case {
            ctx_req: SUBJECT_COLUMNS,
            req: "4F 00 01 01 05 00 08 1F 00 37 00 03 02 00 AB CD",
            ctx_resp: SUBJECT_COLUMNS_RESP,
            resp: "4F 01 00 00 00 00 00 01 00 48 00 69 00 00 00",
            expect: &[
                ("mapihttp.rop.findrow.findrowflags", "FindRowFlags: Backwards (0x01)"),
                ("mapihttp.rop.findrow.restrictiondatasize", "RestrictionDataSize: 5 bytes"),
                ("mapihttp.rop.findrow.origin", "Origin: BOOKMARK_CUSTOM (0x03)"),
                ("mapihttp.rop.findrow.bookmark", "Bookmark: abcd"),
                ("mapihttp.rop.findrow.rownolongervisible", "RowNoLongerVisible: False"),
                ("mapihttp.rop.findrow.hasrowdata", "HasRowData: True"),
                ("mapihttp.rop.findrow.rowdata", "RowData"),
                ("mapihttp.oxcdata.propertyvalue", "PropertyValue: \"Hi\""),
            ],
        },
        Case {
            ctx_req: "",
            req: "4F 00 01 00 00 00 00 00 00",
            ctx_resp: "",
            resp: "4F 01 00 00 00 00 01 00",
            expect: &[
                ("mapihttp.rop.findrow.origin", "Origin: BOOKMARK_BEGINNING (0x00)"),
                ("mapihttp.rop.findrow.rownolongervisible", "RowNoLongerVisible: True"),
                ("mapihttp.rop.findrow.hasrowdata", "HasRowData: False"),
            ],
        },
        Case {
            ctx_req: "",
            req: "89 00 01 02 00 AB CD",
            ctx_resp: "",
            resp: "89 01 00 00 00 00",
            expect: &[
                ("mapihttp.rop.freebookmark.bookmarksize", "BookmarkSize: 2 bytes"),
                ("mapihttp.rop.freebookmark.bookmark", "Bookmark: abcd"),
            ],
        },
        Case {
            ctx_req: "",
            req: "81 00 01",
            ctx_resp: "",
            resp: "81 01 00 00 00 00",
            expect: &[("mapihttp.rop.resettable", "RopResetTable"), ("mapihttp.rop.returnvalue", "ReturnValue: Success (0x00000000)")],
        },
        Case {
            ctx_req: SUBJECT_COLUMNS,
            req: "59 00 01 0A 00 01 00 00 00 00 00 00 2A",
            ctx_resp: SUBJECT_COLUMNS_RESP,
            resp: "59 01 00 00 00 00 07 00 00 00 02 00 00 41 00 00 00 00 42 00 00 00",
            expect: &[
                ("mapihttp.rop.expandrow.maxrowcount", "MaxRowCount: 10"),
                ("mapihttp.rop.expandrow.categoryid", "CategoryId: 0x2A00000000000001"),
                ("mapihttp.rop.expandrow.expandedrowcount", "ExpandedRowCount: 7"),
                ("mapihttp.rop.expandrow.rowcount", "RowCount: 2"),
                ("mapihttp.rop.expandrow.rowdata", "RowData"),
            ],
        },
        Case {
            ctx_req: "",
            req: "5A 00 01 01 00 00 00 00 00 00 2A",
            ctx_resp: "",
            resp: "5A 01 00 00 00 00 03 00 00 00",
            expect: &[
                ("mapihttp.rop.collapserow.categoryid", "CategoryId: 0x2A00000000000001"),
                ("mapihttp.rop.collapserow.collapsedrowcount", "CollapsedRowCount: 3"),
            ],
        },
        Case {
            ctx_req: "",
            req: "6B 00 01 01 00 00 00 00 00 00 2B 02 00 00 00",
            ctx_resp: "",
            resp: "6B 01 00 00 00 00 03 00 AA BB CC",
            expect: &[
                ("mapihttp.rop.getcollapsestate.rowid", "RowId: 0x2B00000000000001"),
                ("mapihttp.rop.getcollapsestate.rowinstancenumber", "RowInstanceNumber: 2"),
                ("mapihttp.rop.getcollapsestate.collapsestatesize", "CollapseStateSize: 3 bytes"),
                ("mapihttp.rop.getcollapsestate.collapsestate", "CollapseState: aabbcc"),
            ],
        },
        Case {
            ctx_req: "",
            req: "6C 00 01 03 00 AA BB CC",
            ctx_resp: "",
            resp: "6C 01 00 00 00 00 02 00 11 22",
            expect: &[
                ("mapihttp.rop.setcollapsestate.collapsestatesize", "CollapseStateSize: 3 bytes"),
                ("mapihttp.rop.setcollapsestate.collapsestate", "CollapseState: aabbcc"),
                ("mapihttp.rop.setcollapsestate.bookmarksize", "BookmarkSize: 2 bytes"),
                ("mapihttp.rop.setcollapsestate.bookmark", "Bookmark: 1122"),
            ],
        },
        // The spec vectors, for the truncation sweep.
        Case { ctx_req: "", req: "15 00 00 00 01 32 00", ctx_resp: "", resp: "15 00 00 00 00 00 02 00 00", expect: &[("mapihttp.rop.queryrows.rowcount", "RowCount: 0")] },
        Case { ctx_req: "", req: "13 00 01 00 02 00 01 00 01 00 1f 30 08 80 00 40 00 06 0e 01", ctx_resp: "", resp: "13 01 00 00 00 00 00", expect: &[] },
        Case { ctx_req: RULE_SET_COLUMNS, req: RULE_QUERY_ROWS, ctx_resp: RULE_SET_COLUMNS_RESP, resp: RULE_QUERY_ROWS_RESP, expect: &[] },
    ];

    fn case_bodies(k: &Case, req_cut: Option<usize>, resp_cut: Option<usize>) -> (Vec<u8>, Vec<u8>) {
        let r = h(k.req);
        let s = h(k.resp);
        let rq = [h(k.ctx_req), r.get(..req_cut.unwrap_or(r.len())).unwrap().to_vec()].concat();
        let rs = [h(k.ctx_resp), s.get(..resp_cut.unwrap_or(s.len())).unwrap().to_vec()].concat();
        (req(&rq, &HANDLES), resp(&rs, &HANDLES))
    }

    #[test]
    fn every_rop_request_and_response() {
        for k in CASES {
            let (rq, rs) = case_bodies(k, None, None);
            let mut s = Session::default();
            let d = exchange(&mut s, &rq, &rs);
            clean(&d);
            for (key, want) in k.expect {
                assert!(lines(&d, key).iter().any(|l| l == want), "{}: no {want:?} in {:?}", k.req, lines(&d, key));
            }
            // Every response was paired with its request.
            let n_resp = usize::from(!k.ctx_resp.is_empty()) + 1;
            assert_eq!(d.find_all("mapihttp.rop.request_index").count(), n_resp, "{}", k.req);
        }
    }

    /// Every strict prefix of the ROP under test (after complete context ROPs) decodes without panic
    /// and reports an Error at or before the cut, in requests and in responses.
    #[test]
    fn truncation_sweep() {
        for k in CASES {
            let ctx_req = h(k.ctx_req).len();
            let ctx_resp = h(k.ctx_resp).len();
            for cut in 1..h(k.req).len() {
                let (rq, _) = case_bodies(k, Some(cut), None);
                let d = decode_request(RequestType::Execute, &rq);
                let at = (REQ_ROPS_AT + ctx_req + cut) as u32;
                assert!(
                    d.diagnostics.iter().any(|x| x.severity == Severity::Error && x.source == 0 && x.offset <= at),
                    "request {} cut at {cut}: {:?}",
                    k.req,
                    d.diagnostics
                );
            }
            for cut in 1..h(k.resp).len() {
                let (rq, rs) = case_bodies(k, None, Some(cut));
                let d = exchange(&mut Session::default(), &rq, &rs);
                let at = (RESP_ROPS_AT + ctx_resp + cut) as u32;
                assert!(
                    d.diagnostics.iter().any(|x| x.severity == Severity::Error && x.source == 1 && x.offset <= at),
                    "response {} cut at {cut}: {:?}",
                    k.resp,
                    d.diagnostics
                );
            }
        }
    }

    /// Failure responses are the header only, with the ROP-failed note.
    #[test]
    fn failure_responses() {
        for (rq, rs) in [
            ("12 00 01 00 01 00 1F 00 37 00", "12 01 0F 01 04 80"),
            ("15 00 01 00 01 32 00", "15 01 0F 01 04 80"),
            ("4F 00 01 00 00 00 00 00 00", "4F 01 0F 01 04 80"),
            ("59 00 01 0A 00 01 00 00 00 00 00 00 2A", "59 01 0F 01 04 80"),
            ("17 00 01", "17 01 0F 01 04 80"),
            ("6C 00 01 00 00", "6C 01 0F 01 04 80"),
        ] {
            let mut s = Session::default();
            let d = exchange(&mut s, &req(&h(rq), &HANDLES), &resp(&h(rs), &HANDLES));
            assert!(problems(&d).is_empty(), "{rs}: {:?}", d.diagnostics);
            assert_eq!(line(&d, "mapihttp.rop.returnvalue"), "ReturnValue: NotFound (0x8004010F)", "{rs}");
            assert_eq!(notes(&d), ["ROP failed: ReturnValue 0x8004010F (NotFound)"], "{rs}");
            assert!(d.find("mapihttp.rop.setcolumns.tablestatus").is_none());
            assert!(s.columns.is_empty());
        }
    }

    /// Counts larger than the buffer allocate nothing large and stop with an error naming the count.
    #[test]
    fn hostile_counts() {
        for (rops, is_req, count) in [
            ("12 00 01 00 FF FF 1F 00 37 00", true, "PropertyTagCount"),
            ("14 00 01 00 FF FF 08 1F 00 37 00", true, "RestrictionData"),
            ("19 00 01 FF FF AA BB", true, "Bookmark"),
            ("37 01 00 00 00 00 FF FF 1F 00 01 30", false, "PropertyTagCount"),
            ("15 01 00 00 00 00 02 FF FF 00 41 00 00 00", false, "RowCount"),
            ("59 01 00 00 00 00 07 00 00 00 FF FF 00", false, "RowCount"),
            ("6B 01 00 00 00 00 FF FF 01 02", false, "CollapseState"),
        ] {
            let d = if is_req {
                request_only(&req(&h(rops), &HANDLES))
            } else {
                let mut s = Session::default();
                s.columns.insert(0x11, vec![0x0037_001F]);
                response_only(&mut s, &resp(&h(rops), &HANDLES))
            };
            assert!(
                d.diagnostics.iter().any(|x| x.severity == Severity::Error && x.message.contains(count)),
                "{rops}: {:?}",
                d.diagnostics
            );
            assert!(d.nodes.len() < 64, "{rops}: {} nodes", d.nodes.len());
        }
    }

    /// A MultivalueInstance column (0x2000 on PtypMultipleString) carries one PtypString per row.
    #[test]
    fn multivalue_instance_column() {
        let rq = req(&h("12 00 01 00 01 00 1F 30 30 80  15 00 01 00 01 0A 00"), &HANDLES);
        let rs = resp(&h("12 01 00 00 00 00 00  15 01 00 00 00 00 02 02 00  00 58 00 00 00  00 59 00 00 00"), &HANDLES);
        let d = exchange(&mut Session::default(), &rq, &rs);
        clean(&d);
        assert_eq!(lines(&d, "mapihttp.oxcdata.propertyvalue"), ["PropertyValue: \"X\"", "PropertyValue: \"Y\""]);
    }

    /// RopResetTable drops the columns: a later RopQueryRows shows its rows as bytes with the Note,
    /// both in the same Execute and in a later one.
    #[test]
    fn reset_table_forgets_columns() {
        let mut s = Session::default();
        let d = exchange(&mut s, &req(&h(SUBJECT_COLUMNS), &HANDLES), &resp(&h(SUBJECT_COLUMNS_RESP), &HANDLES));
        clean(&d);
        assert_eq!(s.columns.get(&0x11), Some(&vec![0x0037_001F]));
        let rq = req(&h("81 00 01  15 00 01 00 01 0A 00"), &HANDLES);
        let rs = resp(&h("81 01 00 00 00 00  15 01 00 00 00 00 02 01 00  00 58 00 00 00"), &HANDLES);
        let d = exchange(&mut s, &rq, &rs);
        assert!(problems(&d).is_empty(), "{:?}", d.diagnostics);
        assert!(notes(&d).iter().any(|m| m.starts_with("columns unknown: no RopSetColumns seen for this table")));
        assert!(s.columns.is_empty());
    }

    /// A second RopSetColumns on the same table replaces the columns; each RopQueryRows uses the
    /// columns in effect at its place in the request list.
    #[test]
    fn set_columns_replaces_and_orders() {
        let mut s = Session::default();
        // Execute 1: PidTagSubject (string) columns.
        exchange(&mut s, &req(&h(SUBJECT_COLUMNS), &HANDLES), &resp(&h(SUBJECT_COLUMNS_RESP), &HANDLES));
        // Execute 2: QueryRows (string column), SetColumns to PtypInteger32 0x0E080003, QueryRows.
        let rq = req(&h("15 00 01 00 01 0A 00  12 00 01 00 01 00 03 00 08 0E  15 00 01 00 01 0A 00"), &HANDLES);
        let rs = resp(
            &h("15 01 00 00 00 00 02 01 00  00 5A 00 00 00  12 01 00 00 00 00 00  15 01 00 00 00 00 02 01 00  00 2A 00 00 00"),
            &HANDLES,
        );
        let d = exchange(&mut s, &rq, &rs);
        clean(&d);
        assert_eq!(lines(&d, "mapihttp.oxcdata.propertyvalue"), ["PropertyValue: \"Z\"", "PropertyValue: 42"]);
        assert_eq!(s.columns.get(&0x11), Some(&vec![0x0E08_0003]));
    }

    /// More rows than requested is flagged; an empty column set is flagged.
    #[test]
    fn spec_rule_warnings() {
        let d = exchange(
            &mut Session::default(),
            &req(&h("12 00 01 00 01 00 1F 00 37 00  15 00 01 00 01 01 00"), &HANDLES),
            &resp(&h("12 01 00 00 00 00 00  15 01 00 00 00 00 02 02 00  00 41 00 00 00  00 42 00 00 00"), &HANDLES),
        );
        assert_eq!(problems(&d), ["RowCount 2 exceeds the 1 rows requested ([MS-OXCTABL] 2.2.2.5.2)"]);
        let d = request_only(&req(&h("12 00 01 00 00 00"), &HANDLES));
        assert_eq!(problems(&d), ["PropertyTagCount is 0: every table MUST have at least one column ([MS-OXCTABL] 2.2.2.2.1)"]);
    }

    /// Without a request (only the response captured) a RopSetColumns response cannot record columns,
    /// and a plain decode of one exchange pairs in order.
    #[test]
    fn response_only_set_columns_records_nothing() {
        let mut s = Session::default();
        let d = response_only(&mut s, &resp(&h(SUBJECT_COLUMNS_RESP), &HANDLES));
        clean(&d);
        assert!(s.columns.is_empty());
        let (rq, rs) = (req(&h(SUBJECT_COLUMNS), &HANDLES), resp(&h(SUBJECT_COLUMNS_RESP), &HANDLES));
        let (d, _) = decode_exchange(RequestType::Execute, Some(&rq), Some(&rs));
        clean(&d);
        assert_eq!(lines(&d, "mapihttp.rop.request_index"), ["Request: 0"]);
    }

    /// Random bytes after each RopId of the family, as request and response (with and without known
    /// columns): no panic, every node and diagnostic span inside its source, bounded node counts.
    #[test]
    fn random_bodies_keep_spans_in_bounds() {
        let mut seed = 0x2545_F491u32;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            seed
        };
        for id in [0x12, 0x13, 0x14, 0x15, 0x38, 0x16, 0x17, 0x18, 0x19, 0x1A, 0x1B, 0x37, 0x4F, 0x89, 0x81, 0x59, 0x5A, 0x6B, 0x6C] {
            for round in 0..300 {
                let len = (next() % 48) as usize;
                let mut rops = vec![id];
                rops.extend((0..len).map(|_| next() as u8));
                let mut s = Session::default();
                if round % 2 == 0 {
                    for hv in [0x10u32, 0x11, 0x55] {
                        s.columns.insert(hv, vec![0x0037_001F, 0x0E08_0003, 0x0FFF_0102]);
                    }
                }
                for d in [request_only(&req(&rops, &HANDLES)), response_only(&mut s, &resp(&rops, &HANDLES))] {
                    for n in &d.nodes {
                        let src = d.sources.get(usize::from(n.source)).unwrap();
                        assert!((n.offset + n.length) as usize <= src.data.len(), "{rops:02x?}: {} out of bounds", n.field.key);
                    }
                    for x in &d.diagnostics {
                        let src = d.sources.get(usize::from(x.source)).unwrap();
                        assert!((x.offset + x.length) as usize <= src.data.len(), "{rops:02x?}: {x:?}");
                    }
                    assert!(d.nodes.len() < 400, "{rops:02x?}: {} nodes", d.nodes.len());
                }
            }
        }
    }
}
