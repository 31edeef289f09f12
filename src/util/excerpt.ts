// Echoing user input back in a message: a short excerpt, never the whole value, so a
// 50 MB name cannot make a 50 MB error message.

/** Characters of a user's text a message quotes before cutting it. */
export const excerptCharsMax = 40;

/** `text` itself when short, else its first characters, an ellipsis and its length. */
export function excerpt(text: string, max = excerptCharsMax): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}… (${text.length} characters)`;
}
