/**
 * @nn/layers — not built yet: see README.md for what this package will hold. It exports nothing so far, so that
 * nothing here pretends to work.
 */
export {};
