//! Link quality: latency statistics over N round trips of a harmless read-only command, and a
//! verdict with thresholds (docs/doctor.md, "Link quality", says why these numbers).

use std::time::Duration;

use serde::Serialize;

use super::Status;
use super::say::{Phrase, join};
use crate::lang::Text;

/// A median round trip above this is slow (docs/doctor.md): a USB CCID reader with a card in
/// a good field answers a short APDU in roughly 5-20 ms, so 50 ms is more than twice the
/// usual cost; at that pace an audit's ~94 APDUs take over 5 s.
pub const MEDIAN_WARN_MS: f64 = 50.0;

/// A single round trip above this took longer than the My Number Card's frame waiting time
/// (FWI = 10 in its ATQB: FWT ≈ 309 ms, card-facts §5): the reader waited for a frame that
/// did not come and retransmitted, or the card asked for waiting-time extensions.
pub const P95_WARN_MS: f64 = 310.0;

/// At or above this share of failed round trips the link is unusable, not merely flaky.
pub const ERROR_SHARE_FAIL: f64 = 0.10;

/// What one round trip did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Answered at the first attempt, with the expected status word.
    Ok,
    /// Answered, after the first attempt failed and one retry was made.
    Retried,
    /// Failed (transport error, or an unexpected status word), described.
    Error(String),
    /// The card left the field (or was reset) during the probe: the probe stops there.
    CardLost,
}

/// One timed round trip.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sample {
    pub elapsed: Duration,
    pub outcome: Outcome,
}

/// The statistics the report carries.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LinkStats {
    /// Round trips attempted (a lost card ends the probe early).
    pub round_trips: usize,
    /// Of which answered (first try or after a retry).
    pub answered: usize,
    /// Over the answered round trips; `None` when none answered.
    pub min_ms: Option<f64>,
    pub median_ms: Option<f64>,
    pub p95_ms: Option<f64>,
    pub max_ms: Option<f64>,
    pub errors: usize,
    pub retries: usize,
    pub card_lost: bool,
    /// The first error seen, for the report.
    pub first_error: Option<String>,
}

fn ms(d: Duration) -> f64 {
    (d.as_secs_f64() * 1_000_000.0).round() / 1000.0
}

/// Median of sorted values (mean of the two middle ones for an even count).
fn median(sorted: &[f64]) -> Option<f64> {
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    let mid = n / 2;
    if n % 2 == 1 {
        sorted.get(mid).copied()
    } else {
        Some((sorted.get(mid - 1)? + sorted.get(mid)?) / 2.0)
    }
}

/// Nearest-rank percentile of sorted values: the smallest value with at least p% at or below.
fn percentile(sorted: &[f64], p: f64) -> Option<f64> {
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    let rank = ((p / 100.0) * n as f64).ceil().max(1.0) as usize;
    sorted.get(rank.min(n) - 1).copied()
}

/// Statistics over the samples, in the order they were taken.
pub fn stats(samples: &[Sample]) -> LinkStats {
    let mut answered: Vec<f64> = samples
        .iter()
        .filter(|s| matches!(s.outcome, Outcome::Ok | Outcome::Retried))
        .map(|s| ms(s.elapsed))
        .collect();
    answered.sort_by(f64::total_cmp);
    let count = |f: fn(&Outcome) -> bool| samples.iter().filter(|s| f(&s.outcome)).count();
    LinkStats {
        round_trips: samples.len(),
        answered: answered.len(),
        min_ms: answered.first().copied(),
        // The mean of two middle values can carry float noise (0.11649999…): round to µs.
        median_ms: median(&answered).map(|m| (m * 1000.0).round() / 1000.0),
        p95_ms: percentile(&answered, 95.0),
        max_ms: answered.last().copied(),
        errors: count(|o| matches!(o, Outcome::Error(_))),
        retries: count(|o| matches!(o, Outcome::Retried)),
        card_lost: samples.iter().any(|s| s.outcome == Outcome::CardLost),
        first_error: samples.iter().find_map(|s| match &s.outcome {
            Outcome::Error(e) => Some(e.clone()),
            _ => None,
        }),
    }
}

/// What to do about a poor link.
pub const PLACEMENT_FIX: Phrase = Phrase::new(
    "place the card flat and centred on the reader, away from metal (a metal desk, a phone, \
     another card in the same wallet); do not move it during the run",
    "カードをリーダーの中央に平らに置き、金属（金属の机、スマートフォン、同じ財布に入れた別のカード）から\
     離してください。実行中は動かさないでください",
);

/// Why a link that answered still warns.
const SLOW_MEDIAN: Phrase = Phrase::new("median over 50 ms", "中央値が 50 ms を超えています");
const SLOW_P95: Phrase = Phrase::new(
    "p95 over 310 ms (the card's frame waiting time)",
    "p95 が 310 ms（カードのフレーム待ち時間）を超えています",
);
const ERRORS: Phrase = Phrase::new("errors", "エラーがあります");
const RETRIES: Phrase = Phrase::new("retries", "再試行がありました");

/// What was measured, in words.
fn seen(s: &LinkStats) -> Text {
    let f = |v: Option<f64>| v.map_or_else(|| "-".to_string(), |v| format!("{v:.1}"));
    let (min, med, p95, max) = (f(s.min_ms), f(s.median_ms), f(s.p95_ms), f(s.max_ms));
    let (n, e, r) = (s.round_trips, s.errors, s.retries);
    Text::new(
        format!(
            "{n} round trips: min {min} / median {med} / p95 {p95} / max {max} ms; {e} error(s), {r} retr{}",
            if r == 1 { "y" } else { "ies" }
        ),
        format!(
            "往復 {n} 回: 最小 {min} / 中央値 {med} / p95 {p95} / 最大 {max} ms、エラー {e} 回、再試行 {r} 回"
        ),
    )
}

/// The link failed: `<what> (<seen>; first error: <error>)`.
fn failed(what: Text, seen: &Text, first_error: Option<&str>) -> Text {
    let e = first_error.unwrap_or("-");
    Text::new(
        format!("{} ({}; first error: {e})", what.en, seen.en),
        format!("{}（{}、最初のエラー: {e}）", what.ja, seen.ja),
    )
}

/// The verdict: status, what was seen, and the fix when not ok.
pub fn verdict(s: &LinkStats) -> (Status, Text, Option<Text>) {
    let seen = seen(s);
    let fix = Some(PLACEMENT_FIX.text());
    if s.card_lost {
        let k = s.round_trips.saturating_sub(1);
        let summary = Text::new(
            format!("the card was lost after {k} round trip(s) ({})", seen.en),
            format!("{k} 回の往復の後でカードが離れました（{}）", seen.ja),
        );
        return (Status::Fail, summary, fix);
    }
    if s.round_trips == 0 {
        let summary = Text::new("no round trips were made", "往復は行われませんでした");
        return (Status::Skip, summary, None);
    }
    let first = s.first_error.as_deref();
    if s.answered == 0 {
        let what = Text::new("no round trip was answered", "応答のあった往復はありません");
        return (Status::Fail, failed(what, &seen, first), fix);
    }
    let error_share = s.errors as f64 / s.round_trips as f64;
    if error_share >= ERROR_SHARE_FAIL {
        let pct = format!("{:.0}%", error_share * 100.0);
        let what = Text::new(
            format!("{pct} of round trips failed"),
            format!("往復の {pct} が失敗しました"),
        );
        return (Status::Fail, failed(what, &seen, first), fix);
    }
    let why: Vec<Text> = [
        (s.median_ms.is_some_and(|m| m > MEDIAN_WARN_MS), SLOW_MEDIAN),
        (s.p95_ms.is_some_and(|p| p > P95_WARN_MS), SLOW_P95),
        (s.errors > 0, ERRORS),
        (s.retries > 0, RETRIES),
    ]
    .into_iter()
    .filter(|(applies, _)| *applies)
    .map(|(_, p)| p.text())
    .collect();
    if why.is_empty() {
        return (Status::Ok, seen, None);
    }
    let why = join(&why);
    let summary = Text::new(
        format!("{} — {}", seen.en, why.en),
        format!("{} — {}", seen.ja, why.ja),
    );
    (Status::Warn, summary, fix)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(ms: u64) -> Sample {
        Sample {
            elapsed: Duration::from_millis(ms),
            outcome: Outcome::Ok,
        }
    }

    fn with(ms: u64, outcome: Outcome) -> Sample {
        Sample {
            elapsed: Duration::from_millis(ms),
            outcome,
        }
    }

    #[test]
    fn statistics_of_a_known_series() {
        // 1..=20 ms: median 10.5, nearest-rank p95 = the 19th value.
        let samples: Vec<Sample> = (1..=20).map(ok).collect();
        let s = stats(&samples);
        assert_eq!(s.round_trips, 20);
        assert_eq!(s.answered, 20);
        assert_eq!(s.min_ms, Some(1.0));
        assert_eq!(s.median_ms, Some(10.5));
        assert_eq!(s.p95_ms, Some(19.0));
        assert_eq!(s.max_ms, Some(20.0));
        assert_eq!((s.errors, s.retries, s.card_lost), (0, 0, false));
        // Odd count, unsorted input.
        let s = stats(&[ok(30), ok(10), ok(20)]);
        assert_eq!(s.median_ms, Some(20.0));
        assert_eq!(s.p95_ms, Some(30.0));
        // The median of two µs values stays at µs precision.
        let s = stats(&[
            Sample {
                elapsed: Duration::from_micros(116),
                outcome: Outcome::Ok,
            },
            Sample {
                elapsed: Duration::from_micros(117),
                outcome: Outcome::Ok,
            },
        ]);
        assert_eq!(s.median_ms, Some(0.117));
        // Sub-millisecond precision is kept.
        let s = stats(&[Sample {
            elapsed: Duration::from_micros(1234),
            outcome: Outcome::Ok,
        }]);
        assert_eq!(s.min_ms, Some(1.234));
    }

    #[test]
    fn empty_and_all_failed() {
        let s = stats(&[]);
        assert_eq!(s.median_ms, None);
        assert_eq!(verdict(&s).0, Status::Skip);
        let s = stats(&[with(5, Outcome::Error("6F00".into()))]);
        assert_eq!(s.min_ms, None);
        let (st, sum, fix) = verdict(&s);
        let sum = sum.en;
        let fix = fix.map(|f| f.en);
        assert_eq!(st, Status::Fail);
        assert!(sum.contains("6F00"), "{sum}");
        assert!(fix.is_some());
    }

    #[test]
    fn a_fast_clean_link_is_ok() {
        let samples: Vec<Sample> = (0..50).map(|i| ok(8 + i % 5)).collect();
        let (st, sum, fix) = verdict(&stats(&samples));
        let sum = sum.en;
        let fix = fix.map(|f| f.en);
        assert_eq!(st, Status::Ok, "{sum}");
        assert!(fix.is_none());
        assert!(sum.starts_with("50 round trips"), "{sum}");
    }

    #[test]
    fn a_20ms_link_is_ok_and_reports_its_median() {
        // The emulator's --latency 20: slow-ish, still within the threshold.
        let samples: Vec<Sample> = (0..50).map(|_| ok(21)).collect();
        let s = stats(&samples);
        assert!(s.median_ms.unwrap() >= 20.0);
        assert_eq!(verdict(&s).0, Status::Ok);
    }

    #[test]
    fn slow_median_warns_with_the_placement_fix() {
        let samples: Vec<Sample> = (0..50).map(|_| ok(51)).collect();
        let (st, sum, fix) = verdict(&stats(&samples));
        let sum = sum.en;
        let fix = fix.map(|f| f.en);
        assert_eq!(st, Status::Warn);
        assert!(sum.contains("median over 50"), "{sum}");
        assert!(fix.unwrap().contains("flat and centred"));
        // Exactly at the threshold is not over it.
        let samples: Vec<Sample> = (0..50).map(|_| ok(50)).collect();
        assert_eq!(verdict(&stats(&samples)).0, Status::Ok);
    }

    #[test]
    fn spikes_warn_through_p95() {
        let mut samples: Vec<Sample> = (0..45).map(|_| ok(10)).collect();
        samples.extend((0..5).map(|_| ok(400)));
        let (st, sum, _) = verdict(&stats(&samples));
        let sum = sum.en;
        assert_eq!(st, Status::Warn);
        assert!(sum.contains("p95 over 310"), "{sum}");
        // 2 spikes in 50 stay under the 95th percentile.
        let mut samples: Vec<Sample> = (0..48).map(|_| ok(10)).collect();
        samples.extend((0..2).map(|_| ok(400)));
        assert_eq!(verdict(&stats(&samples)).0, Status::Ok);
    }

    #[test]
    fn retries_and_a_few_errors_warn_many_errors_fail() {
        let mut samples: Vec<Sample> = (0..49).map(|_| ok(10)).collect();
        samples.push(with(30, Outcome::Retried));
        let s = stats(&samples);
        assert_eq!(s.retries, 1);
        assert_eq!(s.answered, 50);
        let (st, sum, _) = verdict(&s);
        let sum = sum.en;
        assert_eq!(st, Status::Warn);
        assert!(sum.contains("1 retry"), "{sum}");

        let mut samples: Vec<Sample> = (0..46).map(|_| ok(10)).collect();
        samples.extend((0..4).map(|_| with(10, Outcome::Error("transport".into()))));
        assert_eq!(verdict(&stats(&samples)).0, Status::Warn, "8% errors");
        samples.push(with(10, Outcome::Error("transport".into())));
        assert_eq!(verdict(&stats(&samples)).0, Status::Warn, "5 of 51 ≈ 9.8%");
        samples.push(with(10, Outcome::Error("transport".into())));
        assert_eq!(verdict(&stats(&samples)).0, Status::Fail, "6 of 52 ≈ 11.5%");
    }

    #[test]
    fn a_lost_card_fails_and_says_when() {
        let mut samples: Vec<Sample> = (0..12).map(|_| ok(10)).collect();
        samples.push(with(3, Outcome::CardLost));
        let s = stats(&samples);
        assert!(s.card_lost);
        assert_eq!(s.answered, 12);
        let (st, sum, fix) = verdict(&s);
        let sum = sum.en;
        let fix = fix.map(|f| f.en);
        assert_eq!(st, Status::Fail);
        assert!(sum.contains("lost after 12 round trip"), "{sum}");
        assert!(fix.unwrap().contains("do not move it"));
    }
}
