// The "Invite to Workspace" popup: creates a link through the JSON API (with the page's antiforgery
// token, since the call rides on the session cookie), shows it and copies it to the clipboard.
(() => {
    const dialog = document.getElementById("invite-dialog");
    if (!dialog) {
        return;
    }

    const form = document.getElementById("invite-form");
    const permission = document.getElementById("invite-permission");
    const maxUses = document.getElementById("invite-max-uses");
    const result = document.getElementById("invite-result");
    const linkBox = document.getElementById("invite-link");
    const status = document.getElementById("invite-status");
    const error = document.getElementById("invite-error");
    let created = false;

    const updateMaxUsesHint = () => {
        const singleUse = permission.selectedOptions[0]?.dataset.singleUse === "true";
        maxUses.placeholder = singleUse ? "1 (this permission administers the workspace: the link works once)" : "Unlimited";
    };
    permission.addEventListener("change", updateMaxUsesHint);
    updateMaxUsesHint();

    document.querySelectorAll("[data-open-invite]").forEach((button) =>
        button.addEventListener("click", () => dialog.showModal()));
    dialog.querySelector("[data-close-invite]").addEventListener("click", () => dialog.close());
    dialog.addEventListener("close", () => {
        if (created && dialog.dataset.reloadAfterInvite === "true") {
            window.location.reload();
        }
    });

    const copy = async (text) => {
        try {
            await navigator.clipboard.writeText(text);
            return true;
        } catch {
            linkBox.select();
            return document.execCommand && document.execCommand("copy");
        }
    };

    form.addEventListener("submit", async (event) => {
        event.preventDefault();
        error.textContent = "";
        const body = {
            permission: permission.value,
            expiresInDays: Number(form.elements.expiresInDays.value),
            allowedDomains: form.elements.allowedDomains.value.split(/[\s,]+/).filter((domain) => domain.length > 0),
        };
        if (maxUses.value !== "") {
            body.maxUses = Number(maxUses.value);
        }

        const response = await fetch(`/api/v1/workspaces/${dialog.dataset.workspaceId}/invitation-links`, {
            method: "POST",
            headers: { "Content-Type": "application/json", "RequestVerificationToken": dialog.dataset.antiforgery },
            credentials: "same-origin",
            body: JSON.stringify(body),
        });
        const payload = await response.json().catch(() => ({}));
        if (!response.ok) {
            const fieldErrors = payload.errors ? Object.values(payload.errors).flat() : [];
            error.textContent = fieldErrors.length > 0 ? fieldErrors.join(" ") : (payload.title || "The link could not be created. Try again.");
            return;
        }

        created = true;
        linkBox.value = payload.url;
        result.hidden = false;
        const expires = new Date(payload.expiresAt).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
        const uses = payload.maxUses === null ? "any number of times" : (payload.maxUses === 1 ? "once" : `${payload.maxUses} times`);
        const copied = await copy(payload.url);
        status.textContent = (copied ? "Invitation link copied to the clipboard. " : "Invitation link created: copy it from the box above. ")
            + `It expires on ${expires} and can be used ${uses}.`;
    });
})();
