//! The packets in flight that are drawn on the canvas: each one's empty `<g>` of the
//! data-* contract (docs/web-data-attributes.md) and its registration in [`flight`].
//!
//! The ring hands the list over after each render ([`sync`]); a packet just sent gets
//! its `<g>` made whole (attributes set before it joins the page: one DOM change) and
//! one that landed (or was selected, and is drawn as SVG by its own component) loses
//! it. A packet still in flight is not touched. A Yew component per packet would cost
//! about eight DOM changes per packet (Yew inserts an element before setting its
//! attributes, and a component adds a placeholder): at 9+2 servers, about 500 packets
//! a second, 70 of the page's 200 changes a frame (BENCHMARKS.md section 7).

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

use web_sys::Element;

use super::flight::{self, Drawn, Flight, Key, Look};
use crate::engine::views::PacketView;

/// The instance token of these registrations ([`flight::token`] starts at 1): a
/// selected packet's own component registers under its own token, so neither removes
/// the other's.
const TOKEN: u64 = 0;

/// What a packet's `<g>` was made with.
struct Made {
    el: Element,
    flight: Flight,
    compact: bool,
}

thread_local! {
    static MADE: RefCell<BTreeMap<u64, Made>> = const { RefCell::new(BTreeMap::new()) };
}

/// One packet drawn on the canvas: what it is, its path, and whether it is drawn as a
/// dot (a crowded election).
pub struct OnCanvas {
    /// The packet.
    pub view: PacketView,
    /// Its path and times.
    pub flight: Flight,
    /// Drawn as a dot.
    pub compact: bool,
}

/// Makes the `<g>`s inside `layer` those of `packets` at display time `time`.
pub fn sync(layer: Option<Element>, packets: Vec<OnCanvas>, time: f64) {
    let Some(layer) = layer else {
        return;
    };
    let Some(doc) = layer.owner_document() else {
        return;
    };
    MADE.with(|made| {
        let mut made = made.borrow_mut();
        let wanted: BTreeSet<u64> = packets.iter().map(|p| p.view.id).collect();
        made.retain(|id, m| {
            let keep = wanted.contains(id) && m.el.parent_element().as_ref() == Some(&layer);
            if !keep {
                m.el.remove();
                flight::remove(Key::Packet(*id), TOKEN);
            }
            keep
        });
        for p in packets {
            let id = p.view.id;
            let look = || Drawn::Canvas(Look::of(&p.view, p.compact));
            match made.get_mut(&id) {
                Some(m) if m.flight == p.flight && m.compact == p.compact => {}
                Some(m) => {
                    if m.compact != p.compact {
                        let _ = m.el.set_attribute("class", &class(&p.view, p.compact));
                    }
                    (m.flight, m.compact) = (p.flight, p.compact);
                    flight::add(Key::Packet(id), TOKEN, p.flight, look(), time);
                }
                None => {
                    let Some(el) = make(&doc, &p.view, p.compact) else {
                        continue;
                    };
                    if layer.append_child(&el).is_err() {
                        continue;
                    }
                    flight::add(Key::Packet(id), TOKEN, p.flight, look(), time);
                    made.insert(
                        id,
                        Made {
                            el,
                            flight: p.flight,
                            compact: p.compact,
                        },
                    );
                }
            }
        }
    });
}

/// Forgets every packet (the ring is gone).
pub fn clear() {
    MADE.with(|made| {
        for (id, m) in std::mem::take(&mut *made.borrow_mut()) {
            m.el.remove();
            flight::remove(Key::Packet(id), TOKEN);
        }
    });
}

/// The `class` of a packet's `<g>`: `packet`, its phase, `dot` when compact.
fn class(pk: &PacketView, compact: bool) -> String {
    let mut c = format!("packet {}", pk.phase_class());
    if compact {
        c.push_str(" dot");
    }
    c
}

/// A packet's empty `<g>`, its attributes set.
fn make(doc: &web_sys::Document, pk: &PacketView, compact: bool) -> Option<Element> {
    let el = doc
        .create_element_ns(Some("http://www.w3.org/2000/svg"), "g")
        .ok()?;
    for (name, value) in [
        ("class", class(pk, compact)),
        ("data-packet-id", pk.id.to_string()),
        ("data-packet-type", pk.kind.to_string()),
        ("data-from", pk.from.to_string()),
        ("data-to", pk.to.to_string()),
    ] {
        el.set_attribute(name, &value).ok()?;
    }
    Some(el)
}
