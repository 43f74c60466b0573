// The header's menus (<details data-menu>: the workspace switcher, the account menu) behave like menus: Escape
// closes the open one and puts focus back on its summary, a click outside closes it, and opening one closes the other.
(() => {
    const menus = () => document.querySelectorAll("details[data-menu]");

    document.addEventListener("keydown", (event) => {
        if (event.key !== "Escape") {
            return;
        }

        for (const menu of menus()) {
            if (menu.open) {
                menu.open = false;
                menu.querySelector("summary")?.focus();
                event.preventDefault();
            }
        }
    });

    document.addEventListener("click", (event) => {
        for (const menu of menus()) {
            if (menu.open && !menu.contains(event.target)) {
                menu.open = false;
            }
        }
    });

    // "toggle" does not bubble: listen in the capture phase to see every menu's.
    document.addEventListener("toggle", (event) => {
        const opened = event.target;
        if (!(opened instanceof HTMLDetailsElement) || !opened.matches("[data-menu]") || !opened.open) {
            return;
        }

        for (const menu of menus()) {
            if (menu !== opened && menu.open) {
                menu.open = false;
            }
        }
    }, true);
})();
