// Times in the viewer's own zone and language. The server writes every time in UTC (`@Html.Time`, Pages/Shared/TimeHtml.cs):
// <time datetime="2026-11-30T01:02:03Z" title="30 Nov 2026, 01:02 UTC" data-local-time>30 Nov 2026, 01:02 UTC</time>.
// This rewrites the text with Intl.DateTimeFormat and leaves the title in UTC, so hovering shows the exact UTC time.
// One format for every time on a page (the invitation popup formats its expiry with the same options).
(() => {
    const format = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
    const localize = (root) => {
        root.querySelectorAll("time[data-local-time]").forEach((element) => {
            const instant = new Date(element.getAttribute("datetime"));
            if (!Number.isNaN(instant.getTime())) {
                element.textContent = format.format(instant);
            }
        });
    };

    localize(document);
})();
