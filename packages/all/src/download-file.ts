/**
 * `downloads://<file name>`: saving as a browser download, through a Blob URL and an `<a download>` click (what
 * TensorFlow.js's `downloads://` does). Save only: a page cannot read the user's downloads back, so loading takes
 * the `File` the user picks (`<input type="file">`) instead.
 */

/** How long the Blob URL stays valid after the click (some browsers start reading it only later). */
const REVOKE_AFTER_MS = 60_000;

export function download(op: string, name: string, bytes: Uint8Array, type: string): void {
  const doc = (globalThis as { document?: Document }).document;
  if (!doc?.body || typeof URL.createObjectURL !== 'function')
    throw new Error(`${op}: downloads:// needs a page with a document (not Node.js or a worker); in a worker, save to indexeddb:// or opfs:// or post the bytes to the page`);
  if (name.includes('/') || name.includes('\\'))
    throw new Error(`${op}: downloads:// takes a file name without folders (the browser picks the folder), got 'downloads://${name}'`);
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type }));
  const a = doc.createElement('a');
  a.href = url;
  a.download = name;
  a.style.display = 'none';
  doc.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), REVOKE_AFTER_MS);
}
