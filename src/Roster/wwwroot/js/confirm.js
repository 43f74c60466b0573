// Confirmation dialogs: a button with data-open-dialog="<id>" opens that <dialog>; the form inside it does the
// change, so nothing happens until the person confirms. Any data-close-dialog button closes its dialog.
// One dialog can serve many buttons: before it opens, each element inside it marked data-dialog-field="<name>" takes the
// opening button's data-dialog-<name> (as its text, or an input's value), so a table's rows share one dialog.
(() => {
    document.querySelectorAll("[data-open-dialog]").forEach((button) =>
        button.addEventListener("click", () => {
            const dialog = document.getElementById(button.dataset.openDialog);
            if (!dialog) {
                return;
            }
            dialog.querySelectorAll("[data-dialog-field]").forEach((field) => {
                const value = button.getAttribute(`data-dialog-${field.dataset.dialogField}`);
                if (value === null) {
                    return;
                }
                if (field instanceof HTMLInputElement) {
                    field.value = value;
                } else {
                    field.textContent = value;
                }
            });
            dialog.showModal();
        }));
    document.querySelectorAll("[data-close-dialog]").forEach((button) =>
        button.addEventListener("click", () => button.closest("dialog")?.close()));
})();
