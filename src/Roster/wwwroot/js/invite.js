// The "Invite to Workspace" popup. It creates a link through the JSON API (with the page's antiforgery token, since
// the call rides on the session cookie), shows it and copies it to the clipboard.
//
// Its states: no link yet (the primary button is "Copy Invitation Link", the result box is hidden), and a link shown
// (the primary is "Copy", which copies the same link again without making a new one, beside "Create another link").
// Changing the permission or a link setting forgets the shown link, so the box always matches the choices. Opening
// the popup starts clean. What each permission grants comes from the server, on the option; nothing here compares
// permission names.
(() => {
    const dialog = document.getElementById("invite-dialog");
    if (!dialog) {
        return;
    }

    const form = document.getElementById("invite-form");
    const permission = document.getElementById("invite-permission");
    const description = document.getElementById("invite-permission-description");
    const adminWarning = document.getElementById("invite-admin-warning");
    const options = document.getElementById("invite-options");
    const maxUses = document.getElementById("invite-max-uses");
    const domains = document.getElementById("invite-domains");
    const result = document.getElementById("invite-result");
    const linkBox = document.getElementById("invite-link");
    const status = document.getElementById("invite-status");
    const error = document.getElementById("invite-error");
    const primary = document.getElementById("invite-primary");
    const another = document.getElementById("invite-another");

    // The API's field names, as its validation errors name them.
    const fields = {
        permission,
        expiresInDays: document.getElementById("invite-expiry"),
        maxUses,
        allowedDomains: domains,
    };
    const errorOf = (name) => dialog.querySelector(`[data-error-for="${name}"]`);
    Object.values(fields).forEach((field) => {
        field.dataset.describedby = field.getAttribute("aria-describedby") ?? "";
    });

    let shown = null; // the link in the box: the API's answer for it, or null
    let createdAny = false;
    let busy = false;

    // A field's description: its hint, the Admin warning while it shows (for the permission), and its error.
    const refreshDescription = (name) => {
        const field = fields[name];
        const ids = [field.dataset.describedby];
        if (field === permission && !adminWarning.hidden) {
            ids.push(adminWarning.id);
        }

        if (field.getAttribute("aria-invalid") === "true") {
            ids.push(errorOf(name).id);
        }

        const value = ids.filter((id) => id).join(" ");
        if (value) {
            field.setAttribute("aria-describedby", value);
        } else {
            field.removeAttribute("aria-describedby");
        }
    };

    const setFieldError = (name, message) => {
        errorOf(name).textContent = message ?? "";
        if (message) {
            fields[name].setAttribute("aria-invalid", "true");
        } else {
            fields[name].removeAttribute("aria-invalid");
        }

        refreshDescription(name);
    };

    const clearErrors = () => {
        Object.keys(fields).forEach((name) => setFieldError(name, null));
        error.textContent = "";
    };

    const showPermission = () => {
        const option = permission.selectedOptions[0];
        description.textContent = option?.dataset.description ?? "";
        adminWarning.hidden = option?.dataset.administers !== "true";
        maxUses.placeholder = option?.dataset.singleUse === "true" ? "1" : "Unlimited";
        refreshDescription("permission");
    };

    const forgetLink = () => {
        shown = null;
        linkBox.value = "";
        status.textContent = "";
        result.hidden = true;
        another.hidden = true;
        primary.textContent = "Copy Invitation Link";
    };

    const reset = () => {
        form.reset();
        options.open = false;
        clearErrors();
        forgetLink();
        showPermission();
    };

    const copy = async (text) => {
        try {
            await navigator.clipboard.writeText(text);
            return true;
        } catch {
            linkBox.select();
            return document.execCommand && document.execCommand("copy");
        }
    };

    // "7 Dec 2026, 10:00 UTC": the hover text of every time on Roster's pages (TimeHtml.UtcText on the server).
    const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    const twoDigits = (number) => String(number).padStart(2, "0");
    const utcText = (instant) =>
        `${instant.getUTCDate()} ${months[instant.getUTCMonth()]} ${instant.getUTCFullYear()}, ${twoDigits(instant.getUTCHours())}:${twoDigits(instant.getUTCMinutes())} UTC`;

    // "<lead> It expires on <time> and can be used once." The time is the viewer's local time, with UTC on hover.
    const setStatus = (lead, link) => {
        const expires = new Date(link.expiresAt);
        const time = document.createElement("time");
        time.dateTime = expires.toISOString();
        time.title = utcText(expires);
        time.textContent = expires.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
        const uses = link.maxUses === null ? "any number of times" : (link.maxUses === 1 ? "once" : `${link.maxUses} times`);
        status.replaceChildren(`${lead} It expires on `, time, ` and can be used ${uses}.`);
    };

    // The choices as the API takes them, or null after showing what to fix beside the field.
    const readChoices = () => {
        const rawMaxUses = maxUses.value.trim();
        const limit = Number(maxUses.max);
        if (maxUses.validity.badInput
            || (rawMaxUses !== "" && (!/^[0-9]+$/.test(rawMaxUses) || Number(rawMaxUses) < 1 || Number(rawMaxUses) > limit))) {
            setFieldError("maxUses", `Enter a whole number from 1 to ${limit}, or leave it empty for no limit.`);
            options.open = true;
            maxUses.focus();
            return null;
        }

        const body = {
            permission: permission.value,
            expiresInDays: Number(fields.expiresInDays.value),
            allowedDomains: domains.value.split(/[\s,]+/).filter((domain) => domain.length > 0),
        };
        if (rawMaxUses !== "") {
            body.maxUses = Number(rawMaxUses);
        }

        return body;
    };

    const generalMessage = (response, payload) => {
        if (response.status === 401) {
            return "You have been signed out. Sign in again to invite people.";
        }

        if (response.status === 403 && payload.code !== "plan.feature_locked") {
            return "You can no longer invite people to this workspace. Reload the page to see what changed.";
        }

        return payload.title || "The link could not be created. Try again.";
    };

    // Field errors go beside their field (the first one gets the focus); the rest is the popup's general error.
    const showProblem = (response, payload) => {
        const others = [];
        let first = null;
        for (const [name, messages] of Object.entries(payload.errors ?? {})) {
            if (fields[name]) {
                setFieldError(name, [messages].flat().join(" "));
                first ??= fields[name];
            } else {
                others.push(...[messages].flat());
            }
        }

        if (first) {
            if (options.contains(first)) {
                options.open = true;
            }

            first.focus();
        }

        if (!first || others.length > 0) {
            error.textContent = others.length > 0 ? others.join(" ") : generalMessage(response, payload);
        }
    };

    const createLink = async () => {
        if (busy) {
            return;
        }

        clearErrors();
        const body = readChoices();
        if (!body) {
            return;
        }

        busy = true;
        let response;
        let payload;
        try {
            response = await fetch(`/api/v1/workspaces/${dialog.dataset.workspaceId}/invitation-links`, {
                method: "POST",
                headers: { "Content-Type": "application/json", "RequestVerificationToken": dialog.dataset.antiforgery },
                credentials: "same-origin",
                body: JSON.stringify(body),
            });
            payload = await response.json().catch(() => ({}));
        } catch {
            error.textContent = "Roster could not be reached, so no link was made. Check your connection and try again.";
            return;
        } finally {
            busy = false;
        }

        if (!response.ok) {
            showProblem(response, payload);
            return;
        }

        createdAny = true;
        shown = payload;
        linkBox.value = payload.url;
        result.hidden = false;
        another.hidden = false;
        primary.textContent = "Copy";
        const copied = await copy(payload.url);
        setStatus(copied ? "Invitation link copied to the clipboard." : "Invitation link created: copy it from the box above.", payload);
    };

    const copyAgain = async () => {
        const copied = await copy(shown.url);
        setStatus(copied ? "Copied again: the same link, no new one was made." : "Copy the link from the box above: it is the same link.", shown);
    };

    form.addEventListener("submit", (event) => {
        event.preventDefault();
        if (shown) {
            copyAgain();
        } else {
            createLink();
        }
    });
    another.addEventListener("click", () => createLink());

    // A new choice needs a new link: the box never shows a link that grants something else than the choices say.
    const choiceChanged = (event) => {
        const name = Object.keys(fields).find((key) => fields[key] === event.target);
        if (!name) {
            return;
        }

        if (name === "permission") {
            showPermission();
        }

        setFieldError(name, null);
        error.textContent = "";
        if (shown) {
            forgetLink();
        }
    };
    form.addEventListener("input", choiceChanged);
    form.addEventListener("change", choiceChanged);

    document.querySelectorAll("[data-open-invite]").forEach((button) =>
        button.addEventListener("click", () => {
            reset();
            dialog.showModal();
        }));
    dialog.querySelector("[data-close-invite]").addEventListener("click", () => dialog.close());
    dialog.addEventListener("close", () => {
        if (createdAny && dialog.dataset.reloadAfterInvite === "true") {
            window.location.reload();
        }
    });
    showPermission();
})();
