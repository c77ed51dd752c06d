//! CT policies: which sets of embedded SCTs make a certificate CT compliant
//! in Chrome and on Apple platforms.
//!
//! [`evaluate`] judges SCTs that the caller has already verified, and
//! [`select`] picks a smallest compliant subset of them, as an issuing CA
//! needs before it embeds SCTs. Both are pure functions: the log list and the
//! time of check are arguments, so an old certificate can be judged at a time
//! when it was valid. The rules are those for embedded SCTs. For SCTs
//! delivered by TLS or OCSP, which need two whatever the lifetime, `ctkit
//! verify` passes a one-day lifetime so that the same operator, state and
//! RFC 6962 rules apply with that count.
//!
//! # Rule sets
//!
//! | rule set | applies when | requirements for the counted SCTs |
//! |---|---|---|
//! | Chrome, since 2022-04-15 | earliest SCT on or after 2022-04-15T00:00:00Z | one from a log Qualified, Usable or ReadOnly at the time of check; 2 distinct logs for a lifetime of at most 180 days, 3 above; at least 2 log operators; one from an RFC 6962 (not static-ct-api) log |
//! | Chrome, before 2022-04-15 | earliest SCT before that | one from a log Qualified, Usable or ReadOnly at the time of check; one from a Google log and one from a non-Google log; 2, 3, 4 or 5 distinct logs for less than 15, 15 to 27, 27 to 39 and over 39 months |
//! | Apple, since 2021-04-21 | notBefore on or after 2021-04-21T00:00:00Z | one from a currently approved log; 2 distinct logs with at most 1 per operator counted for 180 days or less, 3 with at most 2 per operator for 181 to 398 days; one from an RFC 6962 log |
//! | Apple, before 2021-04-21 | notBefore before that | one from a currently approved log; 2, 3, 4 or 5 distinct logs by the same month table as Chrome's older one |
//!
//! An SCT counts when its log is in the list and the log's temporal interval
//! contains the certificate's notAfter. The log must also have been
//! Qualified, Usable or ReadOnly at the time of check, or Retired with both
//! this SCT and the certificate's issuance before the retirement. Chrome
//! takes the issuance time to be the earliest SCT from a log that is not
//! Retired, because notBefore can be backdated. Only one SCT per log counts.
//!
//! Lifetimes: Chrome compares notAfter - notBefore with 180 days of 86,400 s,
//! and its older table uses whole calendar months, with a partial month
//! rounding up only at 27 and 39 months (Chromium's
//! `chrome_ct_policy_enforcer.cc`). Apple counts notBefore through notAfter
//! inclusive, as RFC 5280 4.1.2.5 defines the validity period, so one second
//! is added, and every started 86,400 s is a day.
//!
//! # Sources
//!
//! * Chrome CT Policy,
//!   <https://googlechrome.github.io/CertificateTransparency/ct_policy.html>.
//!   The version with the "issued on-or-after 15 April 2022" and "before 15
//!   April 2022" sections gives both Chrome rule sets. The 2022 change was
//!   announced on 2022-02-10 in
//!   <https://groups.google.com/a/chromium.org/g/ct-policy/c/507lPdbbwSk>.
//!   The RFC 6962 requirement was added when Chrome 134 (released
//!   2025-03-04) began accepting static-ct-api logs, announced on 2025-02-28
//!   in <https://groups.google.com/a/chromium.org/g/ct-policy/c/HBFZHG0TCsY>.
//! * CT Log Lifecycle,
//!   <https://googlechrome.github.io/CertificateTransparency/log_states.html>:
//!   which states count, and that Qualified, Usable and ReadOnly logs turn
//!   Rejected once all their certificates have expired.
//! * Apple's Certificate Transparency policy,
//!   <https://support.apple.com/en-us/103214>, for the current table, the
//!   per-operator maximum, the RFC 6962 requirement and the day count. Its
//!   earlier revision, <https://support.apple.com/en-gb/HT205280>, gives the
//!   2021-04-21 split and the month table for older certificates. The change
//!   was announced on 2021-02-11 in
//!   <https://groups.google.com/a/chromium.org/g/ct-policy/c/22R_wrH9WzE>.
//! * The v3 log list schema describes `temporal_interval` as the range of
//!   notAfter dates a log accepts.
//!
//! NOTE: gaps between these texts and this module:
//!
//! * A ct-policy thread from late 2025
//!   (<https://groups.google.com/a/chromium.org/g/ct-policy/c/amrnTiDFdwM>)
//!   announces that Chrome will stop requiring an SCT from an RFC 6962 log.
//!   Its date of effect could not be read, and the newest policy text read
//!   still has the requirement, so it is enforced at every time of check.
//!   Chrome accepted no static-ct-api log before Chrome 134, so the rule
//!   changes nothing for older certificates. Apple's page does not date its
//!   RFC 6962 rule either, and it is enforced for all certificates too.
//! * Neither policy text says that an SCT from a log whose temporal interval
//!   excludes the certificate does not count. It is enforced because such a
//!   log should never have issued the SCT.
//! * Apple defines "once-approved" and "currently approved" in its log
//!   program (<https://support.apple.com/103703>), whose definitions could
//!   not be read. They are mapped to Chrome's states: currently approved is
//!   Qualified, Usable or ReadOnly, and once-approved is Retired with the SCT
//!   before the retirement.
//! * Apple's 2021 announcement says the operator limit was at first not
//!   enforced by its clients. It is enforced here, as the policy page states
//!   it.
//! * Chrome takes an SCT's operator from `previous_operators` when the log
//!   changed operators. [`LogList`] does not parse that field, so the current
//!   operator is used.
//! * Chrome stops enforcing CT when its log list is older than 70 days. That
//!   decides whether CT is enforced at all, not compliance, so it is not
//!   checked here.
//!
//! # Log states at a past time of check
//!
//! A v3 log list records only each log's latest state and when it began.
//! When that time is after the time of check, the earlier state is inferred
//! from the lifecycle. A log now ReadOnly, Retired or Rejected is assumed to
//! have been Qualified or Usable, and a log now Pending, Qualified or Usable
//! is assumed not yet to have counted. Each inference adds a note to
//! [`Evaluation::reasons`].
//!
//! NOTE: the inference is wrong for a log whose application was Rejected
//! while Pending, and for SCTs from a log that was Qualified before it became
//! Usable, because the list records neither. Judging with a list published
//! near the time of check avoids both.

use std::fmt;

use time::OffsetDateTime;

use crate::loglist::{Log, LogList};
use crate::sct::{LogId, format_timestamp};

/// One day of 86,400 s, in milliseconds.
const DAY_MS: u64 = 86_400_000;

/// 2022-04-15T00:00:00Z, from which Chrome's 2022 rules apply.
const CHROME_2022_MS: u64 = 1_649_980_800_000;

/// 2021-04-21T00:00:00Z, from which Apple's day-based table applies.
const APPLE_2021_MS: u64 = 1_618_963_200_000;

/// The maximum lifetime in Apple's current table, in days.
const APPLE_MAX_DAYS: u64 = 398;

/// The largest subset [`select`] tries. A compliant set always contains a
/// compliant subset of at most the required count (5 at most) plus three
/// witnesses. One is the earliest SCT from a log that is not Retired, which
/// fixes the issuance time. The other two meet the operator and RFC 6962
/// requirements, or Chrome's older Google and non-Google requirements.
const MAX_SELECTION: usize = 8;

/// A CT policy of a user agent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Policy {
    Chrome,
    Apple,
}

impl fmt::Display for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Policy::Chrome => "Chrome",
            Policy::Apple => "Apple",
        })
    }
}

/// One SCT to judge, already verified by the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SctCandidate {
    pub log_id: LogId,
    /// Milliseconds since the Unix epoch.
    pub timestamp_ms: u64,
}

/// The verdict on a set of SCTs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    pub compliant: bool,
    /// SCTs from distinct logs that the certificate's lifetime needs.
    pub required: usize,
    /// SCTs that count towards `required`: one per log, and for Apple at most
    /// the per-operator maximum from each operator.
    pub counted: usize,
    /// Distinct operators among the counted SCTs, in the order given.
    pub operators: Vec<String>,
    /// Failed requirements first, then the SCTs that do not count and notes
    /// on inferred log states. SCTs are numbered from 1 in the order given.
    pub reasons: Vec<String>,
    /// The dated rule set that applied.
    pub rule: &'static str,
}

/// Judges a set of SCTs for a certificate with this validity, at time
/// `now_ms`, using the log list for operators and states.
///
/// Times are milliseconds since the Unix epoch.
pub fn evaluate(
    policy: Policy,
    not_before_ms: u64,
    not_after_ms: u64,
    scts: &[SctCandidate],
    logs: &LogList,
    now_ms: u64,
) -> Evaluation {
    let context = Context::new(policy, not_before_ms, not_after_ms);
    let judged: Vec<Judged<'_>> = scts
        .iter()
        .enumerate()
        .map(|(index, sct)| judge(index, *sct, logs, not_after_ms, now_ms))
        .collect();
    let members: Vec<Member<'_>> = judged.iter().filter_map(Judged::member).collect();
    let tally = context.tally(&members, None);
    let failures = context.failures(&tally);

    let mut reasons: Vec<String> = failures
        .iter()
        .map(|failure| context.explain(*failure, &tally, &members))
        .collect();
    for sct in &judged {
        if let Eligibility::Excluded(reason) = &sct.eligibility {
            reasons.push(reason.clone());
        }
        reasons.extend(sct.notes.iter().cloned());
    }
    for position in &tally.duplicates {
        if let Some(member) = members.get(*position) {
            reasons.push(format!(
                "SCT {} ({}) is not counted: another SCT from the same log already counts",
                member.index + 1,
                member.description
            ));
        }
    }
    for position in &tally.after_retirement {
        if let Some(member) = members.get(*position) {
            reasons.push(context.explain_retired(member, &tally));
        }
    }

    Evaluation {
        compliant: failures.is_empty(),
        required: context.requirement(tally.rule).count,
        counted: tally.counted_toward_requirement,
        operators: tally
            .operators
            .iter()
            .map(|(name, _)| name.to_string())
            .collect(),
        reasons,
        rule: tally.rule.name(),
    }
}

/// Chooses a smallest subset (indices into `scts`) that complies, preferring
/// earlier entries on ties; `None` when no subset complies.
///
/// Only the first SCT of each log is considered, and subsets of at most 8
/// SCTs, which is enough for every rule set. The search tries subsets in
/// order of size, so its cost grows with the binomial coefficient of the
/// number of usable SCTs and the size of the result.
pub fn select(
    policy: Policy,
    not_before_ms: u64,
    not_after_ms: u64,
    scts: &[SctCandidate],
    logs: &LogList,
    now_ms: u64,
) -> Option<Vec<usize>> {
    if not_after_ms < not_before_ms {
        return None;
    }
    let context = Context::new(policy, not_before_ms, not_after_ms);
    let judged: Vec<Judged<'_>> = scts
        .iter()
        .enumerate()
        .map(|(index, sct)| judge(index, *sct, logs, not_after_ms, now_ms))
        .collect();

    let mut pool: Vec<Member<'_>> = Vec::new();
    for member in judged.iter().filter_map(Judged::member) {
        if pool.iter().all(|m| m.log_id != member.log_id) {
            pool.push(member);
        }
    }

    // For a fixed rule set, adding SCTs never loses compliance: the counts can
    // only grow, and an earlier issuance time only lets more Retired logs
    // count. So a pool that fails under every rule set has no compliant subset.
    let possible = context.rule_sets().iter().any(|rule| {
        context
            .failures(&context.tally(&pool, Some(*rule)))
            .is_empty()
    });
    if !possible {
        return None;
    }

    let largest = pool.len().min(MAX_SELECTION);
    let mut subset: Vec<Member<'_>> = Vec::with_capacity(largest);
    for size in 1..=largest {
        let mut positions: Vec<usize> = (0..size).collect();
        loop {
            subset.clear();
            subset.extend(positions.iter().filter_map(|p| pool.get(*p)).copied());
            if context.failures(&context.tally(&subset, None)).is_empty() {
                return Some(subset.iter().map(|m| m.index).collect());
            }
            if !next_combination(&mut positions, pool.len()) {
                break;
            }
        }
    }
    None
}

/// Advances `positions` to the next `positions.len()`-element combination of
/// `0..n` in lexicographic order; false after the last one.
fn next_combination(positions: &mut [usize], n: usize) -> bool {
    let size = positions.len();
    for i in (0..size).rev() {
        let limit = n.saturating_sub(size) + i;
        let Some(&value) = positions.get(i) else {
            return false;
        };
        if value < limit {
            for (next, slot) in (value + 1..).zip(positions.iter_mut().skip(i)) {
                *slot = next;
            }
            return true;
        }
    }
    false
}

/// A dated set of rules of one policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RuleSet {
    Chrome2022,
    ChromeBefore2022,
    Apple2021,
    AppleBefore2021,
}

impl RuleSet {
    fn name(self) -> &'static str {
        match self {
            RuleSet::Chrome2022 => "Chrome CT policy for certificates issued since 2022-04-15",
            RuleSet::ChromeBefore2022 => {
                "Chrome CT policy for certificates issued before 2022-04-15"
            }
            RuleSet::Apple2021 => {
                "Apple CT policy for certificates with notBefore since 2021-04-21"
            }
            RuleSet::AppleBefore2021 => {
                "Apple CT policy for certificates with notBefore before 2021-04-21"
            }
        }
    }
}

/// The SCTs that a rule set requires for the certificate's lifetime.
#[derive(Debug)]
struct Requirement {
    /// SCTs from distinct logs.
    count: usize,
    /// At most this many SCTs of one operator count (Apple since 2021).
    per_operator_max: Option<usize>,
    /// The lifetime as the rule set measures it, for messages.
    lifetime: String,
    /// The lifetime is longer than the rule set's table covers.
    beyond_table: bool,
}

/// A requirement of a rule set that a set of SCTs fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Failure {
    ValidityInverted,
    BeyondTable,
    TooFew,
    NoCurrentLog,
    OneOperator,
    NoRfc6962Log,
    NoGoogleLog,
    NoNonGoogleLog,
}

/// The state of an SCT's log at the time of check, as far as it matters.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Eligibility {
    /// Qualified, Usable or ReadOnly.
    Current,
    /// Retired, or disqualified in a v1 list, since this time.
    Retired { since_ms: u64 },
    /// Never counts, for the reason given.
    Excluded(String),
}

/// One SCT with its log and eligibility.
struct Judged<'a> {
    index: usize,
    timestamp_ms: u64,
    log: Option<&'a Log>,
    eligibility: Eligibility,
    /// Remarks that do not stop the SCT from counting.
    notes: Vec<String>,
}

impl<'a> Judged<'a> {
    /// Converts the SCT into a member of a set to count, unless it can never
    /// count.
    fn member(&self) -> Option<Member<'a>> {
        let log = self.log?;
        let retired_since_ms = match self.eligibility {
            Eligibility::Current => None,
            Eligibility::Retired { since_ms } => Some(since_ms),
            Eligibility::Excluded(_) => return None,
        };
        Some(Member {
            index: self.index,
            log_id: log.log_id,
            description: &log.description,
            operator: &log.operator,
            tiled: log.tiled,
            timestamp_ms: self.timestamp_ms,
            retired_since_ms,
        })
    }
}

/// An SCT that can count, reduced to what the rules look at.
#[derive(Debug, Clone, Copy)]
struct Member<'a> {
    /// Index into the caller's SCTs.
    index: usize,
    log_id: LogId,
    description: &'a str,
    operator: &'a str,
    tiled: bool,
    timestamp_ms: u64,
    /// `None` when the log was Qualified, Usable or ReadOnly.
    retired_since_ms: Option<u64>,
}

/// The totals of a set of members under one rule set.
struct Tally<'a> {
    rule: RuleSet,
    issuance_ms: u64,
    /// Positions in the member slice of the SCTs that count, one per log.
    counted: Vec<usize>,
    /// Positions of SCTs whose log already has a counted SCT.
    duplicates: Vec<usize>,
    /// Positions of SCTs from Retired logs that do not count.
    after_retirement: Vec<usize>,
    counted_toward_requirement: usize,
    /// Operators of the counted SCTs with their number of counted SCTs.
    operators: Vec<(&'a str, usize)>,
    has_current_log: bool,
    has_rfc6962_log: bool,
    has_google_log: bool,
    has_non_google_log: bool,
}

/// A policy applied to one certificate's validity.
struct Context {
    policy: Policy,
    not_before_ms: u64,
    validity_inverted: bool,
    /// The requirements of the policy's two rule sets, newer first.
    requirements: [(RuleSet, Requirement); 2],
}

impl Context {
    fn new(policy: Policy, not_before_ms: u64, not_after_ms: u64) -> Context {
        let span_ms = not_after_ms.saturating_sub(not_before_ms);
        let requirements = match policy {
            Policy::Chrome => [
                (RuleSet::Chrome2022, chrome_2022_requirement(span_ms)),
                (
                    RuleSet::ChromeBefore2022,
                    month_table_requirement(not_before_ms, not_after_ms),
                ),
            ],
            Policy::Apple => [
                (RuleSet::Apple2021, apple_2021_requirement(span_ms)),
                (
                    RuleSet::AppleBefore2021,
                    month_table_requirement(not_before_ms, not_after_ms),
                ),
            ],
        };
        Context {
            policy,
            not_before_ms,
            validity_inverted: not_after_ms < not_before_ms,
            requirements,
        }
    }

    fn rule_sets(&self) -> [RuleSet; 2] {
        let [(newer, _), (older, _)] = &self.requirements;
        [*newer, *older]
    }

    fn requirement(&self, rule: RuleSet) -> &Requirement {
        let [(newer, newer_requirement), (_, older_requirement)] = &self.requirements;
        if *newer == rule {
            newer_requirement
        } else {
            older_requirement
        }
    }

    /// Counts `members` under `forced`, or under the rule set their issuance
    /// time selects.
    fn tally<'a>(&self, members: &[Member<'a>], forced: Option<RuleSet>) -> Tally<'a> {
        // Chrome: the earliest SCT from a log that is not Retired, falling back
        // to any SCT, then to notBefore, when there is none.
        let issuance_ms = members
            .iter()
            .filter(|m| m.retired_since_ms.is_none())
            .map(|m| m.timestamp_ms)
            .min()
            .or_else(|| members.iter().map(|m| m.timestamp_ms).min())
            .unwrap_or(self.not_before_ms);
        let rule = forced.unwrap_or(match self.policy {
            Policy::Chrome if issuance_ms >= CHROME_2022_MS => RuleSet::Chrome2022,
            Policy::Chrome => RuleSet::ChromeBefore2022,
            Policy::Apple if self.not_before_ms >= APPLE_2021_MS => RuleSet::Apple2021,
            Policy::Apple => RuleSet::AppleBefore2021,
        });

        let mut tally = Tally {
            rule,
            issuance_ms,
            counted: Vec::new(),
            duplicates: Vec::new(),
            after_retirement: Vec::new(),
            counted_toward_requirement: 0,
            operators: Vec::new(),
            has_current_log: false,
            has_rfc6962_log: false,
            has_google_log: false,
            has_non_google_log: false,
        };
        let mut counted_logs: Vec<LogId> = Vec::new();
        for (position, member) in members.iter().enumerate() {
            if counted_logs.contains(&member.log_id) {
                tally.duplicates.push(position);
                continue;
            }
            let counts = match member.retired_since_ms {
                None => true,
                Some(since_ms) => issuance_ms < since_ms && member.timestamp_ms < since_ms,
            };
            if !counts {
                tally.after_retirement.push(position);
                continue;
            }
            counted_logs.push(member.log_id);
            tally.counted.push(position);
            tally.has_current_log |= member.retired_since_ms.is_none();
            tally.has_rfc6962_log |= !member.tiled;
            if member.operator.eq_ignore_ascii_case("Google") {
                tally.has_google_log = true;
            } else {
                tally.has_non_google_log = true;
            }
            match tally
                .operators
                .iter_mut()
                .find(|(name, _)| *name == member.operator)
            {
                Some((_, count)) => *count += 1,
                None => tally.operators.push((member.operator, 1)),
            }
        }

        tally.counted_toward_requirement = match self.requirement(rule).per_operator_max {
            Some(max) => tally
                .operators
                .iter()
                .map(|(_, count)| (*count).min(max))
                .sum(),
            None => tally.counted.len(),
        };
        tally
    }

    /// Lists the requirements of the tally's rule set that it fails.
    fn failures(&self, tally: &Tally<'_>) -> Vec<Failure> {
        let requirement = self.requirement(tally.rule);
        let mut failures = Vec::new();
        if self.validity_inverted {
            failures.push(Failure::ValidityInverted);
        }
        if requirement.beyond_table {
            failures.push(Failure::BeyondTable);
        }
        if !tally.has_current_log {
            failures.push(Failure::NoCurrentLog);
        }
        if tally.counted_toward_requirement < requirement.count {
            failures.push(Failure::TooFew);
        }
        match tally.rule {
            RuleSet::Chrome2022 => {
                if tally.operators.len() < 2 {
                    failures.push(Failure::OneOperator);
                }
                if !tally.has_rfc6962_log {
                    failures.push(Failure::NoRfc6962Log);
                }
            }
            RuleSet::ChromeBefore2022 => {
                if !tally.has_google_log {
                    failures.push(Failure::NoGoogleLog);
                }
                if !tally.has_non_google_log {
                    failures.push(Failure::NoNonGoogleLog);
                }
            }
            RuleSet::Apple2021 => {
                if !tally.has_rfc6962_log {
                    failures.push(Failure::NoRfc6962Log);
                }
            }
            RuleSet::AppleBefore2021 => {}
        }
        failures
    }

    fn explain(&self, failure: Failure, tally: &Tally<'_>, members: &[Member<'_>]) -> String {
        let requirement = self.requirement(tally.rule);
        match failure {
            Failure::ValidityInverted => {
                "the certificate's notAfter is before its notBefore".to_owned()
            }
            Failure::BeyondTable => format!(
                "a lifetime of {} exceeds {APPLE_MAX_DAYS} days, the longest in Apple's table",
                requirement.lifetime
            ),
            Failure::TooFew => {
                let per_operator = match requirement.per_operator_max {
                    Some(max) => format!(", counting at most {max} per log operator,"),
                    None => String::new(),
                };
                format!(
                    "a lifetime of {} needs {} SCTs from distinct logs{per_operator} but {} count{}",
                    requirement.lifetime,
                    requirement.count,
                    tally.counted_toward_requirement,
                    list_counted(tally, members),
                )
            }
            Failure::NoCurrentLog => format!(
                "no counted SCT is from a log that was Qualified, Usable or ReadOnly at the \
                 time of check{}",
                list_counted(tally, members)
            ),
            Failure::OneOperator => match tally.operators.first() {
                Some((name, _)) => format!(
                    "all counted SCTs are from logs of one operator, {name}, but at least 2 \
                     operators are required"
                ),
                None => "no counted SCTs, but SCTs from at least 2 log operators are required"
                    .to_owned(),
            },
            Failure::NoRfc6962Log => format!(
                "no counted SCT is from an RFC 6962 log, and {} requires one besides \
                 static-ct-api (tiled) logs",
                self.policy
            ),
            Failure::NoGoogleLog => format!(
                "no counted SCT is from a Google log, which Chrome requires for certificates \
                 issued before 2022-04-15 (issued {})",
                format_timestamp(tally.issuance_ms)
            ),
            Failure::NoNonGoogleLog => format!(
                "no counted SCT is from a log not operated by Google, which Chrome requires for \
                 certificates issued before 2022-04-15 (issued {})",
                format_timestamp(tally.issuance_ms)
            ),
        }
    }

    fn explain_retired(&self, member: &Member<'_>, tally: &Tally<'_>) -> String {
        let since_ms = member.retired_since_ms.unwrap_or(0);
        let number = member.index + 1;
        if member.timestamp_ms >= since_ms {
            format!(
                "SCT {number} ({}) is not counted: its timestamp {} is not before the log's \
                 retirement at {}",
                member.description,
                format_timestamp(member.timestamp_ms),
                format_timestamp(since_ms)
            )
        } else {
            format!(
                "SCT {number} ({}) is not counted: the certificate was issued at {} (its \
                 earliest SCT from a log that is not Retired), not before the log's retirement \
                 at {}",
                member.description,
                format_timestamp(tally.issuance_ms),
                format_timestamp(since_ms)
            )
        }
    }
}

/// Names the counted logs for a message, or returns "" when none count.
fn list_counted(tally: &Tally<'_>, members: &[Member<'_>]) -> String {
    let names: Vec<&str> = tally
        .counted
        .iter()
        .filter_map(|position| members.get(*position))
        .map(|member| member.description)
        .collect();
    if names.is_empty() {
        String::new()
    } else {
        format!(" (counted: {})", names.join(", "))
    }
}

/// Chrome since 2022-04-15: 2 SCTs up to 180 days of notAfter - notBefore,
/// 3 beyond.
fn chrome_2022_requirement(span_ms: u64) -> Requirement {
    let limit_ms = 180 * DAY_MS;
    let (count, comparison) = if span_ms > limit_ms {
        (3, "more than 180 days")
    } else {
        (2, "at most 180 days")
    };
    Requirement {
        count,
        per_operator_max: None,
        lifetime: format!(
            "{} (notAfter - notBefore, {comparison})",
            describe_span(span_ms)
        ),
        beyond_table: false,
    }
}

/// Apple since 2021-04-21, counting notBefore through notAfter inclusive in
/// started days of 86,400 s.
fn apple_2021_requirement(span_ms: u64) -> Requirement {
    // NOTE: the added second follows Apple's reference to RFC 5280's
    // "inclusive" period; Apple's page gives no example to confirm it.
    let days = span_ms.saturating_add(1000).div_ceil(DAY_MS);
    let (count, per_operator_max) = if days <= 180 { (2, 1) } else { (3, 2) };
    Requirement {
        count,
        per_operator_max: Some(per_operator_max),
        lifetime: format!("{days} days (notBefore through notAfter, inclusive)"),
        beyond_table: days > APPLE_MAX_DAYS,
    }
}

/// Computes the requirement of the month table of Chrome before 2022-04-15
/// and of Apple before 2021-04-21: 2 SCTs below 15 months, 3 up to 27, 4 up
/// to 39, 5 beyond.
///
/// NOTE: Apple's table gives "15 to 27" and "27 to 39 months" without stating
/// which end is included, so Chrome's boundaries are used for both.
fn month_table_requirement(not_before_ms: u64, not_after_ms: u64) -> Requirement {
    let Some((months, partial)) = month_difference(not_before_ms, not_after_ms) else {
        return Requirement {
            count: 5,
            per_operator_max: None,
            lifetime: "a validity outside the calendar's range".to_owned(),
            beyond_table: false,
        };
    };
    let count = if months > 39 || (months == 39 && partial) {
        5
    } else if months > 27 || (months == 27 && partial) {
        4
    } else if months >= 15 {
        3
    } else {
        2
    };
    let part = if partial { " and part of a month" } else { "" };
    Requirement {
        count,
        per_operator_max: None,
        lifetime: format!("{months} whole months{part}"),
        beyond_table: false,
    }
}

/// Whole calendar months from `start_ms` to `end_ms`, and whether a part of a
/// month remains, comparing only the day of the month as Chromium did.
fn month_difference(start_ms: u64, end_ms: u64) -> Option<(u32, bool)> {
    let start = to_datetime(start_ms)?;
    let end = to_datetime(end_ms)?;
    if end < start {
        return Some((0, false));
    }
    let mut months = (end.year() - start.year()) * 12 + i32::from(u8::from(end.month()))
        - i32::from(u8::from(start.month()));
    let mut partial = true;
    if end.day() < start.day() {
        months -= 1;
    } else if end.day() == start.day() {
        partial = false;
    }
    Some((u32::try_from(months).ok()?, partial))
}

fn to_datetime(ms: u64) -> Option<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).ok()
}

/// Formats a duration as days and leftover seconds.
fn describe_span(span_ms: u64) -> String {
    let days = span_ms / DAY_MS;
    let seconds = (span_ms % DAY_MS) / 1000;
    if seconds == 0 {
        format!("{days} days")
    } else {
        format!("{days} days and {seconds} s")
    }
}

/// Looks up an SCT's log and decides whether it can count.
fn judge<'a>(
    index: usize,
    sct: SctCandidate,
    logs: &'a LogList,
    not_after_ms: u64,
    now_ms: u64,
) -> Judged<'a> {
    let number = index + 1;
    let mut notes = Vec::new();
    let Some(log) = logs.find(&sct.log_id) else {
        return Judged {
            index,
            timestamp_ms: sct.timestamp_ms,
            log: None,
            eligibility: Eligibility::Excluded(format!(
                "SCT {number} is not counted: its log {} is not in the log list",
                sct.log_id
            )),
            notes,
        };
    };
    let name = &log.description;

    let eligibility = if let Some(interval) = &log.temporal_interval {
        match log.in_temporal_interval(not_after_ms) {
            Some(true) => None,
            Some(false) => Some(Eligibility::Excluded(format!(
                "SCT {number} ({name}) is not counted: the certificate's notAfter {} is outside \
                 the log's temporal interval from {} to {} (exclusive)",
                format_timestamp(not_after_ms),
                interval.start_inclusive,
                interval.end_exclusive
            ))),
            None => Some(Eligibility::Excluded(format!(
                "SCT {number} ({name}) is not counted: the log's temporal interval from {:?} to \
                 {:?} is not valid RFC 3339",
                interval.start_inclusive, interval.end_exclusive
            ))),
        }
    } else {
        None
    };
    let eligibility =
        eligibility.unwrap_or_else(|| eligibility_at(log, number, now_ms, &mut notes));

    Judged {
        index,
        timestamp_ms: sct.timestamp_ms,
        log: Some(log),
        eligibility,
        notes,
    }
}

/// Decides the log's eligibility at `now_ms`, inferring it as the module
/// documentation describes when the list's state began later.
fn eligibility_at(log: &Log, number: usize, now_ms: u64, notes: &mut Vec<String>) -> Eligibility {
    let name = &log.description;
    let Some(state) = &log.state else {
        return Eligibility::Excluded(format!(
            "SCT {number} ({name}) is not counted: the log has no state in the log list, as \
             test and monitoring-only logs do"
        ));
    };
    let state_name = lifecycle_name(&state.name);
    let Some(since_ms) = state.timestamp_ms else {
        return Eligibility::Excluded(format!(
            "SCT {number} ({name}) is not counted: the timestamp {:?} of its {state_name} state \
             is not valid RFC 3339",
            state.timestamp
        ));
    };
    let since = format_timestamp(since_ms);

    if since_ms <= now_ms {
        return match state.name.as_str() {
            "qualified" => {
                notes.push(format!(
                    "SCT {number} ({name}) counts, but its log is Qualified and not yet Usable, \
                     so Chrome versions with an older log list do not count it"
                ));
                Eligibility::Current
            }
            "usable" | "readonly" => Eligibility::Current,
            "retired" | "disqualified" => Eligibility::Retired { since_ms },
            "pending" | "rejected" => Eligibility::Excluded(format!(
                "SCT {number} ({name}) is not counted: the log was {state_name} at the time of \
                 check (since {since})"
            )),
            other => Eligibility::Excluded(format!(
                "SCT {number} ({name}) is not counted: the log's state {other:?} is unknown"
            )),
        };
    }

    match state.name.as_str() {
        "pending" | "qualified" => Eligibility::Excluded(format!(
            "SCT {number} ({name}) is not counted: the log became {state_name} only at {since}, \
             after the time of check"
        )),
        "usable" => Eligibility::Excluded(format!(
            "SCT {number} ({name}) is not counted: the log became Usable only at {since}, after \
             the time of check, and the log list does not record when it became Qualified"
        )),
        "readonly" | "retired" | "disqualified" | "rejected" => {
            notes.push(format!(
                "SCT {number} ({name}): the log is assumed Qualified or Usable at the time of \
                 check, because the log list records only that it became {state_name} later, at \
                 {since}"
            ));
            Eligibility::Current
        }
        other => Eligibility::Excluded(format!(
            "SCT {number} ({name}) is not counted: the log's state {other:?} is unknown"
        )),
    }
}

/// Maps a log list state to the capitalised name the CT Log Lifecycle uses.
fn lifecycle_name(state: &str) -> &str {
    match state {
        "pending" => "Pending",
        "qualified" => "Qualified",
        "usable" => "Usable",
        "readonly" => "ReadOnly",
        "retired" => "Retired",
        "rejected" => "Rejected",
        "disqualified" => "disqualified",
        other => other,
    }
}
