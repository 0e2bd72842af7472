//! [MS-OXCMAPIHTTP] MAPI Extensions for HTTP: request types, the response envelope and body dispatch.
//!
//! A request body is the binary body of its X-RequestType (2.2.4 mailbox, 2.2.5 address book).
//! A response body starts with text meta-tags and additional headers (2.2.7, 2.2.2.2), then the
//! binary body: StatusCode, and for StatusCode 0 the success layout (ErrorCode, type-specific
//! fields, AuxiliaryBufferSize, AuxiliaryBuffer), otherwise the failure layout (AuxiliaryBufferSize,
//! AuxiliaryBuffer).

pub mod emsmdb;
pub mod envelope;
pub mod fields;

use alloc::format;

use crate::build::{Builder, Cur, R};
use crate::tree::{Field, Severity};

/// The 24 X-RequestType values ([MS-OXCMAPIHTTP] 2.2.3.3.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RequestType {
    /// Mailbox: create a Session Context (2.2.4.1).
    Connect,
    /// Mailbox: run ROPs (2.2.4.2).
    Execute,
    /// Mailbox: end the Session Context (2.2.4.3).
    Disconnect,
    /// Mailbox: long-poll for notifications (2.2.4.4).
    NotificationWait,
    /// Either endpoint: keep the Session Context alive (2.2.6).
    Ping,
    /// Address book: NspiBind (2.2.5.1).
    Bind,
    /// Address book: NspiUnbind (2.2.5.2).
    Unbind,
    /// Address book: NspiCompareMIds (2.2.5.3).
    CompareMIds,
    /// Address book: NspiDNToMId (2.2.5.4).
    DnToMId,
    /// Address book: NspiGetMatches (2.2.5.5).
    GetMatches,
    /// Address book: NspiGetPropList (2.2.5.6).
    GetPropList,
    /// Address book: NspiGetProps (2.2.5.7).
    GetProps,
    /// Address book: NspiGetSpecialTable (2.2.5.8).
    GetSpecialTable,
    /// Address book: NspiGetTemplateInfo (2.2.5.9).
    GetTemplateInfo,
    /// Address book: NspiModLinkAtt (2.2.5.10).
    ModLinkAtt,
    /// Address book: NspiModProps (2.2.5.11).
    ModProps,
    /// Address book: NspiQueryRows (2.2.5.12).
    QueryRows,
    /// Address book: NspiQueryColumns (2.2.5.13).
    QueryColumns,
    /// Address book: NspiResolveNames (2.2.5.14).
    ResolveNames,
    /// Address book: NspiResortRestriction (2.2.5.15).
    ResortRestriction,
    /// Address book: NspiSeekEntries (2.2.5.16).
    SeekEntries,
    /// Address book: NspiUpdateStat (2.2.5.17).
    UpdateStat,
    /// Address book: GetMailboxUrl (2.2.5.18).
    GetMailboxUrl,
    /// Address book: GetAddressBookUrl (2.2.5.19).
    GetAddressBookUrl,
}

/// Which server endpoint a request type belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Endpoint {
    /// `/mapi/emsmdb`: the mailbox server endpoint.
    Emsmdb,
    /// `/mapi/nspi`: the address book server endpoint.
    Nspi,
    /// PING is valid on both.
    Both,
}

impl RequestType {
    /// All request types, mailbox first.
    pub const ALL: [RequestType; 24] = [
        RequestType::Connect,
        RequestType::Execute,
        RequestType::Disconnect,
        RequestType::NotificationWait,
        RequestType::Ping,
        RequestType::Bind,
        RequestType::Unbind,
        RequestType::CompareMIds,
        RequestType::DnToMId,
        RequestType::GetMatches,
        RequestType::GetPropList,
        RequestType::GetProps,
        RequestType::GetSpecialTable,
        RequestType::GetTemplateInfo,
        RequestType::ModLinkAtt,
        RequestType::ModProps,
        RequestType::QueryRows,
        RequestType::QueryColumns,
        RequestType::ResolveNames,
        RequestType::ResortRestriction,
        RequestType::SeekEntries,
        RequestType::UpdateStat,
        RequestType::GetMailboxUrl,
        RequestType::GetAddressBookUrl,
    ];

    /// The X-RequestType token as sent on the wire.
    pub fn token(self) -> &'static str {
        match self {
            RequestType::Connect => "Connect",
            RequestType::Execute => "Execute",
            RequestType::Disconnect => "Disconnect",
            RequestType::NotificationWait => "NotificationWait",
            RequestType::Ping => "PING",
            RequestType::Bind => "Bind",
            RequestType::Unbind => "Unbind",
            RequestType::CompareMIds => "CompareMIds",
            RequestType::DnToMId => "DNToMId",
            RequestType::GetMatches => "GetMatches",
            RequestType::GetPropList => "GetPropList",
            RequestType::GetProps => "GetProps",
            RequestType::GetSpecialTable => "GetSpecialTable",
            RequestType::GetTemplateInfo => "GetTemplateInfo",
            RequestType::ModLinkAtt => "ModLinkAtt",
            RequestType::ModProps => "ModProps",
            RequestType::QueryRows => "QueryRows",
            RequestType::QueryColumns => "QueryColumns",
            RequestType::ResolveNames => "ResolveNames",
            RequestType::ResortRestriction => "ResortRestriction",
            RequestType::SeekEntries => "SeekEntries",
            RequestType::UpdateStat => "UpdateStat",
            RequestType::GetMailboxUrl => "GetMailboxUrl",
            RequestType::GetAddressBookUrl => "GetAddressBookUrl",
        }
    }

    /// Parses an X-RequestType token (case-insensitive, surrounding white space ignored).
    pub fn from_token(s: &str) -> Option<RequestType> {
        let s = s.trim();
        Self::ALL.into_iter().find(|t| t.token().eq_ignore_ascii_case(s))
    }

    /// The endpoint of this request type.
    pub fn endpoint(self) -> Endpoint {
        match self {
            RequestType::Connect | RequestType::Execute | RequestType::Disconnect | RequestType::NotificationWait => {
                Endpoint::Emsmdb
            }
            RequestType::Ping => Endpoint::Both,
            _ => Endpoint::Nspi,
        }
    }

    /// The root fields of the request body, the success response body and the failure response body.
    pub fn roots(self) -> (&'static Field, &'static Field, &'static Field) {
        use fields::*;
        match self {
            RequestType::Connect => (&CONNECT_REQUEST, &CONNECT_SUCCESS, &CONNECT_FAILURE),
            RequestType::Execute => (&EXECUTE_REQUEST, &EXECUTE_SUCCESS, &EXECUTE_FAILURE),
            RequestType::Disconnect => (&DISCONNECT_REQUEST, &DISCONNECT_SUCCESS, &DISCONNECT_FAILURE),
            RequestType::NotificationWait => (&NOTIFICATIONWAIT_REQUEST, &NOTIFICATIONWAIT_SUCCESS, &NOTIFICATIONWAIT_FAILURE),
            RequestType::Ping => (&PING_REQUEST, &PING_SUCCESS, &PING_FAILURE),
            RequestType::Bind => (&BIND_REQUEST, &BIND_SUCCESS, &BIND_FAILURE),
            RequestType::Unbind => (&UNBIND_REQUEST, &UNBIND_SUCCESS, &UNBIND_FAILURE),
            RequestType::CompareMIds => (&COMPAREMIDS_REQUEST, &COMPAREMIDS_SUCCESS, &COMPAREMIDS_FAILURE),
            RequestType::DnToMId => (&DNTOMID_REQUEST, &DNTOMID_SUCCESS, &DNTOMID_FAILURE),
            RequestType::GetMatches => (&GETMATCHES_REQUEST, &GETMATCHES_SUCCESS, &GETMATCHES_FAILURE),
            RequestType::GetPropList => (&GETPROPLIST_REQUEST, &GETPROPLIST_SUCCESS, &GETPROPLIST_FAILURE),
            RequestType::GetProps => (&GETPROPS_REQUEST, &GETPROPS_SUCCESS, &GETPROPS_FAILURE),
            RequestType::GetSpecialTable => (&GETSPECIALTABLE_REQUEST, &GETSPECIALTABLE_SUCCESS, &GETSPECIALTABLE_FAILURE),
            RequestType::GetTemplateInfo => (&GETTEMPLATEINFO_REQUEST, &GETTEMPLATEINFO_SUCCESS, &GETTEMPLATEINFO_FAILURE),
            RequestType::ModLinkAtt => (&MODLINKATT_REQUEST, &MODLINKATT_SUCCESS, &MODLINKATT_FAILURE),
            RequestType::ModProps => (&MODPROPS_REQUEST, &MODPROPS_SUCCESS, &MODPROPS_FAILURE),
            RequestType::QueryRows => (&QUERYROWS_REQUEST, &QUERYROWS_SUCCESS, &QUERYROWS_FAILURE),
            RequestType::QueryColumns => (&QUERYCOLUMNS_REQUEST, &QUERYCOLUMNS_SUCCESS, &QUERYCOLUMNS_FAILURE),
            RequestType::ResolveNames => (&RESOLVENAMES_REQUEST, &RESOLVENAMES_SUCCESS, &RESOLVENAMES_FAILURE),
            RequestType::ResortRestriction => (&RESORTRESTRICTION_REQUEST, &RESORTRESTRICTION_SUCCESS, &RESORTRESTRICTION_FAILURE),
            RequestType::SeekEntries => (&SEEKENTRIES_REQUEST, &SEEKENTRIES_SUCCESS, &SEEKENTRIES_FAILURE),
            RequestType::UpdateStat => (&UPDATESTAT_REQUEST, &UPDATESTAT_SUCCESS, &UPDATESTAT_FAILURE),
            RequestType::GetMailboxUrl => (&GETMAILBOXURL_REQUEST, &GETMAILBOXURL_SUCCESS, &GETMAILBOXURL_FAILURE),
            RequestType::GetAddressBookUrl => (&GETADDRESSBOOKURL_REQUEST, &GETADDRESSBOOKURL_SUCCESS, &GETADDRESSBOOKURL_FAILURE),
        }
    }
}

impl core::fmt::Display for RequestType {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.token())
    }
}

/// Reads `AuxiliaryBufferSize` and the `AuxiliaryBuffer` that ends every body.
pub fn aux_tail(b: &mut Builder<'_>, c: &mut Cur<'_>) -> R<()> {
    let size = b.u32(c, &fields::AUX_SIZE)? as usize;
    if size == 0 {
        return Ok(());
    }
    if size > c.left() {
        let msg = format!("AuxiliaryBufferSize {} exceeds the {} bytes left", size, c.left());
        b.diag_at(c, Severity::Error, msg, c.left());
        let n = c.left();
        return b.group_sized(c, &fields::AUX_BUFFER, n, |b, c| crate::rpc::aux::auxiliary_buffer(b, c));
    }
    b.group_sized(c, &fields::AUX_BUFFER, size, |b, c| crate::rpc::aux::auxiliary_buffer(b, c))
}

/// Reports bytes after the end of a body.
pub fn trailing(b: &mut Builder<'_>, c: &mut Cur<'_>) {
    if !c.is_empty() {
        let n = c.left();
        b.diag_at(c, Severity::Warning, format!("{n} bytes after the end of the body"), n);
        let _ = b.bytes(c, &fields::TRAILING, n);
    }
}

/// Decodes a request body (the HTTP request body as sent) into the builder.
pub fn request_body(b: &mut Builder<'_>, c: &mut Cur<'_>, t: RequestType, ctx: &mut crate::rops::context::Context) {
    let (root, _, _) = t.roots();
    let _ = b.group(c, root, |b, c| {
        match t.endpoint() {
            Endpoint::Emsmdb => emsmdb::request(b, c, t, ctx)?,
            Endpoint::Nspi => crate::nspi::request(b, c, t)?,
            Endpoint::Both => {
                // PING: the specification defines no request body ([MS-OXCMAPIHTTP] 2.2.6).
                if !c.is_empty() {
                    b.diag_at(c, Severity::Note, "PING carries no request body; these bytes are not interpreted", c.left());
                }
            }
        }
        if t != RequestType::Ping {
            aux_tail(b, c)?;
        }
        trailing(b, c);
        Ok(())
    });
}

/// Decodes the binary part of a response body (after meta-tags and additional headers).
pub fn binary_response(b: &mut Builder<'_>, c: &mut Cur<'_>, t: RequestType, ctx: &mut crate::rops::context::Context) {
    let (_, success, failure) = t.roots();
    // The root is named after the form the StatusCode selects ([MS-OXCMAPIHTTP] x.2 success, x.3 failure).
    let root = if t == RequestType::Ping || c.peek_u32().is_none_or(|s| s == 0) { success } else { failure };
    let _ = b.group(c, root, |b, c| {
        if t == RequestType::Ping {
            if !c.is_empty() {
                b.diag_at(c, Severity::Note, "PING responses carry no binary body; these bytes are not interpreted", c.left());
                let _ = b.bytes(c, &fields::UNDECODED, c.left());
            }
            return Ok(());
        }
        let status = b.u32(c, &fields::STATUS_CODE)?;
        if status != 0 {
            // Failure body: StatusCode, AuxiliaryBufferSize, AuxiliaryBuffer.
            let name = fields::status_name(status.into()).unwrap_or("unknown status");
            b.diag(Severity::Warning, format!("request failed: StatusCode 0x{status:08X} ({name})"), c.src(), c.pos().saturating_sub(4), 4);
            aux_tail(b, c)?;
            trailing(b, c);
            return Ok(());
        }
        let error_code = b.u32(c, &fields::ERROR_CODE)?;
        match t.endpoint() {
            Endpoint::Emsmdb => emsmdb::response(b, c, t, ctx, error_code)?,
            _ => crate::nspi::response(b, c, t)?,
        }
        aux_tail(b, c)?;
        trailing(b, c);
        Ok(())
    });
}

/// The field groups of this module, for the registry.
pub static FIELD_GROUPS: &[&[&crate::tree::Field]] = &[fields::FIELDS, emsmdb::FIELDS];
