//! [MS-OXCMAPIHTTP] 2.2.5 address book server endpoint bodies and the [MS-OXNSPI] structures they use.
//!
//! The caller ([`crate::mapihttp`]) reads the envelope: for a request everything after the
//! type-specific fields (AuxiliaryBufferSize, AuxiliaryBuffer); for a response StatusCode, ErrorCode
//! and the auxiliary tail, and the whole failure body. [`request`] and [`response`] read the
//! type-specific middle. Sections (each with x.1 Request Body, x.2 Success Response Body, x.3
//! Failure Response Body):
//!
//! | Request type | Section | Request type | Section |
//! |---|---|---|---|
//! | Bind | 2.2.5.1 | ModProps | 2.2.5.11 |
//! | Unbind | 2.2.5.2 | QueryRows | 2.2.5.12 |
//! | CompareMIds | 2.2.5.3 | QueryColumns | 2.2.5.13 |
//! | DNToMId | 2.2.5.4 | ResolveNames | 2.2.5.14 |
//! | GetMatches | 2.2.5.5 | ResortRestriction | 2.2.5.15 |
//! | GetPropList | 2.2.5.6 | SeekEntries | 2.2.5.16 |
//! | GetProps | 2.2.5.7 | UpdateStat | 2.2.5.17 |
//! | GetSpecialTable | 2.2.5.8 | GetMailboxUrl | 2.2.5.18 |
//! | GetTemplateInfo | 2.2.5.9 | GetAddressBookUrl | 2.2.5.19 |
//! | ModLinkAtt | 2.2.5.10 | | |
//!
//! Optional fields follow a "Has…" Boolean (1 byte; servers write TRUE as 0xFF). Rows in responses
//! are typed by the Columns (or PropertyTags) of the same response, so responses decode without the
//! request. QueryRows carries ExplicitTableCount and ExplicitTable unconditionally (no
//! HasExplicitTable); SeekEntries has HasExplicitTable. DNToMId names are 8-bit strings, ResolveNames
//! names UTF-16 strings, each array with a u32 NameCount.

use crate::props;

pub mod entryid;
pub mod restriction;
pub mod structs;
pub mod values;

use alloc::format;

use crate::build::{Builder, Cur, R};
use crate::mapihttp::RequestType;
use crate::tree::{Disp, Severity};
use structs::*;
use values::Mode;

/// The field groups of this module (every file that declares fields), for the registry.
pub static FIELD_GROUPS: &[&[&crate::tree::Field]] =
    &[FIELDS, structs::FIELDS, values::FIELDS, restriction::FIELDS, entryid::FIELDS];

crate::fields! {
    BIND_FLAGS_F: U32 [Disp::Flags(BIND_FLAGS)] = "mapihttp.bind.flags", "Flags", "[MS-OXCMAPIHTTP] 2.2.5.1.1 flags for the server ([MS-OXNSPI] NspiBind flags: fAnonymousLogin 0x20)";
    SERVER_GUID: Guid = "mapihttp.bind.serverguid", "ServerGuid", "[MS-OXCMAPIHTTP] 2.2.5.1.2 the GUID of the server (the ProviderUID of its Ephemeral Entry IDs)";
    MINIMAL_ID1: U32 [Disp::Hex] = "mapihttp.comparemids.minimalid1", "MinimalId1", "[MS-OXCMAPIHTTP] 2.2.5.3.1 the first Minimal Entry ID to compare";
    MINIMAL_ID2: U32 [Disp::Hex] = "mapihttp.comparemids.minimalid2", "MinimalId2", "[MS-OXCMAPIHTTP] 2.2.5.3.1 the second Minimal Entry ID to compare";
    COMPARE_RESULT: I32 = "mapihttp.comparemids.result", "Result", "[MS-OXCMAPIHTTP] 2.2.5.3.2 negative if MinimalId1 sorts before MinimalId2, zero if equal, positive if after";
    HAS_NAMES: Bool = "mapihttp.nspi.hasnames", "HasNames", "[MS-OXCMAPIHTTP] 2.2.5.4.1/2.2.5.14.1 a Boolean that specifies whether the NameCount and NameValues fields are present";
    INTERFACE_OPTION_FLAGS: U32 [Disp::Hex] = "mapihttp.getmatches.interfaceoptionflags", "InterfaceOptionFlags", "[MS-OXCMAPIHTTP] 2.2.5.5.1 reserved: the client sets 0 and the server ignores it";
    HAS_FILTER: Bool = "mapihttp.getmatches.hasfilter", "HasFilter", "[MS-OXCMAPIHTTP] 2.2.5.5.1 a Boolean that specifies whether the Filter field is present";
    FILTER: None = "mapihttp.getmatches.filter", "Filter", "[MS-OXCMAPIHTTP] 2.2.5.5.1 a restriction ([MS-OXCDATA] 2.12) applied to the rows of the address book container";
    HAS_PROPERTY_NAME: Bool = "mapihttp.getmatches.haspropertyname", "HasPropertyName", "[MS-OXCMAPIHTTP] 2.2.5.5.1 a Boolean that specifies whether the PropertyNameGuid and PropertyNameId fields are present";
    PROPERTY_NAME_GUID: Guid = "mapihttp.getmatches.propertynameguid", "PropertyNameGuid", "[MS-OXCMAPIHTTP] 2.2.5.5.1 the GUID of the property to be opened";
    PROPERTY_NAME_ID: U32 [Disp::Hex] = "mapihttp.getmatches.propertynameid", "PropertyNameId", "[MS-OXCMAPIHTTP] 2.2.5.5.1 the ID of the property to be opened";
    GETMATCHES_ROW_COUNT: U32 = "mapihttp.getmatches.rowcount", "RowCount", "[MS-OXCMAPIHTTP] 2.2.5.5.1 the number of rows the client is requesting";
    GETPROPLIST_FLAGS: U32 [Disp::Flags(RETRIEVE_FLAGS)] = "mapihttp.getproplist.flags", "Flags", "[MS-OXCMAPIHTTP] 2.2.5.6.1 flags for the server ([MS-OXNSPI] retrieve property flags)";
    GETPROPLIST_MID: U32 [Disp::Hex] = "mapihttp.getproplist.minimalid", "MinimalId", "[MS-OXCMAPIHTTP] 2.2.5.6.1 the Minimal Entry ID of the object whose properties are listed";
    GETPROPS_FLAGS: U32 [Disp::Flags(RETRIEVE_FLAGS)] = "mapihttp.getprops.flags", "Flags", "[MS-OXCMAPIHTTP] 2.2.5.7.1 flags for the server ([MS-OXNSPI] retrieve property flags)";
    GETSPECIALTABLE_FLAGS: U32 [Disp::Flags(SPECIAL_TABLE_FLAGS)] = "mapihttp.getspecialtable.flags", "Flags", "[MS-OXCMAPIHTTP] 2.2.5.8.1 which table and string type: NspiAddressCreationTemplates 0x2, NspiUnicodeStrings 0x4";
    HAS_VERSION: Bool = "mapihttp.getspecialtable.hasversion", "HasVersion", "[MS-OXCMAPIHTTP] 2.2.5.8 a Boolean that specifies whether the Version field is present";
    VERSION: U32 = "mapihttp.getspecialtable.version", "Version", "[MS-OXCMAPIHTTP] 2.2.5.8 the version number of the address book hierarchy table";
    HAS_ROWS: Bool = "mapihttp.getspecialtable.hasrows", "HasRows", "[MS-OXCMAPIHTTP] 2.2.5.8.2 a Boolean that specifies whether the RowsCount and Rows fields are present";
    ROWS_COUNT: U32 = "mapihttp.getspecialtable.rowscount", "RowsCount", "[MS-OXCMAPIHTTP] 2.2.5.8.2 the number of structures in the Rows field";
    ROWS: None = "mapihttp.getspecialtable.rows", "Rows", "[MS-OXCMAPIHTTP] 2.2.5.8.2 AddressBookPropertyValueList structures, one per row of the table";
    GETTEMPLATEINFO_FLAGS: U32 [Disp::Flags(TEMPLATE_INFO_FLAGS)] = "mapihttp.gettemplateinfo.flags", "Flags", "[MS-OXCMAPIHTTP] 2.2.5.9.1 which template information is requested (TI_* flags, [MS-OXNSPI] 3.1.4.1.18)";
    GETTEMPLATEINFO_DISPLAY_TYPE: U32 [Disp::Names(DISPLAY_TYPES)] = "mapihttp.gettemplateinfo.displaytype", "DisplayType", "[MS-OXCMAPIHTTP] 2.2.5.9.1 the display type of the template";
    HAS_TEMPLATE_DN: Bool = "mapihttp.gettemplateinfo.hastemplatedn", "HasTemplateDn", "[MS-OXCMAPIHTTP] 2.2.5.9.1 a Boolean that specifies whether the TemplateDn field is present";
    TEMPLATE_DN: Str8 = "mapihttp.gettemplateinfo.templatedn", "TemplateDn", "[MS-OXCMAPIHTTP] 2.2.5.9.1 the DN of the template requested (null-terminated ASCII)";
    LOCALE_ID: U32 [Disp::Hex] = "mapihttp.gettemplateinfo.localeid", "LocaleId", "[MS-OXCMAPIHTTP] 2.2.5.9.1 the LCID of the template";
    HAS_ROW: Bool = "mapihttp.gettemplateinfo.hasrow", "HasRow", "[MS-OXCMAPIHTTP] 2.2.5.9.2 a Boolean that specifies whether the Row field is present";
    TEMPLATE_ROW: None = "mapihttp.gettemplateinfo.row", "Row", "[MS-OXCMAPIHTTP] 2.2.5.9.2 an AddressBookPropertyValueList with the template information";
    MODLINKATT_FLAGS: U32 [Disp::Flags(MOD_LINK_ATT_FLAGS)] = "mapihttp.modlinkatt.flags", "Flags", "[MS-OXCMAPIHTTP] 2.2.5.10.1 fDelete 0x1 removes the entry ids instead of adding them";
    MODLINKATT_TAG: Text = "mapihttp.modlinkatt.propertytag", "PropertyTag", "[MS-OXCMAPIHTTP] 2.2.5.10.1 the property to modify (PidTagAddressBookMember or PidTagAddressBookPublicDelegates)";
    MODLINKATT_MID: U32 [Disp::Hex] = "mapihttp.modlinkatt.minimalid", "MinimalId", "[MS-OXCMAPIHTTP] 2.2.5.10.1 the Minimal Entry ID of the row to modify";
    HAS_ENTRY_IDS: Bool = "mapihttp.modlinkatt.hasentryids", "HasEntryIds", "[MS-OXCMAPIHTTP] 2.2.5.10.1 a Boolean that specifies whether the EntryIdCount and EntryIds fields are present";
    QUERYROWS_FLAGS: U32 [Disp::Flags(RETRIEVE_FLAGS)] = "mapihttp.queryrows.flags", "Flags", "[MS-OXCMAPIHTTP] 2.2.5.12.1 flags for the server ([MS-OXNSPI] retrieve property flags)";
    QUERYROWS_ROW_COUNT: U32 = "mapihttp.queryrows.rowcount", "RowCount", "[MS-OXCMAPIHTTP] 2.2.5.12.1 the number of rows the client is requesting";
    MAPI_FLAGS: U32 [Disp::Flags(QUERY_COLUMNS_FLAGS)] = "mapihttp.querycolumns.mapiflags", "MapiFlags", "[MS-OXCMAPIHTTP] 2.2.5.13.1 NspiUnicodeProptypes 0x80000000 asks for PtypString rather than PtypString8 columns";
    HAS_ROWS_AND_COLS: Bool = "mapihttp.resolvenames.hasrowsandcols", "HasRowsAndCols", "[MS-OXCMAPIHTTP] 2.2.5.14.2 a Boolean that specifies whether the PropertyTags, RowCount and RowData fields are present";
    HAS_TARGET: Bool = "mapihttp.seekentries.hastarget", "HasTarget", "[MS-OXCMAPIHTTP] 2.2.5.16.1 a Boolean that specifies whether the Target field is present";
    TARGET: Text = "mapihttp.seekentries.target", "Target", "[MS-OXCMAPIHTTP] 2.2.5.16.1 an AddressBookTaggedPropertyValue: the value to seek to in the sort order";
    HAS_EXPLICIT_TABLE: Bool = "mapihttp.seekentries.hasexplicittable", "HasExplicitTable", "[MS-OXCMAPIHTTP] 2.2.5.16.1 a Boolean that specifies whether the ExplicitTableCount and ExplicitTable fields are present";
    DELTA_REQUESTED: Bool = "mapihttp.updatestat.deltarequested", "DeltaRequested", "[MS-OXCMAPIHTTP] 2.2.5.17.1 a Boolean that specifies whether the client wants the Delta field in the response";
    HAS_DELTA: Bool = "mapihttp.updatestat.hasdelta", "HasDelta", "[MS-OXCMAPIHTTP] 2.2.5.17.2 a Boolean that specifies whether the Delta field is present";
    DELTA: I32 = "mapihttp.updatestat.delta", "Delta", "[MS-OXCMAPIHTTP] 2.2.5.17.2 the movement within the container that the request's State described";
    GETMAILBOXURL_FLAGS: U32 [Disp::Hex] = "mapihttp.getmailboxurl.flags", "Flags", "[MS-OXCMAPIHTTP] 2.2.5.18.1 not used: the client sets 0 and the server ignores it";
    SERVER_DN: Utf16 = "mapihttp.getmailboxurl.serverdn", "ServerDn", "[MS-OXCMAPIHTTP] 2.2.5.18.1 the DN of the mailbox server whose URL is requested";
    MAILBOX_SERVER_URL: Utf16 = "mapihttp.getmailboxurl.serverurl", "ServerUrl", "[MS-OXCMAPIHTTP] 2.2.5.18.2 the URL of the mailbox server endpoint";
    GETADDRESSBOOKURL_FLAGS: U32 [Disp::Hex] = "mapihttp.getaddressbookurl.flags", "Flags", "[MS-OXCMAPIHTTP] 2.2.5.19.1 not used: the client sets 0 and the server ignores it";
    USER_DN: Utf16 = "mapihttp.getaddressbookurl.userdn", "UserDn", "[MS-OXCMAPIHTTP] 2.2.5.19.1 the DN of the user's mailbox";
    ADDRESSBOOK_SERVER_URL: Utf16 = "mapihttp.getaddressbookurl.serverurl", "ServerUrl", "[MS-OXCMAPIHTTP] 2.2.5.19.2 the URL of the address book server endpoint";
}

/// A Flags field that must be 0: a note when it is not.
fn unused_flags(b: &mut Builder<'_>, c: &mut Cur<'_>, f: &'static crate::tree::Field) -> R<()> {
    let v = b.u32(c, f)?;
    if v != 0 {
        b.diag(Severity::Note, format!("{} is not used and should be 0, got 0x{v:08X}", f.name), c.src(), c.pos().saturating_sub(4), 4);
    }
    Ok(())
}

/// HasPropertyTags and, when set, PropertyTags.
fn opt_property_tags(b: &mut Builder<'_>, c: &mut Cur<'_>) -> R<()> {
    if has(b, c, &HAS_PROPERTY_TAGS)? {
        large_tag_array(b, c, &PROPERTY_TAGS)?;
    }
    Ok(())
}

/// HasColumns and, when set, Columns.
fn opt_columns(b: &mut Builder<'_>, c: &mut Cur<'_>) -> R<()> {
    if has(b, c, &HAS_COLUMNS)? {
        large_tag_array(b, c, &COLUMNS)?;
    }
    Ok(())
}

/// Reads the type-specific part of an address book request body (before AuxiliaryBufferSize).
pub fn request(b: &mut Builder<'_>, c: &mut Cur<'_>, t: RequestType) -> R<()> {
    match t {
        RequestType::Bind => {
            b.u32(c, &BIND_FLAGS_F)?;
            opt_state(b, c)?;
        }
        RequestType::Unbind => reserved(b, c)?,
        RequestType::CompareMIds => {
            reserved(b, c)?;
            opt_state(b, c)?;
            b.u32(c, &MINIMAL_ID1)?;
            b.u32(c, &MINIMAL_ID2)?;
        }
        RequestType::DnToMId => {
            reserved(b, c)?;
            if has(b, c, &HAS_NAMES)? {
                name_values(b, c, false)?;
            }
        }
        RequestType::GetMatches => {
            reserved(b, c)?;
            opt_state(b, c)?;
            opt_minimal_ids(b, c)?;
            unused_flags(b, c, &INTERFACE_OPTION_FLAGS)?;
            if has(b, c, &HAS_FILTER)? {
                b.group(c, &FILTER, restriction::restriction)?;
            }
            if has(b, c, &HAS_PROPERTY_NAME)? {
                b.guid(c, &PROPERTY_NAME_GUID)?;
                b.u32(c, &PROPERTY_NAME_ID)?;
            }
            b.u32(c, &GETMATCHES_ROW_COUNT)?;
            opt_columns(b, c)?;
        }
        RequestType::GetPropList => {
            b.u32(c, &GETPROPLIST_FLAGS)?;
            b.u32(c, &GETPROPLIST_MID)?;
            b.u32(c, &CODE_PAGE)?;
        }
        RequestType::GetProps => {
            b.u32(c, &GETPROPS_FLAGS)?;
            opt_state(b, c)?;
            opt_property_tags(b, c)?;
        }
        RequestType::GetSpecialTable => {
            b.u32(c, &GETSPECIALTABLE_FLAGS)?;
            opt_state(b, c)?;
            if has(b, c, &HAS_VERSION)? {
                b.u32(c, &VERSION)?;
            }
        }
        RequestType::GetTemplateInfo => {
            b.u32(c, &GETTEMPLATEINFO_FLAGS)?;
            b.u32(c, &GETTEMPLATEINFO_DISPLAY_TYPE)?;
            if has(b, c, &HAS_TEMPLATE_DN)? {
                b.str8z(c, &TEMPLATE_DN)?;
            }
            b.u32(c, &CODE_PAGE)?;
            b.u32(c, &LOCALE_ID)?;
        }
        RequestType::ModLinkAtt => {
            b.u32(c, &MODLINKATT_FLAGS)?;
            props::property_tag(b, c, &MODLINKATT_TAG)?;
            b.u32(c, &MODLINKATT_MID)?;
            if has(b, c, &HAS_ENTRY_IDS)? {
                entryid::entry_ids(b, c)?;
            }
        }
        RequestType::ModProps => {
            reserved(b, c)?;
            opt_state(b, c)?;
            opt_property_tags(b, c)?;
            values::opt_property_values(b, c)?;
        }
        RequestType::QueryRows => {
            b.u32(c, &QUERYROWS_FLAGS)?;
            opt_state(b, c)?;
            mid_array(b, c, &EXPLICIT_TABLE_COUNT, &EXPLICIT_TABLE)?;
            b.u32(c, &QUERYROWS_ROW_COUNT)?;
            opt_columns(b, c)?;
        }
        RequestType::QueryColumns => {
            reserved(b, c)?;
            b.u32(c, &MAPI_FLAGS)?;
        }
        RequestType::ResolveNames => {
            reserved(b, c)?;
            opt_state(b, c)?;
            opt_property_tags(b, c)?;
            if has(b, c, &HAS_NAMES)? {
                name_values(b, c, true)?;
            }
        }
        RequestType::ResortRestriction => {
            reserved(b, c)?;
            opt_state(b, c)?;
            opt_minimal_ids(b, c)?;
        }
        RequestType::SeekEntries => {
            reserved(b, c)?;
            opt_state(b, c)?;
            if has(b, c, &HAS_TARGET)? {
                values::tagged(b, c, &TARGET, Mode::Ab)?;
            }
            if has(b, c, &HAS_EXPLICIT_TABLE)? {
                mid_array(b, c, &EXPLICIT_TABLE_COUNT, &EXPLICIT_TABLE)?;
            }
            opt_columns(b, c)?;
        }
        RequestType::UpdateStat => {
            reserved(b, c)?;
            opt_state(b, c)?;
            b.bool8(c, &DELTA_REQUESTED)?;
        }
        RequestType::GetMailboxUrl => {
            unused_flags(b, c, &GETMAILBOXURL_FLAGS)?;
            b.utf16z(c, &SERVER_DN)?;
        }
        RequestType::GetAddressBookUrl => {
            unused_flags(b, c, &GETADDRESSBOOKURL_FLAGS)?;
            b.utf16z(c, &USER_DN)?;
        }
        RequestType::Connect
        | RequestType::Execute
        | RequestType::Disconnect
        | RequestType::NotificationWait
        | RequestType::Ping => {}
    }
    Ok(())
}

/// Reads the type-specific part of an address book success response (between ErrorCode and
/// AuxiliaryBufferSize).
pub fn response(b: &mut Builder<'_>, c: &mut Cur<'_>, t: RequestType) -> R<()> {
    match t {
        RequestType::Bind => {
            b.guid(c, &SERVER_GUID)?;
        }
        RequestType::CompareMIds => {
            b.i32(c, &COMPARE_RESULT)?;
        }
        RequestType::DnToMId | RequestType::ResortRestriction => {
            if t == RequestType::ResortRestriction {
                opt_state(b, c)?;
            }
            opt_minimal_ids(b, c)?;
        }
        RequestType::GetMatches => {
            opt_state(b, c)?;
            opt_minimal_ids(b, c)?;
            values::opt_columns_and_rows(b, c, &values::HAS_COLUMNS_AND_ROWS, &COLUMNS)?;
        }
        RequestType::GetPropList => opt_property_tags(b, c)?,
        RequestType::GetProps => {
            b.u32(c, &CODE_PAGE)?;
            values::opt_property_values(b, c)?;
        }
        RequestType::GetSpecialTable => {
            b.u32(c, &CODE_PAGE)?;
            if has(b, c, &HAS_VERSION)? {
                b.u32(c, &VERSION)?;
            }
            if has(b, c, &HAS_ROWS)? {
                let n = b.u32(c, &ROWS_COUNT)?;
                let n = b.check_count(c, &ROWS_COUNT, n.into(), 4)?;
                b.group(c, &ROWS, |b, c| {
                    for _ in 0..n {
                        values::value_list(b, c, &values::VALUE_LIST)?;
                    }
                    Ok(())
                })?;
            }
        }
        RequestType::GetTemplateInfo => {
            b.u32(c, &CODE_PAGE)?;
            if has(b, c, &HAS_ROW)? {
                values::value_list(b, c, &TEMPLATE_ROW)?;
            }
        }
        RequestType::QueryRows | RequestType::SeekEntries => {
            opt_state(b, c)?;
            values::opt_columns_and_rows(b, c, &values::HAS_COLUMNS_AND_ROWS, &COLUMNS)?;
        }
        RequestType::QueryColumns => opt_columns(b, c)?,
        RequestType::ResolveNames => {
            b.u32(c, &CODE_PAGE)?;
            opt_minimal_ids(b, c)?;
            values::opt_columns_and_rows(b, c, &HAS_ROWS_AND_COLS, &PROPERTY_TAGS)?;
        }
        RequestType::UpdateStat => {
            opt_state(b, c)?;
            if has(b, c, &HAS_DELTA)? {
                b.i32(c, &DELTA)?;
            }
        }
        RequestType::GetMailboxUrl => {
            b.utf16z(c, &MAILBOX_SERVER_URL)?;
        }
        RequestType::GetAddressBookUrl => {
            b.utf16z(c, &ADDRESSBOOK_SERVER_URL)?;
        }
        RequestType::Unbind
        | RequestType::ModLinkAtt
        | RequestType::ModProps
        | RequestType::Connect
        | RequestType::Execute
        | RequestType::Disconnect
        | RequestType::NotificationWait
        | RequestType::Ping => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests;
