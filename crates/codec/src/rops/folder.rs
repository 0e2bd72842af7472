//! [MS-OXCROPS] 2.2.4 Folder ROPs (details in [MS-OXCFOLD] 2.2.1): RopOpenFolder (2.2.4.1),
//! RopCreateFolder (2.2.4.2), RopDeleteFolder (2.2.4.3), RopSetSearchCriteria (2.2.4.4),
//! RopGetSearchCriteria (2.2.4.5), RopMoveCopyMessages (2.2.4.6), RopMoveFolder (2.2.4.7),
//! RopCopyFolder (2.2.4.8), RopEmptyFolder (2.2.4.9), RopHardDeleteMessagesAndSubfolders (2.2.4.10),
//! RopDeleteMessages (2.2.4.11), RopHardDeleteMessages (2.2.4.12), RopGetHierarchyTable (2.2.4.13)
//! and RopGetContentsTable (2.2.4.14).
//!
//! Layout notes:
//! - The PartialCompletion responses (RopDeleteFolder, RopMoveCopyMessages, RopMoveFolder,
//!   RopCopyFolder, RopEmptyFolder, RopHardDeleteMessagesAndSubfolders, RopDeleteMessages,
//!   RopHardDeleteMessages) have a single response buffer whose PartialCompletion follows
//!   ReturnValue whatever its value ([MS-OXCROPS] 2.2.4.3.2 ff.; gromox sends it on failures too).
//!   RopMoveCopyMessages, RopMoveFolder and RopCopyFolder have the null destination form instead
//!   when ReturnValue is 0x00000503 (ecDstNullObject): DestHandleIndex (4 bytes), PartialCompletion.
//! - RopCreateFolder's response has HasRules and IsGhosted only when IsExistingFolder is nonzero,
//!   and the server list only when IsGhosted is nonzero ([MS-OXCFOLD] 2.2.1.2.2; gromox and
//!   Microsoft's MAPI Inspector read it that way). RopOpenFolder's server list follows a nonzero
//!   IsGhosted ([MS-OXCROPS] 2.2.4.1.2).
//! - RopGetSearchCriteria's response carries a LogonId after RestrictionData ([MS-OXCROPS]
//!   2.2.4.5.2, gromox, MAPI Inspector), which [MS-OXCFOLD] 2.2.1.5.2 does not list.
//! - Strings (DisplayName, Comment, NewFolderName) are UTF-16LE when UseUnicode(Strings) is nonzero,
//!   else 8-bit; both are NUL-terminated.
//! - RestrictionData is decoded inside its RestrictionDataSize window by the [MS-OXCDATA] 2.12 layer.
//! - TableFlags UseUnicode (0x40), SuppressesNotifications (0x80, hierarchy) and ConversationMembers
//!   (0x80, contents) are named as Microsoft's MAPI Inspector names them; the other bits are from
//!   [MS-OXCFOLD] 2.2.1.13.1 / 2.2.1.14.1.
//! - [MS-OXCFOLD] 4.3.1 prints the first MessageIds entry as "0001-00000Ee8EF148"; its bytes
//!   (`01 00 00 00 0E 8E F1 48`) are 0001-00000E8EF148.

use alloc::format;
use alloc::vec;

use super::context::{ObjectKind, Rop};
use super::store::server_list;
use super::{req_in, req_in_out, resp_in, resp_out, return_value, Decoder, LOGON_ID};
use crate::build::{Builder, Cur, R};
use crate::oxcdata;
use crate::tree::{Disp, Field, NameTable, Severity};

/// OpenModeFlags of RopOpenFolder, [MS-OXCFOLD] 2.2.1.1.1.
pub static OPEN_MODE_FLAGS: NameTable = &[(0x04, "OpenSoftDeleted")];
/// FolderType of RopCreateFolder, [MS-OXCFOLD] 2.2.1.2.1.
pub static FOLDER_TYPES: NameTable = &[(1, "Generic folder"), (2, "Search folder")];
/// DeleteFolderFlags, [MS-OXCFOLD] 2.2.1.3.1.
pub static DELETE_FOLDER_FLAGS: NameTable = &[(0x01, "DEL_MESSAGES"), (0x04, "DEL_FOLDERS"), (0x10, "DELETE_HARD_DELETE")];
/// SearchFlags of RopSetSearchCriteria, [MS-OXCFOLD] 2.2.1.4.1.
pub static SEARCH_REQUEST_FLAGS: NameTable = &[
    (0x0000_0001, "STOP_SEARCH"),
    (0x0000_0002, "RESTART_SEARCH"),
    (0x0000_0004, "RECURSIVE_SEARCH"),
    (0x0000_0008, "SHALLOW_SEARCH"),
    (0x0001_0000, "CONTENT_INDEXED_SEARCH"),
    (0x0002_0000, "NON_CONTENT_INDEXED_SEARCH"),
    (0x0004_0000, "STATIC_SEARCH"),
];
/// SearchFlags of RopGetSearchCriteria's response, [MS-OXCFOLD] 2.2.1.5.2.
pub static SEARCH_RESPONSE_FLAGS: NameTable = &[
    (0x0000_0001, "SEARCH_RUNNING"),
    (0x0000_0002, "SEARCH_REBUILD"),
    (0x0000_0004, "SEARCH_RECURSIVE"),
    (0x0000_1000, "SEARCH_COMPLETE"),
    (0x0000_2000, "SEARCH_PARTIAL"),
    (0x0001_0000, "SEARCH_STATIC"),
    (0x0002_0000, "SEARCH_MAYBE_STATIC"),
    (0x0100_0000, "CI_TOTALLY"),
    (0x0800_0000, "TWIR_TOTALLY"),
];
/// TableFlags of RopGetHierarchyTable, [MS-OXCFOLD] 2.2.1.13.1.
pub static HIERARCHY_TABLE_FLAGS: NameTable = &[
    (0x04, "Depth"),
    (0x08, "DeferredErrors"),
    (0x10, "NoNotifications"),
    (0x20, "SoftDeletes"),
    (0x40, "UseUnicode"),
    (0x80, "SuppressesNotifications"),
];
/// TableFlags of RopGetContentsTable, [MS-OXCFOLD] 2.2.1.14.1.
pub static CONTENTS_TABLE_FLAGS: NameTable = &[
    (0x02, "Associated"),
    (0x08, "DeferredErrors"),
    (0x10, "NoNotifications"),
    (0x20, "SoftDeletes"),
    (0x40, "UseUnicode"),
    (0x80, "ConversationMembers"),
];

/// ReturnValue ecDstNullObject: the null destination form of the move/copy ROPs.
const EC_DST_NULL_OBJECT: u32 = 0x0000_0503;

crate::fields! {
    OF_FOLDER_ID: U64 [Disp::Fid] = "mapihttp.rop.openfolder.folderid", "FolderId", "[MS-OXCROPS] 2.2.4.1.1 the folder to open";
    OF_OPEN_MODE_FLAGS: U8 [Disp::Flags(OPEN_MODE_FLAGS)] = "mapihttp.rop.openfolder.openmodeflags", "OpenModeFlags", "[MS-OXCROPS] 2.2.4.1.1 how the folder is opened ([MS-OXCFOLD] 2.2.1.1.1; 0x00 opens an existing folder)";
    OF_HAS_RULES: Bool = "mapihttp.rop.openfolder.hasrules", "HasRules", "[MS-OXCROPS] 2.2.4.1.2 whether rules are associated with the folder";
    OF_IS_GHOSTED: Bool = "mapihttp.rop.openfolder.isghosted", "IsGhosted", "[MS-OXCROPS] 2.2.4.1.2 whether the folder is a ghosted public folder (no active replica here)";
    OF_SERVER_COUNT: U16 = "mapihttp.rop.openfolder.servercount", "ServerCount", "[MS-OXCROPS] 2.2.4.1.2 the number of strings in Servers (present if IsGhosted)";
    OF_CHEAP_SERVER_COUNT: U16 = "mapihttp.rop.openfolder.cheapservercount", "CheapServerCount", "[MS-OXCROPS] 2.2.4.1.2 how many of Servers are lowest-cost servers (present if IsGhosted)";
    OF_SERVERS: Str8 = "mapihttp.rop.openfolder.servers", "Servers", "[MS-OXCROPS] 2.2.4.1.2 a server with a replica of the folder (NUL-terminated ASCII)";

    CF_FOLDER_TYPE: U8 [Disp::Names(FOLDER_TYPES)] = "mapihttp.rop.createfolder.foldertype", "FolderType", "[MS-OXCROPS] 2.2.4.2.1 the type of folder to create ([MS-OXCFOLD] 2.2.1.2.1)";
    CF_USE_UNICODE_STRINGS: Bool = "mapihttp.rop.createfolder.useunicodestrings", "UseUnicodeStrings", "[MS-OXCROPS] 2.2.4.2.1 whether DisplayName and Comment are UTF-16LE (else 8-bit)";
    CF_OPEN_EXISTING: Bool = "mapihttp.rop.createfolder.openexisting", "OpenExisting", "[MS-OXCROPS] 2.2.4.2.1 whether an existing folder of the same name is opened instead of failing";
    CF_RESERVED: U8 [Disp::Hex] = "mapihttp.rop.createfolder.reserved", "Reserved", "[MS-OXCROPS] 2.2.4.2.1 reserved; set to 0x00";
    CF_DISPLAY_NAME: Utf16 = "mapihttp.rop.createfolder.displayname", "DisplayName", "[MS-OXCROPS] 2.2.4.2.1 NUL-terminated name of the folder (UTF-16LE if UseUnicodeStrings, else 8-bit)";
    CF_COMMENT: Utf16 = "mapihttp.rop.createfolder.comment", "Comment", "[MS-OXCROPS] 2.2.4.2.1 NUL-terminated comment of the folder (UTF-16LE if UseUnicodeStrings, else 8-bit)";
    CF_FOLDER_ID: U64 [Disp::Fid] = "mapihttp.rop.createfolder.folderid", "FolderId", "[MS-OXCROPS] 2.2.4.2.2 the folder created or opened";
    CF_IS_EXISTING_FOLDER: Bool = "mapihttp.rop.createfolder.isexistingfolder", "IsExistingFolder", "[MS-OXCROPS] 2.2.4.2.2 whether an existing (public) folder was opened";
    CF_HAS_RULES: Bool = "mapihttp.rop.createfolder.hasrules", "HasRules", "[MS-OXCROPS] 2.2.4.2.2 whether rules are associated with the folder (present if IsExistingFolder)";
    CF_IS_GHOSTED: Bool = "mapihttp.rop.createfolder.isghosted", "IsGhosted", "[MS-OXCROPS] 2.2.4.2.2 whether the folder is ghosted (present if IsExistingFolder)";
    CF_SERVER_COUNT: U16 = "mapihttp.rop.createfolder.servercount", "ServerCount", "[MS-OXCROPS] 2.2.4.2.2 the number of strings in Servers (present if IsGhosted)";
    CF_CHEAP_SERVER_COUNT: U16 = "mapihttp.rop.createfolder.cheapservercount", "CheapServerCount", "[MS-OXCROPS] 2.2.4.2.2 how many of Servers are lowest-cost servers (present if IsGhosted)";
    CF_SERVERS: Str8 = "mapihttp.rop.createfolder.servers", "Servers", "[MS-OXCROPS] 2.2.4.2.2 a server with a replica of the folder (NUL-terminated ASCII)";

    DF_DELETE_FOLDER_FLAGS: U8 [Disp::Flags(DELETE_FOLDER_FLAGS)] = "mapihttp.rop.deletefolder.deletefolderflags", "DeleteFolderFlags", "[MS-OXCROPS] 2.2.4.3.1 how the folder is deleted ([MS-OXCFOLD] 2.2.1.3.1)";
    DF_FOLDER_ID: U64 [Disp::Fid] = "mapihttp.rop.deletefolder.folderid", "FolderId", "[MS-OXCROPS] 2.2.4.3.1 the folder to delete";
    DF_PARTIAL_COMPLETION: Bool = "mapihttp.rop.deletefolder.partialcompletion", "PartialCompletion", "[MS-OXCROPS] 2.2.4.3.2 whether the operation only partially completed";

    SSC_RESTRICTION_DATA_SIZE: U16 [Disp::Unit("bytes")] = "mapihttp.rop.setsearchcriteria.restrictiondatasize", "RestrictionDataSize", "[MS-OXCROPS] 2.2.4.4.1 the size of RestrictionData (0: reuse the last criteria)";
    SSC_RESTRICTION_DATA: None = "mapihttp.rop.setsearchcriteria.restrictiondata", "RestrictionData", "[MS-OXCROPS] 2.2.4.4.1 the search folder's filter ([MS-OXCDATA] 2.12)";
    SSC_FOLDER_ID_COUNT: U16 = "mapihttp.rop.setsearchcriteria.folderidcount", "FolderIdCount", "[MS-OXCROPS] 2.2.4.4.1 the number of FolderIds (0: reuse the last scope)";
    SSC_FOLDER_IDS: U64 [Disp::Fid] = "mapihttp.rop.setsearchcriteria.folderids", "FolderIds", "[MS-OXCROPS] 2.2.4.4.1 a folder to search";
    SSC_SEARCH_FLAGS: U32 [Disp::Flags(SEARCH_REQUEST_FLAGS)] = "mapihttp.rop.setsearchcriteria.searchflags", "SearchFlags", "[MS-OXCROPS] 2.2.4.4.1 how the search is done ([MS-OXCFOLD] 2.2.1.4.1)";

    GSC_USE_UNICODE: Bool = "mapihttp.rop.getsearchcriteria.useunicode", "UseUnicode", "[MS-OXCROPS] 2.2.4.5.1 whether strings in the returned restriction are to be Unicode";
    GSC_INCLUDE_RESTRICTION: Bool = "mapihttp.rop.getsearchcriteria.includerestriction", "IncludeRestriction", "[MS-OXCROPS] 2.2.4.5.1 whether the response carries the restriction";
    GSC_INCLUDE_FOLDERS: Bool = "mapihttp.rop.getsearchcriteria.includefolders", "IncludeFolders", "[MS-OXCROPS] 2.2.4.5.1 whether the response carries the searched folders";
    GSC_RESTRICTION_DATA_SIZE: U16 [Disp::Unit("bytes")] = "mapihttp.rop.getsearchcriteria.restrictiondatasize", "RestrictionDataSize", "[MS-OXCROPS] 2.2.4.5.2 the size of RestrictionData";
    GSC_RESTRICTION_DATA: None = "mapihttp.rop.getsearchcriteria.restrictiondata", "RestrictionData", "[MS-OXCROPS] 2.2.4.5.2 the search folder's filter ([MS-OXCDATA] 2.12)";
    GSC_LOGON_ID: U8 = "mapihttp.rop.getsearchcriteria.logonid", "LogonId", "[MS-OXCROPS] 2.2.4.5.2 the LogonId of the request, echoed";
    GSC_FOLDER_ID_COUNT: U16 = "mapihttp.rop.getsearchcriteria.folderidcount", "FolderIdCount", "[MS-OXCROPS] 2.2.4.5.2 the number of FolderIds";
    GSC_FOLDER_IDS: U64 [Disp::Fid] = "mapihttp.rop.getsearchcriteria.folderids", "FolderIds", "[MS-OXCROPS] 2.2.4.5.2 a folder being searched";
    GSC_SEARCH_FLAGS: U32 [Disp::Flags(SEARCH_RESPONSE_FLAGS)] = "mapihttp.rop.getsearchcriteria.searchflags", "SearchFlags", "[MS-OXCROPS] 2.2.4.5.2 the state of the search ([MS-OXCFOLD] 2.2.1.5.2)";

    MCM_SOURCE_HANDLE_INDEX: U8 = "mapihttp.rop.movecopymessages.sourcehandleindex", "SourceHandleIndex", "[MS-OXCROPS] 2.2.4.6.1 index of the source folder's handle";
    MCM_DEST_HANDLE_INDEX: U8 = "mapihttp.rop.movecopymessages.desthandleindex", "DestHandleIndex", "[MS-OXCROPS] 2.2.4.6.1 index of the destination folder's handle";
    MCM_MESSAGE_ID_COUNT: U16 = "mapihttp.rop.movecopymessages.messageidcount", "MessageIdCount", "[MS-OXCROPS] 2.2.4.6.1 the number of MessageIds";
    MCM_MESSAGE_IDS: U64 [Disp::Fid] = "mapihttp.rop.movecopymessages.messageids", "MessageIds", "[MS-OXCROPS] 2.2.4.6.1 a message to move or copy";
    MCM_WANT_ASYNCHRONOUS: Bool = "mapihttp.rop.movecopymessages.wantasynchronous", "WantAsynchronous", "[MS-OXCROPS] 2.2.4.6.1 whether to process asynchronously (progress via RopProgress)";
    MCM_WANT_COPY: Bool = "mapihttp.rop.movecopymessages.wantcopy", "WantCopy", "[MS-OXCROPS] 2.2.4.6.1 copy (nonzero) or move (zero)";
    MCM_DEST_HANDLE_INDEX_NULL: U32 = "mapihttp.rop.movecopymessages.desthandleindex_null", "DestHandleIndex", "[MS-OXCROPS] 2.2.4.6.3 the destination handle index that did not refer to an object (ReturnValue 0x00000503)";
    MCM_PARTIAL_COMPLETION: Bool = "mapihttp.rop.movecopymessages.partialcompletion", "PartialCompletion", "[MS-OXCROPS] 2.2.4.6.2 whether the operation only partially completed";

    MF_SOURCE_HANDLE_INDEX: U8 = "mapihttp.rop.movefolder.sourcehandleindex", "SourceHandleIndex", "[MS-OXCROPS] 2.2.4.7.1 index of the handle of the parent of the folder to move";
    MF_DEST_HANDLE_INDEX: U8 = "mapihttp.rop.movefolder.desthandleindex", "DestHandleIndex", "[MS-OXCROPS] 2.2.4.7.1 index of the destination folder's handle";
    MF_WANT_ASYNCHRONOUS: Bool = "mapihttp.rop.movefolder.wantasynchronous", "WantAsynchronous", "[MS-OXCROPS] 2.2.4.7.1 whether to process asynchronously (progress via RopProgress)";
    MF_USE_UNICODE: Bool = "mapihttp.rop.movefolder.useunicode", "UseUnicode", "[MS-OXCROPS] 2.2.4.7.1 whether NewFolderName is UTF-16LE (else 8-bit)";
    MF_FOLDER_ID: U64 [Disp::Fid] = "mapihttp.rop.movefolder.folderid", "FolderId", "[MS-OXCROPS] 2.2.4.7.1 the folder to move";
    MF_NEW_FOLDER_NAME: Utf16 = "mapihttp.rop.movefolder.newfoldername", "NewFolderName", "[MS-OXCROPS] 2.2.4.7.1 NUL-terminated name of the moved folder (UTF-16LE if UseUnicode, else 8-bit)";
    MF_DEST_HANDLE_INDEX_NULL: U32 = "mapihttp.rop.movefolder.desthandleindex_null", "DestHandleIndex", "[MS-OXCROPS] 2.2.4.7.3 the destination handle index that did not refer to an object (ReturnValue 0x00000503)";
    MF_PARTIAL_COMPLETION: Bool = "mapihttp.rop.movefolder.partialcompletion", "PartialCompletion", "[MS-OXCROPS] 2.2.4.7.2 whether the operation only partially completed";

    CPF_SOURCE_HANDLE_INDEX: U8 = "mapihttp.rop.copyfolder.sourcehandleindex", "SourceHandleIndex", "[MS-OXCROPS] 2.2.4.8.1 index of the handle of the parent of the folder to copy";
    CPF_DEST_HANDLE_INDEX: U8 = "mapihttp.rop.copyfolder.desthandleindex", "DestHandleIndex", "[MS-OXCROPS] 2.2.4.8.1 index of the destination folder's handle";
    CPF_WANT_ASYNCHRONOUS: Bool = "mapihttp.rop.copyfolder.wantasynchronous", "WantAsynchronous", "[MS-OXCROPS] 2.2.4.8.1 whether to process asynchronously (progress via RopProgress)";
    CPF_WANT_RECURSIVE: Bool = "mapihttp.rop.copyfolder.wantrecursive", "WantRecursive", "[MS-OXCROPS] 2.2.4.8.1 whether subfolders are copied too";
    CPF_USE_UNICODE: Bool = "mapihttp.rop.copyfolder.useunicode", "UseUnicode", "[MS-OXCROPS] 2.2.4.8.1 whether NewFolderName is UTF-16LE (else 8-bit)";
    CPF_FOLDER_ID: U64 [Disp::Fid] = "mapihttp.rop.copyfolder.folderid", "FolderId", "[MS-OXCROPS] 2.2.4.8.1 the folder to copy";
    CPF_NEW_FOLDER_NAME: Utf16 = "mapihttp.rop.copyfolder.newfoldername", "NewFolderName", "[MS-OXCROPS] 2.2.4.8.1 NUL-terminated name of the copy (UTF-16LE if UseUnicode, else 8-bit)";
    CPF_DEST_HANDLE_INDEX_NULL: U32 = "mapihttp.rop.copyfolder.desthandleindex_null", "DestHandleIndex", "[MS-OXCROPS] 2.2.4.8.3 the destination handle index that did not refer to an object (ReturnValue 0x00000503)";
    CPF_PARTIAL_COMPLETION: Bool = "mapihttp.rop.copyfolder.partialcompletion", "PartialCompletion", "[MS-OXCROPS] 2.2.4.8.2 whether the operation only partially completed";

    EF_WANT_ASYNCHRONOUS: Bool = "mapihttp.rop.emptyfolder.wantasynchronous", "WantAsynchronous", "[MS-OXCROPS] 2.2.4.9.1 whether to process asynchronously (progress via RopProgress)";
    EF_WANT_DELETE_ASSOCIATED: Bool = "mapihttp.rop.emptyfolder.wantdeleteassociated", "WantDeleteAssociated", "[MS-OXCROPS] 2.2.4.9.1 whether FAI messages are deleted too";
    EF_PARTIAL_COMPLETION: Bool = "mapihttp.rop.emptyfolder.partialcompletion", "PartialCompletion", "[MS-OXCROPS] 2.2.4.9.2 whether the operation only partially completed";
    HDMS_WANT_ASYNCHRONOUS: Bool = "mapihttp.rop.harddeletemessagesandsubfolders.wantasynchronous", "WantAsynchronous", "[MS-OXCROPS] 2.2.4.10.1 whether to process asynchronously (progress via RopProgress)";
    HDMS_WANT_DELETE_ASSOCIATED: Bool = "mapihttp.rop.harddeletemessagesandsubfolders.wantdeleteassociated", "WantDeleteAssociated", "[MS-OXCROPS] 2.2.4.10.1 whether FAI messages are hard deleted too";
    HDMS_PARTIAL_COMPLETION: Bool = "mapihttp.rop.harddeletemessagesandsubfolders.partialcompletion", "PartialCompletion", "[MS-OXCROPS] 2.2.4.10.2 whether the operation only partially completed";

    DM_WANT_ASYNCHRONOUS: Bool = "mapihttp.rop.deletemessages.wantasynchronous", "WantAsynchronous", "[MS-OXCROPS] 2.2.4.11.1 whether to process asynchronously (progress via RopProgress)";
    DM_NOTIFY_NON_READ: Bool = "mapihttp.rop.deletemessages.notifynonread", "NotifyNonRead", "[MS-OXCROPS] 2.2.4.11.1 whether a non-read receipt is sent for messages deleted unread";
    DM_MESSAGE_ID_COUNT: U16 = "mapihttp.rop.deletemessages.messageidcount", "MessageIdCount", "[MS-OXCROPS] 2.2.4.11.1 the number of MessageIds";
    DM_MESSAGE_IDS: U64 [Disp::Fid] = "mapihttp.rop.deletemessages.messageids", "MessageIds", "[MS-OXCROPS] 2.2.4.11.1 a message to delete";
    DM_PARTIAL_COMPLETION: Bool = "mapihttp.rop.deletemessages.partialcompletion", "PartialCompletion", "[MS-OXCROPS] 2.2.4.11.2 whether the operation only partially completed";
    HDM_WANT_ASYNCHRONOUS: Bool = "mapihttp.rop.harddeletemessages.wantasynchronous", "WantAsynchronous", "[MS-OXCROPS] 2.2.4.12.1 whether to process asynchronously (progress via RopProgress)";
    HDM_NOTIFY_NON_READ: Bool = "mapihttp.rop.harddeletemessages.notifynonread", "NotifyNonRead", "[MS-OXCROPS] 2.2.4.12.1 whether a non-read receipt is sent for messages deleted unread";
    HDM_MESSAGE_ID_COUNT: U16 = "mapihttp.rop.harddeletemessages.messageidcount", "MessageIdCount", "[MS-OXCROPS] 2.2.4.12.1 the number of MessageIds";
    HDM_MESSAGE_IDS: U64 [Disp::Fid] = "mapihttp.rop.harddeletemessages.messageids", "MessageIds", "[MS-OXCROPS] 2.2.4.12.1 a message to hard delete";
    HDM_PARTIAL_COMPLETION: Bool = "mapihttp.rop.harddeletemessages.partialcompletion", "PartialCompletion", "[MS-OXCROPS] 2.2.4.12.2 whether the operation only partially completed";

    GHT_TABLE_FLAGS: U8 [Disp::Flags(HIERARCHY_TABLE_FLAGS)] = "mapihttp.rop.gethierarchytable.tableflags", "TableFlags", "[MS-OXCROPS] 2.2.4.13.1 the kind of hierarchy table ([MS-OXCFOLD] 2.2.1.13.1)";
    GHT_ROW_COUNT: U32 = "mapihttp.rop.gethierarchytable.rowcount", "RowCount", "[MS-OXCROPS] 2.2.4.13.2 the number of rows in the hierarchy table";
    GCT_TABLE_FLAGS: U8 [Disp::Flags(CONTENTS_TABLE_FLAGS)] = "mapihttp.rop.getcontentstable.tableflags", "TableFlags", "[MS-OXCROPS] 2.2.4.14.1 the kind of contents table ([MS-OXCFOLD] 2.2.1.14.1)";
    GCT_ROW_COUNT: U32 = "mapihttp.rop.getcontentstable.rowcount", "RowCount", "[MS-OXCROPS] 2.2.4.14.2 the number of rows in the contents table";
}

/// The decoders of this family, one row per ROP.
pub static DECODERS: &[Decoder] = &[
    crate::rop!(0x02, Some(open_folder_req), Some(open_folder_resp)),
    crate::rop!(0x1C, Some(create_folder_req), Some(create_folder_resp)),
    crate::rop!(0x1D, Some(delete_folder_req), Some(delete_folder_resp)),
    crate::rop!(0x30, Some(set_search_criteria_req), Some(header_only_resp)),
    crate::rop!(0x31, Some(get_search_criteria_req), Some(get_search_criteria_resp)),
    crate::rop!(0x33, Some(move_copy_messages_req), Some(move_copy_messages_resp)),
    crate::rop!(0x35, Some(move_folder_req), Some(move_folder_resp)),
    crate::rop!(0x36, Some(copy_folder_req), Some(copy_folder_resp)),
    crate::rop!(0x58, Some(empty_folder_req), Some(empty_folder_resp)),
    crate::rop!(0x92, Some(hard_delete_messages_and_subfolders_req), Some(hard_delete_messages_and_subfolders_resp)),
    crate::rop!(0x1E, Some(delete_messages_req), Some(delete_messages_resp)),
    crate::rop!(0x91, Some(hard_delete_messages_req), Some(hard_delete_messages_resp)),
    crate::rop!(0x04, Some(get_hierarchy_table_req), Some(get_hierarchy_table_resp)),
    crate::rop!(0x05, Some(get_contents_table_req), Some(get_contents_table_resp)),
];

/// InputHandleIndex + ReturnValue only (RopSetSearchCriteria).
fn header_only_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    resp_in(b, c, x).map(|_| ())
}

/// A warning when a response's echoed index or id differs from the paired request's.
fn check_echo(b: &mut Builder<'_>, c: &Cur<'_>, x: &Rop<'_>, f: &'static Field, want: Option<u8>, got: u8) {
    if let (true, Some(w)) = (x.paired, want) {
        if w != got {
            let msg = format!("{} {got} differs from the request's {w}", f.name);
            b.diag(Severity::Warning, msg, c.src(), c.pos().saturating_sub(1), 1);
        }
    }
}

/// A NUL-terminated string, UTF-16LE when `unicode`, else 8-bit.
fn string(b: &mut Builder<'_>, c: &mut Cur<'_>, f: &'static Field, unicode: bool) -> R<()> {
    if unicode {
        b.utf16z(c, f)?;
    } else {
        b.str8z(c, f)?;
    }
    Ok(())
}

/// A u16 count and that many 8-byte FIDs or MIDs.
fn id_list(b: &mut Builder<'_>, c: &mut Cur<'_>, count: &'static Field, id: &'static Field) -> R<()> {
    let n = b.u16(c, count)?;
    let n = b.check_count(c, count, n.into(), 8)?;
    for _ in 0..n {
        oxcdata::folder_id(b, c, id)?;
    }
    Ok(())
}

/// A u16 RestrictionDataSize and, when nonzero, the restriction decoded within that many bytes.
fn restriction_data(b: &mut Builder<'_>, c: &mut Cur<'_>, size: &'static Field, data: &'static Field) -> R<()> {
    let n = usize::from(b.u16(c, size)?);
    if n > 0 {
        b.group_sized(c, data, n, oxcdata::restriction)?;
    }
    Ok(())
}

/// Records a successfully created object at the request's OutputHandleIndex, or (unpaired) at the
/// response's own OutputHandleIndex `echoed`.
fn created(x: &mut Rop<'_>, echoed: Option<u8>, kind: ObjectKind) {
    if let Some(i) = x.info.output_index.or(echoed) {
        x.created(i, kind);
    }
}

/// 2.2.4.1.1: FolderId, OpenModeFlags.
fn open_folder_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in_out(b, c, x)?;
    oxcdata::folder_id(b, c, &OF_FOLDER_ID)?;
    b.u8(c, &OF_OPEN_MODE_FLAGS)?;
    Ok(())
}

/// 2.2.4.1.2: HasRules, IsGhosted, and the server list when IsGhosted is nonzero.
fn open_folder_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    let echoed = c.peek_u8();
    if resp_out(b, c, x)? != 0 {
        return Ok(());
    }
    b.bool8(c, &OF_HAS_RULES)?;
    if b.bool8(c, &OF_IS_GHOSTED)? {
        server_list(b, c, &OF_SERVER_COUNT, &OF_CHEAP_SERVER_COUNT, &OF_SERVERS)?;
    }
    created(x, echoed, ObjectKind::Folder);
    Ok(())
}

/// 2.2.4.2.1: FolderType, UseUnicodeStrings, OpenExisting, Reserved, DisplayName, Comment.
fn create_folder_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in_out(b, c, x)?;
    b.u8(c, &CF_FOLDER_TYPE)?;
    let unicode = b.bool8(c, &CF_USE_UNICODE_STRINGS)?;
    b.bool8(c, &CF_OPEN_EXISTING)?;
    let reserved = b.u8(c, &CF_RESERVED)?;
    if reserved != 0 {
        let msg = format!("Reserved must be 0x00, got 0x{reserved:02X}");
        b.diag(Severity::Note, msg, c.src(), c.pos().saturating_sub(1), 1);
    }
    string(b, c, &CF_DISPLAY_NAME, unicode)?;
    string(b, c, &CF_COMMENT, unicode)
}

/// 2.2.4.2.2: FolderId, IsExistingFolder, [HasRules, IsGhosted, [server list]].
fn create_folder_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    let echoed = c.peek_u8();
    if resp_out(b, c, x)? != 0 {
        return Ok(());
    }
    oxcdata::folder_id(b, c, &CF_FOLDER_ID)?;
    if b.bool8(c, &CF_IS_EXISTING_FOLDER)? {
        b.bool8(c, &CF_HAS_RULES)?;
        if b.bool8(c, &CF_IS_GHOSTED)? {
            server_list(b, c, &CF_SERVER_COUNT, &CF_CHEAP_SERVER_COUNT, &CF_SERVERS)?;
        }
    }
    created(x, echoed, ObjectKind::Folder);
    Ok(())
}

/// 2.2.4.3.1: DeleteFolderFlags, FolderId.
fn delete_folder_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in(b, c, x)?;
    b.u8(c, &DF_DELETE_FOLDER_FLAGS)?;
    oxcdata::folder_id(b, c, &DF_FOLDER_ID)?;
    Ok(())
}

/// InputHandleIndex, ReturnValue, then PartialCompletion whatever the ReturnValue.
fn partial_completion_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>, pc: &'static Field) -> R<()> {
    resp_in(b, c, x)?;
    b.bool8(c, pc)?;
    Ok(())
}

fn delete_folder_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    partial_completion_resp(b, c, x, &DF_PARTIAL_COMPLETION)
}

/// 2.2.4.4.1: RestrictionDataSize, RestrictionData, FolderIdCount, FolderIds, SearchFlags.
fn set_search_criteria_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in(b, c, x)?;
    restriction_data(b, c, &SSC_RESTRICTION_DATA_SIZE, &SSC_RESTRICTION_DATA)?;
    id_list(b, c, &SSC_FOLDER_ID_COUNT, &SSC_FOLDER_IDS)?;
    b.u32(c, &SSC_SEARCH_FLAGS)?;
    Ok(())
}

/// 2.2.4.5.1: UseUnicode, IncludeRestriction, IncludeFolders.
fn get_search_criteria_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in(b, c, x)?;
    b.bool8(c, &GSC_USE_UNICODE)?;
    b.bool8(c, &GSC_INCLUDE_RESTRICTION)?;
    b.bool8(c, &GSC_INCLUDE_FOLDERS)?;
    Ok(())
}

/// 2.2.4.5.2: RestrictionDataSize, RestrictionData, LogonId, FolderIdCount, FolderIds, SearchFlags.
fn get_search_criteria_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    if resp_in(b, c, x)? != 0 {
        return Ok(());
    }
    restriction_data(b, c, &GSC_RESTRICTION_DATA_SIZE, &GSC_RESTRICTION_DATA)?;
    let id = b.u8(c, &GSC_LOGON_ID)?;
    check_echo(b, c, x, &GSC_LOGON_ID, x.info.logon_id, id);
    id_list(b, c, &GSC_FOLDER_ID_COUNT, &GSC_FOLDER_IDS)?;
    b.u32(c, &GSC_SEARCH_FLAGS)?;
    Ok(())
}

/// LogonId, SourceHandleIndex, DestHandleIndex of the move/copy requests; the destination index is
/// kept in `values[0]` for the null destination response.
fn source_dest_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>, src: &'static Field, dst: &'static Field) -> R<()> {
    x.info.logon_id = Some(b.u8(c, &LOGON_ID)?);
    x.info.input_index = Some(b.u8(c, src)?);
    x.info.values = vec![u64::from(b.u8(c, dst)?)];
    Ok(())
}

/// SourceHandleIndex, ReturnValue, [DestHandleIndex (4 bytes) on 0x503], PartialCompletion.
fn source_dest_resp(
    b: &mut Builder<'_>,
    c: &mut Cur<'_>,
    x: &mut Rop<'_>,
    src: &'static Field,
    dst_null: &'static Field,
    pc: &'static Field,
) -> R<()> {
    let idx = b.u8(c, src)?;
    check_echo(b, c, x, src, x.info.input_index, idx);
    if return_value(b, c)? == EC_DST_NULL_OBJECT {
        let d = b.u32(c, dst_null)?;
        if let (true, Some(&want)) = (x.paired, x.info.values.first()) {
            if u64::from(d) != want {
                let msg = format!("{} {d} differs from the request's {want}", dst_null.name);
                b.diag(Severity::Warning, msg, c.src(), c.pos().saturating_sub(4), 4);
            }
        }
    }
    b.bool8(c, pc)?;
    Ok(())
}

/// 2.2.4.6.1: SourceHandleIndex, DestHandleIndex, MessageIdCount, MessageIds, WantAsynchronous,
/// WantCopy.
fn move_copy_messages_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    source_dest_req(b, c, x, &MCM_SOURCE_HANDLE_INDEX, &MCM_DEST_HANDLE_INDEX)?;
    id_list(b, c, &MCM_MESSAGE_ID_COUNT, &MCM_MESSAGE_IDS)?;
    b.bool8(c, &MCM_WANT_ASYNCHRONOUS)?;
    b.bool8(c, &MCM_WANT_COPY)?;
    Ok(())
}

fn move_copy_messages_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    source_dest_resp(b, c, x, &MCM_SOURCE_HANDLE_INDEX, &MCM_DEST_HANDLE_INDEX_NULL, &MCM_PARTIAL_COMPLETION)
}

/// 2.2.4.7.1: SourceHandleIndex, DestHandleIndex, WantAsynchronous, UseUnicode, FolderId,
/// NewFolderName.
fn move_folder_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    source_dest_req(b, c, x, &MF_SOURCE_HANDLE_INDEX, &MF_DEST_HANDLE_INDEX)?;
    b.bool8(c, &MF_WANT_ASYNCHRONOUS)?;
    let unicode = b.bool8(c, &MF_USE_UNICODE)?;
    oxcdata::folder_id(b, c, &MF_FOLDER_ID)?;
    string(b, c, &MF_NEW_FOLDER_NAME, unicode)
}

fn move_folder_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    source_dest_resp(b, c, x, &MF_SOURCE_HANDLE_INDEX, &MF_DEST_HANDLE_INDEX_NULL, &MF_PARTIAL_COMPLETION)
}

/// 2.2.4.8.1: SourceHandleIndex, DestHandleIndex, WantAsynchronous, WantRecursive, UseUnicode,
/// FolderId, NewFolderName.
fn copy_folder_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    source_dest_req(b, c, x, &CPF_SOURCE_HANDLE_INDEX, &CPF_DEST_HANDLE_INDEX)?;
    b.bool8(c, &CPF_WANT_ASYNCHRONOUS)?;
    b.bool8(c, &CPF_WANT_RECURSIVE)?;
    let unicode = b.bool8(c, &CPF_USE_UNICODE)?;
    oxcdata::folder_id(b, c, &CPF_FOLDER_ID)?;
    string(b, c, &CPF_NEW_FOLDER_NAME, unicode)
}

fn copy_folder_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    source_dest_resp(b, c, x, &CPF_SOURCE_HANDLE_INDEX, &CPF_DEST_HANDLE_INDEX_NULL, &CPF_PARTIAL_COMPLETION)
}

/// 2.2.4.9.1: WantAsynchronous, WantDeleteAssociated.
fn empty_folder_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in(b, c, x)?;
    b.bool8(c, &EF_WANT_ASYNCHRONOUS)?;
    b.bool8(c, &EF_WANT_DELETE_ASSOCIATED)?;
    Ok(())
}

fn empty_folder_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    partial_completion_resp(b, c, x, &EF_PARTIAL_COMPLETION)
}

/// 2.2.4.10.1: WantAsynchronous, WantDeleteAssociated.
fn hard_delete_messages_and_subfolders_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in(b, c, x)?;
    b.bool8(c, &HDMS_WANT_ASYNCHRONOUS)?;
    b.bool8(c, &HDMS_WANT_DELETE_ASSOCIATED)?;
    Ok(())
}

fn hard_delete_messages_and_subfolders_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    partial_completion_resp(b, c, x, &HDMS_PARTIAL_COMPLETION)
}

/// 2.2.4.11.1: WantAsynchronous, NotifyNonRead, MessageIdCount, MessageIds.
fn delete_messages_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in(b, c, x)?;
    b.bool8(c, &DM_WANT_ASYNCHRONOUS)?;
    b.bool8(c, &DM_NOTIFY_NON_READ)?;
    id_list(b, c, &DM_MESSAGE_ID_COUNT, &DM_MESSAGE_IDS)
}

fn delete_messages_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    partial_completion_resp(b, c, x, &DM_PARTIAL_COMPLETION)
}

/// 2.2.4.12.1: WantAsynchronous, NotifyNonRead, MessageIdCount, MessageIds.
fn hard_delete_messages_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in(b, c, x)?;
    b.bool8(c, &HDM_WANT_ASYNCHRONOUS)?;
    b.bool8(c, &HDM_NOTIFY_NON_READ)?;
    id_list(b, c, &HDM_MESSAGE_ID_COUNT, &HDM_MESSAGE_IDS)
}

fn hard_delete_messages_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    partial_completion_resp(b, c, x, &HDM_PARTIAL_COMPLETION)
}

/// 2.2.4.13.1: TableFlags.
fn get_hierarchy_table_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in_out(b, c, x)?;
    b.u8(c, &GHT_TABLE_FLAGS)?;
    Ok(())
}

/// 2.2.4.13.2: RowCount; the output handle is a Table.
fn get_hierarchy_table_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    let echoed = c.peek_u8();
    if resp_out(b, c, x)? == 0 {
        b.u32(c, &GHT_ROW_COUNT)?;
        created(x, echoed, ObjectKind::Table);
    }
    Ok(())
}

/// 2.2.4.14.1: TableFlags.
fn get_contents_table_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in_out(b, c, x)?;
    b.u8(c, &GCT_TABLE_FLAGS)?;
    Ok(())
}

/// 2.2.4.14.2: RowCount; the output handle is a Table.
fn get_contents_table_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    let echoed = c.peek_u8();
    if resp_out(b, c, x)? == 0 {
        b.u32(c, &GCT_ROW_COUNT)?;
        created(x, echoed, ObjectKind::Table);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use alloc::vec;
    use alloc::vec::Vec;

    use super::super::context::ObjectKind;
    use super::super::store::tests::{
        decode_req, fid, hex, line, lines, notes, problems, request, response, REQ_ROPS_AT, RESP_ROPS_AT,
    };
    use crate::tree::{Dissection, Severity};
    use crate::{decode_exchange, decode_exchange_in, RequestType, Session};

    fn exchange(session: &mut Session, req: &[u8], req_h: &[u32], resp: &[u8], resp_h: &[u32]) -> Dissection<'static> {
        let (req, resp) = (request(req, req_h), response(resp, resp_h));
        decode_exchange_in(session, RequestType::Execute, Some(&req), Some(&resp)).0.into_owned()
    }

    /// [MS-OXCFOLD] section 4 request/response pairs (4.1 create, 4.2 delete folder, 4.3 delete
    /// messages, 4.4 move messages (request), 4.5 move folder, 4.6 copy folder, 4.8 set search
    /// criteria (response), 4.9 get search criteria (request)); the other halves are built from the
    /// layouts. The restriction is the filter described in 4.8, PidTagImportance (0x00170003) == 2,
    /// as a [MS-OXCDATA] 2.12.5 RES_PROPERTY: RestrictType 0x04, RelOp RELOP_EQ, PropTag, TaggedValue.
    fn spec_vectors() -> Vec<(&'static str, &'static str)> {
        vec![
            ("1C 00 00 01 01 01 00 00 46 00 6F 00 6C 00 64 00 65 00 72 00 31 00 00 00 00 00", "1C 01 00 00 00 00 01 00 00 00 0E 91 52 12 00"),
            ("1D 00 01 05 01 00 00 00 0E 8E DF 36", "1D 01 00 00 00 00 00"),
            ("1E 00 00 00 01 02 00 01 00 00 00 0E 8E F1 48 01 00 00 00 0E 8E C3 02", "1E 00 00 00 00 00 00"),
            ("33 00 00 01 01 00 01 00 00 00 0E 8E EC 5D 00 00", "33 00 00000000 00"),
            (
                "35 00 01 02 01 01 01 00 00 00 0E 8E DF 36 46 00 6F 00 6C 00 64 00 65 00 72 00 31 00 00 00",
                "35 01 00 00 00 00 00",
            ),
            (
                "36 00 00 01 01 01 01 01 00 00 00 0E 8E DF 36 46 00 6F 00 6C 00 64 00 65 00 72 00 31 00 00 00",
                "36 00 00 00 00 00 00",
            ),
            ("30 00 01 0E00 04 04 03001700 03001700 02000000 0100 010000000E8EDF36 06000000", "30 01 00 00 00 00"),
            ("31 00 00 01 01 00", "31 00 00000000 0E00 04 04 03001700 03001700 02000000 00 0000 04100001"),
        ]
    }

    fn joined(v: &[(&str, &str)]) -> (Vec<u8>, Vec<u8>) {
        (v.iter().flat_map(|p| hex(p.0)).collect(), v.iter().flat_map(|p| hex(p.1)).collect())
    }

    #[test]
    fn spec_examples() {
        let (req, resp) = joined(&spec_vectors());
        let mut session = Session::default();
        let d = exchange(&mut session, &req, &[0x10, 0xFFFF_FFFF, 0x12], &resp, &[0x10, 0x20, 0x12]);
        assert!(problems(&d).is_empty(), "{:?}", d.diagnostics);
        assert!(notes(&d).is_empty(), "{:?}", d.diagnostics);
        assert_eq!(lines(&d, "mapihttp.rop.request_index").len(), 8, "every response paired");
        // 4.1 RopCreateFolder.
        assert_eq!(line(&d, "mapihttp.rop.createfolder.foldertype"), "FolderType: Generic folder (0x01)");
        assert_eq!(line(&d, "mapihttp.rop.createfolder.useunicodestrings"), "UseUnicodeStrings: True");
        assert_eq!(line(&d, "mapihttp.rop.createfolder.openexisting"), "OpenExisting: False");
        assert_eq!(line(&d, "mapihttp.rop.createfolder.reserved"), "Reserved: 0x00");
        assert_eq!(line(&d, "mapihttp.rop.createfolder.displayname"), "DisplayName: \"Folder1\"");
        assert_eq!(line(&d, "mapihttp.rop.createfolder.comment"), "Comment: \"\"");
        assert_eq!(line(&d, "mapihttp.rop.createfolder.folderid"), "FolderId: 0001-00000E915212");
        assert_eq!(line(&d, "mapihttp.rop.createfolder.isexistingfolder"), "IsExistingFolder: False");
        assert!(d.find("mapihttp.rop.createfolder.hasrules").is_none());
        assert_eq!(session.objects.get(&0x20), Some(&ObjectKind::Folder));
        // 4.2 RopDeleteFolder.
        assert_eq!(line(&d, "mapihttp.rop.deletefolder.deletefolderflags"), "DeleteFolderFlags: 0x05 (DEL_MESSAGES, DEL_FOLDERS)");
        assert_eq!(line(&d, "mapihttp.rop.deletefolder.folderid"), "FolderId: 0001-00000E8EDF36");
        assert_eq!(line(&d, "mapihttp.rop.deletefolder.partialcompletion"), "PartialCompletion: False");
        // 4.3 RopDeleteMessages.
        assert_eq!(line(&d, "mapihttp.rop.deletemessages.wantasynchronous"), "WantAsynchronous: False");
        assert_eq!(line(&d, "mapihttp.rop.deletemessages.notifynonread"), "NotifyNonRead: True");
        assert_eq!(line(&d, "mapihttp.rop.deletemessages.messageidcount"), "MessageIdCount: 2");
        assert_eq!(
            lines(&d, "mapihttp.rop.deletemessages.messageids"),
            ["MessageIds: 0001-00000E8EF148", "MessageIds: 0001-00000E8EC302"]
        );
        assert_eq!(line(&d, "mapihttp.rop.deletemessages.partialcompletion"), "PartialCompletion: False");
        // 4.4 RopMoveCopyMessages.
        assert_eq!(line(&d, "mapihttp.rop.movecopymessages.sourcehandleindex"), "SourceHandleIndex: 0");
        assert_eq!(line(&d, "mapihttp.rop.movecopymessages.desthandleindex"), "DestHandleIndex: 1");
        assert_eq!(lines(&d, "mapihttp.rop.movecopymessages.messageids"), ["MessageIds: 0001-00000E8EEC5D"]);
        assert_eq!(line(&d, "mapihttp.rop.movecopymessages.wantcopy"), "WantCopy: False");
        // 4.5 RopMoveFolder: the request of 4.5.1 field by field, and the response of 4.5.2.
        let mf: Vec<_> = lines(&d, "mapihttp.rop.movefolder.sourcehandleindex");
        assert_eq!(mf, ["SourceHandleIndex: 1", "SourceHandleIndex: 1"]);
        assert_eq!(line(&d, "mapihttp.rop.movefolder.desthandleindex"), "DestHandleIndex: 2");
        assert_eq!(line(&d, "mapihttp.rop.movefolder.wantasynchronous"), "WantAsynchronous: True");
        assert_eq!(line(&d, "mapihttp.rop.movefolder.useunicode"), "UseUnicode: True");
        assert_eq!(line(&d, "mapihttp.rop.movefolder.folderid"), "FolderId: 0001-00000E8EDF36");
        assert_eq!(line(&d, "mapihttp.rop.movefolder.newfoldername"), "NewFolderName: \"Folder1\"");
        let (_, name) = d.find("mapihttp.rop.movefolder.newfoldername").unwrap();
        // After CreateFolder (26), DeleteFolder (12), DeleteMessages (23), MoveCopyMessages (16): 4.5.1's offset 0x0E.
        assert_eq!((name.offset as usize, name.length), (REQ_ROPS_AT + 77 + 0x0E, 16), "NewFolderName is the last 16 bytes");
        assert_eq!(line(&d, "mapihttp.rop.movefolder.partialcompletion"), "PartialCompletion: False");
        // 4.6 RopCopyFolder.
        assert_eq!(line(&d, "mapihttp.rop.copyfolder.wantrecursive"), "WantRecursive: True");
        assert_eq!(line(&d, "mapihttp.rop.copyfolder.folderid"), "FolderId: 0001-00000E8EDF36");
        assert_eq!(line(&d, "mapihttp.rop.copyfolder.newfoldername"), "NewFolderName: \"Folder1\"");
        assert_eq!(line(&d, "mapihttp.rop.copyfolder.partialcompletion"), "PartialCompletion: False");
        // 4.8 RopSetSearchCriteria.
        assert_eq!(line(&d, "mapihttp.rop.setsearchcriteria.restrictiondatasize"), "RestrictionDataSize: 14 bytes");
        assert_eq!(d.find("mapihttp.rop.setsearchcriteria.restrictiondata").map(|(_, n)| n.length), Some(14));
        assert_eq!(lines(&d, "mapihttp.rop.setsearchcriteria.folderids"), ["FolderIds: 0001-00000E8EDF36"]);
        assert_eq!(line(&d, "mapihttp.rop.setsearchcriteria.searchflags"), "SearchFlags: 0x00000006 (RESTART_SEARCH, RECURSIVE_SEARCH)");
        // 4.9 RopGetSearchCriteria.
        assert_eq!(line(&d, "mapihttp.rop.getsearchcriteria.useunicode"), "UseUnicode: True");
        assert_eq!(line(&d, "mapihttp.rop.getsearchcriteria.includerestriction"), "IncludeRestriction: True");
        assert_eq!(line(&d, "mapihttp.rop.getsearchcriteria.includefolders"), "IncludeFolders: False");
        assert_eq!(d.find("mapihttp.rop.getsearchcriteria.restrictiondata").map(|(_, n)| n.length), Some(14));
        assert_eq!(line(&d, "mapihttp.rop.getsearchcriteria.logonid"), "LogonId: 0");
        assert_eq!(line(&d, "mapihttp.rop.getsearchcriteria.folderidcount"), "FolderIdCount: 0");
        assert_eq!(
            line(&d, "mapihttp.rop.getsearchcriteria.searchflags"),
            "SearchFlags: 0x01001004 (SEARCH_RECURSIVE, SEARCH_COMPLETE, CI_TOTALLY)"
        );
    }

    /// The [MS-OXCFOLD] 4.5.1 request buffer, byte for byte.
    #[test]
    fn move_folder_spec_vector() {
        let rop = hex("35 00 01 02 01 01 01 00-00 00 0E 8E DF 36 46 00 6F 00 6C 00 64 00 65 00-72 00 31 00 00 00");
        assert_eq!(rop.len(), 30);
        let d = decode_req(&mut Session::default(), &rop, &[0x10, 0x11, 0x12]);
        assert!(problems(&d).is_empty() && notes(&d).is_empty(), "{:?}", d.diagnostics);
        let (i, n) = d.find("mapihttp.rop.movefolder").unwrap();
        assert_eq!((n.offset as usize, n.length), (REQ_ROPS_AT, 30));
        let kids: Vec<_> = d.children(i).map(|k| crate::display::display_line(&d, d.node(k).unwrap())).collect();
        assert_eq!(
            kids,
            [
                "RopId: RopMoveFolder (0x35)",
                "LogonId: 0",
                "SourceHandleIndex: 1",
                "DestHandleIndex: 2",
                "WantAsynchronous: True",
                "UseUnicode: True",
                "FolderId: 0001-00000E8EDF36",
                "NewFolderName: \"Folder1\"",
            ]
        );
    }

    /// Opened and created folders, hierarchy and contents tables, the other deletes; 8-bit names;
    /// ghosted public folders.
    #[test]
    fn folders_and_tables() {
        let mut session = Session::default();
        // RopOpenFolder (soft-deleted allowed) of a ghosted public folder; RopGetHierarchyTable (Depth)
        // on it, answered as in [MS-OXCFOLD] 4.7.2.
        let mut req = hex("02 00 00 01");
        req.extend(fid("0002-000000004321"));
        req.push(0x04);
        req.extend(hex("04 00 01 02 04"));
        let mut resp = hex("02 01 00000000 01 01 0200 0100");
        resp.extend(b"PF1\0PF2\0");
        resp.extend(hex("04 02 00 00 00 00 15 00 00 00"));
        let d = exchange(&mut session, &req, &[0x10, 0xFFFF_FFFF, 0xFFFF_FFFF], &resp, &[0x10, 0x85, 0x99]);
        assert!(problems(&d).is_empty() && notes(&d).is_empty(), "{:?}", d.diagnostics);
        assert_eq!(line(&d, "mapihttp.rop.openfolder.folderid"), "FolderId: 0002-000000004321");
        assert_eq!(line(&d, "mapihttp.rop.openfolder.openmodeflags"), "OpenModeFlags: 0x04 (OpenSoftDeleted)");
        assert_eq!(line(&d, "mapihttp.rop.openfolder.hasrules"), "HasRules: True");
        assert_eq!(line(&d, "mapihttp.rop.openfolder.isghosted"), "IsGhosted: True");
        assert_eq!(line(&d, "mapihttp.rop.openfolder.servercount"), "ServerCount: 2");
        assert_eq!(line(&d, "mapihttp.rop.openfolder.cheapservercount"), "CheapServerCount: 1");
        assert_eq!(lines(&d, "mapihttp.rop.openfolder.servers"), ["Servers: \"PF1\"", "Servers: \"PF2\""]);
        assert_eq!(line(&d, "mapihttp.rop.gethierarchytable.tableflags"), "TableFlags: 0x04 (Depth)");
        assert_eq!(line(&d, "mapihttp.rop.gethierarchytable.rowcount"), "RowCount: 21");
        assert_eq!(session.objects.get(&0x85), Some(&ObjectKind::Folder));
        assert_eq!(session.objects.get(&0x99), Some(&ObjectKind::Table));

        // RopGetContentsTable as in [MS-OXCTABL] 4.1.1; RopEmptyFolder; RopHardDeleteMessagesAndSubfolders;
        // RopHardDeleteMessages; RopCreateFolder with 8-bit strings opening an existing ghosted folder.
        let mut req = hex("05 00 00 01 00  58 00 00 01 00  92 00 00 00 01  91 00 00 00 00 0100");
        req.extend(fid("0001-00000E8EEC5D"));
        req.extend(hex("1C 00 00 02 01 00 01 00"));
        req.extend(b"Inbox2\0c\0");
        let mut resp = hex("05 01 00000000 2A000000  58 00 00000000 00  92 00 00000000 01  91 00 00000000 00");
        resp.extend(hex("1C 02 00000000"));
        resp.extend(fid("0002-000000004322"));
        resp.extend(hex("01 00 01 0100 0100"));
        resp.extend(b"PF1\0");
        let d = exchange(&mut session, &req, &[0x85, 0xFFFF_FFFF, 0xFFFF_FFFF], &resp, &[0x85, 0x77, 0x78]);
        assert!(problems(&d).is_empty() && notes(&d).is_empty(), "{:?}", d.diagnostics);
        assert_eq!(line(&d, "mapihttp.rop.getcontentstable.tableflags"), "TableFlags: 0x00");
        assert_eq!(line(&d, "mapihttp.rop.getcontentstable.rowcount"), "RowCount: 42");
        assert_eq!(line(&d, "mapihttp.rop.emptyfolder.wantasynchronous"), "WantAsynchronous: True");
        assert_eq!(line(&d, "mapihttp.rop.emptyfolder.wantdeleteassociated"), "WantDeleteAssociated: False");
        assert_eq!(line(&d, "mapihttp.rop.emptyfolder.partialcompletion"), "PartialCompletion: False");
        assert_eq!(line(&d, "mapihttp.rop.harddeletemessagesandsubfolders.wantdeleteassociated"), "WantDeleteAssociated: True");
        assert_eq!(line(&d, "mapihttp.rop.harddeletemessagesandsubfolders.partialcompletion"), "PartialCompletion: True");
        assert_eq!(lines(&d, "mapihttp.rop.harddeletemessages.messageids"), ["MessageIds: 0001-00000E8EEC5D"]);
        assert_eq!(line(&d, "mapihttp.rop.harddeletemessages.notifynonread"), "NotifyNonRead: False");
        assert_eq!(line(&d, "mapihttp.rop.createfolder.useunicodestrings"), "UseUnicodeStrings: False");
        assert_eq!(line(&d, "mapihttp.rop.createfolder.openexisting"), "OpenExisting: True");
        assert_eq!(line(&d, "mapihttp.rop.createfolder.displayname"), "DisplayName: \"Inbox2\"");
        assert_eq!(line(&d, "mapihttp.rop.createfolder.comment"), "Comment: \"c\"");
        assert_eq!(line(&d, "mapihttp.rop.createfolder.isexistingfolder"), "IsExistingFolder: True");
        assert_eq!(line(&d, "mapihttp.rop.createfolder.hasrules"), "HasRules: False");
        assert_eq!(line(&d, "mapihttp.rop.createfolder.isghosted"), "IsGhosted: True");
        assert_eq!(lines(&d, "mapihttp.rop.createfolder.servers"), ["Servers: \"PF1\""]);
        assert_eq!(session.objects.get(&0x77), Some(&ObjectKind::Table));
        assert_eq!(session.objects.get(&0x78), Some(&ObjectKind::Folder));
    }

    /// Failure responses: the header alone, or header + PartialCompletion; the null destination form.
    #[test]
    fn failures_and_null_destination() {
        let req = hex("02 00 00 01 010000000E8EDF36 00  04 00 00 02 00  1D 00 00 01 010000000E8EDF36");
        let resp = hex("02 01 0F010480  04 02 0F010480  1D 00 0F010480 01");
        let mut session = Session::default();
        let d = exchange(&mut session, &req, &[0x10, 0xFFFF_FFFF, 0xFFFF_FFFF], &resp, &[0x10, 0xFFFF_FFFF, 0xFFFF_FFFF]);
        assert!(problems(&d).is_empty(), "{:?}", d.diagnostics);
        assert_eq!(notes(&d).len(), 3, "{:?}", d.diagnostics);
        assert!(d.find("mapihttp.rop.openfolder.hasrules").is_none());
        assert!(d.find("mapihttp.rop.gethierarchytable.rowcount").is_none());
        assert_eq!(line(&d, "mapihttp.rop.deletefolder.partialcompletion"), "PartialCompletion: True");
        assert!(session.objects.is_empty());

        // The 4.5.1 / 4.6.1 / 4.4.1 requests answered with ecDstNullObject.
        let v = spec_vectors();
        let (req, _) = joined(&v[3..6]);
        let resp = hex("33 00 03050000 01000000 00  35 01 03050000 02000000 00  36 00 03050000 07000000 01");
        let d = exchange(&mut session, &req, &[0x10, 0x11, 0x12], &resp, &[0x10, 0x11, 0x12]);
        assert_eq!(problems(&d), ["DestHandleIndex 7 differs from the request's 1"]);
        assert_eq!(line(&d, "mapihttp.rop.movecopymessages.desthandleindex_null"), "DestHandleIndex: 1");
        assert_eq!(line(&d, "mapihttp.rop.movefolder.desthandleindex_null"), "DestHandleIndex: 2");
        assert_eq!(line(&d, "mapihttp.rop.copyfolder.desthandleindex_null"), "DestHandleIndex: 7");
        assert_eq!(line(&d, "mapihttp.rop.copyfolder.partialcompletion"), "PartialCompletion: True");
        assert_eq!(lines(&d, "mapihttp.rop.returnvalue"), vec!["ReturnValue: NullDestinationObject (0x00000503)"; 3]);
        // A GetSearchCriteria response echoing another LogonId.
        let resp = hex("31 00 00000000 0000 05 0000 00000000");
        let d = exchange(&mut session, &hex("31 00 00 00 00 00"), &[0x10], &resp, &[0x10]);
        assert_eq!(problems(&d), ["LogonId 5 differs from the request's 0"]);
    }

    /// Unpaired (no request decoded), a created object is recorded at the response's own
    /// OutputHandleIndex.
    #[test]
    fn unpaired_response_records_object() {
        let mut session = Session::default();
        let resp = response(&hex("05 01 00000000 07000000"), &[0x10, 0x66]);
        let (d, _) = decode_exchange_in(&mut session, RequestType::Execute, None, Some(&resp));
        assert!(problems(&d).is_empty(), "{:?}", d.diagnostics);
        assert_eq!(line(&d, "mapihttp.rop.getcontentstable.rowcount"), "RowCount: 7");
        assert_eq!(session.objects.get(&0x66), Some(&ObjectKind::Table));
    }

    /// Counts near their maximum in short buffers stop with an error and allocate nothing large.
    #[test]
    fn hostile_counts() {
        for rops in [
            "1E 00 00 00 00 FFFF 0000000000000000",
            "91 00 00 00 00 FFFF 00",
            "33 00 00 01 FFFF 0000",
            "30 00 00 FFFF 0404",
            "30 00 00 0000 FFFF 00000000",
        ] {
            let d = decode_req(&mut Session::default(), &hex(rops), &[0x10, 0x11]);
            assert!(d.diagnostics.iter().any(|x| x.severity == Severity::Error), "{rops}: {:?}", d.diagnostics);
            assert!(d.nodes.len() < 60, "{rops}: {} nodes", d.nodes.len());
        }
        for (req, rops) in [
            ("02 00 00 01 0000000000000000 00", "02 01 00000000 00 01 FFFF 0000 41 00"),
            ("1C 00 00 01 01 00 00 00 4100 4300", "1C 01 00000000 0000000000000000 01 00 01 FFFF FFFF 00"),
            ("31 00 00 01 01 01", "31 00 00000000 0000 00 FFFF 0000000000000000"),
            ("31 00 00 01 01 01", "31 00 00000000 FFFF 00"),
        ] {
            let (req, resp) = (request(&hex(req), &[0x10, 0xFFFF_FFFF]), response(&hex(rops), &[0x10, 0x11]));
            let (d, _) = decode_exchange(RequestType::Execute, Some(&req), Some(&resp));
            assert!(d.diagnostics.iter().any(|x| x.severity == Severity::Error), "{rops}: {:?}", d.diagnostics);
            assert!(d.nodes.len() < 80, "{rops}: {} nodes", d.nodes.len());
        }
    }

    /// Every strict prefix of every vector, framed as a whole RopsList, reports an error at or before
    /// the cut; cutting the Execute bodies anywhere does too.
    #[test]
    fn truncation_sweep() {
        let mut vectors: Vec<(bool, Vec<u8>)> = Vec::new();
        for (q, r) in spec_vectors() {
            vectors.push((true, hex(q)));
            vectors.push((false, hex(r)));
        }
        for (q, r) in [
            ("02 00 00 01 010000000E8EDF36 04", "02 01 00000000 01 01 0200 0100 50463100 50463200"),
            ("04 00 01 02 04", "04 02 00000000 15000000"),
            ("05 00 00 01 00", "05 01 00000000 2A000000"),
            ("58 00 00 01 00", "58 00 00000000 00"),
            ("92 00 00 00 01", "92 00 00000000 01"),
            ("91 00 00 00 00 0100 010000000E8EEC5D", "91 00 00000000 00"),
            ("1C 00 00 02 01 00 01 00 496E626F783200 6300", "1C 02 00000000 0200000000004322 01 00 01 0100 0100 50463100"),
            ("1D 00 00 01 010000000E8EDF36", "1D 00 0F010480 01"),
            ("35 00 01 02 01 00 010000000E8EDF36 4100", "35 01 03050000 02000000 00"),
        ] {
            vectors.push((true, hex(q)));
            vectors.push((false, hex(r)));
        }
        let handles = [0x10, 0x11, 0x12];
        let decode = |is_req: bool, body: &[u8]| -> Dissection<'static> {
            let (d, _) = if is_req {
                decode_exchange(RequestType::Execute, Some(body), None)
            } else {
                decode_exchange(RequestType::Execute, None, Some(body))
            };
            d.into_owned()
        };
        for (is_req, rop) in &vectors {
            let frame = |part: &[u8]| if *is_req { request(part, &handles) } else { response(part, &handles) };
            let d = decode(*is_req, &frame(rop));
            assert!(!d.diagnostics.iter().any(|x| x.severity >= Severity::Warning), "{rop:02x?}: {:?}", d.diagnostics);
            let at = if *is_req { REQ_ROPS_AT } else { RESP_ROPS_AT };
            for cut in 1..rop.len() {
                let d = decode(*is_req, &frame(&rop[..cut]));
                assert!(
                    d.diagnostics.iter().any(|x| x.severity == Severity::Error && x.offset as usize <= at + cut),
                    "{rop:02x?} cut at {cut}: {:?}",
                    d.diagnostics
                );
            }
        }
        let (req, resp) = joined(&spec_vectors());
        for (is_req, body) in [(true, request(&req, &handles)), (false, response(&resp, &handles))] {
            for cut in 1..body.len() {
                let d = decode(is_req, &body[..cut]);
                assert!(d.diagnostics.iter().any(|x| x.severity == Severity::Error && x.offset as usize <= cut), "cut {cut}");
            }
        }
    }
}
