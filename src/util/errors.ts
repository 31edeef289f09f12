// Programmer and configuration errors: every one carries a stable code (FAULTLINE_*), so
// tests and tools can match on it and a worker can carry it across threads as data.
// Operating conditions (queue full, PASID gone) are never errors: they are values.

export class FaultlineError extends Error {
  override name = 'FaultlineError';
  readonly code: string;
  readonly detail: Record<string, unknown> | undefined;

  constructor(code: string, message: string, detail?: Record<string, unknown>) {
    super(`${code}: ${message}`);
    this.code = code;
    this.detail = detail;
  }
}

export function fail(code: string, message: string, detail?: Record<string, unknown>): never {
  throw new FaultlineError(code, message, detail);
}

/** Serialised form of an error that crossed a thread boundary (after Comlink's {name, message, stack}). */
export interface ErrorRecord {
  name: string;
  message: string;
  stack: string | undefined;
  code: string | undefined;
}

export function toErrorRecord(err: unknown): ErrorRecord {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return { name: err.name, message: err.message, stack: err.stack, code: typeof code === 'string' ? code : undefined };
  }
  return { name: 'Error', message: String(err), stack: undefined, code: undefined };
}
