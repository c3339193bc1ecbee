/** gzip detection and decompression with the web-standard `DecompressionStream` (browsers, Node 18+). */

/** Whether `bytes` start with the gzip magic number 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Decompresses gzip `bytes`; a corrupt or truncated stream throws `op: corrupt gzip data: <reason>`. */
export async function gunzip(op: string, bytes: Uint8Array): Promise<Uint8Array> {
  if (typeof DecompressionStream !== 'function')
    throw new Error(
      `${op}: gzip data needs DecompressionStream (browsers, Node 18+), which this runtime lacks; decompress the bytes first`,
    );
  const ds = new DecompressionStream('gzip');
  const writer = ds.writable.getWriter();
  const written = writer.write(bytes as Uint8Array<ArrayBuffer>).then(() => writer.close());
  written.catch(() => {}); // the same failure surfaces on the reading side
  const reader = ds.readable.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      total += value.length;
    }
    await written;
  } catch (e) {
    throw new Error(`${op}: corrupt gzip data: ${(e as Error).message}`);
  }
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}
