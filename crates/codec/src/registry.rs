//! The field registry: every field any decoder can produce, declared once per module with
//! [`fields!`](crate::fields) and gathered here. `mapiscope fields` prints it; a test keeps every
//! filter key unique, lowercase and dotted.

use crate::tree::Field;

/// Declares registered fields as statics and collects them into the module's `FIELDS` slice.
///
/// ```text
/// fields! {
///     USER_DN: Str8 = "mapihttp.connect.userdn", "UserDn", "[MS-OXCMAPIHTTP] 2.2.4.1.1 the user's DN";
///     FLAGS: U32 [Disp::Hex] = "mapihttp.connect.flags", "Flags", "...";
///     COLUMN: U32 [Disp::Hex] {column_summary} = "mapihttp.x.column", "PropertyValue", "...";
/// }
/// ```
#[macro_export]
macro_rules! fields {
    ($( $id:ident : $ty:ident $([$disp:expr])? $({$sum:expr})? = $key:literal, $name:literal, $desc:literal; )*) => {
        $(
            #[doc = $desc]
            pub static $id: $crate::tree::Field = $crate::tree::Field {
                key: $key,
                name: $name,
                ty: $crate::tree::Ty::$ty,
                disp: $crate::fields!(@disp $($disp)?),
                desc: $crate::registry::description($desc),
                summary: $crate::fields!(@sum $($sum)?),
            };
        )*
        /// Every field this module registers.
        pub static FIELDS: &[&$crate::tree::Field] = &[ $( &$id ),* ];
    };
    (@sum) => { None };
    (@sum $s:expr) => { Some($s) };
    (@disp) => { $crate::tree::Disp::Dec };
    (@disp $d:expr) => { $d };
}

/// A field's description as stored: itself with the `descriptions` feature, else "" (evaluated in
/// the codec crate, so the feature is the codec's whichever crate expands [`fields!`]; the text is
/// then not in the binary).
pub const fn description(text: &'static str) -> &'static str {
    if cfg!(feature = "descriptions") {
        text
    } else {
        ""
    }
}

/// All registered fields, module by module.
pub fn all() -> impl Iterator<Item = &'static Field> {
    // Each top-level module lists its own field groups (one per file that declares fields).
    let modules: [&'static [&'static [&'static Field]]; 6] = [
        crate::mapihttp::FIELD_GROUPS,
        crate::rpc::FIELD_GROUPS,
        crate::nspi::FIELD_GROUPS,
        crate::props::FIELD_GROUPS,
        crate::oxcdata::FIELD_GROUPS,
        crate::rops::FIELD_GROUPS,
    ];
    modules.into_iter().flat_map(|m| m.iter().copied()).flat_map(|g| g.iter().copied())
}

/// Looks a field up by filter key.
pub fn by_key(key: &str) -> Option<&'static Field> {
    all().find(|f| f.key == key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tree::Disp;
    use alloc::collections::BTreeSet;

    #[test]
    fn keys_unique_lowercase_dotted() {
        let mut seen = BTreeSet::new();
        let mut n = 0;
        for f in all() {
            n += 1;
            assert!(seen.insert(f.key), "duplicate filter key {}", f.key);
            assert!(f.key.starts_with("mapihttp."), "key {} outside the mapihttp namespace", f.key);
            assert!(
                f.key.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'_'),
                "key {} is not lowercase dotted",
                f.key
            );
            assert!(!f.key.contains("..") && !f.key.ends_with('.'), "key {} has an empty component", f.key);
            assert!(!f.name.is_empty(), "field {} lacks a name", f.key);
            assert_eq!(f.desc.is_empty(), !cfg!(feature = "descriptions"), "field {} description (kept only with the descriptions feature)", f.key);
        }
        assert!(n > 300, "registry unexpectedly small: {n}");
    }

    #[test]
    fn name_tables_sorted() {
        for f in all() {
            if let Disp::Names(t) | Disp::NamesDec(t) | Disp::HexNamed(t) | Disp::Flags(t) = f.disp {
                for w in t.windows(2) {
                    if let [a, b] = w {
                        assert!(a.0 < b.0, "value table of {} not sorted at {:#x}", f.key, b.0);
                    }
                }
            }
        }
    }
}
