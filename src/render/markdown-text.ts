import type { DiagnosticJson } from '../commands/load.js';
/** Values are user data: `<script>` in a description must not become markup in a PR comment. */
export const escapeHtml = (text: string) => text.replace(/&(?!nbsp;)/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Text in a table cell: a `|` would end the cell and a line break the row. */
export const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');

/** Where a manifest problem is, as inline code followed by a space; empty when it has no place. */
export const diagnosticPlace = (d: DiagnosticJson): string => (d.file === null ? '' : `\`${d.file}:${d.line ?? 0}:${d.column ?? 0}\` `);
