export interface Style {
  green(text: string): string;
  yellow(text: string): string;
  red(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

const wrap = (open: number, close: number) => (text: string) => `\u001b[${open}m${text}\u001b[${close}m`;

const colour: Style = {
  green: wrap(32, 39),
  yellow: wrap(33, 39),
  red: wrap(31, 39),
  dim: wrap(2, 22),
  bold: wrap(1, 22),
};
const plain: Style = { green: (t) => t, yellow: (t) => t, red: (t) => t, dim: (t) => t, bold: (t) => t };

/** Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function styleFor(stream: { isTTY?: boolean }, env: Record<string, string | undefined>): Style {
  return stream.isTTY && env.NO_COLOR === undefined ? colour : plain;
}

export const noStyle = plain;
