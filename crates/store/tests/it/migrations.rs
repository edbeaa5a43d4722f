//! The two migration folders stay in step, the embedded lists match the folders, and migrating an
//! up-to-date database changes nothing.

use std::collections::BTreeMap;
use std::path::Path;

use netra_store::db::migrations;
use netra_store::{Db, Dialect};

use crate::support::{exec, scalar};

/// `NNNN_name.sql` files of one folder as version → description.
fn folder(dialect: &str) -> BTreeMap<i64, String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations").join(dialect);
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let name = entry.expect("directory entry").file_name().to_string_lossy().into_owned();
        let stem = name
            .strip_suffix(".sql")
            .unwrap_or_else(|| panic!("{dialect}/{name}: only .sql files belong in a migration folder"));
        let (version, description) =
            stem.split_once('_').unwrap_or_else(|| panic!("{dialect}/{name}: expected NNNN_name.sql"));
        assert_eq!(version.len(), 4, "{dialect}/{name}: versions have four digits");
        let version: i64 = version.parse().unwrap_or_else(|_| panic!("{dialect}/{name}: version is not a number"));
        assert!(out.insert(version, description.to_owned()).is_none(), "{dialect}: version {version} appears twice");
    }
    out
}

fn embedded(dialect: Dialect) -> BTreeMap<i64, String> {
    let list = migrations(dialect);
    let map: BTreeMap<i64, String> = list.iter().map(|m| (m.version, m.description.to_string())).collect();
    assert_eq!(map.len(), list.len(), "{dialect:?}: duplicate embedded versions");
    map
}

#[test]
fn folders_hold_identical_version_lists() {
    let sqlite = folder("sqlite");
    let postgres = folder("postgres");
    assert!(!sqlite.is_empty(), "no SQLite migrations found");
    assert_eq!(sqlite, postgres, "migrations/sqlite and migrations/postgres must hold the same NNNN_name.sql files");
}

#[test]
fn embedded_lists_match_each_other_and_the_folders() {
    let sqlite = embedded(Dialect::Sqlite);
    let postgres = embedded(Dialect::Postgres);
    assert_eq!(sqlite, postgres, "migrations(Sqlite) and migrations(Postgres) must carry the same versions");
    // A file added to a folder but not registered in `db::migrations` would silently never run.
    assert_eq!(sqlite, folder("sqlite"), "db::migrations(Sqlite) does not match migrations/sqlite");
    assert_eq!(postgres, folder("postgres"), "db::migrations(Postgres) does not match migrations/postgres");
}

#[test]
fn embedded_versions_are_ascending() {
    for dialect in [Dialect::Sqlite, Dialect::Postgres] {
        let versions: Vec<i64> = migrations(dialect).iter().map(|m| m.version).collect();
        let mut sorted = versions.clone();
        sorted.sort_unstable();
        assert_eq!(versions, sorted, "{dialect:?}: migrations must be listed in version order");
    }
}

async fn migrating_twice_is_a_no_op(db: &Db) -> anyhow::Result<()> {
    let expected = i64::try_from(migrations(db.dialect).len())?;
    let applied = "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM _sqlx_migrations WHERE success = TRUE";
    assert_eq!(scalar(db, applied).await?, expected, "TestDb hands out a fully migrated database");

    exec(db, "INSERT INTO meta (key, value) VALUES ('probe', 'kept')").await?;
    db.migrate().await?;
    db.migrate().await?;

    assert_eq!(scalar(db, applied).await?, expected, "no migration was applied twice");
    assert_eq!(
        scalar(db, "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM meta WHERE key = 'probe'").await?,
        1,
        "data survives"
    );
    assert_eq!(
        scalar(db, "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM audit_head").await?,
        1,
        "the audit head seed row is inserted once"
    );
    db.ping().await?;
    Ok(())
}
netra_testkit::on_all_backends!(migrate_twice, migrating_twice_is_a_no_op);
