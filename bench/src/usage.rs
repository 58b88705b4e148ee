//! How much CPU time and memory a process used: this one through `getrusage`, another one (the
//! server) through `/proc/PID/stat` where there is one.

use std::time::Duration;

use nix::sys::resource::{UsageWho, getrusage};
use nix::sys::time::TimeVal;
use nix::unistd::{SysconfVar, sysconf};

/// CPU time (user and system) this process has used so far.
pub fn own_cpu() -> Duration {
    let usage = getrusage(UsageWho::RUSAGE_SELF).expect("getrusage of this process");
    timeval(usage.user_time()) + timeval(usage.system_time())
}

/// The peak resident memory of this process so far, in KiB.
pub fn own_max_rss_kib() -> u64 {
    let usage = getrusage(UsageWho::RUSAGE_SELF).expect("getrusage of this process");
    // Linux reports KiB; macOS reports bytes.
    let max_rss = u64::try_from(usage.max_rss()).unwrap_or(0);
    if cfg!(target_os = "macos") {
        max_rss / 1024
    } else {
        max_rss
    }
}

fn timeval(t: TimeVal) -> Duration {
    let secs = u64::try_from(t.tv_sec()).unwrap_or(0);
    let micros = u64::try_from(t.tv_usec()).unwrap_or(0);
    Duration::from_secs(secs) + Duration::from_micros(micros)
}

/// CPU time (user and system) process `pid` has used so far, read from `/proc/PID/stat`; `None`
/// where there is no such file (not Linux) or it cannot be read.
pub fn process_cpu(pid: u32) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) is in parentheses and may hold spaces: count from after it.
    let after_name = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    // Fields 14 and 15 of the file (utime, stime) are the 12th and 13th after the name.
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    let per_sec = u64::try_from(sysconf(SysconfVar::CLK_TCK).ok()??).ok()?;
    Some(Duration::from_secs_f64(ticks as f64 / per_sec as f64))
}
