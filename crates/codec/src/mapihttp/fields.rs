//! Fields shared by every MAPI/HTTP body: the body roots, the common envelope and the response text
//! prefix ([MS-OXCMAPIHTTP] 2.2.2.2, 2.2.3.3, 2.2.7).

use crate::tree::Disp;

/// X-ResponseCode values, [MS-OXCMAPIHTTP] 2.2.3.3.3.
pub static RESPONSE_CODES: crate::tree::NameTable = &[
    (0, "Success"),
    (1, "UnknownFailure"),
    (2, "InvalidVerb"),
    (3, "InvalidPath"),
    (4, "InvalidHeader"),
    (5, "InvalidRequestType"),
    (6, "InvalidContextCookie"),
    (7, "MissingHeader"),
    (8, "AnonymousNotAllowed"),
    (9, "TooLarge"),
    (10, "ContextNotFound"),
    (11, "NoPrivilege"),
    (12, "InvalidRequestBody"),
    (13, "MissingCookie"),
    (14, "Reserved"),
    (15, "InvalidSequence"),
    (16, "EndpointDisabled"),
    (17, "InvalidResponse"),
    (18, "EndpointShuttingDown"),
];

crate::fields! {
    CONNECT_REQUEST: None = "mapihttp.connect.request", "Connect Request Type Request Body", "[MS-OXCMAPIHTTP] 2.2.4.1.1 the Connect request body";
    CONNECT_RESPONSE: None = "mapihttp.connect.response", "Connect Request Type Response Body", "[MS-OXCMAPIHTTP] 2.2.4.1.2/2.2.4.1.3 the Connect response body (success or failure form)";
    EXECUTE_REQUEST: None = "mapihttp.execute.request", "Execute Request Type Request Body", "[MS-OXCMAPIHTTP] 2.2.4.2.1 the Execute request body";
    EXECUTE_RESPONSE: None = "mapihttp.execute.response", "Execute Request Type Response Body", "[MS-OXCMAPIHTTP] 2.2.4.2.2/2.2.4.2.3 the Execute response body (success or failure form)";
    DISCONNECT_REQUEST: None = "mapihttp.disconnect.request", "Disconnect Request Type Request Body", "[MS-OXCMAPIHTTP] 2.2.4.3.1 the Disconnect request body";
    DISCONNECT_RESPONSE: None = "mapihttp.disconnect.response", "Disconnect Request Type Response Body", "[MS-OXCMAPIHTTP] 2.2.4.3.2/2.2.4.3.3 the Disconnect response body (success or failure form)";
    NOTIFICATIONWAIT_REQUEST: None = "mapihttp.notificationwait.request", "NotificationWait Request Type Request Body", "[MS-OXCMAPIHTTP] 2.2.4.4.1 the NotificationWait request body";
    NOTIFICATIONWAIT_RESPONSE: None = "mapihttp.notificationwait.response", "NotificationWait Request Type Response Body", "[MS-OXCMAPIHTTP] 2.2.4.4.2/2.2.4.4.3 the NotificationWait response body (success or failure form)";
    PING_REQUEST: None = "mapihttp.ping.request", "PING Request Type Request Body", "[MS-OXCMAPIHTTP] 2.2.6.1 the PING request body";
    PING_RESPONSE: None = "mapihttp.ping.response", "PING Request Type Response Body", "[MS-OXCMAPIHTTP] 2.2.6.2/2.2.6.3 the PING response body (success or failure form)";
    BIND_REQUEST: None = "mapihttp.bind.request", "Bind Request Type Request Body", "[MS-OXCMAPIHTTP] 2.2.5.1.1 the Bind request body";
    BIND_RESPONSE: None = "mapihttp.bind.response", "Bind Request Type Response Body", "[MS-OXCMAPIHTTP] 2.2.5.1.2/2.2.5.1.3 the Bind response body (success or failure form)";
    UNBIND_REQUEST: None = "mapihttp.unbind.request", "Unbind Request Type Request Body", "[MS-OXCMAPIHTTP] 2.2.5.2.1 the Unbind request body";
    UNBIND_RESPONSE: None = "mapihttp.unbind.response", "Unbind Request Type Response Body", "[MS-OXCMAPIHTTP] 2.2.5.2.2/2.2.5.2.3 the Unbind response body (success or failure form)";
    COMPAREMIDS_REQUEST: None = "mapihttp.comparemids.request", "CompareMIds Request Type Request Body", "[MS-OXCMAPIHTTP] 2.2.5.3.1 the CompareMIds request body";
    COMPAREMIDS_RESPONSE: None = "mapihttp.comparemids.response", "CompareMIds Request Type Response Body", "[MS-OXCMAPIHTTP] 2.2.5.3.2/2.2.5.3.3 the CompareMIds response body (success or failure form)";
    DNTOMID_REQUEST: None = "mapihttp.dntomid.request", "DNToMId Request Type Request Body", "[MS-OXCMAPIHTTP] 2.2.5.4.1 the DNToMId request body";
    DNTOMID_RESPONSE: None = "mapihttp.dntomid.response", "DNToMId Request Type Response Body", "[MS-OXCMAPIHTTP] 2.2.5.4.2/2.2.5.4.3 the DNToMId response body (success or failure form)";
    GETMATCHES_REQUEST: None = "mapihttp.getmatches.request", "GetMatches Request Type Request Body", "[MS-OXCMAPIHTTP] 2.2.5.5.1 the GetMatches request body";
    GETMATCHES_RESPONSE: None = "mapihttp.getmatches.response", "GetMatches Request Type Response Body", "[MS-OXCMAPIHTTP] 2.2.5.5.2/2.2.5.5.3 the GetMatches response body (success or failure form)";
    GETPROPLIST_REQUEST: None = "mapihttp.getproplist.request", "GetPropList Request Type Request Body", "[MS-OXCMAPIHTTP] 2.2.5.6.1 the GetPropList request body";
    GETPROPLIST_RESPONSE: None = "mapihttp.getproplist.response", "GetPropList Request Type Response Body", "[MS-OXCMAPIHTTP] 2.2.5.6.2/2.2.5.6.3 the GetPropList response body (success or failure form)";
    GETPROPS_REQUEST: None = "mapihttp.getprops.request", "GetProps Request Type Request Body", "[MS-OXCMAPIHTTP] 2.2.5.7.1 the GetProps request body";
    GETPROPS_RESPONSE: None = "mapihttp.getprops.response", "GetProps Request Type Response Body", "[MS-OXCMAPIHTTP] 2.2.5.7.2/2.2.5.7.3 the GetProps response body (success or failure form)";
    GETSPECIALTABLE_REQUEST: None = "mapihttp.getspecialtable.request", "GetSpecialTable Request Type Request Body", "[MS-OXCMAPIHTTP] 2.2.5.8.1 the GetSpecialTable request body";
    GETSPECIALTABLE_RESPONSE: None = "mapihttp.getspecialtable.response", "GetSpecialTable Request Type Response Body", "[MS-OXCMAPIHTTP] 2.2.5.8.2/2.2.5.8.3 the GetSpecialTable response body (success or failure form)";
    GETTEMPLATEINFO_REQUEST: None = "mapihttp.gettemplateinfo.request", "GetTemplateInfo Request Type Request Body", "[MS-OXCMAPIHTTP] 2.2.5.9.1 the GetTemplateInfo request body";
    GETTEMPLATEINFO_RESPONSE: None = "mapihttp.gettemplateinfo.response", "GetTemplateInfo Request Type Response Body", "[MS-OXCMAPIHTTP] 2.2.5.9.2/2.2.5.9.3 the GetTemplateInfo response body (success or failure form)";
    MODLINKATT_REQUEST: None = "mapihttp.modlinkatt.request", "ModLinkAtt Request Type Request Body", "[MS-OXCMAPIHTTP] 2.2.5.10.1 the ModLinkAtt request body";
    MODLINKATT_RESPONSE: None = "mapihttp.modlinkatt.response", "ModLinkAtt Request Type Response Body", "[MS-OXCMAPIHTTP] 2.2.5.10.2/2.2.5.10.3 the ModLinkAtt response body (success or failure form)";
    MODPROPS_REQUEST: None = "mapihttp.modprops.request", "ModProps Request Type Request Body", "[MS-OXCMAPIHTTP] 2.2.5.11.1 the ModProps request body";
    MODPROPS_RESPONSE: None = "mapihttp.modprops.response", "ModProps Request Type Response Body", "[MS-OXCMAPIHTTP] 2.2.5.11.2/2.2.5.11.3 the ModProps response body (success or failure form)";
    QUERYROWS_REQUEST: None = "mapihttp.queryrows.request", "QueryRows Request Type Request Body", "[MS-OXCMAPIHTTP] 2.2.5.12.1 the QueryRows request body";
    QUERYROWS_RESPONSE: None = "mapihttp.queryrows.response", "QueryRows Request Type Response Body", "[MS-OXCMAPIHTTP] 2.2.5.12.2/2.2.5.12.3 the QueryRows response body (success or failure form)";
    QUERYCOLUMNS_REQUEST: None = "mapihttp.querycolumns.request", "QueryColumns Request Type Request Body", "[MS-OXCMAPIHTTP] 2.2.5.13.1 the QueryColumns request body";
    QUERYCOLUMNS_RESPONSE: None = "mapihttp.querycolumns.response", "QueryColumns Request Type Response Body", "[MS-OXCMAPIHTTP] 2.2.5.13.2/2.2.5.13.3 the QueryColumns response body (success or failure form)";
    RESOLVENAMES_REQUEST: None = "mapihttp.resolvenames.request", "ResolveNames Request Type Request Body", "[MS-OXCMAPIHTTP] 2.2.5.14.1 the ResolveNames request body";
    RESOLVENAMES_RESPONSE: None = "mapihttp.resolvenames.response", "ResolveNames Request Type Response Body", "[MS-OXCMAPIHTTP] 2.2.5.14.2/2.2.5.14.3 the ResolveNames response body (success or failure form)";
    RESORTRESTRICTION_REQUEST: None = "mapihttp.resortrestriction.request", "ResortRestriction Request Type Request Body", "[MS-OXCMAPIHTTP] 2.2.5.15.1 the ResortRestriction request body";
    RESORTRESTRICTION_RESPONSE: None = "mapihttp.resortrestriction.response", "ResortRestriction Request Type Response Body", "[MS-OXCMAPIHTTP] 2.2.5.15.2/2.2.5.15.3 the ResortRestriction response body (success or failure form)";
    SEEKENTRIES_REQUEST: None = "mapihttp.seekentries.request", "SeekEntries Request Type Request Body", "[MS-OXCMAPIHTTP] 2.2.5.16.1 the SeekEntries request body";
    SEEKENTRIES_RESPONSE: None = "mapihttp.seekentries.response", "SeekEntries Request Type Response Body", "[MS-OXCMAPIHTTP] 2.2.5.16.2/2.2.5.16.3 the SeekEntries response body (success or failure form)";
    UPDATESTAT_REQUEST: None = "mapihttp.updatestat.request", "UpdateStat Request Type Request Body", "[MS-OXCMAPIHTTP] 2.2.5.17.1 the UpdateStat request body";
    UPDATESTAT_RESPONSE: None = "mapihttp.updatestat.response", "UpdateStat Request Type Response Body", "[MS-OXCMAPIHTTP] 2.2.5.17.2/2.2.5.17.3 the UpdateStat response body (success or failure form)";
    GETMAILBOXURL_REQUEST: None = "mapihttp.getmailboxurl.request", "GetMailboxUrl Request Type Request Body", "[MS-OXCMAPIHTTP] 2.2.5.18.1 the GetMailboxUrl request body";
    GETMAILBOXURL_RESPONSE: None = "mapihttp.getmailboxurl.response", "GetMailboxUrl Request Type Response Body", "[MS-OXCMAPIHTTP] 2.2.5.18.2/2.2.5.18.3 the GetMailboxUrl response body (success or failure form)";
    GETADDRESSBOOKURL_REQUEST: None = "mapihttp.getaddressbookurl.request", "GetAddressBookUrl Request Type Request Body", "[MS-OXCMAPIHTTP] 2.2.5.19.1 the GetAddressBookUrl request body";
    GETADDRESSBOOKURL_RESPONSE: None = "mapihttp.getaddressbookurl.response", "GetAddressBookUrl Request Type Response Body", "[MS-OXCMAPIHTTP] 2.2.5.19.2/2.2.5.19.3 the GetAddressBookUrl response body (success or failure form)";
    STATUS_CODE: U32 [Disp::Lookup(crate::errors::name)] = "mapihttp.statuscode", "StatusCode", "[MS-OXCMAPIHTTP] 2.2.2.2 the status of the request: 0 for the success body, otherwise the failure body follows";
    ERROR_CODE: U32 [Disp::Lookup(crate::errors::name)] = "mapihttp.errorcode", "ErrorCode", "[MS-OXCMAPIHTTP] 2.2.4/2.2.5 the return code of the operation ([MS-OXCDATA] 2.4)";
    AUX_SIZE: U32 [Disp::Unit("bytes")] = "mapihttp.auxiliarybuffersize", "AuxiliaryBufferSize", "[MS-OXCMAPIHTTP] 2.2.4 size of the AuxiliaryBuffer field";
    AUX_BUFFER: None = "mapihttp.auxiliarybuffer", "AuxiliaryBuffer", "[MS-OXCMAPIHTTP] 2.2.4 auxiliary data: RPC_HEADER_EXT and AUX blocks ([MS-OXCRPC] 3.1.4.1.1)";
    TRAILING: Bytes = "mapihttp.trailing", "Trailing bytes", "Bytes after the end of the body as the specification lays it out";
    UNDECODED: Bytes = "mapihttp.undecoded", "Undecoded bytes", "Bytes the decoder could not interpret (see the diagnostic at the same offset)";
    META_TAGS: None = "mapihttp.metatags", "Meta-tags", "[MS-OXCMAPIHTTP] 2.2.7 the text lines before the response body";
    META_TAG: Text = "mapihttp.metatag", "Meta-tag", "[MS-OXCMAPIHTTP] 2.2.7 PROCESSING, PENDING or DONE";
    ADDITIONAL_HEADERS: None = "mapihttp.additional_headers", "Additional headers", "[MS-OXCMAPIHTTP] 2.2.2.2 headers sent after the DONE meta-tag";
    HEADER: Text = "mapihttp.header", "Header", "An additional header line (name: value)";
    RESPONSE_CODE: U32 [Disp::NamesDec(RESPONSE_CODES)] = "mapihttp.response_code", "X-ResponseCode", "[MS-OXCMAPIHTTP] 2.2.3.3.3 transport status of the request";
    ELAPSED_TIME: U32 [Disp::Unit("ms")] = "mapihttp.elapsed_time", "X-ElapsedTime", "[MS-OXCMAPIHTTP] 2.2.3.3 time the server spent on the request";
    START_TIME: Text = "mapihttp.start_time", "X-StartTime", "[MS-OXCMAPIHTTP] 2.2.3.3 when the server started processing the request";
    TEXT_BODY: Str8 = "mapihttp.text_body", "Text body", "A response body that is text, not a MAPI/HTTP binary body (an HTML error page, a diagnostic)";
    RESPONSE: None = "mapihttp.response", "Response", "[MS-OXCMAPIHTTP] 2.2.2.2 a response body: meta-tags, additional headers, then the binary body";
    BINARY_BODY: None = "mapihttp.body", "Response body", "The binary body that follows the meta-tags and additional headers";
}
