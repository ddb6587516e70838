//! The speed slider: simulated time per wall time for a slider position, and its words.

use crate::t;

/// Speed in simulated ms per wall ms for a slider position (0.001x .. 1x).
pub fn speed_of(pos: f64) -> f64 {
    10f64.powf(-3.0 + 3.0 * pos.clamp(0.0, 100.0) / 100.0)
}

/// Words for a speed.
pub fn speed_words(speed: f64) -> String {
    let name = if speed < 0.004 {
        t!("speed.very_slow")
    } else if speed < 0.02 {
        t!("speed.slow")
    } else if speed < 0.1 {
        t!("speed.medium")
    } else if speed < 0.5 {
        t!("speed.fast")
    } else {
        t!("speed.very_fast")
    };
    let per_s = speed * 1000.0;
    let per = if per_s >= 10.0 {
        format!("{per_s:.0}")
    } else {
        format!("{per_s:.1}")
    };
    t!("speed.words", name = name, per = per).into_owned()
}

/// Default slider position (0.05x: a 10 ms packet flight takes 0.2 s).
pub const DEFAULT_SPEED_POS: f64 = 56.6;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speed_is_logarithmic_from_a_thousandth_to_real_time() {
        assert!((speed_of(0.0) - 0.001).abs() < 1e-12);
        assert!((speed_of(100.0) - 1.0).abs() < 1e-12);
        assert!((speed_of(DEFAULT_SPEED_POS) - 0.05).abs() < 0.001);
    }
}
