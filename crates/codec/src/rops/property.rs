//! [MS-OXCROPS] 2.2.8 Property ROPs, semantics in [MS-OXCPRPT] 2.2.2–2.2.13 and 2.2.23:
//! RopGetPropertyIdsFromNames (0x56), RopGetNamesFromPropertyIds (0x55), RopGetPropertiesSpecific
//! (0x07), RopGetPropertiesAll (0x08), RopGetPropertiesList (0x09), RopSetProperties (0x0A),
//! RopSetPropertiesNoReplicate (0x79), RopDeleteProperties (0x0B), RopDeletePropertiesNoReplicate
//! (0x7A), RopQueryNamedProperties (0x5F), RopCopyProperties (0x67), RopCopyTo (0x39), RopProgress
//! (0x50).
//!
//! Context:
//! - RopGetPropertiesSpecific's response is a PropertyRow ([MS-OXCDATA] 2.8.1) laid out by the
//!   PropertyTags of its request (`RequestInfo::tags`, with `values[0] == 1` once the whole tag array
//!   was read). Unpaired, the row is shown as bytes with a note.
//! - WantUnicode ([MS-OXCPRPT] 2.2.2.1, 3.2.5.1) only changes how strings requested as
//!   PtypUnspecified come back, and those carry their type on the wire (TypedPropertyValue);
//!   "properties requested with a specific string type MUST be returned using that type". So the
//!   column types are the request's tags, unchanged: a PtypString8 tag is read as PtypString8 even
//!   when WantUnicode is nonzero. gromox (common_util_propvals_to_row_ex converts only
//!   PT_UNSPECIFIED values) and Microsoft's MAPI Inspector (decodes with the request's tags) agree.
//! - Named properties ([MS-OXCDATA] 2.6): RopGetPropertyIdsFromNames (request names + response ids),
//!   RopGetNamesFromPropertyIds (request ids + response names) and RopQueryNamedProperties (ids and
//!   names in the response) fill `Session::named` for ids ≥ 0x8000. Id 0x0000 ("could not be
//!   mapped", [MS-OXCPRPT] 2.2.12.2) and Kind 0xFF ("no name", [MS-OXCPRPT] 3.2.5.9) teach nothing.
//! - RopCopyProperties / RopCopyTo have three response forms: success (PropertyProblemCount +
//!   PropertyProblems), null destination (ReturnValue 0x00000503 ecDstNullObject + DestHandleIndex
//!   u32, 2.2.8.11.3 / 2.2.8.12.3) and failure (header only).
//! - RopProgress ([MS-OXCPRPT] 3.2.5.20): while an asynchronous operation runs, the server answers it
//!   (and the asynchronous ROP itself) with a RopProgress response; once done it answers with the
//!   original ROP's response. The dispatcher pairs by RopId, so those cross-answers show up unpaired.

use alloc::format;
use alloc::vec::Vec;

use super::context::{NamedProperty, Rop};
use super::{req_in, resp_in, return_value, Decoder, LOGON_ID};
use crate::build::{Builder, Cur, Stop, R};
use crate::oxcdata::{self, PropertyName};
use crate::tree::{Disp, Field, NameTable, Severity};

/// Flags of RopGetPropertyIdsFromNames ([MS-OXCPRPT] 2.2.12.1): 0x02 creates ids for names that are
/// not mapped yet (MAPI's MAPI_CREATE), 0x00 otherwise.
pub static GET_IDS_FLAGS: NameTable = &[(0x02, "MAPI_CREATE")];
/// QueryFlags of RopQueryNamedProperties ([MS-OXCPRPT] 2.2.9.1).
pub static QUERY_FLAGS: NameTable = &[(0x01, "NoStrings"), (0x02, "NoIds")];
/// CopyFlags of RopCopyProperties ([MS-OXCPRPT] 2.2.10.1) and RopCopyTo (2.2.11.1).
pub static COPY_FLAGS: NameTable = &[(0x01, "Move"), (0x02, "NoOverwrite")];

/// ReturnValue ecDstNullObject: the destination handle of a copy/move ROP refers to no object.
pub const EC_DST_NULL_OBJECT: u32 = 0x0000_0503;

crate::fields! {
    GPIFN_FLAGS: U8 [Disp::HexNamed(GET_IDS_FLAGS)] = "mapihttp.rop.getpropertyidsfromnames.flags", "Flags", "[MS-OXCROPS] 2.2.8.1.1, [MS-OXCPRPT] 2.2.12.1 0x02 asks the server to create a mapping for every name not found, 0x00 otherwise";
    GPIFN_NAME_COUNT: U16 = "mapihttp.rop.getpropertyidsfromnames.propertynamecount", "PropertyNameCount", "[MS-OXCROPS] 2.2.8.1.1 the number of PropertyName structures (0: query all registered named properties, [MS-OXCPRPT] 2.2.12.1)";
    GPIFN_NAMES: None = "mapihttp.rop.getpropertyidsfromnames.propertynames", "PropertyNames", "[MS-OXCROPS] 2.2.8.1.1 the named properties to map, PropertyName structures ([MS-OXCDATA] 2.6.1)";
    GPIFN_ID_COUNT: U16 = "mapihttp.rop.getpropertyidsfromnames.propertyidcount", "PropertyIdCount", "[MS-OXCROPS] 2.2.8.1.2 the number of property ids";
    GPIFN_IDS: None = "mapihttp.rop.getpropertyidsfromnames.propertyids", "PropertyIds", "[MS-OXCROPS] 2.2.8.1.2 the property ids, in the order of the request's PropertyNames";
    GPIFN_ID: U16 [Disp::Hex] = "mapihttp.rop.getpropertyidsfromnames.propertyid", "PropertyId", "[MS-OXCROPS] 2.2.8.1.2, [MS-OXCPRPT] 2.2.12.2 the property id mapped from a name (0x0000: the name could not be mapped)";

    GNFPI_ID_COUNT: U16 = "mapihttp.rop.getnamesfrompropertyids.propertyidcount", "PropertyIdCount", "[MS-OXCROPS] 2.2.8.2.1 the number of property ids";
    GNFPI_IDS: None = "mapihttp.rop.getnamesfrompropertyids.propertyids", "PropertyIds", "[MS-OXCROPS] 2.2.8.2.1 the property ids whose names are requested";
    GNFPI_ID: U16 [Disp::Hex] = "mapihttp.rop.getnamesfrompropertyids.propertyid", "PropertyId", "[MS-OXCROPS] 2.2.8.2.1 a property id (ids below 0x8000 map to PS_MAPI names, [MS-OXCPRPT] 3.2.5.9)";
    GNFPI_NAME_COUNT: U16 = "mapihttp.rop.getnamesfrompropertyids.propertynamecount", "PropertyNameCount", "[MS-OXCROPS] 2.2.8.2.2 the number of PropertyName structures (equal to the request's PropertyIdCount)";
    GNFPI_NAMES: None = "mapihttp.rop.getnamesfrompropertyids.propertynames", "PropertyNames", "[MS-OXCROPS] 2.2.8.2.2 the names of the requested ids, in request order ([MS-OXCDATA] 2.6.1)";

    GPS_SIZE_LIMIT: U16 [Disp::Unit("bytes")] = "mapihttp.rop.getpropertiesspecific.propertysizelimit", "PropertySizeLimit", "[MS-OXCROPS] 2.2.8.3.1 the maximum size of a property value (0: limited only by the response buffer)";
    GPS_WANT_UNICODE: U16 = "mapihttp.rop.getpropertiesspecific.wantunicode", "WantUnicode", "[MS-OXCROPS] 2.2.8.3.1, [MS-OXCPRPT] 3.2.5.1 nonzero: strings requested as PtypUnspecified come back as Unicode";
    GPS_TAG_COUNT: U16 = "mapihttp.rop.getpropertiesspecific.propertytagcount", "PropertyTagCount", "[MS-OXCROPS] 2.2.8.3.1 the number of property tags";
    GPS_TAGS: None = "mapihttp.rop.getpropertiesspecific.propertytags", "PropertyTags", "[MS-OXCROPS] 2.2.8.3.1 the properties to get; the response row has one value per tag, in this order";
    GPS_TAG: Text = "mapihttp.rop.getpropertiesspecific.propertytag", "PropertyTag", "[MS-OXCROPS] 2.2.8.3.1 a property to get ([MS-OXCDATA] 2.9)";
    GPS_ROW_DATA: None = "mapihttp.rop.getpropertiesspecific.rowdata", "RowData", "[MS-OXCROPS] 2.2.8.3.2 a PropertyRow ([MS-OXCDATA] 2.8.1) with the values of the requested properties";
    GPS_ROW_BYTES: Bytes = "mapihttp.rop.getpropertiesspecific.rowdata_bytes", "RowData", "[MS-OXCROPS] 2.2.8.3.2 the PropertyRow as bytes: its layout comes from the request's PropertyTags, which were not seen";

    GPA_SIZE_LIMIT: U16 [Disp::Unit("bytes")] = "mapihttp.rop.getpropertiesall.propertysizelimit", "PropertySizeLimit", "[MS-OXCROPS] 2.2.8.4.1 the maximum size of a property value (0: limited only by the response buffer)";
    GPA_WANT_UNICODE: U16 = "mapihttp.rop.getpropertiesall.wantunicode", "WantUnicode", "[MS-OXCROPS] 2.2.8.4.1, [MS-OXCPRPT] 2.2.3.1 nonzero: string properties come back as Unicode";
    GPA_VALUE_COUNT: U16 = "mapihttp.rop.getpropertiesall.propertyvaluecount", "PropertyValueCount", "[MS-OXCROPS] 2.2.8.4.2 the number of TaggedPropertyValue structures";
    GPA_VALUES: None = "mapihttp.rop.getpropertiesall.propertyvalues", "PropertyValues", "[MS-OXCROPS] 2.2.8.4.2 every property of the object, TaggedPropertyValue structures ([MS-OXCDATA] 2.11.4)";

    GPL_TAG_COUNT: U16 = "mapihttp.rop.getpropertieslist.propertytagcount", "PropertyTagCount", "[MS-OXCROPS] 2.2.8.5.2 the number of property tags";
    GPL_TAGS: None = "mapihttp.rop.getpropertieslist.propertytags", "PropertyTags", "[MS-OXCROPS] 2.2.8.5.2 the property tags on the object";
    GPL_TAG: Text = "mapihttp.rop.getpropertieslist.propertytag", "PropertyTag", "[MS-OXCROPS] 2.2.8.5.2 a property on the object ([MS-OXCDATA] 2.9)";

    SP_VALUE_SIZE: U16 [Disp::Unit("bytes")] = "mapihttp.rop.setproperties.propertyvaluesize", "PropertyValueSize", "[MS-OXCROPS] 2.2.8.6.1 the number of bytes in PropertyValueCount and PropertyValues";
    SP_VALUE_COUNT: U16 = "mapihttp.rop.setproperties.propertyvaluecount", "PropertyValueCount", "[MS-OXCROPS] 2.2.8.6.1 the number of TaggedPropertyValue structures";
    SP_VALUES: None = "mapihttp.rop.setproperties.propertyvalues", "PropertyValues", "[MS-OXCROPS] 2.2.8.6.1 the properties to set, TaggedPropertyValue structures ([MS-OXCDATA] 2.11.4)";

    SPNR_VALUE_SIZE: U16 [Disp::Unit("bytes")] = "mapihttp.rop.setpropertiesnoreplicate.propertyvaluesize", "PropertyValueSize", "[MS-OXCROPS] 2.2.8.7.1 the number of bytes in PropertyValueCount and PropertyValues";
    SPNR_VALUE_COUNT: U16 = "mapihttp.rop.setpropertiesnoreplicate.propertyvaluecount", "PropertyValueCount", "[MS-OXCROPS] 2.2.8.7.1 the number of TaggedPropertyValue structures";
    SPNR_VALUES: None = "mapihttp.rop.setpropertiesnoreplicate.propertyvalues", "PropertyValues", "[MS-OXCROPS] 2.2.8.7.1 the properties to set without replication, TaggedPropertyValue structures ([MS-OXCDATA] 2.11.4)";

    DP_TAG_COUNT: U16 = "mapihttp.rop.deleteproperties.propertytagcount", "PropertyTagCount", "[MS-OXCROPS] 2.2.8.8.1 the number of property tags";
    DP_TAGS: None = "mapihttp.rop.deleteproperties.propertytags", "PropertyTags", "[MS-OXCROPS] 2.2.8.8.1 the properties to delete";
    DP_TAG: Text = "mapihttp.rop.deleteproperties.propertytag", "PropertyTag", "[MS-OXCROPS] 2.2.8.8.1 a property to delete ([MS-OXCDATA] 2.9)";

    DPNR_TAG_COUNT: U16 = "mapihttp.rop.deletepropertiesnoreplicate.propertytagcount", "PropertyTagCount", "[MS-OXCROPS] 2.2.8.9.1 the number of property tags";
    DPNR_TAGS: None = "mapihttp.rop.deletepropertiesnoreplicate.propertytags", "PropertyTags", "[MS-OXCROPS] 2.2.8.9.1 the properties to delete without replication";
    DPNR_TAG: Text = "mapihttp.rop.deletepropertiesnoreplicate.propertytag", "PropertyTag", "[MS-OXCROPS] 2.2.8.9.1 a property to delete ([MS-OXCDATA] 2.9)";

    QNP_QUERY_FLAGS: U8 [Disp::Flags(QUERY_FLAGS)] = "mapihttp.rop.querynamedproperties.queryflags", "QueryFlags", "[MS-OXCROPS] 2.2.8.10.1, [MS-OXCPRPT] 2.2.9.1 which kinds of named properties not to return";
    QNP_HAS_GUID: Bool = "mapihttp.rop.querynamedproperties.hasguid", "HasGuid", "[MS-OXCROPS] 2.2.8.10.1 whether PropertyGuid is present";
    QNP_GUID: Guid = "mapihttp.rop.querynamedproperties.propertyguid", "PropertyGuid", "[MS-OXCROPS] 2.2.8.10.1 only named properties of this property set are returned";
    QNP_ID_COUNT: U16 = "mapihttp.rop.querynamedproperties.idcount", "IdCount", "[MS-OXCROPS] 2.2.8.10.2 the number of elements in PropertyIds and in PropertyNames";
    QNP_IDS: None = "mapihttp.rop.querynamedproperties.propertyids", "PropertyIds", "[MS-OXCROPS] 2.2.8.10.2 the ids of the named properties";
    QNP_ID: U16 [Disp::Hex] = "mapihttp.rop.querynamedproperties.propertyid", "PropertyId", "[MS-OXCROPS] 2.2.8.10.2 a named property id";
    QNP_NAMES: None = "mapihttp.rop.querynamedproperties.propertynames", "PropertyNames", "[MS-OXCROPS] 2.2.8.10.2 the names, in the order of PropertyIds ([MS-OXCDATA] 2.6.1)";

    CP_SOURCE_HANDLE_INDEX: U8 = "mapihttp.rop.copyproperties.sourcehandleindex", "SourceHandleIndex", "[MS-OXCROPS] 2.2.8.11.1 index of the source object's handle";
    CP_DEST_HANDLE_INDEX: U8 = "mapihttp.rop.copyproperties.desthandleindex", "DestHandleIndex", "[MS-OXCROPS] 2.2.8.11.1 index of the destination object's handle";
    CP_WANT_ASYNC: Bool = "mapihttp.rop.copyproperties.wantasynchronous", "WantAsynchronous", "[MS-OXCROPS] 2.2.8.11.1 whether the copy may run asynchronously, reported by RopProgress";
    CP_COPY_FLAGS: U8 [Disp::Flags(COPY_FLAGS)] = "mapihttp.rop.copyproperties.copyflags", "CopyFlags", "[MS-OXCROPS] 2.2.8.11.1, [MS-OXCPRPT] 2.2.10.1 move instead of copy, do not overwrite";
    CP_TAG_COUNT: U16 = "mapihttp.rop.copyproperties.propertytagcount", "PropertyTagCount", "[MS-OXCROPS] 2.2.8.11.1 the number of property tags";
    CP_TAGS: None = "mapihttp.rop.copyproperties.propertytags", "PropertyTags", "[MS-OXCROPS] 2.2.8.11.1 the properties to copy";
    CP_TAG: Text = "mapihttp.rop.copyproperties.propertytag", "PropertyTag", "[MS-OXCROPS] 2.2.8.11.1 a property to copy ([MS-OXCDATA] 2.9)";
    CP_DEST_HANDLE_INDEX_NULL: U32 = "mapihttp.rop.copyproperties.desthandleindex_null", "DestHandleIndex", "[MS-OXCROPS] 2.2.8.11.3 the destination handle index that referred to no object (ReturnValue 0x00000503)";

    CT_SOURCE_HANDLE_INDEX: U8 = "mapihttp.rop.copyto.sourcehandleindex", "SourceHandleIndex", "[MS-OXCROPS] 2.2.8.12.1 index of the source object's handle";
    CT_DEST_HANDLE_INDEX: U8 = "mapihttp.rop.copyto.desthandleindex", "DestHandleIndex", "[MS-OXCROPS] 2.2.8.12.1 index of the destination object's handle";
    CT_WANT_ASYNC: Bool = "mapihttp.rop.copyto.wantasynchronous", "WantAsynchronous", "[MS-OXCROPS] 2.2.8.12.1 whether the copy may run asynchronously, reported by RopProgress";
    CT_WANT_SUB_OBJECTS: Bool = "mapihttp.rop.copyto.wantsubobjects", "WantSubObjects", "[MS-OXCROPS] 2.2.8.12.1 whether subobjects are copied too";
    CT_COPY_FLAGS: U8 [Disp::Flags(COPY_FLAGS)] = "mapihttp.rop.copyto.copyflags", "CopyFlags", "[MS-OXCROPS] 2.2.8.12.1, [MS-OXCPRPT] 2.2.11.1 move instead of copy, do not overwrite";
    CT_TAG_COUNT: U16 = "mapihttp.rop.copyto.excludedtagcount", "ExcludedTagCount", "[MS-OXCROPS] 2.2.8.12.1 the number of excluded property tags";
    CT_TAGS: None = "mapihttp.rop.copyto.excludedtags", "ExcludedTags", "[MS-OXCROPS] 2.2.8.12.1 the properties not to copy";
    CT_TAG: Text = "mapihttp.rop.copyto.excludedtag", "PropertyTag", "[MS-OXCROPS] 2.2.8.12.1 a property not to copy ([MS-OXCDATA] 2.9)";
    CT_DEST_HANDLE_INDEX_NULL: U32 = "mapihttp.rop.copyto.desthandleindex_null", "DestHandleIndex", "[MS-OXCROPS] 2.2.8.12.3 the destination handle index that referred to no object (ReturnValue 0x00000503)";

    PROGRESS_WANT_CANCEL: Bool = "mapihttp.rop.progress.wantcancel", "WantCancel", "[MS-OXCROPS] 2.2.8.13.1 whether to cancel the asynchronous operation";
    PROGRESS_LOGON_ID: U8 = "mapihttp.rop.progress.logonid", "LogonId", "[MS-OXCROPS] 2.2.8.13.2 the logon of the asynchronous operation";
    PROGRESS_COMPLETED: U32 = "mapihttp.rop.progress.completedtaskcount", "CompletedTaskCount", "[MS-OXCROPS] 2.2.8.13.2 the number of tasks completed";
    PROGRESS_TOTAL: U32 = "mapihttp.rop.progress.totaltaskcount", "TotalTaskCount", "[MS-OXCROPS] 2.2.8.13.2 the total number of tasks";
}

/// The decoders of this family, one row per ROP.
pub static DECODERS: &[Decoder] = &[
    crate::rop!(0x56, Some(get_ids_from_names_req), Some(get_ids_from_names_resp)),
    crate::rop!(0x55, Some(get_names_from_ids_req), Some(get_names_from_ids_resp)),
    crate::rop!(0x07, Some(get_specific_req), Some(get_specific_resp)),
    crate::rop!(0x08, Some(get_all_req), Some(get_all_resp)),
    crate::rop!(0x09, Some(req_in), Some(get_list_resp)),
    crate::rop!(0x0A, Some(set_req), Some(problems_resp)),
    crate::rop!(0x79, Some(set_no_replicate_req), Some(problems_resp)),
    crate::rop!(0x0B, Some(delete_req), Some(problems_resp)),
    crate::rop!(0x7A, Some(delete_no_replicate_req), Some(problems_resp)),
    crate::rop!(0x5F, Some(query_named_req), Some(query_named_resp)),
    crate::rop!(0x67, Some(copy_properties_req), Some(copy_properties_resp)),
    crate::rop!(0x39, Some(copy_to_req), Some(copy_to_resp)),
    crate::rop!(0x50, Some(progress_req), Some(progress_resp)),
];

// ----- shared helpers (also used by the permission and rule families) ---------------------------

/// A u16 count field, then a structure node `list` holding that many PropertyTags (each a `tag`
/// node). Returns the tags.
pub(super) fn tag_list(
    b: &mut Builder<'_>,
    c: &mut Cur<'_>,
    count: &'static Field,
    list: &'static Field,
    tag: &'static Field,
) -> R<Vec<u32>> {
    let n = b.u16(c, count)?;
    let n = b.check_count(c, count, n.into(), 4)?;
    b.group(c, list, |b, c| {
        let mut tags = Vec::with_capacity(n);
        for _ in 0..n {
            tags.push(crate::props::property_tag(b, c, tag)?);
        }
        Ok(tags)
    })
}

/// A u16 count field, then a structure node `list` holding that many u16 property ids (`id` nodes).
fn id_list(b: &mut Builder<'_>, c: &mut Cur<'_>, count: &'static Field, list: &'static Field, id: &'static Field) -> R<Vec<u16>> {
    let n = b.u16(c, count)?;
    let n = b.check_count(c, count, n.into(), 2)?;
    id_array(b, c, n, list, id)
}

/// A structure node `list` holding `n` u16 property ids.
fn id_array(b: &mut Builder<'_>, c: &mut Cur<'_>, n: usize, list: &'static Field, id: &'static Field) -> R<Vec<u16>> {
    b.group(c, list, |b, c| {
        let mut ids = Vec::with_capacity(n);
        for _ in 0..n {
            ids.push(b.u16(c, id)?);
        }
        Ok(ids)
    })
}

/// A structure node `list` holding `n` PropertyName structures ([MS-OXCDATA] 2.6.1). The caller has
/// checked `n` against the bytes left (a PropertyName is at least its 1-byte Kind).
fn name_array(b: &mut Builder<'_>, c: &mut Cur<'_>, n: usize, list: &'static Field) -> R<Vec<PropertyName>> {
    b.group(c, list, |b, c| {
        let mut names = Vec::with_capacity(n);
        for _ in 0..n {
            names.push(oxcdata::property_name(b, c)?);
        }
        Ok(names)
    })
}

/// A u16 count field, then a structure node `list` holding that many TaggedPropertyValue structures
/// ([MS-OXCDATA] 2.11.4; each at least its 4-byte PropertyTag). Returns the tags.
pub(super) fn tagged_values(b: &mut Builder<'_>, c: &mut Cur<'_>, count: &'static Field, list: &'static Field) -> R<Vec<u32>> {
    let n = b.u16(c, count)?;
    let n = b.check_count(c, count, n.into(), 4)?;
    b.group(c, list, |b, c| {
        let mut tags = Vec::with_capacity(n);
        for _ in 0..n {
            tags.push(oxcdata::tagged_property_value(b, c)?);
        }
        Ok(tags)
    })
}

/// A response's handle index byte (`f`, the ROP's SourceHandleIndex), checked against the request's
/// `input_index` when paired.
pub(super) fn source_index(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &Rop<'_>, f: &'static Field) -> R<u8> {
    let got = b.u8(c, f)?;
    if let (true, Some(want)) = (x.paired, x.info.input_index) {
        if want != got {
            let msg = format!("handle index {got} differs from the request's {want}");
            b.diag(Severity::Warning, msg, c.src(), c.pos().saturating_sub(1), 1);
        }
    }
    Ok(got)
}

fn named(p: &PropertyName) -> NamedProperty {
    NamedProperty { guid: p.guid, kind: p.kind, lid: p.lid, name: p.name.clone() }
}

/// Records `id → name` when it is a named-property id with a name.
fn learn(b: &mut Builder<'_>, x: &mut Rop<'_>, id: u16, p: &PropertyName) {
    if id >= 0x8000 && (p.kind == 0x00 || p.kind == 0x01) {
        b.learn_named(id, crate::props::named_label(&p.guid, p.kind, p.lid, &p.name).into());
        x.ctx.session.named.insert(id, named(p));
    }
}

/// Marker in `RequestInfo::values[0]`: the request's tag/name/id array was read completely.
const COMPLETE: u64 = 1;

fn complete(x: &Rop<'_>) -> bool {
    x.paired && x.info.values.first() == Some(&COMPLETE)
}

// ----- RopGetPropertyIdsFromNames (2.2.8.1) ---------------------------------------------------

fn get_ids_from_names_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in(b, c, x)?;
    b.u8(c, &GPIFN_FLAGS)?;
    let n = b.u16(c, &GPIFN_NAME_COUNT)?;
    let n = b.check_count(c, &GPIFN_NAME_COUNT, n.into(), 1)?;
    let names = name_array(b, c, n, &GPIFN_NAMES)?;
    x.info.names = names.iter().map(named).collect();
    x.info.values.push(COMPLETE);
    Ok(())
}

fn get_ids_from_names_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    if resp_in(b, c, x)? != 0 {
        return Ok(());
    }
    let start = c.pos();
    let ids = id_list(b, c, &GPIFN_ID_COUNT, &GPIFN_IDS, &GPIFN_ID)?;
    if !complete(x) {
        return Ok(());
    }
    let names = core::mem::take(&mut x.info.names);
    if names.is_empty() {
        // PropertyNameCount 0 asks for all registered named properties: ids without names.
        return Ok(());
    }
    if names.len() != ids.len() {
        let msg = format!("PropertyIdCount {} differs from the request's PropertyNameCount {}: names not learned", ids.len(), names.len());
        b.diag(Severity::Warning, msg, c.src(), start, 2);
        return Ok(());
    }
    for (id, n) in ids.iter().zip(&names) {
        if *id >= 0x8000 && (n.kind == 0x00 || n.kind == 0x01) {
            b.learn_named(*id, crate::props::named_label(&n.guid, n.kind, n.lid, &n.name).into());
            x.ctx.session.named.insert(*id, n.clone());
        }
    }
    Ok(())
}

// ----- RopGetNamesFromPropertyIds (2.2.8.2) ---------------------------------------------------

fn get_names_from_ids_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in(b, c, x)?;
    x.info.ids = id_list(b, c, &GNFPI_ID_COUNT, &GNFPI_IDS, &GNFPI_ID)?;
    x.info.values.push(COMPLETE);
    Ok(())
}

fn get_names_from_ids_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    if resp_in(b, c, x)? != 0 {
        return Ok(());
    }
    let start = c.pos();
    let n = b.u16(c, &GNFPI_NAME_COUNT)?;
    let n = b.check_count(c, &GNFPI_NAME_COUNT, n.into(), 1)?;
    let names = name_array(b, c, n, &GNFPI_NAMES)?;
    if !complete(x) {
        return Ok(());
    }
    let ids = core::mem::take(&mut x.info.ids);
    if ids.len() != names.len() {
        let msg = format!("PropertyNameCount {} differs from the request's PropertyIdCount {}: names not learned", names.len(), ids.len());
        b.diag(Severity::Warning, msg, c.src(), start, 2);
        return Ok(());
    }
    for (id, p) in ids.iter().zip(&names) {
        learn(b, x, *id, p);
    }
    Ok(())
}

// ----- RopGetPropertiesSpecific (2.2.8.3) -----------------------------------------------------

fn get_specific_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in(b, c, x)?;
    b.u16(c, &GPS_SIZE_LIMIT)?;
    b.u16(c, &GPS_WANT_UNICODE)?;
    x.info.tags = tag_list(b, c, &GPS_TAG_COUNT, &GPS_TAGS, &GPS_TAG)?;
    x.info.values.push(COMPLETE);
    Ok(())
}

/// 2.2.8.3.2: RowData is a PropertyRow over the request's PropertyTags (see the module docs on
/// WantUnicode); 2.2.8.3.3 failure: header only.
fn get_specific_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    if resp_in(b, c, x)? != 0 {
        return Ok(());
    }
    if complete(x) {
        let tags = core::mem::take(&mut x.info.tags);
        return b.group(c, &GPS_ROW_DATA, |b, c| oxcdata::property_row(b, c, &tags));
    }
    let n = c.left();
    b.diag_at(c, Severity::Note, "property tags unknown: the request was not seen", n);
    if n > 0 {
        b.bytes(c, &GPS_ROW_BYTES, n)?;
    }
    Ok(())
}

// ----- RopGetPropertiesAll (2.2.8.4), RopGetPropertiesList (2.2.8.5) --------------------------

fn get_all_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in(b, c, x)?;
    b.u16(c, &GPA_SIZE_LIMIT)?;
    b.u16(c, &GPA_WANT_UNICODE)?;
    Ok(())
}

fn get_all_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    if resp_in(b, c, x)? == 0 {
        tagged_values(b, c, &GPA_VALUE_COUNT, &GPA_VALUES)?;
    }
    Ok(())
}

fn get_list_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    if resp_in(b, c, x)? == 0 {
        tag_list(b, c, &GPL_TAG_COUNT, &GPL_TAGS, &GPL_TAG)?;
    }
    Ok(())
}

// ----- RopSetProperties (2.2.8.6), RopSetPropertiesNoReplicate (2.2.8.7) ----------------------

/// PropertyValueSize u16 (the bytes of PropertyValueCount and PropertyValues), then those two fields
/// decoded inside exactly that many bytes.
fn sized_values(b: &mut Builder<'_>, c: &mut Cur<'_>, size: &'static Field, count: &'static Field, list: &'static Field) -> R<()> {
    let n = usize::from(b.u16(c, size)?);
    let avail = c.left();
    if n > avail {
        b.diag_at(c, Severity::Error, format!("truncated: {} {n} exceeds the {avail} bytes left", size.name), avail);
    }
    let mut inner = c.window(n);
    let r = tagged_values(b, &mut inner, count, list);
    if r.is_ok() && !inner.is_empty() {
        let left = inner.left();
        b.diag_at(&inner, Severity::Warning, format!("{} bytes of {} {n} left unread", left, size.name), left);
    }
    c.advance(n);
    r?;
    if n > avail {
        return Err(Stop);
    }
    Ok(())
}

fn set_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in(b, c, x)?;
    sized_values(b, c, &SP_VALUE_SIZE, &SP_VALUE_COUNT, &SP_VALUES)
}

fn set_no_replicate_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in(b, c, x)?;
    sized_values(b, c, &SPNR_VALUE_SIZE, &SPNR_VALUE_COUNT, &SPNR_VALUES)
}

/// RopSetProperties, RopSetPropertiesNoReplicate, RopDeleteProperties and
/// RopDeletePropertiesNoReplicate responses: InputHandleIndex, ReturnValue, and on success
/// PropertyProblemCount + PropertyProblems ([MS-OXCDATA] 2.7).
fn problems_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    if resp_in(b, c, x)? == 0 {
        oxcdata::property_problems(b, c)?;
    }
    Ok(())
}

// ----- RopDeleteProperties (2.2.8.8), RopDeletePropertiesNoReplicate (2.2.8.9) -----------------

fn delete_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in(b, c, x)?;
    tag_list(b, c, &DP_TAG_COUNT, &DP_TAGS, &DP_TAG).map(|_| ())
}

fn delete_no_replicate_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in(b, c, x)?;
    tag_list(b, c, &DPNR_TAG_COUNT, &DPNR_TAGS, &DPNR_TAG).map(|_| ())
}

// ----- RopQueryNamedProperties (2.2.8.10) -----------------------------------------------------

fn query_named_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in(b, c, x)?;
    b.u8(c, &QNP_QUERY_FLAGS)?;
    if b.bool8(c, &QNP_HAS_GUID)? {
        b.guid(c, &QNP_GUID)?;
    }
    Ok(())
}

/// 2.2.8.10.2: IdCount, PropertyIds[IdCount], PropertyNames[IdCount]; every pair is learned.
fn query_named_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    if resp_in(b, c, x)? != 0 {
        return Ok(());
    }
    let n = b.u16(c, &QNP_ID_COUNT)?;
    // Each entry is a 2-byte id plus a PropertyName of at least 1 byte.
    let n = b.check_count(c, &QNP_ID_COUNT, n.into(), 3)?;
    let ids = id_array(b, c, n, &QNP_IDS, &QNP_ID)?;
    let names = name_array(b, c, n, &QNP_NAMES)?;
    for (id, p) in ids.iter().zip(&names) {
        learn(b, x, *id, p);
    }
    Ok(())
}

// ----- RopCopyProperties (2.2.8.11), RopCopyTo (2.2.8.12) -------------------------------------

/// The fields of a copy ROP's response.
struct CopyFields {
    source: &'static Field,
    dest_null: &'static Field,
}

/// Success: PropertyProblemCount + PropertyProblems; 0x503: DestHandleIndex u32; else header only.
fn copy_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>, f: &CopyFields) -> R<()> {
    source_index(b, c, x, f.source)?;
    match return_value(b, c)? {
        0 => oxcdata::property_problems(b, c),
        EC_DST_NULL_OBJECT => {
            let got = b.u32(c, f.dest_null)?;
            if let (true, Some(want)) = (x.paired, x.info.output_index) {
                if u32::from(want) != got {
                    let msg = format!("DestHandleIndex {got} differs from the request's {want}");
                    b.diag(Severity::Warning, msg, c.src(), c.pos().saturating_sub(4), 4);
                }
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

fn copy_properties_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    x.info.logon_id = Some(b.u8(c, &LOGON_ID)?);
    x.info.input_index = Some(b.u8(c, &CP_SOURCE_HANDLE_INDEX)?);
    x.info.output_index = Some(b.u8(c, &CP_DEST_HANDLE_INDEX)?);
    b.bool8(c, &CP_WANT_ASYNC)?;
    b.u8(c, &CP_COPY_FLAGS)?;
    tag_list(b, c, &CP_TAG_COUNT, &CP_TAGS, &CP_TAG).map(|_| ())
}

fn copy_properties_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    copy_resp(b, c, x, &CopyFields { source: &CP_SOURCE_HANDLE_INDEX, dest_null: &CP_DEST_HANDLE_INDEX_NULL })
}

fn copy_to_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    x.info.logon_id = Some(b.u8(c, &LOGON_ID)?);
    x.info.input_index = Some(b.u8(c, &CT_SOURCE_HANDLE_INDEX)?);
    x.info.output_index = Some(b.u8(c, &CT_DEST_HANDLE_INDEX)?);
    b.bool8(c, &CT_WANT_ASYNC)?;
    b.bool8(c, &CT_WANT_SUB_OBJECTS)?;
    b.u8(c, &CT_COPY_FLAGS)?;
    tag_list(b, c, &CT_TAG_COUNT, &CT_TAGS, &CT_TAG).map(|_| ())
}

fn copy_to_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    copy_resp(b, c, x, &CopyFields { source: &CT_SOURCE_HANDLE_INDEX, dest_null: &CT_DEST_HANDLE_INDEX_NULL })
}

// ----- RopProgress (2.2.8.13) -----------------------------------------------------------------

fn progress_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in(b, c, x)?;
    b.bool8(c, &PROGRESS_WANT_CANCEL)?;
    Ok(())
}

/// 2.2.8.13.2: LogonId, CompletedTaskCount, TotalTaskCount on success; 2.2.8.13.3 header only.
fn progress_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    if resp_in(b, c, x)? == 0 {
        b.u8(c, &PROGRESS_LOGON_ID)?;
        b.u32(c, &PROGRESS_COMPLETED)?;
        b.u32(c, &PROGRESS_TOTAL)?;
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    #[allow(unused_imports)]
    pub(crate) use crate::rops::testutil::{lines, problems};
    use alloc::vec;
    use alloc::vec::Vec;

    use crate::display::display_line;
    use crate::tree::{Dissection, Severity};
    use crate::{decode_exchange, decode_exchange_in, RequestType, Session};

    /// Offset of the first ROP byte in a request body: Flags, RopBufferSize, RPC_HEADER_EXT, RopSize.
    pub(crate) const REQ_ROPS_AT: usize = 4 + 4 + 8 + 2;
    /// Offset of the first ROP byte in a response body: StatusCode, ErrorCode, Flags, RopBufferSize,
    /// RPC_HEADER_EXT, RopSize.
    pub(crate) const RESP_ROPS_AT: usize = 12 + 4 + 8 + 2;

    /// Bytes from hex text (whitespace ignored).
    pub(crate) fn hex(s: &str) -> Vec<u8> {
        let d: Vec<u8> = s.bytes().filter(|b| b.is_ascii_hexdigit()).collect();
        d.chunks(2).map(|p| u8::from_str_radix(core::str::from_utf8(p).unwrap(), 16).unwrap()).collect()
    }

    fn rop_buffer(rops: &[u8], handles: &[u32]) -> Vec<u8> {
        let mut p = ((rops.len() + 2) as u16).to_le_bytes().to_vec();
        p.extend_from_slice(rops);
        for h in handles {
            p.extend_from_slice(&h.to_le_bytes());
        }
        p
    }

    fn ext(body: &mut Vec<u8>, payload: &[u8]) {
        body.extend_from_slice(&0u16.to_le_bytes());
        body.extend_from_slice(&4u16.to_le_bytes());
        body.extend_from_slice(&(payload.len() as u16).to_le_bytes());
        body.extend_from_slice(&(payload.len() as u16).to_le_bytes());
        body.extend_from_slice(payload);
    }

    /// An Execute request body: Flags, RopBufferSize, RPC_HEADER_EXT + ROP input buffer, MaxRopOut,
    /// AuxiliaryBufferSize.
    pub(crate) fn request(rops: &[u8], handles: &[u32]) -> Vec<u8> {
        let payload = rop_buffer(rops, handles);
        let mut body = 3u32.to_le_bytes().to_vec();
        body.extend_from_slice(&((payload.len() + 8) as u32).to_le_bytes());
        ext(&mut body, &payload);
        body.extend_from_slice(&0x40000u32.to_le_bytes());
        body.extend_from_slice(&0u32.to_le_bytes());
        body
    }

    /// An Execute success response body without meta-tags.
    pub(crate) fn response(rops: &[u8], handles: &[u32]) -> Vec<u8> {
        let payload = rop_buffer(rops, handles);
        let mut body = vec![0u8; 12];
        body.extend_from_slice(&((payload.len() + 8) as u32).to_le_bytes());
        ext(&mut body, &payload);
        body.extend_from_slice(&0u32.to_le_bytes());
        body
    }

    /// Whether some node's display line contains `s`.
    pub(crate) fn shows(d: &Dissection<'_>, s: &str) -> bool {
        d.nodes.iter().any(|n| display_line(d, n).contains(s))
    }

    /// One exchange of request ROPs and response ROPs (each a list of single ROP buffers).
    pub(crate) struct Vector<'v> {
        pub req: &'v [&'v [u8]],
        pub req_handles: &'v [u32],
        pub resp: &'v [&'v [u8]],
        pub resp_handles: &'v [u32],
    }

    impl Vector<'_> {
        pub(crate) fn bodies(&self) -> (Vec<u8>, Vec<u8>) {
            (request(&self.req.concat(), self.req_handles), response(&self.resp.concat(), self.resp_handles))
        }

        /// Decodes the exchange in `session` and checks that it is clean.
        pub(crate) fn decode_clean<'s>(&self, session: &mut Session, req: &'s [u8], resp: &'s [u8]) -> Dissection<'s> {
            let (d, _) = decode_exchange_in(session, RequestType::Execute, Some(req), Some(resp));
            assert!(problems(&d).is_empty(), "{:?}", d.diagnostics);
            assert_eq!(
                lines(&d, "mapihttp.rop.request_index").len(),
                self.resp.len(),
                "every response ROP pairs with a request ROP"
            );
            d
        }

        /// Truncation sweep: every prefix of every ROP (the ROPs before it intact) in a well-formed
        /// Execute body decodes without panic and reports an error at or before the cut; so do the
        /// prefixes of the whole bodies.
        pub(crate) fn sweep(&self) {
            let full_req = self.req.concat();
            for (i, rop) in self.req.iter().enumerate() {
                let before: usize = self.req.iter().take(i).map(|r| r.len()).sum();
                for cut in 1..rop.len() {
                    let rops = full_req.get(..before + cut).unwrap();
                    let body = request(rops, self.req_handles);
                    let (d, _) = decode_exchange(RequestType::Execute, Some(&body), None);
                    let at = REQ_ROPS_AT + before + cut;
                    assert!(
                        d.diagnostics.iter().any(|x| x.severity == Severity::Error && x.source == 0 && x.offset as usize <= at),
                        "request ROP {i} cut at {cut}: {:?}",
                        d.diagnostics
                    );
                }
            }
            let req_body = request(&full_req, self.req_handles);
            let full_resp = self.resp.concat();
            for (i, rop) in self.resp.iter().enumerate() {
                let before: usize = self.resp.iter().take(i).map(|r| r.len()).sum();
                for cut in 1..rop.len() {
                    let body = response(full_resp.get(..before + cut).unwrap(), self.resp_handles);
                    let (d, _) = decode_exchange(RequestType::Execute, Some(&req_body), Some(&body));
                    let at = RESP_ROPS_AT + before + cut;
                    assert!(
                        d.diagnostics.iter().any(|x| x.severity == Severity::Error && x.source == 1 && x.offset as usize <= at),
                        "response ROP {i} cut at {cut}: {:?}",
                        d.diagnostics
                    );
                }
            }
            let (req, resp) = self.bodies();
            for cut in 0..req.len() {
                let (d, _) = decode_exchange(RequestType::Execute, Some(&req[..cut]), None);
                assert!(d.diagnostics.iter().any(|x| x.severity == Severity::Error && x.offset as usize <= cut), "request body cut {cut}");
            }
            // An empty response body is the envelope's own case (a warning); every other prefix errs.
            for cut in 1..resp.len() {
                let (d, _) = decode_exchange(RequestType::Execute, Some(&req), Some(&resp[..cut]));
                assert!(
                    d.diagnostics.iter().any(|x| x.severity == Severity::Error && x.source == 1 && x.offset as usize <= cut),
                    "response body cut {cut}"
                );
            }
        }
    }

    /// A request whose count field claims far more elements than the bytes left: an error naming the
    /// count, and no panic or large allocation.
    pub(crate) fn hostile(rop: &[u8], count_name: &str) {
        let body = request(rop, &[0x10, 0x11]);
        let (d, _) = decode_exchange(RequestType::Execute, Some(&body), None);
        assert!(
            d.diagnostics.iter().any(|x| x.severity == Severity::Error && x.message.starts_with(count_name)),
            "{count_name}: {:?}",
            d.diagnostics
        );
    }

    // ----- vectors ---------------------------------------------------------------------------

    /// [MS-OXCPRPT] 4.2.1 RopSetProperties request (41 bytes): PidTagSubjectPrefix "" and
    /// PidTagNormalizedSubject "Hello World".
    const SET_PROPERTIES_REQ: &str = "0A 00 00 24 00 02 00 1F 00 3D 00 00 00 1F 00 1D 0E 48 00 65 00 6C 00 6C 00 6F 00 20 00 57 00 6F 00 72 00 6C 00 64 00 00 00";
    /// [MS-OXCPRPT] 4.2.2 RopSetProperties response: success, no property problems.
    const SET_PROPERTIES_RESP: &str = "0A 00 00 00 00 00 00 00";
    /// [MS-OXCPRPT] 4.1.2 RopGetPropertyIdsFromNames response: ids 0x863E and 0x863F.
    const GET_IDS_RESP: &str = "56 00 00 00 00 00 02 00 3E 86 3F 86";
    /// [MS-OXCPRPT] 4.3.1 RopGetPropertiesSpecific request: WantUnicode 1, tags 0x863E000B,
    /// 0x863F0003, 0x65E20102.
    const GET_SPECIFIC_REQ: &str = "07 00 00 00 00 01 00 03 00 0B 00 3E 86 03 00 3F 86 02 01 E2 65";
    /// [MS-OXODLGT] 4.1.1: the 46-byte folder EntryID of PidTagIpmAppointmentEntryId (0x36D00102).
    const APPOINTMENT_ENTRY_ID: &str =
        "00 00 00 00 C3 E1 78 57 96 52 CE 46 A3 53 B3 E0 7F 9B 97 BC 01 00 8B 8D B1 82 AF 2E D0 48 93 47 07 ED 54 48 84 0F 00 17 4E A8 9C 98 00 00";

    /// Request names for the [MS-OXCPRPT] 4.1 example (hand-built: the page's request dump is not
    /// reproduced here): MNID_STRING "TestProp1" and MNID_ID LID 0x00008501 in PS_PUBLIC_STRINGS.
    fn get_ids_req() -> Vec<u8> {
        let mut v = hex("56 00 00 02 02 00");
        v.extend(hex("01 29 03 02 00 00 00 00 00 C0 00 00 00 00 00 00 46 14"));
        for ch in "TestProp1\0".encode_utf16() {
            v.extend(ch.to_le_bytes());
        }
        v.extend(hex("00 29 03 02 00 00 00 00 00 C0 00 00 00 00 00 00 46 01 85 00 00"));
        v
    }

    #[test]
    fn set_properties_spec_example() {
        let req_rop = hex(SET_PROPERTIES_REQ);
        assert_eq!(req_rop.len(), 41);
        let resp_rop = hex(SET_PROPERTIES_RESP);
        let v = Vector { req: &[&req_rop], req_handles: &[0x10], resp: &[&resp_rop], resp_handles: &[0x10] };
        let (req, resp) = v.bodies();
        let d = v.decode_clean(&mut Session::default(), &req, &resp);
        assert_eq!(lines(&d, "mapihttp.rop.setproperties.propertyvaluesize"), ["PropertyValueSize: 36 bytes"]);
        assert_eq!(lines(&d, "mapihttp.rop.setproperties.propertyvaluecount"), ["PropertyValueCount: 2"]);
        assert_eq!(lines(&d, "mapihttp.rop.inputhandleindex"), ["InputHandleIndex: 0", "InputHandleIndex: 0"]);
        assert!(shows(&d, "0x003D001F"), "PidTagSubjectPrefix tag");
        assert!(shows(&d, "0x0E1D001F"), "PidTagNormalizedSubject tag");
        assert!(shows(&d, "\"Hello World\""), "the UTF-16 value");
        assert_eq!(d.find_all("mapihttp.oxcdata.taggedpropertyvalue").count(), 2);
        assert!(lines(&d, "mapihttp.rop.returnvalue").iter().all(|l| l.ends_with("(0x00000000)")));
        assert_eq!(lines(&d, "mapihttp.oxcdata.propertyproblemcount"), ["PropertyProblemCount: 0"]);
        v.sweep();
    }

    /// PropertyValueSize that disagrees with the values: too large is an error at the size, too
    /// small leaves the values cut inside the window.
    #[test]
    fn set_properties_size_mismatch() {
        let mut rop = hex(SET_PROPERTIES_REQ);
        rop[3] = 0x30; // 48 > 38 bytes left
        let body = request(&rop, &[0x10]);
        let (d, _) = decode_exchange(RequestType::Execute, Some(&body), None);
        assert!(problems(&d).iter().any(|m| m.contains("PropertyValueSize 48 exceeds the 36 bytes left")), "{:?}", d.diagnostics);
        rop[3] = 0x26; // 38: two bytes more than the values use, taken from the RopProgress after it
        let rop2 = [&rop[..], &[0x50, 0x00, 0x00, 0x00]].concat();
        let body = request(&rop2, &[0x10]);
        let (d, _) = decode_exchange(RequestType::Execute, Some(&body), None);
        assert!(problems(&d).iter().any(|m| m.contains("2 bytes of PropertyValueSize 38 left unread")), "{:?}", d.diagnostics);
        rop[3] = 0x10; // 16: the second value is cut
        let body = request(&rop, &[0x10]);
        let (d, _) = decode_exchange(RequestType::Execute, Some(&body), None);
        assert!(d.diagnostics.iter().any(|x| x.severity == Severity::Error), "{:?}", d.diagnostics);
    }

    /// [MS-OXCPRPT] 4.1 and 4.3: names → ids (spec response), then a RopGetPropertiesSpecific (spec
    /// request) in a later Execute; the learned names stay in the session.
    #[test]
    fn named_properties_and_get_specific_spec_examples() {
        let mut session = Session::default();
        let req_rop = get_ids_req();
        let resp_rop = hex(GET_IDS_RESP);
        let v = Vector { req: &[&req_rop], req_handles: &[0x21], resp: &[&resp_rop], resp_handles: &[0x21] };
        let (req, resp) = v.bodies();
        let d = v.decode_clean(&mut session, &req, &resp);
        assert_eq!(lines(&d, "mapihttp.rop.getpropertyidsfromnames.flags"), ["Flags: 0x02 (MAPI_CREATE)"]);
        assert_eq!(lines(&d, "mapihttp.rop.getpropertyidsfromnames.propertynamecount"), ["PropertyNameCount: 2"]);
        assert_eq!(lines(&d, "mapihttp.rop.getpropertyidsfromnames.propertyidcount"), ["PropertyIdCount: 2"]);
        assert_eq!(lines(&d, "mapihttp.rop.getpropertyidsfromnames.propertyid"), ["PropertyId: 0x863E", "PropertyId: 0x863F"]);
        assert!(shows(&d, "\"TestProp1\""));
        let n1 = session.named.get(&0x863E).expect("0x863E learned");
        assert_eq!((n1.kind, n1.name.as_str()), (0x01, "TestProp1"));
        assert_eq!(n1.guid, hex("29 03 02 00 00 00 00 00 C0 00 00 00 00 00 00 46")[..]);
        let n2 = session.named.get(&0x863F).expect("0x863F learned");
        assert_eq!((n2.kind, n2.lid), (0x00, 0x8501));
        v.sweep();

        // 4.3.1 request; the response (hand-built) is a StandardPropertyRow: true, 42, 22-byte key.
        let req_rop = hex(GET_SPECIFIC_REQ);
        let resp_rop = hex("07 00 00 00 00 00 00 01 2A 00 00 00 16 00 11 22 33 44 55 66 77 88 99 AA BB CC DD EE FF 00 01 02 03 04 05 06");
        let progress_req = hex("50 00 00 00");
        let progress_resp = hex("50 00 00 00 00 00 00 05 00 00 00 0A 00 00 00");
        let v = Vector { req: &[&req_rop, &progress_req], req_handles: &[0x21], resp: &[&resp_rop, &progress_resp], resp_handles: &[0x21] };
        let (req, resp) = v.bodies();
        let d = v.decode_clean(&mut session, &req, &resp);
        assert_eq!(lines(&d, "mapihttp.rop.getpropertiesspecific.propertysizelimit"), ["PropertySizeLimit: 0 bytes"]);
        assert_eq!(lines(&d, "mapihttp.rop.getpropertiesspecific.wantunicode"), ["WantUnicode: 1"]);
        assert_eq!(lines(&d, "mapihttp.rop.getpropertiesspecific.propertytagcount"), ["PropertyTagCount: 3"]);
        assert_eq!(
            lines(&d, "mapihttp.rop.getpropertiesspecific.propertytag"),
            [
                // Named ids show the names learned from RopGetPropertyIdsFromNames in the previous Execute.
                "PropertyTag: PS_PUBLIC_STRINGS \"TestProp1\" (0x863E000B, PtypBoolean, named property id 0x863E)",
                "PropertyTag: PS_PUBLIC_STRINGS LID 0x8501 (0x863F0003, PtypInteger32, named property id 0x863F)",
                "PropertyTag: PidTagChangeKey (0x65E20102, PtypBinary)"
            ]
        );
        assert_eq!(d.find_all("mapihttp.rop.getpropertiesspecific.rowdata").count(), 1);
        let row = lines(&d, "mapihttp.oxcdata.row.propertyvalue");
        assert_eq!(row.len(), 3, "{row:?}");
        assert!(row[0].starts_with("PropertyValue: PS_PUBLIC_STRINGS \"TestProp1\" (0x863E000B, PtypBoolean, named property id 0x863E) = "), "{}", row[0]);
        assert!(row[0].contains("rue"), "{}", row[0]);
        assert!(row[1].ends_with("= 42"), "{}", row[1]);
        assert!(shows(&d, "112233445566778899aabbccddeeff00010203040506"), "the binary column");
        // The RopProgress after the row proves the row's length.
        assert_eq!(lines(&d, "mapihttp.rop.progress.wantcancel"), ["WantCancel: False"]);
        assert_eq!(lines(&d, "mapihttp.rop.progress.logonid"), ["LogonId: 0"]);
        assert_eq!(lines(&d, "mapihttp.rop.progress.completedtaskcount"), ["CompletedTaskCount: 5"]);
        assert_eq!(lines(&d, "mapihttp.rop.progress.totaltaskcount"), ["TotalTaskCount: 10"]);
        assert_eq!(session.named.len(), 2, "the mapping survives the next Execute");
        v.sweep();
    }

    /// [MS-OXODLGT] 4.1.1: RopGetPropertiesSpecific of PidTagIpmAppointmentEntryId on the Inbox,
    /// answered with the 46-byte folder EntryID (paired with its request).
    #[test]
    fn get_specific_folder_entry_id() {
        let req_rop = hex("07 00 02 00 00 00 00 01 00 02 01 D0 36");
        let entry_id = hex(APPOINTMENT_ENTRY_ID);
        assert_eq!(entry_id.len(), 46);
        let resp_rop = [&hex("07 02 00 00 00 00 00 2E 00")[..], &entry_id].concat();
        let v = Vector { req: &[&req_rop], req_handles: &[0x8F, 0x68, 0x85], resp: &[&resp_rop], resp_handles: &[0x8F, 0x68, 0x85] };
        let (req, resp) = v.bodies();
        let d = v.decode_clean(&mut Session::default(), &req, &resp);
        assert_eq!(lines(&d, "mapihttp.rop.getpropertiesspecific.propertytag"), ["PropertyTag: PidTagIpmAppointmentEntryId (0x36D00102, PtypBinary)"]);
        assert_eq!(lines(&d, "mapihttp.rop.inputhandleindex"), ["InputHandleIndex: 2", "InputHandleIndex: 2"]);
        // The column's value is the 46-byte folder EntryID of the page, recognised as such.
        let row = lines(&d, "mapihttp.oxcdata.row.propertyvalue");
        assert_eq!(row.len(), 1);
        for part in [
            "PidTagIpmAppointmentEntryId (0x36D00102, PtypBinary) = Folder EntryID",
            "PrivateFolder",
            "{5778E1C3-5296-46CE-A353-B3E07F9B97BC}",
            "{82B18D8B-2EAF-48D0-9347-07ED5448840F}-00174EA89C98",
        ] {
            assert!(row[0].contains(part), "{part} in {}", row[0]);
        }
        assert!(shows(&d, "Count: 46 bytes"));
        v.sweep();
    }

    /// A RopGetPropertiesSpecific response without its request: a note, the row as bytes.
    #[test]
    fn get_specific_unpaired() {
        let resp = response(&hex("07 00 00 00 00 00 00 01"), &[0x10]);
        let (d, _) = decode_exchange(RequestType::Execute, None, Some(&resp));
        assert!(problems(&d).is_empty(), "{:?}", d.diagnostics);
        assert!(d.diagnostics.iter().any(|x| x.severity == Severity::Note && x.message == "property tags unknown: the request was not seen"));
        assert_eq!(lines(&d, "mapihttp.rop.getpropertiesspecific.rowdata_bytes"), ["RowData: 0001"]);
        // A failure response needs no context.
        let resp = response(&hex("07 00 0F 01 04 80"), &[0x10]);
        let (d, _) = decode_exchange(RequestType::Execute, None, Some(&resp));
        assert!(problems(&d).is_empty(), "{:?}", d.diagnostics);
        assert_eq!(lines(&d, "mapihttp.rop.returnvalue").len(), 1);
        assert!(d.find("mapihttp.rop.getpropertiesspecific.rowdata_bytes").is_none());
    }

    /// WantUnicode does not change explicitly typed columns ([MS-OXCPRPT] 3.2.5.1): a PtypString8
    /// tag comes back as an 8-bit string.
    #[test]
    fn get_specific_want_unicode_keeps_string8() {
        let req_rop = hex("07 00 00 00 00 01 00 02 00 1E 00 37 00 03 00 08 0E");
        let resp_rop = hex("07 00 00 00 00 00 00 48 69 00 10 00 00 00");
        let v = Vector { req: &[&req_rop], req_handles: &[0x10], resp: &[&resp_rop], resp_handles: &[0x10] };
        let (req, resp) = v.bodies();
        let d = v.decode_clean(&mut Session::default(), &req, &resp);
        assert_eq!(
            lines(&d, "mapihttp.oxcdata.row.propertyvalue"),
            [
                "PropertyValue: PidTagSubject (0x0037001E, PtypString8) = \"Hi\"",
                "PropertyValue: PidTagMessageSize (0x0E080003, PtypInteger32) = 16"
            ]
        );
    }

    /// Ids → names and RopQueryNamedProperties fill the session's map; Kind 0xFF and ids below
    /// 0x8000 teach nothing.
    #[test]
    fn names_from_ids_and_query_named() {
        let mut session = Session::default();
        // RopGetNamesFromPropertyIds: 0x8001, 0x0037, 0x8002.
        let req_rop = hex("55 00 00 03 00 01 80 37 00 02 80");
        let mut resp_rop = hex("55 00 00 00 00 00 03 00");
        resp_rop.extend(hex("00 08 20 06 00 00 00 00 00 C0 00 00 00 00 00 00 46 80 85 00 00")); // PSETID_Common LID 0x8580
        resp_rop.extend(hex("00 28 03 02 00 00 00 00 00 C0 00 00 00 00 00 00 46 37 00 00 00")); // PS_MAPI LID 0x37
        resp_rop.extend(hex("FF 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00")); // no name
        let v = Vector { req: &[&req_rop], req_handles: &[0x10], resp: &[&resp_rop], resp_handles: &[0x10] };
        let (req, resp) = v.bodies();
        let d = v.decode_clean(&mut session, &req, &resp);
        assert_eq!(
            lines(&d, "mapihttp.rop.getnamesfrompropertyids.propertyid"),
            ["PropertyId: 0x8001", "PropertyId: 0x0037", "PropertyId: 0x8002"]
        );
        assert_eq!(lines(&d, "mapihttp.rop.getnamesfrompropertyids.propertynamecount"), ["PropertyNameCount: 3"]);
        assert_eq!(session.named.keys().copied().collect::<Vec<_>>(), [0x8001]);
        assert_eq!(session.named.get(&0x8001).map(|n| n.lid), Some(0x8580));
        v.sweep();

        // RopQueryNamedProperties: NoIds, PS_PUBLIC_STRINGS only; two string names back.
        let req_rop = hex("5F 00 00 02 01 29 03 02 00 00 00 00 00 C0 00 00 00 00 00 00 46");
        let mut resp_rop = hex("5F 00 00 00 00 00 02 00 10 90 11 90");
        for name in ["Keywords\0", "X\0"] {
            let units: Vec<u16> = name.encode_utf16().collect();
            resp_rop.extend(hex("01 29 03 02 00 00 00 00 00 C0 00 00 00 00 00 00 46"));
            resp_rop.push((units.len() * 2) as u8);
            for u in units {
                resp_rop.extend(u.to_le_bytes());
            }
        }
        let v = Vector { req: &[&req_rop], req_handles: &[0x10], resp: &[&resp_rop], resp_handles: &[0x10] };
        let (req, resp) = v.bodies();
        let d = v.decode_clean(&mut session, &req, &resp);
        assert_eq!(lines(&d, "mapihttp.rop.querynamedproperties.queryflags"), ["QueryFlags: 0x02 (NoIds)"]);
        assert_eq!(lines(&d, "mapihttp.rop.querynamedproperties.hasguid"), ["HasGuid: True"]);
        assert_eq!(lines(&d, "mapihttp.rop.querynamedproperties.propertyguid"), ["PropertyGuid: {00020329-0000-0000-C000-000000000046}"]);
        assert_eq!(lines(&d, "mapihttp.rop.querynamedproperties.idcount"), ["IdCount: 2"]);
        assert_eq!(lines(&d, "mapihttp.rop.querynamedproperties.propertyid"), ["PropertyId: 0x9010", "PropertyId: 0x9011"]);
        assert_eq!(session.named.get(&0x9010).map(|n| n.name.as_str()), Some("Keywords"));
        assert_eq!(session.named.get(&0x9011).map(|n| n.name.as_str()), Some("X"));
        assert_eq!(session.named.len(), 3);
        v.sweep();

        // Without a GUID.
        let body = request(&hex("5F 00 00 00 00"), &[0x10]);
        let (d, _) = decode_exchange(RequestType::Execute, Some(&body), None);
        assert!(problems(&d).is_empty(), "{:?}", d.diagnostics);
        assert_eq!(lines(&d, "mapihttp.rop.querynamedproperties.hasguid"), ["HasGuid: False"]);
        assert!(d.find("mapihttp.rop.querynamedproperties.propertyguid").is_none());
    }

    /// A response whose id count differs from the request's name count teaches nothing.
    #[test]
    fn get_ids_count_mismatch() {
        let mut session = Session::default();
        let req = request(&get_ids_req(), &[0x21]);
        let resp = response(&hex("56 00 00 00 00 00 01 00 3E 86"), &[0x21]);
        let (d, _) = decode_exchange_in(&mut session, RequestType::Execute, Some(&req), Some(&resp));
        assert_eq!(problems(&d), ["PropertyIdCount 1 differs from the request's PropertyNameCount 2: names not learned"]);
        assert!(session.named.is_empty());
    }

    /// RopGetPropertiesAll, RopGetPropertiesList, RopDeleteProperties(NoReplicate),
    /// RopSetPropertiesNoReplicate: requests and success, problem and failure responses.
    #[test]
    fn get_all_list_delete_set_no_replicate() {
        let req: [&[u8]; 5] = [
            &hex("08 00 00 00 10 01 00"),                    // GetPropertiesAll: limit 4096, Unicode
            &hex("09 00 00"),                                // GetPropertiesList
            &hex("0B 00 00 01 00 1F 00 1D 0E"),              // DeleteProperties PidTagNormalizedSubject
            &hex("7A 00 00 02 00 1F 00 37 00 03 00 08 0E"),  // DeletePropertiesNoReplicate 2 tags
            &hex("79 00 00 0A 00 01 00 03 00 08 0E 2A 00 00 00"), // SetPropertiesNoReplicate 1 value
        ];
        let resp: [&[u8]; 5] = [
            &hex("08 00 00 00 00 00 02 00 03 00 08 0E 10 00 00 00 1F 00 37 00 48 00 69 00 00 00"),
            &hex("09 00 00 00 00 00 02 00 03 00 08 0E 1F 00 37 00"),
            &hex("0B 00 00 00 00 00 01 00 00 00 1F 00 1D 0E 0F 01 04 80"),
            &hex("7A 00 05 00 07 80"),
            &hex("79 00 00 00 00 00 00 00"),
        ];
        let v = Vector { req: &req, req_handles: &[0x10], resp: &resp, resp_handles: &[0x10] };
        let (rq, rs) = v.bodies();
        let d = v.decode_clean(&mut Session::default(), &rq, &rs);
        assert_eq!(lines(&d, "mapihttp.rop.getpropertiesall.propertysizelimit"), ["PropertySizeLimit: 4096 bytes"]);
        assert_eq!(lines(&d, "mapihttp.rop.getpropertiesall.wantunicode"), ["WantUnicode: 1"]);
        assert_eq!(lines(&d, "mapihttp.rop.getpropertiesall.propertyvaluecount"), ["PropertyValueCount: 2"]);
        assert!(shows(&d, "\"Hi\""));
        assert_eq!(
            lines(&d, "mapihttp.rop.getpropertieslist.propertytag"),
            ["PropertyTag: PidTagMessageSize (0x0E080003, PtypInteger32)", "PropertyTag: PidTagSubject (0x0037001F, PtypString)"]
        );
        assert_eq!(lines(&d, "mapihttp.rop.deleteproperties.propertytag"), ["PropertyTag: PidTagNormalizedSubject (0x0E1D001F, PtypString)"]);
        assert_eq!(lines(&d, "mapihttp.rop.deletepropertiesnoreplicate.propertytagcount"), ["PropertyTagCount: 2"]);
        assert_eq!(lines(&d, "mapihttp.rop.setpropertiesnoreplicate.propertyvaluesize"), ["PropertyValueSize: 10 bytes"]);
        assert_eq!(lines(&d, "mapihttp.oxcdata.propertyproblem.errorcode").len(), 1);
        assert!(lines(&d, "mapihttp.oxcdata.propertyproblem.errorcode")[0].contains("0x8004010F"));
        assert!(lines(&d, "mapihttp.rop.returnvalue").iter().any(|l| l.contains("0x80070005")), "the failure response");
        v.sweep();
    }

    /// RopCopyProperties and RopCopyTo: success with a problem, the 0x503 null-destination form,
    /// and a plain failure.
    #[test]
    fn copy_properties_and_copy_to() {
        let req: [&[u8]; 3] = [
            &hex("67 00 00 01 00 02 02 00 1F 00 37 00 1F 00 1A 0C"), // CopyProperties NoOverwrite, 2 tags
            &hex("39 00 00 01 00 01 01 01 00 03 00 08 0E"),          // CopyTo sync, subobjects, Move, 1 excluded
            &hex("67 00 01 00 01 00 00 00"),                         // CopyProperties async, no tags
        ];
        let resp: [&[u8]; 3] = [
            &hex("67 00 00 00 00 00 01 00 01 00 1F 00 1A 0C 05 00 07 80"),
            &hex("39 00 03 05 00 00 01 00 00 00"),
            &hex("67 01 0F 01 04 80"),
        ];
        let v = Vector { req: &req, req_handles: &[0x10, 0xFFFF_FFFF], resp: &resp, resp_handles: &[0x10, 0xFFFF_FFFF] };
        let (rq, rs) = v.bodies();
        let d = v.decode_clean(&mut Session::default(), &rq, &rs);
        assert_eq!(lines(&d, "mapihttp.rop.copyproperties.copyflags"), ["CopyFlags: 0x02 (NoOverwrite)", "CopyFlags: 0x00"]);
        assert_eq!(lines(&d, "mapihttp.rop.copyproperties.wantasynchronous"), ["WantAsynchronous: False", "WantAsynchronous: True"]);
        assert_eq!(lines(&d, "mapihttp.rop.copyproperties.propertytagcount"), ["PropertyTagCount: 2", "PropertyTagCount: 0"]);
        assert_eq!(lines(&d, "mapihttp.rop.copyproperties.sourcehandleindex").len(), 4);
        assert_eq!(lines(&d, "mapihttp.rop.copyproperties.desthandleindex"), ["DestHandleIndex: 1", "DestHandleIndex: 0"]);
        assert_eq!(lines(&d, "mapihttp.oxcdata.propertyproblem.index"), ["Index: 1"]);
        assert_eq!(lines(&d, "mapihttp.rop.copyto.wantsubobjects"), ["WantSubObjects: True"]);
        assert_eq!(lines(&d, "mapihttp.rop.copyto.copyflags"), ["CopyFlags: 0x01 (Move)"]);
        assert_eq!(lines(&d, "mapihttp.rop.copyto.excludedtagcount"), ["ExcludedTagCount: 1"]);
        assert_eq!(lines(&d, "mapihttp.rop.copyto.excludedtag"), ["PropertyTag: PidTagMessageSize (0x0E080003, PtypInteger32)"]);
        assert_eq!(lines(&d, "mapihttp.rop.copyto.desthandleindex_null"), ["DestHandleIndex: 1"]);
        assert!(d.find("mapihttp.rop.copyproperties.desthandleindex_null").is_none());
        v.sweep();
    }

    /// A 0x503 response whose DestHandleIndex is not the request's is flagged.
    #[test]
    fn copy_to_null_destination_mismatch() {
        let req = request(&hex("39 00 00 01 00 00 00 00 00"), &[0x10, 0x11]);
        let resp = response(&hex("39 00 03 05 00 00 07 00 00 00"), &[0x10, 0x11]);
        let (d, _) = decode_exchange(RequestType::Execute, Some(&req), Some(&resp));
        assert_eq!(problems(&d), ["DestHandleIndex 7 differs from the request's 1"]);
    }

    #[test]
    fn hostile_counts() {
        hostile(&hex("07 00 00 00 00 00 00 FF FF 0B 00 3E 86"), "PropertyTagCount 65535");
        hostile(&hex("56 00 00 00 FF FF 00 00 00 00"), "PropertyNameCount 65535");
        hostile(&hex("55 00 00 FF FF 01 80"), "PropertyIdCount 65535");
        hostile(&hex("0B 00 00 FF FF 00 00 00 00"), "PropertyTagCount 65535");
        hostile(&hex("0A 00 00 08 00 FF FF 03 00 08 0E 00 00"), "PropertyValueCount 65535");
        hostile(&hex("39 00 00 01 00 00 00 FF FF 03 00"), "ExcludedTagCount 65535");
        // Responses with hostile counts, paired with their requests.
        let req = request(&[hex("5F 00 00 00 00"), hex("08 00 00 00 00 00 00")].concat(), &[0x10]);
        let resp = response(&hex("5F 00 00 00 00 00 FF FF 01 80 00"), &[0x10]);
        let (d, _) = decode_exchange(RequestType::Execute, Some(&req), Some(&resp));
        assert!(d.diagnostics.iter().any(|x| x.severity == Severity::Error && x.message.starts_with("IdCount 65535")), "{:?}", d.diagnostics);
        let req = request(&hex("08 00 00 00 00 00 00"), &[0x10]);
        let resp = response(&hex("08 00 00 00 00 00 FF FF 03 00 08 0E"), &[0x10]);
        let (d, _) = decode_exchange(RequestType::Execute, Some(&req), Some(&resp));
        assert!(
            d.diagnostics.iter().any(|x| x.severity == Severity::Error && x.message.starts_with("PropertyValueCount 65535")),
            "{:?}",
            d.diagnostics
        );
    }

    /// Every byte of representative request/response pairs of the property, permission and rule
    /// families replaced by 0x00, 0x01, 0x7F, 0x80 and 0xFF: decoding never panics and every
    /// diagnostic span stays inside its source.
    #[test]
    fn mutations_do_not_panic() {
        let pairs: [(Vec<u8>, Vec<u8>); 8] = [
            (hex(SET_PROPERTIES_REQ), hex(SET_PROPERTIES_RESP)),
            (get_ids_req(), hex(GET_IDS_RESP)),
            (hex(GET_SPECIFIC_REQ), hex("07 00 00 00 00 00 01 00 01 0A 0F 01 04 80 00 02 00 AA BB")),
            (hex("5F 00 00 03 01 29 03 02 00 00 00 00 00 C0 00 00 00 00 00 00 46"), hex("5F 00 00 00 00 00 01 00 01 90 01 29 03 02 00 00 00 00 00 C0 00 00 00 00 00 00 46 04 58 00 00 00")),
            (hex("39 00 00 01 00 01 01 01 00 03 00 08 0E"), hex("39 00 00 00 00 00 01 00 00 00 03 00 08 0E 0F 01 04 80")),
            (hex("40 00 01 02 01 00 01 02 00 02 01 FF 0F 02 00 AA BB 03 00 73 66 01 00 00 00"), hex("40 01 00 00 00 00")),
            (hex("41 00 00 01 01 00 01 02 00 FD 00 79 66 08 1F 00 37 00 FE 00 80 66 01 00 09 00 0A 00 00 00 00 00 00 00 00"), hex("41 00 00 00 00 00")),
            (hex("57 00 00 04 00 AA BB CC DD 02 00 EE FF"), hex("57 00 00 00 00 00")),
        ];
        for (rq, rs) in &pairs {
            for (which, base) in [(0, rq), (1, rs)] {
                for i in 0..base.len() {
                    for v in [0x00u8, 0x01, 0x7F, 0x80, 0xFF] {
                        let mut m = base.clone();
                        m[i] = v;
                        let (a, b) = if which == 0 { (m.clone(), rs.clone()) } else { (rq.clone(), m) };
                        let req = request(&a, &[0x10, 0x11, 0x12]);
                        let resp = response(&b, &[0x10, 0x11, 0x12]);
                        let (d, _) = decode_exchange_in(&mut Session::default(), RequestType::Execute, Some(&req), Some(&resp));
                        for x in &d.diagnostics {
                            let len = d.sources[x.source as usize].data.len();
                            assert!((x.offset + x.length) as usize <= len, "diagnostic outside its source: {x:?}");
                        }
                    }
                }
            }
        }
    }

}
