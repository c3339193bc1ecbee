/**
 * `indexeddb://<key>`: files as values of one IndexedDB object store (database `nn-files`, store `files`), as
 * TensorFlow.js keeps models under `indexeddb://`. Each write is one `put` in one transaction, which IndexedDB
 * commits whole or not at all: a failed write (quota exceeded, the tab closing) leaves the previous value.
 */

import { describeError } from './args.js';

export const IDB_DATABASE = 'nn-files';
export const IDB_STORE = 'files';

function factory(op: string): IDBFactory {
  const idb = (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  if (!idb) throw new Error(`${op}: indexeddb:// needs IndexedDB, which this runtime lacks (browsers have it; in Node.js use a file path)`);
  return idb;
}

function openDatabase(idb: IDBFactory): Promise<IDBDatabase> {
  const req = idb.open(IDB_DATABASE, 1);
  req.onupgradeneeded = () => req.result.createObjectStore(IDB_STORE);
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

/** Runs `fn` in one transaction on the store and resolves with its result once the transaction has committed. */
async function transact<T>(db: IDBDatabase, mode: IDBTransactionMode, fn: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  try {
    return await new Promise<T>((resolve, reject) => {
      const tx = db.transaction(IDB_STORE, mode, { durability: 'strict' });
      let result: T;
      tx.oncomplete = () => resolve(result);
      // A failed request aborts the transaction; its error (e.g. QuotaExceededError) is the transaction's.
      tx.onabort = () => reject(tx.error ?? new DOMException('the transaction was aborted', 'AbortError'));
      try {
        const req = fn(tx.objectStore(IDB_STORE));
        req.onsuccess = () => (result = req.result);
      } catch (e) {
        tx.abort();
        reject(e);
      }
    });
  } finally {
    db.close();
  }
}

/**
 * One transaction on the store, as `op` doing `what` to `url` (`cannot write indexeddb://run: QuotaExceededError:
 * ...`, the DOMException as the cause).
 */
async function run<T>(op: string, what: string, url: string, mode: IDBTransactionMode, fn: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const idb = factory(op);
  try {
    return await transact(await openDatabase(idb), mode, fn);
  } catch (e) {
    throw new Error(`${op}: cannot ${what} ${url}: ${describeError(e)}`, { cause: e });
  }
}

/** Stores `bytes` under `key`, replacing the previous value only if the whole write commits. */
export async function idbWrite(op: string, key: string, bytes: Uint8Array): Promise<void> {
  // A view is cloned with its whole buffer: store exactly its bytes.
  const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
  await run(op, 'write', `indexeddb://${key}`, 'readwrite', (store) => store.put(own, key));
}

export async function idbRead(op: string, key: string): Promise<Uint8Array> {
  const url = `indexeddb://${key}`;
  const value: unknown = await run(op, 'read', url, 'readonly', (store) => store.get(key));
  if (value === undefined) throw new Error(`${op}: no file ${url}: IndexedDB database '${IDB_DATABASE}' has no key '${key}'`);
  if (!(value instanceof Uint8Array)) throw new Error(`${op}: ${url} holds no saved bytes (a ${Object.prototype.toString.call(value).slice(8, -1)})`);
  return value;
}

/** Deletes `key` (nothing happens if there is none). */
export async function idbRemove(op: string, key: string): Promise<void> {
  await run(op, 'remove', `indexeddb://${key}`, 'readwrite', (store) => store.delete(key));
}

/** Every key, sorted. */
export async function idbKeys(op: string): Promise<string[]> {
  const keys = await run(op, 'list', 'indexeddb://', 'readonly', (store) => store.getAllKeys());
  return keys.map(String).sort();
}
