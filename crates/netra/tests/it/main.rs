//! Tests of the `netra` executable as a user meets it: the real binary, started as a child process
//! with a fresh `--data` folder (SQLite), and for the storage tests also on PostgreSQL when
//! `NETRA_TEST_PG_URL` is set (`scripts/test` starts a throwaway cluster).
//!
//! Tests that run on both engines are named `<test>::sqlite` and `<test>::postgres`.

/// Generates `mod $name { sqlite, postgres }`, each calling `$body(&instance).await` on a fresh
/// [`support::Instance`]. The PostgreSQL test passes with a note when `NETRA_TEST_PG_URL` is unset,
/// and fails under CI (`CI=true`), as `netra_testkit::TestDb::postgres` does.
macro_rules! on_both_engines {
    ($name:ident, $body:path) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let n = $crate::support::Instance::sqlite();
                $body(&n).await;
                n.close().await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some(n) = $crate::support::Instance::postgres().await else {
                    eprintln!("skipped: NETRA_TEST_PG_URL not set");
                    return;
                };
                $body(&n).await;
                n.close().await;
            }
        }
    };
}

mod admin;
mod audit;
mod authz;
mod deadline;
mod demo;
mod import;
mod screen;
mod serve;
mod support;
