//! Loading an agreement from files on disk: read each (small) file whole, then
//! [`load_agreement`].

use std::path::Path;

use zonewatch_core::Agreement;

use crate::{InputError, InputErrors, load_agreement};

/// Reads zones, rules and (optionally) units from files and validates them together, as
/// [`load_agreement`] does; each file's path is its source name in messages.
///
/// Agreement files are small (hundreds of zones), so each is read whole. To load from any
/// other reader, read it into a `String` and call [`load_agreement`].
///
/// # Errors
/// Every unreadable file and every problem in the readable ones, located.
///
/// # Example
/// ```
/// # let dir = std::env::temp_dir().join(format!("zw-doc-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir).unwrap();
/// # std::fs::write(dir.join("zones.geojson"), r#"{"type":"FeatureCollection","features":[
/// #   {"type":"Feature","id":"camp","properties":{"radius_m":3000},
/// #    "geometry":{"type":"Point","coordinates":[16.61,31.06]}}]}"#).unwrap();
/// # std::fs::write(dir.join("rules.toml"), "[[rule]]\nid = \"r\"\nkind = \"keep_out\"\nzones = [\"camp\"]\n").unwrap();
/// let agreement = zonewatch_io::load_agreement_files(
///     &dir.join("zones.geojson"),
///     &dir.join("rules.toml"),
///     None,
/// )
/// .unwrap();
/// assert_eq!(agreement.zones().len(), 1);
/// let missing = zonewatch_io::load_agreement_files(&dir.join("nope.geojson"), &dir.join("rules.toml"), None);
/// assert!(missing.unwrap_err().to_string().contains("nope.geojson"));
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub fn load_agreement_files(
    zones: &Path,
    rules: &Path,
    units: Option<&Path>,
) -> Result<Agreement, InputErrors> {
    let read = |path: &Path| {
        let name = path.display().to_string();
        std::fs::read_to_string(path)
            .map(|text| (text, name.clone()))
            .map_err(|e| InputError::io(&name, e))
    };
    let (z, r, u) = (read(zones), read(rules), units.map(read).transpose());
    match (z, r, u) {
        (Ok(z), Ok(r), Ok(u)) => load_agreement(
            (&z.0, &z.1),
            (&r.0, &r.1),
            u.as_ref().map(|(t, n)| (t.as_str(), n.as_str())),
        ),
        (z, r, u) => Err(InputErrors(
            [z.err(), r.err(), u.err()].into_iter().flatten().collect(),
        )),
    }
}
