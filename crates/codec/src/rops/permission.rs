//! [MS-OXCROPS] 2.2.10 Permission ROPs, semantics in [MS-OXCPERM] 2.2.1–2.2.2:
//! RopModifyPermissions (0x40, 2.2.10.1) and RopGetPermissionsTable (0x3E, 2.2.10.2).
//!
//! A PermissionData structure ([MS-OXCROPS] 2.2.10.1.1.1, [MS-OXCPERM] 2.2.2.1.1) is
//! PermissionDataFlags u8, PropertyValueCount u16 and that many TaggedPropertyValues (PidTagEntryId,
//! PidTagMemberId, PidTagMemberRights …). RopGetPermissionsTable creates a Table object whose rows
//! are read with RopSetColumns / RopQueryRows (the table family).

use super::context::{ObjectKind, Rop};
use super::property::tagged_values;
use super::{req_in, req_in_out, resp_in, resp_out, Decoder};
use crate::build::{Builder, Cur, R};
use crate::tree::{Disp, NameTable};

/// ModifyFlags of RopModifyPermissions ([MS-OXCPERM] 2.2.2.1).
pub static MODIFY_FLAGS: NameTable = &[(0x01, "ReplaceRows"), (0x02, "IncludeFreeBusy")];
/// PermissionDataFlags ([MS-OXCPERM] 2.2.2.1.1).
pub static PERMISSION_DATA_FLAGS: NameTable = &[(0x01, "AddRow"), (0x02, "ModifyRow"), (0x04, "RemoveRow")];
/// TableFlags of RopGetPermissionsTable ([MS-OXCPERM] 2.2.1.1).
pub static TABLE_FLAGS: NameTable = &[(0x02, "IncludeFreeBusy")];

crate::fields! {
    MODIFY_FLAGS_F: U8 [Disp::Flags(MODIFY_FLAGS)] = "mapihttp.rop.modifypermissions.modifyflags", "ModifyFlags", "[MS-OXCROPS] 2.2.10.1.1, [MS-OXCPERM] 2.2.2.1 ReplaceRows replaces every entry but the default user's; IncludeFreeBusy applies the free/busy rights bits";
    MODIFY_COUNT: U16 = "mapihttp.rop.modifypermissions.modifycount", "ModifyCount", "[MS-OXCROPS] 2.2.10.1.1 the number of PermissionData structures";
    PERMISSIONS_DATA: None = "mapihttp.rop.modifypermissions.permissionsdata", "PermissionsData", "[MS-OXCROPS] 2.2.10.1.1 the changes to the permissions list";
    PERMISSION_DATA: None = "mapihttp.rop.modifypermissions.permissiondata", "PermissionData", "[MS-OXCROPS] 2.2.10.1.1.1, [MS-OXCPERM] 2.2.2.1.1 one user's entry and the change to make";
    PERMISSION_DATA_FLAGS_F: U8 [Disp::Flags(PERMISSION_DATA_FLAGS)] = "mapihttp.rop.modifypermissions.permissiondataflags", "PermissionDataFlags", "[MS-OXCPERM] 2.2.2.1.1 add, modify or remove the entry";
    PROPERTY_VALUE_COUNT: U16 = "mapihttp.rop.modifypermissions.propertyvaluecount", "PropertyValueCount", "[MS-OXCPERM] 2.2.2.1.1 the number of TaggedPropertyValue structures";
    PROPERTY_VALUES: None = "mapihttp.rop.modifypermissions.propertyvalues", "PropertyValues", "[MS-OXCPERM] 2.2.2.1.1 the entry's properties (PidTagEntryId, PidTagMemberId, PidTagMemberRights), TaggedPropertyValue structures ([MS-OXCDATA] 2.11.4)";
    TABLE_FLAGS_F: U8 [Disp::Flags(TABLE_FLAGS)] = "mapihttp.rop.getpermissionstable.tableflags", "TableFlags", "[MS-OXCROPS] 2.2.10.2.1, [MS-OXCPERM] 2.2.1.1 IncludeFreeBusy: return the free/busy rights bits";
}

/// The decoders of this family, one row per ROP.
pub static DECODERS: &[Decoder] = &[
    crate::rop!(0x40, Some(modify_permissions_req), Some(modify_permissions_resp)),
    crate::rop!(0x3E, Some(get_permissions_table_req), Some(get_permissions_table_resp)),
];

/// 2.2.10.1.1: LogonId, InputHandleIndex, ModifyFlags, ModifyCount, PermissionsData.
fn modify_permissions_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in(b, c, x)?;
    b.u8(c, &MODIFY_FLAGS_F)?;
    let n = b.u16(c, &MODIFY_COUNT)?;
    // A PermissionData is at least its flags byte and its 2-byte PropertyValueCount.
    let n = b.check_count(c, &MODIFY_COUNT, n.into(), 3)?;
    b.group(c, &PERMISSIONS_DATA, |b, c| {
        for _ in 0..n {
            b.group(c, &PERMISSION_DATA, |b, c| {
                b.u8(c, &PERMISSION_DATA_FLAGS_F)?;
                tagged_values(b, c, &PROPERTY_VALUE_COUNT, &PROPERTY_VALUES).map(|_| ())
            })?;
        }
        Ok(())
    })
}

/// 2.2.10.1.2: InputHandleIndex, ReturnValue.
fn modify_permissions_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    resp_in(b, c, x).map(|_| ())
}

/// 2.2.10.2.1: LogonId, InputHandleIndex, OutputHandleIndex, TableFlags.
fn get_permissions_table_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in_out(b, c, x)?;
    b.u8(c, &TABLE_FLAGS_F)?;
    Ok(())
}

/// 2.2.10.2.2: OutputHandleIndex, ReturnValue; a success creates a Table object.
fn get_permissions_table_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    if resp_out(b, c, x)? == 0 {
        if let Some(i) = x.info.output_index {
            x.created(i, ObjectKind::Table);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::rops::context::ObjectKind;
    use crate::rops::property::tests::{hex, hostile, lines, problems, request, response, shows, Vector};
    use crate::{decode_exchange, RequestType, Session};

    /// The [MS-OXCPERM] 4.1 scenario (adding "user8" to the Calendar folder's permissions list, the
    /// folder at handle index 1, HSOT 0x000001DA), with hand-built bytes: the page's dumps of these
    /// ROPs were not available; field values follow its description.
    #[test]
    fn get_table_and_modify() {
        let mut session = Session::default();
        // RopGetPermissionsTable: in 1, out 2, IncludeFreeBusy.
        let req_rop = hex("3E 00 01 02 02");
        let resp_rop = hex("3E 02 00 00 00 00");
        let v = Vector { req: &[&req_rop], req_handles: &[0x1D9, 0x1DA, 0xFFFF_FFFF], resp: &[&resp_rop], resp_handles: &[0x1D9, 0x1DA, 0x1DB] };
        let (req, resp) = v.bodies();
        let d = v.decode_clean(&mut session, &req, &resp);
        assert_eq!(lines(&d, "mapihttp.rop.getpermissionstable.tableflags"), ["TableFlags: 0x02 (IncludeFreeBusy)"]);
        assert_eq!(lines(&d, "mapihttp.rop.outputhandleindex"), ["OutputHandleIndex: 2", "OutputHandleIndex: 2"]);
        assert_eq!(session.objects.get(&0x1DB), Some(&ObjectKind::Table));
        v.sweep();

        // RopModifyPermissions: IncludeFreeBusy; AddRow with PidTagEntryId (16 bytes) and
        // PidTagMemberRights 0x00000C01 (ReadAny, FreeBusySimple, FreeBusyDetailed); RemoveRow with
        // PidTagMemberId 7. Answered with success, then access denied.
        let add = hex("40 00 01 02 02 00  01 02 00 02 01 FF 0F 10 00 00 00 00 00 DC A7 40 C8 C0 42 10 1A B4 B9 08 00  03 00 73 66 01 0C 00 00  04 01 00 14 00 71 66 07 00 00 00 00 00 00 00");
        let ok = hex("40 01 00 00 00 00");
        let denied = hex("40 01 05 00 07 80");
        let v = Vector { req: &[&add, &add], req_handles: &[0x1D9, 0x1DA], resp: &[&ok, &denied], resp_handles: &[0x1D9, 0x1DA] };
        let (req, resp) = v.bodies();
        let d = v.decode_clean(&mut session, &req, &resp);
        assert_eq!(lines(&d, "mapihttp.rop.modifypermissions.modifyflags")[0], "ModifyFlags: 0x02 (IncludeFreeBusy)");
        assert_eq!(lines(&d, "mapihttp.rop.modifypermissions.modifycount")[0], "ModifyCount: 2");
        assert_eq!(d.find_all("mapihttp.rop.modifypermissions.permissiondata").count(), 4);
        assert_eq!(
            lines(&d, "mapihttp.rop.modifypermissions.permissiondataflags"),
            ["PermissionDataFlags: 0x01 (AddRow)", "PermissionDataFlags: 0x04 (RemoveRow)", "PermissionDataFlags: 0x01 (AddRow)", "PermissionDataFlags: 0x04 (RemoveRow)"]
        );
        assert_eq!(lines(&d, "mapihttp.rop.modifypermissions.propertyvaluecount")[..2], ["PropertyValueCount: 2", "PropertyValueCount: 1"]);
        assert!(shows(&d, "0x0FFF0102"), "PidTagEntryId");
        assert!(shows(&d, "0x66730003"), "PidTagMemberRights");
        assert!(shows(&d, "0x66710014"), "PidTagMemberId");
        assert!(lines(&d, "mapihttp.rop.returnvalue")[1].contains("0x80070005"));
        v.sweep();
    }

    /// A failed RopGetPermissionsTable creates no table.
    #[test]
    fn get_table_failure() {
        let mut session = Session::default();
        let req = request(&hex("3E 00 00 01 00"), &[0x10, 0xFFFF_FFFF]);
        let resp = response(&hex("3E 01 02 01 04 80"), &[0x10, 0xFFFF_FFFF]);
        let (d, _) = crate::decode_exchange_in(&mut session, RequestType::Execute, Some(&req), Some(&resp));
        assert!(problems(&d).is_empty(), "{:?}", d.diagnostics);
        assert_eq!(lines(&d, "mapihttp.rop.getpermissionstable.tableflags"), ["TableFlags: 0x00"]);
        assert!(session.objects.is_empty());
        // Unpaired, the response still decodes.
        let (d, _) = decode_exchange(RequestType::Execute, None, Some(&resp));
        assert!(problems(&d).is_empty(), "{:?}", d.diagnostics);
    }

    #[test]
    fn hostile_counts() {
        hostile(&hex("40 00 00 00 FF FF 01 00 00"), "ModifyCount 65535");
        hostile(&hex("40 00 00 00 01 00 01 FF FF 03 00"), "PropertyValueCount 65535");
    }
}
