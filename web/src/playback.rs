//! The animation loop: one `requestAnimationFrame` callback that advances simulated
//! time by wall time × speed (capped per frame in [`Model::frame`]) and redraws.
//! It exists only while playing: paused, nothing runs at all.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::functional::UseForceUpdateHandle;

use crate::model::Model;

type FrameFn = Closure<dyn FnMut(f64)>;

/// The running loop; dropping it cancels the next frame and frees the callback.
pub struct Handle {
    next: Rc<Cell<Option<i32>>>,
    callback: Rc<RefCell<Option<FrameFn>>>,
}

impl Drop for Handle {
    fn drop(&mut self) {
        if let (Some(id), Some(w)) = (self.next.take(), web_sys::window()) {
            let _ = w.cancel_animation_frame(id);
        }
        // Breaks the callback's reference to itself.
        self.callback.borrow_mut().take();
    }
}

fn request(cb: &FrameFn) -> Option<i32> {
    web_sys::window()?
        .request_animation_frame(cb.as_ref().unchecked_ref())
        .ok()
}

/// Starts the loop.
pub fn start(model: Rc<RefCell<Model>>, redraw: UseForceUpdateHandle) -> Handle {
    let callback: Rc<RefCell<Option<FrameFn>>> = Rc::new(RefCell::new(None));
    let next = Rc::new(Cell::new(None));
    let last: Cell<Option<f64>> = Cell::new(None);
    let again = callback.clone();
    let next_id = next.clone();
    *callback.borrow_mut() = Some(Closure::new(move |ts: f64| {
        let wall = last.replace(Some(ts)).map_or(0.0, |prev| ts - prev);
        let draw = model.borrow_mut().frame(wall, ts);
        if draw {
            redraw.force_update();
        }
        let playing = model.borrow().playing;
        next_id.set(if playing {
            again.borrow().as_ref().and_then(request)
        } else {
            None
        });
    }));
    next.set(callback.borrow().as_ref().and_then(request));
    Handle { next, callback }
}
