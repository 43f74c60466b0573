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
        selectTab(tabs[0], false);
        form.reset();
        document.getElementById("invite-email-result")?.replaceChildren();
        const emailError = document.getElementById("invite-email-error");
        if (emailError) {
            emailError.textContent = "";
        }

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

    // ---- The tabs (WAI-ARIA tabs pattern, automatic activation): Share a link (first, default) and Invite by email.
    const tabs = [...dialog.querySelectorAll('[role="tab"]')];
    const emailPanel = document.getElementById("invite-panel-email");
    let emailReady = false;

    function selectTab(tab, focus) {
        tabs.forEach((other) => {
            const selected = other === tab;
            other.setAttribute("aria-selected", selected ? "true" : "false");
            other.tabIndex = selected ? 0 : -1;
            document.getElementById(other.getAttribute("aria-controls")).hidden = !selected;
        });
        if (tab.id === "invite-tab-email" && !emailReady) {
            emailReady = true;
            emailPanel.append(document.getElementById("invite-email-template").content.cloneNode(true));
            setUpEmail();
        }

        if (focus) {
            tab.focus();
        }
    }

    tabs.forEach((tab, index) => {
        tab.addEventListener("click", () => selectTab(tab, true));
        tab.addEventListener("keydown", (event) => {
            const next = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: tabs.length - 1 }[event.key];
            if (next === undefined) {
                return;
            }

            event.preventDefault();
            selectTab(tabs[(next + tabs.length) % tabs.length], true);
        });
    });

    // ---- Invite by email: the addresses as pasted (commas, spaces, new lines), one permission, one request. The answer
    // says who was invited, whose invitation was renewed, who is already a member, and lists each entry that is not an
    // address with its reason; those stay in the box to be corrected, nothing is dropped without a word.
    function setUpEmail() {
        const send = document.getElementById("invite-email-send");
        if (!send) {
            return; // The plan lacks the feature: the panel shows it locked.
        }

        const emails = document.getElementById("invite-emails");
        const emailPermission = document.getElementById("invite-email-permission");
        const emailError = document.getElementById("invite-email-error");
        const emailResult = document.getElementById("invite-email-result");
        let sending = false;

        const listOf = (title, items) => {
            const section = document.createElement("div");
            const heading = document.createElement("p");
            heading.textContent = title;
            const list = document.createElement("ul");
            items.forEach((text) => {
                const item = document.createElement("li");
                item.textContent = text;
                list.append(item);
            });
            section.append(heading, list);
            return section;
        };

        send.addEventListener("click", async () => {
            if (sending) {
                return;
            }

            emailError.textContent = "";
            emails.removeAttribute("aria-invalid");
            const entries = emails.value.split(/[\s,;]+/).filter((entry) => entry.length > 0);
            if (entries.length === 0) {
                emailError.textContent = "Enter at least one email address.";
                emails.setAttribute("aria-invalid", "true");
                emails.focus();
                return;
            }

            sending = true;
            let response;
            let payload;
            try {
                response = await fetch(`/api/v1/workspaces/${dialog.dataset.workspaceId}/email-invitations`, {
                    method: "POST",
                    headers: { "Content-Type": "application/json", "RequestVerificationToken": dialog.dataset.antiforgery },
                    credentials: "same-origin",
                    body: JSON.stringify({ emails: entries, permission: emailPermission.value }),
                });
                payload = await response.json().catch(() => ({}));
            } catch {
                emailError.textContent = "Roster could not be reached, so no invitation was sent. Check your connection and try again.";
                return;
            } finally {
                sending = false;
            }

            if (!response.ok) {
                const messages = Object.values(payload.errors ?? {}).flat();
                emailError.textContent = messages.length > 0 ? messages.join(" ") : generalMessage(response, payload);
                return;
            }

            createdAny = true;
            const parts = [];
            const invited = payload.invited.map((i) => i.email);
            const renewed = payload.renewed.map((i) => i.email);
            if (invited.length > 0) {
                parts.push(listOf(`Invited ${invited.length}:`, invited));
            }

            if (renewed.length > 0) {
                parts.push(listOf(`Sent again, with a new link (already invited) ${renewed.length}:`, renewed));
            }

            if (payload.alreadyMembers.length > 0) {
                parts.push(listOf(`Already members, not invited ${payload.alreadyMembers.length}:`, payload.alreadyMembers));
            }

            if (payload.invalid.length > 0) {
                parts.push(listOf(`Not sent, not email addresses ${payload.invalid.length}:`, payload.invalid.map((i) => `${i.email}: ${i.reason}`)));
            }

            emailResult.replaceChildren(...parts);
            emails.value = payload.invalid.map((i) => i.email).join("\n");
        });
    }

    document.querySelectorAll("[data-open-invite]").forEach((button) =>
        button.addEventListener("click", () => {
            reset();
            dialog.showModal();
        }));
    dialog.addEventListener("click", (event) => {
        if (event.target.closest("[data-close-invite]")) {
            dialog.close();
        }
    });
    dialog.addEventListener("close", () => {
        if (createdAny && dialog.dataset.reloadAfterInvite === "true") {
            window.location.reload();
        }
    });
    showPermission();
})();
