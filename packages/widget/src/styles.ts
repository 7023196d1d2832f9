import { css } from "lit";

/**
 * Shared shadow-DOM styles. Everything lives inside the shadow root, so the widget cannot leak styles
 * into the host admin page. The `.root` wrapper resets every inherited property (`all: initial`) so a
 * hostile host stylesheet (`* { color: red !important; text-transform: uppercase }`) cannot bleed in;
 * only CSS custom properties pass through, and they are the theming API:
 *
 * `--obmen-font`, `--obmen-font-size`, `--obmen-color`, `--obmen-bg`, `--obmen-muted`, `--obmen-border`,
 * `--obmen-accent`, `--obmen-accent-text`, `--obmen-error`, `--obmen-warn`, `--obmen-ok`, `--obmen-focus`,
 * `--obmen-radius`, `--obmen-header-bg`, `--obmen-mono`.
 *
 * Parts for `::part()`: panel, heading, section, field, label, help, input, button, primary-button,
 * table, error, warning, status, xml.
 */
export const baseStyles = css`
	:host {
		display: block;
	}
	:host([hidden]) {
		display: none;
	}
	.root {
		all: initial;
		display: block;
		box-sizing: border-box;
		font-family: var(--obmen-font, system-ui, "Segoe UI", Arial, sans-serif);
		font-size: var(--obmen-font-size, 14px);
		line-height: 1.4;
		color: var(--obmen-color, #1d2329);
		background: var(--obmen-bg, #ffffff);
		border: 1px solid var(--obmen-border, #c7ccd1);
		border-radius: var(--obmen-radius, 4px);
		padding: 12px 16px;
		text-align: start;
	}
	.root *,
	.root *::before,
	.root *::after {
		box-sizing: border-box;
		font-family: inherit;
		letter-spacing: normal;
		text-transform: none;
	}
	h2 {
		font-size: 1.25em;
		margin: 0 0 8px;
		padding: 4px 0;
		font-weight: 600;
		background: var(--obmen-header-bg, transparent);
	}
	h3 {
		font-size: 1.05em;
		margin: 0 0 6px;
		font-weight: 600;
	}
	p {
		margin: 4px 0;
	}
	fieldset {
		border: 1px solid var(--obmen-border, #c7ccd1);
		border-radius: var(--obmen-radius, 4px);
		margin: 0 0 12px;
		padding: 8px 12px 12px;
		min-width: 0;
	}
	legend {
		font-weight: 600;
		padding: 0 4px;
	}
	label {
		cursor: default;
	}
	input,
	select,
	button,
	textarea {
		font: inherit;
		color: inherit;
		margin: 0;
	}
	input[type="text"],
	input[type="number"],
	input[type="password"],
	input[type="url"],
	select {
		border: 1px solid var(--obmen-border, #8a939c);
		border-radius: var(--obmen-radius, 4px);
		padding: 4px 6px;
		background: var(--obmen-input-bg, #fff);
		min-height: 28px;
		max-width: 100%;
	}
	input[aria-invalid="true"],
	select[aria-invalid="true"] {
		border-color: var(--obmen-error, #b00020);
		border-width: 2px;
	}
	button {
		border: 1px solid var(--obmen-border, #8a939c);
		border-radius: var(--obmen-radius, 4px);
		background: var(--obmen-button-bg, #f2f4f6);
		padding: 4px 10px;
		min-height: 28px;
		cursor: pointer;
	}
	button.primary {
		background: var(--obmen-accent, #1f5fa8);
		border-color: var(--obmen-accent, #1f5fa8);
		color: var(--obmen-accent-text, #ffffff);
		font-weight: 600;
	}
	button:disabled {
		opacity: 0.55;
		cursor: not-allowed;
	}
	:focus-visible {
		outline: 3px solid var(--obmen-focus, #ffbf47);
		outline-offset: 1px;
	}
	.help {
		color: var(--obmen-muted, #4f5962);
		font-size: 0.9em;
		margin: 2px 0 0;
	}
	.field {
		margin: 0 0 10px;
	}
	.field > label,
	.field > .label {
		display: block;
		font-weight: 600;
		margin-bottom: 2px;
	}
	.check {
		display: flex;
		gap: 6px;
		align-items: baseline;
		font-weight: 600;
	}
	.error {
		color: var(--obmen-error, #b00020);
		font-weight: 600;
		margin: 2px 0 0;
	}
	.error::before {
		content: "⚠ ";
	}
	.warning {
		color: var(--obmen-warn, #8a5300);
	}
	.ok {
		color: var(--obmen-ok, #1b6e2a);
	}
	.banner {
		border: 2px solid currentColor;
		border-radius: var(--obmen-radius, 4px);
		padding: 6px 10px;
		margin: 8px 0;
	}
	table {
		border-collapse: collapse;
		width: 100%;
		margin: 4px 0 8px;
	}
	caption {
		text-align: start;
		font-weight: 600;
		padding: 4px 0;
	}
	th,
	td {
		border: 1px solid var(--obmen-border, #c7ccd1);
		padding: 3px 6px;
		text-align: start;
		vertical-align: top;
		font-size: 0.95em;
	}
	th {
		background: var(--obmen-header-bg, #eef1f4);
		font-weight: 600;
	}
	.scroll {
		overflow-x: auto;
		max-width: 100%;
		/* wide tables scroll instead of widening an old table-layout host page */
		contain: inline-size;
	}
	.num {
		text-align: end;
		font-variant-numeric: tabular-nums;
	}
	.row {
		display: flex;
		flex-wrap: wrap;
		gap: 8px;
		align-items: center;
	}
	/* a wide text box that still fits a phone: percentage width (no min-content contribution), capped */
	input.wide {
		width: 100%;
		max-width: 34em;
	}
	/* the settings' save bar stays in view while the long form scrolls */
	.savebar {
		position: sticky;
		bottom: 0;
		z-index: 1;
		background: var(--obmen-bg, #ffffff);
		border-top: 1px solid var(--obmen-border, #c7ccd1);
		padding: 8px 0;
		margin-bottom: 0;
	}
	.toolbar {
		display: flex;
		flex-wrap: wrap;
		gap: 8px;
		align-items: center;
		margin: 8px 0;
	}
	.visually-hidden {
		position: absolute;
		width: 1px;
		height: 1px;
		overflow: hidden;
		clip-path: inset(50%);
		white-space: nowrap;
	}
	code,
	pre {
		font-family: var(--obmen-mono, ui-monospace, "Consolas", "Courier New", monospace);
	}
`;
