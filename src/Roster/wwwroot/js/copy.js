// Copy buttons: a button with data-copy="<input id>" copies that input's value and says so in its status element
// (data-copy-status="<id>", a live region), falling back to selecting the text where the clipboard is refused.
(() => {
    for (const button of document.querySelectorAll("button[data-copy]")) {
        button.hidden = false;
        button.addEventListener("click", async () => {
            const input = document.getElementById(button.dataset.copy);
            const status = document.getElementById(button.dataset.copyStatus);
            let copied = false;
            try {
                await navigator.clipboard.writeText(input.value);
                copied = true;
            } catch {
                input.select();
            }

            if (status) {
                status.textContent = copied ? "Copied to the clipboard." : "Selected: copy it with your keyboard.";
            }
        });
    }
})();
