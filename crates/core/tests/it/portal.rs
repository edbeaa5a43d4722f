//! The reporter's follow-up (`netra_core::portal`): receipt codes found by selector and verified
//! by Argon2id, unknown and wrong codes indistinguishable, two-way messages kept from the PPK and
//! the authority and audited without their text, and rate limits shared through the database.
//! Each test runs on SQLite and PostgreSQL.

use chrono::Duration;
use netra_core::CoreError;
use netra_core::portal::{Client, Limit, RECEIPT_DIGITS, RateLimits, group_digits};
use netra_domain::policy::{Denied, Role};
use netra_store::Db;
use netra_store::audit;

use crate::custody::{Fx, actor, officer};

type Result = anyhow::Result<()>;

fn client(ip: &str) -> Client {
    Client::from_ip(ip.parse().expect("ip"))
}

fn code_of(e: &CoreError) -> String {
    match e {
        CoreError::Invalid(f) => f[0].code.clone(),
        other => format!("{other:?}"),
    }
}

/// Changes one digit of the secret part, keeping the selector: the intake is found, the hash fails.
fn wrong_secret(code: &str) -> String {
    let mut b = code.as_bytes().to_vec();
    let last = b.len() - 1;
    b[last] = if b[last] == b'9' { b'0' } else { b[last] + 1 };
    String::from_utf8(b).expect("digits")
}

async fn receipts_open_their_own_case_only(db: &Db) -> Result {
    let fx = Fx::new(db).await?;
    let first = fx.submit("informasi_awal").await?;
    let second = fx.submit("laporan").await?;
    let code = first.receipt_code.clone().expect("public intake has a receipt");
    assert_eq!(code.len(), RECEIPT_DIGITS);
    let me = client("198.51.100.20");

    // Typed with spaces in groups of four, as the receipt page shows it.
    let access = fx.netra.open_receipt(&me, &group_digits(&code)).await?;
    assert_eq!(access.case_id(), first.case_id);
    let other = fx.netra.open_receipt(&me, second.receipt_code.as_deref().expect("receipt")).await?;
    assert_eq!(other.case_id(), second.case_id);

    let view = fx.netra.reporter_view(&access).await?;
    assert_eq!(view.status, "received");
    assert_eq!(view.kind, "informasi_awal");
    assert_eq!(view.subjects, 1);
    assert_eq!(view.subjects_forwarded, 0);
    assert!(view.messages.is_empty());

    // A wrong secret with a real selector and a code nobody holds: the same NotFound.
    let wrong = fx.netra.open_receipt(&me, &wrong_secret(&code)).await.expect_err("wrong secret");
    assert!(matches!(wrong, CoreError::NotFound), "{wrong:?}");
    let unknown = fx.netra.open_receipt(&me, &"1".repeat(RECEIPT_DIGITS)).await.expect_err("unknown");
    assert!(matches!(unknown, CoreError::NotFound), "{unknown:?}");

    // Malformed codes are field errors that say what is wrong.
    let e = fx.netra.open_receipt(&me, "1234 5678 abcd").await.expect_err("letters");
    assert_eq!(code_of(&e), "receipt_not_digits");
    let e = fx.netra.open_receipt(&me, &code[..20]).await.expect_err("short");
    assert_eq!(code_of(&e), "receipt_length");
    Ok(())
}
netra_testkit::on_all_backends!(receipts_open_their_own_case_only, receipts_open_their_own_case_only);

async fn messages_go_both_ways_and_stay_with_bawaslu(db: &Db) -> Result {
    let fx = Fx::new(db).await?;
    let r = fx.submit("informasi_awal").await?;
    let me = client("198.51.100.21");
    let access = fx.netra.open_receipt(&me, r.receipt_code.as_deref().expect("receipt")).await?;
    const SECRET_LINE: &str = "Saya staf di bagian umum, ruang sebelah camat.";

    let sent = fx.netra.reporter_message(&access, &format!("  {SECRET_LINE}  ")).await?;
    assert_eq!(sent.body, SECRET_LINE, "trimmed");
    assert_eq!(sent.direction, "reporter");
    fx.advance(Duration::minutes(5));
    let reply =
        fx.netra.office_message(&officer(), &r.case_id, "Terima kasih. Mohon kirim tangkapan layar unggahan.").await?;
    assert_eq!(reply.direction, "office");

    let thread = fx.netra.reporter_view(&access).await?.messages;
    assert_eq!(thread.iter().map(|m| m.direction.as_str()).collect::<Vec<_>>(), ["reporter", "office"]);
    assert_eq!(fx.netra.case_messages(&officer(), &r.case_id).await?, thread);

    // The PPK and the authority never read what a reporter wrote; another office does not find the case.
    let ppk = actor("ppk-smg", Role::Ppk, None, Some("ag-smg"));
    let e = fx.netra.case_messages(&ppk, &r.case_id).await.expect_err("ppk");
    assert!(matches!(e, CoreError::NotFound | CoreError::Denied(Denied::Role { .. })), "{e:?}");
    let verifier = actor("bkn-1", Role::AuthorityVerifier, None, None);
    let e = fx.netra.office_message(&verifier, &r.case_id, "halo").await.expect_err("authority");
    assert!(matches!(e, CoreError::NotFound | CoreError::Denied(Denied::Role { .. })), "{e:?}");
    let elsewhere = actor("solo-officer", Role::BawasluKabKota, Some("33.72"), None);
    let e = fx.netra.case_messages(&elsewhere, &r.case_id).await.expect_err("other office");
    assert!(matches!(e, CoreError::NotFound), "{e:?}");

    // Empty and oversized messages are refused with their reason.
    assert_eq!(code_of(&fx.netra.reporter_message(&access, "   ").await.expect_err("empty")), "required");
    let long = "x".repeat(netra_core::portal::MESSAGE_MAX_CHARS + 1);
    assert_eq!(code_of(&fx.netra.reporter_message(&access, &long).await.expect_err("long")), "too_long");

    // Both directions are audited, with the text's hash only.
    let events = audit::for_entity(&fx.netra.db, "case", &r.case_id).await?;
    let actions: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
    assert!(actions.contains(&"message.from_reporter") && actions.contains(&"message.to_reporter"), "{actions:?}");
    for e in &events {
        let payload = e.payload.to_string();
        assert!(!payload.contains("ruang sebelah camat"), "audit payload holds message text: {payload}");
    }
    Ok(())
}
netra_testkit::on_all_backends!(
    messages_go_both_ways_and_stay_with_bawaslu,
    messages_go_both_ways_and_stay_with_bawaslu
);

async fn rate_limits_count_per_client_and_for_everyone(db: &Db) -> Result {
    let mut fx = Fx::new(db).await?;
    fx.netra = fx.netra.clone().with_rate_limits(RateLimits {
        receipts_per_client: Some(3),
        receipts_global: Some(5),
        ..RateLimits::default()
    });
    let r = fx.submit("informasi_awal").await?;
    let code = r.receipt_code.expect("receipt");
    let guesser = client("203.0.113.9");
    for _ in 0..3 {
        let e = fx.netra.open_receipt(&guesser, &wrong_secret(&code)).await.expect_err("wrong");
        assert!(matches!(e, CoreError::NotFound));
    }
    // The fourth try is refused before any verification, even with the right code.
    match fx.netra.open_receipt(&guesser, &code).await {
        Err(CoreError::RateLimited { retry_after_secs }) => assert!((1..=15 * 60).contains(&retry_after_secs)),
        other => panic!("expected RateLimited, got {other:?}"),
    }
    // Another client still gets in, until the global cap of the window is spent.
    let honest = client("192.0.2.44");
    fx.netra.open_receipt(&honest, &code).await?;
    let e = fx.netra.open_receipt(&client("192.0.2.45"), &code).await.expect_err("global cap");
    assert!(matches!(e, CoreError::RateLimited { .. }), "{e:?}");

    // A new window starts afresh.
    fx.advance(Duration::minutes(15));
    fx.netra.open_receipt(&guesser, &code).await?;

    // Submissions have their own counter.
    fx.netra.check_rate_limit(Limit::Submission, &guesser).await?;

    // The counters hold no address: only the 16-bit tags.
    let buckets: Vec<String> =
        sqlx::query_scalar("SELECT bucket FROM rate_limits").fetch_all(&fx.netra.db.pool).await?;
    assert!(!buckets.is_empty());
    for b in &buckets {
        assert!(!b.contains("203.0.113") && !b.contains("192.0.2"), "address in bucket {b}");
        if let Some(tag) = b.strip_prefix("client:receipt:") {
            assert_eq!(tag.len(), 4, "{b}");
        }
    }
    Ok(())
}
netra_testkit::on_all_backends!(
    rate_limits_count_per_client_and_for_everyone,
    rate_limits_count_per_client_and_for_everyone
);

async fn no_receipt_is_stored(db: &Db) -> Result {
    let fx = Fx::new(db).await?;
    let mut codes = Vec::new();
    for i in 0..20 {
        let r = fx.submit(if i % 2 == 0 { "informasi_awal" } else { "laporan" }).await?;
        codes.push(r.receipt_code.expect("receipt"));
    }
    // Every text column of the tables a receipt could reach.
    let mut text = String::new();
    for (table, cols) in [
        ("intakes", "COALESCE(receipt_hash, '') || ' ' || COALESCE(receipt_selector, '') || ' ' || summary"),
        ("audit_events", "payload"),
        ("idempotency_keys", "key_hash || ' ' || request_hash"),
        ("rate_limits", "bucket"),
    ] {
        let sql = format!("SELECT {cols} AS v FROM {table}");
        let rows: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).fetch_all(&fx.netra.db.pool).await?;
        text.push_str(&rows.join("\n"));
    }
    assert!(text.contains("$argon2id$"), "receipt hashes are Argon2id PHC strings");
    for code in &codes {
        assert!(!text.contains(code.as_str()), "a receipt is stored in clear");
        assert!(!text.contains(&code[8..]), "a receipt's secret part is stored in clear");
    }
    Ok(())
}
netra_testkit::on_all_backends!(no_receipt_is_stored, no_receipt_is_stored);
