//! How large the ring's labels are drawn for the room the ring has on screen.
//!
//! The ring is one SVG scaled to its box (`xMidYMid meet`), so its labels, sized in
//! viewBox units, shrink with the box: at 1280x720 with a dock tab open a 16-unit
//! label is about 8 px with 5 servers. Outside presenter mode the labels under each
//! server (role, phase, epoch and zxid) and its vote badge are drawn `boost` times
//! larger, enough to be [`MIN_LABEL_PX`] on screen, as far as the room between
//! neighbouring servers allows (labels never overlap another server's): a larger
//! label widens the viewBox, so the boost is found with the viewBox it makes. Where
//! the box is wider than the ring, ring.rs also widens the ellipse (`fitted`) so that
//! the servers have room to grow.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, ResizeObserver};
use yew::prelude::*;

/// The smallest on-screen size the labels are boosted to (CSS px).
pub const MIN_LABEL_PX: f64 = 12.0;

/// The labels' base size in viewBox units (static/style.css `.phase-label`,
/// `.facts-label`).
const LABEL_UNITS: f64 = 16.0;

/// The largest boost: beyond it the labels would crowd the servers themselves.
const MAX_BOOST: f64 = 1.6;

/// Boosts are tried in steps of this size (a resize by a few pixels re-renders nothing).
const STEP: f64 = 0.05;

/// The widest label in viewBox units at boost 1: "epoch 12 · 0x1200000123" in the
/// monospace font (0.6 em a character), 23 characters.
const LABEL_WIDTH: f64 = 23.0 * 0.6 * LABEL_UNITS;

/// The label block under a server at boost 1: from the rim to below the last line.
const LABEL_DEPTH: f64 = 82.0;

/// Room above a server at boost 1: its vote badge (ring.rs draws it 22 units above
/// the rim, 17 units tall above that, 156 units wide, all `boost` times larger).
const ABOVE: f64 = 39.0;
const BADGE_HALF: f64 = 78.0;

/// The boost for servers at `centres` (radius `r`) in a box of `size` CSS px, when the
/// viewBox for a boost `b` is `view(b)` (width, height).
pub fn boost(
    centres: &[(f64, f64)],
    r: f64,
    size: (f64, f64),
    view: impl Fn(f64) -> (f64, f64),
) -> f64 {
    if size.0 <= 0.0 || size.1 <= 0.0 {
        return 1.0;
    }
    let mut b = 1.0;
    while b + STEP <= MAX_BOOST + 1e-9
        && label_px(b, size, view(b)) < MIN_LABEL_PX
        && fits(centres, r, b + STEP)
    {
        b += STEP;
    }
    b
}

/// The on-screen size (CSS px) of labels drawn `b` times their size in a viewBox of
/// `vw` x `vh` units shown in a box of `size` CSS px (`xMidYMid meet`).
pub fn label_px(b: f64, (w, h): (f64, f64), (vw, vh): (f64, f64)) -> f64 {
    if vw <= 0.0 || vh <= 0.0 {
        return 0.0;
    }
    LABEL_UNITS * b * (w / vw).min(h / vh)
}

/// Whether every server's labels at boost `b` stay clear of every other server's
/// labels and of its shape and vote badge.
fn fits(centres: &[(f64, f64)], r: f64, b: f64) -> bool {
    let half = LABEL_WIDTH * b / 2.0;
    let depth = LABEL_DEPTH * b;
    centres.iter().enumerate().all(|(i, &(x1, y1))| {
        centres.iter().skip(i + 1).all(|&(x2, y2)| {
            let (dx, dy) = ((x2 - x1).abs(), (y2 - y1).abs());
            // Side by side: the two label blocks, each `2 * half` wide.
            let apart = dx >= 2.0 * half || dy >= depth;
            // One above the other: the upper one's labels end above the lower one's
            // badge, or they are far enough apart sideways to miss its shape and badge.
            let stacked = dx >= half + r.max(BADGE_HALF * b) || dy >= 2.0 * r + depth + ABOVE * b;
            apart && stacked
        })
    })
}

/// The CSS size of `node`'s box, kept by a ResizeObserver and rounded to whole pixels
/// (`(0, 0)` until it is first measured).
#[hook]
pub fn use_box_size(node: NodeRef) -> (f64, f64) {
    let size = use_state_eq(|| (0.0, 0.0));
    {
        let size = size.setter();
        use_effect_with(node, move |node| {
            let observer = node.cast::<HtmlElement>().and_then(|el| {
                let measured = el.clone();
                let on_resize = Closure::<dyn FnMut()>::new(move || {
                    let r = measured.get_bounding_client_rect();
                    size.set((r.width().round(), r.height().round()));
                });
                let o = ResizeObserver::new(on_resize.as_ref().unchecked_ref()).ok()?;
                o.observe(&el);
                Some((o, on_resize))
            });
            move || {
                if let Some((o, _)) = observer {
                    o.disconnect();
                }
            }
        });
    }
    *size
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A row of `n` servers `gap` units apart.
    fn row(n: usize, gap: f64) -> Vec<(f64, f64)> {
        (0..n).map(|i| (i as f64 * gap, 0.0)).collect()
    }

    #[test]
    fn small_labels_grow_to_the_minimum_and_no_further() {
        // 0.5 px a unit: 16-unit labels are 8 px; the viewBox does not grow here.
        let b = boost(&row(2, 1000.0), 44.0, (500.0, 500.0), |_| (1000.0, 1000.0));
        assert!((LABEL_UNITS * b * 0.5 - MIN_LABEL_PX).abs() < LABEL_UNITS * STEP);
        assert!(LABEL_UNITS * b * 0.5 >= MIN_LABEL_PX);
        // Already large enough: no boost.
        assert_eq!(
            boost(&row(2, 1000.0), 44.0, (2000.0, 2000.0), |_| (
                1000.0, 1000.0
            )),
            1.0
        );
        // Unmeasured: no boost.
        assert_eq!(
            boost(&row(2, 1000.0), 44.0, (0.0, 0.0), |_| (1000.0, 1000.0)),
            1.0
        );
    }

    #[test]
    fn the_growing_viewbox_is_taken_into_account() {
        // A fixed view of 1000 units in 500 px: 1.5 makes 16-unit labels 12 px.
        let fixed = boost(&row(2, 1000.0), 44.0, (500.0, 500.0), |_| (1000.0, 1000.0));
        assert!((fixed - 1.5).abs() < 1e-9, "{fixed}");
        // Taller labels make a taller viewBox, a smaller scale: more boost is needed.
        let view = |b: f64| (1000.0, 1000.0 + 100.0 * (b - 1.0));
        let growing = boost(&row(2, 1000.0), 44.0, (500.0, 500.0), view);
        let (_, vh) = view(growing);
        assert!(growing > fixed, "{growing}");
        assert!(LABEL_UNITS * growing * 500.0 / vh >= MIN_LABEL_PX);
    }

    #[test]
    fn neighbours_close_together_keep_their_labels_apart() {
        // Side by side just wider than the labels at boost 1: no room to grow.
        let tight = row(2, LABEL_WIDTH + 1.0);
        assert_eq!(
            boost(&tight, 44.0, (100.0, 100.0), |_| (1000.0, 1000.0)),
            1.0
        );
        // With room for 1.2 times the labels, at most 1.2.
        let roomy = row(2, LABEL_WIDTH * 1.2 + 1.0);
        let b = boost(&roomy, 44.0, (100.0, 100.0), |_| (1000.0, 1000.0));
        assert!(b > 1.0 && b <= 1.2 + 1e-9, "{b}");
        assert!(fits(&roomy, 44.0, b));
    }
}
