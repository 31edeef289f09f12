// The message a call throws, or 'no error': for tests that match several refusals in a row.

export function thrownMessage(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  return 'no error';
}
