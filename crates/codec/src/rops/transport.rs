//! [MS-OXCROPS] 2.2.7 Transport ROPs, with the semantics of [MS-OXOMSG] 2.2.4 and 2.2.5:
//! RopSubmitMessage (0x32), RopAbortSubmit (0x34), RopSetSpooler (0x47), RopSpoolerLockMessage
//! (0x48), RopGetAddressTypes (0x49), RopTransportSend (0x4A), RopTransportNewMail (0x51),
//! RopGetTransportFolder (0x6D), RopOptionsData (0x6F).
//!
//! No context is needed: every buffer is self-describing.
//!
//! Spec notes:
//! - RopTransportSend's success response (2.2.7.6.2) has NoPropertiesReturned, then an "optional"
//!   PropertyValueCount and the PropertyValues. They are decoded only when NoPropertiesReturned is
//!   zero, as gromox writes them (a nonzero NoPropertiesReturned ends the response); Microsoft's MAPI
//!   Inspector always reads PropertyValueCount.
//! - LockState values (lstLock 0x00, lstUnlock 0x01, lstFinished 0x02, [MS-OXOMSG] 2.2.5.3.1,
//!   3.3.5.6) are those of Microsoft's MAPI Inspector; the names are the specification's.
//! - RopOptionsData's Reserved "MUST be set to 0x01" (2.2.7.9.2); other values get a Note. HelpFile
//!   and HelpFileName are present only when HelpFileSize is nonzero.
//! - MessageFlags of RopTransportNewMail are PidTagMessageFlags ([MS-OXOMSG] 2.2.5.5.1,
//!   [MS-OXCMSG] 2.2.1.6).

use alloc::format;

use super::context::Rop;
use super::{req_in, resp_in, Decoder};
use crate::build::{Builder, Cur, R};
use crate::oxcdata;
use crate::tree::{Disp, NameTable, Severity};

/// [MS-OXOMSG] 2.2.4.1.1 SubmitFlags.
pub static SUBMIT_FLAGS: NameTable = &[(0x00, "None"), (0x01, "PreProcess"), (0x02, "NeedsSpooler")];

/// [MS-OXOMSG] 2.2.5.3.1 LockState (values: see the module notes).
pub static LOCK_STATES: NameTable = &[(0x00, "lstLock"), (0x01, "lstUnlock"), (0x02, "lstFinished")];

/// [MS-OXCMSG] 2.2.1.6 PidTagMessageFlags.
pub static MESSAGE_FLAGS: NameTable = &[
    (0x0000_0001, "mfRead"),
    (0x0000_0002, "mfUnmodified"),
    (0x0000_0004, "mfSubmitted"),
    (0x0000_0008, "mfUnsent"),
    (0x0000_0010, "mfHasAttach"),
    (0x0000_0020, "mfFromMe"),
    (0x0000_0040, "mfFAI"),
    (0x0000_0080, "mfResend"),
    (0x0000_0100, "mfNotifyRead"),
    (0x0000_0200, "mfNotifyUnread"),
    (0x0000_0400, "mfEverRead"),
    (0x0000_2000, "mfInternet"),
    (0x0000_8000, "mfUntrusted"),
];

crate::fields! {
    SM_FLAGS: U8 [Disp::Names(SUBMIT_FLAGS)] = "mapihttp.rop.submitmessage.submitflags", "SubmitFlags", "[MS-OXCROPS] 2.2.7.1.1 how the message is delivered: None 0x00, PreProcess 0x01, NeedsSpooler 0x02 ([MS-OXOMSG] 2.2.4.1.1)";

    AS_FOLDER_ID: U64 [Disp::Fid] = "mapihttp.rop.abortsubmit.folderid", "FolderId", "[MS-OXCROPS] 2.2.7.2.1 the folder of the submitted message ([MS-OXCDATA] 2.2.1.1)";
    AS_MESSAGE_ID: U64 [Disp::Fid] = "mapihttp.rop.abortsubmit.messageid", "MessageId", "[MS-OXCROPS] 2.2.7.2.1 the submitted message ([MS-OXCDATA] 2.2.1.2)";

    GAT_COUNT: U16 = "mapihttp.rop.getaddresstypes.addresstypecount", "AddressTypeCount", "[MS-OXCROPS] 2.2.7.3.2 the number of strings in AddressTypes";
    GAT_SIZE: U16 [Disp::Unit("bytes")] = "mapihttp.rop.getaddresstypes.addresstypesize", "AddressTypeSize", "[MS-OXCROPS] 2.2.7.3.2 the size of AddressTypes";
    GAT_TYPES: None = "mapihttp.rop.getaddresstypes.addresstypes", "AddressTypes", "[MS-OXCROPS] 2.2.7.3.2 the address types the server handles (\"EX\", \"SMTP\", … [MS-OXOMSG] 2.2.4.3.2)";
    GAT_TYPE: Str8 = "mapihttp.rop.getaddresstypes.addresstype", "AddressType", "[MS-OXCROPS] 2.2.7.3.2 one address type, a NUL-terminated ASCII string";

    SLM_MESSAGE_ID: U64 [Disp::Fid] = "mapihttp.rop.spoolerlockmessage.messageid", "MessageId", "[MS-OXCROPS] 2.2.7.5.1 the message to lock or unlock ([MS-OXCDATA] 2.2.1.2)";
    SLM_LOCK_STATE: U8 [Disp::Names(LOCK_STATES)] = "mapihttp.rop.spoolerlockmessage.lockstate", "LockState", "[MS-OXCROPS] 2.2.7.5.1 lstLock, lstUnlock or lstFinished ([MS-OXOMSG] 2.2.5.3.1, 3.3.5.6)";

    TS_NO_PROPS: Bool = "mapihttp.rop.transportsend.nopropertiesreturned", "NoPropertiesReturned", "[MS-OXCROPS] 2.2.7.6.2 whether no property values are returned (when FALSE, PropertyValueCount and PropertyValues follow)";
    TS_COUNT: U16 = "mapihttp.rop.transportsend.propertyvaluecount", "PropertyValueCount", "[MS-OXCROPS] 2.2.7.6.2 the number of PropertyValues";
    TS_VALUES: None = "mapihttp.rop.transportsend.propertyvalues", "PropertyValues", "[MS-OXCROPS] 2.2.7.6.2 TaggedPropertyValues ([MS-OXCDATA] 2.11.4) of the sent message";

    TNM_MESSAGE_ID: U64 [Disp::Fid] = "mapihttp.rop.transportnewmail.messageid", "MessageId", "[MS-OXCROPS] 2.2.7.7.1 the new message ([MS-OXCDATA] 2.2.1.2)";
    TNM_FOLDER_ID: U64 [Disp::Fid] = "mapihttp.rop.transportnewmail.folderid", "FolderId", "[MS-OXCROPS] 2.2.7.7.1 the folder of the new message ([MS-OXCDATA] 2.2.1.1)";
    TNM_CLASS: Str8 = "mapihttp.rop.transportnewmail.messageclass", "MessageClass", "[MS-OXCROPS] 2.2.7.7.1 PidTagMessageClass of the new message, a NUL-terminated ASCII string";
    TNM_FLAGS: U32 [Disp::Flags(MESSAGE_FLAGS)] = "mapihttp.rop.transportnewmail.messageflags", "MessageFlags", "[MS-OXCROPS] 2.2.7.7.1 PidTagMessageFlags of the new message ([MS-OXOMSG] 2.2.5.5.1, [MS-OXCMSG] 2.2.1.6)";

    GTF_FOLDER_ID: U64 [Disp::Fid] = "mapihttp.rop.gettransportfolder.folderid", "FolderId", "[MS-OXCROPS] 2.2.7.8.2 the transport folder ([MS-OXCDATA] 2.2.1.1)";

    OD_ADDRESS_TYPE: Str8 = "mapihttp.rop.optionsdata.addresstype", "AddressType", "[MS-OXCROPS] 2.2.7.9.1 the address type whose options are returned, a NUL-terminated ASCII string";
    OD_WANT_WIN32: Bool = "mapihttp.rop.optionsdata.wantwin32", "WantWin32", "[MS-OXCROPS] 2.2.7.9.1 whether the help file data is for 32-bit machines ([MS-OXOMSG] 2.2.4.4.1)";
    OD_RESERVED: U8 [Disp::Hex] = "mapihttp.rop.optionsdata.reserved", "Reserved", "[MS-OXCROPS] 2.2.7.9.2 reserved, 0x01";
    OD_INFO_SIZE: U16 [Disp::Unit("bytes")] = "mapihttp.rop.optionsdata.optionsinfosize", "OptionsInfoSize", "[MS-OXCROPS] 2.2.7.9.2 the size of OptionsInfo";
    OD_INFO: Bytes = "mapihttp.rop.optionsdata.optionsinfo", "OptionsInfo", "[MS-OXCROPS] 2.2.7.9.2 opaque data from the server (clients ignore it)";
    OD_HELP_SIZE: U16 [Disp::Unit("bytes")] = "mapihttp.rop.optionsdata.helpfilesize", "HelpFileSize", "[MS-OXCROPS] 2.2.7.9.2 the size of HelpFile";
    OD_HELP: Bytes = "mapihttp.rop.optionsdata.helpfile", "HelpFile", "[MS-OXCROPS] 2.2.7.9.2 the help file of the address type, present when HelpFileSize is nonzero";
    OD_HELP_NAME: Str8 = "mapihttp.rop.optionsdata.helpfilename", "HelpFileName", "[MS-OXCROPS] 2.2.7.9.2 the name of the help file (multibyte, NUL-terminated), present when HelpFileSize is nonzero";
}

/// The decoders of this family, one row per ROP.
pub static DECODERS: &[Decoder] = &[
    crate::rop!(0x32, Some(submit_message_req), Some(header_only_resp)),
    crate::rop!(0x34, Some(abort_submit_req), Some(header_only_resp)),
    crate::rop!(0x47, Some(req_in), Some(header_only_resp)),
    crate::rop!(0x48, Some(spooler_lock_message_req), Some(header_only_resp)),
    crate::rop!(0x49, Some(req_in), Some(get_address_types_resp)),
    crate::rop!(0x4A, Some(req_in), Some(transport_send_resp)),
    crate::rop!(0x51, Some(transport_new_mail_req), Some(header_only_resp)),
    crate::rop!(0x6D, Some(req_in), Some(get_transport_folder_resp)),
    crate::rop!(0x6F, Some(options_data_req), Some(options_data_resp)),
];

/// Responses that are InputHandleIndex and ReturnValue only (RopSubmitMessage 2.2.7.1.2,
/// RopAbortSubmit 2.2.7.2.2, RopSetSpooler 2.2.7.4.2, RopSpoolerLockMessage 2.2.7.5.2,
/// RopTransportNewMail 2.2.7.7.2).
fn header_only_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    resp_in(b, c, x).map(|_| ())
}

/// 2.2.7.1.1: LogonId, InputHandleIndex, SubmitFlags.
fn submit_message_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in(b, c, x)?;
    b.u8(c, &SM_FLAGS)?;
    Ok(())
}

/// 2.2.7.2.1: LogonId, InputHandleIndex, FolderId, MessageId.
fn abort_submit_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in(b, c, x)?;
    oxcdata::folder_id(b, c, &AS_FOLDER_ID)?;
    oxcdata::folder_id(b, c, &AS_MESSAGE_ID)?;
    Ok(())
}

/// 2.2.7.3.2 / 2.2.7.3.3: InputHandleIndex, ReturnValue, and on success AddressTypeCount,
/// AddressTypeSize and AddressTypeCount strings in exactly AddressTypeSize bytes.
fn get_address_types_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    if resp_in(b, c, x)? != 0 {
        return Ok(());
    }
    let count = b.u16(c, &GAT_COUNT)?;
    let size = usize::from(b.u16(c, &GAT_SIZE)?);
    if size == 0 && count == 0 {
        return Ok(());
    }
    b.group_sized(c, &GAT_TYPES, size, |b, c| {
        // Every string has at least its NUL.
        let n = b.check_count(c, &GAT_COUNT, count.into(), 1)?;
        for _ in 0..n {
            b.str8z(c, &GAT_TYPE)?;
        }
        Ok(())
    })
}

/// 2.2.7.5.1: LogonId, InputHandleIndex, MessageId, LockState.
fn spooler_lock_message_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in(b, c, x)?;
    oxcdata::folder_id(b, c, &SLM_MESSAGE_ID)?;
    b.u8(c, &SLM_LOCK_STATE)?;
    Ok(())
}

/// 2.2.7.6.2 / 2.2.7.6.3: InputHandleIndex, ReturnValue, and on success NoPropertiesReturned, then
/// PropertyValueCount and PropertyValues when it is zero (module notes).
fn transport_send_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    if resp_in(b, c, x)? != 0 {
        return Ok(());
    }
    if b.bool8(c, &TS_NO_PROPS)? {
        return Ok(());
    }
    let count = b.u16(c, &TS_COUNT)?;
    // Every TaggedPropertyValue has at least its 4-byte PropertyTag.
    let n = b.check_count(c, &TS_COUNT, count.into(), 4)?;
    if n > 0 {
        b.group(c, &TS_VALUES, |b, c| {
            for _ in 0..n {
                oxcdata::tagged_property_value(b, c)?;
            }
            Ok(())
        })?;
    }
    Ok(())
}

/// 2.2.7.7.1: LogonId, InputHandleIndex, MessageId, FolderId, MessageClass, MessageFlags.
fn transport_new_mail_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in(b, c, x)?;
    oxcdata::folder_id(b, c, &TNM_MESSAGE_ID)?;
    oxcdata::folder_id(b, c, &TNM_FOLDER_ID)?;
    b.str8z(c, &TNM_CLASS)?;
    b.u32(c, &TNM_FLAGS)?;
    Ok(())
}

/// 2.2.7.8.2 / 2.2.7.8.3: InputHandleIndex, ReturnValue, and on success FolderId.
fn get_transport_folder_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    if resp_in(b, c, x)? == 0 {
        oxcdata::folder_id(b, c, &GTF_FOLDER_ID)?;
    }
    Ok(())
}

/// 2.2.7.9.1: LogonId, InputHandleIndex, AddressType, WantWin32.
fn options_data_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in(b, c, x)?;
    b.str8z(c, &OD_ADDRESS_TYPE)?;
    b.bool8(c, &OD_WANT_WIN32)?;
    Ok(())
}

/// 2.2.7.9.2 / 2.2.7.9.3: InputHandleIndex, ReturnValue, and on success Reserved, OptionsInfoSize,
/// OptionsInfo, HelpFileSize, and HelpFile and HelpFileName when HelpFileSize is nonzero.
fn options_data_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    if resp_in(b, c, x)? != 0 {
        return Ok(());
    }
    let reserved = b.u8(c, &OD_RESERVED)?;
    if reserved != 0x01 {
        let msg = format!("Reserved should be 0x01, got 0x{reserved:02X}");
        b.diag(Severity::Note, msg, c.src(), c.pos().saturating_sub(1), 1);
    }
    let info = usize::from(b.u16(c, &OD_INFO_SIZE)?);
    if info > 0 {
        b.bytes(c, &OD_INFO, info)?;
    }
    let help = usize::from(b.u16(c, &OD_HELP_SIZE)?);
    if help > 0 {
        b.bytes(c, &OD_HELP, help)?;
        b.str8z(c, &OD_HELP_NAME)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[allow(unused_imports)]
    use crate::rops::testutil::{REQ_PREFIX, RESP_PREFIX, execute_request, execute_response, ext, rop_buffer};
    use alloc::string::String;
    use alloc::vec;
    use alloc::vec::Vec;

    use crate::display::display_line;
    use crate::tree::{Dissection, Severity};
    use crate::{decode_exchange, RequestType};

    /// Bytes from a hex string with optional spaces.
    fn hex(s: &str) -> Vec<u8> {
        let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        (0..s.len() / 2).map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap()).collect()
    }

    fn lines(d: &Dissection<'_>, key: &str) -> Vec<String> {
        d.find_all(key).map(|(_, n)| display_line(d, n)).collect()
    }

    fn problems(d: &Dissection<'_>) -> Vec<String> {
        d.diagnostics.iter().filter(|x| x.severity >= Severity::Warning).map(|x| x.message.clone()).collect()
    }

    /// Notes, without the envelope's "no meta-tags" Note of a bare response body.
    fn notes(d: &Dissection<'_>) -> Vec<String> {
        d.diagnostics
            .iter()
            .filter(|x| x.severity == Severity::Note && !x.message.starts_with("no meta-tags"))
            .map(|x| x.message.clone())
            .collect()
    }

    /// [MS-OXOMSG] 4.1.1 / 4.1.2: RopSubmitMessage request `32 00 02 00` and response
    /// `32 02 00 00 00 00`.
    #[test]
    fn submit_message_spec_vectors() {
        let handles = [0x10, 0x11, 0x12];
        let req = execute_request(&hex("32 00 02 00"), &handles);
        let resp = execute_response(&hex("32 02 00 00 00 00"), &handles);
        let (d, _) = decode_exchange(RequestType::Execute, Some(&req), Some(&resp));
        assert!(problems(&d).is_empty() && notes(&d).is_empty(), "{:?}", d.diagnostics);
        assert_eq!(lines(&d, "mapihttp.rop.logonid"), ["LogonId: 0"]);
        assert_eq!(lines(&d, "mapihttp.rop.inputhandleindex"), ["InputHandleIndex: 2", "InputHandleIndex: 2"]);
        assert_eq!(lines(&d, "mapihttp.rop.submitmessage.submitflags"), ["SubmitFlags: None (0x00)"]);
        // The spec calls 0x00000000 "ecNone"; the error table ([MS-OXCDATA] 2.4) names it Success.
        assert_eq!(lines(&d, "mapihttp.rop.returnvalue"), ["ReturnValue: Success (0x00000000)"]);
        assert_eq!(lines(&d, "mapihttp.rop.request_index"), ["Request: 0"]);
    }

    /// [MS-OXOMSG] 4.3.1 / 4.3.2: RopAbortSubmit request (FolderId 0001-0003b479ca47, MessageId
    /// 0001-0003b7e65fa7) and response `34 00 00 00 00 00`.
    #[test]
    fn abort_submit_spec_vectors() {
        let req = execute_request(&hex("34 00 00 01 00 00 03 b4 79 ca 47 01 00 00 03 b7 e6 5f a7"), &[0x10]);
        let resp = execute_response(&hex("34 00 00 00 00 00"), &[0x10]);
        let (d, _) = decode_exchange(RequestType::Execute, Some(&req), Some(&resp));
        assert!(problems(&d).is_empty() && notes(&d).is_empty(), "{:?}", d.diagnostics);
        assert_eq!(lines(&d, "mapihttp.rop.abortsubmit.folderid"), ["FolderId: 0001-0003B479CA47"]);
        assert_eq!(lines(&d, "mapihttp.rop.abortsubmit.messageid"), ["MessageId: 0001-0003B7E65FA7"]);
        assert_eq!(lines(&d, "mapihttp.rop.request_index"), ["Request: 0"]);
    }

    /// [MS-OXOMSG] 4.6.1.2 RopSetSpooler response `47 00 00 00 00 00` and 4.6.6.2
    /// RopSpoolerLockMessage response `48 00 00 00 00 00`, with synthesized requests.
    #[test]
    fn spooler_spec_vectors() {
        let req = execute_request(&[hex("47 00 00 48 00 00"), hex("01 00 00 00 0E 8E DF 36 02")].concat(), &[0x10]);
        let resp = execute_response(&hex("47 00 00 00 00 00 48 00 00 00 00 00"), &[0x10]);
        let (d, _) = decode_exchange(RequestType::Execute, Some(&req), Some(&resp));
        assert!(problems(&d).is_empty() && notes(&d).is_empty(), "{:?}", d.diagnostics);
        assert_eq!(lines(&d, "mapihttp.rop.spoolerlockmessage.messageid"), ["MessageId: 0001-00000E8EDF36"]);
        assert_eq!(lines(&d, "mapihttp.rop.spoolerlockmessage.lockstate"), ["LockState: lstFinished (0x02)"]);
        assert_eq!(lines(&d, "mapihttp.rop.request_index"), ["Request: 0", "Request: 1"]);
    }

    /// The other transport ROPs in one Execute, with a truncation sweep over both bodies and over the
    /// ROP lists.
    #[test]
    fn transport_family() {
        let mut class = b"IPM.Note\0".to_vec();
        class.extend(hex("09 00 00 00")); // mfRead | mfUnsent
        let req_rops: Vec<Vec<u8>> = vec![
            hex("32 00 00 02"),                                                  // SubmitMessage NeedsSpooler
            hex("49 00 00"),                                                     // GetAddressTypes
            hex("4A 00 00"),                                                     // TransportSend
            hex("4A 00 00"),                                                     // TransportSend
            [hex("51 00 00 01 00 00 00 0E 8E DF 36 01 00 00 00 0E 91 52 12"), class].concat(), // TransportNewMail
            hex("6D 00 00"),                                                     // GetTransportFolder
            [hex("6F 00 00"), b"EX\0".to_vec(), hex("01")].concat(),            // OptionsData
            [hex("6F 00 00"), b"SMTP\0".to_vec(), hex("00")].concat(),          // OptionsData
        ];
        let resp_rops: Vec<Vec<u8>> = vec![
            hex("32 00 00000000"),
            [hex("49 00 00000000 0200 0800"), b"EX\0SMTP\0".to_vec()].concat(),
            hex("4A 00 00000000 00 0100 03 00 07 0E 01 00 00 00"),               // PidTagMessageFlags = 1
            hex("4A 00 00000000 01"),
            hex("51 00 00000000"),
            hex("6D 00 00000000 01 00 00 00 0E 91 52 12"),
            [hex("6F 00 00000000 01 0000 0300 AABBCC"), b"help.hlp\0".to_vec()].concat(),
            hex("6F 00 00000000 01 0200 1122 0000"),
        ];
        let req_list = req_rops.concat();
        let resp_list = resp_rops.concat();
        let handles = [0x10];
        let req = execute_request(&req_list, &handles);
        let resp = execute_response(&resp_list, &handles);
        let (d, _) = decode_exchange(RequestType::Execute, Some(&req), Some(&resp));
        assert!(problems(&d).is_empty() && notes(&d).is_empty(), "{:?}", d.diagnostics);
        assert_eq!(lines(&d, "mapihttp.rop.request_index").len(), 8, "every response paired");
        assert_eq!(lines(&d, "mapihttp.rop.submitmessage.submitflags"), ["SubmitFlags: NeedsSpooler (0x02)"]);
        assert_eq!(lines(&d, "mapihttp.rop.getaddresstypes.addresstypecount"), ["AddressTypeCount: 2"]);
        assert_eq!(lines(&d, "mapihttp.rop.getaddresstypes.addresstypesize"), ["AddressTypeSize: 8 bytes"]);
        assert_eq!(lines(&d, "mapihttp.rop.getaddresstypes.addresstype"), ["AddressType: \"EX\"", "AddressType: \"SMTP\""]);
        assert_eq!(lines(&d, "mapihttp.rop.transportsend.nopropertiesreturned"), ["NoPropertiesReturned: False", "NoPropertiesReturned: True"]);
        assert_eq!(lines(&d, "mapihttp.rop.transportsend.propertyvaluecount"), ["PropertyValueCount: 1"]);
        assert_eq!(d.find_all("mapihttp.oxcdata.taggedpropertyvalue").count(), 1);
        assert_eq!(lines(&d, "mapihttp.rop.transportnewmail.messageid"), ["MessageId: 0001-00000E8EDF36"]);
        assert_eq!(lines(&d, "mapihttp.rop.transportnewmail.folderid"), ["FolderId: 0001-00000E915212"]);
        assert_eq!(lines(&d, "mapihttp.rop.transportnewmail.messageclass"), ["MessageClass: \"IPM.Note\""]);
        assert_eq!(lines(&d, "mapihttp.rop.transportnewmail.messageflags"), ["MessageFlags: 0x00000009 (mfRead, mfUnsent)"]);
        assert_eq!(lines(&d, "mapihttp.rop.gettransportfolder.folderid"), ["FolderId: 0001-00000E915212"]);
        assert_eq!(lines(&d, "mapihttp.rop.optionsdata.addresstype"), ["AddressType: \"EX\"", "AddressType: \"SMTP\""]);
        assert_eq!(lines(&d, "mapihttp.rop.optionsdata.wantwin32"), ["WantWin32: True", "WantWin32: False"]);
        assert_eq!(lines(&d, "mapihttp.rop.optionsdata.reserved"), ["Reserved: 0x01", "Reserved: 0x01"]);
        assert_eq!(lines(&d, "mapihttp.rop.optionsdata.optionsinfosize"), ["OptionsInfoSize: 0 bytes", "OptionsInfoSize: 2 bytes"]);
        assert_eq!(lines(&d, "mapihttp.rop.optionsdata.optionsinfo"), ["OptionsInfo: 1122"]);
        assert_eq!(lines(&d, "mapihttp.rop.optionsdata.helpfilesize"), ["HelpFileSize: 3 bytes", "HelpFileSize: 0 bytes"]);
        assert_eq!(lines(&d, "mapihttp.rop.optionsdata.helpfile"), ["HelpFile: aabbcc"]);
        assert_eq!(lines(&d, "mapihttp.rop.optionsdata.helpfilename"), ["HelpFileName: \"help.hlp\""]);

        sweep(&req_rops, &handles, true);
        sweep(&resp_rops, &handles, false);
    }

    /// Truncation sweep: every prefix of the whole body, and every prefix of the RopsList in a
    /// well-formed frame, decodes without panic; a cut inside a ROP reports an Error at or before the
    /// cut.
    fn sweep(rops: &[Vec<u8>], handles: &[u32], request: bool) {
        let list = rops.concat();
        let frame = |r: &[u8]| if request { execute_request(r, handles) } else { execute_response(r, handles) };
        let decode = |body: &[u8], min: Severity| {
            let (d, _) = if request {
                decode_exchange(RequestType::Execute, Some(body), None)
            } else {
                decode_exchange(RequestType::Execute, None, Some(body))
            };
            d.diagnostics.iter().filter(|x| x.severity >= min).map(|x| x.offset as usize).collect::<Vec<_>>()
        };
        // Whole bodies: an empty response body is only a Warning of the envelope layer.
        let body = frame(&list);
        for cut in 0..body.len() {
            let min = if cut == 0 { Severity::Warning } else { Severity::Error };
            let errs = decode(&body[..cut], min);
            assert!(errs.iter().any(|&o| o <= cut), "body cut {cut}: {errs:?}");
        }
        let mut bounds = vec![0usize];
        for r in rops {
            bounds.push(bounds.last().unwrap() + r.len());
        }
        let prefix = if request { REQ_PREFIX } else { RESP_PREFIX };
        for cut in 0..list.len() {
            let errs = decode(&frame(&list[..cut]), Severity::Error);
            if !bounds.contains(&cut) {
                assert!(errs.iter().any(|&o| o <= prefix + cut), "ROP list cut {cut}: {errs:?}");
            }
        }
    }

    /// The truncation sweep over the specification vectors and the failure responses.
    #[test]
    fn sweep_spec_vectors() {
        sweep(&[hex("32 00 02 00")], &[0x10, 0x11, 0x12], true);
        sweep(&[hex("32 02 00 00 00 00")], &[0x10, 0x11, 0x12], false);
        sweep(&[hex("34 00 00 01 00 00 03 b4 79 ca 47 01 00 00 03 b7 e6 5f a7")], &[0x10], true);
        sweep(&[hex("34 00 00 00 00 00")], &[0x10], false);
        sweep(&[hex("47 00 00"), hex("48 00 00 01 00 00 00 0E 8E DF 36 02")], &[0x10], true);
        sweep(&[hex("47 00 00 00 00 00"), hex("48 00 00 00 00 00")], &[0x10], false);
        sweep(&[hex("49 00 02010480"), hex("6D 00 02010480"), hex("4A 00 02010480"), hex("6F 00 02010480")], &[0x10], false);
    }

    /// Failure responses are the handle index and ReturnValue only; the next ROP still decodes.
    #[test]
    fn failure_responses() {
        let req = execute_request(&hex("49 00 00 6D 00 00 4A 00 00 6F 00 00 45 58 00 00"), &[0x10]);
        let resp = execute_response(&hex("49 00 02010480 6D 00 02010480 4A 00 02010480 6F 00 02010480"), &[0x10]);
        let (d, _) = decode_exchange(RequestType::Execute, Some(&req), Some(&resp));
        assert!(problems(&d).is_empty(), "{:?}", d.diagnostics);
        assert_eq!(notes(&d).len(), 4, "{:?}", d.diagnostics);
        assert_eq!(lines(&d, "mapihttp.rop.request_index").len(), 4);
        assert!(d.find("mapihttp.rop.gettransportfolder.folderid").is_none());
    }

    /// Hostile counts and sizes end in an Error without large allocations; a Reserved other than
    /// 0x01 is a Note.
    #[test]
    fn hostile_counts_and_odd_values() {
        for rops in [
            "49 00 00000000 FFFF 0400 45 58 00 00",   // AddressTypeCount 0xFFFF in 4 bytes
            "49 00 00000000 0100 FFFF 45 58 00",      // AddressTypeSize beyond the buffer
            "4A 00 00000000 00 FFFF 03 00 07 0E",     // PropertyValueCount 0xFFFF
            "6F 00 00000000 01 FFFF 00",              // OptionsInfoSize beyond the buffer
        ] {
            let body = execute_response(&hex(rops), &[0x10]);
            let (d, _) = decode_exchange(RequestType::Execute, None, Some(&body));
            assert!(d.diagnostics.iter().any(|x| x.severity == Severity::Error), "{rops}: {:?}", d.diagnostics);
            assert!(d.nodes.len() < 64, "{rops}: {} nodes", d.nodes.len());
        }
        let body = execute_response(&hex("6F 00 00000000 00 0000 0000"), &[0x10]);
        let (d, _) = decode_exchange(RequestType::Execute, None, Some(&body));
        assert_eq!(notes(&d), ["Reserved should be 0x01, got 0x00"]);
    }
}
