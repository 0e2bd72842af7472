//! Fields shared by every MAPI/HTTP body: the body roots, the common envelope and the response text
//! prefix ([MS-OXCMAPIHTTP] 2.2.2.2, 2.2.3.3, 2.2.7).

use crate::tree::Disp;

/// X-ResponseCode values, [MS-OXCMAPIHTTP] 2.2.3.3.3, named as the specification's table spells them.
/// The page lists 0-13; 14 (Reserved: the client MUST ignore it) and 15-18 are as implemented by
/// Microsoft's MAPI Inspector and grommunio gromox, which agree.
pub static RESPONSE_CODES: crate::tree::NameTable = &[
    (0, "Success"),
    (1, "Unknown Failure"),
    (2, "Invalid Verb"),
    (3, "Invalid Path"),
    (4, "Invalid Header"),
    (5, "Invalid Request Type"),
    (6, "Invalid Context Cookie"),
    (7, "Missing Header"),
    (8, "Anonymous Not Allowed"),
    (9, "Too Large"),
    (10, "Context Not Found"),
    (11, "No Privilege"),
    (12, "Invalid Request Body"),
    (13, "Missing Cookie"),
    (14, "Reserved"),
    (15, "Invalid Sequence"),
    (16, "Endpoint Disabled"),
    (17, "Invalid Response"),
    (18, "Endpoint Shutting Down"),
];

/// Names of StatusCode values. StatusCode carries RPC-level status, not [MS-OXCDATA] 2.4 error codes:
/// 0x000006BB is the RPC_S_SERVER_TOO_BUSY status a server returns when it cannot send RopBackoff
/// ([MS-OXCROPS] 3.2.4.2). Other values fall back to the error code table.
pub fn status_name(v: u64) -> Option<&'static str> {
    match v {
        0 => Some("Success"),
        0x6BB => Some("RPC_S_SERVER_TOO_BUSY"),
        _ => crate::errors::name(v),
    }
}

crate::fields! {
    CONNECT_REQUEST: None = "mapihttp.connect.request", "Connect Request Type Request Body", "[MS-OXCMAPIHTTP] 2.2.4.1.1 the Connect request body";
    CONNECT_SUCCESS: None = "mapihttp.connect.success_response", "Connect Request Type Success Response Body", "[MS-OXCMAPIHTTP] 2.2.4.1.2 the Connect success response body (StatusCode 0)";
    CONNECT_FAILURE: None = "mapihttp.connect.failure_response", "Connect Request Type Failure Response Body", "[MS-OXCMAPIHTTP] 2.2.4.1.3 the Connect failure response body (StatusCode not 0)";
    EXECUTE_REQUEST: None = "mapihttp.execute.request", "Execute Request Type Request Body", "[MS-OXCMAPIHTTP] 2.2.4.2.1 the Execute request body";
    EXECUTE_SUCCESS: None = "mapihttp.execute.success_response", "Execute Request Type Success Response Body", "[MS-OXCMAPIHTTP] 2.2.4.2.2 the Execute success response body (StatusCode 0)";
    EXECUTE_FAILURE: None = "mapihttp.execute.failure_response", "Execute Request Type Failure Response Body", "[MS-OXCMAPIHTTP] 2.2.4.2.3 the Execute failure response body (StatusCode not 0)";
    DISCONNECT_REQUEST: None = "mapihttp.disconnect.request", "Disconnect Request Type Request Body", "[MS-OXCMAPIHTTP] 2.2.4.3.1 the Disconnect request body";
    DISCONNECT_SUCCESS: None = "mapihttp.disconnect.success_response", "Disconnect Request Type Success Response Body", "[MS-OXCMAPIHTTP] 2.2.4.3.2 the Disconnect success response body (StatusCode 0)";
    DISCONNECT_FAILURE: None = "mapihttp.disconnect.failure_response", "Disconnect Request Type Failure Response Body", "[MS-OXCMAPIHTTP] 2.2.4.3.3 the Disconnect failure response body (StatusCode not 0)";
    NOTIFICATIONWAIT_REQUEST: None = "mapihttp.notificationwait.request", "NotificationWait Request Type Request Body", "[MS-OXCMAPIHTTP] 2.2.4.4.1 the NotificationWait request body";
    NOTIFICATIONWAIT_SUCCESS: None = "mapihttp.notificationwait.success_response", "NotificationWait Request Type Success Response Body", "[MS-OXCMAPIHTTP] 2.2.4.4.2 the NotificationWait success response body (StatusCode 0)";
    NOTIFICATIONWAIT_FAILURE: None = "mapihttp.notificationwait.failure_response", "NotificationWait Request Type Failure Response Body", "[MS-OXCMAPIHTTP] 2.2.4.4.3 the NotificationWait failure response body (StatusCode not 0)";
    PING_REQUEST: None = "mapihttp.ping.request", "PING Request Type Request", "[MS-OXCMAPIHTTP] 2.2.6 PING has no request body: only unexpected bytes appear here";
    PING_SUCCESS: None = "mapihttp.ping.response", "PING Request Type Response", "[MS-OXCMAPIHTTP] 2.2.6, 3.2.5.3 PING has no response body: meta-tags can be returned";
    PING_FAILURE: None = "mapihttp.ping.failure_response", "PING Request Type Failure Response", "[MS-OXCMAPIHTTP] 2.2.6 a PING response carrying a binary body (not defined by the specification)";
    BIND_REQUEST: None = "mapihttp.bind.request", "Bind Request Type Request Body", "[MS-OXCMAPIHTTP] 2.2.5.1.1 the Bind request body";
    BIND_SUCCESS: None = "mapihttp.bind.success_response", "Bind Request Type Success Response Body", "[MS-OXCMAPIHTTP] 2.2.5.1.2 the Bind success response body (StatusCode 0)";
    BIND_FAILURE: None = "mapihttp.bind.failure_response", "Bind Request Type Failure Response Body", "[MS-OXCMAPIHTTP] 2.2.5.1.3 the Bind failure response body (StatusCode not 0)";
    UNBIND_REQUEST: None = "mapihttp.unbind.request", "Unbind Request Type Request Body", "[MS-OXCMAPIHTTP] 2.2.5.2.1 the Unbind request body";
    UNBIND_SUCCESS: None = "mapihttp.unbind.success_response", "Unbind Request Type Success Response Body", "[MS-OXCMAPIHTTP] 2.2.5.2.2 the Unbind success response body (StatusCode 0)";
    UNBIND_FAILURE: None = "mapihttp.unbind.failure_response", "Unbind Request Type Failure Response Body", "[MS-OXCMAPIHTTP] 2.2.5.2.3 the Unbind failure response body (StatusCode not 0)";
    COMPAREMIDS_REQUEST: None = "mapihttp.comparemids.request", "CompareMinIds Request Type Request Body", "[MS-OXCMAPIHTTP] 2.2.5.3.1 the CompareMIds request body";
    COMPAREMIDS_SUCCESS: None = "mapihttp.comparemids.success_response", "CompareMinIds Request Type Success Response Body", "[MS-OXCMAPIHTTP] 2.2.5.3.2 the CompareMIds success response body (StatusCode 0)";
    COMPAREMIDS_FAILURE: None = "mapihttp.comparemids.failure_response", "CompareMinIds Request Type Failure Response Body", "[MS-OXCMAPIHTTP] 2.2.5.3.3 the CompareMIds failure response body (StatusCode not 0)";
    DNTOMID_REQUEST: None = "mapihttp.dntomid.request", "DNToMinId Request Type Request Body", "[MS-OXCMAPIHTTP] 2.2.5.4.1 the DNToMId request body";
    DNTOMID_SUCCESS: None = "mapihttp.dntomid.success_response", "DNToMinId Request Type Success Response Body", "[MS-OXCMAPIHTTP] 2.2.5.4.2 the DNToMId success response body (StatusCode 0)";
    DNTOMID_FAILURE: None = "mapihttp.dntomid.failure_response", "DNToMinId Request Type Failure Response Body", "[MS-OXCMAPIHTTP] 2.2.5.4.3 the DNToMId failure response body (StatusCode not 0)";
    GETMATCHES_REQUEST: None = "mapihttp.getmatches.request", "GetMatches Request Type Request Body", "[MS-OXCMAPIHTTP] 2.2.5.5.1 the GetMatches request body";
    GETMATCHES_SUCCESS: None = "mapihttp.getmatches.success_response", "GetMatches Request Type Success Response Body", "[MS-OXCMAPIHTTP] 2.2.5.5.2 the GetMatches success response body (StatusCode 0)";
    GETMATCHES_FAILURE: None = "mapihttp.getmatches.failure_response", "GetMatches Request Type Failure Response Body", "[MS-OXCMAPIHTTP] 2.2.5.5.3 the GetMatches failure response body (StatusCode not 0)";
    GETPROPLIST_REQUEST: None = "mapihttp.getproplist.request", "GetPropList Request Type Request Body", "[MS-OXCMAPIHTTP] 2.2.5.6.1 the GetPropList request body";
    GETPROPLIST_SUCCESS: None = "mapihttp.getproplist.success_response", "GetPropList Request Type Success Response Body", "[MS-OXCMAPIHTTP] 2.2.5.6.2 the GetPropList success response body (StatusCode 0)";
    GETPROPLIST_FAILURE: None = "mapihttp.getproplist.failure_response", "GetPropList Request Type Failure Response Body", "[MS-OXCMAPIHTTP] 2.2.5.6.3 the GetPropList failure response body (StatusCode not 0)";
    GETPROPS_REQUEST: None = "mapihttp.getprops.request", "GetProps Request Type Request Body", "[MS-OXCMAPIHTTP] 2.2.5.7.1 the GetProps request body";
    GETPROPS_SUCCESS: None = "mapihttp.getprops.success_response", "GetProps Request Type Success Response Body", "[MS-OXCMAPIHTTP] 2.2.5.7.2 the GetProps success response body (StatusCode 0)";
    GETPROPS_FAILURE: None = "mapihttp.getprops.failure_response", "GetProps Request Type Failure Response Body", "[MS-OXCMAPIHTTP] 2.2.5.7.3 the GetProps failure response body (StatusCode not 0)";
    GETSPECIALTABLE_REQUEST: None = "mapihttp.getspecialtable.request", "GetSpecialTable Request Type Request Body", "[MS-OXCMAPIHTTP] 2.2.5.8.1 the GetSpecialTable request body";
    GETSPECIALTABLE_SUCCESS: None = "mapihttp.getspecialtable.success_response", "GetSpecialTable Request Type Success Response Body", "[MS-OXCMAPIHTTP] 2.2.5.8.2 the GetSpecialTable success response body (StatusCode 0)";
    GETSPECIALTABLE_FAILURE: None = "mapihttp.getspecialtable.failure_response", "GetSpecialTable Request Type Failure Response Body", "[MS-OXCMAPIHTTP] 2.2.5.8.3 the GetSpecialTable failure response body (StatusCode not 0)";
    GETTEMPLATEINFO_REQUEST: None = "mapihttp.gettemplateinfo.request", "GetTemplateInfo Request Type Request Body", "[MS-OXCMAPIHTTP] 2.2.5.9.1 the GetTemplateInfo request body";
    GETTEMPLATEINFO_SUCCESS: None = "mapihttp.gettemplateinfo.success_response", "GetTemplateInfo Request Type Success Response Body", "[MS-OXCMAPIHTTP] 2.2.5.9.2 the GetTemplateInfo success response body (StatusCode 0)";
    GETTEMPLATEINFO_FAILURE: None = "mapihttp.gettemplateinfo.failure_response", "GetTemplateInfo Request Type Failure Response Body", "[MS-OXCMAPIHTTP] 2.2.5.9.3 the GetTemplateInfo failure response body (StatusCode not 0)";
    MODLINKATT_REQUEST: None = "mapihttp.modlinkatt.request", "ModLinkAtt Request Type Request Body", "[MS-OXCMAPIHTTP] 2.2.5.10.1 the ModLinkAtt request body";
    MODLINKATT_SUCCESS: None = "mapihttp.modlinkatt.success_response", "ModLinkAtt Request Type Success Response Body", "[MS-OXCMAPIHTTP] 2.2.5.10.2 the ModLinkAtt success response body (StatusCode 0)";
    MODLINKATT_FAILURE: None = "mapihttp.modlinkatt.failure_response", "ModLinkAtt Request Type Failure Response Body", "[MS-OXCMAPIHTTP] 2.2.5.10.3 the ModLinkAtt failure response body (StatusCode not 0)";
    MODPROPS_REQUEST: None = "mapihttp.modprops.request", "ModProps Request Type Request Body", "[MS-OXCMAPIHTTP] 2.2.5.11.1 the ModProps request body";
    MODPROPS_SUCCESS: None = "mapihttp.modprops.success_response", "ModProps Request Type Success Response Body", "[MS-OXCMAPIHTTP] 2.2.5.11.2 the ModProps success response body (StatusCode 0)";
    MODPROPS_FAILURE: None = "mapihttp.modprops.failure_response", "ModProps Request Type Failure Response Body", "[MS-OXCMAPIHTTP] 2.2.5.11.3 the ModProps failure response body (StatusCode not 0)";
    QUERYROWS_REQUEST: None = "mapihttp.queryrows.request", "QueryRows Request Type Request Body", "[MS-OXCMAPIHTTP] 2.2.5.12.1 the QueryRows request body";
    QUERYROWS_SUCCESS: None = "mapihttp.queryrows.success_response", "QueryRows Request Type Success Response Body", "[MS-OXCMAPIHTTP] 2.2.5.12.2 the QueryRows success response body (StatusCode 0)";
    QUERYROWS_FAILURE: None = "mapihttp.queryrows.failure_response", "QueryRows Request Type Failure Response Body", "[MS-OXCMAPIHTTP] 2.2.5.12.3 the QueryRows failure response body (StatusCode not 0)";
    QUERYCOLUMNS_REQUEST: None = "mapihttp.querycolumns.request", "QueryColumns Request Type Request Body", "[MS-OXCMAPIHTTP] 2.2.5.13.1 the QueryColumns request body";
    QUERYCOLUMNS_SUCCESS: None = "mapihttp.querycolumns.success_response", "QueryColumns Request Type Success Response Body", "[MS-OXCMAPIHTTP] 2.2.5.13.2 the QueryColumns success response body (StatusCode 0)";
    QUERYCOLUMNS_FAILURE: None = "mapihttp.querycolumns.failure_response", "QueryColumns Request Type Failure Response Body", "[MS-OXCMAPIHTTP] 2.2.5.13.3 the QueryColumns failure response body (StatusCode not 0)";
    RESOLVENAMES_REQUEST: None = "mapihttp.resolvenames.request", "ResolveNames Request Type Request Body", "[MS-OXCMAPIHTTP] 2.2.5.14.1 the ResolveNames request body";
    RESOLVENAMES_SUCCESS: None = "mapihttp.resolvenames.success_response", "ResolveNames Request Type Success Response Body", "[MS-OXCMAPIHTTP] 2.2.5.14.2 the ResolveNames success response body (StatusCode 0)";
    RESOLVENAMES_FAILURE: None = "mapihttp.resolvenames.failure_response", "ResolveNames Request Type Failure Response Body", "[MS-OXCMAPIHTTP] 2.2.5.14.3 the ResolveNames failure response body (StatusCode not 0)";
    RESORTRESTRICTION_REQUEST: None = "mapihttp.resortrestriction.request", "ResortRestriction Request Type Request Body", "[MS-OXCMAPIHTTP] 2.2.5.15.1 the ResortRestriction request body";
    RESORTRESTRICTION_SUCCESS: None = "mapihttp.resortrestriction.success_response", "ResortRestriction Request Type Success Response Body", "[MS-OXCMAPIHTTP] 2.2.5.15.2 the ResortRestriction success response body (StatusCode 0)";
    RESORTRESTRICTION_FAILURE: None = "mapihttp.resortrestriction.failure_response", "ResortRestriction Request Type Failure Response Body", "[MS-OXCMAPIHTTP] 2.2.5.15.3 the ResortRestriction failure response body (StatusCode not 0)";
    SEEKENTRIES_REQUEST: None = "mapihttp.seekentries.request", "SeekEntries Request Type Request Body", "[MS-OXCMAPIHTTP] 2.2.5.16.1 the SeekEntries request body";
    SEEKENTRIES_SUCCESS: None = "mapihttp.seekentries.success_response", "SeekEntries Request Type Success Response Body", "[MS-OXCMAPIHTTP] 2.2.5.16.2 the SeekEntries success response body (StatusCode 0)";
    SEEKENTRIES_FAILURE: None = "mapihttp.seekentries.failure_response", "SeekEntries Request Type Failure Response Body", "[MS-OXCMAPIHTTP] 2.2.5.16.3 the SeekEntries failure response body (StatusCode not 0)";
    UPDATESTAT_REQUEST: None = "mapihttp.updatestat.request", "UpdateStat Request Type Request Body", "[MS-OXCMAPIHTTP] 2.2.5.17.1 the UpdateStat request body";
    UPDATESTAT_SUCCESS: None = "mapihttp.updatestat.success_response", "UpdateStat Request Type Success Response Body", "[MS-OXCMAPIHTTP] 2.2.5.17.2 the UpdateStat success response body (StatusCode 0)";
    UPDATESTAT_FAILURE: None = "mapihttp.updatestat.failure_response", "UpdateStat Request Type Failure Response Body", "[MS-OXCMAPIHTTP] 2.2.5.17.3 the UpdateStat failure response body (StatusCode not 0)";
    GETMAILBOXURL_REQUEST: None = "mapihttp.getmailboxurl.request", "GetMailboxUrl Request Type Request Body", "[MS-OXCMAPIHTTP] 2.2.5.18.1 the GetMailboxUrl request body";
    GETMAILBOXURL_SUCCESS: None = "mapihttp.getmailboxurl.success_response", "GetMailboxUrl Request Type Success Response Body", "[MS-OXCMAPIHTTP] 2.2.5.18.2 the GetMailboxUrl success response body (StatusCode 0)";
    GETMAILBOXURL_FAILURE: None = "mapihttp.getmailboxurl.failure_response", "GetMailboxUrl Request Type Failure Response Body", "[MS-OXCMAPIHTTP] 2.2.5.18.3 the GetMailboxUrl failure response body (StatusCode not 0)";
    GETADDRESSBOOKURL_REQUEST: None = "mapihttp.getaddressbookurl.request", "GetAddressBookUrl Request Type Request Body", "[MS-OXCMAPIHTTP] 2.2.5.19.1 the GetAddressBookUrl request body";
    GETADDRESSBOOKURL_SUCCESS: None = "mapihttp.getaddressbookurl.success_response", "GetAddressBookUrl Request Type Success Response Body", "[MS-OXCMAPIHTTP] 2.2.5.19.2 the GetAddressBookUrl success response body (StatusCode 0)";
    GETADDRESSBOOKURL_FAILURE: None = "mapihttp.getaddressbookurl.failure_response", "GetAddressBookUrl Request Type Failure Response Body", "[MS-OXCMAPIHTTP] 2.2.5.19.3 the GetAddressBookUrl failure response body (StatusCode not 0)";
    STATUS_CODE: U32 [Disp::Lookup(status_name)] = "mapihttp.statuscode", "StatusCode", "[MS-OXCMAPIHTTP] 2.2.4.x.2/2.2.4.x.3, 2.2.5.x.2/2.2.5.x.3 the status of the request: 0 selects the success body, anything else the failure body";
    ERROR_CODE: U32 [Disp::Lookup(crate::errors::name)] = "mapihttp.errorcode", "ErrorCode", "[MS-OXCMAPIHTTP] 2.2.4.x.2, 2.2.5.x.2 the return code of the operation ([MS-OXCDATA] 2.4, [MS-OXNSPI] 2.2.1.2)";
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
