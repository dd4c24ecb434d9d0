/** A one-line progress bar on stderr, drawn only when stderr is a terminal (never in --json pipes). */
export interface Progress {
  readonly update: (done: number, total: number, label: string) => void;
  readonly done: () => void;
}

export const progress = (enabled: boolean): Progress => {
  const on = enabled && process.stderr.isTTY === true;
  let last = 0;
  return {
    update: (done, total, label) => {
      if (!on) return;
      const now = Date.now();
      if (done !== total && now - last < 50) return;
      last = now;
      const width = 30;
      const filled = total === 0 ? width : Math.round((done / total) * width);
      const bar = '#'.repeat(filled) + '-'.repeat(width - filled);
      const cols = process.stderr.columns ?? 100;
      const line = `[${bar}] ${done}/${total} ${label}`.slice(0, cols - 1);
      process.stderr.write(`\r\x1b[K${line}`);
    },
    done: () => {
      if (on) process.stderr.write('\r\x1b[K');
    },
  };
};
