//! Chrome and Apple CT policy evaluation of embedded SCTs, on small log lists
//! built here from real log keys and on the real certificates of
//! testdata/certs_embedded_sct.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "tests fail loudly on broken fixtures"
)]

use std::path::{Path, PathBuf};
use std::time::Instant;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use ctkit::input::read_blocks;
use ctkit::loglist::{LogList, parse_rfc3339_ms};
use ctkit::policy::{Evaluation, Policy, SctCandidate, evaluate, select};
use ctkit::sct::{LogId, SerializedSct};
use ctkit::x509::CertificateLayout;
use serde_json::{Value, json};

const DAY_MS: u64 = 86_400_000;
const SECOND_MS: u64 = 1000;

fn testdata(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata")
        .join(rel)
}

fn read(rel: &str) -> Vec<u8> {
    let path = testdata(rel);
    std::fs::read(&path).unwrap_or_else(|e| panic!("missing fixture {}: {e}", path.display()))
}

fn ms(rfc3339: &str) -> u64 {
    parse_rfc3339_ms(rfc3339).unwrap_or_else(|| panic!("bad time {rfc3339}"))
}

/// Real (log_id, key) pairs from Google's current list, so that the lists
/// built here pass LogList's check that log_id is the SHA-256 of the key.
fn real_keys() -> Vec<(String, String)> {
    let list: Value =
        serde_json::from_slice(&read("loglists/google_log_list_v3_85.40_2026-04-09.json")).unwrap();
    let mut keys = Vec::new();
    for operator in list["operators"].as_array().unwrap() {
        for kind in ["logs", "tiled_logs"] {
            for log in operator[kind].as_array().into_iter().flatten() {
                keys.push((
                    log["log_id"].as_str().unwrap().to_owned(),
                    log["key"].as_str().unwrap().to_owned(),
                ));
            }
        }
    }
    assert!(keys.len() >= 20, "too few keys in the fixture list");
    keys
}

fn log_id(base64: &str) -> LogId {
    LogId(BASE64.decode(base64).unwrap().try_into().unwrap())
}

/// One synthetic log: an operator, a state entered at a time, an optional
/// temporal interval, and whether it is a static-ct-api log.
#[derive(Clone, Copy)]
struct Spec {
    operator: &'static str,
    state: Option<(&'static str, &'static str)>,
    interval: Option<(&'static str, &'static str)>,
    tiled: bool,
}

fn usable(operator: &'static str) -> Spec {
    Spec {
        operator,
        state: Some(("usable", "2020-01-01T00:00:00Z")),
        interval: None,
        tiled: false,
    }
}

fn in_state(operator: &'static str, state: &'static str, since: &'static str) -> Spec {
    Spec {
        state: Some((state, since)),
        ..usable(operator)
    }
}

fn tiled(operator: &'static str) -> Spec {
    Spec {
        tiled: true,
        ..usable(operator)
    }
}

/// Builds a v3 list with one log per spec, named "log 0", "log 1", ... and
/// returns it with the logs' IDs in the same order.
fn build_list(specs: &[Spec]) -> (LogList, Vec<LogId>) {
    let keys = real_keys();
    assert!(specs.len() <= keys.len());
    let mut operators: Vec<(&str, Vec<Value>, Vec<Value>)> = Vec::new();
    let mut ids = Vec::new();
    for (i, (spec, (id, key))) in specs.iter().zip(&keys).enumerate() {
        let mut log = json!({
            "description": format!("log {i}"),
            "log_id": id,
            "key": key,
            "url": format!("https://log{i}.invalid/"),
            "mmd": 86400,
        });
        if let Some((state, since)) = spec.state {
            log["state"] = json!({ state: { "timestamp": since } });
        }
        if let Some((start, end)) = spec.interval {
            log["temporal_interval"] = json!({ "start_inclusive": start, "end_exclusive": end });
        }
        let entry = match operators
            .iter_mut()
            .find(|(name, _, _)| *name == spec.operator)
        {
            Some(entry) => entry,
            None => {
                operators.push((spec.operator, Vec::new(), Vec::new()));
                operators.last_mut().unwrap()
            }
        };
        if spec.tiled {
            entry.2.push(log);
        } else {
            entry.1.push(log);
        }
        ids.push(log_id(id));
    }
    let json = json!({
        "version": "test",
        "log_list_timestamp": "2026-01-01T00:00:00Z",
        "operators": operators
            .into_iter()
            .map(|(name, logs, tiled_logs)| json!({
                "name": name,
                "email": ["test@invalid"],
                "logs": logs,
                "tiled_logs": tiled_logs,
            }))
            .collect::<Vec<_>>(),
    });
    let list = LogList::from_json(json.to_string().as_bytes()).unwrap();
    (list, ids)
}

fn sct(id: LogId, timestamp_ms: u64) -> SctCandidate {
    SctCandidate {
        log_id: id,
        timestamp_ms,
    }
}

/// A certificate issued at 2025-06-01, with SCTs from that moment and a
/// check a day later.
const ISSUED: &str = "2025-06-01T00:00:00Z";

fn check(policy: Policy, lifetime_ms: u64, scts: &[SctCandidate], logs: &LogList) -> Evaluation {
    let not_before = ms(ISSUED);
    evaluate(
        policy,
        not_before,
        not_before + lifetime_ms,
        scts,
        logs,
        not_before + DAY_MS,
    )
}

fn reasons_mention(evaluation: &Evaluation, text: &str) -> bool {
    evaluation.reasons.iter().any(|r| r.contains(text))
}

// ---------------------------------------------------------------------------
// Chrome, certificates issued since 2022-04-15

#[test]
fn chrome_lifetime_boundary_at_180_days() {
    let (logs, ids) = build_list(&[usable("A"), usable("B"), usable("C")]);
    let t = ms(ISSUED);
    let two = [sct(ids[0], t), sct(ids[1], t)];
    let three = [sct(ids[0], t), sct(ids[1], t), sct(ids[2], t)];

    for lifetime in [179 * DAY_MS, 180 * DAY_MS] {
        let e = check(Policy::Chrome, lifetime, &two, &logs);
        assert!(e.compliant, "{lifetime} ms: {:?}", e.reasons);
        assert_eq!(e.required, 2);
        assert_eq!(e.counted, 2);
        assert_eq!(e.operators, ["A", "B"]);
        assert_eq!(
            e.rule,
            "Chrome CT policy for certificates issued since 2022-04-15"
        );
    }

    // One second beyond 180 days of notAfter - notBefore needs a third SCT.
    for lifetime in [180 * DAY_MS + SECOND_MS, 181 * DAY_MS] {
        let e = check(Policy::Chrome, lifetime, &two, &logs);
        assert!(!e.compliant, "{lifetime} ms");
        assert_eq!(e.required, 3);
        assert!(reasons_mention(&e, "needs 3 SCTs"), "{:?}", e.reasons);

        let e = check(Policy::Chrome, lifetime, &three, &logs);
        assert!(e.compliant, "{:?}", e.reasons);
        assert_eq!(e.counted, 3);
    }
}

#[test]
fn chrome_one_operator_fails() {
    let (logs, ids) = build_list(&[usable("A"), usable("A"), usable("A")]);
    let t = ms(ISSUED);
    let scts = [sct(ids[0], t), sct(ids[1], t), sct(ids[2], t)];
    let e = check(Policy::Chrome, 90 * DAY_MS, &scts[..2], &logs);
    assert!(!e.compliant);
    assert_eq!(e.counted, 2, "both SCTs count towards the number");
    assert_eq!(e.operators, ["A"]);
    assert!(
        reasons_mention(&e, "one operator, A"),
        "reasons: {:?}",
        e.reasons
    );

    let e = check(Policy::Chrome, 300 * DAY_MS, &scts, &logs);
    assert!(!e.compliant, "three logs of one operator are not enough");
}

#[test]
fn chrome_pending_and_rejected_logs_do_not_count() {
    let (logs, ids) = build_list(&[
        usable("A"),
        in_state("B", "pending", "2020-01-01T00:00:00Z"),
        in_state("C", "rejected", "2024-01-01T00:00:00Z"),
        usable("D"),
    ]);
    let t = ms(ISSUED);
    for bad in [1, 2] {
        let e = check(
            Policy::Chrome,
            90 * DAY_MS,
            &[sct(ids[0], t), sct(ids[bad], t)],
            &logs,
        );
        assert!(!e.compliant, "log {bad}");
        assert_eq!(e.counted, 1);
        assert_eq!(e.operators, ["A"]);
        let state = if bad == 1 { "Pending" } else { "Rejected" };
        assert!(
            reasons_mention(
                &e,
                &format!("log {bad}) is not counted: the log was {state}")
            ),
            "{:?}",
            e.reasons
        );
    }
    let e = check(
        Policy::Chrome,
        90 * DAY_MS,
        &[sct(ids[0], t), sct(ids[3], t)],
        &logs,
    );
    assert!(e.compliant, "{:?}", e.reasons);
}

#[test]
fn chrome_retired_log_counts_only_before_retirement() {
    let retired_at = "2025-03-01T00:00:00Z";
    let (logs, ids) = build_list(&[
        usable("A"),
        in_state("B", "retired", retired_at),
        usable("C"),
    ]);
    let not_before = ms("2025-02-27T00:00:00Z");
    let now = ms(ISSUED);
    let before = ms(retired_at) - 1;
    let after = ms(retired_at);
    let run = |scts: &[SctCandidate]| {
        evaluate(
            Policy::Chrome,
            not_before,
            not_before + 90 * DAY_MS,
            scts,
            &logs,
            now,
        )
    };

    // Issued (earliest SCT from a log that is not Retired) and logged to B
    // before the retirement: B counts.
    let e = run(&[sct(ids[0], before), sct(ids[1], before)]);
    assert!(e.compliant, "{:?}", e.reasons);
    assert_eq!(e.operators, ["A", "B"]);

    // B's SCT at the retirement timestamp does not count.
    let e = run(&[sct(ids[0], before), sct(ids[1], after)]);
    assert!(!e.compliant);
    assert_eq!(e.counted, 1);
    assert!(
        reasons_mention(&e, "is not before the log's retirement"),
        "{:?}",
        e.reasons
    );

    // B's SCT predates the retirement, but the certificate was issued after
    // it, so it does not count either.
    let e = run(&[sct(ids[0], after), sct(ids[1], before)]);
    assert!(!e.compliant);
    assert!(
        reasons_mention(&e, "the certificate was issued at"),
        "{:?}",
        e.reasons
    );

    // A retired log never satisfies "one SCT from a Qualified, Usable or
    // ReadOnly log" on its own.
    let (only_retired, rids) = build_list(&[
        in_state("A", "retired", retired_at),
        in_state("B", "retired", retired_at),
    ]);
    let e = evaluate(
        Policy::Chrome,
        not_before,
        not_before + 90 * DAY_MS,
        &[sct(rids[0], before), sct(rids[1], before)],
        &only_retired,
        now,
    );
    assert!(!e.compliant);
    assert_eq!(e.counted, 2);
    assert!(reasons_mention(&e, "Qualified, Usable or ReadOnly"));
}

#[test]
fn unknown_log_never_counts() {
    let (logs, ids) = build_list(&[usable("A"), usable("B")]);
    let t = ms(ISSUED);
    let stranger = LogId([0x5a; 32]);
    for policy in [Policy::Chrome, Policy::Apple] {
        let e = check(
            policy,
            90 * DAY_MS,
            &[sct(ids[0], t), sct(stranger, t)],
            &logs,
        );
        assert!(!e.compliant, "{policy}");
        assert_eq!(e.counted, 1);
        assert!(
            reasons_mention(&e, &format!("its log {stranger} is not in the log list")),
            "{:?}",
            e.reasons
        );
    }
    assert!(!check(Policy::Chrome, 90 * DAY_MS, &[sct(ids[1], t)], &logs).compliant);
}

#[test]
fn temporal_interval_must_contain_not_after() {
    let shard = |operator| Spec {
        interval: Some(("2025-07-01T00:00:00Z", "2026-01-01T00:00:00Z")),
        ..usable(operator)
    };
    let (logs, ids) = build_list(&[shard("A"), shard("B")]);
    let not_before = ms(ISSUED);
    let t = not_before;
    let scts = [sct(ids[0], t), sct(ids[1], t)];
    let run = |not_after| evaluate(Policy::Chrome, not_before, not_after, &scts, &logs, t + 1);

    assert!(run(ms("2025-08-30T00:00:00Z")).compliant);
    // The start is inclusive and the end exclusive.
    assert!(
        !run(ms("2025-06-30T23:59:59Z")).compliant,
        "notAfter before the interval"
    );
    assert!(run(ms("2025-07-01T00:00:00Z")).compliant);
    let e = run(ms("2026-01-01T00:00:00Z"));
    assert!(!e.compliant, "notAfter at the exclusive end");
    assert_eq!(e.counted, 0);
    assert!(
        reasons_mention(&e, "outside the log's temporal interval"),
        "{:?}",
        e.reasons
    );
}

#[test]
fn chrome_requires_an_rfc6962_log() {
    let (logs, ids) = build_list(&[tiled("A"), tiled("B"), usable("C")]);
    let t = ms(ISSUED);
    let e = check(
        Policy::Chrome,
        90 * DAY_MS,
        &[sct(ids[0], t), sct(ids[1], t)],
        &logs,
    );
    assert!(!e.compliant);
    assert_eq!(e.counted, 2);
    assert!(reasons_mention(&e, "RFC 6962"), "{:?}", e.reasons);

    let e = check(
        Policy::Chrome,
        90 * DAY_MS,
        &[sct(ids[0], t), sct(ids[2], t)],
        &logs,
    );
    assert!(e.compliant, "{:?}", e.reasons);
}

#[test]
fn duplicate_sct_from_one_log_counts_once() {
    let (logs, ids) = build_list(&[usable("A"), usable("B")]);
    let t = ms(ISSUED);
    let e = check(
        Policy::Chrome,
        200 * DAY_MS,
        &[sct(ids[0], t), sct(ids[0], t + 5), sct(ids[1], t)],
        &logs,
    );
    assert!(!e.compliant);
    assert_eq!(e.counted, 2);
    assert!(
        reasons_mention(
            &e,
            "SCT 2 (log 0) is not counted: another SCT from the same log"
        ),
        "{:?}",
        e.reasons
    );
}

#[test]
fn qualified_log_counts_with_a_note() {
    let (logs, ids) = build_list(&[
        in_state("A", "qualified", "2025-05-01T00:00:00Z"),
        usable("B"),
    ]);
    let t = ms(ISSUED);
    let e = check(
        Policy::Chrome,
        90 * DAY_MS,
        &[sct(ids[0], t), sct(ids[1], t)],
        &logs,
    );
    assert!(e.compliant, "{:?}", e.reasons);
    assert!(reasons_mention(&e, "Qualified and not yet Usable"));
}

#[test]
fn log_without_state_never_counts() {
    let no_state = Spec {
        state: None,
        ..usable("A")
    };
    let (logs, ids) = build_list(&[no_state, usable("B")]);
    let t = ms(ISSUED);
    let e = check(
        Policy::Chrome,
        90 * DAY_MS,
        &[sct(ids[0], t), sct(ids[1], t)],
        &logs,
    );
    assert!(!e.compliant);
    assert!(reasons_mention(&e, "no state in the log list"));
}

#[test]
fn state_entered_after_time_of_check_is_inferred() {
    // The list records A as Rejected since 2026 and B as Usable since 2026.
    let (logs, ids) = build_list(&[
        in_state("A", "rejected", "2026-02-01T00:00:00Z"),
        in_state("B", "usable", "2026-02-01T00:00:00Z"),
        usable("C"),
    ]);
    let t = ms(ISSUED);

    // Judged in 2025, A was still Qualified or Usable.
    let e = check(
        Policy::Chrome,
        90 * DAY_MS,
        &[sct(ids[0], t), sct(ids[2], t)],
        &logs,
    );
    assert!(e.compliant, "{:?}", e.reasons);
    assert!(reasons_mention(&e, "assumed Qualified or Usable"));

    // Judged after the rejection, A no longer counts.
    let not_before = ms(ISSUED);
    let e = evaluate(
        Policy::Chrome,
        not_before,
        not_before + 90 * DAY_MS,
        &[sct(ids[0], t), sct(ids[2], t)],
        &logs,
        ms("2026-02-01T00:00:00Z"),
    );
    assert!(!e.compliant);

    // B had not yet become Usable in 2025.
    let e = check(
        Policy::Chrome,
        90 * DAY_MS,
        &[sct(ids[1], t), sct(ids[2], t)],
        &logs,
    );
    assert!(!e.compliant);
    assert!(reasons_mention(&e, "became Usable only at"));
}

// ---------------------------------------------------------------------------
// Chrome, certificates issued before 2022-04-15

#[test]
fn chrome_before_2022_needs_google_log() {
    let (logs, ids) = build_list(&[usable("Google"), usable("B"), usable("C")]);
    let not_before = ms("2021-06-01T00:00:00Z");
    let not_after = not_before + 364 * DAY_MS;
    let t = not_before;
    let now = not_before + DAY_MS;

    let e = evaluate(
        Policy::Chrome,
        not_before,
        not_after,
        &[sct(ids[1], t), sct(ids[2], t)],
        &logs,
        now,
    );
    assert_eq!(
        e.rule,
        "Chrome CT policy for certificates issued before 2022-04-15"
    );
    assert!(!e.compliant, "two non-Google logs");
    assert!(reasons_mention(&e, "no counted SCT is from a Google log"));

    let e = evaluate(
        Policy::Chrome,
        not_before,
        not_after,
        &[sct(ids[0], t), sct(ids[1], t)],
        &logs,
        now,
    );
    assert!(e.compliant, "{:?}", e.reasons);
    assert_eq!(e.required, 2, "less than 15 months needs 2");

    // Two non-Google SCTs taken on 2022-04-15 put a 90-day certificate under
    // the 2022 rules, which need no Google log.
    let t2022 = ms("2022-04-15T00:00:00Z");
    let e = evaluate(
        Policy::Chrome,
        t2022,
        t2022 + 90 * DAY_MS,
        &[sct(ids[1], t2022), sct(ids[2], t2022)],
        &logs,
        t2022 + DAY_MS,
    );
    assert_eq!(
        e.rule,
        "Chrome CT policy for certificates issued since 2022-04-15"
    );
    assert!(e.compliant, "{:?}", e.reasons);
    // An SCT one millisecond earlier makes it a pre-2022 certificate.
    let e = evaluate(
        Policy::Chrome,
        t2022,
        t2022 + 90 * DAY_MS,
        &[sct(ids[1], t2022 - 1), sct(ids[2], t2022)],
        &logs,
        t2022 + DAY_MS,
    );
    assert_eq!(
        e.rule,
        "Chrome CT policy for certificates issued before 2022-04-15"
    );
    assert!(!e.compliant);
    assert!(reasons_mention(&e, "no counted SCT is from a Google log"));
}

#[test]
fn chrome_before_2022_month_table() {
    let (logs, _) = build_list(&[usable("Google"), usable("B")]);
    let not_before = ms("2019-03-10T12:00:00Z");
    let cases = [
        ("2020-06-09T12:00:00Z", 2), // 14 months and part of a month
        ("2020-06-10T12:00:00Z", 3), // 15 months
        ("2021-06-10T00:00:00Z", 3), // 27 months
        ("2021-06-11T00:00:00Z", 4), // 27 months and part of a month
        ("2022-06-10T00:00:00Z", 4), // 39 months
        ("2022-06-11T00:00:00Z", 5), // 39 months and part of a month
    ];
    for (not_after, expected) in cases {
        let e = evaluate(
            Policy::Chrome,
            not_before,
            ms(not_after),
            &[],
            &logs,
            not_before,
        );
        assert_eq!(e.required, expected, "notAfter {not_after}");
        assert!(!e.compliant);
    }
}

// ---------------------------------------------------------------------------
// Apple

#[test]
fn apple_lifetime_boundary_counts_inclusive_days() {
    let (logs, ids) = build_list(&[usable("A"), usable("B"), usable("C")]);
    let t = ms(ISSUED);
    let two = [sct(ids[0], t), sct(ids[1], t)];

    // notBefore through notAfter inclusive: 180 days less a second is 180
    // days, exactly 180 days of difference is 181 days.
    for (lifetime, required) in [
        (179 * DAY_MS, 2),
        (180 * DAY_MS - SECOND_MS, 2),
        (180 * DAY_MS, 3),
        (181 * DAY_MS, 3),
    ] {
        let e = check(Policy::Apple, lifetime, &two, &logs);
        assert_eq!(e.required, required, "{lifetime} ms");
        assert_eq!(e.compliant, required == 2, "{lifetime} ms: {:?}", e.reasons);
        assert_eq!(
            e.rule,
            "Apple CT policy for certificates with notBefore since 2021-04-21"
        );
    }
    // Chrome, which uses notAfter - notBefore, differs at exactly 180 days.
    assert!(check(Policy::Chrome, 180 * DAY_MS, &two, &logs).compliant);
}

#[test]
fn apple_caps_sct_count_per_operator() {
    let (logs, ids) = build_list(&[usable("A"), usable("A"), usable("A"), usable("B")]);
    let t = ms(ISSUED);

    // Up to 180 days: 2 SCTs, at most 1 per operator.
    let e = check(
        Policy::Apple,
        90 * DAY_MS,
        &[sct(ids[0], t), sct(ids[1], t)],
        &logs,
    );
    assert!(!e.compliant);
    assert_eq!(e.counted, 1);
    assert!(reasons_mention(&e, "at most 1 per log operator"));

    // 181 to 398 days: 3 SCTs, at most 2 per operator.
    let e = check(
        Policy::Apple,
        300 * DAY_MS,
        &[sct(ids[0], t), sct(ids[1], t), sct(ids[2], t)],
        &logs,
    );
    assert!(!e.compliant);
    assert_eq!(e.counted, 2);
    let e = check(
        Policy::Apple,
        300 * DAY_MS,
        &[sct(ids[0], t), sct(ids[1], t), sct(ids[3], t)],
        &logs,
    );
    assert!(e.compliant, "{:?}", e.reasons);
    assert_eq!(e.counted, 3);
}

#[test]
fn apple_lifetime_beyond_398_days_fails() {
    let (logs, ids) = build_list(&[usable("A"), usable("B"), usable("C")]);
    let t = ms(ISSUED);
    let scts = [sct(ids[0], t), sct(ids[1], t), sct(ids[2], t)];
    assert!(check(Policy::Apple, 398 * DAY_MS - SECOND_MS, &scts, &logs).compliant);
    let e = check(Policy::Apple, 398 * DAY_MS, &scts, &logs);
    assert!(!e.compliant);
    assert!(reasons_mention(&e, "exceeds 398 days"), "{:?}", e.reasons);
}

#[test]
fn apple_before_2021_month_table() {
    let (logs, ids) = build_list(&[usable("A"), usable("A"), usable("A")]);
    let not_before = ms("2020-01-15T00:00:00Z");
    let run = |not_after: &str, n: usize| {
        let scts: Vec<_> = ids[..n].iter().map(|id| sct(*id, not_before)).collect();
        evaluate(
            Policy::Apple,
            not_before,
            ms(not_after),
            &scts,
            &logs,
            not_before + DAY_MS,
        )
    };
    let e = run("2021-01-15T00:00:00Z", 2);
    assert_eq!(
        e.rule,
        "Apple CT policy for certificates with notBefore before 2021-04-21"
    );
    assert!(e.compliant, "one operator is enough: {:?}", e.reasons);
    let e = run("2021-05-15T00:00:00Z", 2);
    assert_eq!(e.required, 3, "16 months");
    assert!(!e.compliant);
    assert!(run("2021-05-15T00:00:00Z", 3).compliant);
}

#[test]
fn apple_requires_an_rfc6962_log() {
    let (logs, ids) = build_list(&[tiled("A"), tiled("B"), usable("C")]);
    let t = ms(ISSUED);
    let e = check(
        Policy::Apple,
        90 * DAY_MS,
        &[sct(ids[0], t), sct(ids[1], t)],
        &logs,
    );
    assert!(!e.compliant);
    assert!(reasons_mention(&e, "Apple requires one"), "{:?}", e.reasons);
    assert!(
        check(
            Policy::Apple,
            90 * DAY_MS,
            &[sct(ids[0], t), sct(ids[2], t)],
            &logs
        )
        .compliant
    );
}

// ---------------------------------------------------------------------------
// Bad input

#[test]
fn no_scts_and_inverted_validity_fail() {
    let (logs, ids) = build_list(&[usable("A"), usable("B")]);
    let t = ms(ISSUED);
    for policy in [Policy::Chrome, Policy::Apple] {
        let e = check(policy, 90 * DAY_MS, &[], &logs);
        assert!(!e.compliant);
        assert_eq!(e.counted, 0);
        assert!(e.operators.is_empty());

        let scts = [sct(ids[0], t), sct(ids[1], t)];
        let e = evaluate(policy, t, t - 1, &scts, &logs, t + DAY_MS);
        assert!(!e.compliant, "{policy}");
        assert!(reasons_mention(&e, "notAfter is before its notBefore"));
        assert_eq!(select(policy, t, t - 1, &scts, &logs, t + DAY_MS), None);
    }
}

#[test]
fn extreme_times_do_not_panic() {
    let (logs, ids) = build_list(&[usable("A"), usable("B")]);
    let scts = [sct(ids[0], u64::MAX), sct(ids[1], 0)];
    for policy in [Policy::Chrome, Policy::Apple] {
        let e = evaluate(policy, 0, u64::MAX, &scts, &logs, u64::MAX);
        assert!(!e.compliant);
        let e = evaluate(policy, u64::MAX, u64::MAX, &scts, &logs, 0);
        assert!(!e.compliant);
        let _ = select(policy, 0, u64::MAX, &scts, &logs, u64::MAX);
    }
}

// ---------------------------------------------------------------------------
// select

#[test]
fn select_returns_smallest_set_preferring_earlier_entries() {
    let (logs, ids) = build_list(&[
        usable("A"),
        usable("A"),
        in_state("B", "pending", "2020-01-01T00:00:00Z"),
        usable("B"),
        usable("C"),
        usable("D"),
    ]);
    let t = ms(ISSUED);
    let not_before = t;
    let scts: Vec<_> = ids.iter().map(|id| sct(*id, t)).collect();
    let run = |policy, lifetime| {
        select(
            policy,
            not_before,
            not_before + lifetime,
            &scts,
            &logs,
            t + DAY_MS,
        )
    };

    // 90 days: two operators; 0 and 1 share operator A, 2 is pending.
    assert_eq!(run(Policy::Chrome, 90 * DAY_MS), Some(vec![0, 3]));
    assert_eq!(run(Policy::Apple, 90 * DAY_MS), Some(vec![0, 3]));
    // 300 days: three logs. Chrome accepts two of operator A; so does Apple,
    // whose cap is 2 per operator.
    assert_eq!(run(Policy::Chrome, 300 * DAY_MS), Some(vec![0, 1, 3]));
    assert_eq!(run(Policy::Apple, 300 * DAY_MS), Some(vec![0, 1, 3]));

    for policy in [Policy::Chrome, Policy::Apple] {
        for lifetime in [90 * DAY_MS, 300 * DAY_MS] {
            let chosen = run(policy, lifetime).unwrap();
            let subset: Vec<_> = chosen.iter().map(|i| scts[*i]).collect();
            let e = evaluate(
                policy,
                not_before,
                not_before + lifetime,
                &subset,
                &logs,
                t + DAY_MS,
            );
            assert!(e.compliant, "{policy} {lifetime}: {:?}", e.reasons);
            assert_eq!(chosen.len(), e.required);
        }
    }
}

#[test]
fn select_adds_a_witness_beyond_the_count() {
    // Two SCTs would meet the count, but the only RFC 6962 log is Retired
    // and the other operator's log is tiled: three are needed.
    let retired_at = "2025-09-01T00:00:00Z";
    let (logs, ids) = build_list(&[
        tiled("A"),
        in_state("A", "retired", retired_at),
        Spec {
            state: Some(("retired", retired_at)),
            ..tiled("B")
        },
    ]);
    let t = ms(ISSUED);
    let scts: Vec<_> = ids.iter().map(|id| sct(*id, t)).collect();
    let now = ms("2025-10-01T00:00:00Z");
    let chosen = select(Policy::Chrome, t, t + 90 * DAY_MS, &scts, &logs, now);
    assert_eq!(chosen, Some(vec![0, 1, 2]));
}

#[test]
fn select_returns_none_when_impossible() {
    let (logs, ids) = build_list(&[usable("A"), usable("A"), usable("A"), usable("B")]);
    let t = ms(ISSUED);
    let one_operator: Vec<_> = ids[..3].iter().map(|id| sct(*id, t)).collect();
    for policy in [Policy::Chrome, Policy::Apple] {
        assert_eq!(
            select(policy, t, t + 90 * DAY_MS, &one_operator, &logs, t + DAY_MS),
            None
        );
        assert_eq!(
            select(policy, t, t + 90 * DAY_MS, &[], &logs, t + DAY_MS),
            None
        );
    }
    // 300 days with two logs in all: too few.
    let two = [sct(ids[0], t), sct(ids[3], t)];
    assert_eq!(
        select(Policy::Chrome, t, t + 300 * DAY_MS, &two, &logs, t + DAY_MS),
        None
    );
}

#[test]
fn select_fast_on_many_scts() {
    let (logs, ids) = build_list(&[usable("A"); 20]);
    let t = ms(ISSUED);
    let scts: Vec<_> = ids.iter().map(|id| sct(*id, t)).collect();
    let start = Instant::now();
    assert_eq!(
        select(
            Policy::Chrome,
            t,
            t + 300 * DAY_MS,
            &scts,
            &logs,
            t + DAY_MS
        ),
        None
    );
    assert!(start.elapsed().as_secs() < 5, "took {:?}", start.elapsed());
}

// ---------------------------------------------------------------------------
// Real certificates

/// Validity and SCTs of a certificate in testdata/certs_embedded_sct.
fn real_certificate(name: &str) -> (u64, u64, Vec<SctCandidate>) {
    let pem = read(&format!("certs_embedded_sct/{name}.pem"));
    let der = read_blocks(&pem).unwrap().remove(0).der;
    let layout = CertificateLayout::parse(&der).unwrap();
    let scts = layout
        .sct_list
        .as_ref()
        .expect("the certificate embeds SCTs")
        .scts
        .iter()
        .map(|s| match s {
            SerializedSct::V1(s) => sct(s.log_id, s.timestamp),
            SerializedSct::Unknown { .. } => panic!("{name}: SCT of unknown version"),
        })
        .collect();
    (
        layout.not_before_ms().unwrap(),
        layout.not_after_ms().unwrap(),
        scts,
    )
}

/// Certificates whose SCTs all verify (testdata/MANIFEST.md) and whose logs
/// were trusted by Chrome when the certificate was issued, judged with the
/// bundled list a day after notBefore.
///
/// * 2016 github.com: Pilot and Aviator (Google) and DigiCert Log Server,
///   all in Chrome's list in 2016; 26 months and part of a month needs 3
///   SCTs and a Google and a non-Google log under the pre-2022 rules.
/// * 2022 mail.recaap.org: Xenon2023, Nessie2023 and Oak2023 are three
///   operators' 2023 shards, which contain the 2023 notAfter.
/// * 2023 crates.io: Argon2024 (Google), Nessie2024 and Yeti2024 (DigiCert),
///   two operators for a 13-month certificate.
/// * 2025 aws.amazon.com: Xenon2026h2 (Google), Wyvern2026h2 and
///   Sphinx2026h2 (DigiCert), Usable since before November 2025.
/// * 2025 geomys.org: a 90-day certificate with Sectigo's RFC 6962
///   Elephant2026h1 and IPng's static-ct-api Gouda2026h1.
const COMPLIANT: [(&str, &str); 5] = [
    (
        "2016_github-com_digicert-ev_3scts",
        "Chrome CT policy for certificates issued before 2022-04-15",
    ),
    (
        "2022_digicert-ev_3scts",
        "Chrome CT policy for certificates issued since 2022-04-15",
    ),
    (
        "2023_crates-io_amazon-rsa2048-m02_3scts",
        "Chrome CT policy for certificates issued since 2022-04-15",
    ),
    (
        "2025_aws-amazon-com_amazon-rsa2048-m04_3scts",
        "Chrome CT policy for certificates issued since 2022-04-15",
    ),
    (
        "2025_geomys-org_le-e7_2scts_leafindex",
        "Chrome CT policy for certificates issued since 2022-04-15",
    ),
];

#[test]
fn real_certificates_comply_with_chrome_policy() {
    let logs = LogList::bundled();
    for (name, rule) in COMPLIANT {
        let (not_before, not_after, scts) = real_certificate(name);
        let now = not_before + DAY_MS;
        let e = evaluate(Policy::Chrome, not_before, not_after, &scts, &logs, now);
        assert!(e.compliant, "{name}: {:?}", e.reasons);
        assert_eq!(e.rule, rule, "{name}");
        assert_eq!(e.counted, scts.len(), "{name}: every SCT counts");
        assert!(e.operators.len() >= 2, "{name}: {:?}", e.operators);

        let chosen = select(Policy::Chrome, not_before, not_after, &scts, &logs, now).unwrap();
        assert_eq!(chosen.len(), e.required, "{name}");
    }
}

/// The same certificates under Apple's policy, with Google's list standing in
/// for Apple's, which lists the same logs with its own states. The 2016
/// certificate falls under Apple's month table: 3 SCTs and no operator limit.
/// The three-SCT certificates of 2022 to 2025 last 181 to 398 days, so they
/// need 3 SCTs with at most 2 per operator, and the two DigiCert SCTs of the
/// crates.io and aws.amazon.com certificates both count. The 90-day
/// geomys.org certificate needs 2 operators.
#[test]
fn real_certificates_comply_with_apple_policy() {
    let logs = LogList::bundled();
    for (name, _) in COMPLIANT {
        let (not_before, not_after, scts) = real_certificate(name);
        let now = not_before + DAY_MS;
        let e = evaluate(Policy::Apple, not_before, not_after, &scts, &logs, now);
        assert!(e.compliant, "{name}: {:?}", e.reasons);
        assert_eq!(e.counted, scts.len(), "{name}");
        let expected_rule = if not_before < ms("2021-04-21T00:00:00Z") {
            "Apple CT policy for certificates with notBefore before 2021-04-21"
        } else {
            "Apple CT policy for certificates with notBefore since 2021-04-21"
        };
        assert_eq!(e.rule, expected_rule, "{name}");
    }
}

#[test]
fn real_certificate_judged_today_is_not_compliant() {
    // The 2023 crates.io certificate's logs were Rejected in 2025 after their
    // shards expired, so the same SCTs no longer count.
    let logs = LogList::bundled();
    let (not_before, not_after, scts) = real_certificate("2023_crates-io_amazon-rsa2048-m02_3scts");
    let e = evaluate(
        Policy::Chrome,
        not_before,
        not_after,
        &scts,
        &logs,
        ms("2025-12-13T00:00:00Z"),
    );
    assert!(!e.compliant);
    assert_eq!(e.counted, 0);
    assert!(
        reasons_mention(&e, "the log was Rejected"),
        "{:?}",
        e.reasons
    );
}

#[test]
fn real_certificate_with_unknown_and_test_log_fails() {
    // Let's Encrypt staging: one SCT from a log in no Google list and one from
    // Geomys Navigli2025h2, a test log without a state.
    let logs = LogList::bundled();
    let (not_before, not_after, scts) =
        real_certificate("2025_staging-harderradiofmjump_le-staging-e6_2scts_leafindex_unknownlog");
    let e = evaluate(
        Policy::Chrome,
        not_before,
        not_after,
        &scts,
        &logs,
        not_before + DAY_MS,
    );
    assert!(!e.compliant);
    assert_eq!(e.counted, 0);
    assert!(
        reasons_mention(&e, "is not in the log list"),
        "{:?}",
        e.reasons
    );
    assert!(
        reasons_mention(&e, "no state in the log list"),
        "{:?}",
        e.reasons
    );
    assert_eq!(
        select(
            Policy::Chrome,
            not_before,
            not_after,
            &scts,
            &logs,
            not_before + DAY_MS
        ),
        None
    );
}
