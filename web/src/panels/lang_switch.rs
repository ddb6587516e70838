//! The language switch in the header: 中文 | English.

use crate::t;
use yew::prelude::*;

use crate::state::model::Msg;
use crate::state::persist;
use crate::text::lang::{self, Lang};
use crate::text::tables;

/// Props of the language switch.
#[derive(Properties, Clone, PartialEq)]
pub struct LangSwitchProps {
    /// Sends a message to the model.
    pub dispatch: Callback<Msg>,
}

/// Two buttons, each language named in itself; the page's language is pressed.
#[function_component(LangSwitch)]
pub fn lang_switch(p: &LangSwitchProps) -> Html {
    let now = lang::current();
    html! {
        <span class="group lang-switch" role="group" aria-label={t!("lang.switch")}
              data-view="lang" data-lang={now.code()}>
            { for Lang::ALL.iter().map(|&l| {
                let d = p.dispatch.clone();
                let onclick = Callback::from(move |_: MouseEvent| {
                    let d = d.clone();
                    // The first switch to a language fetches its table.
                    tables::ensure(l, move |loaded| match loaded {
                        Ok(()) => {
                            persist::choose_lang(l);
                            d.emit(Msg::Lang(l));
                        }
                        Err(why) => d.emit(Msg::LangFailed(l, why)),
                    });
                });
                html! {
                    <button class="lang" lang={l.code()} aria-pressed={(l == now).to_string()}
                            title={t!("lang.switch_to", lang = l.own_name())} {onclick}>
                        {l.own_name()}
                    </button>
                }
            }) }
        </span>
    }
}
