//! [MS-OXCROPS] 2.2.11 Rule ROPs, semantics in [MS-OXORULE] 2.2.1–2.2.3: RopModifyRules (0x41,
//! 2.2.11.1), RopGetRulesTable (0x3F, 2.2.11.2) and RopUpdateDeferredActionMessages (0x57, 2.2.11.3).
//!
//! A RuleData structure ([MS-OXORULE] 2.2.1.3) is RuleDataFlags u8, PropertyValueCount u16 and that
//! many TaggedPropertyValues; PidTagRuleCondition is a PtypRestriction and PidTagRuleActions a
//! PtypRuleAction, both decoded by the [MS-OXCDATA] value layer (16-bit counts inside ROP buffers).
//!
//! TableFlags of RopGetRulesTable ([MS-OXORULE] 2.2.2.1) has one defined bit, U (0x40, Unicode
//! strings), as in Microsoft's MAPI Inspector and the Unicode bit of the other table ROPs
//! ([MS-OXCTABL]); the bit diagram as extracted from the page lists U last, which would read 0x01 —
//! the 0x40 reading is used, and other bits show as a residual value.

use super::context::{ObjectKind, Rop};
use super::property::tagged_values;
use super::{req_in, req_in_out, resp_in, resp_out, Decoder};
use crate::build::{Builder, Cur, R};
use crate::tree::{Disp, Field, NameTable};

/// ModifyRulesFlags of RopModifyRules ([MS-OXORULE] 2.2.1.1): R (0x01) replaces the folder's rules.
pub static MODIFY_RULES_FLAGS: NameTable = &[(0x01, "R")];
/// RuleDataFlags ([MS-OXORULE] 2.2.1.3.1).
pub static RULE_DATA_FLAGS: NameTable = &[(0x01, "ROW_ADD"), (0x02, "ROW_MODIFY"), (0x04, "ROW_REMOVE")];
/// TableFlags of RopGetRulesTable ([MS-OXORULE] 2.2.2.1).
pub static TABLE_FLAGS: NameTable = &[(0x40, "U")];

crate::fields! {
    MODIFY_RULES_FLAGS_F: U8 [Disp::Flags(MODIFY_RULES_FLAGS)] = "mapihttp.rop.modifyrules.modifyrulesflags", "ModifyRulesFlags", "[MS-OXCROPS] 2.2.11.1.1, [MS-OXORULE] 2.2.1.1 R (0x01): the rules of this request replace the folder's rules (every RuleData is then ROW_ADD)";
    RULES_COUNT: U16 = "mapihttp.rop.modifyrules.rulescount", "RulesCount", "[MS-OXCROPS] 2.2.11.1.1 the number of RuleData structures";
    RULES_DATA: None = "mapihttp.rop.modifyrules.rulesdata", "RulesData", "[MS-OXCROPS] 2.2.11.1.1 the rules to add, modify or delete";
    RULE_DATA: None = "mapihttp.rop.modifyrules.ruledata", "RuleData", "[MS-OXORULE] 2.2.1.3 one standard rule and the change to make";
    RULE_DATA_FLAGS_F: U8 [Disp::Flags(RULE_DATA_FLAGS)] = "mapihttp.rop.modifyrules.ruledataflags", "RuleDataFlags", "[MS-OXORULE] 2.2.1.3.1 add, modify or remove the rule";
    PROPERTY_VALUE_COUNT: U16 = "mapihttp.rop.modifyrules.propertyvaluecount", "PropertyValueCount", "[MS-OXORULE] 2.2.1.3 the number of TaggedPropertyValue structures (greater than zero)";
    PROPERTY_VALUES: None = "mapihttp.rop.modifyrules.propertyvalues", "PropertyValues", "[MS-OXORULE] 2.2.1.3 the rule's properties (PidTagRuleId, PidTagRuleCondition, PidTagRuleActions …), TaggedPropertyValue structures ([MS-OXCDATA] 2.11.4)";
    TABLE_FLAGS_F: U8 [Disp::Flags(TABLE_FLAGS)] = "mapihttp.rop.getrulestable.tableflags", "TableFlags", "[MS-OXCROPS] 2.2.11.2.1, [MS-OXORULE] 2.2.2.1 U (0x40): string values in the table are Unicode";
    SERVER_ENTRY_ID_SIZE: U16 [Disp::Unit("bytes")] = "mapihttp.rop.updatedeferredactionmessages.serverentryidsize", "ServerEntryIdSize", "[MS-OXCROPS] 2.2.11.3.1 the size of ServerEntryId";
    SERVER_ENTRY_ID: Bytes = "mapihttp.rop.updatedeferredactionmessages.serverentryid", "ServerEntryId", "[MS-OXCROPS] 2.2.11.3.1, [MS-OXORULE] 2.2.3.1 the entry id of the deferred action message on the server";
    CLIENT_ENTRY_ID_SIZE: U16 [Disp::Unit("bytes")] = "mapihttp.rop.updatedeferredactionmessages.cliententryidsize", "ClientEntryIdSize", "[MS-OXCROPS] 2.2.11.3.1 the size of ClientEntryId";
    CLIENT_ENTRY_ID: Bytes = "mapihttp.rop.updatedeferredactionmessages.cliententryid", "ClientEntryId", "[MS-OXCROPS] 2.2.11.3.1, [MS-OXORULE] 2.2.3.1 the entry id of the downloaded message on the client";
}

/// The decoders of this family, one row per ROP.
pub static DECODERS: &[Decoder] = &[
    crate::rop!(0x41, Some(modify_rules_req), Some(header_only_resp)),
    crate::rop!(0x3F, Some(get_rules_table_req), Some(get_rules_table_resp)),
    crate::rop!(0x57, Some(update_dam_req), Some(header_only_resp)),
];

/// 2.2.11.1.1: LogonId, InputHandleIndex, ModifyRulesFlags, RulesCount, RulesData.
fn modify_rules_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in(b, c, x)?;
    b.u8(c, &MODIFY_RULES_FLAGS_F)?;
    let n = b.u16(c, &RULES_COUNT)?;
    // A RuleData is at least its flags byte and its 2-byte PropertyValueCount.
    let n = b.check_count(c, &RULES_COUNT, n.into(), 3)?;
    b.group(c, &RULES_DATA, |b, c| {
        for _ in 0..n {
            b.group(c, &RULE_DATA, |b, c| {
                b.u8(c, &RULE_DATA_FLAGS_F)?;
                tagged_values(b, c, &PROPERTY_VALUE_COUNT, &PROPERTY_VALUES).map(|_| ())
            })?;
        }
        Ok(())
    })
}

/// RopModifyRules (2.2.11.1.2) and RopUpdateDeferredActionMessages (2.2.11.3.2) responses:
/// InputHandleIndex, ReturnValue.
fn header_only_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    resp_in(b, c, x).map(|_| ())
}

/// 2.2.11.2.1: LogonId, InputHandleIndex, OutputHandleIndex, TableFlags.
fn get_rules_table_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in_out(b, c, x)?;
    b.u8(c, &TABLE_FLAGS_F)?;
    Ok(())
}

/// 2.2.11.2.2: OutputHandleIndex, ReturnValue; a success creates a Table object.
fn get_rules_table_resp(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    if resp_out(b, c, x)? == 0 {
        if let Some(i) = x.info.output_index {
            x.created(i, ObjectKind::Table);
        }
    }
    Ok(())
}

fn sized_bytes(b: &mut Builder<'_>, c: &mut Cur<'_>, size: &'static Field, data: &'static Field) -> R<()> {
    let n = usize::from(b.u16(c, size)?);
    if n > 0 {
        b.bytes(c, data, n)?;
    }
    Ok(())
}

/// 2.2.11.3.1: LogonId, InputHandleIndex, ServerEntryIdSize, ServerEntryId, ClientEntryIdSize,
/// ClientEntryId.
fn update_dam_req(b: &mut Builder<'_>, c: &mut Cur<'_>, x: &mut Rop<'_>) -> R<()> {
    req_in(b, c, x)?;
    sized_bytes(b, c, &SERVER_ENTRY_ID_SIZE, &SERVER_ENTRY_ID)?;
    sized_bytes(b, c, &CLIENT_ENTRY_ID_SIZE, &CLIENT_ENTRY_ID)
}

#[cfg(test)]
mod tests {
    use alloc::vec::Vec;

    use crate::rops::context::ObjectKind;
    use crate::rops::property::tests::{hex, hostile, lines, problems, request, response, shows, Vector};
    use crate::{decode_exchange_in, RequestType, Session};

    fn utf16z(s: &str) -> Vec<u8> {
        s.encode_utf16().chain([0]).flat_map(u16::to_le_bytes).collect()
    }

    /// [MS-OXORULE] 4.2.2: the RopGetRulesTable response `3f 01 00 00 00 00` (the request is
    /// hand-built: folder at index 0, table at index 1, Unicode).
    #[test]
    fn get_rules_table_spec_example() {
        let mut session = Session::default();
        let req_rop = hex("3F 00 00 01 40");
        let resp_rop = hex("3f 01 00 00 00 00");
        let v = Vector { req: &[&req_rop], req_handles: &[0x44, 0xFFFF_FFFF], resp: &[&resp_rop], resp_handles: &[0x44, 0x45] };
        let (req, resp) = v.bodies();
        let d = v.decode_clean(&mut session, &req, &resp);
        assert_eq!(lines(&d, "mapihttp.rop.getrulestable.tableflags"), ["TableFlags: 0x40 (U)"]);
        assert_eq!(lines(&d, "mapihttp.rop.outputhandleindex"), ["OutputHandleIndex: 1", "OutputHandleIndex: 1"]);
        assert!(lines(&d, "mapihttp.rop.returnvalue").iter().all(|l| l.ends_with("(0x00000000)")));
        assert_eq!(session.objects.get(&0x45), Some(&ObjectKind::Table));
        v.sweep();
        // ecNotSupported (an x bit set): no table.
        let mut session = Session::default();
        let req = request(&hex("3F 00 00 01 41"), &[0x44, 0xFFFF_FFFF]);
        let resp = response(&hex("3F 01 02 01 04 80"), &[0x44, 0xFFFF_FFFF]);
        let (d, _) = decode_exchange_in(&mut session, RequestType::Execute, Some(&req), Some(&resp));
        assert!(problems(&d).is_empty(), "{:?}", d.diagnostics);
        assert_eq!(lines(&d, "mapihttp.rop.getrulestable.tableflags"), ["TableFlags: 0x41 (U, 0x1)"]);
        assert!(session.objects.is_empty());
    }

    /// RopModifyRules adding the "Project X" rule of [MS-OXORULE] 4.2 (hand-built): sequence, state,
    /// name, provider, a PtypRestriction condition and a PtypRuleAction (OP_DELETE); then a
    /// ROW_REMOVE by PidTagRuleId with the R flag clear.
    #[test]
    fn modify_rules() {
        let mut add = hex("41 00 00 01 01 00 01 06 00");
        add.extend(hex("03 00 76 66 0A 00 00 00")); // PidTagRuleSequence 10
        add.extend(hex("03 00 77 66 01 00 00 00")); // PidTagRuleState ST_ENABLED
        add.extend(hex("1F 00 82 66"));
        add.extend(utf16z("Project X")); // PidTagRuleName
        add.extend(hex("1F 00 81 66"));
        add.extend(utf16z("RuleOrganizer")); // PidTagRuleProvider
        add.extend(hex("FD 00 79 66 03 01 00 01 00 1F 00 37 00 1F 00 37 00")); // ContentRestriction on PidTagSubject
        add.extend(utf16z("Project X"));
        add.extend(hex("FE 00 80 66 01 00 09 00 0A 00 00 00 00 00 00 00 00")); // one OP_DELETE action
        let remove = hex("41 00 00 00 01 00 04 01 00 14 00 74 66 01 00 00 00 00 00 00 00");
        let ok = hex("41 00 00 00 00 00");
        let failed = hex("41 00 0E 00 07 80");
        let v = Vector { req: &[&add, &remove], req_handles: &[0x44], resp: &[&ok, &failed], resp_handles: &[0x44] };
        let (req, resp) = v.bodies();
        let d = v.decode_clean(&mut Session::default(), &req, &resp);
        assert_eq!(lines(&d, "mapihttp.rop.modifyrules.modifyrulesflags"), ["ModifyRulesFlags: 0x01 (R)", "ModifyRulesFlags: 0x00"]);
        assert_eq!(lines(&d, "mapihttp.rop.modifyrules.rulescount"), ["RulesCount: 1", "RulesCount: 1"]);
        assert_eq!(lines(&d, "mapihttp.rop.modifyrules.ruledataflags"), ["RuleDataFlags: 0x01 (ROW_ADD)", "RuleDataFlags: 0x04 (ROW_REMOVE)"]);
        assert_eq!(lines(&d, "mapihttp.rop.modifyrules.propertyvaluecount"), ["PropertyValueCount: 6", "PropertyValueCount: 1"]);
        assert_eq!(d.find_all("mapihttp.oxcdata.taggedpropertyvalue").count(), 7);
        assert!(shows(&d, "\"Project X\""));
        assert!(shows(&d, "\"RuleOrganizer\""));
        assert!(shows(&d, "0x667900FD"), "PidTagRuleCondition");
        assert!(shows(&d, "OP_DELETE"), "the rule action is decoded");
        assert!(shows(&d, "0x66740014"), "PidTagRuleId");
        assert!(lines(&d, "mapihttp.rop.returnvalue")[1].contains("0x8007000E"), "ecNotEnoughMemory (rule limit)");
        v.sweep();
    }

    /// RopUpdateDeferredActionMessages: two sized entry ids; header-only response.
    #[test]
    fn update_deferred_action_messages() {
        let req_rop = hex("57 00 00 04 00 AA BB CC DD 02 00 EE FF");
        let resp_rop = hex("57 00 00 00 00 00");
        let empty = hex("57 00 00 00 00 00 00");
        let v = Vector { req: &[&req_rop, &empty], req_handles: &[0x44], resp: &[&resp_rop, &resp_rop], resp_handles: &[0x44] };
        let (req, resp) = v.bodies();
        let d = v.decode_clean(&mut Session::default(), &req, &resp);
        assert_eq!(
            lines(&d, "mapihttp.rop.updatedeferredactionmessages.serverentryidsize"),
            ["ServerEntryIdSize: 4 bytes", "ServerEntryIdSize: 0 bytes"]
        );
        assert_eq!(lines(&d, "mapihttp.rop.updatedeferredactionmessages.serverentryid"), ["ServerEntryId: aabbccdd"]);
        assert_eq!(lines(&d, "mapihttp.rop.updatedeferredactionmessages.cliententryidsize")[0], "ClientEntryIdSize: 2 bytes");
        assert_eq!(lines(&d, "mapihttp.rop.updatedeferredactionmessages.cliententryid"), ["ClientEntryId: eeff"]);
        v.sweep();
    }

    #[test]
    fn hostile_counts() {
        hostile(&hex("41 00 00 00 FF FF 01 00 00"), "RulesCount 65535");
        hostile(&hex("41 00 00 00 01 00 01 FF FF 03 00"), "PropertyValueCount 65535");
        let body = request(&hex("57 00 00 FF FF AA"), &[0x44]);
        let (d, _) = crate::decode_exchange(RequestType::Execute, Some(&body), None);
        assert!(d.diagnostics.iter().any(|x| x.message.contains("ServerEntryId")), "{:?}", d.diagnostics);
    }
}
