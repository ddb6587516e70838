use yew::prelude::*;

#[function_component(App)]
fn app() -> Html {
    html! {
        <main id="app" aria-label="ZabScope">
            <h1>{"ZabScope"}</h1>
            <svg data-view="cluster" role="img" aria-label="Cluster" viewBox="0 0 400 300"></svg>
        </main>
    }
}

fn main() {
    yew::Renderer::<App>::new().render();
}
