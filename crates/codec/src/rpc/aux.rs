//! [MS-OXCRPC] 2.2.2.2 auxiliary buffers: the RPC_HEADER_EXT-framed AuxiliaryBuffer, AUX_HEADER and
//! every auxiliary block structure of AUX_VERSION_1 and AUX_VERSION_2.
//!
//! ```text
//! AuxiliaryBuffer  = RPC_HEADER_EXT payload                      ([MS-OXCRPC] 3.1.4.1.1.1.1/.2)
//! RPC_HEADER_EXT   = Version u16 (0), Flags u16 {Compressed 0x1, XorMagic 0x2, Last 0x4},
//!                    Size u16 (bytes that follow), SizeActual u16 (after decompression)  (2.2.2.1)
//! payload          = *(AUX_HEADER block)  -- XOR 0xA5 and/or LZ77 (DIRECT2) when flagged
//! AUX_HEADER       = Size u16 (header + block), Version u8, Type u8                 (2.2.2.2)
//! ```
//!
//! The (Version, Type) pair selects the block structure; one Type value can mean a different
//! structure per Version (Type 0x07 is AUX_PERF_MDB_SUCCESS in version 1 and AUX_PERF_MDB_SUCCESS_V2
//! in version 2). Blocks are located with AUX_HEADER Size alone, so an unknown (Version, Type) is
//! skipped as bytes, as a server does (3.1.4.1.2). The `*Offset` fields of the variable blocks count
//! from the first byte of the block's AUX_HEADER (stated in each block's section, e.g. 2.2.2.2.5,
//! 2.2.2.2.6, 2.2.2.2.22, 2.2.2.2.23); 0 means the string is absent. Every string is a
//! NUL-terminated UTF-16LE ("Unicode") string; ClientIP, ClientIPMask and MacAddress of
//! AUX_PERF_CLIENTINFO are counted byte arrays.
//!
//! Where sources disagree (recorded here, facts only):
//! - Microsoft's MAPI Inspector reads the offset-addressed strings sequentially after the fixed part,
//!   ignoring the offsets (its code carries a TODO); this decoder follows the offsets as specified.
//! - Type 0x49 AUX_TYPE_EXCEPTION_TRACE is not in the specification. MAPI Inspector decodes it as
//!   RopIndex (u32) followed by 8-bit text lines; it is decoded that way here and flagged as
//!   outside the specification.
//! - MAPI Inspector also dispatches Version 1 Type 0x0B to AUX_PERF_PROCESSINFO (the specification
//!   lists it for AUX_VERSION_2); both are decoded with the same layout.
//! - The type names of 0x4A/0x4B/0x4E are spelled AUX_CLIENT_CONNECTION_INFO, AUX_SERVER_SESSION_INFO
//!   and AUX_PROTOCOL_DEVICE_IDENTIFICATION (no `TYPE_`), as MAPI Inspector's enumeration has them;
//!   gromox spells them AUX_TYPE_CLIENT_CONNECTION_INFO, AUX_TYPE_SERVER_SESSION_INFO and
//!   AUX_TYPE_PROTOCOL_DEVICE_ID. 0x46 AUX_TYPE_SERVER_CAPABILITIES (2.2.2.2.19) is in neither, but
//!   in Microsoft's protocol test suite.
//! - Section numbers of MAPI Inspector predate 2.2.2.2.19 AUX_SERVER_CAPABILITIES (it cites
//!   AUX_ENDPOINT_CAPABILITIES as 2.2.2.2.19 and AUX_CLIENT_CONNECTION_INFO as 2.2.2.2.20); the
//!   numbers here follow the current specification.
//!
//! The RPC_HEADER_EXT, XorMagic and LZ77 are handled by [`crate::rpc::ext::extended_buffer`] (shared
//! with Execute's RopBuffer); this module decodes the payload it hands over, in whatever source
//! (the body, or a de-obfuscated / decompressed derived source) that payload lives.

use alloc::boxed::Box;
use alloc::format;

use crate::build::{Builder, Cur, R};
use crate::rpc::ext::{extended_buffer, BufferKind};
use crate::tree::{Disp, Field, NameTable, Severity, Value};

/// AUX_HEADER Version, [MS-OXCRPC] 2.2.2.2.
pub static AUX_VERSIONS: NameTable = &[(0x01, "AUX_VERSION_1"), (0x02, "AUX_VERSION_2")];

/// AUX_HEADER Type when Version is AUX_VERSION_1, [MS-OXCRPC] 2.2.2.2.
pub static AUX_TYPES_V1: NameTable = &[
    (0x01, "AUX_TYPE_PERF_REQUESTID"),
    (0x02, "AUX_TYPE_PERF_CLIENTINFO"),
    (0x03, "AUX_TYPE_PERF_SERVERINFO"),
    (0x04, "AUX_TYPE_PERF_SESSIONINFO"),
    (0x05, "AUX_TYPE_PERF_DEFMDB_SUCCESS"),
    (0x06, "AUX_TYPE_PERF_DEFGC_SUCCESS"),
    (0x07, "AUX_TYPE_PERF_MDB_SUCCESS"),
    (0x08, "AUX_TYPE_PERF_GC_SUCCESS"),
    (0x09, "AUX_TYPE_PERF_FAILURE"),
    (0x0A, "AUX_TYPE_CLIENT_CONTROL"),
    (0x0B, "AUX_TYPE_PERF_PROCESSINFO"),
    (0x0C, "AUX_TYPE_PERF_BG_DEFMDB_SUCCESS"),
    (0x0D, "AUX_TYPE_PERF_BG_DEFGC_SUCCESS"),
    (0x0E, "AUX_TYPE_PERF_BG_MDB_SUCCESS"),
    (0x0F, "AUX_TYPE_PERF_BG_GC_SUCCESS"),
    (0x10, "AUX_TYPE_PERF_BG_FAILURE"),
    (0x11, "AUX_TYPE_PERF_FG_DEFMDB_SUCCESS"),
    (0x12, "AUX_TYPE_PERF_FG_DEFGC_SUCCESS"),
    (0x13, "AUX_TYPE_PERF_FG_MDB_SUCCESS"),
    (0x14, "AUX_TYPE_PERF_FG_GC_SUCCESS"),
    (0x15, "AUX_TYPE_PERF_FG_FAILURE"),
    (0x16, "AUX_TYPE_OSVERSIONINFO"),
    (0x17, "AUX_TYPE_EXORGINFO"),
    (0x18, "AUX_TYPE_PERF_ACCOUNTINFO"),
    (0x46, "AUX_TYPE_SERVER_CAPABILITIES"),
    (0x48, "AUX_TYPE_ENDPOINT_CAPABILITIES"),
    (0x49, "AUX_TYPE_EXCEPTION_TRACE"),
    (0x4A, "AUX_CLIENT_CONNECTION_INFO"),
    (0x4B, "AUX_SERVER_SESSION_INFO"),
    (0x4E, "AUX_PROTOCOL_DEVICE_IDENTIFICATION"),
];

/// AUX_HEADER Type when Version is AUX_VERSION_2, [MS-OXCRPC] 2.2.2.2.
pub static AUX_TYPES_V2: NameTable = &[
    (0x04, "AUX_TYPE_PERF_SESSIONINFO"),
    (0x07, "AUX_TYPE_PERF_MDB_SUCCESS"),
    (0x08, "AUX_TYPE_PERF_GC_SUCCESS"),
    (0x09, "AUX_TYPE_PERF_FAILURE"),
    (0x0B, "AUX_TYPE_PERF_PROCESSINFO"),
    (0x0E, "AUX_TYPE_PERF_BG_MDB_SUCCESS"),
    (0x0F, "AUX_TYPE_PERF_BG_GC_SUCCESS"),
    (0x10, "AUX_TYPE_PERF_BG_FAILURE"),
    (0x13, "AUX_TYPE_PERF_FG_MDB_SUCCESS"),
    (0x14, "AUX_TYPE_PERF_FG_GC_SUCCESS"),
    (0x15, "AUX_TYPE_PERF_FG_FAILURE"),
];

/// AUX_PERF_CLIENTINFO ClientMode, [MS-OXCRPC] 2.2.2.2.4.
pub static CLIENT_MODES: NameTable = &[(0, "CLIENTMODE_UNKNOWN"), (1, "CLIENTMODE_CLASSIC"), (2, "CLIENTMODE_CACHED")];

/// AUX_PERF_SERVERINFO ServerType, [MS-OXCRPC] 2.2.2.2.5.
pub static SERVER_TYPES: NameTable = &[
    (0, "SERVERTYPE_UNKNOWN"),
    (1, "SERVERTYPE_PRIVATE"),
    (2, "SERVERTYPE_PUBLIC"),
    (3, "SERVERTYPE_DIRECTORY"),
    (4, "SERVERTYPE_REFERRAL"),
];

/// AUX_CLIENT_CONTROL EnableFlags, [MS-OXCRPC] 2.2.2.2.15.
pub static ENABLE_FLAGS: NameTable = &[
    (0x01, "ENABLE_PERF_SENDTOSERVER"),
    (0x04, "ENABLE_COMPRESSION"),
    (0x08, "ENABLE_HTTP_TUNNELING"),
    (0x10, "ENABLE_PERF_SENDGCDATA"),
];

/// AUX_EXORGINFO OrgFlags, [MS-OXCRPC] 2.2.2.2.17.
pub static ORG_FLAGS: NameTable = &[(0x1, "PUBLIC_FOLDERS_ENABLED"), (0x2, "USE_AUTODISCOVER_FOR_PUBLIC_FOLDER_CONFIGURATION")];

/// AUX_SERVER_CAPABILITIES ServerCapabilityFlags, [MS-OXCRPC] 2.2.2.2.19.
pub static SERVER_CAPABILITY_FLAGS: NameTable = &[
    (0x1, "PACKED_FAST_TRANSFER_UPLOAD_BUFFERS"),
    (0x2, "PACKED_WRITE_STREAM_UPLOAD_BUFFERS"),
    (0x8, "ULTRA_LARGE_PACKED_DOWNLOAD_BUFFERS"),
];

/// AUX_ENDPOINT_CAPABILITIES EndpointCapabilityFlag, [MS-OXCRPC] 2.2.2.2.20.
pub static ENDPOINT_CAPABILITY_FLAGS: NameTable = &[(0x1, "ENDPOINT_CAPABILITIES_SINGLE_ENDPOINT")];

/// AUX_CLIENT_CONNECTION_INFO ConnectionFlags, [MS-OXCRPC] 2.2.2.2.21 (the specification names the
/// bit only by its meaning).
pub static CONNECTION_FLAGS: NameTable = &[(0x1, "client is running in cached mode")];

crate::fields! {
    // ----- the payload ------------------------------------------------------------------------
    UNDECODED: Bytes = "mapihttp.aux.undecoded", "Undecoded bytes", "[MS-OXCRPC] 2.2.2.2 payload bytes that do not form a complete AUX_HEADER block";

    // ----- AUX_HEADER -------------------------------------------------------------------------
    AUX_HEADER: None = "mapihttp.aux.header", "AUX_HEADER", "[MS-OXCRPC] 2.2.2.2 the header that precedes every auxiliary block";
    AUX_HEADER_SIZE: U16 [Disp::Unit("bytes")] = "mapihttp.aux.header.size", "Size", "[MS-OXCRPC] 2.2.2.2 size of the AUX_HEADER plus the auxiliary block that follows it";
    AUX_HEADER_VERSION: U8 [Disp::Names(AUX_VERSIONS)] = "mapihttp.aux.header.version", "Version", "[MS-OXCRPC] 2.2.2.2 version of the auxiliary block structure; with Type it selects the block";
    AUX_HEADER_TYPE: U8 [Disp::Names(AUX_TYPES_V1)] = "mapihttp.aux.header.type", "Type", "[MS-OXCRPC] 2.2.2.2 auxiliary block type (names of AUX_VERSION_1)";
    AUX_HEADER_TYPE_V2: U8 [Disp::Names(AUX_TYPES_V2)] = "mapihttp.aux.header.type_v2", "Type", "[MS-OXCRPC] 2.2.2.2 auxiliary block type (names of AUX_VERSION_2)";
    AUX_HEADER_TYPE_OTHER: U8 [Disp::Hex] = "mapihttp.aux.header.type_other", "Type", "[MS-OXCRPC] 2.2.2.2 auxiliary block type of an unknown Version";
    AUX_UNKNOWN: None = "mapihttp.aux.unknown", "Unknown auxiliary block", "[MS-OXCRPC] 3.1.4.1.2 an auxiliary block whose Version and Type are not recognized; skipped by Size";
    AUX_UNKNOWN_DATA: Bytes = "mapihttp.aux.unknown.data", "Data", "[MS-OXCRPC] 3.1.4.1.2 the bytes of an unrecognized auxiliary block";

    // ----- 2.2.2.2.1 AUX_PERF_REQUESTID --------------------------------------------------------
    PERF_REQUESTID: None = "mapihttp.aux.perf_requestid", "AUX_PERF_REQUESTID", "[MS-OXCRPC] 2.2.2.2.1 the request identification to associate with performance data";
    PERF_REQUESTID_SESSIONID: U16 = "mapihttp.aux.perf_requestid.sessionid", "SessionID", "[MS-OXCRPC] 2.2.2.2.1 session identification number";
    PERF_REQUESTID_REQUESTID: U16 = "mapihttp.aux.perf_requestid.requestid", "RequestID", "[MS-OXCRPC] 2.2.2.2.1 request identification number";

    // ----- 2.2.2.2.2 / 2.2.2.2.3 AUX_PERF_SESSIONINFO(_V2) -------------------------------------
    PERF_SESSIONINFO: None = "mapihttp.aux.perf_sessioninfo", "AUX_PERF_SESSIONINFO", "[MS-OXCRPC] 2.2.2.2.2 the session to associate with performance data";
    PERF_SESSIONINFO_SESSIONID: U16 = "mapihttp.aux.perf_sessioninfo.sessionid", "SessionID", "[MS-OXCRPC] 2.2.2.2.2 session identification number";
    PERF_SESSIONINFO_RESERVED: U16 [Disp::Hex] = "mapihttp.aux.perf_sessioninfo.reserved", "Reserved", "[MS-OXCRPC] 2.2.2.2.2 padding to a 4-byte boundary";
    PERF_SESSIONINFO_SESSIONGUID: Guid = "mapihttp.aux.perf_sessioninfo.sessionguid", "SessionGuid", "[MS-OXCRPC] 2.2.2.2.2 GUID of the session";
    PERF_SESSIONINFO_V2: None = "mapihttp.aux.perf_sessioninfo_v2", "AUX_PERF_SESSIONINFO_V2", "[MS-OXCRPC] 2.2.2.2.3 the session and connection to associate with performance data";
    PERF_SESSIONINFO_V2_SESSIONID: U16 = "mapihttp.aux.perf_sessioninfo_v2.sessionid", "SessionID", "[MS-OXCRPC] 2.2.2.2.3 session identification number";
    PERF_SESSIONINFO_V2_RESERVED: U16 [Disp::Hex] = "mapihttp.aux.perf_sessioninfo_v2.reserved", "Reserved", "[MS-OXCRPC] 2.2.2.2.3 padding to a 4-byte boundary";
    PERF_SESSIONINFO_V2_SESSIONGUID: Guid = "mapihttp.aux.perf_sessioninfo_v2.sessionguid", "SessionGuid", "[MS-OXCRPC] 2.2.2.2.3 GUID of the session";
    PERF_SESSIONINFO_V2_CONNECTIONID: U32 = "mapihttp.aux.perf_sessioninfo_v2.connectionid", "ConnectionID", "[MS-OXCRPC] 2.2.2.2.3 connection identification number";

    // ----- 2.2.2.2.4 AUX_PERF_CLIENTINFO -------------------------------------------------------
    PERF_CLIENTINFO: None = "mapihttp.aux.perf_clientinfo", "AUX_PERF_CLIENTINFO", "[MS-OXCRPC] 2.2.2.2.4 the client machine and user to associate with performance data";
    PERF_CLIENTINFO_ADAPTERSPEED: U32 [Disp::Unit("kbit/s")] = "mapihttp.aux.perf_clientinfo.adapterspeed", "AdapterSpeed", "[MS-OXCRPC] 2.2.2.2.4 speed of the client's network adapter in kilobits per second";
    PERF_CLIENTINFO_CLIENTID: U16 = "mapihttp.aux.perf_clientinfo.clientid", "ClientID", "[MS-OXCRPC] 2.2.2.2.4 client-assigned client identification number";
    PERF_CLIENTINFO_MACHINENAMEOFFSET: U16 = "mapihttp.aux.perf_clientinfo.machinenameoffset", "MachineNameOffset", "[MS-OXCRPC] 2.2.2.2.4 offset of MachineName from the start of the AUX_HEADER; 0 = absent";
    PERF_CLIENTINFO_USERNAMEOFFSET: U16 = "mapihttp.aux.perf_clientinfo.usernameoffset", "UserNameOffset", "[MS-OXCRPC] 2.2.2.2.4 offset of UserName from the start of the AUX_HEADER; 0 = absent";
    PERF_CLIENTINFO_CLIENTIPSIZE: U16 [Disp::Unit("bytes")] = "mapihttp.aux.perf_clientinfo.clientipsize", "ClientIPSize", "[MS-OXCRPC] 2.2.2.2.4 size of ClientIP";
    PERF_CLIENTINFO_CLIENTIPOFFSET: U16 = "mapihttp.aux.perf_clientinfo.clientipoffset", "ClientIPOffset", "[MS-OXCRPC] 2.2.2.2.4 offset of ClientIP from the start of the AUX_HEADER; 0 = absent";
    PERF_CLIENTINFO_CLIENTIPMASKSIZE: U16 [Disp::Unit("bytes")] = "mapihttp.aux.perf_clientinfo.clientipmasksize", "ClientIPMaskSize", "[MS-OXCRPC] 2.2.2.2.4 size of ClientIPMask";
    PERF_CLIENTINFO_CLIENTIPMASKOFFSET: U16 = "mapihttp.aux.perf_clientinfo.clientipmaskoffset", "ClientIPMaskOffset", "[MS-OXCRPC] 2.2.2.2.4 offset of ClientIPMask from the start of the AUX_HEADER; 0 = absent";
    PERF_CLIENTINFO_ADAPTERNAMEOFFSET: U16 = "mapihttp.aux.perf_clientinfo.adapternameoffset", "AdapterNameOffset", "[MS-OXCRPC] 2.2.2.2.4 offset of AdapterName from the start of the AUX_HEADER; 0 = absent";
    PERF_CLIENTINFO_MACADDRESSSIZE: U16 [Disp::Unit("bytes")] = "mapihttp.aux.perf_clientinfo.macaddresssize", "MacAddressSize", "[MS-OXCRPC] 2.2.2.2.4 size of MacAddress";
    PERF_CLIENTINFO_MACADDRESSOFFSET: U16 = "mapihttp.aux.perf_clientinfo.macaddressoffset", "MacAddressOffset", "[MS-OXCRPC] 2.2.2.2.4 offset of MacAddress from the start of the AUX_HEADER; 0 = absent";
    PERF_CLIENTINFO_CLIENTMODE: U16 [Disp::Names(CLIENT_MODES)] = "mapihttp.aux.perf_clientinfo.clientmode", "ClientMode", "[MS-OXCRPC] 2.2.2.2.4 the mode the client runs in (classic online or cached)";
    PERF_CLIENTINFO_RESERVED: U16 [Disp::Hex] = "mapihttp.aux.perf_clientinfo.reserved", "Reserved", "[MS-OXCRPC] 2.2.2.2.4 padding to a 4-byte boundary";
    PERF_CLIENTINFO_MACHINENAME: Utf16 = "mapihttp.aux.perf_clientinfo.machinename", "MachineName", "[MS-OXCRPC] 2.2.2.2.4 NUL-terminated Unicode client computer name";
    PERF_CLIENTINFO_USERNAME: Utf16 = "mapihttp.aux.perf_clientinfo.username", "UserName", "[MS-OXCRPC] 2.2.2.2.4 NUL-terminated Unicode user account name";
    PERF_CLIENTINFO_CLIENTIP: Bytes = "mapihttp.aux.perf_clientinfo.clientip", "ClientIP", "[MS-OXCRPC] 2.2.2.2.4 the client's IP address (ClientIPSize bytes)";
    PERF_CLIENTINFO_CLIENTIPMASK: Bytes = "mapihttp.aux.perf_clientinfo.clientipmask", "ClientIPMask", "[MS-OXCRPC] 2.2.2.2.4 the client's IP subnet mask (ClientIPMaskSize bytes)";
    PERF_CLIENTINFO_ADAPTERNAME: Utf16 = "mapihttp.aux.perf_clientinfo.adaptername", "AdapterName", "[MS-OXCRPC] 2.2.2.2.4 NUL-terminated Unicode network adapter name";
    PERF_CLIENTINFO_MACADDRESS: Bytes = "mapihttp.aux.perf_clientinfo.macaddress", "MacAddress", "[MS-OXCRPC] 2.2.2.2.4 the network adapter's MAC address (MacAddressSize bytes)";

    // ----- 2.2.2.2.5 AUX_PERF_SERVERINFO -------------------------------------------------------
    PERF_SERVERINFO: None = "mapihttp.aux.perf_serverinfo", "AUX_PERF_SERVERINFO", "[MS-OXCRPC] 2.2.2.2.5 the server the client talks to, for performance data";
    PERF_SERVERINFO_SERVERID: U16 = "mapihttp.aux.perf_serverinfo.serverid", "ServerID", "[MS-OXCRPC] 2.2.2.2.5 client-assigned server identification number";
    PERF_SERVERINFO_SERVERTYPE: U16 [Disp::Names(SERVER_TYPES)] = "mapihttp.aux.perf_serverinfo.servertype", "ServerType", "[MS-OXCRPC] 2.2.2.2.5 client-assigned server type";
    PERF_SERVERINFO_SERVERDNOFFSET: U16 = "mapihttp.aux.perf_serverinfo.serverdnoffset", "ServerDNOffset", "[MS-OXCRPC] 2.2.2.2.5 offset of ServerDN from the start of the AUX_HEADER; 0 = absent";
    PERF_SERVERINFO_SERVERNAMEOFFSET: U16 = "mapihttp.aux.perf_serverinfo.servernameoffset", "ServerNameOffset", "[MS-OXCRPC] 2.2.2.2.5 offset of ServerName from the start of the AUX_HEADER; 0 = absent";
    PERF_SERVERINFO_SERVERDN: Utf16 = "mapihttp.aux.perf_serverinfo.serverdn", "ServerDN", "[MS-OXCRPC] 2.2.2.2.5 NUL-terminated Unicode DN of the server";
    PERF_SERVERINFO_SERVERNAME: Utf16 = "mapihttp.aux.perf_serverinfo.servername", "ServerName", "[MS-OXCRPC] 2.2.2.2.5 NUL-terminated Unicode server name";

    // ----- 2.2.2.2.6 AUX_PERF_PROCESSINFO ------------------------------------------------------
    PERF_PROCESSINFO: None = "mapihttp.aux.perf_processinfo", "AUX_PERF_PROCESSINFO", "[MS-OXCRPC] 2.2.2.2.6 the client process to associate with performance data";
    PERF_PROCESSINFO_PROCESSID: U16 = "mapihttp.aux.perf_processinfo.processid", "ProcessID", "[MS-OXCRPC] 2.2.2.2.6 client-assigned process identification number";
    PERF_PROCESSINFO_RESERVED_1: U16 [Disp::Hex] = "mapihttp.aux.perf_processinfo.reserved_1", "Reserved_1", "[MS-OXCRPC] 2.2.2.2.6 padding to a 4-byte boundary";
    PERF_PROCESSINFO_PROCESSGUID: Guid = "mapihttp.aux.perf_processinfo.processguid", "ProcessGuid", "[MS-OXCRPC] 2.2.2.2.6 GUID of the client process";
    PERF_PROCESSINFO_PROCESSNAMEOFFSET: U16 = "mapihttp.aux.perf_processinfo.processnameoffset", "ProcessNameOffset", "[MS-OXCRPC] 2.2.2.2.6 offset of ProcessName from the start of the AUX_HEADER; 0 = absent";
    PERF_PROCESSINFO_RESERVED_2: U16 [Disp::Hex] = "mapihttp.aux.perf_processinfo.reserved_2", "Reserved_2", "[MS-OXCRPC] 2.2.2.2.6 padding to a 4-byte boundary";
    PERF_PROCESSINFO_PROCESSNAME: Utf16 = "mapihttp.aux.perf_processinfo.processname", "ProcessName", "[MS-OXCRPC] 2.2.2.2.6 NUL-terminated Unicode client process name";

    // ----- 2.2.2.2.7 AUX_PERF_DEFMDB_SUCCESS ---------------------------------------------------
    PERF_DEFMDB_SUCCESS: None = "mapihttp.aux.perf_defmdb_success", "AUX_PERF_DEFMDB_SUCCESS", "[MS-OXCRPC] 2.2.2.2.7 a successful call to the messaging server, deferred";
    PERF_DEFMDB_SUCCESS_TIMESINCEREQUEST: U32 [Disp::Unit("ms")] = "mapihttp.aux.perf_defmdb_success.timesincerequest", "TimeSinceRequest", "[MS-OXCRPC] 2.2.2.2.7 milliseconds since the successful request";
    PERF_DEFMDB_SUCCESS_TIMETOCOMPLETEREQUEST: U32 [Disp::Unit("ms")] = "mapihttp.aux.perf_defmdb_success.timetocompleterequest", "TimeToCompleteRequest", "[MS-OXCRPC] 2.2.2.2.7 milliseconds the request took to complete";
    PERF_DEFMDB_SUCCESS_REQUESTID: U16 = "mapihttp.aux.perf_defmdb_success.requestid", "RequestID", "[MS-OXCRPC] 2.2.2.2.7 request identification number";
    PERF_DEFMDB_SUCCESS_RESERVED: U16 [Disp::Hex] = "mapihttp.aux.perf_defmdb_success.reserved", "Reserved", "[MS-OXCRPC] 2.2.2.2.7 padding to a 4-byte boundary";

    // ----- 2.2.2.2.8 AUX_PERF_DEFGC_SUCCESS ----------------------------------------------------
    PERF_DEFGC_SUCCESS: None = "mapihttp.aux.perf_defgc_success", "AUX_PERF_DEFGC_SUCCESS", "[MS-OXCRPC] 2.2.2.2.8 a successful call to the directory service, deferred";
    PERF_DEFGC_SUCCESS_SERVERID: U16 = "mapihttp.aux.perf_defgc_success.serverid", "ServerID", "[MS-OXCRPC] 2.2.2.2.8 server identification number";
    PERF_DEFGC_SUCCESS_SESSIONID: U16 = "mapihttp.aux.perf_defgc_success.sessionid", "SessionID", "[MS-OXCRPC] 2.2.2.2.8 session identification number";
    PERF_DEFGC_SUCCESS_TIMESINCEREQUEST: U32 [Disp::Unit("ms")] = "mapihttp.aux.perf_defgc_success.timesincerequest", "TimeSinceRequest", "[MS-OXCRPC] 2.2.2.2.8 milliseconds since the successful request";
    PERF_DEFGC_SUCCESS_TIMETOCOMPLETEREQUEST: U32 [Disp::Unit("ms")] = "mapihttp.aux.perf_defgc_success.timetocompleterequest", "TimeToCompleteRequest", "[MS-OXCRPC] 2.2.2.2.8 milliseconds the request took to complete";
    PERF_DEFGC_SUCCESS_REQUESTOPERATION: U8 [Disp::Hex] = "mapihttp.aux.perf_defgc_success.requestoperation", "RequestOperation", "[MS-OXCRPC] 2.2.2.2.8 client-defined operation that succeeded";
    PERF_DEFGC_SUCCESS_RESERVED: Bytes = "mapihttp.aux.perf_defgc_success.reserved", "Reserved", "[MS-OXCRPC] 2.2.2.2.8 padding to a 4-byte boundary (3 bytes)";

    // ----- 2.2.2.2.9 / 2.2.2.2.10 AUX_PERF_MDB_SUCCESS(_V2) ------------------------------------
    PERF_MDB_SUCCESS: None = "mapihttp.aux.perf_mdb_success", "AUX_PERF_MDB_SUCCESS", "[MS-OXCRPC] 2.2.2.2.9 a successful call to the messaging server";
    PERF_MDB_SUCCESS_CLIENTID: U16 = "mapihttp.aux.perf_mdb_success.clientid", "ClientID", "[MS-OXCRPC] 2.2.2.2.9 client identification number";
    PERF_MDB_SUCCESS_SERVERID: U16 = "mapihttp.aux.perf_mdb_success.serverid", "ServerID", "[MS-OXCRPC] 2.2.2.2.9 server identification number";
    PERF_MDB_SUCCESS_SESSIONID: U16 = "mapihttp.aux.perf_mdb_success.sessionid", "SessionID", "[MS-OXCRPC] 2.2.2.2.9 session identification number";
    PERF_MDB_SUCCESS_REQUESTID: U16 = "mapihttp.aux.perf_mdb_success.requestid", "RequestID", "[MS-OXCRPC] 2.2.2.2.9 request identification number";
    PERF_MDB_SUCCESS_TIMESINCEREQUEST: U32 [Disp::Unit("ms")] = "mapihttp.aux.perf_mdb_success.timesincerequest", "TimeSinceRequest", "[MS-OXCRPC] 2.2.2.2.9 milliseconds since the successful request";
    PERF_MDB_SUCCESS_TIMETOCOMPLETEREQUEST: U32 [Disp::Unit("ms")] = "mapihttp.aux.perf_mdb_success.timetocompleterequest", "TimeToCompleteRequest", "[MS-OXCRPC] 2.2.2.2.9 milliseconds the request took to complete";
    PERF_MDB_SUCCESS_V2: None = "mapihttp.aux.perf_mdb_success_v2", "AUX_PERF_MDB_SUCCESS_V2", "[MS-OXCRPC] 2.2.2.2.10 a successful call to the messaging server, with the process";
    PERF_MDB_SUCCESS_V2_PROCESSID: U16 = "mapihttp.aux.perf_mdb_success_v2.processid", "ProcessID", "[MS-OXCRPC] 2.2.2.2.10 process identification number";
    PERF_MDB_SUCCESS_V2_CLIENTID: U16 = "mapihttp.aux.perf_mdb_success_v2.clientid", "ClientID", "[MS-OXCRPC] 2.2.2.2.10 client identification number";
    PERF_MDB_SUCCESS_V2_SERVERID: U16 = "mapihttp.aux.perf_mdb_success_v2.serverid", "ServerID", "[MS-OXCRPC] 2.2.2.2.10 server identification number";
    PERF_MDB_SUCCESS_V2_SESSIONID: U16 = "mapihttp.aux.perf_mdb_success_v2.sessionid", "SessionID", "[MS-OXCRPC] 2.2.2.2.10 session identification number";
    PERF_MDB_SUCCESS_V2_REQUESTID: U16 = "mapihttp.aux.perf_mdb_success_v2.requestid", "RequestID", "[MS-OXCRPC] 2.2.2.2.10 request identification number";
    PERF_MDB_SUCCESS_V2_RESERVED: U16 [Disp::Hex] = "mapihttp.aux.perf_mdb_success_v2.reserved", "Reserved", "[MS-OXCRPC] 2.2.2.2.10 padding to a 4-byte boundary";
    PERF_MDB_SUCCESS_V2_TIMESINCEREQUEST: U32 [Disp::Unit("ms")] = "mapihttp.aux.perf_mdb_success_v2.timesincerequest", "TimeSinceRequest", "[MS-OXCRPC] 2.2.2.2.10 milliseconds since the successful request";
    PERF_MDB_SUCCESS_V2_TIMETOCOMPLETEREQUEST: U32 [Disp::Unit("ms")] = "mapihttp.aux.perf_mdb_success_v2.timetocompleterequest", "TimeToCompleteRequest", "[MS-OXCRPC] 2.2.2.2.10 milliseconds the request took to complete";

    // ----- 2.2.2.2.11 / 2.2.2.2.12 AUX_PERF_GC_SUCCESS(_V2) ------------------------------------
    PERF_GC_SUCCESS: None = "mapihttp.aux.perf_gc_success", "AUX_PERF_GC_SUCCESS", "[MS-OXCRPC] 2.2.2.2.11 a successful call to the directory service";
    PERF_GC_SUCCESS_CLIENTID: U16 = "mapihttp.aux.perf_gc_success.clientid", "ClientID", "[MS-OXCRPC] 2.2.2.2.11 client identification number";
    PERF_GC_SUCCESS_SERVERID: U16 = "mapihttp.aux.perf_gc_success.serverid", "ServerID", "[MS-OXCRPC] 2.2.2.2.11 server identification number";
    PERF_GC_SUCCESS_SESSIONID: U16 = "mapihttp.aux.perf_gc_success.sessionid", "SessionID", "[MS-OXCRPC] 2.2.2.2.11 session identification number";
    PERF_GC_SUCCESS_RESERVED_1: U16 [Disp::Hex] = "mapihttp.aux.perf_gc_success.reserved_1", "Reserved_1", "[MS-OXCRPC] 2.2.2.2.11 padding to a 4-byte boundary";
    PERF_GC_SUCCESS_TIMESINCEREQUEST: U32 [Disp::Unit("ms")] = "mapihttp.aux.perf_gc_success.timesincerequest", "TimeSinceRequest", "[MS-OXCRPC] 2.2.2.2.11 milliseconds since the successful request";
    PERF_GC_SUCCESS_TIMETOCOMPLETEREQUEST: U32 [Disp::Unit("ms")] = "mapihttp.aux.perf_gc_success.timetocompleterequest", "TimeToCompleteRequest", "[MS-OXCRPC] 2.2.2.2.11 milliseconds the request took to complete";
    PERF_GC_SUCCESS_REQUESTOPERATION: U8 [Disp::Hex] = "mapihttp.aux.perf_gc_success.requestoperation", "RequestOperation", "[MS-OXCRPC] 2.2.2.2.11 client-defined operation that succeeded";
    PERF_GC_SUCCESS_RESERVED_2: Bytes = "mapihttp.aux.perf_gc_success.reserved_2", "Reserved_2", "[MS-OXCRPC] 2.2.2.2.11 padding to a 4-byte boundary (3 bytes)";
    PERF_GC_SUCCESS_V2: None = "mapihttp.aux.perf_gc_success_v2", "AUX_PERF_GC_SUCCESS_V2", "[MS-OXCRPC] 2.2.2.2.12 a successful call to the directory service, with the process";
    PERF_GC_SUCCESS_V2_PROCESSID: U16 = "mapihttp.aux.perf_gc_success_v2.processid", "ProcessID", "[MS-OXCRPC] 2.2.2.2.12 process identification number";
    PERF_GC_SUCCESS_V2_CLIENTID: U16 = "mapihttp.aux.perf_gc_success_v2.clientid", "ClientID", "[MS-OXCRPC] 2.2.2.2.12 client identification number";
    PERF_GC_SUCCESS_V2_SERVERID: U16 = "mapihttp.aux.perf_gc_success_v2.serverid", "ServerID", "[MS-OXCRPC] 2.2.2.2.12 server identification number";
    PERF_GC_SUCCESS_V2_SESSIONID: U16 = "mapihttp.aux.perf_gc_success_v2.sessionid", "SessionID", "[MS-OXCRPC] 2.2.2.2.12 session identification number";
    PERF_GC_SUCCESS_V2_TIMESINCEREQUEST: U32 [Disp::Unit("ms")] = "mapihttp.aux.perf_gc_success_v2.timesincerequest", "TimeSinceRequest", "[MS-OXCRPC] 2.2.2.2.12 milliseconds since the successful request";
    PERF_GC_SUCCESS_V2_TIMETOCOMPLETEREQUEST: U32 [Disp::Unit("ms")] = "mapihttp.aux.perf_gc_success_v2.timetocompleterequest", "TimeToCompleteRequest", "[MS-OXCRPC] 2.2.2.2.12 milliseconds the request took to complete";
    PERF_GC_SUCCESS_V2_REQUESTOPERATION: U8 [Disp::Hex] = "mapihttp.aux.perf_gc_success_v2.requestoperation", "RequestOperation", "[MS-OXCRPC] 2.2.2.2.12 client-defined operation that succeeded";
    PERF_GC_SUCCESS_V2_RESERVED: Bytes = "mapihttp.aux.perf_gc_success_v2.reserved", "Reserved", "[MS-OXCRPC] 2.2.2.2.12 padding to a 4-byte boundary (3 bytes)";

    // ----- 2.2.2.2.13 / 2.2.2.2.14 AUX_PERF_FAILURE(_V2) ---------------------------------------
    PERF_FAILURE: None = "mapihttp.aux.perf_failure", "AUX_PERF_FAILURE", "[MS-OXCRPC] 2.2.2.2.13 a failed call to the messaging server or the directory service";
    PERF_FAILURE_CLIENTID: U16 = "mapihttp.aux.perf_failure.clientid", "ClientID", "[MS-OXCRPC] 2.2.2.2.13 client identification number";
    PERF_FAILURE_SERVERID: U16 = "mapihttp.aux.perf_failure.serverid", "ServerID", "[MS-OXCRPC] 2.2.2.2.13 server identification number";
    PERF_FAILURE_SESSIONID: U16 = "mapihttp.aux.perf_failure.sessionid", "SessionID", "[MS-OXCRPC] 2.2.2.2.13 session identification number";
    PERF_FAILURE_REQUESTID: U16 = "mapihttp.aux.perf_failure.requestid", "RequestID", "[MS-OXCRPC] 2.2.2.2.13 request identification number";
    PERF_FAILURE_TIMESINCEREQUEST: U32 [Disp::Unit("ms")] = "mapihttp.aux.perf_failure.timesincerequest", "TimeSinceRequest", "[MS-OXCRPC] 2.2.2.2.13 milliseconds since the request failure";
    PERF_FAILURE_TIMETOFAILREQUEST: U32 [Disp::Unit("ms")] = "mapihttp.aux.perf_failure.timetofailrequest", "TimeToFailRequest", "[MS-OXCRPC] 2.2.2.2.13 milliseconds the failed request took";
    PERF_FAILURE_RESULTCODE: U32 [Disp::Lookup(crate::errors::name)] = "mapihttp.aux.perf_failure.resultcode", "ResultCode", "[MS-OXCRPC] 2.2.2.2.13 error code of the failed request (implementation-specific)";
    PERF_FAILURE_REQUESTOPERATION: U8 [Disp::Hex] = "mapihttp.aux.perf_failure.requestoperation", "RequestOperation", "[MS-OXCRPC] 2.2.2.2.13 client-defined operation that failed";
    PERF_FAILURE_RESERVED: Bytes = "mapihttp.aux.perf_failure.reserved", "Reserved", "[MS-OXCRPC] 2.2.2.2.13 padding to a 4-byte boundary (3 bytes)";
    PERF_FAILURE_V2: None = "mapihttp.aux.perf_failure_v2", "AUX_PERF_FAILURE_V2", "[MS-OXCRPC] 2.2.2.2.14 a failed call to the messaging server or the directory service, with the process";
    PERF_FAILURE_V2_PROCESSID: U16 = "mapihttp.aux.perf_failure_v2.processid", "ProcessID", "[MS-OXCRPC] 2.2.2.2.14 process identification number";
    PERF_FAILURE_V2_CLIENTID: U16 = "mapihttp.aux.perf_failure_v2.clientid", "ClientID", "[MS-OXCRPC] 2.2.2.2.14 client identification number";
    PERF_FAILURE_V2_SERVERID: U16 = "mapihttp.aux.perf_failure_v2.serverid", "ServerID", "[MS-OXCRPC] 2.2.2.2.14 server identification number";
    PERF_FAILURE_V2_SESSIONID: U16 = "mapihttp.aux.perf_failure_v2.sessionid", "SessionID", "[MS-OXCRPC] 2.2.2.2.14 session identification number";
    PERF_FAILURE_V2_REQUESTID: U16 = "mapihttp.aux.perf_failure_v2.requestid", "RequestID", "[MS-OXCRPC] 2.2.2.2.14 request identification number";
    PERF_FAILURE_V2_RESERVED_1: U16 [Disp::Hex] = "mapihttp.aux.perf_failure_v2.reserved_1", "Reserved_1", "[MS-OXCRPC] 2.2.2.2.14 padding to a 4-byte boundary";
    PERF_FAILURE_V2_TIMESINCEREQUEST: U32 [Disp::Unit("ms")] = "mapihttp.aux.perf_failure_v2.timesincerequest", "TimeSinceRequest", "[MS-OXCRPC] 2.2.2.2.14 milliseconds since the request failure";
    PERF_FAILURE_V2_TIMETOFAILREQUEST: U32 [Disp::Unit("ms")] = "mapihttp.aux.perf_failure_v2.timetofailrequest", "TimeToFailRequest", "[MS-OXCRPC] 2.2.2.2.14 milliseconds the failed request took";
    PERF_FAILURE_V2_RESULTCODE: U32 [Disp::Lookup(crate::errors::name)] = "mapihttp.aux.perf_failure_v2.resultcode", "ResultCode", "[MS-OXCRPC] 2.2.2.2.14 error code of the failed request (implementation-specific)";
    PERF_FAILURE_V2_REQUESTOPERATION: U8 [Disp::Hex] = "mapihttp.aux.perf_failure_v2.requestoperation", "RequestOperation", "[MS-OXCRPC] 2.2.2.2.14 client-defined operation that failed";
    PERF_FAILURE_V2_RESERVED_2: Bytes = "mapihttp.aux.perf_failure_v2.reserved_2", "Reserved_2", "[MS-OXCRPC] 2.2.2.2.14 padding to a 4-byte boundary (3 bytes)";

    // ----- 2.2.2.2.15 .. 2.2.2.2.18 ------------------------------------------------------------
    CLIENT_CONTROL: None = "mapihttp.aux.client_control", "AUX_CLIENT_CONTROL", "[MS-OXCRPC] 2.2.2.2.15 the server asks the client to change its behavior";
    CLIENT_CONTROL_ENABLEFLAGS: U32 [Disp::Flags(ENABLE_FLAGS)] = "mapihttp.aux.client_control.enableflags", "EnableFlags", "[MS-OXCRPC] 2.2.2.2.15 client behaviors to enable; a behavior whose flag is clear is disabled";
    CLIENT_CONTROL_EXPIRYTIME: U32 [Disp::Unit("ms")] = "mapihttp.aux.client_control.expirytime", "ExpiryTime", "[MS-OXCRPC] 2.2.2.2.15 milliseconds the client keeps unsent performance data";
    OSVERSIONINFO: None = "mapihttp.aux.osversioninfo", "AUX_OSVERSIONINFO", "[MS-OXCRPC] 2.2.2.2.16 the server's operating system version";
    OSVERSIONINFO_OSVERSIONINFOSIZE: U32 [Disp::Unit("bytes")] = "mapihttp.aux.osversioninfo.osversioninfosize", "OSVersionInfoSize", "[MS-OXCRPC] 2.2.2.2.16 size of this AUX_OSVERSIONINFO structure";
    OSVERSIONINFO_MAJORVERSION: U32 = "mapihttp.aux.osversioninfo.majorversion", "MajorVersion", "[MS-OXCRPC] 2.2.2.2.16 major version of the server's operating system";
    OSVERSIONINFO_MINORVERSION: U32 = "mapihttp.aux.osversioninfo.minorversion", "MinorVersion", "[MS-OXCRPC] 2.2.2.2.16 minor version of the server's operating system";
    OSVERSIONINFO_BUILDNUMBER: U32 = "mapihttp.aux.osversioninfo.buildnumber", "BuildNumber", "[MS-OXCRPC] 2.2.2.2.16 build number of the server's operating system";
    OSVERSIONINFO_RESERVED1: Bytes = "mapihttp.aux.osversioninfo.reserved1", "Reserved1", "[MS-OXCRPC] 2.2.2.2.16 reserved (132 bytes), ignored";
    OSVERSIONINFO_SERVICEPACKMAJOR: U16 = "mapihttp.aux.osversioninfo.servicepackmajor", "ServicePackMajor", "[MS-OXCRPC] 2.2.2.2.16 major version of the latest service pack";
    OSVERSIONINFO_SERVICEPACKMINOR: U16 = "mapihttp.aux.osversioninfo.servicepackminor", "ServicePackMinor", "[MS-OXCRPC] 2.2.2.2.16 minor version of the latest service pack";
    OSVERSIONINFO_RESERVED2: U32 [Disp::Hex] = "mapihttp.aux.osversioninfo.reserved2", "Reserved2", "[MS-OXCRPC] 2.2.2.2.16 reserved, ignored";
    EXORGINFO: None = "mapihttp.aux.exorginfo", "AUX_EXORGINFO", "[MS-OXCRPC] 2.2.2.2.17 organization information (public folders)";
    EXORGINFO_ORGFLAGS: U32 [Disp::Flags(ORG_FLAGS)] = "mapihttp.aux.exorginfo.orgflags", "OrgFlags", "[MS-OXCRPC] 2.2.2.2.17 public folder presence and configuration";
    PERF_ACCOUNTINFO: None = "mapihttp.aux.perf_accountinfo", "AUX_PERF_ACCOUNTINFO", "[MS-OXCRPC] 2.2.2.2.18 the client account information";
    PERF_ACCOUNTINFO_CLIENTID: U16 = "mapihttp.aux.perf_accountinfo.clientid", "ClientID", "[MS-OXCRPC] 2.2.2.2.18 client identification number (as in AUX_PERF_CLIENTINFO)";
    PERF_ACCOUNTINFO_RESERVED: U16 [Disp::Hex] = "mapihttp.aux.perf_accountinfo.reserved", "Reserved", "[MS-OXCRPC] 2.2.2.2.18 padding to a 4-byte boundary";
    PERF_ACCOUNTINFO_ACCOUNT: Guid = "mapihttp.aux.perf_accountinfo.account", "Account", "[MS-OXCRPC] 2.2.2.2.18 GUID of the client account";

    // ----- 2.2.2.2.19 .. 2.2.2.2.23 ------------------------------------------------------------
    SERVER_CAPABILITIES: None = "mapihttp.aux.server_capabilities", "AUX_SERVER_CAPABILITIES", "[MS-OXCRPC] 2.2.2.2.19 capabilities the server supports";
    SERVER_CAPABILITIES_FLAGS: U32 [Disp::Flags(SERVER_CAPABILITY_FLAGS)] = "mapihttp.aux.server_capabilities.servercapabilityflags", "ServerCapabilityFlags", "[MS-OXCRPC] 2.2.2.2.19 packed upload and ultra-large packed download support";
    ENDPOINT_CAPABILITIES: None = "mapihttp.aux.endpoint_capabilities", "AUX_ENDPOINT_CAPABILITIES", "[MS-OXCRPC] 2.2.2.2.20 capabilities of the server endpoint";
    ENDPOINT_CAPABILITIES_FLAG: U32 [Disp::Flags(ENDPOINT_CAPABILITY_FLAGS)] = "mapihttp.aux.endpoint_capabilities.endpointcapabilityflag", "EndpointCapabilityFlag", "[MS-OXCRPC] 2.2.2.2.20 whether the server combines capabilities on a single endpoint";
    CLIENT_CONNECTION_INFO: None = "mapihttp.aux.client_connection_info", "AUX_CLIENT_CONNECTION_INFO", "[MS-OXCRPC] 2.2.2.2.21 client connection information to be logged by the server";
    CLIENT_CONNECTION_INFO_CONNECTIONGUID: Guid = "mapihttp.aux.client_connection_info.connectionguid", "ConnectionGUID", "[MS-OXCRPC] 2.2.2.2.21 GUID of the connection to the server";
    CLIENT_CONNECTION_INFO_OFFSET: U16 = "mapihttp.aux.client_connection_info.offsetconnectioncontextinfo", "OffsetConnectionContextInfo", "[MS-OXCRPC] 2.2.2.2.21 offset of ConnectionContextInfo from the start of the AUX_HEADER; 0 = absent";
    CLIENT_CONNECTION_INFO_RESERVED: U16 [Disp::Hex] = "mapihttp.aux.client_connection_info.reserved", "Reserved", "[MS-OXCRPC] 2.2.2.2.21 padding to a 4-byte boundary";
    CLIENT_CONNECTION_INFO_CONNECTIONATTEMPTS: U32 = "mapihttp.aux.client_connection_info.connectionattempts", "ConnectionAttempts", "[MS-OXCRPC] 2.2.2.2.21 number of connection attempts";
    CLIENT_CONNECTION_INFO_CONNECTIONFLAGS: U32 [Disp::Flags(CONNECTION_FLAGS)] = "mapihttp.aux.client_connection_info.connectionflags", "ConnectionFlags", "[MS-OXCRPC] 2.2.2.2.21 mode of operation (0x1: cached mode)";
    CLIENT_CONNECTION_INFO_CONTEXTINFO: Utf16 = "mapihttp.aux.client_connection_info.connectioncontextinfo", "ConnectionContextInfo", "[MS-OXCRPC] 2.2.2.2.21 NUL-terminated Unicode opaque connection context to be logged by the server";
    SERVER_SESSION_INFO: None = "mapihttp.aux.server_session_info", "AUX_SERVER_SESSION_INFO", "[MS-OXCRPC] 2.2.2.2.22 server session information to be logged by the client";
    SERVER_SESSION_INFO_OFFSET: U16 = "mapihttp.aux.server_session_info.offsetserversessioncontextinfo", "OffsetServerSessionContextInfo", "[MS-OXCRPC] 2.2.2.2.22 offset of ServerSessionContextInfo from the start of the AUX_HEADER; 0 = absent";
    SERVER_SESSION_INFO_CONTEXTINFO: Utf16 = "mapihttp.aux.server_session_info.serversessioncontextinfo", "ServerSessionContextInfo", "[MS-OXCRPC] 2.2.2.2.22 NUL-terminated Unicode opaque server session context to be logged by the client";
    PROTOCOL_DEVICE_IDENTIFICATION: None = "mapihttp.aux.protocol_device_identification", "AUX_PROTOCOL_DEVICE_IDENTIFICATION", "[MS-OXCRPC] 2.2.2.2.23 identifies man-in-the-middle equipment used by messaging applications";
    PDI_MANUFACTUREROFFSET: U16 = "mapihttp.aux.protocol_device_identification.devicemanufactureroffset", "DeviceManufacturerOffset", "[MS-OXCRPC] 2.2.2.2.23 offset of DeviceManufacturer from the start of the AUX_HEADER; 0 = absent";
    PDI_MODELOFFSET: U16 = "mapihttp.aux.protocol_device_identification.devicemodeloffset", "DeviceModelOffset", "[MS-OXCRPC] 2.2.2.2.23 offset of DeviceModel from the start of the AUX_HEADER; 0 = absent";
    PDI_SERIALNUMBEROFFSET: U16 = "mapihttp.aux.protocol_device_identification.deviceserialnumberoffset", "DeviceSerialNumberOffset", "[MS-OXCRPC] 2.2.2.2.23 offset of DeviceSerialNumber from the start of the AUX_HEADER; 0 = absent";
    PDI_VERSIONOFFSET: U16 = "mapihttp.aux.protocol_device_identification.deviceversionoffset", "DeviceVersionOffset", "[MS-OXCRPC] 2.2.2.2.23 offset of DeviceVersion from the start of the AUX_HEADER; 0 = absent";
    PDI_FIRMWAREVERSIONOFFSET: U16 = "mapihttp.aux.protocol_device_identification.devicefirmwareversionoffset", "DeviceFirmwareVersionOffset", "[MS-OXCRPC] 2.2.2.2.23 offset of DeviceFirmwareVersion from the start of the AUX_HEADER; 0 = absent";
    PDI_MANUFACTURER: Utf16 = "mapihttp.aux.protocol_device_identification.devicemanufacturer", "DeviceManufacturer", "[MS-OXCRPC] 2.2.2.2.23 NUL-terminated Unicode name of the device manufacturer";
    PDI_MODEL: Utf16 = "mapihttp.aux.protocol_device_identification.devicemodel", "DeviceModel", "[MS-OXCRPC] 2.2.2.2.23 NUL-terminated Unicode device model";
    PDI_SERIALNUMBER: Utf16 = "mapihttp.aux.protocol_device_identification.deviceserialnumber", "DeviceSerialNumber", "[MS-OXCRPC] 2.2.2.2.23 NUL-terminated Unicode device serial number";
    PDI_VERSION: Utf16 = "mapihttp.aux.protocol_device_identification.deviceversion", "DeviceVersion", "[MS-OXCRPC] 2.2.2.2.23 NUL-terminated Unicode device version";
    PDI_FIRMWAREVERSION: Utf16 = "mapihttp.aux.protocol_device_identification.devicefirmwareversion", "DeviceFirmwareVersion", "[MS-OXCRPC] 2.2.2.2.23 NUL-terminated Unicode device firmware version";

    // ----- 0x49 AUX_EXCEPTION_TRACE (outside the specification) --------------------------------
    EXCEPTION_TRACE: None = "mapihttp.aux.exception_trace", "AUX_EXCEPTION_TRACE", "[MS-OXCRPC] 2.2.2.2 Type 0x49, not specified: server exception trace, layout as decoded by Microsoft's MAPI Inspector";
    EXCEPTION_TRACE_ROPINDEX: U32 = "mapihttp.aux.exception_trace.ropindex", "RopIndex", "[MS-OXCRPC] 2.2.2.2 Type 0x49 (not specified): index of the ROP that raised the exception";
    EXCEPTION_TRACE_MESSAGE: Str8 = "mapihttp.aux.exception_trace.exceptionmessage", "ExceptionMessage", "[MS-OXCRPC] 2.2.2.2 Type 0x49 (not specified): 8-bit exception text, the rest of the block";
}

// ----- block layouts ---------------------------------------------------------------------------

/// How one fixed-part field is read.
#[derive(Clone, Copy)]
enum K {
    U8,
    U16,
    U32,
    Guid,
    Bytes(usize),
    /// The rest of the block as 8-bit text.
    Str8Rest,
}

/// A field located by an offset field of the fixed part.
struct Located {
    /// Index of the offset field in the fixed layout.
    offset: usize,
    /// Index of the size field for counted byte arrays; `None` for NUL-terminated UTF-16 strings.
    size: Option<usize>,
    /// The located field.
    field: &'static Field,
}

/// An auxiliary block structure: its node, its fixed part and its offset-located fields.
struct BlockDef {
    node: &'static Field,
    fixed: &'static [(&'static Field, K)],
    located: &'static [Located],
}

/// The most fields a fixed part has (AUX_PERF_CLIENTINFO: 13).
const MAX_FIXED: usize = 16;

static DEF_PERF_REQUESTID: BlockDef = BlockDef {
    node: &PERF_REQUESTID,
    fixed: &[(&PERF_REQUESTID_SESSIONID, K::U16), (&PERF_REQUESTID_REQUESTID, K::U16)],
    located: &[],
};

static DEF_PERF_SESSIONINFO: BlockDef = BlockDef {
    node: &PERF_SESSIONINFO,
    fixed: &[
        (&PERF_SESSIONINFO_SESSIONID, K::U16),
        (&PERF_SESSIONINFO_RESERVED, K::U16),
        (&PERF_SESSIONINFO_SESSIONGUID, K::Guid),
    ],
    located: &[],
};

static DEF_PERF_SESSIONINFO_V2: BlockDef = BlockDef {
    node: &PERF_SESSIONINFO_V2,
    fixed: &[
        (&PERF_SESSIONINFO_V2_SESSIONID, K::U16),
        (&PERF_SESSIONINFO_V2_RESERVED, K::U16),
        (&PERF_SESSIONINFO_V2_SESSIONGUID, K::Guid),
        (&PERF_SESSIONINFO_V2_CONNECTIONID, K::U32),
    ],
    located: &[],
};

static DEF_PERF_CLIENTINFO: BlockDef = BlockDef {
    node: &PERF_CLIENTINFO,
    fixed: &[
        (&PERF_CLIENTINFO_ADAPTERSPEED, K::U32),       // 0
        (&PERF_CLIENTINFO_CLIENTID, K::U16),           // 1
        (&PERF_CLIENTINFO_MACHINENAMEOFFSET, K::U16),  // 2
        (&PERF_CLIENTINFO_USERNAMEOFFSET, K::U16),     // 3
        (&PERF_CLIENTINFO_CLIENTIPSIZE, K::U16),       // 4
        (&PERF_CLIENTINFO_CLIENTIPOFFSET, K::U16),     // 5
        (&PERF_CLIENTINFO_CLIENTIPMASKSIZE, K::U16),   // 6
        (&PERF_CLIENTINFO_CLIENTIPMASKOFFSET, K::U16), // 7
        (&PERF_CLIENTINFO_ADAPTERNAMEOFFSET, K::U16),  // 8
        (&PERF_CLIENTINFO_MACADDRESSSIZE, K::U16),     // 9
        (&PERF_CLIENTINFO_MACADDRESSOFFSET, K::U16),   // 10
        (&PERF_CLIENTINFO_CLIENTMODE, K::U16),         // 11
        (&PERF_CLIENTINFO_RESERVED, K::U16),           // 12
    ],
    located: &[
        Located { offset: 2, size: None, field: &PERF_CLIENTINFO_MACHINENAME },
        Located { offset: 3, size: None, field: &PERF_CLIENTINFO_USERNAME },
        Located { offset: 5, size: Some(4), field: &PERF_CLIENTINFO_CLIENTIP },
        Located { offset: 7, size: Some(6), field: &PERF_CLIENTINFO_CLIENTIPMASK },
        Located { offset: 8, size: None, field: &PERF_CLIENTINFO_ADAPTERNAME },
        Located { offset: 10, size: Some(9), field: &PERF_CLIENTINFO_MACADDRESS },
    ],
};

static DEF_PERF_SERVERINFO: BlockDef = BlockDef {
    node: &PERF_SERVERINFO,
    fixed: &[
        (&PERF_SERVERINFO_SERVERID, K::U16),
        (&PERF_SERVERINFO_SERVERTYPE, K::U16),
        (&PERF_SERVERINFO_SERVERDNOFFSET, K::U16),
        (&PERF_SERVERINFO_SERVERNAMEOFFSET, K::U16),
    ],
    located: &[
        Located { offset: 2, size: None, field: &PERF_SERVERINFO_SERVERDN },
        Located { offset: 3, size: None, field: &PERF_SERVERINFO_SERVERNAME },
    ],
};

static DEF_PERF_PROCESSINFO: BlockDef = BlockDef {
    node: &PERF_PROCESSINFO,
    fixed: &[
        (&PERF_PROCESSINFO_PROCESSID, K::U16),
        (&PERF_PROCESSINFO_RESERVED_1, K::U16),
        (&PERF_PROCESSINFO_PROCESSGUID, K::Guid),
        (&PERF_PROCESSINFO_PROCESSNAMEOFFSET, K::U16),
        (&PERF_PROCESSINFO_RESERVED_2, K::U16),
    ],
    located: &[Located { offset: 3, size: None, field: &PERF_PROCESSINFO_PROCESSNAME }],
};

static DEF_PERF_DEFMDB_SUCCESS: BlockDef = BlockDef {
    node: &PERF_DEFMDB_SUCCESS,
    fixed: &[
        (&PERF_DEFMDB_SUCCESS_TIMESINCEREQUEST, K::U32),
        (&PERF_DEFMDB_SUCCESS_TIMETOCOMPLETEREQUEST, K::U32),
        (&PERF_DEFMDB_SUCCESS_REQUESTID, K::U16),
        (&PERF_DEFMDB_SUCCESS_RESERVED, K::U16),
    ],
    located: &[],
};

static DEF_PERF_DEFGC_SUCCESS: BlockDef = BlockDef {
    node: &PERF_DEFGC_SUCCESS,
    fixed: &[
        (&PERF_DEFGC_SUCCESS_SERVERID, K::U16),
        (&PERF_DEFGC_SUCCESS_SESSIONID, K::U16),
        (&PERF_DEFGC_SUCCESS_TIMESINCEREQUEST, K::U32),
        (&PERF_DEFGC_SUCCESS_TIMETOCOMPLETEREQUEST, K::U32),
        (&PERF_DEFGC_SUCCESS_REQUESTOPERATION, K::U8),
        (&PERF_DEFGC_SUCCESS_RESERVED, K::Bytes(3)),
    ],
    located: &[],
};

static DEF_PERF_MDB_SUCCESS: BlockDef = BlockDef {
    node: &PERF_MDB_SUCCESS,
    fixed: &[
        (&PERF_MDB_SUCCESS_CLIENTID, K::U16),
        (&PERF_MDB_SUCCESS_SERVERID, K::U16),
        (&PERF_MDB_SUCCESS_SESSIONID, K::U16),
        (&PERF_MDB_SUCCESS_REQUESTID, K::U16),
        (&PERF_MDB_SUCCESS_TIMESINCEREQUEST, K::U32),
        (&PERF_MDB_SUCCESS_TIMETOCOMPLETEREQUEST, K::U32),
    ],
    located: &[],
};

static DEF_PERF_MDB_SUCCESS_V2: BlockDef = BlockDef {
    node: &PERF_MDB_SUCCESS_V2,
    fixed: &[
        (&PERF_MDB_SUCCESS_V2_PROCESSID, K::U16),
        (&PERF_MDB_SUCCESS_V2_CLIENTID, K::U16),
        (&PERF_MDB_SUCCESS_V2_SERVERID, K::U16),
        (&PERF_MDB_SUCCESS_V2_SESSIONID, K::U16),
        (&PERF_MDB_SUCCESS_V2_REQUESTID, K::U16),
        (&PERF_MDB_SUCCESS_V2_RESERVED, K::U16),
        (&PERF_MDB_SUCCESS_V2_TIMESINCEREQUEST, K::U32),
        (&PERF_MDB_SUCCESS_V2_TIMETOCOMPLETEREQUEST, K::U32),
    ],
    located: &[],
};

static DEF_PERF_GC_SUCCESS: BlockDef = BlockDef {
    node: &PERF_GC_SUCCESS,
    fixed: &[
        (&PERF_GC_SUCCESS_CLIENTID, K::U16),
        (&PERF_GC_SUCCESS_SERVERID, K::U16),
        (&PERF_GC_SUCCESS_SESSIONID, K::U16),
        (&PERF_GC_SUCCESS_RESERVED_1, K::U16),
        (&PERF_GC_SUCCESS_TIMESINCEREQUEST, K::U32),
        (&PERF_GC_SUCCESS_TIMETOCOMPLETEREQUEST, K::U32),
        (&PERF_GC_SUCCESS_REQUESTOPERATION, K::U8),
        (&PERF_GC_SUCCESS_RESERVED_2, K::Bytes(3)),
    ],
    located: &[],
};

static DEF_PERF_GC_SUCCESS_V2: BlockDef = BlockDef {
    node: &PERF_GC_SUCCESS_V2,
    fixed: &[
        (&PERF_GC_SUCCESS_V2_PROCESSID, K::U16),
        (&PERF_GC_SUCCESS_V2_CLIENTID, K::U16),
        (&PERF_GC_SUCCESS_V2_SERVERID, K::U16),
        (&PERF_GC_SUCCESS_V2_SESSIONID, K::U16),
        (&PERF_GC_SUCCESS_V2_TIMESINCEREQUEST, K::U32),
        (&PERF_GC_SUCCESS_V2_TIMETOCOMPLETEREQUEST, K::U32),
        (&PERF_GC_SUCCESS_V2_REQUESTOPERATION, K::U8),
        (&PERF_GC_SUCCESS_V2_RESERVED, K::Bytes(3)),
    ],
    located: &[],
};

static DEF_PERF_FAILURE: BlockDef = BlockDef {
    node: &PERF_FAILURE,
    fixed: &[
        (&PERF_FAILURE_CLIENTID, K::U16),
        (&PERF_FAILURE_SERVERID, K::U16),
        (&PERF_FAILURE_SESSIONID, K::U16),
        (&PERF_FAILURE_REQUESTID, K::U16),
        (&PERF_FAILURE_TIMESINCEREQUEST, K::U32),
        (&PERF_FAILURE_TIMETOFAILREQUEST, K::U32),
        (&PERF_FAILURE_RESULTCODE, K::U32),
        (&PERF_FAILURE_REQUESTOPERATION, K::U8),
        (&PERF_FAILURE_RESERVED, K::Bytes(3)),
    ],
    located: &[],
};

static DEF_PERF_FAILURE_V2: BlockDef = BlockDef {
    node: &PERF_FAILURE_V2,
    fixed: &[
        (&PERF_FAILURE_V2_PROCESSID, K::U16),
        (&PERF_FAILURE_V2_CLIENTID, K::U16),
        (&PERF_FAILURE_V2_SERVERID, K::U16),
        (&PERF_FAILURE_V2_SESSIONID, K::U16),
        (&PERF_FAILURE_V2_REQUESTID, K::U16),
        (&PERF_FAILURE_V2_RESERVED_1, K::U16),
        (&PERF_FAILURE_V2_TIMESINCEREQUEST, K::U32),
        (&PERF_FAILURE_V2_TIMETOFAILREQUEST, K::U32),
        (&PERF_FAILURE_V2_RESULTCODE, K::U32),
        (&PERF_FAILURE_V2_REQUESTOPERATION, K::U8),
        (&PERF_FAILURE_V2_RESERVED_2, K::Bytes(3)),
    ],
    located: &[],
};

static DEF_CLIENT_CONTROL: BlockDef = BlockDef {
    node: &CLIENT_CONTROL,
    fixed: &[(&CLIENT_CONTROL_ENABLEFLAGS, K::U32), (&CLIENT_CONTROL_EXPIRYTIME, K::U32)],
    located: &[],
};

static DEF_OSVERSIONINFO: BlockDef = BlockDef {
    node: &OSVERSIONINFO,
    fixed: &[
        (&OSVERSIONINFO_OSVERSIONINFOSIZE, K::U32),
        (&OSVERSIONINFO_MAJORVERSION, K::U32),
        (&OSVERSIONINFO_MINORVERSION, K::U32),
        (&OSVERSIONINFO_BUILDNUMBER, K::U32),
        (&OSVERSIONINFO_RESERVED1, K::Bytes(132)),
        (&OSVERSIONINFO_SERVICEPACKMAJOR, K::U16),
        (&OSVERSIONINFO_SERVICEPACKMINOR, K::U16),
        (&OSVERSIONINFO_RESERVED2, K::U32),
    ],
    located: &[],
};

static DEF_EXORGINFO: BlockDef = BlockDef { node: &EXORGINFO, fixed: &[(&EXORGINFO_ORGFLAGS, K::U32)], located: &[] };

static DEF_PERF_ACCOUNTINFO: BlockDef = BlockDef {
    node: &PERF_ACCOUNTINFO,
    fixed: &[
        (&PERF_ACCOUNTINFO_CLIENTID, K::U16),
        (&PERF_ACCOUNTINFO_RESERVED, K::U16),
        (&PERF_ACCOUNTINFO_ACCOUNT, K::Guid),
    ],
    located: &[],
};

static DEF_SERVER_CAPABILITIES: BlockDef =
    BlockDef { node: &SERVER_CAPABILITIES, fixed: &[(&SERVER_CAPABILITIES_FLAGS, K::U32)], located: &[] };

static DEF_ENDPOINT_CAPABILITIES: BlockDef =
    BlockDef { node: &ENDPOINT_CAPABILITIES, fixed: &[(&ENDPOINT_CAPABILITIES_FLAG, K::U32)], located: &[] };

static DEF_EXCEPTION_TRACE: BlockDef = BlockDef {
    node: &EXCEPTION_TRACE,
    fixed: &[(&EXCEPTION_TRACE_ROPINDEX, K::U32), (&EXCEPTION_TRACE_MESSAGE, K::Str8Rest)],
    located: &[],
};

static DEF_CLIENT_CONNECTION_INFO: BlockDef = BlockDef {
    node: &CLIENT_CONNECTION_INFO,
    fixed: &[
        (&CLIENT_CONNECTION_INFO_CONNECTIONGUID, K::Guid),
        (&CLIENT_CONNECTION_INFO_OFFSET, K::U16),
        (&CLIENT_CONNECTION_INFO_RESERVED, K::U16),
        (&CLIENT_CONNECTION_INFO_CONNECTIONATTEMPTS, K::U32),
        (&CLIENT_CONNECTION_INFO_CONNECTIONFLAGS, K::U32),
    ],
    located: &[Located { offset: 1, size: None, field: &CLIENT_CONNECTION_INFO_CONTEXTINFO }],
};

static DEF_SERVER_SESSION_INFO: BlockDef = BlockDef {
    node: &SERVER_SESSION_INFO,
    fixed: &[(&SERVER_SESSION_INFO_OFFSET, K::U16)],
    located: &[Located { offset: 0, size: None, field: &SERVER_SESSION_INFO_CONTEXTINFO }],
};

static DEF_PROTOCOL_DEVICE_IDENTIFICATION: BlockDef = BlockDef {
    node: &PROTOCOL_DEVICE_IDENTIFICATION,
    fixed: &[
        (&PDI_MANUFACTUREROFFSET, K::U16),
        (&PDI_MODELOFFSET, K::U16),
        (&PDI_SERIALNUMBEROFFSET, K::U16),
        (&PDI_VERSIONOFFSET, K::U16),
        (&PDI_FIRMWAREVERSIONOFFSET, K::U16),
    ],
    located: &[
        Located { offset: 0, size: None, field: &PDI_MANUFACTURER },
        Located { offset: 1, size: None, field: &PDI_MODEL },
        Located { offset: 2, size: None, field: &PDI_SERIALNUMBER },
        Located { offset: 3, size: None, field: &PDI_VERSION },
        Located { offset: 4, size: None, field: &PDI_FIRMWAREVERSION },
    ],
};

/// The block structure of a (Version, Type) pair, [MS-OXCRPC] 2.2.2.2.
fn block_def(version: u8, ty: u8) -> Option<&'static BlockDef> {
    Some(match (version, ty) {
        (1, 0x01) => &DEF_PERF_REQUESTID,
        (1, 0x02) => &DEF_PERF_CLIENTINFO,
        (1, 0x03) => &DEF_PERF_SERVERINFO,
        (1, 0x04) => &DEF_PERF_SESSIONINFO,
        (2, 0x04) => &DEF_PERF_SESSIONINFO_V2,
        (1, 0x05 | 0x0C | 0x11) => &DEF_PERF_DEFMDB_SUCCESS,
        (1, 0x06 | 0x0D | 0x12) => &DEF_PERF_DEFGC_SUCCESS,
        (1, 0x07 | 0x0E | 0x13) => &DEF_PERF_MDB_SUCCESS,
        (2, 0x07 | 0x0E | 0x13) => &DEF_PERF_MDB_SUCCESS_V2,
        (1, 0x08 | 0x0F | 0x14) => &DEF_PERF_GC_SUCCESS,
        (2, 0x08 | 0x0F | 0x14) => &DEF_PERF_GC_SUCCESS_V2,
        (1, 0x09 | 0x10 | 0x15) => &DEF_PERF_FAILURE,
        (2, 0x09 | 0x10 | 0x15) => &DEF_PERF_FAILURE_V2,
        (1, 0x0A) => &DEF_CLIENT_CONTROL,
        (1 | 2, 0x0B) => &DEF_PERF_PROCESSINFO,
        (1, 0x16) => &DEF_OSVERSIONINFO,
        (1, 0x17) => &DEF_EXORGINFO,
        (1, 0x18) => &DEF_PERF_ACCOUNTINFO,
        (1, 0x46) => &DEF_SERVER_CAPABILITIES,
        (1, 0x48) => &DEF_ENDPOINT_CAPABILITIES,
        (1, 0x49) => &DEF_EXCEPTION_TRACE,
        (1, 0x4A) => &DEF_CLIENT_CONNECTION_INFO,
        (1, 0x4B) => &DEF_SERVER_SESSION_INFO,
        (1, 0x4E) => &DEF_PROTOCOL_DEVICE_IDENTIFICATION,
        _ => return None,
    })
}

// ----- decoding --------------------------------------------------------------------------------

/// Decodes an AuxiliaryBuffer (the whole window of `c`, AuxiliaryBufferSize bytes): its single
/// RPC_HEADER_EXT unit ([MS-OXCRPC] 3.1.4.1.1.1.1), whose payload (de-obfuscated and decompressed as
/// flagged) holds the auxiliary blocks.
pub fn auxiliary_buffer(b: &mut Builder<'_>, c: &mut Cur<'_>) -> R<()> {
    extended_buffer(b, c, BufferKind::AuxiliaryBuffer, |b, c, _| aux_blocks(b, c))
}

/// Decodes a plain payload window: a sequence of AUX_HEADER + auxiliary block, each located by the
/// AUX_HEADER Size. Consumes the whole window; errors are recorded as diagnostics.
fn aux_blocks(b: &mut Builder<'_>, c: &mut Cur<'_>) -> R<()> {
    while !c.is_empty() {
        let Some(&[s0, s1, version, ty]) = c.rest().get(..4) else {
            let left = c.left();
            b.diag_at(
                c,
                Severity::Warning,
                format!("{left} bytes after the last auxiliary block are too short for an AUX_HEADER"),
                left,
            );
            return b.rest_bytes(c, &UNDECODED);
        };
        let size = usize::from(u16::from_le_bytes([s0, s1]));
        let start = c.pos();
        if size < 4 {
            let _ = aux_header(b, c, version);
            b.diag(
                Severity::Error,
                format!("AUX_HEADER Size {size} is smaller than the 4-byte AUX_HEADER: the following blocks cannot be located"),
                c.src(),
                start,
                2,
            );
            return b.rest_bytes(c, &UNDECODED);
        }
        let len = if size > c.left() {
            let msg = format!("AUX_HEADER Size {} exceeds the {} bytes left in the payload", size, c.left());
            b.diag_at(c, Severity::Error, msg, c.left());
            c.left()
        } else {
            size
        };
        let def = block_def(version, ty);
        let node = def.map_or(&AUX_UNKNOWN, |d| d.node);
        // A block that stops early has its diagnostic; the next block is still located by Size.
        let _ = b.group_sized(c, node, len, |b, c| {
            aux_header(b, c, version)?;
            match def {
                Some(d) => block(b, c, start, d),
                None => {
                    let msg = match version {
                        1 | 2 => format!(
                            "unknown auxiliary block Type 0x{ty:02X} for AUX_VERSION_{version}: kept as bytes"
                        ),
                        _ => format!("unknown AUX_HEADER Version {version}: block kept as bytes"),
                    };
                    b.diag(Severity::Note, msg, c.src(), start, len);
                    b.rest_bytes(c, &AUX_UNKNOWN_DATA)
                }
            }
        });
    }
    Ok(())
}

/// The 4-byte AUX_HEADER, with the Type named for its Version.
fn aux_header(b: &mut Builder<'_>, c: &mut Cur<'_>, version: u8) -> R<()> {
    b.group(c, &AUX_HEADER, |b, c| {
        b.u16(c, &AUX_HEADER_SIZE)?;
        b.u8(c, &AUX_HEADER_VERSION)?;
        let f = match version {
            1 => &AUX_HEADER_TYPE,
            2 => &AUX_HEADER_TYPE_V2,
            _ => &AUX_HEADER_TYPE_OTHER,
        };
        b.u8(c, f)?;
        Ok(())
    })
}

/// One block after its AUX_HEADER: the fixed part, then the fields its offsets locate. `c` is the
/// block's window (AUX_HEADER Size bytes from `start`).
fn block(b: &mut Builder<'_>, c: &mut Cur<'_>, start: usize, def: &BlockDef) -> R<()> {
    let mut vals = [(0u64, 0usize); MAX_FIXED];
    for (i, &(f, k)) in def.fixed.iter().enumerate() {
        let pos = c.pos();
        let v = match k {
            K::U8 => u64::from(b.u8(c, f)?),
            K::U16 => u64::from(b.u16(c, f)?),
            K::U32 => u64::from(b.u32(c, f)?),
            K::Guid => {
                b.guid(c, f)?;
                0
            }
            K::Bytes(n) => {
                b.bytes(c, f, n)?;
                0
            }
            K::Str8Rest => {
                let n = c.left();
                b.str8n(c, f, n)?;
                0
            }
        };
        if let Some(slot) = vals.get_mut(i) {
            *slot = (v, pos);
        }
    }
    let fixed_end = c.pos();
    for l in def.located {
        let (off, off_pos) = vals.get(l.offset).copied().unwrap_or((0, 0));
        let off_field = def.fixed.get(l.offset).map_or(l.field, |e| e.0);
        let size = l.size.map(|i| vals.get(i).map_or(0, |v| v.0));
        located(b, c, Loc { start, fixed_end, off, off_pos, off_field, size, field: l.field, node: def.node });
    }
    Ok(())
}

/// Where a located field is and what it is.
struct Loc {
    /// Offset of the block's AUX_HEADER.
    start: usize,
    /// End of the block's fixed part.
    fixed_end: usize,
    /// The offset value (from the AUX_HEADER start).
    off: u64,
    /// Position of the offset field.
    off_pos: usize,
    off_field: &'static Field,
    /// Byte count for counted arrays, `None` for NUL-terminated UTF-16 strings.
    size: Option<u64>,
    field: &'static Field,
    node: &'static Field,
}

/// Reads a field at `start + off` inside the block window `c`; offset 0 (or size 0) shows as absent
/// at the offset field. Problems are diagnostics; the block goes on.
fn located(b: &mut Builder<'_>, c: &mut Cur<'_>, l: Loc) {
    let src = c.src();
    if l.off == 0 || l.size == Some(0) {
        let _ = b.push(l.field, Value::Text(Box::from("(absent)")), src, l.off_pos, 2);
        return;
    }
    let block_len = c.limit().saturating_sub(l.start);
    let abs = usize::try_from(l.off).map_or(usize::MAX, |o| l.start.saturating_add(o));
    if abs >= c.limit() {
        let msg = format!(
            "{} {} points outside the {} block ({} bytes): {} not shown",
            l.off_field.name, l.off, l.node.name, block_len, l.field.name
        );
        b.diag(Severity::Warning, msg, src, l.off_pos, 2);
        return;
    }
    if abs < l.fixed_end {
        let msg = format!("{} {} points into the fixed part of the {} block", l.off_field.name, l.off, l.node.name);
        b.diag(Severity::Warning, msg, src, l.off_pos, 2);
    }
    let mut sub = c.at(abs);
    // A missing terminator or a short array is recorded by the read itself.
    let _ = match l.size {
        Some(n) => b.bytes(&mut sub, l.field, usize::try_from(n).unwrap_or(usize::MAX)).map(|_| ()),
        None => b.utf16z(&mut sub, l.field).map(|_| ()),
    };
    c.sync(&sub);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::display::display_line;
    use crate::mapihttp::RequestType;
    use crate::rpc::ext::{xor_magic, COMPRESSED as FLAG_COMPRESSED, LAST as FLAG_LAST, XOR_MAGIC as FLAG_XOR_MAGIC};
    use crate::rpc::lz77;
    use crate::tree::Dissection;
    use alloc::string::String;
    use alloc::vec;
    use alloc::vec::Vec;

    /// UTF-16LE with the NUL terminator.
    fn w(s: &str) -> Vec<u8> {
        let mut v: Vec<u8> = s.encode_utf16().flat_map(u16::to_le_bytes).collect();
        v.extend_from_slice(&[0, 0]);
        v
    }

    /// AUX_HEADER (Size = 4 + body) + body.
    fn blk(version: u8, ty: u8, body: &[u8]) -> Vec<u8> {
        let mut v = u16::try_from(body.len() + 4).unwrap().to_le_bytes().to_vec();
        v.push(version);
        v.push(ty);
        v.extend_from_slice(body);
        v
    }

    /// RPC_HEADER_EXT + payload, transformed as the flags say (compressed, then XORed).
    fn ext(flags: u16, payload: &[u8]) -> Vec<u8> {
        let mut data = if flags & FLAG_COMPRESSED != 0 { lz77::compress(payload) } else { payload.to_vec() };
        if flags & FLAG_XOR_MAGIC != 0 {
            xor_magic(&mut data);
        }
        let mut v = vec![0, 0];
        v.extend_from_slice(&flags.to_le_bytes());
        v.extend_from_slice(&u16::try_from(data.len()).unwrap().to_le_bytes());
        v.extend_from_slice(&u16::try_from(payload.len()).unwrap().to_le_bytes());
        v.extend_from_slice(&data);
        v
    }

    /// A Disconnect request body: AuxiliaryBufferSize + AuxiliaryBuffer.
    fn req(aux: &[u8]) -> Vec<u8> {
        let mut v = u32::try_from(aux.len()).unwrap().to_le_bytes().to_vec();
        v.extend_from_slice(aux);
        v
    }

    fn dec(body: &[u8]) -> Dissection<'static> {
        crate::decode_request(RequestType::Disconnect, body).into_owned()
    }

    /// Decodes a Disconnect request whose aux payload is `payload` (flag Last).
    fn dec_payload(payload: &[u8]) -> Dissection<'static> {
        dec(&req(&ext(FLAG_LAST, payload)))
    }

    fn line(d: &Dissection<'_>, key: &str) -> String {
        let (_, n) = d.find(key).unwrap_or_else(|| panic!("no node {key}"));
        display_line(d, n)
    }

    fn lines(d: &Dissection<'_>, key: &str) -> Vec<String> {
        d.find_all(key).map(|(_, n)| display_line(d, n)).collect()
    }

    fn span(d: &Dissection<'_>, key: &str) -> (u16, u32, u32) {
        let (_, n) = d.find(key).unwrap_or_else(|| panic!("no node {key}"));
        (n.source, n.offset, n.length)
    }

    fn has_diag(d: &Dissection<'_>, sev: Severity, needle: &str) -> bool {
        d.diagnostics.iter().any(|x| x.severity == sev && x.message.contains(needle))
    }

    fn clean(d: &Dissection<'_>) {
        assert!(d.diagnostics.is_empty(), "unexpected diagnostics: {:?}", d.diagnostics);
    }

    const GUID: [u8; 16] = [0xDC, 0xA7, 0x40, 0xC8, 0xC0, 0x42, 0x10, 0x1A, 0xB4, 0xB9, 0x08, 0x00, 0x2B, 0x2F, 0xE1, 0x82];
    const GUID_TEXT: &str = "{C840A7DC-42C0-1A10-B4B9-08002B2FE182}";

    // Offsets in a Disconnect request: AuxiliaryBufferSize 0..4, RPC_HEADER_EXT 4..12, first
    // AUX_HEADER at 12, its block at 16.
    const HDR: u32 = 12;

    fn clientinfo_body() -> Vec<u8> {
        // Fixed part: 28 bytes, so located data starts 32 bytes after the AUX_HEADER. UserName is
        // placed before MachineName to show that the offsets, not the order, are followed.
        let mut v = Vec::new();
        v.extend_from_slice(&100_000u32.to_le_bytes()); // AdapterSpeed
        v.extend_from_slice(&7u16.to_le_bytes()); // ClientID
        v.extend_from_slice(&40u16.to_le_bytes()); // MachineNameOffset
        v.extend_from_slice(&32u16.to_le_bytes()); // UserNameOffset
        v.extend_from_slice(&4u16.to_le_bytes()); // ClientIPSize
        v.extend_from_slice(&48u16.to_le_bytes()); // ClientIPOffset
        v.extend_from_slice(&4u16.to_le_bytes()); // ClientIPMaskSize
        v.extend_from_slice(&52u16.to_le_bytes()); // ClientIPMaskOffset
        v.extend_from_slice(&56u16.to_le_bytes()); // AdapterNameOffset
        v.extend_from_slice(&6u16.to_le_bytes()); // MacAddressSize
        v.extend_from_slice(&64u16.to_le_bytes()); // MacAddressOffset
        v.extend_from_slice(&2u16.to_le_bytes()); // ClientMode
        v.extend_from_slice(&0u16.to_le_bytes()); // Reserved
        v.extend(w("bob")); // 32..40
        v.extend(w("PC1")); // 40..48
        v.extend_from_slice(&[192, 168, 0, 1]); // 48..52
        v.extend_from_slice(&[255, 255, 255, 0]); // 52..56
        v.extend(w("eth")); // 56..64
        v.extend_from_slice(&[0x00, 0x11, 0x22, 0x33, 0x44, 0x55]); // 64..70
        v
    }

    #[test]
    fn rpc_header_ext_and_requestid() {
        // The auxiliary buffer of tests/samples/connect.request.bin.
        let body = req(&[0, 0, 4, 0, 8, 0, 8, 0, 8, 0, 1, 1, 1, 0, 2, 0]);
        let d = dec(&body);
        clean(&d);
        // The RPC_HEADER_EXT is read by the shared extended-buffer code.
        assert_eq!(line(&d, "mapihttp.rpc.header.flags"), "Flags: 0x0004 (Last)");
        assert_eq!(line(&d, "mapihttp.rpc.header.size"), "Size: 8 bytes");
        assert_eq!(span(&d, "mapihttp.rpc.header"), (0, 4, 8));
        assert_eq!(span(&d, "mapihttp.rpc.payload"), (0, HDR, 8));
        assert_eq!(line(&d, "mapihttp.aux.perf_requestid"), "AUX_PERF_REQUESTID");
        assert_eq!(span(&d, "mapihttp.aux.perf_requestid"), (0, HDR, 8));
        assert_eq!(span(&d, "mapihttp.aux.header"), (0, HDR, 4));
        assert_eq!(line(&d, "mapihttp.aux.header.size"), "Size: 8 bytes");
        assert_eq!(line(&d, "mapihttp.aux.header.version"), "Version: AUX_VERSION_1 (0x01)");
        assert_eq!(line(&d, "mapihttp.aux.header.type"), "Type: AUX_TYPE_PERF_REQUESTID (0x01)");
        assert_eq!(line(&d, "mapihttp.aux.perf_requestid.sessionid"), "SessionID: 1");
        assert_eq!(line(&d, "mapihttp.aux.perf_requestid.requestid"), "RequestID: 2");
        assert_eq!(span(&d, "mapihttp.aux.perf_requestid.requestid"), (0, HDR + 6, 2));
        // The block is a child of the payload, the header and fields children of the block.
        let (bi, _) = d.find("mapihttp.aux.perf_requestid").unwrap();
        let kids: Vec<&str> = d.children(bi).map(|i| d.nodes[i as usize].field.key).collect();
        assert_eq!(
            kids,
            ["mapihttp.aux.header", "mapihttp.aux.perf_requestid.sessionid", "mapihttp.aux.perf_requestid.requestid"]
        );
    }

    #[test]
    fn perf_clientinfo_follows_offsets() {
        let d = dec_payload(&blk(1, 0x02, &clientinfo_body()));
        clean(&d);
        assert_eq!(span(&d, "mapihttp.aux.perf_clientinfo"), (0, HDR, 70));
        assert_eq!(line(&d, "mapihttp.aux.header.type"), "Type: AUX_TYPE_PERF_CLIENTINFO (0x02)");
        assert_eq!(line(&d, "mapihttp.aux.perf_clientinfo.adapterspeed"), "AdapterSpeed: 100000 kbit/s");
        assert_eq!(line(&d, "mapihttp.aux.perf_clientinfo.clientid"), "ClientID: 7");
        assert_eq!(line(&d, "mapihttp.aux.perf_clientinfo.machinenameoffset"), "MachineNameOffset: 40");
        assert_eq!(line(&d, "mapihttp.aux.perf_clientinfo.clientmode"), "ClientMode: CLIENTMODE_CACHED (0x0002)");
        assert_eq!(line(&d, "mapihttp.aux.perf_clientinfo.machinename"), "MachineName: \"PC1\"");
        assert_eq!(span(&d, "mapihttp.aux.perf_clientinfo.machinename"), (0, HDR + 40, 8));
        assert_eq!(line(&d, "mapihttp.aux.perf_clientinfo.username"), "UserName: \"bob\"");
        assert_eq!(span(&d, "mapihttp.aux.perf_clientinfo.username"), (0, HDR + 32, 8));
        assert_eq!(line(&d, "mapihttp.aux.perf_clientinfo.clientip"), "ClientIP: c0a80001");
        assert_eq!(span(&d, "mapihttp.aux.perf_clientinfo.clientip"), (0, HDR + 48, 4));
        assert_eq!(line(&d, "mapihttp.aux.perf_clientinfo.clientipmask"), "ClientIPMask: ffffff00");
        assert_eq!(line(&d, "mapihttp.aux.perf_clientinfo.adaptername"), "AdapterName: \"eth\"");
        assert_eq!(line(&d, "mapihttp.aux.perf_clientinfo.macaddress"), "MacAddress: 001122334455");
        assert_eq!(span(&d, "mapihttp.aux.perf_clientinfo.macaddress"), (0, HDR + 64, 6));
    }

    #[test]
    fn perf_clientinfo_absent_fields() {
        let mut body = clientinfo_body();
        body[6..8].copy_from_slice(&0u16.to_le_bytes()); // MachineNameOffset 0
        body[10..12].copy_from_slice(&0u16.to_le_bytes()); // ClientIPSize 0
        let d = dec_payload(&blk(1, 0x02, &body));
        clean(&d);
        assert_eq!(line(&d, "mapihttp.aux.perf_clientinfo.machinename"), "MachineName: (absent)");
        // Shown at the offset field that says it is absent.
        assert_eq!(span(&d, "mapihttp.aux.perf_clientinfo.machinename"), (0, HDR + 4 + 6, 2));
        assert_eq!(line(&d, "mapihttp.aux.perf_clientinfo.clientip"), "ClientIP: (absent)");
        assert_eq!(line(&d, "mapihttp.aux.perf_clientinfo.username"), "UserName: \"bob\"");
    }

    #[test]
    fn perf_serverinfo() {
        let mut body = Vec::new();
        body.extend_from_slice(&1u16.to_le_bytes()); // ServerID
        body.extend_from_slice(&1u16.to_le_bytes()); // ServerType
        body.extend_from_slice(&12u16.to_le_bytes()); // ServerDNOffset: 4 + 8
        body.extend_from_slice(&0u16.to_le_bytes()); // ServerNameOffset: absent
        body.extend(w("/o=X"));
        let d = dec_payload(&blk(1, 0x03, &body));
        clean(&d);
        assert_eq!(line(&d, "mapihttp.aux.perf_serverinfo"), "AUX_PERF_SERVERINFO");
        assert_eq!(line(&d, "mapihttp.aux.perf_serverinfo.servertype"), "ServerType: SERVERTYPE_PRIVATE (0x0001)");
        assert_eq!(line(&d, "mapihttp.aux.perf_serverinfo.serverdn"), "ServerDN: \"/o=X\"");
        assert_eq!(span(&d, "mapihttp.aux.perf_serverinfo.serverdn"), (0, HDR + 12, 10));
        assert_eq!(line(&d, "mapihttp.aux.perf_serverinfo.servername"), "ServerName: (absent)");
        assert_eq!(span(&d, "mapihttp.aux.perf_serverinfo.servername"), (0, HDR + 10, 2));
    }

    #[test]
    fn perf_sessioninfo_v1_and_v2() {
        let mut v1 = vec![3, 0, 0, 0];
        v1.extend_from_slice(&GUID);
        let mut v2 = v1.clone();
        v2.extend_from_slice(&0x1234u32.to_le_bytes());
        let mut p = blk(1, 0x04, &v1);
        p.extend(blk(2, 0x04, &v2));
        let d = dec_payload(&p);
        clean(&d);
        assert_eq!(span(&d, "mapihttp.aux.perf_sessioninfo"), (0, HDR, 24));
        assert_eq!(line(&d, "mapihttp.aux.perf_sessioninfo.sessionid"), "SessionID: 3");
        assert_eq!(line(&d, "mapihttp.aux.perf_sessioninfo.sessionguid"), format!("SessionGuid: {GUID_TEXT}"));
        assert_eq!(line(&d, "mapihttp.aux.perf_sessioninfo_v2"), "AUX_PERF_SESSIONINFO_V2");
        assert_eq!(span(&d, "mapihttp.aux.perf_sessioninfo_v2"), (0, HDR + 24, 28));
        assert_eq!(line(&d, "mapihttp.aux.header.type_v2"), "Type: AUX_TYPE_PERF_SESSIONINFO (0x04)");
        assert_eq!(line(&d, "mapihttp.aux.perf_sessioninfo_v2.connectionid"), "ConnectionID: 4660");
        assert_eq!(span(&d, "mapihttp.aux.perf_sessioninfo_v2.connectionid"), (0, HDR + 24 + 24, 4));
    }

    #[test]
    fn perf_processinfo_v2() {
        let mut body = vec![5, 0, 0, 0];
        body.extend_from_slice(&GUID);
        body.extend_from_slice(&28u16.to_le_bytes()); // ProcessNameOffset: 4 + 24
        body.extend_from_slice(&0u16.to_le_bytes());
        body.extend(w("OUTLOOK.EXE"));
        let d = dec_payload(&blk(2, 0x0B, &body));
        clean(&d);
        assert_eq!(line(&d, "mapihttp.aux.header.version"), "Version: AUX_VERSION_2 (0x02)");
        assert_eq!(line(&d, "mapihttp.aux.header.type_v2"), "Type: AUX_TYPE_PERF_PROCESSINFO (0x0B)");
        assert_eq!(line(&d, "mapihttp.aux.perf_processinfo.processid"), "ProcessID: 5");
        assert_eq!(line(&d, "mapihttp.aux.perf_processinfo.processguid"), format!("ProcessGuid: {GUID_TEXT}"));
        assert_eq!(line(&d, "mapihttp.aux.perf_processinfo.processname"), "ProcessName: \"OUTLOOK.EXE\"");
        assert_eq!(span(&d, "mapihttp.aux.perf_processinfo.processname"), (0, HDR + 28, 24));
    }

    #[test]
    fn perf_defmdb_and_defgc_success() {
        let mut mdb = Vec::new();
        mdb.extend_from_slice(&100u32.to_le_bytes());
        mdb.extend_from_slice(&15u32.to_le_bytes());
        mdb.extend_from_slice(&9u16.to_le_bytes());
        mdb.extend_from_slice(&0u16.to_le_bytes());
        let mut gc = vec![1, 0, 2, 0];
        gc.extend_from_slice(&200u32.to_le_bytes());
        gc.extend_from_slice(&30u32.to_le_bytes());
        gc.extend_from_slice(&[0x07, 0, 0, 0]);
        let mut p = blk(1, 0x0C, &mdb); // BG_DEFMDB: same structure
        p.extend(blk(1, 0x12, &gc)); // FG_DEFGC
        let d = dec_payload(&p);
        clean(&d);
        assert_eq!(span(&d, "mapihttp.aux.perf_defmdb_success"), (0, HDR, 16));
        assert_eq!(lines(&d, "mapihttp.aux.header.type"), [
            "Type: AUX_TYPE_PERF_BG_DEFMDB_SUCCESS (0x0C)",
            "Type: AUX_TYPE_PERF_FG_DEFGC_SUCCESS (0x12)"
        ]);
        assert_eq!(line(&d, "mapihttp.aux.perf_defmdb_success.timesincerequest"), "TimeSinceRequest: 100 ms");
        assert_eq!(line(&d, "mapihttp.aux.perf_defmdb_success.timetocompleterequest"), "TimeToCompleteRequest: 15 ms");
        assert_eq!(line(&d, "mapihttp.aux.perf_defmdb_success.requestid"), "RequestID: 9");
        assert_eq!(span(&d, "mapihttp.aux.perf_defgc_success"), (0, HDR + 16, 20));
        assert_eq!(line(&d, "mapihttp.aux.perf_defgc_success.serverid"), "ServerID: 1");
        assert_eq!(line(&d, "mapihttp.aux.perf_defgc_success.sessionid"), "SessionID: 2");
        assert_eq!(line(&d, "mapihttp.aux.perf_defgc_success.requestoperation"), "RequestOperation: 0x07");
        assert_eq!(line(&d, "mapihttp.aux.perf_defgc_success.reserved"), "Reserved: 000000");
        assert_eq!(span(&d, "mapihttp.aux.perf_defgc_success.reserved"), (0, HDR + 16 + 17, 3));
    }

    #[test]
    fn perf_mdb_success_v1_and_v2() {
        let mut v1 = vec![1, 0, 2, 0, 3, 0, 4, 0];
        v1.extend_from_slice(&10u32.to_le_bytes());
        v1.extend_from_slice(&20u32.to_le_bytes());
        let mut v2 = vec![9, 0, 1, 0, 2, 0, 3, 0, 4, 0, 0, 0];
        v2.extend_from_slice(&11u32.to_le_bytes());
        v2.extend_from_slice(&21u32.to_le_bytes());
        let mut p = blk(1, 0x07, &v1);
        p.extend(blk(2, 0x13, &v2));
        let d = dec_payload(&p);
        clean(&d);
        assert_eq!(span(&d, "mapihttp.aux.perf_mdb_success"), (0, HDR, 20));
        assert_eq!(line(&d, "mapihttp.aux.perf_mdb_success.requestid"), "RequestID: 4");
        assert_eq!(line(&d, "mapihttp.aux.perf_mdb_success.timetocompleterequest"), "TimeToCompleteRequest: 20 ms");
        assert_eq!(line(&d, "mapihttp.aux.header.type_v2"), "Type: AUX_TYPE_PERF_FG_MDB_SUCCESS (0x13)");
        assert_eq!(span(&d, "mapihttp.aux.perf_mdb_success_v2"), (0, HDR + 20, 24));
        assert_eq!(line(&d, "mapihttp.aux.perf_mdb_success_v2.processid"), "ProcessID: 9");
        assert_eq!(line(&d, "mapihttp.aux.perf_mdb_success_v2.requestid"), "RequestID: 4");
        assert_eq!(line(&d, "mapihttp.aux.perf_mdb_success_v2.timesincerequest"), "TimeSinceRequest: 11 ms");
        assert_eq!(span(&d, "mapihttp.aux.perf_mdb_success_v2.timesincerequest"), (0, HDR + 20 + 16, 4));
    }

    #[test]
    fn perf_gc_success_v1_and_v2() {
        let mut v1 = vec![1, 0, 2, 0, 3, 0, 0, 0];
        v1.extend_from_slice(&10u32.to_le_bytes());
        v1.extend_from_slice(&20u32.to_le_bytes());
        v1.extend_from_slice(&[0x21, 0, 0, 0]);
        let mut v2 = vec![9, 0, 1, 0, 2, 0, 3, 0];
        v2.extend_from_slice(&11u32.to_le_bytes());
        v2.extend_from_slice(&21u32.to_le_bytes());
        v2.extend_from_slice(&[0x22, 0, 0, 0]);
        let mut p = blk(1, 0x0F, &v1);
        p.extend(blk(2, 0x08, &v2));
        let d = dec_payload(&p);
        clean(&d);
        assert_eq!(line(&d, "mapihttp.aux.header.type"), "Type: AUX_TYPE_PERF_BG_GC_SUCCESS (0x0F)");
        assert_eq!(span(&d, "mapihttp.aux.perf_gc_success"), (0, HDR, 24));
        assert_eq!(line(&d, "mapihttp.aux.perf_gc_success.sessionid"), "SessionID: 3");
        assert_eq!(line(&d, "mapihttp.aux.perf_gc_success.reserved_1"), "Reserved_1: 0x0000");
        assert_eq!(line(&d, "mapihttp.aux.perf_gc_success.requestoperation"), "RequestOperation: 0x21");
        assert_eq!(line(&d, "mapihttp.aux.perf_gc_success.reserved_2"), "Reserved_2: 000000");
        assert_eq!(line(&d, "mapihttp.aux.perf_gc_success_v2"), "AUX_PERF_GC_SUCCESS_V2");
        assert_eq!(span(&d, "mapihttp.aux.perf_gc_success_v2"), (0, HDR + 24, 24));
        assert_eq!(line(&d, "mapihttp.aux.perf_gc_success_v2.processid"), "ProcessID: 9");
        assert_eq!(line(&d, "mapihttp.aux.perf_gc_success_v2.timetocompleterequest"), "TimeToCompleteRequest: 21 ms");
        assert_eq!(line(&d, "mapihttp.aux.perf_gc_success_v2.requestoperation"), "RequestOperation: 0x22");
    }

    #[test]
    fn perf_failure_v1_and_v2() {
        let mut v1 = vec![1, 0, 2, 0, 3, 0, 4, 0];
        v1.extend_from_slice(&10u32.to_le_bytes());
        v1.extend_from_slice(&20u32.to_le_bytes());
        v1.extend_from_slice(&0x8000_4005u32.to_le_bytes());
        v1.extend_from_slice(&[0x31, 0, 0, 0]);
        let mut v2 = vec![9, 0, 1, 0, 2, 0, 3, 0, 4, 0, 0, 0];
        v2.extend_from_slice(&11u32.to_le_bytes());
        v2.extend_from_slice(&21u32.to_le_bytes());
        v2.extend_from_slice(&0x1234_5678u32.to_le_bytes());
        v2.extend_from_slice(&[0x32, 0, 0, 0]);
        let mut p = blk(1, 0x09, &v1);
        p.extend(blk(2, 0x10, &v2));
        let d = dec_payload(&p);
        clean(&d);
        assert_eq!(span(&d, "mapihttp.aux.perf_failure"), (0, HDR, 28));
        assert_eq!(line(&d, "mapihttp.aux.perf_failure.timetofailrequest"), "TimeToFailRequest: 20 ms");
        assert_eq!(line(&d, "mapihttp.aux.perf_failure.resultcode"), "ResultCode: GeneralFailure (0x80004005)");
        assert_eq!(line(&d, "mapihttp.aux.perf_failure.requestoperation"), "RequestOperation: 0x31");
        assert_eq!(line(&d, "mapihttp.aux.header.type_v2"), "Type: AUX_TYPE_PERF_BG_FAILURE (0x10)");
        assert_eq!(span(&d, "mapihttp.aux.perf_failure_v2"), (0, HDR + 28, 32));
        assert_eq!(line(&d, "mapihttp.aux.perf_failure_v2.processid"), "ProcessID: 9");
        assert_eq!(line(&d, "mapihttp.aux.perf_failure_v2.resultcode"), "ResultCode: Unknown (0x12345678)");
        assert_eq!(line(&d, "mapihttp.aux.perf_failure_v2.reserved_2"), "Reserved_2: 000000");
        assert_eq!(span(&d, "mapihttp.aux.perf_failure_v2.reserved_2"), (0, HDR + 28 + 29, 3));
    }

    #[test]
    fn perf_accountinfo() {
        let mut body = vec![7, 0, 0, 0];
        body.extend_from_slice(&GUID);
        let d = dec_payload(&blk(1, 0x18, &body));
        clean(&d);
        assert_eq!(line(&d, "mapihttp.aux.header.type"), "Type: AUX_TYPE_PERF_ACCOUNTINFO (0x18)");
        assert_eq!(line(&d, "mapihttp.aux.perf_accountinfo.clientid"), "ClientID: 7");
        assert_eq!(line(&d, "mapihttp.aux.perf_accountinfo.account"), format!("Account: {GUID_TEXT}"));
        assert_eq!(span(&d, "mapihttp.aux.perf_accountinfo.account"), (0, HDR + 8, 16));
    }

    #[test]
    fn server_capabilities_and_exception_trace() {
        let mut p = blk(1, 0x46, &0x0000_000Bu32.to_le_bytes());
        let mut trace = 2u32.to_le_bytes().to_vec();
        trace.extend_from_slice(b"boom\0");
        p.extend(blk(1, 0x49, &trace));
        let d = dec_payload(&p);
        clean(&d);
        assert_eq!(lines(&d, "mapihttp.aux.header.type"), [
            "Type: AUX_TYPE_SERVER_CAPABILITIES (0x46)",
            "Type: AUX_TYPE_EXCEPTION_TRACE (0x49)"
        ]);
        assert_eq!(
            line(&d, "mapihttp.aux.server_capabilities.servercapabilityflags"),
            "ServerCapabilityFlags: 0x0000000B (PACKED_FAST_TRANSFER_UPLOAD_BUFFERS, PACKED_WRITE_STREAM_UPLOAD_BUFFERS, ULTRA_LARGE_PACKED_DOWNLOAD_BUFFERS)"
        );
        assert_eq!(line(&d, "mapihttp.aux.exception_trace.ropindex"), "RopIndex: 2");
        assert_eq!(line(&d, "mapihttp.aux.exception_trace.exceptionmessage"), "ExceptionMessage: \"boom\"");
        assert_eq!(span(&d, "mapihttp.aux.exception_trace.exceptionmessage"), (0, HDR + 8 + 8, 5));
    }

    #[test]
    fn client_connection_info() {
        let mut body = GUID.to_vec();
        body.extend_from_slice(&32u16.to_le_bytes()); // 4 + 16 + 2 + 2 + 4 + 4
        body.extend_from_slice(&0u16.to_le_bytes());
        body.extend_from_slice(&3u32.to_le_bytes());
        body.extend_from_slice(&1u32.to_le_bytes());
        body.extend(w("ctx"));
        let d = dec_payload(&blk(1, 0x4A, &body));
        clean(&d);
        assert_eq!(line(&d, "mapihttp.aux.header.type"), "Type: AUX_CLIENT_CONNECTION_INFO (0x4A)");
        assert_eq!(line(&d, "mapihttp.aux.client_connection_info.connectionguid"), format!("ConnectionGUID: {GUID_TEXT}"));
        assert_eq!(line(&d, "mapihttp.aux.client_connection_info.connectionattempts"), "ConnectionAttempts: 3");
        assert_eq!(
            line(&d, "mapihttp.aux.client_connection_info.connectionflags"),
            "ConnectionFlags: 0x00000001 (client is running in cached mode)"
        );
        assert_eq!(line(&d, "mapihttp.aux.client_connection_info.connectioncontextinfo"), "ConnectionContextInfo: \"ctx\"");
        assert_eq!(span(&d, "mapihttp.aux.client_connection_info.connectioncontextinfo"), (0, HDR + 32, 8));
    }

    #[test]
    fn protocol_device_identification() {
        let mut body = Vec::new();
        for off in [14u16, 0, 0, 24, 0] {
            body.extend_from_slice(&off.to_le_bytes());
        }
        body.extend(w("Acme")); // 14..24
        body.extend(w("1.0")); // 24..32
        let d = dec_payload(&blk(1, 0x4E, &body));
        clean(&d);
        assert_eq!(line(&d, "mapihttp.aux.header.type"), "Type: AUX_PROTOCOL_DEVICE_IDENTIFICATION (0x4E)");
        let p = "mapihttp.aux.protocol_device_identification.";
        assert_eq!(line(&d, &format!("{p}devicemanufacturer")), "DeviceManufacturer: \"Acme\"");
        assert_eq!(span(&d, &format!("{p}devicemanufacturer")), (0, HDR + 14, 10));
        assert_eq!(line(&d, &format!("{p}devicemodel")), "DeviceModel: (absent)");
        assert_eq!(line(&d, &format!("{p}deviceserialnumber")), "DeviceSerialNumber: (absent)");
        assert_eq!(line(&d, &format!("{p}deviceversion")), "DeviceVersion: \"1.0\"");
        assert_eq!(line(&d, &format!("{p}devicefirmwareversion")), "DeviceFirmwareVersion: (absent)");
    }

    /// Connect success response whose auxiliary buffer carries the blocks a server sends on
    /// connect ([MS-OXCRPC] 3.1.4.1.2.1).
    fn connect_response_aux() -> Vec<u8> {
        let mut p = Vec::new();
        let mut ctl = 0x0000_000Cu32.to_le_bytes().to_vec(); // ENABLE_COMPRESSION | ENABLE_HTTP_TUNNELING
        ctl.extend_from_slice(&604_800_000u32.to_le_bytes());
        p.extend(blk(1, 0x0A, &ctl));
        let mut os = Vec::new();
        for v in [156u32, 10, 0, 17763] {
            os.extend_from_slice(&v.to_le_bytes());
        }
        os.extend_from_slice(&[0u8; 132]);
        os.extend_from_slice(&[1, 0, 0, 0, 0, 0, 0, 0]);
        p.extend(blk(1, 0x16, &os));
        p.extend(blk(1, 0x17, &1u32.to_le_bytes()));
        let mut ssi = 6u16.to_le_bytes().to_vec();
        ssi.extend(w("srv=MBX01"));
        p.extend(blk(1, 0x4B, &ssi));
        p.extend(blk(1, 0x48, &1u32.to_le_bytes()));
        ext(FLAG_LAST, &p)
    }

    fn connect_response(aux: &[u8]) -> Vec<u8> {
        let mut v = b"PROCESSING\r\nDONE\r\nX-ResponseCode: 0\r\n\r\n".to_vec();
        for x in [0u32, 0, 60_000, 6, 10_000] {
            v.extend_from_slice(&x.to_le_bytes());
        }
        v.extend_from_slice(b"/o=X\0");
        v.extend(w("A"));
        v.extend_from_slice(&u32::try_from(aux.len()).unwrap().to_le_bytes());
        v.extend_from_slice(aux);
        v
    }

    #[test]
    fn connect_response_blocks() {
        let aux = connect_response_aux();
        let body = connect_response(&aux);
        let d = crate::decode_response(RequestType::Connect, &body).into_owned();
        clean(&d);
        let aux_at = u32::try_from(body.len() - aux.len()).unwrap();
        assert_eq!(span(&d, "mapihttp.rpc.header"), (0, aux_at, 8));
        let types = lines(&d, "mapihttp.aux.header.type");
        assert_eq!(types, [
            "Type: AUX_TYPE_CLIENT_CONTROL (0x0A)",
            "Type: AUX_TYPE_OSVERSIONINFO (0x16)",
            "Type: AUX_TYPE_EXORGINFO (0x17)",
            "Type: AUX_SERVER_SESSION_INFO (0x4B)",
            "Type: AUX_TYPE_ENDPOINT_CAPABILITIES (0x48)"
        ]);
        assert_eq!(span(&d, "mapihttp.aux.client_control"), (0, aux_at + 8, 12));
        assert_eq!(
            line(&d, "mapihttp.aux.client_control.enableflags"),
            "EnableFlags: 0x0000000C (ENABLE_COMPRESSION, ENABLE_HTTP_TUNNELING)"
        );
        assert_eq!(line(&d, "mapihttp.aux.client_control.expirytime"), "ExpiryTime: 604800000 ms");
        assert_eq!(span(&d, "mapihttp.aux.osversioninfo"), (0, aux_at + 20, 160));
        assert_eq!(line(&d, "mapihttp.aux.osversioninfo.osversioninfosize"), "OSVersionInfoSize: 156 bytes");
        assert_eq!(line(&d, "mapihttp.aux.osversioninfo.majorversion"), "MajorVersion: 10");
        assert_eq!(line(&d, "mapihttp.aux.osversioninfo.buildnumber"), "BuildNumber: 17763");
        assert_eq!(span(&d, "mapihttp.aux.osversioninfo.reserved1"), (0, aux_at + 20 + 20, 132));
        assert_eq!(line(&d, "mapihttp.aux.osversioninfo.servicepackmajor"), "ServicePackMajor: 1");
        assert_eq!(line(&d, "mapihttp.aux.osversioninfo.reserved2"), "Reserved2: 0x00000000");
        assert_eq!(line(&d, "mapihttp.aux.exorginfo.orgflags"), "OrgFlags: 0x00000001 (PUBLIC_FOLDERS_ENABLED)");
        assert_eq!(
            line(&d, "mapihttp.aux.server_session_info.offsetserversessioncontextinfo"),
            "OffsetServerSessionContextInfo: 6"
        );
        assert_eq!(
            line(&d, "mapihttp.aux.server_session_info.serversessioncontextinfo"),
            "ServerSessionContextInfo: \"srv=MBX01\""
        );
        assert_eq!(span(&d, "mapihttp.aux.server_session_info.serversessioncontextinfo"), (0, aux_at + 8 + 12 + 160 + 8 + 6, 20));
        assert_eq!(
            line(&d, "mapihttp.aux.endpoint_capabilities.endpointcapabilityflag"),
            "EndpointCapabilityFlag: 0x00000001 (ENDPOINT_CAPABILITIES_SINGLE_ENDPOINT)"
        );
    }

    #[test]
    fn connect_request_blocks() {
        let mut p = blk(1, 0x01, &[1, 0, 1, 0]);
        p.extend(blk(1, 0x02, &clientinfo_body()));
        let mut si = vec![1, 0, 0, 0];
        si.extend_from_slice(&GUID);
        si.extend_from_slice(&5u32.to_le_bytes());
        p.extend(blk(2, 0x04, &si));
        let aux = ext(FLAG_LAST, &p);
        let mut body = b"/o=X/cn=u\0".to_vec();
        for x in [0u32, 1252, 0x409, 0x409] {
            body.extend_from_slice(&x.to_le_bytes());
        }
        body.extend_from_slice(&u32::try_from(aux.len()).unwrap().to_le_bytes());
        body.extend_from_slice(&aux);
        let d = crate::decode_request(RequestType::Connect, &body).into_owned();
        clean(&d);
        assert_eq!(line(&d, "mapihttp.aux.perf_requestid.requestid"), "RequestID: 1");
        assert_eq!(line(&d, "mapihttp.aux.perf_clientinfo.machinename"), "MachineName: \"PC1\"");
        let ci = u32::try_from(body.len() - aux.len()).unwrap() + 8 + 8;
        assert_eq!(span(&d, "mapihttp.aux.perf_clientinfo.machinename"), (0, ci + 40, 8));
        assert_eq!(line(&d, "mapihttp.aux.perf_sessioninfo_v2.connectionid"), "ConnectionID: 5");
    }

    #[test]
    fn xor_obfuscated_payload() {
        let mut p = blk(1, 0x01, &[1, 0, 2, 0]);
        p.extend(blk(1, 0x4B, &{
            let mut v = 6u16.to_le_bytes().to_vec();
            v.extend(w("s"));
            v
        }));
        let aux = ext(FLAG_XOR_MAGIC | FLAG_LAST, &p);
        assert_ne!(&aux[8..], &p[..], "the payload on the wire is obfuscated");
        let d = dec(&req(&aux));
        clean(&d);
        assert_eq!(line(&d, "mapihttp.rpc.header.flags"), "Flags: 0x0006 (XorMagic, Last)");
        assert_eq!(span(&d, "mapihttp.rpc.payload.transmitted"), (0, HDR, u32::try_from(p.len()).unwrap()));
        assert_eq!(d.sources.len(), 2);
        assert_eq!(d.sources[1].name, "AuxiliaryBuffer 1 payload (de-obfuscated)");
        assert_eq!(&d.sources[1].data[..], &p[..]);
        assert_eq!(span(&d, "mapihttp.rpc.payload"), (1, 0, u32::try_from(p.len()).unwrap()));
        assert_eq!(span(&d, "mapihttp.aux.perf_requestid"), (1, 0, 8));
        assert_eq!(line(&d, "mapihttp.aux.perf_requestid.requestid"), "RequestID: 2");
        assert_eq!(span(&d, "mapihttp.aux.perf_requestid.requestid"), (1, 6, 2));
        assert_eq!(line(&d, "mapihttp.aux.server_session_info.serversessioncontextinfo"), "ServerSessionContextInfo: \"s\"");
        assert_eq!(span(&d, "mapihttp.aux.server_session_info.serversessioncontextinfo"), (1, 8 + 6, 4));
        // A click in the derived source selects the field read from it.
        let (i, _) = d.find("mapihttp.aux.perf_requestid.sessionid").unwrap();
        assert_eq!(d.node_at(1, 4), Some(i));
    }

    #[test]
    fn compressed_payloads() {
        // The Connect response blocks compress well (132 reserved zero bytes).
        let plain = connect_response_aux()[8..].to_vec();
        for (flags, source, name) in [
            (FLAG_COMPRESSED | FLAG_LAST, 1, "AuxiliaryBuffer 1 payload (decompressed)"),
            (FLAG_COMPRESSED | FLAG_XOR_MAGIC | FLAG_LAST, 2, "AuxiliaryBuffer 1 payload (decompressed)"),
        ] {
            let aux = ext(flags, &plain);
            assert!(aux.len() - 8 < plain.len(), "compresses");
            let d = dec(&req(&aux));
            clean(&d);
            assert_eq!(d.sources[source].name, name);
            assert_eq!(&d.sources[source].data[..], &plain[..]);
            assert_eq!(span(&d, "mapihttp.rpc.payload.transmitted"), (0, HDR, u32::try_from(aux.len() - 8).unwrap()));
            assert_eq!(span(&d, "mapihttp.aux.client_control"), (u16::try_from(source).unwrap(), 0, 12));
            assert_eq!(span(&d, "mapihttp.aux.osversioninfo.buildnumber"), (u16::try_from(source).unwrap(), 12 + 16, 4));
            assert_eq!(line(&d, "mapihttp.aux.osversioninfo.buildnumber"), "BuildNumber: 17763");
            assert_eq!(
                line(&d, "mapihttp.aux.server_session_info.serversessioncontextinfo"),
                "ServerSessionContextInfo: \"srv=MBX01\""
            );
            assert_eq!(lines(&d, "mapihttp.aux.header.type").len(), 5);
            sweep(&req(&aux));
            inner_sweep(&aux);
        }
    }

    #[test]
    fn unknown_blocks_are_skipped_by_size() {
        let mut p = blk(1, 0x30, &[1, 2, 3]);
        p.extend(blk(3, 0x01, &[9, 9, 9, 9]));
        p.extend(blk(2, 0x01, &[]));
        p.extend(blk(1, 0x01, &[4, 0, 5, 0]));
        let d = dec_payload(&p);
        assert_eq!(d.worst(), Some(Severity::Note));
        assert!(has_diag(&d, Severity::Note, "unknown auxiliary block Type 0x30 for AUX_VERSION_1"));
        assert!(has_diag(&d, Severity::Note, "unknown AUX_HEADER Version 3"));
        assert!(has_diag(&d, Severity::Note, "unknown auxiliary block Type 0x01 for AUX_VERSION_2"));
        assert_eq!(lines(&d, "mapihttp.aux.unknown"), ["Unknown auxiliary block"; 3]);
        assert_eq!(span(&d, "mapihttp.aux.unknown"), (0, HDR, 7));
        assert_eq!(lines(&d, "mapihttp.aux.unknown.data"), ["Data: 010203", "Data: 09090909"]);
        assert_eq!(line(&d, "mapihttp.aux.header.type"), "Type: Unknown (0x30)");
        assert_eq!(line(&d, "mapihttp.aux.header.type_other"), "Type: 0x01");
        assert_eq!(line(&d, "mapihttp.aux.header.type_v2"), "Type: Unknown (0x01)");
        // The known block after them is decoded.
        assert_eq!(line(&d, "mapihttp.aux.perf_requestid.requestid"), "RequestID: 5");
        assert_eq!(span(&d, "mapihttp.aux.perf_requestid"), (0, HDR + 7 + 8 + 4, 8));
    }

    #[test]
    fn block_size_zero_stops() {
        let mut p = blk(1, 0x01, &[1, 0, 2, 0]);
        p.extend_from_slice(&[0, 0, 1, 1, 0xEE, 0xEE, 0xEE, 0xEE]);
        let d = dec_payload(&p);
        assert!(has_diag(&d, Severity::Error, "AUX_HEADER Size 0 is smaller than the 4-byte AUX_HEADER"));
        let e = d.diagnostics.iter().find(|x| x.severity == Severity::Error).unwrap();
        assert_eq!((e.source, e.offset, e.length), (0, HDR + 8, 2));
        assert_eq!(lines(&d, "mapihttp.aux.header.size"), ["Size: 8 bytes", "Size: 0 bytes"]);
        assert_eq!(line(&d, "mapihttp.aux.undecoded"), "Undecoded bytes: eeeeeeee");
        assert_eq!(span(&d, "mapihttp.aux.undecoded"), (0, HDR + 12, 4));
        // Size 3 also stops, with only the header left.
        let d = dec_payload(&[3, 0, 1, 1]);
        assert!(has_diag(&d, Severity::Error, "AUX_HEADER Size 3"));
        assert!(d.find("mapihttp.aux.undecoded").is_none());
    }

    #[test]
    fn block_size_past_end() {
        let mut p = blk(1, 0x01, &[1, 0, 2, 0]);
        p.extend_from_slice(&[0x40, 0, 1, 0x17, 1, 0]);
        let d = dec_payload(&p);
        assert!(has_diag(&d, Severity::Error, "AUX_HEADER Size 64 exceeds the 6 bytes left in the payload"));
        assert!(has_diag(&d, Severity::Error, "truncated: OrgFlags needs 4 bytes, 2 left"));
        assert_eq!(span(&d, "mapihttp.aux.exorginfo"), (0, HDR + 8, 6));
        assert_eq!(line(&d, "mapihttp.aux.perf_requestid.requestid"), "RequestID: 2");
    }

    #[test]
    fn bytes_after_last_block() {
        let mut p = blk(1, 0x01, &[1, 0, 2, 0]);
        p.extend_from_slice(&[0xAA, 0xBB]);
        let d = dec_payload(&p);
        assert!(has_diag(&d, Severity::Warning, "2 bytes after the last auxiliary block are too short"));
        assert_eq!(line(&d, "mapihttp.aux.undecoded"), "Undecoded bytes: aabb");
        assert_eq!(span(&d, "mapihttp.aux.undecoded"), (0, HDR + 8, 2));
    }

    #[test]
    fn unread_bytes_in_a_block() {
        let d = dec_payload(&blk(1, 0x01, &[1, 0, 2, 0, 0xCC, 0xCC]));
        assert!(has_diag(&d, Severity::Warning, "AUX_PERF_REQUESTID has 2 unread bytes"));
        assert_eq!(span(&d, "mapihttp.aux.perf_requestid"), (0, HDR, 10));
    }

    #[test]
    fn offsets_outside_or_inside_the_block() {
        let mut body = Vec::new();
        body.extend_from_slice(&1u16.to_le_bytes());
        body.extend_from_slice(&9u16.to_le_bytes()); // ServerType: unknown value
        body.extend_from_slice(&0x0100u16.to_le_bytes()); // ServerDNOffset outside
        body.extend_from_slice(&12u16.to_le_bytes()); // ServerNameOffset fine
        body.extend(w("n"));
        let d = dec_payload(&blk(1, 0x03, &body));
        assert_eq!(d.worst(), Some(Severity::Warning));
        assert!(has_diag(&d, Severity::Warning, "ServerDNOffset 256 points outside the AUX_PERF_SERVERINFO block (16 bytes)"));
        let x = d.diagnostics.iter().find(|x| x.message.contains("ServerDNOffset")).unwrap();
        assert_eq!((x.source, x.offset, x.length), (0, HDR + 8, 2));
        assert!(d.find("mapihttp.aux.perf_serverinfo.serverdn").is_none());
        assert_eq!(line(&d, "mapihttp.aux.perf_serverinfo.servertype"), "ServerType: Unknown (0x0009)");
        assert_eq!(line(&d, "mapihttp.aux.perf_serverinfo.servername"), "ServerName: \"n\"");

        // Offset equal to the block size is outside too; an offset into the fixed part is flagged.
        let mut body = vec![1, 0, 1, 0];
        body.extend_from_slice(&12u16.to_le_bytes());
        body.extend_from_slice(&4u16.to_le_bytes()); // points at ServerID
        let d = dec_payload(&blk(1, 0x03, &body));
        assert!(has_diag(&d, Severity::Warning, "ServerDNOffset 12 points outside"));
        assert!(has_diag(&d, Severity::Warning, "ServerNameOffset 4 points into the fixed part"));
        assert!(d.find("mapihttp.aux.perf_serverinfo.servername").is_some());
    }

    #[test]
    fn located_data_cut_by_the_block_end() {
        // A string without its terminator and a byte array longer than the block.
        let d = dec_payload(&blk(1, 0x4B, &{
            let mut v = 6u16.to_le_bytes().to_vec();
            v.extend_from_slice(&[b'a', 0, b'b', 0]);
            v
        }));
        assert!(has_diag(&d, Severity::Error, "ServerSessionContextInfo has no UTF-16 NUL terminator"));
        let mut ci = clientinfo_body();
        ci[20..22].copy_from_slice(&40u16.to_le_bytes()); // MacAddressSize 40: past the block end
        let d = dec_payload(&blk(1, 0x02, &ci));
        assert!(has_diag(&d, Severity::Error, "truncated: MacAddress needs 40 bytes, 6 left"));
        assert_eq!(line(&d, "mapihttp.aux.perf_clientinfo.adaptername"), "AdapterName: \"eth\"");
    }

    #[test]
    fn auxiliary_buffer_framing() {
        let p = blk(1, 0x01, &[1, 0, 2, 0]);
        // Without Last: reported, the blocks still decoded.
        let d = dec(&req(&ext(0, &p)));
        assert!(has_diag(&d, Severity::Warning, "does not carry the Last flag"));
        assert_eq!(line(&d, "mapihttp.aux.perf_requestid.requestid"), "RequestID: 2");
        // Bytes after the single unit: reported, the blocks before them decoded.
        let mut aux = ext(FLAG_LAST, &p);
        aux.extend_from_slice(&[0xDD, 0xDD]);
        let d = dec(&req(&aux));
        assert!(has_diag(&d, Severity::Warning, "2 bytes after the RPC_HEADER_EXT marked Last: an AuxiliaryBuffer has a single RPC_HEADER_EXT"));
        assert_eq!(line(&d, "mapihttp.aux.perf_requestid.requestid"), "RequestID: 2");
    }

    #[test]
    fn hostile_sizes() {
        // RPC_HEADER_EXT Size 0xFFFF in a 12-byte buffer, block Size 0xFFFF in a 4-byte payload.
        let mut aux = ext(FLAG_LAST | FLAG_XOR_MAGIC, &[0xFF, 0xFF, 1, 1]);
        aux[4..6].copy_from_slice(&0xFFFFu16.to_le_bytes());
        let d = dec(&req(&aux));
        assert!(has_diag(&d, Severity::Error, "RPC_HEADER_EXT Size 65535 exceeds the 4 bytes left in the AuxiliaryBuffer"));
        assert_eq!(d.sources.len(), 1);
        let d = dec_payload(&[0xFF, 0xFF, 1, 1]);
        assert!(has_diag(&d, Severity::Error, "AUX_HEADER Size 65535 exceeds the 4 bytes left"));
        // AuxiliaryBufferSize 0xFFFFFFFF with 20 bytes.
        let mut body = 0xFFFF_FFFFu32.to_le_bytes().to_vec();
        body.extend_from_slice(&ext(FLAG_LAST, &blk(1, 1, &[1, 0, 2, 0]))[..16]);
        let d = dec(&body);
        assert!(d.worst() == Some(Severity::Error));
    }

    /// Every prefix decodes without panic; a strict prefix has an error at or before the cut.
    fn sweep(body: &[u8]) {
        for k in 0..=body.len() {
            let d = dec(&body[..k]);
            if k < body.len() {
                let cut = u32::try_from(k).unwrap();
                assert!(
                    d.diagnostics.iter().any(|x| x.severity == Severity::Error && x.source == 0 && x.offset <= cut),
                    "prefix {k}: no error at or before the cut: {:?}",
                    d.diagnostics
                );
            }
        }
    }

    /// The same with the aux window itself cut (AuxiliaryBufferSize consistent, the RPC_HEADER_EXT
    /// claiming the full payload): the cut is found by this module.
    fn inner_sweep(aux: &[u8]) {
        for k in 0..aux.len() {
            let d = dec(&req(&aux[..k]));
            if k > 0 {
                let cut = u32::try_from(k + 4).unwrap();
                assert!(
                    d.diagnostics.iter().any(|x| x.severity == Severity::Error && x.source == 0 && x.offset <= cut),
                    "aux prefix {k}: no error at or before the cut: {:?}",
                    d.diagnostics
                );
            }
        }
    }

    #[test]
    fn truncation_sweeps() {
        let mut all = Vec::new();
        all.extend(blk(1, 0x01, &[1, 0, 2, 0]));
        all.extend(blk(1, 0x02, &clientinfo_body()));
        all.extend(blk(1, 0x4E, &{
            let mut v = 12u16.to_le_bytes().to_vec();
            v.extend_from_slice(&[0; 8]);
            v.extend(w("x"));
            v
        }));
        for aux in [ext(FLAG_LAST, &all), ext(FLAG_LAST | FLAG_XOR_MAGIC, &all), connect_response_aux()] {
            sweep(&req(&aux));
            inner_sweep(&aux);
        }
        let aux = connect_response_aux();
        let body = connect_response(&aux);
        for k in 0..body.len() {
            let d = crate::decode_response(RequestType::Connect, &body[..k]);
            assert!(d.worst().is_some(), "response prefix {k} decoded without a diagnostic");
        }
    }

    #[test]
    fn xor_payload_cut_reports_in_the_derived_source() {
        let p = blk(1, 0x18, &[7, 0, 0, 0]); // AUX_PERF_ACCOUNTINFO without its GUID
        let d = dec(&req(&ext(FLAG_LAST | FLAG_XOR_MAGIC, &p)));
        let e = d.diagnostics.iter().find(|x| x.severity == Severity::Error).unwrap();
        assert!(e.message.contains("truncated: Account needs 16 bytes, 0 left"), "{e:?}");
        assert_eq!((e.source, e.offset), (1, 8));
    }

    #[test]
    fn every_defined_pair_has_a_name_and_structure() {
        for &(ty, name) in AUX_TYPES_V1 {
            let def = block_def(1, u8::try_from(ty).unwrap()).unwrap_or_else(|| panic!("no structure for {name}"));
            assert!(def.node.name.starts_with("AUX_"));
            assert!(def.fixed.len() <= MAX_FIXED);
        }
        for &(ty, name) in AUX_TYPES_V2 {
            let def = block_def(2, u8::try_from(ty).unwrap()).unwrap_or_else(|| panic!("no structure for {name}"));
            assert!(def.node.name.starts_with("AUX_PERF_"));
        }
        assert_eq!(block_def(2, 0x07).unwrap().node.name, "AUX_PERF_MDB_SUCCESS_V2");
        assert_eq!(block_def(1, 0x07).unwrap().node.name, "AUX_PERF_MDB_SUCCESS");
        assert!(block_def(2, 0x0A).is_none());
        assert!(block_def(0, 0x01).is_none());
    }
}
