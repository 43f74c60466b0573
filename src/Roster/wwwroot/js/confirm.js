// Confirmation dialogs: a button with data-open-dialog="<id>" opens that <dialog>; the form inside it does the
// change, so nothing happens until the person confirms. Any data-close-dialog button closes its dialog.
(() => {
    document.querySelectorAll("[data-open-dialog]").forEach((button) =>
        button.addEventListener("click", () => document.getElementById(button.dataset.openDialog)?.showModal()));
    document.querySelectorAll("[data-close-dialog]").forEach((button) =>
        button.addEventListener("click", () => button.closest("dialog")?.close()));
})();
