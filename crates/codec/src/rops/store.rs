//! [MS-OXCROPS] 2.2.3 Logon ROPs (details in [MS-OXCSTOR] 2.2.1): RopLogon (2.2.3.1),
//! RopGetReceiveFolder (2.2.3.2), RopSetReceiveFolder (2.2.3.3), RopGetReceiveFolderTable (2.2.3.4),
//! RopGetStoreState (2.2.3.5), RopGetOwningServers (2.2.3.6), RopPublicFolderIsGhosted (2.2.3.7),
//! RopLongTermIdFromId (2.2.3.8), RopIdFromLongTermId (2.2.3.9), RopGetPerUserLongTermIds
//! (2.2.3.10), RopGetPerUserGuid (2.2.3.11), RopReadPerUserInformation (2.2.3.12) and
//! RopWritePerUserInformation (2.2.3.13).
//!
//! Layout notes:
//! - RopLogon has three response forms ([MS-OXCROPS] 2.2.3.1.2–2.2.3.1.4): the private-mailbox and
//!   public-folders success forms, and the redirect form when ReturnValue is 0x00000478
//!   (ecWrongServer). [MS-OXCSTOR] 2.2.1.1.3/2.2.1.1.4 choose the success form by the Private bit of
//!   the *request's* LogonFlags and say the response echoes those flags unchanged; so the paired
//!   request decides (a disagreeing echo is a warning) and, unpaired, the echoed LogonFlags does.
//!   gromox chooses the same way (by the logon object's private bit).
//! - The 13 FolderIds are named after the lists of [MS-OXCSTOR] 2.2.1.1.3 (private) and 2.2.1.1.4
//!   (public), which describe them but give them no field names.
//! - GwartTime is "a numeric value that tracks the currency of the Gateway Address Routing Table"
//!   ([MS-OXCROPS] 2.2.3.1.2); gromox fills it with the FILETIME of the logon, so it is shown as a
//!   FILETIME.
//! - RopGetReceiveFolderTable rows have the fixed columns PidTagFolderId, PidTagMessageClass
//!   (PtypString8) and PidTagLastModificationTime ([MS-OXCSTOR] 2.2.1.4.2), as Standard- or
//!   FlaggedPropertyRows.
//! - RopWritePerUserInformation's ReplGuid is present only when DataOffset is 0 and the logon was
//!   created with the Private bit in its RopLogon request ([MS-OXCROPS] 2.2.3.13.1). The logon kind
//!   comes from a RopLogon earlier in the same request list, else from the session; when neither is
//!   known the GUID is taken as absent only if fewer than 16 bytes remain, otherwise decoding stops.

use alloc::format;
use alloc::string::String;
use alloc::vec;

use super::context::{ObjectKind, Rop};
use super::{req_in, resp_in, resp_out, Decoder, LOGON_ID, OUTPUT_HANDLE_INDEX};
use crate::build::{Builder, Cur, Stop, R};
use crate::oxcdata;
use crate::tree::{Disp, Field, NameTable, Severity, Value};

/// LogonFlags, [MS-OXCSTOR] 2.2.1.1.1.
pub static LOGON_FLAGS: NameTable = &[(0x01, "Private"), (0x02, "Undercover"), (0x04, "Ghosted"), (0x08, "SpoolerProcess")];

/// OpenFlags, [MS-OXCSTOR] 2.2.1.1.1 ([MS-OXODLGT] 4.1.1 shows 0x01000000 as CLI_WITH_PER_MDB_FIX).
pub static OPEN_FLAGS: NameTable = &[
    (0x0000_0001, "USE_ADMIN_PRIVILEGE"),
    (0x0000_0002, "PUBLIC"),
    (0x0000_0004, "HOME_LOGON"),
    (0x0000_0008, "TAKE_OWNERSHIP"),
    (0x0000_0100, "ALTERNATE_SERVER"),
    (0x0000_0200, "IGNORE_HOME_MDB"),
    (0x0000_0400, "NO_MAIL"),
    (0x0100_0000, "USE_PER_MDB_REPLID_MAPPING"),
    (0x2000_0000, "SUPPORT_PROGRESS"),
];

/// ResponseFlags of the private-mailbox RopLogon response, [MS-OXCSTOR] 2.2.1.1.3.
pub static RESPONSE_FLAGS: NameTable = &[(0x01, "Reserved"), (0x02, "OwnerRight"), (0x04, "SendAsRight"), (0x10, "OOF")];

/// LogonTime DayOfWeek, [MS-OXCROPS] 2.2.3.1.2.1 (Sunday = 0).
pub static DAYS_OF_WEEK: NameTable =
    &[(0, "Sunday"), (1, "Monday"), (2, "Tuesday"), (3, "Wednesday"), (4, "Thursday"), (5, "Friday"), (6, "Saturday")];

/// LogonTime Month, [MS-OXCROPS] 2.2.3.1.2.1 (January = 1).
pub static MONTHS: NameTable = &[
    (1, "January"),
    (2, "February"),
    (3, "March"),
    (4, "April"),
    (5, "May"),
    (6, "June"),
    (7, "July"),
    (8, "August"),
    (9, "September"),
    (10, "October"),
    (11, "November"),
    (12, "December"),
];

/// StoreState of RopGetStoreState, [MS-OXCSTOR] 2.2.1.5.2.
pub static STORE_STATE_FLAGS: NameTable = &[(0x0100_0000, "STORE_HAS_SEARCHES")];

/// The fixed columns of the Receive folder table, [MS-OXCSTOR] 2.2.1.4.2: PidTagFolderId
/// (PtypInteger64), PidTagMessageClass (PtypString8), PidTagLastModificationTime (PtypTime).
pub const RECEIVE_FOLDER_COLUMNS: [u32; 3] = [0x6748_0014, 0x001A_001E, 0x3008_0040];

/// RopId of RopLogon.
const ROP_LOGON: u8 = 0xFE;
/// ReturnValue ecWrongServer: the RopLogon redirect form.
const EC_WRONG_SERVER: u32 = 0x0000_0478;

crate::fields! {
    LOGON_LOGON_FLAGS: U8 [Disp::Flags(LOGON_FLAGS)] = "mapihttp.rop.logon.logonflags", "LogonFlags", "[MS-OXCROPS] 2.2.3.1.1 flags that control the logon ([MS-OXCSTOR] 2.2.1.1.1); responses echo them";
    LOGON_OPEN_FLAGS: U32 [Disp::Flags(OPEN_FLAGS)] = "mapihttp.rop.logon.openflags", "OpenFlags", "[MS-OXCROPS] 2.2.3.1.1 more flags that control the logon ([MS-OXCSTOR] 2.2.1.1.1)";
    LOGON_STORE_STATE: U32 [Disp::Hex] = "mapihttp.rop.logon.storestate", "StoreState", "[MS-OXCROPS] 2.2.3.1.1/2.2.3.1.2 a flags structure: not used, set to 0 in the request";
    LOGON_ESSDN_SIZE: U16 [Disp::Unit("bytes")] = "mapihttp.rop.logon.essdnsize", "EssdnSize", "[MS-OXCROPS] 2.2.3.1.1 the size of Essdn, terminating NUL included";
    LOGON_ESSDN: Str8 = "mapihttp.rop.logon.essdn", "Essdn", "[MS-OXCROPS] 2.2.3.1.1 NUL-terminated ASCII DN of the mailbox to log on to";
    LOGON_FOLDER_IDS: None = "mapihttp.rop.logon.folderids", "FolderIds", "[MS-OXCROPS] 2.2.3.1.2 the 13 special folders of the mailbox ([MS-OXCSTOR] 2.2.1.1.3)";
    PMB_ROOT: U64 [Disp::Fid] = "mapihttp.rop.logon.folderids.root", "Mailbox Root folder", "[MS-OXCSTOR] 2.2.1.1.3 FolderIds 1: all other folders listed are direct or indirect children of it";
    PMB_DEFERRED_ACTION: U64 [Disp::Fid] = "mapihttp.rop.logon.folderids.deferredaction", "Deferred Action", "[MS-OXCSTOR] 2.2.1.1.3 FolderIds 2: the Deferred Action folder";
    PMB_SPOOLER_QUEUE: U64 [Disp::Fid] = "mapihttp.rop.logon.folderids.spoolerqueue", "Spooler Queue", "[MS-OXCSTOR] 2.2.1.1.3 FolderIds 3: the Spooler Queue folder";
    PMB_IPM_SUBTREE: U64 [Disp::Fid] = "mapihttp.rop.logon.folderids.ipmsubtree", "Interpersonal messages subtree", "[MS-OXCSTOR] 2.2.1.1.3 FolderIds 4: root of the user-visible folder hierarchy";
    PMB_INBOX: U64 [Disp::Fid] = "mapihttp.rop.logon.folderids.inbox", "Inbox", "[MS-OXCSTOR] 2.2.1.1.3 FolderIds 5: the Inbox";
    PMB_OUTBOX: U64 [Disp::Fid] = "mapihttp.rop.logon.folderids.outbox", "Outbox", "[MS-OXCSTOR] 2.2.1.1.3 FolderIds 6: the Outbox";
    PMB_SENT_ITEMS: U64 [Disp::Fid] = "mapihttp.rop.logon.folderids.sentitems", "Sent Items", "[MS-OXCSTOR] 2.2.1.1.3 FolderIds 7: Sent Items";
    PMB_DELETED_ITEMS: U64 [Disp::Fid] = "mapihttp.rop.logon.folderids.deleteditems", "Deleted Items", "[MS-OXCSTOR] 2.2.1.1.3 FolderIds 8: Deleted Items";
    PMB_COMMON_VIEWS: U64 [Disp::Fid] = "mapihttp.rop.logon.folderids.commonviews", "Common Views", "[MS-OXCSTOR] 2.2.1.1.3 FolderIds 9: Common Views";
    PMB_SCHEDULE: U64 [Disp::Fid] = "mapihttp.rop.logon.folderids.schedule", "Schedule", "[MS-OXCSTOR] 2.2.1.1.3 FolderIds 10: Schedule";
    PMB_SEARCH: U64 [Disp::Fid] = "mapihttp.rop.logon.folderids.search", "Search", "[MS-OXCSTOR] 2.2.1.1.3 FolderIds 11: Search (search folders root)";
    PMB_VIEWS: U64 [Disp::Fid] = "mapihttp.rop.logon.folderids.views", "Views", "[MS-OXCSTOR] 2.2.1.1.3 FolderIds 12: Views";
    PMB_SHORTCUTS: U64 [Disp::Fid] = "mapihttp.rop.logon.folderids.shortcuts", "Shortcuts", "[MS-OXCSTOR] 2.2.1.1.3 FolderIds 13: Shortcuts";
    LOGON_PUBLIC_FOLDER_IDS: None = "mapihttp.rop.logon.publicfolderids", "FolderIds", "[MS-OXCROPS] 2.2.3.1.3 the 13 special folders of the public folders ([MS-OXCSTOR] 2.2.1.1.4)";
    PF_ROOT: U64 [Disp::Fid] = "mapihttp.rop.logon.publicfolderids.root", "Public Folders Root Folder", "[MS-OXCSTOR] 2.2.1.1.4 FolderIds 1: all other folders listed are direct or indirect children of it";
    PF_IPM_SUBTREE: U64 [Disp::Fid] = "mapihttp.rop.logon.publicfolderids.ipmsubtree", "Interpersonal messages subtree", "[MS-OXCSTOR] 2.2.1.1.4 FolderIds 2";
    PF_NON_IPM_SUBTREE: U64 [Disp::Fid] = "mapihttp.rop.logon.publicfolderids.nonipmsubtree", "Non-interpersonal messages subtree", "[MS-OXCSTOR] 2.2.1.1.4 FolderIds 3";
    PF_EFORMS_REGISTRY: U64 [Disp::Fid] = "mapihttp.rop.logon.publicfolderids.eformsregistry", "EForms Registry", "[MS-OXCSTOR] 2.2.1.1.4 FolderIds 4";
    PF_FREE_BUSY: U64 [Disp::Fid] = "mapihttp.rop.logon.publicfolderids.freebusydata", "Free/Busy Data", "[MS-OXCSTOR] 2.2.1.1.4 FolderIds 5";
    PF_OAB: U64 [Disp::Fid] = "mapihttp.rop.logon.publicfolderids.offlineaddressbookdata", "Offline address book Data", "[MS-OXCSTOR] 2.2.1.1.4 FolderIds 6";
    PF_LOCAL_EFORMS: U64 [Disp::Fid] = "mapihttp.rop.logon.publicfolderids.localeformsregistry", "EForms Registry for the user's locale", "[MS-OXCSTOR] 2.2.1.1.4 FolderIds 7";
    PF_LOCAL_FREE_BUSY: U64 [Disp::Fid] = "mapihttp.rop.logon.publicfolderids.localsitefreebusydata", "Local Site's Free/Busy Data", "[MS-OXCSTOR] 2.2.1.1.4 FolderIds 8";
    PF_LOCAL_OAB: U64 [Disp::Fid] = "mapihttp.rop.logon.publicfolderids.localsiteoabdata", "Local Site's Offline Address Book Data", "[MS-OXCSTOR] 2.2.1.1.4 FolderIds 9";
    PF_NNTP: U64 [Disp::Fid] = "mapihttp.rop.logon.publicfolderids.nntparticleindex", "NNTP Article Index", "[MS-OXCSTOR] 2.2.1.1.4 FolderIds 10";
    PF_EMPTY1: U64 [Disp::Fid] = "mapihttp.rop.logon.publicfolderids.empty1", "Empty", "[MS-OXCSTOR] 2.2.1.1.4 FolderIds 11: unused";
    PF_EMPTY2: U64 [Disp::Fid] = "mapihttp.rop.logon.publicfolderids.empty2", "Empty", "[MS-OXCSTOR] 2.2.1.1.4 FolderIds 12: unused";
    PF_EMPTY3: U64 [Disp::Fid] = "mapihttp.rop.logon.publicfolderids.empty3", "Empty", "[MS-OXCSTOR] 2.2.1.1.4 FolderIds 13: unused";
    LOGON_RESPONSE_FLAGS: U8 [Disp::Flags(RESPONSE_FLAGS)] = "mapihttp.rop.logon.responseflags", "ResponseFlags", "[MS-OXCROPS] 2.2.3.1.2 the state of the mailbox ([MS-OXCSTOR] 2.2.1.1.3)";
    LOGON_MAILBOX_GUID: Guid = "mapihttp.rop.logon.mailboxguid", "MailboxGuid", "[MS-OXCROPS] 2.2.3.1.2 identifies the mailbox logged on to";
    LOGON_REPL_ID: U16 [Disp::Hex] = "mapihttp.rop.logon.replid", "ReplId", "[MS-OXCROPS] 2.2.3.1.2/2.2.3.1.3 the replica ID of the logon (short form of ReplGuid)";
    LOGON_REPL_GUID: Guid = "mapihttp.rop.logon.replguid", "ReplGuid", "[MS-OXCROPS] 2.2.3.1.2/2.2.3.1.3 the replica GUID that ReplId stands for";
    LOGON_TIME: Text = "mapihttp.rop.logon.logontime", "LogonTime", "[MS-OXCROPS] 2.2.3.1.2.1 when the logon occurred";
    LOGON_TIME_SECONDS: U8 = "mapihttp.rop.logon.logontime.seconds", "Seconds", "[MS-OXCROPS] 2.2.3.1.2.1 the current second";
    LOGON_TIME_MINUTES: U8 = "mapihttp.rop.logon.logontime.minutes", "Minutes", "[MS-OXCROPS] 2.2.3.1.2.1 the current minute";
    LOGON_TIME_HOUR: U8 = "mapihttp.rop.logon.logontime.hour", "Hour", "[MS-OXCROPS] 2.2.3.1.2.1 the current hour";
    LOGON_TIME_DAY_OF_WEEK: U8 [Disp::Names(DAYS_OF_WEEK)] = "mapihttp.rop.logon.logontime.dayofweek", "DayOfWeek", "[MS-OXCROPS] 2.2.3.1.2.1 the current day of the week (Sunday = 0)";
    LOGON_TIME_DAY: U8 = "mapihttp.rop.logon.logontime.day", "Day", "[MS-OXCROPS] 2.2.3.1.2.1 the current day of the month";
    LOGON_TIME_MONTH: U8 [Disp::Names(MONTHS)] = "mapihttp.rop.logon.logontime.month", "Month", "[MS-OXCROPS] 2.2.3.1.2.1 the current month (January = 1)";
    LOGON_TIME_YEAR: U16 = "mapihttp.rop.logon.logontime.year", "Year", "[MS-OXCROPS] 2.2.3.1.2.1 the current year";
    LOGON_GWART_TIME: FileTime = "mapihttp.rop.logon.gwarttime", "GwartTime", "[MS-OXCROPS] 2.2.3.1.2 tracks the currency of the Gateway Address Routing Table (a FILETIME in gromox)";
    LOGON_PER_USER_GUID: Guid = "mapihttp.rop.logon.peruserguid", "PerUserGuid", "[MS-OXCROPS] 2.2.3.1.3 not used; the server should send all zeroes";
    LOGON_SERVER_NAME_SIZE: U8 [Disp::Unit("bytes")] = "mapihttp.rop.logon.servernamesize", "ServerNameSize", "[MS-OXCROPS] 2.2.3.1.4 the size of ServerName, terminating NUL included";
    LOGON_SERVER_NAME: Str8 = "mapihttp.rop.logon.servername", "ServerName", "[MS-OXCROPS] 2.2.3.1.4 NUL-terminated ASCII name of the server to connect to instead";

    GRF_MESSAGE_CLASS: Str8 = "mapihttp.rop.getreceivefolder.messageclass", "MessageClass", "[MS-OXCROPS] 2.2.3.2.1 NUL-terminated ASCII message class to look up ([MS-OXCSTOR] 2.2.1.2.1)";
    GRF_FOLDER_ID: U64 [Disp::Fid] = "mapihttp.rop.getreceivefolder.folderid", "FolderId", "[MS-OXCROPS] 2.2.3.2.2 the Receive folder for the message class";
    GRF_EXPLICIT_MESSAGE_CLASS: Str8 = "mapihttp.rop.getreceivefolder.explicitmessageclass", "ExplicitMessageClass", "[MS-OXCROPS] 2.2.3.2.2 the message class actually configured for delivery to the folder";
    SRF_FOLDER_ID: U64 [Disp::Fid] = "mapihttp.rop.setreceivefolder.folderid", "FolderId", "[MS-OXCROPS] 2.2.3.3.1 the folder to make the Receive folder (0 deletes the setting)";
    SRF_MESSAGE_CLASS: Str8 = "mapihttp.rop.setreceivefolder.messageclass", "MessageClass", "[MS-OXCROPS] 2.2.3.3.1 NUL-terminated ASCII message class to deliver to the folder";
    GRFT_ROW_COUNT: U32 = "mapihttp.rop.getreceivefoldertable.rowcount", "RowCount", "[MS-OXCROPS] 2.2.3.4.2 the number of rows in Rows";
    GRFT_ROWS: None = "mapihttp.rop.getreceivefoldertable.rows", "Rows", "[MS-OXCROPS] 2.2.3.4.2 PropertyRows over PidTagFolderId, PidTagMessageClass, PidTagLastModificationTime ([MS-OXCSTOR] 2.2.1.4.2)";
    GSS_STORE_STATE: U32 [Disp::Flags(STORE_STATE_FLAGS)] = "mapihttp.rop.getstorestate.storestate", "StoreState", "[MS-OXCROPS] 2.2.3.5.2 the state of the mailbox ([MS-OXCSTOR] 2.2.1.5.2)";
    GOS_FOLDER_ID: U64 [Disp::Fid] = "mapihttp.rop.getowningservers.folderid", "FolderId", "[MS-OXCROPS] 2.2.3.6.1 the folder whose owning servers are asked for";
    GOS_OWNING_SERVERS_COUNT: U16 = "mapihttp.rop.getowningservers.owningserverscount", "OwningServersCount", "[MS-OXCROPS] 2.2.3.6.2 the number of strings in OwningServers";
    GOS_CHEAP_SERVERS_COUNT: U16 = "mapihttp.rop.getowningservers.cheapserverscount", "CheapServersCount", "[MS-OXCROPS] 2.2.3.6.2 how many of OwningServers are lowest-cost servers";
    GOS_OWNING_SERVERS: Str8 = "mapihttp.rop.getowningservers.owningservers", "OwningServers", "[MS-OXCROPS] 2.2.3.6.2 a server with a replica of the folder (NUL-terminated ASCII)";
    PFG_FOLDER_ID: U64 [Disp::Fid] = "mapihttp.rop.publicfolderisghosted.folderid", "FolderId", "[MS-OXCROPS] 2.2.3.7.1 the folder to check";
    PFG_IS_GHOSTED: Bool = "mapihttp.rop.publicfolderisghosted.isghosted", "IsGhosted", "[MS-OXCROPS] 2.2.3.7.2 whether the folder is a ghosted folder";
    PFG_SERVERS_COUNT: U16 = "mapihttp.rop.publicfolderisghosted.serverscount", "ServersCount", "[MS-OXCROPS] 2.2.3.7.2 the number of strings in Servers (present if IsGhosted)";
    PFG_CHEAP_SERVERS_COUNT: U16 = "mapihttp.rop.publicfolderisghosted.cheapserverscount", "CheapServersCount", "[MS-OXCROPS] 2.2.3.7.2 how many of Servers are lowest-cost servers (present if IsGhosted)";
    PFG_SERVERS: Str8 = "mapihttp.rop.publicfolderisghosted.servers", "Servers", "[MS-OXCROPS] 2.2.3.7.2 a server with a replica of the folder (NUL-terminated ASCII)";
    LTFI_OBJECT_ID: U64 [Disp::Fid] = "mapihttp.rop.longtermidfromid.objectid", "ObjectId", "[MS-OXCROPS] 2.2.3.8.1 the short-term ID (FID or MID) to convert";
    LTFI_LONG_TERM_ID: Text = "mapihttp.rop.longtermidfromid.longtermid", "LongTermId", "[MS-OXCROPS] 2.2.3.8.2 the LongTermID converted from ObjectId ([MS-OXCDATA] 2.2.1.3.1)";
    IFLT_LONG_TERM_ID: Text = "mapihttp.rop.idfromlongtermid.longtermid", "LongTermId", "[MS-OXCROPS] 2.2.3.9.1 the LongTermID to convert ([MS-OXCDATA] 2.2.1.3.1)";
    IFLT_OBJECT_ID: U64 [Disp::Fid] = "mapihttp.rop.idfromlongtermid.objectid", "ObjectId", "[MS-OXCROPS] 2.2.3.9.2 the short-term ID converted from LongTermId";
    GPULT_DATABASE_GUID: Guid = "mapihttp.rop.getperuserlongtermids.databaseguid", "DatabaseGuid", "[MS-OXCROPS] 2.2.3.10.1 the public folder database whose per-user entries are asked for";
    GPULT_LONG_TERM_ID_COUNT: U16 = "mapihttp.rop.getperuserlongtermids.longtermidcount", "LongTermIdCount", "[MS-OXCROPS] 2.2.3.10.2 the number of LongTermIds";
    GPULT_LONG_TERM_IDS: Text = "mapihttp.rop.getperuserlongtermids.longtermids", "LongTermIds", "[MS-OXCROPS] 2.2.3.10.2 a folder the user has per-user information about ([MS-OXCDATA] 2.2.1.3.1)";
    GPUG_LONG_TERM_ID: Text = "mapihttp.rop.getperuserguid.longtermid", "LongTermId", "[MS-OXCROPS] 2.2.3.11.1 the public folder whose per-user database is asked for";
    GPUG_DATABASE_GUID: Guid = "mapihttp.rop.getperuserguid.databaseguid", "DatabaseGuid", "[MS-OXCROPS] 2.2.3.11.2 the database for which per-user information was obtained";
    RPUI_FOLDER_ID: Text = "mapihttp.rop.readperuserinformation.folderid", "FolderId", "[MS-OXCROPS] 2.2.3.12.1 LongTermID of the folder to read per-user information for";
    RPUI_RESERVED: U8 [Disp::Hex] = "mapihttp.rop.readperuserinformation.reserved", "Reserved", "[MS-OXCROPS] 2.2.3.12.1 not used; set to 0x00";
    RPUI_DATA_OFFSET: U32 = "mapihttp.rop.readperuserinformation.dataoffset", "DataOffset", "[MS-OXCROPS] 2.2.3.12.1 where to start reading in the per-user information stream";
    RPUI_MAX_DATA_SIZE: U16 [Disp::Unit("bytes")] = "mapihttp.rop.readperuserinformation.maxdatasize", "MaxDataSize", "[MS-OXCROPS] 2.2.3.12.1 the most bytes to return (0: the server's default)";
    RPUI_HAS_FINISHED: Bool = "mapihttp.rop.readperuserinformation.hasfinished", "HasFinished", "[MS-OXCROPS] 2.2.3.12.2 whether the end of the per-user information stream was reached";
    RPUI_DATA_SIZE: U16 [Disp::Unit("bytes")] = "mapihttp.rop.readperuserinformation.datasize", "DataSize", "[MS-OXCROPS] 2.2.3.12.2 the size of Data";
    RPUI_DATA: Bytes = "mapihttp.rop.readperuserinformation.data", "Data", "[MS-OXCROPS] 2.2.3.12.2 per-user data: a serialized CNSET ([MS-OXCSTOR] 2.2.1.12.2)";
    WPUI_FOLDER_ID: Text = "mapihttp.rop.writeperuserinformation.folderid", "FolderId", "[MS-OXCROPS] 2.2.3.13.1 LongTermID of the folder to write per-user information for";
    WPUI_HAS_FINISHED: Bool = "mapihttp.rop.writeperuserinformation.hasfinished", "HasFinished", "[MS-OXCROPS] 2.2.3.13.1 whether this is the end of the per-user information stream";
    WPUI_DATA_OFFSET: U32 = "mapihttp.rop.writeperuserinformation.dataoffset", "DataOffset", "[MS-OXCROPS] 2.2.3.13.1 where to start writing in the per-user information stream";
    WPUI_DATA_SIZE: U16 [Disp::Unit("bytes")] = "mapihttp.rop.writeperuserinformation.datasize", "DataSize", "[MS-OXCROPS] 2.2.3.13.1 the size of Data";
    WPUI_DATA: Bytes = "mapihttp.rop.writeperuserinformation.data", "Data", "[MS-OXCROPS] 2.2.3.13.1 the per-user data to write";
    WPUI_REPL_GUID: Guid = "mapihttp.rop.writeperuserinformation.replguid", "ReplGuid", "[MS-OXCROPS] 2.2.3.13.1 present when DataOffset is 0 and the logon is a private mailbox logon";
}

/// Private-mailbox FolderIds in wire order, [MS-OXCSTOR] 2.2.1.1.3.
static PRIVATE_FOLDERS: [&Field; 13] = [
    &PMB_ROOT,
    &PMB_DEFERRED_ACTION,
    &PMB_SPOOLER_QUEUE,
    &PMB_IPM_SUBTREE,
    &PMB_INBOX,
    &PMB_OUTBOX,
    &PMB_SENT_ITEMS,
    &PMB_DELETED_ITEMS,
    &PMB_COMMON_VIEWS,
    &PMB_SCHEDULE,
    &PMB_SEARCH,
    &PMB_VIEWS,
    &PMB_SHORTCUTS,
];

/// Public-folders FolderIds in wire order, [MS-OXCSTOR] 2.2.1.1.4.
static PUBLIC_FOLDERS: [&Field; 13] = [
    &PF_ROOT,
    &PF_IPM_SUBTREE,
    &PF_NON_IPM_SUBTREE,
    &PF_EFORMS_REGISTRY,
    &PF_FREE_BUSY,
    &PF_OAB,
    &PF_LOCAL_EFORMS,
    &PF_LOCAL_FREE_BUSY,
    &PF_LOCAL_OAB,
    &PF_NNTP,
    &PF_EMPTY1,
    &PF_EMPTY2,
    &PF_EMPTY3,
];

/// The decoders of this family, one row per ROP.
pub static DECODERS: &[Decoder] = &[
    crate::rop!(0xFE, Some(logon_req), Some(logon_resp)),
    crate::rop!(0x27, Some(get_receive_folder_req), Some(get_receive_folder_resp)),
    crate::rop!(0x26, Some(set_receive_folder_req), Some(header_only_resp)),
    crate::rop!(0x68, Some(req_in), Some(get_receive_folder_table_resp)),
    crate::rop!(0x7B, Some(req_in), Some(get_store_state_resp)),
    crate::rop!(0x42, Some(get_owning_servers_req), Some(get_owning_servers_resp)),
    crate::rop!(0x45, Some(public_folder_is_ghosted_req), Some(public_folder_is_ghosted_resp)),
    crate::rop!(0x43, Some(long_term_id_from_id_req), Some(long_term_id_from_id_resp)),
    crate::rop!(0x44, Some(id_from_long_term_id_req), Some(id_from_long_term_id_resp)),
    crate::rop!(0x60, Some(get_per_user_long_term_ids_req), Some(get_per_user_long_term_ids_resp)),
    crate::rop!(0x61, Some(get_per_user_guid_req), Some(get_per_user_guid_resp)),
    crate::rop!(0x63, Some(read_per_user_information_req), Some(read_per_user_information_resp)),
    crate::rop!(0x64, Some(write_per_user_information_req), Some(header_only_resp)),
];

/// Responses that are InputHandleIndex + ReturnValue only (RopSetReceiveFolder,
/// RopWritePerUserInformation).
fn header_only_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    resp_in(b, c, x).map(|_| ())
}

/// Whether the logon `logon_id` was made with the Private bit: a RopLogon request earlier in this
/// request list first (its LogonFlags is kept in `values[0]`), then the session's record.
pub fn logon_is_private(x: &Rop<'_>, logon_id: u8) -> Option<bool> {
    let here = x.ctx.exec.requests.iter().rev().find(|r| r.rop_id == ROP_LOGON && r.logon_id == Some(logon_id));
    match here {
        Some(r) => r.values.first().map(|&f| f & 0x01 != 0),
        None => x.logon_private(logon_id),
    }
}

/// A NUL-terminated 8-bit string of exactly `size` bytes (the size counts the NUL); a missing NUL is
/// a warning.
fn sized_str8(b: &mut Builder<'_>, c: &mut Cur<'_>, f: &'static Field, size: usize) -> R<()> {
    if size == 0 {
        return Ok(());
    }
    let s = b.str8n(c, f, size)?;
    if s.last() != Some(&0) {
        let msg = format!("{} is not NUL-terminated within its {size} bytes", f.name);
        b.diag(Severity::Warning, msg, c.src(), c.pos().saturating_sub(size), size);
    }
    Ok(())
}

/// 2.2.3.1.1: LogonId, OutputHandleIndex, LogonFlags, OpenFlags, StoreState, EssdnSize, Essdn.
/// The request's LogonFlags is kept in `values[0]` for the response and for later ROPs.
fn logon_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    x.info.logon_id = Some(b.u8(c, &LOGON_ID)?);
    x.info.output_index = Some(b.u8(c, &OUTPUT_HANDLE_INDEX)?);
    let flags = b.u8(c, &LOGON_LOGON_FLAGS)?;
    x.info.values = vec![u64::from(flags)];
    b.u32(c, &LOGON_OPEN_FLAGS)?;
    let state = b.u32(c, &LOGON_STORE_STATE)?;
    if state != 0 {
        let msg = format!("StoreState must be 0x00000000 in a request, got 0x{state:08X}");
        b.diag(Severity::Note, msg, c.src(), c.pos().saturating_sub(4), 4);
    }
    let size = usize::from(b.u16(c, &LOGON_ESSDN_SIZE)?);
    sized_str8(b, c, &LOGON_ESSDN, size)
}

/// 2.2.3.1.2 / 2.2.3.1.3 / 2.2.3.1.4: the private-mailbox or public-folders success form, the
/// redirect form on 0x478, or the failure form. A successful logon is remembered in the session.
fn logon_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    let echoed_index = c.peek_u8();
    let rv = resp_out(b, c, x)?;
    if rv == EC_WRONG_SERVER {
        b.u8(c, &LOGON_LOGON_FLAGS)?;
        let size = usize::from(b.u8(c, &LOGON_SERVER_NAME_SIZE)?);
        return sized_str8(b, c, &LOGON_SERVER_NAME, size);
    }
    if rv != 0 {
        return Ok(());
    }
    let echoed = b.u8(c, &LOGON_LOGON_FLAGS)?;
    let requested = if x.paired { x.info.values.first().map(|&v| v as u8) } else { None };
    let flags = match requested {
        Some(r) => {
            if (r ^ echoed) & 0x01 != 0 {
                let msg = format!(
                    "LogonFlags 0x{echoed:02X} differs from the request's 0x{r:02X} in the Private bit: the request's decides the layout"
                );
                b.diag(Severity::Warning, msg, c.src(), c.pos().saturating_sub(1), 1);
            }
            r
        }
        None => echoed,
    };
    if flags & 0x01 != 0 {
        private_logon_body(b, c)?;
    } else {
        public_logon_body(b, c)?;
    }
    match x.info.logon_id {
        Some(id) if x.paired => {
            x.ctx.session.logons.insert(id, flags);
        }
        _ => {
            let msg = "no paired RopLogon request: the LogonId is unknown, so this logon is not remembered";
            b.diag(Severity::Note, msg, c.src(), c.pos(), 0);
        }
    }
    if let Some(i) = x.info.output_index.or(echoed_index) {
        x.created(i, ObjectKind::Logon);
    }
    Ok(())
}

fn folder_ids(b: &mut Builder<'_>, c: &mut Cur<'_>, group: &'static Field, names: &[&'static Field; 13]) -> R<()> {
    b.group(c, group, |b, c| {
        for f in names {
            oxcdata::folder_id(b, c, f)?;
        }
        Ok(())
    })
}

/// 2.2.3.1.2 after LogonFlags.
fn private_logon_body(b: &mut Builder<'_>, c: &mut Cur<'_>) -> R<()> {
    folder_ids(b, c, &LOGON_FOLDER_IDS, &PRIVATE_FOLDERS)?;
    let rf = b.u8(c, &LOGON_RESPONSE_FLAGS)?;
    if rf & 0x01 == 0 {
        b.diag(Severity::Note, "ResponseFlags: the Reserved bit (0x01) must be set", c.src(), c.pos().saturating_sub(1), 1);
    }
    b.guid(c, &LOGON_MAILBOX_GUID)?;
    b.u16(c, &LOGON_REPL_ID)?;
    b.guid(c, &LOGON_REPL_GUID)?;
    logon_time(b, c)?;
    b.u64(c, &LOGON_GWART_TIME)?;
    b.u32(c, &LOGON_STORE_STATE)?;
    Ok(())
}

/// 2.2.3.1.3 after LogonFlags.
fn public_logon_body(b: &mut Builder<'_>, c: &mut Cur<'_>) -> R<()> {
    folder_ids(b, c, &LOGON_PUBLIC_FOLDER_IDS, &PUBLIC_FOLDERS)?;
    b.u16(c, &LOGON_REPL_ID)?;
    b.guid(c, &LOGON_REPL_GUID)?;
    b.guid(c, &LOGON_PER_USER_GUID)?;
    Ok(())
}

/// 2.2.3.1.2.1 LogonTime, with a `YYYY-MM-DD hh:mm:ss (Weekday)` summary.
fn logon_time(b: &mut Builder<'_>, c: &mut Cur<'_>) -> R<()> {
    let start = c.pos();
    let idx = b.open(&LOGON_TIME, c.src(), start)?;
    let r: R<String> = (|| {
        let s = b.u8(c, &LOGON_TIME_SECONDS)?;
        let m = b.u8(c, &LOGON_TIME_MINUTES)?;
        let h = b.u8(c, &LOGON_TIME_HOUR)?;
        let dow = b.u8(c, &LOGON_TIME_DAY_OF_WEEK)?;
        let d = b.u8(c, &LOGON_TIME_DAY)?;
        let mo = b.u8(c, &LOGON_TIME_MONTH)?;
        let y = b.u16(c, &LOGON_TIME_YEAR)?;
        let day = crate::tree::lookup(DAYS_OF_WEEK, dow.into()).unwrap_or("unknown day");
        Ok(format!("{y:04}-{mo:02}-{d:02} {h:02}:{m:02}:{s:02} ({day})"))
    })();
    if let Ok(text) = &r {
        b.set_value(idx, Value::Text(text.as_str().into()));
    }
    b.close(idx, c.pos().saturating_sub(start));
    r.map(|_| ())
}

/// 2.2.3.2.1: MessageClass.
fn get_receive_folder_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in(b, c, x)?;
    b.str8z(c, &GRF_MESSAGE_CLASS)?;
    Ok(())
}

/// 2.2.3.2.2: FolderId, ExplicitMessageClass.
fn get_receive_folder_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    if resp_in(b, c, x)? == 0 {
        oxcdata::folder_id(b, c, &GRF_FOLDER_ID)?;
        b.str8z(c, &GRF_EXPLICIT_MESSAGE_CLASS)?;
    }
    Ok(())
}

/// 2.2.3.3.1: FolderId, MessageClass.
fn set_receive_folder_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in(b, c, x)?;
    oxcdata::folder_id(b, c, &SRF_FOLDER_ID)?;
    b.str8z(c, &SRF_MESSAGE_CLASS)?;
    Ok(())
}

/// 2.2.3.4.2: RowCount, Rows over the fixed columns of [MS-OXCSTOR] 2.2.1.4.2.
fn get_receive_folder_table_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    if resp_in(b, c, x)? != 0 {
        return Ok(());
    }
    let n = b.u32(c, &GRFT_ROW_COUNT)?;
    // The smallest row is a FlaggedPropertyRow whose three values are all absent: Flag + 3 flags.
    let n = b.check_count(c, &GRFT_ROW_COUNT, n.into(), 4)?;
    if n > 0 {
        b.group(c, &GRFT_ROWS, |b, c| {
            for _ in 0..n {
                oxcdata::property_row(b, c, &RECEIVE_FOLDER_COLUMNS)?;
            }
            Ok(())
        })?;
    }
    Ok(())
}

/// 2.2.3.5.2: StoreState.
fn get_store_state_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    if resp_in(b, c, x)? == 0 {
        b.u32(c, &GSS_STORE_STATE)?;
    }
    Ok(())
}

/// 2.2.3.6.1: FolderId.
fn get_owning_servers_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in(b, c, x)?;
    oxcdata::folder_id(b, c, &GOS_FOLDER_ID)?;
    Ok(())
}

/// A server list: count, cheap count, and `count` NUL-terminated ASCII strings (each at least the
/// NUL). Shared with the folder family's ghosted-folder responses.
pub fn server_list(
    b: &mut Builder<'_>,
    c: &mut Cur<'_>,
    count: &'static Field,
    cheap: &'static Field,
    server: &'static Field,
) -> R<()> {
    let n = b.u16(c, count)?;
    let k = b.u16(c, cheap)?;
    if k > n {
        let msg = format!("{} {k} exceeds {} {n}", cheap.name, count.name);
        b.diag(Severity::Warning, msg, c.src(), c.pos().saturating_sub(2), 2);
    }
    let n = b.check_count(c, count, n.into(), 1)?;
    for _ in 0..n {
        b.str8z(c, server)?;
    }
    Ok(())
}

/// 2.2.3.6.2: OwningServersCount, CheapServersCount, OwningServers.
fn get_owning_servers_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    if resp_in(b, c, x)? == 0 {
        server_list(b, c, &GOS_OWNING_SERVERS_COUNT, &GOS_CHEAP_SERVERS_COUNT, &GOS_OWNING_SERVERS)?;
    }
    Ok(())
}

/// 2.2.3.7.1: FolderId.
fn public_folder_is_ghosted_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in(b, c, x)?;
    oxcdata::folder_id(b, c, &PFG_FOLDER_ID)?;
    Ok(())
}

/// 2.2.3.7.2: IsGhosted, and when it is nonzero ServersCount, CheapServersCount, Servers.
fn public_folder_is_ghosted_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    if resp_in(b, c, x)? == 0 && b.bool8(c, &PFG_IS_GHOSTED)? {
        server_list(b, c, &PFG_SERVERS_COUNT, &PFG_CHEAP_SERVERS_COUNT, &PFG_SERVERS)?;
    }
    Ok(())
}

/// 2.2.3.8.1: ObjectId.
fn long_term_id_from_id_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in(b, c, x)?;
    oxcdata::folder_id(b, c, &LTFI_OBJECT_ID)?;
    Ok(())
}

/// 2.2.3.8.2: LongTermId.
fn long_term_id_from_id_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    if resp_in(b, c, x)? == 0 {
        oxcdata::long_term_id(b, c, &LTFI_LONG_TERM_ID)?;
    }
    Ok(())
}

/// 2.2.3.9.1: LongTermId.
fn id_from_long_term_id_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in(b, c, x)?;
    oxcdata::long_term_id(b, c, &IFLT_LONG_TERM_ID)
}

/// 2.2.3.9.2: ObjectId.
fn id_from_long_term_id_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    if resp_in(b, c, x)? == 0 {
        oxcdata::folder_id(b, c, &IFLT_OBJECT_ID)?;
    }
    Ok(())
}

/// 2.2.3.10.1: DatabaseGuid.
fn get_per_user_long_term_ids_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in(b, c, x)?;
    b.guid(c, &GPULT_DATABASE_GUID)?;
    Ok(())
}

/// 2.2.3.10.2: LongTermIdCount, LongTermIds (24 bytes each).
fn get_per_user_long_term_ids_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    if resp_in(b, c, x)? != 0 {
        return Ok(());
    }
    let n = b.u16(c, &GPULT_LONG_TERM_ID_COUNT)?;
    let n = b.check_count(c, &GPULT_LONG_TERM_ID_COUNT, n.into(), 24)?;
    for _ in 0..n {
        oxcdata::long_term_id(b, c, &GPULT_LONG_TERM_IDS)?;
    }
    Ok(())
}

/// 2.2.3.11.1: LongTermId.
fn get_per_user_guid_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in(b, c, x)?;
    oxcdata::long_term_id(b, c, &GPUG_LONG_TERM_ID)
}

/// 2.2.3.11.2: DatabaseGuid.
fn get_per_user_guid_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    if resp_in(b, c, x)? == 0 {
        b.guid(c, &GPUG_DATABASE_GUID)?;
    }
    Ok(())
}

/// 2.2.3.12.1: FolderId (LongTermID), Reserved, DataOffset, MaxDataSize.
fn read_per_user_information_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in(b, c, x)?;
    oxcdata::long_term_id(b, c, &RPUI_FOLDER_ID)?;
    let reserved = b.u8(c, &RPUI_RESERVED)?;
    if reserved != 0 {
        let msg = format!("Reserved must be 0x00, got 0x{reserved:02X}");
        b.diag(Severity::Note, msg, c.src(), c.pos().saturating_sub(1), 1);
    }
    b.u32(c, &RPUI_DATA_OFFSET)?;
    b.u16(c, &RPUI_MAX_DATA_SIZE)?;
    Ok(())
}

/// 2.2.3.12.2: HasFinished, DataSize, Data.
fn read_per_user_information_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    if resp_in(b, c, x)? != 0 {
        return Ok(());
    }
    b.bool8(c, &RPUI_HAS_FINISHED)?;
    let n = usize::from(b.u16(c, &RPUI_DATA_SIZE)?);
    if n > 0 {
        b.bytes(c, &RPUI_DATA, n)?;
    }
    Ok(())
}

/// 2.2.3.13.1: FolderId (LongTermID), HasFinished, DataOffset, DataSize, Data, and ReplGuid when
/// DataOffset is 0 and the logon is private.
fn write_per_user_information_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in(b, c, x)?;
    oxcdata::long_term_id(b, c, &WPUI_FOLDER_ID)?;
    b.bool8(c, &WPUI_HAS_FINISHED)?;
    let offset = b.u32(c, &WPUI_DATA_OFFSET)?;
    let n = usize::from(b.u16(c, &WPUI_DATA_SIZE)?);
    if n > 0 {
        b.bytes(c, &WPUI_DATA, n)?;
    }
    if offset != 0 {
        return Ok(());
    }
    let id = x.info.logon_id.unwrap_or(0);
    match logon_is_private(x, id) {
        Some(true) => {
            b.guid(c, &WPUI_REPL_GUID)?;
        }
        Some(false) => {}
        None => {
            let left = c.left();
            if left < 16 {
                let msg = format!(
                    "logon kind unknown (no RopLogon seen for LogonId {id}): ReplGuid taken as absent, since only {left} bytes remain"
                );
                b.diag_at(c, Severity::Note, msg, 0);
            } else {
                let msg = format!(
                    "logon kind unknown (no RopLogon seen for LogonId {id}): whether a 16-byte ReplGuid follows cannot be decided"
                );
                b.diag_at(c, Severity::Note, msg, 0);
                return Err(Stop);
            }
        }
    }
    Ok(())
}

/// Test helpers shared with the folder family's tests.
#[cfg(test)]
pub(crate) mod tests {
    use alloc::string::String;
    use alloc::vec;
    use alloc::vec::Vec;

    use super::super::context::ObjectKind;
    use crate::display::display_line;
    use crate::tree::{Dissection, Severity};
    use crate::{decode_exchange, decode_exchange_in, RequestType, Session};

    /// Flags(3) | RopBufferSize | RPC_HEADER_EXT | RopSize, ROPs, handles | MaxRopOut | AuxiliaryBufferSize.
    pub(crate) fn request(rops: &[u8], handles: &[u32]) -> Vec<u8> {
        let payload = payload(rops, handles);
        let mut body = 3u32.to_le_bytes().to_vec();
        body.extend_from_slice(&((payload.len() + 8) as u32).to_le_bytes());
        header_ext(&mut body, &payload);
        body.extend_from_slice(&0x40000u32.to_le_bytes());
        body.extend_from_slice(&0u32.to_le_bytes());
        body
    }

    /// StatusCode | ErrorCode | Flags | RopBufferSize | RPC_HEADER_EXT | payload | AuxiliaryBufferSize.
    pub(crate) fn response(rops: &[u8], handles: &[u32]) -> Vec<u8> {
        let payload = payload(rops, handles);
        let mut body = [0u8; 12].to_vec();
        body.extend_from_slice(&((payload.len() + 8) as u32).to_le_bytes());
        header_ext(&mut body, &payload);
        body.extend_from_slice(&0u32.to_le_bytes());
        body
    }

    /// Offset of the first ROP byte in `request` and `response` bodies.
    pub(crate) const REQ_ROPS_AT: usize = 18;
    pub(crate) const RESP_ROPS_AT: usize = 26;

    fn payload(rops: &[u8], handles: &[u32]) -> Vec<u8> {
        let mut p = ((rops.len() + 2) as u16).to_le_bytes().to_vec();
        p.extend_from_slice(rops);
        for h in handles {
            p.extend_from_slice(&h.to_le_bytes());
        }
        p
    }

    fn header_ext(body: &mut Vec<u8>, payload: &[u8]) {
        for v in [0u16, 0x0004, payload.len() as u16, payload.len() as u16] {
            body.extend_from_slice(&v.to_le_bytes());
        }
        body.extend_from_slice(payload);
    }

    pub(crate) fn hex(s: &str) -> Vec<u8> {
        let s: String = s.chars().filter(|c| c.is_ascii_hexdigit()).collect();
        (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
    }

    /// Decodes an Execute request carrying `rops` with `session`.
    pub(crate) fn decode_req(session: &mut Session, rops: &[u8], handles: &[u32]) -> Dissection<'static> {
        let body = request(rops, handles);
        decode_exchange_in(session, RequestType::Execute, Some(&body), None).0.into_owned()
    }

    pub(crate) fn lines(d: &Dissection<'_>, key: &str) -> Vec<String> {
        d.find_all(key).map(|(_, n)| display_line(d, n)).collect()
    }

    pub(crate) fn line(d: &Dissection<'_>, key: &str) -> String {
        let (_, n) = d.find(key).unwrap_or_else(|| panic!("no {key}"));
        display_line(d, n)
    }

    pub(crate) fn problems<'d>(d: &'d Dissection<'_>) -> Vec<&'d str> {
        d.diagnostics.iter().filter(|x| x.severity >= Severity::Warning).map(|x| x.message.as_str()).collect()
    }

    /// Notes, without the envelope's note that the test bodies carry no meta-tags.
    pub(crate) fn notes<'d>(d: &'d Dissection<'_>) -> Vec<&'d str> {
        let rop = |x: &&crate::tree::Diagnostic| x.severity == Severity::Note && !x.message.starts_with("no meta-tags");
        d.diagnostics.iter().filter(rop).map(|x| x.message.as_str()).collect()
    }

    fn ascii_z(s: &str) -> Vec<u8> {
        let mut v = s.as_bytes().to_vec();
        v.push(0);
        v
    }

    /// A FID/MID from its display form `RRRR-GGGGGGGGGGGG`.
    pub(crate) fn fid(s: &str) -> Vec<u8> {
        let (r, g) = s.split_once('-').unwrap();
        let mut v = u16::from_str_radix(r, 16).unwrap().to_le_bytes().to_vec();
        v.extend(hex(g));
        v
    }

    const ESSDN: &str = "/o=First Organization/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=delegator1";
    /// ProviderUID and DatabaseGuid of the delegator's folder EntryIDs in [MS-OXODLGT] 4.1.1: the
    /// mailbox's MailboxGuid and the ReplGuid of ReplId 0x0001 ([MS-OXCDATA] 2.2.4.1).
    const MAILBOX_GUID: &str = "C3E17857 9652CE46 A353B3E0 7F9B97BC";
    const REPL_GUID: &str = "8B8DB182 AF2ED048 934707ED 5448840F";

    /// The RopLogon of [MS-OXODLGT] 4.1.1/4.2.3 (LogonFlags Private, OpenFlags 0x0100040C, the
    /// delegator's DN) followed by RopOpenFolder of its Inbox.
    fn odlgt_request() -> Vec<u8> {
        let essdn = ascii_z(ESSDN);
        let mut r = hex("FE 00 00 01 0C040001 00000000");
        r.extend_from_slice(&(essdn.len() as u16).to_le_bytes());
        r.extend(essdn);
        r.extend(hex("02 00 00 01"));
        r.extend(fid("0001-00174EA8CDA0"));
        r.push(0x00);
        r
    }

    /// The private-mailbox RopLogon response with the [MS-OXODLGT] 4.1.1/4.2.3 folder ids, then the
    /// RopOpenFolder response.
    fn odlgt_response() -> Vec<u8> {
        let mut r = hex("FE 00 00000000 01");
        let counters = [
            "00174EA8CD9C", "00174EA8CD9A", "00174EA8CD9B", "00174EA8CD9D", "00174EA8CDA0", "00174EA8CDA1", "00174EA8CDA2",
            "00174EA8CDA3", "00174EA8CDA4", "00174EA8CDA5", "00174EA8CDA6", "00174EA8CDA7", "00174EA8CDA8",
        ];
        for g in counters {
            r.extend(fid(&alloc::format!("0001-{g}")));
        }
        r.push(0x03); // Reserved | OwnerRight
        r.extend(hex(MAILBOX_GUID));
        r.extend(hex("0100"));
        r.extend(hex(REPL_GUID));
        r.extend(hex("1E 2D 0C 05 0A 04 D907")); // 12:45:30, Friday 2009-04-10
        r.extend(116_444_736_000_000_000u64.to_le_bytes()); // 1970-01-01
        r.extend(hex("00000000"));
        r.extend(hex("02 01 00000000 00 00"));
        r
    }

    #[test]
    fn private_logon_and_open_folder_odlgt() {
        let req = request(&odlgt_request(), &[0xFFFF_FFFF, 0xFFFF_FFFF]);
        let resp = response(&odlgt_response(), &[0x8F, 0x85]);
        let mut session = Session::default();
        let (d, _) = decode_exchange_in(&mut session, RequestType::Execute, Some(&req), Some(&resp));
        assert!(problems(&d).is_empty(), "{:?}", d.diagnostics);
        assert!(notes(&d).is_empty(), "{:?}", d.diagnostics);
        assert_eq!(lines(&d, "mapihttp.rop.logon.logonflags"), ["LogonFlags: 0x01 (Private)", "LogonFlags: 0x01 (Private)"]);
        assert_eq!(
            line(&d, "mapihttp.rop.logon.openflags"),
            "OpenFlags: 0x0100040C (HOME_LOGON, TAKE_OWNERSHIP, NO_MAIL, USE_PER_MDB_REPLID_MAPPING)"
        );
        assert_eq!(line(&d, "mapihttp.rop.logon.storestate"), "StoreState: 0x00000000");
        assert_eq!(line(&d, "mapihttp.rop.logon.essdnsize"), "EssdnSize: 101 bytes");
        assert_eq!(line(&d, "mapihttp.rop.logon.essdn"), alloc::format!("Essdn: \"{ESSDN}\""));
        assert_eq!(line(&d, "mapihttp.rop.logon.folderids.root"), "Mailbox Root folder: 0001-00174EA8CD9C");
        assert_eq!(line(&d, "mapihttp.rop.logon.folderids.ipmsubtree"), "Interpersonal messages subtree: 0001-00174EA8CD9D");
        assert_eq!(line(&d, "mapihttp.rop.logon.folderids.inbox"), "Inbox: 0001-00174EA8CDA0");
        assert_eq!(line(&d, "mapihttp.rop.logon.folderids.outbox"), "Outbox: 0001-00174EA8CDA1");
        assert_eq!(line(&d, "mapihttp.rop.logon.folderids.shortcuts"), "Shortcuts: 0001-00174EA8CDA8");
        let (fids, _) = d.find("mapihttp.rop.logon.folderids").unwrap();
        assert_eq!(d.children(fids).count(), 13);
        assert_eq!(line(&d, "mapihttp.rop.logon.responseflags"), "ResponseFlags: 0x03 (Reserved, OwnerRight)");
        assert_eq!(line(&d, "mapihttp.rop.logon.mailboxguid"), "MailboxGuid: {5778E1C3-5296-46CE-A353-B3E07F9B97BC}");
        assert_eq!(line(&d, "mapihttp.rop.logon.replid"), "ReplId: 0x0001");
        assert_eq!(line(&d, "mapihttp.rop.logon.replguid"), "ReplGuid: {82B18D8B-2EAF-48D0-9347-07ED5448840F}");
        assert_eq!(line(&d, "mapihttp.rop.logon.logontime"), "LogonTime: 2009-04-10 12:45:30 (Friday)");
        assert_eq!(line(&d, "mapihttp.rop.logon.logontime.dayofweek"), "DayOfWeek: Friday (0x05)");
        assert_eq!(line(&d, "mapihttp.rop.logon.logontime.month"), "Month: April (0x04)");
        assert_eq!(line(&d, "mapihttp.rop.logon.logontime.year"), "Year: 2009");
        assert_eq!(line(&d, "mapihttp.rop.logon.gwarttime"), "GwartTime: 1970-01-01 00:00:00.0000000 UTC");
        assert!(d.find("mapihttp.rop.logon.publicfolderids").is_none());
        assert!(d.find("mapihttp.rop.logon.peruserguid").is_none());
        // RopOpenFolder of the Inbox, as in the example; the folder handle is HSOT 0x85.
        assert_eq!(line(&d, "mapihttp.rop.openfolder.folderid"), "FolderId: 0001-00174EA8CDA0");
        assert_eq!(lines(&d, "mapihttp.rop.request_index"), ["Request: 0", "Request: 1"]);
        assert_eq!(session.logons.get(&0), Some(&0x01));
        assert_eq!(session.objects.get(&0x8F), Some(&ObjectKind::Logon));
        assert_eq!(session.objects.get(&0x85), Some(&ObjectKind::Folder));
    }

    /// A public-folders logon: the public FolderIds list, ReplId, ReplGuid, PerUserGuid.
    fn public_vectors() -> (Vec<u8>, Vec<u8>) {
        // LogonId 3, OutputHandleIndex 0, LogonFlags 0, OpenFlags PUBLIC | IGNORE_HOME_MDB, no Essdn.
        let req = hex("FE 03 00 00 02020000 00000000 0000");
        let mut resp = hex("FE 00 00000000 00");
        for i in 1..=13u8 {
            let g = if i <= 4 { alloc::format!("0001-0000000000{i:02X}") } else { String::from("0000-000000000000") };
            resp.extend(fid(&g));
        }
        resp.extend(hex("FFFF"));
        resp.extend(hex(REPL_GUID));
        resp.extend([0u8; 16]);
        (req, resp)
    }

    #[test]
    fn public_logon() {
        let (req, resp) = public_vectors();
        let (req, resp) = (request(&req, &[0xFFFF_FFFF]), response(&resp, &[0x42]));
        let mut session = Session::default();
        let (d, _) = decode_exchange_in(&mut session, RequestType::Execute, Some(&req), Some(&resp));
        assert!(problems(&d).is_empty(), "{:?}", d.diagnostics);
        assert_eq!(line(&d, "mapihttp.rop.logon.openflags"), "OpenFlags: 0x00000202 (PUBLIC, IGNORE_HOME_MDB)");
        assert_eq!(line(&d, "mapihttp.rop.logon.essdnsize"), "EssdnSize: 0 bytes");
        assert!(d.find("mapihttp.rop.logon.essdn").is_none());
        assert_eq!(line(&d, "mapihttp.rop.logon.publicfolderids.root"), "Public Folders Root Folder: 0001-000000000001");
        assert_eq!(line(&d, "mapihttp.rop.logon.publicfolderids.eformsregistry"), "EForms Registry: 0001-000000000004");
        assert_eq!(line(&d, "mapihttp.rop.logon.publicfolderids.nntparticleindex"), "NNTP Article Index: 0000-000000000000");
        assert_eq!(lines(&d, "mapihttp.rop.logon.publicfolderids.empty3"), ["Empty: 0000-000000000000"]);
        assert_eq!(line(&d, "mapihttp.rop.logon.replid"), "ReplId: 0xFFFF");
        assert_eq!(line(&d, "mapihttp.rop.logon.peruserguid"), "PerUserGuid: {00000000-0000-0000-0000-000000000000}");
        assert!(d.find("mapihttp.rop.logon.folderids").is_none());
        assert!(d.find("mapihttp.rop.logon.mailboxguid").is_none());
        assert_eq!(session.logons.get(&3), Some(&0x00));
        assert_eq!(session.objects.get(&0x42), Some(&ObjectKind::Logon));
    }

    #[test]
    fn logon_redirect_and_failure() {
        let req = request(&hex("FE 00 00 01 00000001 00000000 0400 2F6F3D00"), &[0xFFFF_FFFF]);
        let mut rops = hex("FE 00 78040000 01 0A");
        rops.extend(ascii_z("mbx1.corp"));
        let resp = response(&rops, &[0xFFFF_FFFF]);
        let mut session = Session::default();
        let (d, _) = decode_exchange_in(&mut session, RequestType::Execute, Some(&req), Some(&resp));
        assert!(problems(&d).is_empty(), "{:?}", d.diagnostics);
        assert_eq!(line(&d, "mapihttp.rop.logon.essdn"), "Essdn: \"/o=\"");
        assert_eq!(line(&d, "mapihttp.rop.logon.openflags"), "OpenFlags: 0x01000000 (USE_PER_MDB_REPLID_MAPPING)");
        assert_eq!(line(&d, "mapihttp.rop.logon.servernamesize"), "ServerNameSize: 10 bytes");
        assert_eq!(line(&d, "mapihttp.rop.logon.servername"), "ServerName: \"mbx1.corp\"");
        assert_eq!(notes(&d).len(), 1, "{:?}", d.diagnostics);
        assert!(notes(&d)[0].contains("0x00000478"));
        assert!(session.logons.is_empty() && session.objects.is_empty());

        // ecLoginFailure: the failure response is the header alone.
        let resp = response(&hex("FE 00 11010480"), &[0xFFFF_FFFF]);
        let mut session = Session::default();
        let (d, _) = decode_exchange_in(&mut session, RequestType::Execute, Some(&req), Some(&resp));
        assert!(problems(&d).is_empty(), "{:?}", d.diagnostics);
        assert_eq!(line(&d, "mapihttp.rop.returnvalue"), "ReturnValue: LogonFailed (0x80040111)");
        assert!(d.find("mapihttp.rop.logon.servername").is_none());
        assert!(session.logons.is_empty());
    }

    /// The request's LogonFlags decides the layout; an echo that differs is a warning. Unpaired, the
    /// echoed LogonFlags decides.
    #[test]
    fn logon_flags_echo() {
        let (_, public_resp) = public_vectors();
        // Request says Private, the response echoes 0x00 but is laid out... by the request: private.
        let req = request(&odlgt_request(), &[0xFFFF_FFFF, 0xFFFF_FFFF]);
        let mut rops = odlgt_response();
        rops[6] = 0x00;
        let resp = response(&rops, &[0x8F, 0x85]);
        let (d, _) = decode_exchange(RequestType::Execute, Some(&req), Some(&resp));
        assert_eq!(problems(&d), ["LogonFlags 0x00 differs from the request's 0x01 in the Private bit: the request's decides the layout"]);
        assert!(d.find("mapihttp.rop.logon.mailboxguid").is_some());
        // Unpaired: the public layout follows from the echoed flags; the logon cannot be remembered.
        let resp = response(&public_resp, &[0x42]);
        let mut session = Session::default();
        let (d, _) = decode_exchange_in(&mut session, RequestType::Execute, None, Some(&resp));
        assert!(problems(&d).is_empty(), "{:?}", d.diagnostics);
        assert!(d.find("mapihttp.rop.logon.peruserguid").is_some());
        assert_eq!(notes(&d), ["no paired RopLogon request: the LogonId is unknown, so this logon is not remembered"]);
        assert!(session.logons.is_empty());
        assert_eq!(session.objects.get(&0x42), Some(&ObjectKind::Logon));
    }

    const LTID: &str = "8B8DB182AF2ED048934707ED5448840F 00174EA8CDA0 0000";

    /// Every other store ROP, request and response, in one Execute (logon 0 is private).
    fn store_vectors() -> (Vec<u8>, Vec<u8>) {
        let mut req = hex("27 00 00");
        req.extend(ascii_z("IPM.Note"));
        req.extend(hex("26 00 00"));
        req.extend(fid("0001-00174EA8CDA0"));
        req.extend(ascii_z("IPM.Note"));
        req.extend(hex("7B 00 00"));
        req.extend(hex("42 00 00"));
        req.extend(fid("0002-000000001234"));
        req.extend(hex("45 00 00"));
        req.extend(fid("0002-000000001234"));
        req.extend(hex("43 00 00"));
        req.extend(fid("0001-00174EA8CDA0"));
        req.extend(hex("44 00 00"));
        req.extend(hex(LTID));
        req.extend(hex("60 00 00"));
        req.extend(hex(REPL_GUID));
        req.extend(hex("61 00 00"));
        req.extend(hex(LTID));
        req.extend(hex("63 00 00"));
        req.extend(hex(LTID));
        req.extend(hex("00 00000000 0010"));
        req.extend(hex("64 00 00"));
        req.extend(hex(LTID));
        req.extend(hex("01 00000000 0200 AABB"));
        req.extend(hex(REPL_GUID));

        let mut resp = hex("27 00 00000000");
        resp.extend(fid("0001-00174EA8CDA0"));
        resp.extend(ascii_z("IPM"));
        resp.extend(hex("26 00 00000000"));
        resp.extend(hex("7B 00 00000000 00000001"));
        resp.extend(hex("42 00 00000000 0200 0100"));
        resp.extend(ascii_z("/o=Org/cn=Servers/cn=PF1"));
        resp.extend(ascii_z("/o=Org/cn=Servers/cn=PF2"));
        resp.extend(hex("45 00 00000000 01 0100 0100"));
        resp.extend(ascii_z("/o=Org/cn=Servers/cn=PF1"));
        resp.extend(hex("43 00 00000000"));
        resp.extend(hex(LTID));
        resp.extend(hex("44 00 00000000"));
        resp.extend(fid("0001-00174EA8CDA0"));
        resp.extend(hex("60 00 00000000 0200"));
        resp.extend(hex(LTID));
        resp.extend(hex(LTID));
        resp.extend(hex("61 00 00000000"));
        resp.extend(hex(REPL_GUID));
        resp.extend(hex("63 00 00000000 01 0300 010203"));
        resp.extend(hex("64 00 00000000"));
        (req, resp)
    }

    fn private_session() -> Session {
        let mut s = Session::default();
        s.logons.insert(0, 0x01);
        s
    }

    #[test]
    fn store_rops() {
        let (req, resp) = store_vectors();
        let (req, resp) = (request(&req, &[0x8F]), response(&resp, &[0x8F]));
        let mut session = private_session();
        let (d, _) = decode_exchange_in(&mut session, RequestType::Execute, Some(&req), Some(&resp));
        assert!(problems(&d).is_empty(), "{:?}", d.diagnostics);
        assert!(notes(&d).is_empty(), "{:?}", d.diagnostics);
        assert_eq!(lines(&d, "mapihttp.rop.request_index").len(), 11, "every response paired");
        assert_eq!(line(&d, "mapihttp.rop.getreceivefolder.messageclass"), "MessageClass: \"IPM.Note\"");
        assert_eq!(line(&d, "mapihttp.rop.getreceivefolder.folderid"), "FolderId: 0001-00174EA8CDA0");
        assert_eq!(line(&d, "mapihttp.rop.getreceivefolder.explicitmessageclass"), "ExplicitMessageClass: \"IPM\"");
        assert_eq!(line(&d, "mapihttp.rop.setreceivefolder.folderid"), "FolderId: 0001-00174EA8CDA0");
        assert_eq!(line(&d, "mapihttp.rop.setreceivefolder.messageclass"), "MessageClass: \"IPM.Note\"");
        assert_eq!(line(&d, "mapihttp.rop.getstorestate.storestate"), "StoreState: 0x01000000 (STORE_HAS_SEARCHES)");
        assert_eq!(line(&d, "mapihttp.rop.getowningservers.folderid"), "FolderId: 0002-000000001234");
        assert_eq!(line(&d, "mapihttp.rop.getowningservers.owningserverscount"), "OwningServersCount: 2");
        assert_eq!(line(&d, "mapihttp.rop.getowningservers.cheapserverscount"), "CheapServersCount: 1");
        assert_eq!(
            lines(&d, "mapihttp.rop.getowningservers.owningservers"),
            ["OwningServers: \"/o=Org/cn=Servers/cn=PF1\"", "OwningServers: \"/o=Org/cn=Servers/cn=PF2\""]
        );
        assert_eq!(line(&d, "mapihttp.rop.publicfolderisghosted.isghosted"), "IsGhosted: True");
        assert_eq!(line(&d, "mapihttp.rop.publicfolderisghosted.serverscount"), "ServersCount: 1");
        assert_eq!(lines(&d, "mapihttp.rop.publicfolderisghosted.servers"), ["Servers: \"/o=Org/cn=Servers/cn=PF1\""]);
        assert_eq!(line(&d, "mapihttp.rop.longtermidfromid.objectid"), "ObjectId: 0001-00174EA8CDA0");
        assert_eq!(line(&d, "mapihttp.rop.idfromlongtermid.objectid"), "ObjectId: 0001-00174EA8CDA0");
        assert_eq!(line(&d, "mapihttp.rop.getperuserlongtermids.databaseguid"), "DatabaseGuid: {82B18D8B-2EAF-48D0-9347-07ED5448840F}");
        assert_eq!(line(&d, "mapihttp.rop.getperuserlongtermids.longtermidcount"), "LongTermIdCount: 2");
        assert_eq!(line(&d, "mapihttp.rop.getperuserguid.databaseguid"), "DatabaseGuid: {82B18D8B-2EAF-48D0-9347-07ED5448840F}");
        assert_eq!(line(&d, "mapihttp.rop.readperuserinformation.reserved"), "Reserved: 0x00");
        assert_eq!(line(&d, "mapihttp.rop.readperuserinformation.dataoffset"), "DataOffset: 0");
        assert_eq!(line(&d, "mapihttp.rop.readperuserinformation.maxdatasize"), "MaxDataSize: 4096 bytes");
        assert_eq!(line(&d, "mapihttp.rop.readperuserinformation.hasfinished"), "HasFinished: True");
        assert_eq!(line(&d, "mapihttp.rop.readperuserinformation.data"), "Data: 010203");
        assert_eq!(line(&d, "mapihttp.rop.writeperuserinformation.hasfinished"), "HasFinished: True");
        assert_eq!(line(&d, "mapihttp.rop.writeperuserinformation.datasize"), "DataSize: 2 bytes");
        assert_eq!(line(&d, "mapihttp.rop.writeperuserinformation.data"), "Data: aabb");
        assert_eq!(line(&d, "mapihttp.rop.writeperuserinformation.replguid"), "ReplGuid: {82B18D8B-2EAF-48D0-9347-07ED5448840F}");
        // Every LongTermID is a 24-byte structure.
        for key in [
            "mapihttp.rop.longtermidfromid.longtermid",
            "mapihttp.rop.idfromlongtermid.longtermid",
            "mapihttp.rop.getperuserlongtermids.longtermids",
            "mapihttp.rop.getperuserguid.longtermid",
            "mapihttp.rop.readperuserinformation.folderid",
            "mapihttp.rop.writeperuserinformation.folderid",
        ] {
            let spans: Vec<u32> = d.find_all(key).map(|(_, n)| n.length).collect();
            assert!(!spans.is_empty() && spans.iter().all(|&l| l == 24), "{key}: {spans:?}");
        }
        assert_eq!(d.find_all("mapihttp.rop.getperuserlongtermids.longtermids").count(), 2);
    }

    /// Failure responses carry the header only.
    #[test]
    fn store_failures() {
        let (req, _) = store_vectors();
        let mut resp = Vec::new();
        for id in [0x27u8, 0x26, 0x7B, 0x42, 0x45, 0x43, 0x44, 0x60, 0x61, 0x63, 0x64] {
            resp.push(id);
            resp.push(0x00);
            resp.extend(hex(if id == 0x7B { "FF0F0480" } else { "02010480" }));
        }
        let (req, resp) = (request(&req, &[0x8F]), response(&resp, &[0x8F]));
        let (d, _) = decode_exchange_in(&mut private_session(), RequestType::Execute, Some(&req), Some(&resp));
        assert!(problems(&d).is_empty(), "{:?}", d.diagnostics);
        assert_eq!(lines(&d, "mapihttp.rop.request_index").len(), 11);
        assert_eq!(notes(&d).len(), 11);
        assert!(d.find("mapihttp.rop.getstorestate.storestate").is_none());
        assert!(d.find("mapihttp.rop.getreceivefolder.folderid").is_none());
    }

    #[test]
    fn receive_folder_table() {
        let req = request(&hex("68 00 00"), &[0x8F]);
        // One StandardPropertyRow: FolderId, "IPM", LastModificationTime (1970-01-01).
        let mut rops = hex("68 00 00000000 01000000 00");
        rops.extend(fid("0001-00174EA8CDA0"));
        rops.extend(ascii_z("IPM"));
        rops.extend(116_444_736_000_000_000u64.to_le_bytes());
        let resp = response(&rops, &[0x8F]);
        let (d, _) = decode_exchange(RequestType::Execute, Some(&req), Some(&resp));
        assert!(problems(&d).is_empty(), "{:?}", d.diagnostics);
        assert_eq!(line(&d, "mapihttp.rop.getreceivefoldertable.rowcount"), "RowCount: 1");
        let (rows, n) = d.find("mapihttp.rop.getreceivefoldertable.rows").unwrap();
        assert_eq!(n.length, 21);
        assert_eq!(d.children(rows).count(), 1);
        // The columns are the fixed ones of [MS-OXCSTOR] 2.2.1.4.2, in order.
        assert_eq!(line(&d, "mapihttp.oxcdata.propertyrow"), "PropertyRow: 3 columns");
        let cols = lines(&d, "mapihttp.oxcdata.row.propertyvalue");
        assert_eq!(cols.len(), 3);
        assert!(cols[0].contains("0x67480014"), "{cols:?}");
        assert_eq!(cols[1], "PropertyValue: PidTagMessageClass (0x001A001E, PtypString8) = \"IPM\"");
        assert_eq!(cols[2], "PropertyValue: PidTagLastModificationTime (0x30080040, PtypTime) = 1970-01-01 00:00:00.0000000 UTC");
        // No rows: no Rows node.
        let resp = response(&hex("68 00 00000000 00000000"), &[0x8F]);
        let (d, _) = decode_exchange(RequestType::Execute, Some(&req), Some(&resp));
        assert!(problems(&d).is_empty(), "{:?}", d.diagnostics);
        assert!(d.find("mapihttp.rop.getreceivefoldertable.rows").is_none());
    }

    /// ReplGuid presence follows the logon kind: a RopLogon in the same request list, the session, or
    /// (unknown) the bytes left.
    #[test]
    fn write_per_user_information_logon_kind() {
        let mut wpui = hex("64 00 00");
        wpui.extend(hex(LTID));
        wpui.extend(hex("01 00000000 0000"));
        let guid = hex(REPL_GUID);
        let release = hex("01 00 00");
        // Same Execute: a private RopLogon with LogonId 0 before it.
        let mut rops = hex("FE 00 00 01 00000001 00000000 0000");
        rops.extend(&wpui);
        rops.extend(&guid);
        let d = decode_req(&mut Session::default(), &rops, &[0xFFFF_FFFF]);
        assert!(problems(&d).is_empty() && notes(&d).is_empty(), "{:?}", d.diagnostics);
        assert!(d.find("mapihttp.rop.writeperuserinformation.replguid").is_some());
        // Same Execute, public logon: no ReplGuid; RopRelease follows.
        let mut rops = hex("FE 00 00 00 00000002 00000000 0000");
        rops.extend(&wpui);
        rops.extend(&release);
        let d = decode_req(&mut Session::default(), &rops, &[0xFFFF_FFFF]);
        assert!(problems(&d).is_empty() && notes(&d).is_empty(), "{:?}", d.diagnostics);
        assert!(d.find("mapihttp.rop.writeperuserinformation.replguid").is_none());
        assert!(d.find("mapihttp.rop.release").is_some());
        // Known from the session (an earlier Execute).
        let mut rops = wpui.clone();
        rops.extend(&guid);
        let body = request(&rops, &[0x8F]);
        let (d, _) = decode_exchange_in(&mut private_session(), RequestType::Execute, Some(&body), None);
        assert!(problems(&d).is_empty() && notes(&d).is_empty(), "{:?}", d.diagnostics);
        assert!(d.find("mapihttp.rop.writeperuserinformation.replguid").is_some());
        // Unknown, and a 3-byte RopRelease left: ReplGuid absent, said with a note.
        let mut rops = wpui.clone();
        rops.extend(&release);
        let d = decode_req(&mut Session::default(), &rops, &[0x8F]);
        assert!(problems(&d).is_empty(), "{:?}", d.diagnostics);
        assert_eq!(notes(&d), ["logon kind unknown (no RopLogon seen for LogonId 0): ReplGuid taken as absent, since only 3 bytes remain"]);
        assert!(d.find("mapihttp.rop.release").is_some());
        // Unknown with 16 bytes left: undecidable; the rest is shown undecoded.
        let mut rops = wpui.clone();
        rops.extend(&guid);
        let d = decode_req(&mut Session::default(), &rops, &[0x8F]);
        assert_eq!(notes(&d), ["logon kind unknown (no RopLogon seen for LogonId 0): whether a 16-byte ReplGuid follows cannot be decided"]);
        assert_eq!(problems(&d).len(), 1, "{:?}", d.diagnostics);
        assert_eq!(d.find("mapihttp.rop.undecoded").map(|(_, n)| n.length), Some(16));
        // DataOffset not 0: never a ReplGuid.
        let mut rops = hex("64 00 00");
        rops.extend(hex(LTID));
        rops.extend(hex("00 10000000 0000"));
        let d = decode_req(&mut private_session(), &rops, &[0x8F]);
        assert!(problems(&d).is_empty() && notes(&d).is_empty(), "{:?}", d.diagnostics);
        assert!(d.find("mapihttp.rop.writeperuserinformation.replguid").is_none());
    }

    /// Counts near their maximum in short buffers stop with an error and allocate nothing large.
    #[test]
    fn hostile_counts() {
        for (req, rops) in [
            ("42 00 00 0100000000000000", "42 00 00000000 FFFF FFFF 41 00"),
            ("45 00 00 0100000000000000", "45 00 00000000 01 FFFF 0000 41 00"),
            ("60 00 00 00000000000000000000000000000000", "60 00 00000000 FFFF 00000000000000000000"),
            ("68 00 00", "68 00 00000000 FFFFFFFF 0000000000000000000000"),
            ("63 00 00 8B8DB182AF2ED048934707ED5448840F00174EA8CDA00000 00 00000000 0000", "63 00 00000000 01 FFFF 00"),
        ] {
            let (req, resp) = (request(&hex(req), &[0x8F]), response(&hex(rops), &[0x8F]));
            let (d, _) = decode_exchange(RequestType::Execute, Some(&req), Some(&resp));
            assert!(d.diagnostics.iter().any(|x| x.severity == Severity::Error), "{rops}: {:?}", d.diagnostics);
            assert!(d.nodes.len() < 80, "{rops}: {} nodes", d.nodes.len());
        }
        // EssdnSize 0xFFFF in a short request.
        let d = decode_req(&mut Session::default(), &hex("FE 00 00 01 00000000 00000000 FFFF 2F00"), &[]);
        assert!(d.diagnostics.iter().any(|x| x.severity == Severity::Error && x.message.contains("Essdn")), "{:?}", d.diagnostics);
    }

    /// Every single-ROP vector of this file.
    fn single_vectors() -> Vec<(bool, Vec<u8>)> {
        let (pub_req, pub_resp) = public_vectors();
        let odlgt_req = odlgt_request();
        let odlgt_resp = odlgt_response();
        let mut v = vec![
            (true, odlgt_req[..odlgt_req.len() - 13].to_vec()),
            (false, odlgt_resp[..odlgt_resp.len() - 8].to_vec()),
            (true, pub_req),
            (false, pub_resp),
            (false, {
                let mut r = hex("FE 00 78040000 01 0A");
                r.extend(ascii_z("mbx1.corp"));
                r
            }),
            (false, hex("FE 00 11010480")),
            (false, {
                let mut r = hex("68 00 00000000 01000000 00");
                r.extend(fid("0001-00174EA8CDA0"));
                r.extend(ascii_z("IPM"));
                r.extend(116_444_736_000_000_000u64.to_le_bytes());
                r
            }),
        ];
        // Split the combined store vectors at their ROP boundaries.
        let (req, resp) = store_vectors();
        let req_lens = [12usize, 20, 3, 11, 11, 11, 27, 19, 27, 34, 52];
        let resp_lens = [18usize, 6, 10, 60, 36, 30, 14, 56, 22, 12, 6];
        for (all, lens, is_req) in [(req, req_lens, true), (resp, resp_lens, false)] {
            let mut at = 0;
            for n in lens {
                v.push((is_req, all[at..at + n].to_vec()));
                at += n;
            }
            assert_eq!(at, all.len());
        }
        v
    }

    /// Every strict prefix of every vector, framed as a whole RopsList, reports an error at or before
    /// the cut; cutting the Execute bodies anywhere does too.
    #[test]
    fn truncation_sweep() {
        for (is_req, rop) in single_vectors() {
            // The whole vector decodes cleanly.
            let body = if is_req { request(&rop, &[0x8F]) } else { response(&rop, &[0x8F]) };
            let mut s = private_session();
            let (d, _) = if is_req {
                decode_exchange_in(&mut s, RequestType::Execute, Some(&body), None)
            } else {
                decode_exchange_in(&mut s, RequestType::Execute, None, Some(&body))
            };
            assert!(!d.diagnostics.iter().any(|x| x.severity == Severity::Error), "{rop:02x?}: {:?}", d.diagnostics);
            for cut in 1..rop.len() {
                let part = &rop[..cut];
                let (body, at) =
                    if is_req { (request(part, &[0x8F]), REQ_ROPS_AT) } else { (response(part, &[0x8F]), RESP_ROPS_AT) };
                let mut s = private_session();
                let (d, _) = if is_req {
                    decode_exchange_in(&mut s, RequestType::Execute, Some(&body), None)
                } else {
                    decode_exchange_in(&mut s, RequestType::Execute, None, Some(&body))
                };
                assert!(
                    d.diagnostics.iter().any(|x| x.severity == Severity::Error && x.offset as usize <= at + cut),
                    "{rop:02x?} cut at {cut}: {:?}",
                    d.diagnostics
                );
            }
        }
        let (req, resp) = store_vectors();
        for (is_req, body) in [(true, request(&req, &[0x8F])), (false, response(&resp, &[0x8F]))] {
            // (An empty body is no Execute at all and says nothing.)
            for cut in 1..body.len() {
                let part = &body[..cut];
                let (d, _) = if is_req {
                    decode_exchange_in(&mut private_session(), RequestType::Execute, Some(part), None)
                } else {
                    decode_exchange_in(&mut private_session(), RequestType::Execute, None, Some(part))
                };
                assert!(d.diagnostics.iter().any(|x| x.severity == Severity::Error && x.offset as usize <= cut), "cut {cut}");
            }
        }
    }
}
