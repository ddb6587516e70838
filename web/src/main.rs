use yew::prelude::*;

#[function_component(App)]
fn app() -> Html {
    html! { <main id="app" aria-label="ZabScope"><h1>{"ZabScope"}</h1></main> }
}

fn main() {
    yew::Renderer::<App>::new().render();
}
