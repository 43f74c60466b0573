// The grants grid of Permission Management: each "All ... Permissions" toggle ticks or unticks its whole
// column, and a cell keeps what it implies (data-implies, rendered by the server: edit brings read-only) in step
// within its row. The server adds implied grants anyway; this only shows the person what they will get.
(() => {
    const grid = document.querySelector("[data-grant-grid]");
    if (!grid) {
        return;
    }

    const cells = Array.from(grid.querySelectorAll("input[data-grant]"));
    const toggles = Array.from(grid.querySelectorAll("input[data-toggle-grant]"));
    const implies = (cell) => (cell.dataset.implies || "").split(" ").filter((grant) => grant.length > 0);
    const inRow = (cell, grant) => cell.closest("tr").querySelector(`input[data-grant="${grant}"]`);

    // Ticking a cell ticks what it implies; unticking one unticks the cells that imply it.
    const set = (cell, checked) => {
        cell.checked = checked;
        if (checked) {
            implies(cell).forEach((grant) => {
                const implied = inRow(cell, grant);
                if (implied) {
                    implied.checked = true;
                }
            });
        } else {
            cell.closest("tr").querySelectorAll("input[data-grant]").forEach((other) => {
                if (implies(other).includes(cell.dataset.grant)) {
                    other.checked = false;
                }
            });
        }
    };

    const syncToggles = () => toggles.forEach((toggle) => {
        const column = cells.filter((cell) => cell.dataset.grant === toggle.dataset.toggleGrant);
        toggle.checked = column.length > 0 && column.every((cell) => cell.checked);
    });

    toggles.forEach((toggle) => toggle.addEventListener("change", () => {
        cells.filter((cell) => cell.dataset.grant === toggle.dataset.toggleGrant).forEach((cell) => set(cell, toggle.checked));
        syncToggles();
    }));
    cells.forEach((cell) => cell.addEventListener("change", () => {
        set(cell, cell.checked);
        syncToggles();
    }));
    syncToggles();
})();
